//! Building replies: fixed fields, lifetimes with T1/T2, and options assembled with Kea's
//! precedence (reservation > pool > subnet > shared network > classes > global).

use std::net::Ipv4Addr;

use dhcp_packet::v4::code;
use dhcp_packet::{MessageType4, Pkt4};

use super::Ctx;
use crate::config::{Params, Subnet4};
use crate::options::OptionSet;

/// Options the server sends when configured even if not requested (Kea's basic options).
const BASIC: [u8; 3] = [code::ROUTERS, code::DOMAIN_NAME_SERVERS, code::DOMAIN_NAME];

/// Valid lifetime for the client: a class value or the subnet default, or the client's hint
/// clamped to the subnet's min/max.
pub(crate) fn valid_lifetime(ctx: &Ctx<'_>, s: &Subnet4) -> u32 {
    let p = &s.params;
    let class_default =
        crate::classify::member_defs(ctx.cfg(), &ctx.classes).find_map(|c| c.valid_lifetime);
    if let Some(v) = class_default {
        return v;
    }
    match ctx.q.lease_time() {
        Some(hint) => hint.clamp(p.min_valid_lifetime, p.max_valid_lifetime),
        None => p.valid_lifetime,
    }
}

/// T1 and T2 to send for `valid` (ARM §9.2.9).
pub fn tee_times(p: &Params, valid: u32) -> (Option<u32>, Option<u32>) {
    if valid == u32::MAX {
        return (None, None);
    }
    let calc = |pct: f64| (pct * f64::from(valid)).round() as u32;
    let t2 = p.rebind_timer.or(if p.calculate_tee_times {
        Some(calc(p.t2_percent))
    } else {
        None
    });
    let t2 = t2.filter(|t| *t < valid);
    let t1 = p.renew_timer.or(if p.calculate_tee_times {
        Some(calc(p.t1_percent))
    } else {
        None
    });
    let t1 = t1.filter(|t1| match t2 {
        Some(t2) => t1 < &t2,
        None => *t1 < valid,
    });
    (t1, t2)
}

/// The option scopes for this client in precedence order.
fn scopes<'a>(ctx: &'a Ctx<'_>, addr: Option<Ipv4Addr>) -> Vec<&'a OptionSet> {
    let cfg = ctx.cfg();
    let mut v: Vec<&OptionSet> = Vec::with_capacity(6);
    if let Some(h) = &ctx.host {
        v.push(&h.options);
    }
    if let Some(s) = ctx.subnet() {
        if let Some(p) = addr.and_then(|a| s.pool_of(a)) {
            v.push(&p.options);
        }
        v.push(&s.options);
        if let Some(n) = s.network {
            v.push(&cfg.networks[n].options);
        }
    }
    // Class options in the order the packet joined the classes (ARM 16.1.1 step 13).
    for c in crate::classify::member_defs(cfg, &ctx.classes) {
        if !c.options.is_empty() {
            v.push(&c.options);
        }
    }
    v.push(&cfg.global_options);
    v
}

/// The server identifier for replies: configured option 54 (any scope), else the relay's
/// server-id-override, else the address the query was received on.
pub(crate) fn server_id(ctx: &Ctx<'_>) -> Ipv4Addr {
    for s in scopes(ctx, None) {
        if let Some(o) = s.get(code::SERVER_ID)
            && let Ok(b) = <[u8; 4]>::try_from(o.data.as_slice())
        {
            return Ipv4Addr::from(b);
        }
    }
    if let Some(Ok(rai)) = ctx.q.relay_agent_info()
        && let Some(id) = rai.server_id_override()
    {
        return id;
    }
    let m = ctx.meta;
    if !m.local_addr.is_broadcast() && !m.local_addr.is_unspecified() {
        m.local_addr
    } else {
        m.server_addr
    }
}

/// Reply skeleton: message type, server id, echoed client-id and relay info.
pub(crate) fn skeleton(ctx: &Ctx<'_>, mt: MessageType4) -> Pkt4 {
    let q = ctx.q;
    let mut r = q.new_reply();
    r.set_message_type(mt);
    r.set_server_id(server_id(ctx));
    if ctx.cfg().echo_client_id
        && let Some(cid) = q.client_id()
    {
        r.options.set(code::CLIENT_ID, cid);
    }
    if q.is_relayed()
        && let Some(rai) = q.options.get(code::RELAY_AGENT_INFO)
    {
        r.options.set(code::RELAY_AGENT_INFO, rai);
    }
    r
}

/// Appends requested, basic and always-send options plus the fixed fields.
pub(crate) fn add_options(ctx: &Ctx<'_>, r: &mut Pkt4, addr: Option<Ipv4Addr>) {
    let sc = scopes(ctx, addr);
    let mut want: Vec<u8> = Vec::with_capacity(16);
    if let Some(prl) = ctx.q.parameter_request_list() {
        want.extend_from_slice(prl);
    }
    want.extend_from_slice(&BASIC);
    for s in &sc {
        for o in &s.items {
            if o.always_send {
                want.push(o.code);
            }
        }
    }
    for c in want {
        if r.options.contains(c) || c == code::SERVER_ID {
            continue;
        }
        if let Some(o) = sc.iter().find_map(|s| s.get(c))
            && !o.never_send
        {
            r.options.set(c, &o.data);
        }
    }
    // Subnet mask from the subnet prefix unless configured.
    if let Some(s) = ctx.subnet()
        && !r.options.contains(code::SUBNET_MASK)
        && let Some(o) = sc
            .iter()
            .find_map(|x| x.get(code::SUBNET_MASK))
            .filter(|o| !o.never_send)
            .map(|o| o.data.clone())
            .or(Some(s.prefix.netmask().octets().to_vec()))
    {
        r.options.set(code::SUBNET_MASK, &o);
    }
    fixed_fields(ctx, r);
}

fn copy_field(dst: &mut [u8], s: &str) {
    let n = s.len().min(dst.len() - 1);
    dst[..n].copy_from_slice(&s.as_bytes()[..n]);
}

/// siaddr, sname, file: reservation > class > subnet (inherited).
fn fixed_fields(ctx: &Ctx<'_>, r: &mut Pkt4) {
    let host = ctx.host.as_deref();
    let classes: Vec<_> = crate::classify::member_defs(ctx.cfg(), &ctx.classes).collect();
    let params = ctx
        .subnet()
        .map(|s| &s.params)
        .unwrap_or(&ctx.cfg().global_params);
    let ns = host
        .and_then(|h| h.next_server)
        .or_else(|| classes.iter().find_map(|c| c.next_server))
        .unwrap_or(params.next_server);
    r.siaddr = ns;
    let sname = host
        .and_then(|h| h.server_hostname.clone())
        .or_else(|| classes.iter().find_map(|c| c.server_hostname.clone()))
        .unwrap_or_else(|| params.server_hostname.clone());
    if !sname.is_empty() {
        copy_field(&mut r.sname, &sname);
    }
    let file = host
        .and_then(|h| h.boot_file_name.clone())
        .or_else(|| classes.iter().find_map(|c| c.boot_file_name.clone()))
        .unwrap_or_else(|| params.boot_file_name.clone());
    if !file.is_empty() {
        copy_field(&mut r.file, &file);
    }
}

/// Lease time, T1, T2 options.
pub(crate) fn add_lifetimes(r: &mut Pkt4, p: &Params, valid: u32) {
    r.set_lease_time(valid);
    let (t1, t2) = tee_times(p, valid);
    if let Some(t2) = t2 {
        r.options.set(code::REBINDING_TIME, &t2.to_be_bytes());
    }
    if let Some(t1) = t1 {
        r.options.set(code::RENEWAL_TIME, &t1.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(renew: Option<u32>, rebind: Option<u32>, calc: bool) -> Params {
        let e = kea_config::parse_str(r#"{"Dhcp4": {}}"#, "t").unwrap();
        let c = crate::config::ServerConfig::from_element(&e).unwrap();
        let mut p = c.global_params.clone();
        p.renew_timer = renew;
        p.rebind_timer = rebind;
        p.calculate_tee_times = calc;
        p
    }

    #[test]
    fn tee_rules() {
        assert_eq!(tee_times(&params(None, None, false), 4000), (None, None));
        assert_eq!(
            tee_times(&params(None, None, true), 4000),
            (Some(2000), Some(3500))
        );
        assert_eq!(
            tee_times(&params(Some(1000), Some(2000), true), 4000),
            (Some(1000), Some(2000))
        );
        // T2 not below valid: dropped; T1 then compared with valid.
        assert_eq!(
            tee_times(&params(Some(1000), Some(5000), false), 4000),
            (Some(1000), None)
        );
        // T1 not below T2: dropped.
        assert_eq!(
            tee_times(&params(Some(3000), Some(2000), false), 4000),
            (None, Some(2000))
        );
        assert_eq!(tee_times(&params(None, None, true), u32::MAX), (None, None));
    }
}
