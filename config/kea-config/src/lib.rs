//! Kea's configuration layer: the extended-JSON dialect and validated daemon models.
//!
//! **Text and trees**
//! * [`Element`] / [`Value`] / [`Map`] / [`Position`]: the configuration tree; every
//!   value and map key remembers `file:line:col`; maps are sorted like Kea's.
//! * [`parse_file`] / [`parse_str`] (and `*_with_warnings`): Kea JSON with `#`, `//`,
//!   `/* */` comments, `<?include "file"?>`, trailing commas (warned), duplicate-key errors.
//! * [`Element::to_compact_string`] / [`Element::to_pretty_string`]: printers;
//!   [`Element::to_json`] / [`Element::from_json`]: `serde_json` conversions.
//! * [`ConfigError`] (`file:line:col: message`, or [`ConfigError::command_text`] for
//!   command answers) and [`Warning`].
//!
//! **Daemon models** (`from_file`, `from_text`, `from_root`, `from_element`, all returning
//! [`Loaded`] = config + warnings; `to_element` = config-get; `config_hash`):
//! * [`Dhcp4Config`]: typed view of every keyword of ARM §29.1, with inheritance helpers
//!   ([`Dhcp4Config::effective_params`], [`Dhcp4Config::effective_ddns`]).
//! * [`Dhcp6Config`]: the same for §29.2 (pd-pools, server-id, preferred lifetimes).
//! * [`NetconfConfig`]: §29.5 plus our `netconf-server` extension (SSH listener, users).
//!
//! Every keyword is checked against per-context tables: unknown keywords, wrong types,
//! out-of-range numbers and invalid enumeration values are errors with positions.
//!
//! **Hooks**: [`HooksLibrary`], [`known_hook`], [`check_hooks_supported`].

mod element;
mod error;
mod hooks;
mod load;
mod model;
mod parser;
mod printer;
mod schema;

pub use element::{Element, Map, MapEntry, Position, Value};
pub use error::{ConfigError, ErrorKind, Warning};
pub use hooks::{HooksLibrary, KNOWN_HOOKS, KnownHook, check_hooks_supported, known_hook};
pub use load::{Daemon, KEA_TOP_LEVEL_OBJECTS, Loaded, config_hash, daemon_object, validate};
pub use model::common::{
    Allocator, AuthClient, Authentication, ClientClass, ConflictResolutionMode, ControlSocket,
    ControlSocketType, DatabaseConfig, DatabaseType, DdnsParams, DhcpDdns, ExpiredLeasesProcessing,
    ExtendedInfoChecks, HostIdentifier, HostIdentifierType, HttpHeader, InterfaceSpec, LeaseChecks,
    Logger, MultiThreading, OnFail, OptionData, OptionDef, OutputOption, Relay, ReplaceClientName,
    SanityChecks, Severity, Triplet,
};
pub use model::dhcp4::{
    Compatibility4, ConfigControl, Dhcp4Config, DhcpSocketType, InterfacesConfig4, NetworkParams4,
    OutboundInterface, Pool4, Reservation4, SharedNetwork4, Subnet4, Subnet4o6,
};
pub use model::dhcp6::{
    Dhcp6Config, DuidType, InterfacesConfig6, MAC_SOURCES, NetworkParams6, PdPool, Pool6,
    Reservation6, ServerId, SharedNetwork6, Subnet6,
};
pub use model::netconf::{
    ManagedServer, ManagedService, NetconfConfig, NetconfControlSocket, NetconfServer,
    NetconfSocketType, NetconfUser, NetconfUserAuth,
};
pub use parser::{
    MAX_INCLUDE_DEPTH, Parsed, STRING_ORIGIN, parse_file, parse_file_with_warnings, parse_str,
    parse_str_with_warnings,
};
