//! Control-channel commands of kea-dhcp6, with Kea's answer shapes and texts.

use std::net::Ipv6Addr;
use std::sync::{Arc, OnceLock};

use dhcp_lease::{HwAddr, Lease6, LeaseState, LeaseType, hex_text, parse_hex};
use dhcpsrv::lease_cmds as lease_args;
use kea_command::{Answer, CommandRegistry, ControlServer, Request};
use kea_config::Element;
use kea_log::{kea_log, loggers, messages};
use serde_json::{Map, Value, json};

use crate::control::{BoxFuture, ManagedDaemon, StatisticsRegistry};
use crate::load;
use crate::server::Server;

/// What the handlers share.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub server: Arc<Server>,
    /// Set once the control sockets are open (config-set reconfigures them).
    pub control: Arc<OnceLock<Arc<ControlServer>>>,
    /// Wakes the main task to shut down.
    pub shutdown: Arc<tokio::sync::Notify>,
}

type Args = Map<String, Value>;

fn args(req: &Request) -> Result<&Args, Answer> {
    req.arguments_map()
        .ok_or_else(|| Answer::error("Parameters missing or are not a map."))
}

/// Registers a synchronous handler that gets the context.
fn on(reg: &CommandRegistry, ctx: &Ctx, name: &str, f: fn(&Ctx, &Request) -> Answer) {
    let c = ctx.clone();
    reg.register(name, move |req| f(&c, req));
}

/// Registers every command on `reg`: the daemon-level ones of [`crate::control`] and
/// the lease commands.
pub fn register(reg: &CommandRegistry, ctx: &Ctx) {
    crate::control::register(reg, &Arc::new(ctx.clone()));
    on(reg, ctx, "lease6-get", lease6_get);
    on(reg, ctx, "lease6-get-all", lease6_get_all);
    on(reg, ctx, "lease6-get-page", lease6_get_page);
    on(reg, ctx, "lease6-add", |c, req| lease6_write(c, req, false));
    on(reg, ctx, "lease6-update", |c, req| {
        lease6_write(c, req, true)
    });
    on(reg, ctx, "lease6-del", lease6_del);
    on(reg, ctx, "lease6-wipe", lease6_wipe);
    on(reg, ctx, "stat-lease6-get", stat_lease6_get);
    crate::select_test::register(reg, ctx);
    on(reg, ctx, "config-backend-pull", |c, _| {
        let configured = c
            .server
            .state()
            .cfg
            .model
            .config_control
            .as_ref()
            .is_some_and(|cc| !cc.config_databases.is_empty());
        if configured {
            Answer::error("configuration backends are not supported by this server")
        } else {
            Answer::empty("No config backend.")
        }
    });
    on(reg, ctx, "lease6-get-by-duid", lease6_get_by_duid);
    on(reg, ctx, "lease6-get-by-hostname", lease6_get_by_hostname);
    on(reg, ctx, "lease6-resend-ddns", lease6_resend_ddns);
    on(reg, ctx, "lease6-write", lease6_write_file);
    on(reg, ctx, "lease6-bulk-apply", lease6_bulk_apply);
    on(reg, ctx, "server-tag-get", |c, _| {
        let tag = c.server.state().cfg.model.server_tag.clone();
        Answer::success_with(json!({ "server-tag": tag }))
    });
    on(reg, ctx, "leases-reclaim", |c, req| {
        let remove = match req.arguments_map().map(|a| a.get("remove")) {
            Some(Some(Value::Bool(b))) => *b,
            Some(Some(_)) => return Answer::error("'remove' parameter expected to be a boolean."),
            _ => return Answer::error("Missing mandatory 'remove' parameter."),
        };
        match c.server.reclaim(true, Some(remove)) {
            Ok(_) => Answer::success_text("Reclamation of expired leases is complete."),
            Err(e) => Answer::error(e),
        }
    });
    crate::config_access::register(reg, ctx);
}

/// config-set: check, stage, switch control sockets, go live. Any failure leaves the
/// running configuration untouched.
pub async fn apply(c: &Ctx, root: &Element) -> Result<(), String> {
    let server = c.server.clone();
    let root = root.clone();
    let stage = move || server.stage(load::prepare(&root, &server.settings.policy)?);
    let commit = |staged: crate::server::Staged| {
        let text = summary(&staged.prepared);
        c.server.commit(staged);
        kea_log!(loggers::DHCP6, messages::DHCP6_CONFIG_COMPLETE, text);
    };
    crate::shared::reconfigure(
        &c.server.reconfig,
        c.control.get().map(Arc::as_ref),
        stage,
        |s| &s.prepared.sockets,
        commit,
    )
    .await
}

/// SIGHUP / config-reload: the configuration file again.
pub async fn reload_from_file(c: &Ctx) -> Result<(), String> {
    let file = c.server.settings.config_file.clone();
    kea_log!(
        loggers::DHCP6,
        messages::DHCP6_DYNAMIC_RECONFIGURATION,
        file.display()
    );
    let res = match kea_config::parse_file(&file).map_err(|e| e.command_text()) {
        Ok(root) => apply(c, &root).await,
        Err(e) => Err(e),
    };
    match &res {
        Ok(()) => kea_log!(
            loggers::DHCP6,
            messages::DHCP6_DYNAMIC_RECONFIGURATION_SUCCESS,
            file.display()
        ),
        Err(e) => {
            kea_log!(
                loggers::DHCP6,
                messages::DHCP6_CONFIG_LOAD_FAIL,
                file.display(),
                e
            );
            kea_log!(
                loggers::DHCP6,
                messages::DHCP6_DYNAMIC_RECONFIGURATION_FAIL,
                file.display()
            );
        }
    }
    res
}

/// Kea's DHCP6_CONFIG_COMPLETE summary.
pub fn summary(p: &load::Prepared) -> String {
    let mut s = format!("added IPv6 subnets: {}", p.cfg.subnets.len());
    if !p.cfg.networks.is_empty() {
        s.push_str(&format!("; shared networks: {}", p.cfg.networks.len()));
    }
    s.push_str("; DDNS: disabled");
    s
}

/// Kea's JSON for a v6 lease.
pub fn lease_json(l: &Lease6) -> Value {
    let mut m = Map::new();
    m.insert("cltt".into(), json!(l.cltt));
    m.insert("duid".into(), json!(hex_text(&l.duid)));
    m.insert("fqdn-fwd".into(), json!(l.fqdn_fwd));
    m.insert("fqdn-rev".into(), json!(l.fqdn_rev));
    m.insert("hostname".into(), json!(&*l.hostname));
    if let Some(hw) = &l.hw_address {
        m.insert("hw-address".into(), json!(hex_text(hw.as_bytes())));
    }
    m.insert("iaid".into(), json!(l.iaid));
    m.insert("ip-address".into(), json!(l.address.to_string()));
    m.insert("preferred-lft".into(), json!(l.preferred_lifetime));
    if l.lease_type == LeaseType::Pd {
        m.insert("prefix-len".into(), json!(l.prefix_len));
    }
    m.insert("state".into(), json!(l.state.0));
    m.insert("subnet-id".into(), json!(l.subnet_id));
    m.insert("type".into(), json!(l.lease_type.name()));
    m.insert("valid-lft".into(), json!(l.valid_lifetime));
    if l.pool_id != 0 {
        m.insert("pool-id".into(), json!(l.pool_id));
    }
    if let Some(uc) = &l.user_context
        && let Ok(v) = serde_json::from_str::<Value>(uc)
    {
        m.insert("user-context".into(), v);
    }
    Value::Object(m)
}

/// The `ip-address` naming a lease to get or delete.
fn get_addr(a: &Args) -> Result<Option<Ipv6Addr>, Answer> {
    match lease_args::lookup_address(a, true) {
        Ok(Some(std::net::IpAddr::V6(ip))) => Ok(Some(ip)),
        Ok(_) => Ok(None),
        Err(e) => Err(Answer::error(e)),
    }
}

/// The `type` of a lease to get or delete; `None` for "V4" (no v6 lease has it).
fn lookup_type(a: &Args) -> Result<Option<LeaseType>, Answer> {
    match lease_args::lookup_common(a).map_err(Answer::error)? {
        None | Some("IA_NA" | "0") => Ok(Some(LeaseType::Na)),
        Some("IA_TA" | "1") => Ok(Some(LeaseType::Ta)),
        Some("IA_PD" | "2") => Ok(Some(LeaseType::Pd)),
        Some(_) => Ok(None),
    }
}

/// The `type` of a lease to add or update.
fn lease_type(a: &Args) -> Result<LeaseType, Answer> {
    match lease_args::opt_str(a, "type").map_err(Answer::error)? {
        None | Some("IA_NA") => Ok(LeaseType::Na),
        Some("IA_TA") => Ok(LeaseType::Ta),
        Some("IA_PD") => Ok(LeaseType::Pd),
        Some(other) => Err(Answer::error(format!(
            "Incorrect lease type: {other}, the only supported values are: na, ta and pd"
        ))),
    }
}

/// How a lease to get or delete is named.
#[derive(Debug, Clone, PartialEq, Eq)]
enum LeaseKey {
    /// By address and type (`None`: type "V4", which no v6 lease has).
    Address(Ipv6Addr, Option<LeaseType>),
    Duid {
        duid: Vec<u8>,
        iaid: u32,
        subnet_id: u32,
        lease_type: LeaseType,
    },
}

impl LeaseKey {
    /// By address, or by (identifier-type "duid", identifier, iaid, subnet-id). `verb`
    /// names the operation in Kea's refusal texts ("Query" for get, "Delete" for del).
    fn parse(a: &Args, verb: &str) -> Result<LeaseKey, Answer> {
        let t = lookup_type(a)?;
        if let Some(ip) = get_addr(a)? {
            return Ok(LeaseKey::Address(ip, t));
        }
        let t = t.unwrap_or(LeaseType::Na);
        let Some(Value::String(kind)) = a.get("identifier-type") else {
            return Err(Answer::error(
                "No 'ip-address' provided and 'identifier-type' is either missing or not a string.",
            ));
        };
        let Some(Value::String(id)) = a.get("identifier") else {
            return Err(Answer::error(
                "No 'ip-address' provided and 'identifier' is either missing or not a string.",
            ));
        };
        match kind.as_str() {
            "duid" => {}
            "hw-address" | "client-id" => {
                return Err(Answer::error(format!(
                    "{verb} by {kind} is not allowed in v6."
                )));
            }
            other => {
                return Err(Answer::error(format!(
                    "Incorrect identifier type: {other}, the only supported values are: address, hw-address, duid"
                )));
            }
        }
        let Some(sid) = a.get("subnet-id").and_then(Value::as_u64) else {
            return Err(Answer::error("Mandatory 'subnet-id' parameter missing."));
        };
        let Some(iaid) = a.get("iaid").and_then(Value::as_u64) else {
            return Err(Answer::error("Mandatory 'iaid' parameter missing."));
        };
        let duid =
            parse_hex(id).ok_or_else(|| Answer::error(format!("invalid identifier '{id}'")))?;
        Ok(LeaseKey::Duid {
            duid,
            iaid: iaid as u32,
            subnet_id: sid as u32,
            lease_type: t,
        })
    }

    fn lease_type(&self) -> LeaseType {
        match self {
            LeaseKey::Address(_, t) => t.unwrap_or(LeaseType::Na),
            LeaseKey::Duid { lease_type, .. } => *lease_type,
        }
    }

    fn lookup(&self, store: &dyn dhcp_lease::LeaseStore6) -> Option<Arc<Lease6>> {
        match self {
            LeaseKey::Address(ip, t) => store.get(*ip).filter(|l| Some(l.lease_type) == *t),
            LeaseKey::Duid {
                duid,
                iaid,
                subnet_id,
                lease_type,
            } => store
                .get_by_duid_iaid(duid, *iaid, *lease_type, Some(*subnet_id))
                .into_iter()
                .next(),
        }
    }
}

fn find_lease(c: &Ctx, a: &Args, verb: &str) -> Result<Option<Arc<Lease6>>, Answer> {
    let key = LeaseKey::parse(a, verb)?;
    Ok(key.lookup(c.server.state().leases.as_ref()))
}

fn lease6_get(c: &Ctx, req: &Request) -> Answer {
    let a = match args(req) {
        Ok(a) => a,
        Err(e) => return e,
    };
    match find_lease(c, a, "Query") {
        Ok(Some(l)) => Answer::success_text("IPv6 lease found.").with_arguments(lease_json(&l)),
        Ok(None) => Answer::empty("Lease not found."),
        Err(e) => e,
    }
}

fn leases_answer(leases: &[Arc<Lease6>], count: bool) -> Answer {
    crate::shared::leases_answer(leases, count, "IPv6", lease_json)
}

fn lease6_get_all(c: &Ctx, req: &Request) -> Answer {
    let st = c.server.state();
    let leases = match lease_args::subnets_arg(req.arguments.as_ref()) {
        Ok(None) => st.leases.get_all(),
        Ok(Some(ids)) => ids
            .into_iter()
            .flat_map(|id| st.leases.get_by_subnet(id))
            .collect(),
        Err(e) => return Answer::error(e),
    };
    leases_answer(&leases, false)
}

fn lease6_get_page(c: &Ctx, req: &Request) -> Answer {
    let (from, limit) = match lease_args::page_args(req.arguments.as_ref(), "lease6-get-page", true)
    {
        Ok((Some(std::net::IpAddr::V6(ip)), l)) => (Some(ip), l),
        Ok((_, l)) => (None, l),
        Err(e) => return Answer::error(e),
    };
    leases_answer(&c.server.state().leases.get_page(from, limit), true)
}

/// Builds a lease from lease6-add / lease6-update arguments (Kea's Lease6Parser checks).
fn lease_from_args(c: &Ctx, a: &Args) -> Result<Lease6, Answer> {
    let e = |t: String| Answer::error(t);
    let st = c.server.state();
    let ip = match lease_args::lease_address(a, true).map_err(e)? {
        std::net::IpAddr::V6(ip) => ip,
        other => return Err(e(format!("Non-IPv6 address specified: {other}"))),
    };
    let t = lease_type(a)?;
    let subnet_id = lease_args::opt_uint(a, "subnet-id", u64::from(u32::MAX)).map_err(e)?;
    let subnet_id = match subnet_id.unwrap_or(0) as u32 {
        0 if t == LeaseType::Pd => {
            return Err(e(
                "Subnet-id is 0 or not specified. This is allowed for address leases only, not prefix leases."
                    .into(),
            ));
        }
        0 => st
            .cfg
            .subnets
            .iter()
            .find(|s| s.prefix.contains(&ip))
            .map(|s| s.id)
            .ok_or_else(|| {
                e(format!(
                    "subnet-id not specified and failed to find a subnet for address {ip}"
                ))
            })?,
        id => {
            if st.cfg.subnet_by_id(id).is_none() {
                return Err(e(format!(
                    "Invalid subnet-id: No IPv6 subnet with subnet-id={id} currently configured."
                )));
            }
            id
        }
    };
    let duid = lease_args::req_str(a, "duid").map_err(e)?;
    let duid = parse_hex(duid).ok_or_else(|| e(lease_args::bad_hex(duid)))?;
    let iaid = lease_args::opt_uint(a, "iaid", u64::from(u32::MAX))
        .map_err(e)?
        .ok_or_else(|| e(lease_args::missing("iaid")))? as u32;
    let prefix_len = match t {
        LeaseType::Pd => lease_args::opt_uint(a, "prefix-len", 128)
            .map_err(e)?
            .ok_or_else(|| e(lease_args::missing("prefix-len")))? as u8,
        _ => 128,
    };
    let s = st.cfg.subnet_by_id(subnet_id);
    let u32_arg = |k: &str, dflt: u32| -> Result<u32, Answer> {
        Ok(lease_args::opt_uint(a, k, u64::from(u32::MAX))
            .map_err(e)?
            .map_or(dflt, |v| v as u32))
    };
    let valid = u32_arg("valid-lft", s.map_or(7200, |s| s.valid.default))?;
    // ARM 17.15.1: the subnet's preferred lifetime (Kea 2.2.0 used the valid one).
    let pref = u32_arg("preferred-lft", s.map_or(3600, |s| s.preferred.default))?;
    let now = chrono::Utc::now().timestamp();
    let cltt = match lease_args::opt_int(a, "expire").map_err(e)? {
        Some(exp) if valid != u32::MAX => exp - i64::from(valid),
        _ => now,
    };
    let mut l =
        Lease6::new(t, ip, prefix_len, &duid, iaid, subnet_id).with_lifetimes(pref, valid, cltt);
    if let Some(hw) = lease_args::opt_str(a, "hw-address").map_err(e)? {
        l.hw_address = Some(HwAddr::parse(1, hw).map_err(|_| e(lease_args::bad_hw_address(hw)))?);
    }
    let extras = crate::shared::LeaseExtras::parse(a, 3)?;
    if t == LeaseType::Pd && extras.state == Some(LeaseState::DECLINED) {
        return Err(e("Invalid declined state for PD prefix.".into()));
    }
    l.hostname = extras.hostname.into_boxed_str();
    l.fqdn_fwd = extras.fqdn_fwd;
    l.fqdn_rev = extras.fqdn_rev;
    l.state = extras.state.unwrap_or(LeaseState::DEFAULT);
    l.user_context = extras.user_context.map(String::into_boxed_str);
    if let Some(s) = s {
        l.pool_id = match t {
            LeaseType::Pd => s.pd_pool_of(ip, prefix_len),
            _ => s.pool_of(ip),
        }
        .unwrap_or(0) as u32;
    }
    Ok(l)
}

fn lease6_write(c: &Ctx, req: &Request, update: bool) -> Answer {
    if req.arguments.is_none() {
        return Answer::error(if update {
            "no parameters specified for lease6-update command"
        } else {
            "no parameters specified for the command"
        });
    }
    let a = match args(req) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let l = match lease_from_args(c, a) {
        Ok(l) => l,
        Err(e) => return e,
    };
    let st = c.server.state();
    let old = st.leases.get(l.address);
    let force = a
        .get("force-create")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let res = match (&old, update) {
        (Some(_), true) => st.leases.update(l.clone()),
        (None, true) if !force => {
            // A conflict since Kea 2.4 (2.2.0 answered 1).
            return Answer::conflict(format!(
                "failed to update the lease with address {} either because the lease has been deleted or it has changed in the database, in both cases a retry might succeed",
                l.address
            ));
        }
        (Some(_), false) => return Answer::conflict("IPv6 lease already exists."),
        (None, _) => st.leases.add(l.clone()),
    };
    match res {
        Ok(()) => {
            st.account(old.as_deref(), Some(&l));
            if update && old.is_some() {
                Answer::success_text("IPv6 lease updated.")
            } else if update {
                Answer::success_text("IPv6 lease added.")
            } else if l.lease_type == LeaseType::Pd {
                Answer::success_text(format!(
                    "Lease for prefix {}/{}, subnet-id {} added.",
                    l.address, l.prefix_len, l.subnet_id
                ))
            } else {
                Answer::success_text(format!(
                    "Lease for address {}, subnet-id {} added.",
                    l.address, l.subnet_id
                ))
            }
        }
        Err(dhcp_lease::StoreError::AlreadyExists { .. }) => {
            Answer::conflict("IPv6 lease already exists.")
        }
        Err(e) => Answer::error(e.to_string()),
    }
}

fn lease6_del(c: &Ctx, req: &Request) -> Answer {
    let a = match args(req) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let st = c.server.state();
    match find_lease(c, a, "Delete") {
        Ok(Some(l)) => match st.leases.delete(l.address) {
            Ok(Some(gone)) => {
                st.account(Some(&gone), None);
                Answer::success_text("IPv6 lease deleted.")
            }
            Ok(None) => Answer::empty("IPv6 lease not found."),
            Err(e) => Answer::error(e.to_string()),
        },
        Ok(None) => Answer::empty("IPv6 lease not found."),
        Err(e) => e,
    }
}

fn lease6_wipe(c: &Ctx, req: &Request) -> Answer {
    let st = c.server.state();
    let sid = match lease_args::wipe_arg(req.arguments.as_ref()) {
        Ok(id) => id,
        Err(e) => return Answer::error(e),
    };
    let ids: Vec<u32> = match sid {
        0 => st.cfg.subnets.iter().map(|s| s.id).collect(),
        id => vec![id],
    };
    crate::shared::wipe_answer(st.leases.as_ref(), &ids, "IPv6", |l| {
        st.account(Some(l), None)
    })
}

fn stat_lease6_get(c: &Ctx, req: &Request) -> Answer {
    use dhcpsrv::stat_lease;
    let scope = match stat_lease::parse_scope(req.arguments.as_ref()) {
        Ok(s) => s,
        Err(e) => return Answer::error(e),
    };
    let st = c.server.state();
    let counts = st.leases.counts();
    let mut rows = Vec::new();
    for (s, ss) in st.cfg.subnets.iter().zip(&st.subnet_stats) {
        if !scope.contains(s.id) {
            continue;
        }
        let cum_na = ss.at(crate::stats::S::CumulativeAssignedNas).get();
        let cum_pd = ss.at(crate::stats::S::CumulativeAssignedPds).get();
        let (mut na, mut declined, mut pd) = (0u64, 0u64, 0u64);
        for k in counts.iter().filter(|k| k.subnet_id == s.id) {
            match k.lease_type {
                Some(LeaseType::Pd) => pd += k.counts.default,
                _ => {
                    na += k.counts.default + k.counts.declined;
                    declined += k.counts.declined;
                }
            }
        }
        let clamp = |v: u128| i64::try_from(v).unwrap_or(i64::MAX);
        rows.push(json!([
            s.id,
            clamp(s.total_nas()),
            cum_na,
            na,
            declined,
            clamp(s.total_pds()),
            cum_pd,
            pd
        ]));
    }
    // Kea lists the subnets in id order.
    rows.sort_by_key(|r| r[0].as_u64());
    // Kea's column is "declined-nas" (the ARM's prose says declined-addresses; Kea 2.2.0 and
    // ISC Stork use declined-nas).
    let (result, text, body) = stat_lease::answer(
        "stat-lease6-get",
        scope,
        &[
            "subnet-id",
            "total-nas",
            "cumulative-assigned-nas",
            "assigned-nas",
            "declined-nas",
            "total-pds",
            "cumulative-assigned-pds",
            "assigned-pds",
        ],
        rows,
        dhcpsrv::stats::format_stamp(chrono::Utc::now().timestamp_micros()),
    );
    Answer::new(result, text).with_arguments(body)
}

/// `lease6-get-by-*` arguments: a map with the string `key`.
fn by_key<'a>(req: &'a Request, key: &str) -> Result<&'a str, Answer> {
    let a = req
        .arguments_map()
        .ok_or_else(|| Answer::error("Command arguments missing or a not a map."))?;
    match a.get(key) {
        None => Err(Answer::error(format!("'{key}' parameter not specified"))),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(Answer::error(format!("'{key}' parameter must be a string"))),
    }
}

fn lease6_get_by_duid(c: &Ctx, req: &Request) -> Answer {
    let text = match by_key(req, "duid") {
        Ok(t) => t,
        Err(e) => return e,
    };
    let Some(duid) = parse_hex(text) else {
        return Answer::error(format!(
            "'{text}' is not a valid string of hexadecimal digits"
        ));
    };
    leases_answer(&c.server.state().leases.get_by_duid(&duid), false)
}

fn lease6_get_by_hostname(c: &Ctx, req: &Request) -> Answer {
    let name = match by_key(req, "hostname") {
        Ok(t) => t,
        Err(e) => return e,
    };
    if name.is_empty() {
        return Answer::error("'hostname' parameter is empty");
    }
    let leases = c
        .server
        .state()
        .leases
        .get_by_hostname(&name.to_ascii_lowercase());
    leases_answer(&leases, false)
}

/// `lease6-resend-ddns`: checks the address like Kea, then answers as Kea does with DDNS
/// disabled: this server never sends name change requests.
fn lease6_resend_ddns(_c: &Ctx, req: &Request) -> Answer {
    outcome(dhcpsrv::lease_cmds::resend_ddns(
        req.arguments_map(),
        "IPv6",
        |s| s.parse::<Ipv6Addr>().is_ok(),
    ))
}

/// `lease6-write`: the whole lease database as a CSV lease file.
fn lease6_write_file(c: &Ctx, req: &Request) -> Answer {
    let Some(store) = c.server.lease_store() else {
        return Answer::error("the lease database is not open");
    };
    let policy = c.server.settings.policy;
    outcome(dhcpsrv::lease_cmds::lease_write(
        req.arguments_map(),
        "IPv6",
        |n| policy.data_file_path(n),
        |p| store.write_snapshot(p).map(|_| ()),
    ))
}

fn outcome(r: Result<String, String>) -> Answer {
    match r {
        Ok(text) => Answer::success_text(text),
        Err(text) => Answer::error(text),
    }
}

/// One failed entry of a `lease6-bulk-apply` answer.
fn failed_entry(
    t: LeaseType,
    ip: Option<Ipv6Addr>,
    duid: Option<&[u8]>,
    result: i64,
    msg: &str,
) -> Value {
    let mut m = Map::new();
    if let Some(ip) = ip {
        m.insert("ip-address".into(), json!(ip.to_string()));
    }
    if let Some(d) = duid {
        m.insert("duid".into(), json!(hex_text(d)));
    }
    m.insert("type".into(), json!(t.name()));
    m.insert("result".into(), json!(result));
    m.insert("error-message".into(), json!(msg));
    Value::Object(m)
}

/// `lease6-bulk-apply`: every entry is checked first (any malformed one changes nothing),
/// then deletions and additions/updates are applied one by one; failures are listed.
fn lease6_bulk_apply(c: &Ctx, req: &Request) -> Answer {
    let Some(a) = req.arguments_map() else {
        return Answer::error("Command arguments missing or a not a map.");
    };
    let list = |key: &str| -> Result<Option<&Vec<Value>>, Answer> {
        match a.get(key) {
            None => Ok(None),
            Some(Value::Array(v)) => Ok(Some(v)),
            Some(_) => Err(Answer::error(format!(
                "the '{key}' parameter must be a list"
            ))),
        }
    };
    let (deleted, leases) = match (list("deleted-leases"), list("leases")) {
        (Ok(d), Ok(l)) => (d, l),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    if deleted.is_none() && leases.is_none() {
        return Answer::error("neither 'deleted-leases' nor 'leases' parameter specified");
    }
    let as_map = |v: &Value| -> Result<Args, Answer> {
        v.as_object()
            .cloned()
            .ok_or_else(|| Answer::error("lease parameters must be maps"))
    };
    let mut keys = Vec::new();
    for v in deleted.into_iter().flatten() {
        match as_map(v).and_then(|m| LeaseKey::parse(&m, "Delete")) {
            Ok(k) => keys.push(k),
            Err(e) => return e,
        }
    }
    let mut new = Vec::new();
    for v in leases.into_iter().flatten() {
        match as_map(v).and_then(|m| lease_from_args(c, &m)) {
            Ok(l) => new.push(l),
            Err(e) => return e,
        }
    }
    let st = c.server.state();
    let mut ok = 0usize;
    let mut failed_deleted = Vec::new();
    for k in &keys {
        let (ip, duid) = match k {
            LeaseKey::Address(ip, _) => (Some(*ip), None),
            LeaseKey::Duid { duid, .. } => (None, Some(duid.as_slice())),
        };
        let Some(l) = k.lookup(st.leases.as_ref()) else {
            failed_deleted.push(failed_entry(k.lease_type(), ip, duid, 3, "lease not found"));
            continue;
        };
        match st.leases.delete_if(&l) {
            Ok(()) => {
                st.account(Some(&l), None);
                ok += 1;
            }
            Err(e) => failed_deleted.push(failed_entry(
                l.lease_type,
                Some(l.address),
                None,
                1,
                &e.to_string(),
            )),
        }
    }
    let mut failed = Vec::new();
    for l in new {
        let old = st.leases.get(l.address);
        let res = match &old {
            Some(_) => st.leases.update(l.clone()),
            None => st.leases.add(l.clone()),
        };
        match res {
            Ok(()) => {
                st.account(old.as_deref(), Some(&l));
                ok += 1;
            }
            Err(e) => failed.push(failed_entry(
                l.lease_type,
                Some(l.address),
                Some(&l.duid),
                1,
                &e.to_string(),
            )),
        }
    }
    let text = format!("Bulk apply of {ok} IPv6 leases completed.");
    let mut answer = if ok > 0 {
        Answer::success_text(text)
    } else {
        Answer::empty(text)
    };
    if !failed_deleted.is_empty() || !failed.is_empty() {
        let mut m = Map::new();
        if !failed_deleted.is_empty() {
            m.insert("failed-deleted-leases".into(), Value::Array(failed_deleted));
        }
        if !failed.is_empty() {
            m.insert("failed-leases".into(), Value::Array(failed));
        }
        answer = answer.with_arguments(Value::Object(m));
    }
    answer
}

impl StatisticsRegistry for crate::stats::Stats {
    fn get(&self, name: &str) -> Value {
        crate::stats::Stats::get(self, name)
    }
    fn get_all(&self) -> Value {
        crate::stats::Stats::get_all(self)
    }
    fn reset(&self, name: &str) -> bool {
        crate::stats::Stats::reset(self, name)
    }
    fn remove(&self, name: &str) -> bool {
        crate::stats::Stats::remove(self, name)
    }
    fn reset_all(&self) {
        crate::stats::Stats::reset_all(self)
    }
    fn remove_all(&self) {
        crate::stats::Stats::remove_all(self)
    }
    fn with_live(&self, name: &str, f: &dyn Fn(&dhcpsrv::stats::Statistic)) -> bool {
        crate::stats::Stats::with_live(self, name, f)
    }
    fn each_live(&self, f: &dyn Fn(&dhcpsrv::stats::Statistic)) {
        crate::stats::Stats::each_live(self, f)
    }
}

impl ManagedDaemon for Ctx {
    fn service_name(&self) -> &'static str {
        "DHCPv6"
    }
    fn uptime(&self) -> (u64, u64) {
        (
            self.server.started.elapsed().as_secs(),
            self.server.since_reload(),
        )
    }
    fn config_get(&self) -> Value {
        let st = self.server.state();
        let mut v = st.cfg.model_json();
        if let Value::Object(m) = &mut v {
            m.insert("hash".into(), Value::String(st.cfg.hash()));
        }
        v
    }
    fn config_hash(&self) -> String {
        self.server.state().cfg.hash()
    }
    fn config_text(&self) -> String {
        self.server
            .state()
            .cfg
            .model
            .to_element()
            .to_pretty_string()
    }
    fn config_file(&self) -> std::path::PathBuf {
        self.server.settings.config_file.clone()
    }
    fn policy(&self) -> kea_process::PathPolicy {
        self.server.settings.policy
    }
    fn check(&self, root: &Element) -> Result<(), String> {
        load::prepare(root, &self.server.settings.policy).map(|_| ())
    }
    fn apply(self: Arc<Self>, root: Element) -> BoxFuture<Result<(), String>> {
        Box::pin(async move { apply(&self, &root).await })
    }
    fn reload(self: Arc<Self>) -> BoxFuture<Result<(), String>> {
        Box::pin(async move { reload_from_file(&self).await })
    }
    fn disabled(&self) -> Arc<std::sync::atomic::AtomicBool> {
        self.server.disabled.clone()
    }
    fn statistics(&self) -> &dyn StatisticsRegistry {
        self.server.stats.as_ref()
    }
    fn request_shutdown(&self) {
        kea_log!(loggers::DHCP6, messages::DHCP6_SHUTDOWN_REQUEST);
        self.shutdown.notify_one();
    }
}
