//! Every Kea 3.0 DHCPv4 example configuration (shared reference material) loads, except the
//! ones that need features this server refuses on purpose (hook libraries, DDNS, 4o6).

use std::path::PathBuf;

use kea_dhcp4::load::prepare_file;
use kea_process::PathPolicy;

/// Examples expected to be refused, with the reason the error must mention.
const REFUSED: &[(&str, &str)] = &[
    ("all-keys-netconf.json", "hook library"),
    ("all-keys.json", "hook library"),
    ("config-backend.json", "hook library"),
    ("dhcpv4-over-dhcpv6.json", "DHCPv4-over-DHCPv6"),
    ("ha-load-balancing-server1-mt-with-tls.json", "hook library"),
    ("ha-load-balancing-server2-mt.json", "hook library"),
    ("hooks-radius.json", "hook library"),
    ("hooks-rbac.json", "hook library"),
    ("hooks.json", "hook library"),
    ("mysql-reservations.json", "hook library"),
    ("pgsql-reservations.json", "hook library"),
    ("with-ddns.json", "enable-updates"),
];

#[test]
fn kea_examples_load() {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/reference/kea-examples/kea4"
    ));
    if !dir.is_dir() {
        eprintln!("SKIP kea_examples_load: ../shared (reference material) is absent");
        return;
    }
    let policy = PathPolicy::new(true);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read examples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() > 20, "examples found: {}", files.len());
    let mut failures = Vec::new();
    for f in &files {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let res = prepare_file(f, &policy);
        match (REFUSED.iter().find(|(n, _)| *n == name), res) {
            (None, Ok(_)) => {}
            (None, Err(e)) => failures.push(format!("{name}: {e}")),
            (Some((_, why)), Err(e)) if e.contains(why) => {}
            (Some((_, why)), Err(e)) => failures.push(format!(
                "{name}: refused for another reason than '{why}': {e}"
            )),
            (Some(_), Ok(_)) => failures.push(format!("{name}: expected to be refused")),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
