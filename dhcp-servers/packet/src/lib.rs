//! DHCPv4 and DHCPv6 packet and option codec for the Kea-compatible servers.
//!
//! # Packets
//! * [`Pkt4::decode`]`(&[u8]) -> Result<Pkt4, DecodeError>` and
//!   [`Pkt4::encode`]`(&self, &mut Vec<u8>)` (appends; reuse the buffer). Header fields
//!   are public; options are an ordered [`Options4`] list of raw `(code, bytes)`.
//!   Typed helpers: [`Pkt4::message_type`], [`Pkt4::requested_ip`], [`Pkt4::server_id`],
//!   [`Pkt4::client_id`], [`Pkt4::hostname`], [`Pkt4::parameter_request_list`],
//!   [`Pkt4::lease_time`], [`Pkt4::relay_agent_info`] (→ [`SubOptions`]),
//!   [`Pkt4::vendor_class`], [`Pkt4::max_message_size`], [`Pkt4::client_fqdn`].
//!
//! Decode errors are typed ([`DecodeError`]) so a server can log why it dropped a
//! packet. Nothing here panics on input.
//!
//! # Options
//! [`OptionList`] keeps every option value in one buffer: [`OptionList::get`],
//! [`OptionList::get_all`], [`OptionList::set`], [`OptionList::push`],
//! [`OptionList::remove`], [`OptionList::iter`].

mod error;
mod hex;
pub mod name;
mod options;
pub mod v4;
pub mod v6;

pub use error::{DecodeError, EncodeError};
pub use options::{OptionList, Options4, Options6};
pub use v4::{ClientFqdn, MessageType4, Pkt4, SubOptions};
pub use v6::{Duid, Ia, IaAddr, IaPrefix, MessageType6, Pkt6, RelayInfo, StatusCode};
