//! Simulated client identities and lease files in Kea 2.2.0's memfile CSV format.
//!
//! Client `i` always has the same hardware address, so a lease file generated here can be
//! renewed later by the load generator (`renew` exchange) for the same clients.

use std::io::{self, Write};
use std::net::{Ipv4Addr, Ipv6Addr};

/// The v4 header Kea 2.2.0 writes (memfile schema 2.1). Our server and Kea 2.2.0 both load it
/// as it is; Kea 2.2.0 would first run a conversion on a file with the newer `pool_id` column.
pub const V4_HEADER: &str = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context";

/// The v6 header Kea 2.2.0 writes (memfile schema 4.0, no `pool_id`).
pub const V6_HEADER: &str = "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,\
prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source";

/// Locally administered hardware address of simulated client `i`.
pub fn client_mac(i: u32) -> [u8; 6] {
    let b = i.to_be_bytes();
    [0x02, 0x42, b[0], b[1], b[2], b[3]]
}

/// Index of the simulated client owning `mac`, if it is one of ours.
pub fn client_index(mac: &[u8; 6]) -> Option<u32> {
    (mac[0] == 0x02 && mac[1] == 0x42).then(|| u32::from_be_bytes([mac[2], mac[3], mac[4], mac[5]]))
}

/// Address of lease `i` in a file whose first address is `first`; `None` past 255.255.255.255.
pub fn lease_addr(first: Ipv4Addr, i: u32) -> Option<Ipv4Addr> {
    u32::from(first).checked_add(i).map(Ipv4Addr::from)
}

/// What one generated v4 lease file holds.
#[derive(Debug, Clone, Copy)]
pub struct LeaseFile4 {
    pub count: u32,
    pub first: Ipv4Addr,
    pub subnet_id: u32,
    pub valid_lifetime: u32,
    /// Lease expiry time (seconds since the epoch) for every row.
    pub expire: u64,
}

/// Writes `f.count` leases, one per simulated client, after the Kea 2.2.0 header.
pub fn write_v4(f: &LeaseFile4, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "{V4_HEADER}")?;
    for i in 0..f.count {
        let addr = lease_addr(f.first, i).ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "address range overflows")
        })?;
        let m = client_mac(i);
        writeln!(
            out,
            "{addr},{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x},,{},{},{},0,0,,0,",
            m[0], m[1], m[2], m[3], m[4], m[5], f.valid_lifetime, f.expire, f.subnet_id
        )?;
    }
    Ok(())
}

/// What one generated v6 (IA_NA) lease file holds.
#[derive(Debug, Clone, Copy)]
pub struct LeaseFile6 {
    pub count: u32,
    pub first: Ipv6Addr,
    pub subnet_id: u32,
    pub valid_lifetime: u32,
    pub preferred_lifetime: u32,
    pub expire: u64,
}

/// Writes `f.count` IA_NA leases (IAID 1, DUID-LL of simulated client `i`), as Kea 2.2.0 writes
/// them after a SARR (hardware address taken from the DUID: hwtype 1, source 2).
pub fn write_v6(f: &LeaseFile6, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "{V6_HEADER}")?;
    let first = u128::from(f.first);
    for i in 0..f.count {
        let addr = first
            .checked_add(u128::from(i))
            .map(Ipv6Addr::from)
            .ok_or_else(|| {
                io::Error::new(io::ErrorKind::InvalidInput, "address range overflows")
            })?;
        let m = client_mac(i);
        let mac = format!(
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            m[0], m[1], m[2], m[3], m[4], m[5]
        );
        writeln!(
            out,
            "{addr},00:03:00:01:{mac},{},{},{},{},0,1,128,0,0,,{mac},0,,1,2",
            f.valid_lifetime, f.expire, f.subnet_id, f.preferred_lifetime
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_round_trips_and_foreign_macs_are_rejected() {
        for i in [0, 1, 99_999, u32::MAX] {
            assert_eq!(client_index(&client_mac(i)), Some(i));
        }
        assert_eq!(client_index(&[0, 0x0c, 1, 2, 3, 4]), None);
    }

    #[test]
    fn writes_kea_rows() {
        let mut out = Vec::new();
        let f = LeaseFile4 {
            count: 2,
            first: Ipv4Addr::new(198, 18, 0, 1),
            subnet_id: 1,
            valid_lifetime: 4000,
            expire: 1_800_000_000,
        };
        write_v4(&f, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], V4_HEADER);
        assert_eq!(
            lines[2],
            "198.18.0.2,02:42:00:00:00:01,,4000,1800000000,1,0,0,,0,"
        );
        assert_eq!(lines[2].split(',').count(), V4_HEADER.split(',').count());
    }

    #[test]
    fn writes_kea_v6_rows() {
        let mut out = Vec::new();
        let f = LeaseFile6 {
            count: 2,
            first: "2001:db8:1:0:1::".parse().unwrap(),
            subnet_id: 1,
            valid_lifetime: 7200,
            preferred_lifetime: 3600,
            expire: 1_795_431_696,
        };
        write_v6(&f, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], V6_HEADER);
        // The row Kea 2.2.0 itself wrote for this client after a SARR.
        assert_eq!(
            lines[2],
            "2001:db8:1:0:1::1,00:03:00:01:02:42:00:00:00:01,7200,1795431696,1,3600,0,1,128,0,0,,02:42:00:00:00:01,0,,1,2"
        );
        assert_eq!(lines[2].split(',').count(), V6_HEADER.split(',').count());
    }

    #[test]
    fn address_overflow_is_an_error() {
        let f = LeaseFile4 {
            count: 3,
            first: Ipv4Addr::new(255, 255, 255, 254),
            subnet_id: 1,
            valid_lifetime: 1,
            expire: 1,
        };
        assert!(write_v4(&f, &mut Vec::new()).is_err());
    }
}
