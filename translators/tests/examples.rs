//! Every example config of ISC's (kea4, kea6) round-trips JSON → YANG → JSON
//! to its normalised self, and the YANG form validates.

use std::path::PathBuf;
use std::sync::OnceLock;

use kea_translators::{Model, NoStandardOptions, StandardOptions, TranslateError, Translator};
use serde_json::{Value, json};
use yang2::context::{Context, ContextFlags};

fn shared() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared"));
    dir.is_dir().then_some(dir)
}

/// A context with ISC's modules, read from ../shared.
fn isc_context() -> Option<&'static Context> {
    static CONTEXT: OnceLock<Option<&'static Context>> = OnceLock::new();
    *CONTEXT.get_or_init(|| {
        let dir = shared()?.join("reference/yang-isc");
        let mut ctx = Context::new(ContextFlags::NO_YANGLIBRARY).ok()?;
        ctx.set_searchdir(&dir).ok()?;
        ctx.load_module("kea-dhcp4-server", None, &[]).ok()?;
        ctx.load_module("kea-dhcp6-server", None, &[]).ok()?;
        Some(Box::leak(Box::new(ctx)))
    })
}

fn ours() -> &'static Context {
    kea_yang::context()
}

/// JSON → YANG (our modules) → JSON, with the expected result (order
/// included); the YANG form must also validate against ISC's modules.
fn round_trip(t: &Translator, kea: &Value) -> Result<(Value, Value), String> {
    let codes = StandardOptions(t.model());
    let tree = t.to_yang_with(kea, &codes).map_err(|e| e.to_string())?;
    if let Some(isc) = isc_context() {
        let text = kea_yang::print_tree(
            &tree,
            yang2::data::DataFormat::JSON,
            kea_yang::WithDefaults::Explicit,
        )
        .map_err(|e| e.to_string())?;
        kea_yang::parse_config(isc, &text, yang2::data::DataFormat::JSON)
            .map_err(|e| format!("does not validate against ISC's modules: {e}"))?;
    }
    // The tree is built node by node: it must be the tree libyang's own
    // parser makes of its text, default nodes included.
    let tagged = |tree: &yang2::data::DataTree<'_>| {
        kea_yang::print_tree(
            tree,
            yang2::data::DataFormat::JSON,
            kea_yang::WithDefaults::ReportAllTagged,
        )
        .map_err(|e| e.to_string())
    };
    let explicit = kea_yang::print_tree(
        &tree,
        yang2::data::DataFormat::JSON,
        kea_yang::WithDefaults::Explicit,
    )
    .map_err(|e| e.to_string())?;
    let parsed = kea_yang::parse_config(ours(), &explicit, yang2::data::DataFormat::JSON)
        .map_err(|e| format!("libyang does not parse its print of the tree: {e}"))?;
    if tagged(&tree)? != tagged(&parsed)? {
        return Err("the tree differs from libyang's parse of its print".into());
    }
    let mut back = t.to_kea(&tree).map_err(|e| e.to_string())?;
    let expected =
        json!({ t.model().kea_object(): t.normalize(kea, &codes).map_err(|e| e.to_string())? });
    // YANG sorts the lists it orders by system; Kea's order comes back
    // from the input, exactly.
    t.follow_order(&mut back, &expected);
    Ok((expected, back))
}

fn examples(family: &str) -> Vec<PathBuf> {
    let Some(shared) = shared() else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(shared.join("reference/kea-examples").join(family))
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
    files.sort();
    files
}

fn check_family(family: &str, model: Model) {
    if shared().is_none() {
        eprintln!("SKIP: ../shared (ISC's examples) is absent");
        return;
    }
    let t = Translator::new(ours(), model).expect("translator");
    let mut failures = Vec::new();
    for file in examples(family) {
        let element = match kea_config::parse_file(&file) {
            Ok(e) => e,
            Err(e) => {
                failures.push(format!("{}: does not parse: {e}", file.display()));
                continue;
            }
        };
        let mut json = element.to_json();
        // Files may carry other top-level objects beside ours.
        let inner = json.get(model.kea_object()).cloned().unwrap_or(Value::Null);
        json = json!({ model.kea_object(): inner });
        match round_trip(&t, &json) {
            Ok((expected, back)) if expected == back => {}
            Ok((expected, back)) => failures.push(format!(
                "{}: round trip differs\n  expected: {expected}\n  got:      {back}",
                file.display()
            )),
            Err(e) => failures.push(format!("{}: {e}", file.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} example(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn kea4_examples_round_trip() {
    check_family("kea4", Model::KeaDhcp4);
}

#[test]
fn kea6_examples_round_trip() {
    check_family("kea6", Model::KeaDhcp6);
}

#[test]
fn every_config_node_has_a_rule() {
    for model in [Model::KeaDhcp4, Model::KeaDhcp6] {
        let t = Translator::new(ours(), model).unwrap();
        assert_eq!(t.unmapped_nodes(), Vec::<String>::new(), "{model:?}");
    }
}

#[test]
fn errors_name_the_json_path() {
    let t = Translator::new(ours(), Model::KeaDhcp4).unwrap();
    let unknown = json!({"Dhcp4": {"subnet4": [{"id": 1, "subnet": "192.0.2.0/24", "bogus": 1}]}});
    let err = t.to_yang(&unknown).unwrap_err().to_string();
    assert!(
        err.contains("Dhcp4/subnet4[0]/bogus") && err.contains("unsupported parameter"),
        "{err}"
    );

    let not_a_map = json!({"Dhcp4": {"user-context": "bad"}});
    let err = t.to_yang(&not_a_map).unwrap_err().to_string();
    assert!(
        err.contains("user-context") && err.contains("JSON map"),
        "{err}"
    );

    let collide = json!({"Dhcp4": {"option-data": [
        {"code": 3, "data": "192.0.2.1"}, {"code": 3, "space": "dhcp4", "data": "192.0.2.1"}]}});
    let err = t.to_yang(&collide).unwrap_err().to_string();
    assert!(
        err.contains("option-data[1]") && err.contains("same YANG key"),
        "{err}"
    );

    let wrong_type = json!({"Dhcp4": {"valid-lifetime": "long"}});
    let err = t.to_yang(&wrong_type).unwrap_err().to_string();
    assert!(
        err.contains("Dhcp4/valid-lifetime") && err.contains("expected an integer"),
        "{err}"
    );

    let out_of_range = json!({"Dhcp4": {"subnet4": [{"id": 0, "subnet": "192.0.2.0/24"}]}});
    assert!(matches!(
        t.to_yang(&out_of_range),
        Err(TranslateError::Validation { .. })
    ));

    let no_code = json!({"Dhcp4": {"option-data": [{"name": "routers", "data": "192.0.2.1"}]}});
    let err = t
        .to_yang_with(&no_code, &NoStandardOptions)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no code"), "{err}");
}

#[test]
fn bad_user_context_in_yang_is_refused() {
    let ctx = ours();
    let t = Translator::new(ctx, Model::KeaDhcp6).unwrap();
    // The ARM's BAD-translator case: user-context text that is not JSON.
    let text = r#"{"kea-dhcp6-server:config": {"subnet6": [{"id": 1, "subnet": "2001:db8::/48", "user-context": "bad"}]}}"#;
    let tree = yang2::data::DataTree::parse_string(
        ctx,
        std::ffi::CString::new(text).unwrap().as_bytes_with_nul(),
        yang2::data::DataFormat::JSON,
        yang2::data::DataParserFlags::STRICT,
        yang2::data::DataValidationFlags::NO_STATE,
    )
    .unwrap();
    let err = t.to_kea(&tree).unwrap_err().to_string();
    assert!(
        err.contains("user-context") && err.contains("not valid JSON"),
        "{err}"
    );
}

#[test]
fn state_subtree_from_kea_answers() {
    let t4 = Translator::new(ours(), Model::KeaDhcp4).unwrap();
    let leases = vec![json!({
        "ip-address": "192.0.2.10", "hw-address": "08:00:27:58:f1:e8", "client-id": "01:08:00:27:58:f1:e8",
        "valid-lft": 3600, "cltt": 1700000000u64, "subnet-id": 1, "fqdn-fwd": false, "fqdn-rev": false,
        "hostname": "host1", "state": 0, "user-context": {"note": "x"}, "pool-id": 0
    })];
    let stats = json!({
        "columns": ["subnet-id", "total-addresses", "cumulative-assigned-addresses", "assigned-addresses", "declined-addresses"],
        "rows": [[1, 256, 1, 1, 0]], "timestamp": "2026-11-23 08:00:00"
    });
    let config = json!({"subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
        "reservations": [{"hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "192.0.2.100", "hostname": "res",
            "option-data": [{"code": 3, "space": "dhcp4", "name": "routers", "data": "192.0.2.1"}]}]}]});
    let inputs = kea_translators::StateInputs {
        leases: Some(&leases),
        lease_stats: Some(&stats),
        config: config.as_object(),
    };
    let tree = t4.state_to_yang(&inputs).unwrap();
    let text = kea_yang::print_tree(
        &tree,
        yang2::data::DataFormat::JSON,
        kea_yang::WithDefaults::Explicit,
    )
    .unwrap();
    let printed: Value = serde_json::from_str(&text).unwrap();
    let state = &printed["kea-dhcp4-server:state"];
    assert_eq!(state["leases"]["lease"][0]["ip-address"], "192.0.2.10");
    assert_eq!(state["leases"]["lease"][0]["hw-address"], "CAAnWPHo");
    assert_eq!(state["lease-stats"]["subnet"][0]["total-addresses"], 256);
    assert_eq!(state["hosts"]["host"][0]["ip-address"], "192.0.2.100");
    assert_eq!(
        state["hosts"]["host"][0]["option-data"][0]["data"],
        "192.0.2.1"
    );

    // v6: a /64 pool's size does not fit the model's uint32: capped.
    let t6 = Translator::new(ours(), Model::KeaDhcp6).unwrap();
    let leases6 = vec![json!({
        "ip-address": "2001:db8:1::100", "duid": "00:01:02:03", "iaid": 7, "type": "IA_NA",
        "valid-lft": 4000, "preferred-lft": 3000, "cltt": 1700000000u64, "subnet-id": 1, "state": 1
    })];
    let stats6 = json!({"columns": ["subnet-id", "total-nas", "cumulative-assigned-nas", "assigned-nas", "declined-nas", "total-pds", "cumulative-assigned-pds", "assigned-pds"],
        "rows": [[1, 18446744073709551615u64, 3, 2, 1, 0, 0, 0]]});
    let tree = t6
        .state_to_yang(&kea_translators::StateInputs {
            leases: Some(&leases6),
            lease_stats: Some(&stats6),
            config: None,
        })
        .unwrap();
    let text = kea_yang::print_tree(
        &tree,
        yang2::data::DataFormat::JSON,
        kea_yang::WithDefaults::Explicit,
    )
    .unwrap();
    let printed: Value = serde_json::from_str(&text).unwrap();
    let state = &printed["kea-dhcp6-server:state"];
    assert_eq!(state["leases"]["lease"][0]["state"], "declined");
    assert_eq!(
        state["lease-stats"]["subnet"][0]["total-nas"],
        4294967295u64
    );
    assert_eq!(state["lease-stats"]["subnet"][0]["declined-addresses"], 1);

    // A lease without its address is an error, not a silent drop.
    let broken = vec![json!({"hw-address": "00:01"})];
    assert!(
        t4.state_to_yang(&kea_translators::StateInputs {
            leases: Some(&broken),
            ..Default::default()
        })
        .is_err()
    );
}

#[test]
fn unset_4o6_subnet_from_config_get_is_dropped() {
    let t = Translator::new(ours(), Model::KeaDhcp4).unwrap();
    let from_server = json!({"Dhcp4": {"subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
        "4o6-interface": "", "4o6-interface-id": "", "4o6-subnet": ""}]}});
    let tree = t
        .to_yang(&from_server)
        .expect("a server's config-get translates");
    let back = t.to_kea(&tree).unwrap();
    assert_eq!(back["Dhcp4"]["subnet4"][0].get("4o6-subnet"), None);
    assert_eq!(back["Dhcp4"]["subnet4"][0]["4o6-interface"], "");
}

/// Each normalisation of the module documentation of `normalize`, which
/// JSON → YANG applies map by map as it reads, gives what
/// `Translator::normalize` predicts.
#[test]
fn every_normalisation_round_trips_to_the_prediction() {
    let t = Translator::new(ours(), Model::KeaDhcp4).unwrap();
    let config = json!({"Dhcp4": {
        "comment": "top",
        "hosts-database": {"type": "mysql", "name": "hosts"},
        "option-def": [{"name": "my-opt", "code": 222, "type": "uint8"}],
        "option-data": [{"name": "my-opt", "data": "7"}, {"name": "routers", "data": ""}],
        "client-classes": [],
        "interfaces-config": {"interfaces": []},
        "subnet4": [
            {"subnet": "192.0.2.0/24", "id": 2, "comment": "has an id",
             "user-context": {"note": "kept", "comment": "wins"},
             "pools": [{"pool": "192.0.2.10  -192.0.2.20"}, {"pool": "192.0.2.128/26", "comment": "p"}],
             "relay": {"ip-addresses": []}, "4o6-subnet": "", "reservations": []},
            {"subnet": "192.0.3.0/24", "relay": {"ip-addresses": ["10.0.0.1"]},
             "option-data": [{"code": 3, "data": "192.0.3.1"}]}
        ],
        "shared-networks": [{"name": "net", "comment": "shared",
            "subnet4": [{"subnet": "192.0.4.0/24"}, {"subnet": "192.0.5.0/24", "id": 1}]}]
    }});
    let (expected, back) = round_trip(&t, &config).unwrap();
    assert_eq!(expected, back);
    let subnets = &back["Dhcp4"]["subnet4"];
    assert_eq!(subnets[1]["id"], 3, "{back}");
    assert_eq!(back["Dhcp4"]["shared-networks"][0]["subnet4"][0]["id"], 4);
    assert_eq!(back["Dhcp4"]["user-context"]["comment"], "top");
    assert_eq!(subnets[0]["user-context"]["comment"], "wins");
    assert_eq!(back["Dhcp4"]["hosts-databases"][0]["name"], "hosts");
    assert_eq!(back["Dhcp4"]["option-data"][0]["code"], 222);
    assert_eq!(subnets[0].get("relay"), None);
    assert_eq!(back["Dhcp4"].get("interfaces-config"), None);

    // The normalisation's own refusals come out of JSON → YANG too.
    let codes = StandardOptions(Model::KeaDhcp4);
    for bad in [
        json!({"Dhcp4": {"hosts-database": {"type": "mysql"}, "hosts-databases": []}}),
        json!({"Dhcp4": {"subnet4": [{"subnet": "192.0.2.0/24", "id": "one"}]}}),
        json!({"Dhcp4": {"comment": "x", "user-context": "not a map"}}),
        json!({"Dhcp4": {"option-data": [{"data": "1"}]}}),
        json!({"Dhcp4": {"option-data": [{"name": "no-such-option"}]}}),
        json!({"Dhcp4": {"expired-leases-processing": {"comment": "x"}}}),
    ] {
        let predicted = t.normalize(&bad, &codes).unwrap_err();
        let got = t.to_yang_with(&bad, &codes).unwrap_err();
        assert_eq!(predicted, got, "{bad}");
    }
}
