//! Managed servers bound to their YANG model, and the change subscriber that
//! keeps them in step with the running datastore.
//!
//! Change phase (per changed module): translate the new tree for every
//! server of the module (a translation error vetoes), then `config-test` it
//! when `validate-changes` is on (a rejection vetoes, with the server's
//! text). Done phase: apply what was tested, as subnet/reservation
//! commands when only those changed and the server has them (see
//! [`crate::delta`], `apply-mode`), else as one `config-set`. A server that refuses
//! in the done phase (ARM 22.1.10.2's fourth class) makes the agent put
//! running back to what it was, which pushes the previous configuration to
//! every server of the commit again: one commit touching dhcp4 and dhcp6 is
//! applied to both or to neither.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};

use kea_log::kea_log;
use kea_log::messages::*;
use kea_translators::{Model, StandardOptions, Translator};
use serde_json::Value;
use tokio::runtime::Handle;
use yang_datastore::{ChangeEvent, ChangeSubscriber, Datastore, DatastoreManager};

use crate::config::{ApplyMode, ManagedServer};
use crate::control::ServerControl;
use crate::messages::*;
use kea_yang::yang2::data::DataTree;

const LOGGER: &str = "kea-netconf";

/// A managed server: its settings, its control channel, its translator.
#[derive(Debug)]
pub struct ServerBinding {
    pub settings: ManagedServer,
    pub control: ServerControl,
    /// `None` when the model cannot be translated (kea-dhcp-ddns…).
    pub translator: Option<Translator>,
    /// The server's control sockets as last seen in its config, carried
    /// into pushed configs that have none (so the agent never cuts its own
    /// management channel).
    known_sockets: Mutex<Option<(String, Value)>>,
    /// The config hash the server reported after the agent's last push (or
    /// when first seen): another hash means someone else changed it.
    expected_hash: Mutex<Option<String>>,
    push_lock: tokio::sync::Mutex<()>,
    /// The server's `list-commands`, once read (for `apply-mode` delta).
    commands: Mutex<Option<std::collections::HashSet<String>>>,
    /// The last config the agent pushed and the hash the server reported
    /// for it: while the server still reports that hash, it runs that
    /// config, which is where a delta starts from.
    applied: Mutex<Option<(Arc<Value>, String)>>,
    /// The server's config as last read or pushed: the order that lists
    /// YANG keeps sorted by key (`hooks-libraries`,
    /// `host-reservation-identifiers`, …) are put back in on translation.
    order_reference: Mutex<Option<Arc<Value>>>,
}

/// The session id the agent's own writes to running use: the holder of
/// running's lock when there is one. A rollback or revert the agent must
/// make (a confirmed commit timing out, a server refusing a commit late,
/// drift adoption) may not be blocked by a client's lock (RFC 6241 §8.4.1
/// wants the rollback whatever the locks).
pub fn agent_session(datastore: &DatastoreManager) -> u32 {
    datastore.lock_owner(Datastore::Running).unwrap_or(0)
}

/// Kea's result code for an unknown command.
const COMMAND_UNSUPPORTED: i64 = 2;

/// SHA-256 (upper-case hex, like Kea's hashes) of a config's JSON text;
/// serde_json prints object keys sorted, so equal configs hash equally.
pub fn config_digest(config: &Value) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(config.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02X}")).collect()
}

impl ServerBinding {
    pub fn new(
        settings: ManagedServer,
        control: ServerControl,
        translator: Option<Translator>,
    ) -> Self {
        Self {
            settings,
            control,
            translator,
            known_sockets: Mutex::new(None),
            expected_hash: Mutex::new(None),
            push_lock: tokio::sync::Mutex::new(()),
            commands: Mutex::new(None),
            applied: Mutex::new(None),
            order_reference: Mutex::new(None),
        }
    }

    pub fn name(&self) -> &str {
        &self.settings.name
    }

    pub fn model(&self) -> &str {
        &self.settings.model
    }

    fn translator(&self) -> Result<&Translator, String> {
        self.translator.as_ref().ok_or_else(|| {
            format!(
                "the {} model cannot be translated to Kea JSON",
                self.model()
            )
        })
    }

    /// The Kea JSON (`{"Dhcp4": {...}}`) of this server's part of `tree`.
    pub fn to_kea(&self, tree: &DataTree<'static>) -> Result<Value, String> {
        let translator = self.translator()?;
        let mut config = translator.to_kea(tree).map_err(|e| e.to_string())?;
        if !self.is_partial() {
            let reference = self
                .order_reference
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            if let Some(reference) = reference {
                translator.follow_order(&mut config, &reference);
            }
            // A partial model's translation is merged into the server's
            // config, which has its sockets.
            self.carry_control_sockets(&mut config);
        }
        Ok(config)
    }

    /// Whether the model holds only part of the server's config
    /// (`ietf-dhcpv6-server`), so pushes merge into the server's config.
    pub fn is_partial(&self) -> bool {
        self.translator
            .as_ref()
            .is_some_and(|t| t.model() == Model::IetfDhcpv6)
    }

    /// The config to push for `tree`: its translation, merged into the
    /// server's current config (`config-get`) for a partial model (see
    /// [`crate::partial`]).
    pub async fn config_for(&self, tree: &DataTree<'static>) -> Result<Value, String> {
        let translated = self.to_kea(tree)?;
        self.complete(translated).await
    }

    /// A translation ([`Self::to_kea`]) made ready to push: as is for a
    /// full model, merged into the server's current config for a partial
    /// one.
    pub async fn complete(&self, translated: Value) -> Result<Value, String> {
        if !self.is_partial() {
            return Ok(translated);
        }
        let current = self.config_get().await.map_err(|e| {
            format!(
                "reading the server's configuration to merge the {} subnets into: {e}",
                self.model()
            )
        })?;
        crate::partial::merge_ietf(&current, &translated)
    }

    /// The YANG tree of a server config (`{"Dhcp4": {...}}`); for a
    /// partial model, of the part it can hold.
    pub fn to_yang(&self, config: &Value) -> Result<DataTree<'static>, String> {
        let translator = self.translator()?;
        let projected;
        let config = if self.is_partial() {
            projected = crate::partial::project_ietf(config)?;
            &projected
        } else {
            config
        };
        translator
            .to_yang_with(config, &StandardOptions(translator.model()))
            .map_err(|e| e.to_string())
    }

    /// Remembers the control sockets of a config the server reported.
    pub fn remember_sockets(&self, config: &Value) {
        let Some(inner) = config.as_object().and_then(|m| m.values().next()) else {
            return;
        };
        for key in ["control-sockets", "control-socket"] {
            if let Some(sockets) = inner.get(key) {
                *self.known_sockets.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some((key.to_string(), sockets.clone()));
                return;
            }
        }
    }

    fn carry_control_sockets(&self, config: &mut Value) {
        let Some(inner) = config.as_object_mut().and_then(|m| m.values_mut().next()) else {
            return;
        };
        let Some(inner) = inner.as_object_mut() else {
            return;
        };
        if inner.contains_key("control-socket") || inner.contains_key("control-sockets") {
            return;
        }
        if let Some((key, sockets)) = self
            .known_sockets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        {
            kea_log!(LOGGER, NETCONF_KEEP_CONTROL_SOCKETS, self.name());
            inner.insert(key, sockets);
        }
    }

    pub async fn config_get(&self) -> Result<Value, String> {
        let config = self
            .control
            .call("config-get", None)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "config-get returned no configuration".to_string())?;
        let mut config = config;
        // Kea adds the hash beside the config object; it is not config.
        if let Some(map) = config.as_object_mut() {
            map.remove("hash");
        }
        self.remember_sockets(&config);
        if !self.is_partial() {
            self.remember_order(Arc::new(config.clone()));
        }
        Ok(config)
    }

    pub async fn config_test(&self, config: &Value) -> Result<(), String> {
        self.control
            .call("config-test", Some(config.clone()))
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// `config-set`; on success remembers the server's new config hash.
    pub async fn config_set(&self, config: &Value) -> Result<(), String> {
        let _exclusive = self.exclusive().await;
        self.config_set_locked(config).await
    }

    async fn config_set_locked(&self, config: &Value) -> Result<(), String> {
        let args = self
            .control
            .call("config-set", Some(config.clone()))
            .await
            .map_err(|e| e.to_string())?;
        let hash = match args
            .as_ref()
            .and_then(|a| a.get("hash"))
            .and_then(Value::as_str)
        {
            Some(hash) => Some(hash.to_string()),
            None => self.current_hash().await.ok(),
        };
        self.remember_applied(config, hash.as_deref());
        self.set_expected_hash(hash);
        Ok(())
    }

    /// Applies a committed config the server validated: as the commands of
    /// [`crate::delta::plan`] from `previous` (the translation of the
    /// running tree before the commit) when `apply-mode` allows, the server
    /// has the commands and runs exactly `previous`; else, or when a
    /// command fails or the result is not what `config-set` would give,
    /// as `config-set` of the whole `config`. Returns the path taken.
    pub async fn apply_change(
        &self,
        previous: Option<&DataTree<'static>>,
        config: &Value,
    ) -> Result<ApplyPath, String> {
        let _exclusive = self.exclusive().await;
        let why_full = match self.try_delta(previous, config).await {
            Ok(count) => return Ok(ApplyPath::Delta(count)),
            Err(DeltaOutcome::NotTried(why)) => {
                kea_log!(LOGGER, NETCONF_UPDATE_CONFIG_FULL, self.name(), why);
                ApplyPath::Full
            }
            Err(DeltaOutcome::Failed(why)) => {
                kea_log!(LOGGER, NETCONF_UPDATE_CONFIG_DELTA_FAILED, self.name(), why);
                ApplyPath::Fallback
            }
        };
        self.config_set_locked(config).await.map(|()| why_full)
    }

    /// The delta path; the number of commands sent on success.
    async fn try_delta(
        &self,
        previous: Option<&DataTree<'static>>,
        config: &Value,
    ) -> Result<usize, DeltaOutcome> {
        use DeltaOutcome::{Failed, NotTried};
        if self.settings.apply_mode == ApplyMode::Full {
            return Err(NotTried("apply-mode is full".into()));
        }
        if !self.control.is_connected() || self.is_partial() {
            return Err(NotTried("the model is pushed whole".into()));
        }
        // Asked first: a server without the commands (Kea 2.2 has neither
        // these nor config-hash-get) costs one cached list-commands.
        let commands = self.commands().await.map_err(NotTried)?;
        if !commands.contains("config-hash-get") {
            return Err(NotTried("the server has no config-hash-get command".into()));
        }
        let running = self.current_hash().await.map_err(NotTried)?;
        // Where the server is: the config last pushed while the server
        // still reports its hash, else the previous running tree's
        // translation, if the agent can prove (by predicting its hash) that
        // the server runs exactly that.
        let remembered = self
            .applied
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let old = match remembered {
            Some((config, hash)) if hash == running => config,
            _ => {
                let Some(previous) = previous else {
                    return Err(NotTried("no previous configuration".into()));
                };
                let old = self
                    .to_kea(previous)
                    .map_err(|e| NotTried(format!("the previous configuration: {e}")))?;
                let before = crate::delta::expected_hash(&old).map_err(NotTried)?;
                if running != before {
                    return Err(NotTried(format!(
                        "the server's config hash {running} is not the expected {before}"
                    )));
                }
                Arc::new(old)
            }
        };
        let steps = crate::delta::plan(&old, config).map_err(|e| NotTried(e.0))?;
        if let Some(missing) = crate::delta::required_commands(&steps)
            .into_iter()
            .find(|c| !commands.contains(*c))
        {
            return Err(NotTried(format!("the server has no {missing} command")));
        }
        // The hash config-set would give, computed while the server works.
        let target = config.clone();
        let after = tokio::task::spawn_blocking(move || crate::delta::expected_hash(&target));
        let names: Vec<&str> = steps.iter().map(|s| s.command.as_str()).collect();
        kea_log!(
            LOGGER,
            NETCONF_UPDATE_CONFIG_DELTA,
            self.name(),
            steps.len(),
            names.join(", ")
        );
        let mut sent = Ok(());
        for step in &steps {
            sent = self
                .control
                .call(&step.command, Some(step.arguments.clone()))
                .await
                .map(|_| ())
                .map_err(|e| Failed(format!("{} {}: {e}", step.command, step.arguments)));
            if sent.is_err() {
                break;
            }
        }
        let after = after.await.map_err(|e| e.to_string()).and_then(|hash| hash);
        sent?;
        let after = after.map_err(Failed)?;
        let reached = self.current_hash().await.map_err(Failed)?;
        if reached != after {
            return Err(Failed(format!(
                "config hash {reached} after the commands, config-set would give {after}"
            )));
        }
        self.remember_applied(config, Some(&reached));
        self.set_expected_hash(Some(reached.clone()));
        kea_log!(
            LOGGER,
            NETCONF_UPDATE_CONFIG_DELTA_COMPLETED,
            self.name(),
            reached,
            steps.len()
        );
        Ok(steps.len())
    }

    fn remember_order(&self, config: Arc<Value>) {
        *self
            .order_reference
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(config);
    }

    /// Remembers a config the server runs (with the hash it reported): the
    /// start of the next delta and the order reference share one copy.
    fn remember_applied(&self, config: &Value, hash: Option<&str>) {
        let config = Arc::new(config.clone());
        if !self.is_partial() {
            self.remember_order(config.clone());
        }
        *self.applied.lock().unwrap_or_else(|p| p.into_inner()) =
            hash.map(|h| (config, h.to_string()));
    }

    /// The server's `list-commands`, read once (a transport error is not
    /// remembered, so the next commit asks again).
    async fn commands(&self) -> Result<std::collections::HashSet<String>, String> {
        if let Some(known) = self
            .commands
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        {
            return Ok(known);
        }
        let answer = self
            .control
            .send("list-commands", None)
            .await
            .map_err(|e| format!("list-commands: {e}"))?;
        let listed: std::collections::HashSet<String> = if answer.result == 0 {
            answer
                .arguments
                .as_ref()
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        } else {
            Default::default()
        };
        *self.commands.lock().unwrap_or_else(|p| p.into_inner()) = Some(listed.clone());
        Ok(listed)
    }

    /// The server's config hash now: `config-hash-get`, or, for servers
    /// without it (Kea before 2.4), the agent's own SHA-256 of the canonical
    /// JSON `config-get` returns (comparable within one agent run only).
    pub async fn current_hash(&self) -> Result<String, String> {
        let answer = self
            .control
            .send("config-hash-get", None)
            .await
            .map_err(|e| e.to_string())?;
        match answer.result {
            0 => answer
                .arguments
                .as_ref()
                .and_then(|a| a.get("hash"))
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| "config-hash-get returned no hash".to_string()),
            COMMAND_UNSUPPORTED => Ok(config_digest(&self.config_get().await?)),
            result => Err(format!(
                "config-hash-get: {} (result {result})",
                answer.text.unwrap_or_default()
            )),
        }
    }

    /// Serialises pushes and drift checks of this server, so a drift check
    /// never reads the server between a push and the recording of its hash.
    pub async fn exclusive(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.push_lock.lock().await
    }

    pub fn expected_hash(&self) -> Option<String> {
        self.expected_hash
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn set_expected_hash(&self, hash: Option<String>) {
        *self.expected_hash.lock().unwrap_or_else(|p| p.into_inner()) = hash;
    }
}

/// How a commit reached a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyPath {
    /// subnet_cmds/host_cmds commands (how many).
    Delta(usize),
    /// One `config-set` (the change needs it, or delta is off).
    Full,
    /// `config-set` after the commands failed or ended elsewhere.
    Fallback,
}

enum DeltaOutcome {
    /// Nothing was sent to the server.
    NotTried(String),
    /// Commands were sent: the server's config must be set whole.
    Failed(String),
}

/// Something worth telling NETCONF subscribers, as notification XML.
pub type Notifier = Arc<dyn Fn(String) + Send + Sync>;

/// The change subscriber of the agent, for every managed model.
pub struct Coordinator {
    bindings: RwLock<Vec<Arc<ServerBinding>>>,
    runtime: Handle,
    /// Configs tested in the change phase, applied in the done phase.
    pending: Mutex<HashMap<String, Value>>,
    datastore: Mutex<Weak<DatastoreManager>>,
    /// Set while the agent itself puts running back after a late failure,
    /// so a failing revert is not reverted in turn.
    reverting: Arc<AtomicBool>,
    notifier: RwLock<Option<Notifier>>,
}

impl std::fmt::Debug for Coordinator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Coordinator").finish_non_exhaustive()
    }
}

impl Coordinator {
    pub fn new(bindings: Vec<Arc<ServerBinding>>, runtime: Handle) -> Arc<Self> {
        Arc::new(Self {
            bindings: RwLock::new(bindings),
            runtime,
            pending: Mutex::new(HashMap::new()),
            datastore: Mutex::new(Weak::new()),
            reverting: Arc::new(AtomicBool::new(false)),
            notifier: RwLock::new(None),
        })
    }

    pub fn set_datastore(&self, datastore: &Arc<DatastoreManager>) {
        *self.datastore.lock().unwrap_or_else(|p| p.into_inner()) = Arc::downgrade(datastore);
    }

    pub fn set_notifier(&self, notifier: Notifier) {
        *self.notifier.write().unwrap_or_else(|p| p.into_inner()) = Some(notifier);
    }

    /// Replaces the managed servers (agent reconfiguration).
    pub fn set_bindings(&self, bindings: Vec<Arc<ServerBinding>>) {
        *self.bindings.write().unwrap_or_else(|p| p.into_inner()) = bindings;
    }

    pub fn bindings(&self) -> Vec<Arc<ServerBinding>> {
        self.bindings
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn notify(&self, xml: String) {
        if let Some(notifier) = self
            .notifier
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            notifier(xml);
        }
    }

    fn subscribed(&self, module: &str) -> Vec<Arc<ServerBinding>> {
        self.bindings()
            .into_iter()
            .filter(|b| b.model() == module && b.settings.subscribe_changes)
            .collect()
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, HashMap<String, Value>> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl ChangeSubscriber for Coordinator {
    fn name(&self) -> &str {
        "kea-netconf"
    }

    fn change(&self, event: &ChangeEvent<'_>) -> Result<(), String> {
        kea_log!(LOGGER, NETCONF_CONFIG_CHANGE_EVENT, "change");
        for change in kea_yang::changes(event.diff).unwrap_or_default() {
            kea_log!(
                LOGGER,
                NETCONF_CONFIG_CHANGED_DETAIL,
                format_args!("{change:?}")
            );
        }
        for binding in self.subscribed(event.module) {
            let name = binding.name().to_string();
            // A config that cannot be expressed in Kea JSON is refused here
            // (the ARM's second class of bad configuration).
            let config = self
                .runtime
                .block_on(binding.config_for(event.new))
                .map_err(|e| {
                    kea_log!(LOGGER, NETCONF_VALIDATE_CONFIG_FAILED, name, e);
                    format!("{name}: translation to Kea JSON failed: {e}")
                })?;
            if binding.settings.validate_changes && binding.control.is_connected() {
                kea_log!(LOGGER, NETCONF_VALIDATE_CONFIG_STARTED, name);
                kea_log!(LOGGER, NETCONF_VALIDATE_CONFIG, name, config);
                let verdict = self.runtime.block_on(binding.config_test(&config));
                if let Err(text) = verdict {
                    kea_log!(LOGGER, NETCONF_VALIDATE_CONFIG_REJECTED, name, text);
                    return Err(format!("{name}: config-test failed: {text}"));
                }
                kea_log!(LOGGER, NETCONF_VALIDATE_CONFIG_COMPLETED, name);
            }
            self.pending().insert(name, config);
        }
        Ok(())
    }

    fn done(&self, event: &ChangeEvent<'_>) {
        kea_log!(LOGGER, NETCONF_CONFIG_CHANGE_EVENT, "done");
        let mut failed = Vec::new();
        for binding in self.subscribed(event.module) {
            let name = binding.name().to_string();
            let config = match self.pending().remove(&name) {
                Some(config) => config,
                None => match self.runtime.block_on(binding.config_for(event.new)) {
                    Ok(config) => config,
                    Err(e) => {
                        kea_log!(LOGGER, NETCONF_UPDATE_CONFIG_FAILED, name, e);
                        failed.push(format!("{name}: {e}"));
                        continue;
                    }
                },
            };
            kea_log!(LOGGER, NETCONF_UPDATE_CONFIG_STARTED, name);
            kea_log!(LOGGER, NETCONF_UPDATE_CONFIG, name, config);
            match self
                .runtime
                .block_on(binding.apply_change(Some(event.old), &config))
            {
                Ok(_) => kea_log!(LOGGER, NETCONF_UPDATE_CONFIG_COMPLETED, name),
                Err(e) => {
                    kea_log!(LOGGER, NETCONF_UPDATE_CONFIG_FAILED, name, e);
                    failed.push(format!("{name}: {e}"));
                }
            }
        }
        self.notify(crate::notify::config_change(
            event.module,
            failed.is_empty(),
        ));
        if !failed.is_empty() {
            self.revert(event.old, &failed.join("; "));
        }
    }

    fn abort(&self, event: &ChangeEvent<'_>) {
        kea_log!(LOGGER, NETCONF_CONFIG_CHANGE_EVENT, "abort");
        for binding in self.subscribed(event.module) {
            self.pending().remove(binding.name());
        }
    }
}

impl Coordinator {
    /// Puts running back to `old` after a server refused the new config in
    /// the done phase; the revert is itself a commit, so every server of
    /// the module gets the previous config again.
    fn revert(&self, old: &DataTree<'static>, reason: &str) {
        if self.reverting.load(Ordering::SeqCst) {
            kea_log!(LOGGER, NETCONF_REVERT_FAILED, reason);
            return;
        }
        let Some(datastore) = self
            .datastore
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .upgrade()
        else {
            return;
        };
        let Ok(previous) = old.duplicate() else {
            kea_log!(
                LOGGER,
                NETCONF_REVERT_FAILED,
                "cannot copy the previous running tree; servers and running may differ"
            );
            return;
        };
        kea_log!(LOGGER, NETCONF_REVERT_STARTED, reason);
        let guard = self.reverting_guard();
        // The commit that failed still holds the datastore's commit lock:
        // revert from another thread once it is released.
        self.runtime.spawn_blocking(move || {
            let session = agent_session(&datastore);
            if let Err(e) = datastore.replace(session, Datastore::Running, previous) {
                kea_log!(LOGGER, NETCONF_REVERT_FAILED, e);
            }
            drop(guard);
        });
    }

    fn reverting_guard(&self) -> RevertGuard {
        self.reverting.store(true, Ordering::SeqCst);
        RevertGuard(Arc::clone(&self.reverting))
    }
}

/// Clears the `reverting` flag when the revert finished.
struct RevertGuard(Arc<AtomicBool>);

impl Drop for RevertGuard {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What the fake server answers `subnet4-add` with, and the hash it
    /// reports afterwards.
    #[derive(Clone)]
    struct Script {
        add_result: i64,
        hash_after_add: String,
    }

    /// A fake managed server on a unix socket: config-set records the
    /// config and reports `hash` of it; subnet4-add follows the script.
    /// Returns the socket path and the commands it received.
    async fn fake_server(
        dir: &std::path::Path,
        script: Script,
    ) -> (std::path::PathBuf, Arc<Mutex<Vec<String>>>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let path = dir.join("fake.sock");
        let listener = tokio::net::UnixListener::bind(&path).expect("bind");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        tokio::spawn(async move {
            let mut hash = "BOOT".to_string();
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let mut buf = Vec::new();
                let mut chunk = [0u8; 65536];
                let request: Value = loop {
                    let n = stream.read(&mut chunk).await.unwrap_or(0);
                    buf.extend_from_slice(&chunk[..n]);
                    if let Ok(v) = serde_json::from_slice(&buf) {
                        break v;
                    }
                    if n == 0 {
                        break Value::Null;
                    }
                };
                let command = request["command"].as_str().unwrap_or("").to_string();
                log.lock().unwrap().push(command.clone());
                let answer = match command.as_str() {
                    "list-commands" => {
                        json!({"result": 0, "arguments": ["config-hash-get", "subnet4-add"]})
                    }
                    "config-hash-get" => json!({"result": 0, "arguments": {"hash": hash}}),
                    "config-set" => {
                        hash =
                            crate::delta::expected_hash(&request["arguments"]).unwrap_or_default();
                        json!({"result": 0, "arguments": {"hash": hash}})
                    }
                    "subnet4-add" => {
                        if script.add_result == 0 {
                            hash = script.hash_after_add.clone();
                        }
                        json!({"result": script.add_result, "text": "scripted"})
                    }
                    _ => json!({"result": 2, "text": "unknown"}),
                };
                let _ = stream.write_all(answer.to_string().as_bytes()).await;
            }
        });
        (path, seen)
    }

    async fn binding_on(path: &std::path::Path) -> ServerBinding {
        let socket = crate::config::ControlSocket::Unix(path.to_path_buf());
        let settings = ManagedServer {
            name: "dhcp4".into(),
            model: "kea-dhcp4-server".into(),
            boot_update: false,
            subscribe_changes: true,
            validate_changes: true,
            control_socket: Some(socket.clone()),
            pool_utilization_threshold: None,
            apply_mode: ApplyMode::Delta,
        };
        let control = ServerControl::new("dhcp4", &socket).expect("control");
        ServerBinding::new(settings, control, None)
    }

    fn configs() -> (Value, Value) {
        let old = json!({"Dhcp4": {"subnet4": [{"id": 1, "subnet": "192.0.2.0/24"}]}});
        let mut new = old.clone();
        new["Dhcp4"]["subnet4"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": 2, "subnet": "198.51.100.0/24"}));
        (old, new)
    }

    /// First push: nothing known about the server, so config-set; then a
    /// subnet added goes as subnet4-add, proven by the hash.
    #[tokio::test]
    async fn subnet_added_after_a_config_set_goes_as_subnet4_add() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (old, new) = configs();
        let after = crate::delta::expected_hash(&new).expect("hash");
        let script = Script {
            add_result: 0,
            hash_after_add: after,
        };
        let (path, seen) = fake_server(dir.path(), script).await;
        let binding = binding_on(&path).await;
        assert_eq!(binding.apply_change(None, &old).await, Ok(ApplyPath::Full));
        seen.lock().unwrap().clear();
        assert_eq!(
            binding.apply_change(None, &new).await,
            Ok(ApplyPath::Delta(1))
        );
        assert_eq!(
            *seen.lock().unwrap(),
            ["config-hash-get", "subnet4-add", "config-hash-get"]
        );
    }

    /// A refused command, or a server that ends elsewhere than config-set
    /// would have put it, gets the whole config.
    #[tokio::test]
    async fn failed_or_unproven_delta_falls_back_to_config_set() {
        for script in [
            Script {
                add_result: 1,
                hash_after_add: String::new(),
            },
            Script {
                add_result: 0,
                hash_after_add: "SOMEWHERE-ELSE".into(),
            },
        ] {
            let dir = tempfile::tempdir().expect("tempdir");
            let (old, new) = configs();
            let (path, seen) = fake_server(dir.path(), script).await;
            let binding = binding_on(&path).await;
            assert_eq!(binding.apply_change(None, &old).await, Ok(ApplyPath::Full));
            seen.lock().unwrap().clear();
            assert_eq!(
                binding.apply_change(None, &new).await,
                Ok(ApplyPath::Fallback)
            );
            let seen = seen.lock().unwrap().clone();
            assert_eq!(
                seen.last().map(String::as_str),
                Some("config-set"),
                "{seen:?}"
            );
            // The fallback's config-set is remembered as what runs now.
            assert_eq!(
                binding.expected_hash(),
                Some(crate::delta::expected_hash(&new).expect("hash"))
            );
        }
    }

    #[test]
    fn digest_follows_content_not_key_order() {
        let a = json!({"Dhcp6": {"subnet6": [], "valid-lifetime": 4000}});
        let b: Value =
            serde_json::from_str(r#"{"Dhcp6": {"valid-lifetime": 4000, "subnet6": []}}"#)
                .expect("JSON");
        let c = json!({"Dhcp6": {"subnet6": [], "valid-lifetime": 4001}});
        assert_eq!(config_digest(&a), config_digest(&b));
        assert_ne!(config_digest(&a), config_digest(&c));
        assert_eq!(config_digest(&a).len(), 64);
    }
}
