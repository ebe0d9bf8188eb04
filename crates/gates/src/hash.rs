//! A fast hasher for the lookup tables of building a gate set.
//!
//! Building runs once per hook call, over keys from the policy (gate ids, prefilter literals):
//! std's SipHash costs a few hundred instructions per key there, for a protection against
//! chosen collisions that keys written by the policy's own author do not need (and their
//! number is bounded by [`crate::GateSetBuilder::max_rules`]). This hasher reads eight bytes
//! per multiplication and mixes the result once at the end, so hashbrown's use of both the top
//! and the bottom bits of a hash sees every input byte.

use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap`/`HashSet` hasher for build-time tables.
pub(crate) type BuildFastHasher = BuildHasherDefault<FastHasher>;

/// A multiply-rotate hash over 64-bit words, finished with the splitmix64 mixer.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FastHasher {
    hash: u64,
}

/// An odd constant with well spread bits (from FxHash).
const MULTIPLIER: u64 = 0xf135_7aea_2e62_a9c5;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(26) ^ word).wrapping_mul(MULTIPLIER);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            if let Some(head) = word.get_mut(..rest.len()) {
                head.copy_from_slice(rest);
            }
            // The length keeps `ab` and `ab\0` apart.
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        let mut z = self.hash;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

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
