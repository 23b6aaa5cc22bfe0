//! Client classification for DHCPv6 (ARM 10.2.24, 16): built-in classes (ALL,
//! VENDOR_CLASS_<first vendor-class data chunk>, KNOWN/UNKNOWN) and configured classes
//! whose `test` the shared [`dhcp_classify`] crate evaluates. This module adapts a
//! received [`Pkt6`] to [`dhcp_classify::Packet`] and runs Kea's passes: early (before
//! subnet selection), after the reservation lookup, and the `evaluate-additional-classes`
//! lists. Without class tests the passes allocate nothing.

use std::net::{IpAddr, Ipv6Addr};

use dhcp_classify::{ClassSet, Packet};
use dhcp_packet::Pkt6;
use kea_log::{kea_log, loggers, messages};

use crate::config::{Host, ServerConfig};
use crate::pipeline::Label;
use crate::socket::RecvMeta;

/// A received query as class expressions see it.
#[derive(Debug, Clone, Copy)]
pub struct Env6<'a> {
    pub q: &'a Pkt6,
    pub meta: &'a RecvMeta,
}

impl Packet for Env6<'_> {
    fn option(&self, code: u16) -> Option<&[u8]> {
        self.q.options.get(code)
    }

    fn iface(&self) -> &str {
        &self.meta.iface
    }

    fn src(&self) -> IpAddr {
        IpAddr::V6(*self.meta.remote.ip())
    }

    fn dst(&self) -> IpAddr {
        IpAddr::V6(self.meta.local)
    }

    /// The datagram length: message header and options, plus each relay's header, options
    /// and relay-message option header.
    fn packet_len(&self) -> u32 {
        let opts = |o: &dhcp_packet::Options6| o.iter().map(|(_, v)| 4 + v.len()).sum::<usize>();
        let relays: usize = self
            .q
            .relays
            .iter()
            .map(|r| 34 + opts(&r.options) + 4)
            .sum();
        (4 + opts(&self.q.options) + relays) as u32
    }

    fn msg_type(&self) -> u8 {
        self.q.msg_type.0
    }

    fn transid(&self) -> u32 {
        self.q.transaction_id
    }

    fn relay6_count(&self) -> usize {
        self.q.relays.len()
    }

    fn relay6_option(&self, level: usize, code: u16) -> Option<&[u8]> {
        self.q.relays.get(level)?.options.get(code)
    }

    fn relay6_addresses(&self, level: usize) -> Option<(Ipv6Addr, Ipv6Addr)> {
        self.q
            .relays
            .get(level)
            .map(|r| (r.link_address, r.peer_address))
    }
}

/// Classification before subnet selection: ALL, VENDOR_CLASS_*, then the tests that do
/// not depend on KNOWN/UNKNOWN, in configuration order.
pub fn early(cfg: &ServerConfig, env: &Env6<'_>, classes: &mut ClassSet) {
    classes.insert_static("ALL");
    if let Some(vc) = dhcp_classify::vendor_class6(env)
        && !vc.is_empty()
    {
        classes.insert(&format!("VENDOR_CLASS_{}", String::from_utf8_lossy(vc)));
    }
    if cfg.has_class_tests {
        evaluate(cfg, env, classes, false);
    }
    kea_log!(
        loggers::DHCP6,
        messages::DHCP6_CLASSES_ASSIGNED,
        Label(env.q),
        env.q.msg_type.kea_name(),
        &*classes
    );
}

/// After the reservation lookup: KNOWN or UNKNOWN, the reservation's classes, then the
/// tests that depend on KNOWN/UNKNOWN.
pub fn after_host(cfg: &ServerConfig, env: &Env6<'_>, classes: &mut ClassSet, host: Option<&Host>) {
    match host {
        Some(h) => {
            classes.insert_static("KNOWN");
            for c in &h.classes {
                classes.insert(c);
            }
        }
        None => classes.insert_static("UNKNOWN"),
    }
    if cfg.has_class_tests {
        evaluate(cfg, env, classes, true);
    }
    kea_log!(
        loggers::DHCP6,
        messages::DHCP6_CLASSES_ASSIGNED_AFTER_SUBNET_SELECTION,
        Label(env.q),
        &*classes
    );
}

fn evaluate(cfg: &ServerConfig, env: &Env6<'_>, classes: &mut ClassSet, late: bool) {
    for c in &cfg.classes {
        if c.additional_only || c.depends_on_known != late {
            continue;
        }
        if classes.contains(&c.name) {
            continue;
        }
        if let Some(t) = &c.test
            && eval_logged(env, &c.name, t, classes, false)
        {
            classes.insert_shared(&c.name);
        }
        if let Some(t) = &c.template {
            spawn(env, c, t, classes);
        }
    }
}

/// A template class: a non-empty value of its `template-test` puts the query in
/// `SPAWN_<class>_<value>` and in the template class (whose options then apply).
fn spawn(
    env: &Env6<'_>,
    def: &crate::config::ClientClass,
    t: &dhcp_classify::StringExpr,
    classes: &mut ClassSet,
) {
    match t.eval(env, classes) {
        Ok(v) => {
            if let Some(name) = dhcp_classify::StringExpr::spawned_name(&def.name, &v) {
                kea_log!(
                    loggers::DHCPSRV,
                    messages::DHCPSRV_TEMPLATE_EVAL_RESULT,
                    Label(env.q),
                    &def.name,
                    &name
                );
                classes.insert(&name);
                classes.insert_shared(&def.name);
            }
        }
        Err(e) => kea_log!(
            loggers::DHCPSRV,
            messages::DHCPSRV_TEMPLATE_EVAL_ERROR,
            Label(env.q),
            &def.name,
            e
        ),
    }
}

/// Evaluates a class test, logging the result as Kea does (an evaluation error, such as
/// `addrtotext` of a 3-byte value, leaves the packet out of the class).
fn eval_logged(
    env: &Env6<'_>,
    name: &str,
    t: &dhcp_classify::Expr,
    classes: &ClassSet,
    additional: bool,
) -> bool {
    match t.eval(env, classes) {
        Ok(b) => {
            if additional {
                kea_log!(
                    loggers::DHCP6,
                    messages::DHCP6_ADDITIONAL_CLASS_EVAL_RESULT,
                    Label(env.q),
                    name,
                    b
                );
            } else {
                kea_log!(
                    loggers::DHCPSRV,
                    messages::DHCPSRV_EVAL_RESULT,
                    Label(env.q),
                    name,
                    b
                );
            }
            b
        }
        Err(e) => {
            if additional {
                kea_log!(
                    loggers::DHCP6,
                    messages::DHCP6_ADDITIONAL_CLASS_EVAL_ERROR,
                    Label(env.q),
                    name,
                    e
                );
            } else {
                kea_log!(
                    loggers::DHCPSRV,
                    messages::DHCPSRV_EVAL_ERROR,
                    Label(env.q),
                    name,
                    e
                );
            }
            false
        }
    }
}

/// `evaluate-additional-classes` of the pool(s), subnet and shared network the client was
/// served from, in that order: a listed class without a test is assigned, one with a test
/// when it evaluates to true. Classes not defined are skipped (Kea logs them).
pub fn additional<'c>(
    cfg: &ServerConfig,
    env: &Env6<'_>,
    classes: &mut ClassSet,
    lists: impl IntoIterator<Item = &'c [String]>,
) {
    for list in lists {
        for name in list {
            if classes.contains(name) {
                continue;
            }
            let Some(def) = cfg.class(name) else {
                kea_log!(
                    loggers::DHCP6,
                    messages::DHCP6_CLASS_UNCONFIGURED,
                    Label(env.q),
                    name
                );
                continue;
            };
            if let Some(t) = &def.template {
                spawn(env, def, t, classes);
                continue;
            }
            let member = match &def.test {
                None => true,
                Some(t) => eval_logged(env, &def.name, t, classes, true),
            };
            if member {
                classes.insert_shared(&def.name);
            }
        }
    }
}
