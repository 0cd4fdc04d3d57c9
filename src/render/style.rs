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

/// Whether output gets colour, decided once per command.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub enabled: bool,
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
        Style { enabled }
    }

    pub fn plain() -> Style {
        Style { enabled: false }
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

    #[test]
    fn paint_only_when_enabled() {
        assert_eq!(Style::plain().paint("P1", "31"), "P1");
        let on = Style { enabled: true };
        assert_eq!(on.paint("P1", "31"), "\x1b[31mP1\x1b[0m");
        assert_eq!(on.paint("P1", ""), "P1");
        assert_eq!(Style::new(When::Never, false).paint("x", "1"), "x");
        assert!(Style::new(When::Always, false).enabled);
    }
}
