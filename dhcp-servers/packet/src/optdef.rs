//! Option definitions: Kea's standard DHCPv4/DHCPv6 tables (names, codes, types as in
//! the Kea ARM) and custom definitions from the `option-def` configuration.
//!
//! Lookups go through [`OptionDefs`], which holds the custom definitions of one server
//! and falls back to the standard tables.

use std::borrow::Cow;
use std::fmt;

use thiserror::Error;

/// DHCPv4 or DHCPv6; decides tuple length size and which standard tables apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Universe {
    /// DHCPv4 (kea-dhcp4).
    V4,
    /// DHCPv6 (kea-dhcp6).
    V6,
}

impl Universe {
    /// The top-level option space name: "dhcp4" or "dhcp6".
    pub fn top_space(self) -> &'static str {
        match self {
            Universe::V4 => "dhcp4",
            Universe::V6 => "dhcp6",
        }
    }
}

/// An option data field type, named as in Kea's `option-def` `type`/`record-types`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataType {
    /// No data (container for sub-options).
    Empty,
    /// Opaque bytes.
    Binary,
    /// One byte, 0 or 1.
    Boolean,
    /// Signed 8-bit.
    Int8,
    /// Signed 16-bit.
    Int16,
    /// Signed 32-bit.
    Int32,
    /// Unsigned 8-bit.
    Uint8,
    /// Unsigned 16-bit.
    Uint16,
    /// Unsigned 32-bit.
    Uint32,
    /// IPv4 address.
    Ipv4Address,
    /// IPv6 address.
    Ipv6Address,
    /// Prefix length byte and the significant prefix bytes.
    Ipv6Prefix,
    /// PSID length byte and 16-bit left-aligned PSID (RFC 7597).
    Psid,
    /// Text.
    String,
    /// Domain name in wire format.
    Fqdn,
    /// Length-prefixed string (8-bit length in DHCPv4, 16-bit in DHCPv6).
    Tuple,
    /// A record of fields (see `record_types`).
    Record,
    /// Handled by the server itself (e.g. classless static routes).
    Internal,
}

impl DataType {
    /// Kea's name for the type.
    pub fn kea_name(self) -> &'static str {
        use DataType::*;
        match self {
            Empty => "empty",
            Binary => "binary",
            Boolean => "boolean",
            Int8 => "int8",
            Int16 => "int16",
            Int32 => "int32",
            Uint8 => "uint8",
            Uint16 => "uint16",
            Uint32 => "uint32",
            Ipv4Address => "ipv4-address",
            Ipv6Address => "ipv6-address",
            Ipv6Prefix => "ipv6-prefix",
            Psid => "psid",
            String => "string",
            Fqdn => "fqdn",
            Tuple => "tuple",
            Record => "record",
            Internal => "internal",
        }
    }

    /// Parses Kea's type name.
    pub fn from_kea_name(name: &str) -> Option<Self> {
        use DataType::*;
        Some(match name {
            "empty" => Empty,
            "binary" => Binary,
            "boolean" => Boolean,
            "int8" => Int8,
            "int16" => Int16,
            "int32" => Int32,
            "uint8" => Uint8,
            "uint16" => Uint16,
            "uint32" => Uint32,
            "ipv4-address" => Ipv4Address,
            "ipv6-address" => Ipv6Address,
            "ipv6-prefix" => Ipv6Prefix,
            "psid" => Psid,
            "string" => String,
            "fqdn" => Fqdn,
            "tuple" => Tuple,
            "record" => Record,
            "internal" => Internal,
            _ => return None,
        })
    }

    /// Wire size for fixed-size types.
    pub fn fixed_size(self) -> Option<usize> {
        use DataType::*;
        match self {
            Boolean | Int8 | Uint8 => Some(1),
            Int16 | Uint16 => Some(2),
            Int32 | Uint32 | Ipv4Address => Some(4),
            Ipv6Address => Some(16),
            Psid => Some(3),
            Empty => Some(0),
            _ => None,
        }
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kea_name())
    }
}

/// The fields of one `option-def` configuration entry, as written in the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionDefConfig<'a> {
    /// `name`.
    pub name: &'a str,
    /// `code` (checked against the universe's range).
    pub code: i64,
    /// `space` (Kea's default is "dhcp4"/"dhcp6").
    pub space: &'a str,
    /// `type`, e.g. "uint8" or "record".
    pub type_name: &'a str,
    /// `record-types`, comma separated, e.g. "uint8, ipv4-address" ("" when absent).
    pub record_types: &'a str,
    /// `array`.
    pub array: bool,
    /// `encapsulate` ("" when absent).
    pub encapsulate: &'a str,
}

/// One option definition (standard or from `option-def`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionDef {
    /// Option name, e.g. "domain-name-servers".
    pub name: Cow<'static, str>,
    /// Option code.
    pub code: u16,
    /// Option space the option lives in, e.g. "dhcp4".
    pub space: Cow<'static, str>,
    /// Data type.
    pub data_type: DataType,
    /// Field types when `data_type` is `Record`, otherwise empty.
    pub record_types: Cow<'static, [DataType]>,
    /// Array of `data_type` (for records: the last field repeats).
    pub array: bool,
    /// Option space of the sub-options this option carries ("" when none).
    pub encapsulate: Cow<'static, str>,
}

use DataType::{
    Binary, Boolean, Empty, Fqdn, Int32, Internal, Ipv4Address, Ipv6Address, Ipv6Prefix, Psid,
    Record, Tuple, Uint8, Uint16, Uint32,
};
/// `DataType::String`, named so it does not shadow `std::string::String` here.
const STR: DataType = DataType::String;

const fn d(
    space: &'static str,
    name: &'static str,
    code: u16,
    data_type: DataType,
    array: bool,
    record: &'static [DataType],
    encapsulate: &'static str,
) -> OptionDef {
    OptionDef {
        name: Cow::Borrowed(name),
        code,
        space: Cow::Borrowed(space),
        data_type,
        record_types: Cow::Borrowed(record),
        array,
        encapsulate: Cow::Borrowed(encapsulate),
    }
}

const V4: &str = "dhcp4";
const V6: &str = "dhcp6";
const NR: &[DataType] = &[];

/// Kea's standard DHCPv4 option definitions (space "dhcp4"), by ascending code.
pub static STD_V4: &[OptionDef] = &[
    d(V4, "subnet-mask", 1, Ipv4Address, false, NR, ""),
    d(V4, "time-offset", 2, Int32, false, NR, ""),
    d(V4, "routers", 3, Ipv4Address, true, NR, ""),
    d(V4, "time-servers", 4, Ipv4Address, true, NR, ""),
    d(V4, "name-servers", 5, Ipv4Address, true, NR, ""),
    d(V4, "domain-name-servers", 6, Ipv4Address, true, NR, ""),
    d(V4, "log-servers", 7, Ipv4Address, true, NR, ""),
    d(V4, "cookie-servers", 8, Ipv4Address, true, NR, ""),
    d(V4, "lpr-servers", 9, Ipv4Address, true, NR, ""),
    d(V4, "impress-servers", 10, Ipv4Address, true, NR, ""),
    d(
        V4,
        "resource-location-servers",
        11,
        Ipv4Address,
        true,
        NR,
        "",
    ),
    d(V4, "host-name", 12, STR, false, NR, ""),
    d(V4, "boot-size", 13, Uint16, false, NR, ""),
    d(V4, "merit-dump", 14, STR, false, NR, ""),
    d(V4, "domain-name", 15, Fqdn, false, NR, ""),
    d(V4, "swap-server", 16, Ipv4Address, false, NR, ""),
    d(V4, "root-path", 17, STR, false, NR, ""),
    d(V4, "extensions-path", 18, STR, false, NR, ""),
    d(V4, "ip-forwarding", 19, Boolean, false, NR, ""),
    d(V4, "non-local-source-routing", 20, Boolean, false, NR, ""),
    d(V4, "policy-filter", 21, Ipv4Address, true, NR, ""),
    d(V4, "max-dgram-reassembly", 22, Uint16, false, NR, ""),
    d(V4, "default-ip-ttl", 23, Uint8, false, NR, ""),
    d(V4, "path-mtu-aging-timeout", 24, Uint32, false, NR, ""),
    d(V4, "path-mtu-plateau-table", 25, Uint16, true, NR, ""),
    d(V4, "interface-mtu", 26, Uint16, false, NR, ""),
    d(V4, "all-subnets-local", 27, Boolean, false, NR, ""),
    d(V4, "broadcast-address", 28, Ipv4Address, false, NR, ""),
    d(V4, "perform-mask-discovery", 29, Boolean, false, NR, ""),
    d(V4, "mask-supplier", 30, Boolean, false, NR, ""),
    d(V4, "router-discovery", 31, Boolean, false, NR, ""),
    d(
        V4,
        "router-solicitation-address",
        32,
        Ipv4Address,
        false,
        NR,
        "",
    ),
    d(V4, "static-routes", 33, Ipv4Address, true, NR, ""),
    d(V4, "trailer-encapsulation", 34, Boolean, false, NR, ""),
    d(V4, "arp-cache-timeout", 35, Uint32, false, NR, ""),
    d(V4, "ieee802-3-encapsulation", 36, Boolean, false, NR, ""),
    d(V4, "default-tcp-ttl", 37, Uint8, false, NR, ""),
    d(V4, "tcp-keepalive-interval", 38, Uint32, false, NR, ""),
    d(V4, "tcp-keepalive-garbage", 39, Boolean, false, NR, ""),
    d(V4, "nis-domain", 40, STR, false, NR, ""),
    d(V4, "nis-servers", 41, Ipv4Address, true, NR, ""),
    d(V4, "ntp-servers", 42, Ipv4Address, true, NR, ""),
    d(
        V4,
        "vendor-encapsulated-options",
        43,
        Empty,
        false,
        NR,
        "vendor-encapsulated-options-space",
    ),
    d(V4, "netbios-name-servers", 44, Ipv4Address, true, NR, ""),
    d(V4, "netbios-dd-server", 45, Ipv4Address, true, NR, ""),
    d(V4, "netbios-node-type", 46, Uint8, false, NR, ""),
    d(V4, "netbios-scope", 47, STR, false, NR, ""),
    d(V4, "font-servers", 48, Ipv4Address, true, NR, ""),
    d(V4, "x-display-manager", 49, Ipv4Address, true, NR, ""),
    d(V4, "dhcp-requested-address", 50, Ipv4Address, false, NR, ""),
    d(V4, "dhcp-lease-time", 51, Uint32, false, NR, ""),
    d(V4, "dhcp-option-overload", 52, Uint8, false, NR, ""),
    d(V4, "dhcp-message-type", 53, Uint8, false, NR, ""),
    d(V4, "dhcp-server-identifier", 54, Ipv4Address, false, NR, ""),
    d(V4, "dhcp-parameter-request-list", 55, Uint8, true, NR, ""),
    d(V4, "dhcp-message", 56, STR, false, NR, ""),
    d(V4, "dhcp-max-message-size", 57, Uint16, false, NR, ""),
    d(V4, "dhcp-renewal-time", 58, Uint32, false, NR, ""),
    d(V4, "dhcp-rebinding-time", 59, Uint32, false, NR, ""),
    d(V4, "vendor-class-identifier", 60, STR, false, NR, ""),
    d(V4, "dhcp-client-identifier", 61, Binary, false, NR, ""),
    d(V4, "nwip-domain-name", 62, STR, false, NR, ""),
    d(V4, "nwip-suboptions", 63, Binary, false, NR, ""),
    d(V4, "nisplus-domain-name", 64, STR, false, NR, ""),
    d(V4, "nisplus-servers", 65, Ipv4Address, true, NR, ""),
    d(V4, "tftp-server-name", 66, STR, false, NR, ""),
    d(V4, "boot-file-name", 67, STR, false, NR, ""),
    d(V4, "mobile-ip-home-agent", 68, Ipv4Address, true, NR, ""),
    d(V4, "smtp-server", 69, Ipv4Address, true, NR, ""),
    d(V4, "pop-server", 70, Ipv4Address, true, NR, ""),
    d(V4, "nntp-server", 71, Ipv4Address, true, NR, ""),
    d(V4, "www-server", 72, Ipv4Address, true, NR, ""),
    d(V4, "finger-server", 73, Ipv4Address, true, NR, ""),
    d(V4, "irc-server", 74, Ipv4Address, true, NR, ""),
    d(V4, "streettalk-server", 75, Ipv4Address, true, NR, ""),
    d(
        V4,
        "streettalk-directory-assistance-server",
        76,
        Ipv4Address,
        true,
        NR,
        "",
    ),
    d(V4, "user-class", 77, Binary, false, NR, ""),
    d(
        V4,
        "slp-directory-agent",
        78,
        Record,
        true,
        &[Boolean, Ipv4Address],
        "",
    ),
    d(
        V4,
        "slp-service-scope",
        79,
        Record,
        false,
        &[Boolean, STR],
        "",
    ),
    d(
        V4,
        "fqdn",
        81,
        Record,
        false,
        &[Uint8, Uint8, Uint8, Fqdn],
        "",
    ),
    d(
        V4,
        "dhcp-agent-options",
        82,
        Empty,
        false,
        NR,
        "dhcp-agent-options-space",
    ),
    d(V4, "nds-servers", 85, Ipv4Address, true, NR, ""),
    d(V4, "nds-tree-name", 86, STR, false, NR, ""),
    d(V4, "nds-context", 87, STR, false, NR, ""),
    d(V4, "bcms-controller-names", 88, Fqdn, true, NR, ""),
    d(V4, "bcms-controller-address", 89, Ipv4Address, true, NR, ""),
    d(V4, "authenticate", 90, Binary, false, NR, ""),
    d(
        V4,
        "client-last-transaction-time",
        91,
        Uint32,
        false,
        NR,
        "",
    ),
    d(V4, "associated-ip", 92, Ipv4Address, true, NR, ""),
    d(V4, "client-system", 93, Uint16, true, NR, ""),
    d(
        V4,
        "client-ndi",
        94,
        Record,
        false,
        &[Uint8, Uint8, Uint8],
        "",
    ),
    d(V4, "uuid-guid", 97, Record, false, &[Uint8, Binary], ""),
    d(V4, "uap-servers", 98, STR, false, NR, ""),
    d(V4, "geoconf-civic", 99, Binary, false, NR, ""),
    d(V4, "pcode", 100, STR, false, NR, ""),
    d(V4, "tcode", 101, STR, false, NR, ""),
    d(V4, "v6-only-preferred", 108, Uint32, false, NR, ""),
    d(V4, "netinfo-server-address", 112, Ipv4Address, true, NR, ""),
    d(V4, "netinfo-server-tag", 113, STR, false, NR, ""),
    d(V4, "v4-captive-portal", 114, STR, false, NR, ""),
    d(V4, "auto-config", 116, Uint8, false, NR, ""),
    d(V4, "name-service-search", 117, Uint16, true, NR, ""),
    d(V4, "subnet-selection", 118, Ipv4Address, false, NR, ""),
    d(V4, "domain-search", 119, Fqdn, true, NR, ""),
    d(V4, "classless-static-route", 121, Internal, false, NR, ""),
    d(
        V4,
        "cablelabs-client-conf",
        122,
        Empty,
        false,
        NR,
        "cablelabs-client-conf",
    ),
    d(
        V4,
        "vivco-suboptions",
        124,
        Record,
        false,
        &[Uint32, Binary],
        "",
    ),
    d(V4, "vivso-suboptions", 125, Uint32, false, NR, ""),
    d(V4, "pana-agent", 136, Ipv4Address, true, NR, ""),
    d(V4, "v4-lost", 137, Fqdn, false, NR, ""),
    d(V4, "capwap-ac-v4", 138, Ipv4Address, true, NR, ""),
    d(V4, "sip-ua-cs-domains", 141, Fqdn, true, NR, ""),
    d(V4, "v4-sztp-redirect", 143, Tuple, true, NR, ""),
    d(
        V4,
        "rdnss-selection",
        146,
        Record,
        true,
        &[Uint8, Ipv4Address, Ipv4Address, Fqdn],
        "",
    ),
    d(V4, "status-code", 151, Record, false, &[Uint8, STR], ""),
    d(V4, "base-time", 152, Uint32, false, NR, ""),
    d(V4, "start-time-of-state", 153, Uint32, false, NR, ""),
    d(V4, "query-start-time", 154, Uint32, false, NR, ""),
    d(V4, "query-end-time", 155, Uint32, false, NR, ""),
    d(V4, "dhcp-state", 156, Uint8, false, NR, ""),
    d(V4, "data-source", 157, Uint8, false, NR, ""),
    d(V4, "v4-portparams", 159, Record, false, &[Uint8, Psid], ""),
    d(
        V4,
        "v4-dnr",
        162,
        Record,
        false,
        &[Uint16, Uint16, Uint8, Fqdn, Binary],
        "",
    ),
    d(
        V4,
        "option-6rd",
        212,
        Record,
        true,
        &[Uint8, Uint8, Ipv6Address, Ipv4Address],
        "",
    ),
    d(V4, "v4-access-domain", 213, Fqdn, false, NR, ""),
];

const RAI: &str = "dhcp-agent-options-space";
const CL: &str = "cablelabs-client-conf";
const D4491: &str = "vendor-4491";

/// Standard DHCPv4 sub-option spaces: relay agent information (82), CableLabs client
/// configuration (122) and DOCSIS (vendor-4491).
pub static STD_V4_SUB: &[OptionDef] = &[
    d(RAI, "circuit-id", 1, Binary, false, NR, ""),
    d(RAI, "remote-id", 2, Binary, false, NR, ""),
    d(RAI, "link-selection", 5, Ipv4Address, false, NR, ""),
    d(RAI, "subscriber-id", 6, Binary, false, NR, ""),
    d(RAI, "server-id-override", 11, Ipv4Address, false, NR, ""),
    d(RAI, "relay-id", 12, Binary, false, NR, ""),
    d(RAI, "relay-port", 19, Uint16, false, NR, ""),
    d(CL, "tsp-primary-server", 1, Ipv4Address, false, NR, ""),
    d(CL, "tsp-secondary-server", 2, Ipv4Address, false, NR, ""),
    d(
        CL,
        "tsp-as-parameters",
        4,
        Record,
        false,
        &[Uint32, Uint32, Uint32],
        "",
    ),
    d(
        CL,
        "tsp-ap-parameters",
        5,
        Record,
        false,
        &[Uint32, Uint32, Uint32],
        "",
    ),
    d(CL, "tsp-realm", 6, Fqdn, false, NR, ""),
    d(CL, "tsp-use-tgt", 7, Boolean, false, NR, ""),
    d(CL, "tsp-provisioning-timer", 8, Uint8, false, NR, ""),
    d(CL, "tsp-sct", 9, Uint16, false, NR, ""),
    d(CL, "kdc-server", 10, Ipv4Address, true, NR, ""),
    d(D4491, "oro", 1, Uint8, true, NR, ""),
    d(D4491, "tftp-servers", 2, Ipv4Address, true, NR, ""),
];

/// Kea's standard DHCPv6 option definitions (space "dhcp6"), by ascending code.
pub static STD_V6: &[OptionDef] = &[
    d(V6, "clientid", 1, Binary, false, NR, ""),
    d(V6, "serverid", 2, Binary, false, NR, ""),
    d(
        V6,
        "ia-na",
        3,
        Record,
        false,
        &[Uint32, Uint32, Uint32],
        "dhcp6",
    ),
    d(V6, "ia-ta", 4, Uint32, false, NR, "dhcp6"),
    d(
        V6,
        "iaaddr",
        5,
        Record,
        false,
        &[Ipv6Address, Uint32, Uint32],
        "dhcp6",
    ),
    d(V6, "oro", 6, Uint16, true, NR, ""),
    d(V6, "preference", 7, Uint8, false, NR, ""),
    d(V6, "elapsed-time", 8, Uint16, false, NR, ""),
    d(V6, "relay-msg", 9, Binary, false, NR, ""),
    d(V6, "auth", 11, Binary, false, NR, ""),
    d(V6, "unicast", 12, Ipv6Address, false, NR, ""),
    d(V6, "status-code", 13, Record, false, &[Uint16, STR], ""),
    d(V6, "rapid-commit", 14, Empty, false, NR, ""),
    d(V6, "user-class", 15, Binary, false, NR, ""),
    d(V6, "vendor-class", 16, Record, false, &[Uint32, Binary], ""),
    d(
        V6,
        "vendor-opts",
        17,
        Uint32,
        false,
        NR,
        "vendor-opts-space",
    ),
    d(V6, "interface-id", 18, Binary, false, NR, ""),
    d(V6, "reconf-msg", 19, Uint8, false, NR, ""),
    d(V6, "reconf-accept", 20, Empty, false, NR, ""),
    d(V6, "sip-server-dns", 21, Fqdn, true, NR, ""),
    d(V6, "sip-server-addr", 22, Ipv6Address, true, NR, ""),
    d(V6, "dns-servers", 23, Ipv6Address, true, NR, ""),
    d(V6, "domain-search", 24, Fqdn, true, NR, ""),
    d(
        V6,
        "ia-pd",
        25,
        Record,
        false,
        &[Uint32, Uint32, Uint32],
        "dhcp6",
    ),
    d(
        V6,
        "iaprefix",
        26,
        Record,
        false,
        &[Uint32, Uint32, Uint8, Ipv6Address],
        "dhcp6",
    ),
    d(V6, "nis-servers", 27, Ipv6Address, true, NR, ""),
    d(V6, "nisp-servers", 28, Ipv6Address, true, NR, ""),
    d(V6, "nis-domain-name", 29, Fqdn, true, NR, ""),
    d(V6, "nisp-domain-name", 30, Fqdn, true, NR, ""),
    d(V6, "sntp-servers", 31, Ipv6Address, true, NR, ""),
    d(V6, "information-refresh-time", 32, Uint32, false, NR, ""),
    d(V6, "bcmcs-server-dns", 33, Fqdn, true, NR, ""),
    d(V6, "bcmcs-server-addr", 34, Ipv6Address, true, NR, ""),
    d(
        V6,
        "geoconf-civic",
        36,
        Record,
        false,
        &[Uint8, Uint16, Binary],
        "",
    ),
    d(V6, "remote-id", 37, Record, false, &[Uint32, Binary], ""),
    d(V6, "subscriber-id", 38, Binary, false, NR, ""),
    d(V6, "client-fqdn", 39, Record, false, &[Uint8, Fqdn], ""),
    d(V6, "pana-agent", 40, Ipv6Address, true, NR, ""),
    d(V6, "new-posix-timezone", 41, STR, false, NR, ""),
    d(V6, "new-tzdb-timezone", 42, STR, false, NR, ""),
    d(V6, "ero", 43, Uint16, true, NR, ""),
    d(
        V6,
        "lq-query",
        44,
        Record,
        false,
        &[Uint8, Ipv6Address],
        "dhcp6",
    ),
    d(V6, "client-data", 45, Empty, false, NR, "dhcp6"),
    d(V6, "clt-time", 46, Uint32, false, NR, ""),
    d(
        V6,
        "lq-relay-data",
        47,
        Record,
        false,
        &[Ipv6Address, Binary],
        "",
    ),
    d(V6, "lq-client-link", 48, Ipv6Address, true, NR, ""),
    d(V6, "v6-lost", 51, Fqdn, false, NR, ""),
    d(V6, "capwap-ac-v6", 52, Ipv6Address, true, NR, ""),
    d(V6, "relay-id", 53, Binary, false, NR, ""),
    d(
        V6,
        "ntp-server",
        56,
        Empty,
        false,
        NR,
        "v6-ntp-server-suboptions",
    ),
    d(V6, "v6-access-domain", 57, Fqdn, false, NR, ""),
    d(V6, "sip-ua-cs-list", 58, Fqdn, true, NR, ""),
    d(V6, "bootfile-url", 59, STR, false, NR, ""),
    d(V6, "bootfile-param", 60, Tuple, true, NR, ""),
    d(V6, "client-arch-type", 61, Uint16, true, NR, ""),
    d(V6, "nii", 62, Record, false, &[Uint8, Uint8, Uint8], ""),
    d(V6, "aftr-name", 64, Fqdn, false, NR, ""),
    d(V6, "erp-local-domain-name", 65, Fqdn, false, NR, ""),
    d(V6, "rsoo", 66, Empty, false, NR, "rsoo-opts"),
    // Kea's definition is ipv6-prefix (its ARM table shows "binary"): option-data takes
    // "2001:db8:1:1::/64", the wire carries the prefix length and the prefix bytes.
    d(V6, "pd-exclude", 67, Ipv6Prefix, false, NR, ""),
    d(
        V6,
        "rdnss-selection",
        74,
        Record,
        true,
        &[Ipv6Address, Uint8, Fqdn],
        "",
    ),
    d(V6, "client-linklayer-addr", 79, Binary, false, NR, ""),
    d(V6, "link-address", 80, Ipv6Address, false, NR, ""),
    d(V6, "solmax-rt", 82, Uint32, false, NR, ""),
    d(V6, "inf-max-rt", 83, Uint32, false, NR, ""),
    d(V6, "dhcpv4-message", 87, Binary, false, NR, ""),
    d(V6, "dhcp4o6-server-addr", 88, Ipv6Address, true, NR, ""),
    d(
        V6,
        "s46-cont-mape",
        94,
        Empty,
        false,
        NR,
        "s46-cont-mape-options",
    ),
    d(
        V6,
        "s46-cont-mapt",
        95,
        Empty,
        false,
        NR,
        "s46-cont-mapt-options",
    ),
    d(
        V6,
        "s46-cont-lw",
        96,
        Empty,
        false,
        NR,
        "s46-cont-lw-options",
    ),
    d(V6, "v6-captive-portal", 103, STR, false, NR, ""),
    d(V6, "relay-source-port", 135, Uint16, false, NR, ""),
    d(V6, "v6-sztp-redirect", 136, Tuple, true, NR, ""),
    d(V6, "ipv6-address-andsf", 143, Ipv6Address, true, NR, ""),
    d(
        V6,
        "v6-dnr",
        144,
        Record,
        false,
        &[Uint16, Uint16, Fqdn, Binary],
        "",
    ),
    d(V6, "addr-reg-enable", 148, Empty, false, NR, ""),
];

const MAPE: &str = "s46-cont-mape-options";
const MAPT: &str = "s46-cont-mapt-options";
const LW: &str = "s46-cont-lw-options";
const RULE: &str = "s46-rule-options";
const BIND: &str = "s46-v4v6bind-options";
const NTP: &str = "v6-ntp-server-suboptions";
const D2495: &str = "vendor-2495";
const S46_RULE: &[DataType] = &[Uint8, Uint8, Uint8, Ipv4Address, Ipv6Prefix];
const S46_BIND: &[DataType] = &[Ipv4Address, Ipv6Prefix];
const S46_PORT: &[DataType] = &[Uint8, Psid];

/// Standard DHCPv6 sub-option spaces: softwire46 containers, NTP server, DOCSIS
/// (vendor-4491) and ISC (vendor-2495).
pub static STD_V6_SUB: &[OptionDef] = &[
    d(MAPE, "s46-rule", 89, Record, false, S46_RULE, RULE),
    d(MAPE, "s46-br", 90, Ipv6Address, false, NR, ""),
    d(MAPE, "s46-portparams", 93, Record, false, S46_PORT, ""),
    d(MAPT, "s46-rule", 89, Record, false, S46_RULE, RULE),
    d(MAPT, "s46-dmr", 91, Ipv6Prefix, false, NR, ""),
    d(LW, "s46-br", 90, Ipv6Address, false, NR, ""),
    d(LW, "s46-v4v6bind", 92, Record, false, S46_BIND, BIND),
    d(RULE, "s46-portparams", 93, Record, false, S46_PORT, ""),
    d(BIND, "s46-portparams", 93, Record, false, S46_PORT, ""),
    d(NTP, "ntp-server-address", 1, Ipv6Address, false, NR, ""),
    d(NTP, "ntp-server-multicast", 2, Ipv6Address, false, NR, ""),
    d(NTP, "ntp-server-fqdn", 3, Fqdn, false, NR, ""),
    d(D4491, "oro", 1, Uint16, true, NR, ""),
    d(D4491, "device-type", 2, STR, false, NR, ""),
    d(D4491, "vendor-type", 10, STR, false, NR, ""),
    d(D4491, "tftp-servers", 32, Ipv6Address, true, NR, ""),
    d(D4491, "config-file", 33, STR, false, NR, ""),
    d(D4491, "syslog-servers", 34, Ipv6Address, true, NR, ""),
    d(D4491, "device-id", 36, Binary, false, NR, ""),
    d(D4491, "time-servers", 37, Ipv6Address, true, NR, ""),
    d(D4491, "time-offset", 38, Int32, false, NR, ""),
    d(D2495, "4o6-interface", 60000, STR, false, NR, ""),
    d(
        D2495,
        "4o6-source-address",
        60001,
        Ipv6Address,
        false,
        NR,
        "",
    ),
    d(D2495, "4o6-source-port", 60002, Uint16, false, NR, ""),
];

fn std_tables(u: Universe) -> [&'static [OptionDef]; 2] {
    match u {
        Universe::V4 => [STD_V4, STD_V4_SUB],
        Universe::V6 => [STD_V6, STD_V6_SUB],
    }
}

/// The standard definition of `name` in `space`.
pub fn std_def_by_name(u: Universe, space: &str, name: &str) -> Option<&'static OptionDef> {
    std_tables(u)
        .into_iter()
        .flatten()
        .find(|d| d.name == name && d.space == space)
}

/// The standard definition of `code` in `space`.
pub fn std_def_by_code(u: Universe, space: &str, code: u16) -> Option<&'static OptionDef> {
    std_tables(u)
        .into_iter()
        .flatten()
        .find(|d| d.code == code && d.space == space)
}

/// Why an `option-def` entry was rejected (wording as `kea-dhcp4 -t` prints it).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OptionDefError {
    /// Name empty or with characters other than letters, digits, '-' and '_'.
    #[error("invalid option name '{0}'")]
    BadName(String),
    /// Space name empty or with invalid characters.
    #[error("invalid option space name '{0}'")]
    BadSpace(String),
    /// Unknown type or record-types entry.
    #[error("invalid option data type '{0}'")]
    BadType(String),
    /// Code out of range for the universe.
    #[error("invalid option code '{code}', it must not be greater than '{max}'")]
    BadCode {
        /// The code.
        code: i64,
        /// Largest allowed code.
        max: u16,
    },
    /// Code 0 (PAD / reserved) or 255 in DHCPv4 (END).
    #[error("invalid option code '{code}': {what}")]
    ReservedCode {
        /// The code.
        code: u16,
        /// Kea's reason: "reserved for PAD", "reserved for END", "reserved value".
        what: &'static str,
    },
    /// Record with fewer than two fields.
    #[error(
        "invalid number of data fields: {0} specified for the option of type 'record'. Expected at least 2 fields."
    )]
    RecordTooShort(usize),
    /// record-types given for a type other than record.
    #[error(
        "invalid record type values specified for the option definition: 'record' option type must be used instead of '{0}' to add data fields to the record"
    )]
    NotARecord(DataType),
    /// A record field of a type that cannot be a field (record, empty, internal).
    #[error(
        "invalid record type values specified for the option definition: attempted to add invalid data type '{0}' to the record."
    )]
    BadField(DataType),
    /// A string or binary field that is not the last field of a record.
    #[error("{0} data field can't be laid before data fields of other types.")]
    VariableFieldNotLast(&'static str),
    /// Array of a type that cannot be an array.
    #[error("array of {0} is not a valid option definition.")]
    BadArray(&'static str),
    /// Redefinition of a standard option (by code or name) in the top-level space.
    #[error(
        "unable to override definition of option '{option}' in standard option space '{space}'"
    )]
    StandardOption {
        /// The code or name that clashes, as Kea prints it.
        option: String,
        /// Option space.
        space: String,
    },
    /// Same name twice in one space.
    #[error("option definition with name '{name}' already exists in option space '{space}'")]
    DuplicateName {
        /// Option name.
        name: String,
        /// Option space.
        space: String,
    },
    /// Same code twice in one space.
    #[error("option definition with code '{code}' already exists in option space '{space}'")]
    DuplicateCode {
        /// Option code.
        code: u16,
        /// Option space.
        space: String,
    },
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl OptionDef {
    /// Builds and validates a custom definition from the fields of an `option-def`
    /// entry.
    pub fn from_config(u: Universe, c: &OptionDefConfig<'_>) -> Result<OptionDef, OptionDefError> {
        let OptionDefConfig {
            name,
            code,
            space,
            type_name,
            record_types,
            array,
            encapsulate,
        } = *c;
        if !valid_name(name) {
            return Err(OptionDefError::BadName(name.to_owned()));
        }
        if !valid_name(space) {
            return Err(OptionDefError::BadSpace(space.to_owned()));
        }
        if !encapsulate.is_empty() && !valid_name(encapsulate) {
            return Err(OptionDefError::BadSpace(encapsulate.to_owned()));
        }
        let max: u16 = match u {
            Universe::V4 => 255,
            Universe::V6 => 65535,
        };
        if code < 0 || code > i64::from(max) {
            return Err(OptionDefError::BadCode { code, max });
        }
        let code = code as u16;
        let reserved = match (u, code) {
            (Universe::V4, 0) => Some("reserved for PAD"),
            (Universe::V4, 255) => Some("reserved for END"),
            (Universe::V6, 0) => Some("reserved value"),
            _ => None,
        };
        if let Some(what) = reserved {
            return Err(OptionDefError::ReservedCode { code, what });
        }
        let data_type = DataType::from_kea_name(type_name)
            .ok_or_else(|| OptionDefError::BadType(type_name.to_owned()))?;
        let mut fields = Vec::new();
        for t in record_types
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let f =
                DataType::from_kea_name(t).ok_or_else(|| OptionDefError::BadType(t.to_owned()))?;
            if matches!(f, Record | Empty | Internal) {
                return Err(OptionDefError::BadField(f));
            }
            fields.push(f);
        }
        if data_type == Record {
            if fields.len() < 2 {
                return Err(OptionDefError::RecordTooShort(fields.len()));
            }
            // Variable-size fields without their own length must come last.
            for f in &fields[..fields.len() - 1] {
                match f {
                    DataType::String => return Err(OptionDefError::VariableFieldNotLast("string")),
                    Binary => return Err(OptionDefError::VariableFieldNotLast("binary")),
                    _ => {}
                }
            }
        } else if !fields.is_empty() {
            return Err(OptionDefError::NotARecord(data_type));
        }
        let array_of = if data_type == Record {
            fields.last().copied().unwrap_or(Record)
        } else {
            data_type
        };
        if array {
            match array_of {
                DataType::String => return Err(OptionDefError::BadArray("strings")),
                Binary => return Err(OptionDefError::BadArray("binary values")),
                Empty => return Err(OptionDefError::BadArray("empty value")),
                Internal => return Err(OptionDefError::BadArray("internal values")),
                _ => {}
            }
        }
        Ok(OptionDef {
            name: Cow::Owned(name.to_owned()),
            code,
            space: Cow::Owned(space.to_owned()),
            data_type,
            record_types: Cow::Owned(fields),
            array,
            encapsulate: Cow::Owned(encapsulate.to_owned()),
        })
    }

    /// Kea's text for the record field list, e.g. "uint8, ipv4-address".
    pub fn record_types_text(&self) -> String {
        self.record_types
            .iter()
            .map(|t| t.kea_name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The option definitions one server uses: custom (`option-def`) first, then standard.
#[derive(Debug, Clone)]
pub struct OptionDefs {
    universe: Universe,
    custom: Vec<OptionDef>,
}

impl OptionDefs {
    /// Only the standard definitions.
    pub fn new(universe: Universe) -> Self {
        OptionDefs {
            universe,
            custom: Vec::new(),
        }
    }

    /// The universe these definitions are for.
    pub fn universe(&self) -> Universe {
        self.universe
    }

    /// Adds a custom definition. Rejects redefining a standard option of the top-level
    /// space, and duplicate names or codes within a space.
    pub fn add(&mut self, def: OptionDef) -> Result<(), OptionDefError> {
        let top = self.universe.top_space();
        if def.space == top {
            let clash = if std_def_by_code(self.universe, top, def.code).is_some() {
                Some(def.code.to_string())
            } else if std_def_by_name(self.universe, top, &def.name).is_some() {
                Some(def.name.to_string())
            } else {
                None
            };
            if let Some(option) = clash {
                return Err(OptionDefError::StandardOption {
                    option,
                    space: def.space.into_owned(),
                });
            }
        }
        let same_space = || self.custom.iter().filter(|d| d.space == def.space);
        if same_space().any(|d| d.name == def.name) {
            return Err(OptionDefError::DuplicateName {
                name: def.name.into_owned(),
                space: def.space.into_owned(),
            });
        }
        if same_space().any(|d| d.code == def.code) {
            return Err(OptionDefError::DuplicateCode {
                code: def.code,
                space: def.space.into_owned(),
            });
        }
        self.custom.push(def);
        Ok(())
    }

    /// The custom definitions, in the order added.
    pub fn custom(&self) -> &[OptionDef] {
        &self.custom
    }

    /// Looks up `name` in `space`: custom definitions first, then standard ones.
    pub fn by_name(&self, space: &str, name: &str) -> Option<&OptionDef> {
        self.custom
            .iter()
            .find(|d| d.name == name && d.space == space)
            .or_else(|| std_def_by_name(self.universe, space, name))
    }

    /// Looks up `code` in `space`: custom definitions first, then standard ones.
    pub fn by_code(&self, space: &str, code: u16) -> Option<&OptionDef> {
        self.custom
            .iter()
            .find(|d| d.code == code && d.space == space)
            .or_else(|| std_def_by_code(self.universe, space, code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_tables_are_sorted_and_unique() {
        for table in [STD_V4, STD_V6] {
            for w in table.windows(2) {
                assert!(w[0].code < w[1].code, "{} before {}", w[0].name, w[1].name);
            }
            for def in table {
                assert_eq!(
                    table.iter().filter(|d| d.name == def.name).count(),
                    1,
                    "{}",
                    def.name
                );
                assert_eq!(
                    def.record_types.is_empty(),
                    def.data_type != Record,
                    "{}",
                    def.name
                );
            }
        }
        for table in [STD_V4_SUB, STD_V6_SUB] {
            for def in table {
                let same = table
                    .iter()
                    .filter(|d| d.space == def.space && (d.code == def.code || d.name == def.name));
                assert_eq!(same.count(), 1, "{}.{}", def.space, def.name);
            }
        }
    }

    #[test]
    fn lookups() {
        let defs = OptionDefs::new(Universe::V4);
        let dns = defs.by_name("dhcp4", "domain-name-servers").unwrap();
        assert_eq!((dns.code, dns.data_type, dns.array), (6, Ipv4Address, true));
        assert_eq!(
            defs.by_code("dhcp4", 82).unwrap().encapsulate,
            "dhcp-agent-options-space"
        );
        assert_eq!(
            defs.by_code("dhcp-agent-options-space", 5).unwrap().name,
            "link-selection"
        );
        assert!(defs.by_name("dhcp6", "dns-servers").is_none());
        let defs6 = OptionDefs::new(Universe::V6);
        assert_eq!(defs6.by_name("dhcp6", "dns-servers").unwrap().code, 23);
        assert_eq!(
            defs6.by_code("s46-cont-mapt-options", 91).unwrap().name,
            "s46-dmr"
        );
    }

    fn cfg<'a>(
        name: &'a str,
        code: i64,
        type_name: &'a str,
        record_types: &'a str,
        array: bool,
    ) -> OptionDefConfig<'a> {
        OptionDefConfig {
            name,
            code,
            space: "dhcp4",
            type_name,
            record_types,
            array,
            encapsulate: "",
        }
    }

    #[test]
    fn custom_definitions() {
        let mut defs = OptionDefs::new(Universe::V4);
        let foo = OptionDef::from_config(
            Universe::V4,
            &cfg("foo", 222, "record", "uint8, ipv4-address", true),
        )
        .unwrap();
        assert_eq!(foo.record_types_text(), "uint8, ipv4-address");
        defs.add(foo.clone()).unwrap();
        assert_eq!(defs.by_code("dhcp4", 222), Some(&foo));
        assert_eq!(defs.by_name("dhcp4", "foo"), Some(&foo));
        let e = defs.add(foo).unwrap_err();
        assert_eq!(
            e.to_string(),
            "option definition with name 'foo' already exists in option space 'dhcp4'"
        );
        let bar =
            OptionDef::from_config(Universe::V4, &cfg("bar", 222, "uint8", "", false)).unwrap();
        let e = defs.add(bar).unwrap_err();
        assert_eq!(
            e.to_string(),
            "option definition with code '222' already exists in option space 'dhcp4'"
        );
        let std = OptionDef::from_config(
            Universe::V4,
            &cfg("my-routers", 3, "ipv4-address", "", true),
        )
        .unwrap();
        assert_eq!(
            defs.add(std).unwrap_err().to_string(),
            "unable to override definition of option '3' in standard option space 'dhcp4'"
        );
        let std =
            OptionDef::from_config(Universe::V4, &cfg("routers", 223, "uint8", "", false)).unwrap();
        assert_eq!(
            defs.add(std).unwrap_err().to_string(),
            "unable to override definition of option 'routers' in standard option space 'dhcp4'"
        );
        // A code that is standard in dhcp4 is fine in another space.
        let mut sub = cfg("bar", 3, "string", "", false);
        sub.space = "vendor-1234";
        defs.add(OptionDef::from_config(Universe::V4, &sub).unwrap())
            .unwrap();
        assert_eq!(
            defs.by_code("vendor-1234", 3).map(|d| d.name.as_ref()),
            Some("bar")
        );
    }

    #[test]
    fn option_def_errors_use_kea_wording() {
        let e = |c: OptionDefConfig<'_>| {
            OptionDef::from_config(Universe::V4, &c)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            e(cfg("foo bar", 222, "uint8", "", false)),
            "invalid option name 'foo bar'"
        );
        assert_eq!(
            e(cfg("foo", 256, "uint8", "", false)),
            "invalid option code '256', it must not be greater than '255'"
        );
        assert_eq!(
            e(cfg("foo", 0, "uint8", "", false)),
            "invalid option code '0': reserved for PAD"
        );
        assert_eq!(
            e(cfg("foo", 255, "uint8", "", false)),
            "invalid option code '255': reserved for END"
        );
        assert_eq!(
            e(cfg("foo", 222, "uint9", "", false)),
            "invalid option data type 'uint9'"
        );
        assert_eq!(
            e(cfg("foo", 222, "record", "", false)),
            "invalid number of data fields: 0 specified for the option of type 'record'. Expected at least 2 fields."
        );
        assert!(e(cfg("foo", 222, "record", "uint8", false)).contains("1 specified"));
        assert_eq!(
            e(cfg("foo", 222, "string", "", true)),
            "array of strings is not a valid option definition."
        );
        assert_eq!(
            e(cfg("foo", 222, "binary", "", true)),
            "array of binary values is not a valid option definition."
        );
        assert_eq!(
            e(cfg("foo", 222, "empty", "", true)),
            "array of empty value is not a valid option definition."
        );
        assert_eq!(
            e(cfg("foo", 222, "record", "uint8, string", true)),
            "array of strings is not a valid option definition."
        );
        assert_eq!(
            e(cfg("foo", 222, "uint8", "uint8", false)),
            "invalid record type values specified for the option definition: 'record' option type must be used instead of 'uint8' to add data fields to the record"
        );
        assert_eq!(
            e(cfg("foo", 222, "record", "uint8, record", false)),
            "invalid record type values specified for the option definition: attempted to add invalid data type 'record' to the record."
        );
        assert_eq!(
            e(cfg("foo", 222, "record", "uint8, string, uint8", false)),
            "string data field can't be laid before data fields of other types."
        );
        assert_eq!(
            e(cfg("foo", 222, "record", "binary, uint8", false)),
            "binary data field can't be laid before data fields of other types."
        );
        let mut v6 = cfg("foo", 0, "uint8", "", false);
        v6.space = "dhcp6";
        assert_eq!(
            OptionDef::from_config(Universe::V6, &v6)
                .unwrap_err()
                .to_string(),
            "invalid option code '0': reserved value"
        );
        v6.code = 65536;
        assert!(
            OptionDef::from_config(Universe::V6, &v6)
                .unwrap_err()
                .to_string()
                .contains("'65535'")
        );
        v6.code = 60000;
        assert!(OptionDef::from_config(Universe::V6, &v6).is_ok());
    }
}
