//! Configuration loading: what `-t`, `config-test` and the first half of `config-set` do,
//! without touching the running server.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kea_command::{ControlServer, ServerOptions, SocketConfig};
use kea_config::{Dhcp6Config, Element, Warning};
use kea_process::PathPolicy;

use crate::config::ServerConfig;

/// Default lease file name inside Kea's data directory.
pub const DEFAULT_LEASE_FILE: &str = "kea-leases6.csv";

/// A fully checked configuration, ready to be staged.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub cfg: Arc<ServerConfig>,
    pub logging: Option<kea_log::LoggingConfig>,
    pub sockets: Vec<SocketConfig>,
    /// Lease file when `persist` is on.
    pub lease_file: Option<PathBuf>,
    pub lfc_interval: u32,
    /// Where the server DUID is kept.
    pub server_id_file: PathBuf,
    pub warnings: Vec<Warning>,
}

/// Control channel options of this daemon.
pub fn control_options(policy: &PathPolicy) -> ServerOptions {
    let mut o = ServerOptions::for_daemon("kea-dhcpv6-server");
    o.enforce_socket_dir = !policy.unrestricted;
    o
}

/// Checks a root element (`{"Dhcp6": {...}}`) completely. The error text is what
/// config-test / config-set answer and what the log says.
pub fn prepare(root: &Element, policy: &PathPolicy) -> Result<Prepared, String> {
    let loaded = Dhcp6Config::from_root(root).map_err(|e| e.command_text())?;
    let model = loaded.config;
    kea_config::check_hooks_supported(&model.hooks_libraries).map_err(|e| e.command_text())?;
    if model.dhcp_ddns.enable_updates {
        return Err("dhcp-ddns 'enable-updates' is not supported by this server (no DDNS)".into());
    }
    let db = &model.lease_database;
    if db.db_type != kea_config::DatabaseType::Memfile {
        return Err(format!(
            "lease-database type '{}' is not supported by this server (memfile only)",
            db.db_type
        ));
    }
    let lease_file = if db.persist {
        let name = db.name.clone().unwrap_or_else(|| {
            kea_process::paths::data_dir()
                .join(DEFAULT_LEASE_FILE)
                .to_string_lossy()
                .into_owned()
        });
        Some(policy.data_file_path(&name).map_err(|e| e.to_string())?)
    } else {
        None
    };
    let lfc_interval = db.lfc_interval;
    let server_id_file = match &model.data_directory {
        Some(d) => Path::new(d).join(crate::duid::SERVER_ID_FILE),
        None => crate::duid::default_file(),
    };
    let elem = model.as_element().clone();
    let logging = match elem.get("loggers") {
        Some(l) => Some(
            kea_log::parse_loggers(
                &with_default_severity(l.to_json()),
                &policy.log_file_policy(),
            )
            .map_err(|e| format!("invalid loggers: {e}"))?,
        ),
        None => None,
    };
    let dhcp6 = elem.to_json().as_object().cloned().unwrap_or_default();
    let sockets = SocketConfig::from_server_config(&dhcp6).map_err(|e| e.to_string())?;
    ControlServer::check(&sockets, &control_options(policy)).map_err(|e| e.to_string())?;
    let cfg = ServerConfig::compile(Arc::new(model))?;
    Ok(Prepared {
        cfg: Arc::new(cfg),
        logging,
        sockets,
        lease_file,
        lfc_interval,
        server_id_file,
        warnings: loaded.warnings,
    })
}

/// Kea's default logger severity (INFO) where an entry names none.
fn with_default_severity(mut loggers: serde_json::Value) -> serde_json::Value {
    if let Some(list) = loggers.as_array_mut() {
        for l in list.iter_mut().filter_map(|l| l.as_object_mut()) {
            l.entry("severity").or_insert_with(|| "INFO".into());
        }
    }
    loggers
}

/// Reads and checks a configuration file.
pub fn prepare_file(path: &Path, policy: &PathPolicy) -> Result<Prepared, String> {
    let parsed = kea_config::parse_file_with_warnings(path).map_err(|e| e.command_text())?;
    let mut p = prepare(&parsed.element, policy)?;
    let mut w = parsed.warnings;
    w.append(&mut p.warnings);
    p.warnings = w;
    Ok(p)
}
