//! Typed decode errors, so a server can log why it dropped a packet.

use thiserror::Error;

/// Why a received DHCPv4 or DHCPv6 packet could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The packet ends before a fixed-size part does.
    #[error("truncated packet: {needed} bytes needed, {got} received")]
    Truncated {
        /// Bytes needed for the part being read.
        needed: usize,
        /// Bytes actually available.
        got: usize,
    },
    /// The packet is larger than any valid DHCP packet.
    #[error("oversize packet: {0} bytes")]
    Oversize(usize),
    /// DHCPv4: the four bytes after the fixed header are not 99.130.83.99.
    #[error("invalid or missing DHCP magic cookie: {0:#010x}")]
    BadCookie(u32),
    /// DHCPv4: `op` is neither BOOTREQUEST (1) nor BOOTREPLY (2).
    #[error("invalid op {0}, expected 1 (BOOTREQUEST) or 2 (BOOTREPLY)")]
    BadOp(u8),
    /// DHCPv4: hardware type 0 with a non-empty hardware address.
    #[error("invalid htype {0} for a non-empty hardware address")]
    BadHtype(u8),
    /// DHCPv4: hardware address length larger than the 16-byte chaddr field.
    #[error("invalid hlen {0}, chaddr holds at most 16 bytes")]
    BadHlen(u8),
    /// An option header or value runs past the end of its buffer.
    #[error("option {code} at offset {offset}: length {len} runs past the end of the buffer")]
    BadOptionLength {
        /// Option code (DHCPv4 codes are widened to u16).
        code: u16,
        /// Offset of the option header within the buffer being parsed.
        offset: usize,
        /// Declared length (0 when the length field itself is missing).
        len: usize,
    },
    /// An option's value does not have the size or shape its format requires.
    #[error("option {code}: invalid value: {reason}")]
    BadOptionValue {
        /// Option code.
        code: u16,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// DHCPv6: a relay message carries no relay-message option (9).
    #[error("relay message at hop {0} has no relay-message option")]
    MissingRelayMessage(usize),
    /// DHCPv6: relays nested deeper than the RFC 8415 hop limit (32).
    #[error("relay messages nested deeper than {0} levels")]
    RelayTooDeep(usize),
}

/// Why a packet could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EncodeError {
    /// A DHCPv6 option (or a relay-message wrapping a packet) longer than 65535 bytes.
    #[error("option {code} is {len} bytes, more than 65535")]
    OptionTooLong {
        /// Option code.
        code: u16,
        /// Its length.
        len: usize,
    },
    /// A DHCPv6 relay level lists relay-message (9) among its options; the encoder
    /// writes that option itself, from the wrapped message.
    #[error("relay options must not contain a relay-message option")]
    RelayMessageInRelayOptions,
    /// A value longer than the fixed header field it goes into.
    #[error("{field} is {len} bytes, at most {max} fit")]
    FieldTooLong {
        /// Field name ("chaddr", "sname", "file").
        field: &'static str,
        /// Largest length that fits.
        max: usize,
        /// Length given.
        len: usize,
    },
}
