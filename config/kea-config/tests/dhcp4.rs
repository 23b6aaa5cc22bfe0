//! Dhcp4 model: broken configs get the right message and position; inheritance,
//! normalization, defaults, hash.

use kea_config::{
    ConfigError, ConflictResolutionMode, Dhcp4Config, DhcpSocketType, ErrorKind,
    HostIdentifierType, InterfaceSpec, Value, check_hooks_supported,
};

fn load(text: &str) -> Result<kea_config::Loaded<Dhcp4Config>, ConfigError> {
    Dhcp4Config::from_text(text, "t.json")
}

fn err(text: &str) -> String {
    match load(text) {
        Ok(_) => panic!("config unexpectedly accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn minimal_config_gets_defaults() {
    let l =
        load(r#"{ "Dhcp4": { "subnet4": [ { "id": 1, "subnet": "192.0.2.0/24" } ] } }"#).unwrap();
    let c = l.config;
    assert!(l.warnings.is_empty());
    assert_eq!(c.params.valid_lifetime, Some(7200));
    assert_eq!(c.params.t1_percent, Some(0.5));
    assert_eq!(c.params.t2_percent, Some(0.875));
    assert_eq!(c.params.calculate_tee_times, Some(false));
    assert_eq!(c.params.match_client_id, Some(true));
    assert_eq!(c.params.cache_threshold, Some(0.25));
    assert_eq!(c.decline_probation_period, 86400);
    assert!(c.echo_client_id);
    assert_eq!(
        c.host_reservation_identifiers,
        vec![
            HostIdentifierType::HwAddress,
            HostIdentifierType::Duid,
            HostIdentifierType::CircuitId,
            HostIdentifierType::ClientId
        ]
    );
    assert_eq!(c.interfaces_config.dhcp_socket_type, DhcpSocketType::Raw);
    assert!(c.multi_threading.enable_multi_threading);
    assert_eq!(c.expired_leases_processing.hold_reclaimed_time, 3600);
    assert_eq!(c.lease_database.lfc_interval, 3600);
    let out = c.to_element();
    let d = out.get("Dhcp4").unwrap();
    assert_eq!(d.get("valid-lifetime").unwrap().as_int().unwrap(), 7200);
    assert_eq!(d.get("next-server").unwrap().as_str().unwrap(), "0.0.0.0");
    assert_eq!(
        d.get("lease-database")
            .unwrap()
            .get("type")
            .unwrap()
            .as_str()
            .unwrap(),
        "memfile"
    );
    assert!(
        err(r#"{ "Dhcp4": { "hosts-databases": [ { "type": "mysql", "nme": "x" } ] } }"#)
            .ends_with("got unexpected keyword \"nme\" in hosts-databases map.")
    );
    let s = &d.get("subnet4").unwrap().as_list().unwrap()[0];
    assert!(s.get("pools").unwrap().as_list().unwrap().is_empty());
    assert!(
        s.get("valid-lifetime").is_none(),
        "subnets inherit, nothing is copied into them"
    );
}

#[test]
fn unknown_keywords_at_every_depth() {
    let cases = [
        (
            r#"{ "Dhcp4": {
  "foo-bar": 1 } }"#,
            "t.json:2:3: got unexpected keyword \"foo-bar\" in Dhcp4 map.",
        ),
        (
            r#"{ "Dhcp4": { "subnet4": [ { "id": 1, "subnet": "10.0.0.0/8",
    "bogus": 2 } ] } }"#,
            "t.json:2:5: got unexpected keyword \"bogus\" in subnet4 map.",
        ),
        (
            r#"{ "Dhcp4": { "subnet4": [ { "id": 1, "subnet": "10.0.0.0/8", "pools": [ { "pool": "10.0.0.1-10.0.0.9",
      "x": 1 } ] } ] } }"#,
            "t.json:2:7: got unexpected keyword \"x\" in pools map.",
        ),
        (
            r#"{ "Dhcp4": { "subnet4": [ { "id": 1, "subnet": "10.0.0.0/8", "pools": [ { "pool": "10.0.0.1-10.0.0.9",
      "option-data": [ { "name": "routers", "dat": "10.0.0.1" } ] } ] } ] } }"#,
            "t.json:2:45: got unexpected keyword \"dat\" in option-data map.",
        ),
        (
            r#"{ "Dhcp4": { "shared-networks": [ { "name": "n", "subnet4": [ { "id": 1, "subnet": "10.0.0.0/8", "reservations": [
   { "hw-address": "01:02:03:04:05:06", "ip": "10.0.0.5" } ] } ] } ] } }"#,
            "t.json:2:41: got unexpected keyword \"ip\" in reservations map.",
        ),
        (
            r#"{ "Dhcp4": { "interfaces-config": { "interface": [ "eth0" ] } } }"#,
            "t.json:1:37: got unexpected keyword \"interface\" in interfaces-config map.",
        ),
        (
            r#"{ "Dhcp4": { "control-sockets": [ { "socket-type": "http", "authentication": { "type": "basic",
   "clients": [ { "user": "a", "pass": "b" } ] } } ] } }"#,
            "t.json:2:32: got unexpected keyword \"pass\" in clients map.",
        ),
        (
            r#"{ "Dhcp4": { "loggers": [ { "name": "kea-dhcp4", "output-options": [ { "output": "stdout", "rotate": 1 } ] } ] } }"#,
            "t.json:1:92: got unexpected keyword \"rotate\" in output-options map.",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(err(text), expected);
    }
}

#[test]
fn wrong_types_ranges_and_enums() {
    let cases = [
        (
            r#"{ "Dhcp4": { "valid-lifetime": "abc" } }"#,
            "t.json:1:32: syntax error, unexpected constant string, expecting integer",
        ),
        (
            r#"{ "Dhcp4": { "interfaces-config": { "interfaces": "eth0" } } }"#,
            "t.json:1:51: syntax error, unexpected constant string, expecting [",
        ),
        (
            r#"{ "Dhcp4": { "subnet4": { } } }"#,
            "t.json:1:25: syntax error, unexpected {, expecting [",
        ),
        (
            r#"{ "Dhcp4": { "authoritative": 1 } }"#,
            "t.json:1:31: syntax error, unexpected integer, expecting boolean",
        ),
        (
            r#"{ "Dhcp4": { "interfaces-config": { "dhcp-socket-type": "bad" } } }"#,
            "t.json:1:57: syntax error, unexpected constant string \"bad\", expecting raw or udp",
        ),
        (
            r#"{ "Dhcp4": { "ddns-replace-client-name": true } }"#,
            "t.json:1:42: syntax error, unexpected boolean, expecting when-present or never or always or when-not-present",
        ),
        (
            r#"{ "Dhcp4": { "valid-lifetime": -1 } }"#,
            "t.json:1:32: out of range value (-1) specified for parameter 'valid-lifetime'",
        ),
        (
            r#"{ "Dhcp4": { "valid-lifetime": 4294967296 } }"#,
            "t.json:1:32: out of range value (4294967296) specified for parameter 'valid-lifetime'",
        ),
        (
            r#"{ "Dhcp4": { "t1-percent": 1.5 } }"#,
            "t.json:1:28: out of range value (1.5) specified for parameter 't1-percent'",
        ),
        (
            r#"{ "Dhcp4": { "subnet4": [ { "id": 0, "subnet": "10.0.0.0/8" } ] } }"#,
            "t.json:1:35: out of range value (0) specified for parameter 'id'",
        ),
        (
            r#"{ "Dhcp4": { "sanity-checks": { "lease-checks": "bad" } } }"#,
            "t.json:1:49: syntax error, unexpected constant string \"bad\", expecting none or warn or fix or fix-del or del",
        ),
        (
            r#"{ "Dhcp4": { "user-context": [ 1 ] } }"#,
            "t.json:1:30: syntax error, unexpected [, expecting {",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(err(text), expected);
    }
}

#[test]
fn syntax_level_errors_come_through() {
    assert_eq!(
        err("{ \"Dhcp4\": {\n \"valid-lifetime\": 1,\n \"valid-lifetime\": 2 } }"),
        "t.json:3:2: duplicate valid-lifetime entries in Dhcp4 map (previous at t.json:2:20)"
    );
    assert_eq!(
        err("{ \"Dhcp4\": { /* x\n } }"),
        "t.json:1:14: Comment not closed. (/* in line 1)"
    );
}

#[test]
fn semantic_errors() {
    assert!(
        err(r#"{ "Dhcp4": { "subnet4": [ { "id": 1, "subnet": "not-a-subnet" } ] } }"#).ends_with(
            "subnet configuration failed: Invalid subnet syntax (prefix/len expected):not-a-subnet"
        )
    );
    assert!(
        err(r#"{ "Dhcp4": { "subnet4": [ { "subnet": "10.0.0.0/8" } ] } }"#)
            .contains("missing parameter 'id' in subnet4 map")
    );
    assert!(err(r#"{ "Dhcp4": { "subnet4": [ { "id": 1, "subnet": "10.0.0.0/8", "pools": [ { "pool": "11.0.0.1 - 11.0.0.9" } ] } ] } }"#)
        .contains("does not match the prefix of a subnet: 10.0.0.0/8"));
    assert!(err(r#"{ "Dhcp4": { "subnet4": [ { "id": 1, "subnet": "10.0.0.0/8", "pools": [ { "pool": "10.0.0.1 - 10.0.0.9" }, { "pool": "10.0.0.5-10.0.0.20" } ] } ] } }"#)
        .contains("overlaps with an existing pool"));
    assert!(err(r#"{ "Dhcp4": { "subnet4": [ { "id": 1, "subnet": "10.0.0.0/8" }, { "id": 1, "subnet": "10.1.0.0/16" } ] } }"#)
        .contains("ID of the new IPv4 subnet '1' is already in use"));
    assert!(err(r#"{ "Dhcp4": { "reservations": [ { "hw-address": "01:02:03:04:05:06", "client-id": "01:02" } ] } }"#)
        .contains("exactly one identifier"));
    assert!(
        err(r#"{ "Dhcp4": { "reservations": [ { "hw-address": "zz" } ] } }"#)
            .contains("'zz' is not a valid hw-address identifier")
    );
    assert!(err(r#"{ "Dhcp4": { "subnet4": [ { "id": 1, "subnet": "10.0.0.0/8", "reservations": [ { "hw-address": "01:02:03:04:05:06", "ip-address": "11.0.0.1" } ] } ] } }"#)
        .contains("is not within the IPv4 subnet 10.0.0.0/8"));
    assert!(
        err(r#"{ "Dhcp4": { "option-data": [ { "data": "1" } ] } }"#)
            .contains("either name or code")
    );
    assert!(
        err(r#"{ "Dhcp4": { "valid-lifetime": 100, "min-valid-lifetime": 200 } }"#)
            .contains("min-valid-lifetime (200) is greater than (default) valid-lifetime (100)")
    );
    assert!(
        err(r#"{ "Dhcp4": { "control-socket": { "socket-type": "unix" } } }"#)
            .contains("missing parameter 'socket-name'")
    );
    assert!(
        err(r#"{ "Dhcp4": { "interfaces-config": { "interfaces": [ "eth0/300.1.1.1" ] } } }"#)
            .contains("is not a valid IP address")
    );
}

#[test]
fn top_level_objects() {
    let l = load(r#"{ "Dhcp4": { }, "Dhcp6": { "x": 1 }, "Control-agent": {}, "DhcpDdns": {}, "Netconf": {} }"#).unwrap();
    assert_eq!(l.warnings.len(), 4);
    assert!(
        l.warnings[0]
            .to_string()
            .contains("ignoring the Control-agent object")
    );
    assert_eq!(
        err(r#"{ "Dhcp4": { }, "Foo": 1 }"#),
        "t.json:1:17: got unexpected keyword \"Foo\" in toplevel map."
    );
    assert!(err(r#"{ "Dhcp6": { } }"#).contains("missing mandatory 'Dhcp4' entry"));
}

#[test]
fn comment_and_deprecated_aliases_are_normalized() {
    let l = load(
        r#"{ "Dhcp4": { "comment": "top",
          "ddns-use-conflict-resolution": false,
          "subnet4": [ { "id": 1, "subnet": "10.0.0.0/8", "client-class": "foo",
                         "require-client-classes": [ "bar" ], "comment": "sub",
                         "user-context": { "x": 1 } } ],
          "client-classes": [ { "name": "bar", "only-if-required": true } ],
          "loggers": [ { "name": "kea-dhcp4", "output_options": [ { "output": "stderr" } ] } ] } }"#,
    )
    .unwrap();
    assert_eq!(l.warnings.len(), 5, "{:?}", l.warnings);
    let c = &l.config;
    let uc = c.user_context.as_ref().unwrap();
    assert_eq!(uc.get("comment").unwrap().as_str().unwrap(), "top");
    let s = &c.subnets[0];
    assert_eq!(s.client_classes, vec!["foo"]);
    assert_eq!(s.evaluate_additional_classes, vec!["bar"]);
    let suc = s.user_context.as_ref().unwrap();
    assert_eq!(suc.get("comment").unwrap().as_str().unwrap(), "sub");
    assert_eq!(suc.get("x").unwrap().as_int().unwrap(), 1);
    assert!(c.client_classes[0].only_in_additional_list);
    assert_eq!(
        c.ddns.conflict_resolution_mode,
        Some(ConflictResolutionMode::NoCheckWithDhcid)
    );
    assert_eq!(c.loggers[0].output_options[0].output, "stderr");
    let out = c.to_element().to_compact_string();
    assert!(
        !out.contains("\"comment\": \"top\", \"")
            || out.contains("\"user-context\": { \"comment\": \"top\" }")
    );
    assert!(
        !out.contains("output_options")
            && !out.contains("client-class\"")
            && !out.contains("require-client")
    );
    assert!(
        err(r#"{ "Dhcp4": { "subnet4": [ { "id": 1, "subnet": "10.0.0.0/8", "client-class": "a", "client-classes": [ "b" ] } ] } }"#)
            .contains("cannot specify both 'client-class' and 'client-classes'")
    );
}

#[test]
fn anything_goes_in_user_context_parameters_and_queue_control() {
    let l = load(
        r#"{ "Dhcp4": { "user-context": { "any": [ 1, { "deep": null } ] },
          "hooks-libraries": [ { "library": "/usr/lib/libdhcp_lease_cmds.so", "parameters": { "whatever": { "x": true } } } ],
          "dhcp-queue-control": { "enable-queue": true, "queue-type": "custom", "my-knob": 7 } } }"#,
    )
    .unwrap();
    assert_eq!(
        l.config
            .dhcp_queue_control
            .get("my-knob")
            .unwrap()
            .as_int()
            .unwrap(),
        7
    );
    assert!(check_hooks_supported(&l.config.hooks_libraries).is_ok());
    let ha = load(r#"{ "Dhcp4": { "hooks-libraries": [ { "library": "/usr/lib/kea/hooks/libdhcp_ha.so" } ] } }"#).unwrap();
    let e = check_hooks_supported(&ha.config.hooks_libraries).unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnsupportedHook);
    assert!(e.to_string().starts_with(
        "t.json:1:35: hook library '/usr/lib/kea/hooks/libdhcp_ha.so' (High Availability)"
    ));
}

#[test]
fn inheritance_global_network_subnet_pool() {
    let c = load(
        r#"{ "Dhcp4": {
          "valid-lifetime": 1000, "renew-timer": 100, "ddns-send-updates": false, "ddns-qualifying-suffix": "g.",
          "shared-networks": [ { "name": "net", "valid-lifetime": 2000, "interface": "eth1", "ddns-qualifying-suffix": "n.",
              "subnet4": [ { "id": 10, "subnet": "10.0.0.0/24", "renew-timer": 300,
                             "pools": [ { "pool": "10.0.0.10-10.0.0.20", "ddns-qualifying-suffix": "p." } ] } ] } ],
          "subnet4": [ { "id": 1, "subnet": "192.0.2.0/24", "match-client-id": false } ] } }"#,
    )
    .unwrap()
    .config;
    assert_eq!(c.subnets.len(), 2);
    let plain = c.subnet(1).unwrap();
    let p = c.effective_params(plain);
    assert_eq!(
        (p.valid_lifetime, p.renew_timer, p.match_client_id),
        (Some(1000), Some(100), Some(false))
    );
    let member = c.subnet(10).unwrap();
    assert_eq!(member.shared_network.as_deref(), Some("net"));
    let p = c.effective_params(member);
    assert_eq!(
        (p.valid_lifetime, p.renew_timer, p.match_client_id),
        (Some(2000), Some(300), Some(true))
    );
    assert_eq!(p.interface.as_deref(), Some("eth1"));
    assert_eq!(p.valid_lifetime_triplet().unwrap().max, 2000);
    let pool = &member.pools[0];
    assert_eq!(pool.size(), 11);
    assert_eq!(
        c.effective_ddns(member, Some(pool))
            .qualifying_suffix
            .as_deref(),
        Some("p.")
    );
    assert_eq!(
        c.effective_ddns(member, None).qualifying_suffix.as_deref(),
        Some("n.")
    );
    assert_eq!(
        c.effective_ddns(plain, None).qualifying_suffix.as_deref(),
        Some("g.")
    );
    assert_eq!(c.effective_ddns(plain, None).send_updates, Some(false));
    assert_eq!(c.shared_networks[0].subnet_ids, vec![10]);
}

#[test]
fn typed_values() {
    let c = load(
        r#"{ "Dhcp4": {
          "interfaces-config": { "interfaces": [ "eth0/192.0.2.1", "*", "eth1" ], "dhcp-socket-type": "udp" },
          "lease-database": { "type": "memfile", "persist": false, "name": "/tmp/l.csv", "lfc-interval": 0 },
          "control-sockets": [ { "socket-type": "unix", "socket-name": "/tmp/k.sock" },
                               { "socket-type": "http", "socket-port": 8004,
                                 "authentication": { "type": "basic", "clients": [ { "user": "u", "password": "p" } ] } } ],
          "reservations": [ { "client-id": "01:aa:bb", "ip-address": "192.0.2.9", "next-server": "192.0.2.2" } ],
          "option-data": [ { "code": 6, "data": "192.0.2.53", "always-send": true } ],
          "option-def": [ { "name": "foo", "code": 222, "type": "uint32" } ],
          "loggers": [ { "name": "kea-dhcp4", "severity": "DEBUG", "debuglevel": 99 } ] } }"#,
    )
    .unwrap()
    .config;
    assert_eq!(
        c.interfaces_config.interfaces[0],
        InterfaceSpec::Name {
            name: "eth0".into(),
            address: Some("192.0.2.1".parse().unwrap())
        }
    );
    assert_eq!(c.interfaces_config.interfaces[1], InterfaceSpec::All);
    assert!(!c.lease_database.persist);
    assert_eq!(c.control_sockets.len(), 2);
    assert_eq!(
        c.control_sockets[1].authentication.as_ref().unwrap().realm,
        "kea-dhcpv4-server"
    );
    assert_eq!(c.reservations[0].identifier.value, vec![1, 0xaa, 0xbb]);
    assert_eq!(c.option_data[0].space, "dhcp4");
    assert!(c.option_data[0].csv_format);
    assert_eq!(c.option_def[0].code, 222);
    assert_eq!(c.loggers[0].debuglevel, 99);
}

#[test]
fn inconsistent_timers_warn() {
    let l = load(r#"{ "Dhcp4": { "valid-lifetime": 100, "renew-timer": 90, "rebind-timer": 80,
        "subnet4": [ { "id": 7, "subnet": "10.0.0.0/8" }, { "id": 8, "subnet": "11.0.0.0/8", "rebind-timer": 95 } ] } }"#)
    .unwrap();
    let texts: Vec<String> = l.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(texts[0].contains("subnet 7: renew-timer (90) is not less than rebind-timer (80)"));
}

#[test]
fn case_insensitive_enums_are_normalized() {
    let c = load(
        r#"{ "Dhcp4": { "dhcp-ddns": { "ncr-protocol": "udp", "ncr-format": "json" },
          "loggers": [ { "name": "kea-dhcp4", "severity": "info" } ] } }"#,
    )
    .unwrap()
    .config;
    assert_eq!(c.loggers[0].severity, kea_config::Severity::Info);
    assert_eq!(c.dhcp_ddns.ncr_protocol, "UDP");
    let out = c.to_element().to_compact_string();
    assert!(
        out.contains("\"severity\": \"INFO\"") && out.contains("\"ncr-format\": \"JSON\""),
        "{out}"
    );
    assert!(err(r#"{ "Dhcp4": { "loggers": [ { "name": "x", "severity": "loud" } ] } }"#)
        .contains("unexpected constant string \"loud\", expecting FATAL or ERROR or WARN or INFO or DEBUG or NONE"));
}

#[test]
fn unparse_round_trip_and_hash() {
    let text = r#"{ "Dhcp4": { "valid-lifetime": 4000, "subnet4": [ { "id": 1, "subnet": "192.0.2.0/24",
        "pools": [ { "pool": "192.0.2.100 - 192.0.2.200" } ], "option-data": [ { "name": "routers", "data": "192.0.2.1" } ] } ] } }"#;
    let c = load(text).unwrap().config;
    let once = c.to_element();
    let again = Dhcp4Config::from_root(&once).unwrap().config;
    assert_eq!(again.to_element(), once);
    let h = c.config_hash();
    assert_eq!(h.len(), 64);
    assert!(
        h.chars()
            .all(|ch| ch.is_ascii_digit() || ch.is_ascii_uppercase())
    );
    assert_eq!(h, again.config_hash());
    let other = load(&text.replace("4000", "4001")).unwrap().config;
    assert_ne!(h, other.config_hash());
    // The hash is over the compact text of config-get's answer.
    assert_eq!(h, kea_config::config_hash(&once));
    let opt = &once
        .get("Dhcp4")
        .unwrap()
        .get("subnet4")
        .unwrap()
        .as_list()
        .unwrap()[0]
        .get("option-data")
        .unwrap()
        .as_list()
        .unwrap()[0];
    assert_eq!(
        opt.get("csv-format").map(|e| e.value.clone()),
        Some(Value::Bool(true))
    );
}

#[test]
fn ten_thousand_subnets_validate() {
    let mut s = String::from("{ \"Dhcp4\": { \"subnet4\": [\n");
    for i in 0..10_000u32 {
        let (a, b) = (i / 256, i % 256);
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            "{{ \"id\": {}, \"subnet\": \"10.{a}.{b}.0/24\", \"pools\": [ {{ \"pool\": \"10.{a}.{b}.10 - 10.{a}.{b}.200\" }} ], \"option-data\": [ {{ \"name\": \"routers\", \"data\": \"10.{a}.{b}.1\" }} ] }}\n",
            i + 1
        ));
    }
    s.push_str("] } }");
    let start = std::time::Instant::now();
    let c = load(&s).unwrap().config;
    let took = start.elapsed();
    assert_eq!(c.subnets.len(), 10_000);
    eprintln!("10k subnets parsed and validated in {took:?}");
    assert!(took.as_secs() < 5, "took {took:?}");
}
