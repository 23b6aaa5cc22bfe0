//! kea-lfc: lease file cleanup run by hand or by a script (ARM ch. 15).
//!
//! `kea-lfc [-4|-6] -c config-file -p pid-file -x previous-file -i copy-file -o output-file -f finish-file`
//!
//! The DHCP servers run the same cleanup in-process every `lfc-interval`;
//! this binary is for operators and scripts that call Kea's tool.

use std::path::PathBuf;
use std::process::ExitCode;

use dhcp_lease::{LfcPaths, Universe, lfc_once};

const USAGE: &str = "Usage: kea-lfc [-4 | -6] -c config-file -p pid-file -x previous-file -i copy-file -o output-file -f finish-file [-d] [-v] [-V] [-h]";
const VERSION: &str = "3.0.0";

struct Args {
    universe: Universe,
    paths: LfcPaths,
}

fn parse(args: &[String]) -> Result<Option<Args>, String> {
    let mut universe = None;
    let (mut config, mut pid, mut previous, mut input, mut output, mut finish) =
        (None, None, None, None, None, None);
    let mut i = 0;
    while i < args.len() {
        let flag = args[i].as_str();
        let mut value = || -> Result<PathBuf, String> {
            i += 1;
            args.get(i)
                .map(PathBuf::from)
                .ok_or_else(|| format!("option {flag} needs a file name"))
        };
        match flag {
            "-4" => universe = Some(Universe::V4),
            "-6" => universe = Some(Universe::V6),
            "-c" => config = Some(value()?),
            "-p" => pid = Some(value()?),
            "-x" => previous = Some(value()?),
            "-i" => input = Some(value()?),
            "-o" => output = Some(value()?),
            "-f" => finish = Some(value()?),
            // Debug logging: there is nothing more to say than the summary.
            "-d" => {}
            "-v" | "-V" => {
                println!("{VERSION}");
                return Ok(None);
            }
            "-h" => {
                println!("{USAGE}");
                return Ok(None);
            }
            other => return Err(format!("unknown option {other}")),
        }
        i += 1;
    }
    let need = |v: Option<PathBuf>, what: &str| v.ok_or_else(|| format!("{what} not specified"));
    // The configuration file is required but, as in Kea, not used.
    need(config, "configuration file")?;
    Ok(Some(Args {
        universe: universe.ok_or("protocol version (-4 or -6) not specified")?,
        paths: LfcPaths {
            pid: need(pid, "pid file")?,
            previous: need(previous, "previous file")?,
            input: need(input, "copy file")?,
            output: need(output, "output file")?,
            finish: need(finish, "finish file")?,
        },
    }))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&args) {
        Ok(Some(args)) => args,
        Ok(None) => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kea-lfc: {e}\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    match lfc_once(args.universe, &args.paths) {
        Ok(report) if report.skipped => {
            eprintln!(
                "kea-lfc: another kea-lfc is running ({})",
                args.paths.pid.display()
            );
            ExitCode::FAILURE
        }
        Ok(report) => {
            for e in &report.row_errors {
                eprintln!("kea-lfc: skipped a corrupt row: {e:?}");
            }
            println!("LFC_WRITING_LEASES: {} leases written", report.leases);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kea-lfc: {e}");
            ExitCode::FAILURE
        }
    }
}
