//! The datastores, their locks, commits and subscribers.

use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, mpsc};
use std::time::{Duration, SystemTime};

use kea_yang::yang2;
use yang2::context::Context;
use yang2::data::{Data, DataDiff, DataDiffFlags, DataFormat, DataTree, DataValidationFlags};

use crate::DatastoreError;
use crate::edit::{DefaultOperation, ErrorOption, apply_edit, node_exists};

/// A NETCONF session id (RFC 6241 §8.1); 0 stands for the agent itself.
pub type SessionId = u32;

/// The datastores of NMDA that NETCONF reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Datastore {
    Running,
    Startup,
    Candidate,
    Operational,
}

impl Datastore {
    pub fn name(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Startup => "startup",
            Self::Candidate => "candidate",
            Self::Operational => "operational",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "running" => Self::Running,
            "startup" => Self::Startup,
            "candidate" => Self::Candidate,
            "operational" => Self::Operational,
            _ => return None,
        })
    }
}

impl fmt::Display for Datastore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// RFC 6241 `test-option`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TestOption {
    #[default]
    TestThenSet,
    Set,
    TestOnly,
}

/// One `<edit-config>`.
#[derive(Debug)]
pub struct EditRequest<'e> {
    /// The edit content, already parsed with `kea_yang::parse_edit`.
    pub edit: &'e DataTree<'static>,
    pub default_operation: DefaultOperation,
    pub error_option: ErrorOption,
    pub test_option: TestOption,
}

/// What a change subscriber is shown, once per changed module.
#[derive(Debug)]
pub struct ChangeEvent<'e> {
    /// The module whose data changed.
    pub module: &'e str,
    /// Running before the change (all modules).
    pub old: &'e DataTree<'static>,
    /// Running after the change (all modules), validated.
    pub new: &'e DataTree<'static>,
    /// libyang diff between the two (all modules).
    pub diff: &'e DataDiff<'static>,
}

/// A subscriber to changes of one module's running configuration.
pub trait ChangeSubscriber: Send + Sync {
    /// Names the subscriber in logs and veto messages.
    fn name(&self) -> &str;
    /// Change phase: return an error to veto the whole commit.
    fn change(&self, event: &ChangeEvent<'_>) -> Result<(), String>;
    /// The change is in running now.
    fn done(&self, _event: &ChangeEvent<'_>) {}
    /// Another subscriber vetoed after this one accepted.
    fn abort(&self, _event: &ChangeEvent<'_>) {}
}

/// Supplies the state (config false) data of a module for the operational
/// datastore.
pub trait OperationalProvider: Send + Sync {
    /// State data of `module`, restricted to `xpath` when the provider can
    /// use it to fetch less (it may return more; the datastore filters).
    fn state(&self, module: &str, xpath: Option<&str>)
    -> Result<Option<DataTree<'static>>, String>;
}

struct Subscription {
    module: String,
    priority: u32,
    subscriber: Arc<dyn ChangeSubscriber>,
}

/// A datastore lock: who holds it, since when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lock {
    pub session: SessionId,
    pub since: SystemTime,
}

/// How long a change subscriber may take in its `change` phase by default
/// (see [`DatastoreManager::set_change_timeout`]).
pub const DEFAULT_CHANGE_TIMEOUT: Duration = Duration::from_secs(30);

struct State {
    running: Arc<DataTree<'static>>,
    startup: Arc<DataTree<'static>>,
    candidate: DataTree<'static>,
    /// Session whose edits the candidate holds, if it differs from running.
    candidate_modified_by: Option<SessionId>,
    locks: HashMap<Datastore, Lock>,
    subscriptions: Vec<Subscription>,
    providers: HashMap<String, Arc<dyn OperationalProvider>>,
}

/// The datastores of one libyang context. Cheap to share behind an `Arc`.
pub struct DatastoreManager {
    context: &'static Context,
    directory: Option<PathBuf>,
    state: Mutex<State>,
    /// Held for a whole commit, so subscribers see one change at a time
    /// while readers go on reading the old running tree.
    commit_lock: Mutex<()>,
    change_timeout: Mutex<Duration>,
}

impl fmt::Debug for DatastoreManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatastoreManager")
            .field("directory", &self.directory)
            .finish_non_exhaustive()
    }
}

const RUNNING_FILE: &str = "running.json";
const STARTUP_FILE: &str = "startup.json";

impl DatastoreManager {
    /// Datastores kept only in memory (tests, tools).
    pub fn in_memory(context: &'static Context) -> Self {
        Self::with_trees(
            context,
            None,
            DataTree::new(context),
            DataTree::new(context),
        )
    }

    /// Opens the datastores persisted in `directory` (created if missing).
    /// Startup is loaded from `startup.json`; running from `running.json`
    /// when present (the agent restarted), else from startup (a fresh
    /// boot). Both must validate.
    pub fn open(context: &'static Context, directory: &Path) -> Result<Self, DatastoreError> {
        std::fs::create_dir_all(directory).map_err(|e| io_error(directory, e))?;
        let startup = load_file(context, &directory.join(STARTUP_FILE))?;
        let running = match load_file_if_exists(context, &directory.join(RUNNING_FILE))? {
            Some(tree) => tree,
            None => startup.duplicate().map_err(DatastoreError::invalid)?,
        };
        Ok(Self::with_trees(
            context,
            Some(directory.to_path_buf()),
            running,
            startup,
        ))
    }

    fn with_trees(
        context: &'static Context,
        directory: Option<PathBuf>,
        running: DataTree<'static>,
        startup: DataTree<'static>,
    ) -> Self {
        let candidate = running
            .duplicate()
            .unwrap_or_else(|_| DataTree::new(context));
        Self {
            context,
            directory,
            state: Mutex::new(State {
                running: Arc::new(running),
                startup: Arc::new(startup),
                candidate,
                candidate_modified_by: None,
                locks: HashMap::new(),
                subscriptions: Vec::new(),
                providers: HashMap::new(),
            }),
            commit_lock: Mutex::new(()),
            change_timeout: Mutex::new(DEFAULT_CHANGE_TIMEOUT),
        }
    }

    pub fn context(&self) -> &'static Context {
        self.context
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panicking subscriber must not take the datastore down with it:
        // the state is only ever replaced whole, so it is consistent.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Subscribes to changes of `module` in running.
    pub fn subscribe(&self, module: &str, priority: u32, subscriber: Arc<dyn ChangeSubscriber>) {
        let mut state = self.state();
        state.subscriptions.push(Subscription {
            module: module.to_string(),
            priority,
            subscriber,
        });
        // Highest priority first; equal priorities keep subscription order.
        state
            .subscriptions
            .sort_by_key(|s| std::cmp::Reverse(s.priority));
    }

    /// How long a subscriber's `change` phase may take before the commit
    /// fails with [`DatastoreError::SubscriberTimeout`] (as sysrepo's
    /// callback timeout). A subscriber that answers after that is told
    /// `abort` once it returns, so it can drop what it prepared.
    pub fn set_change_timeout(&self, timeout: Duration) {
        *self
            .change_timeout
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = timeout;
    }

    /// The change-phase timeout in force.
    pub fn change_timeout(&self) -> Duration {
        *self
            .change_timeout
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Registers the state provider of `module` for the operational view.
    pub fn set_operational_provider(&self, module: &str, provider: Arc<dyn OperationalProvider>) {
        self.state().providers.insert(module.to_string(), provider);
    }

    /// The current running tree, as one consistent snapshot.
    pub fn running(&self) -> Arc<DataTree<'static>> {
        Arc::clone(&self.state().running)
    }

    /// A copy of `datastore`, restricted to the nodes `xpath` selects (with
    /// their ancestors and subtrees) when given.
    pub fn get(
        &self,
        datastore: Datastore,
        xpath: Option<&str>,
    ) -> Result<DataTree<'static>, DatastoreError> {
        let tree = match datastore {
            Datastore::Running => self.running().duplicate(),
            Datastore::Startup => Arc::clone(&self.state().startup).duplicate(),
            Datastore::Candidate => self.state().candidate.duplicate(),
            Datastore::Operational => return self.operational(xpath),
        }
        .map_err(DatastoreError::invalid)?;
        match xpath {
            None => Ok(tree),
            Some(xpath) => filter(&tree, xpath),
        }
    }

    fn operational(&self, xpath: Option<&str>) -> Result<DataTree<'static>, DatastoreError> {
        let providers: Vec<(String, Arc<dyn OperationalProvider>)> = self
            .state()
            .providers
            .iter()
            .map(|(m, p)| (m.clone(), Arc::clone(p)))
            .collect();
        let mut tree = self
            .running()
            .duplicate()
            .map_err(DatastoreError::invalid)?;
        for (module, provider) in providers {
            if let Some(xpath) = xpath {
                // Skip providers whose module the filter cannot touch.
                if !xpath_may_touch(xpath, &module) {
                    continue;
                }
            }
            let state = provider.state(&module, xpath).map_err(|message| {
                DatastoreError::StateUnavailable {
                    module: module.clone(),
                    message,
                }
            })?;
            if let Some(state) = state {
                tree.merge(&state).map_err(DatastoreError::invalid)?;
            }
        }
        match xpath {
            None => Ok(tree),
            Some(xpath) => filter(&tree, xpath),
        }
    }

    /// Applies an `<edit-config>` to `target` for `session`. With
    /// continue-on-error, the parts that apply are committed and the errors
    /// of the others returned.
    pub fn edit(
        &self,
        session: SessionId,
        target: Datastore,
        request: &EditRequest<'_>,
    ) -> Result<(), Vec<DatastoreError>> {
        let one = |e: DatastoreError| vec![e];
        self.check_lock(session, target).map_err(one)?;
        let apply =
            |tree: &mut DataTree<'static>| -> Result<Vec<DatastoreError>, Vec<DatastoreError>> {
                match apply_edit(
                    tree,
                    request.edit,
                    request.default_operation,
                    request.error_option,
                ) {
                    Ok(()) => Ok(Vec::new()),
                    Err(errors) if request.error_option == ErrorOption::ContinueOnError => {
                        Ok(errors)
                    }
                    Err(errors) => Err(errors),
                }
            };
        let partial = match target {
            Datastore::Running => {
                let _commit = self.commit_lock.lock().unwrap_or_else(|p| p.into_inner());
                let mut tree = self
                    .running()
                    .duplicate()
                    .map_err(|e| one(DatastoreError::invalid(e)))?;
                let partial = apply(&mut tree)?;
                validate(&mut tree).map_err(one)?;
                if request.test_option != TestOption::TestOnly {
                    self.commit_locked(tree).map_err(one)?;
                }
                partial
            }
            Datastore::Candidate => {
                let mut tree = self
                    .state()
                    .candidate
                    .duplicate()
                    .map_err(|e| one(DatastoreError::invalid(e)))?;
                let partial = apply(&mut tree)?;
                // The candidate may stay invalid until commit (RFC 6241
                // §8.3); test-option asks for validation now.
                if request.test_option != TestOption::Set {
                    let mut copy = tree
                        .duplicate()
                        .map_err(|e| one(DatastoreError::invalid(e)))?;
                    validate(&mut copy).map_err(one)?;
                }
                if request.test_option != TestOption::TestOnly {
                    let mut state = self.state();
                    state.candidate = tree;
                    state.candidate_modified_by = Some(session);
                }
                partial
            }
            Datastore::Startup => {
                let mut tree = Arc::clone(&self.state().startup)
                    .duplicate()
                    .map_err(|e| one(DatastoreError::invalid(e)))?;
                let partial = apply(&mut tree)?;
                validate(&mut tree).map_err(one)?;
                if request.test_option != TestOption::TestOnly {
                    self.store_startup(tree).map_err(one)?;
                }
                partial
            }
            Datastore::Operational => {
                return Err(one(DatastoreError::NotSupported(
                    "the operational datastore cannot be edited".into(),
                )));
            }
        };
        if partial.is_empty() {
            Ok(())
        } else {
            Err(partial)
        }
    }

    /// Replaces the content of `target` with `tree` (`<copy-config>` with
    /// inline config, `sysrepocfg --import`).
    pub fn replace(
        &self,
        session: SessionId,
        target: Datastore,
        mut tree: DataTree<'static>,
    ) -> Result<(), DatastoreError> {
        self.check_lock(session, target)?;
        match target {
            Datastore::Running => {
                let _commit = self.commit_lock.lock().unwrap_or_else(|p| p.into_inner());
                validate(&mut tree)?;
                self.commit_locked(tree)
            }
            Datastore::Startup => {
                validate(&mut tree)?;
                self.store_startup(tree)
            }
            Datastore::Candidate => {
                let mut state = self.state();
                state.candidate = tree;
                state.candidate_modified_by = Some(session);
                Ok(())
            }
            Datastore::Operational => Err(DatastoreError::NotSupported(
                "the operational datastore cannot be written".into(),
            )),
        }
    }

    /// `<copy-config>` between datastores.
    pub fn copy(
        &self,
        session: SessionId,
        source: Datastore,
        target: Datastore,
    ) -> Result<(), DatastoreError> {
        if source == target {
            return Ok(());
        }
        let tree = self.get(source, None)?;
        self.replace(session, target, tree)
    }

    /// `<delete-config>`: only startup can be deleted (RFC 6241 §7.4).
    pub fn delete_config(
        &self,
        session: SessionId,
        target: Datastore,
    ) -> Result<(), DatastoreError> {
        if target != Datastore::Startup {
            return Err(DatastoreError::NotSupported(format!(
                "delete-config is not allowed on {target}"
            )));
        }
        self.check_lock(session, target)?;
        self.store_startup(DataTree::new(self.context))
    }

    /// `<commit>`: the candidate becomes running.
    pub fn commit(&self, session: SessionId) -> Result<(), DatastoreError> {
        self.check_lock(session, Datastore::Running)?;
        let _commit = self.commit_lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut tree = self
            .state()
            .candidate
            .duplicate()
            .map_err(DatastoreError::invalid)?;
        validate(&mut tree)?;
        self.commit_locked(tree)?;
        self.state().candidate_modified_by = None;
        Ok(())
    }

    /// `<discard-changes>`: the candidate is reset to running.
    pub fn discard_changes(&self) -> Result<(), DatastoreError> {
        let running = self.running();
        let candidate = running.duplicate().map_err(DatastoreError::invalid)?;
        let mut state = self.state();
        state.candidate = candidate;
        state.candidate_modified_by = None;
        Ok(())
    }

    /// `<validate>` of a datastore.
    pub fn validate(&self, source: Datastore) -> Result<(), DatastoreError> {
        let mut tree = self.get(source, None)?;
        validate(&mut tree)
    }

    /// `<lock>`.
    pub fn lock(&self, session: SessionId, datastore: Datastore) -> Result<(), DatastoreError> {
        let mut state = self.state();
        if let Some(lock) = state.locks.get(&datastore) {
            return Err(DatastoreError::LockDenied {
                datastore,
                owner: lock.session,
            });
        }
        if datastore == Datastore::Candidate
            && state.candidate_modified_by.is_some_and(|s| s != session)
        {
            return Err(DatastoreError::InUse(
                "the candidate holds uncommitted changes of another session".into(),
            ));
        }
        state.locks.insert(
            datastore,
            Lock {
                session,
                since: SystemTime::now(),
            },
        );
        Ok(())
    }

    /// `<unlock>`.
    pub fn unlock(&self, session: SessionId, datastore: Datastore) -> Result<(), DatastoreError> {
        let mut state = self.state();
        match state.locks.get(&datastore).map(|l| l.session) {
            Some(owner) if owner == session => {
                state.locks.remove(&datastore);
                Ok(())
            }
            Some(owner) => Err(DatastoreError::LockDenied { datastore, owner }),
            None => Err(DatastoreError::InUse(format!(
                "the {datastore} datastore is not locked"
            ))),
        }
    }

    /// Releases what a session held: its locks, and the candidate's
    /// uncommitted edits when the session locked the candidate (RFC 6241
    /// §7.5: an unlocked candidate's changes go away with the lock).
    pub fn end_session(&self, session: SessionId) {
        let running = self.running();
        let mut state = self.state();
        let held_candidate =
            state.locks.get(&Datastore::Candidate).map(|l| l.session) == Some(session);
        state.locks.retain(|_, lock| lock.session != session);
        if held_candidate
            && state.candidate_modified_by == Some(session)
            && let Ok(candidate) = running.duplicate()
        {
            state.candidate = candidate;
            state.candidate_modified_by = None;
        }
    }

    /// The session holding `datastore`'s lock, if any.
    pub fn lock_owner(&self, datastore: Datastore) -> Option<SessionId> {
        self.state().locks.get(&datastore).map(|l| l.session)
    }

    /// The lock of `datastore`, if it is locked.
    pub fn lock_info(&self, datastore: Datastore) -> Option<Lock> {
        self.state().locks.get(&datastore).copied()
    }

    fn check_lock(&self, session: SessionId, datastore: Datastore) -> Result<(), DatastoreError> {
        match self.state().locks.get(&datastore).map(|l| l.session) {
            Some(owner) if owner != session => Err(DatastoreError::LockDenied { datastore, owner }),
            _ => Ok(()),
        }
    }

    /// Runs the subscriber phases and swaps running. The caller holds the
    /// commit lock and has validated `new`.
    fn commit_locked(&self, new: DataTree<'static>) -> Result<(), DatastoreError> {
        let old = self.running();
        let diff = old
            .diff(&new, DataDiffFlags::empty())
            .map_err(DatastoreError::invalid)?;
        let modules = changed_modules(&diff);
        if modules.is_empty() {
            return Ok(());
        }
        let subscribers: Vec<(String, Arc<dyn ChangeSubscriber>)> = self
            .state()
            .subscriptions
            .iter()
            .filter(|s| modules.contains(&s.module))
            .map(|s| (s.module.clone(), Arc::clone(&s.subscriber)))
            .collect();

        let new = Arc::new(new);
        let diff = Arc::new(diff);
        let timeout = self.change_timeout();
        let mut accepted: Vec<(String, Arc<dyn ChangeSubscriber>)> = Vec::new();
        for (module, subscriber) in &subscribers {
            let refused = change_with_timeout(module, subscriber, &old, &new, &diff, timeout).err();
            if let Some(error) = refused {
                tracing::info!(subscriber = subscriber.name(), %module, %error, "change refused");
                for (module, earlier) in accepted.iter().rev() {
                    let event = ChangeEvent {
                        module,
                        old: &old,
                        new: &new,
                        diff: &diff,
                    };
                    Arc::clone(earlier).abort(&event);
                }
                return Err(error);
            }
            accepted.push((module.clone(), Arc::clone(subscriber)));
        }

        self.persist(RUNNING_FILE, &new)?;
        {
            let mut state = self.state();
            state.running = Arc::clone(&new);
            // An unmodified candidate follows running; otherwise a later
            // <commit> would undo changes made to running directly.
            if state.candidate_modified_by.is_none()
                && let Ok(candidate) = new.duplicate()
            {
                state.candidate = candidate;
            }
        }
        for (module, subscriber) in &subscribers {
            let event = ChangeEvent {
                module,
                old: &old,
                new: &new,
                diff: &diff,
            };
            subscriber.done(&event);
        }
        Ok(())
    }

    fn store_startup(&self, tree: DataTree<'static>) -> Result<(), DatastoreError> {
        self.persist(STARTUP_FILE, &tree)?;
        self.state().startup = Arc::new(tree);
        Ok(())
    }

    fn persist(&self, file: &str, tree: &DataTree<'static>) -> Result<(), DatastoreError> {
        match &self.directory {
            Some(dir) => write_atomically(&dir.join(file), print_json(tree)?.as_bytes()),
            None => Ok(()),
        }
    }

    /// True when the candidate differs from running (uncommitted edits).
    pub fn candidate_modified(&self) -> bool {
        self.state().candidate_modified_by.is_some()
    }

    /// True when `path` exists in `datastore`.
    pub fn exists(&self, datastore: Datastore, path: &str) -> bool {
        self.get(datastore, None)
            .map(|t| node_exists(&t, path))
            .unwrap_or(false)
    }
}

/// Runs a subscriber's `change` phase on its own thread and waits at most
/// `timeout` for the verdict. A subscriber that answers later is told
/// `abort` (the commit failed without it) once it has finished.
fn change_with_timeout(
    module: &str,
    subscriber: &Arc<dyn ChangeSubscriber>,
    old: &Arc<DataTree<'static>>,
    new: &Arc<DataTree<'static>>,
    diff: &Arc<DataDiff<'static>>,
    timeout: Duration,
) -> Result<(), DatastoreError> {
    // Who got there first: the verdict (ANSWERED) or the deadline (GAVE_UP).
    const WAITING: u8 = 0;
    const ANSWERED: u8 = 1;
    const GAVE_UP: u8 = 2;
    let (tx, rx) = mpsc::channel();
    let race = Arc::new(AtomicU8::new(WAITING));
    let worker = {
        let (module, subscriber) = (module.to_string(), Arc::clone(subscriber));
        let (old, new, diff) = (Arc::clone(old), Arc::clone(new), Arc::clone(diff));
        let race = Arc::clone(&race);
        move || {
            let event = ChangeEvent {
                module: &module,
                old: &old,
                new: &new,
                diff: &diff,
            };
            let verdict = subscriber.change(&event);
            let in_time = race
                .compare_exchange(WAITING, ANSWERED, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok();
            if in_time {
                let _ = tx.send(verdict);
            } else if verdict.is_ok() {
                tracing::warn!(
                    subscriber = subscriber.name(),
                    %module,
                    "change subscriber answered after the commit timed out; aborting it"
                );
                subscriber.abort(&event);
            }
        }
    };
    let spawned = std::thread::Builder::new()
        .name(format!("change-{}", subscriber.name()))
        .spawn(worker);
    if let Err(e) = spawned {
        return Err(DatastoreError::Vetoed {
            subscriber: subscriber.name().to_string(),
            message: format!("cannot run the change subscriber: {e}"),
        });
    }
    match rx.recv_timeout(timeout) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(message)) => Err(DatastoreError::Vetoed {
            subscriber: subscriber.name().to_string(),
            message,
        }),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            let gave_up = race
                .compare_exchange(WAITING, GAVE_UP, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok();
            if gave_up {
                return Err(DatastoreError::SubscriberTimeout {
                    subscriber: subscriber.name().to_string(),
                    module: module.to_string(),
                    timeout,
                });
            }
            // It answered just now: that answer counts, and is being sent.
            match rx.recv() {
                Ok(Ok(())) => Ok(()),
                Ok(Err(message)) => Err(DatastoreError::Vetoed {
                    subscriber: subscriber.name().to_string(),
                    message,
                }),
                Err(_) => Err(DatastoreError::Vetoed {
                    subscriber: subscriber.name().to_string(),
                    message: "the change subscriber failed (panicked)".to_string(),
                }),
            }
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(DatastoreError::Vetoed {
            subscriber: subscriber.name().to_string(),
            message: "the change subscriber failed (panicked)".to_string(),
        }),
    }
}

/// Top-level module names present in a diff.
fn changed_modules(diff: &DataDiff<'static>) -> Vec<String> {
    let mut modules: Vec<String> = Vec::new();
    // The diff is a data tree whose top-level nodes carry the module.
    if let Some(first) = Data::tree(diff).reference() {
        for node in first.inclusive_siblings() {
            let name = node.schema().module().name().to_string();
            if !modules.contains(&name) {
                modules.push(name);
            }
        }
    }
    modules
}

fn xpath_may_touch(xpath: &str, module: &str) -> bool {
    xpath.contains(&format!("{module}:")) || !xpath.contains(':')
}

fn validate(tree: &mut DataTree<'static>) -> Result<(), DatastoreError> {
    if tree.reference().is_none() {
        return Ok(());
    }
    tree.validate(DataValidationFlags::NO_STATE)
        .map_err(DatastoreError::validation)
}

/// The nodes `xpath` selects, with their ancestors and whole subtrees.
fn filter(tree: &DataTree<'static>, xpath: &str) -> Result<DataTree<'static>, DatastoreError> {
    let mut result = DataTree::new(tree.context());
    if tree.reference().is_none() {
        return Ok(result);
    }
    let set = tree.find_xpath(xpath).map_err(DatastoreError::invalid)?;
    for node in set {
        let copy = node.duplicate(true).map_err(DatastoreError::invalid)?;
        result.merge(&copy).map_err(DatastoreError::invalid)?;
    }
    Ok(result)
}

/// JSON text of a tree, as stored in the datastore files.
fn print_json(tree: &DataTree<'static>) -> Result<String, DatastoreError> {
    if tree.reference().is_none() {
        return Ok(String::new());
    }
    kea_yang::print_tree(tree, DataFormat::JSON, kea_yang::WithDefaults::Explicit)
        .map_err(DatastoreError::invalid)
}

fn load_file(context: &'static Context, path: &Path) -> Result<DataTree<'static>, DatastoreError> {
    Ok(load_file_if_exists(context, path)?.unwrap_or_else(|| DataTree::new(context)))
}

fn load_file_if_exists(
    context: &'static Context,
    path: &Path,
) -> Result<Option<DataTree<'static>>, DatastoreError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error(path, e)),
    };
    if text.trim().is_empty() {
        return Ok(Some(DataTree::new(context)));
    }
    kea_yang::parse_config(context, &text, DataFormat::JSON)
        .map(Some)
        .map_err(|e| DatastoreError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })
}

/// Writes `bytes` to `path` so that a crash leaves either the old or the new
/// file, never a half-written one.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), DatastoreError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = path.with_extension("json.tmp");
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        std::fs::File::open(dir)?.sync_all()
    };
    write().map_err(|e| io_error(path, e))
}

fn io_error(path: &Path, e: std::io::Error) -> DatastoreError {
    DatastoreError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}
