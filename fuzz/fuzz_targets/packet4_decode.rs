//! Pkt4::decode must never panic; whatever decodes must encode, decode again, and
//! encode to the same bytes.
#![no_main]

use dhcp_packet::Pkt4;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(pkt) = Pkt4::decode(data) else { return };
    // The typed helpers parse option contents: they must not panic either.
    let _ = (pkt.message_type(), pkt.requested_ip(), pkt.server_id(), pkt.lease_time());
    let _ = (pkt.relay_agent_info().map(|r| r.map(|s| s.iter().count())), pkt.client_fqdn());
    let mut first = Vec::new();
    pkt.encode(&mut first);
    let again = match Pkt4::decode(&first) {
        Ok(p) => p,
        Err(e) => panic!("our own encoding does not decode: {e}"),
    };
    let mut second = Vec::new();
    again.encode(&mut second);
    assert_eq!(first, second, "encoding is not stable across a round trip");
});
