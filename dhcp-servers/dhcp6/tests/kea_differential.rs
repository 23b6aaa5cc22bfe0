//! Differential test of the kea-dhcp6 command API against Debian's Kea 2.2.0 `kea-dhcp6`
//! with the lease_cmds and stat_cmds hook libraries: every command Kea 2.2.0 lists (but
//! `version-get`) is sent to both with the same configuration, and the answers compared
//! (harness shared with kea-dhcp4: `integration_tests::kea_diff`). Deliberate
//! differences are [`Compare::Ours`] cases with the reason. Skipped, with a message, when
//! Kea 2.2.0 is not installed.
//!
//! Not sent: `version-get` (versions differ by design), `libreload` (removed in Kea 3.0),
//! `lease4-*` and `stat-lease4-get` (Kea 2.2.0's hooks register both families in both
//! servers; Kea 3.0's kea-dhcp6 answers them as unknown, as ours does — one is checked).

use integration_tests::kea_diff::{Compare, Pair, case, full, kea_installed, run};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_kea-dhcp6");

/// Why some argument error texts end in `(<wire>:0:0)`.
const WIRE: &str = "Kea quotes the column of the offending element in the request text; \
     our command layer does not keep the request text";

/// Why some lease answers carry result 4 where Kea 2.2.0 said 1.
const CONFLICT: &str = "Kea 2.4+ (lease_cmds) answers a duplicate lease or a vanished lease \
     on update with result 4, conflict (ARM 3.0 24.58, 24.67)";

fn config(dir: &std::path::Path, sock: &str, hooks: &[std::path::PathBuf]) -> Value {
    let data = dir.join(format!("{sock}.data"));
    let _ = std::fs::create_dir_all(&data);
    let mut c = json!({"Dhcp6": {
        "data-directory": data,
        "interfaces-config": {"interfaces": []},
        "control-socket": {"socket-type": "unix", "socket-name": dir.join(sock)},
        "lease-database": {"type": "memfile", "persist": true,
                           "name": dir.join(format!("{sock}.leases.csv")), "lfc-interval": 0},
        "preferred-lifetime": 3000,
        "valid-lifetime": 4000,
        "subnet6": [
            {"id": 1, "subnet": "2001:db8:1::/64",
             "pools": [{"pool": "2001:db8:1::100 - 2001:db8:1::1ff"}],
             "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 56, "delegated-len": 64}]},
            {"id": 2, "subnet": "2001:db8:2::/64"}
        ],
        "loggers": [{"name": "kea-dhcp6", "severity": "INFO",
                     "output_options": [{"output": dir.join(format!("{sock}.log"))}]}]
    }});
    if !hooks.is_empty() {
        c["Dhcp6"]["hooks-libraries"] = hooks.iter().map(|h| json!({"library": h})).collect();
    }
    c
}

fn lease(ip: &str, duid: &str, iaid: u32, extra: Value) -> Value {
    let mut l = json!({"ip-address": ip, "duid": duid, "iaid": iaid});
    if let (Some(m), Value::Object(e)) = (l.as_object_mut(), extra) {
        m.extend(e);
    }
    l
}

#[test]
fn answers_match_kea_2_2_0() {
    let Some((kea_bin, hooks)) = kea_installed("kea-dhcp6") else {
        println!("skipped: Debian's kea-dhcp6 2.2.0 with lease_cmds/stat_cmds is not installed");
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
        n == "libreload" || n.starts_with("lease4-") || n == "stat-lease4-get"
    });
    assert!(
        missing.is_empty(),
        "commands Kea 2.2.0 has and we lack: {missing:?}"
    );

    let na = |ip: &str, duid: &str, iaid: u32, extra: Value| Some(lease(ip, duid, iaid, extra));
    let cases = vec![
        case("list-commands", None, Compare::Result),
        case("build-report", None, Compare::Result),
        case("status-get", None, Compare::Shape),
        case("config-get", None, Compare::Result),
        case(
            "config-test",
            Some(json!({"Dhcp6": {"subnet6": [{"id": 1, "subnet": "2001:db8::/129"}]}})),
            Compare::Result,
        ),
        full("config-test", None),
        full("config-backend-pull", None),
        full("server-tag-get", None),
        full("dhcp-disable", None),
        full("dhcp-disable", Some(json!({"max-period": 30}))),
        full("dhcp-enable", None),
        full("leases-reclaim", Some(json!({"remove": false}))),
        full("leases-reclaim", None),
        // Statistics.
        case(
            "statistic-get",
            Some(json!({"name": "pkt6-received"})),
            Compare::Shape,
        ),
        full("statistic-get", Some(json!({"name": "no-such-statistic"}))),
        case("statistic-get-all", None, Compare::Superset),
        full("statistic-reset", Some(json!({"name": "pkt6-received"}))),
        full(
            "statistic-reset",
            Some(json!({"name": "no-such-statistic"})),
        ),
        full(
            "statistic-sample-count-set",
            Some(json!({"name": "subnet[1].assigned-nas", "max-samples": 3})),
        ),
        full(
            "statistic-sample-count-set",
            Some(json!({"name": "nope", "max-samples": 3})),
        ),
        full(
            "statistic-sample-count-set-all",
            Some(json!({"max-samples": 0})),
        ),
        full(
            "statistic-sample-count-set-all",
            Some(json!({"max-samples": 20})),
        ),
        full(
            "statistic-sample-age-set",
            Some(json!({"name": "pkt6-received", "duration": 60})),
        ),
        full(
            "statistic-sample-age-set",
            Some(json!({"name": "nope", "duration": 60})),
        ),
        full(
            "statistic-sample-age-set-all",
            Some(json!({"duration": 600})),
        ),
        full("statistic-sample-age-set-all", None),
        full(
            "statistic-sample-count-set-all",
            Some(json!({"max-samples": 20})),
        ),
        // Leases.
        full(
            "lease6-add",
            na(
                "2001:db8:1::100",
                "01:02:03:04:05:06:07:08",
                7,
                json!({"hostname": "H6.example.org"}),
            ),
        ),
        full(
            "lease6-add",
            na("2001:db8:1::101", "01:02:03:04:05:06:07:08", 8, json!({})),
        ),
        full(
            "lease6-add",
            na(
                "2001:db8:2::5",
                "01:02:03",
                1,
                json!({"subnet-id": 2, "preferred-lft": 100, "valid-lft": 200}),
            ),
        ),
        full(
            "lease6-add",
            na(
                "2001:db8:8::",
                "01:02:03",
                9,
                json!({"type": "IA_PD", "prefix-len": 64, "subnet-id": 1}),
            ),
        ),
        case(
            "lease6-add",
            na("2001:db8:1::100", "01:02", 1, json!({})),
            Compare::Ours(4, Some("IPv6 lease already exists."), CONFLICT),
        ),
        case(
            "lease6-update",
            na("2001:db8:1::1fe", "01:02", 1, json!({})),
            Compare::Ours(4, None, CONFLICT),
        ),
        full("lease6-add", na("2001:db8:9::1", "01:02", 1, json!({}))),
        full(
            "lease6-add",
            na("2001:db8:1::150", "01:02", 1, json!({"subnet-id": 7})),
        ),
        // Malformed leases.
        full("lease6-add", None),
        full("lease6-update", None),
        full("lease6-add", na("192.0.2.1", "01:02", 1, json!({}))),
        full("lease6-add", na("2001:db8:1::5", "zz", 1, json!({}))),
        full(
            "lease6-add",
            na("2001:db8:1::5", "01:02", 1, json!({"type": "IA_XX"})),
        ),
        full(
            "lease6-add",
            na("2001:db8:1::5", "01:02", 1, json!({"type": "na"})),
        ),
        full(
            "lease6-add",
            na(
                "2001:db8:8::",
                "01:02",
                1,
                json!({"type": "IA_PD", "prefix-len": 64}),
            ),
        ),
        full(
            "lease6-add",
            na(
                "2001:db8:8::",
                "01:02",
                1,
                json!({"type": "IA_PD", "prefix-len": 64, "subnet-id": 1, "state": 1}),
            ),
        ),
        full("lease6-add", na("2001:db8:9::5", "01:02", 1, json!({}))),
        full(
            "lease6-add",
            na("2001:db8:1::6", "01:02", 2, json!({"hw-address": "zz"})),
        ),
        full(
            "lease6-add",
            na("2001:db8:1::6", "01:02", 2, json!({"user-context": 5})),
        ),
        full(
            "lease6-add",
            na("2001:db8:1::6", "01:02", 2, json!({"fqdn-fwd": true})),
        ),
        case(
            "lease6-add",
            Some(json!({"ip-address": "2001:db8:1::5", "duid": "01:02"})),
            Compare::Ours(1, Some("missing parameter 'iaid' (<wire>:0:0)"), WIRE),
        ),
        case(
            "lease6-add",
            na("2001:db8:1::5", "01:02", 1, json!({"preferred-lft": "x"})),
            Compare::Ours(
                1,
                Some("invalid type specified for parameter 'preferred-lft' (<wire>:0:0)"),
                WIRE,
            ),
        ),
        case(
            "lease6-add",
            na("2001:db8:1::5", "01:02", 1, json!({"state": 9})),
            Compare::Ours(
                1,
                Some(
                    "Invalid state value: 9, supported values are: 0 (default), 1 (declined), 2 (expired-reclaimed) and 3 (released)",
                ),
                "Kea 3.0 adds state 3, released (ARM 17.15.1)",
            ),
        ),
        full("lease6-get", Some(json!({"ip-address": "192.0.2.1"}))),
        full(
            "lease6-get",
            Some(json!({"ip-address": "2001:db8:1::5", "type": "IA_XX"})),
        ),
        full(
            "lease6-get",
            Some(json!({"ip-address": "2001:db8:1::5", "type": "0"})),
        ),
        full(
            "lease6-get",
            Some(json!({"ip-address": "2001:db8:1::5", "type": "V4"})),
        ),
        full("lease6-get", None),
        full(
            "lease6-get-page",
            Some(json!({"from": "192.0.2.1", "limit": 1})),
        ),
        full("lease6-get-page", Some(json!({"from": "zz", "limit": 1}))),
        full("lease6-get-page", Some(json!({"from": "start"}))),
        full("lease6-get-page", None),
        full("lease6-get-all", Some(json!({}))),
        full("lease6-get-all", Some(json!({"subnets": 1}))),
        case(
            "lease6-wipe",
            Some(json!({"subnet-id": "x"})),
            Compare::Ours(
                1,
                Some("invalid type specified for parameter 'subnet-id' (<wire>:0:0)"),
                WIRE,
            ),
        ),
        full("lease6-del", None),
        full(
            "lease6-del",
            Some(json!({"ip-address": "2001:db8:1::5", "update-ddns": "x"})),
        ),
        full(
            "lease6-del",
            Some(json!({"ip-address": "2001:db8:1::5", "update-ddns": true})),
        ),
        full(
            "lease6-get",
            Some(json!({"ip-address": "2001:db8:1::5", "type": "IA_XX"})),
        ),
        case(
            "statistic-get",
            Some(json!({"name": "subnet[1].assigned-nas"})),
            Compare::Shape,
        ),
        full("lease6-get", Some(json!({"ip-address": "2001:db8:1::100"}))),
        full(
            "lease6-get",
            Some(json!({"ip-address": "2001:db8:8::", "type": "IA_PD"})),
        ),
        full("lease6-get", Some(json!({"ip-address": "2001:db8:1::1ff"}))),
        full(
            "lease6-get",
            Some(
                json!({"identifier-type": "duid", "identifier": "01:02:03:04:05:06:07:08", "iaid": 8, "subnet-id": 1}),
            ),
        ),
        full(
            "lease6-get",
            Some(
                json!({"identifier-type": "hw-address", "identifier": "01:02", "iaid": 8, "subnet-id": 1}),
            ),
        ),
        full(
            "lease6-get",
            Some(
                json!({"identifier-type": "flex-id", "identifier": "01:02", "iaid": 8, "subnet-id": 1}),
            ),
        ),
        full("lease6-get-all", None),
        full("lease6-get-all", Some(json!({"subnets": [2]}))),
        full(
            "lease6-get-page",
            Some(json!({"from": "start", "limit": 2})),
        ),
        full(
            "lease6-get-page",
            Some(json!({"from": "2001:db8:1::101", "limit": 10})),
        ),
        full(
            "lease6-get-by-duid",
            Some(json!({"duid": "01:02:03:04:05:06:07:08"})),
        ),
        full("lease6-get-by-duid", Some(json!({"duid": "09:09"}))),
        full("lease6-get-by-duid", Some(json!({"duid": "zz"}))),
        full("lease6-get-by-duid", Some(json!({"duid": 5}))),
        full("lease6-get-by-duid", Some(json!({}))),
        full("lease6-get-by-duid", None),
        full(
            "lease6-get-by-hostname",
            Some(json!({"hostname": "h6.example.org"})),
        ),
        full("lease6-get-by-hostname", Some(json!({"hostname": ""}))),
        full("lease6-get-by-hostname", Some(json!({"hostname": 3}))),
        full("lease6-get-by-hostname", None),
        full(
            "lease6-update",
            na(
                "2001:db8:1::101",
                "01:02:03:04:05:06:07:08",
                8,
                json!({"hostname": "renamed"}),
            ),
        ),
        full(
            "lease6-resend-ddns",
            Some(json!({"ip-address": "2001:db8:1::100"})),
        ),
        full(
            "lease6-resend-ddns",
            Some(json!({"ip-address": "192.0.2.1"})),
        ),
        full("lease6-resend-ddns", Some(json!({"ip-address": "zz"}))),
        full("lease6-resend-ddns", Some(json!({}))),
        full(
            "lease6-bulk-apply",
            Some(json!({
                "deleted-leases": [
                    {"ip-address": "2001:db8:1::100", "type": "IA_NA"},
                    {"ip-address": "2001:db8:1::105", "type": "IA_NA"}
                ],
                "leases": [
                    lease("2001:db8:1::102", "01:02:03:04:05:06:07:08", 9, json!({"subnet-id": 1})),
                    lease("2001:db8:1::101", "01:02:03:04:05:06:07:08", 8, json!({"subnet-id": 1, "hostname": "again"}))
                ]
            })),
        ),
        full(
            "lease6-bulk-apply",
            Some(json!({"deleted-leases": [{"ip-address": "2001:db8:1::105"}]})),
        ),
        full(
            "lease6-bulk-apply",
            Some(
                json!({"leases": [lease("2001:db8:1::103", "01:02", 1, json!({"subnet-id": 9}))]}),
            ),
        ),
        full("lease6-bulk-apply", Some(json!({"leases": []}))),
        full("lease6-bulk-apply", Some(json!({"leases": 5}))),
        full("lease6-bulk-apply", Some(json!({"deleted-leases": 5}))),
        full("lease6-bulk-apply", Some(json!({}))),
        full("lease6-bulk-apply", None),
        full("stat-lease6-get", None),
        full("stat-lease6-get", Some(json!({"subnet-id": 2}))),
        full("stat-lease6-get", Some(json!({"subnet-id": 9}))),
        full(
            "stat-lease6-get",
            Some(json!({"subnet-range": {"first-subnet-id": 1, "last-subnet-id": 4}})),
        ),
        full(
            "stat-lease6-get",
            Some(json!({"subnet-range": {"first-subnet-id": 3, "last-subnet-id": 4}})),
        ),
        full("lease6-del", Some(json!({"ip-address": "2001:db8:1::101"}))),
        full("lease6-del", Some(json!({"ip-address": "2001:db8:1::101"}))),
        full(
            "lease6-del",
            Some(json!({"ip-address": "2001:db8:8::", "type": "IA_PD"})),
        ),
        full(
            "lease6-del",
            Some(
                json!({"identifier-type": "hw-address", "identifier": "01:02", "iaid": 1, "subnet-id": 1}),
            ),
        ),
        full(
            "lease6-del",
            Some(
                json!({"identifier-type": "duid", "identifier": "0a:0b", "iaid": 1, "subnet-id": 1}),
            ),
        ),
        full("lease6-wipe", Some(json!({"subnet-id": 2}))),
        full("lease6-wipe", None),
        case(
            "lease4-get-all",
            None,
            Compare::Ours(2, None, "Kea 3.0's kea-dhcp6 has no lease4 commands"),
        ),
        full("statistic-remove", Some(json!({"name": "pkt6-received"}))),
        full("statistic-remove", Some(json!({"name": "pkt6-received"}))),
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
