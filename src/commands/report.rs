//! `docket report`: loads every case and hands them to `core::report`.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use crate::cli::{ReportArgs, ReportBy};
use crate::core::report::{self, GroupBy, Options};
use crate::core::sla::Clocks;
use crate::error::{CmdError, Result};

use super::Env;

/// A date (`2026-11-01`, midnight UTC), an RFC 3339 time, or `-DURATION` before `now`.
fn parse_day(flag: &str, text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let t = text.trim();
    if let Some(rel) = t.strip_prefix('-') {
        let d = crate::core::duration::parse(rel)
            .map_err(|e| CmdError::user(format!("{flag} {text:?}: {e}")))?;
        return Ok(now - d);
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight exists")));
    }
    DateTime::parse_from_rfc3339(t)
        .map(|x| x.with_timezone(&Utc))
        .map_err(|e| {
            CmdError::user(format!("{flag} {text:?} is not a date or time ({e})"))
                .hint("write 2026-11-01, 2026-11-01T09:00:00Z or -30d")
        })
}

pub fn run(env: &mut Env<'_>, args: ReportArgs) -> Result<()> {
    let cb = env.casebook()?;
    let at = match &args.at {
        Some(a) => parse_day("--at", a, env.now)?,
        None => env.now,
    };
    let until = match &args.until {
        Some(u) => parse_day("--until", u, at)?,
        // Up to and including now: what happened this very second counts.
        None => at + Duration::nanoseconds(1),
    };
    let since = match &args.since {
        Some(s) => parse_day("--since", s, at)?,
        None => until - Duration::days(30),
    };
    if since >= until {
        return Err(CmdError::user(format!(
            "the period is empty: --since {} is not before --until {}",
            crate::core::case::format_time(since),
            crate::core::case::format_time(until)
        )));
    }
    if until - since > Duration::days(366 * 100) {
        return Err(CmdError::user(format!(
            "the period from {} to {} is longer than 100 years",
            crate::core::case::format_time(since),
            crate::core::case::format_time(until)
        ))
        .hint("give a later --since"));
    }
    let empty = crate::core::sla::Policy::default();
    let policy = match cb.policy() {
        Ok(p) => p,
        Err(_) => &empty,
    };
    let calendar = match &args.calendar {
        Some(name) => match policy.calendars.get_key_value(name.as_str()) {
            Some((n, c)) => Some((n.as_str(), c)),
            None => {
                return Err(CmdError::user(format!(
                    "unknown calendar {name:?} (docket.toml defines {})",
                    policy
                        .calendars
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        },
        None => None,
    };
    let (cases, bad) = cb.report_cases()?;
    for b in &bad {
        env.ui
            .error_row(format!("{}: {}; left out of the report", b.path, b.problem));
    }
    let o = Options {
        since,
        until,
        at,
        by: args.by.map(|b| match b {
            ReportBy::Team => GroupBy::Team,
            ReportBy::Agent => GroupBy::Agent,
            ReportBy::Channel => GroupBy::Channel,
            ReportBy::Type => GroupBy::Type,
            ReportBy::Priority => GroupBy::Priority,
            ReportBy::Account => GroupBy::Account,
            ReportBy::Week => GroupBy::Week,
            ReportBy::Month => GroupBy::Month,
        }),
        calendar,
    };
    let r = report::report(&cases, &Clocks::new(policy), &o);
    let format = env.ui.format;
    match &args.output {
        Some(path) => {
            let mut buf: Vec<u8> = Vec::new();
            crate::render::report::write(&mut buf, format, &r, false)?;
            crate::store::fsutil::write_output(path, &buf)?;
            env.status(format!("Wrote {}", path.display()));
        }
        None => {
            let fancy = env.ui.width.is_some();
            crate::render::report::write(env.ui.out(), format, &r, fancy)?;
        }
    }
    if !bad.is_empty() {
        return Err(CmdError::reported(crate::error::Kind::User));
    }
    Ok(())
}
