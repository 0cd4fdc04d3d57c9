//! `docket.toml`: the casebook's settings (ID prefix, case types, priorities, channels,
//! custom fields, auto-close window, escalation). Parsed and validated here; read from disk
//! by `store`. Unknown sections (SLA policies, calendars, …) are ignored by this version and
//! kept by hand edits, so newer casebooks still load.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::case::State;
use super::duration;
use super::error::{SettingsError, ValueError};

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Priority {
    pub id: String,
    #[serde(default)]
    pub name: String,
}

/// The value kind of a custom field, checked by `docket set` and `docket create --field`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    #[default]
    Text,
    Number,
    Bool,
    Date,
    Choice,
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
pub struct FieldDef {
    #[serde(default, rename = "type")]
    pub kind: FieldKind,
    #[serde(default)]
    pub choices: Vec<String>,
    #[serde(default)]
    pub description: String,
    /// Skills a case needs for a value of this field: `[fields.product.skills] cards = ["cards"]`.
    #[serde(default)]
    pub skills: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
enum TypesWritten {
    List(Vec<String>),
    Tables(BTreeMap<String, TypeRoute>),
}

/// Either shape, with the error of the element at fault (and its line), not "no variant".
impl<'de> Deserialize<'de> for TypesWritten {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = TypesWritten;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of type names, or [types.NAME] tables")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<TypesWritten, A::Error> {
                let mut out = Vec::new();
                while let Some(t) = seq.next_element::<String>()? {
                    out.push(t);
                }
                Ok(TypesWritten::List(out))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<TypesWritten, A::Error> {
                let mut out = BTreeMap::new();
                while let Some((k, v)) = map.next_entry::<String, TypeRoute>()? {
                    out.insert(k, v);
                }
                Ok(TypesWritten::Tables(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// What a case type needs: skills, and the team its cases start in.
#[derive(Debug, Clone, Deserialize, Serialize, Default, PartialEq)]
pub struct TypeRoute {
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub team: Option<String>,
}

/// `[guides]`: what guided decisions may do.
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
pub struct GuidesConfig {
    /// Whether an outcome may run a check command (off by default: guides are data that
    /// anyone with push access can change).
    #[serde(default)]
    pub allow_commands: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct VerifyConfig {
    /// How far an event's time may be from its commit's time before `verify` flags it.
    #[serde(default = "default_max_skew")]
    pub max_skew: String,
    /// Unsigned or badly signed commits are findings.
    #[serde(default)]
    pub require_signed: bool,
}

fn default_max_skew() -> String {
    "10m".into()
}

impl Default for VerifyConfig {
    fn default() -> Self {
        VerifyConfig {
            max_skew: default_max_skew(),
            require_signed: false,
        }
    }
}

impl VerifyConfig {
    pub fn max_skew(&self) -> chrono::Duration {
        duration::parse(&self.max_skew).expect("validated when the config was loaded")
    }
}

/// `[search] language = "english"` or `["english", "spanish"]` (default English).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SearchConfig {
    #[serde(default = "default_languages", deserialize_with = "one_or_many")]
    pub language: Vec<String>,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            language: default_languages(),
        }
    }
}

fn default_languages() -> Vec<String> {
    vec!["english".into()]
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// `[kb] base_url = "https://help.example.com/kb/"`: `kb send` links there instead of
/// pasting the article.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct KbConfig {
    #[serde(default)]
    pub base_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Escalation {
    #[serde(default = "default_max_level")]
    pub max_level: u32,
    /// Escalating into a team raises the priority to at least this one: `tier2 = "P2"`.
    #[serde(default)]
    pub raise_priority: BTreeMap<String, String>,
    /// Automatic escalation rules (`docket escalate --auto`).
    #[serde(default)]
    pub rules: Vec<EscalationRule>,
}

/// When `docket escalate --auto` escalates a case: on an SLA warning or breach, on a
/// priority, on N customer replies without an agent answer, or on age in a state.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct EscalationRule {
    pub name: String,
    /// `breach`, `warning`, `priority`, `replies` or `age`.
    pub on: String,
    /// With `breach`/`warning`: only this SLA (its name, or its kind).
    #[serde(default)]
    pub sla: Option<String>,
    /// With `priority`: cases of this priority.
    #[serde(default)]
    pub priority: Option<String>,
    /// With `replies`: this many customer messages in a row without an agent's answer.
    #[serde(default)]
    pub replies: Option<u32>,
    /// With `age`: cases in this state (default: any open state)…
    #[serde(default)]
    pub state: Option<String>,
    /// …for longer than this (`2d`, `4h`).
    #[serde(default)]
    pub after: Option<String>,
    /// The team to escalate to (default: the next on the case's path).
    #[serde(default)]
    pub to: Option<String>,
}

pub const RULE_TRIGGERS: [&str; 5] = ["breach", "warning", "priority", "replies", "age"];

impl Default for Escalation {
    fn default() -> Self {
        Escalation {
            max_level: default_max_level(),
            raise_priority: BTreeMap::new(),
            rules: Vec::new(),
        }
    }
}

fn default_max_level() -> u32 {
    3
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Config {
    #[serde(default = "default_prefix")]
    pub id_prefix: String,
    /// The case types, in the order docket.toml lists them.
    #[serde(skip)]
    pub types: Vec<String>,
    /// `types = ["a", "b"]`, or `[types.NAME]` tables saying what each type needs.
    #[serde(default, rename = "types")]
    types_written: Option<TypesWritten>,
    /// What routing needs per type (`[types.NAME] skills = […], team = "…"`).
    #[serde(skip)]
    pub type_routes: BTreeMap<String, TypeRoute>,
    #[serde(default)]
    pub default_type: Option<String>,
    #[serde(default = "default_priorities")]
    pub priorities: Vec<Priority>,
    #[serde(default)]
    pub default_priority: Option<String>,
    #[serde(default = "default_channels")]
    pub channels: Vec<String>,
    #[serde(default)]
    pub default_channel: Option<String>,
    /// Display names of the lifecycle states (the states themselves are fixed).
    #[serde(default)]
    pub states: BTreeMap<String, String>,
    #[serde(default = "default_autoclose")]
    pub autoclose_after: String,
    /// What a customer's message on a closed case does: `reopen` it (the default), or open
    /// a linked `follow-up` case.
    #[serde(default = "default_closed_reply")]
    pub closed_reply: String,
    #[serde(default)]
    pub fields: BTreeMap<String, FieldDef>,
    #[serde(default)]
    pub escalation: Escalation,
    #[serde(default)]
    pub guides: GuidesConfig,
    /// `[[access]]`: what the agents of restricted teams may do (see `core::access`).
    #[serde(default)]
    pub access: Vec<super::access::Rule>,
    #[serde(default)]
    pub verify: VerifyConfig,
    /// `[search]`: stemming languages.
    #[serde(default)]
    pub search: SearchConfig,
    /// `[kb]`: where published articles live on the web.
    #[serde(default)]
    pub kb: KbConfig,
    /// `[calendars.NAME]` tables, as written (checked into `policy`).
    #[serde(default)]
    pub calendars: Option<toml::Value>,
    /// `[[sla]]` tables, as written (checked into `policy`).
    #[serde(default)]
    pub sla: Option<toml::Value>,
    /// The checked SLA policy (empty when it has an error).
    #[serde(skip)]
    pub policy: super::sla::Policy,
    /// What is wrong with the SLA policy or its calendars: `sla` fails on it, other
    /// commands report it and keep working (a case it does not touch stays usable).
    #[serde(skip)]
    pub policy_error: Option<SettingsError>,
}

fn default_prefix() -> String {
    "DK".into()
}
fn default_types() -> Vec<String> {
    ["question", "incident", "problem", "request"]
        .map(String::from)
        .to_vec()
}
fn default_priorities() -> Vec<Priority> {
    [
        ("P1", "Critical"),
        ("P2", "High"),
        ("P3", "Normal"),
        ("P4", "Low"),
    ]
    .map(|(id, name)| Priority {
        id: id.into(),
        name: name.into(),
    })
    .to_vec()
}
fn default_channels() -> Vec<String> {
    ["email", "phone", "chat", "web", "sms", "social"]
        .map(String::from)
        .to_vec()
}
fn default_autoclose() -> String {
    "7d".into()
}
fn default_closed_reply() -> String {
    "reopen".into()
}

impl Default for Config {
    fn default() -> Self {
        toml::from_str("").expect("every setting has a default")
    }
}

impl Config {
    /// Parses and validates the text of `docket.toml`. The error says what is wrong and where.
    pub fn parse(text: &str) -> Result<Config, SettingsError> {
        let mut config: Config = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        match config.types_written.take() {
            None => config.types = default_types(),
            Some(TypesWritten::List(l)) => config.types = l,
            Some(TypesWritten::Tables(t)) => {
                // In the order the file lists them (the first is the default type).
                let order: Vec<String> = text
                    .parse::<toml_edit::DocumentMut>()
                    .ok()
                    .and_then(|d| {
                        d.get("types")
                            .and_then(|t| t.as_table_like())
                            .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
                    })
                    .unwrap_or_else(|| t.keys().cloned().collect());
                config.types = order;
                config.type_routes = t;
            }
        }
        let located = |e: SettingsError| SettingsError {
            line: e.line.or_else(|| locate(text, &e.message)),
            ..e
        };
        // A typo must not be ignored: unknown keys are errors, with the closest name.
        let mut policy_error = None;
        for u in super::keys::unknown_keys(text, &super::keys::DOCKET_TOML) {
            let e = SettingsError {
                line: u.line,
                message: u.to_string(),
            };
            if u.within.starts_with("[[sla]]") || u.within.starts_with("[calendars") {
                policy_error.get_or_insert(e);
            } else {
                return Err(e);
            }
        }
        config.validate().map_err(located)?;
        let check = |p: &str| config.check_priority(p);
        match super::sla::Policy::from_toml(config.calendars.as_ref(), config.sla.as_ref(), &check)
        {
            Ok(policy) if policy_error.is_none() => config.policy = policy,
            Ok(_) => config.policy_error = policy_error,
            Err(e) => config.policy_error = Some(located(e)),
        }
        Ok(config)
    }

    fn validate(&self) -> Result<(), SettingsError> {
        let err = |m: String| Err(SettingsError::new(m));
        if self.id_prefix.is_empty() || !self.id_prefix.chars().all(|c| c.is_ascii_alphanumeric()) {
            return err(format!(
                "id_prefix {:?} must be letters and digits, e.g. \"DK\"",
                self.id_prefix
            ));
        }
        if self.types.is_empty() {
            return err("types must list at least one case type".into());
        }
        if self.priorities.is_empty() {
            return err("priorities must list at least one priority".into());
        }
        for (i, p) in self.priorities.iter().enumerate() {
            if self.priorities[..i].iter().any(|q| q.id == p.id) {
                return err(format!("priority {:?} is listed twice", p.id));
            }
        }
        if let Some(t) = &self.default_type {
            self.check_type(t)
                .map_err(|e| SettingsError::from(e).under("default_type"))?;
        }
        if let Some(p) = &self.default_priority {
            self.check_priority(p)
                .map_err(|e| SettingsError::from(e).under("default_priority"))?;
        }
        if let Some(c) = &self.default_channel {
            self.check_channel(c)
                .map_err(|e| SettingsError::from(e).under("default_channel"))?;
        }
        duration::parse(&self.autoclose_after)
            .map_err(|e| SettingsError::new(format!("autoclose_after: {e}")))?;
        duration::parse(&self.verify.max_skew)
            .map_err(|e| SettingsError::new(format!("verify.max_skew: {e}")))?;
        super::search::languages(&self.search.language)
            .map_err(|e| SettingsError::new(e.to_string()))?;
        if let Some(u) = &self.kb.base_url
            && !(u.starts_with("https://") || u.starts_with("http://"))
        {
            return Err(SettingsError::new(format!(
                "kb.base_url: {u:?} is not an http(s) URL"
            )));
        }
        super::access::validate(&self.access, None)?;
        for (team, p) in &self.escalation.raise_priority {
            self.check_priority(p).map_err(|e| {
                SettingsError::from(e).under(&format!("escalation.raise_priority.{team}"))
            })?;
        }
        for r in &self.escalation.rules {
            let what = format!("escalation rule {:?}", r.name);
            if !RULE_TRIGGERS.contains(&r.on.as_str()) {
                return err(format!(
                    "{what}: on = {:?} is not one of {}",
                    r.on,
                    RULE_TRIGGERS.join(", ")
                ));
            }
            let need = |ok: bool, key: &str| {
                if ok {
                    Ok(())
                } else {
                    Err(SettingsError::new(format!(
                        "{what}: on = {:?} needs {key}",
                        r.on
                    )))
                }
            };
            match r.on.as_str() {
                "priority" => need(r.priority.is_some(), "priority = \"P1\"")?,
                "replies" => need(r.replies.is_some_and(|n| n > 0), "replies = N (1 or more)")?,
                "age" => need(r.after.is_some(), "after = \"2d\"")?,
                _ => {}
            }
            if let Some(p) = &r.priority {
                self.check_priority(p)
                    .map_err(|e| SettingsError::from(e).under(&what))?;
            }
            if let Some(a) = &r.after {
                duration::parse(a)
                    .map_err(|e| SettingsError::new(format!("{what}: after: {e}")))?;
            }
            if let Some(st) = &r.state
                && State::parse(st).is_none()
            {
                return err(format!("{what}: unknown state {st:?}"));
            }
        }
        let mut names: Vec<&str> = self
            .escalation
            .rules
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        names.sort();
        if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
            return err(format!(
                "two escalation rules are named {:?}; a rule fires once per case by its name",
                w[0]
            ));
        }
        if !matches!(self.closed_reply.as_str(), "reopen" | "follow-up") {
            return err(format!(
                "closed_reply: {:?} is neither \"reopen\" nor \"follow-up\"",
                self.closed_reply
            ));
        }
        for key in self.states.keys() {
            if State::parse(key).is_none() {
                return err(format!(
                    "states: unknown state {key:?} (the states are {})",
                    State::ALL.map(|s| s.as_str()).join(", ")
                ));
            }
        }
        for (name, def) in &self.fields {
            if def.kind == FieldKind::Choice && def.choices.is_empty() {
                return err(format!(
                    "fields.{name}: a choice field needs a choices list"
                ));
            }
        }
        Ok(())
    }

    pub fn autoclose_window(&self) -> chrono::Duration {
        duration::parse(&self.autoclose_after).expect("validated when the config was loaded")
    }

    pub fn default_type(&self) -> &str {
        self.default_type.as_deref().unwrap_or(&self.types[0])
    }

    pub fn default_priority(&self) -> &str {
        self.default_priority
            .as_deref()
            .unwrap_or_else(|| &self.priorities[self.priorities.len() / 2].id)
    }

    pub fn default_channel(&self) -> &str {
        self.default_channel
            .as_deref()
            .or(self.channels.first().map(String::as_str))
            .unwrap_or("email")
    }

    /// Rank of a priority: 0 is the most urgent; unknown priorities sort last.
    pub fn priority_rank(&self, id: &str) -> usize {
        self.priorities
            .iter()
            .position(|p| p.id.eq_ignore_ascii_case(id))
            .unwrap_or(self.priorities.len())
    }

    pub fn priority_name(&self, id: &str) -> Option<&str> {
        self.priorities
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.as_str())
            .filter(|n| !n.is_empty())
    }

    /// Checks a priority and returns its canonical spelling (`p1` → `P1`).
    pub fn check_priority(&self, value: &str) -> Result<String, ValueError> {
        self.priorities
            .iter()
            .find(|p| p.id.eq_ignore_ascii_case(value))
            .map(|p| p.id.clone())
            .ok_or_else(|| {
                ValueError::unknown(
                    "priority",
                    value,
                    "docket.toml",
                    self.priorities.iter().map(|p| p.id.as_str()),
                )
            })
    }

    pub fn check_type(&self, value: &str) -> Result<String, ValueError> {
        one_of("type", value, &self.types)
    }

    pub fn check_channel(&self, value: &str) -> Result<String, ValueError> {
        one_of("channel", value, &self.channels)
    }

    /// Checks a custom field value against its definition; fields not defined in
    /// docket.toml are refused so a typo does not create a new field.
    pub fn check_field(&self, key: &str, value: &str) -> Result<String, ValueError> {
        let Some(def) = self.fields.get(key) else {
            let key = key.to_string();
            return Err(if self.fields.is_empty() {
                ValueError::NoFields { key }
            } else {
                ValueError::UnknownField {
                    key,
                    known: self.fields.keys().cloned().collect(),
                }
            });
        };
        let bad = |expected: &'static str| {
            Err(ValueError::Mismatch {
                key: key.to_string(),
                value: value.to_string(),
                expected,
            })
        };
        match def.kind {
            FieldKind::Text => Ok(value.to_string()),
            FieldKind::Number => match value.parse::<f64>() {
                Ok(n) if n.is_finite() => Ok(value.to_string()),
                _ => bad("a number"),
            },
            FieldKind::Bool => match value.to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" => Ok("true".into()),
                "false" | "no" | "0" => Ok("false".into()),
                _ => bad("true or false"),
            },
            FieldKind::Date => match chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                Ok(_) => Ok(value.to_string()),
                Err(_) => bad("a date (YYYY-MM-DD)"),
            },
            FieldKind::Choice => one_of(&format!("value for {key}"), value, &def.choices),
        }
    }

    pub fn state_label<'a>(&'a self, state: &'a str) -> &'a str {
        self.states.get(state).map(String::as_str).unwrap_or(state)
    }
}

fn one_of(what: &str, value: &str, allowed: &[String]) -> Result<String, ValueError> {
    allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(value))
        .cloned()
        .ok_or_else(|| ValueError::unknown(what, value, "docket.toml", allowed))
}

/// The line a semantic error (found after parsing) is about, from the setting it names:
/// `sla "NAME": …` → the `name = "NAME"` line; `calendars.NAME…` → its table;
/// `fields.NAME: …` → its table; `key: …` → the line setting `key`.
pub fn locate(text: &str, message: &str) -> Option<usize> {
    let line_of = |needle: &str| {
        text.find(needle)
            .map(|i| text[..i].matches('\n').count() + 1)
    };
    if let Some(rest) = message.strip_prefix("sla \"") {
        let name = rest.split('"').next()?;
        return line_of(&format!("name = \"{name}\""));
    }
    let head = message.split([':', ' ']).next()?;
    let mut parts = head.split('.');
    let first = parts.next()?;
    if let Some(name) = parts
        .next()
        .filter(|_| first == "calendars" || first == "fields")
    {
        return line_of(&format!("[{first}.{name}"))
            .or_else(|| line_of(&format!("{first}.{name}")));
    }
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.starts_with(first) && l[first.len()..].trim_start().starts_with('=')
        })
        .map(|i| i + 1)
}

/// A toml error as a settings error on its line.
pub fn toml_error(text: &str, err: &toml::de::Error) -> SettingsError {
    SettingsError::new(describe_toml_error(text, err))
}

/// Turns a toml error into `line L, column C: message`.
pub fn describe_toml_error(text: &str, err: &toml::de::Error) -> String {
    let message = err.message().trim().to_string();
    match err.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            format!("line {line}, column {col}: {message}")
        }
        None => message,
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_has_usable_defaults() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.id_prefix, "DK");
        assert_eq!(c.default_priority(), "P3");
        assert_eq!(c.default_type(), "question");
        assert_eq!(c.autoclose_window(), chrono::Duration::days(7));
    }

    #[test]
    fn priorities_are_checked_and_canonicalised() {
        let c = Config::default();
        assert_eq!(c.check_priority("p2").unwrap(), "P2");
        let err = c.check_priority("P9").unwrap_err().to_string();
        assert!(err.contains("P1, P2, P3, P4"), "{err}");
        assert!(c.priority_rank("P1") < c.priority_rank("P4"));
    }

    #[test]
    fn invalid_settings_are_named() {
        let err = Config::parse("autoclose_after = \"soon\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("autoclose_after"), "{err}");
        let err = Config::parse("default_type = \"bug\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("default_type") && err.contains("bug"), "{err}");
        let err = Config::parse("types = [\n1]").unwrap_err().to_string();
        assert!(err.starts_with("line 2"), "{err}");
    }

    #[test]
    fn semantic_errors_name_their_line() {
        let err = Config::parse("types = [\"a\"]\n\ndefault_type = \"bug\"")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("line 3: default_type"), "{err}");
        // SLA and calendar errors do not stop the casebook from loading; they are kept
        // for `sla` to fail on and other commands to report.
        let policy_error = |text: &str| {
            let c = Config::parse(text).expect("the rest of the settings load");
            c.policy_error
                .expect("the policy error is kept")
                .to_string()
        };
        let err = policy_error(
            "[calendars.x]\ntimezone = \"UTC\"\n\n[calendars.y]\ntimezone = \"Mars/Base\"\nhours = { mon = [\"09:00-10:00\"] }",
        );
        assert!(
            err.starts_with("line 1: calendars.x") || err.starts_with("line 4: calendars.y"),
            "{err}"
        );
        let err = policy_error(
            "[[sla]]\nname = \"a\"\ntarget = \"1h\"\n\n[[sla]]\nname = \"b\"\ntarget = \"soon\"",
        );
        assert!(err.starts_with("line 6: sla \"b\""), "{err}");
        let err = policy_error("[[sla]]\nname = \"a\"\ntarget = \"1h\"\nwarn_At = [50]\n");
        assert!(err.starts_with("line 4: unknown key warn_At"), "{err}");
        // Anywhere else, an unknown key stops the load.
        let err = Config::parse("id_prefx = \"X\"").unwrap_err().to_string();
        assert!(err.contains("did you mean id_prefix?"), "{err}");
    }

    #[test]
    fn custom_fields_are_validated_by_kind() {
        let c = Config::parse(
            "[fields.order]\ntype = \"number\"\n[fields.tier]\ntype = \"choice\"\nchoices = [\"gold\", \"silver\"]\n[fields.vip]\ntype = \"bool\"",
        )
        .unwrap();
        assert_eq!(c.check_field("order", "42").unwrap(), "42");
        assert!(c.check_field("order", "abc").is_err());
        assert_eq!(c.check_field("tier", "Gold").unwrap(), "gold");
        assert!(
            c.check_field("tier", "bronze")
                .unwrap_err()
                .to_string()
                .contains("gold, silver")
        );
        assert_eq!(c.check_field("vip", "yes").unwrap(), "true");
        assert!(
            c.check_field("colour", "red")
                .unwrap_err()
                .to_string()
                .contains("unknown field")
        );
    }

    #[test]
    fn a_choice_field_needs_choices() {
        assert!(Config::parse("[fields.tier]\ntype = \"choice\"").is_err());
    }
}
