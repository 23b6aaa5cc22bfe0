//! The daemon lifecycle shared by kea-dhcp4, kea-dhcp6 and kea-netconf.
//!
//! * [`cli`] — Kea's switches (`-c -t -T -d -v -V -W -p -P -X`): [`parse_or_exit`]
//!   returns a [`CommandLine`] or prints/exits like Kea; [`parse_args`] for tests.
//! * [`pidfile`] — [`PidFile::create_default`] makes
//!   `$KEA_PIDFILE_DIR/<config stem>.<process>.pid` (default `/run/kea`), refusing a
//!   second instance ([`PidFileError::AlreadyRunning`]); removed on drop.
//! * [`signals`] — [`signals::install`] returns a [`SignalWatcher`]: poll its fd or
//!   call `take()` in a packet loop, or `recv().await` in tokio.
//! * [`paths`] — [`PathPolicy`] (from `-X`) checks lease/socket/log/config-write paths
//!   against Kea 3.0's directories with Kea's error text.
//!
//! ```no_run
//! use kea_process::{Daemon, PathPolicy, PidFile, VersionInfo, parse_or_exit, signals};
//! let cmd = parse_or_exit(Daemon::Dhcp4, &VersionInfo::default());
//! kea_log::init(Daemon::Dhcp4.process_name(), cmd.verbose).expect("logging");
//! let policy = PathPolicy::new(cmd.unrestricted_paths);
//! let _pid = PidFile::create_default(&cmd.config_file, Daemon::Dhcp4.process_name());
//! let sig = signals::install().expect("signals");
//! # let _ = (policy, sig);
//! ```

pub mod cli;
pub mod paths;
pub mod pidfile;
pub mod signals;

pub use cli::{
    CliError, CommandLine, Daemon, EXIT_FAILURE, EXIT_OK, Invocation, KEA_VERSION, Mode,
    VersionInfo, parse_args, parse_or_exit,
};
pub use paths::PathPolicy;
pub use pidfile::{PidFile, PidFileError};
pub use signals::{SignalEvent, SignalWatcher};
