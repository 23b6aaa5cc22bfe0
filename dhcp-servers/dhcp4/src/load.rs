//! Configuration loading: everything `-t`, `config-test` and the first half of `config-set`
//! do, without touching the running server.

use std::path::PathBuf;
use std::sync::Arc;

use kea_command::{ControlServer, ServerOptions, SocketConfig};
use kea_config::{Dhcp4Config, Element, Warning};
use kea_process::PathPolicy;

use crate::config::ServerConfig;

/// Default lease file name inside Kea's data directory.
pub const DEFAULT_LEASE_FILE: &str = "kea-leases4.csv";

/// A fully checked configuration, ready to be staged.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub cfg: Arc<ServerConfig>,
    pub model: Arc<Dhcp4Config>,
    pub logging: Option<kea_log::LoggingConfig>,
    pub sockets: Vec<SocketConfig>,
    /// Lease file when `persist` is on.
    pub lease_file: Option<PathBuf>,
    pub warnings: Vec<Warning>,
}

/// Control channel options of this daemon.
pub fn control_options(policy: &PathPolicy) -> ServerOptions {
    let mut o = ServerOptions::for_daemon("kea-dhcpv4-server");
    o.enforce_socket_dir = !policy.unrestricted;
    o
}

/// Checks a root element (`{"Dhcp4": {...}}`) completely. The error text is what
/// config-test / config-set answer and what the log says.
pub fn prepare(root: &Element, policy: &PathPolicy) -> Result<Prepared, String> {
    let loaded = Dhcp4Config::from_root(root).map_err(|e| e.command_text())?;
    let model = loaded.config;
    kea_config::check_hooks_supported(&model.hooks_libraries).map_err(|e| e.command_text())?;
    // Features this server does not implement are refused rather than ignored.
    if model.dhcp_ddns.enable_updates {
        return Err("dhcp-ddns 'enable-updates' is not supported by this server (no DDNS)".into());
    }
    if !model.hosts_databases.is_empty() {
        return Err("hosts-database(s) are not supported by this server: put reservations in the configuration".into());
    }
    if model.config_control.is_some() {
        return Err(
            "config-control (configuration backends) is not supported by this server".into(),
        );
    }
    let model = Arc::new(model);
    let mut cfg = ServerConfig::from_element(root).map_err(|e| e.command_text())?;
    cfg.model = Some(model.clone());
    for s in &cfg.subnets {
        if s.params.allocator == crate::config::AllocatorKind::Flq {
            let too_big = s
                .pools
                .iter()
                .any(|p| p.size() > dhcp_alloc::FLQ_MAX_POOL as u64);
            if too_big {
                return Err(format!(
                    "subnet {}: the free lease queue allocator supports pools of at most {} addresses",
                    s.id,
                    dhcp_alloc::FLQ_MAX_POOL
                ));
            }
        }
    }
    let lease_file = if cfg.lease_db.persist {
        let name = cfg
            .lease_db
            .name
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|| {
                kea_process::paths::data_dir()
                    .join(DEFAULT_LEASE_FILE)
                    .to_string_lossy()
                    .into_owned()
            });
        Some(policy.data_file_path(&name).map_err(|e| e.to_string())?)
    } else {
        None
    };
    let logging = match &cfg.loggers {
        Some(l) => {
            // Kea defaults a logger's severity to INFO; kea-log requires it, so fill it in.
            let mut list = l.to_json();
            if let Some(entries) = list.as_array_mut() {
                for e in entries.iter_mut().filter_map(|e| e.as_object_mut()) {
                    e.entry("severity").or_insert_with(|| "INFO".into());
                }
            }
            Some(
                kea_log::parse_loggers(&list, &policy.log_file_policy())
                    .map_err(|e| format!("invalid loggers: {e}"))?,
            )
        }
        None => None,
    };
    let dhcp4 = cfg.dhcp4_json().as_object().cloned().unwrap_or_default();
    let sockets = SocketConfig::from_server_config(&dhcp4).map_err(|e| e.to_string())?;
    ControlServer::check(&sockets, &control_options(policy)).map_err(|e| e.to_string())?;
    Ok(Prepared {
        cfg: Arc::new(cfg),
        model,
        logging,
        sockets,
        lease_file,
        warnings: loaded.warnings,
    })
}

/// Reads and checks a configuration file.
pub fn prepare_file(path: &std::path::Path, policy: &PathPolicy) -> Result<Prepared, String> {
    let parsed = kea_config::parse_file_with_warnings(path).map_err(|e| e.command_text())?;
    let mut p = prepare(&parsed.element, policy)?;
    let mut w = parsed.warnings;
    w.append(&mut p.warnings);
    p.warnings = w;
    Ok(p)
}
