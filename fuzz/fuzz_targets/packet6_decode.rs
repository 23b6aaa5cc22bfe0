//! Pkt6::decode must never panic; whatever decodes must encode, decode again to the
//! same packet, and encode to the same bytes.
#![no_main]

use dhcp_packet::Pkt6;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(pkt) = Pkt6::decode(data) else { return };
    // Nested structures decode on demand: they must not panic either.
    for ia in pkt.ia_nas().chain(pkt.ia_pds()).flatten() {
        for p in ia.prefixes().flatten() {
            let _ = p.pd_exclude();
        }
        let _ = (ia.addresses().count(), ia.status_code());
    }
    let _ = (pkt.client_fqdn(), pkt.status_code(), pkt.vendor_opts().count(), pkt.vendor_classes().count());
    let _ = pkt.client_id().map(dhcp_packet::Duid::decode);
    let first = match pkt.to_bytes() {
        Ok(b) => b,
        Err(e) => panic!("a decoded packet does not encode: {e}"),
    };
    let again = match Pkt6::decode(&first) {
        Ok(p) => p,
        Err(e) => panic!("our own encoding does not decode: {e}"),
    };
    // DHCPv6 encoding sorts options by code, so compare after one normalising pass.
    let second = again.to_bytes().expect("re-encodes");
    assert_eq!(first, second, "encoding is not stable across a round trip");
});
