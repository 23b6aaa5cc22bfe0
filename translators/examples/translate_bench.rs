//! Translation benchmark (issue: under 1 s each way): a generated Dhcp4
//! config of 10,000 subnets holding 100,000 reservations, JSON → YANG and
//! YANG → JSON, with the time of each direction and the process's peak RSS.
//!
//! `cargo run --release -p kea-translators --example translate_bench [SUBNETS] [RESERVATIONS]`

use std::time::Instant;

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

    let start = Instant::now();
    let normalized = t.normalize(&kea, &StandardOptions(Model::KeaDhcp4));
    let normalize_time = start.elapsed();
    drop(normalized);

    let start = Instant::now();
    let tree = match t.to_yang_with(&kea, &StandardOptions(Model::KeaDhcp4)) {
        Ok(tree) => tree,
        Err(e) => {
            eprintln!("JSON -> YANG failed: {e}");
            std::process::exit(1);
        }
    };
    let to_yang = start.elapsed();

    let start = Instant::now();
    let back = match t.to_kea(&tree) {
        Ok(back) => back,
        Err(e) => {
            eprintln!("YANG -> JSON failed: {e}");
            std::process::exit(1);
        }
    };
    let to_kea = start.elapsed();
    let count = back["Dhcp4"]["subnet4"].as_array().map_or(0, Vec::len);
    println!("subnets={subnets} reservations={reservations} (back: {count} subnets)");
    println!(
        "JSON -> YANG (validated): {:.3} s (of which normalising the JSON: {:.3} s)",
        to_yang.as_secs_f64(),
        normalize_time.as_secs_f64()
    );
    println!("YANG -> JSON:             {:.3} s", to_kea.as_secs_f64());
    println!(
        "peak RSS: {} MiB (config JSON alone: {} MiB)",
        peak_rss_kib() / 1024,
        rss_before / 1024
    );
}
