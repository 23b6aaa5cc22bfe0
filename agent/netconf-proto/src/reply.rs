//! `<rpc-reply>` and `<notification>` writers.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::RpcError;
use crate::rpc::ReplyAttr;
use crate::xml::escape;
use crate::{NS_BASE, NS_MONITORING, NS_NMDA, NS_NOTIFICATION};

/// The content of an `<rpc-reply>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyBody {
    /// `<ok/>`.
    Ok,
    /// `<data>…</data>` in the base namespace (get, get-config). The content
    /// must be well-formed XML whose top elements declare their namespaces
    /// (as libyang prints them).
    Data(String),
    /// `<data>` of ietf-netconf-nmda (get-data).
    NmdaData(String),
    /// `<data>` of ietf-netconf-monitoring holding schema text (escaped here).
    SchemaText(String),
    /// Output of a YANG-defined RPC, inserted as is (well-formed XML).
    Raw(String),
    /// One or more `<rpc-error>`s.
    Errors(Vec<RpcError>),
}

/// Writes a complete `<rpc-reply>` echoing the request's attributes.
pub fn rpc_reply(attrs: &[ReplyAttr], body: &ReplyBody) -> String {
    let extra = match body {
        ReplyBody::Data(s) | ReplyBody::NmdaData(s) | ReplyBody::Raw(s) => s.len(),
        ReplyBody::SchemaText(s) => s.len() + s.len() / 8,
        _ => 0,
    };
    let mut out = String::with_capacity(160 + extra);
    out.push_str("<rpc-reply xmlns=\"");
    out.push_str(NS_BASE);
    out.push('"');
    for a in attrs {
        // The reply's own default namespace is already written.
        if a.qname != "xmlns" {
            a.write(&mut out);
        }
    }
    out.push('>');
    match body {
        ReplyBody::Ok => out.push_str("<ok/>"),
        ReplyBody::Data(d) => wrap_data(&mut out, None, d),
        ReplyBody::NmdaData(d) => wrap_data(&mut out, Some(NS_NMDA), d),
        ReplyBody::SchemaText(t) => wrap_data(&mut out, Some(NS_MONITORING), &escape(t)),
        ReplyBody::Raw(r) => out.push_str(r),
        ReplyBody::Errors(errors) => {
            for e in errors {
                e.write_xml(&mut out);
            }
        }
    }
    out.push_str("</rpc-reply>");
    out
}

fn wrap_data(out: &mut String, ns: Option<&str>, content: &str) {
    if content.is_empty() {
        match ns {
            Some(ns) => {
                out.push_str("<data xmlns=\"");
                out.push_str(ns);
                out.push_str("\"/>");
            }
            None => out.push_str("<data/>"),
        }
        return;
    }
    match ns {
        Some(ns) => {
            out.push_str("<data xmlns=\"");
            out.push_str(ns);
            out.push_str("\">");
        }
        None => out.push_str("<data>"),
    }
    out.push_str(content);
    out.push_str("</data>");
}

/// Writes a `<notification>` (RFC 5277) with the given event time and content
/// (well-formed XML whose top element declares its namespace).
pub fn notification(event_time: SystemTime, content: &str) -> String {
    let mut out = String::with_capacity(128 + content.len());
    out.push_str("<notification xmlns=\"");
    out.push_str(NS_NOTIFICATION);
    out.push_str("\"><eventTime>");
    out.push_str(&rfc3339(event_time));
    out.push_str("</eventTime>");
    out.push_str(content);
    out.push_str("</notification>");
    out
}

/// Formats a time as RFC 3339 UTC with microseconds (`2026-11-23T07:45:50.123456Z`).
pub fn rfc3339(t: SystemTime) -> String {
    let (secs, micros) = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (d.as_secs() as i64, d.subsec_micros()),
        Err(_) => (0, 0),
    };
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ErrorTag, ErrorType};
    use crate::xml::parse_document;
    use std::time::Duration;

    fn attrs() -> Vec<ReplyAttr> {
        vec![
            ReplyAttr {
                qname: "xmlns:nc".into(),
                value: NS_BASE.into(),
            },
            ReplyAttr {
                qname: "message-id".into(),
                value: "a\"<&".into(),
            },
        ]
    }

    #[test]
    fn ok_reply() {
        let r = rpc_reply(&attrs(), &ReplyBody::Ok);
        assert_eq!(
            r,
            format!(
                "<rpc-reply xmlns=\"{NS_BASE}\" xmlns:nc=\"{NS_BASE}\" message-id=\"a&quot;&lt;&amp;\"><ok/></rpc-reply>"
            )
        );
        let root = parse_document(&r).unwrap();
        assert_eq!(root.attrs[0].value, "a\"<&");
    }

    #[test]
    fn data_replies() {
        let r = rpc_reply(
            &attrs(),
            &ReplyBody::Data("<a xmlns=\"urn:a\">1</a>".into()),
        );
        assert!(r.contains("<data><a xmlns=\"urn:a\">1</a></data>"));
        parse_document(&r).unwrap();
        let r = rpc_reply(&[], &ReplyBody::Data(String::new()));
        assert!(r.contains("<data/>"));
        let r = rpc_reply(
            &[],
            &ReplyBody::SchemaText("module m { prefix \"<&>\"; }".into()),
        );
        let root = parse_document(&r).unwrap();
        let data = root.elements().next().unwrap();
        assert_eq!(data.ns.as_deref(), Some(NS_MONITORING));
        assert_eq!(data.text(), "module m { prefix \"<&>\"; }");
        let r = rpc_reply(&[], &ReplyBody::NmdaData("<x xmlns=\"urn:x\"/>".into()));
        assert_eq!(
            parse_document(&r)
                .unwrap()
                .elements()
                .next()
                .unwrap()
                .ns
                .as_deref(),
            Some(NS_NMDA)
        );
    }

    #[test]
    fn error_reply() {
        let errs = vec![
            RpcError::new(ErrorType::Protocol, ErrorTag::LockDenied).with_message("held by 3"),
            RpcError::malformed_message("bad <xml>"),
        ];
        let r = rpc_reply(&attrs(), &ReplyBody::Errors(errs));
        let root = parse_document(&r).unwrap();
        assert_eq!(root.elements().count(), 2);
        assert!(r.contains("<error-tag>lock-denied</error-tag>"));
        assert!(r.contains("bad &lt;xml&gt;"));
    }

    #[test]
    fn notification_and_time() {
        let t = UNIX_EPOCH + Duration::from_micros(1_795_420_000_123_456);
        assert_eq!(rfc3339(t), "2026-11-23T07:46:40.123456Z");
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00.000000Z"
        );
        let n = notification(t, "<ev xmlns=\"urn:e\"/>");
        let root = parse_document(&n).unwrap();
        assert!(root.is(NS_NOTIFICATION, "notification"));
        assert_eq!(
            root.elements().next().unwrap().text(),
            "2026-11-23T07:46:40.123456Z"
        );
    }
}
