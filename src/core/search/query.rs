//! The search query language: words (all must match, stemmed), `"exact phrases"`,
//! `-excluded` words, phrases or filters, `field:value` filters (`state:open
//! account:acme priority:P1 channel:phone tag:vip`, any custom field), and `prefix*`.

/// The filters every casebook has; a casebook's custom fields are filters too.
pub const FIELDS: &[&str] = &[
    "id", "state", "type", "priority", "account", "contact", "assignee", "team", "tag", "channel",
    "article",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// A word as typed (matched by its stems).
    Word(String),
    /// Words in this order, exactly (folded).
    Phrase(String),
    /// A word's beginning (`refund*`).
    Prefix(String),
    /// `name:value`, or `name:val*` when `prefix`.
    Field {
        name: String,
        value: String,
        prefix: bool,
    },
}

/// What is wrong with a query, and how to write it instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(pub String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub negated: bool,
    pub term: Term,
}

/// Parses `query`. `custom` are the casebook's custom field names (also valid filters).
/// Errors name what is wrong and how to write it instead.
pub fn parse(query: &str, custom: &[&str]) -> Result<Vec<Clause>, QueryError> {
    let chars: Vec<char> = query.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let mut negated = false;
        if chars[i] == '-' && chars.get(i + 1).is_some_and(|c| !c.is_whitespace()) {
            negated = true;
            i += 1;
        }
        if chars[i] == '"' {
            let (text, next) = quoted(&chars, i)?;
            i = next;
            if !text.trim().is_empty() {
                out.push(Clause {
                    negated,
                    term: Term::Phrase(text),
                });
            }
            continue;
        }
        // A bare token, possibly `name:"quoted value"`.
        let start = i;
        let mut token = String::new();
        let mut quoted_value = None;
        while i < chars.len() && !chars[i].is_whitespace() {
            if chars[i] == '"' && i > start && chars[i - 1] == ':' {
                let (text, next) = quoted(&chars, i)?;
                quoted_value = Some(text);
                i = next;
                break;
            }
            token.push(chars[i]);
            i += 1;
        }
        if let Some(clause) = classify(&token, quoted_value, custom)? {
            out.push(Clause {
                negated,
                term: clause,
            });
        }
    }
    if out.is_empty() {
        return Err(QueryError(
            "nothing to search for: give a word, a \"phrase\" or a filter such as state:open"
                .into(),
        ));
    }
    Ok(out)
}

/// The text between the quote at `open` and the next quote, and where to go on.
fn quoted(chars: &[char], open: usize) -> Result<(String, usize), QueryError> {
    match chars[open + 1..].iter().position(|c| *c == '"') {
        Some(len) => Ok((
            chars[open + 1..open + 1 + len].iter().collect(),
            open + len + 2,
        )),
        None => Err(QueryError(format!(
            "the quote at character {} is not closed: write \"exact phrase\" with a closing quote",
            open + 1
        ))),
    }
}

fn classify(
    token: &str,
    quoted: Option<String>,
    custom: &[&str],
) -> Result<Option<Term>, QueryError> {
    if let Some((name, value)) = token.split_once(':') {
        let value = quoted.clone().unwrap_or_else(|| value.to_string());
        let is_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        // `https://…` and `10:30` are text, not filters.
        if is_name && !value.starts_with("//") && !name.chars().all(|c| c.is_ascii_digit()) {
            let lower = name.to_ascii_lowercase();
            let lower = match lower.as_str() {
                "tags" => "tag".to_string(),
                "kind" => "type".to_string(),
                _ => lower,
            };
            let known = FIELDS.contains(&lower.as_str()) || custom.contains(&name);
            if !known {
                let hint = crate::core::keys::closest(name, FIELDS.iter().chain(custom).copied())
                    .map(|s| format!("did you mean {s}:? "))
                    .unwrap_or_default();
                return Err(QueryError(format!(
                    "unknown field {name:?} in {token:?}: {hint}filters are {} and custom fields; quote \"{token}\" to search for the text",
                    FIELDS.join(", ")
                )));
            }
            let name = if custom.contains(&name) {
                name.to_string()
            } else {
                lower
            };
            if value.trim().is_empty() {
                return Err(QueryError(format!(
                    "{name}: needs a value, as in {name}:something"
                )));
            }
            let (value, prefix) = match value.strip_suffix('*') {
                Some(v) if !v.is_empty() => (v.to_string(), true),
                _ => (value, false),
            };
            return Ok(Some(Term::Field {
                name,
                value,
                prefix,
            }));
        }
    }
    let token = match quoted {
        Some(q) => format!("{token}{q}"),
        None => token.to_string(),
    };
    if let Some(p) = token.strip_suffix('*') {
        let p = p.trim_end_matches('*');
        if p.chars().any(char::is_alphanumeric) {
            return Ok(Some(Term::Prefix(p.to_string())));
        }
        return Ok(None);
    }
    if token.chars().any(char::is_alphanumeric) {
        Ok(Some(Term::Word(token)))
    } else {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(w: &str) -> Clause {
        Clause {
            negated: false,
            term: Term::Word(w.into()),
        }
    }

    #[test]
    fn words_phrases_exclusions_filters_and_prefixes() {
        let q = parse(
            r#"card "was declined" -fraud state:open account:"Big Corp" refund* -tag:vip"#,
            &[],
        )
        .unwrap();
        assert_eq!(q[0], word("card"));
        assert_eq!(q[1].term, Term::Phrase("was declined".into()));
        assert_eq!(
            q[2],
            Clause {
                negated: true,
                term: Term::Word("fraud".into())
            }
        );
        assert_eq!(
            q[3].term,
            Term::Field {
                name: "state".into(),
                value: "open".into(),
                prefix: false
            }
        );
        assert_eq!(
            q[4].term,
            Term::Field {
                name: "account".into(),
                value: "Big Corp".into(),
                prefix: false
            }
        );
        assert_eq!(q[5].term, Term::Prefix("refund".into()));
        assert!(q[6].negated);
        assert_eq!(q.len(), 7);
    }

    #[test]
    fn negated_phrases_and_field_prefixes() {
        let q = parse(r#"-"not this" account:ac*"#, &[]).unwrap();
        assert!(q[0].negated);
        assert_eq!(q[0].term, Term::Phrase("not this".into()));
        assert_eq!(
            q[1].term,
            Term::Field {
                name: "account".into(),
                value: "ac".into(),
                prefix: true
            }
        );
    }

    #[test]
    fn custom_fields_are_filters_and_unknown_names_are_errors() {
        let q = parse("order_id:A-1", &["order_id"]).unwrap();
        assert!(matches!(&q[0].term, Term::Field { name, .. } if name == "order_id"));
        let e = parse("stat:open", &[]).unwrap_err().0;
        assert!(e.contains("did you mean state:"), "{e}");
        // Quoted, it is text.
        assert_eq!(
            parse(r#""stat:open""#, &[]).unwrap()[0].term,
            Term::Phrase("stat:open".into())
        );
    }

    #[test]
    fn urls_and_times_are_text() {
        let q = parse("https://example.com 10:30", &[]).unwrap();
        assert_eq!(q[0], word("https://example.com"));
        assert_eq!(q[1], word("10:30"));
    }

    #[test]
    fn bad_queries_are_explained() {
        assert!(parse("", &[]).unwrap_err().0.contains("nothing to search"));
        assert!(parse("  !!! * ", &[]).is_err());
        assert!(
            parse(r#"card "declined"#, &[])
                .unwrap_err()
                .0
                .contains("not closed")
        );
        assert!(
            parse("state:", &[])
                .unwrap_err()
                .0
                .contains("needs a value")
        );
        // A dash alone is not an exclusion of nothing.
        assert_eq!(parse("a - b", &[]).unwrap().len(), 2);
    }

    #[test]
    fn aliases() {
        let q = parse("Tags:vip kind:incident", &[]).unwrap();
        assert!(matches!(&q[0].term, Term::Field { name, .. } if name == "tag"));
        assert!(matches!(&q[1].term, Term::Field { name, .. } if name == "type"));
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_or_errs_without_panicking(q in "\\PC{0,60}") {
            let _ = parse(&q, &["order_id"]);
        }

        #[test]
        fn plain_words_come_back_as_words(ws in proptest::collection::vec("[a-z]{1,10}", 1..6)) {
            let q = parse(&ws.join(" "), &[]).unwrap();
            proptest::prop_assert_eq!(q, ws.iter().map(|w| word(w)).collect::<Vec<_>>());
        }
    }
}
