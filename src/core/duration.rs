//! Human durations such as `30m`, `4h`, `7d`, `1h30m`, used by settings like `autoclose_after`.

use chrono::Duration;

/// A duration that does not read as `30m`, `4h`, `7d` or a sum like `1h30m`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("empty duration (write e.g. 30m, 4h or 7d)")]
    Empty,
    #[error("invalid duration {0:?} (write e.g. 30m, 4h or 7d)")]
    Invalid(String),
    #[error("invalid duration {0:?}: longer than 100 years")]
    TooLarge(String),
    #[error("invalid duration {text:?}: unknown unit {unit:?} (use s, m, h, d or w)")]
    UnknownUnit { text: String, unit: char },
    #[error("invalid duration {0:?}: a number needs a unit (s, m, h, d or w)")]
    NoUnit(String),
}

/// The longest duration docket accepts (100 years): enough for any policy, and far from
/// where time arithmetic overflows.
pub const MAX_SECONDS: i64 = 100 * 366 * 86_400;

/// Parses `30s`, `30m`, `4h`, `2d`, `1w` and sums like `1h30m`.
pub fn parse(text: &str) -> Result<Duration, DurationError> {
    parse_with(text, 86_400, 7 * 86_400)
}

/// Like [`parse`], with the length of a day and of a week given in seconds (a business
/// calendar's working day and week).
pub fn parse_with(text: &str, day_secs: i64, week_secs: i64) -> Result<Duration, DurationError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(DurationError::Empty);
    }
    let mut total = Duration::zero();
    let mut number = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        if number.is_empty() {
            return Err(DurationError::Invalid(text.to_string()));
        }
        let n: i64 = number
            .parse()
            .map_err(|_| DurationError::TooLarge(text.to_string()))?;
        number.clear();
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => day_secs,
            'w' => week_secs,
            _ => {
                return Err(DurationError::UnknownUnit {
                    text: text.to_string(),
                    unit: c,
                });
            }
        };
        let too_large = || DurationError::TooLarge(text.to_string());
        let secs = n.checked_mul(unit).ok_or_else(too_large)?;
        total = Duration::try_seconds(secs)
            .and_then(|d| total.checked_add(&d))
            .filter(|t| t.num_seconds() <= MAX_SECONDS)
            .ok_or_else(too_large)?;
    }
    if !number.is_empty() {
        return Err(DurationError::NoUnit(text.to_string()));
    }
    Ok(total)
}

/// Formats a duration the way `parse` reads it, largest units first (`1d2h`).
pub fn format(d: Duration) -> String {
    let mut secs = d.num_seconds();
    if secs == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    if secs < 0 {
        out.push('-');
        secs = -secs;
    }
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if secs >= size {
            out.push_str(&format!("{}{unit}", secs / size));
            secs %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_single_units() {
        assert_eq!(parse("30m").unwrap(), Duration::minutes(30));
        assert_eq!(parse("4h").unwrap(), Duration::hours(4));
        assert_eq!(parse("7d").unwrap(), Duration::days(7));
        assert_eq!(parse("1w").unwrap(), Duration::days(7));
    }

    #[test]
    fn parses_sums() {
        assert_eq!(parse("1h30m").unwrap(), Duration::minutes(90));
    }

    #[test]
    fn days_and_weeks_can_be_working_days_and_weeks() {
        assert_eq!(
            parse_with("2d", 8 * 3600, 40 * 3600).unwrap(),
            Duration::hours(16)
        );
        assert_eq!(
            parse_with("1w1d", 8 * 3600, 40 * 3600).unwrap(),
            Duration::hours(48)
        );
    }

    #[test]
    fn rejects_missing_units_and_unknown_units() {
        assert!(
            parse("30")
                .unwrap_err()
                .to_string()
                .contains("needs a unit")
        );
        assert!(
            parse("3y")
                .unwrap_err()
                .to_string()
                .contains("unknown unit")
        );
        assert!(parse("").is_err());
        assert!(parse("h").is_err());
    }

    #[test]
    fn formats_round_trip() {
        for text in ["1d2h", "30m", "45s", "7d"] {
            assert_eq!(format(parse(text).unwrap()), text);
        }
    }

    proptest::proptest! {
        /// Any text either parses to a duration of at most 100 years or is refused; it
        /// never panics, whatever the units or the size of the numbers.
        #[test]
        fn any_text_parses_or_is_refused(text in "\\PC{0,24}", digits in "[0-9]{1,30}[smhdwx]{0,3}") {
            for t in [text.as_str(), digits.as_str()] {
                if let Ok(d) = parse(t) {
                    proptest::prop_assert!(d.num_seconds() >= 0 && d.num_seconds() <= MAX_SECONDS);
                }
                let _ = parse_with(t, 8 * 3600, 5 * 8 * 3600);
            }
        }
    }

    #[test]
    fn overflowing_durations_are_refused() {
        for t in [
            "999999999999999d",
            "99999999999999w",
            "9223372036854775807s",
            "101y",
            "36600d1s",
        ] {
            assert!(parse(t).is_err(), "{t}");
        }
        assert!(matches!(
            parse("999999999999999d"),
            Err(DurationError::TooLarge(_))
        ));
        assert_eq!(parse("36500d").unwrap().num_days(), 36500);
    }
}
