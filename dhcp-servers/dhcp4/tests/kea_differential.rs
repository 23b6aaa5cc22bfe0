//! Differential test of the kea-dhcp4 command API against Debian's Kea 2.2.0 `kea-dhcp4`
//! with the lease_cmds and stat_cmds hook libraries: every command Kea 2.2.0 lists (but
//! `version-get`) is sent to both with the same configuration, and the answers compared
//! (harness shared with kea-dhcp6: `integration_tests::kea_diff`). Deliberate differences are listed as [`Compare::Ours`] cases
//! with the reason. Skipped, with a message, when Kea 2.2.0 is not installed.
//!
//! Not sent: `version-get` (versions differ by design), `libreload` (removed in Kea 3.0),
//! `lease6-*` and `stat-lease6-get` (Kea 2.2.0's hooks register both families in both
//! servers; Kea 3.0's kea-dhcp4 answers them as unknown, as ours does — one is checked).

use integration_tests::kea_diff::{Compare, Pair, case, full, kea_installed, run};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_kea-dhcp4");

/// Why some argument error texts end in `(<wire>:0:0)`.
const WIRE: &str = "Kea quotes the column of the offending element in the request text; \
     our command layer does not keep the request text";

/// Why some lease answers carry result 4 where Kea 2.2.0 said 1.
const CONFLICT: &str = "Kea 2.4+ (lease_cmds) answers a duplicate lease or a vanished lease \
     on update with result 4, conflict (ARM 3.0 24.46, 24.55)";

fn config(dir: &std::path::Path, sock: &str, hooks: &[std::path::PathBuf]) -> Value {
    let mut c = json!({"Dhcp4": {
        "interfaces-config": {"interfaces": []},
        "control-socket": {"socket-type": "unix", "socket-name": dir.join(sock)},
        "lease-database": {"type": "memfile", "persist": true,
                           "name": dir.join(format!("{sock}.leases.csv")), "lfc-interval": 0},
        "valid-lifetime": 4000,
        "subnet4": [
            {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.100 - 192.0.2.199"}]},
            {"id": 2, "subnet": "198.51.100.0/24"}
        ],
        "loggers": [{"name": "kea-dhcp4", "severity": "INFO",
                     "output_options": [{"output": dir.join(format!("{sock}.log"))}]}]
    }});
    if !hooks.is_empty() {
        c["Dhcp4"]["hooks-libraries"] = hooks.iter().map(|h| json!({"library": h})).collect();
    }
    c
}

fn lease(ip: &str, hw: &str, extra: Value) -> Value {
    let mut l = json!({"ip-address": ip, "hw-address": hw});
    if let (Some(m), Value::Object(e)) = (l.as_object_mut(), extra) {
        m.extend(e);
    }
    l
}

#[test]
fn answers_match_kea_2_2_0() {
    let Some((kea_bin, hooks)) = kea_installed("kea-dhcp4") else {
        println!("skipped: Debian's kea-dhcp4 2.2.0 with lease_cmds/stat_cmds is not installed");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let kea_cfg = config(d, "kea.sock", &hooks);
    let our_cfg = config(d, "ours.sock", &[]);
    let pair = Pair::start(&kea_bin, std::path::Path::new(BIN), &kea_cfg, &our_cfg, d);
    let (kea, ours) = (&pair.kea, &pair.ours);

    // Kea lists what its hooks add; ours must have all of it but the documented exceptions.
    let missing = pair.missing_commands(|n| {
        n == "libreload" || n.starts_with("lease6-") || n == "stat-lease6-get"
    });
    assert!(
        missing.is_empty(),
        "commands Kea 2.2.0 has and we lack: {missing:?}"
    );

    let sample = json!({"name": "subnet[1].assigned-addresses", "max-samples": 3});
    let cases = vec![
        case("list-commands", None, Compare::Result),
        case("build-report", None, Compare::Result),
        case("status-get", None, Compare::Shape),
        case("config-get", None, Compare::Result),
        case(
            "config-hash-get",
            None,
            Compare::Ours(0, None, "config-hash-get is new in Kea 2.4"),
        ),
        case(
            "config-test",
            Some(json!({"Dhcp4": {"subnet4": [{"id": 1, "subnet": "192.0.2.0/33"}]}})),
            Compare::Result,
        ),
        full("config-test", None),
        full("config-backend-pull", None),
        full("server-tag-get", None),
        full("dhcp-disable", None),
        full("dhcp-disable", Some(json!({"max-period": 30}))),
        full("dhcp-enable", None),
        full("dhcp-disable", Some(json!({"max-period": 0}))),
        full("dhcp-enable", None),
        full("leases-reclaim", Some(json!({"remove": true}))),
        full("leases-reclaim", Some(json!({"remove": "yes"}))),
        full("leases-reclaim", None),
        // Statistics.
        case(
            "statistic-get",
            Some(json!({"name": "pkt4-received"})),
            Compare::Shape,
        ),
        full("statistic-get", Some(json!({"name": "no-such-statistic"}))),
        full("statistic-get", None),
        case("statistic-get-all", None, Compare::Superset),
        full("statistic-reset", Some(json!({"name": "pkt4-received"}))),
        full(
            "statistic-reset",
            Some(json!({"name": "no-such-statistic"})),
        ),
        full("statistic-reset", Some(json!({"name": 5}))),
        full("statistic-sample-count-set", Some(sample.clone())),
        full(
            "statistic-sample-count-set",
            Some(json!({"name": "nope", "max-samples": 3})),
        ),
        full(
            "statistic-sample-count-set",
            Some(json!({"name": "pkt4-received"})),
        ),
        full(
            "statistic-sample-count-set",
            Some(json!({"name": "pkt4-received", "max-samples": "3"})),
        ),
        case(
            "statistic-sample-count-set",
            Some(json!({"name": "pkt4-received", "max-samples": 0})),
            Compare::Ours(
                1,
                Some("'max-samples' parameter must not be zero"),
                "Kea 2.2.0 accepts 0 and then fails every statistic-get of it",
            ),
        ),
        full(
            "statistic-sample-count-set-all",
            Some(json!({"max-samples": 10})),
        ),
        full(
            "statistic-sample-count-set-all",
            Some(json!({"max-samples": 0})),
        ),
        full("statistic-sample-count-set-all", Some(json!({}))),
        full(
            "statistic-sample-age-set",
            Some(json!({"name": "pkt4-received", "duration": 60})),
        ),
        full(
            "statistic-sample-age-set",
            Some(json!({"name": "nope", "duration": 60})),
        ),
        full(
            "statistic-sample-age-set",
            Some(json!({"name": "pkt4-received"})),
        ),
        full(
            "statistic-sample-age-set-all",
            Some(json!({"duration": 600})),
        ),
        full("statistic-sample-age-set-all", Some(json!({}))),
        case(
            "statistic-sample-age-set-all",
            Some(json!({"duration": "x"})),
            Compare::Ours(
                1,
                Some("'duration' parameter expected to be an integer."),
                "Kea 2.2.0 leaks an internal intValue() error text",
            ),
        ),
        full(
            "statistic-sample-count-set-all",
            Some(json!({"max-samples": 20})),
        ),
        full("statistic-sample-count-set", Some(sample)),
        // Leases.
        full(
            "lease4-add",
            Some(lease(
                "192.0.2.101",
                "01:02:03:04:05:01",
                json!({"hostname": "Host.Example.org"}),
            )),
        ),
        full(
            "lease4-add",
            Some(lease(
                "192.0.2.102",
                "01:02:03:04:05:02",
                json!({"client-id": "aa:bb:cc"}),
            )),
        ),
        full(
            "lease4-add",
            Some(lease(
                "192.0.2.103",
                "01:02:03:04:05:03",
                json!({"valid-lft": 100}),
            )),
        ),
        full(
            "lease4-add",
            Some(lease(
                "198.51.100.5",
                "01:02:03:04:05:04",
                json!({"subnet-id": 2}),
            )),
        ),
        case(
            "lease4-add",
            Some(lease("192.0.2.101", "01:02:03:04:05:09", json!({}))),
            Compare::Ours(4, Some("IPv4 lease already exists."), CONFLICT),
        ),
        full(
            "lease4-add",
            Some(lease("203.0.113.1", "01:02:03:04:05:09", json!({}))),
        ),
        case(
            "lease4-add",
            Some(json!({"ip-address": "192.0.2.120"})),
            Compare::Ours(1, Some("missing parameter 'hw-address' (<wire>:0:0)"), WIRE),
        ),
        // Malformed leases.
        full("lease4-add", None),
        case(
            "lease4-add",
            Some(json!({})),
            Compare::Ours(1, Some("missing parameter 'ip-address' (<wire>:0:0)"), WIRE),
        ),
        full("lease4-add", Some(lease("192.0.2.130", "zz", json!({})))),
        full(
            "lease4-add",
            Some(lease(
                "192.0.2.130",
                "01:02:03:04:05:06",
                json!({"subnet-id": 9}),
            )),
        ),
        full(
            "lease4-add",
            Some(lease(
                "198.51.100.9",
                "01:02:03:04:05:06",
                json!({"subnet-id": 1}),
            )),
        ),
        case(
            "lease4-add",
            Some(lease(
                "192.0.2.130",
                "01:02:03:04:05:06",
                json!({"state": 7}),
            )),
            Compare::Ours(
                1,
                Some(
                    "Invalid state value: 7, supported values are: 0 (default), 1 (declined), 2 (expired-reclaimed) and 3 (released)",
                ),
                "Kea 3.0 adds state 3, released (ARM 17.15.1)",
            ),
        ),
        full(
            "lease4-add",
            Some(lease(
                "192.0.2.130",
                "01:02:03:04:05:06",
                json!({"fqdn-fwd": true}),
            )),
        ),
        full(
            "lease4-add",
            Some(lease(
                "192.0.2.130",
                "01:02:03:04:05:06",
                json!({"user-context": 5}),
            )),
        ),
        case(
            "lease4-add",
            Some(lease(
                "192.0.2.130",
                "01:02:03:04:05:06",
                json!({"valid-lft": -5}),
            )),
            Compare::Ours(
                1,
                Some("out of range value (-5) specified for parameter 'valid-lft' (<wire>:0:0)"),
                WIRE,
            ),
        ),
        case(
            "lease4-add",
            Some(json!({"ip-address": "zz", "hw-address": "01:02:03:04:05:06"})),
            Compare::Ours(
                1,
                Some(
                    "Failed to convert 'zz' to address: Failed to convert string to address 'zz': Invalid argument(<wire>:0:0)",
                ),
                WIRE,
            ),
        ),
        case(
            "lease4-add",
            Some(json!({"ip-address": 5, "hw-address": "01:02:03:04:05:06"})),
            Compare::Ours(
                1,
                Some("invalid type specified for parameter 'ip-address' (<wire>:0:0)"),
                WIRE,
            ),
        ),
        full("lease4-get", Some(json!({"ip-address": "2001:db8::1"}))),
        full(
            "lease4-get",
            Some(json!({"identifier-type": "hw-address", "identifier": "01:02"})),
        ),
        full(
            "lease4-get",
            Some(json!({"subnet-id": 1, "identifier": "01:02"})),
        ),
        full(
            "lease4-get",
            Some(json!({"subnet-id": 1, "identifier-type": "hw-address"})),
        ),
        full("lease4-get-all", Some(json!({"subnets": 2}))),
        full("lease4-get-all", Some(json!({"subnets": ["a"]}))),
        full("lease4-get-all", Some(json!({}))),
        full("lease4-get-page", Some(json!({"from": "zz", "limit": 2}))),
        full("lease4-get-page", Some(json!({"from": "start"}))),
        full("lease4-get-page", Some(json!({"limit": 2}))),
        full(
            "lease4-get-page",
            Some(json!({"from": "start", "limit": "2"})),
        ),
        full("lease4-get-page", None),
        full("lease4-del", Some(json!({"ip-address": "192.0.2.77"}))),
        full("lease4-del", None),
        full(
            "lease4-del",
            Some(json!({"ip-address": "192.0.2.5", "update-ddns": "x"})),
        ),
        full(
            "lease4-del",
            Some(json!({"ip-address": "192.0.2.5", "update-ddns": true})),
        ),
        full(
            "lease4-get",
            Some(json!({"ip-address": "192.0.2.5", "type": "IA_XX"})),
        ),
        full("lease4-update", None),
        full("lease4-wipe", Some(json!({"subnet-id": 9}))),
        full(
            "lease4-add",
            Some(lease("2001:db8::1", "01:02:03:04:05:06", json!({}))),
        ),
        full(
            "lease4-add",
            Some(lease(
                "192.0.2.130",
                "01:02:03:04:05:06",
                json!({"client-id": "zz"}),
            )),
        ),
        full("lease4-get-page", Some(json!({"from": 5, "limit": 1}))),
        full(
            "lease4-get-page",
            Some(json!({"from": "2001:db8::1", "limit": 1})),
        ),
        full(
            "lease4-get-page",
            Some(json!({"from": "start", "limit": -1})),
        ),
        case(
            "lease4-wipe",
            Some(json!({"subnet-id": "x"})),
            Compare::Ours(
                1,
                Some("invalid type specified for parameter 'subnet-id' (<wire>:0:0)"),
                WIRE,
            ),
        ),
        case(
            "statistic-get",
            Some(json!({"name": "subnet[1].assigned-addresses"})),
            Compare::Shape,
        ),
        full("lease4-get", Some(json!({"ip-address": "192.0.2.101"}))),
        full("lease4-get", Some(json!({"ip-address": "192.0.2.199"}))),
        full(
            "lease4-get",
            Some(
                json!({"identifier-type": "hw-address", "identifier": "01:02:03:04:05:02", "subnet-id": 1}),
            ),
        ),
        full(
            "lease4-get",
            Some(json!({"identifier-type": "client-id", "identifier": "aa:bb:cc", "subnet-id": 1})),
        ),
        full(
            "lease4-get",
            Some(json!({"identifier-type": "duid", "identifier": "aa:bb:cc", "subnet-id": 1})),
        ),
        full(
            "lease4-get",
            Some(json!({"identifier-type": "flex-id", "identifier": "aa:bb", "subnet-id": 1})),
        ),
        full("lease4-get", None),
        full("lease4-get-all", None),
        full("lease4-get-all", Some(json!({"subnets": [2]}))),
        full("lease4-get-all", Some(json!({"subnets": [7]}))),
        full(
            "lease4-get-page",
            Some(json!({"from": "start", "limit": 2})),
        ),
        full(
            "lease4-get-page",
            Some(json!({"from": "192.0.2.102", "limit": 2})),
        ),
        full(
            "lease4-get-page",
            Some(json!({"from": "start", "limit": 0})),
        ),
        full(
            "lease4-get-by-hw-address",
            Some(json!({"hw-address": "01:02:03:04:05:01"})),
        ),
        full(
            "lease4-get-by-hw-address",
            Some(json!({"hw-address": "zz"})),
        ),
        full("lease4-get-by-hw-address", Some(json!({}))),
        full("lease4-get-by-hw-address", None),
        full(
            "lease4-get-by-client-id",
            Some(json!({"client-id": "aa:bb:cc"})),
        ),
        full("lease4-get-by-client-id", Some(json!({"client-id": "zz"}))),
        full(
            "lease4-get-by-hostname",
            Some(json!({"hostname": "host.example.org"})),
        ),
        full("lease4-get-by-hostname", Some(json!({"hostname": ""}))),
        full(
            "lease4-get-by-hostname",
            Some(json!({"hostname": "nobody"})),
        ),
        full(
            "lease4-update",
            Some(lease(
                "192.0.2.103",
                "01:02:03:04:05:03",
                json!({"hostname": "renamed"}),
            )),
        ),
        case(
            "lease4-update",
            Some(lease("192.0.2.150", "01:02:03:04:05:03", json!({}))),
            Compare::Ours(4, None, CONFLICT),
        ),
        full(
            "lease4-update",
            Some(lease(
                "192.0.2.150",
                "01:02:03:04:05:03",
                json!({"force-create": true}),
            )),
        ),
        full(
            "lease4-resend-ddns",
            Some(json!({"ip-address": "192.0.2.101"})),
        ),
        full(
            "lease4-resend-ddns",
            Some(json!({"ip-address": "2001:db8::1"})),
        ),
        full("lease4-resend-ddns", Some(json!({"ip-address": "zz"}))),
        full("lease4-resend-ddns", Some(json!({}))),
        full("stat-lease4-get", None),
        full("stat-lease4-get", Some(json!({"subnet-id": 2}))),
        full("stat-lease4-get", Some(json!({"subnet-id": 9}))),
        full("stat-lease4-get", Some(json!({"subnet-id": 0}))),
        full(
            "stat-lease4-get",
            Some(json!({"subnet-range": {"first-subnet-id": 1, "last-subnet-id": 5}})),
        ),
        full(
            "stat-lease4-get",
            Some(json!({"subnet-range": {"first-subnet-id": 3, "last-subnet-id": 5}})),
        ),
        full(
            "stat-lease4-get",
            Some(json!({"subnet-range": {"first-subnet-id": 5, "last-subnet-id": 1}})),
        ),
        full(
            "stat-lease4-get",
            Some(
                json!({"subnet-id": 1, "subnet-range": {"first-subnet-id": 1, "last-subnet-id": 2}}),
            ),
        ),
        full("lease4-del", Some(json!({"ip-address": "192.0.2.102"}))),
        full("lease4-del", Some(json!({"ip-address": "192.0.2.102"}))),
        full(
            "lease4-del",
            Some(
                json!({"identifier-type": "hw-address", "identifier": "01:02:03:04:05:03", "subnet-id": 1}),
            ),
        ),
        full(
            "lease4-del",
            Some(json!({"identifier-type": "duid", "identifier": "01:02", "subnet-id": 1})),
        ),
        full("lease4-wipe", Some(json!({"subnet-id": 2}))),
        full("lease4-wipe", None),
        full("lease4-wipe", None),
        case(
            "lease6-get-all",
            None,
            Compare::Ours(2, None, "Kea 3.0's kea-dhcp4 has no lease6 commands"),
        ),
        full("statistic-remove", Some(json!({"name": "pkt4-received"}))),
        full("statistic-remove", Some(json!({"name": "pkt4-received"}))),
        full("statistic-reset-all", None),
        case(
            "statistic-remove-all",
            None,
            Compare::Ours(
                0,
                Some("All statistics removed."),
                "Kea 2.2.0 prefixes a deprecation warning the Kea 3.0 ARM no longer has",
            ),
        ),
        full("statistic-get-all", None),
        full("config-set", None),
        full("config-reload", None),
    ];
    let mut failures = run(&cases, &kea.sock, &ours.sock);
    failures.extend(pair.reapply_and_shut_down(&kea_cfg, &our_cfg, d));
    assert!(
        failures.is_empty(),
        "{} difference(s) from Kea 2.2.0:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
