//! Search text: how case and article text becomes index terms, and how a query's words
//! become the same terms. Pure: no index, no files (those are `store::search`).
//!
//! Every word is lower-cased and folded to ASCII (`Tarjeta` → `tarjeta`, `café` → `cafe`),
//! then indexed twice at one position: as itself (what `"exact phrases"` and `refund*`
//! match) and, marked with [`STEM`], as its stem in each configured language (what a
//! plain word matches: `refunds` finds `refunded`). A word's stems never collide with a
//! word as written, because a written word has no [`STEM`] character.

pub mod query;

use serde::Serialize;

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenStream, Tokenizer,
};

/// One result of a search or a likeness query (a case, or an article: `id` is its slug).
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    pub path: String,
    pub title: String,
    pub score: f32,
    pub snippet: String,
    /// Byte ranges of `snippet` that matched.
    pub highlights: Vec<(usize, usize)>,
    pub state: String,
    pub priority: String,
    pub assignee: String,
    pub account: String,
    pub kind: String,
    /// Seconds from creation to the first resolution, for resolved cases.
    pub resolve_secs: Option<i64>,
    pub resolution: String,
    pub updated: i64,
}

/// The mark on a stem term.
pub const STEM: char = '~';

/// A `search.language` docket cannot stem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "search.language: {0:?} is not a stemming language (try english, spanish, french, german, portuguese, italian, or none)"
)]
pub struct UnknownLanguage(pub String);

/// The stemming languages docket.toml may name in `search.language` (Snowball's names and
/// their two-letter codes); `none` turns stemming off.
pub fn language(name: &str) -> Result<Option<frostem::Algorithm>, UnknownLanguage> {
    let n = name.trim().to_ascii_lowercase();
    if n == "none" {
        return Ok(None);
    }
    frostem::Algorithm::from_name(&n)
        .map(Some)
        .map_err(|_| UnknownLanguage(name.to_string()))
}

/// Every configured language, each once.
pub fn languages(names: &[String]) -> Result<Vec<frostem::Algorithm>, UnknownLanguage> {
    let mut out = Vec::new();
    for n in names {
        if let Some(a) = language(n)?
            && !out.contains(&a)
        {
            out.push(a);
        }
    }
    Ok(out)
}

/// Lower-case, ASCII-folded words with their byte ranges in `text`.
pub fn words(text: &str) -> Vec<Token> {
    let mut base = base();
    let mut stream = base.token_stream(text);
    let mut out = Vec::new();
    while let Some(t) = stream.next() {
        out.push(t.clone());
    }
    out
}

fn base() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// One value as it is compared in `field:value` filters: trimmed, lower-case, folded.
pub fn keyword(value: &str) -> String {
    let mut a = TextAnalyzer::builder(tantivy::tokenizer::RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    let mut s = a.token_stream(value.trim());
    s.next().map(|t| t.text.clone()).unwrap_or_default()
}

/// The stem terms of one folded word, one per language (each once).
pub fn stems(word: &str, langs: &[frostem::Algorithm]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in langs {
        let s = format!("{STEM}{}", frostem::Stemmer::new(*l).stem(word));
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// The index tokenizer for prose: each word as written (folded), then its stems at the
/// same position.
#[derive(Clone)]
pub struct Prose {
    pub langs: Vec<frostem::Algorithm>,
}

/// The tokenizer for typo-tolerant likeness: the character trigrams of each word
/// (`^pa`, `pas`, …, `rd$`), so `pasword` still shares most of `password`'s terms.
#[derive(Clone)]
pub struct Grams;

/// Tokens computed up front (a case's text is small).
pub struct Tokens {
    tokens: Vec<Token>,
    at: usize,
}

impl TokenStream for Tokens {
    fn advance(&mut self) -> bool {
        self.at += 1;
        self.at <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.at - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.at - 1]
    }
}

impl Prose {
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        for w in words(text) {
            let stems = stems(&w.text, &self.langs);
            out.push(w.clone());
            for s in stems {
                out.push(Token {
                    text: s,
                    ..w.clone()
                });
            }
        }
        out
    }
}

impl Tokenizer for Prose {
    type TokenStream<'a> = Tokens;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        Tokens {
            tokens: self.tokens(text),
            at: 0,
        }
    }
}

impl Grams {
    pub fn tokens(text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        for w in words(text) {
            if w.text.chars().count() < 3 || w.text.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            let padded: Vec<char> = format!("^{}$", w.text).chars().collect();
            for g in padded.windows(3) {
                out.push(Token {
                    text: g.iter().collect(),
                    ..w.clone()
                });
            }
        }
        out
    }
}

impl Tokenizer for Grams {
    type TokenStream<'a> = Tokens;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        Tokens {
            tokens: Grams::tokens(text),
            at: 0,
        }
    }
}

/// The tokenizer for `field:value` keywords: the whole value, lower-case and folded.
pub fn keyword_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(tantivy::tokenizer::RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(tokens: &[Token]) -> Vec<&str> {
        tokens.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn words_are_lower_case_and_folded() {
        assert_eq!(
            texts(&words("Tarjeta BLOQUEADA, café à Zürich!")),
            ["tarjeta", "bloqueada", "cafe", "a", "zurich"]
        );
        let w = words("¡Hola señor!");
        assert_eq!(texts(&w), ["hola", "senor"]);
        // Byte ranges point into the original text (for snippets).
        assert_eq!(&"¡Hola señor!"[w[1].offset_from..w[1].offset_to], "señor");
    }

    #[test]
    fn english_and_spanish_stems() {
        let en = languages(&["english".into()]).unwrap();
        assert_eq!(stems("refunds", &en), ["~refund"]);
        assert_eq!(stems("refunded", &en), ["~refund"]);
        assert_eq!(stems("refunding", &en), ["~refund"]);
        let es = languages(&["es".into()]).unwrap();
        assert_eq!(stems("tarjetas", &es), stems("tarjeta", &es));
        assert_eq!(stems("reembolsos", &es), stems("reembolso", &es));
        let both = languages(&["en".into(), "spanish".into(), "english".into()]).unwrap();
        assert_eq!(both.len(), 2, "a language named twice counts once");
        assert!(stems("cards", &both).contains(&"~card".to_string()));
    }

    #[test]
    fn prose_keeps_the_word_and_adds_stems_at_its_position() {
        let p = Prose {
            langs: languages(&["english".into()]).unwrap(),
        };
        let t = p.tokens("Refunds declined");
        assert_eq!(texts(&t), ["refunds", "~refund", "declined", "~declin"]);
        assert_eq!(t[0].position, t[1].position);
        assert_ne!(t[1].position, t[2].position);
        let none = Prose { langs: vec![] };
        assert_eq!(texts(&none.tokens("Refunds")), ["refunds"]);
    }

    #[test]
    fn unknown_languages_are_named() {
        assert!(
            language("klingon")
                .unwrap_err()
                .to_string()
                .contains("klingon")
        );
        assert_eq!(language("none").unwrap(), None);
        assert!(language("English").unwrap().is_some());
    }

    #[test]
    fn grams_tolerate_a_typo() {
        let a: std::collections::BTreeSet<String> = Grams::tokens("password")
            .into_iter()
            .map(|t| t.text)
            .collect();
        let b: std::collections::BTreeSet<String> = Grams::tokens("pasword")
            .into_iter()
            .map(|t| t.text)
            .collect();
        let shared = a.intersection(&b).count();
        assert!(shared * 3 >= a.len() * 2, "{shared} of {}", a.len());
        assert!(Grams::tokens("ab 1234").is_empty());
    }

    #[test]
    fn keywords_compare_folded() {
        assert_eq!(keyword("  ACME Café "), "acme cafe");
    }
}
