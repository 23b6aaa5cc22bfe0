//! Configuration fragments that commands carry on their own (`subnet4-add`,
//! `reservation-add`, `class-add`, ...), checked with the same keyword tables as whole
//! configurations (Kea's sub-parsers `SUB_SUBNET4`, `SUB_RESERVATION`, ...).

use crate::element::Element;
use crate::error::{ConfigError, Warning};
use crate::load::Loaded;
use crate::schema::{self, Ctx, keywords};

/// A fragment kind: which keyword table applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fragment {
    /// One `subnet4` entry.
    Subnet4,
    /// One v4 `shared-networks` entry.
    SharedNetwork4,
    /// One v4 `pools` entry.
    Pool4,
    /// One v4 `reservations` entry.
    Reservation4,
    /// One v4 `client-classes` entry.
    ClientClass4,
    /// One v4 `option-def` entry.
    OptionDef4,
    /// One v4 `option-data` entry.
    OptionData4,
    /// v4 `interfaces-config`.
    Interfaces4,
    /// v4 `dhcp-ddns`.
    DhcpDdns4,
    /// One `subnet6` entry.
    Subnet6,
    /// One v6 `shared-networks` entry.
    SharedNetwork6,
    /// One v6 `pools` entry.
    Pool6,
    /// One `pd-pools` entry.
    PdPool,
    /// One v6 `reservations` entry.
    Reservation6,
    /// One v6 `client-classes` entry.
    ClientClass6,
    /// One v6 `option-def` entry.
    OptionDef6,
    /// One v6 `option-data` entry.
    OptionData6,
    /// v6 `interfaces-config`.
    Interfaces6,
    /// v6 `dhcp-ddns`.
    DhcpDdns6,
    /// One `hooks-libraries` entry.
    HooksLibrary,
    /// `config-control`.
    ConfigControl,
    /// One `loggers` entry.
    Logger,
}

impl Fragment {
    fn ctx(self) -> &'static Ctx {
        use Fragment::*;
        match self {
            Subnet4 => &keywords::SUBNET4,
            SharedNetwork4 => &keywords::SHARED_NETWORK4,
            Pool4 => &keywords::POOL4,
            Reservation4 => &keywords::RESERVATION4,
            ClientClass4 => &keywords::CLIENT_CLASS4,
            OptionDef4 => &keywords::OPTION_DEF4,
            OptionData4 => &keywords::OPTION_DATA4,
            Interfaces4 => &keywords::INTERFACES4,
            DhcpDdns4 => &keywords::DHCP_DDNS4,
            Subnet6 => &keywords::SUBNET6,
            SharedNetwork6 => &keywords::SHARED_NETWORK6,
            Pool6 => &keywords::POOL6,
            PdPool => &keywords::PD_POOL,
            Reservation6 => &keywords::RESERVATION6,
            ClientClass6 => &keywords::CLIENT_CLASS6,
            OptionDef6 => &keywords::OPTION_DEF6,
            OptionData6 => &keywords::OPTION_DATA6,
            Interfaces6 => &keywords::INTERFACES6,
            DhcpDdns6 => &keywords::DHCP_DDNS6,
            HooksLibrary => &keywords::HOOKS_LIBRARY,
            ConfigControl => &keywords::CONFIG_CONTROL,
            Logger => &keywords::LOGGER,
        }
    }

    /// Checks the fragment (a map) and returns its normalized copy plus warnings:
    /// unknown keywords, wrong types and bad values are errors with positions.
    pub fn validate(self, el: &Element) -> Result<Loaded<Element>, ConfigError> {
        let mut warnings: Vec<Warning> = Vec::new();
        let mut copy = el.clone();
        schema::validate_map(&mut copy, self.ctx(), &mut warnings)?;
        Ok(Loaded {
            config: copy,
            warnings,
        })
    }

    /// The (validated) fragment with the defaults `config-get` shows for it.
    pub fn unparse(self, normalized: &Element) -> Element {
        let mut copy = normalized.clone();
        schema::fill_defaults(&mut copy, self.ctx());
        copy
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::parse_str;

    #[test]
    fn subnet_fragment() {
        let e = parse_str(r#"{ "id": 5, "subnet": "10.0.0.0/8", "comment": "x", "pools": [ { "pool": "10.0.0.1 - 10.0.0.9" } ] }"#, "<string>").unwrap();
        let v = Fragment::Subnet4.validate(&e).unwrap().config;
        assert!(v.get("comment").is_none());
        let out = Fragment::Subnet4.unparse(&v);
        assert_eq!(out.get("4o6-subnet").unwrap().as_str().unwrap(), "");
        let pool = &out.get("pools").unwrap().as_list().unwrap()[0];
        assert_eq!(
            pool.get("pool").unwrap().as_str().unwrap(),
            "10.0.0.1-10.0.0.9"
        );
        let bad = parse_str(
            r#"{ "id": 5, "subnet": "10.0.0.0/8", "nope": 1 }"#,
            "<string>",
        )
        .unwrap();
        assert_eq!(
            Fragment::Subnet4.validate(&bad).unwrap_err().command_text(),
            "got unexpected keyword \"nope\" in subnet4 map. (<string>:1:36)"
        );
        let v4_only = parse_str(
            r#"{ "id": 5, "subnet": "10.0.0.0/8", "match-client-id": true }"#,
            "<string>",
        )
        .unwrap();
        assert!(Fragment::Subnet4.validate(&v4_only).is_ok());
        assert!(
            Fragment::Subnet6.validate(&v4_only).is_err(),
            "v4-only keys are not v6 keys"
        );
    }
}
