//! State providers for the NETCONF support modules, served in the
//! operational datastore like any other state:
//!
//! * `ietf-netconf-monitoring` (RFC 6022) `/netconf-state`: capabilities,
//!   sessions and statistics from the NETCONF server (a
//!   [`MonitoringState`] source), the datastores with their locks and the
//!   schemas of every module in the context from here.
//! * `ietf-yang-library` (RFC 8525) `/yang-library` with its content-id, and
//!   the deprecated `/modules-state`, built by libyang from the context.

use std::sync::{Arc, Weak};

use kea_yang::yang2;
use netconf_proto::reply::rfc3339;
use netconf_proto::{Counters, MonitoringState};
use yang2::context::Context;
use yang2::data::DataTree;

use crate::store::{Datastore, DatastoreManager, OperationalProvider};

/// The module and top container of RFC 6022 state.
pub const MONITORING_MODULE: &str = "ietf-netconf-monitoring";
/// The YANG library module (RFC 8525).
pub const YANG_LIBRARY_MODULE: &str = "ietf-yang-library";

const ROOT: &str = "/ietf-netconf-monitoring:netconf-state";

/// Where the NETCONF server's part of the monitoring state comes from;
/// `None` when the server is gone (then only datastores and schemas are
/// served).
pub type MonitoringSource = dyn Fn() -> Option<MonitoringState> + Send + Sync;

/// `/netconf-state` of ietf-netconf-monitoring.
pub struct NetconfMonitoringProvider {
    datastore: Weak<DatastoreManager>,
    source: Arc<MonitoringSource>,
}

impl NetconfMonitoringProvider {
    /// A provider reading locks from `datastore` (held weakly: the
    /// datastore owns its providers) and sessions from `source`.
    pub fn new(datastore: &Arc<DatastoreManager>, source: Arc<MonitoringSource>) -> Self {
        Self {
            datastore: Arc::downgrade(datastore),
            source,
        }
    }
}

impl OperationalProvider for NetconfMonitoringProvider {
    fn state(
        &self,
        _module: &str,
        _xpath: Option<&str>,
    ) -> Result<Option<DataTree<'static>>, String> {
        let Some(datastore) = self.datastore.upgrade() else {
            return Ok(None);
        };
        let server = (self.source)();
        netconf_state_tree(&datastore, server.as_ref())
            .map(Some)
            .map_err(|e| e.to_string())
    }
}

/// Builds `/netconf-state` from the server's state (when given), the
/// datastore's locks and the context's modules.
pub fn netconf_state_tree(
    datastore: &DatastoreManager,
    server: Option<&MonitoringState>,
) -> kea_yang::Result<DataTree<'static>> {
    let ctx = datastore.context();
    let mut tree = DataTree::new(ctx);
    let set = |tree: &mut DataTree<'static>, path: &str, value: Option<&str>| {
        kea_yang::set_path(tree, path, value)
    };
    set(&mut tree, ROOT, None)?;

    if let Some(server) = server {
        for cap in &server.capabilities {
            let path = format!(
                "{ROOT}/capabilities/capability{}",
                kea_yang::key_predicate(".", cap)?
            );
            set(&mut tree, &path, None)?;
        }
    }

    for ds in [Datastore::Running, Datastore::Candidate, Datastore::Startup] {
        let entry = format!("{ROOT}/datastores/datastore[name='{}']", ds.name());
        set(&mut tree, &entry, None)?;
        if let Some(lock) = datastore.lock_info(ds) {
            let global = format!("{entry}/locks/global-lock");
            set(
                &mut tree,
                &format!("{global}/locked-by-session"),
                Some(&lock.session.to_string()),
            )?;
            set(
                &mut tree,
                &format!("{global}/locked-time"),
                Some(&rfc3339(lock.since)),
            )?;
        }
    }

    for module in ctx.modules(false) {
        let name = module.name();
        let version = module.revision().unwrap_or("");
        let entry = format!(
            "{ROOT}/schemas/schema{}{}[format='{MONITORING_MODULE}:yang']",
            kea_yang::key_predicate("identifier", name)?,
            kea_yang::key_predicate("version", version)?
        );
        set(&mut tree, &entry, None)?;
        set(
            &mut tree,
            &format!("{entry}/namespace"),
            Some(module.namespace()),
        )?;
        set(&mut tree, &format!("{entry}/location"), Some("NETCONF"))?;
    }

    let Some(server) = server else {
        return Ok(tree);
    };
    for session in &server.sessions {
        let entry = format!(
            "{ROOT}/sessions/session[session-id='{}']",
            session.session_id
        );
        set(&mut tree, &entry, None)?;
        set(
            &mut tree,
            &format!("{entry}/transport"),
            Some(&format!(
                "{MONITORING_MODULE}:{}",
                session.transport.identity()
            )),
        )?;
        set(
            &mut tree,
            &format!("{entry}/username"),
            Some(&session.username),
        )?;
        if let Some(host) = &session.source_host {
            set(&mut tree, &format!("{entry}/source-host"), Some(host))?;
        }
        set(
            &mut tree,
            &format!("{entry}/login-time"),
            Some(&rfc3339(session.login_time)),
        )?;
        set_counters(&mut tree, &entry, &session.counters)?;
    }

    let stats = &server.statistics;
    let base = format!("{ROOT}/statistics");
    set(
        &mut tree,
        &format!("{base}/netconf-start-time"),
        Some(&rfc3339(stats.netconf_start_time)),
    )?;
    for (leaf, value) in [
        ("in-bad-hellos", stats.in_bad_hellos),
        ("in-sessions", stats.in_sessions),
        ("dropped-sessions", stats.dropped_sessions),
    ] {
        set(
            &mut tree,
            &format!("{base}/{leaf}"),
            Some(&value.to_string()),
        )?;
    }
    set_counters(&mut tree, &base, &stats.totals)?;
    Ok(tree)
}

fn set_counters(
    tree: &mut DataTree<'static>,
    parent: &str,
    counters: &Counters,
) -> kea_yang::Result<()> {
    for (leaf, value) in [
        ("in-rpcs", counters.in_rpcs),
        ("in-bad-rpcs", counters.in_bad_rpcs),
        ("out-rpc-errors", counters.out_rpc_errors),
        ("out-notifications", counters.out_notifications),
    ] {
        kea_yang::set_path(tree, &format!("{parent}/{leaf}"), Some(&value.to_string()))?;
    }
    Ok(())
}

/// `/yang-library` and `/modules-state` of ietf-yang-library, describing
/// the context.
pub struct YangLibraryProvider {
    context: &'static Context,
}

impl YangLibraryProvider {
    pub fn new(context: &'static Context) -> Self {
        Self { context }
    }
}

impl OperationalProvider for YangLibraryProvider {
    fn state(
        &self,
        _module: &str,
        _xpath: Option<&str>,
    ) -> Result<Option<DataTree<'static>>, String> {
        yang_library_tree(self.context)
            .map(Some)
            .map_err(|e| e.to_string())
    }
}

/// libyang's description of the context (`/yang-library` with the
/// `complete` module set and schema, and `/modules-state`), plus the
/// datastores, all of which use that one schema (RFC 8525 §3: the list
/// must name every datastore the server implements).
pub fn yang_library_tree(context: &'static Context) -> kea_yang::Result<DataTree<'static>> {
    let mut tree = kea_yang::yang_library_data(context)?;
    let schema = kea_yang::find_node(&tree, "/ietf-yang-library:yang-library/schema/name")?
        .and_then(|n| n.value_canonical())
        .unwrap_or_else(|| "complete".to_string());
    for ds in ["running", "candidate", "startup", "operational"] {
        kea_yang::set_path(
            &mut tree,
            &format!(
                "/ietf-yang-library:yang-library/datastore[name='ietf-datastores:{ds}']/schema"
            ),
            Some(&schema),
        )?;
    }
    Ok(tree)
}

impl DatastoreManager {
    /// Serves ietf-netconf-monitoring and ietf-yang-library state in the
    /// operational datastore (`<get>`), with the NETCONF server's sessions
    /// and counters taken from `source` at each read. Modules missing from
    /// the context are skipped.
    pub fn serve_netconf_state(self: &Arc<Self>, source: Arc<MonitoringSource>) {
        let ctx = self.context();
        if ctx.get_module_implemented(MONITORING_MODULE).is_some() {
            self.set_operational_provider(
                MONITORING_MODULE,
                Arc::new(NetconfMonitoringProvider::new(self, source)),
            );
        }
        if ctx.get_module_implemented(YANG_LIBRARY_MODULE).is_some() {
            self.set_operational_provider(
                YANG_LIBRARY_MODULE,
                Arc::new(YangLibraryProvider::new(ctx)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use kea_yang::yang2::data::DataFormat;
    use netconf_proto::{SessionInfo, Statistics, Transport};

    use super::*;

    fn server() -> MonitoringState {
        MonitoringState {
            capabilities: vec![
                "urn:ietf:params:netconf:base:1.1".into(),
                "urn:x?module=x&revision=2020-01-01".into(),
            ],
            sessions: vec![SessionInfo {
                session_id: 3,
                transport: Transport::Ssh,
                username: "admin".into(),
                source_host: Some("127.0.0.1".into()),
                login_time: UNIX_EPOCH + Duration::from_secs(1_700_000_000),
                counters: Counters {
                    in_rpcs: 5,
                    in_bad_rpcs: 1,
                    out_rpc_errors: 2,
                    out_notifications: 0,
                },
            }],
            statistics: Statistics {
                netconf_start_time: UNIX_EPOCH + Duration::from_secs(1_699_999_000),
                in_bad_hellos: 1,
                in_sessions: 4,
                dropped_sessions: 2,
                totals: Counters {
                    in_rpcs: 9,
                    in_bad_rpcs: 1,
                    out_rpc_errors: 2,
                    out_notifications: 7,
                },
            },
        }
    }

    fn json(tree: &DataTree<'static>) -> String {
        kea_yang::print_tree(tree, DataFormat::JSON, kea_yang::WithDefaults::Explicit)
            .expect("print")
    }

    #[test]
    fn netconf_state_holds_everything_rfc6022_asks_for() {
        let ctx = kea_yang::try_context().expect("context");
        let ds = Arc::new(DatastoreManager::in_memory(ctx));
        ds.lock(3, Datastore::Running).expect("lock");
        let mut tree = netconf_state_tree(&ds, Some(&server())).expect("tree");
        // What we build is valid state data of the module.
        kea_yang::validate_all(&mut tree).expect("valid");
        let text = json(&tree);
        for needle in [
            "\"urn:x?module=x&revision=2020-01-01\"",
            "\"locked-by-session\": 3",
            "\"transport\": \"netconf-ssh\"",
            "\"username\": \"admin\"",
            "\"source-host\": \"127.0.0.1\"",
            "\"login-time\": \"2023-11-14T22:13:20",
            "\"netconf-start-time\": \"2023-11-14T21:56:40",
            "\"in-bad-hellos\": 1",
            "\"dropped-sessions\": 2",
            "\"out-notifications\": 7",
            "\"identifier\": \"kea-dhcp4-server\"",
            "\"identifier\": \"ietf-inet-types\"",
            "\"location\": [\n",
        ] {
            assert!(text.contains(needle), "{needle} missing in {text}");
        }
        // One schema per module of the context, each fetchable by get-schema.
        let schemas = kea_yang::find_all(
            &tree,
            "/ietf-netconf-monitoring:netconf-state/schemas/schema",
        )
        .expect("schemas");
        assert_eq!(schemas.len(), ctx.modules(false).count());
        for module in ctx.modules(false) {
            assert!(
                kea_yang::module_source(module.name(), module.revision()).is_some(),
                "no source for {}",
                module.name()
            );
        }
        // Without the server only datastores and schemas are there.
        let text = json(&netconf_state_tree(&ds, None).expect("tree"));
        assert!(text.contains("\"schemas\"") && !text.contains("\"sessions\""));
    }

    #[test]
    fn served_through_the_operational_datastore() {
        let ctx = kea_yang::try_context().expect("context");
        let ds = Arc::new(DatastoreManager::in_memory(ctx));
        ds.serve_netconf_state(Arc::new(|| Some(server())));
        let part = ds
            .get(
                Datastore::Operational,
                Some("/ietf-netconf-monitoring:netconf-state/sessions"),
            )
            .expect("get");
        let text = json(&part);
        assert!(text.contains("\"session-id\": 3") && !text.contains("\"schemas\""));
        let lib = ds
            .get(
                Datastore::Operational,
                Some("/ietf-yang-library:yang-library/content-id"),
            )
            .expect("get");
        let mut all = yang_library_tree(ctx).expect("yang-library");
        kea_yang::validate_all(&mut all).expect("valid yang-library");
        let text = json(&all);
        for ds in ["running", "candidate", "startup", "operational"] {
            assert!(
                text.contains(&format!("\"name\": \"ietf-datastores:{ds}\"")),
                "{ds}: {text}"
            );
        }
        assert!(json(&lib).contains(&format!("\"content-id\": \"{}\"", ctx.get_module_set_id())));
        let old = ds
            .get(
                Datastore::Operational,
                Some("/ietf-yang-library:modules-state/module-set-id"),
            )
            .expect("get");
        assert!(json(&old).contains("module-set-id"));
    }
}
