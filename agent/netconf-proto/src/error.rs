//! `<rpc-error>` model (RFC 6241 §4.3 and Appendix A).

use std::fmt;

use crate::xml::{escape, is_ncname};

/// The conceptual layer where an error occurred (`error-type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorType {
    Transport,
    Rpc,
    Protocol,
    Application,
}

impl ErrorType {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::Transport => "transport",
            ErrorType::Rpc => "rpc",
            ErrorType::Protocol => "protocol",
            ErrorType::Application => "application",
        }
    }
}

/// `error-tag` values of RFC 6241 Appendix A.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorTag {
    InUse,
    InvalidValue,
    TooBig,
    MissingAttribute,
    BadAttribute,
    UnknownAttribute,
    MissingElement,
    BadElement,
    UnknownElement,
    UnknownNamespace,
    AccessDenied,
    LockDenied,
    ResourceDenied,
    RollbackFailed,
    DataExists,
    DataMissing,
    OperationNotSupported,
    OperationFailed,
    /// Deprecated in RFC 6241 but still a valid tag.
    PartialOperation,
    MalformedMessage,
}

impl ErrorTag {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorTag::InUse => "in-use",
            ErrorTag::InvalidValue => "invalid-value",
            ErrorTag::TooBig => "too-big",
            ErrorTag::MissingAttribute => "missing-attribute",
            ErrorTag::BadAttribute => "bad-attribute",
            ErrorTag::UnknownAttribute => "unknown-attribute",
            ErrorTag::MissingElement => "missing-element",
            ErrorTag::BadElement => "bad-element",
            ErrorTag::UnknownElement => "unknown-element",
            ErrorTag::UnknownNamespace => "unknown-namespace",
            ErrorTag::AccessDenied => "access-denied",
            ErrorTag::LockDenied => "lock-denied",
            ErrorTag::ResourceDenied => "resource-denied",
            ErrorTag::RollbackFailed => "rollback-failed",
            ErrorTag::DataExists => "data-exists",
            ErrorTag::DataMissing => "data-missing",
            ErrorTag::OperationNotSupported => "operation-not-supported",
            ErrorTag::OperationFailed => "operation-failed",
            ErrorTag::PartialOperation => "partial-operation",
            ErrorTag::MalformedMessage => "malformed-message",
        }
    }

    /// Parses a wire value.
    pub fn from_wire(s: &str) -> Option<ErrorTag> {
        ALL_TAGS.iter().copied().find(|t| t.as_str() == s)
    }
}

/// Every tag, for lookups and tests.
pub const ALL_TAGS: [ErrorTag; 20] = [
    ErrorTag::InUse,
    ErrorTag::InvalidValue,
    ErrorTag::TooBig,
    ErrorTag::MissingAttribute,
    ErrorTag::BadAttribute,
    ErrorTag::UnknownAttribute,
    ErrorTag::MissingElement,
    ErrorTag::BadElement,
    ErrorTag::UnknownElement,
    ErrorTag::UnknownNamespace,
    ErrorTag::AccessDenied,
    ErrorTag::LockDenied,
    ErrorTag::ResourceDenied,
    ErrorTag::RollbackFailed,
    ErrorTag::DataExists,
    ErrorTag::DataMissing,
    ErrorTag::OperationNotSupported,
    ErrorTag::OperationFailed,
    ErrorTag::PartialOperation,
    ErrorTag::MalformedMessage,
];

/// `error-severity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One item of `<error-info>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorInfo {
    BadAttribute(String),
    BadElement(String),
    BadNamespace(String),
    /// The session holding a lock (0 when not a NETCONF session).
    SessionId(u32),
    OkElement(String),
    ErrElement(String),
    NoopElement(String),
    /// Any other element. `name` must be an XML name (invalid characters are
    /// replaced by `_` when written); the value is escaped text.
    Other {
        name: String,
        namespace: Option<String>,
        value: String,
    },
}

/// A complete `<rpc-error>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcError {
    pub error_type: ErrorType,
    pub tag: ErrorTag,
    pub severity: Severity,
    pub app_tag: Option<String>,
    /// An XPath to the offending node, with the prefixes it uses.
    pub path: Option<ErrorPath>,
    pub message: Option<String>,
    /// `xml:lang` of the message; `en` when unset.
    pub message_lang: Option<String>,
    pub info: Vec<ErrorInfo>,
}

/// The `<error-path>` value and the namespace prefixes it uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorPath {
    pub xpath: String,
    /// `(prefix, namespace)` pairs declared on `<error-path>`.
    pub namespaces: Vec<(String, String)>,
}

impl RpcError {
    /// An error with severity `error` and no optional fields.
    pub fn new(error_type: ErrorType, tag: ErrorTag) -> Self {
        RpcError {
            error_type,
            tag,
            severity: Severity::Error,
            app_tag: None,
            path: None,
            message: None,
            message_lang: None,
            info: Vec::new(),
        }
    }

    /// Sets the message.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Adds an error-info item.
    pub fn with_info(mut self, info: ErrorInfo) -> Self {
        self.info.push(info);
        self
    }

    /// Sets the app tag.
    pub fn with_app_tag(mut self, tag: impl Into<String>) -> Self {
        self.app_tag = Some(tag.into());
        self
    }

    /// Sets the path (an XPath with its prefix bindings).
    pub fn with_path(
        mut self,
        xpath: impl Into<String>,
        namespaces: Vec<(String, String)>,
    ) -> Self {
        self.path = Some(ErrorPath {
            xpath: xpath.into(),
            namespaces,
        });
        self
    }

    /// Sets the severity.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// `operation-failed` with a message (application layer).
    pub fn operation_failed(message: impl Into<String>) -> Self {
        RpcError::new(ErrorType::Application, ErrorTag::OperationFailed).with_message(message)
    }

    /// `operation-not-supported` for an operation (protocol layer).
    pub fn operation_not_supported(message: impl Into<String>) -> Self {
        RpcError::new(ErrorType::Protocol, ErrorTag::OperationNotSupported).with_message(message)
    }

    /// `lock-denied` naming the session that holds the lock.
    pub fn lock_denied(holder: u32, message: impl Into<String>) -> Self {
        RpcError::new(ErrorType::Protocol, ErrorTag::LockDenied)
            .with_message(message)
            .with_info(ErrorInfo::SessionId(holder))
    }

    /// `in-use` (resource already in use, e.g. a lock on a modified candidate).
    pub fn in_use(message: impl Into<String>) -> Self {
        RpcError::new(ErrorType::Protocol, ErrorTag::InUse).with_message(message)
    }

    /// `invalid-value` at the protocol layer.
    pub fn invalid_value(message: impl Into<String>) -> Self {
        RpcError::new(ErrorType::Protocol, ErrorTag::InvalidValue).with_message(message)
    }

    /// `malformed-message` (rpc layer) for unparsable input.
    pub fn malformed_message(message: impl Into<String>) -> Self {
        RpcError::new(ErrorType::Rpc, ErrorTag::MalformedMessage).with_message(message)
    }

    /// Writes the `<rpc-error>` element; always well-formed.
    pub fn write_xml(&self, out: &mut String) {
        out.push_str("<rpc-error><error-type>");
        out.push_str(self.error_type.as_str());
        out.push_str("</error-type><error-tag>");
        out.push_str(self.tag.as_str());
        out.push_str("</error-tag><error-severity>");
        out.push_str(self.severity.as_str());
        out.push_str("</error-severity>");
        if let Some(app_tag) = &self.app_tag {
            out.push_str("<error-app-tag>");
            out.push_str(&escape(app_tag));
            out.push_str("</error-app-tag>");
        }
        if let Some(path) = &self.path {
            out.push_str("<error-path");
            for (prefix, ns) in &path.namespaces {
                out.push_str(" xmlns:");
                out.push_str(&sanitize_name(prefix));
                out.push_str("=\"");
                out.push_str(&escape(ns));
                out.push('"');
            }
            out.push('>');
            out.push_str(&escape(&path.xpath));
            out.push_str("</error-path>");
        }
        if let Some(message) = &self.message {
            out.push_str("<error-message xml:lang=\"");
            out.push_str(&escape(self.message_lang.as_deref().unwrap_or("en")));
            out.push_str("\">");
            out.push_str(&escape(message));
            out.push_str("</error-message>");
        }
        if !self.info.is_empty() {
            out.push_str("<error-info>");
            for item in &self.info {
                let (name, ns, value) = match item {
                    ErrorInfo::BadAttribute(v) => ("bad-attribute", None, v.clone()),
                    ErrorInfo::BadElement(v) => ("bad-element", None, v.clone()),
                    ErrorInfo::BadNamespace(v) => ("bad-namespace", None, v.clone()),
                    ErrorInfo::SessionId(id) => ("session-id", None, id.to_string()),
                    ErrorInfo::OkElement(v) => ("ok-element", None, v.clone()),
                    ErrorInfo::ErrElement(v) => ("err-element", None, v.clone()),
                    ErrorInfo::NoopElement(v) => ("noop-element", None, v.clone()),
                    ErrorInfo::Other {
                        name,
                        namespace,
                        value,
                    } => (name.as_str(), namespace.as_deref(), value.clone()),
                };
                let name = sanitize_name(name);
                out.push('<');
                out.push_str(&name);
                if let Some(ns) = ns {
                    out.push_str(" xmlns=\"");
                    out.push_str(&escape(ns));
                    out.push('"');
                }
                out.push('>');
                out.push_str(&escape(&value));
                out.push_str("</");
                out.push_str(&name);
                out.push('>');
            }
            out.push_str("</error-info>");
        }
        out.push_str("</rpc-error>");
    }
}

fn sanitize_name(name: &str) -> String {
    if is_ncname(name) {
        return name.to_string();
    }
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !s.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        s.insert(0, '_');
    }
    s
}

impl fmt::Display for RpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.error_type.as_str(), self.tag.as_str())?;
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RpcError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse_document;

    #[test]
    fn all_tags_roundtrip() {
        for t in ALL_TAGS {
            assert_eq!(ErrorTag::from_wire(t.as_str()), Some(t));
        }
        assert_eq!(ErrorTag::from_wire("nope"), None);
    }

    #[test]
    fn error_with_everything_is_well_formed() {
        let e = RpcError::new(ErrorType::Application, ErrorTag::InvalidValue)
            .with_app_tag("a<b")
            .with_path("/k:x[k:n='<&>']", vec![("k".into(), "urn:k\"".into())])
            .with_message("bad \"value\" <here> & \u{0}there")
            .with_info(ErrorInfo::BadElement("x&y".into()))
            .with_info(ErrorInfo::SessionId(7))
            .with_info(ErrorInfo::Other {
                name: "my info!".into(),
                namespace: Some("urn:my".into()),
                value: "]]>]]>".into(),
            });
        let mut out = String::new();
        e.write_xml(&mut out);
        let root = parse_document(&out).unwrap();
        assert_eq!(root.name, "rpc-error");
        let msg = root.elements().find(|e| e.name == "error-message").unwrap();
        assert_eq!(msg.text(), "bad \"value\" <here> & \u{FFFD}there");
        assert_eq!(msg.attrs[0].qname, "xml:lang");
        let path = root.elements().find(|e| e.name == "error-path").unwrap();
        assert_eq!(path.lookup_prefix(Some("k")), Some("urn:k\""));
        assert!(!out.contains("]]>]]>"));
        assert!(out.contains("<my_info_ xmlns=\"urn:my\">"));
        assert!(out.contains("<session-id>7</session-id>"));
    }
}
