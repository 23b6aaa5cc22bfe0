//! `sysrepocfg`: import, export and edit the agent's datastores, with the
//! options of sysrepo's tool of that name, so the ARM's walk-through
//! commands work as written:
//!
//! ```text
//! sysrepocfg -d startup -f xml -m kea-dhcp6-server --import=startup.xml
//! sysrepocfg -d running -m kea-dhcp6-server --export
//! sysrepocfg -d running --edit=change.xml
//! ```
//!
//! With the agent running, the request goes through its local socket (so a
//! change to running is tested and applied by the DHCP servers); with the
//! agent stopped, the datastore files are changed directly, with the same
//! validation.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{Value, json};

struct Options {
    op: &'static str,
    file: Option<String>,
    datastore: String,
    module: Option<String>,
    format: Option<String>,
    xpath: Option<String>,
    directory: PathBuf,
}

const USAGE: &str = "usage: sysrepocfg (--import[=FILE] | --export[=FILE] | --edit[=FILE]) \
[-d running|startup|candidate|operational] [-m MODULE] [-f xml|json] [-x XPATH] [--datastore-dir DIR]";

fn parse(args: &[String]) -> Result<Options, String> {
    let mut opts = Options {
        op: "",
        file: None,
        datastore: "running".into(),
        module: None,
        format: None,
        xpath: None,
        directory: kea_netconf::config::data_dir().join("netconf"),
    };
    let mut i = 0;
    let value = |i: &mut usize, name: &str| -> Result<String, String> {
        *i += 1;
        args.get(*i)
            .cloned()
            .ok_or_else(|| format!("{name} needs a value"))
    };
    while i < args.len() {
        let arg = args[i].as_str();
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg, None),
        };
        match name {
            "--import" | "-I" => (opts.op, opts.file) = ("import", inline),
            "--export" | "-X" => (opts.op, opts.file) = ("export", inline),
            "--edit" | "-E" => (opts.op, opts.file) = ("edit", inline),
            "--datastore" | "-d" => {
                opts.datastore = inline.map_or_else(|| value(&mut i, name), Ok)?
            }
            "--module" | "-m" => {
                opts.module = Some(inline.map_or_else(|| value(&mut i, name), Ok)?)
            }
            "--format" | "-f" => {
                opts.format = Some(inline.map_or_else(|| value(&mut i, name), Ok)?)
            }
            "--xpath" | "-x" => opts.xpath = Some(inline.map_or_else(|| value(&mut i, name), Ok)?),
            "--datastore-dir" => {
                opts.directory = PathBuf::from(inline.map_or_else(|| value(&mut i, name), Ok)?)
            }
            "--help" | "-h" => return Err(USAGE.into()),
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
        i += 1;
    }
    if opts.op.is_empty() {
        return Err(USAGE.into());
    }
    Ok(opts)
}

fn format_for(opts: &Options) -> String {
    if let Some(f) = &opts.format {
        return f.clone();
    }
    match opts.file.as_deref() {
        Some(f) if f.ends_with(".json") => "json".into(),
        _ => "xml".into(),
    }
}

fn run(opts: &Options) -> Result<Option<String>, String> {
    let format = format_for(opts);
    let mut request = json!({"op": opts.op, "datastore": opts.datastore, "format": format});
    if let Some(m) = &opts.module {
        request["module"] = json!(m);
    }
    if let Some(x) = &opts.xpath {
        request["xpath"] = json!(x);
    }
    if opts.op != "export" {
        let data = match &opts.file {
            Some(file) => std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?,
            None => {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|e| e.to_string())?;
                text
            }
        };
        request["data"] = json!(data);
    }
    let answer = match send_to_agent(opts, &request)? {
        Some(answer) => answer,
        None => offline(opts, &request)?,
    };
    if answer.get("ok").and_then(Value::as_bool) == Some(true) {
        Ok(answer
            .get("data")
            .and_then(Value::as_str)
            .map(str::to_string))
    } else {
        Err(answer
            .get("error")
            .and_then(Value::as_str)
            .unwrap_or("unknown error")
            .to_string())
    }
}

/// Through the running agent, if there is one.
fn send_to_agent(opts: &Options, request: &Value) -> Result<Option<Value>, String> {
    use std::io::{BufRead, BufReader, Write};
    let path = kea_netconf::local::socket_path(&opts.directory);
    let Ok(mut stream) = std::os::unix::net::UnixStream::connect(&path) else {
        return Ok(None);
    };
    stream
        .write_all(format!("{request}\n").as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut line = String::new();
    BufReader::new(stream)
        .read_line(&mut line)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&line)
        .map(Some)
        .map_err(|e| format!("bad answer from the agent: {e}"))
}

/// On the files, the agent being stopped.
fn offline(opts: &Options, request: &Value) -> Result<Value, String> {
    let context = kea_netconf::agent::context().map_err(|e| e.to_string())?;
    let ds = yang_datastore::DatastoreManager::open(context, &opts.directory)
        .map_err(|e| e.to_string())?;
    Ok(kea_netconf::local::handle(&ds, request))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match parse(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    match run(&opts) {
        Ok(Some(data)) => {
            match &opts.file {
                Some(file) if opts.op == "export" => {
                    if let Err(e) = std::fs::write(file, data) {
                        eprintln!("sysrepocfg error: {file}: {e}");
                        return ExitCode::FAILURE;
                    }
                }
                _ => print!("{data}"),
            }
            ExitCode::SUCCESS
        }
        Ok(None) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sysrepocfg error: {e}");
            ExitCode::FAILURE
        }
    }
}
