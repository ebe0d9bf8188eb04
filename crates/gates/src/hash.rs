//! The hasher of the lookup tables built with a gate set.
//!
//! Building runs once per hook call, over keys from the policy (gate ids, prefilter literals):
//! std's SipHash costs a few hundred instructions per key there, for a protection against
//! chosen collisions that keys written by the policy's own author do not need (and their
//! number is bounded by [`crate::GateSetBuilder::max_rules`]). foldhash's fast hasher with a
//! fixed seed does the job (hashbrown, which std's tables are, uses it by default too) and
//! keeps builds deterministic.

/// A `HashMap`/`HashSet` hasher for build-time tables.
pub(crate) type BuildFastHasher = foldhash::fast::FixedState;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::hash::BuildHasher;

    fn hash(bytes: &[u8]) -> u64 {
        BuildFastHasher::default().hash_one(bytes)
    }

    #[test]
    fn similar_keys_spread_over_low_and_high_bits() {
        // Literals of a large policy differ in a digit or two; a table of 4,096 slots indexes
        // by the low bits and tags by the top seven.
        let keys: Vec<String> = (0..4096).map(|i| format!("secret{i}.")).collect();
        let low: HashSet<u64> = keys.iter().map(|k| hash(k.as_bytes()) & 4095).collect();
        let high: HashSet<u64> = keys.iter().map(|k| hash(k.as_bytes()) >> 57).collect();
        assert!(low.len() > 2400, "{} distinct low values", low.len());
        assert_eq!(high.len(), 128);
    }

    #[test]
    fn lengths_and_contents_are_told_apart() {
        assert_ne!(hash(b"ab"), hash(b"ab\0"));
        assert_ne!(hash(b"abcdefgh"), hash(b"abcdefgh\0"));
        assert_ne!(hash(b""), hash(b"\0"));
        assert_eq!(hash(b"tool12"), hash(b"tool12"));
    }
}
