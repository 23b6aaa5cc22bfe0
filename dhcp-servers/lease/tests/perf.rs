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

/// Time this thread spent on a CPU (ns): the machine is shared, so wall time would count
/// waiting for a core.
fn cpu_ns() -> u64 {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    s.split_whitespace()
        .next()
        .and_then(|x| x.parse().ok())
        .unwrap_or(0)
}

/// Wall and on-CPU time of `f`.
struct Clock {
    wall: Instant,
    cpu: u64,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            wall: Instant::now(),
            cpu: cpu_ns(),
        }
    }
    /// "X ns wall, Y ns CPU" per item.
    fn per(&self, n: u32) -> String {
        let wall = self.wall.elapsed().as_nanos() as f64 / n as f64;
        let cpu = (cpu_ns() - self.cpu) as f64 / n as f64;
        format!("{wall:.0} ns wall, {cpu:.0} ns on CPU")
    }
    fn secs(&self) -> String {
        format!(
            "{:.2} s wall, {:.2} s on CPU",
            self.wall.elapsed().as_secs_f64(),
            (cpu_ns() - self.cpu) as f64 / 1e9
        )
    }
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
    if i.is_multiple_of(2) {
        l.client_id = Some(Box::from(&[1, 0x02, 0, b[0], b[1], b[2], b[3]][..]));
    }
    if i.is_multiple_of(4) {
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
        let t = Clock::start();
        for i in 0..N {
            m.add(lease(i)).unwrap();
        }
        println!("add in memory only: {} per lease", t.per(N));
    }
    {
        let (m, _) = Memfile4::open(cfg.clone()).unwrap();
        let t = Clock::start();
        for i in 0..N {
            m.add(lease(i)).unwrap();
        }
        println!("add with persist: {} per lease", t.per(N));
        let t = Clock::start();
        for i in (0..N).step_by(10) {
            let mut l = (*m.get(Ipv4Addr::from(0x0a00_0000 + i)).unwrap()).clone();
            l.cltt += 60;
            m.update(l).unwrap();
        }
        println!("update with persist: {} per lease", t.per(N / 10));
    }
    let size = std::fs::metadata(&cfg.name).unwrap().len();
    let before = rss_bytes();
    let t = Clock::start();
    let (m, report) = Memfile4::open(cfg).unwrap();
    let load = t.secs();
    let after = rss_bytes();
    assert_eq!(report.leases, N as usize);
    println!(
        "load: {load} for {} rows ({} MB file) -> {} leases; RSS +{} MB = {} bytes per lease",
        report.rows,
        size / 1_000_000,
        report.leases,
        after.saturating_sub(before) / 1_000_000,
        after.saturating_sub(before) / N as u64
    );
    let t = Clock::start();
    let mut found = 0;
    for i in 0..N {
        found += m
            .get(Ipv4Addr::from(0x0a00_0000 + (i.wrapping_mul(7919) % N)))
            .is_some() as u32;
    }
    println!("get by address (random order): {}", t.per(N));
    assert_eq!(found, N);
    let t = Clock::start();
    for i in 0..N {
        let k = i.wrapping_mul(7919) % N;
        let b = k.to_be_bytes();
        found += m
            .get_by_hw_address_subnet(&[0x02, 0, b[0], b[1], b[2], b[3]], 1 + k / 65536)
            .is_some() as u32;
    }
    println!("get by hw-address + subnet (random order): {}", t.per(N));
    assert_eq!(found, 2 * N);
    let t = Clock::start();
    let r = m.run_lfc().unwrap();
    println!(
        "lease file cleanup of {} leases: {} (merge runs on this thread)",
        r.leases,
        t.secs()
    );
}
