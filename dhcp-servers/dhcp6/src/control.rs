//! The daemon-level control commands every Kea DHCP server answers the same way
//! (`build-report`, `version-get`, `status-get`, `config-*`, `shutdown`, `dhcp-disable`,
//! `dhcp-enable`, `statistic-*` including the sample limits), written against two small traits so kea-dhcp4 and
//! kea-dhcp6 can share them (candidate for `dhcp-servers/server-common`).

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use kea_command::{Answer, CommandRegistry, Request};
use kea_config::Element;
use kea_process::{PathPolicy, VersionInfo};
use serde_json::{Value, json};

/// A boxed, sendable future (what async command handlers return).
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// The operations behind `statistic-*`.
pub trait StatisticsRegistry: Send + Sync {
    /// `{name: [[value, stamp]]}`, or `{}`.
    fn get(&self, name: &str) -> Value;
    /// Every statistic.
    fn get_all(&self) -> Value;
    /// False when there is no such statistic.
    fn reset(&self, name: &str) -> bool;
    /// False when there is no such statistic.
    fn remove(&self, name: &str) -> bool;
    fn reset_all(&self);
    fn remove_all(&self);
    /// Runs `f` on the named statistic; false when there is none.
    fn with_live(&self, name: &str, f: &dyn Fn(&dhcpsrv::stats::Statistic)) -> bool;
    /// Runs `f` on every statistic.
    fn each_live(&self, f: &dyn Fn(&dhcpsrv::stats::Statistic));
}

/// What the daemon-level commands need from a running server.
pub trait ManagedDaemon: Send + Sync + 'static {
    /// "DHCPv4" or "DHCPv6", as in `dhcp-disable` answers.
    fn service_name(&self) -> &'static str;
    /// Seconds since start and since the last reconfiguration.
    fn uptime(&self) -> (u64, u64);
    /// `config-get` arguments (`{"Dhcp6": {...}, "hash": ...}`).
    fn config_get(&self) -> Value;
    fn config_hash(&self) -> String;
    /// The running configuration as `config-write` stores it.
    fn config_text(&self) -> String;
    fn config_file(&self) -> PathBuf;
    fn policy(&self) -> PathPolicy;
    /// `config-test`: checks without applying.
    fn check(&self, root: &Element) -> Result<(), String>;
    /// `config-set`: checks and applies transactionally.
    fn apply(self: Arc<Self>, root: Element) -> BoxFuture<Result<(), String>>;
    /// `config-reload` / SIGHUP.
    fn reload(self: Arc<Self>) -> BoxFuture<Result<(), String>>;
    /// The dhcp-disable flag the packet path reads.
    fn disabled(&self) -> Arc<AtomicBool>;
    fn statistics(&self) -> &dyn StatisticsRegistry;
    /// Asks the main loop to stop (after the answer has been sent).
    fn request_shutdown(&self);
}

fn to_element(v: &Value) -> Result<Element, String> {
    Element::from_json(v, "<wire>").map_err(|e| e.command_text())
}

fn with_name(req: &Request, f: impl FnOnce(&str) -> Answer) -> Answer {
    match req.arguments_map().and_then(|a| a.get("name")) {
        Some(Value::String(s)) => f(s),
        Some(_) => Answer::error("'name' parameter expected to be a string."),
        None => Answer::error("Missing mandatory 'name' parameter."),
    }
}

/// Registers a synchronous handler that gets the daemon.
fn sync<D: ManagedDaemon>(
    reg: &CommandRegistry,
    d: &Arc<D>,
    name: &str,
    f: fn(&D, &Request) -> Answer,
) {
    let d = d.clone();
    reg.register(name, move |req| f(&d, req));
}

/// Registers the daemon-level commands.
pub fn register<D: ManagedDaemon>(reg: &CommandRegistry, d: &Arc<D>) {
    reg.register("build-report", |_| {
        Answer::success_text(kea_process::cli::build_report_text(&VersionInfo::default()))
    });
    reg.register("version-get", |_| {
        Answer::success_text(kea_process::KEA_VERSION).with_arguments(
            json!({"extended": kea_process::cli::extended_version_text(&VersionInfo::default())}),
        )
    });
    sync(reg, d, "status-get", |d, _| {
        let (uptime, reload) = d.uptime();
        Answer::success_with(json!({
            "pid": std::process::id(),
            "uptime": uptime,
            "reload": reload,
            "multi-threading-enabled": false,
            "sockets": {"status": "ready"},
        }))
    });
    sync(reg, d, "config-get", |d, _| {
        Answer::success_with(d.config_get())
    });
    sync(reg, d, "config-hash-get", |d, _| {
        Answer::success_with(json!({"hash": d.config_hash()}))
    });
    sync(reg, d, "config-test", |d, req| {
        let Some(a) = req.arguments.as_ref() else {
            return Answer::error("Missing mandatory 'arguments' parameter.");
        };
        match to_element(a).and_then(|e| d.check(&e)) {
            Ok(()) => Answer::success_text(
                "Configuration seems sane. Control-socket, hook-libraries, and D2 configuration were sanity checked, but not applied.",
            ),
            Err(e) => Answer::error(e),
        }
    });
    let dd = d.clone();
    reg.register_async("config-set", move |req| {
        let d = dd.clone();
        async move {
            let root = match req.arguments.as_ref().map(to_element) {
                Some(Ok(r)) => r,
                Some(Err(e)) => return Answer::error(e),
                None => return Answer::error("Missing mandatory 'arguments' parameter."),
            };
            match d.apply(root).await {
                Ok(()) => Answer::success_text("Configuration successful."),
                Err(e) => Answer::error(e),
            }
        }
    });
    let dd = d.clone();
    reg.register_async("config-reload", move |_| {
        let d = dd.clone();
        async move {
            match d.reload().await {
                Ok(()) => Answer::success_text("Configuration successful."),
                Err(e) => Answer::error(format!("Config reload failed: {e}")),
            }
        }
    });
    sync(reg, d, "config-write", config_write);
    let dd = d.clone();
    reg.register_async("shutdown", move |_| {
        let d = dd.clone();
        async move {
            // The listener closes on shutdown: let this answer leave first.
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(100)).await;
                d.request_shutdown();
            });
            Answer::success_text("Shutting down.")
        }
    });
    sync(reg, d, "dhcp-disable", dhcp_disable);
    sync(reg, d, "dhcp-enable", |d, _| {
        d.disabled().store(false, Ordering::SeqCst);
        Answer::success_text("DHCP service successfully enabled")
    });
    sync(reg, d, "statistic-get", |d, req| {
        with_name(req, |n| Answer::success_with(d.statistics().get(n)))
    });
    sync(reg, d, "statistic-get-all", |d, _| {
        Answer::success_with(d.statistics().get_all())
    });
    sync(reg, d, "statistic-reset", |d, req| {
        with_name(req, |n| match d.statistics().reset(n) {
            true => Answer::success_text(format!("Statistic '{n}' reset.")),
            false => Answer::error(format!("No '{n}' statistic found")),
        })
    });
    sync(reg, d, "statistic-remove", |d, req| {
        with_name(req, |n| match d.statistics().remove(n) {
            true => Answer::success_text(format!("Statistic '{n}' removed.")),
            false => Answer::error(format!("No '{n}' statistic found")),
        })
    });
    sync(reg, d, "statistic-reset-all", |d, _| {
        d.statistics().reset_all();
        Answer::success_text("All statistics reset to neutral values.")
    });
    sync(reg, d, "statistic-remove-all", |d, _| {
        d.statistics().remove_all();
        Answer::success_text("All statistics removed.")
    });
    use dhcpsrv::stats::commands as sample;
    sync(reg, d, "statistic-sample-count-set", |d, req| {
        outcome(sample::count_set(req.arguments_map(), |n, f| {
            d.statistics().with_live(n, f)
        }))
    });
    sync(reg, d, "statistic-sample-age-set", |d, req| {
        outcome(sample::age_set(req.arguments_map(), |n, f| {
            d.statistics().with_live(n, f)
        }))
    });
    sync(reg, d, "statistic-sample-count-set-all", |d, req| {
        outcome(sample::count_set_all(req.arguments_map(), |f| {
            d.statistics().each_live(f)
        }))
    });
    sync(reg, d, "statistic-sample-age-set-all", |d, req| {
        outcome(sample::age_set_all(req.arguments_map(), |f| {
            d.statistics().each_live(f)
        }))
    });
}

fn outcome(r: Result<String, String>) -> Answer {
    match r {
        Ok(text) => Answer::success_text(text),
        Err(text) => Answer::error(text),
    }
}

fn dhcp_disable<D: ManagedDaemon>(d: &D, req: &Request) -> Answer {
    let period = match req.arguments_map().and_then(|a| a.get("max-period")) {
        None => None,
        Some(v) => match v.as_u64() {
            Some(p) if p > 0 => Some(p),
            _ => return Answer::error("'max-period' must be positive integer"),
        },
    };
    d.disabled().store(true, Ordering::SeqCst);
    let name = d.service_name();
    match period {
        None => Answer::success_text(format!("{name} service disabled")),
        Some(p) => {
            // Re-enable after the period unless dhcp-enable came first (then this is a no-op).
            let flag = d.disabled();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(p));
                flag.store(false, Ordering::SeqCst);
            });
            Answer::success_text(format!("{name} service disabled for {p} seconds"))
        }
    }
}

fn config_write<D: ManagedDaemon>(d: &D, req: &Request) -> Answer {
    let file = d.config_file();
    let name = match req.arguments_map().and_then(|a| a.get("filename")) {
        None => file.to_string_lossy().into_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Answer::error("passed parameter 'filename' is not a string"),
    };
    let path = match d.policy().config_write_path(&file, &name) {
        Ok(p) => p,
        Err(e) => return Answer::error(e.to_string()),
    };
    let text = d.config_text();
    match std::fs::write(&path, text.as_bytes()) {
        Ok(()) => Answer::success_text(format!(
            "Configuration written to {} successful",
            path.display()
        ))
        .with_arguments(json!({"filename": path.to_string_lossy(), "size": text.len()})),
        Err(e) => Answer::error(format!(
            "Unable to open file {} for writing: {e}",
            path.display()
        )),
    }
}
