//! Configured options (`option-data`, `option-def`) turned into wire bytes once, at
//! configuration time, so building a reply copies bytes and nothing else.
//!
//! The standard DHCPv4 option table here covers the options of RFC 2132 and later that Kea
//! defines in the `dhcp4` space with simple types (addresses, integers, strings, booleans,
//! FQDNs, binary, and records of those). dhcp-packet has no option-definition table yet;
//! this one is local until it does.

use std::net::Ipv4Addr;

use kea_config::{ConfigError, Element};

use crate::config::{get_map, opt_bool, opt_str, opt_u32, verr};

/// Data types of option fields (Kea's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Ipv4,
    U8,
    U16,
    U32,
    I8,
    I16,
    I32,
    Bool,
    String,
    Fqdn,
    Binary,
    Empty,
}

impl FieldType {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "ipv4-address" => FieldType::Ipv4,
            "uint8" => FieldType::U8,
            "uint16" => FieldType::U16,
            "uint32" => FieldType::U32,
            "int8" => FieldType::I8,
            "int16" => FieldType::I16,
            "int32" => FieldType::I32,
            "boolean" => FieldType::Bool,
            "string" => FieldType::String,
            "fqdn" => FieldType::Fqdn,
            "binary" => FieldType::Binary,
            "empty" => FieldType::Empty,
            _ => return None,
        })
    }
}

/// An option definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionDef {
    pub name: String,
    pub code: u8,
    pub space: String,
    /// One type, or several for a record.
    pub fields: Vec<FieldType>,
    pub array: bool,
}

use FieldType as F;

/// (name, code, type, array)
const STD4: &[(&str, u8, FieldType, bool)] = &[
    ("subnet-mask", 1, F::Ipv4, false),
    ("time-offset", 2, F::I32, false),
    ("routers", 3, F::Ipv4, true),
    ("time-servers", 4, F::Ipv4, true),
    ("name-servers", 5, F::Ipv4, true),
    ("domain-name-servers", 6, F::Ipv4, true),
    ("log-servers", 7, F::Ipv4, true),
    ("cookie-servers", 8, F::Ipv4, true),
    ("lpr-servers", 9, F::Ipv4, true),
    ("impress-servers", 10, F::Ipv4, true),
    ("resource-location-servers", 11, F::Ipv4, true),
    ("host-name", 12, F::String, false),
    ("boot-size", 13, F::U16, false),
    ("merit-dump", 14, F::String, false),
    ("domain-name", 15, F::String, false),
    ("swap-server", 16, F::Ipv4, false),
    ("root-path", 17, F::String, false),
    ("extensions-path", 18, F::String, false),
    ("ip-forwarding", 19, F::Bool, false),
    ("non-local-source-routing", 20, F::Bool, false),
    ("policy-filter", 21, F::Ipv4, true),
    ("max-dgram-reassembly", 22, F::U16, false),
    ("default-ip-ttl", 23, F::U8, false),
    ("path-mtu-aging-timeout", 24, F::U32, false),
    ("path-mtu-plateau-table", 25, F::U16, true),
    ("interface-mtu", 26, F::U16, false),
    ("all-subnets-local", 27, F::Bool, false),
    ("broadcast-address", 28, F::Ipv4, false),
    ("perform-mask-discovery", 29, F::Bool, false),
    ("mask-supplier", 30, F::Bool, false),
    ("router-discovery", 31, F::Bool, false),
    ("router-solicitation-address", 32, F::Ipv4, false),
    ("static-routes", 33, F::Ipv4, true),
    ("trailer-encapsulation", 34, F::Bool, false),
    ("arp-cache-timeout", 35, F::U32, false),
    ("ieee802-3-encapsulation", 36, F::Bool, false),
    ("default-tcp-ttl", 37, F::U8, false),
    ("tcp-keepalive-interval", 38, F::U32, false),
    ("tcp-keepalive-garbage", 39, F::Bool, false),
    ("nis-domain", 40, F::String, false),
    ("nis-servers", 41, F::Ipv4, true),
    ("ntp-servers", 42, F::Ipv4, true),
    ("vendor-encapsulated-options", 43, F::Binary, false),
    ("netbios-name-servers", 44, F::Ipv4, true),
    ("netbios-dd-server", 45, F::Ipv4, true),
    ("netbios-node-type", 46, F::U8, false),
    ("netbios-scope", 47, F::String, false),
    ("font-servers", 48, F::Ipv4, true),
    ("x-display-manager", 49, F::Ipv4, true),
    ("dhcp-requested-address", 50, F::Ipv4, false),
    ("dhcp-lease-time", 51, F::U32, false),
    ("dhcp-option-overload", 52, F::U8, false),
    ("dhcp-message-type", 53, F::U8, false),
    ("dhcp-server-identifier", 54, F::Ipv4, false),
    ("dhcp-parameter-request-list", 55, F::U8, true),
    ("dhcp-message", 56, F::String, false),
    ("dhcp-max-message-size", 57, F::U16, false),
    ("dhcp-renewal-time", 58, F::U32, false),
    ("dhcp-rebinding-time", 59, F::U32, false),
    ("vendor-class-identifier", 60, F::String, false),
    ("dhcp-client-identifier", 61, F::Binary, false),
    ("nwip-domain-name", 62, F::String, false),
    ("nwip-suboptions", 63, F::Binary, false),
    ("nisplus-domain-name", 64, F::String, false),
    ("nisplus-servers", 65, F::Ipv4, true),
    ("tftp-server-name", 66, F::String, false),
    ("boot-file-name", 67, F::String, false),
    ("mobile-ip-home-agent", 68, F::Ipv4, true),
    ("smtp-server", 69, F::Ipv4, true),
    ("pop-server", 70, F::Ipv4, true),
    ("nntp-server", 71, F::Ipv4, true),
    ("www-server", 72, F::Ipv4, true),
    ("finger-server", 73, F::Ipv4, true),
    ("irc-server", 74, F::Ipv4, true),
    ("streettalk-server", 75, F::Ipv4, true),
    ("streettalk-directory-assistance-server", 76, F::Ipv4, true),
    ("user-class", 77, F::Binary, false),
    ("nds-servers", 85, F::Ipv4, true),
    ("nds-tree-name", 86, F::String, false),
    ("nds-context", 87, F::String, false),
    ("bcms-controller-names", 88, F::Fqdn, true),
    ("bcms-controller-address", 89, F::Ipv4, true),
    ("authenticate", 90, F::Binary, false),
    ("client-last-transaction-time", 91, F::U32, false),
    ("associated-ip", 92, F::Ipv4, true),
    ("client-system", 93, F::U16, true),
    ("uap-servers", 98, F::String, false),
    ("geoconf-civic", 99, F::Binary, false),
    ("pcode", 100, F::String, false),
    ("tcode", 101, F::String, false),
    ("v6-only-preferred", 108, F::U32, false),
    ("netinfo-server-address", 112, F::Ipv4, true),
    ("netinfo-server-tag", 113, F::String, false),
    ("v4-captive-portal", 114, F::String, false),
    ("auto-config", 116, F::U8, false),
    ("name-service-search", 117, F::U16, true),
    ("subnet-selection", 118, F::Ipv4, false),
    ("domain-search", 119, F::Fqdn, true),
    ("pana-agent", 136, F::Ipv4, true),
    ("v4-lost", 137, F::Fqdn, false),
    ("capwap-ac-v4", 138, F::Ipv4, true),
    ("sip-ua-cs-domains", 141, F::Fqdn, true),
    ("v4-access-domain", 213, F::Fqdn, false),
];

/// Records (name, code, fields).
const STD4_RECORDS: &[(&str, u8, &[FieldType])] = &[
    ("client-ndi", 94, &[F::U8, F::U8, F::U8]),
    ("uuid-guid", 97, &[F::U8, F::Binary]),
];

/// Option definitions: standard ones plus `option-def` entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptionDefs {
    custom: Vec<OptionDef>,
}

fn std_def(name: Option<&str>, code: Option<u8>) -> Option<OptionDef> {
    for &(n, c, t, array) in STD4 {
        if name.is_some_and(|x| x == n) || (name.is_none() && code == Some(c)) {
            return Some(OptionDef {
                name: n.into(),
                code: c,
                space: "dhcp4".into(),
                fields: vec![t],
                array,
            });
        }
    }
    for &(n, c, fields) in STD4_RECORDS {
        if name.is_some_and(|x| x == n) || (name.is_none() && code == Some(c)) {
            return Some(OptionDef {
                name: n.into(),
                code: c,
                space: "dhcp4".into(),
                fields: fields.to_vec(),
                array: false,
            });
        }
    }
    None
}

impl OptionDefs {
    /// Parses `option-def`.
    pub fn parse(list: &[Element]) -> Result<Self, ConfigError> {
        let mut custom: Vec<OptionDef> = Vec::new();
        for e in list {
            let m = get_map(e, "option-def entry")?;
            let name = opt_str(m, "name")?.ok_or_else(|| verr(e, "missing parameter 'name'"))?;
            let code = opt_u32(m, "code")?.ok_or_else(|| verr(e, "missing parameter 'code'"))?;
            let space = opt_str(m, "space")?.unwrap_or("dhcp4");
            let code = u8::try_from(code)
                .ok()
                .filter(|c| *c != 0 && *c != 255)
                .ok_or_else(|| {
                    verr(
                        e,
                        format!("invalid option code '{code}': must be between 1 and 254"),
                    )
                })?;
            let ty = opt_str(m, "type")?.ok_or_else(|| verr(e, "missing parameter 'type'"))?;
            let fields =
                if ty == "record" {
                    let rt = opt_str(m, "record-types")?.unwrap_or("");
                    rt.split(',')
                        .map(|t| FieldType::parse(t.trim()))
                        .collect::<Option<Vec<_>>>()
                        .filter(|v| !v.is_empty())
                        .ok_or_else(|| verr(e, format!("invalid record-types '{rt}'")))?
                } else {
                    vec![FieldType::parse(ty).ok_or_else(|| {
                        verr(e, format!("option data type '{ty}' is not supported"))
                    })?]
                };
            if space == "dhcp4" && std_def(None, Some(code)).is_some() {
                return Err(verr(
                    e,
                    format!(
                        "unable to override definition of option '{code}' in standard option space 'dhcp4'"
                    ),
                ));
            }
            if custom
                .iter()
                .any(|d| d.space == space && (d.code == code || d.name == name))
            {
                return Err(verr(
                    e,
                    format!(
                        "option definition with code '{code}' already exists in option space '{space}'"
                    ),
                ));
            }
            custom.push(OptionDef {
                name: name.into(),
                code,
                space: space.into(),
                fields,
                array: opt_bool(m, "array")?.unwrap_or(false),
            });
        }
        Ok(OptionDefs { custom })
    }

    /// Looks up by name or code in `space`.
    pub fn find(&self, space: &str, name: Option<&str>, code: Option<u8>) -> Option<OptionDef> {
        if let Some(d) = self.custom.iter().find(|d| {
            d.space == space
                && (name.is_some_and(|n| n == d.name) || (name.is_none() && code == Some(d.code)))
        }) {
            return Some(d.clone());
        }
        if space == "dhcp4" {
            std_def(name, code)
        } else {
            None
        }
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

impl OptionSet {
    pub fn get(&self, code: u8) -> Option<&CfgOption> {
        self.items.iter().find(|o| o.code == code)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Parses an `option-data` list.
    pub fn parse(list: &[Element], defs: &OptionDefs) -> Result<Self, ConfigError> {
        let mut items: Vec<CfgOption> = Vec::new();
        for e in list {
            let m = get_map(e, "option-data entry")?;
            let name = opt_str(m, "name")?;
            let code = opt_u32(m, "code")?;
            let space = opt_str(m, "space")?.unwrap_or("dhcp4");
            if space != "dhcp4" {
                return Err(verr(
                    e,
                    format!("options in space '{space}' are not supported by this server yet"),
                ));
            }
            let code8 = match code {
                Some(c) => Some(
                    u8::try_from(c)
                        .ok()
                        .filter(|c| *c != 0 && *c != 255)
                        .ok_or_else(|| {
                            verr(
                                e,
                                format!(
                                    "option code must not be zero or greater than 254, got {c}"
                                ),
                            )
                        })?,
                ),
                None => None,
            };
            if name.is_none() && code8.is_none() {
                return Err(verr(
                    e,
                    "option data configuration must contain a name or a code",
                ));
            }
            let def = defs.find(space, name, code8);
            if let (Some(n), None) = (name, &def) {
                return Err(verr(
                    e,
                    format!("definition for the option '{space}.{n}' does not exist"),
                ));
            }
            if let (Some(d), Some(c)) = (&def, code8)
                && d.code != c
            {
                return Err(verr(
                    e,
                    format!("option '{}' has code {}, not {c}", d.name, d.code),
                ));
            }
            let code = def.as_ref().map(|d| d.code).or(code8).unwrap_or(0);
            let data = opt_str(m, "data")?.unwrap_or("");
            let csv = opt_bool(m, "csv-format")?.unwrap_or(true);
            let bytes = match (&def, csv) {
                (_, false) => parse_hex(data).map_err(|msg| verr(e, msg))?,
                (Some(d), true) => encode_csv(d, data).map_err(|msg| {
                    verr(
                        e,
                        format!(
                            "option data does not match option definition '{}': {msg}",
                            d.name
                        ),
                    )
                })?,
                (None, true) => {
                    return Err(verr(
                        e,
                        format!(
                            "definition for the option '{space}.' having code '{code}' does not exist"
                        ),
                    ));
                }
            };
            let opt = CfgOption {
                code,
                data: bytes,
                always_send: opt_bool(m, "always-send")?.unwrap_or(false),
                never_send: opt_bool(m, "never-send")?.unwrap_or(false),
            };
            if items.iter().any(|o| o.code == code) {
                return Err(verr(
                    e,
                    format!(
                        "option data for option code {code} specified more than once in this scope"
                    ),
                ));
            }
            items.push(opt);
        }
        Ok(OptionSet { items })
    }
}

/// Hex data as Kea accepts it: optional `0x`, `:` or space separators, odd length padded.
pub fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    let t = s.trim();
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    let mut out = Vec::new();
    for part in t.split([':', ' ']).filter(|p| !p.is_empty()) {
        let owned;
        let part = if part.len() % 2 == 1 {
            owned = format!("0{part}");
            owned.as_str()
        } else {
            part
        };
        for i in (0..part.len()).step_by(2) {
            out.push(u8::from_str_radix(&part[i..i + 2], 16).map_err(|_| {
                format!("option data is not a valid string of hexadecimal digits: {s}")
            })?);
        }
    }
    Ok(out)
}

fn parse_int<T: TryFrom<i128>>(v: &str, what: &str) -> Result<T, String> {
    let v = v.trim();
    let n: i128 = if let Some(h) = v.strip_prefix("0x") {
        i128::from_str_radix(h, 16).map_err(|_| format!("'{v}' is not a valid {what}"))?
    } else {
        v.parse()
            .map_err(|_| format!("'{v}' is not a valid {what}"))?
    };
    T::try_from(n).map_err(|_| format!("{v} is out of range for {what}"))
}

fn encode_field(t: FieldType, v: &str, out: &mut Vec<u8>) -> Result<(), String> {
    let v = v.trim();
    match t {
        F::Ipv4 => {
            let a: Ipv4Addr = v
                .parse()
                .map_err(|_| format!("'{v}' is not a valid IPv4 address"))?;
            out.extend_from_slice(&a.octets());
        }
        F::U8 => out.push(parse_int::<u8>(v, "uint8")?),
        F::U16 => out.extend_from_slice(&parse_int::<u16>(v, "uint16")?.to_be_bytes()),
        F::U32 => out.extend_from_slice(&parse_int::<u32>(v, "uint32")?.to_be_bytes()),
        F::I8 => out.extend_from_slice(&parse_int::<i8>(v, "int8")?.to_be_bytes()),
        F::I16 => out.extend_from_slice(&parse_int::<i16>(v, "int16")?.to_be_bytes()),
        F::I32 => out.extend_from_slice(&parse_int::<i32>(v, "int32")?.to_be_bytes()),
        F::Bool => out.push(match v {
            "true" | "1" => 1,
            "false" | "0" => 0,
            _ => return Err(format!("'{v}' is not a valid boolean")),
        }),
        F::String => {
            if v.is_empty() {
                return Err("string option data must not be empty".into());
            }
            out.extend_from_slice(v.as_bytes());
        }
        F::Fqdn => dhcp_packet::name::encode_name(v, true, out)
            .map_err(|e| format!("'{v}' is not a valid FQDN: {e}"))?,
        F::Binary => out.extend(parse_hex(v)?),
        F::Empty => {}
    }
    Ok(())
}

/// Encodes comma-separated text per the definition.
pub fn encode_csv(d: &OptionDef, data: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    if d.fields == [F::Empty] {
        return Ok(out);
    }
    if d.fields.len() == 1 && matches!(d.fields[0], F::String | F::Binary) && !d.array {
        // Strings keep their commas; binary is one hex blob.
        encode_field(d.fields[0], data, &mut out)?;
        return Ok(out);
    }
    let parts: Vec<&str> = if data.trim().is_empty() {
        Vec::new()
    } else {
        data.split(',').collect()
    };
    if d.fields.len() == 1 {
        if parts.is_empty() {
            return Err("no data given".into());
        }
        if !d.array && parts.len() > 1 {
            return Err(format!(
                "{} values given for a single-value option",
                parts.len()
            ));
        }
        for p in parts {
            encode_field(d.fields[0], p, &mut out)?;
        }
        return Ok(out);
    }
    if parts.len() < d.fields.len() {
        return Err(format!(
            "record needs {} fields, got {}",
            d.fields.len(),
            parts.len()
        ));
    }
    for (i, p) in parts.iter().enumerate() {
        let t = d
            .fields
            .get(i)
            .copied()
            .unwrap_or(d.fields[d.fields.len() - 1]);
        encode_field(t, p, &mut out)?;
    }
    Ok(out)
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
        assert!(set(r#"[{"name": "subnet-mask", "data": "255.0.0.0, 255.0.0.0"}]"#).is_err());
        assert!(set(r#"[{"name": "routers", "code": 6, "data": "1.2.3.4"}]"#).is_err());
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
