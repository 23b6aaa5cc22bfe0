//! Kea's configuration layer: the extended-JSON dialect and validated daemon models.
//!
//! * [`Element`] / [`Value`] / [`Map`] / [`Position`]: the configuration tree; every
//!   value and map key remembers `file:line:col`; maps are sorted like Kea's.
//! * [`parse_file`] / [`parse_str`] (and `*_with_warnings`): Kea JSON with `#`, `//`,
//!   `/* */` comments, `<?include "file"?>`, trailing commas (warned), duplicate-key errors.
//! * [`Element::to_compact_string`] / [`Element::to_pretty_string`]: printers;
//!   [`Element::to_json`] / [`Element::from_json`]: `serde_json` conversions.
//! * [`ConfigError`] (`file:line:col: message`) and [`Warning`].

mod element;
mod error;
mod parser;
mod printer;

pub use element::{Element, Map, MapEntry, Position, Value};
pub use error::{ConfigError, ErrorKind, Warning};
pub use parser::{
    MAX_INCLUDE_DEPTH, Parsed, STRING_ORIGIN, parse_file, parse_file_with_warnings, parse_str,
    parse_str_with_warnings,
};
