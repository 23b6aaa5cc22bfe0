//! host_cmds on configuration-file reservations: `reservation-add`, `-get`, `-get-all`,
//! `-get-page`, `-get-by-hostname`, `-get-by-id`, `-get-by-address`, `-del`, `-update`.
//!
//! Hosts are the `reservations` entries of the configuration: global ones (subnet-id 0) and
//! those of every subnet, top-level or in a shared network. Host ids (for paging) are the
//! 1-based positions in that order.

use std::net::IpAddr;

use kea_command::{Answer, RESULT_EMPTY, RESULT_SUCCESS};
use kea_config::{Element, Fragment};
use serde_json::{Map, Value, json};

use crate::args::{
    Cmd, Res, SUBNET_ID_MAX, check_operation_target, err, get_integer, get_string,
    parse_identifier, subnet_id,
};
use crate::model::{self, Loc, SubnetRef, daemon, daemon_mut, in_prefix, parse_prefix, subnets};
use crate::{Family, Outcome};

/// Identifier types Kea knows (`Host::getIdentifierType`).
const IDENTIFIER_TYPES: &[&str] = &["hw-address", "duid", "circuit-id", "client-id", "flex-id"];

fn identifier_keys(f: Family) -> &'static [&'static str] {
    match f {
        Family::V4 => IDENTIFIER_TYPES,
        Family::V6 => &["hw-address", "duid", "flex-id"],
    }
}

/// Where a reservation list sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Global,
    Subnet(Loc),
}

/// One reservation of the configuration.
struct Host<'a> {
    subnet_id: u32,
    scope: Scope,
    index: usize,
    /// 1-based position among all hosts (paging cursor).
    host_id: u64,
    map: &'a Map<String, Value>,
}

impl Host<'_> {
    fn json(&self) -> Value {
        let mut m = self.map.clone();
        m.insert("subnet-id".into(), json!(self.subnet_id));
        Value::Object(m)
    }
}

fn identifier_of(f: Family, m: &Map<String, Value>) -> Option<(&'static str, Vec<u8>)> {
    identifier_keys(f).iter().find_map(|k| {
        let v = m.get(*k)?.as_str()?;
        Some((*k, parse_identifier(v)?))
    })
}

/// Reserved addresses (v4: `ip-address`; v6: `ip-addresses`).
fn addresses(f: Family, m: &Map<String, Value>) -> Vec<IpAddr> {
    match f {
        Family::V4 => m
            .get("ip-address")
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<IpAddr>().ok())
            .filter(|a| !a.is_unspecified())
            .into_iter()
            .collect(),
        Family::V6 => model::list(m, "ip-addresses")
            .iter()
            .filter_map(|v| v.as_str()?.parse().ok())
            .collect(),
    }
}

/// Reserved prefixes (v6 `prefixes`) as text and their addresses.
fn prefixes(m: &Map<String, Value>) -> Vec<(String, IpAddr)> {
    model::list(m, "prefixes")
        .iter()
        .filter_map(|v| {
            let s = v.as_str()?;
            Some((s.to_string(), parse_prefix(s)?.addr()))
        })
        .collect()
}

/// Whether the host reserves `a` (as an address, or as a delegated prefix's address).
fn reserves(f: Family, m: &Map<String, Value>, a: IpAddr) -> bool {
    addresses(f, m).contains(&a) || (f == Family::V6 && prefixes(m).iter().any(|(_, p)| *p == a))
}

fn all_hosts(f: Family, d: &Map<String, Value>) -> Vec<Host<'_>> {
    fn push<'a>(subnet_id: u32, scope: Scope, list: &'a [Value], out: &mut Vec<Host<'a>>) {
        for (index, r) in list.iter().enumerate() {
            if let Value::Object(map) = r {
                let host_id = out.len() as u64 + 1;
                out.push(Host {
                    subnet_id,
                    scope,
                    index,
                    host_id,
                    map,
                });
            }
        }
    }
    let mut out = Vec::new();
    push(0, Scope::Global, model::list(d, "reservations"), &mut out);
    for s in subnets(f, d) {
        if let Some(id) = s.id() {
            push(
                id,
                Scope::Subnet(s.loc),
                model::list(s.map, "reservations"),
                &mut out,
            );
        }
    }
    out
}

fn reservations_mut(
    f: Family,
    d: &mut Map<String, Value>,
    scope: Scope,
) -> Option<&mut Vec<Value>> {
    match scope {
        Scope::Global => Some(model::list_mut(d, "reservations")),
        Scope::Subnet(loc) => Some(model::list_mut(
            model::subnet_mut(f, d, loc)?,
            "reservations",
        )),
    }
}

/// Kea's `validateHostForSubnetX`: the subnet exists and holds the reserved addresses.
fn check_subnet<'a>(
    f: Family,
    subs: &'a [SubnetRef<'a>],
    id: u32,
    addrs: &[IpAddr],
) -> Res<Option<&'a SubnetRef<'a>>> {
    if id == 0 {
        return Ok(None);
    }
    let Some(s) = subs.iter().find(|s| s.id() == Some(id)) else {
        return err(format!(
            "{} subnet with ID of '{id}' is not configured",
            f.proto()
        ));
    };
    if let Some(p) = s.prefix() {
        for a in addrs {
            if !in_prefix(&p, *a) {
                return err(format!(
                    "specified reservation '{a}' is not matching the {} subnet prefix '{}'",
                    f.proto(),
                    s.text()
                ));
            }
        }
    }
    Ok(Some(s))
}

fn hosts_answer(f: Family, hosts: Vec<Value>, extra: Option<(&str, Value)>) -> Answer {
    let n = hosts.len();
    let mut args = json!({"hosts": hosts});
    if let Some((k, v)) = extra {
        args[k] = v;
    }
    let code = if n == 0 { RESULT_EMPTY } else { RESULT_SUCCESS };
    Answer::new(code, format!("{n} IPv{} host(s) found.", f.digit())).with_arguments(args)
}

/// What reservation-get / reservation-del look for.
enum By {
    Address(IpAddr),
    Identifier(String, Vec<u8>),
}

fn parse_address(text: &str) -> Res<IpAddr> {
    text.parse().map_err(|_| {
        Answer::error(format!(
            "Failed to convert string to address '{text}': Invalid argument"
        ))
    })
}

/// `identifier-type` and `identifier` values, with Kea's texts.
fn identifier_value(type_: &str, ident: &str) -> Res<(String, Vec<u8>)> {
    let bytes = parse_identifier(ident)
        .ok_or_else(|| Answer::error("Unable to parse 'identifier' value."))?;
    if bytes.is_empty() {
        return err("Unable to query for empty 'identifier'.");
    }
    if !IDENTIFIER_TYPES.contains(&type_) {
        return err("Value of 'identifier-type' was not recognized.");
    }
    Ok((type_.to_string(), bytes))
}

/// Kea's `getParameters` (reservation-get, reservation-del).
fn query(m: &Map<String, Value>) -> Res<(u32, By)> {
    let addr = m.get("ip-address");
    let type_ = m.get("identifier-type");
    let ident = m.get("identifier");
    let sid =
        if m.contains_key("subnet-id") || (addr.is_none() && type_.is_none() && ident.is_none()) {
            Some(subnet_id(m)?)
        } else {
            None
        };
    check_operation_target(m)?;
    if let Some(a) = addr {
        let Some(text) = a.as_str() else {
            return err("'ip-address' is not a string.");
        };
        let a = parse_address(text)?;
        let Some(sid) = sid else {
            return err(format!(
                "missing parameter 'subnet-id', use 'reservation-get-by-address' with 'ip-address' set to \"{text}\" to get the list of reservations with this address"
            ));
        };
        return Ok((sid, By::Address(a)));
    }
    let Some(Value::String(t)) = type_ else {
        return err(
            "No 'ip-address' provided and 'identifier-type' is either missing or not a string.",
        );
    };
    let Some(Value::String(i)) = ident else {
        return err("No 'ip-address' provided and 'identifier' is either missing or not a string.");
    };
    let (t, bytes) = identifier_value(t, i)?;
    let Some(sid) = sid else {
        return err(format!(
            "missing parameter 'subnet-id', use 'reservation-get-by-id' with 'identifier-type' set to \"{t}\" and 'identifier' to \"{i}\" to get the list of reservations with this identifier"
        ));
    };
    Ok((sid, By::Identifier(t, bytes)))
}

fn matches(f: Family, h: &Host<'_>, by: &By) -> bool {
    match by {
        By::Address(a) => reserves(f, h.map, *a),
        By::Identifier(t, bytes) => {
            identifier_of(f, h.map).is_some_and(|(k, v)| k == t.as_str() && v == *bytes)
        }
    }
}

pub(crate) fn get(cx: &Cmd<'_>, cfg: &Value) -> Res<Outcome> {
    let f = cx.family;
    let (sid, by) = query(cx.host_map()?)?;
    let d = daemon(f, cfg)?;
    let hosts = all_hosts(f, d);
    Ok(
        match hosts
            .iter()
            .find(|h| h.subnet_id == sid && matches(f, h, &by))
        {
            Some(h) => Answer::success_text("Host found.")
                .with_arguments(h.json())
                .into(),
            None => Answer::empty("Host not found.").into(),
        },
    )
}

pub(crate) fn del(cx: &Cmd<'_>, cfg: &Value) -> Res<Outcome> {
    let f = cx.family;
    let (sid, by) = query(cx.host_map()?)?;
    let d = daemon(f, cfg)?;
    let hosts = all_hosts(f, d);
    // Every reservation of that scope that matches (several may share an address when
    // ip-reservations-unique is off); removed back to front so indexes stay valid.
    let mut gone: Vec<(Scope, usize)> = hosts
        .iter()
        .filter(|h| h.subnet_id == sid && matches(f, h, &by))
        .map(|h| (h.scope, h.index))
        .collect();
    if gone.is_empty() {
        return Ok(Answer::empty("Host not deleted (not found).").into());
    }
    gone.sort_by_key(|(_, i)| std::cmp::Reverse(*i));
    let mut new = cfg.clone();
    let dm = daemon_mut(f, &mut new)?;
    for (scope, i) in gone {
        match reservations_mut(f, dm, scope) {
            Some(list) if i < list.len() => {
                list.remove(i);
            }
            _ => return err("unable to delete the reservation"),
        }
    }
    Ok(Outcome::Change {
        config: new,
        answer: Answer::success_text("Host deleted."),
    })
}

pub(crate) fn get_all(cx: &Cmd<'_>, cfg: &Value) -> Res<Outcome> {
    let f = cx.family;
    let m = cx.host_map()?;
    let sid = subnet_id(m)?;
    check_operation_target(m)?;
    let d = daemon(f, cfg)?;
    check_subnet(f, &subnets(f, d), sid, &[])?;
    let hosts: Vec<Value> = all_hosts(f, d)
        .iter()
        .filter(|h| h.subnet_id == sid)
        .map(Host::json)
        .collect();
    Ok(hosts_answer(f, hosts, None).into())
}

pub(crate) fn get_page(cx: &Cmd<'_>, cfg: &Value) -> Res<Outcome> {
    let f = cx.family;
    let m = cx.host_map()?;
    let limit = get_integer(m, "limit", 0, i64::from(u32::MAX))?;
    let sid = if m.contains_key("subnet-id") {
        Some(subnet_id(m)?)
    } else {
        None
    };
    let source = if m.contains_key("source-index") {
        get_integer(m, "source-index", 0, 10)?
    } else {
        0
    };
    let from = if m.contains_key("from") {
        get_integer(m, "from", i64::MIN, i64::MAX)? as u64
    } else {
        0
    };
    if limit == 0 {
        return err("page size of retrieved hosts must not be zero");
    }
    let d = daemon(f, cfg)?;
    if let Some(sid) = sid {
        check_subnet(f, &subnets(f, d), sid, &[])?;
    }
    // Source 0 is the configuration; there is no host database behind it.
    let page: Vec<Host<'_>> = if source == 0 {
        all_hosts(f, d)
            .into_iter()
            .filter(|h| h.host_id > from && sid.is_none_or(|s| h.subnet_id == s))
            .take(limit as usize)
            .collect()
    } else {
        Vec::new()
    };
    let last = page.last().map(|h| h.host_id);
    let count = page.len();
    let mut a = hosts_answer(f, page.iter().map(Host::json).collect(), None);
    if let Some(args) = a.arguments.as_mut() {
        args["count"] = json!(count);
        if let Some(last) = last {
            args["next"] = json!({"from": last, "source-index": source});
        }
    }
    Ok(a.into())
}

pub(crate) fn get_by_hostname(cx: &Cmd<'_>, cfg: &Value) -> Res<Outcome> {
    let f = cx.family;
    let m = cx.host_map()?;
    let hostname = get_string(m, "hostname")?.to_lowercase();
    let sid = if m.contains_key("subnet-id") {
        Some(subnet_id(m)?)
    } else {
        None
    };
    check_operation_target(m)?;
    if hostname.is_empty() {
        return err("Empty hostname");
    }
    let d = daemon(f, cfg)?;
    if let Some(sid) = sid {
        check_subnet(f, &subnets(f, d), sid, &[])?;
    }
    let hosts: Vec<Value> = all_hosts(f, d)
        .iter()
        .filter(|h| sid.is_none_or(|s| h.subnet_id == s))
        .filter(|h| {
            h.map
                .get("hostname")
                .and_then(Value::as_str)
                .is_some_and(|n| n.to_lowercase() == hostname)
        })
        .map(Host::json)
        .collect();
    Ok(hosts_answer(f, hosts, None).into())
}

pub(crate) fn get_by_id(cx: &Cmd<'_>, cfg: &Value) -> Res<Outcome> {
    let f = cx.family;
    let m = cx.host_map()?;
    let Some(Value::String(t)) = m.get("identifier-type") else {
        return err("'identifier-type' is either missing or not a string.");
    };
    let Some(Value::String(i)) = m.get("identifier") else {
        return err("'identifier' is either missing or not a string.");
    };
    if m.contains_key("subnet-id") {
        return err("'subnet-id' is forbidden in reservation-get-by-id");
    }
    let by = {
        let (t, bytes) = identifier_value(t, i)?;
        By::Identifier(t, bytes)
    };
    check_operation_target(m)?;
    let d = daemon(f, cfg)?;
    let hosts: Vec<Value> = all_hosts(f, d)
        .iter()
        .filter(|h| matches(f, h, &by))
        .map(Host::json)
        .collect();
    Ok(hosts_answer(f, hosts, None).into())
}

pub(crate) fn get_by_address(cx: &Cmd<'_>, cfg: &Value) -> Res<Outcome> {
    let f = cx.family;
    let m = cx.host_map()?;
    let text = get_string(m, "ip-address")?;
    let a: IpAddr = text.parse().map_err(|_| {
        Answer::error(format!(
            "Failed to convert '{text}' to address: Failed to convert string to address '{text}': Invalid argument(<wire>:0:0)"
        ))
    })?;
    let sid = if m.contains_key("subnet-id") {
        Some(subnet_id(m)?)
    } else {
        None
    };
    check_operation_target(m)?;
    let d = daemon(f, cfg)?;
    if let Some(sid) = sid {
        check_subnet(f, &subnets(f, d), sid, &[])?;
    }
    let hosts: Vec<Value> = all_hosts(f, d)
        .iter()
        .filter(|h| sid.is_none_or(|s| h.subnet_id == s) && reserves(f, h.map, a))
        .map(Host::json)
        .collect();
    Ok(hosts_answer(f, hosts, None).into())
}

/// A reservation from a command: its subnet-id (if given) and its validated map.
fn parse_reservation(f: Family, r: &Map<String, Value>) -> Res<(Option<u32>, Map<String, Value>)> {
    let sid = if r.contains_key("subnet-id") {
        Some(get_integer(r, "subnet-id", 0, SUBNET_ID_MAX as i64)? as u32)
    } else {
        None
    };
    let mut body = r.clone();
    body.remove("subnet-id");
    let el = Element::from_json(&Value::Object(body), "<wire>")
        .map_err(|e| Answer::error(e.command_text()))?;
    let fragment = match f {
        Family::V4 => Fragment::Reservation4,
        Family::V6 => Fragment::Reservation6,
    };
    let checked = fragment
        .validate(&el)
        .map_err(|e| Answer::error(e.command_text()))?;
    let Value::Object(m) = checked.config.to_json() else {
        return err("reservation must be a map");
    };
    if identifier_of(f, &m).is_none() {
        return err(format!(
            "the host reservation must contain an identifier: one of {}",
            identifier_keys(f).join(", ")
        ));
    }
    Ok((sid, m))
}

/// Kea's hint when `subnet-id` is missing from a reservation that reserves addresses;
/// `Ok(())` means the reservation is global.
fn missing_subnet_id(f: Family, subs: &[SubnetRef<'_>], r: &Map<String, Value>) -> Res<()> {
    let addrs = addresses(f, r);
    if addrs.is_empty() {
        if f == Family::V6 && !prefixes(r).is_empty() {
            return err(
                "Mandatory 'subnet-id' parameter missing. Prefixes are not attached to subnets so no hint is available.",
            );
        }
        return Ok(());
    }
    let holding: Vec<&SubnetRef<'_>> = subs
        .iter()
        .filter(|s| {
            s.prefix()
                .is_some_and(|p| addrs.iter().all(|a| in_prefix(&p, *a)))
        })
        .collect();
    let guarded = |s: &SubnetRef<'_>| {
        !model::list(s.map, "client-classes").is_empty()
            || s.map
                .get("client-class")
                .and_then(Value::as_str)
                .is_some_and(|c| !c.is_empty())
    };
    let pick = holding
        .iter()
        .find(|s| !guarded(s))
        .map(|s| (s, ""))
        .or_else(|| holding.first().map(|s| (s, "guarded ")));
    let what = match f {
        Family::V4 => format!("The address '{}'", addrs[0]),
        Family::V6 => "Reserved IPv6 addresses".to_string(),
    };
    match pick {
        None => match f {
            Family::V4 => err(format!(
                "Mandatory 'subnet-id' parameter missing. {what} belongs to no configured subnet."
            )),
            Family::V6 => err(
                "Mandatory 'subnet-id' parameter missing. Reserved IPv6 addresses do not belong to a common configured subnet.",
            ),
        },
        Some((s, kind)) => err(format!(
            "Mandatory 'subnet-id' parameter missing. {what} belong{} to {kind}subnet '{}' id {}{}",
            if f == Family::V4 { "s" } else { "" },
            s.text(),
            s.id().unwrap_or_default(),
            if holding.len() > 1 {
                " and others."
            } else {
                "."
            }
        )),
    }
}

/// Kea's texts naming a host by its HW address and DUID.
fn host_names(f: Family, r: &Map<String, Value>) -> (String, String) {
    let hex = |b: &[u8]| {
        b.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    match identifier_of(f, r) {
        Some(("hw-address", b)) => (format!("hwtype=1 {}", hex(&b)), "(null)".into()),
        Some(("duid", b)) => ("(null)".into(), hex(&b)),
        _ => ("(null)".into(), "(null)".into()),
    }
}

/// Identifier and address uniqueness within the scope the reservation goes to.
fn check_conflicts(
    f: Family,
    d: &Map<String, Value>,
    hosts: &[Host<'_>],
    sid: u32,
    r: &Map<String, Value>,
    replacing: Option<(Scope, usize)>,
) -> Res<()> {
    let others: Vec<&Host<'_>> = hosts
        .iter()
        .filter(|h| h.subnet_id == sid && Some((h.scope, h.index)) != replacing)
        .collect();
    let (hw, duid) = host_names(f, r);
    let ident = identifier_of(f, r);
    if others.iter().any(|h| identifier_of(f, h.map) == ident) {
        return err(format!(
            "failed to add new host using the HW address '{hw}' and DUID '{duid}' to the {} subnet id '{sid}' as this host has already been added",
            f.proto()
        ));
    }
    let unique = d
        .get("ip-reservations-unique")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    if !unique {
        return Ok(());
    }
    for a in addresses(f, r) {
        if others.iter().any(|h| addresses(f, h.map).contains(&a)) {
            return err(match f {
                Family::V4 => format!(
                    "failed to add new host using the HW address '{hw}' and DUID '{duid}' to the IPv4 subnet id '{sid}' for the address {a}: There's already a reservation for this address"
                ),
                Family::V6 => format!(
                    "failed to add address reservation for host using the HW address '{hw}' and DUID '{duid}' to the IPv6 subnet id '{sid}' for address/prefix {a}: There's already reservation for this address/prefix"
                ),
            });
        }
    }
    for (text, _) in prefixes(r) {
        if others
            .iter()
            .any(|h| prefixes(h.map).iter().any(|(t, _)| *t == text))
        {
            return err(format!(
                "failed to add address reservation for host using the HW address '{hw}' and DUID '{duid}' to the IPv6 subnet id '{sid}' for address/prefix {text}: There's already reservation for this address/prefix"
            ));
        }
    }
    Ok(())
}

fn scope_of(subnet: Option<&SubnetRef<'_>>) -> Scope {
    match subnet {
        Some(s) => Scope::Subnet(s.loc),
        None => Scope::Global,
    }
}

pub(crate) fn add(cx: &Cmd<'_>, cfg: &Value) -> Res<Outcome> {
    let f = cx.family;
    let m = match cx.args {
        None => return err("no parameters specified for the command"),
        Some(_) => cx.host_map()?,
    };
    check_operation_target(m)?;
    let r = match m.get("reservation") {
        None => return err("reservation must be specified"),
        Some(Value::Object(r)) => r,
        Some(_) => return err("reservation must be a map"),
    };
    let (sid, res) = parse_reservation(f, r)?;
    let d = daemon(f, cfg)?;
    let subs = subnets(f, d);
    let forced_global = sid.is_none();
    if forced_global {
        missing_subnet_id(f, &subs, &res)?;
    }
    let sid = sid.unwrap_or(0);
    let subnet = check_subnet(f, &subs, sid, &addresses(f, &res))?;
    let scope = scope_of(subnet);
    check_conflicts(f, d, &all_hosts(f, d), sid, &res, None)?;
    let mut new = cfg.clone();
    let dm = daemon_mut(f, &mut new)?;
    match reservations_mut(f, dm, scope) {
        Some(list) => list.push(Value::Object(res)),
        None => return err("unable to add the reservation"),
    }
    let mut text = "Host added.".to_string();
    if forced_global {
        text.push_str(" subnet-id not specified, assumed global (subnet-id 0).");
    }
    Ok(Outcome::Change {
        config: new,
        answer: Answer::success_text(text),
    })
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "real",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "map",
    }
}

pub(crate) fn update(cx: &Cmd<'_>, cfg: &Value) -> Res<Outcome> {
    let f = cx.family;
    let m = match cx.args {
        None => return err("invalid command: does not contain mandatory 'arguments'"),
        Some(Value::Object(m)) => m,
        Some(v) => {
            return err(format!(
                "invalid command: expected 'arguments' to be a map, got {} instead",
                type_name(v)
            ));
        }
    };
    let r = match m.get("reservation") {
        None => {
            return err(
                "invalid command: expected 'reservation' as the sole parameter inside the 'arguments' map, didn't get it instead",
            );
        }
        Some(Value::Object(r)) => r,
        Some(v) => {
            return err(format!(
                "invalid command: expected 'reservation' to be a map, got {} instead",
                type_name(v)
            ));
        }
    };
    check_operation_target(m)?;
    let (sid, res) = parse_reservation(f, r)?;
    let Some(sid) = sid else {
        return err("Mandatory 'subnet-id' parameter missing.");
    };
    let d = daemon(f, cfg)?;
    let subs = subnets(f, d);
    check_subnet(f, &subs, sid, &addresses(f, &res))?;
    let hosts = all_hosts(f, d);
    let ident = identifier_of(f, &res);
    let Some(old) = hosts
        .iter()
        .find(|h| h.subnet_id == sid && identifier_of(f, h.map) == ident)
    else {
        return err("Host not updated (not found).");
    };
    let at = (old.scope, old.index);
    check_conflicts(f, d, &hosts, sid, &res, Some(at))?;
    let mut new = cfg.clone();
    let dm = daemon_mut(f, &mut new)?;
    match reservations_mut(f, dm, at.0).and_then(|l| l.get_mut(at.1)) {
        Some(slot) => *slot = Value::Object(res),
        None => return err("unable to update the reservation"),
    }
    Ok(Outcome::Change {
        config: new,
        answer: Answer::success_text("Host updated."),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handle;

    fn cfg4() -> Value {
        json!({"Dhcp4": {
            "reservations": [{"hw-address": "01:01:01:01:01:01", "hostname": "Global"}],
            "subnet4": [
                {"id": 1, "subnet": "192.0.2.0/24",
                 "reservations": [{"hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "192.0.2.50", "hostname": "h1"},
                                  {"client-id": "01:02:03", "ip-address": "192.0.2.51"}]},
                {"id": 2, "subnet": "198.51.100.0/24", "client-classes": ["x"]}
            ],
            "shared-networks": [{"name": "n", "subnet4": [{"id": 5, "subnet": "10.0.0.0/8",
                 "reservations": [{"hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "10.0.0.5", "hostname": "H1"}]}]}]
        }})
    }

    fn cfg6() -> Value {
        json!({"Dhcp6": {"subnet6": [{"id": 1, "subnet": "2001:db8:1::/64",
            "reservations": [{"duid": "01:02:03:04", "ip-addresses": ["2001:db8:1::5"], "prefixes": ["2001:db8:2:cafe::/64"]}]}]}})
    }

    fn run(cfg: &Value, cmd: &str, args: Value) -> Outcome {
        let f = if cfg.get("Dhcp4").is_some() {
            Family::V4
        } else {
            Family::V6
        };
        let a = if args.is_null() { None } else { Some(&args) };
        handle(f, cmd, cfg, a).unwrap()
    }

    fn text(o: &Outcome) -> String {
        o.answer().text.clone().unwrap_or_default()
    }

    fn changed(o: Outcome) -> Value {
        match o {
            Outcome::Change { config, .. } => config,
            Outcome::Answer(a) => panic!("no change: {a}"),
        }
    }

    #[test]
    fn get_by_address_and_identifier() {
        let c = cfg4();
        let o = run(
            &c,
            "reservation-get",
            json!({"subnet-id": 1, "ip-address": "192.0.2.50"}),
        );
        assert_eq!(text(&o), "Host found.");
        let h = o.answer().arguments.clone().unwrap();
        assert_eq!(h["hw-address"], "aa:bb:cc:dd:ee:ff");
        assert_eq!(h["subnet-id"], 1);
        let o = run(
            &c,
            "reservation-get",
            json!({"subnet-id": 5, "identifier-type": "hw-address", "identifier": "AABBCCDDEEFF"}),
        );
        assert_eq!(
            o.answer().arguments.as_ref().unwrap()["ip-address"],
            "10.0.0.5"
        );
        let o = run(
            &c,
            "reservation-get",
            json!({"subnet-id": 0, "identifier-type": "hw-address", "identifier": "01:01:01:01:01:01"}),
        );
        assert_eq!(o.answer().arguments.as_ref().unwrap()["subnet-id"], 0);
        let o = run(
            &c,
            "reservation-get",
            json!({"subnet-id": 2, "ip-address": "192.0.2.50"}),
        );
        assert_eq!((o.answer().result, text(&o)), (3, "Host not found.".into()));
    }

    #[test]
    fn get_bad_arguments() {
        let c = cfg4();
        for (args, msg) in [
            (Value::Null, "Parameters missing or are not a map."),
            (json!({}), "missing parameter 'subnet-id' (<wire>:0:0)"),
            (
                json!({"ip-address": "192.0.2.50"}),
                "missing parameter 'subnet-id', use 'reservation-get-by-address' with 'ip-address' set to \"192.0.2.50\" to get the list of reservations with this address",
            ),
            (
                json!({"subnet-id": 1, "ip-address": 5}),
                "'ip-address' is not a string.",
            ),
            (
                json!({"subnet-id": 1, "ip-address": "x"}),
                "Failed to convert string to address 'x': Invalid argument",
            ),
            (
                json!({"subnet-id": 1}),
                "No 'ip-address' provided and 'identifier-type' is either missing or not a string.",
            ),
            (
                json!({"subnet-id": 1, "identifier-type": "hw-address"}),
                "No 'ip-address' provided and 'identifier' is either missing or not a string.",
            ),
            (
                json!({"subnet-id": 1, "identifier-type": "hw-address", "identifier": "zz"}),
                "Unable to parse 'identifier' value.",
            ),
            (
                json!({"subnet-id": 1, "identifier-type": "mac", "identifier": "01"}),
                "Value of 'identifier-type' was not recognized.",
            ),
            (
                json!({"identifier-type": "duid", "identifier": "01"}),
                "missing parameter 'subnet-id', use 'reservation-get-by-id' with 'identifier-type' set to \"duid\" and 'identifier' to \"01\" to get the list of reservations with this identifier",
            ),
            (
                json!({"subnet-id": -1, "ip-address": "192.0.2.1"}),
                "The 'subnet-id' value (-1) is not within expected range: (0 - 4294967294)",
            ),
        ] {
            let o = run(&c, "reservation-get", args);
            assert_eq!((o.answer().result, text(&o)), (1, msg.to_string()));
        }
        let o = run(
            &c,
            "reservation-get",
            json!({"subnet-id": 1, "ip-address": "192.0.2.50", "operation-target": "database"}),
        );
        assert_eq!(o.answer().result, 1);
    }

    #[test]
    fn listing_commands() {
        let c = cfg4();
        let o = run(&c, "reservation-get-all", json!({"subnet-id": 1}));
        assert_eq!(text(&o), "2 IPv4 host(s) found.");
        let o = run(&c, "reservation-get-all", json!({"subnet-id": 2}));
        assert_eq!(
            (o.answer().result, text(&o)),
            (3, "0 IPv4 host(s) found.".into())
        );
        let o = run(&c, "reservation-get-all", json!({"subnet-id": 9}));
        assert_eq!(
            (o.answer().result, text(&o)),
            (1, "IPv4 subnet with ID of '9' is not configured".into())
        );
        let o = run(&c, "reservation-get-by-hostname", json!({"hostname": "h1"}));
        assert_eq!(
            text(&o),
            "2 IPv4 host(s) found.",
            "case-insensitive, all subnets"
        );
        let o = run(
            &c,
            "reservation-get-by-hostname",
            json!({"hostname": "H1", "subnet-id": 5}),
        );
        assert_eq!(text(&o), "1 IPv4 host(s) found.");
        let o = run(&c, "reservation-get-by-hostname", json!({"hostname": ""}));
        assert_eq!(text(&o), "Empty hostname");
        let o = run(
            &c,
            "reservation-get-by-id",
            json!({"identifier-type": "hw-address", "identifier": "aa:bb:cc:dd:ee:ff"}),
        );
        let hosts = o.answer().arguments.clone().unwrap()["hosts"].clone();
        assert_eq!(hosts.as_array().unwrap().len(), 2);
        assert_eq!(hosts[1]["subnet-id"], 5);
        let o = run(
            &c,
            "reservation-get-by-id",
            json!({"identifier-type": "hw-address", "identifier": "aa", "subnet-id": 1}),
        );
        assert_eq!(
            text(&o),
            "'subnet-id' is forbidden in reservation-get-by-id"
        );
        let o = run(
            &c,
            "reservation-get-by-address",
            json!({"ip-address": "192.0.2.51"}),
        );
        assert_eq!(
            o.answer().arguments.as_ref().unwrap()["hosts"][0]["client-id"],
            "01:02:03"
        );
        let o = run(
            &c,
            "reservation-get-by-address",
            json!({"ip-address": "192.0.2.51", "subnet-id": 2}),
        );
        assert_eq!(o.answer().result, 3);
        let o = run(&c, "reservation-get-by-address", json!({}));
        assert_eq!(text(&o), "missing parameter 'ip-address' (<wire>:0:0)");
    }

    #[test]
    fn paging_walks_all_hosts() {
        let c = cfg4();
        let o = run(&c, "reservation-get-page", json!({"limit": 2}));
        let a = o.answer().arguments.clone().unwrap();
        assert_eq!(a["count"], 2);
        assert_eq!(a["hosts"][0]["subnet-id"], 0);
        assert_eq!(a["next"], json!({"from": 2, "source-index": 0}));
        let o = run(
            &c,
            "reservation-get-page",
            json!({"limit": 2, "from": 2, "source-index": 0}),
        );
        let a = o.answer().arguments.clone().unwrap();
        assert_eq!(a["count"], 2);
        assert_eq!(a["next"]["from"], 4);
        let o = run(&c, "reservation-get-page", json!({"limit": 2, "from": 4}));
        assert_eq!(
            o.answer().to_kea_string(),
            r#"{ "arguments": { "count": 0, "hosts": [  ] }, "result": 3, "text": "0 IPv4 host(s) found." }"#
        );
        let o = run(
            &c,
            "reservation-get-page",
            json!({"limit": 10, "subnet-id": 5}),
        );
        assert_eq!(text(&o), "1 IPv4 host(s) found.");
        let o = run(&c, "reservation-get-page", json!({"limit": 0}));
        assert_eq!(text(&o), "page size of retrieved hosts must not be zero");
        let o = run(&c, "reservation-get-page", json!({}));
        assert_eq!(text(&o), "missing parameter 'limit' (<wire>:0:0)");
    }

    #[test]
    fn add_validates_and_inserts() {
        let c = cfg4();
        let o = run(
            &c,
            "reservation-add",
            json!({"reservation": {"subnet-id": 1, "hw-address": "11:22:33:44:55:66", "ip-address": "192.0.2.60", "hostname": "new"}}),
        );
        assert_eq!(text(&o), "Host added.");
        let n = changed(o);
        assert_eq!(
            n["Dhcp4"]["subnet4"][0]["reservations"][2]["ip-address"],
            "192.0.2.60"
        );
        assert!(
            n["Dhcp4"]["subnet4"][0]["reservations"][2]
                .get("subnet-id")
                .is_none()
        );

        let o = run(
            &c,
            "reservation-add",
            json!({"reservation": {"subnet-id": 5, "duid": "0a:0b"}}),
        );
        let n = changed(o);
        assert_eq!(
            n["Dhcp4"]["shared-networks"][0]["subnet4"][0]["reservations"][1]["duid"],
            "0a:0b"
        );

        let o = run(
            &c,
            "reservation-add",
            json!({"reservation": {"hw-address": "11:22:33:44:55:66"}}),
        );
        assert_eq!(
            text(&o),
            "Host added. subnet-id not specified, assumed global (subnet-id 0)."
        );
        let n = changed(o);
        assert_eq!(n["Dhcp4"]["reservations"].as_array().unwrap().len(), 2);

        for (args, msg) in [
            (Value::Null, "no parameters specified for the command".to_string()),
            (json!({}), "reservation must be specified".into()),
            (json!({"reservation": {"hw-address": "11:22:33:44:55:66", "ip-address": "192.0.2.70"}}),
             "Mandatory 'subnet-id' parameter missing. The address '192.0.2.70' belongs to subnet '192.0.2.0/24' id 1.".into()),
            (json!({"reservation": {"hw-address": "11:22:33:44:55:66", "ip-address": "198.51.100.7"}}),
             "Mandatory 'subnet-id' parameter missing. The address '198.51.100.7' belongs to guarded subnet '198.51.100.0/24' id 2.".into()),
            (json!({"reservation": {"hw-address": "11:22:33:44:55:66", "ip-address": "203.0.113.7"}}),
             "Mandatory 'subnet-id' parameter missing. The address '203.0.113.7' belongs to no configured subnet.".into()),
            (json!({"reservation": {"subnet-id": 7, "hw-address": "11:22:33:44:55:66"}}), "IPv4 subnet with ID of '7' is not configured".into()),
            (json!({"reservation": {"subnet-id": 1, "hw-address": "11:22:33:44:55:66", "ip-address": "10.0.0.9"}}),
             "specified reservation '10.0.0.9' is not matching the IPv4 subnet prefix '192.0.2.0/24'".into()),
            (json!({"reservation": {"subnet-id": 1, "hw-address": "aa:bb:cc:dd:ee:ff"}}),
             "failed to add new host using the HW address 'hwtype=1 aa:bb:cc:dd:ee:ff' and DUID '(null)' to the IPv4 subnet id '1' as this host has already been added".into()),
            (json!({"reservation": {"subnet-id": 1, "duid": "01:02", "ip-address": "192.0.2.50"}}),
             "failed to add new host using the HW address '(null)' and DUID '01:02' to the IPv4 subnet id '1' for the address 192.0.2.50: There's already a reservation for this address".into()),
            (json!({"reservation": {"subnet-id": 1, "hw-address": "11:22:33:44:55:66"}, "operation-target": "database"}),
             "operation-target 'database' is not available: no hosts database is configured, reservations are kept in the configuration (use 'memory')".into()),
        ] {
            let o = run(&c, "reservation-add", args);
            assert!(matches!(o, Outcome::Answer(_)));
            assert_eq!((o.answer().result, text(&o)), (1, msg));
        }
        let o = run(
            &c,
            "reservation-add",
            json!({"reservation": {"subnet-id": 1, "ip-address": "192.0.2.80"}}),
        );
        assert_eq!(o.answer().result, 1, "no identifier: {}", text(&o));
        let o = run(
            &c,
            "reservation-add",
            json!({"reservation": {"subnet-id": 1, "hw-address": "11:22", "bogus": 1}}),
        );
        assert!(text(&o).contains("bogus"), "{}", text(&o));
    }

    #[test]
    fn del_and_update() {
        let c = cfg4();
        let o = run(
            &c,
            "reservation-del",
            json!({"subnet-id": 1, "ip-address": "192.0.2.50"}),
        );
        assert_eq!(text(&o), "Host deleted.");
        let n = changed(o);
        assert_eq!(
            n["Dhcp4"]["subnet4"][0]["reservations"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        let o = run(
            &c,
            "reservation-del",
            json!({"subnet-id": 5, "identifier-type": "hw-address", "identifier": "aa:bb:cc:dd:ee:ff"}),
        );
        let n = changed(o);
        assert_eq!(
            n["Dhcp4"]["shared-networks"][0]["subnet4"][0]["reservations"],
            json!([])
        );
        let o = run(
            &c,
            "reservation-del",
            json!({"subnet-id": 2, "ip-address": "192.0.2.50"}),
        );
        assert_eq!(
            (o.answer().result, text(&o)),
            (3, "Host not deleted (not found).".into())
        );

        let o = run(
            &c,
            "reservation-update",
            json!({"reservation": {"subnet-id": 1, "hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "192.0.2.99", "hostname": "moved"}}),
        );
        assert_eq!(text(&o), "Host updated.");
        let n = changed(o);
        assert_eq!(
            n["Dhcp4"]["subnet4"][0]["reservations"][0]["ip-address"],
            "192.0.2.99"
        );
        let o = run(
            &c,
            "reservation-update",
            json!({"reservation": {"subnet-id": 1, "hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "192.0.2.51"}}),
        );
        assert!(
            text(&o).contains("There's already a reservation for this address"),
            "{}",
            text(&o)
        );
        let o = run(
            &c,
            "reservation-update",
            json!({"reservation": {"subnet-id": 1, "hw-address": "12:12:12:12:12:12"}}),
        );
        assert_eq!(text(&o), "Host not updated (not found).");
        let o = run(
            &c,
            "reservation-update",
            json!({"reservation": {"hw-address": "aa:bb:cc:dd:ee:ff"}}),
        );
        assert_eq!(text(&o), "Mandatory 'subnet-id' parameter missing.");
        let o = run(&c, "reservation-update", json!([]));
        assert_eq!(
            text(&o),
            "invalid command: expected 'arguments' to be a map, got list instead"
        );
        let o = run(&c, "reservation-update", json!({"reservation": 1}));
        assert_eq!(
            text(&o),
            "invalid command: expected 'reservation' to be a map, got integer instead"
        );
    }

    #[test]
    fn v6_addresses_and_prefixes() {
        let c = cfg6();
        let o = run(
            &c,
            "reservation-get-by-address",
            json!({"ip-address": "2001:db8:2:cafe::"}),
        );
        assert_eq!(text(&o), "1 IPv6 host(s) found.");
        let o = run(
            &c,
            "reservation-get",
            json!({"subnet-id": 1, "ip-address": "2001:db8:1::5"}),
        );
        assert_eq!(
            o.answer().arguments.as_ref().unwrap()["duid"],
            "01:02:03:04"
        );
        let o = run(
            &c,
            "reservation-add",
            json!({"reservation": {"subnet-id": 1, "duid": "05:06", "ip-addresses": ["2001:db8:1::5"]}}),
        );
        assert_eq!(
            text(&o),
            "failed to add address reservation for host using the HW address '(null)' and DUID '05:06' to the IPv6 subnet id '1' for address/prefix 2001:db8:1::5: There's already reservation for this address/prefix"
        );
        let o = run(
            &c,
            "reservation-add",
            json!({"reservation": {"duid": "05:06", "prefixes": ["2001:db8:3::/64"]}}),
        );
        assert_eq!(
            text(&o),
            "Mandatory 'subnet-id' parameter missing. Prefixes are not attached to subnets so no hint is available."
        );
        let o = run(
            &c,
            "reservation-add",
            json!({"reservation": {"duid": "05:06", "ip-addresses": ["2001:db8:1::9"]}}),
        );
        assert_eq!(
            text(&o),
            "Mandatory 'subnet-id' parameter missing. Reserved IPv6 addresses belong to subnet '2001:db8:1::/64' id 1."
        );
        let o = run(
            &c,
            "reservation-add",
            json!({"reservation": {"subnet-id": 1, "duid": "05:06", "ip-addresses": ["2001:db8:1::9"], "prefixes": ["2001:db8:3::/64"]}}),
        );
        let n = changed(o);
        assert_eq!(
            n["Dhcp6"]["subnet6"][0]["reservations"][1]["prefixes"],
            json!(["2001:db8:3::/64"])
        );
        let o = run(
            &c,
            "reservation-add",
            json!({"reservation": {"subnet-id": 1, "circuit-id": "'x'"}}),
        );
        assert_eq!(o.answer().result, 1, "no circuit-id in v6: {}", text(&o));
    }
}
