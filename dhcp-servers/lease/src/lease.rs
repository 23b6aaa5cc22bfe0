//! Lease records: [`Lease4`], [`Lease6`] and their field types.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::num::NonZeroU8;
use std::ops::Deref;

use crate::error::LeaseError;

/// Subnet identifier as used in Kea configurations (`id`).
pub type SubnetId = u32;

/// Lifetime value Kea treats as "infinite" (never expires).
pub const INFINITE_LIFETIME: u32 = u32::MAX;

/// Numeric lease state as stored by Kea (`state` column, `state` in lease commands).
///
/// Kept as a number so a value written by a newer Kea survives a load/write cycle.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default, PartialOrd, Ord)]
pub struct LeaseState(pub u32);

impl LeaseState {
    /// Assigned (the normal state).
    pub const DEFAULT: LeaseState = LeaseState(0);
    /// Declined by the client; held for the probation period.
    pub const DECLINED: LeaseState = LeaseState(1);
    /// Expired and reclaimed, kept for lease affinity.
    pub const EXPIRED_RECLAIMED: LeaseState = LeaseState(2);
    /// Released by the client, kept for affinity.
    pub const RELEASED: LeaseState = LeaseState(3);
    /// DHCPv6 address registration (RFC 9686).
    pub const REGISTERED: LeaseState = LeaseState(4);

    /// Kea's name for the state (`Lease::basicStatesToText`).
    pub fn name(self) -> &'static str {
        match self.0 {
            0 => "default",
            1 => "declined",
            2 => "expired-reclaimed",
            3 => "released",
            4 => "registered",
            _ => "unknown",
        }
    }
}

/// DHCPv6 lease type (`lease_type` column: 0, 1, 2).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum LeaseType {
    /// IA_NA address.
    Na = 0,
    /// IA_TA temporary address.
    Ta = 1,
    /// IA_PD delegated prefix.
    Pd = 2,
}

impl LeaseType {
    /// The number Kea writes in the CSV file.
    pub fn code(self) -> u8 {
        self as u8
    }
    /// Parse the CSV number.
    pub fn from_code(code: u8) -> Option<LeaseType> {
        match code {
            0 => Some(LeaseType::Na),
            1 => Some(LeaseType::Ta),
            2 => Some(LeaseType::Pd),
            _ => None,
        }
    }
    /// Name used in lease commands (`IA_NA`, `IA_TA`, `IA_PD`).
    pub fn name(self) -> &'static str {
        match self {
            LeaseType::Na => "IA_NA",
            LeaseType::Ta => "IA_TA",
            LeaseType::Pd => "IA_PD",
        }
    }
}

/// Hardware address: type, up to 20 bytes, and (DHCPv6) where it was learned.
///
/// Stored inline so a lease with a hardware address needs no extra allocation.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct HwAddr {
    htype: u16,
    /// Length + 1: never zero, which gives `Option<HwAddr>` a niche (28 bytes instead of 32).
    len_1: NonZeroU8,
    bytes: [u8; HwAddr::MAX_LEN],
    source: u32,
}

impl HwAddr {
    /// Longest hardware address Kea accepts.
    pub const MAX_LEN: usize = 20;
    /// ARP hardware type for Ethernet (the type Kea assumes for v4 CSV rows).
    pub const HTYPE_ETHER: u16 = 1;
    /// `hwaddr_source` values (Kea's `HWAddr::HWADDR_SOURCE_*`).
    pub const SOURCE_UNKNOWN: u32 = 0;
    /// Taken from the raw socket.
    pub const SOURCE_RAW: u32 = 0x1;
    /// Derived from an IPv6 link-local address.
    pub const SOURCE_IPV6_LINK_LOCAL: u32 = 0x2;
    /// Derived from the DUID.
    pub const SOURCE_DUID: u32 = 0x4;
    /// From the client link-layer address relay option (RFC 6939).
    pub const SOURCE_CLIENT_ADDR_RELAY_OPTION: u32 = 0x8;
    /// From the remote-id relay option.
    pub const SOURCE_REMOTE_ID: u32 = 0x10;
    /// From the subscriber-id relay option.
    pub const SOURCE_SUBSCRIBER_ID: u32 = 0x20;
    /// From the DOCSIS CMTS options.
    pub const SOURCE_DOCSIS_CMTS: u32 = 0x40;
    /// From the DOCSIS modem options.
    pub const SOURCE_DOCSIS_MODEM: u32 = 0x80;

    /// A hardware address of type `htype`; fails when longer than [`HwAddr::MAX_LEN`].
    pub fn new(htype: u16, bytes: &[u8]) -> Result<HwAddr, LeaseError> {
        if bytes.len() > Self::MAX_LEN {
            return Err(LeaseError::HwAddrTooLong(bytes.len()));
        }
        let mut a = HwAddr {
            htype,
            len_1: NonZeroU8::MIN.saturating_add(bytes.len() as u8),
            bytes: [0; Self::MAX_LEN],
            source: 0,
        };
        a.bytes[..bytes.len()].copy_from_slice(bytes);
        Ok(a)
    }

    /// An Ethernet address.
    pub fn ethernet(mac: [u8; 6]) -> HwAddr {
        let mut a = HwAddr {
            htype: Self::HTYPE_ETHER,
            len_1: NonZeroU8::MIN.saturating_add(6),
            bytes: [0; Self::MAX_LEN],
            source: 0,
        };
        a.bytes[..6].copy_from_slice(&mac);
        a
    }

    /// The same address with `source` recorded.
    pub fn with_source(mut self, source: u32) -> HwAddr {
        self.source = source;
        self
    }

    /// Parse Kea's text form (`1a:2b:3c`, groups of one or two hex digits, or plain hex).
    pub fn parse(htype: u16, text: &str) -> Result<HwAddr, LeaseError> {
        let mut buf = [0u8; Self::MAX_LEN];
        let n = decode_hex_into(text, &mut buf).ok_or_else(|| LeaseError::BadHex(text.into()))?;
        HwAddr::new(htype, &buf[..n])
    }

    /// The address bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len()]
    }
    fn len(&self) -> usize {
        usize::from(self.len_1.get() - 1)
    }
    /// ARP hardware type.
    pub fn htype(&self) -> u16 {
        self.htype
    }
    /// Where the address was learned (`hwaddr_source`).
    pub fn source(&self) -> u32 {
        self.source
    }
    /// True when there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Display for HwAddr {
    /// Kea's `toText(false)`: lowercase hex pairs separated by colons.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, self.as_bytes())
    }
}

impl fmt::Debug for HwAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "HwAddr(type {}, {}, source {})",
            self.htype, self, self.source
        )
    }
}

/// A client DUID.
///
/// Up to [`Duid::INLINE`] bytes (DUID-LL, DUID-LLT, DUID-UUID and most DUID-EN) are stored in
/// place, so a lease with such a DUID needs no allocation of its own; longer ones (up to the
/// 130 bytes RFC 8415 allows) live in a separate allocation. Reads as a byte slice.
#[derive(Clone)]
pub struct Duid(DuidRepr);

#[derive(Clone)]
enum DuidRepr {
    /// `len` <= [`Duid::INLINE`].
    Inline { len: u8, bytes: [u8; Duid::INLINE] },
    /// More than [`Duid::INLINE`] bytes.
    Heap(Box<[u8]>),
}

impl Duid {
    /// Longest DUID stored in place (the enum is then as large as a boxed slice plus 8).
    pub const INLINE: usize = 22;

    /// A DUID with these bytes.
    pub fn new(bytes: &[u8]) -> Duid {
        if bytes.len() <= Self::INLINE {
            let mut b = [0; Self::INLINE];
            b[..bytes.len()].copy_from_slice(bytes);
            Duid(DuidRepr::Inline {
                len: bytes.len() as u8,
                bytes: b,
            })
        } else {
            Duid(DuidRepr::Heap(bytes.into()))
        }
    }

    /// The DUID bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            DuidRepr::Inline { len, bytes } => &bytes[..usize::from(*len)],
            DuidRepr::Heap(b) => b,
        }
    }
}

impl Deref for Duid {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl AsRef<[u8]> for Duid {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl From<&[u8]> for Duid {
    fn from(bytes: &[u8]) -> Duid {
        Duid::new(bytes)
    }
}

impl PartialEq for Duid {
    fn eq(&self, other: &Duid) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Duid {}

impl PartialEq<[u8]> for Duid {
    fn eq(&self, other: &[u8]) -> bool {
        self.as_bytes() == other
    }
}

impl Hash for Duid {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state)
    }
}

impl fmt::Debug for Duid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Duid({})", hex_text(self.as_bytes()))
    }
}

/// Write bytes as `aa:bb:cc` (Kea's text form for hardware addresses, client ids, DUIDs).
pub(crate) fn write_hex(out: &mut impl fmt::Write, bytes: &[u8]) -> fmt::Result {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.write_char(':')?;
        }
        out.write_char(DIGITS[(b >> 4) as usize] as char)?;
        out.write_char(DIGITS[(b & 0xf) as usize] as char)?;
    }
    Ok(())
}

/// Format bytes as Kea's colon-separated hex text.
pub fn hex_text(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    let _ = write_hex(&mut s, bytes);
    s
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decode hex text into `out`, returning the length. Accepts colon-separated groups of one
/// or two digits (`1:2b:3c`) or an even-length run of digits (`012b3c`). `None` on bad input
/// or when `out` is too small.
pub(crate) fn decode_hex_into(text: &str, out: &mut [u8]) -> Option<usize> {
    let t = text.as_bytes();
    let mut n = 0;
    if t.is_empty() {
        return Some(0);
    }
    if t.contains(&b':') {
        for group in t.split(|&c| c == b':') {
            let v = match group {
                [a] => hex_val(*a)?,
                [a, b] => hex_val(*a)? << 4 | hex_val(*b)?,
                _ => return None,
            };
            *out.get_mut(n)? = v;
            n += 1;
        }
    } else {
        if !t.len().is_multiple_of(2) {
            return None;
        }
        for pair in t.chunks_exact(2) {
            *out.get_mut(n)? = hex_val(pair[0])? << 4 | hex_val(pair[1])?;
            n += 1;
        }
    }
    Some(n)
}

/// Decode Kea's hex text (see [`HwAddr::parse`]) into a byte vector; `None` on bad input.
pub fn parse_hex(text: &str) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; text.len() / 2 + 1];
    let n = decode_hex_into(text, &mut buf)?;
    buf.truncate(n);
    Some(buf)
}

fn expire_of(cltt: i64, valid_lifetime: u32) -> i64 {
    if valid_lifetime == INFINITE_LIFETIME {
        i64::MAX
    } else {
        cltt.saturating_add(valid_lifetime as i64)
    }
}

/// A DHCPv4 lease (one row of `kea-leases4.csv`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease4 {
    /// Leased address (the key).
    pub address: Ipv4Addr,
    /// Client hardware address (`chaddr`); `None` for declined leases.
    pub hw_address: Option<HwAddr>,
    /// Client identifier (option 61) bytes.
    pub client_id: Option<Box<[u8]>>,
    /// Valid lifetime in seconds ([`INFINITE_LIFETIME`] = never expires).
    pub valid_lifetime: u32,
    /// Client last transmission time, Unix seconds.
    pub cltt: i64,
    /// Subnet the lease belongs to.
    pub subnet_id: SubnetId,
    /// Pool the address came from (Kea 3.0 `pool-id`; 0 when unknown).
    pub pool_id: u32,
    /// Forward DNS update done.
    pub fqdn_fwd: bool,
    /// Reverse DNS update done.
    pub fqdn_rev: bool,
    /// Client host name (empty when none).
    pub hostname: Box<str>,
    /// Lease state.
    pub state: LeaseState,
    /// `user-context` as JSON text (a map), if any.
    pub user_context: Option<Box<str>>,
}

impl Lease4 {
    /// A lease in the default state with no client identification yet.
    pub fn new(address: Ipv4Addr, subnet_id: SubnetId, valid_lifetime: u32, cltt: i64) -> Lease4 {
        Lease4 {
            address,
            hw_address: None,
            client_id: None,
            valid_lifetime,
            cltt,
            subnet_id,
            pool_id: 0,
            fqdn_fwd: false,
            fqdn_rev: false,
            hostname: Box::from(""),
            state: LeaseState::DEFAULT,
            user_context: None,
        }
    }

    /// Expiration time in Unix seconds (`i64::MAX` for infinite leases).
    pub fn expire(&self) -> i64 {
        expire_of(self.cltt, self.valid_lifetime)
    }

    /// True when the lease expired before `now` (Kea: expire < now).
    pub fn is_expired(&self, now: i64) -> bool {
        self.expire() < now
    }

    /// Hardware address bytes, empty when none.
    pub fn hw_bytes(&self) -> &[u8] {
        self.hw_address.as_ref().map_or(&[], |h| h.as_bytes())
    }
}

/// A DHCPv6 lease (one row of `kea-leases6.csv`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lease6 {
    /// Leased address, or the delegated prefix (the key).
    pub address: Ipv6Addr,
    /// IA_NA, IA_TA or IA_PD.
    pub lease_type: LeaseType,
    /// Prefix length; 128 for addresses.
    pub prefix_len: u8,
    /// Client DUID.
    pub duid: Duid,
    /// Identity association id.
    pub iaid: u32,
    /// Preferred lifetime, seconds.
    pub preferred_lifetime: u32,
    /// Valid lifetime, seconds ([`INFINITE_LIFETIME`] = never expires).
    pub valid_lifetime: u32,
    /// Client last transmission time, Unix seconds.
    pub cltt: i64,
    /// Subnet the lease belongs to.
    pub subnet_id: SubnetId,
    /// Pool the lease came from (0 when unknown).
    pub pool_id: u32,
    /// Forward DNS update done.
    pub fqdn_fwd: bool,
    /// Reverse DNS update done.
    pub fqdn_rev: bool,
    /// Client host name (empty when none).
    pub hostname: Box<str>,
    /// Hardware address with its type and source, if known.
    pub hw_address: Option<HwAddr>,
    /// Lease state.
    pub state: LeaseState,
    /// `user-context` as JSON text (a map), if any.
    pub user_context: Option<Box<str>>,
}

impl Lease6 {
    /// A lease in the default state with zero lifetimes (see [`Lease6::with_lifetimes`]);
    /// `prefix_len` is forced to 128 unless `lease_type` is IA_PD.
    pub fn new(
        lease_type: LeaseType,
        address: Ipv6Addr,
        prefix_len: u8,
        duid: &[u8],
        iaid: u32,
        subnet_id: SubnetId,
    ) -> Lease6 {
        Lease6 {
            address,
            lease_type,
            prefix_len: if lease_type == LeaseType::Pd {
                prefix_len
            } else {
                128
            },
            duid: Duid::new(duid),
            iaid,
            preferred_lifetime: 0,
            valid_lifetime: 0,
            cltt: 0,
            subnet_id,
            pool_id: 0,
            fqdn_fwd: false,
            fqdn_rev: false,
            hostname: Box::from(""),
            hw_address: None,
            state: LeaseState::DEFAULT,
            user_context: None,
        }
    }

    /// The same lease with preferred and valid lifetimes and client last transmission time.
    pub fn with_lifetimes(mut self, preferred: u32, valid: u32, cltt: i64) -> Lease6 {
        self.preferred_lifetime = preferred;
        self.valid_lifetime = valid;
        self.cltt = cltt;
        self
    }

    /// Expiration time in Unix seconds (`i64::MAX` for infinite leases).
    pub fn expire(&self) -> i64 {
        expire_of(self.cltt, self.valid_lifetime)
    }

    /// True when the lease expired before `now`.
    pub fn is_expired(&self, now: i64) -> bool {
        self.expire() < now
    }
}

/// What the store, reclamation and statistics need from either lease kind.
pub trait LeaseRecord: Clone + PartialEq + Send + Sync + fmt::Debug + 'static {
    /// The key: `Ipv4Addr` or `Ipv6Addr`.
    type Addr: Copy + Ord + Eq + std::hash::Hash + fmt::Debug + fmt::Display + Send + Sync + 'static;
    /// The lease's address (key).
    fn address(&self) -> Self::Addr;
    /// Subnet id.
    fn subnet_id(&self) -> SubnetId;
    /// Pool id.
    fn pool_id(&self) -> u32;
    /// State.
    fn state(&self) -> LeaseState;
    /// Expiration time (Unix seconds, `i64::MAX` when infinite).
    fn expire(&self) -> i64;
    /// Valid lifetime.
    fn valid_lifetime(&self) -> u32;
    /// Host name (empty when none).
    fn hostname(&self) -> &str;
    /// v6 lease type, `None` for v4 (used to split statistics).
    fn lease_type(&self) -> Option<LeaseType>;
    /// A copy as reclamation leaves it when kept for affinity: state expired-reclaimed,
    /// host name and DNS flags cleared (Kea `reclaimLeaseInDatabase`).
    fn to_reclaimed(&self) -> Self;
    /// The row Kea writes when the lease is deleted: the same lease with valid (and
    /// preferred) lifetime 0; loading such a row removes the lease.
    fn to_deleted_row(&self) -> Self;
}

impl LeaseRecord for Lease4 {
    type Addr = Ipv4Addr;
    fn address(&self) -> Ipv4Addr {
        self.address
    }
    fn subnet_id(&self) -> SubnetId {
        self.subnet_id
    }
    fn pool_id(&self) -> u32 {
        self.pool_id
    }
    fn state(&self) -> LeaseState {
        self.state
    }
    fn expire(&self) -> i64 {
        Lease4::expire(self)
    }
    fn valid_lifetime(&self) -> u32 {
        self.valid_lifetime
    }
    fn hostname(&self) -> &str {
        &self.hostname
    }
    fn lease_type(&self) -> Option<LeaseType> {
        None
    }
    fn to_reclaimed(&self) -> Lease4 {
        let mut l = self.clone();
        l.hostname = Box::from("");
        l.fqdn_fwd = false;
        l.fqdn_rev = false;
        l.state = LeaseState::EXPIRED_RECLAIMED;
        l
    }
    fn to_deleted_row(&self) -> Lease4 {
        let mut l = self.clone();
        l.valid_lifetime = 0;
        l
    }
}

impl LeaseRecord for Lease6 {
    type Addr = Ipv6Addr;
    fn address(&self) -> Ipv6Addr {
        self.address
    }
    fn subnet_id(&self) -> SubnetId {
        self.subnet_id
    }
    fn pool_id(&self) -> u32 {
        self.pool_id
    }
    fn state(&self) -> LeaseState {
        self.state
    }
    fn expire(&self) -> i64 {
        Lease6::expire(self)
    }
    fn valid_lifetime(&self) -> u32 {
        self.valid_lifetime
    }
    fn hostname(&self) -> &str {
        &self.hostname
    }
    fn lease_type(&self) -> Option<LeaseType> {
        Some(self.lease_type)
    }
    fn to_reclaimed(&self) -> Lease6 {
        let mut l = self.clone();
        l.hostname = Box::from("");
        l.fqdn_fwd = false;
        l.fqdn_rev = false;
        l.state = LeaseState::EXPIRED_RECLAIMED;
        l
    }
    fn to_deleted_row(&self) -> Lease6 {
        let mut l = self.clone();
        l.valid_lifetime = 0;
        l.preferred_lifetime = 0;
        l
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_forms() {
        assert_eq!(
            parse_hex("1a:b:0c").as_deref(),
            Some(&[0x1a, 0x0b, 0x0c][..])
        );
        assert_eq!(
            parse_hex("1a0b0c").as_deref(),
            Some(&[0x1a, 0x0b, 0x0c][..])
        );
        assert_eq!(parse_hex("").as_deref(), Some(&[][..]));
        assert_eq!(parse_hex("1a:"), None);
        assert_eq!(parse_hex("1ab"), None);
        assert_eq!(parse_hex("zz"), None);
        assert_eq!(hex_text(&[0x1a, 0x0b]), "1a:0b");
    }

    #[test]
    fn hwaddr_limits() {
        assert!(HwAddr::new(1, &[0; 20]).is_ok());
        assert!(HwAddr::new(1, &[0; 21]).is_err());
        let h = HwAddr::parse(1, "01:02:03:04:05:06").unwrap();
        assert_eq!(h, HwAddr::ethernet([1, 2, 3, 4, 5, 6]));
        assert_eq!(h.to_string(), "01:02:03:04:05:06");
    }

    #[test]
    fn duid_inline_and_heap() {
        for n in [0, 1, 10, Duid::INLINE, Duid::INLINE + 1, 130] {
            let bytes: Vec<u8> = (0..n as u8).collect();
            let d = Duid::new(&bytes);
            assert_eq!(d.as_bytes(), &bytes[..]);
            assert_eq!(&*d, &bytes[..]);
            assert_eq!(d.clone(), d);
            // Hashes as the slice, so hash indexes can be probed with borrowed bytes.
            let h = std::hash::RandomState::new();
            assert_eq!(
                std::hash::BuildHasher::hash_one(&h, &d),
                std::hash::BuildHasher::hash_one(&h, &bytes[..])
            );
        }
        assert_ne!(Duid::new(&[1, 2]), Duid::new(&[1, 2, 0]));
        assert_eq!(format!("{:?}", Duid::new(&[0, 3, 0xab])), "Duid(00:03:ab)");
    }

    /// Lease sizes: every lease is one allocation of this plus the `Arc` counts (16 bytes),
    /// so a few bytes more can cost a whole 16-byte allocator step per lease.
    #[test]
    fn lease_sizes() {
        use std::mem::size_of;
        println!(
            "Lease6 {} bytes, Lease4 {}, Duid {}, Option<HwAddr> {}",
            size_of::<Lease6>(),
            size_of::<Lease4>(),
            size_of::<Duid>(),
            size_of::<Option<HwAddr>>()
        );
        assert_eq!(size_of::<Duid>(), 24);
        assert_eq!(size_of::<Option<HwAddr>>(), 28);
        assert!(size_of::<Lease6>() <= 136);
        assert!(size_of::<Lease4>() <= 112);
    }

    #[test]
    fn expiry() {
        let mut l = Lease4::new(Ipv4Addr::new(10, 0, 0, 1), 1, 100, 1000);
        assert_eq!(l.expire(), 1100);
        assert!(l.is_expired(1101));
        assert!(!l.is_expired(1100));
        l.valid_lifetime = INFINITE_LIFETIME;
        assert!(!l.is_expired(i64::MAX - 1));
    }
}
