//! The ARM 22.1.10 walk-through files translate to the Kea JSON the ARM
//! shows, and the BAD-* files fail at the stage the ARM names (schema,
//! translation; BAD-config translates and is left to the server).

use std::path::PathBuf;

use kea_translators::{Model, Translator};
use kea_yang::yang2::data::DataFormat;
use serde_json::{Value, json};

fn walkthrough_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/reference/kea-examples/netconf/kea-dhcp6-operations"
    ));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIP: ../shared (the walk-through files) is absent");
        None
    }
}

fn read(dir: &std::path::Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn translate(xml: &str) -> Result<Value, String> {
    let ctx = kea_yang::context();
    let tree =
        kea_yang::parse_config(ctx, xml, DataFormat::XML).map_err(|e| format!("schema: {e}"))?;
    let t = Translator::new(ctx, Model::KeaDhcp6).map_err(|e| e.to_string())?;
    t.to_kea(&tree).map_err(|e| format!("translation: {e}"))
}

fn control_socket() -> Value {
    json!({"socket-name": "kea6-ctrl-socket", "socket-type": "unix"})
}

#[test]
fn walkthrough_files_give_the_arm_json() {
    let Some(dir) = walkthrough_dir() else { return };
    let pool1 = json!({"pool": "2001:db8::1:0/112"});
    let expected = [
        (
            "startup.xml",
            json!({"Dhcp6": {
                "control-socket": control_socket(),
                "interfaces-config": {"interfaces": ["eth1"]},
                "subnet6": [{"id": 1, "pools": [pool1], "subnet": "2001:db8::/64"}]
            }}),
        ),
        (
            "twopools.xml",
            json!({"Dhcp6": {
                "control-socket": control_socket(),
                "interfaces-config": {"interfaces": ["eth1"]},
                "subnet6": [{"id": 1, "pools": [pool1, {"pool": "2001:db8::2:0/112"}], "subnet": "2001:db8::/64"}]
            }}),
        ),
        (
            "twosubnets.xml",
            json!({"Dhcp6": {
                "control-socket": control_socket(),
                "interfaces-config": {"interfaces": ["eth1"]},
                "subnet6": [
                    {"id": 1, "pools": [{"pool": "2001:db8:1::/112"}], "subnet": "2001:db8:1::/64"},
                    {"id": 2, "pools": [{"pool": "2001:db8:2::/112"}], "subnet": "2001:db8:2::/64"}
                ]
            }}),
        ),
        (
            "logging.xml",
            json!({"Dhcp6": {
                "control-socket": control_socket(),
                "interfaces-config": {"interfaces": ["eth1"]},
                "subnet6": [{"id": 1, "pools": [pool1], "subnet": "2001:db8::/64"}],
                "loggers": [{"name": "kea-dhcp6", "output-options": [{"output": "stderr"}],
                             "debuglevel": 99, "severity": "DEBUG"}]
            }}),
        ),
    ];
    for (file, want) in expected {
        let got = translate(&read(&dir, file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(got, want, "{file}");
    }
}

#[test]
fn bad_files_fail_where_the_arm_says() {
    let Some(dir) = walkthrough_dir() else { return };
    let schema = translate(&read(&dir, "BAD-schema.xml")).unwrap_err();
    assert!(schema.starts_with("schema:"), "BAD-schema.xml: {schema}");
    let translator = translate(&read(&dir, "BAD-translator.xml")).unwrap_err();
    assert!(
        translator.starts_with("translation:") && translator.contains("user-context"),
        "BAD-translator.xml: {translator}"
    );
    // BAD-config is valid YANG and valid Kea JSON: only the server's sanity
    // checks (pool outside its subnet) reject it.
    let config = translate(&read(&dir, "BAD-config.xml")).expect("BAD-config.xml translates");
    assert_eq!(
        config["Dhcp6"]["subnet6"][0]["pools"][0]["pool"],
        "2001:db8:1::/112"
    );
}
