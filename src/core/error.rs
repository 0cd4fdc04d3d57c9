//! Typed errors shared by the `core` modules: a value the casebook's settings do not allow,
//! and a settings file (`docket.toml`, `agents.toml`) that is wrong, with the line at fault.
//!
//! They carry the facts (the key, the value, what is allowed, the line); the command layer
//! adds the file name and hints. Messages say what to do, on one line.

/// A value the settings do not allow: a priority, type, channel, custom field value,
/// agent or team.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// Not one of the names a settings file lists.
    #[error("unknown {what} {value:?} ({source_file} {} {})", if *.source_file == "agents.toml" { "lists" } else { "allows" }, list_or_none(allowed, what))]
    Unknown {
        what: String,
        value: String,
        /// The file that lists the allowed values.
        source_file: &'static str,
        allowed: Vec<String>,
    },
    /// A custom field when docket.toml defines none.
    #[error(
        "unknown field {key:?}: docket.toml defines no custom fields (add a [fields.{key}] section)"
    )]
    NoFields { key: String },
    /// A custom field docket.toml does not define (a typo must not create a new field).
    #[error(
        "unknown field {key:?} (docket.toml defines {}; add a [fields.{key}] section for a new one)",
        known.join(", ")
    )]
    UnknownField { key: String, known: Vec<String> },
    /// A value of the wrong kind for its field.
    #[error("field {key}: {value:?} is not {expected}")]
    Mismatch {
        key: String,
        value: String,
        expected: &'static str,
    },
}

fn list_or_none(allowed: &[String], what: &str) -> String {
    if allowed.is_empty() {
        format!("no {what}s")
    } else {
        allowed.join(", ")
    }
}

impl ValueError {
    /// `value` is not in `allowed` (listed by `source_file`).
    pub fn unknown(
        what: impl Into<String>,
        value: &str,
        source_file: &'static str,
        allowed: impl IntoIterator<Item = impl Into<String>>,
    ) -> ValueError {
        ValueError::Unknown {
            what: what.into(),
            value: value.to_string(),
            source_file,
            allowed: allowed.into_iter().map(Into::into).collect(),
        }
    }
}

/// A settings file that does not parse or whose settings contradict each other.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
pub struct SettingsError {
    /// The 1-based line at fault, when known.
    pub line: Option<usize>,
    /// What is wrong (naming the key), and what to write instead.
    pub message: String,
}

impl SettingsError {
    pub fn new(message: impl Into<String>) -> SettingsError {
        SettingsError {
            line: None,
            message: message.into(),
        }
    }

    /// Prefixes the message with the setting it is about (`default_type: …`).
    pub fn under(self, key: &str) -> SettingsError {
        SettingsError {
            message: format!("{key}: {}", self.message),
            ..self
        }
    }
}

impl From<String> for SettingsError {
    fn from(message: String) -> SettingsError {
        SettingsError::new(message)
    }
}

impl From<&str> for SettingsError {
    fn from(message: &str) -> SettingsError {
        SettingsError::new(message)
    }
}

impl From<ValueError> for SettingsError {
    fn from(e: ValueError) -> SettingsError {
        SettingsError::new(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_list_what_is_allowed() {
        let e = ValueError::unknown("priority", "P9", "docket.toml", ["P1", "P2"]);
        assert_eq!(
            e.to_string(),
            "unknown priority \"P9\" (docket.toml allows P1, P2)"
        );
        let e = ValueError::unknown("agent", "zed", "agents.toml", Vec::<String>::new());
        assert_eq!(
            e.to_string(),
            "unknown agent \"zed\" (agents.toml lists no agents)"
        );
    }

    #[test]
    fn settings_errors_name_the_line_when_known() {
        let mut e = SettingsError::new("types must list at least one case type");
        assert_eq!(e.to_string(), "types must list at least one case type");
        e.line = Some(4);
        assert_eq!(
            e.to_string(),
            "line 4: types must list at least one case type"
        );
        assert_eq!(
            SettingsError::new("bad").under("default_type").to_string(),
            "default_type: bad"
        );
    }
}
