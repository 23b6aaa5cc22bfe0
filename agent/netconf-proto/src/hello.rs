//! `<hello>` parsing and writing (RFC 6241 §8.1).

use crate::xml::{self, XmlError, escape};
use crate::{BASE_1_0, BASE_1_1, NS_BASE};

/// A parsed `<hello>` message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hello {
    /// Capability URIs in the order sent (whitespace trimmed).
    pub capabilities: Vec<String>,
    /// The session id; only a server's hello carries one.
    pub session_id: Option<u32>,
}

/// Why a hello is unacceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HelloError {
    #[error(transparent)]
    Xml(#[from] XmlError),
    #[error("expected <hello> in the NETCONF base namespace")]
    NotHello,
    #[error("<hello> has no <capabilities>")]
    NoCapabilities,
    #[error("unexpected element <{0}> in <hello>")]
    UnexpectedElement(String),
    #[error("bad <session-id> in <hello>")]
    BadSessionId,
    #[error("peer supports neither base:1.0 nor base:1.1")]
    NoCommonBase,
}

impl Hello {
    /// Parses a hello message (either direction).
    pub fn parse(msg: &[u8]) -> Result<Hello, HelloError> {
        let text = std::str::from_utf8(msg).map_err(|_| XmlError::NotUtf8)?;
        let text = xml::strip_bom(text);
        let root = xml::parse_document(text)?;
        if !root.is(NS_BASE, "hello") {
            return Err(HelloError::NotHello);
        }
        let mut capabilities = None;
        let mut session_id = None;
        for child in root.elements() {
            match (child.ns.as_deref(), child.name.as_str()) {
                (Some(NS_BASE), "capabilities") if capabilities.is_none() => {
                    let mut caps = Vec::new();
                    for cap in child.elements() {
                        if !cap.is(NS_BASE, "capability") {
                            return Err(HelloError::UnexpectedElement(cap.name.clone()));
                        }
                        let uri = cap.text().trim().to_string();
                        if !uri.is_empty() {
                            caps.push(uri);
                        }
                    }
                    capabilities = Some(caps);
                }
                (Some(NS_BASE), "session-id") if session_id.is_none() => {
                    let id: u32 = child
                        .text()
                        .trim()
                        .parse()
                        .map_err(|_| HelloError::BadSessionId)?;
                    if id == 0 {
                        return Err(HelloError::BadSessionId);
                    }
                    session_id = Some(id);
                }
                _ => return Err(HelloError::UnexpectedElement(child.name.clone())),
            }
        }
        let capabilities = capabilities.ok_or(HelloError::NoCapabilities)?;
        Ok(Hello {
            capabilities,
            session_id,
        })
    }

    /// Whether the capability (exact URI, or URI before `?`) was announced.
    pub fn has_capability(&self, uri: &str) -> bool {
        self.capabilities
            .iter()
            .any(|c| c == uri || c.split('?').next() == Some(uri))
    }

    /// The peer announced `:base:1.1` (chunked framing, malformed-message).
    pub fn supports_base_1_1(&self) -> bool {
        self.has_capability(BASE_1_1)
    }

    /// The peer announced `:base:1.0`.
    pub fn supports_base_1_0(&self) -> bool {
        self.has_capability(BASE_1_0)
    }

    /// Checks that a client hello is acceptable to a server: no session id,
    /// and at least one base version in common.
    pub fn check_client(&self) -> Result<(), HelloError> {
        if self.session_id.is_some() {
            return Err(HelloError::UnexpectedElement("session-id".into()));
        }
        if !self.supports_base_1_0() && !self.supports_base_1_1() {
            return Err(HelloError::NoCommonBase);
        }
        Ok(())
    }
}

/// Writes a server's `<hello>` with the given capabilities and session id.
pub fn server_hello(capabilities: &[String], session_id: u32) -> String {
    let mut out =
        String::with_capacity(128 + capabilities.iter().map(|c| c.len() + 26).sum::<usize>());
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hello xmlns=\"");
    out.push_str(NS_BASE);
    out.push_str("\"><capabilities>");
    for cap in capabilities {
        out.push_str("<capability>");
        out.push_str(&escape(cap));
        out.push_str("</capability>");
    }
    out.push_str("</capabilities><session-id>");
    out.push_str(&session_id.to_string());
    out.push_str("</session-id></hello>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_client_hello() {
        let msg = br#"<?xml version="1.0" encoding="UTF-8"?>
<nc:hello xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"><nc:capabilities>
 <nc:capability>urn:ietf:params:netconf:base:1.0</nc:capability>
 <nc:capability> urn:ietf:params:netconf:base:1.1 </nc:capability>
 <nc:capability>urn:ietf:params:netconf:capability:with-defaults:1.0?basic-mode=explicit</nc:capability>
</nc:capabilities></nc:hello>"#;
        let h = Hello::parse(msg).unwrap();
        assert_eq!(h.capabilities.len(), 3);
        assert!(h.supports_base_1_1());
        assert!(h.has_capability("urn:ietf:params:netconf:capability:with-defaults:1.0"));
        assert_eq!(h.session_id, None);
        h.check_client().unwrap();
    }

    #[test]
    fn server_hello_roundtrip() {
        let caps = vec![
            BASE_1_0.to_string(),
            "urn:x?module=a&revision=b".to_string(),
        ];
        let text = server_hello(&caps, 42);
        assert!(text.contains("module=a&amp;revision=b"));
        let h = Hello::parse(text.as_bytes()).unwrap();
        assert_eq!(h.session_id, Some(42));
        assert_eq!(h.capabilities, caps);
        assert!(h.check_client().is_err());
    }

    #[test]
    fn bad_hellos() {
        assert_eq!(
            Hello::parse(b"<hello xmlns=\"urn:other\"><capabilities/></hello>"),
            Err(HelloError::NotHello)
        );
        assert_eq!(
            Hello::parse(format!("<hello xmlns=\"{NS_BASE}\"/>").as_bytes()),
            Err(HelloError::NoCapabilities)
        );
        let no_base = format!(
            "<hello xmlns=\"{NS_BASE}\"><capabilities><capability>urn:x</capability></capabilities></hello>"
        );
        assert_eq!(
            Hello::parse(no_base.as_bytes()).unwrap().check_client(),
            Err(HelloError::NoCommonBase)
        );
        assert!(matches!(Hello::parse(b"<hello"), Err(HelloError::Xml(_))));
        assert!(matches!(
            Hello::parse(b"\xff\xfe"),
            Err(HelloError::Xml(XmlError::NotUtf8))
        ));
        let bad_id =
            format!("<hello xmlns=\"{NS_BASE}\"><capabilities/><session-id>x</session-id></hello>");
        assert_eq!(
            Hello::parse(bad_id.as_bytes()),
            Err(HelloError::BadSessionId)
        );
    }
}
