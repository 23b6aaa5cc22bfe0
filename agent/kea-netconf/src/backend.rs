//! The NETCONF server's backend: RFC 6241 operations on the datastore.
//!
//! Datastore calls run on blocking threads (`spawn_blocking`): a commit
//! runs the change subscribers, which talk to the DHCP servers and may take
//! a while, and must not stall the async sessions.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use kea_yang::WithDefaults as PrintDefaults;
use kea_yang::yang2::context::Context;
use kea_yang::yang2::data::{DataFormat, DataTree};
use netconf_proto::{
    Commit, ConfigSource, ConfigTarget, Datastore as NcDatastore, DefaultOperation, EditConfig,
    EditContent, ErrorOption, ErrorTag, ErrorType, Filter, GetSchema, RpcError, TestOption,
    WithDefaults, capability,
};
use netconf_server::{BackendResult, NetconfBackend, RpcErrors, SessionCtx};
use yang_datastore::{Datastore, DatastoreError, DatastoreManager, EditRequest};

use crate::messages::*;
use kea_log::kea_log;

const LOGGER: &str = "kea-netconf";

/// Seconds a confirmed commit waits for its confirmation (RFC 6241 §8.4).
const DEFAULT_CONFIRM_TIMEOUT: u32 = 600;

/// A confirmed commit waiting for its confirmation.
struct PendingConfirm {
    session: u32,
    persist: Option<String>,
    /// Running before the confirmed commit, put back on timeout/cancel.
    previous: DataTree<'static>,
    timer: tokio::task::AbortHandle,
}

/// The agent's NETCONF backend.
pub struct AgentBackend {
    datastore: Arc<DatastoreManager>,
    context: &'static Context,
    confirm: Arc<Mutex<Option<PendingConfirm>>>,
}

impl AgentBackend {
    pub fn new(datastore: Arc<DatastoreManager>) -> Self {
        let context = datastore.context();
        Self {
            datastore,
            context,
            confirm: Arc::new(Mutex::new(None)),
        }
    }
}

fn map_datastore(ds: NcDatastore) -> Datastore {
    match ds {
        NcDatastore::Running => Datastore::Running,
        NcDatastore::Candidate => Datastore::Candidate,
        NcDatastore::Startup => Datastore::Startup,
    }
}

/// The rpc-error a datastore failure is reported as.
pub fn rpc_error(e: &DatastoreError) -> RpcError {
    if let DatastoreError::LockDenied { owner, .. } = e {
        return RpcError::lock_denied(*owner, e.to_string());
    }
    let tag = ErrorTag::from_wire(e.error_tag()).unwrap_or(ErrorTag::OperationFailed);
    let error_type = match e {
        DatastoreError::InUse(_) | DatastoreError::NotSupported(_) => ErrorType::Protocol,
        _ => ErrorType::Application,
    };
    let mut error = RpcError::new(error_type, tag).with_message(e.to_string());
    if let Some(path) = e.error_path() {
        let bindings = path_namespaces(path);
        error = error.with_path(path, bindings);
    }
    error
}

/// The XML namespace declarations an `<error-path>` needs: libyang writes
/// paths with module names as prefixes (`/kea-dhcp4-server:config/...`),
/// and RFC 6241 clients that evaluate the XPath (yangcli does) reject
/// prefixes left undeclared. Each module name is bound to its namespace.
fn path_namespaces(path: &str) -> Vec<(String, String)> {
    let Ok(ctx) = kea_yang::try_context() else {
        return Vec::new();
    };
    let mut bindings: Vec<(String, String)> = Vec::new();
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in path.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            start = i + 1;
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                start = i + 1;
            }
            ':' => {
                let name = &path[start..i];
                if !name.is_empty()
                    && !bindings.iter().any(|(prefix, _)| prefix == name)
                    && let Some(module) = ctx.get_module_latest(name)
                {
                    bindings.push((name.to_string(), module.namespace().to_string()));
                }
                start = i + 1;
            }
            c if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') => {}
            _ => start = i + c.len_utf8(),
        }
    }
    bindings
}

fn rpc_errors(errors: Vec<DatastoreError>) -> RpcErrors {
    RpcErrors(errors.iter().map(rpc_error).collect())
}

/// The element libyang's parser did not find in the schema, from its
/// message `Node "subnet4" not found as a child of "config" node.`.
fn unknown_element(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("Node \"")?;
    let (name, tail) = rest.split_once('"')?;
    tail.starts_with(" not found as a child").then_some(name)
}

/// A parse or validation failure of client data: `unknown-element` (RFC
/// 6241 appendix A) for an element the schema lacks, else `invalid-value`.
fn yang_error(e: kea_yang::YangError) -> RpcErrors {
    let mut error = match unknown_element(&e.message) {
        Some(name) => RpcError::new(ErrorType::Application, ErrorTag::UnknownElement)
            .with_info(netconf_proto::ErrorInfo::BadElement(name.to_string())),
        None => RpcError::new(ErrorType::Application, ErrorTag::InvalidValue),
    }
    .with_message(e.message);
    if let Some(path) = e.path {
        let bindings = path_namespaces(&path);
        error = error.with_path(path, bindings);
    }
    error.into()
}

fn internal(e: impl std::fmt::Display) -> RpcErrors {
    RpcError::operation_failed(e.to_string()).into()
}

fn print_mode(wd: Option<WithDefaults>) -> PrintDefaults {
    match wd {
        None | Some(WithDefaults::Explicit) => PrintDefaults::Explicit,
        Some(WithDefaults::Trim) => PrintDefaults::Trim,
        Some(WithDefaults::ReportAll) => PrintDefaults::ReportAll,
        Some(WithDefaults::ReportAllTagged) => PrintDefaults::ReportAllTagged,
    }
}

/// Runs a datastore call on a blocking thread.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> BackendResult<T> + Send + 'static,
) -> BackendResult<T> {
    tokio::task::spawn_blocking(f).await.map_err(internal)?
}

impl AgentBackend {
    /// XPath expressions (module names as prefixes) selecting what `filter`
    /// asks for; `None` selects everything.
    fn filter_xpaths(&self, filter: Option<&Filter>) -> BackendResult<Option<Vec<String>>> {
        let Some(filter) = filter else {
            return Ok(None);
        };
        let ctx = self.context;
        match filter {
            Filter::Subtree(xml) => {
                let module_of =
                    |ns: &str| ctx.get_module_latest_ns(ns).map(|m| m.name().to_string());
                netconf_proto::subtree_to_xpaths(xml, &module_of)
                    .map(Some)
                    .map_err(|e| e.to_rpc_error().into())
            }
            Filter::XPath { select, namespaces } => {
                Ok(Some(vec![prefixes_to_modules(ctx, select, namespaces)?]))
            }
        }
    }

    async fn read(
        &self,
        datastore: Datastore,
        filter: Option<&Filter>,
        wd: Option<WithDefaults>,
    ) -> BackendResult<String> {
        let xpaths = self.filter_xpaths(filter)?;
        let ds = Arc::clone(&self.datastore);
        blocking(move || {
            let tree = match &xpaths {
                None => ds
                    .get(datastore, None)
                    .map_err(|e| RpcErrors::from(rpc_error(&e)))?,
                Some(xpaths) => {
                    let mut result = DataTree::new(ds.context());
                    for xpath in xpaths {
                        let part = ds
                            .get(datastore, Some(xpath))
                            .map_err(|e| RpcErrors::from(rpc_error(&e)))?;
                        result.merge(&part).map_err(internal)?;
                    }
                    result
                }
            };
            if tree.reference().is_none() {
                return Ok(String::new());
            }
            kea_yang::print_tree(&tree, DataFormat::XML, print_mode(wd)).map_err(yang_error)
        })
        .await
    }

    fn inline_config(&self, xml: &str) -> BackendResult<DataTree<'static>> {
        kea_yang::parse_config(self.context, xml, DataFormat::XML).map_err(yang_error)
    }

    /// Puts back the running config saved by a confirmed commit.
    fn rollback_confirmed(datastore: &Arc<DatastoreManager>, pending: PendingConfirm, why: &str) {
        pending.timer.abort();
        kea_log!(LOGGER, NETCONF_CONFIRMED_COMMIT_ROLLBACK, why);
        let session = crate::binding::agent_session(datastore);
        if let Err(e) = datastore.replace(session, Datastore::Running, pending.previous) {
            kea_log!(LOGGER, NETCONF_CONFIRMED_COMMIT_ROLLBACK_FAILED, e);
        }
    }

    fn start_confirm_timer(&self, seconds: u32) -> tokio::task::AbortHandle {
        let datastore = Arc::clone(&self.datastore);
        let confirm = Arc::clone(&self.confirm);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(u64::from(seconds))).await;
            let pending = confirm.lock().unwrap_or_else(|p| p.into_inner()).take();
            if let Some(pending) = pending {
                let _ = tokio::task::spawn_blocking(move || {
                    Self::rollback_confirmed(&datastore, pending, "timed out")
                })
                .await;
            }
        })
        .abort_handle()
    }
}

/// Rewrites an XPath's namespace prefixes (bound on the filter element) to
/// the module names libyang's JSON-style paths use.
fn prefixes_to_modules(
    ctx: &Context,
    select: &str,
    namespaces: &[(String, String)],
) -> BackendResult<String> {
    let mut out = String::with_capacity(select.len());
    let mut quote: Option<char> = None;
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        out.push_str(token);
        token.clear();
    };
    for c in select.chars() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                flush(&mut token, &mut out);
                quote = Some(c);
                out.push(c);
            }
            ':' if !token.is_empty() => {
                let prefix = token.clone();
                token.clear();
                let ns = namespaces
                    .iter()
                    .find(|(p, _)| *p == prefix)
                    .map(|(_, n)| n.as_str());
                let module = ns
                    .and_then(|ns| ctx.get_module_latest_ns(ns))
                    .map(|m| m.name().to_string());
                match module {
                    Some(module) => out.push_str(&module),
                    None => {
                        return Err(
                            RpcError::new(ErrorType::Protocol, ErrorTag::UnknownNamespace)
                                .with_message(format!(
                                    "XPath prefix '{prefix}' is not bound to a known module"
                                ))
                                .into(),
                        );
                    }
                }
                out.push(':');
            }
            c if c.is_alphanumeric() || c == '-' || c == '_' || c == '.' => token.push(c),
            _ => {
                flush(&mut token, &mut out);
                out.push(c);
            }
        }
    }
    flush(&mut token, &mut out);
    Ok(out)
}

impl NetconfBackend for AgentBackend {
    fn capabilities(&self) -> Vec<String> {
        let mut caps: Vec<String> = [
            capability::WRITABLE_RUNNING,
            capability::CANDIDATE,
            capability::CONFIRMED_COMMIT,
            capability::ROLLBACK_ON_ERROR,
            capability::VALIDATE,
            capability::STARTUP,
            capability::XPATH,
            capability::NOTIFICATION,
            capability::INTERLEAVE,
        ]
        .iter()
        .map(|c| c.to_string())
        .collect();
        caps.push(format!(
            "{}?basic-mode=explicit&also-supported=report-all,report-all-tagged,trim",
            capability::WITH_DEFAULTS
        ));
        for module in self.context.modules(true) {
            if !module.is_implemented() {
                continue;
            }
            let mut cap = format!("{}?module={}", module.namespace(), module.name());
            if let Some(revision) = module.revision() {
                cap.push_str(&format!("&revision={revision}"));
            }
            caps.push(cap);
        }
        caps.extend(kea_yang::yang_library_capabilities(self.context));
        caps
    }

    async fn get(
        &self,
        _session: &SessionCtx,
        filter: Option<&Filter>,
        wd: Option<WithDefaults>,
    ) -> BackendResult<String> {
        self.read(Datastore::Operational, filter, wd).await
    }

    async fn get_config(
        &self,
        _session: &SessionCtx,
        source: NcDatastore,
        filter: Option<&Filter>,
        wd: Option<WithDefaults>,
    ) -> BackendResult<String> {
        self.read(map_datastore(source), filter, wd).await
    }

    async fn edit_config(&self, session: &SessionCtx, edit: &EditConfig) -> BackendResult<()> {
        let xml = match &edit.content {
            EditContent::Config(xml) => xml.clone(),
            EditContent::Url(_) => {
                return Err(RpcError::operation_not_supported("<url> is not supported").into());
            }
        };
        let tree = kea_yang::parse_edit(self.context, &xml, DataFormat::XML).map_err(yang_error)?;
        let target = map_datastore(edit.target);
        let default_operation = match edit.default_operation {
            DefaultOperation::Merge => yang_datastore::DefaultOperation::Merge,
            DefaultOperation::Replace => yang_datastore::DefaultOperation::Replace,
            DefaultOperation::None => yang_datastore::DefaultOperation::None,
        };
        let error_option = match edit.error_option {
            ErrorOption::StopOnError => yang_datastore::ErrorOption::StopOnError,
            ErrorOption::ContinueOnError => yang_datastore::ErrorOption::ContinueOnError,
            ErrorOption::RollbackOnError => yang_datastore::ErrorOption::RollbackOnError,
        };
        let test_option = match edit.test_option {
            None | Some(TestOption::TestThenSet) => yang_datastore::TestOption::TestThenSet,
            Some(TestOption::Set) => yang_datastore::TestOption::Set,
            Some(TestOption::TestOnly) => yang_datastore::TestOption::TestOnly,
        };
        let ds = Arc::clone(&self.datastore);
        let session = session.session_id;
        blocking(move || {
            let request = EditRequest {
                edit: &tree,
                default_operation,
                error_option,
                test_option,
            };
            ds.edit(session, target, &request).map_err(rpc_errors)
        })
        .await
    }

    async fn copy_config(
        &self,
        session: &SessionCtx,
        target: &ConfigTarget,
        source: &ConfigSource,
        _with_defaults: Option<WithDefaults>,
    ) -> BackendResult<()> {
        let ConfigTarget::Datastore(target) = target else {
            return Err(
                RpcError::operation_not_supported("<url> targets are not supported").into(),
            );
        };
        let target = map_datastore(*target);
        let ds = Arc::clone(&self.datastore);
        let session = session.session_id;
        match source {
            ConfigSource::Datastore(source) => {
                let source = map_datastore(*source);
                blocking(move || {
                    ds.copy(session, source, target)
                        .map_err(|e| rpc_error(&e).into())
                })
                .await
            }
            ConfigSource::Config(xml) => {
                let tree = self.inline_config(xml)?;
                blocking(move || {
                    ds.replace(session, target, tree)
                        .map_err(|e| rpc_error(&e).into())
                })
                .await
            }
            ConfigSource::Url(_) => {
                Err(RpcError::operation_not_supported("<url> sources are not supported").into())
            }
        }
    }

    async fn delete_config(
        &self,
        session: &SessionCtx,
        target: &ConfigTarget,
    ) -> BackendResult<()> {
        let ConfigTarget::Datastore(target) = target else {
            return Err(
                RpcError::operation_not_supported("<url> targets are not supported").into(),
            );
        };
        let target = map_datastore(*target);
        let ds = Arc::clone(&self.datastore);
        let session = session.session_id;
        blocking(move || {
            ds.delete_config(session, target)
                .map_err(|e| rpc_error(&e).into())
        })
        .await
    }

    async fn lock(&self, session: &SessionCtx, target: NcDatastore) -> BackendResult<()> {
        self.datastore
            .lock(session.session_id, map_datastore(target))
            .map_err(|e| rpc_error(&e).into())
    }

    async fn unlock(&self, session: &SessionCtx, target: NcDatastore) -> BackendResult<()> {
        self.datastore
            .unlock(session.session_id, map_datastore(target))
            .map_err(|e| rpc_error(&e).into())
    }

    async fn commit(&self, session: &SessionCtx, commit: &Commit) -> BackendResult<()> {
        let id = session.session_id;
        // A commit while a confirmed commit is pending confirms it (or, if
        // confirmed again, extends it), RFC 6241 §8.4.
        let pending_persist = {
            let guard = self.confirm.lock().unwrap_or_else(|p| p.into_inner());
            guard.as_ref().map(|p| (p.session, p.persist.clone()))
        };
        if let Some((owner, persist)) = &pending_persist {
            match persist {
                Some(token) if commit.persist_id.as_deref() != Some(token.as_str()) => {
                    return Err(RpcError::invalid_value(
                        "a persistent confirmed commit is pending: give its persist-id",
                    )
                    .into());
                }
                None if *owner != id => {
                    return Err(RpcError::in_use(
                        "a confirmed commit of another session is pending",
                    )
                    .into());
                }
                _ => {}
            }
        }
        let previous = if commit.confirmed && pending_persist.is_none() {
            Some(self.datastore.running().duplicate().map_err(internal)?)
        } else {
            None
        };
        let ds = Arc::clone(&self.datastore);
        blocking(move || ds.commit(id).map_err(|e| rpc_error(&e).into())).await?;
        let mut guard = self.confirm.lock().unwrap_or_else(|p| p.into_inner());
        if commit.confirmed {
            let seconds = commit.confirm_timeout.unwrap_or(DEFAULT_CONFIRM_TIMEOUT);
            let timer = self.start_confirm_timer(seconds);
            match guard.as_mut() {
                Some(pending) => {
                    pending.timer.abort();
                    pending.timer = timer;
                    if commit.persist.is_some() {
                        pending.persist = commit.persist.clone();
                    }
                }
                None => {
                    if let Some(previous) = previous {
                        *guard = Some(PendingConfirm {
                            session: id,
                            persist: commit.persist.clone(),
                            previous,
                            timer,
                        });
                    }
                }
            }
        } else if let Some(pending) = guard.take() {
            pending.timer.abort();
        }
        Ok(())
    }

    async fn cancel_commit(
        &self,
        session: &SessionCtx,
        persist_id: Option<&str>,
    ) -> BackendResult<()> {
        let pending = {
            let mut guard = self.confirm.lock().unwrap_or_else(|p| p.into_inner());
            let allowed = match guard.as_ref() {
                None => {
                    return Err(RpcError::invalid_value("no confirmed commit is pending").into());
                }
                Some(p) => match &p.persist {
                    Some(token) => persist_id == Some(token.as_str()),
                    None => p.session == session.session_id,
                },
            };
            if !allowed {
                return Err(RpcError::invalid_value(
                    "this session cannot cancel the pending confirmed commit",
                )
                .into());
            }
            guard.take()
        };
        if let Some(pending) = pending {
            let ds = Arc::clone(&self.datastore);
            blocking(move || {
                Self::rollback_confirmed(&ds, pending, "cancelled");
                Ok(())
            })
            .await?;
        }
        Ok(())
    }

    async fn discard_changes(&self, _session: &SessionCtx) -> BackendResult<()> {
        self.datastore
            .discard_changes()
            .map_err(|e| rpc_error(&e).into())
    }

    async fn validate(&self, _session: &SessionCtx, source: &ConfigSource) -> BackendResult<()> {
        match source {
            ConfigSource::Datastore(ds) => {
                let ds_id = map_datastore(*ds);
                let store = Arc::clone(&self.datastore);
                blocking(move || store.validate(ds_id).map_err(|e| rpc_error(&e).into())).await
            }
            ConfigSource::Config(xml) => self.inline_config(xml).map(|_| ()),
            ConfigSource::Url(_) => {
                Err(RpcError::operation_not_supported("<url> sources are not supported").into())
            }
        }
    }

    async fn get_schema(
        &self,
        _session: &SessionCtx,
        request: &GetSchema,
    ) -> BackendResult<String> {
        if request.format.as_deref().is_some_and(|f| f != "yang") {
            return Err(
                RpcError::new(ErrorType::Application, ErrorTag::InvalidValue)
                    .with_message("only the yang format is available")
                    .into(),
            );
        }
        kea_yang::module_source(&request.identifier, request.version.as_deref())
            .map(|s| s.into_owned())
            .ok_or_else(|| {
                RpcError::new(ErrorType::Application, ErrorTag::InvalidValue)
                    .with_message(format!("no schema {}", request.identifier))
                    .into()
            })
    }

    async fn session_closed(&self, session: &SessionCtx) {
        self.datastore.end_session(session.session_id);
        let pending = {
            let mut guard = self.confirm.lock().unwrap_or_else(|p| p.into_inner());
            match guard.as_ref() {
                Some(p) if p.session == session.session_id && p.persist.is_none() => guard.take(),
                _ => None,
            }
        };
        if let Some(pending) = pending {
            let ds = Arc::clone(&self.datastore);
            let _ = tokio::task::spawn_blocking(move || {
                Self::rollback_confirmed(&ds, pending, "abandoned: its session ended")
            })
            .await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS6: &str = "urn:ietf:params:xml:ns:yang:kea-dhcp6-server";

    #[test]
    fn unknown_elements_are_named() {
        let ctx = crate::agent::context().expect("YANG context");
        let bad = format!("<config xmlns=\"{NS6}\"><subnet4><id>1</id></subnet4></config>");
        let e = kea_yang::parse_edit(ctx, &bad, DataFormat::XML).expect_err("subnet4 in dhcp6");
        let errors = yang_error(e);
        assert_eq!(errors.0[0].tag, ErrorTag::UnknownElement, "{:?}", errors.0);
        assert_eq!(unknown_element("Invalid value \"x\""), None);
    }

    #[test]
    fn error_paths_declare_their_module_prefixes() {
        crate::agent::context().expect("YANG context");
        assert_eq!(
            path_namespaces(
                "/kea-dhcp4-server:config/subnet4[id='1:x']/kea-dhcp4-server:pool/no-such-module:x"
            ),
            vec![(
                "kea-dhcp4-server".to_string(),
                "urn:ietf:params:xml:ns:yang:kea-dhcp4-server".to_string()
            )]
        );
        assert_eq!(path_namespaces("/config"), Vec::new());
    }

    #[test]
    fn xpath_prefixes_become_module_names() {
        let ctx = crate::agent::context().expect("YANG context");
        let ns = vec![("k".to_string(), NS6.to_string())];
        let out = prefixes_to_modules(ctx, "/k:config/k:subnet6[k:subnet='a:b::/64']", &ns)
            .map_err(|e| format!("{:?}", e.0))
            .expect("rewritten");
        assert_eq!(
            out,
            "/kea-dhcp6-server:config/kea-dhcp6-server:subnet6[kea-dhcp6-server:subnet='a:b::/64']"
        );
        let err = prefixes_to_modules(ctx, "/x:config", &ns).expect_err("unbound prefix");
        assert_eq!(err.0[0].tag, ErrorTag::UnknownNamespace);
    }
}
