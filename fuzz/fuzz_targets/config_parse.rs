//! Kea's JSON dialect: parse_str must never panic; what parses prints and
//! parses back to the same tree, and the daemon models never panic on it.
#![no_main]

use kea_config::{Dhcp4Config, Dhcp6Config, NetconfConfig, parse_str};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(element) = parse_str(text, "<fuzz>") else { return };
    let printed = element.to_compact_string();
    let again = match parse_str(&printed, "<fuzz>") {
        Ok(e) => e,
        Err(e) => panic!("printed config does not parse: {e}\n{printed}"),
    };
    assert_eq!(again.to_compact_string(), printed, "printing is not stable");
    let _ = Dhcp4Config::from_root(&element);
    let _ = Dhcp6Config::from_root(&element);
    let _ = NetconfConfig::from_root(&element);
});
