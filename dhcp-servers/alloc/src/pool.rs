//! Pools: address ranges and prefix delegation pools.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::AllocError;

/// A DHCPv4 address pool `first - last` (inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pool4 {
    first: u32,
    last: u32,
}

impl Pool4 {
    /// A pool of the addresses from `first` to `last`; fails when `first > last`.
    pub fn new(first: Ipv4Addr, last: Ipv4Addr) -> Result<Pool4, AllocError> {
        let (f, l) = (u32::from(first), u32::from(last));
        if f > l {
            return Err(AllocError::InvalidPool(format!(
                "{first} - {last}: first address after last"
            )));
        }
        Ok(Pool4 { first: f, last: l })
    }

    /// A pool from a prefix (`192.0.2.0/24` style, all addresses included, as Kea).
    pub fn from_prefix(prefix: Ipv4Addr, len: u8) -> Result<Pool4, AllocError> {
        if len > 32 {
            return Err(AllocError::InvalidPool(format!(
                "{prefix}/{len}: prefix length over 32"
            )));
        }
        let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
        let first = u32::from(prefix) & mask;
        Ok(Pool4 {
            first,
            last: first | !mask,
        })
    }

    /// First address.
    pub fn first(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.first)
    }
    /// Last address.
    pub fn last(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.last)
    }
    /// Number of addresses.
    pub fn capacity(&self) -> u64 {
        (self.last - self.first) as u64 + 1
    }
    /// True when `a` is in the pool.
    pub fn contains(&self, a: Ipv4Addr) -> bool {
        (self.first..=self.last).contains(&u32::from(a))
    }

    pub(crate) fn range(&self) -> Range {
        Range {
            base: self.first as u128,
            count: self.capacity() as u128,
            shift: 0,
        }
    }
}

/// A DHCPv6 address pool `first - last` (inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pool6 {
    first: u128,
    last: u128,
}

impl Pool6 {
    /// A pool of the addresses from `first` to `last`; fails when `first > last`.
    pub fn new(first: Ipv6Addr, last: Ipv6Addr) -> Result<Pool6, AllocError> {
        let (f, l) = (u128::from(first), u128::from(last));
        if f > l {
            return Err(AllocError::InvalidPool(format!(
                "{first} - {last}: first address after last"
            )));
        }
        Ok(Pool6 { first: f, last: l })
    }

    /// A pool from a prefix (`2001:db8::/64` style).
    pub fn from_prefix(prefix: Ipv6Addr, len: u8) -> Result<Pool6, AllocError> {
        if len > 128 {
            return Err(AllocError::InvalidPool(format!(
                "{prefix}/{len}: prefix length over 128"
            )));
        }
        let mask = if len == 0 {
            0
        } else {
            u128::MAX << (128 - len)
        };
        let first = u128::from(prefix) & mask;
        Ok(Pool6 {
            first,
            last: first | !mask,
        })
    }

    /// First address.
    pub fn first(&self) -> Ipv6Addr {
        Ipv6Addr::from(self.first)
    }
    /// Last address.
    pub fn last(&self) -> Ipv6Addr {
        Ipv6Addr::from(self.last)
    }
    /// Number of addresses (saturates at `u128::MAX` for `::/0`).
    pub fn capacity(&self) -> u128 {
        (self.last - self.first).saturating_add(1)
    }
    /// True when `a` is in the pool.
    pub fn contains(&self, a: Ipv6Addr) -> bool {
        (self.first..=self.last).contains(&u128::from(a))
    }

    pub(crate) fn range(&self) -> Range {
        Range {
            base: self.first,
            count: self.capacity(),
            shift: 0,
        }
    }
}

/// A prefix delegation pool: `prefix/prefix_len` split into `/delegated_len` prefixes, with
/// an optional excluded prefix (RFC 6603) sent with each delegated prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PdPool {
    prefix: u128,
    prefix_len: u8,
    delegated_len: u8,
    excluded: Option<(Ipv6Addr, u8)>,
}

impl PdPool {
    /// Validate as Kea does: `prefix_len <= delegated_len <= 128`, host bits of the prefix
    /// zero, and an excluded prefix longer than `delegated_len` inside the pool prefix.
    pub fn new(
        prefix: Ipv6Addr,
        prefix_len: u8,
        delegated_len: u8,
        excluded: Option<(Ipv6Addr, u8)>,
    ) -> Result<PdPool, AllocError> {
        let bad = |m: String| {
            Err(AllocError::InvalidPool(format!(
                "pd-pool {prefix}/{prefix_len}: {m}"
            )))
        };
        if prefix_len > 128 || delegated_len > 128 {
            return bad("prefix length over 128".into());
        }
        if delegated_len < prefix_len {
            return bad(format!(
                "delegated length {delegated_len} shorter than the prefix length"
            ));
        }
        let p = u128::from(prefix);
        if p & !mask(prefix_len) != 0 {
            return bad("bits set after the prefix length".into());
        }
        if let Some((ex, ex_len)) = excluded {
            if ex_len <= delegated_len || ex_len > 128 {
                return bad(format!(
                    "excluded prefix length {ex_len} must be over {delegated_len} and at most 128"
                ));
            }
            if u128::from(ex) & mask(prefix_len) != p {
                return bad(format!("excluded prefix {ex}/{ex_len} is outside the pool"));
            }
        }
        Ok(PdPool {
            prefix: p,
            prefix_len,
            delegated_len,
            excluded,
        })
    }

    /// Pool prefix.
    pub fn prefix(&self) -> Ipv6Addr {
        Ipv6Addr::from(self.prefix)
    }
    /// Pool prefix length.
    pub fn prefix_len(&self) -> u8 {
        self.prefix_len
    }
    /// Length of each delegated prefix.
    pub fn delegated_len(&self) -> u8 {
        self.delegated_len
    }
    /// The excluded prefix, if configured.
    pub fn excluded(&self) -> Option<(Ipv6Addr, u8)> {
        self.excluded
    }
    /// Number of delegated prefixes (saturates for absurd sizes).
    pub fn capacity(&self) -> u128 {
        let bits = (self.delegated_len - self.prefix_len) as u32;
        if bits >= 128 {
            u128::MAX
        } else {
            1u128 << bits
        }
    }
    /// True when `p` is one of this pool's delegated prefixes' addresses.
    pub fn contains(&self, p: Ipv6Addr) -> bool {
        u128::from(p) & mask(self.prefix_len) == self.prefix
    }

    pub(crate) fn range(&self) -> Range {
        Range {
            base: self.prefix,
            count: self.capacity(),
            shift: 128 - self.delegated_len as u32,
        }
    }
}

fn mask(len: u8) -> u128 {
    if len == 0 {
        0
    } else {
        u128::MAX << (128 - len as u32)
    }
}

/// Candidates of one pool: index `i` in `0..count` is the value `base + (i << shift)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Range {
    pub base: u128,
    pub count: u128,
    pub shift: u32,
}

impl Range {
    pub(crate) fn value(&self, i: u128) -> u128 {
        self.base
            + if self.shift >= 128 {
                0
            } else {
                i << self.shift
            }
    }

    /// Index of `v` in this range, if it is one of its candidates.
    pub(crate) fn index_of(&self, v: u128) -> Option<u128> {
        let off = v.checked_sub(self.base)?;
        let i = if self.shift >= 128 {
            0
        } else {
            off >> self.shift
        };
        if i < self.count && self.value(i) == v {
            Some(i)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools() {
        let p = Pool4::new("10.0.0.5".parse().unwrap(), "10.0.0.9".parse().unwrap()).unwrap();
        assert_eq!(p.capacity(), 5);
        assert!(Pool4::new("10.0.0.9".parse().unwrap(), "10.0.0.5".parse().unwrap()).is_err());
        let p = Pool4::from_prefix("10.0.1.77".parse().unwrap(), 24).unwrap();
        assert_eq!(p.first(), "10.0.1.0".parse::<Ipv4Addr>().unwrap());
        assert_eq!(p.capacity(), 256);
        let p6 = Pool6::from_prefix("2001:db8::".parse().unwrap(), 120).unwrap();
        assert_eq!(p6.capacity(), 256);
        assert_eq!(
            Pool6::from_prefix("::".parse().unwrap(), 0)
                .unwrap()
                .capacity(),
            u128::MAX
        );
    }

    #[test]
    fn pd_pools() {
        let p = PdPool::new("2001:db8:8::".parse().unwrap(), 48, 56, None).unwrap();
        assert_eq!(p.capacity(), 256);
        let r = p.range();
        assert_eq!(
            Ipv6Addr::from(r.value(1)),
            "2001:db8:8:100::".parse::<Ipv6Addr>().unwrap()
        );
        assert_eq!(
            r.index_of(u128::from("2001:db8:8:ff00::".parse::<Ipv6Addr>().unwrap())),
            Some(255)
        );
        assert_eq!(
            r.index_of(u128::from("2001:db8:8:ff01::".parse::<Ipv6Addr>().unwrap())),
            None
        );
        assert!(PdPool::new("2001:db8:8::".parse().unwrap(), 56, 48, None).is_err());
        assert!(PdPool::new("2001:db8:8::1".parse().unwrap(), 48, 56, None).is_err());
        let ex = ("2001:db8:8:0:ff::".parse().unwrap(), 72);
        assert!(PdPool::new("2001:db8:8::".parse().unwrap(), 48, 64, Some(ex)).is_ok());
        let far = ("2001:db8:9::".parse().unwrap(), 72);
        assert!(PdPool::new("2001:db8:8::".parse().unwrap(), 48, 64, Some(far)).is_err());
        assert!(PdPool::new("2001:db8:8::".parse().unwrap(), 48, 64, Some((ex.0, 64))).is_err());
    }
}
