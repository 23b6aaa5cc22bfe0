//! kea-shell: sends one command to a Kea HTTP(S) control socket (ARM ch. 21, §25.8).
//!
//! Arguments for the command are read from standard input as the *content* of the arguments map
//! (e.g. `"filename": "my-config-file.json"`), exactly like ISC's kea-shell; the reply body is
//! printed as received. HTTP errors print `Failed to run: HTTP Error <code>: <reason>` and exit 1.

use clap::Parser;
use kea_command::{ClientError, ClientTlsOptions, ControlClient};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// The Kea release this tool stands in for (printed by `-v`).
const KEA_VERSION: &str = "3.0.0";

#[derive(Parser, Debug)]
#[command(
    name = "kea-shell",
    about = "kea-shell is a simple text client that uses REST interface to connect to Kea servers.",
    disable_version_flag = true
)]
struct Args {
    /// Hostname of the server to connect to.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// TCP port of the server.
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Path in the URL (useful behind a reverse proxy).
    #[arg(long, default_value = "")]
    path: String,
    /// CA file or directory; enables HTTPS.
    #[arg(long)]
    ca: Option<PathBuf>,
    /// Client certificate file (needs --key).
    #[arg(long)]
    cert: Option<PathBuf>,
    /// Client private key file (needs --cert; encrypted keys are not supported).
    #[arg(long)]
    key: Option<PathBuf>,
    /// User ID for basic HTTP authentication (empty: no authentication).
    #[arg(long, default_value = "")]
    auth_user: String,
    /// Password for basic HTTP authentication.
    #[arg(long, default_value = "")]
    auth_password: String,
    /// File whose first line is the password (takes precedence over --auth-password).
    #[arg(long)]
    auth_password_file: Option<PathBuf>,
    /// Timeout in seconds.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// Target service (obsolete with Kea 3.0 servers, which ignore it); may be repeated.
    #[arg(long)]
    service: Vec<String>,
    /// Print the version.
    #[arg(short = 'v')]
    version: bool,
    /// Print the extended version.
    #[arg(short = 'V')]
    extended_version: bool,
    /// Command to send.
    #[arg(default_value = "list-commands")]
    command: String,
}

/// The request body, built by text like ISC's kea-shell so stdin is passed through untouched.
fn build_body(command: &str, services: &[String], args: &str) -> String {
    let mut content = format!("{{ \"command\": \"{command}\"");
    let services: Vec<&str> = services
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    if !services.is_empty() {
        content.push_str(&format!(", \"service\": [\"{}\"]", services.join("\",\"")));
    }
    if args.len() > 1 {
        content.push_str(&format!(", \"arguments\": {{ {args} }}"));
    }
    content.push_str(" }");
    content
}

fn read_password_file(path: &PathBuf) -> Result<String, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read '{}': {e}", path.display()))?;
    let first = text.lines().next().unwrap_or("");
    Ok(first.trim_end_matches('\r').to_string())
}

fn client(args: &Args) -> Result<ControlClient, String> {
    let scheme = if args.ca.is_some() { "https" } else { "http" };
    let host = if args.host.contains(':') && !args.host.starts_with('[') {
        format!("[{}]", args.host)
    } else {
        args.host.clone()
    };
    let path = format!("/{}", args.path.trim_start_matches('/'));
    let url = format!("{scheme}://{host}:{}{path}", args.port);
    let mut client = ControlClient::http(&url)
        .map_err(|e| e.to_string())?
        .with_timeout(Duration::from_secs(args.timeout));
    if !args.auth_user.is_empty() {
        let password = match &args.auth_password_file {
            Some(file) => read_password_file(file)?,
            None => args.auth_password.clone(),
        };
        client = client.with_basic_auth(&args.auth_user, &password);
    }
    if let Some(ca) = &args.ca {
        let cert_and_key = match (&args.cert, &args.key) {
            (Some(c), Some(k)) => Some((c.clone(), k.clone())),
            (None, None) => None,
            _ => return Err("--cert and --key must be given together".into()),
        };
        client = client
            .with_tls(&ClientTlsOptions {
                ca: ca.clone(),
                cert_and_key,
            })
            .map_err(|e| e.to_string())?;
    } else if args.cert.is_some() || args.key.is_some() {
        return Err("--cert and --key need --ca".into());
    }
    Ok(client)
}

fn reason(status: u16) -> &'static str {
    hyper::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.version {
        println!("{KEA_VERSION}");
        return ExitCode::SUCCESS;
    }
    if args.extended_version {
        println!(
            "{KEA_VERSION} (kea-command {}, Rust)",
            env!("CARGO_PKG_VERSION")
        );
        return ExitCode::SUCCESS;
    }
    let client = match client(&args) {
        Ok(c) => c,
        Err(e) => {
            println!("Failed to run: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdin_args = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut stdin_args) {
        println!("Failed to run: cannot read arguments from stdin: {e}");
        return ExitCode::FAILURE;
    }
    let body = build_body(&args.command, &args.service, &stdin_args);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            println!("Failed to run: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(client.send_raw(body.as_bytes())) {
        Ok(reply) => match reply.status {
            Some(status) if !(200..300).contains(&status) => {
                println!("Failed to run: HTTP Error {status}: {}", reason(status));
                ExitCode::FAILURE
            }
            _ => {
                println!("{}", String::from_utf8_lossy(&reply.body));
                ExitCode::SUCCESS
            }
        },
        Err(ClientError::Timeout(_)) => {
            println!("Connection timeout");
            ExitCode::FAILURE
        }
        Err(e) => {
            println!("Failed to run: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_like_isc_kea_shell() {
        assert_eq!(
            build_body("list-commands", &[], ""),
            r#"{ "command": "list-commands" }"#
        );
        assert_eq!(
            build_body(
                "config-write",
                &["dhcp4".into(), "".into(), "dhcp6".into()],
                "\"filename\": \"x.json\"\n"
            ),
            "{ \"command\": \"config-write\", \"service\": [\"dhcp4\",\"dhcp6\"], \"arguments\": { \"filename\": \"x.json\"\n } }"
        );
        // A lone newline on stdin is not an argument.
        assert_eq!(build_body("x", &[], "\n"), r#"{ "command": "x" }"#);
    }
}
