//! SLA report formats: table, JSON rows, JUnit XML, Markdown, GitHub annotations, CSV, TSV.

use std::io::{self, Write};

use chrono::{DateTime, Utc};

use crate::core::case::{Case, format_time};
use crate::core::sla::{ClockReport, Policy, Stage};

use super::Format;
use super::style::Style;

/// Prints the clock rows of `docket sla` in `format` (the table is sized to `width`).
#[allow(clippy::too_many_arguments)]
pub fn write(
    out: &mut dyn Write,
    format: Format,
    rows: &[(ClockReport, &Case)],
    policy: &Policy,
    now: DateTime<Utc>,
    width: Option<usize>,
    style: Style,
    case_file: &dyn Fn(&str) -> String,
) -> io::Result<()> {
    let text = match format {
        Format::Json => json(rows),
        Format::Junit => junit(rows, policy, now),
        Format::Markdown => markdown(rows, now),
        Format::Github => github(rows, case_file),
        Format::Csv => csv(rows),
        Format::Tsv => tsv(rows),
        Format::Table | Format::Dot | Format::Html => return table(out, rows, width, style),
    };
    // Case text in the table is escaped for the terminal; machine formats keep it exact.
    out.write_all(text.as_bytes())
}

/// Prints `sla explain`: the reports as JSON, or the intervals for people.
pub fn write_explain(
    out: &mut dyn Write,
    format: Format,
    case: &Case,
    reports: &[ClockReport],
    policy: &Policy,
    now: DateTime<Utc>,
) -> io::Result<()> {
    match format {
        Format::Json => super::write_json(out, &reports),
        _ => out.write_all(super::safe(&explain(case, reports, policy, now)).as_bytes()),
    }
}

/// A duration for people: `45m`, `1h30m`, `40h`; days (of 24 hours) only past 99 hours, so
/// working time is not mistaken for working days.
pub fn human(secs: i64) -> String {
    let mut out = String::new();
    push_human(&mut out, secs);
    out
}

/// [`human`] onto the end of `out`, digit by digit: `write!` for each of the three
/// durations of 155,000 clock rows was a fifth of printing them.
fn push_human(out: &mut String, secs: i64) {
    use super::push_number as num;
    let s = secs.unsigned_abs();
    let (h, m, sec) = (s / 3600, s % 3600 / 60, s % 60);
    if secs < 0 {
        out.push('-');
    }
    if h > 99 {
        let (d, h) = (h / 24, h % 24);
        num(out, d);
        out.push('d');
        if h != 0 {
            num(out, h);
            out.push('h');
        }
        return;
    }
    match (h, m) {
        (0, 0) => {
            num(out, sec);
            out.push('s');
        }
        (0, m) => {
            num(out, m);
            out.push('m');
        }
        (h, 0) => {
            num(out, h);
            out.push('h');
        }
        (h, m) => {
            num(out, h);
            out.push('h');
            if m < 10 {
                out.push('0');
            }
            num(out, m);
            out.push('m');
        }
    }
}

fn short(t: DateTime<Utc>) -> String {
    super::style::Zone::Utc.short(t)
}

/// The LEFT cell: the time left, how far over, or `-`.
fn left(r: &ClockReport) -> String {
    let mut out = String::new();
    push_left(&mut out, r);
    out
}

/// The STAGE cell (with the warning threshold passed, if any).
fn stage_label(r: &ClockReport) -> String {
    let mut out = String::new();
    push_stage(&mut out, r);
    out
}

/// [`left`] onto the end of `out`: the time left, how far over, or `-`.
fn push_left(out: &mut String, r: &ClockReport) {
    match r.stage {
        Stage::Achieved | Stage::Cancelled => out.push('-'),
        _ if r.remaining_seconds <= 0 => {
            push_human(out, -r.remaining_seconds);
            out.push_str(" over");
        }
        _ => push_human(out, r.remaining_seconds),
    }
}

/// [`stage_label`] onto the end of `out`.
fn push_stage(out: &mut String, r: &ClockReport) {
    out.push_str(r.stage.as_str());
    if let (Stage::InProgress | Stage::Paused, Some(w)) = (r.stage, r.warning) {
        use std::fmt::Write;
        let _ = write!(out, " (≥{w}%)");
    }
}

fn stage_sgr(r: &ClockReport) -> &'static str {
    match r.stage {
        Stage::Breached => "1;31",
        _ if r.at_risk() => "33",
        Stage::InProgress => "32",
        Stage::Paused => "36",
        Stage::Achieved | Stage::Cancelled => "2",
    }
}

/// One JSON object per case-SLA pair: the documented clock names plus the case's title,
/// priority, state, assignee and team.
#[derive(serde::Serialize)]
pub struct JsonRow<'a> {
    #[serde(flatten)]
    pub report: &'a ClockReport,
    pub title: &'a str,
    pub priority: &'a str,
    pub state: &'a str,
    pub assignee: Option<&'a str>,
    pub team: Option<&'a str>,
    pub at_risk: bool,
}

/// The rows as a pretty-printed JSON array.
fn json(rows: &[(ClockReport, &Case)]) -> String {
    let rows: Vec<JsonRow<'_>> = rows
        .iter()
        .map(|(r, c)| JsonRow {
            report: r,
            title: &c.title,
            priority: &c.priority,
            state: c.state.as_str(),
            assignee: c.assignee.as_deref(),
            team: c.team.as_deref(),
            at_risk: r.at_risk(),
        })
        .collect();
    serde_json::to_string_pretty(&rows).expect("rows serialise") + "\n"
}

/// The table, written to `sink` as it is made, a block of rows at a time: at 50,000 cases
/// it is 9.6 MB, and memory touched for the first time costs more than the text.
fn table(
    sink: &mut dyn Write,
    rows: &[(ClockReport, &Case)],
    width: Option<usize>,
    style: Style,
) -> io::Result<()> {
    let headers = [
        "CASE",
        "SLA",
        "STAGE",
        "ELAPSED/TARGET",
        "LEFT",
        "BREACH AT (UTC)",
        "TITLE",
    ];
    // The cells docket computes (stage, elapsed/target, left, breach time) are written
    // one after another into one buffer per stretch of rows, each row keeping where its
    // cells end; the others are borrowed. 150,000 clocks print without a string per cell.
    // The stretches are made on every core, with the columns' widths.
    let parts: Vec<&[(ClockReport, &Case)]> = rows.chunks(CELLS).collect();
    let measured = crate::core::par::on_cores(&parts, |part| {
        let mut text = String::with_capacity(part.len() * 48);
        let mut ends: Vec<[u32; 4]> = Vec::with_capacity(part.len());
        let mut widths = [0; 7];
        let mut measure = |i: usize, cell: &str| widths[i] = widths[i].max(super::width(cell));
        for (k, (r, c)) in part.iter().enumerate() {
            if let Some((_, c)) = part.get(k + super::ROWS_AHEAD) {
                super::prefetch(c.title.as_bytes(), 1);
            }
            let mut end = [0u32; 4];
            let mut start = text.len();
            let cell_end = |text: &String| u32::try_from(text.len()).unwrap_or(u32::MAX);
            for (k, col) in [2usize, 3, 4, 5].into_iter().enumerate() {
                match col {
                    2 => push_stage(&mut text, r),
                    3 => {
                        push_human(&mut text, r.elapsed_seconds);
                        text.push('/');
                        push_human(&mut text, r.target_seconds);
                    }
                    4 => push_left(&mut text, r),
                    _ => match r.breach_at {
                        Some(t) => super::style::Zone::Utc.push_short(&mut text, t),
                        None => text.push('-'),
                    },
                }
                end[k] = cell_end(&text);
                measure(col, &text[start..]);
                start = text.len();
            }
            ends.push(end);
            measure(0, &r.case);
            measure(1, &r.sla);
            measure(6, &super::safe(&c.title));
        }
        (widths, text, ends)
    });
    let widths = super::widest(
        headers.map(super::width),
        measured.iter().map(|(w, _, _)| *w),
    );
    // On a narrow terminal, drop the breach time, then elapsed/target, before squeezing
    // the title below 16 characters.
    let (shown, title_max) = super::fit_columns(&widths, width, &[5, 3], 16);
    let line = |out: &mut String, cells: [&str; 7], sgr: &str| {
        let start = out.len();
        for &i in &shown {
            let cell = cells[i];
            if i == 6 {
                match title_max {
                    Some(m) => out.push_str(&super::truncate(cell, m)),
                    None => out.push_str(cell),
                }
            } else {
                let pad = widths[i] - super::width(cell) + 2;
                if i == 2 && style.enabled {
                    out.push_str(&style.paint(cell, sgr));
                } else {
                    out.push_str(cell);
                }
                super::push_spaces(out, pad);
            }
        }
        let kept = out[start..].trim_end().len();
        out.truncate(start + kept);
        out.push('\n');
    };
    let mut out = String::new();
    line(&mut out, headers, "");
    sink.write_all(out.as_bytes())?;
    // The rows a block at a time on every core, written in order.
    let block = |first: usize, part: &[(ClockReport, &Case)], out: &mut String| {
        for (k, (i, (r, c))) in (first..).zip(part).enumerate() {
            if let Some((_, c)) = part.get(k + super::ROWS_AHEAD) {
                super::prefetch(c.title.as_bytes(), 1);
            }
            let (_, text, ends) = &measured[i / CELLS];
            let j = i % CELLS;
            let end = ends[j];
            let start = if j == 0 { 0 } else { ends[j - 1][3] as usize };
            let cell = |k: usize, start: usize| &text[start..end[k] as usize];
            let title = super::safe(&c.title);
            let computed = [
                cell(0, start),
                cell(1, end[0] as usize),
                cell(2, end[1] as usize),
                cell(3, end[2] as usize),
            ];
            line(
                out,
                [
                    r.case.as_str(),
                    r.sla.as_str(),
                    computed[0],
                    computed[1],
                    computed[2],
                    computed[3],
                    &title,
                ],
                stage_sgr(r),
            );
        }
    };
    super::write_rows(sink, rows, &widths, block)
}

/// Rows whose computed cells the table's first pass keeps in one string.
const CELLS: usize = 128;

fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn detail(r: &ClockReport, c: &Case) -> String {
    let mut d = format!(
        "{} {}: {} of {} used ({:.1}%), clock started {}",
        r.case,
        c.title,
        human(r.elapsed_seconds),
        human(r.target_seconds),
        r.percent,
        format_time(r.started_at),
    );
    if let Some(b) = r.breach_at {
        let verb = if r.stage == Stage::Breached {
            "breached at"
        } else {
            "breaches at"
        };
        d.push_str(&format!("; {verb} {}", format_time(b)));
    }
    d.push_str(&format!(
        "; priority {}, assignee {}, calendar {}",
        c.priority,
        c.assignee.as_deref().unwrap_or("none"),
        r.calendar
    ));
    d
}

/// JUnit XML: `<testsuites>` with one `<testsuite>` per SLA definition and one
/// `<testcase>` per case-SLA pair; breached = `<failure>`, at risk = `<system-out>`,
/// cancelled = `<skipped>`. The shape Jenkins, GitLab and GitHub test reporters read.
fn junit(rows: &[(ClockReport, &Case)], policy: &Policy, now: DateTime<Utc>) -> String {
    let failures = rows
        .iter()
        .filter(|(r, _)| r.stage == Stage::Breached)
        .count();
    let skipped = rows
        .iter()
        .filter(|(r, _)| r.stage == Stage::Cancelled)
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"docket sla\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"0\" timestamp=\"{}\">\n",
        rows.len(),
        format_time(now)
    ));
    let mut names: Vec<&str> = policy.slas.iter().map(|s| s.name.as_str()).collect();
    for (r, _) in rows {
        if !names.contains(&r.sla.as_str()) {
            names.push(&r.sla);
        }
    }
    for name in names {
        let suite: Vec<&(ClockReport, &Case)> =
            rows.iter().filter(|(r, _)| r.sla == name).collect();
        let f = suite
            .iter()
            .filter(|(r, _)| r.stage == Stage::Breached)
            .count();
        let s = suite
            .iter()
            .filter(|(r, _)| r.stage == Stage::Cancelled)
            .count();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"0\" skipped=\"{s}\" time=\"0\" timestamp=\"{}\">\n",
            xml(name),
            suite.len(),
            format_time(now)
        ));
        for (r, c) in suite {
            out.push_str(&format!(
                "    <testcase name=\"{}: {}\" classname=\"sla.{}\" time=\"0\">\n",
                xml(&r.case),
                xml(&c.title),
                xml(&r.sla)
            ));
            match r.stage {
                Stage::Breached => out.push_str(&format!(
                    "      <failure type=\"breach\" message=\"{} breached {}: {} over the {} target\">{}</failure>\n",
                    xml(&r.case),
                    xml(&r.sla),
                    human(-r.remaining_seconds),
                    human(r.target_seconds),
                    xml(&detail(r, c))
                )),
                Stage::Cancelled => out.push_str(&format!(
                    "      <skipped message=\"{}\"/>\n",
                    xml("cancelled: the case no longer matches this SLA, or was cancelled")
                )),
                _ if r.at_risk() => out.push_str(&format!(
                    "      <system-out>{}</system-out>\n",
                    xml(&format!("AT RISK (past {}%): {}", r.warning.unwrap_or(0), detail(r, c)))
                )),
                _ => {}
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn md(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn markdown(rows: &[(ClockReport, &Case)], now: DateTime<Utc>) -> String {
    let breached = rows
        .iter()
        .filter(|(r, _)| r.stage == Stage::Breached)
        .count();
    let at_risk = rows.iter().filter(|(r, _)| r.at_risk()).count();
    let mut out = format!("## SLA report ({} UTC)\n\n", short(now));
    out.push_str(&format!(
        "{} breached, {} at risk, {} clocks in all.\n\n",
        if breached > 0 {
            format!("**{breached}**")
        } else {
            "0".into()
        },
        at_risk,
        rows.len()
    ));
    if rows.is_empty() {
        return out;
    }
    out.push_str("| Case | SLA | Stage | Elapsed / target | Left | Breach at (UTC) | Title |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for (r, c) in rows {
        let stage = match r.stage {
            Stage::Breached => "🔴 breached".to_string(),
            _ if r.at_risk() => format!("🟠 {}", stage_label(r)),
            _ => stage_label(r),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} / {} | {} | {} | {} |\n",
            r.case,
            md(&r.sla),
            stage,
            human(r.elapsed_seconds),
            human(r.target_seconds),
            left(r),
            r.breach_at.map_or("-".into(), short),
            md(&c.title)
        ));
    }
    out
}

fn gh_escape(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_prop(text: &str) -> String {
    gh_escape(text).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands: an `::error` per breach, a `::warning` per clock at
/// risk.
/// Annotations that name the case file, so GitHub links to it.
fn github(rows: &[(ClockReport, &Case)], case_file: &dyn Fn(&str) -> String) -> String {
    let mut out = String::new();
    for (r, c) in rows {
        let (level, what) = match r.stage {
            Stage::Breached => ("error", "SLA breached"),
            _ if r.at_risk() => ("warning", "SLA at risk"),
            _ => continue,
        };
        out.push_str(&format!(
            "::{level} file={},title={}::{}\n",
            gh_prop(&case_file(&r.case)),
            gh_prop(&format!("{what}: {} {}", r.case, r.sla)),
            gh_escape(&detail(r, c))
        ));
    }
    out
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

const COLUMNS: [&str; 13] = [
    "case",
    "sla",
    "kind",
    "stage",
    "started_at",
    "breach_at",
    "target_seconds",
    "elapsed_seconds",
    "remaining_seconds",
    "percent",
    "calendar",
    "at_risk",
    "title",
];

fn record(r: &ClockReport, c: &Case) -> [String; 13] {
    [
        r.case.to_string(),
        r.sla.to_string(),
        r.kind.to_string(),
        r.stage.as_str().into(),
        format_time(r.started_at),
        r.breach_at.map(format_time).unwrap_or_default(),
        r.target_seconds.to_string(),
        r.elapsed_seconds.to_string(),
        r.remaining_seconds.to_string(),
        format!("{:.1}", r.percent),
        r.calendar.to_string(),
        r.at_risk().to_string(),
        c.title.to_string(),
    ]
}

fn csv(rows: &[(ClockReport, &Case)]) -> String {
    let mut out = COLUMNS.join(",") + "\n";
    for (r, c) in rows {
        let rec = record(r, c);
        out.push_str(
            &rec.iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

fn tsv(rows: &[(ClockReport, &Case)]) -> String {
    let mut out = String::new();
    for (r, c) in rows {
        let rec = record(r, c);
        out.push_str(
            &rec.iter()
                .map(|f| f.replace(['\t', '\n', '\r'], " "))
                .collect::<Vec<_>>()
                .join("\t"),
        );
        out.push('\n');
    }
    out
}

/// `docket sla explain`: per SLA, the running and paused intervals with what each counted.
fn explain(case: &Case, reports: &[ClockReport], policy: &Policy, now: DateTime<Utc>) -> String {
    let mut out = format!(
        "{}  {}  (evaluated at {} UTC)\n",
        case.id,
        case.title,
        short(now)
    );
    if reports.is_empty() {
        out.push_str("\nNo SLA applies to this case.\n");
        return out;
    }
    for r in reports {
        let sla = policy.slas.iter().find(|s| s.name == r.sla);
        out.push_str(&format!(
            "\n{} ({} SLA, calendar {}, target {}{}): {}\n",
            r.sla,
            r.kind,
            r.calendar,
            human(r.target_seconds),
            if r.external { "" } else { ", internal" },
            stage_label(r)
        ));
        out.push_str(&format!(
            "  {} of {} counted ({:.1}%), {}\n",
            human(r.elapsed_seconds),
            human(r.target_seconds),
            r.percent,
            match (r.stage, r.breach_at) {
                (Stage::Breached, Some(b)) => format!("breached at {} UTC", short(b)),
                (_, Some(b)) => format!("breaches at {} UTC if it keeps running", short(b)),
                (Stage::Paused, None) => "paused: no breach while the case waits".to_string(),
                _ => format!("{} left", left(r)),
            }
        ));
        if let Some(sla) = sla
            && !sla.pause.is_empty()
        {
            let p: Vec<&str> = sla.pause.iter().map(|s| s.as_str()).collect();
            out.push_str(&format!("  pauses while the case is {}\n", p.join(" or ")));
        }
        for i in &r.intervals {
            out.push_str(&format!(
                "    {} → {}  {:<14} {:<8} {}\n",
                short(i.start),
                short(i.end),
                i.state,
                if i.running { "running" } else { "paused" },
                if i.running {
                    format!("{} counted", human(i.counted_seconds))
                } else {
                    "-".into()
                }
            ));
        }
        if let Some(stop) = r.stopped_at {
            out.push_str(&format!("  stopped at {} UTC\n", short(stop)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::render::tests::Writes;

    #[test]
    fn a_long_table_is_written_in_whole_lines_with_one_set_of_column_widths() {
        // Made on one core, and (from 8,192 rows) a block at a time on every core.
        for n in [3000usize, 9000] {
            let t = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
            let cases: Vec<Case> = (0..n)
                .map(|i| {
                    let mut c = crate::core::case::sample(&format!("DK-{i:08}"), "A title");
                    c.title = format!("Title {}", "x".repeat(i % 40)).into();
                    c
                })
                .collect();
            let rows: Vec<(ClockReport, &Case)> = cases
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let r = ClockReport {
                        case: c.id.clone(),
                        sla: if i == n - 1 {
                            "a-much-longer-sla-name"
                        } else {
                            "p1"
                        }
                        .into(),
                        kind: "response".into(),
                        stage: Stage::InProgress,
                        started_at: t,
                        stopped_at: None,
                        breach_at: Some(t),
                        target_seconds: 3600,
                        elapsed_seconds: i as i64,
                        remaining_seconds: 3600 - i as i64,
                        percent: 0.0,
                        calendar: "24x7".into(),
                        external: false,
                        warning: None,
                        intervals: Vec::new(),
                    };
                    (r, c)
                })
                .collect();
            let mut sink = Writes(Vec::new());
            table(&mut sink, &rows, None, Style::plain()).unwrap();
            assert!(sink.0.len() > 1, "more than one write for {n} rows");
            assert!(sink.0.iter().all(|w| w.ends_with(b"\n")), "whole lines");
            let text = String::from_utf8(sink.0.concat()).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(lines.len(), n + 1);
            // The widest SLA name, in the last row, sets the column for the first rows too.
            let stage_at = lines[0].find("STAGE").unwrap();
            for (line, (r, _)) in lines[1..].iter().zip(&rows) {
                assert!(line.starts_with(r.case.as_str()), "{line}");
                assert_eq!(
                    line.find(Stage::InProgress.as_str()),
                    Some(stage_at),
                    "{line}"
                );
                // The computed cells are the row's own.
                let elapsed = format!(" {}/{} ", human(r.elapsed_seconds), human(r.target_seconds));
                assert!(line.contains(&elapsed), "{line} lacks {elapsed:?}");
            }
        }
    }

    #[test]
    fn durations_read_like_people_write_them() {
        assert_eq!(human(0), "0s");
        assert_eq!(human(1800), "30m");
        assert_eq!(human(5400), "1h30m");
        assert_eq!(human(7200), "2h");
        assert_eq!(human(90_000), "25h");
        assert_eq!(human(40 * 3600), "40h");
        assert_eq!(human(5 * 86_400 + 3600), "5d1h");
        assert_eq!(human(-600), "-10m");
    }

    /// The spelling `write!` gave, before the digits were pushed by hand.
    fn human_by_format(secs: i64) -> String {
        let s = secs.unsigned_abs();
        let (h, m, sec) = (s / 3600, s % 3600 / 60, s % 60);
        let sign = if secs < 0 { "-" } else { "" };
        let body = if h > 99 {
            let (d, h) = (h / 24, h % 24);
            if h == 0 {
                format!("{d}d")
            } else {
                format!("{d}d{h}h")
            }
        } else {
            match (h, m) {
                (0, 0) => format!("{sec}s"),
                (0, m) => format!("{m}m"),
                (h, 0) => format!("{h}h"),
                (h, m) => format!("{h}h{m:02}m"),
            }
        };
        format!("{sign}{body}")
    }

    proptest::proptest! {
        #[test]
        fn durations_are_spelled_as_format_spelled_them(secs in proptest::num::i64::ANY) {
            proptest::prop_assert_eq!(human(secs), human_by_format(secs));
        }

        #[test]
        fn short_durations_too(secs in -400_000i64..400_000) {
            proptest::prop_assert_eq!(human(secs), human_by_format(secs));
        }
    }

    #[test]
    fn xml_and_csv_escaping() {
        assert_eq!(xml("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(gh_prop("a: b, c"), "a%3A b%2C c");
    }
}
