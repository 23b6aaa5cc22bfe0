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
        kea_yang::yang_library_data(self.context)
            .map(Some)
            .map_err(|e| e.to_string())
    }
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
