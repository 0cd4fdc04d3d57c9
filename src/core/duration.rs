//! Human durations such as `30m`, `4h`, `7d`, `1h30m`, used by settings like `autoclose_after`.

use chrono::Duration;

/// A duration that does not read as `30m`, `4h`, `7d` or a sum like `1h30m`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("empty duration (write e.g. 30m, 4h or 7d)")]
    Empty,
    #[error("invalid duration {0:?} (write e.g. 30m, 4h or 7d)")]
    Invalid(String),
    #[error("invalid duration {0:?}: number too large")]
    TooLarge(String),
    #[error("invalid duration {text:?}: unknown unit {unit:?} (use s, m, h, d or w)")]
    UnknownUnit { text: String, unit: char },
    #[error("invalid duration {0:?}: a number needs a unit (s, m, h, d or w)")]
    NoUnit(String),
}

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
        total += match c {
            's' => Duration::seconds(n),
            'm' => Duration::minutes(n),
            'h' => Duration::hours(n),
            'd' => Duration::seconds(n * day_secs),
            'w' => Duration::seconds(n * week_secs),
            _ => {
                return Err(DurationError::UnknownUnit {
                    text: text.to_string(),
                    unit: c,
                });
            }
        };
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
}
