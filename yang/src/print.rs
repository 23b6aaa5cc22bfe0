//! Printing data trees as JSON or XML, with NETCONF with-defaults modes.

use yang2::data::{Data, DataFormat, DataNodeRef, DataPrinterFlags};
use yang2::ffi;

use crate::error::Result;

/// How default values are reported (RFC 6243 modes, plus libyang's plain
/// behaviour).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WithDefaults {
    /// Print what is in the tree; nodes libyang added as defaults are
    /// left out (RFC 6243 `explicit`, the usual NETCONF basic mode).
    #[default]
    Explicit,
    /// Leave out every leaf whose value equals its default (`trim`).
    Trim,
    /// Print default nodes too (`report-all`).
    ReportAll,
    /// Print default nodes, marked with the `ietf-netconf-with-defaults`
    /// `default="true"` attribute (`report-all-tagged`).
    ReportAllTagged,
}

impl WithDefaults {
    /// Parses the RFC 6243 mode name (`explicit`, `trim`, `report-all`,
    /// `report-all-tagged`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "explicit" => Some(WithDefaults::Explicit),
            "trim" => Some(WithDefaults::Trim),
            "report-all" => Some(WithDefaults::ReportAll),
            "report-all-tagged" => Some(WithDefaults::ReportAllTagged),
            _ => None,
        }
    }

    fn flags(self) -> DataPrinterFlags {
        match self {
            WithDefaults::Explicit => DataPrinterFlags::WD_EXPLICIT,
            WithDefaults::Trim => DataPrinterFlags::WD_TRIM,
            WithDefaults::ReportAll => DataPrinterFlags::WD_ALL,
            WithDefaults::ReportAllTagged => {
                DataPrinterFlags::from_bits_retain(ffi::LYD_PRINT_WD_ALL_TAG)
            }
        }
    }
}

/// Namespace libyang 2.2 gives the `default` attribute in XML.
const LIBYANG_WD_NS: &str = "urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults";
/// Namespace RFC 6243 section 6 requires for it.
const RFC6243_WD_NS: &str = "urn:ietf:params:xml:ns:netconf:default:1.0";

/// Prints a whole tree (all top-level siblings). An empty tree gives an
/// empty string.
pub fn print_tree<'a>(
    tree: &impl Data<'a>,
    format: DataFormat,
    defaults: WithDefaults,
) -> Result<String> {
    let flags = DataPrinterFlags::WITH_SIBLINGS | defaults.flags();
    let text = tree.print_string(format, flags)?.unwrap_or_default();
    Ok(fix_default_attribute(text, format, defaults))
}

/// Prints a whole tree compactly, without indentation or line breaks.
pub fn print_tree_compact<'a>(
    tree: &impl Data<'a>,
    format: DataFormat,
    defaults: WithDefaults,
) -> Result<String> {
    let flags = DataPrinterFlags::WITH_SIBLINGS | DataPrinterFlags::SHRINK | defaults.flags();
    let text = tree.print_string(format, flags)?.unwrap_or_default();
    Ok(fix_default_attribute(text, format, defaults))
}

/// Prints one node and its subtree (with its parents' path as wrapping, as
/// libyang does for non-top-level nodes).
pub fn print_node(
    node: &DataNodeRef<'_, '_>,
    format: DataFormat,
    defaults: WithDefaults,
) -> Result<String> {
    let text = node
        .print_string(format, defaults.flags())?
        .unwrap_or_default();
    Ok(fix_default_attribute(text, format, defaults))
}

/// libyang tags defaults in XML with `xmlns:ncwd="<module namespace>"`;
/// RFC 6243 wants the `urn:ietf:params:xml:ns:netconf:default:1.0`
/// namespace. Only namespace declarations inside start tags are rewritten,
/// never element text.
fn fix_default_attribute(text: String, format: DataFormat, defaults: WithDefaults) -> String {
    if format != DataFormat::XML || defaults != WithDefaults::ReportAllTagged {
        return text;
    }
    let declaration = format!("xmlns:ncwd=\"{LIBYANG_WD_NS}\"");
    if !text.contains(&declaration) {
        return text;
    }
    let replacement = format!("xmlns:ncwd=\"{RFC6243_WD_NS}\"");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    let mut in_tag = false;
    while let Some(c) = rest.chars().next() {
        if in_tag && rest.starts_with(&declaration) {
            out.push_str(&replacement);
            rest = &rest[declaration.len()..];
            continue;
        }
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ => {}
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_namespace_is_rewritten_only_in_tags() {
        let decl = format!("xmlns:ncwd=\"{LIBYANG_WD_NS}\"");
        let input = format!("<a><b {decl} ncwd:default=\"true\">1</b><c>{decl} é</c></a>");
        let out = fix_default_attribute(input, DataFormat::XML, WithDefaults::ReportAllTagged);
        assert_eq!(
            out,
            format!(
                "<a><b xmlns:ncwd=\"{RFC6243_WD_NS}\" ncwd:default=\"true\">1</b><c>{decl} é</c></a>"
            )
        );
    }

    #[test]
    fn other_modes_and_json_are_untouched() {
        let decl = format!("<b xmlns:ncwd=\"{LIBYANG_WD_NS}\"/>");
        assert_eq!(
            fix_default_attribute(decl.clone(), DataFormat::XML, WithDefaults::ReportAll),
            decl
        );
        assert_eq!(
            fix_default_attribute(
                decl.clone(),
                DataFormat::JSON,
                WithDefaults::ReportAllTagged
            ),
            decl
        );
    }
}
