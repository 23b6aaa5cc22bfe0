//! Log messages of this agent's additions to Kea's kea-netconf (drift watch,
//! confirmed commits, the built-in NETCONF server, seeding). Kea's own
//! NETCONF_* messages come from `kea_log::messages`; these use the same
//! form so they are written by the same loggers (a bare `tracing` event is
//! not a Kea log line and would never be printed).

use kea_log::{Level, Message};

pub const NETCONF_SERVER_UNMANAGED: Message = Message::new(
    "NETCONF_SERVER_UNMANAGED",
    Level::Warn,
    "%1 server has no control-socket: it is not managed",
);
pub const NETCONF_MODEL_UNTRANSLATED: Message = Message::new(
    "NETCONF_MODEL_UNTRANSLATED",
    Level::Warn,
    "model %1 has no translator: its changes are not pushed to %2 server",
);
pub const NETCONF_STARTUP_SEEDED: Message = Message::new(
    "NETCONF_STARTUP_SEEDED",
    Level::Info,
    "startup datastore seeded from the configuration of %1 server",
);
pub const NETCONF_STARTUP_SEED_FAILED: Message = Message::new(
    "NETCONF_STARTUP_SEED_FAILED",
    Level::Error,
    "cannot seed the startup datastore from %1 server: %2",
);
pub const NETCONF_NO_USERS: Message = Message::new(
    "NETCONF_NO_USERS",
    Level::Warn,
    "netconf-server.users is empty: no NETCONF client can log in",
);
pub const NETCONF_SERVER_STOPPED: Message = Message::new(
    "NETCONF_SERVER_STOPPED",
    Level::Error,
    "the NETCONF server stopped: %1",
);
pub const NETCONF_LOCAL_SOCKET_FAILED: Message = Message::new(
    "NETCONF_LOCAL_SOCKET_FAILED",
    Level::Warn,
    "local socket %1 for sysrepocfg unavailable: %2",
);
pub const NETCONF_SERVER_DOWN: Message = Message::new(
    "NETCONF_SERVER_DOWN",
    Level::Warn,
    "%1 server does not answer: %2",
);
pub const NETCONF_SERVER_UP: Message =
    Message::new("NETCONF_SERVER_UP", Level::Info, "%1 server answers again");
pub const NETCONF_CONFIG_DRIFT: Message = Message::new(
    "NETCONF_CONFIG_DRIFT",
    Level::Warn,
    "configuration of %1 server changed outside NETCONF (config hash %2, expected %3): %4",
);
pub const NETCONF_DRIFT_RECONCILED: Message = Message::new(
    "NETCONF_DRIFT_RECONCILED",
    Level::Info,
    "running configuration pushed back to %1 server",
);
pub const NETCONF_DRIFT_ACTION_FAILED: Message = Message::new(
    "NETCONF_DRIFT_ACTION_FAILED",
    Level::Error,
    "handling the configuration drift of %1 server failed: %2",
);
pub const NETCONF_CONFIRMED_COMMIT_ROLLBACK: Message = Message::new(
    "NETCONF_CONFIRMED_COMMIT_ROLLBACK",
    Level::Warn,
    "confirmed commit %1: restoring the previous running configuration",
);
pub const NETCONF_CONFIRMED_COMMIT_ROLLBACK_FAILED: Message = Message::new(
    "NETCONF_CONFIRMED_COMMIT_ROLLBACK_FAILED",
    Level::Error,
    "restoring the running configuration of a confirmed commit failed: %1",
);
pub const NETCONF_KEEP_CONTROL_SOCKETS: Message = Message::new(
    "NETCONF_KEEP_CONTROL_SOCKETS",
    Level::Debug(55),
    "keeping the control sockets of %1 server in the pushed configuration",
);
pub const NETCONF_REVERT_STARTED: Message = Message::new(
    "NETCONF_REVERT_STARTED",
    Level::Warn,
    "a server refused the committed configuration (%1): restoring the previous one",
);
pub const NETCONF_REVERT_FAILED: Message = Message::new(
    "NETCONF_REVERT_FAILED",
    Level::Error,
    "restoring the previous running configuration failed: %1",
);
pub const NETCONF_RESTART_NEEDED: Message = Message::new(
    "NETCONF_RESTART_NEEDED",
    Level::Warn,
    "netconf-server, drift or pool-check settings changed: they take effect when kea-netconf restarts",
);
pub const NETCONF_POOL_UTILIZATION_HIGH: Message = Message::new(
    "NETCONF_POOL_UTILIZATION_HIGH",
    Level::Warn,
    "subnet %2 of %1 server: %3 utilization %4 reached the threshold %5",
);
pub const NETCONF_POOL_UTILIZATION_NORMAL: Message = Message::new(
    "NETCONF_POOL_UTILIZATION_NORMAL",
    Level::Info,
    "subnet %2 of %1 server: %3 utilization %4 is below the threshold %5 again",
);
pub const NETCONF_POOL_STATS_FAILED: Message = Message::new(
    "NETCONF_POOL_STATS_FAILED",
    Level::Warn,
    "cannot read the statistics of %1 server for the pool utilization watch: %2",
);
pub const NETCONF_CONFIG_WARNING: Message = Message::new(
    "NETCONF_CONFIG_WARNING",
    Level::Warn,
    "configuration warning: %1",
);
pub const NETCONF_UPDATE_CONFIG_DELTA: Message = Message::new(
    "NETCONF_UPDATE_CONFIG_DELTA",
    Level::Info,
    "applying the change to %1 server with %2 commands instead of config-set: %3",
);
pub const NETCONF_UPDATE_CONFIG_DELTA_COMPLETED: Message = Message::new(
    "NETCONF_UPDATE_CONFIG_DELTA_COMPLETED",
    Level::Info,
    "%1 server runs the new configuration (config hash %2) after %3 commands",
);
pub const NETCONF_UPDATE_CONFIG_DELTA_FAILED: Message = Message::new(
    "NETCONF_UPDATE_CONFIG_DELTA_FAILED",
    Level::Warn,
    "incremental update of %1 server failed (%2): falling back to config-set",
);
pub const NETCONF_UPDATE_CONFIG_FULL: Message = Message::new(
    "NETCONF_UPDATE_CONFIG_FULL",
    Level::Debug(40),
    "applying the change to %1 server with config-set: %2",
);
