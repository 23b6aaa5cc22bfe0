//! kea-loadgen: the benchmark's own DHCP load generator and helpers.
//!
//! Subcommands:
//! - `v4`: DHCPv4 DORA or renewals from many simulated clients at a fixed offered rate, relayed
//!   (unicast with giaddr) or direct (broadcast frames from 0.0.0.0 on an interface); prints
//!   one `key=value` line (completed/s, drops, average and 99th-percentile latency, own CPU).
//! - `v6`: DHCPv6 SARR with IA_NA or IA_PD, direct (multicast from the link-local address) or
//!   relayed (RELAY-FORW); same output.
//! - `gen-leases4`: a memfile lease file in Kea 2.2.0's CSV format, one lease per simulated
//!   client, for start-up, memory and renewal measurements.
//! - `ctrl`, `wait-ready`: Kea control-socket commands and start-up timing.

mod ctrl;
mod frame;
mod leases;
mod rawsock;
mod run4;
mod run6;
mod stats;
mod wire4;
mod wire6;

use std::io::{BufWriter, Write};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "kea-loadgen", about = "DHCP load generator for the benchmarks")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    Relay,
    Direct,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExchangeArg {
    Dora,
    Renew,
}

#[derive(Clone, Copy, ValueEnum)]
enum IaArg {
    Na,
    Pd,
}

#[derive(Subcommand)]
enum Cmd {
    /// DHCPv6 SARR load at a fixed offered rate.
    V6 {
        #[arg(long, value_enum, default_value = "direct")]
        mode: ModeArg,
        #[arg(long, value_enum, default_value = "na")]
        ia: IaArg,
        /// Server address (relay mode).
        #[arg(long, default_value = "2001:db8:1::1")]
        server: Ipv6Addr,
        /// Relay address, bound on port 547 and sent as link-address (relay mode).
        #[arg(long, default_value = "2001:db8:1::2")]
        relay: Ipv6Addr,
        /// Interface (direct mode).
        #[arg(long, default_value = "cli0")]
        iface: String,
        #[arg(long)]
        rate: u32,
        #[arg(long, default_value_t = 100_000)]
        clients: u32,
        #[arg(long, default_value_t = 8.0)]
        duration: f64,
        #[arg(long, default_value_t = 1000)]
        timeout_ms: u64,
        #[arg(long, default_value_t = 10_000_000)]
        max_exchanges: u64,
    },
    /// DHCPv4 load at a fixed offered rate.
    V4 {
        #[arg(long, value_enum, default_value = "relay")]
        mode: ModeArg,
        #[arg(long, value_enum, default_value = "dora")]
        exchange: ExchangeArg,
        /// Server address (relay mode).
        #[arg(long, default_value = "192.0.2.1")]
        server: Ipv4Addr,
        /// Relay address, bound on port 67 (relay mode).
        #[arg(long, default_value = "192.0.2.2")]
        giaddr: Ipv4Addr,
        /// Interface (direct mode).
        #[arg(long, default_value = "cli0")]
        iface: String,
        /// Offered exchanges per second.
        #[arg(long)]
        rate: u32,
        /// Simulated clients.
        #[arg(long, default_value_t = 100_000)]
        clients: u32,
        /// Seconds of sending.
        #[arg(long, default_value_t = 8.0)]
        duration: f64,
        /// Milliseconds after which an unfinished exchange counts as dropped.
        #[arg(long, default_value_t = 1000)]
        timeout_ms: u64,
        /// Upper bound on exchanges started.
        #[arg(long, default_value_t = 10_000_000)]
        max_exchanges: u64,
        /// First leased address of the generated lease file (renew).
        #[arg(long, default_value = "198.18.0.1")]
        first: Ipv4Addr,
    },
    /// Writes a v4 lease file in Kea 2.2.0's CSV format.
    GenLeases4 {
        #[arg(long)]
        count: u32,
        #[arg(long, default_value = "198.18.0.1")]
        first: Ipv4Addr,
        #[arg(long, default_value_t = 1)]
        subnet_id: u32,
        #[arg(long, default_value_t = 86_400)]
        valid_lifetime: u32,
        #[arg(long)]
        out: PathBuf,
    },
    /// Writes a v6 (IA_NA) lease file in Kea 2.2.0's CSV format.
    GenLeases6 {
        #[arg(long)]
        count: u32,
        #[arg(long, default_value = "2001:db8:1:0:1::")]
        first: Ipv6Addr,
        #[arg(long, default_value_t = 1)]
        subnet_id: u32,
        #[arg(long, default_value_t = 86_400)]
        valid_lifetime: u32,
        #[arg(long)]
        out: PathBuf,
    },
    /// Sends one control command and prints the answer.
    Ctrl {
        #[arg(long)]
        socket: PathBuf,
        #[arg(long)]
        command: String,
        /// Arguments as a JSON map.
        #[arg(long)]
        arguments: Option<String>,
    },
    /// Waits until the server answers `status-get`; prints the milliseconds waited.
    WaitReady {
        #[arg(long)]
        socket: PathBuf,
        #[arg(long, default_value_t = 120.0)]
        limit_s: f64,
        #[arg(long, default_value = "status-get")]
        command: String,
    },
}

fn main() {
    if let Err(e) = real_main() {
        eprintln!("kea-loadgen: {e:#}");
        std::process::exit(1);
    }
}

fn unix_now() -> Result<u64> {
    Ok(SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .context("clock before 1970")?
        .as_secs())
}

/// Writes a file through a large buffer; `fill` produces the content.
fn write_file(
    path: &std::path::Path,
    fill: impl FnOnce(&mut BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> Result<()> {
    let file = std::fs::File::create(path).with_context(|| format!("create {}", path.display()))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    fill(&mut w).with_context(|| format!("write {}", path.display()))?;
    w.flush()?;
    Ok(())
}

fn secs(s: f64, what: &str) -> Result<Duration> {
    if !(s.is_finite() && s > 0.0 && s <= 3600.0) {
        bail!("{what} must be between 0 and 3600 seconds");
    }
    Ok(Duration::from_secs_f64(s))
}

/// Prints one run's figures as a single `key=value` line.
fn print_outcome(rate: u32, mut o: run4::Outcome) {
    let period = o.send_period.as_secs_f64().max(1e-9);
    let fmt = |v: Option<f64>| v.map_or("n/a".to_string(), |x| format!("{x:.3}"));
    let p99 = fmt(o.stats.percentile_ms(99.0));
    let p50 = fmt(o.stats.percentile_ms(50.0));
    let max = fmt(o.stats.percentile_ms(100.0));
    let avg = fmt(o.stats.average_ms());
    // The generator is the bottleneck when it could not start what was due or used (nearly)
    // a whole core itself.
    let gen_cpu = o.cpu.as_secs_f64() / period;
    let behind = o.stats.started + o.stats.started / 50 + 1 < o.due;
    let gen_bound = behind || o.send_errors > 0 || gen_cpu > 0.9;
    println!(
        "offered={rate} started={} completed={} dropped={} rejected={} \
         completed_per_s={:.1} drop_pct={:.2} avg_ms={avg} p50_ms={p50} p99_ms={p99} \
         max_ms={max} send_errors={} busy_skips={} gen_cpu_pct={:.0} gen_bound={}",
        o.stats.started,
        o.stats.completed,
        o.stats.dropped,
        o.stats.rejected,
        o.stats.completed as f64 / period,
        if o.stats.started == 0 {
            0.0
        } else {
            100.0 * o.stats.dropped as f64 / o.stats.started as f64
        },
        o.send_errors,
        o.busy_skips,
        gen_cpu * 100.0,
        u8::from(gen_bound),
    );
}

fn real_main() -> Result<()> {
    match Cli::parse().cmd {
        Cmd::V4 {
            mode,
            exchange,
            server,
            giaddr,
            iface,
            rate,
            clients,
            duration,
            timeout_ms,
            max_exchanges,
            first,
        } => {
            let cfg = run4::Config4 {
                mode: match mode {
                    ModeArg::Relay => run4::Mode4::Relay { server, giaddr },
                    ModeArg::Direct => run4::Mode4::Direct { iface },
                },
                exchange: match exchange {
                    ExchangeArg::Dora => run4::Exchange4::Dora,
                    ExchangeArg::Renew => run4::Exchange4::Renew { first },
                },
                rate,
                clients,
                duration: secs(duration, "--duration")?,
                timeout: Duration::from_millis(timeout_ms.clamp(1, 60_000)),
                max_exchanges,
            };
            print_outcome(rate, run4::run(&cfg)?);
        }
        Cmd::V6 {
            mode,
            ia,
            server,
            relay,
            iface,
            rate,
            clients,
            duration,
            timeout_ms,
            max_exchanges,
        } => {
            let cfg = run6::Config6 {
                mode: match mode {
                    ModeArg::Relay => run6::Mode6::Relay { server, relay },
                    ModeArg::Direct => run6::Mode6::Direct { iface },
                },
                ia: match ia {
                    IaArg::Na => wire6::IaKind::Na,
                    IaArg::Pd => wire6::IaKind::Pd,
                },
                rate,
                clients,
                duration: secs(duration, "--duration")?,
                timeout: Duration::from_millis(timeout_ms.clamp(1, 60_000)),
                max_exchanges,
            };
            print_outcome(rate, run6::run(&cfg)?);
        }
        Cmd::GenLeases4 {
            count,
            first,
            subnet_id,
            valid_lifetime,
            out,
        } => {
            let f = leases::LeaseFile4 {
                count,
                first,
                subnet_id,
                valid_lifetime,
                expire: unix_now()? + u64::from(valid_lifetime),
            };
            write_file(&out, |w| leases::write_v4(&f, w))?;
        }
        Cmd::GenLeases6 {
            count,
            first,
            subnet_id,
            valid_lifetime,
            out,
        } => {
            let f = leases::LeaseFile6 {
                count,
                first,
                subnet_id,
                valid_lifetime,
                preferred_lifetime: valid_lifetime / 2,
                expire: unix_now()? + u64::from(valid_lifetime),
            };
            write_file(&out, |w| leases::write_v6(&f, w))?;
        }
        Cmd::Ctrl {
            socket,
            command,
            arguments,
        } => {
            let args = match arguments {
                Some(a) => Some(serde_json::from_str(&a).context("--arguments is not JSON")?),
                None => None,
            };
            println!("{}", ctrl::command(&socket, &command, args)?);
        }
        Cmd::WaitReady {
            socket,
            limit_s,
            command,
        } => {
            let took = ctrl::wait_ready(&socket, &command, secs(limit_s, "--limit-s")?)?;
            println!("{}", took.as_millis());
        }
    }
    Ok(())
}
