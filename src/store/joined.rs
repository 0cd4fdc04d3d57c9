//! Many short strings (file names, paths) kept one after another in one string, with
//! where each ends: the listing, the walk and the decoded cache hold 10,000 paths each at
//! 10,000 cases, and a string apiece was 10,000 allocations each time.

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Default, Clone, PartialEq, Debug)]
pub(super) struct Joined {
    text: String,
    /// Where each string ends in `text`.
    ends: Vec<u32>,
}

impl Joined {
    pub(super) fn with_capacity(count: usize, bytes: usize) -> Joined {
        Joined {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(count),
        }
    }

    /// Adds one string made of `parts`, after the ones already added.
    pub(super) fn push(&mut self, parts: &[&str]) {
        for p in parts {
            self.text.push_str(p);
        }
        self.ends.push(self.text.len() as u32);
    }

    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// String `i` (`i < len()`).
    pub(super) fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// The whole text, every string one after another.
    pub(super) fn text(&self) -> &str {
        &self.text
    }

    /// Whether read back from a file it still fits: ends ascending, on character
    /// boundaries, the last at the end of the text (then [`Joined::get`] cannot panic).
    pub(super) fn consistent(&self) -> bool {
        let mut start = 0;
        for &end in &self.ends {
            let end = end as usize;
            if end < start || !self.text.is_char_boundary(end) {
                return false;
            }
            start = end;
        }
        start == self.text.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_come_back_as_pushed_and_bad_ends_are_caught() {
        let mut j = Joined::default();
        j.push(&["cases", "/", "0A/DK-0A.toml"]);
        j.push(&[""]);
        j.push(&["é"]);
        assert_eq!(
            j.iter().collect::<Vec<_>>(),
            ["cases/0A/DK-0A.toml", "", "é"]
        );
        assert!(j.consistent());
        let mut bad = j.clone();
        bad.ends[2] -= 1; // inside "é"
        assert!(!bad.consistent());
        let mut short = j.clone();
        short.ends.pop();
        assert!(!short.consistent());
    }
}
