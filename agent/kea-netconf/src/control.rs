//! The agent's side of a managed server's control channel.

use std::time::Duration;

use kea_command::{Answer, ControlClient};
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
    Client(Box<ControlClient>),
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
            ControlSocket::Unix(path) => Channel::Client(Box::new(
                ControlClient::unix(path).with_timeout(COMMAND_TIMEOUT),
            )),
            ControlSocket::Http {
                url,
                user,
                password,
            } => {
                let mut client = ControlClient::http(url)
                    .map_err(|e| format!("{server}: bad socket-url {url}: {e}"))?
                    .with_timeout(COMMAND_TIMEOUT);
                if let (Some(user), Some(password)) = (user, password) {
                    client = client.with_basic_auth(user, password);
                }
                Channel::Client(Box::new(client))
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
        matches!(self.channel, Channel::Client(_))
    }

    /// Sends `command`; any answer is returned, errors included.
    pub async fn send(
        &self,
        command: &str,
        arguments: Option<Value>,
    ) -> Result<Answer, CommandError> {
        match &self.channel {
            Channel::Client(client) => client
                .command(command, arguments)
                .await
                .map_err(|e| CommandError::Transport(format!("{}: {e}", self.server))),
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
