//! Client classification: built-in classes (ALL, KNOWN, UNKNOWN, VENDOR_CLASS_<option 60>,
//! BOOTP) and configured classes with `test` expressions.

use dhcp_packet::Pkt4;

/// A parsed `test` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    text: String,
}

impl Expr {
    /// Parses an expression; unsupported syntax is a configuration error.
    pub fn parse(text: &str) -> Result<Self, String> {
        Err(format!(
            "client class test expressions are not supported yet ('{text}')"
        ))
    }

    /// Evaluates against a query with the classes assigned so far.
    pub fn eval(&self, _pkt: &Pkt4, _classes: &ClassSet) -> bool {
        false
    }
}

/// The classes a query belongs to, in assignment order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClassSet {
    names: Vec<String>,
}

impl ClassSet {
    pub fn contains(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    pub fn insert(&mut self, name: &str) {
        if !self.contains(name) {
            self.names.push(name.to_string());
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    /// True when the client may use a resource guarded by `required` (empty = open to all;
    /// otherwise membership in any one listed class suffices, as in Kea 3).
    pub fn allows(&self, required: &[String]) -> bool {
        required.is_empty() || required.iter().any(|c| self.contains(c))
    }
}

/// Built-in classification done before subnet selection: ALL, VENDOR_CLASS_*, BOOTP.
pub fn builtin_classes(pkt: &Pkt4, out: &mut ClassSet) {
    out.insert("ALL");
    if let Some(vc) = pkt.vendor_class()
        && !vc.is_empty()
    {
        out.insert(&format!("VENDOR_CLASS_{}", String::from_utf8_lossy(vc)));
    }
    if pkt.message_type().is_none() {
        out.insert("BOOTP");
    }
}

/// Evaluates configured classes with a `test` (not `only-if-required`). The first pass
/// (`late == false`) runs before subnet selection; the second after the reservation lookup,
/// so tests may use KNOWN/UNKNOWN.
pub fn evaluate_configured(
    cfg: &crate::config::ServerConfig,
    pkt: &Pkt4,
    classes: &mut ClassSet,
    late: bool,
) {
    let _ = late;
    for c in &cfg.classes {
        if c.only_if_required || classes.contains(&c.name) {
            continue;
        }
        if let Some(t) = &c.test
            && t.eval(pkt, classes)
        {
            classes.insert(&c.name);
        }
    }
}
