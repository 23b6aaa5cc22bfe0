//! Typed reading of validated maps: every conversion still returns a positioned error
//! (validation already checked kinds and ranges, but nothing here may panic).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::element::{Element, Map, Position, Value};
use crate::error::ConfigError;

/// Conversion of one element into a typed value.
pub(crate) trait FromEl: Sized {
    fn from_el(e: &Element, key: &str) -> Result<Self, ConfigError>;
}

pub(crate) fn invalid(e: &Element, key: &str, what: &str) -> ConfigError {
    ConfigError::validation(
        Some(e.pos.clone()),
        format!("invalid value for '{key}': {what}"),
    )
}

impl FromEl for bool {
    fn from_el(e: &Element, _key: &str) -> Result<Self, ConfigError> {
        e.as_bool()
    }
}

macro_rules! int_from_el {
    ($($t:ty),*) => {$(
        impl FromEl for $t {
            fn from_el(e: &Element, key: &str) -> Result<Self, ConfigError> {
                let i = e.as_int()?;
                <$t>::try_from(i).map_err(|_| {
                    ConfigError::validation(
                        Some(e.pos.clone()),
                        format!("out of range value ({i}) specified for parameter '{key}'"),
                    )
                })
            }
        }
    )*};
}
int_from_el!(u8, u16, u32, u64, i64);

impl FromEl for f64 {
    fn from_el(e: &Element, _key: &str) -> Result<Self, ConfigError> {
        e.as_f64()
    }
}

impl FromEl for String {
    fn from_el(e: &Element, _key: &str) -> Result<Self, ConfigError> {
        e.as_str().map(str::to_string)
    }
}

impl FromEl for Vec<String> {
    fn from_el(e: &Element, _key: &str) -> Result<Self, ConfigError> {
        e.as_list()?
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect()
    }
}

impl FromEl for Ipv4Addr {
    fn from_el(e: &Element, key: &str) -> Result<Self, ConfigError> {
        let s = e.as_str()?;
        s.trim()
            .parse()
            .map_err(|_| invalid(e, key, &format!("'{s}' is not a valid IPv4 address")))
    }
}

impl FromEl for Ipv6Addr {
    fn from_el(e: &Element, key: &str) -> Result<Self, ConfigError> {
        let s = e.as_str()?;
        s.trim()
            .parse()
            .map_err(|_| invalid(e, key, &format!("'{s}' is not a valid IPv6 address")))
    }
}

impl FromEl for IpAddr {
    fn from_el(e: &Element, key: &str) -> Result<Self, ConfigError> {
        let s = e.as_str()?;
        s.trim()
            .parse()
            .map_err(|_| invalid(e, key, &format!("'{s}' is not a valid IP address")))
    }
}

impl FromEl for Element {
    fn from_el(e: &Element, _key: &str) -> Result<Self, ConfigError> {
        Ok(e.clone())
    }
}

/// Reads keys of one map with positioned errors.
pub(crate) struct Reader<'a> {
    pub map: &'a Map,
    pub pos: &'a Position,
    /// Context name for messages ("subnet4", ...).
    pub ctx: &'static str,
}

impl<'a> Reader<'a> {
    pub fn new(e: &'a Element, ctx: &'static str) -> Result<Self, ConfigError> {
        Ok(Reader {
            map: e.as_map()?,
            pos: &e.pos,
            ctx,
        })
    }

    pub fn get(&self, key: &str) -> Option<&'a Element> {
        self.map.get(key)
    }

    /// The typed value, `None` when absent. `null` counts as absent.
    pub fn opt<T: FromEl>(&self, key: &str) -> Result<Option<T>, ConfigError> {
        match self.map.get(key) {
            None => Ok(None),
            Some(e) if e.is_null() => Ok(None),
            Some(e) => T::from_el(e, key).map(Some),
        }
    }

    /// A string where "" means unset (config-get prints unset strings as "").
    pub fn opt_text(&self, key: &str) -> Result<Option<String>, ConfigError> {
        Ok(self.opt::<String>(key)?.filter(|s| !s.is_empty()))
    }

    /// An IPv4 address where 0.0.0.0 means unset (config-get prints unset as 0.0.0.0).
    pub fn opt_v4(&self, key: &str) -> Result<Option<Ipv4Addr>, ConfigError> {
        Ok(self.opt::<Ipv4Addr>(key)?.filter(|a| !a.is_unspecified()))
    }

    /// The typed value or `default`.
    pub fn or<T: FromEl>(&self, key: &str, default: T) -> Result<T, ConfigError> {
        Ok(self.opt(key)?.unwrap_or(default))
    }

    /// The typed value; absent is an error naming the map's position.
    pub fn req<T: FromEl>(&self, key: &str) -> Result<T, ConfigError> {
        self.opt(key)?.ok_or_else(|| self.missing(key))
    }

    pub fn missing(&self, key: &str) -> ConfigError {
        ConfigError::validation(
            Some(self.pos.clone()),
            format!("missing parameter '{key}' in {} map", self.ctx),
        )
    }

    /// A list of maps converted one by one (absent = empty).
    pub fn list<T>(
        &self,
        key: &str,
        mut f: impl FnMut(&'a Element) -> Result<T, ConfigError>,
    ) -> Result<Vec<T>, ConfigError> {
        match self.map.get(key) {
            None => Ok(Vec::new()),
            Some(e) => e.as_list()?.iter().map(&mut f).collect(),
        }
    }

    /// `user-context` as a map element, if present.
    pub fn user_context(&self) -> Option<Map> {
        match self.map.get("user-context").map(|e| &e.value) {
            Some(Value::Map(m)) => Some(m.clone()),
            _ => None,
        }
    }
}

/// Defines a Kea string enumeration with `as_str`, `Display` and `FromEl`.
macro_rules! kea_enum {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $var:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* #[doc = concat!("`", $text, "`")] $var),+ }

        impl $name {
            /// Every accepted spelling, in grammar order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            /// The keyword as written in the configuration.
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$var => $text),+ }
            }

            /// Parses the configuration keyword.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$var),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::model::read::FromEl for $name {
            fn from_el(e: &$crate::Element, key: &str) -> Result<Self, $crate::ConfigError> {
                let s = e.as_str()?;
                $name::parse(s).ok_or_else(|| {
                    let all: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                    $crate::ConfigError::validation(
                        Some(e.pos.clone()),
                        format!("invalid value '{s}' for '{key}', expecting {}", all.join(" or ")),
                    )
                })
            }
        }
    };
}
pub(crate) use kea_enum;

/// Defines a struct of inheritable parameters (all `Option`) with reading and merging.
macro_rules! inheritable {
    ($(#[$m:meta])* pub struct $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty = $key:literal,)+ }) => {
        $(#[$m])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name { $($(#[$fm])* #[doc = concat!("`", $key, "` (`None` = not set at this level)")] pub $field: Option<$ty>,)+ }

        impl $name {
            pub(crate) fn read(r: &$crate::model::read::Reader<'_>) -> Result<Self, $crate::ConfigError> {
                Ok($name { $($field: r.opt($key)?,)+ })
            }

            /// Values set here win; unset ones come from `parent` (subnet → network → global).
            pub fn inherit(&self, parent: &Self) -> Self {
                $name { $($field: self.$field.clone().or_else(|| parent.$field.clone()),)+ }
            }
        }
    };
}
pub(crate) use inheritable;

/// Parses a hex identifier (`01:02:0a`, `01 02 0a`, `01020a`, `0x01020a`) or a quoted
/// text identifier (`'text'`), the forms Kea accepts for host identifiers.
pub(crate) fn parse_identifier(s: &str) -> Option<Vec<u8>> {
    let t = s.trim();
    if t.len() >= 2 && t.starts_with('\'') && t.ends_with('\'') {
        let inner = &t[1..t.len() - 1];
        return if inner.is_empty() {
            None
        } else {
            Some(inner.as_bytes().to_vec())
        };
    }
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    let mut out = Vec::new();
    if t.contains([':', ' ', '-']) {
        for part in t.split([':', ' ', '-']) {
            match part.len() {
                1 | 2 => out.push(u8::from_str_radix(part, 16).ok()?),
                _ => return None,
            }
        }
    } else {
        if t.is_empty() || !t.len().is_multiple_of(2) {
            return None;
        }
        for i in (0..t.len()).step_by(2) {
            out.push(u8::from_str_radix(t.get(i..i + 2)?, 16).ok()?);
        }
    }
    if out.is_empty() { None } else { Some(out) }
}

#[cfg(test)]
mod tests {
    use super::parse_identifier;

    #[test]
    fn identifiers() {
        assert_eq!(parse_identifier("01:02:0a"), Some(vec![1, 2, 10]));
        assert_eq!(parse_identifier("1:2:a"), Some(vec![1, 2, 10]));
        assert_eq!(parse_identifier("01020a"), Some(vec![1, 2, 10]));
        assert_eq!(parse_identifier("0x01020a"), Some(vec![1, 2, 10]));
        assert_eq!(parse_identifier("'abc'"), Some(b"abc".to_vec()));
        assert_eq!(parse_identifier("xyz"), None);
        assert_eq!(parse_identifier("010"), None);
        assert_eq!(parse_identifier(""), None);
        assert_eq!(parse_identifier("01::02"), None);
    }
}
