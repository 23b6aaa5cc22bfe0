//! kea-dhcp4: the DHCPv4 server.

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use kea_command::{CommandRegistry, ControlServer};
use kea_dhcp4::commands::{self, Ctx};
use kea_dhcp4::load;
use kea_dhcp4::pipeline::Ports;
use kea_dhcp4::server::Server;
use kea_dhcp4::stats::Stats;
use kea_log::{kea_log, loggers, messages};
use kea_process::{Daemon, Mode, PathPolicy, PidFile, SignalEvent, VersionInfo, signals};

fn version_info() -> VersionInfo {
    VersionInfo {
        extra_lines: vec!["database:".into(), "Memfile backend 3.0".into()],
    }
}

fn main() -> ExitCode {
    let info = version_info();
    let cmd = kea_process::parse_or_exit(Daemon::Dhcp4, &info);
    if let Err(e) = kea_log::init(Daemon::Dhcp4.process_name(), cmd.verbose) {
        eprintln!("failed to initialize logging: {e}");
    }
    let policy = PathPolicy::new(cmd.unrestricted_paths);
    let file = cmd.config_file.clone();
    let code = match cmd.mode {
        Mode::Check | Mode::CheckFull => match load::prepare_file(&file, &policy) {
            Ok(p) => {
                for w in &p.warnings {
                    kea_log!(loggers::DHCP4, messages::DHCP4_CONFIG_SYNTAX_WARNING, w);
                }
                println!("Syntax check OK");
                ExitCode::SUCCESS
            }
            Err(e) => {
                kea_log!(
                    loggers::DHCP4,
                    messages::DHCP4_CONFIG_LOAD_FAIL,
                    file.display(),
                    &e
                );
                eprintln!("Error encountered: {e}");
                ExitCode::FAILURE
            }
        },
        Mode::Run => run(&cmd, policy),
    };
    kea_log::flush();
    code
}

fn run(cmd: &kea_process::CommandLine, policy: PathPolicy) -> ExitCode {
    let file = cmd.config_file.clone();
    kea_log!(
        loggers::DHCP4,
        messages::DHCP4_STARTING,
        kea_process::KEA_VERSION,
        "tarball"
    );
    let _pid = match PidFile::create_default(&file, Daemon::Dhcp4.process_name()) {
        Ok(p) => p,
        Err(e) => {
            kea_log!(
                loggers::DHCP4,
                messages::DHCP4_ALREADY_RUNNING,
                Daemon::Dhcp4.process_name(),
                e
            );
            return ExitCode::FAILURE;
        }
    };
    let sig = match signals::install() {
        Ok(s) => s,
        Err(e) => {
            kea_log!(loggers::DHCP4, messages::DHCP4_INIT_FAIL, e);
            return ExitCode::FAILURE;
        }
    };
    let ports = Ports {
        server: cmd.server_port.unwrap_or(67),
        client: cmd.client_port.unwrap_or(68),
    };
    let fail = |e: &str| {
        kea_log!(
            loggers::DHCP4,
            messages::DHCP4_CONFIG_LOAD_FAIL,
            file.display(),
            e
        );
        kea_log!(loggers::DHCP4, messages::DHCP4_INIT_FAIL, e);
        ExitCode::FAILURE
    };
    let prepared = match load::prepare_file(&file, &policy) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    for w in &prepared.warnings {
        kea_log!(loggers::DHCP4, messages::DHCP4_CONFIG_SYNTAX_WARNING, w);
    }
    let stats = Stats::new();
    let disabled = Arc::new(AtomicBool::new(false));
    kea_log!(loggers::DHCP4, messages::DHCP4_OPEN_SOCKET, ports.server);
    let staged = match Server::stage_first(prepared, ports, &stats, &disabled) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let summary = commands::summary(&staged.prepared);
    let sockets = staged.prepared.sockets.clone();
    let (server, endpoints) =
        match Server::new(staged, ports, file.clone(), policy, stats, disabled) {
            Ok(x) => x,
            Err(e) => return fail(&e.to_string()),
        };
    let loop_server = server.clone();
    let packet_thread = match std::thread::Builder::new()
        .name("kea-dhcp4-packets".into())
        .spawn(move || loop_server.run_packet_loop(endpoints))
    {
        Ok(h) => h,
        Err(e) => return fail(&e.to_string()),
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&e.to_string()),
    };
    let code = rt.block_on(async {
        let ctx = Ctx {
            server: server.clone(),
            control: Arc::new(OnceLock::new()),
            shutdown: Arc::new(tokio::sync::Notify::new()),
            exit_value: Arc::new(std::sync::atomic::AtomicI32::new(0)),
        };
        let reg = CommandRegistry::new();
        commands::register(&reg, &ctx);
        match ControlServer::start(reg, &sockets, load::control_options(&server.policy)).await {
            Ok(c) => {
                let _ = ctx.control.set(Arc::new(c));
            }
            Err(e) => {
                kea_log!(loggers::DHCP4, messages::DHCP4_INIT_FAIL, e);
                return ExitCode::FAILURE;
            }
        }
        kea_log!(loggers::DHCP4, messages::DHCP4_CONFIG_COMPLETE, summary);
        kea_log!(loggers::DHCP4, messages::DHCP4_STARTED, kea_process::KEA_VERSION);
        let timers = tokio::spawn(reclaim_timers(server.clone()));
        loop {
            tokio::select! {
                ev = sig.recv() => match ev {
                    Ok(SignalEvent::Reload) => {
                        let _ = commands::reload_from_file(&ctx).await;
                    }
                    Ok(SignalEvent::Shutdown(signo)) => {
                        kea_log!(loggers::DHCP4, messages::DCTL_SHUTDOWN_SIGNAL_RECVD, kea_process::signals::signal_name(signo));
                        break;
                    }
                    Err(e) => {
                        kea_log!(loggers::DHCP4, messages::DHCP4_SERVER_FAILED, e);
                        break;
                    }
                },
                _ = ctx.shutdown.notified() => {
                    // Let the shutdown command's answer reach its client first.
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    break;
                }
            }
        }
        timers.abort();
        if let Some(c) = ctx.control.get() {
            c.stop().await;
        }
        match ctx.exit_value.load(std::sync::atomic::Ordering::SeqCst) {
            0 => ExitCode::SUCCESS,
            v => ExitCode::from(v.clamp(1, 255) as u8),
        }
    });
    server.request_stop();
    let _ = packet_thread.join();
    kea_log!(loggers::DHCP4, messages::DHCP4_SHUTDOWN);
    code
}

/// Lease reclamation and flushing on the `expired-leases-processing` timers.
async fn reclaim_timers(server: Arc<Server>) {
    let mut since_reclaim = 0u64;
    let mut since_flush = 0u64;
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        since_reclaim += 1;
        since_flush += 1;
        let e = server.state().cfg.expired.clone();
        if e.reclaim_timer_wait_time > 0 && since_reclaim >= u64::from(e.reclaim_timer_wait_time) {
            since_reclaim = 0;
            let s = server.clone();
            let _ = tokio::task::spawn_blocking(move || s.reclaim(false, None)).await;
        }
        if e.flush_reclaimed_timer_wait_time > 0
            && since_flush >= u64::from(e.flush_reclaimed_timer_wait_time)
        {
            since_flush = 0;
            let s = server.clone();
            let _ = tokio::task::spawn_blocking(move || s.flush_reclaimed()).await;
        }
    }
}
