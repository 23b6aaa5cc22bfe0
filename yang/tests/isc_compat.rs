//! Schema compatibility with ISC's published modules.
//!
//! Loads ISC's modules from `../shared/reference/yang-isc` into a second
//! context and checks, node by node, that our compiled schema equals
//! theirs (see `kea_yang::schema_facts` for what is compared). Skipped with
//! a message when `../shared` is absent.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kea_yang::schema_facts::{NodeFacts, module_facts};
use kea_yang::yang2::context::{Context, ContextFlags};

/// Modules whose data trees are compared, with the revision both sides use.
const COMPARED: &[(&str, &str)] = &[
    ("kea-dhcp4-server", "2026-06-24"),
    ("kea-dhcp6-server", "2026-06-24"),
    ("ietf-dhcpv6-server", "2018-09-04"),
    ("ietf-interfaces", "2018-02-20"),
];

/// Modules that must at least have the same namespace, prefix and
/// revision.
const IDENTITY_CHECKED: &[&str] = &[
    "kea-types",
    "kea-dhcp-types",
    "kea-dhcp4-server",
    "kea-dhcp6-server",
    "ietf-interfaces",
    "ietf-dhcpv6-types",
    "ietf-dhcpv6-options",
    "ietf-dhcpv6-server",
];

fn isc_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/reference/yang-isc"
    ));
    dir.is_dir().then_some(dir)
}

/// ISC's modules loaded the way our context loads ours: the same modules
/// implemented, with the same features.
fn isc_context(dir: &Path) -> Context {
    let mut ctx = Context::new(ContextFlags::DISABLE_SEARCHDIR_CWD).expect("libyang context");
    ctx.set_searchdir(dir).expect("search dir");
    for m in kea_yang::MODULES.iter().filter(|m| m.implemented) {
        if !dir
            .join(format!("{}@{}.yang", m.name, m.revision))
            .is_file()
        {
            continue; // NETCONF support modules: ISC ships none
        }
        ctx.load_module(m.name, Some(m.revision), m.features)
            .unwrap_or_else(|e| panic!("ISC {}@{} does not load: {e}", m.name, m.revision));
    }
    ctx
}

/// A context built from module files in `dir`, with every feature of the
/// given modules enabled.
fn file_context(dir: &Path, modules: &[(&str, &str)]) -> Context {
    let mut ctx = Context::new(ContextFlags::DISABLE_SEARCHDIR_CWD).expect("libyang context");
    ctx.set_searchdir(dir).expect("search dir");
    for (name, rev) in modules {
        ctx.load_module(name, Some(rev), &["*"])
            .unwrap_or_else(|e| panic!("{name}@{rev} from {dir:?} does not load: {e}"));
    }
    ctx
}

fn by_path(facts: Vec<NodeFacts>) -> BTreeMap<String, NodeFacts> {
    facts.into_iter().map(|f| (f.path.clone(), f)).collect()
}

/// Compares one module and returns (nodes compared, readable differences).
fn compare(ours: &Context, theirs: &Context, module: &str) -> (usize, Vec<String>) {
    let our = by_path(module_facts(ours, module).expect("our module"));
    let isc = by_path(module_facts(theirs, module).expect("ISC module"));
    let mut diffs = Vec::new();
    for (path, theirs) in &isc {
        match our.get(path) {
            None => diffs.push(format!(
                "missing in ours: {path}\n    ISC:  {}",
                theirs.summary()
            )),
            Some(ours) if ours != theirs => diffs.push(format!(
                "differs: {path}\n    ISC:  {}\n    ours: {}",
                theirs.summary(),
                ours.summary()
            )),
            Some(_) => {}
        }
    }
    for (path, ours) in &our {
        if !isc.contains_key(path) {
            diffs.push(format!(
                "extra in ours: {path}\n    ours: {}",
                ours.summary()
            ));
        }
    }
    (isc.len(), diffs)
}

#[test]
fn schema_trees_match_isc() {
    let Some(dir) = isc_dir() else {
        eprintln!("SKIPPED: ../shared/reference/yang-isc not found; ISC compatibility not checked");
        return;
    };
    let theirs = isc_context(&dir);
    let ours = kea_yang::context();

    let mut report = Vec::new();
    let mut total = 0;
    for (module, _) in COMPARED {
        let (count, diffs) = compare(ours, &theirs, module);
        eprintln!(
            "{module}: {count} schema nodes compared, {} differences",
            diffs.len()
        );
        total += count;
        for d in diffs {
            report.push(format!("[{module}] {d}"));
        }
    }
    for name in IDENTITY_CHECKED {
        let o = ours
            .get_module_latest(name)
            .unwrap_or_else(|| panic!("ours lacks {name}"));
        let t = theirs
            .get_module_latest(name)
            .unwrap_or_else(|| panic!("ISC lacks {name}"));
        let ident = |m: &kea_yang::yang2::schema::SchemaModule<'_>| {
            format!(
                "ns={} prefix={} revision={:?}",
                m.namespace(),
                m.prefix(),
                m.revision()
            )
        };
        if ident(&o) != ident(&t) {
            report.push(format!(
                "[{name}] identity differs\n    ISC:  {}\n    ours: {}",
                ident(&t),
                ident(&o)
            ));
        }
    }
    eprintln!("total: {total} schema nodes compared");
    assert!(
        report.is_empty(),
        "schema differences:\n{}",
        report.join("\n")
    );
}

/// The same comparison from the module files with every feature enabled
/// (covers if-feature guarded nodes our context leaves out, such as the
/// IF-MIB leaves of ietf-interfaces).
#[test]
fn schema_trees_match_isc_with_all_features() {
    let Some(dir) = isc_dir() else {
        eprintln!("SKIPPED: ../shared/reference/yang-isc not found");
        return;
    };
    let ours_dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/modules"));
    let mut modules = COMPARED.to_vec();
    modules.push(("ietf-dhcpv6-options", "2018-09-04"));
    let theirs = file_context(&dir, &modules);
    let ours = file_context(&ours_dir, &modules);
    let mut report = Vec::new();
    for (module, _) in COMPARED {
        let (count, diffs) = compare(&ours, &theirs, module);
        eprintln!(
            "{module} (all features): {count} schema nodes compared, {} differences",
            diffs.len()
        );
        report.extend(diffs.into_iter().map(|d| format!("[{module}] {d}")));
    }
    assert!(
        report.is_empty(),
        "schema differences:\n{}",
        report.join("\n")
    );
}

/// ISC's own kea-dhcp-ddns and kea-ctrl-agent modules import kea-types and
/// kea-dhcp-types; loaded on top of *our* type modules they must compile
/// to the same schema as on top of ISC's (same grouping names and content).
#[test]
fn isc_importers_compile_against_our_type_modules() {
    let Some(dir) = isc_dir() else {
        eprintln!("SKIPPED: ../shared/reference/yang-isc not found");
        return;
    };
    let importers = [
        ("kea-dhcp-ddns", "2025-06-25"),
        ("kea-ctrl-agent", "2025-06-25"),
        ("ietf-dhcpv6-client", "2018-09-04"),
        ("ietf-dhcpv6-relay", "2018-09-04"),
    ];
    let mut mixed = kea_yang::new_context().expect("our context");
    mixed
        .unset_options(ContextFlags::DISABLE_SEARCHDIRS)
        .expect("allow search dirs");
    mixed.set_searchdir(&dir).expect("search dir");
    let mut theirs = Context::new(ContextFlags::DISABLE_SEARCHDIR_CWD).expect("context");
    theirs.set_searchdir(&dir).expect("search dir");
    for (name, rev) in importers {
        mixed
            .load_module(name, Some(rev), &["*"])
            .unwrap_or_else(|e| panic!("ISC {name} on our types: {e}"));
        theirs
            .load_module(name, Some(rev), &["*"])
            .unwrap_or_else(|e| panic!("ISC {name}: {e}"));
    }
    // The type modules in `mixed` must be ours, not ISC's files.
    for types in [
        "kea-types",
        "kea-dhcp-types",
        "ietf-dhcpv6-types",
        "ietf-dhcpv6-options",
        "ietf-interfaces",
    ] {
        let m = mixed.get_module_latest(types).expect("type module");
        assert!(
            m.filepath().is_none(),
            "{types} came from a file: {:?}",
            m.filepath()
        );
    }
    // Options are guarded by features: enable them on ISC's side as ours are.
    theirs
        .load_module("ietf-dhcpv6-options", Some("2018-09-04"), &["*"])
        .expect("ISC options");

    let mut report = Vec::new();
    for (name, _) in importers {
        let (count, diffs) = compare(&mixed, &theirs, name);
        eprintln!(
            "{name}: {count} schema nodes compared, {} differences",
            diffs.len()
        );
        report.extend(diffs);
    }
    assert!(
        report.is_empty(),
        "schema differences:\n{}",
        report.join("\n")
    );
}

const DHCP4_JSON: &str = r#"{
  "kea-dhcp4-server:config": {
    "valid-lifetime": 4000,
    "renew-timer": 1000,
    "t1-percent": "0.5",
    "interfaces-config": { "interfaces": ["eth0"], "dhcp-socket-type": "raw" },
    "lease-database": { "database-type": "memfile", "lfc-interval": 3600 },
    "subnet4": [
      {
        "id": 1,
        "subnet": "192.0.2.0/24",
        "pool": [ { "start-address": "192.0.2.10", "end-address": "192.0.2.200" } ],
        "option-data": [ { "code": 3, "space": "dhcp4", "data": "192.0.2.1" } ],
        "host": [ { "identifier-type": "hw-address", "identifier": "1a:1b:1c:1d:1e:1f",
                    "ip-address": "192.0.2.201" } ]
      }
    ],
    "logger": [ { "name": "kea-dhcp4", "severity": "INFO",
                  "output-option": [ { "output": "stdout" } ] } ]
  }
}"#;

const DHCP6_JSON: &str = r#"{
  "kea-dhcp6-server:config": {
    "preferred-lifetime": 3000,
    "valid-lifetime": 4000,
    "interfaces-config": { "interfaces": ["eth0"] },
    "server-id": { "type": "LLT", "persist": true },
    "subnet6": [
      {
        "id": 1,
        "subnet": "2001:db8:1::/64",
        "interface": "eth0",
        "pool": [ { "start-address": "2001:db8:1::10", "end-address": "2001:db8:1::ffff",
                    "prefix": "2001:db8:1::/112" } ],
        "pd-pool": [ { "prefix": "2001:db8:8::/56", "delegated-len": 64 } ],
        "host": [ { "identifier-type": "duid", "identifier": "01:02:03:04:05:0a",
                    "ip-addresses": ["2001:db8:1::100"] } ]
      }
    ]
  }
}"#;

/// The same Kea configuration documents parse and validate in ISC's schema
/// and in ours, and print identically.
#[test]
fn kea_config_documents_valid_in_both_contexts() {
    use kea_yang::yang2::data::DataFormat;
    use kea_yang::{WithDefaults, parse_config, print_tree};
    let Some(dir) = isc_dir() else {
        eprintln!("SKIPPED: ../shared/reference/yang-isc not found");
        return;
    };
    let theirs = isc_context(&dir);
    let ours = kea_yang::context();
    for doc in [DHCP4_JSON, DHCP6_JSON] {
        let a = parse_config(ours, doc, DataFormat::JSON).expect("valid in ours");
        let b = parse_config(&theirs, doc, DataFormat::JSON).expect("valid in ISC's");
        for format in [DataFormat::JSON, DataFormat::XML] {
            let pa = print_tree(&a, format, WithDefaults::Explicit).expect("print");
            let pb = print_tree(&b, format, WithDefaults::Explicit).expect("print");
            assert_eq!(pa, pb);
        }
        // And an invalid variant fails in both.
        let bad = doc.replace("\"id\": 1", "\"id\": \"one\"");
        assert!(parse_config(ours, &bad, DataFormat::JSON).is_err());
        assert!(parse_config(&theirs, &bad, DataFormat::JSON).is_err());
    }
}
