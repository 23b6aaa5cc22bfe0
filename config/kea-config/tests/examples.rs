//! Every ISC example config (../shared/reference/kea-examples) validates and round-trips
//! parse → unparse → parse to a fixed point.

use std::path::{Path, PathBuf};

use kea_config::{Dhcp4Config, Element};

fn examples_dir(sub: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/reference/kea-examples")
        .join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: {} not found", dir.display());
        None
    }
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn check_all<T>(
    sub: &str,
    load: impl Fn(&Path) -> Result<T, String>,
    unparse: impl Fn(&T) -> Element,
    reload: impl Fn(&Element) -> Result<T, String>,
) {
    let Some(dir) = examples_dir(sub) else { return };
    let mut failures = Vec::new();
    let files = json_files(&dir);
    assert!(!files.is_empty());
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let first = match load(f) {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let once = unparse(&first);
        let again = match reload(&once) {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{name}: unparsed config does not validate: {e}"));
                continue;
            }
        };
        let twice = unparse(&again);
        if once != twice {
            failures.push(format!("{name}: unparse is not a fixed point"));
        }
        // The printed forms re-parse to the same tree too.
        let compact = kea_config::parse_str(&once.to_compact_string(), "<compact>").unwrap();
        let pretty = kea_config::parse_str(&once.to_pretty_string(), "<pretty>").unwrap();
        if compact != once || pretty != once {
            failures.push(format!(
                "{name}: printed form does not re-parse identically"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    eprintln!("{sub}: {} files validated and round-tripped", files.len());
}

#[test]
fn kea4_examples() {
    check_all(
        "kea4",
        |p| {
            Dhcp4Config::from_file(p)
                .map(|l| l.config)
                .map_err(|e| e.to_string())
        },
        Dhcp4Config::to_element,
        |e| {
            Dhcp4Config::from_root(e)
                .map(|l| l.config)
                .map_err(|e| e.to_string())
        },
    );
}

#[test]
fn kea6_examples() {
    check_all(
        "kea6",
        |p| {
            kea_config::Dhcp6Config::from_file(p)
                .map(|l| l.config)
                .map_err(|e| e.to_string())
        },
        kea_config::Dhcp6Config::to_element,
        |e| {
            kea_config::Dhcp6Config::from_root(e)
                .map(|l| l.config)
                .map_err(|e| e.to_string())
        },
    );
}

#[test]
fn netconf_examples() {
    check_all(
        "netconf",
        |p| {
            kea_config::NetconfConfig::from_file(p)
                .map(|l| l.config)
                .map_err(|e| e.to_string())
        },
        kea_config::NetconfConfig::to_element,
        |e| {
            kea_config::NetconfConfig::from_root(e)
                .map(|l| l.config)
                .map_err(|e| e.to_string())
        },
    );
}

#[test]
fn netconf_walkthrough_boot_config() {
    let Some(dir) = examples_dir("netconf/kea-dhcp6-operations") else {
        return;
    };
    let boot = kea_config::Dhcp6Config::from_file(dir.join("boot.json")).unwrap();
    assert_eq!(boot.config.control_sockets.len(), 1);
    let nc = kea_config::NetconfConfig::from_file(dir.join("netconf.json")).unwrap();
    assert!(
        nc.config
            .managed_server(kea_config::ManagedService::Dhcp6)
            .is_some()
    );
}

/// What a server consumes from a v4 config, without positions: must survive
/// config-get → config-set unchanged.
fn v4_semantics(c: &Dhcp4Config) -> String {
    let mut out = format!("{:?} {:?}\n", c.params, c.ddns);
    for s in &c.subnets {
        let pools: Vec<_> = s
            .pools
            .iter()
            .map(|p| {
                (
                    p.first,
                    p.last,
                    &p.client_classes,
                    c.effective_ddns(s, Some(p)),
                )
            })
            .collect();
        let hosts: Vec<_> = s
            .reservations
            .iter()
            .map(|h| {
                (
                    &h.identifier,
                    h.ip_address,
                    &h.hostname,
                    h.next_server,
                    &h.server_hostname,
                    &h.client_classes,
                )
            })
            .collect();
        out += &format!(
            "{} {:?} {:?} {pools:?} {hosts:?} {:?}\n",
            s.id,
            c.effective_params(s),
            s.dhcp4o6,
            s.client_classes
        );
    }
    for k in &c.client_classes {
        out += &format!(
            "{} {:?} {:?} {:?} {:?}\n",
            k.name, k.test, k.next_server, k.server_hostname, k.boot_file_name
        );
    }
    out
}

fn v6_semantics(c: &kea_config::Dhcp6Config) -> String {
    let mut out = format!("{:?} {:?} {:?}\n", c.params, c.ddns, c.server_id);
    for s in &c.subnets {
        let pools: Vec<_> = s
            .pools
            .iter()
            .map(|p| (p.first, p.last, c.effective_ddns(s, Some(p))))
            .collect();
        let pd: Vec<_> = s
            .pd_pools
            .iter()
            .map(|p| (p.prefix, p.delegated_len, p.excluded_prefix))
            .collect();
        let hosts: Vec<_> = s
            .reservations
            .iter()
            .map(|h| (&h.identifier, &h.ip_addresses, &h.prefixes, &h.hostname))
            .collect();
        out += &format!(
            "{} {:?} {pools:?} {pd:?} {hosts:?}\n",
            s.id,
            c.effective_params(s)
        );
    }
    out
}

#[test]
fn config_get_then_config_set_keeps_semantics() {
    for (sub, v6) in [("kea4", false), ("kea6", true)] {
        let Some(dir) = examples_dir(sub) else { return };
        for f in json_files(&dir) {
            let (a, b) = if v6 {
                let c = kea_config::Dhcp6Config::from_file(&f).unwrap().config;
                let again = kea_config::Dhcp6Config::from_root(&c.to_element())
                    .unwrap()
                    .config;
                (v6_semantics(&c), v6_semantics(&again))
            } else {
                let c = Dhcp4Config::from_file(&f).unwrap().config;
                let again = Dhcp4Config::from_root(&c.to_element()).unwrap().config;
                (v4_semantics(&c), v4_semantics(&again))
            };
            assert_eq!(a, b, "{}", f.display());
        }
    }
}
