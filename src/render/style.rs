//! Colour: only on a terminal, never with `NO_COLOR`, always with `--color always`.

use std::io::IsTerminal;

use crate::core::case::State;

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Auto,
    Always,
    Never,
}

/// Which clock people read times on: local time with its offset (like `git log`), or UTC
/// (`--utc`, or `TZ=UTC`). JSON and TSV are always UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zone {
    #[default]
    Utc,
    Local,
}

impl Zone {
    /// UTC with `--utc` or a `TZ` that names UTC; local time otherwise.
    pub fn decide(utc: bool) -> Zone {
        let tz = crate::vars::get("TZ").unwrap_or_default();
        if utc
            || matches!(
                tz.trim_start_matches(':'),
                "UTC" | "UTC0" | "Etc/UTC" | "Z" | "GMT"
            )
        {
            Zone::Utc
        } else {
            Zone::Local
        }
    }

    /// `2026-11-20 09:00` (UTC) or `2026-11-20 10:00 +0100` (local).
    /// Written by hand, not through `format`'s pattern parser: a list of 10,000 cases
    /// prints one per row.
    pub fn short(self, t: chrono::DateTime<chrono::Utc>) -> String {
        let mut out = String::with_capacity(22);
        self.push_short(&mut out, t);
        out
    }

    /// [`Zone::short`] onto the end of `out`.
    pub fn push_short(self, out: &mut String, t: chrono::DateTime<chrono::Utc>) {
        use chrono::{Datelike, Offset, Timelike};
        use std::fmt::Write;
        let (local, offset) = match self {
            Zone::Utc => (t.naive_utc(), None),
            Zone::Local => {
                let l = t.with_timezone(&chrono::Local);
                (l.naive_local(), Some(l.offset().fix().local_minus_utc()))
            }
        };
        if !super::push_date_time(out, local, b' ', None) {
            let _ = write!(
                out,
                "{:04}-{:02}-{:02} {:02}:{:02}",
                local.year(),
                local.month(),
                local.day(),
                local.hour(),
                local.minute()
            );
        }
        if let Some(secs) = offset {
            let sign = if secs < 0 { '-' } else { '+' };
            let m = secs.unsigned_abs() / 60;
            let _ = write!(out, " {sign}{:02}{:02}", m / 60, m % 60);
        }
    }

    /// `2026-11-20T09:00:00Z` (UTC) or `2026-11-20 10:00:00 +0100` (local).
    pub fn long(self, t: chrono::DateTime<chrono::Utc>) -> String {
        match self {
            Zone::Utc => crate::core::case::format_time(t),
            Zone::Local => t
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S %z")
                .to_string(),
        }
    }
}

/// Whether output gets colour (and which clock times are shown on), decided once per
/// command.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub enabled: bool,
    pub zone: Zone,
}

impl Style {
    /// Decides for stdout (`stderr = false`) or stderr.
    pub fn new(when: When, stderr: bool) -> Style {
        let enabled = match when {
            When::Always => true,
            When::Never => false,
            When::Auto => {
                let tty = if stderr {
                    std::io::stderr().is_terminal()
                } else {
                    std::io::stdout().is_terminal()
                };
                tty && crate::vars::get_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && crate::vars::get("TERM").is_none_or(|t| t != "dumb")
            }
        };
        Style {
            enabled,
            zone: Zone::Utc,
        }
    }

    pub fn plain() -> Style {
        Style {
            enabled: false,
            zone: Zone::Utc,
        }
    }

    /// Wraps `text` in an SGR sequence (e.g. "1;31" for bold red).
    pub fn paint(&self, text: &str, sgr: &str) -> String {
        if self.enabled && !sgr.is_empty() && !text.is_empty() {
            format!("\x1b[{sgr}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint(text, "1")
    }

    pub fn dim(&self, text: &str) -> String {
        self.paint(text, "2")
    }

    /// The colour of a priority by its rank (0 = most urgent).
    pub fn priority_sgr(rank: usize) -> &'static str {
        match rank {
            0 => "1;31",
            1 => "33",
            _ => "",
        }
    }

    pub fn state_sgr(state: State) -> &'static str {
        match state {
            State::New => "1;36",
            State::Open => "32",
            State::AwaitingInfo => "33",
            State::Resolved => "34",
            State::Closed | State::Cancelled => "2",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The hand-written short time is what chrono's pattern prints, in both zones.
        #[test]
        fn short_times_match_chrono(secs in -5_000_000_000i64..10_000_000_000i64) {
            let t = chrono::DateTime::from_timestamp(secs, 0).unwrap();
            proptest::prop_assert_eq!(Zone::Utc.short(t), t.format("%Y-%m-%d %H:%M").to_string());
            let local = t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M %z").to_string();
            proptest::prop_assert_eq!(Zone::Local.short(t), local);
        }
    }

    #[test]
    fn paint_only_when_enabled() {
        assert_eq!(Style::plain().paint("P1", "31"), "P1");
        let on = Style {
            enabled: true,
            zone: Zone::Utc,
        };
        assert_eq!(on.paint("P1", "31"), "\x1b[31mP1\x1b[0m");
        assert_eq!(on.paint("P1", ""), "P1");
        assert_eq!(Style::new(When::Never, false).paint("x", "1"), "x");
        assert!(Style::new(When::Always, false).enabled);
    }
}
