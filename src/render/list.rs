//! The case list (`list`, `demo`): a table sized to the terminal, TSV, or JSON.

use std::io::{self, Write};

use crate::core::case::{Case, format_time};
use crate::core::config::Config;

use super::Format;
use super::style::Style;

/// Prints `cases` in `format`: a table (titles cut to `width` on a terminal), JSON
/// objects without timelines, or TSV rows (with a header line when asked).
pub fn write(
    out: &mut dyn Write,
    format: Format,
    cases: &[&Case],
    config: &Config,
    width: Option<usize>,
    style: Style,
    header: bool,
) -> io::Result<()> {
    match format {
        Format::Json => {
            let rows: Vec<serde_json::Value> =
                cases.iter().map(|c| super::json::case(c, false)).collect();
            super::write_json(out, &rows)
        }
        Format::Tsv => tsv(out, cases, header),
        _ => table(out, cases, config, width, style),
    }
}

/// The `list` table: ID, priority, state, assignee, account, updated, title. With a width
/// (a terminal), titles are cut to fit with an ellipsis; without, they are printed whole.
fn table(
    sink: &mut dyn Write,
    cases: &[&Case],
    config: &Config,
    width: Option<usize>,
    style: Style,
) -> io::Result<()> {
    // Local times carry their offset in each cell; UTC says so in the header.
    let updated = match style.zone {
        super::style::Zone::Utc => "UPDATED (UTC)",
        super::style::Zone::Local => "UPDATED",
    };
    let headers: [&str; 7] = [
        "ID", "PRI", "STATE", "ASSIGNEE", "ACCOUNT", updated, "TITLE",
    ];
    let width_of = super::width;
    // The columns' widths and the rows' times, from every row, on every core; no row's
    // cells are kept (at 50,000 cases they were 8 MB of fresh memory), only the times
    // (a string for each stretch of rows), which are dearer to make again.
    let parts: Vec<&[&Case]> = cases.chunks(TIMES).collect();
    let measured = crate::core::par::on_cores(&parts, |part| {
        let (mut w, mut times, mut ends) = ([0; 7], String::new(), Vec::with_capacity(part.len()));
        for c in *part {
            let start = times.len();
            style.zone.push_short(&mut times, c.updated_at);
            let row = row_cells(c, config);
            for (i, (w, cell)) in w.iter_mut().zip(&row).enumerate() {
                let cell = if i == 5 {
                    &times[start..]
                } else {
                    cell.as_ref()
                };
                *w = (*w).max(width_of(cell));
            }
            ends.push(times.len());
        }
        (w, times, ends)
    });
    let widths = super::widest(headers.map(str::len), measured.iter().map(|(w, _, _)| *w));
    let time = |i: usize| {
        let (_, times, ends) = &measured[i / TIMES];
        let k = i % TIMES;
        &times[if k == 0 { 0 } else { ends[k - 1] }..ends[k]]
    };
    // On a narrow terminal, drop the least useful columns before squeezing the title
    // below 20 characters: account, then the update time, then the assignee.
    let (shown, title_max) = super::fit_columns(&widths, width, &[4, 5, 3], 20);
    // Plain padded columns (no comfy-table here: a list of 10,000 rows must print fast).
    let push_row = |out: &mut String, cells: [&str; 7], colours: [&str; 7]| {
        let start = out.len();
        for &i in &shown {
            let cell = cells[i];
            if style.enabled && !colours[i].is_empty() {
                // Pad by the plain text, then colour it.
                out.push_str(&style.paint(cell, colours[i]));
                super::push_spaces(out, widths[i] - width_of(cell) + 2);
                continue;
            }
            if i == 6 {
                match title_max {
                    Some(max) if width_of(cell) > max => out.push_str(&super::truncate(cell, max)),
                    _ => out.push_str(cell),
                }
            } else {
                out.push_str(cell);
                super::push_spaces(out, widths[i] - width_of(cell) + 2);
            }
        }
        let trimmed = out[start..].trim_end().len();
        out.truncate(start + trimmed);
        out.push('\n');
    };
    let mut out = String::new();
    let header = if style.enabled { ["1"; 7] } else { [""; 7] };
    push_row(&mut out, headers, header);
    sink.write_all(out.as_bytes())?;
    // The rows a block at a time on every core, written in order.
    let rows = |first: usize, part: &[&Case], out: &mut String| {
        for (k, (i, c)) in (first..).zip(part).enumerate() {
            ahead(part, k);
            let colours = [
                "",
                Style::priority_sgr(config.priority_rank(&c.priority)),
                Style::state_sgr(c.state),
                "",
                "",
                "",
                "",
            ];
            let row = row_cells(c, config);
            let mut text: [&str; 7] = row.each_ref().map(|c| c.as_ref());
            text[5] = time(i);
            push_row(out, text, colours);
        }
    };
    super::write_rows(sink, cases, &widths, rows)
}

/// Rows whose times the table's first pass keeps in one string.
const TIMES: usize = 128;

/// A row's cells but its update time (the sixth, left empty). Case text is escaped for
/// the terminal ([`super::safe`]); borrowed when clean.
fn row_cells<'c>(c: &'c Case, config: &'c Config) -> [std::borrow::Cow<'c, str>; 7] {
    let safe = super::safe;
    let dash = "-";
    [
        safe(&c.id),
        safe(&c.priority),
        safe(config.state_label(c.state.as_str())),
        safe(c.assignee.as_deref().unwrap_or(dash)),
        safe(c.account.as_deref().unwrap_or(dash)),
        std::borrow::Cow::Borrowed(""),
        safe(&c.title),
    ]
}

/// One record per line, tab-separated, ID first (for cut, awk and `while read`).
/// Every field has its tabs and line breaks turned into spaces, so each case is one line
/// of eight fields whatever a hand edit put in its file. Made a block of
/// [`super::BLOCK_ROWS`] rows at a time, into buffers sized for them.
pub fn tsv(out: &mut dyn Write, cases: &[&Case], header: bool) -> io::Result<()> {
    if header {
        out.write_all(b"id\tpriority\tstate\tassignee\taccount\ttype\tupdated_at\ttitle\n")?;
    }
    crate::core::par::write_in_order(
        cases,
        super::BLOCK_ROWS,
        super::BLOCK_ROWS * TSV_ROW_BYTES,
        |_, part, buf| tsv_rows(part, buf),
        |text| out.write_all(text.as_bytes()),
    )
}

/// Asks the processor for the cases a few rows after row `k` while row `k` is made (see
/// [`super::prefetch`]): rows are in the sort's order, their cases spread over memory.
#[inline]
fn ahead(cases: &[&Case], k: usize) {
    if let Some(c) = cases.get(k + super::ROWS_AHEAD) {
        super::prefetch(*c, std::mem::size_of::<Case>());
    }
    // The title's own bytes, once its case is there.
    if let Some(c) = cases.get(k + super::ROWS_AHEAD / 2) {
        super::prefetch(c.title.as_bytes(), 1);
    }
}

/// What a TSV row usually takes (ID, priority, state, assignee, account, type, time and
/// a title of some sixty characters).
const TSV_ROW_BYTES: usize = 128;

/// The TSV lines of `cases`.
fn tsv_rows(cases: &[&Case], buf: &mut String) {
    let field = |buf: &mut String, s: &str| {
        if s.bytes().any(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
            buf.push_str(&s.replace(['\t', '\n', '\r'], " "));
        } else {
            buf.push_str(s);
        }
        buf.push('\t');
    };
    for (k, c) in cases.iter().enumerate() {
        ahead(cases, k);
        field(buf, &c.id);
        field(buf, &c.priority);
        field(buf, c.state.as_str());
        field(buf, c.assignee.as_deref().unwrap_or(""));
        field(buf, c.account.as_deref().unwrap_or(""));
        field(buf, &c.kind);
        push_time(buf, c.updated_at);
        buf.push('\t');
        field(buf, &c.title);
        buf.pop();
        buf.push('\n');
    }
}

/// [`format_time`] into `buf` without a pattern parser: `2026-11-20T09:00:00Z`.
fn push_time(buf: &mut String, t: chrono::DateTime<chrono::Utc>) {
    use chrono::Timelike;
    if super::push_date_time(buf, t.naive_utc(), b'T', Some(t.second())) {
        buf.push('Z');
    } else {
        buf.push_str(&format_time(t));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list_table(cases: &[&Case], config: &Config, width: Option<usize>, style: Style) -> String {
        let mut out = Vec::new();
        table(&mut out, cases, config, width, style).unwrap();
        let mut text = String::from_utf8(out).unwrap();
        text.pop();
        text
    }

    fn case(title: &str) -> Case {
        crate::core::case::sample("DK-4F7QX2MA", title)
    }

    proptest::proptest! {
        /// The hand-written time is the one spelling of files and JSON.
        #[test]
        fn tsv_times_are_format_time(secs in -70_000_000_000i64..300_000_000_000i64) {
            let t = chrono::DateTime::from_timestamp(secs, 0).unwrap();
            let mut buf = String::new();
            push_time(&mut buf, t);
            proptest::prop_assert_eq!(buf, format_time(t));
        }
    }

    #[test]
    fn tsv_rows_are_one_line_of_eight_fields_whatever_the_file_holds() {
        let mut c = case("Tab\there, line\nbreak");
        c.assignee = Some("al\tice".into());
        c.kind = "odd\r\ntype".into();
        let mut out = Vec::new();
        tsv(&mut out, &[&c, &case("plain")], true).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        for line in &lines {
            assert_eq!(line.split('\t').count(), 8, "{line:?}");
        }
        assert!(lines[1].contains("al ice") && lines[1].ends_with("Tab here, line break"));
        assert!(lines[2].starts_with("DK-4F7QX2MA\t") && lines[2].ends_with("\tplain"));
    }

    #[test]
    fn a_narrow_table_drops_columns_before_squeezing_the_title() {
        let c = case("Printer on fire in the third floor meeting room");
        let config = Config::default();
        let wide = list_table(&[&c], &config, Some(200), Style::plain());
        assert!(wide.contains("ACCOUNT") && wide.contains("third floor meeting room"));
        let narrow = list_table(&[&c], &config, Some(60), Style::plain());
        assert!(!narrow.contains("ACCOUNT"), "{narrow}");
        for line in narrow.lines() {
            assert!(line.chars().count() <= 60, "{line:?}");
        }
        assert!(narrow.contains('…'));
    }

    #[test]
    fn colour_does_not_change_the_layout() {
        let c = case("Short");
        let config = Config::default();
        let plain = list_table(&[&c], &config, Some(120), Style::plain());
        let coloured = list_table(
            &[&c],
            &config,
            Some(120),
            Style {
                enabled: true,
                ..Style::plain()
            },
        );
        let stripped: String = coloured
            .split('\x1b')
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    part.split_once('m').map_or("", |(_, r)| r)
                }
            })
            .collect();
        assert_eq!(stripped, plain);
        assert!(coloured.contains("\x1b[1;31mP1\x1b[0m"));
    }

    use crate::render::tests::Writes;

    #[test]
    fn long_lists_are_written_in_whole_lines_with_one_set_of_column_widths() {
        // Made on one core, and (from 8,192 rows) a block at a time on every core.
        for n in [3000usize, 9000] {
            let cases: Vec<Case> = (0..n)
                .map(|i| {
                    let mut c = crate::core::case::sample(&format!("DK-{i:08}"), "t");
                    c.title = format!("Title {}", "x".repeat(i % 50)).into();
                    // Each row its own time (a minute apart), found again in its line.
                    c.updated_at += chrono::Duration::minutes(i as i64);
                    // The widest assignee comes last: it sets the column for every row.
                    c.assignee = Some(
                        if i == n - 1 {
                            "a-much-longer-name"
                        } else {
                            "al"
                        }
                        .into(),
                    );
                    c
                })
                .collect();
            let refs: Vec<&Case> = cases.iter().collect();
            let config = Config::default();
            for format in [Format::Table, Format::Tsv] {
                let mut sink = Writes(Vec::new());
                write(
                    &mut sink,
                    format,
                    &refs,
                    &config,
                    None,
                    Style::plain(),
                    true,
                )
                .unwrap();
                assert!(sink.0.len() > 1, "{format:?}: more than one write");
                assert!(
                    sink.0.iter().all(|w| w.ends_with(b"\n")),
                    "{format:?}: whole lines"
                );
                let text = String::from_utf8(sink.0.concat()).unwrap();
                let lines: Vec<&str> = text.lines().collect();
                assert_eq!(lines.len(), n + 1, "{format:?}");
                for (line, c) in lines[1..].iter().zip(&cases) {
                    assert!(line.starts_with(c.id.as_str()), "{line}");
                    let mut time = String::new();
                    match format {
                        Format::Table => {
                            super::super::style::Zone::Utc.push_short(&mut time, c.updated_at)
                        }
                        _ => push_time(&mut time, c.updated_at),
                    }
                    assert!(line.contains(&time), "{line} lacks {time}");
                }
                if format == Format::Table {
                    let at = lines[0].find("ACCOUNT").unwrap();
                    // Every row's account cell starts under the header's, after padding.
                    for l in &lines[1..] {
                        let b = l.as_bytes();
                        assert!(
                            b[at - 2] == b' ' && b[at - 1] == b' ' && b[at] != b' ',
                            "{l}"
                        );
                    }
                } else {
                    assert!(lines[1..].iter().all(|l| l.split('\t').count() == 8));
                }
            }
        }
    }

    #[test]
    fn wide_titles_line_up_by_terminal_columns() {
        let a = case("カードが使えない");
        let mut b = case("Card declined");
        b.assignee = Some("表".into());
        let config = Config::default();
        let text = list_table(&[&a, &b], &config, None, Style::plain());
        let cols: Vec<usize> = text
            .lines()
            .map(|l| super::super::width(&l[..l.find("UPDATED").or(l.find("2023")).unwrap()]))
            .collect();
        assert!(cols.windows(2).all(|w| w[0] == w[1]), "{text}");
    }
}
