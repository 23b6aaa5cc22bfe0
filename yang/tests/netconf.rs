//! The NETCONF support modules: edit-config metadata, operation parsing,
//! with-defaults printing, and schema equality with the RFC modules.

use std::collections::BTreeMap;
use std::path::Path;

use kea_yang::schema_facts::module_facts;
use kea_yang::yang2::context::{Context, ContextFlags};
use kea_yang::yang2::data::{Data, DataFormat};
use kea_yang::{
    EditOperation, OpKind, WithDefaults, any_content, context, edit_operation, is_any_node,
    meta_value, parse_config, parse_edit, parse_op, print_tree,
};

const NC: &str = "urn:ietf:params:xml:ns:netconf:base:1.0";
const D4: &str = "urn:ietf:params:xml:ns:yang:kea-dhcp4-server";

#[test]
fn edit_keeps_operation_metadata_xml() {
    let edit = format!(
        r#"<config xmlns="{D4}" xmlns:nc="{NC}">
             <subnet4 nc:operation="delete"><id>7</id></subnet4>
             <valid-lifetime nc:operation="replace">300</valid-lifetime>
             <subnet4><id>8</id><subnet>10.0.8.0/24</subnet></subnet4>
           </config>"#
    );
    let ctx = context();
    let tree = parse_edit(ctx, &edit, DataFormat::XML).expect("edit parses");
    let del = tree
        .find_path("/kea-dhcp4-server:config/subnet4[id='7']")
        .expect("subnet 7");
    assert_eq!(
        edit_operation(&del).expect("meta"),
        Some(EditOperation::Delete)
    );
    let rep = tree
        .find_path("/kea-dhcp4-server:config/valid-lifetime")
        .expect("valid-lifetime");
    assert_eq!(
        edit_operation(&rep).expect("meta"),
        Some(EditOperation::Replace)
    );
    let plain = tree
        .find_path("/kea-dhcp4-server:config/subnet4[id='8']")
        .expect("subnet 8");
    assert_eq!(edit_operation(&plain).expect("meta"), None);

    // Printing keeps the attribute, so the edit survives a round trip.
    let xml = print_tree(&tree, DataFormat::XML, WithDefaults::Explicit).expect("print");
    assert!(xml.contains("operation=\"delete\""), "{xml}");
}

#[test]
fn edit_keeps_operation_metadata_json() {
    let edit = r#"{"kea-dhcp4-server:config": {"subnet4": [
        {"id": 7, "@": {"ietf-netconf:operation": "remove"}}]}}"#;
    let tree = parse_edit(context(), edit, DataFormat::JSON).expect("edit parses");
    let node = tree
        .find_path("/kea-dhcp4-server:config/subnet4[id='7']")
        .expect("subnet 7");
    assert_eq!(
        edit_operation(&node).expect("meta"),
        Some(EditOperation::Remove)
    );
}

#[test]
fn edit_rejects_unknown_nodes_and_bad_operations() {
    let ctx = context();
    let unknown = format!(r#"<config xmlns="{D4}"><no-such-leaf>1</no-such-leaf></config>"#);
    assert!(parse_edit(ctx, &unknown, DataFormat::XML).is_err());
    let bad_op = format!(
        r#"<config xmlns="{D4}" xmlns:nc="{NC}"><valid-lifetime nc:operation="frobnicate">1</valid-lifetime></config>"#
    );
    assert!(parse_edit(ctx, &bad_op, DataFormat::XML).is_err());
    let state = format!(r#"<state xmlns="{D4}"><leases/></state>"#);
    assert!(parse_edit(ctx, &state, DataFormat::XML).is_err());
}

#[test]
fn netconf_operations_parse() {
    let ctx = context();
    let get_config = format!(
        r#"<get-config xmlns="{NC}"><source><running/></source>
             <filter type="xpath" select="/kea-dhcp4-server:config"/></get-config>"#
    );
    let rpc = parse_op(ctx, &get_config, DataFormat::XML, OpKind::Rpc).expect("get-config");
    assert!(
        rpc.find_path("/ietf-netconf:get-config/source/running")
            .is_ok()
    );

    let wd = format!(
        r#"<get xmlns="{NC}"><with-defaults xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults">report-all</with-defaults></get>"#
    );
    parse_op(ctx, &wd, DataFormat::XML, OpKind::Rpc).expect("get with-defaults");

    // The filter's type/select attributes are kept as metadata.
    let filter = rpc
        .find_path("/ietf-netconf:get-config/filter")
        .expect("filter");
    assert!(is_any_node(&filter));
    assert_eq!(
        meta_value(&filter, "ietf-netconf", "type").as_deref(),
        Some("xpath")
    );
    assert_eq!(
        meta_value(&filter, "ietf-netconf", "select").as_deref(),
        Some("/kea-dhcp4-server:config")
    );

    // edit-config: the <config> content comes back as XML text with the
    // operation attributes, ready for parse_edit.
    let edit = format!(
        r#"<edit-config xmlns="{NC}"><target><candidate/></target>
             <default-operation>none</default-operation>
             <config><config xmlns="{D4}" xmlns:nc="{NC}"><valid-lifetime>5</valid-lifetime>
               <subnet4 nc:operation="delete"><id>3</id></subnet4></config></config>
           </edit-config>"#
    );
    let rpc = parse_op(ctx, &edit, DataFormat::XML, OpKind::Rpc).expect("edit-config");
    let config = rpc
        .find_path("/ietf-netconf:edit-config/config")
        .expect("config");
    let content = any_content(&config).expect("content").expect("not empty");
    let parsed = parse_edit(ctx, &content, DataFormat::XML).expect("content parses");
    let subnet = parsed
        .find_path("/kea-dhcp4-server:config/subnet4[id='3']")
        .expect("subnet 3");
    assert_eq!(
        edit_operation(&subnet).expect("meta"),
        Some(EditOperation::Delete)
    );
    let target = rpc
        .find_path("/ietf-netconf:edit-config/default-operation")
        .expect("default-operation");
    assert!(!is_any_node(&target));
    assert_eq!(target.value_canonical().as_deref(), Some("none"));
    assert!(any_content(&target).is_err());

    let schema = r#"<get-schema xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring">
        <identifier>kea-dhcp4-server</identifier><version>2026-06-24</version></get-schema>"#;
    parse_op(ctx, schema, DataFormat::XML, OpKind::Rpc).expect("get-schema");

    let sub = r#"<create-subscription xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"/>"#;
    parse_op(ctx, sub, DataFormat::XML, OpKind::Rpc).expect("create-subscription");

    // Missing mandatory source, unsupported datastore, unknown operation.
    let no_source = format!(r#"<get-config xmlns="{NC}"/>"#);
    assert!(parse_op(ctx, &no_source, DataFormat::XML, OpKind::Rpc).is_err());
    let startup = format!(r#"<get-config xmlns="{NC}"><source><startup/></source></get-config>"#);
    assert!(parse_op(ctx, &startup, DataFormat::XML, OpKind::Rpc).is_err());
    let unknown = format!(r#"<frobnicate xmlns="{NC}"/>"#);
    assert!(parse_op(ctx, &unknown, DataFormat::XML, OpKind::Rpc).is_err());

    let notif = r#"<netconf-session-start xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-notifications">
        <username>admin</username><session-id>3</session-id></netconf-session-start>"#;
    parse_op(ctx, notif, DataFormat::XML, OpKind::Notification).expect("notification");
}

#[test]
fn with_defaults_modes_print_differently() {
    let ctx = context();
    let doc = r#"{"ietf-dhcpv6-server:server": {"server-config": {"serv-attributes": {
        "name": "s1", "vendor-info": {"ent-num": 2495}}}}}"#;
    let tree = parse_config(ctx, doc, DataFormat::JSON).expect("valid");
    let print = |wd| print_tree(&tree, DataFormat::XML, wd).expect("print");
    assert!(!print(WithDefaults::Explicit).contains("type-code"));
    assert!(!print(WithDefaults::Trim).contains("type-code"));
    let all = print(WithDefaults::ReportAll);
    assert!(all.contains("<type-code>65535</type-code>"), "{all}");
    let tagged = print(WithDefaults::ReportAllTagged);
    assert!(tagged.contains("default=\"true\""), "{tagged}");
    assert!(
        tagged.contains("urn:ietf:params:xml:ns:netconf:default:1.0"),
        "{tagged}"
    );
    assert_eq!(
        WithDefaults::from_name("report-all-tagged"),
        Some(WithDefaults::ReportAllTagged)
    );
    assert_eq!(WithDefaults::from_name("bogus"), None);
}

/// Compares our NETCONF modules with the RFC modules shipped by Debian's
/// libyuma-base (skipped when it is not installed).
#[test]
fn netconf_modules_match_rfc_modules() {
    let dir = Path::new("/usr/share/yuma/modules/ietf");
    if !dir.join("ietf-netconf@2011-06-01.yang").is_file() {
        eprintln!("SKIPPED: /usr/share/yuma/modules/ietf (Debian libyuma-base) not installed");
        return;
    }
    let mut rfc = Context::new(ContextFlags::DISABLE_SEARCHDIR_CWD).expect("context");
    rfc.set_searchdir(dir).expect("search dir");
    rfc.load_module(
        "ietf-netconf",
        Some("2011-06-01"),
        kea_yang::NETCONF_FEATURES,
    )
    .expect("RFC ietf-netconf");
    for (name, rev) in [
        ("ietf-netconf-with-defaults", "2011-06-01"),
        ("ietf-netconf-monitoring", "2010-10-04"),
        ("ietf-netconf-notifications", "2012-02-06"),
    ] {
        rfc.load_module(name, Some(rev), &[]).expect("RFC module");
    }
    let ours = context();
    let mut report = Vec::new();
    for name in [
        "ietf-netconf",
        "ietf-netconf-with-defaults",
        "ietf-netconf-monitoring",
        "ietf-netconf-notifications",
    ] {
        let a: BTreeMap<_, _> = module_facts(ours, name)
            .expect("ours")
            .into_iter()
            .map(|f| (f.path.clone(), f))
            .collect();
        let b: BTreeMap<_, _> = module_facts(&rfc, name)
            .expect("RFC")
            .into_iter()
            .map(|f| (f.path.clone(), f))
            .collect();
        for (path, theirs) in &b {
            match a.get(path) {
                None => report.push(format!("missing: {path} {}", theirs.summary())),
                Some(o) if o != theirs => report.push(format!(
                    "differs: {path}\n    RFC:  {}\n    ours: {}",
                    theirs.summary(),
                    o.summary()
                )),
                _ => {}
            }
        }
        for path in a.keys().filter(|p| !b.contains_key(*p)) {
            report.push(format!("extra: {path}"));
        }
        eprintln!("{name}: {} schema nodes compared", b.len());
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn hello_capabilities_and_yang_library() {
    let ctx = context();
    let modules = kea_yang::implemented_modules(ctx);
    let nc = modules
        .iter()
        .find(|m| m.name == "ietf-netconf")
        .expect("ietf-netconf");
    assert_eq!(
        nc.capability(),
        format!(
            "{NC}?module=ietf-netconf&revision=2013-09-29&features={}",
            kea_yang::NETCONF_FEATURES.join(",")
        )
    );
    let d4 = modules
        .iter()
        .find(|m| m.name == "kea-dhcp4-server")
        .expect("dhcp4");
    assert_eq!(
        d4.capability(),
        format!("{D4}?module=kea-dhcp4-server&revision=2026-06-24")
    );
    assert!(modules.iter().any(|m| m.name == "ietf-yang-library"));
    assert!(
        !modules.iter().any(|m| m.name == "kea-types"),
        "imported-only module listed"
    );
    let opts = modules
        .iter()
        .find(|m| m.name == "ietf-dhcpv6-options")
        .expect("options");
    assert_eq!(opts.features.len(), 48);

    let lib = kea_yang::yang_library_data(ctx).expect("yang-library data");
    let json = print_tree(&lib, DataFormat::JSON, WithDefaults::Explicit).expect("print");
    assert!(json.contains("\"kea-dhcp6-server\""), "{json}");
    assert!(json.contains("content-id"), "{json}");
    // The deprecated RFC 7895 view comes along, with the same id.
    assert!(
        json.contains("\"ietf-yang-library:modules-state\""),
        "{json}"
    );
    let id = ctx.get_module_set_id().to_string();
    assert!(
        json.contains(&format!("\"content-id\": \"{id}\"")),
        "{json}"
    );
    assert!(
        json.contains(&format!("\"module-set-id\": \"{id}\"")),
        "{json}"
    );

    let caps = kea_yang::yang_library_capabilities(ctx);
    assert_eq!(
        caps,
        vec![
            format!(
                "urn:ietf:params:netconf:capability:yang-library:1.0?revision=2016-06-21&module-set-id={id}"
            ),
            format!(
                "urn:ietf:params:netconf:capability:yang-library:1.1?revision=2019-01-04&content-id={id}"
            ),
        ]
    );
}
