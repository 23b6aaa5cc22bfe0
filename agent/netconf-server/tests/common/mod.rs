//! A small in-memory backend for tests. Configuration is a list of top-level
//! XML elements per datastore; edit-config merges or replaces them by
//! (namespace, name), which is enough to observe the protocol behaviour.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::SystemTime;

use netconf_proto::xml::parse_fragment;
use netconf_proto::{
    Datastore, DefaultOperation, EditConfig, EditContent, ErrorTag, ErrorType, Filter, RpcError,
    WithDefaults, capability,
};
use netconf_server::{BackendResult, NetconfBackend, SessionCtx, SessionManager};

pub const TEST_NS: &str = "urn:example:test";

#[derive(Default)]
struct State {
    running: Vec<(String, String, String)>,
    candidate: Vec<(String, String, String)>,
    locks: HashMap<Datastore, u32>,
    closed: Vec<u32>,
}

#[derive(Default)]
pub struct MemBackend {
    state: Mutex<State>,
    /// Set by tests that exercise notifications.
    pub manager: OnceLock<Weak<SessionManager<MemBackend>>>,
}

impl MemBackend {
    pub fn new() -> Arc<Self> {
        Arc::new(MemBackend::default())
    }

    fn st(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    pub fn closed_sessions(&self) -> Vec<u32> {
        self.st().closed.clone()
    }

    pub fn lock_holder(&self, ds: Datastore) -> Option<u32> {
        self.st().locks.get(&ds).copied()
    }
}

/// Splits standalone XML into top-level elements (namespace, name, text).
fn elements(xml: &str) -> BackendResult<Vec<(String, String, String)>> {
    let frag = parse_fragment(xml).map_err(|e| {
        RpcError::new(ErrorType::Application, ErrorTag::MalformedMessage)
            .with_message(e.to_string())
    })?;
    Ok(frag
        .iter()
        .map(|e| {
            (
                e.ns.clone().unwrap_or_default(),
                e.name.clone(),
                xml[e.span.clone()].to_string(),
            )
        })
        .collect())
}

fn render(items: &[(String, String, String)], filter: Option<&Filter>) -> BackendResult<String> {
    let wanted: Option<Vec<(String, String, String)>> = match filter {
        None => None,
        Some(Filter::Subtree(xml)) => Some(elements(xml)?),
        Some(Filter::XPath { .. }) => {
            return Err(RpcError::operation_not_supported("xpath filters").into());
        }
    };
    Ok(items
        .iter()
        .filter(|(ns, name, _)| match &wanted {
            None => true,
            Some(w) => w.iter().any(|(wns, wname, _)| wns == ns && wname == name),
        })
        .map(|(_, _, xml)| xml.as_str())
        .collect())
}

impl MemBackend {
    fn check_lock(&self, st: &State, ds: Datastore, session: &SessionCtx) -> BackendResult<()> {
        match st.locks.get(&ds) {
            Some(holder) if *holder != session.session_id => {
                Err(RpcError::new(ErrorType::Protocol, ErrorTag::InUse)
                    .with_message(format!("{} is locked by session {holder}", ds.as_str()))
                    .into())
            }
            _ => Ok(()),
        }
    }
}

impl NetconfBackend for MemBackend {
    fn capabilities(&self) -> Vec<String> {
        vec![
            capability::WRITABLE_RUNNING.to_string(),
            capability::CANDIDATE.to_string(),
            capability::NOTIFICATION.to_string(),
            capability::INTERLEAVE.to_string(),
            format!("{TEST_NS}?module=test&revision=2026-01-01"),
        ]
    }

    async fn get(
        &self,
        _s: &SessionCtx,
        filter: Option<&Filter>,
        _wd: Option<WithDefaults>,
    ) -> BackendResult<String> {
        render(&self.st().running, filter)
    }

    async fn get_config(
        &self,
        _s: &SessionCtx,
        source: Datastore,
        filter: Option<&Filter>,
        _wd: Option<WithDefaults>,
    ) -> BackendResult<String> {
        let st = self.st();
        match source {
            Datastore::Running => render(&st.running, filter),
            Datastore::Candidate => render(&st.candidate, filter),
            Datastore::Startup => Err(RpcError::operation_not_supported("no startup").into()),
        }
    }

    async fn edit_config(&self, s: &SessionCtx, edit: &EditConfig) -> BackendResult<()> {
        let EditContent::Config(xml) = &edit.content else {
            return Err(RpcError::operation_not_supported("url").into());
        };
        let new = elements(xml)?;
        let mut st = self.st();
        self.check_lock(&st, edit.target, s)?;
        let target = match edit.target {
            Datastore::Running => &mut st.running,
            Datastore::Candidate => &mut st.candidate,
            Datastore::Startup => unreachable!("parser refuses startup"),
        };
        if edit.default_operation == DefaultOperation::Replace {
            target.clear();
        }
        for item in new {
            if let Some(existing) = target
                .iter_mut()
                .find(|(ns, n, _)| *ns == item.0 && *n == item.1)
            {
                *existing = item;
            } else {
                target.push(item);
            }
        }
        Ok(())
    }

    async fn lock(&self, s: &SessionCtx, target: Datastore) -> BackendResult<()> {
        let mut st = self.st();
        if let Some(holder) = st.locks.get(&target) {
            return Err(
                RpcError::lock_denied(*holder, format!("locked by session {holder}")).into(),
            );
        }
        st.locks.insert(target, s.session_id);
        Ok(())
    }

    async fn unlock(&self, s: &SessionCtx, target: Datastore) -> BackendResult<()> {
        let mut st = self.st();
        match st.locks.get(&target) {
            Some(holder) if *holder == s.session_id => {
                st.locks.remove(&target);
                Ok(())
            }
            Some(holder) => Err(RpcError::lock_denied(*holder, "locked by another session").into()),
            None => Err(
                RpcError::new(ErrorType::Protocol, ErrorTag::OperationFailed)
                    .with_message("not locked")
                    .into(),
            ),
        }
    }

    async fn commit(&self, s: &SessionCtx, _c: &netconf_proto::Commit) -> BackendResult<()> {
        let mut st = self.st();
        self.check_lock(&st, Datastore::Running, s)?;
        st.running = st.candidate.clone();
        Ok(())
    }

    async fn discard_changes(&self, _s: &SessionCtx) -> BackendResult<()> {
        let mut st = self.st();
        st.candidate = st.running.clone();
        Ok(())
    }

    async fn get_schema(
        &self,
        _s: &SessionCtx,
        req: &netconf_proto::GetSchema,
    ) -> BackendResult<String> {
        if req.identifier == "test" {
            Ok("module test { namespace \"urn:example:test\"; prefix t; }".into())
        } else {
            Err(RpcError::invalid_value(format!("no schema '{}'", req.identifier)).into())
        }
    }

    async fn rpc(
        &self,
        _s: &SessionCtx,
        namespace: Option<&str>,
        name: &str,
        xml: &str,
    ) -> BackendResult<Option<String>> {
        match (namespace, name) {
            (Some(TEST_NS), "echo") => Ok(Some(format!(
                "<echoed xmlns=\"{TEST_NS}\">{}</echoed>",
                xml.len()
            ))),
            (Some(TEST_NS), "send-notification") => {
                let Some(mgr) = self.manager.get().and_then(Weak::upgrade) else {
                    return Err(RpcError::operation_failed("no manager").into());
                };
                let n = mgr.notify(
                    netconf_server::NETCONF_STREAM,
                    SystemTime::now(),
                    &format!(
                        "<test-event xmlns=\"{TEST_NS}\"><info>hello &amp; bye</info></test-event>"
                    ),
                );
                Ok(Some(format!(
                    "<delivered xmlns=\"{TEST_NS}\">{n}</delivered>"
                )))
            }
            (Some(TEST_NS), "sleep") => {
                tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                Ok(None)
            }
            (Some(TEST_NS), "panic") => panic!("test backend asked to panic"),
            _ => Err(RpcError::operation_not_supported(format!("rpc {name}")).into()),
        }
    }

    async fn session_closed(&self, s: &SessionCtx) {
        let mut st = self.st();
        st.locks.retain(|_, holder| *holder != s.session_id);
        st.closed.push(s.session_id);
    }
}
