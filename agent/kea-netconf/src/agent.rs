//! Start-up and run loop of kea-netconf (ARM 22.1.6, with the additions of
//! this project: the datastore and NETCONF server are built in, an empty
//! startup datastore is seeded from the servers, state is served, drift is
//! watched).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::{Context as _, Result, bail};
use kea_log::kea_log;
use kea_log::messages::*;
use kea_translators::{Model, Translator};
use kea_yang::yang2::context::Context;
use kea_yang::yang2::data::{Data, DataTree};
use netconf_server::{NetconfServer, SshConfig, UserAuth, UserConfig};
use serde_json::Value;
use tokio::runtime::Handle;
use yang_datastore::{Datastore, DatastoreManager};

use crate::backend::AgentBackend;
use crate::binding::{Coordinator, ServerBinding};
use crate::config::{AgentConfig, DriftPolicy};
use crate::control::ServerControl;
use crate::messages::*;
use crate::state::ServerState;

const LOGGER: &str = "kea-netconf";

/// How long [`Agent::stop`] waits for NETCONF sessions to close.
pub const STOP_TIMEOUT: Duration = Duration::from_secs(5);

/// Priority of the agent's change subscription (there is one subscriber).
const SUBSCRIPTION_PRIORITY: u32 = 10;

/// A running agent.
pub struct Agent {
    pub datastore: Arc<DatastoreManager>,
    pub coordinator: Arc<Coordinator>,
    /// Where the NETCONF server listens.
    pub netconf_addr: SocketAddr,
    server_task: tokio::task::JoinHandle<()>,
    /// Ends the NETCONF server gracefully (sessions closed through the
    /// backend, so their locks go and unconfirmed commits roll back).
    shutdown: tokio::sync::oneshot::Sender<()>,
    drift_task: Option<tokio::task::JoinHandle<()>>,
    pool_task: Option<tokio::task::JoinHandle<()>>,
    runtime: Handle,
    /// Models the coordinator is subscribed to (the datastore has no
    /// unsubscribe: a model no longer managed has no binding to push to).
    subscribed: std::sync::Mutex<Vec<String>>,
    /// The config the NETCONF server and drift watch were started with.
    started_with: AgentConfig,
}

/// The process-wide YANG context.
pub fn context() -> Result<&'static Context> {
    let ctx =
        kea_yang::try_context().map_err(|e| anyhow::anyhow!("loading the YANG modules: {e}"))?;
    Ok(ctx)
}

/// Checks that every managed server's model is loaded (fatal otherwise,
/// NETCONF_MODULE_MISSING_ERR).
pub fn check_models(context: &Context, config: &AgentConfig) -> Result<()> {
    for server in &config.servers {
        if context.get_module_implemented(&server.model).is_none() {
            kea_log!(LOGGER, NETCONF_MODULE_MISSING_ERR, server.model);
            bail!(
                "missing essential module {} for server {}",
                server.model,
                server.name
            );
        }
    }
    Ok(())
}

fn make_bindings(
    context: &'static Context,
    config: &AgentConfig,
) -> Result<Vec<Arc<ServerBinding>>> {
    let mut bindings = Vec::new();
    for server in &config.servers {
        let Some(socket) = &server.control_socket else {
            kea_log!(LOGGER, NETCONF_SERVER_UNMANAGED, server.name);
            continue;
        };
        let control = ServerControl::new(&server.name, socket).map_err(anyhow::Error::msg)?;
        let translator = match Model::from_module(&server.model) {
            Some(model) => Some(Translator::new(context, model)?),
            None => {
                kea_log!(
                    LOGGER,
                    NETCONF_MODEL_UNTRANSLATED,
                    server.model,
                    server.name
                );
                None
            }
        };
        bindings.push(Arc::new(ServerBinding::new(
            server.clone(),
            control,
            translator,
        )));
    }
    Ok(bindings)
}

/// True when `tree` holds config data of `module`.
fn has_module_data(tree: &DataTree<'static>, module: &str) -> bool {
    tree.reference().is_some() && tree.find_path(&crate::partial::config_root(module)).is_ok()
}

/// Subscribes the coordinator to the models of `bindings` not subscribed
/// yet and makes each bound server the state provider of its model.
fn attach(
    datastore: &Arc<DatastoreManager>,
    coordinator: &Arc<Coordinator>,
    bindings: &[Arc<ServerBinding>],
    subscribed: &mut Vec<String>,
    runtime: &Handle,
) {
    for binding in bindings {
        if binding.settings.subscribe_changes && !subscribed.iter().any(|m| m == binding.model()) {
            kea_log!(
                LOGGER,
                NETCONF_SUBSCRIBE_CONFIG,
                binding.name(),
                binding.model()
            );
            datastore.subscribe(binding.model(), SUBSCRIPTION_PRIORITY, coordinator.clone());
            subscribed.push(binding.model().to_string());
        }
        if binding.translator.is_some() {
            datastore.set_operational_provider(
                binding.model(),
                Arc::new(ServerState::new(Arc::clone(binding), runtime.clone())),
            );
        }
    }
}

/// Starts the agent: boot-update, subscriptions, state providers, NETCONF.
pub async fn start(config: &AgentConfig) -> Result<Agent> {
    let context = context()?;
    check_models(context, config)?;
    let datastore = Arc::new(
        DatastoreManager::open(context, &config.netconf_server.datastore_directory).with_context(
            || {
                format!(
                    "opening the datastore in {}",
                    config.netconf_server.datastore_directory.display()
                )
            },
        )?,
    );
    let bindings = make_bindings(context, config)?;
    let runtime = Handle::current();

    // 1. What each server runs now.
    let mut current: Vec<Option<Value>> = Vec::new();
    for binding in &bindings {
        if !binding.control.is_connected() || !binding.settings.boot_update {
            current.push(None);
            continue;
        }
        kea_log!(LOGGER, NETCONF_GET_CONFIG_STARTED, binding.name());
        match binding.config_get().await {
            Ok(config) => {
                kea_log!(LOGGER, NETCONF_GET_CONFIG, binding.name(), config);
                current.push(Some(config));
            }
            Err(e) => {
                kea_log!(LOGGER, NETCONF_GET_CONFIG_FAILED, binding.name(), e);
                current.push(None);
            }
        }
    }

    // 2. An empty startup datastore is seeded from what the servers run, so
    //    an operator starts from the live config.
    let mut startup = datastore.get(Datastore::Startup, None)?;
    let mut seeded = false;
    for (binding, config) in bindings.iter().zip(&current) {
        let (Some(config), Some(_)) = (config, &binding.translator) else {
            continue;
        };
        if has_module_data(&startup, binding.model()) {
            continue;
        }
        match binding.to_yang(config) {
            Ok(tree) => {
                startup.merge(&tree).map_err(|e| anyhow::anyhow!("{e}"))?;
                seeded = true;
                kea_log!(LOGGER, NETCONF_STARTUP_SEEDED, binding.name());
            }
            Err(e) => kea_log!(LOGGER, NETCONF_STARTUP_SEED_FAILED, binding.name(), e),
        }
    }
    if seeded {
        datastore.replace(0, Datastore::Startup, startup)?;
    }

    // 3. Running starts as startup (ARM 22.1.7); nobody is subscribed yet.
    datastore.copy(0, Datastore::Startup, Datastore::Running)?;

    // 4. Boot update: push the startup config to each server.
    let startup = datastore.get(Datastore::Startup, None)?;
    for binding in &bindings {
        if !binding.settings.boot_update || binding.translator.is_none() {
            continue;
        }
        kea_log!(LOGGER, NETCONF_SET_CONFIG_STARTED, binding.name());
        if !has_module_data(&startup, binding.model()) {
            kea_log!(
                LOGGER,
                NETCONF_SET_CONFIG_FAILED,
                binding.name(),
                "YANG configuration is empty"
            );
            continue;
        }
        let result = match binding.config_for(&startup).await {
            Ok(config) => {
                kea_log!(LOGGER, NETCONF_SET_CONFIG, binding.name(), config);
                binding.config_set(&config).await
            }
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => kea_log!(LOGGER, NETCONF_BOOT_UPDATE_COMPLETED, binding.name()),
            Err(e) => kea_log!(LOGGER, NETCONF_SET_CONFIG_FAILED, binding.name(), e),
        }
    }

    // 5. Subscriptions and state providers.
    let coordinator = Coordinator::new(bindings.clone(), runtime.clone());
    coordinator.set_datastore(&datastore);
    let mut subscribed: Vec<String> = Vec::new();
    attach(
        &datastore,
        &coordinator,
        &bindings,
        &mut subscribed,
        &runtime,
    );

    // 6. The NETCONF server.
    let ns = &config.netconf_server;
    let users = ns
        .users
        .iter()
        .flat_map(|u| {
            let mut entries = Vec::new();
            if let Some(p) = &u.password {
                entries.push(UserConfig {
                    name: u.name.clone(),
                    auth: UserAuth::Password(p.clone()),
                });
            }
            if let Some(k) = &u.authorized_key {
                entries.push(UserConfig {
                    name: u.name.clone(),
                    auth: UserAuth::AuthorizedKey(k.clone()),
                });
            }
            entries
        })
        .collect::<Vec<_>>();
    if users.is_empty() {
        kea_log!(LOGGER, NETCONF_NO_USERS);
    }
    let listen = SocketAddr::new(ns.address, ns.port);
    let backend = Arc::new(AgentBackend::new(Arc::clone(&datastore)));
    let mut ssh = SshConfig::new(listen, ns.host_key_file.clone(), users);
    ssh.limits = ns.limits.clone();
    datastore.set_change_timeout(ns.change_timeout);
    let server = NetconfServer::bind(ssh, backend)
        .await
        .with_context(|| format!("starting the NETCONF server on {listen}"))?;
    let netconf_addr = server.local_addr().unwrap_or(listen);
    let sessions = server.sessions();
    // ietf-netconf-monitoring and ietf-yang-library in <get>.
    let monitored = Arc::downgrade(&sessions);
    datastore.serve_netconf_state(Arc::new(move || {
        monitored.upgrade().map(|s| s.monitoring_state())
    }));
    coordinator.set_notifier(Arc::new(move |xml: String| {
        sessions.notify(netconf_server::NETCONF_STREAM, SystemTime::now(), &xml);
    }));
    let (shutdown, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
    let server_task = tokio::spawn(async move {
        let stop = async {
            let _ = shutdown_rx.await;
        };
        if let Err(e) = server.run_until(stop).await {
            kea_log!(LOGGER, NETCONF_SERVER_STOPPED, e);
        }
    });

    let drift_task = (config.drift_interval > 0).then(|| {
        tokio::spawn(watch_drift(
            Arc::clone(&coordinator),
            Arc::clone(&datastore),
            Duration::from_secs(config.drift_interval),
            config.drift_policy,
        ))
    });

    let pool_task = (config.pool_check_interval > 0).then(|| {
        tokio::spawn(crate::pools::watch(
            Arc::clone(&coordinator),
            Duration::from_secs(config.pool_check_interval),
        ))
    });

    Ok(Agent {
        datastore,
        coordinator,
        netconf_addr,
        server_task,
        shutdown,
        drift_task,
        pool_task,
        runtime,
        subscribed: std::sync::Mutex::new(subscribed),
        started_with: config.clone(),
    })
}

impl Agent {
    /// Applies a reloaded agent config: managed servers (bindings,
    /// subscriptions, state providers). Changes to `netconf-server` or the
    /// drift settings need a restart; they are logged, not ignored.
    pub fn reconfigure(&self, config: &AgentConfig) -> Result<()> {
        let context = context()?;
        check_models(context, config)?;
        let bindings = make_bindings(context, config)?;
        let old = &self.started_with;
        if config.netconf_server != old.netconf_server
            || config.drift_interval != old.drift_interval
            || config.drift_policy != old.drift_policy
            || config.pool_check_interval != old.pool_check_interval
        {
            kea_log!(LOGGER, NETCONF_RESTART_NEEDED);
        }
        let mut subscribed = self.subscribed.lock().unwrap_or_else(|p| p.into_inner());
        attach(
            &self.datastore,
            &self.coordinator,
            &bindings,
            &mut subscribed,
            &self.runtime,
        );
        self.coordinator.set_bindings(bindings);
        Ok(())
    }

    /// Stops the drift watch and the NETCONF server: sessions are closed
    /// and SSH clients disconnected, within [`STOP_TIMEOUT`].
    pub async fn stop(self) {
        if let Some(task) = self.drift_task {
            task.abort();
        }
        if let Some(task) = self.pool_task {
            task.abort();
        }
        let _ = self.shutdown.send(());
        let mut server_task = self.server_task;
        if tokio::time::timeout(STOP_TIMEOUT, &mut server_task)
            .await
            .is_err()
        {
            server_task.abort();
        }
    }
}

/// Polls each server's `config-hash-get`; a hash other than the one the
/// server had after the agent's last push means someone changed the server
/// behind the agent's back.
async fn watch_drift(
    coordinator: Arc<Coordinator>,
    datastore: Arc<DatastoreManager>,
    every: Duration,
    policy: DriftPolicy,
) {
    let mut down: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        for binding in coordinator.bindings() {
            if !binding.control.is_connected() {
                continue;
            }
            let name = binding.name().to_string();
            let exclusive = binding.exclusive().await;
            let hash = match binding.current_hash().await {
                Ok(hash) => hash,
                Err(e) => {
                    if down.insert(name.clone()) {
                        kea_log!(LOGGER, NETCONF_SERVER_DOWN, name, e);
                        coordinator.notify(crate::notify::server_status(&name, false));
                    }
                    continue;
                }
            };
            if down.remove(&name) {
                kea_log!(LOGGER, NETCONF_SERVER_UP, name);
                coordinator.notify(crate::notify::server_status(&name, true));
            }
            match binding.expected_hash() {
                // Never pushed to (it was down at boot-update, or the agent
                // was reloaded): what it runs is unknown to the agent, so
                // under `reconcile` it gets running now; otherwise its
                // config becomes the reference.
                None if policy == DriftPolicy::Reconcile
                    && has_module_data(&datastore.running(), binding.model()) =>
                {
                    drop(exclusive);
                    handle_drift(&binding, &datastore, policy, &coordinator, (&hash, "none")).await;
                }
                None => binding.set_expected_hash(Some(hash)),
                Some(expected) if expected != hash => {
                    drop(exclusive);
                    handle_drift(
                        &binding,
                        &datastore,
                        policy,
                        &coordinator,
                        (&hash, &expected),
                    )
                    .await;
                    if policy == DriftPolicy::Report {
                        // Reported once; the new config is the one to watch.
                        binding.set_expected_hash(Some(hash));
                    }
                }
                Some(_) => {}
            }
        }
    }
}

async fn handle_drift(
    binding: &Arc<ServerBinding>,
    datastore: &Arc<DatastoreManager>,
    policy: DriftPolicy,
    coordinator: &Arc<Coordinator>,
    (found, expected): (&str, &str),
) {
    let name = binding.name();
    let action = match policy {
        DriftPolicy::Report => "reported",
        DriftPolicy::Reconcile => "reconciled",
        DriftPolicy::Adopt => "adopted",
    };
    kea_log!(LOGGER, NETCONF_CONFIG_DRIFT, name, found, expected, action);
    coordinator.notify(crate::notify::config_drift(name, action));
    match policy {
        DriftPolicy::Report => {}
        DriftPolicy::Reconcile => {
            let translated = binding.to_kea(&datastore.running());
            let pushed = match translated {
                Ok(translated) => match binding.complete(translated).await {
                    Ok(config) => binding.config_set(&config).await,
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            match pushed {
                Ok(()) => kea_log!(LOGGER, NETCONF_DRIFT_RECONCILED, name),
                Err(e) => kea_log!(LOGGER, NETCONF_DRIFT_ACTION_FAILED, name, e),
            }
        }
        DriftPolicy::Adopt => {
            let adopted = async {
                let config = binding.config_get().await?;
                let tree = binding.to_yang(&config)?;
                let mut running = datastore
                    .get(Datastore::Running, None)
                    .map_err(|e| e.to_string())?;
                let module = binding.model().to_string();
                if has_module_data(&running, &module) {
                    let path = crate::partial::config_root(&module);
                    running.remove(&path).map_err(|e| e.to_string())?;
                }
                running.merge(&tree).map_err(|e| e.to_string())?;
                let ds = Arc::clone(datastore);
                tokio::task::spawn_blocking(move || {
                    let session = crate::binding::agent_session(&ds);
                    ds.replace(session, Datastore::Running, running)
                })
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| e.to_string())
            };
            if let Err(e) = adopted.await {
                kea_log!(LOGGER, NETCONF_DRIFT_ACTION_FAILED, name, e);
            }
        }
    }
}
