//! A small namespace-aware element tree built with quick-xml's `NsReader`.
//!
//! NETCONF messages are bounded by the framing layer's size limit, so parsing
//! them fully into a tree is cheap and keeps the RPC parser simple. Every
//! element remembers its byte span in the source text and the namespace
//! bindings in scope, so payloads (`<config>`, `<filter>`) can be cut out as
//! raw text that still parses on its own.

use std::ops::Range;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

/// Deepest element nesting accepted; guards the recursive code paths.
pub const MAX_DEPTH: usize = 256;

/// Why a text is not acceptable XML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    /// The bytes are not UTF-8.
    #[error("message is not valid UTF-8")]
    NotUtf8,
    /// quick-xml rejected the text (not well-formed).
    #[error("XML is not well-formed at byte {position}: {reason}")]
    NotWellFormed { position: u64, reason: String },
    /// A prefix is used without a declaration in scope.
    #[error("undeclared namespace prefix in '{0}'")]
    UnboundPrefix(String),
    /// DTDs are refused (entity expansion attacks, RFC 6241 does not use them).
    #[error("document type declarations are not allowed")]
    DocType,
    /// An entity other than the five predefined ones or a character reference.
    #[error("unknown entity '&{0};'")]
    UnknownEntity(String),
    /// No root element, or more than one, or text outside the root.
    #[error("{0}")]
    BadDocument(&'static str),
    /// Nesting deeper than [`MAX_DEPTH`].
    #[error("elements nested deeper than {MAX_DEPTH} levels")]
    TooDeep,
}

/// A namespace binding: `prefix` is `None` for the default namespace.
pub type NsBinding = (Option<String>, String);

/// An attribute other than a namespace declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// Namespace of the attribute (unprefixed attributes have none).
    pub ns: Option<String>,
    /// Local name.
    pub name: String,
    /// The qualified name as written (`prefix:name` or `name`).
    pub qname: String,
    /// Unescaped value.
    pub value: String,
}

/// An element of the tree.
#[derive(Debug, Clone)]
pub struct Element {
    /// Resolved namespace URI, if any.
    pub ns: Option<String>,
    /// Local name.
    pub name: String,
    /// Attributes, without namespace declarations.
    pub attrs: Vec<Attr>,
    /// Declarations written on this element.
    pub ns_decls: Vec<NsBinding>,
    /// All bindings in scope inside this element (ancestors' and its own,
    /// inner declarations overriding outer ones).
    pub in_scope: Vec<NsBinding>,
    /// Child elements and text, in document order.
    pub children: Vec<Node>,
    /// The whole element in the source text.
    pub span: Range<usize>,
    /// Byte offset just after the qualified name in the start tag.
    pub name_end: usize,
    /// Content between the start and end tags (empty for `<a/>`).
    pub content: Range<usize>,
}

/// A child of an element.
#[derive(Debug, Clone)]
pub enum Node {
    Element(Element),
    /// Unescaped character data (text, references and CDATA).
    Text(String),
}

impl Element {
    /// Child elements in document order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The concatenated text children.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for n in &self.children {
            if let Node::Text(t) = n {
                s.push_str(t);
            }
        }
        s
    }

    /// True when there is non-whitespace text directly inside the element.
    pub fn has_text(&self) -> bool {
        self.children
            .iter()
            .any(|n| matches!(n, Node::Text(t) if !t.trim().is_empty()))
    }

    /// Whether the element has this namespace and local name.
    pub fn is(&self, ns: &str, name: &str) -> bool {
        self.ns.as_deref() == Some(ns) && self.name == name
    }

    /// The first attribute with this local name and no namespace, or the given one.
    pub fn attr(&self, name: &str, also_ns: Option<&str>) -> Option<&Attr> {
        self.attrs
            .iter()
            .find(|a| a.name == name && (a.ns.is_none() || a.ns.as_deref() == also_ns))
    }

    /// Resolves a prefix (or the default namespace for `None`) in this element's scope.
    pub fn lookup_prefix(&self, prefix: Option<&str>) -> Option<&str> {
        self.in_scope
            .iter()
            .rev()
            .find(|(p, _)| p.as_deref() == prefix)
            .map(|(_, uri)| uri.as_str())
            .filter(|uri| !uri.is_empty())
    }

    /// The element's content as standalone XML: the text between its tags,
    /// where every top-level child element additionally declares the
    /// namespaces that were in scope here and not re-declared on the child.
    pub fn inner_xml_standalone(&self, src: &str) -> String {
        let mut out = String::with_capacity(self.content.len() + 64);
        let mut pos = self.content.start;
        for child in self.elements() {
            out.push_str(&src[pos..child.name_end]);
            for (prefix, uri) in effective_bindings(&self.in_scope) {
                if child.ns_decls.iter().any(|(p, _)| *p == prefix) {
                    continue;
                }
                match &prefix {
                    Some(p) => out.push_str(&format!(" xmlns:{p}=\"{}\"", escape(&uri))),
                    None => out.push_str(&format!(" xmlns=\"{}\"", escape(&uri))),
                }
            }
            pos = child.name_end;
        }
        out.push_str(&src[pos..self.content.end]);
        out
    }
}

/// Reduces a scope list to one binding per prefix (the innermost), dropping
/// an undeclared default namespace (`xmlns=""`).
fn effective_bindings(scope: &[NsBinding]) -> Vec<NsBinding> {
    let mut out: Vec<NsBinding> = Vec::new();
    for (p, uri) in scope.iter().rev() {
        if out.iter().any(|(q, _)| q == p) {
            continue;
        }
        out.push((p.clone(), uri.clone()));
    }
    out.retain(|(p, uri)| !(p.is_none() && uri.is_empty()));
    out.reverse();
    out
}

/// Parses a complete XML document with a single root element.
/// Spans in the result refer to `src`; strip a byte order mark first
/// with [`strip_bom`].
pub fn parse_document(src: &str) -> Result<Element, XmlError> {
    let mut roots = parse_nodes(src, Vec::new())?;
    if roots.len() != 1 {
        return Err(XmlError::BadDocument(
            "expected exactly one root element in the message",
        ));
    }
    roots.pop().ok_or(XmlError::BadDocument("no root element"))
}

/// Drops a leading UTF-8 byte order mark (not part of the document).
pub fn strip_bom(src: &str) -> &str {
    src.strip_prefix('\u{FEFF}').unwrap_or(src)
}

/// Parses a sequence of sibling elements (a fragment such as a filter's content).
pub fn parse_fragment(src: &str) -> Result<Vec<Element>, XmlError> {
    parse_nodes(src, Vec::new())
}

fn parse_nodes(src: &str, initial_scope: Vec<NsBinding>) -> Result<Vec<Element>, XmlError> {
    let mut reader = NsReader::from_str(src);
    let cfg = reader.config_mut();
    cfg.check_end_names = true;
    cfg.expand_empty_elements = false;
    cfg.check_comments = true;

    let mut roots: Vec<Element> = Vec::new();
    let mut stack: Vec<Element> = Vec::new();
    loop {
        let before = pos(&reader);
        let (resolved, event) =
            reader
                .read_resolved_event()
                .map_err(|e| XmlError::NotWellFormed {
                    position: reader_error_pos(before),
                    reason: e.to_string(),
                })?;
        let ns = match resolved {
            ResolveResult::Bound(ns) => Some(ns.0.to_string()),
            ResolveResult::Unbound => None,
            ResolveResult::Unknown(p) => return Err(XmlError::UnboundPrefix(p)),
        };
        let after = pos(&reader);
        match event {
            Event::Start(_) | Event::Empty(_) if stack.len() >= MAX_DEPTH => {
                return Err(XmlError::TooDeep);
            }
            Event::Start(start) => {
                let scope = stack
                    .last()
                    .map(|p| p.in_scope.clone())
                    .unwrap_or_else(|| initial_scope.clone());
                let el = start_element(&reader, &start, ns, scope, before, after)?;
                stack.push(el);
            }
            Event::Empty(start) => {
                let scope = stack
                    .last()
                    .map(|p| p.in_scope.clone())
                    .unwrap_or_else(|| initial_scope.clone());
                let el = start_element(&reader, &start, ns, scope, before, after)?;
                attach(&mut stack, &mut roots, el);
            }
            Event::End(_) => {
                let mut el = stack
                    .pop()
                    .ok_or(XmlError::BadDocument("unexpected end tag"))?;
                el.content.end = before;
                el.span.end = after;
                attach(&mut stack, &mut roots, el);
            }
            Event::Text(t) => {
                let text = t.xml10_content().into_owned();
                push_text(&mut stack, text)?;
            }
            Event::CData(c) => {
                let text = c.xml10_content().into_owned();
                push_text(&mut stack, text)?;
            }
            Event::GeneralRef(r) => {
                let text = match r.resolve_char_ref() {
                    Ok(Some(ch)) => ch.to_string(),
                    Ok(None) => resolve_predefined_entity(&r)
                        .ok_or_else(|| XmlError::UnknownEntity(r.to_string()))?
                        .to_string(),
                    Err(e) => {
                        return Err(XmlError::NotWellFormed {
                            position: before as u64,
                            reason: e.to_string(),
                        });
                    }
                };
                push_text(&mut stack, text)?;
            }
            Event::DocType(_) => return Err(XmlError::DocType),
            Event::Decl(_) => {
                // Only whitespace may precede the declaration (EOM-framed
                // peers often send a newline between messages).
                if !src[..before].trim().is_empty() || !roots.is_empty() {
                    return Err(XmlError::BadDocument(
                        "XML declaration not at the start of the message",
                    ));
                }
            }
            Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(XmlError::BadDocument("unclosed element at end of message"));
    }
    if roots.is_empty() && !src.trim().is_empty() {
        return Err(XmlError::BadDocument("no element in the message"));
    }
    Ok(roots)
}

fn pos(reader: &NsReader<&[u8]>) -> usize {
    usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)
}

fn reader_error_pos(before: usize) -> u64 {
    before as u64
}

fn push_text(stack: &mut [Element], text: String) -> Result<(), XmlError> {
    match stack.last_mut() {
        Some(parent) => {
            if let Some(Node::Text(prev)) = parent.children.last_mut() {
                prev.push_str(&text);
            } else {
                parent.children.push(Node::Text(text));
            }
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err(XmlError::BadDocument("text outside of the root element")),
    }
}

fn attach(stack: &mut [Element], roots: &mut Vec<Element>, el: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Node::Element(el)),
        None => roots.push(el),
    }
}

fn start_element(
    reader: &NsReader<&[u8]>,
    start: &BytesStart<'_>,
    ns: Option<String>,
    mut in_scope: Vec<NsBinding>,
    before: usize,
    after: usize,
) -> Result<Element, XmlError> {
    let qname = start.name();
    let local = start.local_name().as_ref().to_string();
    let mut ns_decls = Vec::new();
    let mut plain = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| XmlError::NotWellFormed {
            position: before as u64,
            reason: e.to_string(),
        })?;
        let key = attr.key.as_ref().to_string();
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| XmlError::NotWellFormed {
                position: before as u64,
                reason: e.to_string(),
            })?
            .into_owned();
        if key == "xmlns" {
            ns_decls.push((None, value));
        } else if let Some(p) = key.strip_prefix("xmlns:") {
            ns_decls.push((Some(p.to_string()), value));
        } else {
            plain.push((attr.key, key, value));
        }
    }
    let mut attrs = Vec::with_capacity(plain.len());
    for (key, qname_text, value) in plain {
        let (res, local_attr) = reader.resolver().resolve_attribute(key);
        let attr_ns = match res {
            ResolveResult::Bound(n) => Some(n.0.to_string()),
            ResolveResult::Unbound => None,
            ResolveResult::Unknown(p) => return Err(XmlError::UnboundPrefix(p)),
        };
        attrs.push(Attr {
            ns: attr_ns,
            name: local_attr.as_ref().to_string(),
            qname: qname_text,
            value,
        });
    }
    in_scope.extend(ns_decls.iter().cloned());
    let name_end = before + 1 + qname.as_ref().len();
    Ok(Element {
        ns,
        name: local,
        attrs,
        ns_decls,
        in_scope,
        children: Vec::new(),
        span: before..after,
        name_end,
        content: after..after,
    })
}

/// Escapes text for element content and attribute values, and replaces
/// characters XML 1.0 cannot carry at all with U+FFFD, so the output is
/// always well-formed.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Whether `name` is usable as an XML element name without a prefix.
pub fn is_ncname(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_namespaces_and_spans() {
        let src =
            r#"<a xmlns="urn:a" xmlns:b="urn:b"><b:c x="1" b:y="2">t&amp;&#65;</b:c><d/></a>"#;
        let root = parse_document(src).unwrap();
        assert!(root.is("urn:a", "a"));
        let kids: Vec<_> = root.elements().collect();
        assert_eq!(kids.len(), 2);
        assert!(kids[0].is("urn:b", "c"));
        assert_eq!(kids[0].text(), "t&A");
        assert_eq!(kids[0].attrs[0].ns, None);
        assert_eq!(kids[0].attrs[1].ns.as_deref(), Some("urn:b"));
        assert!(kids[1].is("urn:a", "d"));
        assert_eq!(&src[kids[1].span.clone()], "<d/>");
        assert_eq!(
            &src[kids[0].span.clone()],
            r#"<b:c x="1" b:y="2">t&amp;&#65;</b:c>"#
        );
    }

    #[test]
    fn inner_xml_gets_scope_declarations() {
        let src =
            r#"<r xmlns="urn:r" xmlns:p="urn:p"><c><p:x><y/></p:x><z xmlns="urn:z"/></c></r>"#;
        let root = parse_document(src).unwrap();
        let c = root.elements().next().unwrap();
        let inner = c.inner_xml_standalone(src);
        assert_eq!(
            inner,
            r#"<p:x xmlns="urn:r" xmlns:p="urn:p"><y/></p:x><z xmlns:p="urn:p" xmlns="urn:z"/>"#
        );
        // The result parses on its own with the same namespaces.
        let frag = parse_fragment(&inner).unwrap();
        assert!(frag[0].is("urn:p", "x"));
        assert!(frag[0].elements().next().unwrap().is("urn:r", "y"));
        assert!(frag[1].is("urn:z", "z"));
    }

    #[test]
    fn rejects_bad_input() {
        assert!(matches!(
            parse_document("<a><b></a>"),
            Err(XmlError::NotWellFormed { .. })
        ));
        assert!(matches!(
            parse_document("<p:a/>"),
            Err(XmlError::UnboundPrefix(_))
        ));
        assert!(matches!(
            parse_document("<a/><b/>"),
            Err(XmlError::BadDocument(_))
        ));
        assert!(matches!(
            parse_document("x<a/>"),
            Err(XmlError::BadDocument(_))
        ));
        assert!(matches!(
            parse_document("<a>"),
            Err(XmlError::BadDocument(_))
        ));
        assert!(matches!(parse_document(""), Err(XmlError::BadDocument(_))));
        assert!(matches!(
            parse_document("<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>"),
            Err(XmlError::DocType)
        ));
        assert!(matches!(
            parse_document("<a>&e;</a>"),
            Err(XmlError::UnknownEntity(_))
        ));
        assert!(parse_document(r#"<a x="1" x="2"/>"#).is_err());
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert!(matches!(parse_document(&deep), Err(XmlError::TooDeep)));
    }

    #[test]
    fn accepts_declaration_and_comments() {
        let root =
            parse_document("<?xml version=\"1.0\"?>\n<!-- c --><a><![CDATA[<x>]]></a>\n").unwrap();
        assert_eq!(root.text(), "<x>");
    }

    #[test]
    fn leading_whitespace_and_bom() {
        let root = parse_document("\n  <?xml version=\"1.0\"?><a/>").unwrap();
        assert_eq!(root.name, "a");
        let root = parse_document(strip_bom("\u{FEFF}<?xml version=\"1.0\"?><a/>")).unwrap();
        assert_eq!(root.name, "a");
        assert!(parse_document("<a/><?xml version=\"1.0\"?>").is_err());
    }

    #[test]
    fn escape_is_complete() {
        assert_eq!(
            escape("<a&'\">\u{1}\n"),
            "&lt;a&amp;&apos;&quot;&gt;\u{FFFD}\n"
        );
        assert!(is_ncname("bad-element"));
        assert!(!is_ncname("1x"));
        assert!(!is_ncname("a b"));
    }
}
