//! The tables of the keyword scan (see `KeywordScan` in detector.rs), built from a list of
//! lower-case keywords.
//!
//! One file for two builds: the crate builds the tables of an engine with rules of its own
//! at run time, and build.rs (`#[path]`-includes this file) builds those of the built-in
//! rules once, as static data, so that a hook process does not build them (0.12 M of the
//! 2.04 M instructions of a hook call with a 10 KB Write, callgrind, December 2026). It uses
//! nothing but `std`, for build.rs has none of the crate's dependencies.

/// Words of the bit table of byte pairs.
pub(crate) const PAIR_WORDS: usize = 65536 / 64;

/// The keyword scan's tables (each field is documented on `KeywordScan`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScanTables {
    /// A bit per pair of leading bytes, each case (`PAIR_WORDS` words).
    pub(crate) pairs: Vec<u64>,
    /// Per word of `pairs`, the bits set in the words before it (`PAIR_WORDS` of them).
    pub(crate) ranks: Vec<u16>,
    /// Per set bit of `pairs` (by rank): its group in `lower`.
    pub(crate) groups: Vec<u16>,
    /// Per group: its range of `by_pair` and the bytes that may come third.
    pub(crate) lower: Vec<(u16, u16, [u64; 4])>,
    /// Keyword indexes of two or more bytes, ordered by their first two bytes.
    pub(crate) by_pair: Vec<usize>,
    /// Keywords of one byte: (the byte, keyword index).
    pub(crate) singles: Vec<(u8, usize)>,
}

/// A byte and, for a lower-case letter, its upper case.
fn cases(b: u8) -> impl Iterator<Item = u8> {
    std::iter::once(b).chain(b.is_ascii_lowercase().then(|| b.to_ascii_uppercase()))
}

/// The scan's tables for `words` (lower case; their indexes are what the scan reports).
pub(crate) fn scan_tables<W: AsRef<str>>(words: &[W]) -> ScanTables {
    // Keywords of two or more bytes as `b0 << 40 | b1 << 32 | index`, sorted: grouped by
    // their first two bytes (plain integers: sorting tuples of options was 22 K of a hook
    // call's 2.24 M instructions, and with this change the call took 2.21 M).
    let mut order: Vec<u64> = Vec::with_capacity(words.len());
    let mut singles = Vec::new();
    for (w, word) in words.iter().enumerate() {
        match (word.as_ref().as_bytes(), u32::try_from(w)) {
            ([b0], _) => singles.push((*b0, w)),
            ([b0, b1, ..], Ok(index)) => {
                order.push(u64::from(*b0) << 40 | u64::from(*b1) << 32 | u64::from(index));
            }
            _ => {}
        }
    }
    order.sort_unstable();
    // (lower-case pair, range of `by_pair`, third bytes), by pair.
    let mut lower: Vec<(u8, u8, u16, u16, [u64; 4])> = Vec::new();
    let mut by_pair = Vec::with_capacity(order.len());
    for key in order {
        let [_, _, b0, b1, ..] = key.to_be_bytes();
        let w = usize::try_from(key & 0xFFFF_FFFF).unwrap_or(usize::MAX);
        let b2 = words
            .get(w)
            .and_then(|word| word.as_ref().as_bytes().get(2))
            .copied();
        let at = u16::try_from(by_pair.len()).unwrap_or(u16::MAX);
        by_pair.push(w);
        if lower.last().is_none_or(|g| (g.0, g.1) != (b0, b1)) {
            lower.push((b0, b1, at, at, [0; 4]));
        }
        if let Some((_, _, _, end, thirds)) = lower.last_mut() {
            *end = at.saturating_add(1);
            match b2 {
                Some(b2) => {
                    for b2 in cases(b2) {
                        if let Some(slot) = thirds.get_mut(usize::from(b2) / 64) {
                            *slot |= 1 << (b2 % 64);
                        }
                    }
                }
                None => *thirds = [u64::MAX; 4],
            }
        }
    }
    // Every case of every pair, each with its pair's group at the rank of its bit.
    let keys = |b0: u8, b1: u8| {
        cases(b0)
            .flat_map(move |c0| cases(b1).map(move |c1| usize::from(c0) << 8 | usize::from(c1)))
    };
    let mut pairs = vec![0_u64; PAIR_WORDS];
    for &(b0, b1, ..) in &lower {
        for key in keys(b0, b1) {
            if let Some(slot) = pairs.get_mut(key / 64) {
                *slot |= 1 << (key % 64);
            }
        }
    }
    let mut ranks = vec![0_u16; PAIR_WORDS];
    let mut before = 0_u16;
    for (rank, &word) in ranks.iter_mut().zip(pairs.iter()) {
        *rank = before;
        // Most words are empty, and without a popcnt instruction in the target a count
        // costs some twenty instructions (25 K of a hook call's 2.3 M, callgrind).
        if word != 0 {
            before = before.saturating_add(u16::try_from(word.count_ones()).unwrap_or(0));
        }
    }
    let mut groups = vec![0_u16; usize::from(before)];
    for (at, &(b0, b1, ..)) in lower.iter().enumerate() {
        for key in keys(b0, b1) {
            let below = pairs.get(key / 64).copied().unwrap_or(0) & ((1 << (key % 64)) - 1);
            let rank = usize::from(ranks.get(key / 64).copied().unwrap_or(0))
                + below.count_ones() as usize;
            if let Some(slot) = groups.get_mut(rank) {
                *slot = u16::try_from(at).unwrap_or(u16::MAX);
            }
        }
    }
    ScanTables {
        pairs,
        ranks,
        groups,
        lower: lower
            .into_iter()
            .map(|(_, _, from, to, thirds)| (from, to, thirds))
            .collect(),
        by_pair,
        singles,
    }
}
