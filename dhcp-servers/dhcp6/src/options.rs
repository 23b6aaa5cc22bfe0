//! `option-def` and `option-data` of the DHCPv6 server, encoded once at configuration time
//! so a reply only copies bytes.
//!
//! Definitions and the text → wire conversion are dhcp-packet's ([`dhcp_packet::optdef`],
//! [`dhcp_packet::optdata`]); this module adds the v6 scoping rules: options in space
//! `dhcp6` go at the top level, options in a `vendor-<enterprise>` space are gathered into
//! one vendor-opts option (17) per enterprise (RFC 8415 §21.17).

use dhcp_packet::optdata::{encode_option_data, kea_option_error, parse_hex};
use dhcp_packet::optdef::{OptionDef, OptionDefConfig, OptionDefs, Universe};
use dhcp_packet::v6::code;

/// The option definitions of the server: standard v6 plus `option-def`.
#[derive(Debug, Clone)]
pub struct ServerDefs {
    inner: OptionDefs,
}

impl ServerDefs {
    /// Standard definitions plus the configured `option-def` entries.
    pub fn build(list: &[kea_config::OptionDef]) -> Result<Self, String> {
        let mut inner = OptionDefs::new(Universe::V6);
        for d in list {
            let cfg = OptionDefConfig {
                name: &d.name,
                code: i64::from(d.code),
                space: &d.space,
                type_name: &d.option_type,
                record_types: &d.record_types,
                array: d.array,
                encapsulate: &d.encapsulate,
            };
            let def = OptionDef::from_config(Universe::V6, &cfg)
                .map_err(|e| format!("option-def '{}': {e}", d.name))?;
            inner
                .add(def)
                .map_err(|e| format!("option-def '{}': {e}", d.name))?;
        }
        Ok(ServerDefs { inner })
    }

    /// Code of the option called `name` in `space` (classification's `option[name]`).
    pub fn code_of(&self, space: &str, name: &str) -> Option<u16> {
        self.inner.by_name(space, name).map(|d| d.code)
    }

    /// The definition of `code` in `space`.
    pub fn by_code(&self, space: &str, code: u16) -> Option<&OptionDef> {
        self.inner.by_code(space, code)
    }
}

impl Default for ServerDefs {
    fn default() -> Self {
        ServerDefs {
            inner: OptionDefs::new(Universe::V6),
        }
    }
}

/// One encoded top-level option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CfgOption {
    pub code: u16,
    pub data: Vec<u8>,
    pub always_send: bool,
    pub never_send: bool,
    /// Client classes the option is restricted to (empty: everyone).
    pub classes: Vec<String>,
}

/// The options of one scope (global, network, subnet, pool, reservation).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptionSet {
    pub items: Vec<CfgOption>,
}

/// Kea's name of the DOCSIS 3 vendor space; dhcp-packet calls it `vendor-4491`.
fn space_alias(space: &str) -> &str {
    if space == "docsis3-v6" {
        "vendor-4491"
    } else {
        space
    }
}

fn vendor_enterprise(space: &str) -> Option<u32> {
    space.strip_prefix("vendor-")?.parse().ok()
}

impl OptionSet {
    /// The option with this code, if configured in this scope.
    pub fn get(&self, code: u16) -> Option<&CfgOption> {
        self.items.iter().find(|o| o.code == code)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Encodes an `option-data` list of one scope. Options of other spaces are carried
    /// inside the options of this scope that encapsulate their space (e.g. `s46-rule`
    /// inside `s46-cont-mape`); `vendor-<enterprise>` options go into option 17.
    pub fn compile(list: &[kea_config::OptionData], defs: &ServerDefs) -> Result<Self, String> {
        let mut entries: Vec<Encoded<'_>> = Vec::with_capacity(list.len());
        for o in list {
            let space = space_alias(o.space.as_str());
            let def = match (&o.name, o.code) {
                (Some(n), _) => Some(defs.inner.by_name(space, n).ok_or_else(|| {
                    format!("definition for the option '{space}.{n}' does not exist")
                })?),
                (None, Some(c)) => defs.by_code(space, c),
                (None, None) => {
                    return Err("option data configuration must contain a name or a code".into());
                }
            };
            if let (Some(d), Some(c)) = (def, o.code)
                && d.code != c
            {
                return Err(format!("option '{}' has code {}, not {c}", d.name, d.code));
            }
            let code = def.map(|d| d.code).or(o.code).unwrap_or(0);
            let mut bytes = Vec::new();
            match def {
                Some(d) => encode_option_data(d, Universe::V6, &o.data, o.csv_format, &mut bytes)
                    .map_err(|e| kea_option_error(d, &e))?,
                None if !o.csv_format => {
                    bytes = parse_hex(&o.data).map_err(|e| e.to_string())?;
                }
                None => {
                    return Err(format!(
                        "definition for the option '{space}.' having code '{code}' does not exist"
                    ));
                }
            }
            if entries.iter().any(|e| e.space == space && e.code == code) {
                return Err(format!(
                    "option data for option code {code} specified more than once in this scope"
                ));
            }
            entries.push(Encoded {
                space,
                code,
                bytes,
                encapsulate: def.map_or("", |d| &d.encapsulate),
                data: o,
            });
        }
        let mut items: Vec<CfgOption> = Vec::new();
        // (enterprise, sub-options, always-send) for option 17.
        let mut vendors: Vec<(u32, Vec<u8>, bool)> = Vec::new();
        for e in &entries {
            if e.space == "dhcp6" && e.code == code::VENDOR_OPTS {
                // "vendor-opts" with data = enterprise: the container for vendor-N options.
                let ent = e
                    .bytes
                    .get(..4)
                    .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
                    .ok_or("vendor-opts needs an enterprise number")?;
                if !vendors.iter().any(|v| v.0 == ent) {
                    let mut subs = e.bytes[4..].to_vec();
                    subs.extend(encapsulated(&entries, &format!("vendor-{ent}"), 0)?);
                    vendors.push((ent, subs, e.data.always_send));
                }
            } else if e.space == "dhcp6" {
                let mut data = e.bytes.clone();
                if encapsulates(e.encapsulate) {
                    data.extend(encapsulated(&entries, e.encapsulate, 0)?);
                }
                items.push(CfgOption {
                    code: e.code,
                    data,
                    always_send: e.data.always_send,
                    never_send: e.data.never_send,
                    classes: e.data.client_classes.clone(),
                });
            } else if let Some(ent) = vendor_enterprise(e.space)
                && !vendors.iter().any(|v| v.0 == ent)
            {
                // Vendor options without an explicit vendor-opts entry.
                let subs = encapsulated(&entries, e.space, 0)?;
                let always = entries
                    .iter()
                    .any(|x| x.space == e.space && x.data.always_send);
                vendors.push((ent, subs, always));
            }
        }
        for (ent, subs, always) in vendors {
            let mut data = ent.to_be_bytes().to_vec();
            data.extend_from_slice(&subs);
            items.push(CfgOption {
                code: code::VENDOR_OPTS,
                data,
                always_send: always,
                never_send: false,
                classes: Vec::new(),
            });
        }
        Ok(OptionSet { items })
    }
}

/// One encoded `option-data` entry before assembly.
struct Encoded<'a> {
    space: &'a str,
    code: u16,
    bytes: Vec<u8>,
    /// Space of the sub-options this option carries ("" when none).
    encapsulate: &'a str,
    data: &'a kea_config::OptionData,
}

/// Whether configured options of `space` go inside the option encapsulating it. Kea never
/// nests the top-level spaces (lq-query and client-data encapsulate `dhcp6` for
/// decoding only).
fn encapsulates(space: &str) -> bool {
    !space.is_empty() && space != "dhcp6" && space != "dhcp4"
}

/// The options of `space` in this scope, each with its own encapsulated sub-options, as
/// option headers and values (DHCPv6 sub-options share the top-level format).
fn encapsulated(entries: &[Encoded<'_>], space: &str, depth: u8) -> Result<Vec<u8>, String> {
    if depth > 8 {
        return Err(format!(
            "option space '{space}': encapsulation nested too deeply"
        ));
    }
    let mut out = Vec::new();
    for e in entries.iter().filter(|e| e.space == space) {
        let mut value = e.bytes.clone();
        if encapsulates(e.encapsulate) {
            value.extend(encapsulated(entries, e.encapsulate, depth + 1)?);
        }
        let len = u16::try_from(value.len())
            .map_err(|_| format!("option {space}.{} is longer than 65535 bytes", e.code))?;
        out.extend_from_slice(&e.code.to_be_bytes());
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opt(json: &str) -> kea_config::OptionData {
        let e = kea_config::parse_str(json, "<t>").unwrap();
        kea_config::OptionData::from_element(&e, true).unwrap()
    }

    #[test]
    fn top_level_space_is_not_nested() {
        let defs = ServerDefs::default();
        let set = OptionSet::compile(
            &[
                opt(r#"{"name": "lq-query", "data": "1, 2001:db8::17"}"#),
                opt(r#"{"name": "client-data"}"#),
                opt(r#"{"name": "dns-servers", "data": "2001:db8::53"}"#),
            ],
            &defs,
        )
        .unwrap();
        assert_eq!(set.get(45).unwrap().data, Vec::<u8>::new());
        assert_eq!(set.get(44).unwrap().data.len(), 17);
    }

    #[test]
    fn encodes_standard_and_vendor_options() {
        let defs = ServerDefs::default();
        let set = OptionSet::compile(
            &[
                opt(r#"{"name": "dns-servers", "data": "2001:db8::1, 2001:db8::2"}"#),
                opt(r#"{"name": "vendor-opts", "data": "4491"}"#),
                opt(
                    r#"{"code": 200, "space": "vendor-4491", "data": "0A0B", "csv-format": false}"#,
                ),
            ],
            &defs,
        )
        .unwrap();
        let dns = set.get(23).unwrap();
        assert_eq!(dns.data.len(), 32);
        let v = set.get(17).unwrap();
        assert_eq!(v.data, vec![0, 0, 0x11, 0x8b, 0, 200, 0, 2, 0x0a, 0x0b]);
    }

    #[test]
    fn encapsulated_spaces_go_inside_their_container() {
        let defs = ServerDefs::default();
        let set = OptionSet::compile(
            &[
                opt(r#"{"name": "s46-cont-mape"}"#),
                opt(r#"{"space": "s46-cont-mape-options", "name": "s46-br", "data": "2001:db8::1"}"#),
            ],
            &defs,
        )
        .unwrap();
        let c = set.get(94).unwrap();
        assert_eq!(
            &c.data[..4],
            &[0, 90, 0, 16],
            "s46-br (90) inside s46-cont-mape (94)"
        );
        assert_eq!(c.data.len(), 20);
    }

    #[test]
    fn custom_definitions_and_errors() {
        let defs = ServerDefs::build(&[kea_config::OptionDef::from_element(
            &kea_config::parse_str(r#"{"name": "foo", "code": 222, "type": "uint32"}"#, "<t>")
                .unwrap(),
            true,
        )
        .unwrap()])
        .unwrap();
        let set = OptionSet::compile(&[opt(r#"{"name": "foo", "data": "258"}"#)], &defs).unwrap();
        assert_eq!(set.get(222).unwrap().data, vec![0, 0, 1, 2]);
        assert!(OptionSet::compile(&[opt(r#"{"name": "nope", "data": "1"}"#)], &defs).is_err());
        assert!(
            OptionSet::compile(
                &[
                    opt(r#"{"name": "foo", "data": "1"}"#),
                    opt(r#"{"code": 222, "data": "2"}"#)
                ],
                &defs
            )
            .is_err()
        );
    }
}
