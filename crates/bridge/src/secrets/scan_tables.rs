//! The tables of the keyword scan (see `KeywordScan` in detector.rs), built from a list of
//! lower-case keywords.
//!
//! One file for two builds: the crate builds the tables of an engine with rules of its own
//! at run time, and build.rs (`#[path]`-includes this file) builds those of the built-in
//! rules once, as static data, so that a hook process does not build them (0.12 M of the
//! 2.04 M instructions of a hook call with a 10 KB Write, callgrind, December 2026). It uses
//! nothing but `std`, for build.rs has none of the crate's dependencies.

/// The keyword scan's tables (each field is documented on `KeywordScan`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScanTables {
    /// Per byte (256 entries): 1 + its row of `cells` when a keyword of two or more bytes
    /// starts with it in either case, else 0.
    pub(crate) rows: Vec<u16>,
    /// Per row, 256 entries: 1 + the group (in `lower`) of the pair (the row's byte, this
    /// byte), either case, else 0.
    pub(crate) cells: Vec<u16>,
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
    // A row per first byte (lower case), a cell per second byte: every case of each pair
    // holds 1 + its group. Groups and rows past what 16 bits number are left out, and a scan
    // without them must not miss: `KeywordScan::find` reports every keyword then.
    let fits = lower.len() < usize::from(u16::MAX);
    let mut rows = if fits { vec![0_u16; 256] } else { Vec::new() };
    let mut cells: Vec<u16> = Vec::new();
    let mut last_b0: Option<u8> = None;
    for (group, &(b0, b1, ..)) in lower.iter().enumerate().filter(|_| fits) {
        if last_b0 != Some(b0) {
            last_b0 = Some(b0);
            let row = u16::try_from(cells.len() / 256 + 1).unwrap_or(0);
            cells.resize(cells.len() + 256, 0);
            for c0 in cases(b0) {
                if let Some(slot) = rows.get_mut(usize::from(c0)) {
                    *slot = row;
                }
            }
        }
        let base = cells.len() - 256;
        let cell = u16::try_from(group + 1).unwrap_or(0);
        for c1 in cases(b1) {
            if let Some(slot) = cells.get_mut(base + usize::from(c1)) {
                *slot = cell;
            }
        }
    }
    ScanTables {
        rows,
        cells,
        lower: lower
            .into_iter()
            .map(|(_, _, from, to, thirds)| (from, to, thirds))
            .collect(),
        by_pair,
        singles,
    }
}
