//! DHCPv4 and DHCPv6 packet and option codec for the Kea-compatible servers.
//!
//! Nothing here panics on input: every decoder returns a typed error instead, so a
//! server can log why it dropped a packet.
//!
//! # DHCPv4 ([`v4`])
//! * [`Pkt4::decode`]`(&[u8]) -> Result<Pkt4, DecodeError>`;
//!   [`Pkt4::encode`]`(&self, &mut Vec<u8>)` appends (clear and reuse the buffer).
//! * Header fields are public; [`Pkt4::options`] is an ordered [`Options4`] list of raw
//!   `(code, bytes)`. Repeated codes are joined on decode (RFC 3396), long values split on
//!   encode, option overload (52) is folded in on decode. Encoding writes Kea's order
//!   (53, ascending codes, 82, END) and pads to 300 bytes.
//! * Typed helpers: [`Pkt4::message_type`], [`Pkt4::requested_ip`], [`Pkt4::server_id`],
//!   [`Pkt4::client_id`], [`Pkt4::hostname`], [`Pkt4::parameter_request_list`],
//!   [`Pkt4::lease_time`], [`Pkt4::relay_agent_info`] (→ [`SubOptions`] with
//!   `circuit_id`, `remote_id`, `link_selection`, ...), [`Pkt4::vendor_class`],
//!   [`Pkt4::max_message_size`], [`Pkt4::client_fqdn`] (→ [`ClientFqdn`]),
//!   [`Pkt4::vivso`]/[`Pkt4::vivco`] (→ [`VendorBlocks`]);
//!   [`Pkt4::new_reply`] builds a BOOTREPLY skeleton; [`Pkt4::kea_label`] gives Kea's
//!   log label (`[hwtype=1 ..], cid=[..], tid=0x..`).
//!
//! # DHCPv6 ([`v6`])
//! * [`Pkt6::decode`]`(&[u8]) -> Result<Pkt6, DecodeError>`;
//!   [`Pkt6::encode`]`(&self, &mut Vec<u8>) -> Result<(), EncodeError>`.
//! * Relayed messages are unwrapped as Kea does: [`Pkt6::relays`] lists the
//!   RELAY-FORW/RELAY-REPL levels ([`RelayInfo`]: hop count, link/peer address, options
//!   such as interface-id and remote-id), outermost first; `msg_type`,
//!   `transaction_id` and `options` are the client's message.
//! * Structured options decode on demand: [`Ia`] (IA_NA/IA_PD), [`v6::IaTa`],
//!   [`IaAddr`], [`IaPrefix`] (with PD exclude), [`StatusCode`], [`Duid`],
//!   [`v6::VendorClass`], [`v6::VendorOpts`], [`v6::ClientFqdn6`]; plus [`Pkt6::oro`],
//!   [`Pkt6::elapsed_time`], [`Pkt6::rapid_commit`], [`Pkt6::preference`],
//!   [`Pkt6::unicast`], [`Pkt6::new_reply`], [`Pkt6::kea_label`]. Encoding writes options
//!   in ascending code order as Kea does.
//!
//! # Options
//! [`OptionList`] keeps every option value in one buffer: `get`, `get_all`, `set`,
//! `push`, `remove`, `iter`.
//!
//! # Option definitions and option-data text
//! * [`optdef`]: Kea's standard tables ([`optdef::STD_V4`], [`optdef::STD_V6`] and the
//!   standard sub-option spaces), custom `option-def` entries
//!   ([`optdef::OptionDef::from_config`]), lookups by name and code through
//!   [`optdef::OptionDefs`].
//! * [`optdata`]: [`optdata::encode_option_data`] turns `option-data` `data` text
//!   (`csv-format` true or false) into wire bytes; [`optdata::format_option_data`] does
//!   the reverse. Every Kea data type is handled, plus Kea's special notations for
//!   classless static routes (121) and DNR (v4-dnr 162, v6-dnr 144). Errors use Kea's
//!   wording ([`optdata::kea_option_error`]); `option-def` errors too
//!   ([`optdef::OptionDefError`]).

mod dnr;
mod error;
mod hex;
pub mod name;
pub mod optdata;
pub mod optdef;
mod options;
pub mod v4;
pub mod v6;

pub use error::{DecodeError, EncodeError};
pub use optdef::{DataType, OptionDef, OptionDefs, Universe};
pub use options::{OptionList, Options4, Options6};
pub use v4::{ClientFqdn, MessageType4, Pkt4, SubOptions, VendorBlocks};
pub use v6::{Duid, Ia, IaAddr, IaPrefix, MessageType6, Pkt6, RelayInfo, StatusCode};
