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
