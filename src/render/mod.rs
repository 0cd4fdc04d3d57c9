//! Output: tables and text for people, JSON and TSV for programs. Knows nothing of Git.

pub mod json;
pub mod sla;
pub mod style;
pub mod text;

/// The width available for a table: `COLUMNS`, else the terminal's, else none (piped).
pub fn terminal_width() -> Option<usize> {
    if let Some(c) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return Some(c);
    }
    comfy_table::Table::new()
        .width()
        .map(usize::from)
        .filter(|w| *w > 0)
}

/// Fits a table whose last column is a title to `width` (a terminal): drops the columns
/// in `drop_order` one by one while the title would get fewer than `min_title`
/// characters. Returns the columns to show and the title's maximum width (`None` when
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

/// Shortens `text` to `max` characters, ending in an ellipsis when cut.
pub fn truncate(text: &str, max: usize) -> String {
    let one_line = text.replace(['\n', '\r', '\t'], " ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    if max == 0 {
        return String::new();
    }
    let mut out: String = one_line.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_adds_an_ellipsis_only_when_cut() {
        assert_eq!(truncate("hello", 5), "hello");
        assert_eq!(truncate("hello world", 6), "hello…");
        assert_eq!(truncate("a\nb", 5), "a b");
    }
}
