//! Loading the embedded modules, and parsing/printing/diffing data with
//! them.

use kea_yang::yang2::data::{Data, DataFormat};
use kea_yang::{
    ChangeOp, OpKind, WithDefaults, YangErrorKind, changes, context, diff, parse_config,
    parse_edit, parse_full, parse_op, print_tree,
};

const DHCP4_CONFIG: &str = r#"{
  "kea-dhcp4-server:config": {
    "valid-lifetime": 4000,
    "subnet4": [
      {
        "id": 1,
        "subnet": "192.0.2.0/24",
        "pool": [
          { "start-address": "192.0.2.10", "end-address": "192.0.2.100",
            "prefix": "192.0.2.0/25" }
        ],
        "option-data": [
          { "code": 3, "space": "dhcp4", "data": "192.0.2.1" }
        ]
      }
    ],
    "interfaces-config": { "interfaces": ["eth0"] }
  }
}"#;

#[test]
fn every_embedded_module_is_in_the_context() {
    let ctx = context();
    for m in kea_yang::MODULES {
        let module = ctx
            .get_module(m.name, Some(m.revision))
            .unwrap_or_else(|| panic!("{}@{} missing", m.name, m.revision));
        if m.implemented {
            assert!(module.is_implemented(), "{} not implemented", m.name);
        }
        assert_eq!(
            kea_yang::module_source(m.name, Some(m.revision)).as_deref(),
            Some(m.source)
        );
    }
}

#[test]
fn module_source_prints_libyang_internal_modules() {
    let text = kea_yang::module_source("ietf-inet-types", None).expect("ietf-inet-types");
    assert!(text.contains("module ietf-inet-types"));
    assert!(kea_yang::module_source("no-such-module", None).is_none());
    assert!(kea_yang::module_source("kea-dhcp4-server", Some("1999-01-01")).is_none());
    assert!(kea_yang::module_source("bad\0name", None).is_none());
}

#[test]
fn dhcp4_config_parses_validates_and_prints() {
    let ctx = context();
    let tree = parse_config(ctx, DHCP4_CONFIG, DataFormat::JSON).expect("valid config");
    let pool = tree
        .find_path("/kea-dhcp4-server:config/subnet4[id='1']/pool[start-address='192.0.2.10'][end-address='192.0.2.100']/prefix")
        .expect("pool prefix");
    assert_eq!(pool.value_canonical().as_deref(), Some("192.0.2.0/25"));

    let xml = print_tree(&tree, DataFormat::XML, WithDefaults::Explicit).expect("xml");
    assert!(xml.contains("<subnet>192.0.2.0/24</subnet>"), "{xml}");
    let again = parse_config(ctx, &xml, DataFormat::XML).expect("XML round trip");
    let d = diff(&tree, &again, false).expect("diff");
    assert!(kea_yang::diff::is_empty(&d), "round trip changed data");
}

#[test]
fn invalid_config_reports_path_and_message() {
    let ctx = context();
    // subnet id 0 is outside 1..max
    let bad = DHCP4_CONFIG.replace("\"id\": 1", "\"id\": 0");
    let err = parse_config(ctx, &bad, DataFormat::JSON).expect_err("id 0 must be refused");
    assert_eq!(err.kind, YangErrorKind::Libyang);
    assert!(err.message.contains("0"), "{err}");

    // unknown leaf is an error, not silently dropped
    let unknown = DHCP4_CONFIG.replace("\"valid-lifetime\"", "\"valid-lifetim\"");
    assert!(parse_config(ctx, &unknown, DataFormat::JSON).is_err());

    // state data is not configuration
    let state = r#"{"kea-dhcp4-server:state": {"leases": {}}}"#;
    assert!(parse_config(ctx, state, DataFormat::JSON).is_err());
    if let Err(e) = parse_full(ctx, state, DataFormat::JSON) {
        panic!("state parse: {e:?}");
    }

    // mandatory subnet missing
    let no_subnet = r#"{"kea-dhcp4-server:config": {"subnet4": [{"id": 5}]}}"#;
    let err = parse_config(ctx, no_subnet, DataFormat::JSON).expect_err("mandatory");
    assert!(
        err.path.as_deref().unwrap_or("").contains("subnet4"),
        "{err:?}"
    );
}

#[test]
fn nul_bytes_are_refused_and_unterminated_input_is_safe() {
    let ctx = context();
    let err = parse_config(
        ctx,
        "{\"kea-dhcp4-server:config\": {}}\0junk",
        DataFormat::JSON,
    )
    .expect_err("NUL inside");
    assert_eq!(err.kind, YangErrorKind::EmbeddedNul);

    // A slice of a longer string: only the slice must be parsed.
    let long =
        String::from("<config xmlns=\"urn:ietf:params:xml:ns:yang:kea-dhcp4-server\"/><garbage>");
    let cut = &long[..long.find("<garbage>").unwrap_or(long.len())];
    assert!(parse_edit(ctx, cut, DataFormat::XML).is_ok());
}

#[test]
fn diff_lists_changes() {
    let ctx = context();
    let old = parse_config(ctx, DHCP4_CONFIG, DataFormat::JSON).expect("old");
    let new_text = DHCP4_CONFIG
        .replace("4000", "5000")
        .replace("\"eth0\"", "\"eth1\"");
    let new = parse_config(ctx, &new_text, DataFormat::JSON).expect("new");
    let d = diff(&old, &new, false).expect("diff");
    let list = changes(&d).expect("changes");
    assert!(
        list.iter().any(|c| c.op == ChangeOp::Replace
            && c.path == "/kea-dhcp4-server:config/valid-lifetime"
            && c.value.as_deref() == Some("5000")),
        "{list:?}"
    );
    assert!(
        list.iter()
            .any(|c| c.op == ChangeOp::Create && c.value.as_deref() == Some("eth1"))
    );
    assert!(
        list.iter()
            .any(|c| c.op == ChangeOp::Delete && c.value.as_deref() == Some("eth0"))
    );
}

#[test]
fn bad_op_is_refused() {
    let ctx = context();
    assert!(
        parse_op(
            ctx,
            "<nothing xmlns=\"urn:x\"/>",
            DataFormat::XML,
            OpKind::Rpc
        )
        .is_err()
    );
    assert!(parse_op(ctx, "", DataFormat::XML, OpKind::Rpc).is_err());
}

#[test]
fn trees_can_be_built_and_queried_by_path() {
    use kea_yang::yang2::data::DataTree;
    use kea_yang::{find_all, find_node, key_predicate, remove_path, set_path, validate_config};
    let ctx = context();
    let mut tree = DataTree::new(ctx);
    let subnet = format!(
        "/kea-dhcp4-server:config/subnet4{}",
        key_predicate("id", "1").unwrap()
    );
    set_path(&mut tree, &format!("{subnet}/subnet"), Some("192.0.2.0/24")).expect("subnet");
    // A key value with an apostrophe is quoted with double quotes.
    let option = format!(
        "{subnet}/option-data[code='15'][space='dhcp4']{}",
        key_predicate("data", "it's").expect("one quote kind")
    );
    set_path(&mut tree, &option, None).expect("option entry");
    assert!(key_predicate("data", "it's \"both\"").is_err());
    set_path(
        &mut tree,
        "/kea-dhcp4-server:config/valid-lifetime",
        Some("100"),
    )
    .expect("leaf");
    set_path(
        &mut tree,
        "/kea-dhcp4-server:config/valid-lifetime",
        Some("200"),
    )
    .expect("update");
    validate_config(&mut tree).expect("valid");

    let lifetime = find_node(&tree, "/kea-dhcp4-server:config/valid-lifetime")
        .expect("query")
        .expect("present");
    assert_eq!(lifetime.value_canonical().as_deref(), Some("200"));
    assert!(
        find_node(&tree, "/kea-dhcp4-server:config/renew-timer")
            .expect("query")
            .is_none()
    );
    assert_eq!(
        find_all(&tree, "/kea-dhcp4-server:config/subnet4")
            .expect("query")
            .len(),
        1
    );

    assert!(
        set_path(
            &mut tree,
            "/kea-dhcp4-server:config/server-tag",
            Some("a\0b")
        )
        .is_err()
    );
    assert!(
        set_path(
            &mut tree,
            "/kea-dhcp4-server:config/valid-lifetime",
            Some("x")
        )
        .is_err()
    );
    assert!(set_path(&mut tree, "/kea-dhcp4-server:config/nope", Some("1")).is_err());
    remove_path(&mut tree, &subnet).expect("remove");
    assert!(
        find_all(&tree, "/kea-dhcp4-server:config/subnet4")
            .expect("query")
            .is_empty()
    );
    assert!(remove_path(&mut tree, &subnet).is_err());
}

#[test]
fn long_key_values_do_not_break_paths() {
    use kea_yang::yang2::data::DataTree;
    use kea_yang::{find_all, key_predicate, node_path, set_path};
    let ctx = context();
    let mut tree = DataTree::new(ctx);
    let data = "ab".repeat(3000); // key value longer than yang2's 4096-byte path buffer
    let path = format!(
        "/kea-dhcp4-server:config/option-data[code='43'][space='dhcp4']{}",
        key_predicate("data", &data).expect("predicate")
    );
    set_path(&mut tree, &path, None).expect("long key");
    let nodes = find_all(&tree, "/kea-dhcp4-server:config/option-data").expect("query");
    assert_eq!(nodes.len(), 1);
    let p = node_path(&nodes[0]).expect("path");
    assert!(p.len() > 6000 && p.contains(&data));

    let empty = DataTree::new(ctx);
    let d = diff(&empty, &tree, false).expect("diff");
    let list = changes(&d).expect("changes");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].op, ChangeOp::Create);
}
