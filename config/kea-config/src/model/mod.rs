//! Typed, validated configuration models built from normalized element trees.

pub(crate) mod common;
pub(crate) mod dhcp4;
pub(crate) mod dhcp6;
pub(crate) mod netconf;
pub(crate) mod read;
