//! Pipeline tests: queries built with dhcp-packet, answered by `process` against an
//! in-memory lease store.

use std::net::{Ipv6Addr, SocketAddrV6};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use dhcp_lease::{LeaseState, LeaseType, Memfile6};
use dhcp_packet::v6::{code, status};
use dhcp_packet::{Ia, MessageType6, Pkt6, RelayInfo, StatusCode};
use dhcpsrv::iface::Interface;

use super::*;
use crate::iface::Listen6;
use crate::socket::RecvMeta;
use crate::stats::{G, S, Stats};

const SERVER_DUID: &[u8] = &[0, 1, 0, 1, 0, 0, 0, 1, 2, 0, 0, 0, 0, 1];
const CLIENT_LL: &str = "fe80::200:ff:fe00:5";

fn state(cfg: &str) -> ServerState {
    let model = kea_config::Dhcp6Config::from_text(cfg, "<test>")
        .unwrap()
        .config;
    let cfg = Arc::new(ServerConfig::compile(Arc::new(model)).unwrap());
    let listens = vec![Listen6 {
        iface: Interface {
            name: "eth0".into(),
            index: 2,
            mac: [2, 0, 0, 0, 0, 1],
            up: true,
            loopback: false,
            addrs: vec![],
        },
        link_local: Some("fe80::1".parse().unwrap()),
        unicast: None,
    }];
    let st = ServerState::new(
        cfg,
        Arc::from(SERVER_DUID),
        Arc::new(Memfile6::in_memory()),
        Stats::new(),
        listens,
        Ports::default(),
        Arc::new(AtomicBool::new(false)),
    )
    .unwrap();
    st.stats.install_subnets(&st.subnet_stats);
    st
}

const BASIC: &str = r#"{"Dhcp6": {"preferred-lifetime": 3000, "valid-lifetime": 4000,
  "option-data": [{"name": "dns-servers", "data": "2001:db8::53"},
                  {"name": "sntp-servers", "data": "2001:db8::123", "always-send": true}],
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0", "rapid-commit": true,
    "pools": [{"pool": "2001:db8:1::10-2001:db8:1::11"}],
    "pd-pools": [{"prefix": "3000::", "prefix-len": 48, "delegated-len": 56,
                  "excluded-prefix": "3000::1:0", "excluded-prefix-len": 64}],
    "reservations": [{"duid": "00:03:00:01:0a:0b:0c:0d:0e:0f", "ip-addresses": ["2001:db8:1::99"],
                      "option-data": [{"name": "dns-servers", "data": "2001:db8::99"}]}]},
    {"id": 2, "subnet": "2001:db8:2::/64", "interface-id": "port7",
     "pools": [{"pool": "2001:db8:2::10-2001:db8:2::20"}]},
    {"id": 3, "subnet": "2001:db8:3::/64", "relay": {"ip-addresses": ["2001:db8:ff::1"]},
     "pools": [{"pool": "2001:db8:3::10-2001:db8:3::20"}]}]}}"#;

fn meta() -> RecvMeta {
    RecvMeta {
        iface: "eth0".into(),
        ifindex: 2,
        remote: SocketAddrV6::new(CLIENT_LL.parse().unwrap(), 546, 0, 2),
        local: crate::socket::ALL_DHCP_RELAY_AGENTS_AND_SERVERS,
    }
}

fn duid(n: u8) -> Vec<u8> {
    vec![0, 3, 0, 1, 2, 0, 0, 0, 0, n]
}

fn ia(iaid: u32, sub: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&iaid.to_be_bytes());
    v.extend_from_slice(&[0; 8]);
    for (c, d) in sub {
        v.extend_from_slice(&c.to_be_bytes());
        v.extend_from_slice(&(d.len() as u16).to_be_bytes());
        v.extend_from_slice(d);
    }
    v
}

fn iaaddr(a: &str) -> (u16, Vec<u8>) {
    let mut v = a.parse::<Ipv6Addr>().unwrap().octets().to_vec();
    v.extend_from_slice(&[0; 8]);
    (code::IAADDR, v)
}

fn query(t: MessageType6, client: &[u8], server: bool) -> Pkt6 {
    let mut q = Pkt6::new(t, 0x1234);
    q.options.push(code::CLIENTID, client);
    if server {
        q.options.push(code::SERVERID, SERVER_DUID);
    }
    q
}

fn reply(st: &ServerState, q: &Pkt6) -> (Pkt6, SendMeta) {
    // The reply must survive a wire round trip.
    match process(st, q, &meta(), 1_800_000_000) {
        Outcome::Reply(r, m) => (Pkt6::decode(&r.to_bytes().unwrap()).unwrap(), m),
        Outcome::Drop(d) => panic!("dropped: {d:?}"),
    }
}

fn first_ia(r: &Pkt6, c: u16) -> Ia {
    Ia::decode(c, r.options.get(c).unwrap()).unwrap()
}

#[test]
fn solicit_advertises_without_a_lease_then_request_commits() {
    let st = state(BASIC);
    let mut q = query(MessageType6::SOLICIT, &duid(1), false);
    q.options.push(code::IA_NA, &ia(7, &[]));
    q.options.push(code::ORO, &[0, 23]);
    let (r, m) = reply(&st, &q);
    assert_eq!(r.msg_type, MessageType6::ADVERTISE);
    assert_eq!(m.dest.port(), 546);
    assert_eq!(m.source, Some("fe80::1".parse().unwrap()));
    assert_eq!(r.server_id(), Some(SERVER_DUID));
    let a = first_ia(&r, code::IA_NA);
    assert_eq!((a.iaid, a.t1, a.t2), (7, 1500, 2400));
    let addr = a.addresses().next().unwrap().unwrap();
    assert_eq!(addr.addr, "2001:db8:1::10".parse::<Ipv6Addr>().unwrap());
    assert_eq!((addr.preferred, addr.valid), (3000, 4000));
    assert_eq!(
        r.options.get(23).unwrap().len(),
        16,
        "ORO-requested dns-servers"
    );
    assert!(r.options.get(31).is_some(), "always-send sntp-servers");
    assert!(st.leases.is_empty(), "ADVERTISE must not commit");

    let mut q = query(MessageType6::REQUEST, &duid(1), true);
    q.options
        .push(code::IA_NA, &ia(7, &[iaaddr("2001:db8:1::10")]));
    let (r, _) = reply(&st, &q);
    assert_eq!(r.msg_type, MessageType6::REPLY);
    let l = st.leases.get("2001:db8:1::10".parse().unwrap()).unwrap();
    assert_eq!((l.iaid, l.subnet_id, l.valid_lifetime), (7, 1, 4000));
    let sub = st.stats.subnet(1).unwrap();
    assert_eq!(sub.at(S::AssignedNas).get(), 1);
    assert_eq!(st.stats.g(G::ReplySent).get(), 1);
    assert_eq!(st.stats.g(G::AdvertiseSent).get(), 1);
    assert_eq!(st.stats.g(G::SolicitReceived).get(), 1);
}

#[test]
fn renew_extends_and_release_frees() {
    let st = state(BASIC);
    let mut q = query(MessageType6::REQUEST, &duid(2), true);
    q.options.push(code::IA_NA, &ia(1, &[]));
    reply(&st, &q);
    let addr = "2001:db8:1::10";
    let mut q = query(MessageType6::RENEW, &duid(2), true);
    q.options.push(
        code::IA_NA,
        &ia(1, &[iaaddr(addr), iaaddr("2001:db8:1::77")]),
    );
    let (r, _) = reply(&st, &q);
    let a = first_ia(&r, code::IA_NA);
    let addrs: Vec<_> = a.addresses().map(|x| x.unwrap()).collect();
    assert_eq!(addrs[0].valid, 4000);
    assert_eq!(addrs[1].addr, "2001:db8:1::77".parse::<Ipv6Addr>().unwrap());
    assert_eq!(addrs[1].valid, 0, "not-ours address gets zero lifetimes");
    assert_eq!(st.leases.len(), 1);
    // Someone else cannot release it.
    let mut q = query(MessageType6::RELEASE, &duid(3), true);
    q.options.push(code::IA_NA, &ia(1, &[iaaddr(addr)]));
    let (r, _) = reply(&st, &q);
    let sc = StatusCode::decode(r.options.get(code::STATUS_CODE).unwrap()).unwrap();
    assert_eq!(sc.code, status::NO_BINDING);
    assert_eq!(st.leases.len(), 1);
    let mut q = query(MessageType6::RELEASE, &duid(2), true);
    q.options.push(code::IA_NA, &ia(1, &[iaaddr(addr)]));
    let (r, _) = reply(&st, &q);
    let ia_status = first_ia(&r, code::IA_NA).status_code().unwrap().unwrap();
    assert_eq!(ia_status.code, status::SUCCESS);
    // Lease affinity is on by default: the lease stays, released.
    let kept = st.leases.get(addr.parse().unwrap()).unwrap();
    assert_eq!((kept.state, kept.valid_lifetime), (LeaseState::RELEASED, 0));
    assert_eq!(st.stats.subnet(1).unwrap().at(S::AssignedNas).get(), 0);
    // The returning client gets the same address back.
    let mut q = query(MessageType6::REQUEST, &duid(2), true);
    q.options.push(code::IA_NA, &ia(1, &[]));
    let (r, _) = reply(&st, &q);
    let again = first_ia(&r, code::IA_NA)
        .addresses()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(again.addr, addr.parse::<Ipv6Addr>().unwrap());
    assert_eq!(st.stats.subnet(1).unwrap().at(S::AssignedNas).get(), 1);
}

#[test]
fn release_deletes_without_affinity() {
    let st = state(
        r#"{"Dhcp6": {"expired-leases-processing": {"hold-reclaimed-time": 0},
          "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
            "pools": [{"pool": "2001:db8:1::10-2001:db8:1::20"}]}]}}"#,
    );
    let mut q = query(MessageType6::REQUEST, &duid(2), true);
    q.options.push(code::IA_NA, &ia(1, &[]));
    reply(&st, &q);
    let mut q = query(MessageType6::RELEASE, &duid(2), true);
    q.options
        .push(code::IA_NA, &ia(1, &[iaaddr("2001:db8:1::10")]));
    reply(&st, &q);
    assert!(st.leases.is_empty());
    assert_eq!(st.stats.subnet(1).unwrap().at(S::AssignedNas).get(), 0);
}

#[test]
fn pool_exhaustion_gives_no_addrs_avail() {
    let st = state(BASIC);
    for n in 1..=2 {
        let mut q = query(MessageType6::REQUEST, &duid(n), true);
        q.options.push(code::IA_NA, &ia(1, &[]));
        reply(&st, &q);
    }
    let mut q = query(MessageType6::REQUEST, &duid(9), true);
    q.options.push(code::IA_NA, &ia(1, &[]));
    let (r, _) = reply(&st, &q);
    let s = first_ia(&r, code::IA_NA).status_code().unwrap().unwrap();
    assert_eq!(s.code, status::NO_ADDRS_AVAIL);
    assert_eq!(st.stats.g(G::AllocationFail).get(), 1);
    assert_eq!(st.stats.g(G::AllocationFailSubnet).get(), 1);
    // Subnet 2 has no prefix pools.
    let mut q = query(MessageType6::REQUEST, &duid(9), true);
    q.options.push(code::IA_PD, &ia(1, &[]));
    let mut ro = dhcp_packet::Options6::new();
    ro.push(code::INTERFACE_ID, b"port7");
    q.relays.push(RelayInfo {
        msg_type: MessageType6::RELAY_FORW,
        hop_count: 0,
        link_address: "2001:db8:99::1".parse().unwrap(),
        peer_address: CLIENT_LL.parse().unwrap(),
        options: ro,
    });
    reply(&st, &q);
    assert_eq!(st.stats.g(G::AllocationFailNoPools).get(), 1);
}

#[test]
fn prefix_delegation_with_exclude_and_several_ias() {
    let st = state(BASIC);
    let mut q = query(MessageType6::SOLICIT, &duid(4), false);
    q.options.push(code::RAPID_COMMIT, &[]);
    q.options.push(code::IA_PD, &ia(1, &[]));
    q.options.push(code::IA_PD, &ia(2, &[]));
    q.options.push(code::IA_NA, &ia(3, &[]));
    q.options.push(code::ORO, &[0, code::PD_EXCLUDE as u8]);
    let (r, _) = reply(&st, &q);
    assert_eq!(r.msg_type, MessageType6::REPLY, "rapid commit");
    assert!(r.rapid_commit());
    let pds: Vec<Ia> = r
        .options
        .get_all(code::IA_PD)
        .map(|v| Ia::decode(code::IA_PD, v).unwrap())
        .collect();
    assert_eq!(pds.len(), 2);
    let p0 = pds[0].prefixes().next().unwrap().unwrap();
    let p1 = pds[1].prefixes().next().unwrap().unwrap();
    assert_eq!(p0.prefix_len, 56);
    assert_ne!(p0.prefix, p1.prefix);
    let (ex, ex_len) = p0.pd_exclude().unwrap().unwrap();
    assert_eq!(ex_len, 64);
    assert_eq!(u128::from(ex) >> 72, u128::from(p0.prefix) >> 72);
    assert_eq!(st.leases.len(), 3);
    let l = st.leases.get(p0.prefix).unwrap();
    assert_eq!((l.lease_type, l.prefix_len), (LeaseType::Pd, 56));
    assert_eq!(st.stats.subnet(1).unwrap().at(S::AssignedPds).get(), 2);
}

#[test]
fn reservation_wins_and_brings_its_options() {
    let st = state(BASIC);
    let mut q = query(
        MessageType6::SOLICIT,
        &[0, 3, 0, 1, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f],
        false,
    );
    q.options.push(code::IA_NA, &ia(1, &[]));
    q.options.push(code::ORO, &[0, 23]);
    let (r, _) = reply(&st, &q);
    let a = first_ia(&r, code::IA_NA)
        .addresses()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(a.addr, "2001:db8:1::99".parse::<Ipv6Addr>().unwrap());
    assert_eq!(
        r.options.get(23).unwrap(),
        &"2001:db8::99".parse::<Ipv6Addr>().unwrap().octets()[..]
    );
}

#[test]
fn relayed_by_interface_id_and_by_relay_address() {
    let st = state(BASIC);
    let mut q = query(MessageType6::SOLICIT, &duid(5), false);
    q.options.push(code::IA_NA, &ia(1, &[]));
    let mut ropts = dhcp_packet::Options6::new();
    ropts.push(code::INTERFACE_ID, b"port7");
    // The interface-id counts when the relay gives a global link address (Kea).
    q.relays.push(RelayInfo {
        msg_type: MessageType6::RELAY_FORW,
        hop_count: 0,
        link_address: "2001:db8:99::1".parse().unwrap(),
        peer_address: CLIENT_LL.parse().unwrap(),
        options: ropts,
    });
    let mut m = meta();
    m.remote = SocketAddrV6::new("2001:db8:ff::1".parse().unwrap(), 40000, 0, 0);
    m.local = "2001:db8:1::1".parse().unwrap();
    let Outcome::Reply(r, send) = process(&st, &q, &m, 1_800_000_000) else {
        panic!("no reply")
    };
    assert_eq!(send.dest.port(), 547);
    assert_eq!(send.source, Some("2001:db8:1::1".parse().unwrap()));
    let r = Pkt6::decode(&r.to_bytes().unwrap()).unwrap();
    assert_eq!(r.relays.len(), 1);
    assert_eq!(r.relays[0].interface_id(), Some(&b"port7"[..]));
    let a = first_ia(&r, code::IA_NA)
        .addresses()
        .next()
        .unwrap()
        .unwrap();
    assert!(a.addr.to_string().starts_with("2001:db8:2::"));

    // Two relay levels; the inner one's link address matches subnet 3's relay list.
    let mut q = query(MessageType6::SOLICIT, &duid(6), false);
    q.options.push(code::IA_NA, &ia(1, &[]));
    for link in ["2001:db8:99::1", "2001:db8:ff::1"] {
        q.relays.push(RelayInfo {
            msg_type: MessageType6::RELAY_FORW,
            hop_count: q.relays.len() as u8,
            link_address: link.parse().unwrap(),
            peer_address: Ipv6Addr::UNSPECIFIED,
            options: dhcp_packet::Options6::new(),
        });
    }
    let Outcome::Reply(r, _) = process(&st, &q, &m, 1_800_000_000) else {
        panic!("no reply")
    };
    assert_eq!(r.relays.len(), 2);
    let a = first_ia(&r, code::IA_NA)
        .addresses()
        .next()
        .unwrap()
        .unwrap();
    assert!(a.addr.to_string().starts_with("2001:db8:3::"), "{}", a.addr);
}

#[test]
fn identifier_rules_and_unicast_drop() {
    let st = state(BASIC);
    let q = query(MessageType6::SOLICIT, &duid(1), true);
    assert!(matches!(
        process(&st, &q, &meta(), 0),
        Outcome::Drop(Drop::Rfc(_))
    ));
    let q = query(MessageType6::REQUEST, &duid(1), false);
    assert!(matches!(
        process(&st, &q, &meta(), 0),
        Outcome::Drop(Drop::Rfc(_))
    ));
    let mut q = Pkt6::new(MessageType6::RENEW, 1);
    q.options.push(code::CLIENTID, &duid(1));
    q.options
        .push(code::SERVERID, &[0, 3, 0, 1, 9, 9, 9, 9, 9, 9]);
    assert!(matches!(
        process(&st, &q, &meta(), 0),
        Outcome::Drop(Drop::ServerIdMismatch(_, _))
    ));
    let q = query(MessageType6::ADVERTISE, &duid(1), true);
    assert!(matches!(
        process(&st, &q, &meta(), 0),
        Outcome::Drop(Drop::UnknownType(2))
    ));
    let mut m = meta();
    m.local = "2001:db8:1::1".parse().unwrap();
    let q = query(MessageType6::SOLICIT, &duid(1), false);
    assert!(matches!(
        process(&st, &q, &m, 0),
        Outcome::Drop(Drop::Unicast)
    ));
    // Unicast REQUEST without a unicast address configured: UseMulticast.
    let q = query(MessageType6::REQUEST, &duid(1), true);
    let Outcome::Reply(r, _) = process(&st, &q, &m, 0) else {
        panic!("no reply")
    };
    let sc = StatusCode::decode(r.options.get(code::STATUS_CODE).unwrap()).unwrap();
    assert_eq!(sc.code, status::USE_MULTICAST);
    assert_eq!(st.stats.g(G::ReceiveDrop).get(), 5);
    st.disabled.store(true, std::sync::atomic::Ordering::SeqCst);
    let q = query(MessageType6::SOLICIT, &duid(1), false);
    assert!(matches!(
        process(&st, &q, &meta(), 0),
        Outcome::Drop(Drop::Disabled)
    ));
}

#[test]
fn decline_confirm_and_information_request() {
    let st = state(BASIC);
    let mut q = query(MessageType6::REQUEST, &duid(8), true);
    q.options.push(code::IA_NA, &ia(1, &[]));
    reply(&st, &q);
    let mut q = query(MessageType6::CONFIRM, &duid(8), false);
    q.options
        .push(code::IA_NA, &ia(1, &[iaaddr("2001:db8:1::10")]));
    let (r, _) = reply(&st, &q);
    assert_eq!(
        StatusCode::decode(r.options.get(code::STATUS_CODE).unwrap())
            .unwrap()
            .code,
        status::SUCCESS
    );
    let mut q = query(MessageType6::CONFIRM, &duid(8), false);
    q.options
        .push(code::IA_NA, &ia(1, &[iaaddr("2001:db8:9::10")]));
    let (r, _) = reply(&st, &q);
    assert_eq!(
        StatusCode::decode(r.options.get(code::STATUS_CODE).unwrap())
            .unwrap()
            .code,
        status::NOT_ON_LINK
    );
    let q = query(MessageType6::CONFIRM, &duid(8), false);
    assert!(
        matches!(process(&st, &q, &meta(), 0), Outcome::Drop(_)),
        "no addresses: no reply"
    );

    let mut q = query(MessageType6::DECLINE, &duid(8), true);
    q.options
        .push(code::IA_NA, &ia(1, &[iaaddr("2001:db8:1::10")]));
    let (r, _) = reply(&st, &q);
    assert_eq!(
        first_ia(&r, code::IA_NA)
            .status_code()
            .unwrap()
            .unwrap()
            .code,
        status::SUCCESS
    );
    let l = st.leases.get("2001:db8:1::10".parse().unwrap()).unwrap();
    assert_eq!(l.state, LeaseState::DECLINED);
    assert_eq!(st.stats.g(G::DeclinedAddresses).get(), 1);
    assert_eq!(
        st.stats.subnet(1).unwrap().at(S::DeclinedAddresses).get(),
        1
    );

    let mut q = Pkt6::new(MessageType6::INFORMATION_REQUEST, 5);
    q.options.push(code::ORO, &[0, 23]);
    let (r, _) = reply(&st, &q);
    assert_eq!(r.msg_type, MessageType6::REPLY);
    assert!(r.options.get(23).is_some());
    assert!(r.options.get(code::IA_NA).is_none());
}

#[test]
fn hw_address_sources() {
    let mut q = query(
        MessageType6::SOLICIT,
        &[0, 1, 0, 1, 0, 0, 0, 9, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff],
        false,
    );
    let m = meta();
    let hw = hw_address(&[MacSource::Duid], &q, &m).unwrap();
    assert_eq!(hw.as_bytes(), &[0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]);
    let hw = hw_address(&[MacSource::Ipv6LinkLocal], &q, &m).unwrap();
    assert_eq!(hw.as_bytes(), &[0, 0, 0, 0, 0, 5]);
    let mut ro = dhcp_packet::Options6::new();
    ro.push(code::CLIENT_LINKLAYER_ADDR, &[0, 1, 1, 2, 3, 4, 5, 6]);
    q.relays.push(RelayInfo {
        msg_type: MessageType6::RELAY_FORW,
        hop_count: 0,
        link_address: Ipv6Addr::UNSPECIFIED,
        peer_address: Ipv6Addr::UNSPECIFIED,
        options: ro,
    });
    let hw = hw_address(&[MacSource::ClientLinkAddrOption], &q, &m).unwrap();
    assert_eq!(hw.as_bytes(), &[1, 2, 3, 4, 5, 6]);
    assert!(hw_address(&[MacSource::RemoteId], &q, &m).is_none());
}

#[test]
fn reservation_by_hw_address_with_prefix_and_hostname() {
    let st = state(
        r#"{"Dhcp6": {"host-reservation-identifiers": ["hw-address", "duid"],
          "mac-sources": ["duid"],
          "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
            "pools": [{"pool": "2001:db8:1::10-2001:db8:1::20"}],
            "pd-pools": [{"prefix": "3000::", "prefix-len": 48, "delegated-len": 56}],
            "reservations": [{"hw-address": "02:00:00:00:00:07",
                              "prefixes": ["3000:0:0:4200::/56"], "hostname": "CPE7"}]}]}}"#,
    );
    let mut q = query(MessageType6::REQUEST, &duid(7), true);
    q.options.push(code::IA_PD, &ia(1, &[]));
    let (r, _) = reply(&st, &q);
    let p = first_ia(&r, code::IA_PD)
        .prefixes()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(p.prefix, "3000:0:0:4200::".parse::<Ipv6Addr>().unwrap());
    let l = st.leases.get(p.prefix).unwrap();
    assert_eq!(&*l.hostname, "cpe7");
    assert_eq!(l.hw_address.unwrap().as_bytes(), &[2, 0, 0, 0, 0, 7]);
    // Another client cannot take the reserved prefix even when it asks for it.
    let mut q = query(MessageType6::REQUEST, &duid(8), true);
    let mut hint = vec![0, 0, 0, 0, 0, 0, 0, 0, 56];
    hint.extend_from_slice(&"3000:0:0:4200::".parse::<Ipv6Addr>().unwrap().octets());
    q.options
        .push(code::IA_PD, &ia(1, &[(code::IAPREFIX, hint)]));
    let (r, _) = reply(&st, &q);
    let p2 = first_ia(&r, code::IA_PD)
        .prefixes()
        .next()
        .unwrap()
        .unwrap();
    assert_ne!(p2.prefix, p.prefix);
}

#[test]
fn lifetimes_follow_client_hints_within_bounds() {
    let st = state(
        r#"{"Dhcp6": {"valid-lifetime": 4000, "min-valid-lifetime": 2000, "max-valid-lifetime": 6000,
          "preferred-lifetime": 3000, "min-preferred-lifetime": 1000, "max-preferred-lifetime": 5000,
          "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
            "pools": [{"pool": "2001:db8:1::10-2001:db8:1::20"}]}]}}"#,
    );
    let mut q = query(MessageType6::REQUEST, &duid(1), true);
    let mut a = "::".parse::<Ipv6Addr>().unwrap().octets().to_vec();
    a.extend_from_slice(&9000u32.to_be_bytes());
    a.extend_from_slice(&100u32.to_be_bytes());
    q.options.push(code::IA_NA, &ia(1, &[(code::IAADDR, a)]));
    let (r, _) = reply(&st, &q);
    let got = first_ia(&r, code::IA_NA)
        .addresses()
        .next()
        .unwrap()
        .unwrap();
    // preferred 9000 → max 5000, valid 100 → min 2000; preferred never exceeds valid.
    assert_eq!((got.preferred, got.valid), (2000, 2000));
}

#[test]
fn client_fqdn_answered_as_kea_without_updates() {
    let st = state(BASIC);
    let mut q = query(MessageType6::REQUEST, &duid(3), true);
    q.options.push(code::IA_NA, &ia(1, &[]));
    q.options
        .push(code::CLIENT_FQDN, b"\x01\x06MyHost\x07example\x03com\x00");
    let (r, _) = reply(&st, &q);
    assert_eq!(
        r.options.get(code::CLIENT_FQDN).unwrap(),
        b"\x06\x06myhost\x07example\x03com\x00"
    );
    let l = st.leases.get("2001:db8:1::10".parse().unwrap()).unwrap();
    assert_eq!(&*l.hostname, "myhost.example.com.");
    // A partial name with no qualifying suffix becomes a root-qualified name.
    let mut q = query(MessageType6::REQUEST, &duid(4), true);
    q.options.push(code::IA_NA, &ia(1, &[]));
    q.options.push(code::CLIENT_FQDN, b"\x00\x06MyHost");
    let (r, _) = reply(&st, &q);
    assert_eq!(
        r.options.get(code::CLIENT_FQDN).unwrap(),
        b"\x04\x06myhost\x00"
    );
}

#[test]
fn relayed_from_the_servers_link_uses_the_interface() {
    // Link address unspecified: Kea ignores the interface-id and uses the interface.
    let st = state(BASIC);
    let mut q = query(MessageType6::SOLICIT, &duid(5), false);
    q.options.push(code::IA_NA, &ia(1, &[]));
    let mut ro = dhcp_packet::Options6::new();
    ro.push(code::INTERFACE_ID, b"port7");
    q.relays.push(RelayInfo {
        msg_type: MessageType6::RELAY_FORW,
        hop_count: 0,
        link_address: Ipv6Addr::UNSPECIFIED,
        peer_address: CLIENT_LL.parse().unwrap(),
        options: ro,
    });
    assert_eq!(
        select_subnet(&st.cfg, &q, &meta(), &ClassSet::default()),
        Some(0)
    );
    // An unknown interface-id with a global link address falls back to the address.
    q.relays[0].link_address = "2001:db8:2::77".parse().unwrap();
    q.relays[0].options = dhcp_packet::Options6::new();
    q.relays[0].options.push(code::INTERFACE_ID, b"nope");
    assert_eq!(
        select_subnet(&st.cfg, &q, &meta(), &ClassSet::default()),
        Some(1)
    );
    q.relays[0].link_address = "2001:db8:ff::1".parse().unwrap();
    q.relays[0].options = dhcp_packet::Options6::new();
    assert_eq!(
        select_subnet(&st.cfg, &q, &meta(), &ClassSet::default()),
        Some(2)
    );
}

/// Two subnets on the same interface: the first is guarded by a class whose test reads
/// the vendor class option; its members get the class's option too.
const CLASSIFIED: &str = r#"{"Dhcp6": {"preferred-lifetime": 3000, "valid-lifetime": 4000,
  "option-data": [{"name": "dns-servers", "data": "2001:db8::53"}],
  "client-classes": [
    {"name": "modems", "test": "vendor-class[4491].data == 'docsis3.0' and pkt6.msgtype == 1",
     "valid-lifetime": 1000, "preferred-lifetime": 500, "max-preferred-lifetime": 600,
     "option-data": [{"name": "dns-servers", "data": "2001:db8::cafe"},
                     {"name": "sntp-servers", "data": "2001:db8::123", "always-send": true}]},
    {"name": "phones", "test": "substring(option[1].hex, 0, 2) == 0x0003 and member('KNOWN')",
     "option-data": [{"name": "nis-servers", "data": "2001:db8::77", "always-send": true}]},
    {"name": "extra", "only-in-additional-list": true, "test": "member('ALL')",
     "option-data": [{"name": "nisp-servers", "data": "2001:db8::88", "always-send": true}]},
    {"name": "DROP", "test": "option[1].hex == 0x00030001020000000063"}],
  "subnet6": [
    {"id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0", "client-classes": ["modems"],
     "pools": [{"pool": "2001:db8:1::10-2001:db8:1::11"}]},
    {"id": 2, "subnet": "2001:db8:2::/64", "interface": "eth0",
     "evaluate-additional-classes": ["extra"],
     "pools": [{"pool": "2001:db8:2::10-2001:db8:2::11", "client-classes": ["phones"]},
               {"pool": "2001:db8:2::20-2001:db8:2::21"}],
     "reservations": [{"duid": "00:03:00:01:02:00:00:00:00:05"}]}]}}"#;

fn vendor_class(data: &[u8]) -> Vec<u8> {
    let mut v = vec![0, 0, 0x11, 0x8b];
    v.extend_from_slice(&(data.len() as u16).to_be_bytes());
    v.extend_from_slice(data);
    v
}

fn solicit_addr(st: &ServerState, q: &Pkt6) -> (Pkt6, Ipv6Addr) {
    let (r, _) = reply(st, q);
    let a = first_ia(&r, code::IA_NA)
        .addresses()
        .next()
        .unwrap()
        .unwrap();
    (r, a.addr)
}

#[test]
fn class_test_selects_the_subnet_and_adds_its_options() {
    let st = state(CLASSIFIED);
    let mut q = query(MessageType6::SOLICIT, &duid(1), false);
    q.options.push(code::IA_NA, &ia(1, &[]));
    q.options.push(code::ORO, &[0, 23]);
    q.options
        .push(code::VENDOR_CLASS, &vendor_class(b"docsis3.0"));
    let (r, a) = solicit_addr(&st, &q);
    assert_eq!(a, "2001:db8:1::10".parse::<Ipv6Addr>().unwrap());
    // The class's lifetimes win over the global ones.
    let got = first_ia(&r, code::IA_NA)
        .addresses()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!((got.preferred, got.valid), (500, 1000));
    // The class's dns-servers beats the global one; its always-send option is added.
    assert_eq!(
        r.options.get(23).unwrap(),
        &"2001:db8::cafe".parse::<Ipv6Addr>().unwrap().octets()[..]
    );
    assert!(r.options.get(31).is_some());
    // Subnet 2's additional class is not evaluated for subnet 1 clients.
    assert!(r.options.get(28).is_none());

    // Another vendor: the guarded subnet is skipped, the open one serves it, with the
    // global option and the additional class's option.
    let mut q = query(MessageType6::SOLICIT, &duid(2), false);
    q.options.push(code::IA_NA, &ia(1, &[]));
    q.options.push(code::ORO, &[0, 23]);
    q.options.push(code::VENDOR_CLASS, &vendor_class(b"other"));
    let (r, a) = solicit_addr(&st, &q);
    assert_eq!(a, "2001:db8:2::20".parse::<Ipv6Addr>().unwrap());
    let got = first_ia(&r, code::IA_NA)
        .addresses()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!((got.preferred, got.valid), (3000, 4000));
    assert_eq!(
        r.options.get(23).unwrap(),
        &"2001:db8::53".parse::<Ipv6Addr>().unwrap().octets()[..]
    );
    assert!(r.options.get(31).is_none());
    assert!(
        r.options.get(28).is_some(),
        "evaluate-additional-classes option"
    );
}

#[test]
fn known_dependent_class_guards_a_pool() {
    let st = state(CLASSIFIED);
    // A reserved DUID-EN... 0x0003 DUID-LL with a reservation: KNOWN, so "phones".
    let mut q = query(MessageType6::SOLICIT, &duid(5), false);
    q.options.push(code::IA_NA, &ia(1, &[]));
    let (r, a) = solicit_addr(&st, &q);
    assert_eq!(a, "2001:db8:2::10".parse::<Ipv6Addr>().unwrap());
    assert!(r.options.get(27).is_some(), "phones' nis-servers");
    // Same DUID type without a reservation: not a phone, the open pool.
    let mut q = query(MessageType6::SOLICIT, &duid(6), false);
    q.options.push(code::IA_NA, &ia(1, &[]));
    let (r, a) = solicit_addr(&st, &q);
    assert_eq!(a, "2001:db8:2::20".parse::<Ipv6Addr>().unwrap());
    assert!(r.options.get(27).is_none());
}

#[test]
fn drop_class_drops_and_no_tests_cost_nothing() {
    let st = state(CLASSIFIED);
    let mut q = query(MessageType6::SOLICIT, &duid(0x63), false);
    q.options.push(code::IA_NA, &ia(1, &[]));
    assert!(matches!(
        process(&st, &q, &meta(), 1_800_000_000),
        Outcome::Drop(Drop::DropClass { after_host: false })
    ));
    assert_eq!(st.stats.g(G::ReceiveDrop).get(), 1);
    let plain = state(BASIC);
    assert!(!plain.cfg.has_class_tests);
}

#[test]
fn template_class_spawns_per_value_and_brings_its_options() {
    let st = state(
        r#"{"Dhcp6": {"client-classes": [
            {"name": "by-type", "template-test": "substring(option[1].hex, 0, 2)",
             "option-data": [{"name": "nis-servers", "data": "2001:db8::77", "always-send": true}]},
            {"name": "SPAWN_by-type_\u0000\u0003",
             "option-data": [{"name": "nis-servers", "data": "2001:db8::78", "always-send": true}]}],
          "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
            "client-classes": ["by-type"],
            "pools": [{"pool": "2001:db8:1::10-2001:db8:1::20"}]}]}}"#,
    );
    let mut q = query(MessageType6::SOLICIT, &duid(1), false);
    q.options.push(code::IA_NA, &ia(1, &[]));
    let (r, _) = solicit_addr(&st, &q);
    // The spawned class is defined too: its option wins over the template's.
    assert_eq!(
        r.options.get(27).unwrap(),
        &"2001:db8::78".parse::<Ipv6Addr>().unwrap().octets()[..]
    );
    // A DUID of another type spawns another class: the template's option.
    let mut q = query(MessageType6::SOLICIT, &[0, 2, 0, 0, 0, 9, 1], false);
    q.options.push(code::IA_NA, &ia(1, &[]));
    let (r, _) = solicit_addr(&st, &q);
    assert_eq!(
        r.options.get(27).unwrap(),
        &"2001:db8::77".parse::<Ipv6Addr>().unwrap().octets()[..]
    );
}
