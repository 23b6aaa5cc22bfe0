//! The agent's side of a managed server's control channel.

use std::time::Duration;

use kea_command::{Answer, ClientTlsOptions, ControlClient, Request};
use serde_json::{Value, json};

use crate::config::ControlSocket;

/// Commands are answered within this time or the call fails: shorter than
/// a NETCONF client's patience for a commit, longer than Kea's 10 s socket
/// timeout would ever need for a healthy server.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(8);

/// Sends commands to one managed server.
#[derive(Debug)]
pub struct ServerControl {
    server: String,
    channel: Channel,
}

#[derive(Debug)]
enum Channel {
    /// A unix or HTTP client; `service` is set for HTTP, where a Control
    /// Agent needs `"service": ["dhcp4"]` to route the command (a DHCP
    /// server's own HTTP socket ignores it).
    Client {
        client: Box<ControlClient>,
        service: Option<Value>,
    },
    Stdout,
}

/// A command that could not be answered, or was answered with an error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("{0}")]
    Transport(String),
    #[error("{text} (result {result})")]
    Rejected { result: i64, text: String },
}

impl ServerControl {
    pub fn new(server: &str, socket: &ControlSocket) -> Result<Self, String> {
        let channel = match socket {
            ControlSocket::Unix(path) => Channel::Client {
                client: Box::new(ControlClient::unix(path).with_timeout(COMMAND_TIMEOUT)),
                service: None,
            },
            ControlSocket::Http {
                url,
                user,
                password,
                tls,
            } => {
                let mut client = ControlClient::http(url)
                    .map_err(|e| format!("{server}: bad socket-url {url}: {e}"))?
                    .with_timeout(COMMAND_TIMEOUT);
                if let (Some(user), Some(password)) = (user, password) {
                    client = client.with_basic_auth(user, password);
                }
                if let Some(tls) = tls {
                    // Certificates are loaded now, so a missing or bad file
                    // stops the agent at start-up instead of failing every
                    // command later.
                    let options = ClientTlsOptions {
                        ca: tls.trust_anchor.clone(),
                        cert_and_key: tls.cert_and_key.clone(),
                    };
                    client = client
                        .with_tls(&options)
                        .map_err(|e| format!("{server}: control-socket TLS: {e}"))?;
                }
                Channel::Client {
                    client: Box::new(client),
                    service: Some(json!([server])),
                }
            }
            ControlSocket::Stdout => Channel::Stdout,
        };
        Ok(Self {
            server: server.to_string(),
            channel,
        })
    }

    pub fn server(&self) -> &str {
        &self.server
    }

    /// Whether commands really reach a server (not `stdout`).
    pub fn is_connected(&self) -> bool {
        matches!(self.channel, Channel::Client { .. })
    }

    /// Sends `command`; any answer is returned, errors included.
    pub async fn send(
        &self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<Answer, CommandError> {
        match &self.channel {
            Channel::Client { client, service } => {
                let mut request = Request::new(command, arguments);
                request.service = service.clone();
                client
                    .send(&request)
                    .await
                    .map_err(|e| CommandError::Transport(format!("{}: {e}", self.server)))
            }
            Channel::Stdout => {
                let mut request = json!({ "command": command });
                if let Some(arguments) = arguments {
                    request["arguments"] = arguments;
                }
                println!("{request}");
                Ok(Answer::success())
            }
        }
    }

    /// Sends `command` and returns its arguments; a non-zero result is an
    /// error carrying the server's text.
    pub async fn call(
        &self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<Option<Value>, CommandError> {
        let answer = self.send(command, arguments).await?;
        if answer.result != 0 {
            return Err(CommandError::Rejected {
                result: answer.result,
                text: answer.text.unwrap_or_default(),
            });
        }
        Ok(answer.arguments)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClientTls;

    /// A TLS file that cannot be read is an error when the channel is
    /// made, naming the server.
    #[test]
    fn unreadable_trust_anchor_is_refused_up_front() {
        let socket = ControlSocket::Http {
            url: "https://127.0.0.1:1/".into(),
            user: None,
            password: None,
            tls: Some(ClientTls {
                trust_anchor: "/nonexistent/ca.pem".into(),
                cert_and_key: None,
            }),
        };
        let e = ServerControl::new("dhcp4", &socket).unwrap_err();
        assert!(e.starts_with("dhcp4: control-socket TLS"), "{e}");
    }

    /// Over HTTP the managed server's name goes in `service` (a Control
    /// Agent routes on it); over unix there is none.
    #[tokio::test]
    async fn http_requests_name_the_service() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let seen = tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let (mut stream, _) = listener.accept().await.expect("accept");
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            loop {
                let n = stream.read(&mut chunk).await.expect("read");
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).to_string();
                if let Some((_, body)) = text.split_once("\r\n\r\n")
                    && serde_json::from_str::<Value>(body).is_ok()
                {
                    let reply = r#"[{"result": 0, "text": "ok"}]"#;
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                        reply.len()
                    );
                    stream.write_all(head.as_bytes()).await.expect("write");
                    stream.write_all(reply.as_bytes()).await.expect("write");
                    return serde_json::from_str::<Value>(body).expect("JSON body");
                }
                if n == 0 {
                    panic!("connection closed before a full request");
                }
            }
        });
        let socket = ControlSocket::Http {
            url: format!("http://{addr}/"),
            user: None,
            password: None,
            tls: None,
        };
        let control = ServerControl::new("dhcp6", &socket).expect("client");
        let answer = control.call("config-get", None).await;
        assert_eq!(answer, Ok(None));
        let body = seen.await.expect("server task");
        assert_eq!(body["command"], "config-get");
        assert_eq!(body["service"], json!(["dhcp6"]));
    }
}
