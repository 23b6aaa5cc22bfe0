//! YANG datastore: running, startup, candidate, edits, locks, change subscriptions
