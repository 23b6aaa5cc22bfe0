//! Wiring the commands onto a server's command registry.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use kea_command::{Answer, CommandRegistry, Request};
use serde_json::Value;

use crate::{Family, Outcome, command_names, handle};

/// A boxed, sendable future.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// What the commands need from a running server.
pub trait ConfigAccess: Send + Sync {
    /// The running configuration as `config-get` shows it (`{"DhcpX": {...}}`).
    fn current(&self) -> Value;
    /// Applies a complete new configuration through the server's transactional
    /// reconfiguration (check, stage, commit). On `Err` nothing changed; the text is the
    /// loader's error.
    fn apply(&self, new: Value) -> BoxFuture<Result<(), String>>;
}

/// Registers every command of [`command_names`]`(family)` on `registry`.
///
/// Changes are serialized among these commands (read, compute, apply under one lock), so two
/// concurrent `subnet4-add` never lose one another.
pub fn register(registry: &CommandRegistry, family: Family, access: Arc<dyn ConfigAccess>) {
    let lock = Arc::new(tokio::sync::Mutex::new(()));
    for name in command_names(family) {
        let access = access.clone();
        let lock = lock.clone();
        registry.register_async(&name, move |req: Request| {
            let access = access.clone();
            let lock = lock.clone();
            async move {
                let _serial = lock.lock().await;
                run(family, access.as_ref(), &req).await
            }
        });
    }
}

async fn run(family: Family, access: &dyn ConfigAccess, req: &Request) -> Answer {
    let config = access.current();
    match handle(family, &req.command, &config, req.arguments.as_ref()) {
        None => Answer::unsupported(&req.command),
        Some(Outcome::Answer(a)) => a,
        Some(Outcome::Change { config, answer }) => match access.apply(config).await {
            Ok(()) => answer,
            Err(e) => Answer::error(e),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kea_command::Transport;
    use serde_json::json;
    use std::sync::Mutex;

    /// A stand-in server: keeps the configuration, refuses any with a subnet id 4.
    struct Memory(Mutex<Value>);

    impl ConfigAccess for Memory {
        fn current(&self) -> Value {
            self.0.lock().map(|g| g.clone()).unwrap_or(Value::Null)
        }
        fn apply(&self, new: Value) -> BoxFuture<Result<(), String>> {
            let res = if new["Dhcp4"]["subnet4"]
                .as_array()
                .is_some_and(|l| l.iter().any(|s| s["id"] == 4))
            {
                Err("loader says no".to_string())
            } else {
                if let Ok(mut g) = self.0.lock() {
                    *g = new;
                }
                Ok(())
            };
            Box::pin(async move { res })
        }
    }

    #[tokio::test]
    async fn registered_commands_apply_changes() {
        let reg = CommandRegistry::new();
        let mem = Arc::new(Memory(Mutex::new(json!({"Dhcp4": {"subnet4": []}}))));
        register(&reg, Family::V4, mem.clone());
        let names = reg.names();
        assert!(names.contains(&"subnet4-add".to_string()));
        assert!(names.contains(&"reservation-get-by-id".to_string()));
        assert!(!names.contains(&"subnet6-add".to_string()));

        let add = json!({"command": "subnet4-add", "arguments": {"subnet4": [{"id": 3, "subnet": "192.0.2.0/24"}]}});
        let a = reg.process(&add, Transport::Internal, None).await;
        assert_eq!(a.text.as_deref(), Some("IPv4 subnet added"));
        assert_eq!(mem.current()["Dhcp4"]["subnet4"][0]["id"], 3);

        let bad = json!({"command": "subnet4-add", "arguments": {"subnet4": [{"id": 4, "subnet": "198.51.100.0/24", "user-context": {}}]}});
        let a = reg.process(&bad, Transport::Internal, None).await;
        assert_eq!((a.result, a.text.as_deref()), (1, Some("loader says no")));
        assert_eq!(
            mem.current()["Dhcp4"]["subnet4"].as_array().map(Vec::len),
            Some(1)
        );

        let list = json!({"command": "subnet4-list"});
        let a = reg.process(&list, Transport::Internal, None).await;
        assert_eq!(a.text.as_deref(), Some("1 IPv4 subnet found"));
    }

    /// Without the lock in `register`, concurrent adds overwrite each other (checked: 4 to
    /// 18 of 30 survive).
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_changes_are_not_lost() {
        let reg = CommandRegistry::new();
        let mem = Arc::new(Memory(Mutex::new(json!({"Dhcp4": {}}))));
        register(&reg, Family::V4, mem.clone());
        let mut tasks = Vec::new();
        for i in 10..40 {
            let reg = reg.clone();
            tasks.push(tokio::spawn(async move {
                let add = json!({"command": "subnet4-add", "arguments": {"subnet4": [
                    {"id": i, "subnet": format!("10.{i}.0.0/16")}]}});
                reg.process(&add, Transport::Internal, None).await.result
            }));
        }
        for t in tasks {
            assert_eq!(t.await.ok(), Some(0));
        }
        let n = mem.current()["Dhcp4"]["subnet4"].as_array().map(Vec::len);
        assert_eq!(n, Some(30));
    }
}
