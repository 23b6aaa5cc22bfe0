//! kea-dhcp6: the DHCPv6 server.

use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

use kea_command::{CommandRegistry, ControlServer};
use kea_dhcp6::commands::{self, Ctx};
use kea_dhcp6::load;
use kea_dhcp6::pipeline::Ports;
use kea_dhcp6::server::{self, Server, Settings};
use kea_dhcp6::shared::{self, StopReason};
use kea_dhcp6::stats::Stats;
use kea_log::{kea_log, loggers, messages};
use kea_process::{Daemon, Mode, PathPolicy, PidFile, VersionInfo, signals};

fn main() -> ExitCode {
    let info = VersionInfo {
        extra_lines: vec!["database:".into(), "Memfile backend 3.0".into()],
    };
    let cmd = kea_process::parse_or_exit(Daemon::Dhcp6, &info);
    if let Err(e) = kea_log::init(Daemon::Dhcp6.process_name(), cmd.verbose) {
        eprintln!("failed to initialize logging: {e}");
    }
    let policy = PathPolicy::new(cmd.unrestricted_paths);
    let code = match cmd.mode {
        Mode::Check | Mode::CheckFull => match load::prepare_file(&cmd.config_file, &policy) {
            Ok(p) => {
                for w in &p.warnings {
                    kea_log!(loggers::DHCP6, messages::DHCP6_CONFIG_SYNTAX_WARNING, w);
                }
                println!("Syntax check OK");
                ExitCode::SUCCESS
            }
            Err(e) => {
                kea_log!(
                    loggers::DHCP6,
                    messages::DHCP6_CONFIG_LOAD_FAIL,
                    cmd.config_file.display(),
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
        loggers::DHCP6,
        messages::DHCP6_STARTING,
        kea_process::KEA_VERSION,
        "tarball"
    );
    let fail = |e: &str| {
        kea_log!(
            loggers::DHCP6,
            messages::DHCP6_CONFIG_LOAD_FAIL,
            file.display(),
            e
        );
        kea_log!(loggers::DHCP6, messages::DHCP6_INIT_FAIL, e);
        ExitCode::FAILURE
    };
    let _pid = match PidFile::create_default(&file, Daemon::Dhcp6.process_name()) {
        Ok(p) => p,
        Err(e) => {
            kea_log!(
                loggers::DHCP6,
                messages::DHCP6_ALREADY_RUNNING,
                Daemon::Dhcp6.process_name(),
                e
            );
            return ExitCode::FAILURE;
        }
    };
    let sig = match signals::install() {
        Ok(s) => s,
        Err(e) => return fail(&e.to_string()),
    };
    let settings = Settings {
        ports: Ports {
            server: cmd.server_port.unwrap_or(547),
            client: cmd.client_port.unwrap_or(546),
        },
        config_file: file.clone(),
        policy,
    };
    let prepared = match load::prepare_file(&file, &policy) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    for w in &prepared.warnings {
        kea_log!(loggers::DHCP6, messages::DHCP6_CONFIG_SYNTAX_WARNING, w);
    }
    let stats = Stats::new();
    let disabled = Arc::new(AtomicBool::new(false));
    kea_log!(
        loggers::DHCP6,
        messages::DHCP6_OPEN_SOCKET,
        settings.ports.server
    );
    let staged = match server::stage(prepared, None, &settings, &stats, &disabled) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let summary = commands::summary(&staged.prepared);
    let sockets = staged.prepared.sockets.clone();
    let (server, endpoints) = match Server::new(staged, settings, stats, disabled) {
        Ok(x) => x,
        Err(e) => return fail(&e.to_string()),
    };
    let loop_server = server.clone();
    let packet_thread = match std::thread::Builder::new()
        .name("kea-dhcp6-packets".into())
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
        };
        let reg = CommandRegistry::new();
        commands::register(&reg, &ctx);
        match ControlServer::start(
            reg,
            &sockets,
            load::control_options(&server.settings.policy),
        )
        .await
        {
            Ok(c) => {
                let _ = ctx.control.set(Arc::new(c));
            }
            Err(e) => {
                kea_log!(loggers::DHCP6, messages::DHCP6_INIT_FAIL, e);
                return ExitCode::FAILURE;
            }
        }
        kea_log!(loggers::DHCP6, messages::DHCP6_CONFIG_COMPLETE, summary);
        kea_log!(
            loggers::DHCP6,
            messages::DHCP6_STARTED,
            kea_process::KEA_VERSION
        );
        let (r, f, p) = (server.clone(), server.clone(), server.clone());
        let timers = tokio::spawn(shared::expiry_timers(
            move || {
                let e = &p.state().cfg.expired;
                (e.reclaim_timer_wait_time, e.flush_reclaimed_timer_wait_time)
            },
            move || {
                let _ = r.reclaim(false, None);
            },
            move || f.flush_reclaimed(),
        ));
        match shared::serve_until_shutdown(sig, &ctx.shutdown, || async {
            let _ = commands::reload_from_file(&ctx).await;
        })
        .await
        {
            StopReason::Signal(signo) => kea_log!(
                loggers::DHCP6,
                messages::DCTL_SHUTDOWN_SIGNAL_RECVD,
                kea_process::signals::signal_name(signo)
            ),
            StopReason::Failed(e) => kea_log!(loggers::DHCP6, messages::DHCP6_SERVER_FAILED, e),
            StopReason::Command => {}
        }
        timers.abort();
        if let Some(c) = ctx.control.get() {
            c.stop().await;
        }
        ExitCode::SUCCESS
    });
    server.request_stop();
    let _ = packet_thread.join();
    kea_log!(loggers::DHCP6, messages::DHCP6_SHUTDOWN);
    code
}
