//! ietf-dhcpv6-server: the subnet part Kea supports, both ways.

use kea_translators::{Model, TranslateError, Translator};
use kea_yang::yang2::data::DataFormat;
use serde_json::json;

fn translator() -> Translator {
    Translator::new(kea_yang::context(), Model::IetfDhcpv6).expect("ietf translator")
}

#[test]
fn subnets_prefix_pools_and_pd_pools_round_trip() {
    let t = translator();
    let kea = json!({"Dhcp6": {"subnet6": [
        {"id": 1, "subnet": "2001:db8:1::/64", "user-context": {"description": "floor 13"},
         "valid-lifetime": 4000, "preferred-lifetime": 3000, "renew-timer": 1000, "rebind-timer": 2000,
         "pools": [{"pool": "2001:db8:1::/112"}, {"pool": "2001:db8:1::1:0/112", "client-class": "phones"}],
         "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 48, "delegated-len": 56}]},
        {"id": 2, "subnet": "2001:db8:2::/64", "pools": [{"pool": "2001:db8:2::/120"}]}
    ]}});
    let tree = t
        .to_yang(&kea)
        .expect("validates against the full draft schema");
    let xml =
        kea_yang::print_tree(&tree, DataFormat::XML, kea_yang::WithDefaults::Explicit).unwrap();
    assert!(
        xml.contains("<network-prefix>2001:db8:1::/64</network-prefix>"),
        "{xml}"
    );
    let back = t.to_kea(&tree).unwrap();
    assert_eq!(
        back,
        json!({"Dhcp6": {"subnet6": [
            {"id": 1, "subnet": "2001:db8:1::/64", "user-context": {"description": "floor 13"},
             "valid-lifetime": 4000, "preferred-lifetime": 3000, "renew-timer": 1000, "rebind-timer": 2000,
             "pools": [{"pool": "2001:db8:1::/112"}, {"pool": "2001:db8:1::1:0/112", "client-class": "phones"}],
             "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 48, "delegated-len": 56}]},
            // Timers the draft makes mandatory come back with Kea's defaults.
            {"id": 2, "subnet": "2001:db8:2::/64", "user-context": {"description": ""},
             "valid-lifetime": 7200, "preferred-lifetime": 3600, "renew-timer": 1800, "rebind-timer": 2880,
             "pools": [{"pool": "2001:db8:2::/120"}]}
        ]}})
    );
}

#[test]
fn what_the_model_cannot_hold_is_refused() {
    let t = translator();
    for (kea, needle) in [
        (
            json!({"Dhcp6": {"subnet6": [{"id": 1, "subnet": "2001:db8::/64", "pools": [{"pool": "2001:db8::1 - 2001:db8::9"}]}]}}),
            "prefix pools only",
        ),
        (
            json!({"Dhcp6": {"subnet6": [{"id": 1, "subnet": "2001:db8::/64", "option-data": []}]}}),
            "option-data",
        ),
        (
            json!({"Dhcp6": {"subnet6": [{"subnet": "2001:db8::/64"}]}}),
            "id",
        ),
        (json!({"Dhcp6": {"loggers": []}}), "only subnets"),
    ] {
        let err = t.to_yang(&kea).unwrap_err().to_string();
        assert!(err.contains(needle), "{kea}: {err}");
    }
}

#[test]
fn pools_with_different_timers_cannot_be_lifted() {
    let t = translator();
    let kea = json!({"Dhcp6": {"subnet6": [{"id": 1, "subnet": "2001:db8::/64",
        "pools": [{"pool": "2001:db8::/120"}, {"pool": "2001:db8::100/120"}]}]}});
    let tree = t.to_yang(&kea).unwrap();
    let mut xml =
        kea_yang::print_tree(&tree, DataFormat::XML, kea_yang::WithDefaults::Explicit).unwrap();
    // Give the second pool another valid lifetime.
    let second = xml.rfind("<valid-lifetime>7200</valid-lifetime>").unwrap();
    xml.replace_range(
        second..second + "<valid-lifetime>7200</valid-lifetime>".len(),
        "<valid-lifetime>99</valid-lifetime>",
    );
    let tree = kea_yang::parse_config(kea_yang::context(), &xml, DataFormat::XML).unwrap();
    let err = t.to_kea(&tree).unwrap_err();
    assert!(
        matches!(err, TranslateError::Yang { .. }) && err.to_string().contains("inconsistent"),
        "{err}"
    );
}
