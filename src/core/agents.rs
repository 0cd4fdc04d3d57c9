//! `agents.toml`: the agents (handle, name, email, team) and teams of a casebook.
//!
//! An agent acting through docket is recognised by `--as HANDLE` or by matching the Git
//! identity's email (then name) here; an unknown identity still acts, under its Git name.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::{SettingsError, ValueError};

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
pub struct Agent {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub team: Option<String>,
    #[serde(default)]
    pub skills: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
pub struct Team {
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
pub struct Agents {
    #[serde(default)]
    pub agents: BTreeMap<String, Agent>,
    #[serde(default)]
    pub teams: BTreeMap<String, Team>,
}

impl Agents {
    pub fn parse(text: &str) -> Result<Agents, SettingsError> {
        let agents: Agents =
            toml::from_str(text).map_err(|e| super::config::toml_error(text, &e))?;
        if let Some(u) = super::keys::unknown_keys(text, &super::keys::AGENTS_TOML)
            .into_iter()
            .next()
        {
            return Err(SettingsError {
                line: u.line,
                message: u.to_string(),
            });
        }
        for (handle, agent) in &agents.agents {
            if let Some(team) = &agent.team
                && !agents.teams.contains_key(team)
            {
                return Err(SettingsError::new(format!(
                    "agent {handle:?} is in team {team:?}, which is not defined (add [teams.{team}])"
                )));
            }
        }
        Ok(agents)
    }

    /// Finds an agent by handle, case-insensitively; the error lists the known handles.
    pub fn resolve(&self, handle: &str) -> Result<(&str, &Agent), ValueError> {
        self.agents
            .iter()
            .find(|(h, _)| h.eq_ignore_ascii_case(handle))
            .map(|(h, a)| (h.as_str(), a))
            .ok_or_else(|| ValueError::unknown("agent", handle, "agents.toml", self.agents.keys()))
    }

    /// The agent with this Git identity and how it matched (`"email"`, then `"name"`).
    pub fn match_identity(&self, name: &str, email: &str) -> Option<(&str, &'static str)> {
        if let Some((h, _)) = self
            .agents
            .iter()
            .find(|(_, a)| !a.email.is_empty() && a.email.eq_ignore_ascii_case(email))
        {
            return Some((h.as_str(), "email"));
        }
        self.agents
            .iter()
            .find(|(h, a)| a.name == name || h.as_str() == name)
            .map(|(h, _)| (h.as_str(), "name"))
    }

    /// A handle for a new agent from a Git identity: the email's local part (or the
    /// name), lower case, letters, digits and `-` only.
    pub fn suggest_handle(name: &str, email: &str) -> String {
        let base = email
            .split('@')
            .next()
            .filter(|l| !l.is_empty())
            .unwrap_or(name);
        let h: String = base
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let h = h.trim_matches('-').to_string();
        if h.is_empty() { "me".into() } else { h }
    }

    /// The handle of the agent with this Git identity, matched by email, then by name.
    pub fn handle_for_identity(&self, name: &str, email: &str) -> Option<&str> {
        self.agents
            .iter()
            .find(|(_, a)| !a.email.is_empty() && a.email.eq_ignore_ascii_case(email))
            .or_else(|| {
                self.agents
                    .iter()
                    .find(|(h, a)| a.name == name || h.as_str() == name)
            })
            .map(|(h, _)| h.as_str())
    }

    pub fn check_team(&self, team: &str) -> Result<String, ValueError> {
        self.teams
            .keys()
            .find(|t| t.eq_ignore_ascii_case(team))
            .cloned()
            .ok_or_else(|| ValueError::unknown("team", team, "agents.toml", self.teams.keys()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
[teams.support]
name = "Support"
[agents.alice]
name = "Alice Martin"
email = "alice@example.com"
team = "support"
"#;

    #[test]
    fn resolves_handles_case_insensitively() {
        let a = Agents::parse(SAMPLE).unwrap();
        assert_eq!(a.resolve("ALICE").unwrap().0, "alice");
        assert!(a.resolve("bob").unwrap_err().to_string().contains("alice"));
    }

    #[test]
    fn matches_git_identity_by_email_then_name() {
        let a = Agents::parse(SAMPLE).unwrap();
        assert_eq!(
            a.handle_for_identity("X", "Alice@Example.com"),
            Some("alice")
        );
        assert_eq!(
            a.handle_for_identity("Alice Martin", "other@x"),
            Some("alice")
        );
        assert_eq!(a.handle_for_identity("Bob", "bob@x"), None);
    }

    #[test]
    fn identities_match_by_email_then_name_and_handles_are_suggested() {
        let a = Agents::parse(SAMPLE).unwrap();
        assert_eq!(
            a.match_identity("X", "ALICE@example.com"),
            Some(("alice", "email"))
        );
        assert_eq!(
            a.match_identity("Alice Martin", "x@y"),
            Some(("alice", "name"))
        );
        assert_eq!(a.match_identity("Dave", "dave@x"), None);
        assert_eq!(
            Agents::suggest_handle("Dave Jones", "Dave.Jones@corp.example"),
            "dave-jones"
        );
        assert_eq!(Agents::suggest_handle("Zoë", ""), "zo");
    }

    #[test]
    fn an_undefined_team_is_an_error() {
        let err = Agents::parse("[agents.bob]\nteam = \"night\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("night"), "{err}");
    }
}
