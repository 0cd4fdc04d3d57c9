//! Unknown keys in hand-written settings (`docket.toml`, `agents.toml`, guides): a typo
//! such as `warn_At` or `requried` must not be ignored silently. Each file has a
//! [`Shape`]; [`unknown_keys`] walks the parsed document (with spans, so lines are
//! known) and names every key the shape does not have, with the closest valid name.
//! Case files are not checked: their unknown keys are kept, never dropped.

use toml_edit::{Item, Value};

/// What a table may hold.
pub enum Shape {
    /// A value that is not checked further (a string, a list of strings, …).
    Leaf,
    /// A table with these keys.
    Table(&'static [(&'static str, Shape)]),
    /// A table whose keys are names (calendars, fields, agents), each of this shape.
    Map(&'static Shape),
    /// An array (of tables) whose items have this shape.
    Array(&'static Shape),
}

/// A key the file's shape does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKey {
    pub line: Option<usize>,
    pub key: String,
    /// Where: `[[sla]] "p2-resolution"`, `[calendars.madrid]`, `the top level`.
    pub within: String,
    pub suggestion: Option<String>,
}

impl std::fmt::Display for UnknownKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown key {} in {}", self.key, self.within)?;
        match &self.suggestion {
            Some(s) => write!(f, "; did you mean {s}?"),
            None => Ok(()),
        }
    }
}

/// Edit distance between two short names (case-insensitive).
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (
        a.to_lowercase().chars().collect(),
        b.to_lowercase().chars().collect(),
    );
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The valid name closest to `key`, if it is close enough to be a typo.
pub fn closest<'a>(key: &str, names: impl IntoIterator<Item = &'a str>) -> Option<String> {
    names
        .into_iter()
        .map(|n| (distance(key, n), n))
        .filter(|(d, n)| *d <= 2.max(n.len() / 4) && *d < n.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n.to_string())
}

/// Every key of `text` that `shape` does not have, in file order. Text that does not
/// parse gives nothing here (the parser itself reports it).
pub fn unknown_keys(text: &str, shape: &Shape) -> Vec<UnknownKey> {
    let Ok(doc) = toml_edit::Document::parse(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let line = |span: Option<std::ops::Range<usize>>| {
        span.map(|s| super::config::line_col(text, s.start).0)
    };
    walk_table(
        doc.as_table().iter_keys_items(),
        shape,
        "the top level",
        &line,
        &mut out,
    );
    out.sort_by_key(|u| u.line);
    out
}

type Line<'a> = dyn Fn(Option<std::ops::Range<usize>>) -> Option<usize> + 'a;

/// A table's entries as (key, the key's span, item).
type Entry<'a> = Vec<(&'a str, Option<std::ops::Range<usize>>, &'a Item)>;

trait KeysItems<'a> {
    fn iter_keys_items(self) -> Entry<'a>;
}

impl<'a> KeysItems<'a> for &'a toml_edit::Table {
    fn iter_keys_items(self) -> Entry<'a> {
        self.iter()
            .filter_map(|(k, _)| {
                let (key, item) = self.get_key_value(k)?;
                Some((key.get(), key.span(), item))
            })
            .collect()
    }
}

impl<'a> KeysItems<'a> for &'a toml_edit::InlineTable {
    fn iter_keys_items(self) -> Entry<'a> {
        self.iter()
            .filter_map(|(k, _)| {
                let (key, value) = self.get_key_value(k)?;
                Some((key.get(), key.span(), value))
            })
            .collect()
    }
}

fn walk_table(
    entries: Entry<'_>,
    shape: &Shape,
    within: &str,
    line: &Line<'_>,
    out: &mut Vec<UnknownKey>,
) {
    for (key, span, entry) in entries {
        let child = match shape {
            Shape::Table(fields) => match fields.iter().find(|(n, _)| *n == key) {
                Some((_, s)) => s,
                None => {
                    out.push(UnknownKey {
                        line: line(span),
                        key: key.to_string(),
                        within: within.to_string(),
                        suggestion: closest(key, fields.iter().map(|(n, _)| *n)),
                    });
                    continue;
                }
            },
            Shape::Map(inner) => inner,
            Shape::Leaf | Shape::Array(_) => return,
        };
        let name = if within == "the top level" {
            format!("[{key}]")
        } else {
            format!("{}.{key}]", within.trim_end_matches(']'))
        };
        walk_entry(entry, child, &name, line, out);
    }
}

fn walk_entry(
    entry: &Item,
    shape: &Shape,
    within: &str,
    line: &Line<'_>,
    out: &mut Vec<UnknownKey>,
) {
    match (entry, shape) {
        (_, Shape::Leaf) => {}
        (Item::Table(t), _) => walk_table(t.iter_keys_items(), shape, within, line, out),
        (Item::Value(v), _) => walk_value(v, shape, within, line, out),
        (Item::ArrayOfTables(a), Shape::Array(inner)) => {
            for t in a.iter() {
                let name = item_name(within, t.get("name").and_then(|n| n.as_str()));
                walk_table(t.iter_keys_items(), inner, &name, line, out);
            }
        }
        _ => {}
    }
}

fn walk_value(v: &Value, shape: &Shape, within: &str, line: &Line<'_>, out: &mut Vec<UnknownKey>) {
    match (v, shape) {
        (Value::InlineTable(t), Shape::Table(_) | Shape::Map(_)) => {
            walk_table(t.iter_keys_items(), shape, within, line, out)
        }
        (Value::Array(a), Shape::Array(inner)) => {
            for item in a.iter() {
                let name = match item {
                    Value::InlineTable(t) => {
                        item_name(within, t.get("name").and_then(|n| n.as_str()))
                    }
                    _ => within.to_string(),
                };
                walk_value(item, inner, &name, line, out);
            }
        }
        _ => {}
    }
}

/// `[[sla]] "NAME"` for a named item of an array of tables.
fn item_name(within: &str, name: Option<&str>) -> String {
    let table = within.trim_start_matches('[').trim_end_matches(']');
    match name {
        Some(n) => format!("[[{table}]] {n:?}"),
        None => format!("[[{table}]]"),
    }
}

const STRINGS: Shape = Shape::Leaf;
const HOURS: Shape = Shape::Table(&[
    ("mon", STRINGS),
    ("tue", STRINGS),
    ("wed", STRINGS),
    ("thu", STRINGS),
    ("fri", STRINGS),
    ("sat", STRINGS),
    ("sun", STRINGS),
]);
const HOLIDAY: Shape = Shape::Table(&[("date", Shape::Leaf), ("hours", STRINGS)]);
const CALENDAR: Shape = Shape::Table(&[
    ("timezone", Shape::Leaf),
    ("hours", HOURS),
    ("holidays", Shape::Array(&HOLIDAY)),
]);
const SLA: Shape = Shape::Table(&[
    ("name", Shape::Leaf),
    ("kind", Shape::Leaf),
    ("target", Shape::Leaf),
    ("calendar", Shape::Leaf),
    (
        "match",
        Shape::Table(&[
            ("priority", STRINGS),
            ("type", STRINGS),
            ("account", STRINGS),
            ("tags", STRINGS),
            ("tag", STRINGS),
            ("team", STRINGS),
            ("fields", Shape::Map(&STRINGS)),
        ]),
    ),
    ("pause_states", STRINGS),
    ("warn_at", Shape::Leaf),
    ("external", Shape::Leaf),
    ("internal", Shape::Leaf),
    (
        "stop_on",
        Shape::Table(&[("states", STRINGS), ("events", STRINGS)]),
    ),
]);

/// `docket.toml`.
pub const DOCKET_TOML: Shape = Shape::Table(&[
    ("id_prefix", Shape::Leaf),
    // A list of names, or tables `[types.NAME]` (skills, team): either shape.
    (
        "types",
        Shape::Map(&Shape::Table(&[("skills", STRINGS), ("team", Shape::Leaf)])),
    ),
    ("default_type", Shape::Leaf),
    (
        "priorities",
        Shape::Array(&Shape::Table(&[("id", Shape::Leaf), ("name", Shape::Leaf)])),
    ),
    ("default_priority", Shape::Leaf),
    ("channels", STRINGS),
    ("default_channel", Shape::Leaf),
    ("states", Shape::Map(&Shape::Leaf)),
    ("autoclose_after", Shape::Leaf),
    ("closed_reply", Shape::Leaf),
    (
        "fields",
        Shape::Map(&Shape::Table(&[
            ("type", Shape::Leaf),
            ("choices", STRINGS),
            ("description", Shape::Leaf),
            ("skills", Shape::Map(&STRINGS)),
        ])),
    ),
    (
        "escalation",
        Shape::Table(&[
            ("max_level", Shape::Leaf),
            ("raise_priority", Shape::Map(&Shape::Leaf)),
            (
                "rules",
                Shape::Array(&Shape::Table(&[
                    ("name", Shape::Leaf),
                    ("on", Shape::Leaf),
                    ("sla", Shape::Leaf),
                    ("priority", Shape::Leaf),
                    ("replies", Shape::Leaf),
                    ("state", Shape::Leaf),
                    ("after", Shape::Leaf),
                    ("to", Shape::Leaf),
                ])),
            ),
        ]),
    ),
    ("guides", Shape::Table(&[("allow_commands", Shape::Leaf)])),
    (
        "access",
        Shape::Array(&Shape::Table(&[
            ("name", Shape::Leaf),
            ("team", Shape::Leaf),
            ("accounts", STRINGS),
            ("types", STRINGS),
            ("tags", STRINGS),
            ("case_teams", STRINGS),
            ("allow", STRINGS),
            ("internal_notes", Shape::Leaf),
        ])),
    ),
    (
        "verify",
        Shape::Table(&[("max_skew", Shape::Leaf), ("require_signed", Shape::Leaf)]),
    ),
    ("search", Shape::Table(&[("language", Shape::Leaf)])),
    ("kb", Shape::Table(&[("base_url", Shape::Leaf)])),
    ("calendars", Shape::Map(&CALENDAR)),
    ("sla", Shape::Array(&SLA)),
]);

/// `agents.toml`.
pub const AGENTS_TOML: Shape = Shape::Table(&[
    (
        "agents",
        Shape::Map(&Shape::Table(&[
            ("name", Shape::Leaf),
            ("email", Shape::Leaf),
            ("team", Shape::Leaf),
            ("teams", STRINGS),
            // A list (level 3 each) or a table of levels: either shape.
            ("skills", Shape::Leaf),
            ("capacity", Shape::Leaf),
            ("available", Shape::Leaf),
            ("away_until", Shape::Leaf),
            ("calendar", Shape::Leaf),
            ("languages", STRINGS),
        ])),
    ),
    (
        "teams",
        Shape::Map(&Shape::Table(&[
            ("name", Shape::Leaf),
            ("next", Shape::Leaf),
            ("auto_assign", Shape::Leaf),
            ("skills", STRINGS),
        ])),
    ),
]);

const ACTION: Shape = Shape::Table(&[
    ("set", Shape::Map(&Shape::Leaf)),
    ("priority", Shape::Leaf),
    ("tag", Shape::Leaf),
    ("escalate", Shape::Leaf),
    ("reason", Shape::Leaf),
    ("resolve", Shape::Leaf),
    ("assign", Shape::Leaf),
    ("note", Shape::Leaf),
    ("check", Shape::Leaf),
    ("args", STRINGS),
    ("shell", Shape::Leaf),
    ("timeout", Shape::Leaf),
    ("guide", Shape::Leaf),
]);

/// A guide file.
pub const GUIDE: Shape = Shape::Table(&[
    ("title", Shape::Leaf),
    ("applies_to", STRINGS),
    ("start", Shape::Leaf),
    (
        "nodes",
        Shape::Map(&Shape::Table(&[
            ("ask", Shape::Leaf),
            ("input", Shape::Leaf),
            ("outcome", Shape::Leaf),
            ("help", Shape::Leaf),
            (
                "choices",
                Shape::Array(&Shape::Table(&[
                    ("label", Shape::Leaf),
                    ("next", Shape::Leaf),
                ])),
            ),
            ("type", Shape::Leaf),
            ("field", Shape::Leaf),
            ("required", Shape::Leaf),
            ("pattern", Shape::Leaf),
            ("pattern_hint", Shape::Leaf),
            ("min", Shape::Leaf),
            ("max", Shape::Leaf),
            ("next", Shape::Leaf),
            (
                "when",
                Shape::Array(&Shape::Table(&[
                    ("is", Shape::Leaf),
                    ("over", Shape::Leaf),
                    ("under", Shape::Leaf),
                    ("next", Shape::Leaf),
                ])),
            ),
            ("actions", Shape::Array(&ACTION)),
        ])),
    ),
]);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_in_an_sla_names_its_line_table_and_the_right_key() {
        let text = "[[sla]]\nname = \"p1\"\ntarget = \"1h\"\n\n[[sla]]\nname = \"p2-resolution\"\ntarget = \"8h\"\nwarn_At = [50]\npause_state = []\n";
        let found = unknown_keys(text, &DOCKET_TOML);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].line, Some(8));
        assert_eq!(
            found[0].to_string(),
            "unknown key warn_At in [[sla]] \"p2-resolution\"; did you mean warn_at?"
        );
        assert_eq!(found[1].suggestion.as_deref(), Some("pause_states"));
    }

    #[test]
    fn nested_tables_inline_tables_and_names_are_walked() {
        let text = "[calendars.madrid]\ntimezone = \"Europe/Madrid\"\nhours = { mon = [\"09:00-17:00\"], thur = [] }\n[fields.order]\ntype = \"number\"\ndescrption = \"x\"\n[states]\nopen = \"Open\"\n";
        let found = unknown_keys(text, &DOCKET_TOML);
        let keys: Vec<&str> = found.iter().map(|u| u.key.as_str()).collect();
        assert_eq!(keys, ["thur", "descrption"], "{found:?}");
        assert_eq!(found[0].suggestion.as_deref(), Some("thu"));
        assert_eq!(found[1].line, Some(6));
    }

    #[test]
    fn guides_and_agents_have_shapes_too() {
        let guide = "start = \"a\"\n[nodes.a]\ninput = \"?\"\nfield = \"x\"\nrequried = true\n";
        let found = unknown_keys(guide, &GUIDE);
        assert_eq!(found[0].key, "requried");
        assert_eq!(found[0].suggestion.as_deref(), Some("required"));
        let agents = "[agents.alice]\nname = \"A\"\nemial = \"a@x\"\n";
        assert_eq!(
            unknown_keys(agents, &AGENTS_TOML)[0].suggestion.as_deref(),
            Some("email")
        );
    }

    #[test]
    fn the_shipped_templates_have_no_unknown_keys() {
        let docket = include_str!("../templates/docket.toml");
        assert_eq!(unknown_keys(docket, &DOCKET_TOML), vec![]);
        assert_eq!(
            unknown_keys(include_str!("../templates/agents.toml"), &AGENTS_TOML),
            vec![]
        );
        for g in [
            include_str!("../templates/guides/lost-card.toml"),
            include_str!("../templates/guides/login-failure.toml"),
            include_str!("../templates/guides/billing-dispute.toml"),
        ] {
            assert_eq!(unknown_keys(g, &GUIDE), vec![]);
        }
    }

    #[test]
    fn only_close_names_are_suggested() {
        assert_eq!(
            closest("warn_At", ["warn_at", "target"]).as_deref(),
            Some("warn_at")
        );
        assert_eq!(closest("zzz", ["warn_at", "target"]), None);
    }
}
