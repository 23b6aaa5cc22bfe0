//! YANG datastore: the role sysrepo plays for Kea's agent, built in.
//!
//! A [`DatastoreManager`] keeps the `running`, `startup` and `candidate`
//! configuration datastores of every module loaded in one libyang context,
//! plus an `operational` view (running merged with state from registered
//! [`OperationalProvider`]s).
//!
//! - **Edits** follow NETCONF (`merge`, `replace`, `create`, `delete`,
//!   `remove`, a default operation, `error-option`, `test-option`) and are
//!   atomic: they are applied to a copy, fully validated, and only then
//!   committed.
//! - **Commits to running** go through change subscribers per module, as in
//!   sysrepo: every subscriber of a changed module sees the `change` phase
//!   and may veto; then all get `done`, or those already asked get `abort`.
//!   Subscribers run in priority order (highest first). An empty diff
//!   notifies nobody. Readers keep seeing the old running tree until the
//!   commit is complete. A subscriber that takes longer than the change
//!   timeout ([`DatastoreManager::set_change_timeout`]) fails the commit
//!   ([`DatastoreError::SubscriberTimeout`]) and nothing is applied.
//! - **Locks** per datastore belong to a session and go with it
//!   ([`DatastoreManager::lock_info`] tells who and since when).
//! - **NETCONF state**: [`DatastoreManager::serve_netconf_state`] serves
//!   ietf-netconf-monitoring and ietf-yang-library ([`netconf_state`]).
//! - **Persistence**: `running.json` and `startup.json` in a directory,
//!   replaced atomically (write, fsync, rename, fsync the directory).
//!
//! Parsing and printing go through `kea-yang` (NUL-terminated buffers,
//! `operation` annotations kept).

mod edit;
mod error;
pub mod netconf_state;
mod store;

pub use edit::{DefaultOperation, ErrorOption, apply_edit};
pub use error::DatastoreError;
pub use kea_yang::EditOperation;
pub use store::{
    ChangeEvent, ChangeSubscriber, DEFAULT_CHANGE_TIMEOUT, Datastore, DatastoreManager,
    EditRequest, Lock, OperationalProvider, SessionId, TestOption,
};
