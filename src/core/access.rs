//! Access rules (`[[access]]` in docket.toml): which cases the agents of a team may act
//! on, which actions they may take, and whether they see internal notes.
//!
//! An agent whose team has at least one rule is restricted: each action must be allowed
//! by a rule of that team that covers the case (every selector given matches; an omitted
//! one matches any case). Agents of teams without rules are not restricted. The actions
//! are derived from the events a change adds, so the same check runs before a local
//! write and in `docket verify` over commits already made.

use serde::{Deserialize, Serialize};

use super::case::{Case, Event, Visibility};

/// The actions a rule can allow, in the order the README lists them.
pub const ACTIONS: [&str; 14] = [
    "create", "comment", "note", "assign", "escalate", "priority", "set", "resolve", "close",
    "reopen", "cancel", "wait", "guide", "move",
];

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
pub struct Rule {
    /// A name for messages (default: `access rule N`).
    #[serde(default)]
    pub name: Option<String>,
    /// The team whose agents this rule governs.
    pub team: String,
    /// Account patterns (`*` any run of characters, `?` one), case-insensitive.
    #[serde(default)]
    pub accounts: Vec<String>,
    /// Case types.
    #[serde(default)]
    pub types: Vec<String>,
    /// Tags (the case has at least one of them).
    #[serde(default)]
    pub tags: Vec<String>,
    /// The case's team.
    #[serde(default)]
    pub case_teams: Vec<String>,
    /// Actions allowed on the cases the rule covers (`"*"`: all).
    #[serde(default)]
    pub allow: Vec<String>,
    /// Whether the team's agents see internal notes (default true).
    #[serde(default = "yes")]
    pub internal_notes: bool,
}

fn yes() -> bool {
    true
}

/// Why an action is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error(
        "{who} (team {team}) may not {action} case {case}: {rule} does not allow {action:?} (it allows {allowed})"
    )]
    Action {
        who: String,
        team: String,
        action: String,
        case: String,
        rule: String,
        allowed: String,
    },
    #[error(
        "{who} (team {team}) may not act on case {case}: no access rule of team {team} covers it ({rules})"
    )]
    NotCovered {
        who: String,
        team: String,
        case: String,
        rules: String,
    },
}

impl Rule {
    pub fn label(&self, index: usize) -> String {
        match &self.name {
            Some(n) => format!("access rule {n:?}"),
            None => format!("access rule {} (team {})", index + 1, self.team),
        }
    }

    /// Whether this rule covers the case.
    pub fn covers(&self, case: &Case) -> bool {
        let account = case.account.as_deref().unwrap_or("");
        (self.accounts.is_empty() || self.accounts.iter().any(|p| glob(p, account)))
            && (self.types.is_empty()
                || self
                    .types
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case(&case.kind)))
            && (self.tags.is_empty()
                || self
                    .tags
                    .iter()
                    .any(|t| case.tags.iter().any(|c| c.eq_ignore_ascii_case(t))))
            && (self.case_teams.is_empty()
                || case
                    .team
                    .as_deref()
                    .is_some_and(|t| self.case_teams.iter().any(|r| r.eq_ignore_ascii_case(t))))
    }

    fn allows(&self, action: &str) -> bool {
        self.allow.iter().any(|a| a == "*" || a == action)
    }
}

/// Checks the rules' own shape: known actions and non-empty teams. The error names the
/// rule and the value.
pub fn validate(
    rules: &[Rule],
    known_teams: Option<&[String]>,
) -> Result<(), super::error::SettingsError> {
    let err = |m: String| Err(super::error::SettingsError::new(m));
    for (i, r) in rules.iter().enumerate() {
        if r.team.trim().is_empty() {
            return err(format!("{}: team is empty", r.label(i)));
        }
        if let Some(teams) = known_teams
            && !teams.iter().any(|t| t.eq_ignore_ascii_case(&r.team))
        {
            return err(format!(
                "{}: team {:?} is not defined in agents.toml",
                r.label(i),
                r.team
            ));
        }
        for a in &r.allow {
            if a != "*" && !ACTIONS.contains(&a.as_str()) {
                let hint = super::keys::closest(a, ACTIONS.iter().copied())
                    .map(|c| format!("; did you mean {c:?}?"))
                    .unwrap_or_default();
                return err(format!(
                    "{}: unknown action {a:?} in allow (actions: {}, or \"*\"){hint}",
                    r.label(i),
                    ACTIONS.join(", ")
                ));
            }
        }
    }
    Ok(())
}

/// `*` and `?` patterns, case-insensitive.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The action an event records, or `None` for bookkeeping that goes with any action (a
/// new case opening on its first agent action, a merge's record).
pub fn action_of(e: &Event) -> Option<&'static str> {
    Some(match e.kind.as_str() {
        "created" => "create",
        "comment" => match e.visibility {
            Some(Visibility::Internal) => "note",
            _ => "comment",
        },
        "assigned" => "assign",
        "escalated" => "escalate",
        "set" if e.field.as_deref() == Some("priority") => "priority",
        "set" => "set",
        "guide" | "check" => "guide",
        "moved" => "move",
        "state" => match (e.from.as_deref(), e.to.as_deref()) {
            (Some("new"), Some("open")) => return None,
            (_, Some("resolved")) => "resolve",
            (_, Some("closed")) => "close",
            (_, Some("cancelled")) => "cancel",
            (_, Some("awaiting-info")) => "wait",
            (_, Some("open")) => "reopen",
            _ => "set",
        },
        "merge" => return None,
        _ => "set",
    })
}

/// The rules of any of `teams`, with their index.
fn rules_of<'a>(rules: &'a [Rule], teams: &[String]) -> Vec<(usize, &'a Rule)> {
    rules
        .iter()
        .enumerate()
        .filter(|(_, r)| teams.iter().any(|t| r.team.eq_ignore_ascii_case(t)))
        .collect()
}

/// Checks that `who` (an agent of `teams`, maybe none) may add `events` to the case,
/// which reads `before` (absent for a new case) and `after` once they are added. A rule
/// must cover the case both before and after (moving a case out of reach is an action on
/// a case out of reach).
pub fn check(
    rules: &[Rule],
    who: &str,
    teams: &[String],
    before: Option<&Case>,
    after: &Case,
    events: &[Event],
) -> Result<(), Box<Denied>> {
    // An agent is restricted when any of its teams has rules; any rule of those allows.
    let mine = rules_of(rules, teams);
    if mine.is_empty() {
        return Ok(());
    }
    let team = mine
        .iter()
        .map(|(_, r)| r.team.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
        .join(", ");
    let team = team.as_str();
    let covering: Vec<(usize, &Rule)> = mine
        .iter()
        .copied()
        .filter(|(_, r)| r.covers(after) && before.is_none_or(|b| r.covers(b)))
        .collect();
    if covering.is_empty() {
        return Err(Box::new(Denied::NotCovered {
            who: who.to_string(),
            team: team.to_string(),
            case: after.id.to_string(),
            rules: mine
                .iter()
                .map(|(i, r)| r.label(*i))
                .collect::<Vec<_>>()
                .join(", "),
        }));
    }
    for action in events.iter().filter_map(action_of) {
        if !covering.iter().any(|(_, r)| r.allows(action)) {
            let (i, r) = covering[0];
            return Err(Box::new(Denied::Action {
                who: who.to_string(),
                team: team.to_string(),
                action: action.to_string(),
                case: after.id.to_string(),
                rule: r.label(i),
                allowed: if r.allow.is_empty() {
                    "nothing".into()
                } else {
                    r.allow.join(", ")
                },
            }));
        }
    }
    Ok(())
}

/// Whether an agent of `teams` sees internal notes: not when a rule of one of them says so.
pub fn sees_internal_notes(rules: &[Rule], teams: &[String]) -> bool {
    rules_of(rules, teams).iter().all(|(_, r)| r.internal_notes)
}

/// Removes internal notes from a case (for agents who may not read them).
pub fn hide_internal_notes(case: &mut Case) {
    case.timeline
        .retain(|e| !(e.kind == "comment" && e.visibility == Some(Visibility::Internal)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::case::Actor;
    use crate::core::lifecycle::Ctx;
    use proptest::prelude::*;

    fn t(team: &str) -> Vec<String> {
        vec![team.to_string()]
    }

    fn rule() -> Rule {
        Rule {
            team: "acme-out".into(),
            accounts: vec!["acme*".into()],
            allow: vec!["comment".into(), "resolve".into()],
            internal_notes: false,
            ..Rule::default()
        }
    }

    fn case(account: &str) -> Case {
        let mut c = crate::core::case::sample("DK-AAAAAA", "Card declined");
        c.account = Some(account.into());
        c
    }

    fn event(kind: &str, f: impl FnOnce(&mut Event)) -> Event {
        let mut ctx = Ctx::new(Actor::agent("olga"), chrono::Utc::now(), 7);
        let mut e = ctx.event(kind);
        f(&mut e);
        e
    }

    #[test]
    fn a_restricted_team_may_do_what_its_rule_allows_on_the_cases_it_covers() {
        let rules = [rule()];
        let c = case("ACME Corp");
        let comment = event("comment", |_| {});
        assert!(
            check(
                &rules,
                "olga",
                &t("acme-out"),
                Some(&c),
                &c,
                std::slice::from_ref(&comment)
            )
            .is_ok()
        );
        let prio = event("set", |e| e.field = Some("priority".into()));
        let err = check(&rules, "olga", &t("acme-out"), Some(&c), &c, &[prio]).unwrap_err();
        assert!(err.to_string().contains("may not priority"), "{err}");
        assert!(
            err.to_string().contains("access rule 1 (team acme-out)"),
            "{err}"
        );
        let other = case("globex");
        let err = check(
            &rules,
            "olga",
            &t("acme-out"),
            Some(&other),
            &other,
            std::slice::from_ref(&comment),
        )
        .unwrap_err();
        assert!(matches!(*err, Denied::NotCovered { .. }), "{err}");
        // Unrestricted teams and agents without a team act freely.
        assert!(
            check(
                &rules,
                "al",
                &t("tier1"),
                Some(&other),
                &other,
                std::slice::from_ref(&comment)
            )
            .is_ok()
        );
        assert!(check(&rules, "al", &[], Some(&other), &other, &[comment]).is_ok());
    }

    #[test]
    fn an_agent_in_several_teams_is_restricted_by_any_of_them() {
        let rules = [rule()];
        let c = case("globex");
        let comment = event("comment", |_| {});
        let both = vec!["support".to_string(), "acme-out".to_string()];
        let err = check(
            &rules,
            "olga",
            &both,
            Some(&c),
            &c,
            std::slice::from_ref(&comment),
        )
        .unwrap_err();
        assert!(err.to_string().contains("team acme-out"), "{err}");
        assert!(!sees_internal_notes(&rules, &both));
    }

    #[test]
    fn moving_a_case_out_of_reach_is_refused() {
        let rules = [Rule {
            allow: vec!["*".into()],
            ..rule()
        }];
        let before = case("acme");
        let after = case("globex");
        let set = event("set", |e| e.field = Some("account".into()));
        assert!(
            check(
                &rules,
                "olga",
                &t("acme-out"),
                Some(&before),
                &after,
                &[set]
            )
            .is_err()
        );
    }

    #[test]
    fn actions_come_from_events() {
        let state = |from: &str, to: &str| {
            event("state", |e| {
                e.from = Some(from.into());
                e.to = Some(to.into())
            })
        };
        assert_eq!(action_of(&state("new", "open")), None);
        assert_eq!(action_of(&state("open", "resolved")), Some("resolve"));
        assert_eq!(action_of(&state("resolved", "open")), Some("reopen"));
        assert_eq!(action_of(&state("resolved", "closed")), Some("close"));
        let note = event("comment", |e| e.visibility = Some(Visibility::Internal));
        assert_eq!(action_of(&note), Some("note"));
        assert!(!sees_internal_notes(&[rule()], &t("acme-out")));
        assert!(sees_internal_notes(&[rule()], &t("tier1")));
    }

    #[test]
    fn rules_are_validated() {
        let bad = Rule {
            allow: vec!["resolv".into()],
            ..rule()
        };
        let e = validate(&[bad], None).unwrap_err().to_string();
        assert!(e.contains("did you mean \"resolve\""), "{e}");
        let e = validate(&[rule()], Some(&["tier1".into()]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("not defined in agents.toml"), "{e}");
    }

    proptest! {
        #[test]
        fn a_pattern_without_wildcards_matches_only_itself(a in "[a-z]{0,6}", b in "[a-z]{0,6}") {
            prop_assert_eq!(glob(&a, &b), a == b);
            let star = format!("{a}*");
            let joined = format!("{a}{b}");
            prop_assert!(glob(&star, &joined));
            prop_assert!(glob("*", &b));
        }
    }
}
