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

    /// Encodes an `option-data` list of one scope.
    pub fn compile(list: &[kea_config::OptionData], defs: &ServerDefs) -> Result<Self, String> {
        let mut items: Vec<CfgOption> = Vec::new();
        // (enterprise, sub-options bytes, always-send) for option 17.
        let mut vendors: Vec<(u32, Vec<u8>, bool)> = Vec::new();
        for o in list {
            let space = o.space.as_str();
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
            if space == "dhcp6" {
                if code == code::VENDOR_OPTS {
                    // "vendor-opts" with data = enterprise: the container for vendor-N options.
                    let ent = bytes
                        .get(..4)
                        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
                        .ok_or("vendor-opts needs an enterprise number")?;
                    match vendors.iter_mut().find(|v| v.0 == ent) {
                        Some(v) => v.2 |= o.always_send,
                        None => vendors.push((ent, bytes[4..].to_vec(), o.always_send)),
                    }
                    continue;
                }
                if items.iter().any(|x| x.code == code) {
                    return Err(format!(
                        "option data for option code {code} specified more than once in this scope"
                    ));
                }
                items.push(CfgOption {
                    code,
                    data: bytes,
                    always_send: o.always_send,
                    never_send: o.never_send,
                    classes: o.client_classes.clone(),
                });
            } else if let Some(ent) = vendor_enterprise(space) {
                let len = u16::try_from(bytes.len())
                    .map_err(|_| format!("option {space}.{code} is longer than 65535 bytes"))?;
                let idx = match vendors.iter().position(|v| v.0 == ent) {
                    Some(i) => i,
                    None => {
                        vendors.push((ent, Vec::new(), false));
                        vendors.len() - 1
                    }
                };
                let v = &mut vendors[idx];
                v.1.extend_from_slice(&code.to_be_bytes());
                v.1.extend_from_slice(&len.to_be_bytes());
                v.1.extend_from_slice(&bytes);
                v.2 |= o.always_send;
            } else {
                return Err(format!(
                    "option '{code}' in space '{space}': only the dhcp6 and vendor-<enterprise> spaces can be sent by this server"
                ));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn opt(json: &str) -> kea_config::OptionData {
        let e = kea_config::parse_str(json, "<t>").unwrap();
        kea_config::OptionData::from_element(&e, true).unwrap()
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
