//! Output: tables and text for people, JSON, TSV and report formats for programs. Knows
//! nothing of Git.
//!
//! Every render function writes to a `&mut dyn Write` it is given, in a [`Format`]
//! (gitoxide's `out: &mut dyn Write`). [`Ui`] is the one place that decides colour, width
//! and whether status messages are shown (cargo's `Shell`); commands print through it.
//! Tables measure text by terminal columns (`unicode-width`), so CJK and emoji line up.

pub mod guide;
pub mod json;
pub mod list;
pub mod log;
pub mod prompt;
pub mod report;
pub mod routing;
pub mod search;
pub mod sla;
pub mod style;
pub mod sync;
pub mod text;
pub mod verify;

use std::borrow::Cow;
use std::io::{self, Write};

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use self::style::{Style, When};

/// Every output format docket prints; each command offers the ones it can print (the
/// command line refuses the others).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Tsv,
    Junit,
    Markdown,
    Github,
    Csv,
    Dot,
    Html,
}

impl Format {
    /// Formats for programs, where status messages would only get in the way.
    pub fn is_machine(self) -> bool {
        self == Format::Json
    }
}

/// Where and how a command prints: stdout for data, stderr for status lines, colour and
/// width decided once.
pub struct Ui {
    out: Box<dyn Write>,
    err: Box<dyn Write>,
    pub format: Format,
    pub quiet: bool,
    /// Colour for stdout.
    pub style: Style,
    /// Colour for stderr.
    pub err_style: Style,
    /// Terminal width for tables: `COLUMNS`, else the terminal's; `None` when piped.
    pub width: Option<usize>,
}

impl Ui {
    /// A Ui on the process's stdout and stderr.
    pub fn stdio(color: When, quiet: bool, format: Format, utc: bool) -> Ui {
        let zone = style::Zone::decide(utc);
        let mut style = Style::new(color, false);
        style.zone = zone;
        Ui {
            out: Box::new(io::stdout().lock()),
            err: Box::new(io::stderr()),
            format,
            quiet,
            style,
            err_style: Style::new(color, true),
            width: terminal_width(),
        }
    }

    /// A Ui writing to the given sinks, without colour (tests, the demo's inner steps).
    pub fn with(out: Box<dyn Write>, err: Box<dyn Write>, format: Format) -> Ui {
        Ui {
            out,
            err,
            format,
            quiet: false,
            style: Style::plain(),
            err_style: Style::plain(),
            width: None,
        }
    }

    /// Where data goes.
    pub fn out(&mut self) -> &mut dyn Write {
        &mut *self.out
    }

    pub fn json(&self) -> bool {
        self.format == Format::Json
    }

    /// A status message for people: stderr, not in JSON mode, not with --quiet.
    pub fn status(&mut self, message: impl AsRef<str>) {
        if !self.quiet && !self.format.is_machine() {
            let _ = writeln!(self.err, "{}", safe(message.as_ref()));
        }
    }

    /// A warning: always shown (stderr), whatever the format.
    pub fn warn(&mut self, message: impl AsRef<str>) {
        let label = self.err_style.paint("warning:", "1;33");
        let _ = writeln!(self.err, "{label} {}", safe(message.as_ref()));
    }

    /// One problem that does not stop the command (a bad case file in a listing).
    pub fn error_row(&mut self, message: impl AsRef<str>) {
        let label = self.err_style.paint("error:", "1;31");
        let _ = writeln!(self.err, "{label} {}", safe(message.as_ref()));
    }

    /// The command's error, once: the message with its causes, then hints.
    pub fn error(&mut self, message: &str, hints: &[String]) {
        if message.is_empty() {
            return;
        }
        self.error_row(message);
        let label = self.err_style.paint("hint:", "1;36");
        for hint in hints {
            let _ = writeln!(self.err, "{label} {}", safe(hint));
        }
    }

    /// Prompts' help text and confirmations (stderr, even with --quiet: they are asked).
    pub fn prompt_note(&mut self, message: impl AsRef<str>) {
        let _ = writeln!(self.err, "{}", message.as_ref());
    }

    /// Pretty JSON and a newline on stdout.
    pub fn print_json(&mut self, value: &impl serde::Serialize) -> io::Result<()> {
        write_json(&mut *self.out, value)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()?;
        self.err.flush()
    }
}

/// Rows in a block of a long table's output (about 50 KB), made on every core and written
/// in order (see [`crate::core::par::write_in_order`]), never built whole: the list of
/// 50,000 cases is 5 MB and their clocks 9.6 MB, and memory touched for the first time
/// costs more here than making the text. Each row reads a case from wherever it is in
/// memory, and at 50,000 cases the TSV rows took 21 ms on one core.
pub const BLOCK_ROWS: usize = 512;

/// Rows a block at a time on every core ([`BLOCK_ROWS`] each, see
/// [`crate::core::par::write_in_order`]), written to `sink` in order. The blocks' buffers
/// are sized for rows of these column `widths`: at most the widths, their padding and a
/// line break (more only where a terminal's colours are added).
pub fn write_rows<T: Sync>(
    sink: &mut dyn Write,
    rows: &[T],
    widths: &[usize],
    row: impl Fn(usize, &[T], &mut String) + Sync,
) -> io::Result<()> {
    let row_bytes = widths.iter().sum::<usize>() + 2 * widths.len() + 1;
    crate::core::par::write_in_order(rows, BLOCK_ROWS, BLOCK_ROWS * row_bytes, row, |text| {
        sink.write_all(text.as_bytes())
    })
}

/// The widest cell of each column: `widths` (the headers') widened by each stretch of rows
/// a table's first pass measured.
pub fn widest<const N: usize>(
    mut widths: [usize; N],
    parts: impl IntoIterator<Item = [usize; N]>,
) -> [usize; N] {
    for part in parts {
        for (all, w) in widths.iter_mut().zip(part) {
            *all = (*all).max(w);
        }
    }
    widths
}

/// How many rows ahead of the one being made [`prefetch`] is asked for.
pub const ROWS_AHEAD: usize = 6;

/// Asks the processor for the first `bytes` bytes of `value` (at least its first cache
/// line), so they are on their way while other work is done. A table's rows are made in
/// their sort's order from cases spread over memory, and each row otherwise waits for its
/// case's lines one after another: making 50,000 TSV rows went from 10.1 to 5.4 ms with
/// the cases six rows ahead asked for.
#[inline]
pub fn prefetch<T: ?Sized>(value: &T, bytes: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let start = std::ptr::from_ref::<T>(value).cast::<i8>();
        for line in (0..bytes.max(1)).step_by(64) {
            // SAFETY: a prefetch is a hint: it reads nothing into the program and faults
            // on no address (these are the value's own bytes, besides); SSE, which it
            // needs, is part of every x86-64 processor.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(line)) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (value, bytes);
}

/// Pretty JSON and a newline.
pub fn write_json(out: &mut dyn Write, value: &impl serde::Serialize) -> io::Result<()> {
    // Serialised first, so a closed pipe surfaces as the write's own BrokenPipe error.
    let mut text = serde_json::to_vec_pretty(value).map_err(io::Error::other)?;
    text.push(b'\n');
    out.write_all(&text)
}

/// The width available for a table: `COLUMNS`, else the terminal's, else none (piped).
fn terminal_width() -> Option<usize> {
    if let Some(c) = crate::vars::get("COLUMNS").and_then(|c| c.trim().parse().ok()) {
        return Some(c).filter(|c| *c > 0);
    }
    comfy_table::Table::new()
        .width()
        .map(usize::from)
        .filter(|w| *w > 0)
}

/// Whether a character must not reach a terminal as it is: control characters (ESC, BEL,
/// CR, backspace, C1 controls) and the bidirectional overrides that make text read
/// differently from what it is. Newlines and tabs are the caller's business.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text from a case, a guide or a setting made safe for a terminal: what could move the
/// cursor, recolour, retitle the window or reorder the text is shown escaped (`\u{1b}`)
/// instead. JSON, TSV and report formats keep the exact text; this is for people.
pub fn safe(text: &str) -> Cow<'_, str> {
    // One pass over the bytes; the characters are looked at only past the first
    // non-ASCII byte (titles are mostly ASCII, and every cell of a list passes here).
    let clean = match text
        .bytes()
        .position(|b| (b < 0x20 && b != b'\n' && b != b'\t') || b >= 0x7f)
    {
        None => true,
        Some(i) if text.as_bytes()[i] < 0x80 => false,
        Some(i) => !text[i..].chars().any(is_unsafe),
    };
    if clean {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `n` spaces onto `out`, a slice at a time rather than a character at a time.
pub(crate) fn push_spaces(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// `n` in decimal onto `out`, without the formatting machinery (a table of 155,000 rows
/// writes half a million numbers).
pub(crate) fn push_number(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// `2026-11-20 09:00` (with `sep` between date and time, and `:SS` when `seconds` is
/// given) onto `out`, digit by digit: a `write!` per cell was most of the time of a
/// 5,000-row table. `false`, with nothing written, for a year outside 0–9999 (the
/// caller spells those out the general way).
pub(crate) fn push_date_time(
    out: &mut String,
    t: chrono::NaiveDateTime,
    sep: u8,
    seconds: Option<u32>,
) -> bool {
    use chrono::{Datelike, Timelike};
    let year = t.year();
    if !(0..=9999).contains(&year) {
        return false;
    }
    let two = |n: u32| [b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8];
    let y = year as u32;
    let [y1, y2] = two(y / 100);
    let [y3, y4] = two(y % 100);
    let [mo1, mo2] = two(t.month());
    let [d1, d2] = two(t.day());
    let [h1, h2] = two(t.hour());
    let [mi1, mi2] = two(t.minute());
    let bytes = [
        y1, y2, y3, y4, b'-', mo1, mo2, b'-', d1, d2, sep, h1, h2, b':', mi1, mi2,
    ];
    // ASCII digits and separators only (`sep` is ASCII at every call).
    out.push_str(std::str::from_utf8(&bytes).unwrap_or_default());
    if let Some(s) = seconds {
        let [s1, s2] = two(s);
        out.push(':');
        out.push(char::from(s1));
        out.push(char::from(s2));
    }
    true
}

/// How many terminal columns `text` takes (CJK and emoji take two).
pub fn width(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        UnicodeWidthStr::width(text)
    }
}

/// Pads `text` with spaces to `columns` terminal columns.
pub fn pad(out: &mut String, text: &str, columns: usize) {
    out.push_str(text);
    out.extend(std::iter::repeat_n(
        ' ',
        columns.saturating_sub(width(text)),
    ));
}

/// Fits a table whose last column is a title to `width` (a terminal): drops the columns
/// in `drop_order` one by one while the title would get fewer than `min_title`
/// columns. Returns the columns to show and the title's maximum width (`None` when
/// there is no width, i.e. piped output, where nothing is cut).
pub fn fit_columns(
    widths: &[usize],
    width: Option<usize>,
    drop_order: &[usize],
    min_title: usize,
) -> (Vec<usize>, Option<usize>) {
    let title = widths.len() - 1;
    let mut shown: Vec<usize> = (0..widths.len()).collect();
    let Some(w) = width else {
        return (shown, None);
    };
    let room = |shown: &[usize]| {
        let others: usize = shown
            .iter()
            .filter(|i| **i != title)
            .map(|i| widths[*i] + 2)
            .sum();
        w.saturating_sub(others)
    };
    for drop in drop_order {
        if room(&shown) >= min_title {
            break;
        }
        shown.retain(|i| i != drop);
    }
    let max = room(&shown).max(1);
    (shown, Some(max))
}

/// Shortens `text` to `max` terminal columns, ending in an ellipsis when cut; newlines
/// and tabs become spaces, control characters are escaped ([`safe`]).
pub fn truncate(text: &str, max: usize) -> String {
    let one_line = safe(&text.replace(['\n', '\r', '\t'], " ")).into_owned();
    if width(&one_line) <= max {
        return one_line;
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in one_line.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    /// A sink that keeps each write apart (renderers that write in chunks are checked
    /// with it).
    pub(crate) struct Writes(pub(crate) Vec<Vec<u8>>);

    impl std::io::Write for Writes {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.push(buf.to_vec());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    use super::*;

    proptest::proptest! {
        /// The one-pass check finds text clean exactly when no character is unsafe.
        #[test]
        fn safe_borrows_exactly_the_clean_text(
            text in "(\\PC|[\u{0}-\u{1f}\u{7f}-\u{9f}\u{202a}-\u{202e}\u{2066}-\u{2069}]){0,40}"
        ) {
            let clean = !text.chars().any(is_unsafe);
            let out = safe(&text);
            proptest::prop_assert_eq!(matches!(out, Cow::Borrowed(_)), clean);
            if clean {
                proptest::prop_assert_eq!(out.as_ref(), text.as_str());
            }
        }
    }

    #[test]
    fn truncation_adds_an_ellipsis_only_when_cut() {
        assert_eq!(truncate("hello", 5), "hello");
        assert_eq!(truncate("hello world", 6), "hello…");
        assert_eq!(truncate("a\nb", 5), "a b");
    }

    #[test]
    fn control_characters_and_bidi_overrides_are_shown_escaped() {
        assert!(matches!(safe("plain text\nline two"), Cow::Borrowed(_)));
        assert!(matches!(safe("café 日本"), Cow::Borrowed(_)));
        assert_eq!(
            safe("T\u{1b}]0;pwned\u{7}\u{1b}[2J"),
            "T\\u{1b}]0;pwned\\u{7}\\u{1b}[2J"
        );
        assert_eq!(safe("a\rb"), "a\\rb");
        assert_eq!(safe("x\u{202E}gpj.exe"), "x\\u{202e}gpj.exe");
        assert_eq!(safe("\u{9b}31m"), "\\u{9b}31m");
        assert!(!truncate("\u{1b}[31mred", 40).contains('\u{1b}'));
    }

    #[test]
    fn wide_characters_count_as_two_columns() {
        assert_eq!(width("カード"), 6);
        assert_eq!(width("🔥x"), 3);
        let cut = truncate("カードが使えない", 7);
        assert_eq!(cut, "カード…");
        assert!(width(&cut) <= 7);
        let mut s = String::new();
        pad(&mut s, "表", 4);
        assert_eq!(s, "表  ");
    }
}
