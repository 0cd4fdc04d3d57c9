//! `agents.toml`: the agents (handle, name, email, team) and teams of a casebook.
//!
//! An agent acting through docket is recognised by `--as HANDLE` or by matching the Git
//! identity's email (then name) here; an unknown identity still acts, under its Git name.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::{SettingsError, ValueError};

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Agent {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    /// The agent's first team (`team = "…"`, or the first of `teams`).
    #[serde(default)]
    pub team: Option<String>,
    /// Every team the agent works in.
    #[serde(default)]
    pub teams: Vec<String>,
    /// Skills with a level 1–5 (`skills = ["a"]`, the older shape, counts as level 3).
    #[serde(default, deserialize_with = "skills")]
    pub skills: BTreeMap<String, u8>,
    /// Open cases at once (none: no limit).
    #[serde(default)]
    pub capacity: Option<u32>,
    #[serde(default = "yes")]
    pub available: bool,
    /// Away until this time (`docket agents set HANDLE --away --until TIME`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::case::utc_opt"
    )]
    pub away_until: Option<chrono::DateTime<chrono::Utc>>,
    /// Working hours: a calendar of docket.toml.
    #[serde(default)]
    pub calendar: Option<String>,
    #[serde(default)]
    pub languages: Vec<String>,
}

impl Default for Agent {
    fn default() -> Agent {
        Agent {
            name: String::new(),
            email: String::new(),
            team: None,
            teams: Vec::new(),
            skills: BTreeMap::new(),
            capacity: None,
            available: true,
            away_until: None,
            calendar: None,
            languages: Vec::new(),
        }
    }
}

fn yes() -> bool {
    true
}

/// The level of a skill listed without one.
pub const DEFAULT_LEVEL: u8 = 3;

fn skills<'de, D: serde::Deserializer<'de>>(d: D) -> Result<BTreeMap<String, u8>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Shape {
        List(Vec<String>),
        Levels(BTreeMap<String, i64>),
    }
    match Shape::deserialize(d)? {
        Shape::List(l) => Ok(l.into_iter().map(|s| (s, DEFAULT_LEVEL)).collect()),
        Shape::Levels(m) => m
            .into_iter()
            .map(|(k, v)| match u8::try_from(v) {
                Ok(l @ 1..=5) => Ok((k, l)),
                _ => Err(serde::de::Error::custom(format!(
                    "skill {k:?} has level {v}; levels go from 1 to 5"
                ))),
            })
            .collect(),
    }
}

impl Agent {
    /// Whether the agent is available at `now` (not away, or away until a time now past).
    pub fn is_available(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        self.available || self.away_until.is_some_and(|t| t <= now)
    }

    pub fn in_team(&self, team: &str) -> bool {
        self.teams.iter().any(|t| t.eq_ignore_ascii_case(team))
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
pub struct Team {
    #[serde(default)]
    pub name: String,
    /// The next tier up (`docket escalate` moves a case there).
    #[serde(default)]
    pub next: Option<String>,
    /// New and escalated cases of this team are assigned to an agent automatically.
    #[serde(default)]
    pub auto_assign: bool,
    /// Skills every case of this team needs.
    #[serde(default)]
    pub skills: Vec<String>,
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
        let mut agents = agents;
        for (handle, agent) in &mut agents.agents {
            // One list of teams; `team` is the first.
            if let Some(t) = agent.team.clone()
                && !agent.teams.contains(&t)
            {
                agent.teams.insert(0, t);
            }
            agent.team = agent.teams.first().cloned();
            for team in &agent.teams {
                if !agents.teams.contains_key(team) {
                    return Err(SettingsError::new(format!(
                        "agent {handle:?} is in team {team:?}, which is not defined (add [teams.{team}])"
                    )));
                }
            }
        }
        for (name, team) in &agents.teams {
            if let Some(next) = &team.next
                && !agents.teams.contains_key(next)
            {
                return Err(SettingsError::new(format!(
                    "team {name:?} escalates to {next:?} (next), which is not defined (add [teams.{next}])"
                )));
            }
            // A path must end: following `next` never comes back.
            let mut seen = vec![name.as_str()];
            let mut at = team.next.as_deref();
            while let Some(t) = at {
                if seen.contains(&t) {
                    return Err(SettingsError::new(format!(
                        "the escalation path of team {name:?} loops ({} → {t}); a path must end at a team without next",
                        seen.join(" → ")
                    )));
                }
                seen.push(t);
                at = agents.teams.get(t).and_then(|x| x.next.as_deref());
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

    /// The path up from `team`: the team, its next, that one's next, …
    pub fn path(&self, team: &str) -> Vec<String> {
        let mut out = vec![team.to_string()];
        let mut at = self.teams.get(team).and_then(|t| t.next.clone());
        while let Some(t) = at {
            if out.contains(&t) {
                break;
            }
            at = self.teams.get(&t).and_then(|x| x.next.clone());
            out.push(t);
        }
        out
    }

    /// The agents of `team`, by handle.
    pub fn members<'a>(&'a self, team: &'a str) -> impl Iterator<Item = (&'a str, &'a Agent)> + 'a {
        self.agents
            .iter()
            .filter(move |(_, a)| a.in_team(team))
            .map(|(h, a)| (h.as_str(), a))
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
