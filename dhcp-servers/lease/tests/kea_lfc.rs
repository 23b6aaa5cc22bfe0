//! The kea-lfc binary: Kea's command line, one cleanup, newest row per lease.

use std::process::Command;

const HEADER: &str = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id";

#[test]
fn compacts_the_copy_file_into_the_previous_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    std::fs::write(
        p("leases4.csv.1"),
        format!(
            "{HEADER}\n\
             192.0.2.10,00:01:02:03:04:05,,3600,1800000000,1,0,0,,0,,0\n\
             192.0.2.10,00:01:02:03:04:05,,3600,1800003600,1,0,0,,0,,0\n\
             192.0.2.11,00:01:02:03:04:06,,3600,1800000000,1,0,0,,0,,0\n"
        ),
    )
    .unwrap();
    std::fs::write(p("kea-dhcp4.conf"), "{}").unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_kea-lfc"))
        .args(["-4", "-c"])
        .arg(p("kea-dhcp4.conf"))
        .arg("-p")
        .arg(p("leases4.csv.pid"))
        .arg("-x")
        .arg(p("leases4.csv.2"))
        .arg("-i")
        .arg(p("leases4.csv.1"))
        .arg("-o")
        .arg(p("leases4.csv.output"))
        .arg("-f")
        .arg(p("leases4.csv.completed"))
        .status()
        .unwrap();
    assert!(status.success());
    let previous = std::fs::read_to_string(p("leases4.csv.2")).unwrap();
    let rows: Vec<&str> = previous.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{previous}");
    assert!(
        rows.iter()
            .any(|r| r.starts_with("192.0.2.10,") && r.contains("1800003600")),
        "{previous}"
    );
    assert!(!p("leases4.csv.1").exists() && !p("leases4.csv.completed").exists());
}

#[test]
fn missing_arguments_are_refused() {
    let out = Command::new(env!("CARGO_BIN_EXE_kea-lfc"))
        .args(["-4", "-c", "x"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not specified"));
}
