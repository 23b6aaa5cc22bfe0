//! Schema compatibility with ISC's published modules.
//!
//! Loads ISC's modules from `../shared/reference/yang-isc` into a second
//! context and checks, node by node, that our compiled schema equals
//! theirs (see `kea_yang::schema_facts` for what is compared). Skipped with
//! a message when `../shared` is absent.

use std::collections::BTreeMap;
use std::path::PathBuf;

use kea_yang::schema_facts::{NodeFacts, module_facts};
use kea_yang::yang2::context::{Context, ContextFlags};

/// Modules whose data trees are compared, with the revision both sides use.
const COMPARED: &[(&str, &str)] = &[("kea-dhcp4-server", "2026-06-24")];

/// Modules that must at least have the same namespace, prefix and
/// revision.
const IDENTITY_CHECKED: &[&str] = &["kea-types", "kea-dhcp-types", "kea-dhcp4-server"];

fn isc_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/reference/yang-isc"
    ));
    dir.is_dir().then_some(dir)
}

fn isc_context(dir: &PathBuf) -> Context {
    let mut ctx = Context::new(ContextFlags::DISABLE_SEARCHDIR_CWD).expect("libyang context");
    ctx.set_searchdir(dir).expect("search dir");
    for (name, rev) in COMPARED {
        ctx.load_module(name, Some(rev), &["*"])
            .unwrap_or_else(|e| panic!("ISC {name}@{rev} does not load: {e}"));
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
