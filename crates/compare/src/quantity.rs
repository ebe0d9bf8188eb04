//! Numbers with units and the bounds criteria put on them (`>= 80%`, `< 2s`, `under 50 KB`).
//!
//! Sizes use decimal prefixes (`KB` = 1,000 bytes) and binary ones when written (`KiB` = 1,024).

use std::fmt;

use serde::Serialize;

/// A number with what it measures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "unit", content = "value", rename_all = "snake_case")]
pub enum Quantity {
    /// A percentage.
    Percent(f64),
    /// A size in bytes.
    Bytes(u64),
    /// A duration in seconds.
    Seconds(f64),
    /// A number without a unit.
    Number(f64),
}

/// How a value must compare with a bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// Strictly below (`<`, "under", "below", "less than").
    Below,
    /// At most (`<=`, "at most", "no more than", "within").
    AtMost,
    /// Strictly above (`>`, "over", "above", "more than").
    Above,
    /// At least (`>=`, "at least", "no less than").
    AtLeast,
}

/// A comparison with a quantity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bound {
    /// How to compare.
    pub comparison: Comparison,
    /// With what.
    pub value: Quantity,
}

impl Comparison {
    /// Whether `value` satisfies the comparison with `bound`.
    pub fn holds(self, value: f64, bound: f64) -> bool {
        match self {
            Self::Below => value < bound,
            Self::AtMost => value <= bound,
            Self::Above => value > bound,
            Self::AtLeast => value >= bound,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Self::Below => "<",
            Self::AtMost => "≤",
            Self::Above => ">",
            Self::AtLeast => "≥",
        }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Percent(p) => write!(f, "{}%", trim(p)),
            Self::Bytes(b) => f.write_str(&human_bytes(b)),
            Self::Seconds(s) => write!(f, "{} s", trim(s)),
            Self::Number(n) => f.write_str(&trim(n)),
        }
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.comparison.symbol(), self.value)
    }
}

/// A number written without needless decimals (`80`, `2.5`).
pub(crate) fn trim(n: f64) -> String {
    let s = format!("{n:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A size for people: `812 B`, `51.2 KB`, `3.40 MB` (decimal prefixes).
pub(crate) fn human_bytes(b: u64) -> String {
    #[expect(clippy::cast_precision_loss, reason = "a size shown to people")]
    let f = b as f64;
    if b < 1_000 {
        format!("{b} B")
    } else if b < 1_000_000 {
        format!("{} KB", trim(f / 1e3))
    } else if b < 1_000_000_000 {
        format!("{} MB", trim(f / 1e6))
    } else {
        format!("{} GB", trim(f / 1e9))
    }
}

/// Comparators, longest first so that "no more than" wins over "more than".
const COMPARATORS: &[(&str, Comparison)] = &[
    ("no more than", Comparison::AtMost),
    ("not more than", Comparison::AtMost),
    ("no less than", Comparison::AtLeast),
    ("not less than", Comparison::AtLeast),
    ("greater than", Comparison::Above),
    ("fewer than", Comparison::Below),
    ("at least", Comparison::AtLeast),
    ("at most", Comparison::AtMost),
    ("less than", Comparison::Below),
    ("more than", Comparison::Above),
    ("smaller than", Comparison::Below),
    ("larger than", Comparison::Above),
    ("bigger than", Comparison::Above),
    ("within", Comparison::AtMost),
    ("under", Comparison::Below),
    ("below", Comparison::Below),
    ("above", Comparison::Above),
    ("over", Comparison::Above),
    ("exceeds", Comparison::Above),
    ("exceeding", Comparison::Above),
    ("minimum", Comparison::AtLeast),
    ("maximum", Comparison::AtMost),
    ("min.", Comparison::AtLeast),
    ("max.", Comparison::AtMost),
    ("<=", Comparison::AtMost),
    (">=", Comparison::AtLeast),
    ("=<", Comparison::AtMost),
    ("=>", Comparison::AtLeast),
    ("≤", Comparison::AtMost),
    ("≥", Comparison::AtLeast),
    ("<", Comparison::Below),
    (">", Comparison::Above),
];

/// The first bound written in a lower-case text: a comparator followed by a number; else a
/// lone percentage, read as "at least" (`80% coverage`).
pub fn find_bound(lower: &str) -> Option<Bound> {
    for (start, _) in lower.char_indices() {
        let Some(rest) = lower.get(start..) else {
            continue;
        };
        // A word comparator must start a word.
        let word_start = start == 0
            || lower
                .get(..start)
                .and_then(|before| before.chars().next_back())
                .is_some_and(|c| !c.is_alphanumeric());
        for (phrase, comparison) in COMPARATORS {
            let is_word = phrase.starts_with(|c: char| c.is_alphabetic());
            if (is_word && !word_start) || !rest.starts_with(phrase) {
                continue;
            }
            let after = rest.get(phrase.len()..).unwrap_or_default();
            if let Some(value) = parse_quantity(after.trim_start()) {
                return Some(Bound {
                    comparison: *comparison,
                    value,
                });
            }
        }
    }
    // A lone percentage.
    let mut from = 0;
    while let Some(i) = lower.get(from..).and_then(|r| r.find('%')) {
        let at = from + i;
        let digits_start = lower
            .get(..at)
            .map(|b| b.trim_end())
            .map(|b| {
                b.len()
                    - b.chars()
                        .rev()
                        .take_while(|c| c.is_ascii_digit() || *c == '.')
                        .count()
            })
            .unwrap_or(at);
        if let Some(q) = lower.get(digits_start..).and_then(parse_quantity)
            && let Quantity::Percent(_) = q
        {
            return Some(Bound {
                comparison: Comparison::AtLeast,
                value: q,
            });
        }
        from = at + 1;
    }
    None
}

/// A number at the start of `text` with an optional unit after it (`2s`, `50 KB`, `80%`).
pub fn parse_quantity(text: &str) -> Option<Quantity> {
    let number_len = text
        .char_indices()
        .take_while(|(i, c)| c.is_ascii_digit() || ((*c == '.' || *c == ',') && *i > 0))
        .count();
    let digits: String = text
        .get(..number_len)?
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let digits = digits.trim_end_matches('.');
    if digits.is_empty() {
        return None;
    }
    let n: f64 = digits.parse().ok()?;
    let rest = text.get(number_len..)?.trim_start();
    let unit: String = rest
        .chars()
        .take_while(|c| c.is_alphabetic() || *c == '%')
        .collect();
    Some(with_unit(n, &unit))
}

/// A number in a unit (`s`, `ms`, `KB`, `%`, ...); an unknown unit leaves it a plain number.
pub(crate) fn with_unit(n: f64, unit: &str) -> Quantity {
    match unit_factor(unit) {
        Some((Kind::Percent, _)) => Quantity::Percent(n),
        Some((Kind::Time, f)) => Quantity::Seconds(n * f),
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a size in bytes, rounded; negative sizes make no sense and saturate to 0"
        )]
        Some((Kind::Size, f)) => Quantity::Bytes((n * f).round() as u64),
        None => Quantity::Number(n),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Percent,
    Time,
    Size,
}

fn unit_factor(unit: &str) -> Option<(Kind, f64)> {
    let u = unit.to_lowercase();
    Some(match u.as_str() {
        "%" | "percent" | "pct" => (Kind::Percent, 1.0),
        "s" | "sec" | "secs" | "second" | "seconds" => (Kind::Time, 1.0),
        "ms" | "msec" | "millisecond" | "milliseconds" => (Kind::Time, 1e-3),
        "us" | "µs" | "microsecond" | "microseconds" => (Kind::Time, 1e-6),
        "min" | "mins" | "minute" | "minutes" => (Kind::Time, 60.0),
        "b" | "byte" | "bytes" => (Kind::Size, 1.0),
        "k" | "kb" | "kilobyte" | "kilobytes" => (Kind::Size, 1e3),
        "kib" => (Kind::Size, 1024.0),
        "m" | "mb" | "megabyte" | "megabytes" => (Kind::Size, 1e6),
        "mib" => (Kind::Size, 1024.0 * 1024.0),
        "gb" | "gigabyte" | "gigabytes" => (Kind::Size, 1e9),
        "gib" => (Kind::Size, 1024.0 * 1024.0 * 1024.0),
        _ => return None,
    })
}

impl Quantity {
    /// The quantity as a number in `unit` (the unit of a measurement); `None` when the units
    /// measure different things (seconds against bytes).
    pub fn in_unit(self, unit: Option<&str>) -> Option<f64> {
        #[expect(clippy::cast_precision_loss, reason = "sizes compared as numbers")]
        let (kind, base) = match self {
            Self::Number(n) => return Some(n),
            Self::Percent(p) => (Kind::Percent, p),
            Self::Seconds(s) => (Kind::Time, s),
            Self::Bytes(b) => (Kind::Size, b as f64),
        };
        match unit.and_then(unit_factor) {
            Some((k, f)) if k == kind => Some(base / f),
            Some(_) => None,
            // A measurement without a unit is taken to be in the bound's base unit.
            None => Some(base),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(text: &str) -> Option<Bound> {
        find_bound(&text.to_lowercase())
    }

    #[test]
    fn bounds() {
        let x = b("Test coverage for auth module >= 80%").unwrap();
        assert_eq!(x.comparison, Comparison::AtLeast);
        assert_eq!(x.value, Quantity::Percent(80.0));
        let x = b("No new dependencies > 50KB gzipped").unwrap();
        assert_eq!(
            (x.comparison, x.value),
            (Comparison::Above, Quantity::Bytes(50_000))
        );
        let x = b("Load time for /login page < 2s on 3G throttle").unwrap();
        assert_eq!(
            (x.comparison, x.value),
            (Comparison::Below, Quantity::Seconds(2.0))
        );
        let x = b("grows by no more than 1.5 MiB").unwrap();
        assert_eq!(
            (x.comparison, x.value),
            (Comparison::AtMost, Quantity::Bytes(1_572_864))
        );
        let x = b("85% line coverage").unwrap();
        assert_eq!(
            (x.comparison, x.value),
            (Comparison::AtLeast, Quantity::Percent(85.0))
        );
        let x = b("latency under 250 ms").unwrap();
        assert_eq!(x.value, Quantity::Seconds(0.25));
        assert_eq!(b("works on 3G"), None);
        assert_eq!(b("hover over the button"), None);
    }

    #[test]
    fn units_convert() {
        assert_eq!(Quantity::Seconds(2.0).in_unit(Some("ms")), Some(2000.0));
        assert_eq!(Quantity::Bytes(2000).in_unit(Some("KB")), Some(2.0));
        assert_eq!(Quantity::Bytes(2000).in_unit(Some("s")), None);
        assert_eq!(Quantity::Number(3.0).in_unit(Some("s")), Some(3.0));
        assert_eq!(Quantity::Seconds(1.5).in_unit(None), Some(1.5));
    }
}
