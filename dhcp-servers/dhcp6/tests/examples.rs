//! ISC's Kea 3.0 DHCPv6 example configurations (shared reference material) pass
//! `kea-dhcp6 -t`, except the ones needing features this server refuses on purpose (hook
//! libraries, DDNS).

use std::path::PathBuf;
use std::process::Command;

/// Examples expected to be refused, with the reason the error must mention.
const REFUSED: &[(&str, &str)] = &[
    ("all-keys-netconf.json", "hook library"),
    ("all-keys.json", "hook library"),
    ("config-backend.json", "hook library"),
    ("ha-hot-standby-server1-with-tls.json", "hook library"),
    ("ha-hot-standby-server2.json", "hook library"),
    ("hooks-rbac.json", "hook library"),
    ("hooks.json", "hook library"),
    ("mysql-reservations.json", "hook library"),
    ("pgsql-reservations.json", "hook library"),
    ("with-ddns.json", "enable-updates"),
];

/// The examples that exercise client classification and every option: they must load.
const MUST_LOAD: &[&str] = &[
    "classify.json",
    "classify2.json",
    "comments.json",
    "iPXE.json",
    "all-options.json",
];

fn examples_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/reference/kea-examples/kea6"
    ));
    dir.is_dir().then_some(dir)
}

/// `kea-dhcp6 -t FILE`: Ok(stdout) on success, Err(all output) otherwise.
fn check(file: &PathBuf) -> Result<String, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_kea-dhcp6"))
        .arg("-t")
        .arg(file)
        .output()
        .expect("run kea-dhcp6");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(text)
    } else {
        Err(text)
    }
}

#[test]
fn kea_examples_pass_the_syntax_check() {
    let Some(dir) = examples_dir() else {
        eprintln!(
            "SKIP kea_examples_pass_the_syntax_check: ../shared (reference material) is absent"
        );
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read examples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() > 20, "examples found: {}", files.len());
    for must in MUST_LOAD {
        assert!(
            files.iter().any(|f| f.ends_with(must)),
            "{must} is missing from {}",
            dir.display()
        );
    }
    let mut failures = Vec::new();
    for f in &files {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        match (REFUSED.iter().find(|(n, _)| *n == name), check(f)) {
            (None, Ok(out)) if out.contains("Syntax check OK") => {}
            (None, Ok(out)) => failures.push(format!("{name}: no 'Syntax check OK': {out}")),
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

#[test]
fn bad_class_expression_is_refused_with_keas_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("bad.json");
    std::fs::write(
        &f,
        r#"{"Dhcp6": {"client-classes": [{"name": "c", "test": "option[16].hex =="}]}}"#,
    )
    .expect("write");
    let e = check(&f).expect_err("must be refused");
    assert!(
        e.contains(
            "expression: [option[16].hex ==] error: <string>:1.18: syntax error, unexpected end of file"
        ),
        "{e}"
    );
}
