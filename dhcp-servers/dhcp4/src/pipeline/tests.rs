//! Pipeline tests with an in-memory lease store: one or more per message type.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use dhcp_lease::{LeaseState, Memfile4};
use dhcp_packet::v4::code;
use dhcp_packet::{MessageType4, Pkt4};

use super::*;
use crate::config::ServerConfig;

const NOW: i64 = 1_800_000_000;
const SRV: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);

fn state(text: &str) -> ServerState {
    let e = kea_config::parse_str(text, "t").unwrap();
    let cfg = Arc::new(ServerConfig::from_element(&e).unwrap());
    ServerState::new(
        cfg,
        Arc::new(Memfile4::in_memory()),
        Stats::new(),
        vec![SRV],
        Ports::default(),
        Arc::new(AtomicBool::new(false)),
    )
    .inspect(|st| st.stats.install_subnets(&st.subnet_stats))
    .unwrap()
}

const BASIC: &str = r#"{"Dhcp4": {
    "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
    "interfaces-config": {"interfaces": ["eth0"]},
    "option-data": [{"name": "domain-name-servers", "data": "192.0.2.53"},
                    {"name": "domain-name", "data": "global.example"}],
    "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                 "pools": [{"pool": "192.0.2.10 - 192.0.2.12",
                            "option-data": [{"name": "domain-name", "data": "pool.example"}]}],
                 "option-data": [{"name": "routers", "data": "192.0.2.1"},
                                 {"name": "ntp-servers", "data": "192.0.2.123", "always-send": true}],
                 "reservations": [{"hw-address": "0a:00:00:00:00:99", "ip-address": "192.0.2.50",
                                   "hostname": "special", "option-data": [{"name": "domain-name", "data": "host.example"}]}]
    }]
}}"#;

fn mac(n: u8) -> [u8; 6] {
    [0x0a, 0, 0, 0, 0, n]
}

fn query(t: MessageType4, n: u8) -> Pkt4 {
    let mut q = Pkt4::new(1, 0x1000 + u32::from(n));
    q.set_hwaddr(1, &mac(n)).unwrap();
    q.set_message_type(t);
    q
}

fn meta() -> RecvMeta {
    let mut m = RecvMeta::test("eth0", 2, SRV, Ipv4Addr::UNSPECIFIED);
    m.remote_mac = Some([0; 6]);
    m
}

fn run(st: &ServerState, q: &Pkt4) -> Outcome {
    process_at(st, q, &meta(), NOW).0
}

fn reply(st: &ServerState, q: &Pkt4) -> (Pkt4, SendMeta) {
    match run(st, q) {
        Outcome::Reply(p, m) => (p, m),
        other => panic!("expected a reply, got {other:?}"),
    }
}

fn dora(st: &ServerState, n: u8) -> Ipv4Addr {
    let (offer, _) = reply(st, &query(MessageType4::Discover, n));
    assert_eq!(offer.message_type(), Some(MessageType4::Offer));
    let mut req = query(MessageType4::Request, n);
    req.set_server_id(SRV);
    req.options
        .set(code::REQUESTED_ADDRESS, &offer.yiaddr.octets());
    let (ack, _) = reply(st, &req);
    assert_eq!(ack.message_type(), Some(MessageType4::Ack), "{ack:?}");
    assert_eq!(ack.yiaddr, offer.yiaddr);
    ack.yiaddr
}

#[test]
fn discover_offers_with_options_and_timers() {
    let st = state(BASIC);
    let mut q = query(MessageType4::Discover, 1);
    q.options.set(code::PARAMETER_REQUEST_LIST, &[1, 3, 6, 15]);
    let (offer, dest) = reply(&st, &q);
    assert_eq!(offer.message_type(), Some(MessageType4::Offer));
    assert_eq!(offer.yiaddr, Ipv4Addr::new(192, 0, 2, 10));
    assert_eq!(offer.server_id(), Some(SRV));
    assert_eq!(offer.lease_time(), Some(4000));
    assert_eq!(offer.u32_option(code::RENEWAL_TIME), Some(1000));
    assert_eq!(offer.u32_option(code::REBINDING_TIME), Some(2000));
    assert_eq!(
        offer.options.get(code::SUBNET_MASK),
        Some(&[255, 255, 255, 0][..])
    );
    assert_eq!(offer.options.get(code::ROUTERS), Some(&[192, 0, 2, 1][..]));
    assert_eq!(
        offer.options.get(code::DOMAIN_NAME_SERVERS),
        Some(&[192, 0, 2, 53][..])
    );
    // Pool beats global.
    assert_eq!(
        offer.options.get(code::DOMAIN_NAME),
        Some(&b"pool.example"[..])
    );
    // always-send without being requested.
    assert_eq!(offer.options.get(42), Some(&[192, 0, 2, 123][..]));
    // Raw socket, no broadcast flag: unicast to chaddr.
    assert_eq!(dest.dst_addr, Ipv4Addr::new(192, 0, 2, 10));
    assert_eq!(dest.dst_mac, Some(mac(1)));
    // Discover allocates nothing.
    assert!(st.leases.is_empty());
    assert_eq!(st.stats.value("pkt4-offer-sent"), Some(1));
    assert_eq!(st.stats.value("pkt4-discover-received"), Some(1));
}

#[test]
fn request_selecting_allocates_and_counts() {
    let st = state(BASIC);
    let a = dora(&st, 1);
    let l = st.leases.get(a).unwrap();
    assert_eq!(l.hw_bytes(), &mac(1));
    assert_eq!(l.valid_lifetime, 4000);
    assert_eq!(l.cltt, NOW);
    assert_eq!(st.stats.value("subnet[1].assigned-addresses"), Some(1));
    assert_eq!(st.stats.value("subnet[1].total-addresses"), Some(3));
    assert_eq!(st.stats.value("cumulative-assigned-addresses"), Some(1));
    assert_eq!(st.stats.value("pkt4-ack-sent"), Some(1));
    // Second client gets another address; the same client gets its lease again.
    let b = dora(&st, 2);
    assert_ne!(a, b);
    let (offer, _) = reply(&st, &query(MessageType4::Discover, 1));
    assert_eq!(offer.yiaddr, a);
}

#[test]
fn pool_exhaustion_drops_discover() {
    let st = state(BASIC);
    for n in 1..=3 {
        dora(&st, n);
    }
    match run(&st, &query(MessageType4::Discover, 4)) {
        Outcome::Drop(Drop::AllocFailed) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(st.stats.value("v4-allocation-fail"), Some(1));
    assert_eq!(st.stats.value("pkt4-receive-drop"), Some(1));
}

#[test]
fn request_for_address_of_another_client_is_naked() {
    let st = state(BASIC);
    let a = dora(&st, 1);
    let mut req = query(MessageType4::Request, 2);
    req.set_server_id(SRV);
    req.options.set(code::REQUESTED_ADDRESS, &a.octets());
    let (nak, dest) = reply(&st, &req);
    assert_eq!(nak.message_type(), Some(MessageType4::Nak));
    assert_eq!(nak.yiaddr, Ipv4Addr::UNSPECIFIED);
    assert!(nak.lease_time().is_none());
    assert_eq!(dest.dst_addr, Ipv4Addr::BROADCAST);
    assert_eq!(st.stats.value("pkt4-nak-sent"), Some(1));
    // Outside the subnet.
    req.options.set(code::REQUESTED_ADDRESS, &[10, 0, 0, 1]);
    assert_eq!(reply(&st, &req).0.message_type(), Some(MessageType4::Nak));
}

#[test]
fn renew_and_rebind_extend_lease() {
    let mut text = BASIC.replace(
        "\"valid-lifetime\": 4000",
        "\"valid-lifetime\": 4000, \"cache-threshold\": 0.0",
    );
    text.push(' ');
    let st = state(&text);
    let a = dora(&st, 1);
    let mut renew = query(MessageType4::Request, 1);
    renew.ciaddr = a;
    let mut m = meta();
    m.local_addr = SRV;
    m.remote_addr = a;
    let (ack, dest) = match process_at(&st, &renew, &m, NOW + 100).0 {
        Outcome::Reply(p, d) => (p, d),
        o => panic!("{o:?}"),
    };
    assert_eq!(ack.message_type(), Some(MessageType4::Ack));
    assert_eq!(ack.yiaddr, a);
    assert_eq!(dest.dst_addr, a);
    assert_eq!(st.leases.get(a).unwrap().cltt, NOW + 100);
    assert_eq!(st.stats.value("subnet[1].assigned-addresses"), Some(1));
}

#[test]
fn lease_cache_reuses_young_lease() {
    let st = state(BASIC); // cache-threshold defaults to 0.25
    let a = dora(&st, 1);
    let mut renew = query(MessageType4::Request, 1);
    renew.ciaddr = a;
    let (ack, _) = match process_at(&st, &renew, &meta(), NOW + 100).0 {
        Outcome::Reply(p, d) => (p, d),
        o => panic!("{o:?}"),
    };
    assert_eq!(ack.lease_time(), Some(3900));
    assert_eq!(st.leases.get(a).unwrap().cltt, NOW);
    assert_eq!(st.stats.value("v4-lease-reuses"), Some(1));
}

#[test]
fn init_reboot_rules() {
    let st = state(BASIC);
    // Unknown client, not authoritative: silence.
    let mut q = query(MessageType4::Request, 7);
    q.options.set(code::REQUESTED_ADDRESS, &[192, 0, 2, 11]);
    assert!(matches!(
        run(&st, &q),
        Outcome::Drop(Drop::InitRebootUnknown)
    ));
    // Known client asking for another address: NAK.
    let a = dora(&st, 7);
    let other = if a == Ipv4Addr::new(192, 0, 2, 11) {
        [192, 0, 2, 12]
    } else {
        [192, 0, 2, 11]
    };
    q.options.set(code::REQUESTED_ADDRESS, &other);
    assert_eq!(reply(&st, &q).0.message_type(), Some(MessageType4::Nak));
    // Its own address: ACK.
    q.options.set(code::REQUESTED_ADDRESS, &a.octets());
    assert_eq!(reply(&st, &q).0.message_type(), Some(MessageType4::Ack));
    // Authoritative: unknown client gets a NAK.
    let st = state(&BASIC.replace(
        "\"valid-lifetime\": 4000",
        "\"valid-lifetime\": 4000, \"authoritative\": true",
    ));
    let mut q = query(MessageType4::Request, 8);
    q.options.set(code::REQUESTED_ADDRESS, &[192, 0, 2, 11]);
    assert_eq!(reply(&st, &q).0.message_type(), Some(MessageType4::Nak));
}

#[test]
fn release_deletes_only_own_lease() {
    let st = state(BASIC);
    let a = dora(&st, 1);
    let mut rel = query(MessageType4::Release, 2);
    rel.ciaddr = a;
    rel.set_server_id(SRV);
    assert!(matches!(run(&st, &rel), Outcome::Done));
    assert!(
        st.leases.get(a).is_some(),
        "another client cannot release it"
    );
    let mut rel = query(MessageType4::Release, 1);
    rel.ciaddr = a;
    rel.set_server_id(SRV);
    assert!(matches!(run(&st, &rel), Outcome::Done));
    assert!(st.leases.get(a).is_none());
    assert_eq!(st.stats.value("subnet[1].assigned-addresses"), Some(0));
    assert_eq!(st.stats.value("pkt4-release-received"), Some(2));
    // Without server id: dropped (RFC 2131 MUST).
    let mut rel = query(MessageType4::Release, 1);
    rel.ciaddr = a;
    assert!(matches!(run(&st, &rel), Outcome::Drop(Drop::Rfc(_))));
}

#[test]
fn decline_puts_address_on_probation() {
    let st = state(BASIC);
    let a = dora(&st, 1);
    let mut dec = query(MessageType4::Decline, 1);
    dec.set_server_id(SRV);
    dec.options.set(code::REQUESTED_ADDRESS, &a.octets());
    assert!(matches!(run(&st, &dec), Outcome::Done));
    let l = st.leases.get(a).unwrap();
    assert_eq!(l.state, LeaseState::DECLINED);
    assert_eq!(l.valid_lifetime, 86400);
    assert!(l.hw_address.is_none());
    assert_eq!(st.stats.value("declined-addresses"), Some(1));
    assert_eq!(st.stats.value("subnet[1].declined-addresses"), Some(1));
    // The declined address is not offered again while on probation.
    let (offer, _) = reply(&st, &query(MessageType4::Discover, 1));
    assert_ne!(offer.yiaddr, a);
}

#[test]
fn inform_gets_options_without_lease() {
    let st = state(BASIC);
    let mut q = query(MessageType4::Inform, 3);
    q.ciaddr = Ipv4Addr::new(192, 0, 2, 77);
    q.options.set(code::PARAMETER_REQUEST_LIST, &[3, 15]);
    let mut m = meta();
    m.local_addr = SRV;
    m.remote_addr = q.ciaddr;
    let (ack, dest) = match process_at(&st, &q, &m, NOW).0 {
        Outcome::Reply(p, d) => (p, d),
        o => panic!("{o:?}"),
    };
    assert_eq!(ack.message_type(), Some(MessageType4::Ack));
    assert_eq!(ack.yiaddr, Ipv4Addr::UNSPECIFIED);
    assert_eq!(ack.ciaddr, q.ciaddr);
    assert!(ack.lease_time().is_none());
    assert_eq!(ack.options.get(code::ROUTERS), Some(&[192, 0, 2, 1][..]));
    assert_eq!(
        ack.options.get(code::DOMAIN_NAME),
        Some(&b"global.example"[..])
    );
    assert_eq!(dest.dst_addr, q.ciaddr);
    assert!(st.leases.is_empty());
}

#[test]
fn reservation_wins_with_host_options() {
    let st = state(BASIC);
    let mut q = query(MessageType4::Discover, 0x99);
    q.options.set(code::PARAMETER_REQUEST_LIST, &[12, 15]);
    let (offer, _) = reply(&st, &q);
    assert_eq!(offer.yiaddr, Ipv4Addr::new(192, 0, 2, 50));
    assert_eq!(
        offer.options.get(code::DOMAIN_NAME),
        Some(&b"host.example"[..])
    );
    assert_eq!(offer.options.get(code::HOST_NAME), Some(&b"special"[..]));
    // Another client may not request the reserved address.
    let mut req = query(MessageType4::Request, 5);
    req.set_server_id(SRV);
    req.options.set(code::REQUESTED_ADDRESS, &[192, 0, 2, 50]);
    assert_eq!(reply(&st, &req).0.message_type(), Some(MessageType4::Nak));
}

#[test]
fn sanity_and_server_id_checks() {
    let st = state(BASIC);
    let mut q = query(MessageType4::Discover, 1);
    q.set_server_id(SRV);
    assert!(matches!(run(&st, &q), Outcome::Drop(Drop::Rfc(_))));
    let mut q = query(MessageType4::Request, 1);
    q.set_server_id(Ipv4Addr::new(203, 0, 113, 9));
    q.options.set(code::REQUESTED_ADDRESS, &[192, 0, 2, 10]);
    assert!(matches!(run(&st, &q), Outcome::Drop(Drop::ForeignServerId)));
    let q = query(MessageType4::Offer, 1);
    assert!(matches!(run(&st, &q), Outcome::Drop(Drop::Unsupported(_))));
    assert_eq!(st.stats.value("pkt4-offer-received"), Some(1));
    let mut q = query(MessageType4::Discover, 1);
    q.options.remove(code::MESSAGE_TYPE);
    assert!(matches!(run(&st, &q), Outcome::Drop(Drop::Bootp)));
    let mut q = query(MessageType4::Discover, 1);
    q.set_hwaddr(1, &[]).unwrap();
    assert!(matches!(run(&st, &q), Outcome::Drop(Drop::Rfc(_))));
    let q = query(MessageType4::Other(99), 1);
    assert!(matches!(run(&st, &q), Outcome::Drop(Drop::UnknownType(99))));
    st.disabled
        .store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(matches!(
        run(&st, &query(MessageType4::Discover, 1)),
        Outcome::Drop(Drop::Disabled)
    ));
}

#[test]
fn relayed_query_uses_relay_subnet_and_answers_relay() {
    let st = state(
        r#"{"Dhcp4": {"subnet4": [
        {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}]},
        {"id": 2, "subnet": "10.0.0.0/24", "pools": [{"pool": "10.0.0.10 - 10.0.0.20"}],
         "relay": {"ip-addresses": ["192.0.2.2"]}}]}}"#,
    );
    let mut q = query(MessageType4::Discover, 1);
    q.giaddr = Ipv4Addr::new(192, 0, 2, 2);
    q.options
        .set(code::RELAY_AGENT_INFO, &[1, 3, b'a', b'b', b'c']);
    let (offer, dest) = reply(&st, &q);
    assert_eq!(offer.yiaddr, Ipv4Addr::new(10, 0, 0, 10));
    assert_eq!(offer.giaddr, q.giaddr);
    assert_eq!(
        offer.options.get(code::RELAY_AGENT_INFO),
        Some(&[1, 3, b'a', b'b', b'c'][..])
    );
    assert_eq!((dest.dst_addr, dest.dst_port), (q.giaddr, 67));
}

#[test]
fn client_id_matching() {
    let st = state(BASIC);
    let mut q = query(MessageType4::Discover, 1);
    q.options.set(code::CLIENT_ID, &[1, 2, 3]);
    let (offer, _) = reply(&st, &q);
    assert_eq!(offer.client_id(), Some(&[1, 2, 3][..]));
    let mut req = query(MessageType4::Request, 1);
    req.options.set(code::CLIENT_ID, &[1, 2, 3]);
    req.set_server_id(SRV);
    req.options
        .set(code::REQUESTED_ADDRESS, &offer.yiaddr.octets());
    let (ack, _) = reply(&st, &req);
    assert_eq!(ack.message_type(), Some(MessageType4::Ack));
    // Same client-id, new MAC (card replaced): same lease.
    let mut q2 = query(MessageType4::Discover, 2);
    q2.options.set(code::CLIENT_ID, &[1, 2, 3]);
    assert_eq!(reply(&st, &q2).0.yiaddr, offer.yiaddr);
    // Same MAC, other client-id: a different client.
    let mut q3 = query(MessageType4::Discover, 1);
    q3.options.set(code::CLIENT_ID, &[9, 9]);
    assert_ne!(reply(&st, &q3).0.yiaddr, offer.yiaddr);
}

#[test]
fn classes_select_subnet_pool_and_options() {
    let st = state(
        r#"{"Dhcp4": {
        "client-classes": [
            {"name": "phones", "test": "substring(option[60].hex,0,5) == 'phone'",
             "option-data": [{"name": "tftp-server-name", "data": "tftp.phones"}]},
            {"name": "known-gold", "test": "member('KNOWN')",
             "option-data": [{"name": "domain-name", "data": "gold.example"}]}
        ],
        "option-data": [{"name": "domain-name", "data": "global.example"}],
        "subnet4": [
            {"id": 1, "subnet": "192.0.2.0/24", "client-classes": ["phones"],
             "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}]},
            {"id": 2, "subnet": "198.51.100.0/24",
             "pools": [{"pool": "198.51.100.10 - 198.51.100.20"}],
             "reservations": [{"hw-address": "0a:00:00:00:00:05", "hostname": "five"}]}
        ],
        "shared-networks": []
    }}"#,
    );
    // Subnet 1 is on the interface, but only phones may use it.
    let mut phone = query(MessageType4::Discover, 1);
    phone.options.set(code::VENDOR_CLASS_ID, b"phone-x1");
    phone.options.set(code::PARAMETER_REQUEST_LIST, &[66, 15]);
    let (offer, _) = reply(&st, &phone);
    assert_eq!(offer.yiaddr, Ipv4Addr::new(192, 0, 2, 10));
    assert_eq!(offer.options.get(66), Some(&b"tftp.phones"[..]));
    assert_eq!(offer.options.get(15), Some(&b"global.example"[..]));
    // A non-phone on the same link finds no subnet.
    assert!(matches!(
        run(&st, &query(MessageType4::Discover, 2)),
        Outcome::Drop(Drop::NoSubnet)
    ));
    // KNOWN-dependent class evaluated after the reservation lookup (subnet 2 via relay).
    let mut known = query(MessageType4::Discover, 5);
    known.giaddr = Ipv4Addr::new(198, 51, 100, 1);
    known.options.set(code::PARAMETER_REQUEST_LIST, &[15]);
    let (offer, _) = reply(&st, &known);
    assert_eq!(offer.options.get(15), Some(&b"gold.example"[..]));
    let mut unknown = query(MessageType4::Discover, 6);
    unknown.giaddr = Ipv4Addr::new(198, 51, 100, 1);
    unknown.options.set(code::PARAMETER_REQUEST_LIST, &[15]);
    assert_eq!(
        reply(&st, &unknown).0.options.get(15),
        Some(&b"global.example"[..])
    );
}

#[test]
fn shared_network_spills_into_next_subnet() {
    let st = state(
        r#"{"Dhcp4": {"shared-networks": [{"name": "net", "relay": {"ip-addresses": ["10.9.9.9"]},
            "option-data": [{"name": "domain-name", "data": "net.example"}],
            "subnet4": [
              {"id": 1, "subnet": "10.0.0.0/24", "pools": [{"pool": "10.0.0.10 - 10.0.0.10"}]},
              {"id": 2, "subnet": "10.0.1.0/24", "pools": [{"pool": "10.0.1.10 - 10.0.1.10"}]}]}]}}"#,
    );
    let mut got = Vec::new();
    for n in 1..=3u8 {
        let mut d = query(MessageType4::Discover, n);
        d.giaddr = Ipv4Addr::new(10, 9, 9, 9);
        d.options.set(code::PARAMETER_REQUEST_LIST, &[15]);
        match run(&st, &d) {
            Outcome::Reply(offer, _) => {
                assert_eq!(offer.options.get(15), Some(&b"net.example"[..]));
                let mut r = query(MessageType4::Request, n);
                r.giaddr = d.giaddr;
                r.set_server_id(SRV);
                r.options
                    .set(code::REQUESTED_ADDRESS, &offer.yiaddr.octets());
                let (ack, _) = reply(&st, &r);
                assert_eq!(ack.message_type(), Some(MessageType4::Ack));
                got.push(ack.yiaddr);
            }
            Outcome::Drop(Drop::AllocFailed) => {}
            o => panic!("{o:?}"),
        }
    }
    assert_eq!(
        got,
        vec![Ipv4Addr::new(10, 0, 0, 10), Ipv4Addr::new(10, 0, 1, 10)]
    );
    assert_eq!(st.stats.value("subnet[2].assigned-addresses"), Some(1));
    assert_eq!(st.stats.value("v4-allocation-fail-shared-network"), Some(1));
}

#[test]
fn flq_allocator_tracks_free_addresses() {
    let st = state(
        r#"{"Dhcp4": {"allocator": "flq", "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
            "pools": [{"pool": "192.0.2.10 - 192.0.2.11"}]}]}}"#,
    );
    let a = dora(&st, 1);
    let b = dora(&st, 2);
    assert_ne!(a, b);
    assert!(matches!(
        run(&st, &query(MessageType4::Discover, 3)),
        Outcome::Drop(Drop::AllocFailed)
    ));
    let mut rel = query(MessageType4::Release, 1);
    rel.ciaddr = a;
    rel.set_server_id(SRV);
    assert!(matches!(run(&st, &rel), Outcome::Done));
    assert_eq!(reply(&st, &query(MessageType4::Discover, 3)).0.yiaddr, a);
}

#[test]
fn lifetime_hint_is_clamped() {
    let st = state(
        r#"{"Dhcp4": {"valid-lifetime": 1000, "min-valid-lifetime": 500, "max-valid-lifetime": 2000,
            "calculate-tee-times": true,
            "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}]}]}}"#,
    );
    let mut q = query(MessageType4::Discover, 1);
    q.set_lease_time(10);
    let (o, _) = reply(&st, &q);
    assert_eq!(o.lease_time(), Some(500));
    assert_eq!(o.u32_option(code::RENEWAL_TIME), Some(250));
    assert_eq!(o.u32_option(code::REBINDING_TIME), Some(438));
    q.set_lease_time(99999);
    assert_eq!(reply(&st, &q).0.lease_time(), Some(2000));
}

#[test]
fn offer_lifetime_holds_the_address() {
    let st = state(
        r#"{"Dhcp4": {"offer-lifetime": 60, "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
            "pools": [{"pool": "192.0.2.10 - 192.0.2.11"}]}]}}"#,
    );
    let (o1, _) = reply(&st, &query(MessageType4::Discover, 1));
    let held = st.leases.get(o1.yiaddr).unwrap();
    assert_eq!(held.valid_lifetime, 60);
    assert_eq!(st.stats.value("subnet[1].assigned-addresses"), Some(1));
    // Another client is offered the other address.
    let (o2, _) = reply(&st, &query(MessageType4::Discover, 2));
    assert_ne!(o1.yiaddr, o2.yiaddr);
    // The request turns the held lease into a real one without counting it twice.
    let mut req = query(MessageType4::Request, 1);
    req.set_server_id(SRV);
    req.options
        .set(code::REQUESTED_ADDRESS, &o1.yiaddr.octets());
    assert_eq!(reply(&st, &req).0.message_type(), Some(MessageType4::Ack));
    assert_eq!(st.leases.get(o1.yiaddr).unwrap().valid_lifetime, 7200);
    assert_eq!(st.stats.value("subnet[1].assigned-addresses"), Some(2));
}

#[test]
fn additional_classes_and_drop_class() {
    let st = state(
        r#"{"Dhcp4": {
        "client-classes": [
            {"name": "DROP", "test": "option[60].text == 'evil'"},
            {"name": "late", "only-if-required": true, "test": "option[60].exists",
             "option-data": [{"name": "domain-name", "data": "late.example"}]},
            {"name": "always", "only-if-required": true,
             "option-data": [{"name": "ntp-servers", "data": "192.0.2.5"}]}
        ],
        "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "require-client-classes": ["late"],
                     "pools": [{"pool": "192.0.2.10 - 192.0.2.20", "require-client-classes": ["always"]}]}]
    }}"#,
    );
    let mut q = query(MessageType4::Discover, 1);
    q.options.set(code::VENDOR_CLASS_ID, b"good");
    q.options.set(code::PARAMETER_REQUEST_LIST, &[15, 42]);
    let (o, _) = reply(&st, &q);
    assert_eq!(o.options.get(15), Some(&b"late.example"[..]));
    assert_eq!(o.options.get(42), Some(&[192, 0, 2, 5][..]));
    let mut plain = query(MessageType4::Discover, 2);
    plain.options.set(code::PARAMETER_REQUEST_LIST, &[15, 42]);
    let (o, _) = reply(&st, &plain);
    assert!(o.options.get(15).is_none());
    assert!(o.options.get(42).is_some());
    q.options.set(code::VENDOR_CLASS_ID, b"evil");
    assert!(matches!(run(&st, &q), Outcome::Drop(Drop::DropClass)));
}

#[test]
fn pool_statistics_follow_leases() {
    let st = state(
        r#"{"Dhcp4": {"subnet4": [{"id": 3, "subnet": "192.0.2.0/24",
            "pools": [{"pool": "192.0.2.10 - 192.0.2.10"}, {"pool": "192.0.2.20 - 192.0.2.29"}]}]}}"#,
    );
    assert_eq!(st.stats.value("subnet[3].pool[0].total-addresses"), Some(1));
    assert_eq!(
        st.stats.value("subnet[3].pool[1].total-addresses"),
        Some(10)
    );
    let a = dora(&st, 1);
    let b = dora(&st, 2);
    assert_eq!(
        (a, b),
        (Ipv4Addr::new(192, 0, 2, 10), Ipv4Addr::new(192, 0, 2, 20))
    );
    assert_eq!(
        st.stats.value("subnet[3].pool[0].assigned-addresses"),
        Some(1)
    );
    assert_eq!(
        st.stats
            .value("subnet[3].pool[1].cumulative-assigned-addresses"),
        Some(1)
    );
    let mut dec = query(MessageType4::Decline, 2);
    dec.set_server_id(SRV);
    dec.options.set(code::REQUESTED_ADDRESS, &b.octets());
    assert!(matches!(run(&st, &dec), Outcome::Done));
    assert_eq!(
        st.stats.value("subnet[3].pool[1].declined-addresses"),
        Some(1)
    );
    assert!(
        st.stats
            .get_all()
            .get("subnet[3].pool[1].reclaimed-leases")
            .is_some()
    );
    // Exhaust: both pools used (one address declined), the third client fails in the subnet.
    for n in 3..=11 {
        dora(&st, n);
    }
    assert!(matches!(
        run(&st, &query(MessageType4::Discover, 12)),
        Outcome::Drop(Drop::AllocFailed)
    ));
    assert_eq!(
        st.stats.value("subnet[3].v4-allocation-fail-subnet"),
        Some(1)
    );
    assert_eq!(st.stats.value("v4-allocation-fail-subnet"), Some(1));
}

#[test]
fn compatibility_flags() {
    let st = state(
        r#"{"Dhcp4": {"compatibility": {"exclude-first-last-24": true, "ignore-dhcp-server-identifier": true},
            "subnet4": [{"id": 1, "subnet": "10.0.0.0/16", "pools": [{"pool": "10.0.0.255 - 10.0.1.1"}]}],
            "shared-networks": []}}"#,
    );
    let mut d = query(MessageType4::Discover, 1);
    d.giaddr = Ipv4Addr::new(10, 0, 0, 1);
    let (o, _) = reply(&st, &d);
    assert_eq!(
        o.yiaddr,
        Ipv4Addr::new(10, 0, 1, 1),
        "x.x.0.255 and x.x.1.0 are skipped"
    );
    let mut r = query(MessageType4::Request, 1);
    r.giaddr = d.giaddr;
    r.set_server_id(Ipv4Addr::new(203, 0, 113, 1)); // foreign, but ignored
    r.options.set(code::REQUESTED_ADDRESS, &o.yiaddr.octets());
    assert_eq!(reply(&st, &r).0.message_type(), Some(MessageType4::Ack));
}

#[test]
fn extended_info_is_stored() {
    let st = state(
        r#"{"Dhcp4": {"store-extended-info": true, "subnet4": [{"id": 1, "subnet": "10.0.0.0/24",
            "pools": [{"pool": "10.0.0.10 - 10.0.0.20"}]}]}}"#,
    );
    let mut d = query(MessageType4::Discover, 1);
    d.giaddr = Ipv4Addr::new(10, 0, 0, 1);
    d.options
        .set(code::RELAY_AGENT_INFO, &[1, 2, 0xab, 0xcd, 2, 1, 0x07]);
    let (o, _) = reply(&st, &d);
    let mut r = query(MessageType4::Request, 1);
    r.giaddr = d.giaddr;
    r.options
        .set(code::RELAY_AGENT_INFO, &[1, 2, 0xab, 0xcd, 2, 1, 0x07]);
    r.set_server_id(SRV);
    r.options.set(code::REQUESTED_ADDRESS, &o.yiaddr.octets());
    assert_eq!(reply(&st, &r).0.message_type(), Some(MessageType4::Ack));
    let uc = st
        .leases
        .get(o.yiaddr)
        .unwrap()
        .user_context
        .clone()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&uc).unwrap();
    assert_eq!(
        v["ISC"]["relay-agent-info"]["sub-options"],
        "0102ABCD020107"
    );
    assert_eq!(v["ISC"]["relay-agent-info"]["remote-id"], "07");
}

#[test]
fn client_names_like_kea_without_ddns() {
    let st = state(
        r#"{"Dhcp4": {"subnet4": [{"id": 1, "subnet": "10.0.0.0/24", "pools": [{"pool": "10.0.0.12 - 10.0.0.20"}],
            "reservations": [{"hw-address": "0a:00:00:00:00:07", "hostname": "Fixed"}]},
            {"id": 2, "subnet": "10.0.1.0/24", "ddns-qualifying-suffix": "example.org", "ddns-replace-client-name": "when-not-present",
             "pools": [{"pool": "10.0.1.10 - 10.0.1.20"}]}]}}"#,
    );
    let relayed = |n: u8, g: [u8; 4]| {
        let mut d = query(MessageType4::Discover, n);
        d.giaddr = Ipv4Addr::from(g);
        d
    };
    // Hostname echoed (sanitized, lower-case) and stored.
    let mut d = relayed(1, [10, 0, 0, 1]);
    d.options.set(code::HOST_NAME, b"My_Host");
    let (o, _) = reply(&st, &d);
    assert_eq!(o.options.get(code::HOST_NAME), Some(&b"myhost"[..]));
    let mut r = relayed(1, [10, 0, 0, 1]);
    r.set_message_type(MessageType4::Request);
    r.options.set(code::HOST_NAME, b"My_Host");
    r.set_server_id(SRV);
    r.options.set(code::REQUESTED_ADDRESS, &o.yiaddr.octets());
    assert_eq!(
        reply(&st, &r).0.options.get(code::HOST_NAME),
        Some(&b"myhost"[..])
    );
    assert_eq!(&*st.leases.get(o.yiaddr).unwrap().hostname, "myhost");
    // Empty FQDN with S: generated name, N and O set, E kept.
    let mut d = relayed(2, [10, 0, 0, 1]);
    d.options.set(code::CLIENT_FQDN, &[0x05, 0, 0]);
    let (o, _) = reply(&st, &d);
    let f = dhcp_packet::ClientFqdn::decode(o.options.get(code::CLIENT_FQDN).unwrap()).unwrap();
    assert_eq!(f.flags, 0x08 | 0x02 | 0x04);
    assert_eq!(
        f.name,
        format!("myhost-{}", o.yiaddr.to_string().replace('.', "-"))
    );
    // Reservation hostname wins.
    let mut d = relayed(7, [10, 0, 0, 1]);
    d.options.set(code::HOST_NAME, b"whatever");
    assert_eq!(
        reply(&st, &d).0.options.get(code::HOST_NAME),
        Some(&b"fixed"[..])
    );
    // Partial name qualified with the suffix; generated when absent but asked for.
    let mut d = relayed(3, [10, 0, 1, 1]);
    d.options.set(code::HOST_NAME, b"pc");
    assert_eq!(
        reply(&st, &d).0.options.get(code::HOST_NAME),
        Some(&b"pc.example.org"[..])
    );
    let mut d = relayed(4, [10, 0, 1, 1]);
    d.options.set(code::PARAMETER_REQUEST_LIST, &[12]);
    let (o, _) = reply(&st, &d);
    let want = format!(
        "myhost-{}.example.org",
        o.yiaddr.to_string().replace('.', "-")
    );
    assert_eq!(o.options.get(code::HOST_NAME), Some(want.as_bytes()));
}

/// Mutated queries of every kind never panic the pipeline (bounded: 20,000 cases).
#[test]
fn mutated_queries_never_panic() {
    let st = state(BASIC);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let kinds = [
        MessageType4::Discover,
        MessageType4::Request,
        MessageType4::Release,
        MessageType4::Decline,
        MessageType4::Inform,
    ];
    let mut decoded = 0;
    for i in 0..20_000u32 {
        let mut q = query(kinds[(i % 5) as usize], (i % 7) as u8);
        q.options
            .set(code::REQUESTED_ADDRESS, &[192, 0, 2, 10 + (i % 5) as u8]);
        if i % 3 == 0 {
            q.set_server_id(SRV);
        }
        q.options
            .set(code::RELAY_AGENT_INFO, &[1, 2, 3, 4, 5, 4, 192, 0, 2, 9]);
        q.options
            .set(code::CLIENT_FQDN, &[5, 0, 0, 3, b'a', b'b', b'c', 0]);
        let mut bytes = q.to_bytes();
        for _ in 0..(next() % 6) {
            let pos = (next() as usize) % bytes.len();
            bytes[pos] = next() as u8;
        }
        if let Ok(p) = Pkt4::decode(&bytes) {
            decoded += 1;
            let _ = process_at(&st, &p, &meta(), NOW + i64::from(i));
        }
    }
    assert!(decoded > 10_000, "most mutations still decode ({decoded})");
}

#[test]
fn class_options_follow_the_order_the_packet_joined_the_classes() {
    // "late" is defined first but evaluated after the reservation lookup (it reads
    // KNOWN); "early" joins first, so its domain-name wins, as in Kea.
    let st = state(
        r#"{"Dhcp4": {
        "client-classes": [
            {"name": "late", "test": "member('KNOWN') or member('UNKNOWN')",
             "option-data": [{"name": "domain-name", "data": "late.example"}]},
            {"name": "early", "test": "option[60].exists",
             "option-data": [{"name": "domain-name", "data": "early.example"}]}
        ],
        "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}]}]
    }}"#,
    );
    let mut q = query(MessageType4::Discover, 1);
    q.options.set(code::PARAMETER_REQUEST_LIST, &[15]);
    assert_eq!(reply(&st, &q).0.options.get(15), Some(&b"late.example"[..]));
    q.options.set(code::VENDOR_CLASS_ID, b"x");
    assert_eq!(
        reply(&st, &q).0.options.get(15),
        Some(&b"early.example"[..])
    );
}

#[test]
fn drop_class_reading_known_drops_after_the_reservation_lookup() {
    let st = state(
        r#"{"Dhcp4": {
        "client-classes": [{"name": "DROP", "test": "not member('KNOWN')"}],
        "subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}],
                     "reservations": [{"hw-address": "0a:00:00:00:00:05", "hostname": "five"}]}]
    }}"#,
    );
    assert!(matches!(
        run(&st, &query(MessageType4::Discover, 1)),
        Outcome::Drop(Drop::DropClassAfterHost)
    ));
    assert_eq!(
        reply(&st, &query(MessageType4::Discover, 5)).0.yiaddr,
        Ipv4Addr::new(192, 0, 2, 10)
    );
}
