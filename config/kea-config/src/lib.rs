//! Kea's configuration layer: the extended-JSON dialect and validated daemon models.
//!
//! **Text and trees**
//! * [`Element`] / [`Value`] / [`Map`] / [`Position`]: the configuration tree; every
//!   value and map key remembers `file:line:col`; maps are sorted like Kea's.
//! * [`parse_file`] / [`parse_str`] (and `*_with_warnings`): Kea JSON with `#`, `//`,
//!   `/* */` comments, `<?include "file"?>`, trailing commas (warned), duplicate-key errors.
//!   Commands should parse their raw text with `parse_str(text, STRING_ORIGIN)` so errors
//!   say `(<string>:line:col)`; [`Element::from_json`] has no line information.
//! * [`Element::to_compact_string`] (config-get, hashing) / [`Element::to_pretty_string`]
//!   (config-write); [`Element::to_json`] / [`Element::from_json`]; [`Element::redacted`]
//!   for logging.
//! * [`ConfigError`] (`Display` = `file:line:col: message`; [`ConfigError::command_text`] =
//!   `message (file:line:col)` for command answers) and [`Warning`].
//!
//! **Daemon models** — [`Dhcp4Config`], [`Dhcp6Config`], [`NetconfConfig`], each with
//! `from_file`, `from_text`, `from_root` (`{"Dhcp4": {...}}`, as in files and config-set),
//! `from_element` (the daemon map), all returning [`Loaded`] (config + warnings);
//! `to_element` (config-get: defaults filled in, parse → unparse → parse is a fixed
//! point), `as_element` (normalized, as configured) and `config_hash` (config-hash-get).
//! Every keyword of ARM §29.1/§29.2/§29.5 is checked per map context: unknown keywords,
//! wrong types, out-of-range numbers and invalid enumeration values are errors with
//! positions; a legacy `comment` moves into `user-context`; deprecated aliases are
//! renamed with a warning. Other Kea top-level objects in a file are ignored with a
//! warning. Inheritance: [`Dhcp4Config::effective_params`] / `effective_ddns` (subnet →
//! shared network → global, pool for DDNS).
//!
//! **Fragments** for commands (`subnet4-add`, `reservation-add`, `class-add`):
//! [`Fragment::validate`] / [`Fragment::unparse`], and typed `Subnet4::from_element`,
//! `Subnet6::from_element`, `Reservation4/6::from_element`, `ClientClass::from_element`,
//! `OptionData::from_element`, `OptionDef::from_element`.
//!
//! **Hooks**: Kea's C++ libraries cannot be loaded; [`HooksLibrary::known`] resolves an
//! entry by file name, and servers call [`check_hooks_supported`] at load time.

#![warn(missing_docs)]

mod element;
mod error;
mod fragment;
mod hooks;
mod load;
mod model;
mod parser;
mod printer;
mod schema;

pub use element::{Element, Map, MapEntry, Position, Value};
pub use error::{ConfigError, ErrorKind, Warning};
pub use fragment::Fragment;
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
