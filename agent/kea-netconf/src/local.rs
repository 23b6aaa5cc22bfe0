//! The local socket of the agent, for `sysrepocfg`: import, export and edit
//! of a datastore, per module, in XML or JSON.
//!
//! One JSON request per connection (a line), one JSON answer:
//! `{"op": "import"|"export"|"edit", "datastore": "running", "module":
//! "kea-dhcp6-server", "format": "xml", "data": "...", "xpath": "..."}` →
//! `{"ok": true, "data": "..."}` or `{"ok": false, "error": "..."}`.
//! The same [`handle`] serves the agent's socket and, when the agent is
//! stopped, `sysrepocfg` working on the datastore files itself.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kea_yang::yang2;
use kea_yang::yang2::data::{Data, DataFormat, DataTree};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::UnixListener;
use yang_datastore::{
    Datastore, DatastoreManager, DefaultOperation, EditRequest, ErrorOption, TestOption,
};

/// Name of the socket inside the datastore directory.
pub const SOCKET_NAME: &str = "kea-netconf.sock";

/// Largest request accepted (a whole datastore import fits easily).
const MAX_REQUEST: usize = 256 * 1024 * 1024;

pub fn socket_path(datastore_directory: &Path) -> PathBuf {
    datastore_directory.join(SOCKET_NAME)
}

/// Session id used for edits made through the local socket.
const LOCAL_SESSION: u32 = 0;

fn format_of(request: &Value) -> Result<DataFormat, String> {
    match request
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or("xml")
    {
        "xml" => Ok(DataFormat::XML),
        "json" => Ok(DataFormat::JSON),
        other => Err(format!("unknown format \"{other}\" (xml or json)")),
    }
}

fn datastore_of(request: &Value) -> Result<Datastore, String> {
    let name = request
        .get("datastore")
        .and_then(Value::as_str)
        .unwrap_or("running");
    Datastore::parse(name).ok_or_else(|| format!("unknown datastore \"{name}\""))
}

/// Carries out one request on `ds`.
pub fn handle(ds: &DatastoreManager, request: &Value) -> Value {
    match try_handle(ds, request) {
        Ok(Some(data)) => json!({"ok": true, "data": data}),
        Ok(None) => json!({"ok": true}),
        Err(error) => json!({"ok": false, "error": error}),
    }
}

fn try_handle(ds: &DatastoreManager, request: &Value) -> Result<Option<String>, String> {
    let op = request
        .get("op")
        .and_then(Value::as_str)
        .ok_or("request without \"op\"")?;
    let datastore = datastore_of(request)?;
    let format = format_of(request)?;
    let module = request.get("module").and_then(Value::as_str);
    if let Some(module) = module
        && ds.context().get_module_implemented(module).is_none()
    {
        return Err(format!("module \"{module}\" is not installed"));
    }
    let data = request.get("data").and_then(Value::as_str).unwrap_or("");
    match op {
        "export" => {
            let xpath = match (request.get("xpath").and_then(Value::as_str), module) {
                (Some(x), _) => Some(x.to_string()),
                (None, Some(m)) => Some(format!("/{m}:*")),
                (None, None) => None,
            };
            let tree = ds
                .get(datastore, xpath.as_deref())
                .map_err(|e| e.to_string())?;
            if tree.reference().is_none() {
                return Ok(Some(String::new()));
            }
            kea_yang::print_tree(&tree, format, kea_yang::WithDefaults::Explicit)
                .map(Some)
                .map_err(|e| e.to_string())
        }
        "import" => {
            let imported = if data.trim().is_empty() {
                DataTree::new(ds.context())
            } else {
                kea_yang::parse_config(ds.context(), data, format).map_err(|e| e.to_string())?
            };
            if let Some(module) = module {
                check_only_module(&imported, module)?;
            }
            let mut tree = ds.get(datastore, None).map_err(|e| e.to_string())?;
            remove_module_data(&mut tree, module)?;
            tree.merge(&imported).map_err(|e| e.to_string())?;
            ds.replace(LOCAL_SESSION, datastore, tree)
                .map_err(|e| e.to_string())?;
            Ok(None)
        }
        "edit" => {
            let edit =
                kea_yang::parse_edit(ds.context(), data, format).map_err(|e| e.to_string())?;
            if let Some(module) = module {
                check_only_module(&edit, module)?;
            }
            let request = EditRequest {
                edit: &edit,
                default_operation: DefaultOperation::Merge,
                error_option: ErrorOption::StopOnError,
                test_option: TestOption::TestThenSet,
            };
            ds.edit(LOCAL_SESSION, datastore, &request)
                .map_err(|errors| {
                    errors
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                })?;
            Ok(None)
        }
        other => Err(format!("unknown op \"{other}\"")),
    }
}

/// Modules with explicit top-level data in `tree` (validation adds implicit
/// default containers of every module; those are not "given" data).
fn top_modules(tree: &DataTree<'static>) -> Vec<String> {
    let mut modules = Vec::new();
    if let Some(first) = tree.reference() {
        for node in first.inclusive_siblings().filter(is_explicit) {
            let name = node.schema().module().name().to_string();
            if !modules.contains(&name) {
                modules.push(name);
            }
        }
    }
    modules
}

/// True when `node` holds something besides implicit defaults: a
/// non-default leaf, a list entry or a presence container somewhere in it.
fn is_explicit(node: &yang2::data::DataNodeRef<'_, '_>) -> bool {
    use yang2::schema::SchemaNodeKind;
    node.traverse().any(|n| {
        let schema = n.schema();
        match schema.kind() {
            SchemaNodeKind::Leaf | SchemaNodeKind::LeafList => !n.is_default(),
            SchemaNodeKind::Container => !schema.is_np_container(),
            _ => true,
        }
    })
}

fn check_only_module(tree: &DataTree<'static>, module: &str) -> Result<(), String> {
    match top_modules(tree).into_iter().find(|m| m != module) {
        Some(other) => Err(format!(
            "data of module \"{other}\" given while importing \"{module}\""
        )),
        None => Ok(()),
    }
}

/// Removes the top-level nodes of `module` (all modules when `None`).
fn remove_module_data(tree: &mut DataTree<'static>, module: Option<&str>) -> Result<(), String> {
    let ctx = tree.context();
    let keep: Vec<DataTree<'static>> = match tree.reference() {
        None => return Ok(()),
        Some(first) => first
            .inclusive_siblings()
            .filter(|n| module.is_some_and(|m| n.schema().module().name() != m))
            .map(|n| n.duplicate(false).map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()?,
    };
    let mut rebuilt = DataTree::new(ctx);
    for part in &keep {
        rebuilt.merge(part).map_err(|e| e.to_string())?;
    }
    *tree = rebuilt;
    Ok(())
}

/// Serves the local socket until the task is dropped.
pub async fn serve(
    ds: Arc<DatastoreManager>,
    path: PathBuf,
) -> std::io::Result<tokio::task::JoinHandle<()>> {
    if path.exists() {
        // A socket nobody answers on is a leftover of a previous run.
        if tokio::net::UnixStream::connect(&path).await.is_ok() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AddrInUse,
                format!(
                    "{} is in use: is another kea-netconf running?",
                    path.display()
                ),
            ));
        }
        std::fs::remove_file(&path)?;
    }
    let listener = UnixListener::bind(&path)?;
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    Ok(tokio::spawn(async move {
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Out of descriptors or similar: do not spin.
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            };
            let ds = Arc::clone(&ds);
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut reader = BufReader::new(read).take(MAX_REQUEST as u64);
                let mut line = String::new();
                let answer = match reader.read_line(&mut line).await {
                    Ok(_) => match serde_json::from_str::<Value>(&line) {
                        Ok(request) => tokio::task::spawn_blocking(move || handle(&ds, &request))
                            .await
                            .unwrap_or_else(|e| json!({"ok": false, "error": e.to_string()})),
                        Err(e) => json!({"ok": false, "error": format!("bad request: {e}")}),
                    },
                    Err(e) => json!({"ok": false, "error": e.to_string()}),
                };
                let _ = write.write_all(format!("{answer}\n").as_bytes()).await;
            });
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUBNET: &str = r#"<config xmlns="urn:ietf:params:xml:ns:yang:kea-dhcp6-server">
        <subnet6><id>1</id><subnet>2001:db8::/64</subnet></subnet6></config>"#;

    fn datastore() -> DatastoreManager {
        DatastoreManager::in_memory(crate::agent::context().expect("YANG context"))
    }

    fn request(op: &str, datastore: &str, data: &str) -> Value {
        json!({"op": op, "datastore": datastore, "module": "kea-dhcp6-server",
               "format": "xml", "data": data})
    }

    #[test]
    fn import_then_export_one_module() {
        let ds = datastore();
        // Validation adds implicit containers of other modules to the
        // parsed tree; they are not data "of another module".
        let answer = handle(&ds, &request("import", "startup", SUBNET));
        assert_eq!(answer["ok"], true, "{answer}");
        let answer = handle(&ds, &request("export", "startup", ""));
        let data = answer["data"].as_str().unwrap_or_default();
        assert!(data.contains("2001:db8::/64"), "{answer}");
        // Importing an empty document clears the module.
        let answer = handle(&ds, &request("import", "startup", ""));
        assert_eq!(answer["ok"], true, "{answer}");
        let answer = handle(&ds, &request("export", "startup", ""));
        assert_eq!(answer["data"], "", "{answer}");
    }

    #[test]
    fn bad_requests_change_nothing() {
        let ds = datastore();
        assert_eq!(
            handle(&ds, &request("import", "running", SUBNET))["ok"],
            true
        );
        let other = SUBNET.replace("kea-dhcp6-server", "kea-dhcp4-server");
        for (req, needle) in [
            (request("import", "running", &other), "kea-dhcp4-server"),
            (request("import", "running", "<config"), ""),
            (request("edit", "running", "<subnet4/>"), ""),
            (request("import", "nowhere", SUBNET), "nowhere"),
            (request("frobnicate", "running", SUBNET), "frobnicate"),
            (json!({"datastore": "running"}), "op"),
        ] {
            let answer = handle(&ds, &req);
            assert_eq!(answer["ok"], false, "{req}: {answer}");
            let error = answer["error"].as_str().unwrap_or_default();
            assert!(error.contains(needle), "{req}: {error}");
        }
        let answer = handle(&ds, &request("export", "running", ""));
        assert!(
            answer["data"]
                .as_str()
                .unwrap_or_default()
                .contains("2001:db8::/64")
        );
    }
}
