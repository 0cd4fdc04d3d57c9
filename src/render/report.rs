//! `docket report` output: a compact table (sparklines on a terminal), JSON, CSV (one row
//! per group and metric), Markdown, and a self-contained HTML page whose SVG charts are
//! drawn by plotters (no scripts, fonts or network).

use std::fmt::Write as _;
use std::io::{self, Write};

use plotters::prelude::*;

use super::{Format, safe};
use crate::core::report::{AGE_BUCKETS, Metrics, Report, Stats};

/// `1h 05m`, `2d 3h`, `45m`, `-`.
pub fn duration(seconds: Option<i64>) -> String {
    let Some(s) = seconds else {
        return "-".into();
    };
    if s >= 86_400 {
        format!("{}d {}h", s / 86_400, s % 86_400 / 3600)
    } else if s >= 3600 {
        format!("{}h {:02}m", s / 3600, s % 3600 / 60)
    } else {
        format!("{}m", s / 60)
    }
}

fn pct(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{v:.1}%"))
}

/// ▁▂▃▄▅▆▇█ for a series (an empty or all-zero series is flat).
pub fn sparkline(values: &[u64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().copied().max().unwrap_or(0);
    values
        .iter()
        .map(|&v| match (v * 7 + max / 2).checked_div(max) {
            Some(i) => BARS[(i as usize).min(7)],
            None => BARS[0],
        })
        .collect()
}

/// Every metric as `(name, value)`, in the order the formats print them.
fn rows(m: &Metrics) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![
        ("created".into(), m.volume.created.to_string()),
        ("resolved".into(), m.volume.resolved.to_string()),
        ("closed".into(), m.volume.closed.to_string()),
        ("cancelled".into(), m.volume.cancelled.to_string()),
        ("reopened".into(), m.volume.reopened.to_string()),
        ("backlog".into(), m.backlog.open.to_string()),
    ];
    for b in AGE_BUCKETS {
        out.push((
            format!("backlog_age_{b}"),
            m.backlog.by_age.get(b).copied().unwrap_or(0).to_string(),
        ));
    }
    for (s, n) in &m.backlog.by_state {
        out.push((format!("backlog_state_{s}"), n.to_string()));
    }
    let stats = |out: &mut Vec<(String, String)>, name: &str, s: &Stats| {
        out.push((format!("{name}_count"), s.count.to_string()));
        for (k, v) in [
            ("median", s.median_seconds),
            ("p90", s.p90_seconds),
            ("mean", s.mean_seconds),
        ] {
            out.push((
                format!("{name}_{k}_seconds"),
                v.map(|v| v.to_string()).unwrap_or_default(),
            ));
        }
        if let Some(b) = &s.business {
            for (k, v) in [
                ("median", b.median_seconds),
                ("p90", b.p90_seconds),
                ("mean", b.mean_seconds),
            ] {
                out.push((
                    format!("{name}_business_{k}_seconds"),
                    v.map(|v| v.to_string()).unwrap_or_default(),
                ));
            }
        }
    };
    stats(&mut out, "first_response", &m.first_response);
    stats(&mut out, "resolution", &m.resolution);
    for a in &m.sla {
        out.push((format!("sla_{}_achieved", a.sla), a.achieved.to_string()));
        out.push((format!("sla_{}_breached", a.sla), a.breached.to_string()));
        out.push((
            format!("sla_{}_in_progress", a.sla),
            a.in_progress.to_string(),
        ));
        out.push((format!("sla_{}_cancelled", a.sla), a.cancelled.to_string()));
        out.push((
            format!("sla_{}_attainment_percent", a.sla),
            a.attainment_percent
                .map(|v| v.to_string())
                .unwrap_or_default(),
        ));
    }
    let q = &m.quality;
    out.push(("csat_responses".into(), q.csat_responses.to_string()));
    out.push((
        "csat_average".into(),
        q.csat_average.map(|v| v.to_string()).unwrap_or_default(),
    ));
    for (i, n) in q.csat_distribution.iter().enumerate() {
        out.push((format!("csat_{}", i + 1), n.to_string()));
    }
    for (k, v) in [
        (
            "first_contact_resolution_rate",
            q.first_contact_resolution_rate,
        ),
        ("reopen_rate", q.reopen_rate),
        ("escalation_rate", q.escalation_rate),
        ("guide_rate", q.guide_rate),
    ] {
        out.push((k.into(), v.map(|v| v.to_string()).unwrap_or_default()));
    }
    out
}

/// A group's row in every format: key, created, resolved, backlog, median first reply,
/// median resolution, CSAT average.
fn group_cells(g: &crate::core::report::Group) -> [String; 7] {
    let m = &g.metrics;
    [
        g.key.clone(),
        m.volume.created.to_string(),
        m.volume.resolved.to_string(),
        m.backlog.open.to_string(),
        duration(m.first_response.median_seconds),
        duration(m.resolution.median_seconds),
        m.quality
            .csat_average
            .map_or("-".into(), |v| format!("{v:.2}")),
    ]
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes the report in `format` (`fancy`: a terminal, where sparklines are drawn).
pub fn write(out: &mut dyn Write, format: Format, r: &Report, fancy: bool) -> io::Result<()> {
    match format {
        Format::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(r).map_err(io::Error::other)?
        ),
        Format::Csv => {
            writeln!(out, "group,metric,value")?;
            for (name, value) in rows(&r.total) {
                writeln!(out, "all,{},{}", csv_field(&name), csv_field(&value))?;
            }
            for g in &r.groups {
                for (name, value) in rows(&g.metrics) {
                    writeln!(
                        out,
                        "{},{},{}",
                        csv_field(&g.key),
                        csv_field(&name),
                        csv_field(&value)
                    )?;
                }
            }
            Ok(())
        }
        Format::Markdown => out.write_all(markdown(r).as_bytes()),
        Format::Html => out.write_all(html(r).as_bytes()),
        _ => table(out, r, fancy),
    }
}

fn period(r: &Report) -> String {
    format!(
        "{} to {}{}",
        r.since.format("%Y-%m-%d %H:%M"),
        r.until.format("%Y-%m-%d %H:%M"),
        if r.at > r.until {
            format!(
                " (as the casebook stood at {})",
                r.at.format("%Y-%m-%d %H:%M")
            )
        } else {
            String::new()
        }
    )
}

fn summary(m: &Metrics) -> Vec<String> {
    let b = m
        .first_response
        .business
        .as_ref()
        .map(|b| format!(" (business {})", duration(b.median_seconds)))
        .unwrap_or_default();
    let rb = m
        .resolution
        .business
        .as_ref()
        .map(|b| format!(" (business {})", duration(b.median_seconds)))
        .unwrap_or_default();
    let mut lines = vec![
        format!(
            "Volume       created {}  resolved {}  closed {}  cancelled {}  reopened {}",
            m.volume.created,
            m.volume.resolved,
            m.volume.closed,
            m.volume.cancelled,
            m.volume.reopened
        ),
        format!(
            "Backlog      {} open: {}",
            m.backlog.open,
            AGE_BUCKETS
                .iter()
                .map(|b| format!("{b} {}", m.backlog.by_age.get(*b).copied().unwrap_or(0)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!(
            "First reply  median {}{b}  p90 {}  mean {}  ({} cases)",
            duration(m.first_response.median_seconds),
            duration(m.first_response.p90_seconds),
            duration(m.first_response.mean_seconds),
            m.first_response.count
        ),
        format!(
            "Resolution   median {}{rb}  p90 {}  mean {}  ({} cases)",
            duration(m.resolution.median_seconds),
            duration(m.resolution.p90_seconds),
            duration(m.resolution.mean_seconds),
            m.resolution.count
        ),
    ];
    for a in &m.sla {
        lines.push(format!(
            "SLA          {:<18} {}  (achieved {}, breached {}, in progress {}, cancelled {})",
            safe(&a.sla),
            pct(a.attainment_percent),
            a.achieved,
            a.breached,
            a.in_progress,
            a.cancelled
        ));
    }
    let q = &m.quality;
    lines.push(format!(
        "Quality      CSAT {} ({} answers)  first-contact {}  reopened {}  escalated {}  guided {}",
        q.csat_average.map_or("-".into(), |v| format!("{v:.2}")),
        q.csat_responses,
        pct(q.first_contact_resolution_rate),
        pct(q.reopen_rate),
        pct(q.escalation_rate),
        pct(q.guide_rate)
    ));
    lines
}

fn table(out: &mut dyn Write, r: &Report, fancy: bool) -> io::Result<()> {
    writeln!(out, "Report {}", period(r))?;
    for l in summary(&r.total) {
        writeln!(out, "{l}")?;
    }
    let created: Vec<u64> = r.weekly.iter().map(|w| w.created).collect();
    let resolved: Vec<u64> = r.weekly.iter().map(|w| w.resolved).collect();
    let backlog: Vec<u64> = r.weekly.iter().map(|w| w.backlog).collect();
    let series = |v: &[u64]| {
        if fancy {
            format!("{}  ", sparkline(v))
        } else {
            String::new()
        }
    };
    let nums = |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>().join(" ");
    writeln!(
        out,
        "Weekly       created  {}{}",
        series(&created),
        nums(&created)
    )?;
    writeln!(
        out,
        "             resolved {}{}",
        series(&resolved),
        nums(&resolved)
    )?;
    writeln!(
        out,
        "             backlog  {}{}",
        series(&backlog),
        nums(&backlog)
    )?;
    if let Some(by) = r.by {
        writeln!(out)?;
        writeln!(
            out,
            "{:<20} {:>7} {:>8} {:>7} {:>11} {:>11} {:>6}",
            by.as_str(),
            "created",
            "resolved",
            "backlog",
            "1st reply",
            "resolution",
            "CSAT"
        )?;
        for g in &r.groups {
            let [key, created, resolved, backlog, reply, resolution, csat] = group_cells(g);
            writeln!(
                out,
                "{:<20} {created:>7} {resolved:>8} {backlog:>7} {reply:>11} {resolution:>11} {csat:>6}",
                safe(&key)
            )?;
        }
    }
    Ok(())
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn markdown(r: &Report) -> String {
    let mut s = format!("## Support report, {}\n\n", period(r));
    s.push_str("| metric | value |\n|---|---|\n");
    for l in summary(&r.total) {
        if let Some((k, v)) = l.split_once("  ") {
            let _ = writeln!(s, "| {} | {} |", md_escape(k.trim()), md_escape(v.trim()));
        }
    }
    s.push_str("\n| week | created | resolved | backlog |\n|---|---|---|---|\n");
    for w in &r.weekly {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            w.start.format("%Y-%m-%d"),
            w.created,
            w.resolved,
            w.backlog
        );
    }
    if let Some(by) = r.by {
        let _ = write!(
            s,
            "\n| {} | created | resolved | backlog | first reply (median) | resolution (median) | CSAT |\n|---|---|---|---|---|---|---|\n",
            by.as_str()
        );
        for g in &r.groups {
            let cells = group_cells(g).map(|c| md_escape(&c));
            let _ = writeln!(s, "| {} |", cells.join(" | "));
        }
    }
    s
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const BLUE_: RGBColor = RGBColor(0x1f, 0x77, 0xb4);
const GREEN_: RGBColor = RGBColor(0x2c, 0xa0, 0x2c);
const ORANGE_: RGBColor = RGBColor(0xff, 0x7f, 0x0e);

/// A line chart of one or two series over the weeks.
fn lines(title: &str, labels: &[String], series: &[(&str, &[u64], RGBColor)]) -> String {
    let mut svg = String::new();
    let n = labels.len().max(1);
    let max = series
        .iter()
        .flat_map(|(_, v, _)| v.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    {
        let root = SVGBackend::with_string(&mut svg, (640, 300)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let built = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(34)
            .y_label_area_size(40)
            .build_cartesian_2d(0..n.saturating_sub(1).max(1), 0..max + max / 10 + 1);
        if let Ok(mut chart) = built {
            let _ = chart
                .configure_mesh()
                .x_labels(n.min(12))
                .x_label_formatter(&|i| labels.get(*i).cloned().unwrap_or_default())
                .y_desc("cases")
                .draw();
            for (name, values, color) in series {
                let color = *color;
                if let Ok(s) = chart.draw_series(LineSeries::new(
                    values.iter().enumerate().map(|(i, v)| (i, *v)),
                    color.stroke_width(2),
                )) {
                    s.label(*name).legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                    });
                }
                let _ = chart.draw_series(
                    values
                        .iter()
                        .enumerate()
                        .map(|(i, v)| Circle::new((i, *v), 3, color.filled())),
                );
            }
            let _ = chart
                .configure_series_labels()
                .background_style(WHITE)
                .border_style(BLACK)
                .draw();
        }
        let _ = root.present();
    }
    svg
}

/// A bar chart of labelled values.
fn bars(title: &str, y: &str, labels: &[String], values: &[f64], color: RGBColor) -> String {
    let mut svg = String::new();
    let n = labels.len().max(1);
    let max = values.iter().copied().fold(0.0, f64::max).max(1.0);
    {
        let root = SVGBackend::with_string(&mut svg, (640, 300)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let built = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(34)
            .y_label_area_size(44)
            .build_cartesian_2d((0..n).into_segmented(), 0.0..max * 1.1);
        if let Ok(mut chart) = built {
            let _ = chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(n)
                .x_label_formatter(&|v| match v {
                    SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
                    _ => String::new(),
                })
                .y_desc(y)
                .draw();
            let _ = chart.draw_series(
                Histogram::vertical(&chart)
                    .style(color.filled())
                    .margin(8)
                    .data(values.iter().enumerate().map(|(i, v)| (i, *v))),
            );
        }
        let _ = root.present();
    }
    svg
}

/// Counts of durations in buckets (upper bounds in seconds; the last is open).
fn distribution(values: &[i64], bounds: &[(i64, &str)], last: &str) -> (Vec<String>, Vec<f64>) {
    let mut labels: Vec<String> = bounds.iter().map(|(_, l)| l.to_string()).collect();
    labels.push(last.to_string());
    let mut counts = vec![0.0; labels.len()];
    for v in values {
        let i = bounds
            .iter()
            .position(|(b, _)| v < b)
            .unwrap_or(bounds.len());
        counts[i] += 1.0;
    }
    (labels, counts)
}

fn html(r: &Report) -> String {
    let m = &r.total;
    let labels: Vec<String> = r
        .weekly
        .iter()
        .map(|w| w.start.format("%m-%d").to_string())
        .collect();
    let created: Vec<u64> = r.weekly.iter().map(|w| w.created).collect();
    let resolved: Vec<u64> = r.weekly.iter().map(|w| w.resolved).collect();
    let backlog: Vec<u64> = r.weekly.iter().map(|w| w.backlog).collect();
    const H: i64 = 3600;
    let (fl, fc) = distribution(
        &m.first_response.values,
        &[
            (H, "<1h"),
            (4 * H, "1-4h"),
            (8 * H, "4-8h"),
            (24 * H, "8-24h"),
            (72 * H, "1-3d"),
        ],
        ">3d",
    );
    let (rl, rc) = distribution(
        &m.resolution.values,
        &[
            (4 * H, "<4h"),
            (24 * H, "4-24h"),
            (72 * H, "1-3d"),
            (168 * H, "3-7d"),
        ],
        ">7d",
    );
    let sla_labels: Vec<String> = m.sla.iter().map(|a| a.sla.clone()).collect();
    let sla_values: Vec<f64> = m
        .sla
        .iter()
        .map(|a| a.attainment_percent.unwrap_or(0.0))
        .collect();
    let csat_labels: Vec<String> = (1..=5).map(|i| i.to_string()).collect();
    let csat_values: Vec<f64> = m
        .quality
        .csat_distribution
        .iter()
        .map(|&n| n as f64)
        .collect();
    let charts = [
        (
            "weekly",
            lines(
                "Created and resolved per week",
                &labels,
                &[
                    ("created", &created, BLUE_),
                    ("resolved", &resolved, GREEN_),
                ],
            ),
        ),
        (
            "backlog",
            lines(
                "Backlog at the end of each week",
                &labels,
                &[("backlog", &backlog, ORANGE_)],
            ),
        ),
        (
            "first-response",
            bars("First response time (cases)", "cases", &fl, &fc, BLUE_),
        ),
        (
            "resolution",
            bars("Time to resolution (cases)", "cases", &rl, &rc, GREEN_),
        ),
        (
            "sla",
            bars(
                "SLA attainment (%)",
                "percent",
                &sla_labels,
                &sla_values,
                BLUE_,
            ),
        ),
        (
            "csat",
            bars(
                "CSAT distribution (answers)",
                "answers",
                &csat_labels,
                &csat_values,
                ORANGE_,
            ),
        ),
    ];
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>docket report {}</title>\n<style>\nbody {{ font-family: sans-serif; margin: 2em auto; max-width: 60em; color: #222; }}\ntable {{ border-collapse: collapse; margin: 1em 0; }}\ntd, th {{ border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; }}\nfigure {{ margin: 1.5em 0; page-break-inside: avoid; }}\n@media print {{ body {{ margin: 0; }} }}\n</style>\n</head>\n<body>\n<h1>Support report</h1>\n<p>{}</p>\n<table>\n",
        html_escape(&period(r)),
        html_escape(&period(r))
    );
    for l in summary(m) {
        if let Some((k, v)) = l.split_once("  ") {
            let _ = writeln!(
                s,
                "<tr><th>{}</th><td>{}</td></tr>",
                html_escape(k.trim()),
                html_escape(v.trim())
            );
        }
    }
    s.push_str("</table>\n");
    for (id, svg) in charts {
        let _ = writeln!(s, "<figure id=\"{id}\">\n{svg}\n</figure>");
    }
    if let Some(by) = r.by {
        let _ = write!(
            s,
            "<h2>By {}</h2>\n<table>\n<tr><th>{}</th><th>created</th><th>resolved</th><th>backlog</th><th>first reply (median)</th><th>resolution (median)</th><th>CSAT</th></tr>\n",
            by.as_str(),
            by.as_str()
        );
        for g in &r.groups {
            let cells = group_cells(g).map(|c| format!("<td>{}</td>", html_escape(&c)));
            let _ = writeln!(s, "<tr>{}</tr>", cells.concat());
        }
        s.push_str("</table>\n");
    }
    s.push_str("</body>\n</html>\n");
    s
}
