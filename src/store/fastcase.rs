//! A one-pass reader for case files in the layout docket writes (see
//! [`super::casefile::render_new`]): `key = value` lines, a `[fields]` table and
//! `[[timeline]]` tables, with basic, literal and multi-line literal strings, integers,
//! booleans and one-line string arrays.
//!
//! It answers only when the file is plainly in that layout; for anything else — a
//! comment, a quoted or dotted key, an inline table, an escape it does not know, a key
//! docket does not write, a value out of range, a carriage return — it returns `None`
//! and the file is read by the `toml` crate, which accepts any valid TOML a person writes
//! and names the line of a mistake. So it never decides what a file means differently
//! from `toml`: a property test checks that on generated and mangled files.
//!
//! Why: the `toml` crate lexes a file into tokens, builds a tree of spanned values and
//! then deserialises that tree; a cold `list` at 10,000 cases spent most of its time
//! there. Measured at 10,000 cases (17 MB of case files): see the README's performance
//! section.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::core::case::{ActorKind, Case, Event, State, Text, Visibility};

/// A string value as read: borrowed from the file's text when it can be.
type Str<'a> = std::borrow::Cow<'a, str>;

/// The case in `text`, or `None` when the file is not plainly in docket's layout.
pub fn parse(text: &str) -> Option<Case> {
    if text.contains('\r') || text.starts_with('\u{feff}') {
        return None;
    }
    let mut p = Cursor {
        s: text.as_bytes(),
        text,
        i: 0,
    };
    let mut top = Top::default();
    let mut fields: Option<BTreeMap<String, toml::Value>> = None;
    let mut timeline: Vec<Event> = Vec::new();
    let mut event: Option<EventParts> = None;
    #[derive(PartialEq)]
    enum Section {
        Top,
        Fields,
        Timeline,
    }
    let mut section = Section::Top;
    loop {
        p.skip_blank_lines()?;
        if p.at_end() {
            break;
        }
        if p.peek() == Some(b'[') {
            if let Some(e) = event.take() {
                timeline.push(e.finish()?);
            }
            let header = p.rest_of_line().trim_end_matches([' ', '\t']);
            match header {
                "[[timeline]]" => {
                    section = Section::Timeline;
                    event = Some(EventParts::default());
                }
                "[fields]" if fields.is_none() => {
                    section = Section::Fields;
                    fields = Some(BTreeMap::new());
                }
                _ => return None,
            }
            continue;
        }
        let key = p.bare_key()?;
        p.spaces();
        p.eat(b'=')?;
        p.spaces();
        match section {
            Section::Top => top.set(key, &mut p)?,
            Section::Fields => {
                let value = p.field_value()?;
                let map = fields.as_mut()?;
                if map.insert(key.to_string(), value).is_some() {
                    return None;
                }
            }
            Section::Timeline => event.as_mut()?.set(key, &mut p)?,
        }
        p.end_of_line()?;
    }
    if let Some(e) = event.take() {
        timeline.push(e.finish()?);
    }
    let empty_none = |v: Option<Str<'_>>| v.filter(|s| !s.is_empty()).map(Text::from);
    Some(Case {
        id: top.id?.into(),
        title: top.title?.into(),
        kind: top.kind?.into(),
        state: top.state?,
        priority: top.priority?.into(),
        account: empty_none(top.account.flatten()),
        contact: empty_none(top.contact.flatten()),
        assignee: empty_none(top.assignee.flatten()),
        team: empty_none(top.team.flatten()),
        escalation_level: top.escalation_level.unwrap_or(0),
        parent: empty_none(top.parent.flatten()),
        tags: top.tags.unwrap_or_default(),
        resolution: empty_none(top.resolution.flatten()),
        csat: top.csat.flatten(),
        created_at: top.created_at?,
        updated_at: top.updated_at?,
        fields: fields.unwrap_or_default(),
        timeline,
    })
}

/// Sets `slot` once; a key written twice is `toml`'s to refuse.
fn once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value);
    Some(())
}

#[derive(Default)]
struct Top<'a> {
    id: Option<Str<'a>>,
    title: Option<Str<'a>>,
    kind: Option<Str<'a>>,
    state: Option<State>,
    priority: Option<Str<'a>>,
    // Outer `Option`: written or not; inner: the value.
    account: Option<Option<Str<'a>>>,
    contact: Option<Option<Str<'a>>>,
    assignee: Option<Option<Str<'a>>>,
    team: Option<Option<Str<'a>>>,
    escalation_level: Option<u32>,
    parent: Option<Option<Str<'a>>>,
    tags: Option<Vec<String>>,
    resolution: Option<Option<Str<'a>>>,
    csat: Option<Option<u8>>,
    created_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
}

impl<'a> Top<'a> {
    fn set(&mut self, key: &str, p: &mut Cursor<'a>) -> Option<()> {
        match key {
            "id" => once(&mut self.id, p.string()?),
            "title" => once(&mut self.title, p.string()?),
            "type" => once(&mut self.kind, p.string()?),
            "state" => once(&mut self.state, state(&p.string()?)?),
            "priority" => once(&mut self.priority, p.string()?),
            "account" => once(&mut self.account, Some(p.string()?)),
            "contact" => once(&mut self.contact, Some(p.string()?)),
            "assignee" => once(&mut self.assignee, Some(p.string()?)),
            "team" => once(&mut self.team, Some(p.string()?)),
            "escalation_level" => once(
                &mut self.escalation_level,
                u32::try_from(p.integer()?).ok()?,
            ),
            "parent" => once(&mut self.parent, Some(p.string()?)),
            "tags" => once(&mut self.tags, p.string_array()?),
            "resolution" => once(&mut self.resolution, Some(p.string()?)),
            "csat" => once(&mut self.csat, Some(u8::try_from(p.integer()?).ok()?)),
            "created_at" => once(&mut self.created_at, time(&p.string()?)?),
            "updated_at" => once(&mut self.updated_at, time(&p.string()?)?),
            _ => None,
        }
    }
}

#[derive(Default)]
struct EventParts<'a> {
    id: Option<Str<'a>>,
    at: Option<DateTime<Utc>>,
    actor: Option<Str<'a>>,
    actor_kind: Option<ActorKind>,
    kind: Option<Str<'a>>,
    channel: Option<Str<'a>>,
    visibility: Option<Visibility>,
    field: Option<Str<'a>>,
    from: Option<Str<'a>>,
    to: Option<Str<'a>>,
    level: Option<u32>,
    team: Option<Str<'a>>,
    csat: Option<u8>,
    reason: Option<Str<'a>>,
    resolution: Option<Str<'a>>,
    body: Option<Str<'a>>,
    /// The event's logical clock (see [`crate::core::merge::clock`]), which every event
    /// docket writes carries; kept as the `toml` path keeps it, in `extra`.
    clock: Option<i64>,
}

impl<'a> EventParts<'a> {
    fn set(&mut self, key: &str, p: &mut Cursor<'a>) -> Option<()> {
        match key {
            "id" => once(&mut self.id, p.string()?),
            "at" => once(&mut self.at, time(&p.string()?)?),
            "actor" => once(&mut self.actor, p.string()?),
            "actor_kind" => once(&mut self.actor_kind, actor_kind(&p.string()?)?),
            "kind" => once(&mut self.kind, p.string()?),
            "channel" => once(&mut self.channel, p.string()?),
            "visibility" => once(&mut self.visibility, visibility(&p.string()?)?),
            "field" => once(&mut self.field, p.string()?),
            "from" => once(&mut self.from, p.string()?),
            "to" => once(&mut self.to, p.string()?),
            "level" => once(&mut self.level, u32::try_from(p.integer()?).ok()?),
            "team" => once(&mut self.team, p.string()?),
            "csat" => once(&mut self.csat, u8::try_from(p.integer()?).ok()?),
            "reason" => once(&mut self.reason, p.string()?),
            "resolution" => once(&mut self.resolution, p.string()?),
            "body" => once(&mut self.body, p.string()?),
            "clock" => once(&mut self.clock, p.integer()?),
            // Keys this version does not write are kept by the `toml` path.
            _ => None,
        }
    }

    fn finish(self) -> Option<Event> {
        Some(Event {
            id: self.id?.into(),
            at: self.at?,
            actor: self.actor?.into(),
            actor_kind: self.actor_kind.unwrap_or_default(),
            kind: self.kind?.into(),
            channel: self.channel.map(Text::from),
            visibility: self.visibility,
            field: self.field.map(Text::from),
            from: self.from.map(Text::from),
            to: self.to.map(Text::from),
            level: self.level,
            team: self.team.map(Text::from),
            csat: self.csat,
            reason: self.reason.map(Text::from),
            resolution: self.resolution.map(Text::from),
            body: self.body.map(Str::into_owned),
            extra: match self.clock {
                Some(c) => BTreeMap::from([("clock".to_string(), toml::Value::Integer(c))]),
                None => BTreeMap::new(),
            },
        })
    }
}

/// The names serde reads (exactly; anything else is for `toml` to report).
fn state(text: &str) -> Option<State> {
    State::ALL.into_iter().find(|s| s.as_str() == text)
}

fn actor_kind(text: &str) -> Option<ActorKind> {
    [ActorKind::Agent, ActorKind::Customer, ActorKind::System]
        .into_iter()
        .find(|k| k.as_str() == text)
}

fn visibility(text: &str) -> Option<Visibility> {
    [Visibility::Public, Visibility::Internal]
        .into_iter()
        .find(|v| v.as_str() == text)
}

/// As [`crate::core::case::utc`] reads a time written as a string.
fn time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

struct Cursor<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

impl<'a> Cursor<'a> {
    fn at_end(&self) -> bool {
        self.i >= self.s.len()
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek() == Some(b)).then(|| self.i += 1)
    }

    fn spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    /// Skips lines holding nothing but spaces; a comment is not plain layout.
    fn skip_blank_lines(&mut self) -> Option<()> {
        loop {
            let start = self.i;
            self.spaces();
            match self.peek() {
                Some(b'\n') => self.i += 1,
                Some(b'#') => return None,
                None => return Some(()),
                Some(_) => {
                    self.i = start;
                    self.spaces();
                    return Some(());
                }
            }
        }
    }

    /// The rest of the line (without its line break), consumed.
    fn rest_of_line(&mut self) -> &'a str {
        let start = self.i;
        while let Some(b) = self.peek() {
            self.i += 1;
            if b == b'\n' {
                return &self.text[start..self.i - 1];
            }
        }
        &self.text[start..]
    }

    /// Spaces, then the end of the line (or of the file).
    fn end_of_line(&mut self) -> Option<()> {
        self.spaces();
        match self.peek() {
            None => Some(()),
            Some(b'\n') => {
                self.i += 1;
                Some(())
            }
            _ => None,
        }
    }

    fn bare_key(&mut self) -> Option<&'a str> {
        let start = self.i;
        while matches!(
            self.peek(),
            Some(b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-')
        ) {
            self.i += 1;
        }
        (self.i > start).then(|| &self.text[start..self.i])
    }

    /// A string value: borrowed from the file unless it holds escapes (most values are
    /// then copied once, into the case, not first into a `String` of their own).
    fn string(&mut self) -> Option<Str<'a>> {
        match self.peek()? {
            b'"' => {
                if self.s[self.i..].starts_with(b"\"\"\"") {
                    return None;
                }
                self.i += 1;
                self.basic()
            }
            b'\'' => {
                if self.s[self.i..].starts_with(b"'''") {
                    self.i += 3;
                    self.multiline_literal()
                } else {
                    self.i += 1;
                    self.literal()
                }
            }
            _ => None,
        }
    }

    /// A basic string after its opening quote.
    fn basic(&mut self) -> Option<Str<'a>> {
        let start = self.i;
        let mut out = String::new();
        let mut run = self.i;
        loop {
            let b = self.peek()?;
            match b {
                b'"' => {
                    let text = self.text;
                    let s = match run == start {
                        // No escape: the text as it is in the file.
                        true => Str::Borrowed(&text[start..self.i]),
                        false => {
                            out.push_str(&text[run..self.i]);
                            Str::Owned(out)
                        }
                    };
                    self.i += 1;
                    return Some(s);
                }
                b'\\' => {
                    out.push_str(&self.text[run..self.i]);
                    self.i += 1;
                    let esc = self.peek()?;
                    let simple = match esc {
                        b'b' => Some('\u{8}'),
                        b't' => Some('\t'),
                        b'n' => Some('\n'),
                        b'f' => Some('\u{c}'),
                        b'r' => Some('\r'),
                        b'"' => Some('"'),
                        b'\\' => Some('\\'),
                        _ => None,
                    };
                    let c = match (simple, esc) {
                        (Some(c), _) => {
                            self.i += 1;
                            c
                        }
                        (None, b'u') => self.hex_char(4)?,
                        (None, b'U') => self.hex_char(8)?,
                        // `\e`, `\x`, a line-ending backslash: for `toml` to read.
                        _ => return None,
                    };
                    out.push(c);
                    run = self.i;
                }
                b'\t' => self.i += 1,
                0..=0x1f | 0x7f => return None,
                _ => self.i += 1,
            }
        }
    }

    /// `\u`/`\U` and `digits` hex digits (the cursor on the `u`); a Unicode scalar value.
    fn hex_char(&mut self, digits: usize) -> Option<char> {
        let start = self.i + 1;
        let hex = self.text.get(start..start + digits)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
        self.i = start + digits;
        Some(c)
    }

    /// A literal string after its opening quote: no escapes, no line break.
    fn literal(&mut self) -> Option<Str<'a>> {
        let start = self.i;
        loop {
            match self.peek()? {
                b'\'' => {
                    let text = self.text;
                    let s = Str::Borrowed(&text[start..self.i]);
                    self.i += 1;
                    return Some(s);
                }
                b'\t' => self.i += 1,
                0..=0x1f | 0x7f => return None,
                _ => self.i += 1,
            }
        }
    }

    /// A multi-line literal string after its opening `'''`: a line break right after it
    /// is dropped; one or two quotes may end the text (`''''` closes after one).
    fn multiline_literal(&mut self) -> Option<Str<'a>> {
        if self.peek() == Some(b'\n') {
            self.i += 1;
        }
        let start = self.i;
        let mut end = start + self.text[start..].find("'''")?;
        // One or two quotes right before the closing `'''` belong to the text.
        for _ in 0..2 {
            if self.s.get(end + 3) == Some(&b'\'') {
                end += 1;
            }
        }
        if self.s.get(end + 3) == Some(&b'\'') {
            return None;
        }
        let body = &self.text[start..end];
        if body
            .bytes()
            .any(|b| (b < 0x20 && b != b'\t' && b != b'\n') || b == 0x7f)
        {
            return None;
        }
        self.i = end + 3;
        Some(Str::Borrowed(body))
    }

    /// A decimal integer without underscores or leading zeros.
    fn integer(&mut self) -> Option<i64> {
        let start = self.i;
        if matches!(self.peek(), Some(b'+' | b'-')) {
            self.i += 1;
        }
        let digits = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        let text = &self.text[digits..self.i];
        if text.is_empty() || (text.len() > 1 && text.starts_with('0')) {
            return None;
        }
        // What follows must end the value (no `1.5`, `1e3`, `1_000`, `0x1f`).
        if !matches!(self.peek(), None | Some(b' ' | b'\t' | b'\n')) {
            return None;
        }
        self.text[start..self.i].parse().ok()
    }

    /// `[]` or `["a", 'b', …]` on one line.
    fn string_array(&mut self) -> Option<Vec<String>> {
        self.eat(b'[')?;
        let mut out = Vec::new();
        loop {
            self.spaces();
            if self.eat(b']').is_some() {
                return Some(out);
            }
            out.push(self.string()?.into_owned());
            self.spaces();
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {}
                _ => return None,
            }
        }
    }

    /// A custom field's value: a string, a decimal integer or a boolean.
    fn field_value(&mut self) -> Option<toml::Value> {
        match self.peek()? {
            b'"' | b'\'' => self.string().map(|s| toml::Value::String(s.into_owned())),
            b't' | b'f' => {
                let rest = &self.s[self.i..];
                let (value, len) = if rest.starts_with(b"true") {
                    (true, 4)
                } else if rest.starts_with(b"false") {
                    (false, 5)
                } else {
                    return None;
                };
                self.i += len;
                Some(toml::Value::Boolean(value))
            }
            _ => self.integer().map(toml::Value::Integer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Text with what makes TOML strings hard: quotes, backslashes, line breaks, tabs,
    /// control characters, `'''`, non-ASCII.
    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                4 => proptest::char::range('a', 'z').prop_map(String::from),
                1 => Just(" ".to_string()),
                1 => Just("\"".to_string()),
                1 => Just("'".to_string()),
                1 => Just("'''".to_string()),
                1 => Just("\\".to_string()),
                1 => Just("\n".to_string()),
                1 => Just("\t".to_string()),
                1 => Just("\u{1}".to_string()),
                1 => Just("é€😀".to_string()),
                1 => Just("#".to_string()),
                1 => Just("\\u00e9".to_string()),
            ],
            0..12,
        )
        .prop_map(|parts| parts.concat())
    }

    fn opt_text() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(text())
    }

    fn event() -> impl Strategy<Value = Event> {
        (
            (
                "[A-Z0-9]{8}",
                0i64..4_000_000_000,
                text(),
                0usize..3,
                text(),
            ),
            (
                opt_text(),
                proptest::option::of(any::<bool>()),
                opt_text(),
                opt_text(),
            ),
            (
                opt_text(),
                proptest::option::of(0u32..5),
                proptest::option::of(0u8..=5),
            ),
            (
                opt_text(),
                opt_text(),
                opt_text(),
                proptest::option::of(any::<i64>()),
            ),
        )
            .prop_map(
                |(
                    (id, at, actor, kind_of, kind),
                    (channel, vis, field, from),
                    (to, level, csat),
                    (reason, resolution, body, clock),
                )| {
                    let kinds = [ActorKind::Agent, ActorKind::Customer, ActorKind::System];
                    let actor = crate::core::case::Actor {
                        name: actor,
                        kind: kinds[kind_of],
                    };
                    let at = DateTime::from_timestamp(at, 0).unwrap();
                    let mut e = Event::new(id, at, &actor, &kind);
                    e.channel = channel.map(Into::into);
                    e.visibility = vis.map(|p| {
                        if p {
                            Visibility::Public
                        } else {
                            Visibility::Internal
                        }
                    });
                    e.field = field.map(Into::into);
                    e.from = from.map(Into::into);
                    e.to = to.map(Into::into);
                    e.level = level;
                    e.csat = csat;
                    e.reason = reason.map(Into::into);
                    e.resolution = resolution.map(Into::into);
                    e.body = body;
                    if let Some(c) = clock {
                        // What every event docket writes now carries.
                        e.extra.insert("clock".into(), toml::Value::Integer(c));
                    }
                    e
                },
            )
    }

    fn case() -> impl Strategy<Value = Case> {
        (
            (
                "DK-[A-Z0-9]{8}",
                "[a-z]{1,6}[a-z ]{0,10}",
                text(),
                0usize..6,
                "P[1-4]",
            ),
            (opt_text(), opt_text(), opt_text(), opt_text(), 0u32..4),
            (
                proptest::collection::vec(text(), 0..3),
                proptest::option::of(0u8..=5),
                0i64..4_000_000_000,
            ),
            (
                proptest::collection::btree_map(
                    "[a-z_]{1,8}",
                    prop_oneof![
                        text().prop_map(toml::Value::String),
                        any::<i64>().prop_map(toml::Value::Integer),
                        any::<bool>().prop_map(toml::Value::Boolean),
                    ],
                    0..3,
                ),
                proptest::collection::vec(event(), 0..4),
            ),
        )
            .prop_map(
                |(
                    (id, title, kind, state, priority),
                    (account, contact, assignee, team, level),
                    (tags, csat, created),
                    (fields, timeline),
                )| {
                    let at = DateTime::from_timestamp(created, 0).unwrap();
                    Case {
                        id: id.into(),
                        title: title.into(),
                        kind: kind.into(),
                        state: State::ALL[state],
                        priority: priority.into(),
                        account: account.filter(|s| !s.is_empty()).map(Into::into),
                        contact: contact.filter(|s| !s.is_empty()).map(Into::into),
                        assignee: assignee.filter(|s| !s.is_empty()).map(Into::into),
                        team: team.filter(|s| !s.is_empty()).map(Into::into),
                        escalation_level: level,
                        parent: None,
                        tags,
                        resolution: None,
                        csat,
                        created_at: at,
                        updated_at: at,
                        fields,
                        timeline,
                    }
                },
            )
    }

    fn by_toml(text: &str) -> Option<Case> {
        toml::from_str(text).ok()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// What docket writes, the one-pass reader reads, and as `toml` does.
        #[test]
        fn docket_s_own_files_read_as_toml_reads_them(case in case()) {
            let text = crate::store::casefile::render_new(&case);
            let slow = by_toml(&text);
            prop_assert_eq!(slow.as_ref(), Some(&case));
            let fast = parse(&text);
            // Of docket's own layout, only multi-line basic strings (text with a line
            // break that a literal string cannot hold) are left to `toml`.
            prop_assert!(fast.is_some() || text.contains("\"\"\""), "not read in one pass:\n{}", text);
            if fast.is_some() {
                prop_assert_eq!(fast, slow);
            }
        }

        /// A file changed anywhere (a character put in, a stretch taken out) is either
        /// left to `toml` or read exactly as `toml` reads it — never read differently,
        /// never accepted where `toml` refuses it.
        #[test]
        fn a_mangled_file_is_never_read_differently(
            case in case(),
            at in any::<proptest::sample::Index>(),
            cut in 0usize..4,
            put in prop_oneof![
                Just(""), Just("\""), Just("'"), Just("\\"), Just("\n"), Just("#"), Just("="),
                Just("["), Just("]"), Just(","), Just(" "), Just("\t"), Just("x"), Just("0"),
                Just("\r"), Just("."), Just("\u{0}"), Just("\n[fields]\n"), Just("\n[[timeline]]\n"),
                Just("\nid = \"X\"\n"), Just("\nextra = 1\n"), Just("e"), Just("_"), Just("+"),
            ],
        ) {
            let text = crate::store::casefile::render_new(&case);
            let mut at = at.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + cut).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            let mangled = format!("{}{}{}", &text[..at], put, &text[end..]);
            if let Some(fast) = parse(&mangled) {
                prop_assert_eq!(Some(fast), by_toml(&mangled), "{}", mangled);
            }
        }
    }

    #[test]
    fn anything_unusual_is_left_to_toml() {
        let base = "id = \"DK-1\"\ntitle = \"T\"\ntype = \"question\"\nstate = \"open\"\npriority = \"P2\"\ncreated_at = \"2026-01-01T00:00:00Z\"\nupdated_at = \"2026-01-01T00:00:00Z\"\n";
        assert!(parse(base).is_some());
        for odd in [
            "# a comment\n",
            "extra = \"x\"\n",
            "\"quoted\" = 1\n",
            "a.b = 1\n",
            "inline = { a = 1 }\n",
            "title = \"again\"\n",
            "body = \"\"\"\nx\"\"\"\n",
        ] {
            assert_eq!(parse(&format!("{base}{odd}")), None, "{odd}");
        }
        // Native dates, escapes `toml` 1.1 adds, a CRLF file.
        assert_eq!(
            parse(&base.replace("\"2026-01-01T00:00:00Z\"", "2026-01-01T00:00:00Z")),
            None
        );
        assert_eq!(parse(&base.replace("\"T\"", "\"\\e\"")), None);
        assert_eq!(parse(&base.replace('\n', "\r\n")), None);
        // …and `toml` reads them all the same.
        let crlf = base.replace('\n', "\r\n");
        assert!(by_toml(&crlf).is_some());
        // A missing required key: `toml`'s error, not a guess.
        assert_eq!(parse(&base.replace("priority = \"P2\"\n", "")), None);
    }
}
