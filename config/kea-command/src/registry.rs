//! The command registry: command names mapped to handlers registered by the daemons.

use crate::answer::{Answer, RESULT_ERROR, RESULT_SUCCESS};
use crate::json::parse_command_bytes;
use crate::request::{Request, Transport};
use serde_json::Value;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};

type SyncHandler = dyn Fn(&Request) -> Answer + Send + Sync;
type BoxedAnswer = Pin<Box<dyn Future<Output = Answer> + Send>>;
type AsyncHandler = dyn Fn(Request) -> BoxedAnswer + Send + Sync;

#[derive(Clone)]
enum Handler {
    ListCommands,
    Sync(Arc<SyncHandler>),
    Async(Arc<AsyncHandler>),
}

/// Command name → handler. Cheap to clone (shared); handlers can be added and removed at any
/// time, also while control sockets are serving.
///
/// `list-commands` is built in and lists every registered name (itself included), sorted.
/// Sync handlers run on tokio's blocking pool so a slow handler never stalls socket I/O.
/// Commands are not serialized: two clients may run handlers concurrently, so handlers that
/// change state must take the daemon's own locks.
#[derive(Clone)]
pub struct CommandRegistry {
    handlers: Arc<RwLock<BTreeMap<String, Handler>>>,
}

impl std::fmt::Debug for CommandRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommandRegistry")
            .field("commands", &self.names())
            .finish()
    }
}

impl Default for CommandRegistry {
    fn default() -> Self {
        Self::new()
    }
}

impl CommandRegistry {
    /// A registry holding only `list-commands`.
    pub fn new() -> Self {
        let mut map = BTreeMap::new();
        map.insert("list-commands".to_string(), Handler::ListCommands);
        Self {
            handlers: Arc::new(RwLock::new(map)),
        }
    }

    /// Registers a synchronous handler; a handler already registered under `name` is replaced.
    pub fn register<F>(&self, name: &str, handler: F)
    where
        F: Fn(&Request) -> Answer + Send + Sync + 'static,
    {
        self.insert(name, Handler::Sync(Arc::new(handler)));
    }

    /// Registers an async handler (for daemons that must await, e.g. to reconfigure the control
    /// sockets from `config-set`); a handler already registered under `name` is replaced.
    pub fn register_async<F, Fut>(&self, name: &str, handler: F)
    where
        F: Fn(Request) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Answer> + Send + 'static,
    {
        let boxed: Arc<AsyncHandler> = Arc::new(move |req| Box::pin(handler(req)) as BoxedAnswer);
        self.insert(name, Handler::Async(boxed));
    }

    /// Removes a handler; returns whether one was registered.
    pub fn unregister(&self, name: &str) -> bool {
        match self.handlers.write() {
            Ok(mut map) => map.remove(name).is_some(),
            Err(poisoned) => poisoned.into_inner().remove(name).is_some(),
        }
    }

    /// True when `name` has a handler.
    pub fn contains(&self, name: &str) -> bool {
        self.read(|map| map.contains_key(name))
    }

    /// Registered command names, sorted.
    pub fn names(&self) -> Vec<String> {
        self.read(|map| map.keys().cloned().collect())
    }

    fn insert(&self, name: &str, handler: Handler) {
        match self.handlers.write() {
            Ok(mut map) => map.insert(name.to_string(), handler),
            Err(poisoned) => poisoned.into_inner().insert(name.to_string(), handler),
        };
    }

    fn read<T>(&self, f: impl FnOnce(&BTreeMap<String, Handler>) -> T) -> T {
        match self.handlers.read() {
            Ok(map) => f(&map),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }

    /// Runs a parsed request: the handler's answer, or Kea's `'X' command not supported.` (2).
    pub async fn execute(&self, request: Request) -> Answer {
        let handler = self.read(|map| map.get(&request.command).cloned());
        tracing::info!(
            "COMMAND_RECEIVED Received command '{}' ({:?})",
            request.command,
            request.transport
        );
        match handler {
            None => Answer::unsupported(&request.command),
            Some(Handler::ListCommands) => Answer {
                result: RESULT_SUCCESS,
                text: None,
                arguments: Some(Value::from(self.names())),
            },
            Some(Handler::Sync(f)) => {
                let name = request.command.clone();
                match tokio::task::spawn_blocking(move || f(&request)).await {
                    Ok(answer) => answer,
                    Err(e) => handler_failed(&name, &e),
                }
            }
            Some(Handler::Async(f)) => {
                let name = request.command.clone();
                match tokio::spawn(f(request)).await {
                    Ok(answer) => answer,
                    Err(e) => handler_failed(&name, &e),
                }
            }
        }
    }

    /// Checks a command document and runs it; shape errors get Kea's answers
    /// (`Error during command processing: …`).
    pub async fn process(
        &self,
        document: &Value,
        transport: Transport,
        peer: Option<String>,
    ) -> Answer {
        match Request::from_value(document) {
            Ok(mut request) => {
                request.transport = transport;
                if request.remote_address.is_none() {
                    request.remote_address = peer;
                }
                self.execute(request).await
            }
            Err(msg) => {
                tracing::warn!("COMMAND_PROCESS_ERROR2 Error while processing command: {msg}");
                Answer::new(
                    RESULT_ERROR,
                    format!("Error during command processing: {msg}"),
                )
            }
        }
    }

    /// Parses raw bytes (comments allowed) and processes them as the unix socket does;
    /// unparsable JSON gets the parser's message (e.g. `error: unexpected character l in <wire>:0:13`).
    pub async fn process_bytes(&self, bytes: &[u8], transport: Transport) -> Answer {
        match parse_command_bytes(bytes) {
            Ok(doc) => self.process(&doc, transport, None).await,
            Err(e) => {
                tracing::warn!("COMMAND_PROCESS_ERROR1 Error while processing command: {e}");
                Answer::error(e.0)
            }
        }
    }
}

fn handler_failed(name: &str, e: &tokio::task::JoinError) -> Answer {
    tracing::error!("COMMAND_PROCESS_ERROR2 handler for '{name}' failed: {e}");
    Answer::error(format!(
        "Error during command processing: handler for '{name}' failed"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[tokio::test]
    async fn dispatches_and_lists() {
        let reg = CommandRegistry::new();
        reg.register("version-get", |_req| Answer::success_text("3.0.0"));
        reg.register_async("echo", |req: Request| async move {
            Answer::success_with(req.arguments.unwrap_or(Value::Null))
        });
        let a = reg
            .process(
                &json!({"command": "list-commands"}),
                Transport::Internal,
                None,
            )
            .await;
        assert_eq!(
            a.to_kea_string(),
            r#"{ "arguments": [ "echo", "list-commands", "version-get" ], "result": 0 }"#
        );
        let a = reg
            .process(
                &json!({"command": "echo", "arguments": [1]}),
                Transport::Internal,
                None,
            )
            .await;
        assert_eq!(a.arguments, Some(json!([1])));
        assert!(reg.unregister("echo"));
        let a = reg
            .process(&json!({"command": "echo"}), Transport::Internal, None)
            .await;
        assert_eq!(
            a.to_kea_string(),
            r#"{ "result": 2, "text": "'echo' command not supported." }"#
        );
    }

    #[tokio::test]
    async fn shape_and_parse_errors() {
        let reg = CommandRegistry::new();
        let a = reg
            .process_bytes(br#"{"command": 42}"#, Transport::Unix)
            .await;
        assert_eq!(
            a.to_kea_string(),
            r#"{ "result": 1, "text": "Error during command processing: 'command' element in command message is not a string" }"#
        );
        let a = reg
            .process_bytes(br#"{"command": list-commands}"#, Transport::Unix)
            .await;
        assert_eq!(
            a.to_kea_string(),
            r#"{ "result": 1, "text": "error: unexpected character l in <wire>:0:13" }"#
        );
    }

    #[tokio::test]
    async fn a_panicking_handler_gives_an_error_answer() {
        let reg = CommandRegistry::new();
        reg.register("boom", |_req| panic!("bug"));
        let a = reg.execute(Request::new("boom", None)).await;
        assert_eq!(a.result, RESULT_ERROR);
    }
}
