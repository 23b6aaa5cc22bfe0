//! NETCONF protocol layer, with no I/O and no data model.
//!
//! * [`framing`]: RFC 6242 framing as a tokio-util codec ([`NetconfCodec`]):
//!   end-of-message until the hellos are exchanged, then chunked when both
//!   sides announced `:base:1.1` ([`NetconfCodec::set_framing`]).
//! * [`hello`]: [`Hello::parse`] for the peer's hello, [`server_hello`] to
//!   write ours.
//! * [`rpc`]: [`parse_rpc`] turns a message into an [`Rpc`] (message-id and
//!   all attributes kept for the reply, an [`Operation`] enum with typed
//!   parameters). Payloads stay raw XML text, standalone (namespace
//!   declarations in scope copied in) so libyang can parse them. Failures are
//!   an [`RpcParseError`] that carries the [`RpcError`] to answer with.
//! * [`filter`]: [`Filter`] (subtree or XPath); [`Filter::to_xpaths`] turns
//!   either into XPath with YANG module-name prefixes for libyang
//!   ([`subtree_to_xpaths`], [`xpath_with_module_prefixes`]).
//! * [`monitoring`]: [`MonitoringState`], the sessions and counters of
//!   ietf-netconf-monitoring (RFC 6022) as plain data.
//! * [`error`]: [`RpcError`] with every RFC 6241 Appendix A tag.
//! * [`reply`]: [`rpc_reply`] with a [`ReplyBody`] (ok, data, errors, …) and
//!   [`notification`]; output is always well-formed (everything escaped).

// Errors are rare and carry a full rpc-error; boxing them buys nothing.
#![allow(clippy::result_large_err)]

pub mod error;
pub mod filter;
pub mod framing;
pub mod hello;
pub mod monitoring;
pub mod reply;
pub mod rpc;
pub mod xml;

pub use error::{ErrorInfo, ErrorTag, ErrorType, RpcError, Severity};
pub use filter::{Filter, FilterError, subtree_to_xpaths, xpath_with_module_prefixes};
pub use framing::{Framing, FramingError, NetconfCodec};
pub use hello::{Hello, HelloError, server_hello};
pub use monitoring::{Counters, MonitoringState, SessionInfo, Statistics, Transport};
pub use reply::{ReplyBody, notification, rpc_reply};
pub use rpc::{
    Commit, ConfigSource, ConfigTarget, CreateSubscription, Datastore, DefaultOperation,
    EditConfig, EditContent, EditData, ErrorOption, GetData, GetSchema, NmdaDatastore, Operation,
    ReplyAttr, Rpc, RpcParseError, TestOption, WithDefaults, parse_rpc,
};

/// NETCONF base namespace (RFC 6241).
pub const NS_BASE: &str = "urn:ietf:params:xml:ns:netconf:base:1.0";
/// RFC 5277 notification namespace.
pub const NS_NOTIFICATION: &str = "urn:ietf:params:xml:ns:netconf:notification:1.0";
/// ietf-netconf-monitoring (get-schema).
pub const NS_MONITORING: &str = "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring";
/// ietf-netconf-with-defaults.
pub const NS_WITH_DEFAULTS: &str = "urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults";
/// ietf-netconf-nmda (get-data, edit-data).
pub const NS_NMDA: &str = "urn:ietf:params:xml:ns:yang:ietf-netconf-nmda";
/// ietf-datastores identities.
pub const NS_DATASTORES: &str = "urn:ietf:params:xml:ns:yang:ietf-datastores";

/// `:base:1.0` capability.
pub const BASE_1_0: &str = "urn:ietf:params:netconf:base:1.0";
/// `:base:1.1` capability.
pub const BASE_1_1: &str = "urn:ietf:params:netconf:base:1.1";

/// Standard capability URIs (RFC 6241 §8 and related RFCs).
pub mod capability {
    pub const WRITABLE_RUNNING: &str = "urn:ietf:params:netconf:capability:writable-running:1.0";
    pub const CANDIDATE: &str = "urn:ietf:params:netconf:capability:candidate:1.0";
    pub const CONFIRMED_COMMIT: &str = "urn:ietf:params:netconf:capability:confirmed-commit:1.1";
    pub const ROLLBACK_ON_ERROR: &str = "urn:ietf:params:netconf:capability:rollback-on-error:1.0";
    pub const VALIDATE: &str = "urn:ietf:params:netconf:capability:validate:1.1";
    pub const STARTUP: &str = "urn:ietf:params:netconf:capability:startup:1.0";
    pub const XPATH: &str = "urn:ietf:params:netconf:capability:xpath:1.0";
    pub const NOTIFICATION: &str = "urn:ietf:params:netconf:capability:notification:1.0";
    pub const INTERLEAVE: &str = "urn:ietf:params:netconf:capability:interleave:1.0";
    /// With-defaults; append `?basic-mode=explicit&also-supported=…`.
    pub const WITH_DEFAULTS: &str = "urn:ietf:params:netconf:capability:with-defaults:1.0";
    /// YANG library, RFC 7895 style; append `?revision=…&module-set-id=…`.
    pub const YANG_LIBRARY_1_0: &str = "urn:ietf:params:netconf:capability:yang-library:1.0";
    /// YANG library, RFC 8526 style; append `?revision=…&content-id=…`.
    pub const YANG_LIBRARY_1_1: &str = "urn:ietf:params:netconf:capability:yang-library:1.1";
}

#[cfg(test)]
mod robustness {
    use super::*;
    use bytes::BytesMut;
    use tokio_util::codec::Decoder;

    /// Deterministic pseudo-random inputs: nothing may panic.
    #[test]
    fn random_input_never_panics() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet: &[u8] = b"<>/=\"' \n#]]>abcxmlns:rpc&;!?-0123456789\xff\xc3";
        let seeds = [
            format!(
                "<rpc xmlns=\"{NS_BASE}\" message-id=\"1\"><get-config><source><running/></source></get-config></rpc>"
            ),
            "\n#5\nabcde\n##\n".to_string(),
        ];
        for round in 0..3000 {
            let mut input: Vec<u8> = seeds[round % 2].clone().into_bytes();
            for _ in 0..(next() % 8) {
                let i = (next() as usize) % (input.len() + 1);
                let c = alphabet[(next() as usize) % alphabet.len()];
                if next() % 2 == 0 && i < input.len() {
                    input[i] = c;
                } else {
                    input.insert(i, c);
                }
            }
            let _ = parse_rpc(&input);
            let _ = Hello::parse(&input);
            if let Ok(s) = std::str::from_utf8(&input) {
                let _ = subtree_to_xpaths(s, &|_| Some("m".into()));
            }
            for framing in [Framing::EndOfMessage, Framing::Chunked] {
                let mut c = NetconfCodec::new(64);
                c.set_framing(framing);
                let mut buf = BytesMut::from(&input[..]);
                while let Ok(Some(_)) = c.decode(&mut buf) {}
            }
        }
    }
}
