//! Figures for the memfile (ignored by default; run in release):
//! `cargo test --release -p dhcp-lease --test perf -- --ignored --nocapture`

use std::net::Ipv4Addr;
use std::time::Instant;

use dhcp_lease::{HwAddr, Lease4, LeaseStore, LeaseStore4, Memfile4, MemfileConfig};

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn lease(i: u32) -> Lease4 {
    let mut l = Lease4::new(
        Ipv4Addr::from(0x0a00_0000 + i),
        1 + i / 65536,
        3600,
        1_800_000_000 + (i % 3600) as i64,
    );
    let b = i.to_be_bytes();
    l.hw_address = Some(HwAddr::ethernet([0x02, 0, b[0], b[1], b[2], b[3]]));
    if i % 2 == 0 {
        l.client_id = Some(Box::from(&[1, 0x02, 0, b[0], b[1], b[2], b[3]][..]));
    }
    if i % 4 == 0 {
        l.hostname = format!("host-{i}.example.org").into();
    }
    l
}

#[test]
#[ignore]
fn memfile_one_million_leases() {
    const N: u32 = 1_000_000;
    let dir = tempfile::tempdir().unwrap();
    let cfg = MemfileConfig {
        lfc_interval: 0,
        ..MemfileConfig::persistent(dir.path().join("kea-leases4.csv"))
    };
    {
        let m = Memfile4::in_memory();
        let t = Instant::now();
        for i in 0..N {
            m.add(lease(i)).unwrap();
        }
        let el = t.elapsed();
        println!(
            "add in memory only: {:.0} ns per lease",
            el.as_nanos() as f64 / N as f64
        );
    }
    {
        let (m, _) = Memfile4::open(cfg.clone()).unwrap();
        let t = Instant::now();
        for i in 0..N {
            m.add(lease(i)).unwrap();
        }
        let el = t.elapsed();
        println!(
            "add with persist: {:.0} ns per lease ({:.2} s for {N})",
            el.as_nanos() as f64 / N as f64,
            el.as_secs_f64()
        );
        let t = Instant::now();
        for i in (0..N).step_by(10) {
            let mut l = (*m.get(Ipv4Addr::from(0x0a00_0000 + i)).unwrap()).clone();
            l.cltt += 60;
            m.update(l).unwrap();
        }
        let el = t.elapsed();
        println!(
            "update with persist: {:.0} ns per lease",
            el.as_nanos() as f64 / (N / 10) as f64
        );
    }
    let size = std::fs::metadata(&cfg.name).unwrap().len();
    let before = rss_bytes();
    let t = Instant::now();
    let (m, report) = Memfile4::open(cfg).unwrap();
    let el = t.elapsed();
    let after = rss_bytes();
    assert_eq!(report.leases, N as usize);
    println!(
        "load: {:.2} s for {} rows ({} MB file) -> {} leases; RSS +{} MB = {} bytes per lease",
        el.as_secs_f64(),
        report.rows,
        size / 1_000_000,
        report.leases,
        (after.saturating_sub(before)) / 1_000_000,
        after.saturating_sub(before) / N as u64
    );
    let t = Instant::now();
    let mut found = 0;
    for i in 0..N {
        found += m
            .get(Ipv4Addr::from(0x0a00_0000 + (i.wrapping_mul(7919) % N)))
            .is_some() as u32;
    }
    println!(
        "get by address: {:.0} ns",
        t.elapsed().as_nanos() as f64 / N as f64
    );
    assert_eq!(found, N);
    let t = Instant::now();
    for i in 0..N {
        let b = (i.wrapping_mul(7919) % N).to_be_bytes();
        found += m
            .get_by_hw_address_subnet(
                &[0x02, 0, b[0], b[1], b[2], b[3]],
                1 + i.wrapping_mul(7919) % N / 65536,
            )
            .is_some() as u32;
    }
    println!(
        "get by hw-address + subnet: {:.0} ns",
        t.elapsed().as_nanos() as f64 / N as f64
    );
    assert_eq!(found, 2 * N);
    let t = Instant::now();
    let r = m.run_lfc().unwrap();
    println!(
        "lease file cleanup of {} leases: {:.2} s",
        r.leases,
        t.elapsed().as_secs_f64()
    );
}
