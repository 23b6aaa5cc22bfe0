//! `<filter>`: subtree (RFC 6241 §6) and XPath (§8.9) filters, and the
//! conversion of a subtree filter into XPath expressions (netopeer2's
//! approach: one expression per selected subtree, content-match nodes
//! turned into predicates).

use crate::NS_BASE;
use crate::error::{ErrorInfo, ErrorTag, ErrorType, RpcError};
use crate::xml::{self, Element, XmlError};

/// A retrieval filter, kept as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// The filter's content as standalone XML (empty: selects nothing).
    Subtree(String),
    /// An XPath 1.0 expression and the `(prefix, namespace)` bindings in scope
    /// on the filter element.
    XPath {
        select: String,
        namespaces: Vec<(String, String)>,
    },
}

/// Why a subtree filter cannot be turned into XPath.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("subtree filter is not valid XML: {0}")]
    Xml(#[from] XmlError),
    #[error("subtree filter element <{0}> has no namespace")]
    MissingNamespace(String),
    #[error("subtree filter element <{0}> mixes text and elements")]
    MixedContent(String),
    /// An XPath filter uses a prefix with no namespace declaration in scope.
    #[error("XPath filter uses the undeclared prefix '{0}'")]
    UnknownPrefix(String),
    /// An XPath filter names a namespace that no known module implements.
    #[error("XPath filter uses the namespace '{0}' of no known module")]
    UnknownNamespace(String),
}

impl FilterError {
    /// The rpc-error to answer with.
    pub fn to_rpc_error(&self) -> RpcError {
        let tag = match self {
            FilterError::MissingNamespace(_) => ErrorTag::UnknownNamespace,
            _ => ErrorTag::InvalidValue,
        };
        let mut e = RpcError::new(ErrorType::Protocol, tag).with_message(self.to_string());
        match self {
            FilterError::MissingNamespace(n) | FilterError::MixedContent(n) => {
                e = e.with_info(ErrorInfo::BadElement(n.clone()));
            }
            FilterError::UnknownPrefix(_) | FilterError::UnknownNamespace(_) => {
                e = e
                    .with_info(ErrorInfo::BadAttribute("select".into()))
                    .with_info(ErrorInfo::BadElement("filter".into()));
            }
            FilterError::Xml(_) => {}
        }
        e
    }
}

/// All prefixed namespace bindings in scope on an element (innermost wins).
pub fn prefix_bindings(el: &Element) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (p, uri) in el.in_scope.iter().rev() {
        if let Some(p) = p
            && !out.iter().any(|(q, _)| q == p)
        {
            out.push((p.clone(), uri.clone()));
        }
    }
    out.reverse();
    out
}

impl Filter {
    /// Parses a `<filter>` element (`type` defaults to `subtree`).
    pub fn parse(src: &str, el: &Element) -> Result<Filter, RpcError> {
        let bad_attr = |tag: ErrorTag, attr: &str, msg: String| {
            RpcError::new(ErrorType::Protocol, tag)
                .with_message(msg)
                .with_info(ErrorInfo::BadAttribute(attr.to_string()))
                .with_info(ErrorInfo::BadElement("filter".into()))
        };
        let kind = el.attr("type", Some(NS_BASE)).map(|a| a.value.trim());
        match kind.unwrap_or("subtree") {
            "subtree" => {
                if el.has_text() {
                    return Err(RpcError::new(ErrorType::Protocol, ErrorTag::BadElement)
                        .with_message("text content in a subtree filter")
                        .with_info(ErrorInfo::BadElement("filter".into())));
                }
                Ok(Filter::Subtree(
                    el.inner_xml_standalone(src).trim().to_string(),
                ))
            }
            "xpath" => {
                let select = el.attr("select", Some(NS_BASE)).ok_or_else(|| {
                    bad_attr(
                        ErrorTag::MissingAttribute,
                        "select",
                        "XPath filter without a select attribute".into(),
                    )
                })?;
                Ok(Filter::XPath {
                    select: select.value.clone(),
                    namespaces: prefix_bindings(el),
                })
            }
            other => Err(bad_attr(
                ErrorTag::BadAttribute,
                "type",
                format!("unknown filter type '{other}'"),
            )),
        }
    }
}

impl Filter {
    /// The XPath expressions (module-name prefixes, as libyang wants them)
    /// that select what this filter selects: one per subtree for a subtree
    /// filter (none when it is empty), the rewritten `select` for an XPath
    /// filter.
    pub fn to_xpaths(
        &self,
        module_of: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Vec<String>, FilterError> {
        match self {
            Filter::Subtree(xml) => subtree_to_xpaths(xml, module_of),
            Filter::XPath { select, namespaces } => Ok(vec![xpath_with_module_prefixes(
                select, namespaces, module_of,
            )?]),
        }
    }
}

/// Rewrites the prefixes of an XPath expression from the client's XML
/// prefixes (resolved through `namespaces`) to YANG module names. String
/// literals and axis names (`child::`) are left alone.
pub fn xpath_with_module_prefixes(
    select: &str,
    namespaces: &[(String, String)],
    module_of: &dyn Fn(&str) -> Option<String>,
) -> Result<String, FilterError> {
    let chars: Vec<char> = select.chars().collect();
    let mut out = String::with_capacity(select.len() + 16);
    let mut i = 0;
    let is_start = |c: char| c.is_alphabetic() || c == '_';
    let is_name = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.');
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' || c == '"' {
            // A literal runs to the same quote (XPath 1.0 has no escapes).
            let end = chars[i + 1..]
                .iter()
                .position(|&q| q == c)
                .map_or(chars.len(), |p| i + 1 + p + 1);
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        // A name preceded by a name character is part of something else
        // (e.g. the digits of a number like 1.5e3 are handled as one run).
        if is_start(c) && (i == 0 || !is_name(chars[i - 1])) {
            let start = i;
            while i < chars.len() && is_name(chars[i]) {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            let single_colon = i < chars.len()
                && chars[i] == ':'
                && chars.get(i + 1) != Some(&':')
                && chars.get(i + 1).is_some_and(|&n| is_start(n) || n == '*');
            if single_colon {
                let ns = namespaces
                    .iter()
                    .rev()
                    .find(|(p, _)| *p == name)
                    .map(|(_, ns)| ns.as_str())
                    .ok_or_else(|| FilterError::UnknownPrefix(name.clone()))?;
                let module =
                    module_of(ns).ok_or_else(|| FilterError::UnknownNamespace(ns.to_string()))?;
                out.push_str(&module);
            } else {
                out.push_str(&name);
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    Ok(out)
}

/// Converts a subtree filter's content into XPath expressions, one per
/// selected subtree. `module_of` maps a namespace URI to the YANG module
/// name used as XPath prefix; elements in a namespace it does not know
/// select nothing (RFC 6241 §6.2: no match). An empty filter gives no
/// expressions, i.e. selects nothing.
pub fn subtree_to_xpaths(
    subtree_xml: &str,
    module_of: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<String>, FilterError> {
    let roots = xml::parse_fragment(subtree_xml)?;
    let mut out = Vec::new();
    for root in &roots {
        walk(root, "", None, module_of, &mut out)?;
    }
    Ok(out)
}

/// The XPath step for an element, prefixed with its module when the
/// namespace changes from the parent. `None` when the namespace is unknown.
fn step(
    el: &Element,
    parent_ns: Option<&str>,
    module_of: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<String>, FilterError> {
    let ns = el
        .ns
        .as_deref()
        .ok_or_else(|| FilterError::MissingNamespace(el.name.clone()))?;
    if parent_ns == Some(ns) {
        return Ok(Some(el.name.clone()));
    }
    Ok(module_of(ns).map(|m| format!("{m}:{}", el.name)))
}

fn is_content_match(el: &Element) -> bool {
    el.elements().next().is_none() && el.has_text()
}

fn walk(
    el: &Element,
    prefix: &str,
    parent_ns: Option<&str>,
    module_of: &dyn Fn(&str) -> Option<String>,
    out: &mut Vec<String>,
) -> Result<(), FilterError> {
    let Some(name) = step(el, parent_ns, module_of)? else {
        return Ok(());
    };
    let has_children = el.elements().next().is_some();
    if has_children && el.has_text() {
        return Err(FilterError::MixedContent(el.name.clone()));
    }
    let mut path = format!("{prefix}/{name}");
    // Attribute match expressions.
    for attr in &el.attrs {
        let attr_name = match &attr.ns {
            None => attr.name.clone(),
            Some(ns) => match module_of(ns) {
                Some(m) => format!("{m}:{}", attr.name),
                None => return Ok(()),
            },
        };
        path.push_str(&format!("[@{attr_name}={}]", xpath_literal(&attr.value)));
    }
    // A content-match node at this level (a leaf with a value).
    if !has_children && el.has_text() {
        path.push_str(&format!("[.={}]", xpath_literal(el.text().trim())));
        out.push(path);
        return Ok(());
    }
    let mut content_steps = Vec::new();
    for child in el.elements().filter(|c| is_content_match(c)) {
        let Some(cs) = step(child, el.ns.as_deref(), module_of)? else {
            // A value that cannot match: the whole node is filtered out.
            return Ok(());
        };
        path.push_str(&format!("[{cs}={}]", xpath_literal(child.text().trim())));
        content_steps.push(cs);
    }
    let others: Vec<&Element> = el.elements().filter(|c| !is_content_match(c)).collect();
    if others.is_empty() {
        out.push(path);
        return Ok(());
    }
    for cs in content_steps {
        out.push(format!("{path}/{cs}"));
    }
    for child in others {
        walk(child, &path, el.ns.as_deref(), module_of, out)?;
    }
    Ok(())
}

/// Quotes a string as an XPath 1.0 literal.
pub fn xpath_literal(v: &str) -> String {
    if !v.contains('\'') {
        format!("'{v}'")
    } else if !v.contains('"') {
        format!("\"{v}\"")
    } else {
        let parts: Vec<String> = v.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn modules(ns: &str) -> Option<String> {
        match ns {
            "urn:a" => Some("mod-a".into()),
            "urn:b" => Some("mod-b".into()),
            _ => None,
        }
    }

    fn x(xml: &str) -> Vec<String> {
        subtree_to_xpaths(xml, &modules).unwrap()
    }

    #[test]
    fn selection_and_containment() {
        assert_eq!(x(r#"<top xmlns="urn:a"/>"#), vec!["/mod-a:top"]);
        assert_eq!(
            x(r#"<top xmlns="urn:a"><x/><y><z/></y></top>"#),
            vec!["/mod-a:top/x", "/mod-a:top/y/z"]
        );
        assert!(x("").is_empty());
    }

    #[test]
    fn content_match_becomes_predicates() {
        assert_eq!(
            x(r#"<top xmlns="urn:a"><list><id>5</id><name/></list></top>"#),
            vec!["/mod-a:top/list[id='5']/id", "/mod-a:top/list[id='5']/name"]
        );
        assert_eq!(
            x(r#"<top xmlns="urn:a"><list><id> 5 </id><k>it's</k></list></top>"#),
            vec![r#"/mod-a:top/list[id='5'][k="it's"]"#]
        );
        assert_eq!(
            x(r#"<leaf xmlns="urn:a">v</leaf>"#),
            vec!["/mod-a:leaf[.='v']"]
        );
    }

    #[test]
    fn module_changes_and_unknown_namespaces() {
        assert_eq!(
            x(r#"<top xmlns="urn:a"><aug xmlns="urn:b"><c/></aug></top>"#),
            vec!["/mod-a:top/mod-b:aug/c"]
        );
        assert!(x(r#"<top xmlns="urn:unknown"/>"#).is_empty());
        assert_eq!(
            x(r#"<top xmlns="urn:a"><x xmlns="urn:nope"/><y/></top>"#),
            vec!["/mod-a:top/y"]
        );
        assert_eq!(
            subtree_to_xpaths("<top/>", &modules),
            Err(FilterError::MissingNamespace("top".into()))
        );
        assert!(matches!(
            subtree_to_xpaths(r#"<top xmlns="urn:a">t<x/></top>"#, &modules),
            Err(FilterError::MixedContent(_))
        ));
        assert!(matches!(
            subtree_to_xpaths("<top", &modules),
            Err(FilterError::Xml(_))
        ));
    }

    #[test]
    fn attribute_match() {
        assert_eq!(
            x(r#"<top xmlns="urn:a" xmlns:b="urn:b" b:tag="1" plain="2"/>"#),
            vec!["/mod-a:top[@mod-b:tag='1'][@plain='2']"]
        );
    }

    #[test]
    fn xpath_prefix_rewrite() {
        let ns = vec![
            ("t".to_string(), "urn:a".to_string()),
            ("u".to_string(), "urn:b".to_string()),
        ];
        let r = xpath_with_module_prefixes(
            "/t:top/t:list[t:name='x:y' or u:k=\"t:z\"]/child::u:leaf | /u:*",
            &ns,
            &modules,
        )
        .unwrap();
        assert_eq!(
            r,
            "/mod-a:top/mod-a:list[mod-a:name='x:y' or mod-b:k=\"t:z\"]/child::mod-b:leaf | /mod-b:*"
        );
        assert_eq!(
            xpath_with_module_prefixes("/q:top", &ns, &modules),
            Err(FilterError::UnknownPrefix("q".into()))
        );
        let ns2 = vec![("z".to_string(), "urn:zzz".to_string())];
        assert_eq!(
            xpath_with_module_prefixes("/z:top", &ns2, &modules),
            Err(FilterError::UnknownNamespace("urn:zzz".into()))
        );
        assert_eq!(
            xpath_with_module_prefixes("count(/t:a) > 1.5", &ns, &modules).unwrap(),
            "count(/mod-a:a) > 1.5"
        );
        assert_eq!(
            xpath_with_module_prefixes("'unterminated", &ns, &modules).unwrap(),
            "'unterminated"
        );
        let f = Filter::XPath {
            select: "/t:top".into(),
            namespaces: ns,
        };
        assert_eq!(f.to_xpaths(&modules).unwrap(), vec!["/mod-a:top"]);
        let f = Filter::Subtree(r#"<top xmlns="urn:a"/>"#.into());
        assert_eq!(f.to_xpaths(&modules).unwrap(), vec!["/mod-a:top"]);
    }

    #[test]
    fn literals() {
        assert_eq!(xpath_literal("a"), "'a'");
        assert_eq!(xpath_literal("a'b"), "\"a'b\"");
        assert_eq!(xpath_literal("a'b\"c"), "concat('a', \"'\", 'b\"c')");
    }

    #[test]
    fn parse_filter_element() {
        let src = r#"<filter xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:t="urn:t" type="xpath" select="/t:top"/>"#;
        let el = xml::parse_document(src).unwrap();
        assert_eq!(
            Filter::parse(src, &el).unwrap(),
            Filter::XPath {
                select: "/t:top".into(),
                namespaces: vec![("t".into(), "urn:t".into())]
            }
        );
        let src = r#"<filter type="xpath"/>"#;
        let el = xml::parse_document(src).unwrap();
        assert_eq!(
            Filter::parse(src, &el).unwrap_err().tag,
            ErrorTag::MissingAttribute
        );
        let src = r#"<filter type="regex"/>"#;
        let el = xml::parse_document(src).unwrap();
        assert_eq!(
            Filter::parse(src, &el).unwrap_err().tag,
            ErrorTag::BadAttribute
        );
        let src = r#"<filter/>"#;
        let el = xml::parse_document(src).unwrap();
        assert_eq!(
            Filter::parse(src, &el).unwrap(),
            Filter::Subtree(String::new())
        );
    }
}
