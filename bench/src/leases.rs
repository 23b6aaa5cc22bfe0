//! Simulated client identities and lease files in Kea 2.2.0's memfile CSV format.
//!
//! Client `i` always has the same hardware address, so a lease file generated here can be
//! renewed later by the load generator (`renew` exchange) for the same clients.

use std::io::{self, Write};
use std::net::Ipv4Addr;

/// The v4 header Kea 2.2.0 writes (memfile schema 2.1). Our server and Kea 2.2.0 both load it
/// as it is; Kea 2.2.0 would first run a conversion on a file with the newer `pool_id` column.
pub const V4_HEADER: &str = "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context";

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
