//! Serves a demo registry on the control sockets given as JSON, for manual checks:
//! `cargo run -p kea-command --example serve -- '[{"socket-type": "unix", "socket-name": "/tmp/x/k.sock"}]' SECONDS`
//! (path restrictions are lifted, as with the daemons' `-X`).

use kea_command::{Answer, CommandRegistry, ControlServer, Request, ServerOptions, SocketConfig};
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let sockets: Value = serde_json::from_str(&args.next().ok_or("missing sockets JSON")?)?;
    let seconds: u64 = args.next().unwrap_or_else(|| "60".into()).parse()?;
    let reg = CommandRegistry::new();
    reg.register("version-get", |_req: &Request| {
        Answer::success_text("3.0.0")
    });
    reg.register("status-get", |_req: &Request| {
        Answer::success_with(json!({"pid": std::process::id(), "sockets": {"status": "ready"}}))
    });
    reg.register("echo", |req: &Request| {
        Answer::success_with(req.arguments.clone().unwrap_or(Value::Null))
    });
    let options = ServerOptions {
        enforce_socket_dir: false,
        ..ServerOptions::for_daemon("kea-dhcpv4-server")
    };
    let server =
        ControlServer::start(reg, &SocketConfig::list_from_value(&sockets)?, options).await?;
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    server.stop().await;
    Ok(())
}
