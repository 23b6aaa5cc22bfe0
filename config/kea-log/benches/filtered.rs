//! Cost of `kea_log!` on the packet path: a filtered-out DEBUG message (the common
//! case) and an emitted one written to a file. Run with `cargo bench -p kea-log`.

use std::hint::black_box;
use std::net::Ipv4Addr;
use std::time::Instant;

use kea_log::{LogFilePolicy, kea_log, loggers, messages, parse_loggers};

/// CPU time of this thread in ns: the build machine is shared, so wall time would
/// mostly measure other processes.
fn thread_cpu_ns() -> u128 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as u128 * 1_000_000_000 + ts.tv_nsec as u128
}

fn per_call(iterations: u64, mut f: impl FnMut(u64)) -> f64 {
    // Warm up the call-site cache and the branch predictor.
    for i in 0..1000 {
        f(i);
    }
    let wall = Instant::now();
    let start = thread_cpu_ns();
    for i in 0..iterations {
        f(i);
    }
    let cpu = thread_cpu_ns() - start;
    eprintln!("  ({iterations} calls, wall {:?})", wall.elapsed());
    cpu as f64 / iterations as f64
}

fn main() {
    kea_log::init("kea-dhcp4", false).expect("install subscriber");
    let src = Ipv4Addr::new(192, 0, 2, 1);
    let dst = Ipv4Addr::new(192, 0, 2, 254);

    // Default configuration: INFO, so every DEBUG message is filtered out.
    let filtered = per_call(200_000_000, |i| {
        kea_log!(
            loggers::PACKETS,
            messages::DHCP4_BUFFER_RECEIVED,
            black_box(src),
            68,
            black_box(dst),
            67,
            black_box(i)
        );
    });
    println!("filtered-out DEBUG message: {filtered:.2} ns/call (thread CPU time)");

    let dir = std::env::temp_dir().join(format!("kea-log-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = parse_loggers(
        &serde_json::json!([{"name": "kea-dhcp4", "severity": "DEBUG", "debuglevel": 99,
            "output-options": [{"output": dir.join("bench.log").to_string_lossy(), "flush": false, "maxsize": 0}]}]),
        &LogFilePolicy::Unrestricted,
    )
    .expect("config");
    kea_log::apply(&config).expect("apply");
    let emitted = per_call(1_000_000, |i| {
        kea_log!(
            loggers::PACKETS,
            messages::DHCP4_BUFFER_RECEIVED,
            black_box(src),
            68,
            black_box(dst),
            67,
            black_box(i)
        );
    });
    kea_log::flush();
    println!(
        "emitted DEBUG message to a buffered file (default pattern): {emitted:.0} ns/call (thread CPU time)"
    );

    let config = parse_loggers(
        &serde_json::json!([{"name": "kea-dhcp4", "severity": "DEBUG", "debuglevel": 99,
            "output-options": [{"output": dir.join("bench2.log").to_string_lossy(), "flush": false,
                                "maxsize": 0, "pattern": "%m\n"}]}]),
        &LogFilePolicy::Unrestricted,
    )
    .expect("config");
    kea_log::apply(&config).expect("apply");
    let emitted = per_call(1_000_000, |i| {
        kea_log!(
            loggers::PACKETS,
            messages::DHCP4_BUFFER_RECEIVED,
            black_box(src),
            68,
            black_box(dst),
            67,
            black_box(i)
        );
    });
    kea_log::flush();
    println!(
        "emitted DEBUG message to a buffered file (pattern %m): {emitted:.0} ns/call (thread CPU time)"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
