//! List order through YANG. ISC's models order only subnets, pools,
//! pd-pools and client classes "by user"; every other list and leaf-list is
//! ordered "by system", and libyang keeps those sorted by key. Kea depends
//! on the order of some of them (hook libraries are loaded and called in
//! list order, host identifiers are tried in list order): the trip through
//! YANG sorts them (a documented deviation), and
//! `Translator::follow_order` puts them back in a reference config's order.

use kea_translators::{Model, Translator};
use serde_json::{Value, json};

fn ours() -> &'static kea_yang::yang2::context::Context {
    kea_yang::context()
}

fn hooks(libraries: &[&str]) -> Value {
    Value::Array(libraries.iter().map(|l| json!({"library": l})).collect())
}

fn config() -> Value {
    json!({"Dhcp4": {
        "hooks-libraries": hooks(&[
            "/usr/lib/kea/hooks/libdhcp_lease_cmds.so",
            "/usr/lib/kea/hooks/libdhcp_ha.so",
            "/usr/lib/kea/hooks/libdhcp_bootp.so"
        ]),
        "host-reservation-identifiers": ["hw-address", "duid", "circuit-id"],
        "subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
            "option-data": [
                {"code": 6, "space": "dhcp4", "data": "192.0.2.53"},
                {"code": 3, "space": "dhcp4", "data": "192.0.2.1"}
            ],
            "reservations": [
                {"hw-address": "02:00:00:00:00:02", "ip-address": "192.0.2.20"},
                {"circuit-id": "'charter950'", "ip-address": "192.0.2.10"}
            ]}]
    }})
}

fn libraries(kea: &Value) -> Vec<&str> {
    kea["Dhcp4"]["hooks-libraries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["library"].as_str().unwrap())
        .collect()
}

#[test]
fn yang_sorts_system_ordered_lists() {
    let t = Translator::new(ours(), Model::KeaDhcp4).unwrap();
    let kea = config();
    let tree = t.to_yang(&kea).unwrap();
    let back = t.to_kea(&tree).unwrap();
    assert_ne!(back, kea, "the order is lost through YANG");
    let got = libraries(&back);
    let mut sorted = got.clone();
    sorted.sort_unstable();
    assert_eq!(got, sorted);
    // Same content.
    let (mut a, mut b) = (back.clone(), kea.clone());
    t.sort_system_ordered(&mut a);
    t.sort_system_ordered(&mut b);
    assert_eq!(a, b);
}

#[test]
fn follow_order_restores_kea_order() {
    let t = Translator::new(ours(), Model::KeaDhcp4).unwrap();
    let kea = config();
    let tree = t.to_yang(&kea).unwrap();
    let mut back = t.to_kea(&tree).unwrap();
    t.follow_order(&mut back, &kea);
    assert_eq!(back, kea);
    assert_eq!(
        back["Dhcp4"]["host-reservation-identifiers"],
        json!(["hw-address", "duid", "circuit-id"])
    );

    // Entries the reference lacks come after the known ones, in YANG order;
    // the reference may be the inner map.
    let mut edited = kea.clone();
    edited["Dhcp4"]["hooks-libraries"]
        .as_array_mut()
        .unwrap()
        .extend([json!({"library": "/z.so"}), json!({"library": "/a.so"})]);
    let tree = t.to_yang(&edited).unwrap();
    let mut back = t.to_kea(&tree).unwrap();
    t.follow_order(&mut back, &kea["Dhcp4"]);
    assert_eq!(
        libraries(&back),
        [
            "/usr/lib/kea/hooks/libdhcp_lease_cmds.so",
            "/usr/lib/kea/hooks/libdhcp_ha.so",
            "/usr/lib/kea/hooks/libdhcp_bootp.so",
            "/a.so",
            "/z.so"
        ]
    );
}

#[test]
fn later_libyang_inserts_keep_the_tree_usable() {
    let t = Translator::new(ours(), Model::KeaDhcp4).unwrap();
    let mut tree = t.to_yang(&config()).unwrap();
    kea_yang::set_path(
        &mut tree,
        "/kea-dhcp4-server:config/hook-library[library='/usr/lib/kea/hooks/libdhcp_a.so']",
        None,
    )
    .unwrap();
    kea_yang::validate_config(&mut tree).unwrap();
    let mut back = t.to_kea(&tree).unwrap();
    t.follow_order(&mut back, &config());
    let got = libraries(&back);
    assert_eq!(got.len(), 4);
    assert_eq!(got[3], "/usr/lib/kea/hooks/libdhcp_a.so");
    for library in &got {
        let path = format!("/kea-dhcp4-server:config/hook-library[library='{library}']");
        assert!(
            kea_yang::find_node(&tree, &path).unwrap().is_some(),
            "{path}"
        );
    }
}
