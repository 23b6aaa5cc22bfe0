//! Top-level handling shared by the daemons: pick the daemon's object out of a file,
//! validate and normalize it, and carry warnings along.

use crate::element::{Element, Map, Value};
use crate::error::{ConfigError, Warning};
use crate::schema::{self, Ctx, keywords};

/// The daemons whose configuration this crate models.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Daemon {
    /// kea-dhcp4 (`Dhcp4` object).
    Dhcp4,
    /// kea-dhcp6 (`Dhcp6` object).
    Dhcp6,
    /// kea-netconf (`Netconf` object).
    Netconf,
}

impl Daemon {
    /// The top-level object name in a configuration file.
    pub fn object_name(self) -> &'static str {
        match self {
            Daemon::Dhcp4 => "Dhcp4",
            Daemon::Dhcp6 => "Dhcp6",
            Daemon::Netconf => "Netconf",
        }
    }

    pub(crate) fn ctx(self) -> &'static Ctx {
        match self {
            Daemon::Dhcp4 => &keywords::DHCP4,
            Daemon::Dhcp6 => &keywords::DHCP6,
            Daemon::Netconf => &keywords::NETCONF,
        }
    }
}

/// Top-level objects of Kea configuration files; the ones that do not belong to the
/// daemon being configured are ignored with a warning.
pub const KEA_TOP_LEVEL_OBJECTS: &[&str] =
    &["Dhcp4", "Dhcp6", "Control-agent", "DhcpDdns", "Netconf"];

/// A validated configuration plus the warnings found on the way.
#[derive(Clone, Debug)]
pub struct Loaded<T> {
    /// The configuration.
    pub config: T,
    /// Non-fatal findings (syntax warnings, ignored objects, deprecated keywords).
    pub warnings: Vec<Warning>,
}

impl<T> Loaded<T> {
    /// Puts `earlier` warnings (found before these, e.g. by the parser) first.
    fn after(mut self, mut earlier: Vec<Warning>) -> Self {
        earlier.append(&mut self.warnings);
        self.warnings = earlier;
        self
    }
}

/// A daemon's validated configuration model; gives it the common ways in
/// (file, text, root map) through [`load_file`], [`load_text`], [`load_root`].
pub(crate) trait DaemonModel: Sized {
    const DAEMON: Daemon;
    /// Validates the daemon's own map (`Dhcp4`, `Dhcp6`, `Netconf`).
    fn load_object(object: &Element) -> Result<Loaded<Self>, ConfigError>;
}

/// Validates a root map `{"Dhcp4": {...}, ...}` (a file, or config-set arguments).
pub(crate) fn load_root<T: DaemonModel>(root: &Element) -> Result<Loaded<T>, ConfigError> {
    let mut warnings = Vec::new();
    let object = daemon_object(root, T::DAEMON, &mut warnings)?;
    Ok(T::load_object(object)?.after(warnings))
}

/// Reads, parses and validates a configuration file.
pub(crate) fn load_file<T: DaemonModel>(
    path: impl AsRef<std::path::Path>,
) -> Result<Loaded<T>, ConfigError> {
    let parsed = crate::parser::parse_file_with_warnings(path)?;
    Ok(load_root::<T>(&parsed.element)?.after(parsed.warnings))
}

/// Parses and validates configuration text (`origin` names it in positions).
pub(crate) fn load_text<T: DaemonModel>(
    text: &str,
    origin: &str,
) -> Result<Loaded<T>, ConfigError> {
    let parsed = crate::parser::parse_str_with_warnings(text, origin)?;
    Ok(load_root::<T>(&parsed.element)?.after(parsed.warnings))
}

/// Returns the daemon's object from a file's root map (`{"Dhcp4": {...}, ...}`).
/// Other Kea objects give a warning, anything else is an error.
pub fn daemon_object<'a>(
    root: &'a Element,
    daemon: Daemon,
    warnings: &mut Vec<Warning>,
) -> Result<&'a Element, ConfigError> {
    let Value::Map(map) = &root.value else {
        return Err(ConfigError::validation(
            Some(root.pos.clone()),
            format!(
                "syntax error, unexpected {}, expecting {{",
                root.type_name()
            ),
        ));
    };
    let name = daemon.object_name();
    for (key, entry) in map.entries() {
        if key == name {
            continue;
        }
        if KEA_TOP_LEVEL_OBJECTS.contains(&key) {
            warnings.push(Warning {
                pos: Some(entry.key_pos.clone()),
                message: format!("ignoring the {key} object: this is the {name} configuration"),
            });
        } else {
            return Err(ConfigError::validation(
                Some(entry.key_pos.clone()),
                format!("got unexpected keyword \"{key}\" in toplevel map."),
            ));
        }
    }
    map.get(name).ok_or_else(|| {
        ConfigError::validation(
            Some(root.pos.clone()),
            format!("missing mandatory '{name}' entry in the toplevel map"),
        )
    })
}

/// Validates the daemon's object against its keyword tables and returns the normalized
/// copy (`comment` moved into `user-context`, deprecated aliases renamed).
pub fn validate(
    daemon_map: &Element,
    daemon: Daemon,
    warnings: &mut Vec<Warning>,
) -> Result<Element, ConfigError> {
    let mut el = daemon_map.clone();
    schema::validate_map(&mut el, daemon.ctx(), warnings)?;
    Ok(el)
}

/// The normalized daemon map with the defaults `config-get` shows, wrapped as
/// `{"<Daemon>": {...}}`.
pub(crate) fn unparse(normalized: &Element, daemon: Daemon) -> Element {
    let mut el = normalized.clone();
    schema::fill_defaults(&mut el, daemon.ctx());
    let mut root = Map::new();
    root.insert(daemon.object_name(), el);
    Element::map(root)
}

/// Top-level keys holding lists that can be large (subnets, hosts); left out of
/// [`defaulted_globals`].
const BIG_LISTS: &[&str] = &["subnet4", "subnet6", "shared-networks", "reservations"];

/// A copy of the daemon map's top level, without the big lists, with defaults filled in:
/// the source for global typed values.
pub(crate) fn defaulted_globals(normalized: &Element, daemon: Daemon) -> Element {
    let mut top = Map::new();
    if let Value::Map(m) = &normalized.value {
        for (k, entry) in m.entries() {
            if !BIG_LISTS.contains(&k) {
                top.insert_with_pos(k, entry.key_pos.clone(), entry.value.clone());
            }
        }
    }
    let mut el = Element::new(Value::Map(top), normalized.pos.clone());
    schema::fill_defaults(&mut el, daemon.ctx());
    el
}

/// Kea's `config-hash-get` digest: SHA-256 over the compact text of the unparsed
/// configuration, as upper-case hex.
pub fn config_hash(unparsed: &Element) -> String {
    use sha2::{Digest, Sha256};
    let text = unparsed.to_compact_string();
    hex::encode_upper(Sha256::digest(text.as_bytes()))
}
