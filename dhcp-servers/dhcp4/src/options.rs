//! Configured options (`option-data`, `option-def`) turned into wire bytes once, at
//! configuration time, so building a reply copies bytes and nothing else.
//!
//! Definitions and the text → bytes conversion come from dhcp-packet ([`dhcp_packet::optdef`],
//! [`dhcp_packet::optdata`]), with one local correction: option 15 (domain-name) goes on the
//! wire as plain text, as Kea 2.2 sends it (checked against a live Kea 2.2 OFFER), not as DNS
//! labels.

use dhcp_packet::optdata::{encode_option_data, kea_option_error, parse_hex as packet_parse_hex};
use dhcp_packet::optdef::{OptionDef, OptionDefConfig, OptionDefs as PacketDefs, Universe};
use kea_config::{ConfigError, Element};

use crate::config::{get_map, opt_bool, opt_str, verr};

/// Option definitions of the server: standard plus `option-def`.
#[derive(Debug, Clone)]
pub struct OptionDefs {
    inner: PacketDefs,
    /// Kea lets `option-def` redefine option 43 (its "last resort" definition);
    /// dhcp-packet refuses standard redefinitions, so it is kept here.
    opt43: Option<OptionDef>,
}

impl Default for OptionDefs {
    fn default() -> Self {
        OptionDefs {
            inner: PacketDefs::new(Universe::V4),
            opt43: None,
        }
    }
}

/// Kea's name of the DOCSIS 3 vendor space; dhcp-packet calls it `vendor-4491`.
fn space_alias(space: &str) -> &str {
    if space == "docsis3-v4" {
        "vendor-4491"
    } else {
        space
    }
}

impl OptionDefs {
    /// Parses `option-def`.
    pub fn parse(list: &[Element]) -> Result<Self, ConfigError> {
        let mut inner = PacketDefs::new(Universe::V4);
        let mut opt43 = None;
        for e in list {
            let m = get_map(e, "option-def entry")?;
            let name = opt_str(m, "name")?.ok_or_else(|| verr(e, "missing parameter 'name'"))?;
            let code = match m.get("code") {
                Some(c) => c
                    .as_int()
                    .map_err(|_| verr(c, "'code' must be an integer"))?,
                None => return Err(verr(e, "missing parameter 'code'")),
            };
            let cfg = OptionDefConfig {
                name,
                code,
                space: opt_str(m, "space")?.unwrap_or("dhcp4"),
                type_name: opt_str(m, "type")?
                    .ok_or_else(|| verr(e, "missing parameter 'type'"))?,
                record_types: opt_str(m, "record-types")?.unwrap_or(""),
                array: opt_bool(m, "array")?.unwrap_or(false),
                encapsulate: opt_str(m, "encapsulate")?.unwrap_or(""),
            };
            let def = OptionDef::from_config(Universe::V4, &cfg)
                .map_err(|err| verr(e, err.to_string()))?;
            if def.space == "dhcp4" && def.code == 43 {
                if opt43.is_some() {
                    return Err(verr(
                        e,
                        "option definition for code 43 specified more than once",
                    ));
                }
                opt43 = Some(def);
                continue;
            }
            inner.add(def).map_err(|err| verr(e, err.to_string()))?;
        }
        Ok(OptionDefs { inner, opt43 })
    }

    fn by_name(&self, space: &str, name: &str) -> Option<&OptionDef> {
        if let Some(d) = &self.opt43
            && space == "dhcp4"
            && d.name == name
        {
            return Some(d);
        }
        self.inner.by_name(space_alias(space), name)
    }

    /// Code of the option called `name` in `space` (classification's `option[name]`).
    pub fn code_of(&self, space: &str, name: &str) -> Option<u16> {
        self.by_name(space, name).map(|d| d.code)
    }

    fn by_code(&self, space: &str, code: u16) -> Option<&OptionDef> {
        if let Some(d) = &self.opt43
            && space == "dhcp4"
            && code == 43
        {
            return Some(d);
        }
        self.inner.by_code(space_alias(space), code)
    }
}

/// One configured option ready to copy into a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CfgOption {
    pub code: u8,
    pub data: Vec<u8>,
    pub always_send: bool,
    pub never_send: bool,
}

/// The options of one scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptionSet {
    pub items: Vec<CfgOption>,
}

/// Kea sends option 15 as text (RFC 2132 §3.17) although its definition says fqdn.
const DOMAIN_NAME: u16 = 15;

impl OptionSet {
    pub fn get(&self, code: u8) -> Option<&CfgOption> {
        self.items.iter().find(|o| o.code == code)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Parses an `option-data` list. Entries in other spaces are sub-options: they are
    /// packed into the option of this scope whose definition encapsulates their space
    /// (e.g. `vendor-encapsulated-options` (43) and `vendor-encapsulated-options-space`).
    pub fn parse(list: &[Element], defs: &OptionDefs) -> Result<Self, ConfigError> {
        let mut items: Vec<CfgOption> = Vec::new();
        // (space, code, bytes) of sub-options, in configuration order.
        let mut subs: Vec<(String, u8, Vec<u8>)> = Vec::new();
        let mut encapsulating: Vec<(usize, String)> = Vec::new();
        for e in list {
            let m = get_map(e, "option-data entry")?;
            let name = opt_str(m, "name")?;
            let space = opt_str(m, "space")?.unwrap_or("dhcp4");
            let code = match m.get("code") {
                None => None,
                Some(c) => {
                    let v = c
                        .as_int()
                        .map_err(|_| verr(c, "'code' must be an integer"))?;
                    match u8::try_from(v) {
                        Ok(c) if c != 0 && c != 255 => Some(c),
                        _ => {
                            return Err(verr(
                                c,
                                format!(
                                    "invalid option code '{v}': it must not be greater than '254'"
                                ),
                            ));
                        }
                    }
                }
            };
            let def = match (name, code) {
                (Some(n), _) => Some(defs.by_name(space, n).ok_or_else(|| {
                    verr(
                        e,
                        format!("definition for the option '{space}.{n}' does not exist"),
                    )
                })?),
                (None, Some(c)) => defs.by_code(space, u16::from(c)),
                (None, None) => {
                    return Err(verr(
                        e,
                        "option data configuration must contain a name or a code",
                    ));
                }
            };
            if let (Some(d), Some(c)) = (def, code)
                && d.code != u16::from(c)
            {
                return Err(verr(
                    e,
                    format!("option '{}' has code {}, not {c}", d.name, d.code),
                ));
            }
            let code = match def {
                Some(d) => u8::try_from(d.code).map_err(|_| verr(e, "option code out of range"))?,
                None => code.unwrap_or(0),
            };
            let data = opt_str(m, "data")?.unwrap_or("");
            let csv = opt_bool(m, "csv-format")?.unwrap_or(true);
            let mut bytes = Vec::new();
            match def {
                Some(d) if csv && d.code == DOMAIN_NAME && d.space == "dhcp4" => {
                    if data.trim().is_empty() {
                        return Err(verr(
                            e,
                            kea_option_error(d, &dhcp_packet::optdata::OptionDataError::NoValue),
                        ));
                    }
                    bytes.extend_from_slice(data.trim().as_bytes());
                }
                Some(d) => {
                    encode_option_data(d, Universe::V4, data, csv, &mut bytes)
                        .map_err(|err| verr(e, kea_option_error(d, &err)))?;
                }
                None if !csv => {
                    bytes = packet_parse_hex(data).map_err(|err| verr(e, err.to_string()))?;
                }
                None => {
                    return Err(verr(
                        e,
                        format!(
                            "definition for the option '{space}.' having code '{code}' does not exist"
                        ),
                    ));
                }
            }
            if space != "dhcp4" {
                if subs.iter().any(|(sp, c, _)| sp == space && *c == code) {
                    return Err(verr(
                        e,
                        format!(
                            "option data for option code {code} in space '{space}' specified more than once in this scope"
                        ),
                    ));
                }
                subs.push((space.to_string(), code, bytes));
                continue;
            }
            if items.iter().any(|o| o.code == code) {
                return Err(verr(
                    e,
                    format!(
                        "option data for option code {code} specified more than once in this scope"
                    ),
                ));
            }
            if let Some(d) = def
                && !d.encapsulate.is_empty()
            {
                encapsulating.push((items.len(), d.encapsulate.to_string()));
            }
            items.push(CfgOption {
                code,
                data: bytes,
                always_send: opt_bool(m, "always-send")?.unwrap_or(false),
                never_send: opt_bool(m, "never-send")?.unwrap_or(false),
            });
        }
        for (idx, space) in encapsulating {
            for (sp, c, v) in &subs {
                if *sp == space {
                    // Sub-option TLV; long values split as RFC 3396 would for top level.
                    for chunk in v.chunks(255) {
                        items[idx].data.push(*c);
                        items[idx].data.push(chunk.len() as u8);
                        items[idx].data.extend_from_slice(chunk);
                    }
                    if v.is_empty() {
                        items[idx].data.extend_from_slice(&[*c, 0]);
                    }
                }
            }
        }
        Ok(OptionSet { items })
    }
}

/// Hex data as Kea accepts it.
pub fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    packet_parse_hex(s).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str) -> Result<OptionSet, ConfigError> {
        let e = kea_config::parse_str(text, "t").unwrap();
        OptionSet::parse(e.as_list().unwrap(), &OptionDefs::default())
    }

    #[test]
    fn standard_options() {
        let s = set(r#"[{"name": "routers", "data": "192.0.2.1, 192.0.2.2"},
                        {"name": "domain-name", "data": "example.org"},
                        {"code": 26, "data": "1500"},
                        {"name": "domain-search", "data": "a.org, b.net"},
                        {"code": 150, "data": "C0 00 02 01", "csv-format": false, "always-send": true}]"#).unwrap();
        assert_eq!(s.get(3).unwrap().data, vec![192, 0, 2, 1, 192, 0, 2, 2]);
        assert_eq!(s.get(15).unwrap().data, b"example.org".to_vec());
        assert_eq!(s.get(26).unwrap().data, vec![5, 220]);
        assert_eq!(
            s.get(119).unwrap().data,
            b"\x01a\x03org\x00\x01b\x03net\x00".to_vec()
        );
        assert_eq!(s.get(150).unwrap().data, vec![0xc0, 0, 2, 1]);
        assert!(s.get(150).unwrap().always_send);
    }

    #[test]
    fn errors() {
        assert!(set(r#"[{"name": "no-such-option", "data": "1"}]"#).is_err());
        assert!(set(r#"[{"name": "routers", "data": "300.1.1.1"}]"#).is_err());
        assert!(set(r#"[{"name": "interface-mtu", "data": "70000"}]"#).is_err());
        assert!(set(r#"[{"code": 222, "data": "1"}]"#).is_err());
        assert!(set(r#"[{"code": 3, "data": "zz", "csv-format": false}]"#).is_err());
        assert!(set(r#"[{"name": "routers", "code": 6, "data": "1.2.3.4"}]"#).is_err());
        assert!(
            set(r#"[{"name": "routers", "data": "1.2.3.4"}, {"code": 3, "data": "1.2.3.5"}]"#)
                .is_err()
        );
    }

    #[test]
    fn custom_defs() {
        let d = kea_config::parse_str(r#"[{"name": "foo", "code": 222, "type": "record", "record-types": "uint8, ipv4-address"}]"#, "t").unwrap();
        let defs = OptionDefs::parse(d.as_list().unwrap()).unwrap();
        let o = kea_config::parse_str(r#"[{"name": "foo", "data": "7, 10.0.0.1"}]"#, "t").unwrap();
        let s = OptionSet::parse(o.as_list().unwrap(), &defs).unwrap();
        assert_eq!(s.get(222).unwrap().data, vec![7, 10, 0, 0, 1]);
        let bad =
            kea_config::parse_str(r#"[{"name": "x", "code": 3, "type": "uint8"}]"#, "t").unwrap();
        assert!(OptionDefs::parse(bad.as_list().unwrap()).is_err());
    }
}

#[cfg(test)]
mod encapsulation_tests {
    use super::*;

    #[test]
    fn vendor_encapsulated_sub_options() {
        let d = kea_config::parse_str(
            r#"[{"name": "pxe-server", "code": 1, "space": "vendor-encapsulated-options-space", "type": "ipv4-address"},
                {"name": "pxe-name", "code": 2, "space": "vendor-encapsulated-options-space", "type": "string"}]"#,
            "t",
        )
        .unwrap();
        let defs = OptionDefs::parse(d.as_list().unwrap()).unwrap();
        let o = kea_config::parse_str(
            r#"[{"name": "vendor-encapsulated-options"},
                {"name": "pxe-server", "space": "vendor-encapsulated-options-space", "data": "192.0.2.9"},
                {"code": 2, "space": "vendor-encapsulated-options-space", "data": "boot"}]"#,
            "t",
        )
        .unwrap();
        let s = OptionSet::parse(o.as_list().unwrap(), &defs).unwrap();
        assert_eq!(
            s.get(43).unwrap().data,
            vec![1, 4, 192, 0, 2, 9, 2, 4, b'b', b'o', b'o', b't']
        );
        assert!(s.items.iter().all(|o| o.code == 43));
        let bad = kea_config::parse_str(
            r#"[{"name": "nope", "space": "some-space", "data": "1"}]"#,
            "t",
        )
        .unwrap();
        assert!(OptionSet::parse(bad.as_list().unwrap(), &defs).is_err());
    }
}
