//! A cache for `config-hash-get`.
//!
//! Hashing a configuration means serialising the whole model (about 12 ms at 1,000 subnets),
//! and the agent asks for it before and after every change and on every drift poll. A compiled
//! configuration never changes once loaded, so its hash is computed on the first request and
//! kept. A clone starts with an empty cache, because clones are made to be modified.

use std::sync::OnceLock;

/// The hash of one loaded configuration, computed once on demand.
#[derive(Debug, Default)]
pub struct ConfigHashCache(OnceLock<String>);

impl ConfigHashCache {
    /// The cached hash, or `compute()` stored for next time.
    pub fn get_or_compute(&self, compute: impl FnOnce() -> String) -> String {
        self.0.get_or_init(compute).clone()
    }
}

impl Clone for ConfigHashCache {
    fn clone(&self) -> Self {
        ConfigHashCache::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computed_once_and_forgotten_by_clones() {
        let cache = ConfigHashCache::default();
        let mut calls = 0;
        assert_eq!(
            cache.get_or_compute(|| {
                calls += 1;
                "a".into()
            }),
            "a"
        );
        assert_eq!(
            cache.get_or_compute(|| {
                calls += 1;
                "b".into()
            }),
            "a"
        );
        assert_eq!(calls, 1);
        assert_eq!(cache.clone().get_or_compute(|| "c".into()), "c");
    }
}
