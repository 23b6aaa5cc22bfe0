//! Per-message processing: DISCOVER, REQUEST, RELEASE, DECLINE, INFORM.

use std::net::Ipv4Addr;
use std::sync::Arc;

use dhcp_lease::{Lease4, LeaseState};
use dhcp_packet::{MessageType4, Pkt4};

use super::reply::{add_lifetimes, add_options, skeleton, valid_lifetime};
use super::select::{Selector, select_subnet};
use super::{
    Ctx, Drop, LeaseEvent, ServerState, find_client_lease, find_host, lease_belongs_to, new_lease,
};
use crate::config::Subnet4;

/// Subnet selection, reservation lookup and late classification (a packet that lands in
/// DROP then is dropped).
fn select_and_identify(ctx: &mut Ctx<'_>) -> Result<Option<usize>, Drop> {
    let sel = Selector::from_query(ctx.q, ctx.meta, ctx.st.cfg.ignore_rai_link_selection);
    let si = select_subnet(&ctx.st.cfg, &sel, &ctx.classes);
    ctx.subnet = si;
    let host = find_host(ctx, ctx.subnet());
    match &host {
        Some(h) => {
            ctx.classes.insert_static("KNOWN");
            for c in &h.classes {
                ctx.classes.insert(c);
            }
        }
        None => ctx.classes.insert_static("UNKNOWN"),
    }
    ctx.host = host;
    let env = ctx.env();
    crate::classify::evaluate_configured(&ctx.st.cfg, &env, &mut ctx.classes, true);
    if ctx.classes.contains("DROP") {
        return Err(Drop::DropClassAfterHost);
    }
    Ok(si)
}

/// True when `addr` is reserved for a host other than the client's.
fn reserved_for_other(ctx: &Ctx<'_>, s: &Subnet4, addr: Ipv4Addr) -> bool {
    let mine = |h: &Arc<crate::config::Host>| ctx.host.as_ref().is_some_and(|m| Arc::ptr_eq(m, h));
    if s.params.reservations_in_subnet
        && let Some(h) = s.hosts.by_addr(addr)
        && !mine(h)
    {
        return true;
    }
    if s.params.reservations_global
        && let Some(h) = ctx.st.cfg.global_hosts.by_addr(addr)
        && !mine(h)
    {
        return true;
    }
    false
}

/// The lease currently at `addr` if the client may take the address: none, the client's own,
/// or an expired one.
fn free_for_client(ctx: &Ctx<'_>, s: &Subnet4, addr: Ipv4Addr) -> Result<Option<Arc<Lease4>>, ()> {
    match ctx.st.leases.get(addr) {
        None => Ok(None),
        Some(l) => {
            if l.state == LeaseState::EXPIRED_RECLAIMED
                || l.state == LeaseState::RELEASED
                || l.is_expired(ctx.now)
                || lease_belongs_to(
                    &l,
                    ctx.q.hwaddr(),
                    ctx.client_id(),
                    s.params.match_client_id,
                )
            {
                Ok(Some(l))
            } else {
                Err(())
            }
        }
    }
}

fn pool_allows(ctx: &Ctx<'_>, s: &Subnet4, addr: Ipv4Addr) -> bool {
    !excluded_edge(ctx, s, addr)
        && s.pool_of(addr)
            .is_some_and(|p| ctx.classes.allows(&p.client_classes))
}

/// `compatibility.exclude-first-last-24`: x.x.x.0 and x.x.x.255 of /24-or-larger subnets.
fn excluded_edge(ctx: &Ctx<'_>, s: &Subnet4, addr: Ipv4Addr) -> bool {
    ctx.st.cfg.exclude_first_last_24 && s.prefix.len <= 24 && matches!(addr.octets()[3], 0 | 255)
}

/// The reserved address of the client, if it lies in one of `cands`.
fn reserved_addr(ctx: &Ctx<'_>, cands: &[usize]) -> Option<(usize, Ipv4Addr)> {
    let ip = ctx.host.as_ref()?.ip?;
    cands
        .iter()
        .find(|&&si| ctx.st.cfg.subnets[si].prefix.contains(ip))
        .map(|&si| (si, ip))
}

/// Chooses an address: reservation, current lease, hint, then a free pool address.
fn choose_address(
    ctx: &Ctx<'_>,
    cands: &[usize],
    client_lease: Option<&(usize, Arc<Lease4>)>,
    hint: Option<Ipv4Addr>,
) -> Option<(usize, Ipv4Addr)> {
    let cfg = &ctx.st.cfg;
    if let Some((si, ip)) = reserved_addr(ctx, cands) {
        if free_for_client(ctx, &cfg.subnets[si], ip).is_ok() {
            return Some((si, ip));
        }
        ctx.st.subnet_stats[si].c.v4_reservation_conflicts.inc();
        ctx.st.stats.global.v4_reservation_conflicts.inc();
    }
    if let Some((si, l)) = client_lease {
        let s = &cfg.subnets[*si];
        if !reserved_for_other(ctx, s, l.address) && pool_allows(ctx, s, l.address) {
            return Some((*si, l.address));
        }
    }
    if let Some(h) = hint.filter(|h| !h.is_unspecified()) {
        for &si in cands {
            let s = &cfg.subnets[si];
            if s.prefix.contains(h)
                && pool_allows(ctx, s, h)
                && !reserved_for_other(ctx, s, h)
                && free_for_client(ctx, s, h).is_ok()
            {
                return Some((si, h));
            }
        }
    }
    for &si in cands {
        let s = &cfg.subnets[si];
        let picked = ctx.st.allocators[si].pick(s, &ctx.classes, |a| {
            !excluded_edge(ctx, s, a)
                && !reserved_for_other(ctx, s, a)
                && free_for_client(ctx, s, a).is_ok()
        });
        if let Some(a) = picked {
            return Some((si, a));
        }
    }
    None
}

fn count_alloc_fail(ctx: &Ctx<'_>) {
    let g = &ctx.st.stats.global;
    g.v4_allocation_fail.inc();
    let sub = ctx.subnet.map(|i| &ctx.st.subnet_stats[i].c);
    if let Some(c) = sub {
        c.v4_allocation_fail.inc();
    }
    let Some(s) = ctx.subnet() else { return };
    // Pools exist but none admits the client's classes.
    let class_blocked = !s.pools.is_empty()
        && s.pools
            .iter()
            .all(|p| !ctx.classes.allows(&p.client_classes));
    let (global, local) = if s.pools.is_empty() {
        (
            &g.v4_allocation_fail_no_pools,
            sub.map(|c| &c.v4_allocation_fail_no_pools),
        )
    } else if class_blocked {
        (
            &g.v4_allocation_fail_classes,
            sub.map(|c| &c.v4_allocation_fail_classes),
        )
    } else if s.network.is_some() {
        (
            &g.v4_allocation_fail_shared_network,
            sub.map(|c| &c.v4_allocation_fail_shared_network),
        )
    } else {
        (
            &g.v4_allocation_fail_subnet,
            sub.map(|c| &c.v4_allocation_fail_subnet),
        )
    };
    global.inc();
    if let Some(l) = local {
        l.inc();
    }
}

/// Lease caching (ARM §9.2.33): remaining lifetime if the client's current lease is young
/// enough to be handed out unchanged.
fn reusable_lifetime(ctx: &Ctx<'_>, s: &Subnet4, l: &Lease4, valid: u32) -> Option<u32> {
    let p = &s.params;
    let thr = p.cache_threshold?;
    if l.state != LeaseState::DEFAULT || l.subnet_id != s.id || l.valid_lifetime != valid {
        return None;
    }
    let age = ctx.now - l.cltt;
    if age < 0 {
        return None;
    }
    let mut max_age = (f64::from(l.valid_lifetime) * thr) as i64;
    if let Some(m) = p.cache_max_age {
        max_age = max_age.min(i64::from(m));
    }
    if age >= max_age {
        return None;
    }
    u32::try_from(l.expire() - ctx.now).ok().filter(|r| *r > 0)
}

/// Additional (`only-if-required`) classes named by the pool, subnet and shared network,
/// evaluated once the address is known; a class without a test is simply added.
fn evaluate_additional(ctx: &mut Ctx<'_>, addr: Option<Ipv4Addr>) {
    let st: &ServerState = ctx.st;
    let cfg = &st.cfg;
    let Some(s) = ctx.subnet() else { return };
    let mut names: Vec<&str> = Vec::new();
    if let Some(p) = addr.and_then(|a| s.pool_of(a)) {
        names.extend(p.additional_classes.iter().map(String::as_str));
    }
    names.extend(s.additional_classes.iter().map(String::as_str));
    if let Some(n) = s.network {
        names.extend(
            cfg.networks[n]
                .additional_classes
                .iter()
                .map(String::as_str),
        );
    }
    if names.is_empty() {
        return;
    }
    let env = ctx.env();
    for name in names {
        if ctx.classes.contains(name) {
            continue;
        }
        let Some(def) = cfg.classes.iter().find(|c| &*c.name == name) else {
            continue;
        };
        crate::classify::evaluate_one(def, &env, &mut ctx.classes);
    }
}

fn offer_or_ack(ctx: &Ctx<'_>, mt: MessageType4, si: usize, addr: Ipv4Addr, valid: u32) -> Pkt4 {
    let s = &ctx.st.cfg.subnets[si];
    let mut r = skeleton(ctx, mt);
    r.yiaddr = addr;
    // RFC 2131 table 3: a DHCPACK carries the request's ciaddr.
    if mt == MessageType4::Ack {
        r.ciaddr = ctx.q.ciaddr;
    }
    add_lifetimes(&mut r, &s.params, valid);
    add_options(ctx, &mut r, Some(addr));
    if let Some(n) = super::names::client_names(ctx, s, addr) {
        if let Some(v) = n.opt12 {
            r.options.set(dhcp_packet::v4::code::HOST_NAME, &v);
        }
        if let Some(v) = n.opt81 {
            r.options.set(dhcp_packet::v4::code::CLIENT_FQDN, &v);
        }
    }
    r
}

pub(super) fn discover(ctx: &mut Ctx<'_>) -> Result<Option<Pkt4>, Drop> {
    if select_and_identify(ctx)?.is_none() {
        return Err(Drop::NoSubnet);
    }
    let cands = ctx.candidate_subnets();
    let client_lease = find_client_lease(ctx, &cands);
    let Some((si, addr)) = choose_address(ctx, &cands, client_lease.as_ref(), ctx.q.requested_ip())
    else {
        count_alloc_fail(ctx);
        return Err(Drop::AllocFailed);
    };
    ctx.subnet = Some(si);
    let s = &ctx.st.cfg.subnets[si];
    let mut valid = valid_lifetime(ctx, s);
    if let Some((_, l)) = client_lease.as_ref().filter(|(_, l)| l.address == addr)
        && let Some(rem) = reusable_lifetime(ctx, s, l, valid)
    {
        valid = rem;
    }
    // Temporary allocation on DISCOVER (ARM §9.2.34): hold the address for offer-lifetime.
    let offer_lifetime = s.params.offer_lifetime;
    if offer_lifetime > 0 {
        let held = ctx.st.leases.get(addr);
        let own = held.as_ref().is_some_and(|l| {
            l.state == LeaseState::DEFAULT
                && !l.is_expired(ctx.now)
                && lease_belongs_to(l, ctx.q.hwaddr(), ctx.client_id(), s.params.match_client_id)
        });
        if !own {
            let temp = new_lease(ctx, si, addr, offer_lifetime);
            let stored = match &held {
                None => ctx.st.leases.add(temp),
                Some(_) => ctx.st.leases.update(temp),
            };
            stored.map_err(|e| Drop::Store(e.to_string()))?;
            let counted = held
                .as_ref()
                .is_some_and(|l| l.state == LeaseState::DEFAULT || l.state == LeaseState::DECLINED);
            if !counted {
                ctx.st.count_assigned(s.id, addr, 1);
            }
            ctx.st.note_taken(s.id, addr);
        }
    }
    evaluate_additional(ctx, Some(addr));
    ctx.event = Some(LeaseEvent::Offer(addr, valid));
    Ok(Some(offer_or_ack(
        ctx,
        MessageType4::Offer,
        si,
        addr,
        valid,
    )))
}

fn nak(ctx: &mut Ctx<'_>) -> Result<Option<Pkt4>, Drop> {
    ctx.event = Some(LeaseEvent::Nak);
    let mut r = skeleton(ctx, MessageType4::Nak);
    // RFC 2131 §4.3.2: a relayed NAK carries the broadcast bit so the relay broadcasts it.
    if ctx.q.is_relayed() {
        r.flags |= dhcp_packet::v4::FLAG_BROADCAST;
    }
    Ok(Some(r))
}

pub(super) fn request(ctx: &mut Ctx<'_>) -> Result<Option<Pkt4>, Drop> {
    let q = ctx.q;
    let selecting = q.server_id().is_some();
    let init_reboot = !selecting && q.ciaddr.is_unspecified() && q.requested_ip().is_some();
    let hint = if q.ciaddr.is_unspecified() {
        q.requested_ip()
    } else {
        Some(q.ciaddr)
    };
    let Some(_) = select_and_identify(ctx)? else {
        if ctx.st.cfg.global_params.authoritative {
            return nak(ctx);
        }
        return Err(Drop::NoSubnet);
    };
    let cands = ctx.candidate_subnets();
    let client_lease = find_client_lease(ctx, &cands);
    let authoritative = ctx.subnet().is_some_and(|s| s.params.authoritative);
    if init_reboot {
        match &client_lease {
            None if !authoritative => return Err(Drop::InitRebootUnknown),
            None => return nak(ctx),
            Some((_, l)) if Some(l.address) != hint => return nak(ctx),
            Some(_) => {}
        }
    }
    let (si, addr) = match hint.filter(|h| !h.is_unspecified()) {
        Some(h) => {
            let Some(&si) = cands
                .iter()
                .find(|&&si| ctx.st.cfg.subnets[si].prefix.contains(h))
            else {
                return nak(ctx);
            };
            let s = &ctx.st.cfg.subnets[si];
            if let Some((_, r)) = reserved_addr(ctx, &cands)
                && r != h
            {
                return nak(ctx);
            }
            let reserved_mine = ctx.host.as_ref().and_then(|x| x.ip) == Some(h);
            if reserved_for_other(ctx, s, h)
                || free_for_client(ctx, s, h).is_err()
                || (!reserved_mine && !pool_allows(ctx, s, h))
            {
                return nak(ctx);
            }
            (si, h)
        }
        None => match choose_address(ctx, &cands, client_lease.as_ref(), None) {
            Some(x) => x,
            None => {
                count_alloc_fail(ctx);
                return nak(ctx);
            }
        },
    };
    ctx.subnet = Some(si);
    let s = &ctx.st.cfg.subnets[si];
    let sstats = &ctx.st.subnet_stats[si];
    let g = &ctx.st.stats.global;
    let valid = valid_lifetime(ctx, s);
    ctx.hostname = super::names::client_names(ctx, s, addr).map(|n| n.lease_hostname);
    let existing = ctx.st.leases.get(addr);
    let mine = existing.as_ref().is_some_and(|l| {
        l.state == LeaseState::DEFAULT
            && lease_belongs_to(l, q.hwaddr(), ctx.client_id(), s.params.match_client_id)
    });
    let mut granted = valid;
    match &existing {
        Some(l) if mine => {
            if let Some(rem) = reusable_lifetime(ctx, s, l, valid) {
                granted = rem;
                sstats.c.v4_lease_reuses.inc();
                g.v4_lease_reuses.inc();
            } else {
                let mut nl = new_lease(ctx, si, addr, valid);
                if nl.hostname.is_empty() {
                    nl.hostname = l.hostname.clone();
                }
                ctx.st
                    .leases
                    .update(nl)
                    .map_err(|e| Drop::Store(e.to_string()))?;
                if l.subnet_id != s.id {
                    ctx.st.count_assigned(l.subnet_id, addr, -1);
                    ctx.st.count_assigned(s.id, addr, 1);
                }
            }
        }
        Some(l) => {
            // An expired, released or reclaimed lease of the address is taken over.
            let nl = new_lease(ctx, si, addr, valid);
            ctx.st
                .leases
                .update(nl)
                .map_err(|e| Drop::Store(e.to_string()))?;
            let was_counted = l.state == LeaseState::DEFAULT || l.state == LeaseState::DECLINED;
            if l.state == LeaseState::DECLINED {
                ctx.st.count_declined(l.subnet_id, addr, -1);
            }
            if was_counted {
                ctx.st.count_assigned(l.subnet_id, addr, -1);
            }
            ctx.st.count_assigned(s.id, addr, 1);
            ctx.st.count_cumulative(s.id, addr);
        }
        None => {
            let nl = new_lease(ctx, si, addr, valid);
            ctx.st
                .leases
                .add(nl)
                .map_err(|e| Drop::Store(e.to_string()))?;
            ctx.st.count_assigned(s.id, addr, 1);
            ctx.st.count_cumulative(s.id, addr);
        }
    }
    ctx.st.note_taken(s.id, addr);
    // The client moved to another address: its old lease goes.
    if let Some((_, old)) = client_lease.as_ref().filter(|(_, l)| l.address != addr)
        && let Ok(Some(gone)) = ctx.st.leases.delete(old.address)
    {
        ctx.st.note_freed(gone.subnet_id, gone.address);
    }
    if let Some((_, old)) = client_lease.as_ref().filter(|(_, l)| l.address != addr)
        && old.state == LeaseState::DEFAULT
    {
        ctx.st.count_assigned(old.subnet_id, old.address, -1);
    }
    evaluate_additional(ctx, Some(addr));
    ctx.event = Some(LeaseEvent::Alloc(addr, granted));
    Ok(Some(offer_or_ack(
        ctx,
        MessageType4::Ack,
        si,
        addr,
        granted,
    )))
}

fn match_cid_for(ctx: &Ctx<'_>, l: &Lease4) -> bool {
    ctx.st
        .cfg
        .subnet_by_id(l.subnet_id)
        .map_or(ctx.st.cfg.global_params.match_client_id, |s| {
            s.params.match_client_id
        })
}

pub(super) fn release(ctx: &mut Ctx<'_>) -> Result<(), Drop> {
    let addr = ctx.q.ciaddr;
    let Some(l) = ctx.st.leases.get(addr) else {
        return Ok(()); // DHCP4_RELEASE_FAIL_NO_LEASE
    };
    if l.state != LeaseState::DEFAULT
        || !lease_belongs_to(&l, ctx.q.hwaddr(), ctx.client_id(), match_cid_for(ctx, &l))
    {
        return Ok(()); // DHCP4_RELEASE_FAIL_WRONG_CLIENT
    }
    if let Ok(Some(gone)) = ctx.st.leases.delete(addr) {
        ctx.st.note_freed(gone.subnet_id, addr);
        ctx.st.count_assigned(gone.subnet_id, addr, -1);
    }
    ctx.event = Some(LeaseEvent::Release(addr));
    Ok(())
}

pub(super) fn decline(ctx: &mut Ctx<'_>) -> Result<(), Drop> {
    let Some(addr) = ctx.q.requested_ip() else {
        return Err(Drop::Rfc(
            "mandatory 'Requested IP address' option missing in DHCPDECLINE",
        ));
    };
    let Some(l) = ctx.st.leases.get(addr) else {
        return Ok(()); // DHCP4_DECLINE_LEASE_NOT_FOUND
    };
    if l.state != LeaseState::DEFAULT
        || !lease_belongs_to(&l, ctx.q.hwaddr(), ctx.client_id(), match_cid_for(ctx, &l))
    {
        return Ok(()); // DHCP4_DECLINE_LEASE_MISMATCH
    }
    let mut d = Lease4::new(
        addr,
        l.subnet_id,
        ctx.st.cfg.decline_probation_period,
        ctx.now,
    );
    d.state = LeaseState::DECLINED;
    d.pool_id = l.pool_id;
    ctx.st
        .leases
        .update(d)
        .map_err(|e| Drop::Store(e.to_string()))?;
    ctx.st.count_declined(l.subnet_id, addr, 1);
    ctx.event = Some(LeaseEvent::Decline(addr));
    Ok(())
}

pub(super) fn inform(ctx: &mut Ctx<'_>) -> Result<Option<Pkt4>, Drop> {
    if select_and_identify(ctx)?.is_none() {
        return Err(Drop::NoSubnet);
    }
    evaluate_additional(ctx, None);
    let mut r = skeleton(ctx, MessageType4::Ack);
    r.ciaddr = ctx.q.ciaddr;
    add_options(ctx, &mut r, None);
    Ok(Some(r))
}
