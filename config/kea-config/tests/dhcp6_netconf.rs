//! Dhcp6 and Netconf models: typed values, inheritance, broken configs.

use kea_config::{
    ConfigError, Dhcp6Config, DuidType, ManagedService, NetconfConfig, NetconfSocketType,
    NetconfUserAuth,
};

fn v6(text: &str) -> Result<Dhcp6Config, ConfigError> {
    Dhcp6Config::from_text(text, "t6.json").map(|l| l.config)
}

fn v6_err(text: &str) -> String {
    match v6(text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn nc(text: &str) -> Result<NetconfConfig, ConfigError> {
    NetconfConfig::from_text(text, "nc.json").map(|l| l.config)
}

fn nc_err(text: &str) -> String {
    match nc(text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn dhcp6_defaults_and_typed_values() {
    let c = v6(r#"{ "Dhcp6": {
        "preferred-lifetime": 3000, "min-preferred-lifetime": 2000,
        "server-id": { "type": "EN", "enterprise-id": 2495, "identifier": "0123" },
        "interfaces-config": { "interfaces": [ "eth0/2001:db8::1" ] },
        "subnet6": [ { "id": 1, "subnet": "2001:db8:1::/48", "interface-id": "x", "rapid-commit": true,
            "pools": [ { "pool": "2001:db8:1::10 - 2001:db8:1::ff" }, { "pool": "2001:db8:1:1::/64" } ],
            "pd-pools": [ { "prefix": "2001:db8:1:8000::", "prefix-len": 49, "delegated-len": 56,
                            "excluded-prefix": "2001:db8:1:8000::", "excluded-prefix-len": 60 } ],
            "reservations": [ { "duid": "01:02:03:04", "ip-addresses": [ "2001:db8:1::5" ], "prefixes": [ "2001:db8:1:9000::/56" ] } ] } ] } }"#)
    .unwrap();
    assert_eq!(c.params.valid_lifetime, Some(7200));
    assert_eq!(c.params.calculate_tee_times, Some(true));
    assert_eq!(c.params.t2_percent, Some(0.8));
    assert_eq!(c.server_id.duid_type, DuidType::En);
    assert!(c.server_id.persist);
    assert_eq!(c.mac_sources, vec!["any"]);
    let s = c.subnet(1).unwrap();
    let p = c.effective_params(s);
    assert_eq!(p.rapid_commit, Some(true));
    let pt = p.preferred_lifetime_triplet().unwrap();
    assert_eq!((pt.min, pt.default, pt.max), (2000, 3000, 3000));
    assert_eq!(s.pools.len(), 2);
    assert_eq!(s.pd_pools[0].prefix.to_string(), "2001:db8:1:8000::/49");
    assert_eq!(s.pd_pools[0].delegated_len, 56);
    assert_eq!(
        s.pd_pools[0].excluded_prefix.unwrap().to_string(),
        "2001:db8:1:8000::/60"
    );
    assert_eq!(s.reservations[0].prefixes.len(), 1);
    let out = c.to_element();
    let d = out.get("Dhcp6").unwrap();
    assert_eq!(
        d.get("server-id")
            .unwrap()
            .get("htype")
            .unwrap()
            .as_int()
            .unwrap(),
        0
    );
    assert_eq!(
        d.get("dhcp-queue-control")
            .unwrap()
            .get("queue-type")
            .unwrap()
            .as_str()
            .unwrap(),
        "kea-ring6"
    );
    let again = Dhcp6Config::from_root(&out).unwrap().config;
    assert_eq!(again.to_element(), out);
}

#[test]
fn dhcp6_broken_configs() {
    assert_eq!(
        v6_err(
            r#"{ "Dhcp6": { "subnet6": [ { "id": 1, "subnet": "2001:db8::/64", "pd-pools": [ { "prefix": "2001:db8:1::", "prefix-len": 48, "delegated-len": 64, "pool": "x" } ] } ] } }"#
        ),
        "t6.json:1:146: got unexpected keyword \"pool\" in pd-pools map."
    );
    assert!(
        v6_err(r#"{ "Dhcp6": { "interfaces-config": { "dhcp-socket-type": "raw" } } }"#)
            .contains("got unexpected keyword \"dhcp-socket-type\" in interfaces-config map.")
    );
    assert!(
        v6_err(r#"{ "Dhcp6": { "server-id": { "type": "XYZ" } } }"#)
            .contains("unexpected constant string \"XYZ\", expecting LLT or EN or LL")
    );
    assert!(v6_err(r#"{ "Dhcp6": { "subnet6": [ { "id": 1, "subnet": "2001:db8::/64", "pd-pools": [ { "prefix": "2001:db8:1::", "prefix-len": 64, "delegated-len": 48 } ] } ] } }"#)
        .contains("delegated length (48) must be greater than or equal to prefix length (64)"));
    assert!(v6_err(r#"{ "Dhcp6": { "subnet6": [ { "id": 1, "subnet": "2001:db8::/64", "pd-pools": [ { "prefix": "2001:db8:1::", "prefix-len": 129, "delegated-len": 64 } ] } ] } }"#)
        .contains("out of range value (129) specified for parameter 'prefix-len'"));
    assert!(v6_err(r#"{ "Dhcp6": { "subnet6": [ { "id": 1, "subnet": "2001:db8::/64", "pools": [ { "pool": "2001:db9::/64" } ] } ] } }"#)
        .contains("does not match the prefix of a subnet"));
    assert!(
        v6_err(r#"{ "Dhcp6": { "mac-sources": [ ] } }"#).contains("mac-sources must not be empty")
    );
    assert!(
        v6_err(r#"{ "Dhcp6": { "mac-sources": [ "bogus" ] } }"#)
            .contains("unknown MAC source 'bogus'")
    );
    assert!(
        v6_err(r#"{ "Dhcp6": { "reservations": [ { "client-id": "01:02" } ] } }"#)
            .contains("got unexpected keyword \"client-id\" in reservations map.")
    );
    assert!(
        v6_err(r#"{ "Dhcp6": { "host-reservation-identifiers": [ "circuit-id" ] } }"#)
            .contains("expecting hw-address or duid or flex-id")
    );
    assert!(
        v6_err(r#"{ "Dhcp6": { "compatibility": { "ignore-rai-link-selection": true } } }"#)
            .contains("in compatibility map.")
    );
}

#[test]
fn non_canonical_subnets_are_compared_textually() {
    let c = v6(r#"{ "Dhcp6": { "subnet6": [ { "id": 1, "subnet": "2001:db8::/64" }, { "id": 2, "subnet": "2001:db8::1/64" } ] } }"#)
        .unwrap();
    assert_eq!(c.subnets[1].subnet.to_string(), "2001:db8::1/64");
    assert!(v6_err(r#"{ "Dhcp6": { "subnet6": [ { "id": 1, "subnet": "2001:db8::/64" }, { "id": 2, "subnet": "2001:db8::/64" } ] } }"#)
        .contains("subnet with the prefix of '2001:db8::/64' already exists"));
}

#[test]
fn netconf_typed_values_and_defaults() {
    let c = nc(r#"{ "Netconf": { "boot-update": false,
        "managed-servers": {
            "dhcp4": { "comment": "DHCPv4 server", "control-socket": { "socket-type": "unix", "socket-name": "kea4-ctrl-socket" } },
            "ca": { "control-socket": { "socket-type": "http", "socket-url": "http://127.0.0.1:8000/" }, "validate-changes": false } },
        "hooks-libraries": [ { "library": "/usr/lib/libfoo.so", "parameters": { "param1": "foo" } } ],
        "netconf-server": { "port": 8300, "users": [ { "name": "admin", "password": "secret" },
                                                      { "name": "ops", "authorized-key": "ssh-ed25519 AAAA ops" } ] } } }"#)
    .unwrap();
    assert!(!c.boot_update);
    assert!(c.subscribe_changes);
    let d4 = c.managed_server(ManagedService::Dhcp4).unwrap();
    assert_eq!(d4.model, "kea-dhcp4-server");
    assert!(!d4.boot_update, "inherits the global flag");
    assert_eq!(d4.control_socket.socket_type, NetconfSocketType::Unix);
    assert_eq!(
        d4.user_context
            .as_ref()
            .unwrap()
            .get("comment")
            .unwrap()
            .as_str()
            .unwrap(),
        "DHCPv4 server"
    );
    let ca = c.managed_server(ManagedService::Ca).unwrap();
    assert!(!ca.validate_changes);
    assert_eq!(ca.model, "kea-ctrl-agent");
    assert!(c.managed_server(ManagedService::Dhcp6).is_none());
    assert_eq!(c.netconf_server.port, 8300);
    assert_eq!(c.netconf_server.address.to_string(), "127.0.0.1");
    assert_eq!(
        c.netconf_server.users[1].auth,
        NetconfUserAuth::AuthorizedKey("ssh-ed25519 AAAA ops".into())
    );
    let empty = nc(r#"{ "Netconf": { } }"#).unwrap();
    assert_eq!(empty.netconf_server.port, 830);
    assert!(empty.managed_servers.is_empty());
    let out = c.to_element();
    assert_eq!(
        NetconfConfig::from_root(&out).unwrap().config.to_element(),
        out
    );
}

#[test]
fn netconf_broken_configs() {
    assert_eq!(
        nc_err(r#"{ "Netconf": { "managed-servers": { "dhcp5": { } } } }"#),
        "nc.json:1:37: got unexpected keyword \"dhcp5\" in managed-servers map."
    );
    assert!(nc_err(r#"{ "Netconf": { "managed-servers": { "dhcp4": { "control-socket": { "socket-type": "https" } } } } }"#)
        .contains("expecting unix or http or stdout"));
    assert!(nc_err(r#"{ "Netconf": { "managed-servers": { "dhcp4": { "control-socket": { "trust-anchor": "x" } } } } }"#)
        .contains("got unexpected keyword \"trust-anchor\" in control-socket map."));
    assert!(
        nc_err(r#"{ "Netconf": { "netconf-server": { "users": [ { "name": "a" } ] } } }"#)
            .contains("exactly one of 'password' or 'authorized-key'")
    );
    assert!(nc_err(r#"{ "Netconf": { "netconf-server": { "users": [ { "name": "a", "password": "x", "authorized-key": "k" } ] } } }"#)
        .contains("exactly one of 'password' or 'authorized-key'"));
    assert!(
        nc_err(r#"{ "Netconf": { "netconf-server": { "address": "nowhere" } } }"#)
            .contains("'nowhere' is not a valid IP address")
    );
    assert!(
        nc_err(r#"{ "Netconf": { "netconf-server": { "port": 70000 } } }"#)
            .contains("out of range value (70000) specified for parameter 'port'")
    );
    assert!(
        nc_err(r#"{ "Netconf": { "subnet4": [ ] } }"#)
            .contains("got unexpected keyword \"subnet4\" in Netconf map.")
    );
    // A file holding several daemons' objects: the others are ignored with a warning.
    let l = NetconfConfig::from_text(
        r#"{ "Netconf": { }, "Dhcp4": { "anything": 1 } }"#,
        "nc.json",
    )
    .unwrap();
    assert_eq!(l.warnings.len(), 1);
}

#[test]
fn fragments_for_commands() {
    use kea_config::{ClientClass, Reservation4, Subnet4, Subnet6, parse_str};
    let s = parse_str(
        r#"{ "id": 9, "subnet": "10.9.0.0/16", "pools": [ { "pool": "10.9.0.0/24" } ] }"#,
        "<string>",
    )
    .unwrap();
    let sub = Subnet4::from_element(&s).unwrap().config;
    assert_eq!((sub.id, sub.pools[0].size()), (9, 256));
    let bad = parse_str(
        r#"{ "id": 9, "subnet": "10.9.0.0/16", "pools": [ { "pool": "10.8.0.0/24" } ] }"#,
        "<string>",
    )
    .unwrap();
    assert!(
        Subnet4::from_element(&bad)
            .unwrap_err()
            .command_text()
            .ends_with("(<string>:1:58)")
    );
    let s6 = parse_str(
        r#"{ "id": 1, "subnet": "2001:db8::/64", "rapid-commit": true }"#,
        "<string>",
    )
    .unwrap();
    assert_eq!(
        Subnet6::from_element(&s6)
            .unwrap()
            .config
            .params
            .rapid_commit,
        Some(true)
    );
    let h = parse_str(
        r#"{ "hw-address": "AA:BB:CC:DD:EE:FF", "ip-address": "10.9.0.5" }"#,
        "<string>",
    )
    .unwrap();
    assert_eq!(
        Reservation4::from_element(&h)
            .unwrap()
            .config
            .identifier
            .value,
        vec![0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]
    );
    let c = parse_str(r#"{ "name": "voip", "test": "substring(option[60].hex,0,6) == 'Aastra'", "next-server": "10.0.0.1" }"#, "<string>")
        .unwrap();
    assert_eq!(
        ClientClass::from_element(&c, false)
            .unwrap()
            .config
            .next_server,
        Some("10.0.0.1".parse().unwrap())
    );
    assert!(
        ClientClass::from_element(&c, true).is_err(),
        "next-server is v4 only"
    );
}
