//! Client names without DNS updates (DDNS is not supported): the Hostname option (12) and
//! the Client FQDN option (81) answered as Kea 2.2 answers them with `enable-updates` off
//! (checked against a live Kea 2.2): the client's name is echoed (sanitized, lower-case,
//! qualified with `ddns-qualifying-suffix` when partial), a reservation's hostname wins,
//! `ddns-replace-client-name` may replace it with `<ddns-generated-prefix>-<a-b-c-d>`, and the
//! FQDN reply carries N=1 (no updates), O when the client asked for S, E as the client sent.
//! The name is stored in the lease (`hostname`).

use std::net::Ipv4Addr;

use dhcp_packet::ClientFqdn;
use dhcp_packet::v4::code;

use super::Ctx;
use crate::config::{ReplaceClientName, Subnet4};

/// The names to put in the lease and the reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Names {
    pub lease_hostname: String,
    pub opt12: Option<Vec<u8>>,
    pub opt81: Option<Vec<u8>>,
}

/// Kea's default `hostname-char-set` is `[^A-Za-z0-9.-]` with an empty replacement.
fn sanitize(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase()
}

fn qualify(name: &str, suffix: &str, fqdn: bool) -> String {
    let base = name.trim_end_matches('.');
    let mut out = if suffix.is_empty() || name.ends_with('.') || base.contains('.') && fqdn {
        base.to_string()
    } else {
        format!("{base}.{}", suffix.trim_end_matches('.'))
    };
    if fqdn {
        out.push('.');
    }
    out
}

fn generated(prefix: &str, addr: Ipv4Addr) -> String {
    let o = addr.octets();
    format!("{prefix}-{}-{}-{}-{}", o[0], o[1], o[2], o[3])
}

/// Computes the names for a client getting `addr` in `s`.
pub(crate) fn client_names(ctx: &Ctx<'_>, s: &Subnet4, addr: Ipv4Addr) -> Option<Names> {
    let p = &s.params;
    let q = ctx.q;
    let reserved = ctx
        .host
        .as_ref()
        .and_then(|h| h.hostname.as_deref())
        .filter(|h| !h.is_empty());
    if let Some(Ok(f)) = q.client_fqdn() {
        let name = if let Some(h) = reserved {
            qualify(&sanitize(h), &p.ddns_qualifying_suffix, true)
        } else {
            let sent = !f.name.is_empty();
            let replace = match p.ddns_replace_client_name {
                ReplaceClientName::Never => false,
                ReplaceClientName::Always => true,
                ReplaceClientName::WhenPresent => sent,
                ReplaceClientName::WhenNotPresent => !sent,
            };
            if replace || !sent {
                qualify(
                    &generated(&p.ddns_generated_prefix, addr),
                    &p.ddns_qualifying_suffix,
                    true,
                )
            } else if f.fully_qualified {
                qualify(&sanitize(&f.name), "", true)
            } else {
                qualify(&sanitize(&f.name), &p.ddns_qualifying_suffix, true)
            }
        };
        let mut flags = ClientFqdn::FLAG_N | (f.flags & ClientFqdn::FLAG_E);
        if f.flags & ClientFqdn::FLAG_S != 0 {
            flags |= ClientFqdn::FLAG_O;
        }
        let reply = ClientFqdn {
            flags,
            rcode1: 0,
            rcode2: 0,
            name: name.trim_end_matches('.').to_string(),
            fully_qualified: true,
        };
        let mut bytes = Vec::new();
        if reply.encode(&mut bytes).is_err() {
            return None;
        }
        return Some(Names {
            lease_hostname: name,
            opt12: None,
            opt81: Some(bytes),
        });
    }
    let sent = q
        .hostname()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .filter(|h| !h.is_empty());
    let asked = q
        .parameter_request_list()
        .is_some_and(|l| l.contains(&code::HOST_NAME));
    let name = if let Some(h) = reserved {
        if sent.is_none() && !asked {
            return None;
        }
        qualify(&sanitize(h), &p.ddns_qualifying_suffix, false)
    } else {
        let replace = match p.ddns_replace_client_name {
            ReplaceClientName::Never => false,
            ReplaceClientName::Always => sent.is_some() || asked,
            ReplaceClientName::WhenPresent => sent.is_some(),
            ReplaceClientName::WhenNotPresent => sent.is_none() && asked,
        };
        if replace {
            qualify(
                &generated(&p.ddns_generated_prefix, addr),
                &p.ddns_qualifying_suffix,
                false,
            )
        } else {
            let n = sanitize(&sent?);
            if n.is_empty() {
                return None;
            }
            // A single label is qualified with the suffix; longer names are kept.
            if n.contains('.') {
                n
            } else {
                qualify(&n, &p.ddns_qualifying_suffix, false)
            }
        }
    };
    Some(Names {
        opt12: Some(name.clone().into_bytes()),
        lease_hostname: name,
        opt81: None,
    })
}
