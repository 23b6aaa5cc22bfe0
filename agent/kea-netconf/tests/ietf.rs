//! kea-dhcp6 managed through the `ietf-dhcpv6-server` model: the model holds
//! only subnets and pools, so what the agent pushes (at boot and on a
//! commit) is merged into the server's configuration instead of replacing
//! it.

mod common;

use std::time::Duration;

use common::{Agent, AgentOptions, Kea};
use serde_json::json;

#[test]
fn ietf_commits_merge_into_the_server_configuration() {
    require_tools!(false);
    let kea = Kea::start(json!({
        "option-data": [{"name": "dns-servers", "data": "2001:db8::53"}],
        "preferred-lifetime": 3000,
        "valid-lifetime": 4000,
        "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64",
                     "option-data": [{"name": "dns-servers", "data": "2001:db8:1::53"}],
                     "pools": [{"pool": "2001:db8:1::/80"},
                               {"pool": "2001:db8:1:0:1::1 - 2001:db8:1:0:1::ff"}]}]
    }));
    let mut agent = Agent::configure(
        &kea.socket,
        &AgentOptions {
            model: "ietf-dhcpv6-server",
            ..AgentOptions::default()
        },
    );
    agent.start();

    // Boot: startup was seeded with the subnet (the part the model holds)
    // and pushed back without losing the rest.
    let out = agent.sysrepocfg(&[
        "-d",
        "startup",
        "-f",
        "xml",
        "-m",
        "ietf-dhcpv6-server",
        "--export",
    ]);
    let startup = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && startup.contains("2001:db8:1::/64"),
        "startup not seeded: {startup}{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        common::tail(&agent.log(), 40)
    );
    assert!(
        agent.log().contains("NETCONF_BOOT_UPDATE_COMPLETED"),
        "no boot update: {}",
        common::tail(&agent.log(), 40)
    );
    let config = kea.config();
    assert_eq!(config["option-data"][0]["data"], "2001:db8::53", "{config}");
    // The inherited lifetime went through the model's per-pool leaves.
    assert_eq!(config["subnet6"][0]["valid-lifetime"], 4000, "{config}");
    assert_eq!(
        config["subnet6"][0]["option-data"][0]["data"], "2001:db8:1::53",
        "{config}"
    );

    // A commit adding a network range.
    let edit = agent.dir.path().join("edit.xml");
    std::fs::write(
        &edit,
        "<server xmlns=\"urn:ietf:params:xml:ns:yang:ietf-dhcpv6-server\"><server-config><network-ranges>\
         <network-range><network-range-id>2</network-range-id><network-description>second</network-description>\
         <network-prefix>2001:db8:2::/64</network-prefix><address-pools><address-pool>\
         <pool-id>0</pool-id><pool-prefix>2001:db8:2::/80</pool-prefix>\
         <start-address>2001:db8:2::</start-address><end-address>2001:db8:2::ffff:ffff:ffff</end-address>\
         <valid-lifetime>4000</valid-lifetime><renew-time>1000</renew-time><rebind-time>2000</rebind-time>\
         <preferred-lifetime>3000</preferred-lifetime><rapid-commit>false</rapid-commit>\
         <max-address-count>disabled</max-address-count><option-set-id>0</option-set-id>\
         </address-pool></address-pools></network-range></network-ranges></server-config></server>",
    )
    .expect("write edit");
    let out = agent.sysrepocfg(&["-d", "running", &format!("--edit={}", edit.display())]);
    assert!(
        out.status.success(),
        "edit failed: {}{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        common::tail(&agent.log(), 40)
    );
    assert!(
        common::wait_for(Duration::from_secs(10), || kea.subnets().len() == 2),
        "the server did not get the second subnet: {}",
        kea.config()
    );
    let config = kea.config();
    assert_eq!(kea.subnets(), ["2001:db8:1::/64", "2001:db8:2::/64"]);
    assert_eq!(config["option-data"][0]["data"], "2001:db8::53", "{config}");
    let s1 = &config["subnet6"][0];
    assert_eq!(s1["option-data"][0]["data"], "2001:db8:1::53", "{config}");
    let pools: Vec<String> = s1["pools"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p["pool"].as_str())
                .map(|p| p.split_whitespace().collect())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        pools.contains(&"2001:db8:1:0:1::1-2001:db8:1:0:1::ff".to_string()),
        "range pool lost: {config}"
    );
    assert_eq!(
        config["subnet6"][1]["user-context"]["description"], "second",
        "{config}"
    );
}
