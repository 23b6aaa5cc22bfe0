//! Leases and the lease store: in-memory indexes persisted in Kea's memfile CSV
