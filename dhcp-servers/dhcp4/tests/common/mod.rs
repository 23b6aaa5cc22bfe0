//! Helpers shared by the integration tests.

pub mod kea_diff;
