//! Standard option definitions (from `dhcp-packet`) for resolving option
//! names to codes.

use dhcp_packet::optdef::{Universe, std_def_by_name};

use crate::normalize::OptionCodes;
use crate::schema::Model;

/// The standard DHCPv4 or DHCPv6 option definitions Kea knows by name.
#[derive(Debug, Clone, Copy)]
pub struct StandardOptions(pub Model);

impl OptionCodes for StandardOptions {
    fn code(&self, space: &str, name: &str) -> Option<u32> {
        let universe = match self.0 {
            Model::KeaDhcp4 => Universe::V4,
            Model::KeaDhcp6 | Model::IetfDhcpv6 => Universe::V6,
        };
        std_def_by_name(universe, space, name).map(|d| u32::from(d.code))
    }
}
