//! Control-channel commands of kea-dhcp4 with Kea's answer shapes and texts.

use std::net::Ipv4Addr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};

use dhcp_lease::{HwAddr, Lease4, LeaseState, hex_text, parse_hex};
use dhcpsrv::lease_cmds as lease_args;
use kea_command::{Answer, CommandRegistry, ControlServer, Request};
use kea_config::Element;
use kea_log::{kea_log, loggers, messages};
use kea_process::VersionInfo;
use serde_json::{Map, Value, json};

use crate::load;
use crate::server::Server;

/// What the handlers share.
#[derive(Clone)]
pub struct Ctx {
    pub server: Arc<Server>,
    /// Set once the control sockets are open (config-set reconfigures them).
    pub control: Arc<OnceLock<Arc<ControlServer>>>,
    /// Signals the main task to shut down.
    pub shutdown: Arc<tokio::sync::Notify>,
    /// `shutdown` command's `exit-value`.
    pub exit_value: Arc<std::sync::atomic::AtomicI32>,
}

fn args(req: &Request) -> Option<&Map<String, Value>> {
    req.arguments_map()
}

/// Registers every command on `reg`.
pub fn register(reg: &CommandRegistry, ctx: &Ctx) {
    let c = ctx.clone();
    reg.register("build-report", move |_| {
        let _ = &c;
        Answer::success_text(kea_process::cli::build_report_text(&VersionInfo::default()))
    });
    reg.register("version-get", |_| {
        Answer::success_text(kea_process::KEA_VERSION).with_arguments(
            json!({"extended": kea_process::cli::extended_version_text(&VersionInfo::default())}),
        )
    });
    let c = ctx.clone();
    reg.register("status-get", move |_| {
        let s = &c.server;
        Answer::success_with(json!({
            "pid": std::process::id(),
            "uptime": s.started.elapsed().as_secs(),
            "reload": s.since_reload(),
            "multi-threading-enabled": false,
            "sockets": {"status": "ready"},
        }))
    });
    let c = ctx.clone();
    reg.register("config-get", move |_| {
        let st = c.server.state();
        let mut v = st.cfg.model_json();
        if let Value::Object(m) = &mut v {
            m.insert("hash".into(), Value::String(st.cfg.hash()));
        }
        Answer::success_with(v)
    });
    let c = ctx.clone();
    reg.register("config-hash-get", move |_| {
        Answer::success_with(json!({"hash": c.server.state().cfg.hash()}))
    });
    let c = ctx.clone();
    reg.register("config-test", move |req| {
        let Some(a) = req.arguments.as_ref() else {
            return Answer::error("Missing mandatory 'arguments' parameter.");
        };
        match to_element(a).and_then(|e| load::prepare(&e, &c.server.policy)) {
            Ok(_) => Answer::success_text(
                "Configuration seems sane. Control-socket, hook-libraries, and D2 configuration were sanity checked, but not applied.",
            ),
            Err(e) => Answer::error(e),
        }
    });
    let c = ctx.clone();
    reg.register_async("config-set", move |req| {
        let c = c.clone();
        async move {
            let Some(a) = req.arguments.clone() else {
                return Answer::error("Missing mandatory 'arguments' parameter.");
            };
            let root = match to_element(&a) {
                Ok(r) => r,
                Err(e) => return Answer::error(e),
            };
            match apply(&c, &root).await {
                Ok(()) => Answer::success_text("Configuration successful."),
                Err(e) => Answer::error(e),
            }
        }
    });
    let c = ctx.clone();
    reg.register_async("config-reload", move |_req| {
        let c = c.clone();
        async move {
            match reload_from_file(&c).await {
                Ok(()) => Answer::success_text("Configuration successful."),
                Err(e) => Answer::error(format!("Config reload failed: {e}")),
            }
        }
    });
    let c = ctx.clone();
    reg.register("config-write", move |req| config_write(&c, req));
    let c = ctx.clone();
    reg.register("shutdown", move |req| {
        match args(req).and_then(|a| a.get("exit-value")) {
            None => {}
            Some(v) => match v.as_i64().and_then(|x| i32::try_from(x).ok()) {
                Some(x) => c.exit_value.store(x, Ordering::SeqCst),
                None => return Answer::error("parameter 'exit-value' is not an integer"),
            },
        }
        kea_log!(loggers::DHCP4, messages::DHCP4_SHUTDOWN_REQUEST);
        c.shutdown.notify_one();
        Answer::success_text("Shutting down.")
    });
    let c = ctx.clone();
    reg.register("dhcp-disable", move |req| {
        let max = args(req).and_then(|a| a.get("max-period"));
        let period = match max {
            None => None,
            Some(v) => match v.as_u64() {
                Some(p) if p > 0 => Some(p),
                _ => return Answer::error("'max-period' must be positive integer"),
            },
        };
        c.server.disabled.store(true, Ordering::SeqCst);
        match period {
            Some(p) => {
                let srv = c.server.clone();
                std::thread::spawn(move || {
                    std::thread::sleep(std::time::Duration::from_secs(p));
                    srv.disabled.store(false, Ordering::SeqCst);
                });
                Answer::success_text(format!("DHCPv4 service disabled for {p} seconds"))
            }
            None => Answer::success_text("DHCPv4 service disabled"),
        }
    });
    let c = ctx.clone();
    reg.register("dhcp-enable", move |_| {
        c.server.disabled.store(false, Ordering::SeqCst);
        Answer::success_text("DHCP service successfully enabled")
    });
    register_stats(reg, ctx);
    register_leases(reg, ctx);
    crate::config_access::register(reg, ctx);
}

/// config-set / config-test arguments as a configuration element. A top-level `hash` (what
/// config-get adds) is not configuration and is dropped, so config-get output can be sent back.
fn to_element(v: &Value) -> Result<Element, String> {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        m.remove("hash");
    }
    Element::from_json(&v, "<wire>").map_err(|e| e.command_text())
}

/// config-set: check, stage, switch control sockets, go live. Any failure leaves the running
/// configuration untouched.
pub async fn apply(c: &Ctx, root: &Element) -> Result<(), String> {
    let _guard = c.server.reconfig.lock().await;
    let policy = c.server.policy;
    let server = c.server.clone();
    let root = root.clone();
    let staged = tokio::task::spawn_blocking(move || {
        let prepared = load::prepare(&root, &policy)?;
        server.stage(prepared)
    })
    .await
    .map_err(|e| e.to_string())??;
    if let Some(ctl) = c.control.get() {
        ctl.reconfigure(&staged.prepared.sockets)
            .await
            .map_err(|e| e.to_string())?;
    }
    let summary = summary(&staged.prepared);
    c.server.commit(staged);
    kea_log!(loggers::DHCP4, messages::DHCP4_CONFIG_COMPLETE, summary);
    Ok(())
}

/// SIGHUP / config-reload: the configuration file again.
pub async fn reload_from_file(c: &Ctx) -> Result<(), String> {
    let file = c.server.config_file.clone();
    kea_log!(
        loggers::DHCP4,
        messages::DHCP4_DYNAMIC_RECONFIGURATION,
        file.display()
    );
    let parsed = kea_config::parse_file(&file).map_err(|e| e.command_text());
    let res = match parsed {
        Ok(root) => apply(c, &root).await,
        Err(e) => Err(e),
    };
    match &res {
        Ok(()) => kea_log!(
            loggers::DHCP4,
            messages::DHCP4_DYNAMIC_RECONFIGURATION_SUCCESS,
            file.display()
        ),
        Err(e) => {
            kea_log!(
                loggers::DHCP4,
                messages::DHCP4_CONFIG_LOAD_FAIL,
                file.display(),
                e
            );
            kea_log!(
                loggers::DHCP4,
                messages::DHCP4_DYNAMIC_RECONFIGURATION_FAIL,
                file.display()
            );
        }
    }
    res
}

/// Kea's DHCP4_CONFIG_COMPLETE summary.
pub fn summary(p: &load::Prepared) -> String {
    let n = p.cfg.subnets.len();
    let nets = p.cfg.networks.len();
    let mut s = format!("added IPv4 subnets: {n}");
    if nets > 0 {
        s.push_str(&format!("; shared networks: {nets}"));
    }
    s.push_str("; DDNS: disabled");
    s
}

fn config_write(c: &Ctx, req: &Request) -> Answer {
    let given = args(req).and_then(|a| a.get("filename"));
    let name = match given {
        None => c.server.config_file.to_string_lossy().into_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Answer::error("passed parameter 'filename' is not a string"),
    };
    let path = match c
        .server
        .policy
        .config_write_path(&c.server.config_file, &name)
    {
        Ok(p) => p,
        Err(e) => return Answer::error(e.to_string()),
    };
    let st = c.server.state();
    let text = match serde_json::to_string_pretty(&st.cfg.model_json()) {
        Ok(t) => t,
        Err(e) => return Answer::error(e.to_string()),
    };
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

fn stat_name(req: &Request) -> Result<String, Answer> {
    match args(req).and_then(|a| a.get("name")) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(Answer::error("'name' parameter expected to be a string.")),
        None => Err(Answer::error("Missing mandatory 'name' parameter.")),
    }
}

fn outcome(r: Result<String, String>) -> Answer {
    match r {
        Ok(text) => Answer::success_text(text),
        Err(text) => Answer::error(text),
    }
}

fn register_stats(reg: &CommandRegistry, ctx: &Ctx) {
    let c = ctx.clone();
    reg.register("statistic-get", move |req| match stat_name(req) {
        Ok(n) => Answer::success_with(c.server.stats.get(&n)),
        Err(a) => a,
    });
    let c = ctx.clone();
    reg.register("statistic-get-all", move |_| {
        Answer::success_with(c.server.stats.get_all())
    });
    let c = ctx.clone();
    reg.register("statistic-reset", move |req| match stat_name(req) {
        Ok(n) if c.server.stats.reset(&n) => {
            Answer::success_text(format!("Statistic '{n}' reset."))
        }
        Ok(n) => Answer::error(format!("No '{n}' statistic found")),
        Err(a) => a,
    });
    let c = ctx.clone();
    reg.register("statistic-remove", move |req| match stat_name(req) {
        Ok(n) if c.server.stats.remove(&n) => {
            Answer::success_text(format!("Statistic '{n}' removed."))
        }
        Ok(n) => Answer::error(format!("No '{n}' statistic found")),
        Err(a) => a,
    });
    let c = ctx.clone();
    reg.register("statistic-reset-all", move |_| {
        c.server.stats.reset_all();
        Answer::success_text("All statistics reset to neutral values.")
    });
    let c = ctx.clone();
    reg.register("statistic-remove-all", move |_| {
        c.server.stats.remove_all();
        Answer::success_text("All statistics removed.")
    });
    use dhcpsrv::stats::commands as sample;
    let c = ctx.clone();
    reg.register("statistic-sample-count-set", move |req| {
        outcome(sample::count_set(args(req), |n, f| {
            c.server.stats.with_live(n, f)
        }))
    });
    let c = ctx.clone();
    reg.register("statistic-sample-age-set", move |req| {
        outcome(sample::age_set(args(req), |n, f| {
            c.server.stats.with_live(n, f)
        }))
    });
    let c = ctx.clone();
    reg.register("statistic-sample-count-set-all", move |req| {
        outcome(sample::count_set_all(args(req), |f| {
            c.server.stats.each_live(f)
        }))
    });
    let c = ctx.clone();
    reg.register("statistic-sample-age-set-all", move |req| {
        outcome(sample::age_set_all(args(req), |f| {
            c.server.stats.each_live(f)
        }))
    });
}

/// Kea's JSON for a v4 lease.
pub fn lease_json(l: &Lease4) -> Value {
    let mut m = Map::new();
    m.insert("cltt".into(), json!(l.cltt));
    m.insert("fqdn-fwd".into(), json!(l.fqdn_fwd));
    m.insert("fqdn-rev".into(), json!(l.fqdn_rev));
    m.insert("hostname".into(), json!(&*l.hostname));
    m.insert("hw-address".into(), json!(hex_text(l.hw_bytes())));
    m.insert("ip-address".into(), json!(l.address.to_string()));
    m.insert("state".into(), json!(l.state.0));
    m.insert("subnet-id".into(), json!(l.subnet_id));
    m.insert("valid-lft".into(), json!(l.valid_lifetime));
    if l.pool_id != 0 {
        m.insert("pool-id".into(), json!(l.pool_id));
    }
    if let Some(cid) = &l.client_id {
        m.insert("client-id".into(), json!(hex_text(cid)));
    }
    if let Some(uc) = &l.user_context
        && let Ok(v) = serde_json::from_str::<Value>(uc)
    {
        m.insert("user-context".into(), v);
    }
    Value::Object(m)
}

fn need_args(req: &Request) -> Result<&Map<String, Value>, Answer> {
    args(req).ok_or_else(|| Answer::error("Parameters missing or are not a map."))
}

/// The lease commands' arguments: a map, or Kea's text for their absence.
fn need_args_or<'a>(req: &'a Request, missing: &str) -> Result<&'a Map<String, Value>, Answer> {
    match &req.arguments {
        None => Err(Answer::error(missing)),
        Some(_) => need_args(req),
    }
}

/// The `ip-address` naming a lease to get or delete.
fn get_ip(a: &Map<String, Value>) -> Result<Option<Ipv4Addr>, Answer> {
    match lease_args::lookup_address(a, false) {
        Ok(Some(std::net::IpAddr::V4(ip))) => Ok(Some(ip)),
        Ok(_) => Ok(None),
        Err(e) => Err(Answer::error(e)),
    }
}

/// The address of a lease to add or update.
fn lease_ip(a: &Map<String, Value>) -> Result<Ipv4Addr, Answer> {
    match lease_args::lease_address(a, false) {
        Ok(std::net::IpAddr::V4(ip)) => Ok(ip),
        Ok(other) => Err(Answer::error(format!(
            "Non-IPv4 address specified: {other}"
        ))),
        Err(e) => Err(Answer::error(e)),
    }
}

/// Finds a lease by address or by (identifier-type, identifier, subnet-id).
/// `verb` names the operation in Kea's refusal texts ("Query" for get, "Delete" for del).
fn find_lease(c: &Ctx, a: &Map<String, Value>, verb: &str) -> Result<Option<Arc<Lease4>>, Answer> {
    let st = c.server.state();
    // A v4 lease has no IA type; a valid `type` is accepted and ignored, as in Kea.
    lease_args::lookup_common(a).map_err(Answer::error)?;
    if let Some(ip) = get_ip(a)? {
        return Ok(st.leases.get(ip));
    }
    // Kea checks subnet-id first, then the identifier.
    let Some(sid) = a.get("subnet-id").and_then(Value::as_u64) else {
        return Err(Answer::error("Mandatory 'subnet-id' parameter missing."));
    };
    let Some(Value::String(t)) = a.get("identifier-type") else {
        return Err(Answer::error(
            "No 'ip-address' provided and 'identifier-type' is either missing or not a string.",
        ));
    };
    let Some(Value::String(id)) = a.get("identifier") else {
        return Err(Answer::error(
            "No 'ip-address' provided and 'identifier' is either missing or not a string.",
        ));
    };
    let bytes = parse_hex(id).ok_or_else(|| Answer::error(format!("invalid identifier '{id}'")))?;
    let sid = sid as u32;
    match t.as_str() {
        "hw-address" => Ok(st.leases.get_by_hw_address_subnet(&bytes, sid)),
        "client-id" => Ok(st.leases.get_by_client_id_subnet(&bytes, sid)),
        "duid" => Err(Answer::error(format!(
            "{verb} by duid is not allowed in v4."
        ))),
        other => Err(Answer::error(format!(
            "Incorrect identifier type: {other}, the only supported values are: address, hw-address, duid"
        ))),
    }
}

/// Builds a lease from lease4-add / lease4-update arguments (Kea's Lease4Parser checks).
fn lease_from_args(c: &Ctx, a: &Map<String, Value>) -> Result<Lease4, Answer> {
    let e = |t: String| Answer::error(t);
    let st = c.server.state();
    let ip = lease_ip(a)?;
    let subnet_id = lease_args::opt_uint(a, "subnet-id", u64::from(u32::MAX)).map_err(e)?;
    let subnet_id = match subnet_id.unwrap_or(0) as u32 {
        0 => st
            .cfg
            .subnets
            .iter()
            .find(|s| s.prefix.contains(ip))
            .map(|s| s.id)
            .ok_or_else(|| {
                e(format!(
                    "subnet-id not specified and failed to find a subnet for address {ip}"
                ))
            })?,
        id => {
            let s = st.cfg.subnet_by_id(id).ok_or_else(|| {
                e(format!(
                    "Invalid subnet-id: No IPv4 subnet with subnet-id={id} currently configured."
                ))
            })?;
            if !s.prefix.contains(ip) {
                return Err(e(format!(
                    "The address {ip} does not belong to subnet {}, subnet-id={id}",
                    s.prefix
                )));
            }
            id
        }
    };
    let hw = lease_args::req_str(a, "hw-address").map_err(e)?;
    let hw = HwAddr::parse(1, hw).map_err(|_| e(lease_args::bad_hw_address(hw)))?;
    let valid = match lease_args::opt_uint(a, "valid-lft", u64::from(u32::MAX)).map_err(e)? {
        Some(v) => v as u32,
        None => st
            .cfg
            .subnet_by_id(subnet_id)
            .map(|s| s.params.valid_lifetime)
            .unwrap_or(7200),
    };
    let now = chrono::Utc::now().timestamp();
    let cltt = match lease_args::opt_int(a, "expire").map_err(e)? {
        Some(exp) if valid != u32::MAX => exp - i64::from(valid),
        _ => now,
    };
    let mut l = Lease4::new(ip, subnet_id, valid, cltt);
    l.hw_address = Some(hw);
    if let Some(cid) = lease_args::opt_str(a, "client-id").map_err(e)? {
        l.client_id = Some(
            parse_hex(cid)
                .ok_or_else(|| e(lease_args::bad_hex(cid)))?
                .into_boxed_slice(),
        );
    }
    if let Some(h) = lease_args::opt_str(a, "hostname").map_err(e)? {
        l.hostname = h.to_ascii_lowercase().into_boxed_str();
    }
    l.fqdn_fwd = lease_args::opt_bool(a, "fqdn-fwd")
        .map_err(e)?
        .unwrap_or(false);
    l.fqdn_rev = lease_args::opt_bool(a, "fqdn-rev")
        .map_err(e)?
        .unwrap_or(false);
    if (l.fqdn_fwd || l.fqdn_rev) && l.hostname.is_empty() {
        return Err(Answer::error(
            "No hostname specified and either forward or reverse fqdn was set to true.",
        ));
    }
    if let Some(v) = lease_args::lease_state(a, 3).map_err(e)? {
        l.state = LeaseState(v);
    }
    if let Some(uc) = lease_args::user_context(a).map_err(e)? {
        l.user_context = Some(uc.into_boxed_str());
    }
    if let Some(s) = st.cfg.subnet_by_id(subnet_id) {
        l.pool_id = s.pools.iter().position(|p| p.contains(ip)).unwrap_or(0) as u32;
    }
    Ok(l)
}

/// Statistics follow lease changes made by commands (assigned/declined per subnet).
fn account(c: &Ctx, old: Option<&Lease4>, new: Option<&Lease4>) {
    let st = c.server.state();
    let counted = |l: &Lease4| l.state == LeaseState::DEFAULT || l.state == LeaseState::DECLINED;
    let adjust = |l: &Lease4, d: i64| {
        if counted(l) {
            st.count_assigned(l.subnet_id, l.address, d);
        }
        if l.state == LeaseState::DECLINED {
            st.count_declined(l.subnet_id, l.address, d);
        }
    };
    if let Some(o) = old {
        adjust(o, -1);
        if counted(o) && new.is_none_or(|n| !counted(n)) {
            st.note_freed(o.subnet_id, o.address);
        }
    }
    if let Some(n) = new {
        adjust(n, 1);
        if counted(n) {
            st.note_taken(n.subnet_id, n.address);
        }
    }
}

fn register_leases(reg: &CommandRegistry, ctx: &Ctx) {
    crate::select_test::register(reg, ctx);
    // Configuration backends are refused at configuration time, so there never is one.
    reg.register("config-backend-pull", |_| {
        Answer::empty("No config backend.")
    });
    let c = ctx.clone();
    reg.register("lease4-get", move |req| {
        let a = match need_args(req) {
            Ok(a) => a,
            Err(e) => return e,
        };
        match find_lease(&c, a, "Query") {
            Ok(Some(l)) => Answer::success_text("IPv4 lease found.").with_arguments(lease_json(&l)),
            Ok(None) => Answer::empty("Lease not found."),
            Err(e) => e,
        }
    });
    let c = ctx.clone();
    reg.register("lease4-get-all", move |req| {
        let st = c.server.state();
        let leases: Vec<Arc<Lease4>> = match lease_args::subnets_arg(req.arguments.as_ref()) {
            Ok(None) => st.leases.get_all(),
            Ok(Some(ids)) => ids
                .into_iter()
                .flat_map(|id| st.leases.get_by_subnet(id))
                .collect(),
            Err(e) => return Answer::error(e),
        };
        leases_answer(&leases, None)
    });
    let c = ctx.clone();
    reg.register("lease4-get-page", move |req| {
        let (from, limit) =
            match lease_args::page_args(req.arguments.as_ref(), "lease4-get-page", false) {
                Ok((Some(std::net::IpAddr::V4(ip)), l)) => (Some(ip), l),
                Ok((_, l)) => (None, l),
                Err(e) => return Answer::error(e),
            };
        let leases = c.server.state().leases.get_page(from, limit);
        leases_answer(&leases, Some(leases.len()))
    });
    let c = ctx.clone();
    reg.register("lease4-add", move |req| {
        let a = match need_args_or(req, "no parameters specified for the command") {
            Ok(a) => a,
            Err(e) => return e,
        };
        let l = match lease_from_args(&c, a) {
            Ok(l) => l,
            Err(e) => return e,
        };
        let (ip, sid) = (l.address, l.subnet_id);
        let st = c.server.state();
        match st.leases.add(l.clone()) {
            Ok(()) => {
                account(&c, None, Some(&l));
                Answer::success_text(format!("Lease for address {ip}, subnet-id {sid} added."))
            }
            // Kea 2.4+ answers a duplicate as a conflict (result 4; 2.2.0 said 1).
            Err(dhcp_lease::StoreError::AlreadyExists { .. }) => {
                Answer::conflict("IPv4 lease already exists.")
            }
            Err(e) => Answer::error(e.to_string()),
        }
    });
    let c = ctx.clone();
    reg.register("lease4-update", move |req| {
        let a = match need_args_or(req, "no parameters specified for lease4-update command") {
            Ok(a) => a,
            Err(e) => return e,
        };
        let l = match lease_from_args(&c, a) {
            Ok(l) => l,
            Err(e) => return e,
        };
        let force = a
            .get("force-create")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let st = c.server.state();
        let old = st.leases.get(l.address);
        match old {
            Some(o) => match st.leases.update(l.clone()) {
                Ok(()) => {
                    account(&c, Some(&o), Some(&l));
                    Answer::success_text("IPv4 lease updated.")
                }
                Err(e) => Answer::error(e.to_string()),
            },
            None if force => match st.leases.add(l.clone()) {
                Ok(()) => {
                    account(&c, None, Some(&l));
                    Answer::success_text("IPv4 lease added.")
                }
                Err(e) => Answer::error(e.to_string()),
            },
            // A conflict since Kea 2.4 (2.2.0 answered 1).
            None => Answer::conflict(format!(
                "failed to update the lease with address {} either because the lease has been deleted or it has changed in the database, in both cases a retry might succeed",
                l.address
            )),
        }
    });
    let c = ctx.clone();
    reg.register("lease4-del", move |req| {
        let a = match need_args(req) {
            Ok(a) => a,
            Err(e) => return e,
        };
        match find_lease(&c, a, "Delete") {
            Ok(Some(l)) => match c.server.state().leases.delete(l.address) {
                Ok(Some(gone)) => {
                    account(&c, Some(&gone), None);
                    Answer::success_text("IPv4 lease deleted.")
                }
                Ok(None) => Answer::empty("IPv4 lease not found."),
                Err(e) => Answer::error(e.to_string()),
            },
            Ok(None) => Answer::empty("IPv4 lease not found."),
            Err(e) => e,
        }
    });
    let c = ctx.clone();
    reg.register("lease4-wipe", move |req| {
        let st = c.server.state();
        let sid = match lease_args::wipe_arg(req.arguments.as_ref()) {
            Ok(id) => id,
            Err(e) => return Answer::error(e),
        };
        let ids: Vec<u32> = if sid == 0 {
            st.cfg.subnets.iter().map(|s| s.id).collect()
        } else {
            vec![sid]
        };
        let mut total = 0u64;
        for id in &ids {
            let before = st.leases.get_by_subnet(*id);
            match st.leases.wipe(Some(*id)) {
                Ok(n) => {
                    total += n;
                    for l in &before {
                        account(&c, Some(l), None);
                    }
                }
                Err(e) => return Answer::error(e.to_string()),
            }
        }
        let list = ids.iter().map(u32::to_string).collect::<Vec<_>>().join(" ");
        let text = format!("Deleted {total} IPv4 lease(s) from subnet(s) {list}");
        if total == 0 {
            Answer::empty(text)
        } else {
            Answer::success_text(text)
        }
    });
    for (cmd, key) in [
        ("lease4-get-by-hw-address", "hw-address"),
        ("lease4-get-by-client-id", "client-id"),
        ("lease4-get-by-hostname", "hostname"),
    ] {
        let c = ctx.clone();
        reg.register(cmd, move |req| {
            let Some(a) = args(req) else {
                return Answer::error("Command arguments missing or a not a map.");
            };
            let Some(v) = a.get(key) else {
                return Answer::error(format!("'{key}' parameter not specified"));
            };
            let Some(text) = v.as_str() else {
                return Answer::error(format!("'{key}' parameter must be a string"));
            };
            let st = c.server.state();
            let leases = if key == "hostname" {
                if text.is_empty() {
                    return Answer::error("'hostname' parameter is empty");
                }
                st.leases.get_by_hostname(&text.to_ascii_lowercase())
            } else {
                let Some(bytes) = parse_hex(text) else {
                    return Answer::error(if key == "hw-address" {
                        lease_args::bad_hw_address(text)
                    } else {
                        lease_args::bad_hex(text)
                    });
                };
                if key == "hw-address" {
                    st.leases.get_by_hw_address(&bytes)
                } else {
                    st.leases.get_by_client_id(&bytes)
                }
            };
            leases_answer(&leases, None)
        });
    }
    reg.register("lease4-resend-ddns", |req| {
        outcome(dhcpsrv::lease_cmds::resend_ddns(args(req), "IPv4", |s| {
            s.parse::<Ipv4Addr>().is_ok()
        }))
    });
    let c = ctx.clone();
    reg.register("lease4-write", move |req| {
        let Some(store) = c.server.lease_store() else {
            return Answer::error("the lease database is not open");
        };
        let policy = c.server.policy;
        outcome(dhcpsrv::lease_cmds::lease_write(
            args(req),
            "IPv4",
            |n| policy.data_file_path(n),
            |p| store.write_snapshot(p).map(|_| ()),
        ))
    });
    let c = ctx.clone();
    reg.register("server-tag-get", move |_| {
        let st = c.server.state();
        let tag = st
            .cfg
            .dhcp4_json()
            .get("server-tag")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        Answer::success_with(json!({"server-tag": tag}))
    });
    let c = ctx.clone();
    reg.register("stat-lease4-get", move |req| {
        use dhcpsrv::stat_lease;
        let scope = match stat_lease::parse_scope(req.arguments.as_ref()) {
            Ok(s) => s,
            Err(e) => return Answer::error(e),
        };
        let st = c.server.state();
        let mut rows = Vec::new();
        for (s, ss) in st.cfg.subnets.iter().zip(&st.subnet_stats) {
            if !scope.contains(s.id) {
                continue;
            }
            let (assigned, declined) = crate::server::lease_counts(st.leases.as_ref(), Some(s.id));
            rows.push(json!([
                s.id,
                s.total_addresses(),
                ss.c.cumulative_assigned_addresses.get(),
                assigned + declined,
                declined
            ]));
        }
        // Kea lists the subnets in id order.
        rows.sort_by_key(|r| r[0].as_u64());
        let (result, text, body) = stat_lease::answer(
            "stat-lease4-get",
            scope,
            &[
                "subnet-id",
                "total-addresses",
                "cumulative-assigned-addresses",
                "assigned-addresses",
                "declined-addresses",
            ],
            rows,
            crate::stats::format_stamp(chrono::Utc::now().timestamp_micros()),
        );
        Answer::new(result, text).with_arguments(body)
    });
    let c = ctx.clone();
    reg.register("leases-reclaim", move |req| {
        let remove = match args(req).map(|a| a.get("remove")) {
            Some(Some(Value::Bool(b))) => *b,
            Some(Some(_)) => return Answer::error("'remove' parameter expected to be a boolean."),
            _ => return Answer::error("Missing mandatory 'remove' parameter."),
        };
        match c.server.reclaim(true, Some(remove)) {
            Ok(_) => Answer::success_text("Reclamation of expired leases is complete."),
            Err(e) => Answer::error(e),
        }
    });
}

fn leases_answer(leases: &[Arc<Lease4>], count: Option<usize>) -> Answer {
    let list: Vec<Value> = leases.iter().map(|l| lease_json(l)).collect();
    let n = list.len();
    let mut args = json!({"leases": list});
    if let Some(c) = count {
        args["count"] = json!(c);
    }
    let text = format!("{n} IPv4 lease(s) found.");
    if n == 0 {
        Answer::empty(text).with_arguments(args)
    } else {
        Answer::success_text(text).with_arguments(args)
    }
}
