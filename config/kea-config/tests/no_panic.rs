//! Hostile input never panics: mutated configs go through the parser and every model.

use proptest::prelude::*;

const BASE: &str = r#"# comment
{ "Dhcp4": { // line comment
  "valid-lifetime": 4000, "t1-percent": .5, /* block */
  "interfaces-config": { "interfaces": [ "eth0/192.0.2.1", "*" ], "dhcp-socket-type": "udp" },
  "subnet4": [ { "id": 1, "subnet": "192.0.2.0/24", "comment": "c",
      "pools": [ { "pool": "192.0.2.10 - 192.0.2.20", "client-class": "x" } ],
      "reservations": [ { "hw-address": "01:02:03:04:05:06", "ip-address": "192.0.2.30" } ],
      "option-data": [ { "name": "routers", "data": "192.0.2.1" } ] } ],
  "shared-networks": [ { "name": "n", "subnet4": [ { "id": 2, "subnet": "10.0.0.0/8" } ] } ],
  "control-sockets": [ { "socket-type": "http", "authentication": { "type": "basic", "clients": [ { "user": "u", "password": "p" } ] } } ],
  "loggers": [ { "name": "kea-dhcp4", "output_options": [ { "output": "stdout" } ] } ],
  "hooks-libraries": [ { "library": "libdhcp_lease_cmds.so", "parameters": { "a": [ 1, 2.5e3, null, true ] } } ],
  "user-context": { "k": "\u00e9\n" },
}, "Dhcp6": { "subnet6": [ { "id": 1, "subnet": "2001:db8::/64", "pd-pools": [ { "prefix": "2001:db8:1::", "prefix-len": 48, "delegated-len": 64 } ] } ] },
"Netconf": { "managed-servers": { "dhcp4": { "control-socket": { "socket-type": "unix" } } } } }"#;

fn exercise(text: &str) {
    if let Ok(root) = kea_config::parse_str(text, "<fuzz>") {
        let _ = root.to_compact_string();
        let _ = kea_config::Dhcp4Config::from_root(&root).map(|l| l.config.to_element());
        let _ = kea_config::Dhcp6Config::from_root(&root).map(|l| l.config.to_element());
        let _ = kea_config::NetconfConfig::from_root(&root).map(|l| l.config.to_element());
    }
}

#[test]
fn base_config_is_valid_for_every_daemon() {
    let root = kea_config::parse_str(BASE, "<base>").unwrap();
    kea_config::Dhcp4Config::from_root(&root).unwrap();
    kea_config::Dhcp6Config::from_root(&root).unwrap();
    kea_config::NetconfConfig::from_root(&root).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn mutated_configs_never_panic(
        cut in 0usize..BASE.len(), len in 0usize..40, insert in "[ -~\u{80}-\u{10ff}]{0,12}", truncate in any::<bool>()
    ) {
        let mut s = BASE.to_string();
        let mut at = cut.min(s.len());
        while !s.is_char_boundary(at) { at -= 1; }
        let mut end = (at + len).min(s.len());
        while !s.is_char_boundary(end) { end -= 1; }
        s.replace_range(at..end, &insert);
        if truncate { s.truncate(at); }
        exercise(&s);
    }

    #[test]
    fn random_text_never_panics(s in "\\PC{0,200}") {
        exercise(&s);
    }
}
