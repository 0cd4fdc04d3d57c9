//! The case: current fields on top, then an append-only timeline of events.
//!
//! This is the typed view used for decisions and JSON output. The file itself is written by
//! `store::casefile`, which keeps comments, key order and unknown keys of hand-edited files.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// Text of a case or event field: short values (IDs, priorities, names, kinds) are kept
/// inline, without an allocation of their own.
pub type Text = compact_str::CompactString;

/// The lifecycle states. The set is fixed; docket.toml may only rename them for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    New,
    Open,
    AwaitingInfo,
    Resolved,
    Closed,
    Cancelled,
}

impl State {
    pub const ALL: [State; 6] = [
        State::New,
        State::Open,
        State::AwaitingInfo,
        State::Resolved,
        State::Closed,
        State::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::New => "new",
            State::Open => "open",
            State::AwaitingInfo => "awaiting-info",
            State::Resolved => "resolved",
            State::Closed => "closed",
            State::Cancelled => "cancelled",
        }
    }

    /// A state name in any ASCII case, with `_` for `-` (`Awaiting_Info`). Compared in
    /// place: clocks read the state of every state event of every open case.
    pub fn parse(text: &str) -> Option<State> {
        let t = text.trim().as_bytes();
        State::ALL.into_iter().find(|s| {
            let name = s.as_str().as_bytes();
            name.len() == t.len()
                && name
                    .iter()
                    .zip(t)
                    .all(|(n, c)| *n == c.to_ascii_lowercase() || (*n == b'-' && *c == b'_'))
        })
    }

    /// Open means "not closed and not cancelled" (what `docket list --open` shows).
    pub fn is_open(self) -> bool {
        !matches!(self, State::Closed | State::Cancelled)
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who acted: an agent (Git identity or `--as`), the customer (`--from`), or docket itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    #[default]
    Agent,
    Customer,
    System,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Agent => "agent",
            ActorKind::Customer => "customer",
            ActorKind::System => "system",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub kind: ActorKind,
}

impl Actor {
    pub fn agent(name: impl Into<String>) -> Actor {
        Actor {
            name: name.into(),
            kind: ActorKind::Agent,
        }
    }
    pub fn customer(name: impl Into<String>) -> Actor {
        Actor {
            name: name.into(),
            kind: ActorKind::Customer,
        }
    }
    pub fn system() -> Actor {
        Actor {
            name: "docket".into(),
            kind: ActorKind::System,
        }
    }
}

/// Whether a comment is shown to the customer or is an internal work note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    #[default]
    Public,
    Internal,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Internal => "internal",
        }
    }
}

/// One timeline entry. `kind` is one of `created`, `comment`, `assigned`, `state`,
/// `escalated`, `set`; kinds and keys this version does not know are kept as they are.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Event {
    pub id: Text,
    #[serde(with = "utc")]
    pub at: DateTime<Utc>,
    pub actor: Text,
    #[serde(default)]
    pub actor_kind: ActorKind,
    pub kind: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, toml::Value>,
}

impl Event {
    pub fn new(id: impl Into<Text>, at: DateTime<Utc>, actor: &Actor, kind: &str) -> Event {
        Event {
            id: id.into(),
            at,
            actor: Text::from(actor.name.as_str()),
            actor_kind: actor.kind,
            kind: Text::from(kind),
            channel: None,
            visibility: None,
            field: None,
            from: None,
            to: None,
            level: None,
            team: None,
            csat: None,
            reason: None,
            resolution: None,
            body: None,
            extra: BTreeMap::new(),
        }
    }

    /// A comment (or a created event with a body) by the customer.
    pub fn is_customer_message(&self) -> bool {
        self.actor_kind == ActorKind::Customer && self.body.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Case {
    pub id: Text,
    pub title: Text,
    #[serde(rename = "type")]
    pub kind: Text,
    pub state: State,
    pub priority: Text,
    #[serde(default, deserialize_with = "empty_none")]
    pub account: Option<Text>,
    #[serde(default, deserialize_with = "empty_none")]
    pub contact: Option<Text>,
    #[serde(default, deserialize_with = "empty_none")]
    pub assignee: Option<Text>,
    #[serde(default, deserialize_with = "empty_none")]
    pub team: Option<Text>,
    #[serde(default)]
    pub escalation_level: u32,
    #[serde(default, deserialize_with = "empty_none")]
    pub parent: Option<Text>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default, deserialize_with = "empty_none")]
    pub resolution: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat: Option<u8>,
    #[serde(with = "utc")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "utc")]
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub fields: BTreeMap<String, toml::Value>,
    #[serde(default)]
    pub timeline: Vec<Event>,
}

impl Case {
    /// The case without its timeline, as `docket list --format json` prints it.
    pub fn summary(&self) -> Case {
        Case {
            timeline: Vec::new(),
            ..self.clone()
        }
    }

    /// A custom field as display text.
    pub fn field_text(&self, key: &str) -> Option<String> {
        self.fields.get(key).map(value_text)
    }
}

/// Reads an optional text field; an empty string (how the file says "none") is `None`.
fn empty_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Text>, D::Error> {
    let v: Option<Text> = Option::deserialize(d)?;
    Ok(v.filter(|s| !s.is_empty()))
}

/// A TOML value as plain text (strings without quotes).
pub fn value_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Formats a time as RFC 3339 UTC with seconds, the one spelling used in files and JSON.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Serde for timestamps: RFC 3339 strings, always written in UTC.
pub mod utc {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_time(*t))
    }

    /// A string, or a native TOML date-time written by hand (`at = 2026-11-20T09:00:00Z`).
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Text(String),
        Native(toml::value::Datetime),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = match Written::deserialize(d)? {
            Written::Text(t) => t,
            Written::Native(t) => t.to_string(),
        };
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| {
                serde::de::Error::custom(format!("{text:?} is not an RFC 3339 time ({e})"))
            })
    }
}

/// [`utc`] for an optional time.
pub mod utc_opt {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::utc::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        #[derive(Deserialize)]
        struct Wrap(#[serde(with = "super::utc")] DateTime<Utc>);
        Ok(Some(Wrap::deserialize(d)?.0))
    }
}

/// A case for unit tests elsewhere: open-ish (awaiting info), P1, assigned to alice, on
/// an account with a long name, created and updated at one moment.
#[cfg(test)]
pub(crate) fn sample(id: &str, title: &str) -> Case {
    let t = DateTime::from_timestamp(1_700_000_000, 0).expect("a valid timestamp");
    Case {
        id: id.into(),
        title: title.into(),
        kind: "incident".into(),
        state: State::AwaitingInfo,
        priority: "P1".into(),
        account: Some("a-rather-long-account-name".into()),
        contact: None,
        assignee: Some("alice".into()),
        team: None,
        escalation_level: 0,
        parent: None,
        tags: vec![],
        resolution: None,
        csat: None,
        created_at: t,
        updated_at: t,
        fields: Default::default(),
        timeline: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_parse_from_their_names() {
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Some(s));
        }
        assert_eq!(State::parse("Awaiting_Info"), Some(State::AwaitingInfo));
        assert_eq!(State::parse("done"), None);
    }

    proptest::proptest! {
        /// Parsing in place agrees with lower-casing, `_` → `-` and comparing.
        #[test]
        fn state_parse_agrees_with_normalising(text in "[ \\t]?[a-zA-Z_\\-é]{0,14}[ ]?") {
            let t = text.trim().to_ascii_lowercase().replace('_', "-");
            let expected = State::ALL.into_iter().find(|s| s.as_str() == t);
            proptest::prop_assert_eq!(State::parse(&text), expected);
        }

        #[test]
        fn state_names_in_any_case_parse(i in 0usize..6, flips in proptest::collection::vec(proptest::bool::ANY, 13)) {
            let s = State::ALL[i];
            let text: String = s.as_str().chars().zip(flips.iter().cycle()).map(|(c, up)| match (c, up) {
                ('-', true) => '_',
                (c, true) => c.to_ascii_uppercase(),
                (c, false) => c,
            }).collect();
            proptest::prop_assert_eq!(State::parse(&text), Some(s));
        }
    }

    #[test]
    fn open_excludes_closed_and_cancelled() {
        assert!(State::Resolved.is_open());
        assert!(!State::Closed.is_open());
        assert!(!State::Cancelled.is_open());
    }

    #[test]
    fn a_case_file_parses_with_unknown_keys() {
        let text = r#"
id = "DK-00000001"
title = "Hello"
type = "question"
state = "open"
priority = "P3"
created_at = "2026-11-20T09:00:00Z"
updated_at = "2026-11-20T09:00:00+01:00"
mood = "grumpy"

[[timeline]]
id = "AAAAAAAA"
at = "2026-11-20T09:00:00Z"
actor = "alice"
kind = "created"
sentiment = "calm"
"#;
        let case: Case = toml::from_str(text).unwrap();
        assert_eq!(case.updated_at.to_rfc3339(), "2026-11-20T08:00:00+00:00");
        // A native TOML date-time written by hand reads the same.
        let native: Case = toml::from_str(&text.replace(
            "created_at = \"2026-11-20T09:00:00Z\"",
            "created_at = 2026-11-20T09:00:00Z",
        ))
        .unwrap();
        assert_eq!(native.created_at, case.created_at);
        assert_eq!(case.timeline[0].extra["sentiment"].as_str(), Some("calm"));
    }
}
