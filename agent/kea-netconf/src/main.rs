//! kea-netconf: `kea-netconf -c netconf.json` (ARM 22.1.9).

use std::process::ExitCode;
use std::sync::Arc;

use kea_log::kea_log;
use kea_log::messages::*;
use kea_netconf::agent;
use kea_netconf::config::AgentConfig;
use kea_process::{Daemon, Mode, PidFile, SignalEvent, VersionInfo, parse_or_exit, signals};

const LOGGER: &str = "kea-netconf";

fn apply_loggers(config: &AgentConfig, unrestricted: bool) -> Result<(), String> {
    let Some(loggers) = &config.loggers else {
        log_warnings(config);
        return Ok(());
    };
    let policy = if unrestricted {
        kea_log::LogFilePolicy::Unrestricted
    } else {
        kea_log::LogFilePolicy::from_env()
    };
    let parsed = kea_log::parse_loggers(loggers, &policy).map_err(|e| e.to_string())?;
    kea_log::apply(&parsed).map_err(|e| e.to_string())?;
    log_warnings(config);
    Ok(())
}

/// Warnings of the config validation, written by the configured loggers.
fn log_warnings(config: &AgentConfig) {
    for warning in &config.warnings {
        kea_log!(
            LOGGER,
            kea_netconf::messages::NETCONF_CONFIG_WARNING,
            warning
        );
    }
}

fn main() -> ExitCode {
    let cmd = parse_or_exit(Daemon::Netconf, &VersionInfo::default());
    if let Err(e) = kea_log::init(Daemon::Netconf.process_name(), cmd.verbose) {
        eprintln!("kea-netconf: logging: {e}");
        return ExitCode::FAILURE;
    }
    let config = match AgentConfig::load(&cmd.config_file) {
        Ok(config) => config,
        Err(e) => {
            kea_log!(LOGGER, NETCONF_CONFIG_FAIL, e);
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = apply_loggers(&config, cmd.unrestricted_paths) {
        kea_log!(LOGGER, NETCONF_CONFIG_FAIL, e);
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    if cmd.mode != Mode::Run {
        // -t: the file parsed and its models exist.
        return match agent::context().and_then(|ctx| agent::check_models(ctx, &config)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                kea_log!(LOGGER, NETCONF_CONFIG_CHECK_FAIL, e);
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    let _pid_file = match PidFile::create_default(&cmd.config_file, Daemon::Netconf.process_name())
    {
        Ok(pid) => pid,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kea-netconf: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(cmd, config))
}

async fn run(cmd: kea_process::CommandLine, config: AgentConfig) -> ExitCode {
    let watcher = match signals::install() {
        Ok(w) => w,
        Err(e) => {
            eprintln!("kea-netconf: signals: {e}");
            return ExitCode::FAILURE;
        }
    };
    let agent = match agent::start(&config).await {
        Ok(agent) => agent,
        Err(e) => {
            kea_log!(LOGGER, NETCONF_FAILED, format_args!("{e:#}"));
            eprintln!("kea-netconf: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let socket = kea_netconf::local::socket_path(&config.netconf_server.datastore_directory);
    let local = match kea_netconf::local::serve(Arc::clone(&agent.datastore), socket.clone()).await
    {
        Ok(task) => Some(task),
        Err(e) => {
            kea_log!(
                LOGGER,
                kea_netconf::messages::NETCONF_LOCAL_SOCKET_FAILED,
                socket.display(),
                e
            );
            None
        }
    };
    kea_log!(LOGGER, NETCONF_STARTED, kea_process::KEA_VERSION);
    println!(
        "kea-netconf: NETCONF over SSH on {} (subsystem netconf); sysrepocfg socket {}",
        agent.netconf_addr,
        socket.display()
    );
    // SIGHUP reloads the agent's own config; SIGTERM/SIGINT (or a broken
    // signal pipe) end the run.
    while let Ok(SignalEvent::Reload) = watcher.recv().await {
        match AgentConfig::load(&cmd.config_file) {
            Ok(new) => {
                if let Err(e) = apply_loggers(&new, cmd.unrestricted_paths) {
                    kea_log!(LOGGER, NETCONF_CONFIG_FAIL, e);
                } else if let Err(e) = agent.reconfigure(&new) {
                    kea_log!(LOGGER, NETCONF_CONFIG_FAIL, format_args!("{e:#}"));
                }
            }
            Err(e) => kea_log!(LOGGER, NETCONF_CONFIG_FAIL, e),
        }
    }
    kea_log!(LOGGER, NETCONF_RUN_EXIT);
    if let Some(task) = local {
        task.abort();
    }
    let _ = std::fs::remove_file(&socket);
    agent.stop().await;
    kea_log::flush();
    ExitCode::SUCCESS
}
