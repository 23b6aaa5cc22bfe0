//! Translation benchmark (issue: under 1 s each way): a generated Dhcp4
//! config of 10,000 subnets holding 100,000 reservations, JSON → YANG and
//! YANG → JSON, with the time of each direction and the process's peak RSS.
//!
//! `cargo run --release -p kea-translators --example translate_bench [SUBNETS] [RESERVATIONS]`
//!
//! Both the CPU time of the process and the wall time are printed: the
//! translation is single-threaded, so on a busy machine the CPU time is
//! the figure to compare with the 1 s target.

use std::time::{Duration, Instant};

use kea_translators::{Model, StandardOptions, Translator};
use serde_json::{Value, json};

fn config(subnets: usize, reservations: usize) -> Value {
    let per_subnet = reservations.div_ceil(subnets.max(1));
    let mut list = Vec::with_capacity(subnets);
    for s in 0..subnets {
        let (a, b) = (10 + s / 256, s % 256);
        let hosts: Vec<Value> = (0..per_subnet)
            .map(|h| {
                json!({
                    "hw-address": format!("02:00:{:02x}:{:02x}:{:02x}:{:02x}", a % 256, b, h / 256, h % 256),
                    "ip-address": format!("{a}.{b}.{}.{}", 1 + h / 250, 1 + h % 250),
                    "hostname": format!("host-{s}-{h}")
                })
            })
            .collect();
        list.push(json!({
            "id": s + 1,
            "subnet": format!("{a}.{b}.0.0/16"),
            "pools": [{"pool": format!("{a}.{b}.200.0 - {a}.{b}.200.255")}],
            "option-data": [{"name": "routers", "data": format!("{a}.{b}.0.1")}],
            "reservations": hosts
        }));
    }
    json!({"Dhcp4": {"valid-lifetime": 3600, "subnet4": list}})
}

/// CPU time (user + system) the process has used so far.
fn cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid out-pointer for the call.
    let ret = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    if ret != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

/// Wall and CPU time of `f`.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration, Duration) {
    let (wall, cpu) = (Instant::now(), cpu_time());
    let out = f();
    (out, wall.elapsed(), cpu_time().saturating_sub(cpu))
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let subnets: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let reservations: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let ctx = kea_yang::context();
    let t = match Translator::new(ctx, Model::KeaDhcp4) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("translator: {e}");
            std::process::exit(1);
        }
    };
    let kea = config(subnets, reservations);
    let rss_before = peak_rss_kib();
    let codes = StandardOptions(Model::KeaDhcp4);

    let (normalized, normalize_wall, normalize_cpu) = timed(|| t.normalize(&kea, &codes));
    let normalized = match normalized {
        Ok(n) => Value::Object(n),
        Err(e) => {
            eprintln!("normalising failed: {e}");
            std::process::exit(1);
        }
    };

    let (tree, to_yang_wall, to_yang_cpu) = timed(|| t.to_yang_with(&kea, &codes));
    let tree = match tree {
        Ok(tree) => tree,
        Err(e) => {
            eprintln!("JSON -> YANG failed: {e}");
            std::process::exit(1);
        }
    };
    let rss_tree = peak_rss_kib();

    let (back, to_kea_wall, to_kea_cpu) = timed(|| t.to_kea(&tree));
    let back = match back {
        Ok(back) => back,
        Err(e) => {
            eprintln!("YANG -> JSON failed: {e}");
            std::process::exit(1);
        }
    };
    let ((), free_wall, free_cpu) = timed(|| drop(tree));
    let count = back["Dhcp4"]["subnet4"].as_array().map_or(0, Vec::len);
    // Not timed: the trip must give back what normalisation predicts.
    let (mut expected, mut got) = (normalized, back["Dhcp4"].clone());
    t.sort_system_ordered(&mut expected);
    t.sort_system_ordered(&mut got);
    let round_trip = if expected == got {
        "equal"
    } else {
        "DIFFERENT"
    };
    let secs = |wall: Duration, cpu: Duration| {
        format!(
            "{:.3} s CPU ({:.3} s wall)",
            cpu.as_secs_f64(),
            wall.as_secs_f64()
        )
    };
    println!(
        "subnets={subnets} reservations={reservations} (back: {count} subnets, round trip {round_trip})"
    );
    println!(
        "JSON -> YANG (validated): {}",
        secs(to_yang_wall, to_yang_cpu)
    );
    println!(
        "  normalising alone:      {} (done on the way above, not separately)",
        secs(normalize_wall, normalize_cpu)
    );
    println!(
        "YANG -> JSON:             {}",
        secs(to_kea_wall, to_kea_cpu)
    );
    println!("freeing the YANG tree:    {}", secs(free_wall, free_cpu));
    println!(
        "peak RSS (VmHWM): {} MiB at the end, {} MiB with the YANG tree built, {} MiB with the config JSON alone",
        peak_rss_kib() / 1024,
        rss_tree / 1024,
        rss_before / 1024
    );
    if round_trip != "equal" {
        std::process::exit(1);
    }
}
