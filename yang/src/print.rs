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

/// Prints a whole tree (all top-level siblings). An empty tree gives an
/// empty string.
pub fn print_tree<'a>(
    tree: &impl Data<'a>,
    format: DataFormat,
    defaults: WithDefaults,
) -> Result<String> {
    let flags = DataPrinterFlags::WITH_SIBLINGS | defaults.flags();
    Ok(tree.print_string(format, flags)?.unwrap_or_default())
}

/// Prints a whole tree compactly, without indentation or line breaks.
pub fn print_tree_compact<'a>(
    tree: &impl Data<'a>,
    format: DataFormat,
    defaults: WithDefaults,
) -> Result<String> {
    let flags = DataPrinterFlags::WITH_SIBLINGS | DataPrinterFlags::SHRINK | defaults.flags();
    Ok(tree.print_string(format, flags)?.unwrap_or_default())
}

/// Prints one node and its subtree (with its parents' path as wrapping, as
/// libyang does for non-top-level nodes).
pub fn print_node(
    node: &DataNodeRef<'_, '_>,
    format: DataFormat,
    defaults: WithDefaults,
) -> Result<String> {
    Ok(node
        .print_string(format, defaults.flags())?
        .unwrap_or_default())
}
