//! Business-hours calendars: working spans per weekday in an IANA time zone, holidays
//! (whole or with their own hours), and the built-in `24x7`.
//!
//! [`Clock`] answers the two questions SLA clocks ask — how many working seconds lie in
//! `[a, b)`, and when `n` working seconds after `a` will have passed — exactly to the
//! second. Local working hours are turned into UTC instants day by day through the time
//! zone, so a span over a daylight-saving change counts the real elapsed time. Days are
//! computed lazily and kept with prefix sums, so long intervals cost O(1) after the first
//! use of each day.

use std::cell::RefCell;
use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// Working hours that do not read as `09:00-13:00`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpanError {
    #[error("invalid hours {0:?} (write e.g. \"09:00-13:00\")")]
    Invalid(String),
    #[error("hours {0:?} end before they start")]
    Backwards(String),
}

/// A working span within a local day, in minutes from midnight (`end` may be 1440).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// Parses `09:00-13:00` (`24:00` allowed as an end).
    pub fn parse(text: &str) -> Result<Span, SpanError> {
        let bad = || SpanError::Invalid(text.to_string());
        let (a, b) = text.split_once('-').ok_or_else(bad)?;
        let minutes = |t: &str| -> Result<u32, SpanError> {
            let (h, m) = t.trim().split_once(':').ok_or_else(bad)?;
            let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
            if m >= 60 || h > 24 || (h == 24 && m > 0) {
                return Err(bad());
            }
            Ok(h * 60 + m)
        };
        let span = Span {
            start: minutes(a)?,
            end: minutes(b)?,
        };
        if span.end <= span.start {
            return Err(SpanError::Backwards(text.to_string()));
        }
        Ok(span)
    }
}

/// A calendar. `zone = None` is `24x7`: every second counts.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub name: String,
    pub zone: Option<Tz>,
    /// Working spans per weekday, Monday first.
    pub week: [Vec<Span>; 7],
    /// Holidays: no work (empty) or these spans instead of the weekday's.
    pub holidays: BTreeMap<NaiveDate, Vec<Span>>,
}

impl Calendar {
    pub fn always() -> Calendar {
        Calendar {
            name: "24x7".into(),
            zone: None,
            week: Default::default(),
            holidays: BTreeMap::new(),
        }
    }

    pub fn is_24x7(&self) -> bool {
        self.zone.is_none()
    }

    fn spans_on(&self, date: NaiveDate) -> &[Span] {
        match self.holidays.get(&date) {
            Some(spans) => spans,
            None => &self.week[date.weekday().num_days_from_monday() as usize],
        }
    }

    /// Working seconds in a normal week (24x7: a whole week).
    pub fn week_seconds(&self) -> i64 {
        if self.is_24x7() {
            return 7 * 86_400;
        }
        self.week
            .iter()
            .flatten()
            .map(|s| i64::from(s.end - s.start) * 60)
            .sum()
    }

    /// One working day: the average over the weekdays that have working hours (24x7:
    /// 24 hours). What `1d` means in an SLA target on this calendar.
    pub fn day_seconds(&self) -> i64 {
        if self.is_24x7() {
            return 86_400;
        }
        let days = self.week.iter().filter(|d| !d.is_empty()).count() as i64;
        if days == 0 {
            86_400
        } else {
            self.week_seconds() / days
        }
    }

    /// Whether any working time exists in a typical week or on a holiday override.
    pub fn has_working_time(&self) -> bool {
        self.is_24x7()
            || self.week.iter().any(|d| !d.is_empty())
            || self.holidays.values().any(|d| !d.is_empty())
    }
}

/// The UTC instant of a local time; a time skipped by a daylight-saving jump maps to the
/// end of the jump, a repeated one to its first occurrence.
fn to_utc(zone: Tz, local: NaiveDateTime) -> i64 {
    if let Some(t) = zone.from_local_datetime(&local).earliest() {
        return t.timestamp();
    }
    // In a gap: walk forward minute by minute to the first time that exists.
    let mut probe = local;
    for _ in 0..(24 * 60) {
        probe += Duration::minutes(1);
        if let Some(t) = zone.from_local_datetime(&probe).earliest() {
            return t.timestamp();
        }
    }
    zone.from_utc_datetime(&local).timestamp()
}

#[derive(Default)]
struct Days {
    /// Local date of `spans[0]`.
    first: Option<NaiveDate>,
    /// Per day, the working spans as UTC seconds `[start, end)`.
    spans: Vec<Vec<(i64, i64)>>,
    /// `prefix[i]` = working seconds in days before `i`.
    prefix: Vec<i64>,
}

/// A calendar ready for computation.
pub struct Clock<'a> {
    pub calendar: &'a Calendar,
    days: RefCell<Days>,
}

/// How far `advance` looks before deciding the clock can never reach its target.
const HORIZON_DAYS: i64 = 3 * 366;

impl<'a> Clock<'a> {
    pub fn new(calendar: &'a Calendar) -> Clock<'a> {
        Clock {
            calendar,
            days: RefCell::new(Days::default()),
        }
    }

    fn local_date(&self, zone: Tz, t: i64) -> NaiveDate {
        zone.timestamp_opt(t, 0)
            .single()
            .expect("UTC timestamps map to one local time")
            .date_naive()
    }

    fn day_spans(&self, zone: Tz, date: NaiveDate) -> Vec<(i64, i64)> {
        let midnight = date
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists as a naive time");
        self.calendar
            .spans_on(date)
            .iter()
            .map(|s| {
                let a = to_utc(zone, midnight + Duration::minutes(i64::from(s.start)));
                let b = to_utc(zone, midnight + Duration::minutes(i64::from(s.end)));
                (a, b.max(a))
            })
            .collect()
    }

    /// Makes sure `date` is computed; returns its index.
    fn ensure(&self, zone: Tz, date: NaiveDate) -> usize {
        let mut d = self.days.borrow_mut();
        let first = *d.first.get_or_insert(date);
        if date < first {
            let missing = (first - date).num_days() as usize;
            let mut spans: Vec<Vec<(i64, i64)>> = (0..missing)
                .map(|i| self.day_spans(zone, date + Duration::days(i as i64)))
                .collect();
            spans.append(&mut d.spans);
            d.spans = spans;
            d.first = Some(date);
            d.prefix.clear();
        }
        let first = d.first.expect("set above");
        let index = (date - first).num_days() as usize;
        while d.spans.len() <= index {
            let next = first + Duration::days(d.spans.len() as i64);
            let spans = self.day_spans(zone, next);
            d.spans.push(spans);
        }
        if d.prefix.len() < d.spans.len() + 1 {
            if d.prefix.is_empty() {
                d.prefix.push(0);
            }
            while d.prefix.len() < d.spans.len() + 1 {
                let i = d.prefix.len() - 1;
                let day: i64 = d.spans[i].iter().map(|(a, b)| b - a).sum();
                let last = d.prefix[i];
                d.prefix.push(last + day);
            }
        }
        index
    }

    fn clipped(spans: &[(i64, i64)], a: i64, b: i64) -> i64 {
        spans
            .iter()
            .map(|(s, e)| ((*e).min(b) - (*s).max(a)).max(0))
            .sum()
    }

    /// Working seconds in `[a, b)` (0 when `b <= a`).
    pub fn seconds(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        let (a, b) = (a.timestamp(), b.timestamp());
        if b <= a {
            return 0;
        }
        let Some(zone) = self.calendar.zone else {
            return b - a;
        };
        let (da, db) = (self.local_date(zone, a), self.local_date(zone, b));
        // `da` first: it may prepend days; `db >= da` then only appends.
        self.ensure(zone, da);
        self.ensure(zone, db);
        let d = self.days.borrow();
        let first = d.first.expect("computed by ensure");
        let ia2 = (da - first).num_days() as usize;
        let ib2 = (db - first).num_days() as usize;
        if ia2 == ib2 {
            return Self::clipped(&d.spans[ia2], a, b);
        }
        Self::clipped(&d.spans[ia2], a, i64::MAX)
            + (d.prefix[ib2] - d.prefix[ia2 + 1])
            + Self::clipped(&d.spans[ib2], i64::MIN, b)
    }

    /// The earliest instant `t >= a` with `seconds(a, t) == n`, or `None` when the
    /// calendar has no working time within the horizon.
    pub fn advance(&self, a: DateTime<Utc>, n: i64) -> Option<DateTime<Utc>> {
        let Some(zone) = self.calendar.zone else {
            return DateTime::from_timestamp(a.timestamp() + n, 0);
        };
        let mut t = a.timestamp();
        let mut left = n;
        let mut date = self.local_date(zone, t);
        for _ in 0..HORIZON_DAYS {
            let i = self.ensure(zone, date);
            let d = self.days.borrow();
            for (s, e) in &d.spans[i] {
                let s = (*s).max(t);
                if *e <= s {
                    continue;
                }
                if e - s >= left {
                    return DateTime::from_timestamp(s + left, 0);
                }
                left -= e - s;
                t = *e;
            }
            drop(d);
            date = date.succ_opt()?;
        }
        None
    }
}

/// Weekday keys as written in docket.toml.
pub const WEEKDAYS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    pub fn office(zone: &str) -> Calendar {
        let mut week: [Vec<Span>; 7] = Default::default();
        for d in week.iter_mut().take(5) {
            *d = vec![
                Span::parse("09:00-13:00").unwrap(),
                Span::parse("14:00-18:00").unwrap(),
            ];
        }
        Calendar {
            name: "office".into(),
            zone: Some(zone.parse().unwrap()),
            week,
            holidays: BTreeMap::new(),
        }
    }

    #[test]
    fn spans_parse_and_reject_nonsense() {
        assert_eq!(
            Span::parse("09:00-13:30").unwrap(),
            Span {
                start: 540,
                end: 810
            }
        );
        assert_eq!(Span::parse("00:00-24:00").unwrap().end, 1440);
        assert!(Span::parse("13:00-09:00").is_err());
        assert!(Span::parse("9-17").is_err());
        assert!(Span::parse("09:00-25:00").is_err());
    }

    #[test]
    fn always_counts_wall_clock_seconds() {
        let cal = Calendar::always();
        let c = Clock::new(&cal);
        assert_eq!(
            c.seconds(utc("2026-11-20T09:00:00Z"), utc("2026-11-21T09:00:01Z")),
            86_401
        );
        assert_eq!(
            c.advance(utc("2026-11-20T09:00:00Z"), 60),
            Some(utc("2026-11-20T09:01:00Z"))
        );
    }

    #[test]
    fn business_hours_skip_lunch_nights_and_weekends() {
        let cal = office("Europe/Madrid"); // UTC+1 in November
        let c = Clock::new(&cal);
        // Friday 17:00 local to Monday 10:00 local: 1h Friday + 1h Monday.
        let fri = utc("2026-11-20T16:00:00Z");
        let mon = utc("2026-11-23T09:00:00Z");
        assert_eq!(c.seconds(fri, mon), 2 * 3600);
        // Lunch does not count.
        assert_eq!(
            c.seconds(utc("2026-11-20T11:30:00Z"), utc("2026-11-20T13:30:00Z")),
            3600
        );
        // 2 working hours after Friday 17:00 local is Monday 10:00 local.
        assert_eq!(c.advance(fri, 2 * 3600), Some(mon));
    }

    #[test]
    fn holidays_remove_or_replace_the_day() {
        let mut cal = office("Europe/Madrid");
        cal.holidays
            .insert(NaiveDate::from_ymd_opt(2026, 12, 8).unwrap(), vec![]);
        cal.holidays.insert(
            NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(),
            vec![Span::parse("09:00-13:00").unwrap()],
        );
        let c = Clock::new(&cal);
        let day = |d: &str| {
            (
                utc(&format!("{d}T00:00:00Z")),
                utc(&format!("{d}T23:59:59Z")),
            )
        };
        let (a, b) = day("2026-12-08");
        assert_eq!(c.seconds(a, b), 0);
        let (a, b) = day("2026-12-24");
        assert_eq!(c.seconds(a, b), 4 * 3600);
        let (a, b) = day("2026-12-09");
        assert_eq!(c.seconds(a, b), 8 * 3600);
    }

    #[test]
    fn a_day_over_a_daylight_saving_change_counts_real_time() {
        let mut cal = Calendar {
            name: "allday".into(),
            zone: Some("Europe/Madrid".parse().unwrap()),
            week: Default::default(),
            holidays: BTreeMap::new(),
        };
        for d in cal.week.iter_mut() {
            *d = vec![Span::parse("00:00-24:00").unwrap()];
        }
        let c = Clock::new(&cal);
        // 2026-03-29: clocks go 02:00 → 03:00 in Madrid; the local day has 23 hours.
        let a = utc("2026-03-28T23:00:00Z"); // 00:00 local
        let b = utc("2026-03-29T22:00:00Z"); // 24:00 local
        assert_eq!(c.seconds(a, b), 23 * 3600);
        // 2026-10-25: clocks go back; the day has 25 hours.
        assert_eq!(
            c.seconds(utc("2026-10-24T22:00:00Z"), utc("2026-10-25T23:00:00Z")),
            25 * 3600
        );
    }

    #[test]
    fn a_calendar_without_hours_never_advances() {
        let cal = Calendar {
            name: "never".into(),
            zone: Some("UTC".parse().unwrap()),
            week: Default::default(),
            holidays: BTreeMap::new(),
        };
        let c = Clock::new(&cal);
        assert_eq!(c.advance(utc("2026-01-01T00:00:00Z"), 1), None);
    }

    #[test]
    fn earlier_days_can_be_added_after_later_ones() {
        let cal = office("America/New_York");
        let c = Clock::new(&cal);
        let late = c.seconds(utc("2026-11-20T14:00:00Z"), utc("2026-11-20T23:00:00Z"));
        let early = c.seconds(utc("2026-11-02T14:00:00Z"), utc("2026-11-03T23:00:00Z"));
        let across = c.seconds(utc("2026-11-02T14:00:00Z"), utc("2026-11-20T23:00:00Z"));
        assert_eq!(late, 8 * 3600);
        assert_eq!(early, 16 * 3600);
        assert_eq!(across, 15 * 8 * 3600);
    }
}
