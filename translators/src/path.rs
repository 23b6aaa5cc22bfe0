//! Where a value sits in the Kea JSON, spelled out only when an error
//! needs it: configs have hundreds of thousands of values, and building a
//! path string for each would cost more than translating it.

use crate::TranslateError;

#[derive(Clone, Copy)]
pub(crate) enum JsonPath<'a> {
    Root(&'a str),
    Key(&'a JsonPath<'a>, &'a str),
    Index(&'a JsonPath<'a>, usize),
}

impl std::fmt::Display for JsonPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JsonPath::Root(name) => f.write_str(name),
            JsonPath::Key(parent, key) => write!(f, "{parent}/{key}"),
            JsonPath::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// A [`TranslateError::Json`] at `path`.
pub(crate) fn err(path: &JsonPath<'_>, message: impl Into<String>) -> TranslateError {
    TranslateError::json(&path.to_string(), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_like_kea_json() {
        let root = JsonPath::Root("Dhcp4");
        let list = JsonPath::Key(&root, "subnet4");
        let entry = JsonPath::Index(&list, 3);
        assert_eq!(
            JsonPath::Key(&entry, "pools").to_string(),
            "Dhcp4/subnet4[3]/pools"
        );
    }
}
