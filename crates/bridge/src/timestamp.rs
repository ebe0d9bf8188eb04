//! UTC timestamps: parsing the transcript's ISO-8601 strings and formatting dates, without a
//! date-time dependency.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// A point in time, in whole seconds since the Unix epoch (UTC).
///
/// Serialises as an RFC 3339 string (`2026-08-24T18:20:02Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Timestamp(i64);

impl Timestamp {
    /// A timestamp from seconds since the Unix epoch.
    #[must_use]
    pub const fn from_unix_seconds(seconds: i64) -> Self {
        Self(seconds)
    }

    /// The current wall-clock time.
    #[must_use]
    pub fn now() -> Self {
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        Self(seconds)
    }

    /// Seconds since the Unix epoch.
    #[must_use]
    pub const fn unix_seconds(self) -> i64 {
        self.0
    }

    /// Parses an ISO-8601 / RFC 3339 date-time such as `2026-08-24T18:20:02.481Z` or
    /// `2026-08-24T20:20:02+02:00` (fractional seconds are dropped). `None` when malformed.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.trim().as_bytes();
        let num = |from: usize, len: usize| -> Option<i64> {
            let digits = b.get(from..from + len)?;
            digits.iter().try_fold(0_i64, |acc, &d| {
                d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
            })
        };
        let sep = |at: usize, allowed: &[u8]| b.get(at).is_some_and(|c| allowed.contains(c));
        if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
            return None;
        }
        let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
        let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
            return None;
        }
        if second > 60 {
            return None;
        }
        let mut at = 19;
        if sep(at, b".,") {
            at += 1;
            while b.get(at).is_some_and(u8::is_ascii_digit) {
                at += 1;
            }
        }
        let offset = match b.get(at) {
            None | Some(b'Z' | b'z') => 0,
            Some(&sign @ (b'+' | b'-')) => {
                let hours = num(at + 1, 2)?;
                let minutes = if sep(at + 3, b":") {
                    num(at + 4, 2)?
                } else {
                    num(at + 3, 2)?
                };
                let total = hours * 3600 + minutes * 60;
                if sign == b'+' { total } else { -total }
            }
            Some(_) => return None,
        };
        let days = days_from_civil(year, month, day);
        Some(Self(
            days * 86_400 + hour * 3600 + minute * 60 + second - offset,
        ))
    }

    /// The calendar date, `YYYY-MM-DD`.
    #[must_use]
    pub fn date(self) -> String {
        let (y, m, d) = civil_from_days(self.0.div_euclid(86_400));
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// The time of day, `HH:MM`.
    #[must_use]
    pub fn time_of_day(self) -> String {
        let secs = self.0.rem_euclid(86_400);
        format!("{:02}:{:02}", secs / 3600, (secs % 3600) / 60)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.rem_euclid(86_400);
        write!(
            f,
            "{}T{:02}:{:02}:{:02}Z",
            self.date(),
            secs / 3600,
            (secs % 3600) / 60,
            secs % 60
        )
    }
}

impl From<Timestamp> for String {
    fn from(t: Timestamp) -> Self {
        t.to_string()
    }
}

impl TryFrom<String> for Timestamp {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text).ok_or_else(|| format!("invalid timestamp `{text}`"))
    }
}

/// Formats a duration the way the original bridge did: `Xh Ym`, `Nm`, or `<1m`.
#[must_use]
pub(crate) fn format_duration(seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    match (minutes / 60, minutes % 60) {
        (0, 0) => "<1m".to_owned(),
        (0, m) => format!("{m}m"),
        (h, m) => format!("{h}h {m}m"),
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
const fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
const fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_transcript_timestamps() {
        let t = Timestamp::parse("2026-08-24T18:20:02.481Z").unwrap();
        assert_eq!(t.to_string(), "2026-08-24T18:20:02Z");
        assert_eq!(t.date(), "2026-08-24");
        assert_eq!(t.time_of_day(), "18:20");
        assert_eq!(
            Timestamp::parse("1970-01-01T00:00:00Z")
                .unwrap()
                .unix_seconds(),
            0
        );
        assert_eq!(
            Timestamp::parse("2026-08-24T20:20:02+02:00"),
            Timestamp::parse("2026-08-24T18:20:02Z")
        );
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "2026-08-24",
            "2026-13-01T00:00:00Z",
            "2026-08-24T18:20:02Q",
            "x026-08-24T18:20:02Z",
        ] {
            assert_eq!(Timestamp::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(format_duration(0), "<1m");
        assert_eq!(format_duration(59), "<1m");
        assert_eq!(format_duration(300), "5m");
        assert_eq!(format_duration(3900), "1h 5m");
        assert_eq!(format_duration(-5), "<1m");
    }

    proptest! {
        #[test]
        fn display_parse_round_trip(secs in -62_135_596_800_i64..253_402_300_799) {
            let t = Timestamp::from_unix_seconds(secs);
            prop_assert_eq!(Timestamp::parse(&t.to_string()), Some(t));
        }
    }
}
