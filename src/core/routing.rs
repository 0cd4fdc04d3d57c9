//! Who should take a case: the pure ranking behind `assign --auto`, `route` and
//! escalation's re-routing, and the checks a manual `assign` makes.
//!
//! Candidates are the agents of the case's team; an agent is dropped when away, outside
//! its working hours, at capacity, missing a required skill or the case's language. The
//! others are ranked by skill level on the required skills (sum, higher first), then
//! affinity (has worked on the case's account or contact), then current load (lower
//! first), then least recently assigned, then handle.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::agents::{Agent, Agents};
use super::case::Case;
use super::config::Config;

/// What a case needs from its agent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Need {
    pub team: String,
    pub skills: Vec<String>,
    pub language: Option<String>,
}

/// The team a case belongs to: its own, else its type's (`[types.NAME] team`).
pub fn team_of(case: &Case, config: &Config) -> Option<String> {
    case.team.as_deref().map(str::to_string).or_else(|| {
        config
            .type_routes
            .get(case.kind.as_str())
            .and_then(|r| r.team.clone())
    })
}

/// What `case` needs in `team`: the team's skills, its type's, those its custom field
/// values call for, and its language (a `language` field).
pub fn need(case: &Case, config: &Config, agents: &Agents, team: &str) -> Need {
    let mut skills: BTreeSet<String> = BTreeSet::new();
    if let Some(t) = agents.teams.get(team) {
        skills.extend(t.skills.iter().cloned());
    }
    if let Some(r) = config.type_routes.get(case.kind.as_str()) {
        skills.extend(r.skills.iter().cloned());
    }
    for (field, def) in &config.fields {
        if let Some(v) = case.fields.get(field)
            && let Some(s) = def.skills.get(&super::case::value_text(v))
        {
            skills.extend(s.iter().cloned());
        }
    }
    let language = case
        .fields
        .get("language")
        .map(super::case::value_text)
        .filter(|l| !l.is_empty());
    Need {
        team: team.to_string(),
        skills: skills.into_iter().collect(),
        language,
    }
}

/// What the casebook says about an agent's current work.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Load {
    /// Open cases assigned to the agent.
    pub open: u32,
    /// When the agent was last given a case.
    pub last_assigned: Option<DateTime<Utc>>,
    /// Accounts and contacts of the cases the agent has been assigned.
    pub accounts: BTreeSet<String>,
    pub contacts: BTreeSet<String>,
}

/// One agent of the team, kept or dropped, with why and its ranking facts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub agent: String,
    pub kept: bool,
    pub reason: String,
    /// Sum of the agent's levels on the required skills.
    pub skill: u32,
    pub affinity: bool,
    pub load: u32,
    pub capacity: Option<u32>,
    #[serde(with = "opt_time")]
    pub last_assigned: Option<DateTime<Utc>>,
}

mod opt_time {
    use chrono::{DateTime, Utc};
    pub fn serialize<S: serde::Serializer>(
        t: &Option<DateTime<Utc>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&super::super::case::format_time(*t)),
            None => s.serialize_none(),
        }
    }
}

/// Why an agent cannot take a case now (`None`: it can).
pub fn unfit(
    agent: &Agent,
    need: &Need,
    load: &Load,
    now: DateTime<Utc>,
    working: &dyn Fn(&Agent) -> bool,
) -> Option<String> {
    if !agent.is_available(now) {
        return Some(match agent.away_until {
            Some(t) => format!("away until {}", super::case::format_time(t)),
            None => "away".into(),
        });
    }
    if !working(agent) {
        return Some(format!(
            "outside working hours (calendar {})",
            agent.calendar.as_deref().unwrap_or("?")
        ));
    }
    if let Some(cap) = agent.capacity
        && load.open >= cap
    {
        return Some(format!("at capacity ({}/{cap} open cases)", load.open));
    }
    let missing: Vec<&str> = need
        .skills
        .iter()
        .filter(|s| !agent.skills.contains_key(*s))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Some(format!("lacks skill {}", missing.join(", ")));
    }
    if let Some(lang) = &need.language
        && !agent.languages.iter().any(|l| l.eq_ignore_ascii_case(lang))
    {
        return Some(format!("does not speak {lang}"));
    }
    None
}

/// Every agent of the need's team, the kept ones first, best first; then the dropped.
pub fn rank(
    need: &Need,
    case: &Case,
    agents: &Agents,
    loads: &HashMap<String, Load>,
    now: DateTime<Utc>,
    working: &dyn Fn(&Agent) -> bool,
) -> Vec<Candidate> {
    let empty = Load::default();
    let mut out: Vec<Candidate> = agents
        .members(&need.team)
        .map(|(handle, agent)| {
            let load = loads.get(handle).unwrap_or(&empty);
            let skill: u32 = need
                .skills
                .iter()
                .map(|s| u32::from(agent.skills.get(s).copied().unwrap_or(0)))
                .sum();
            let affinity = case
                .account
                .as_ref()
                .is_some_and(|a| load.accounts.contains(a.as_str()))
                || case
                    .contact
                    .as_ref()
                    .is_some_and(|c| load.contacts.contains(c.as_str()));
            let dropped = unfit(agent, need, load, now, working);
            Candidate {
                agent: handle.to_string(),
                kept: dropped.is_none(),
                reason: dropped.unwrap_or_else(|| {
                    let mut why = vec![format!("skill {skill}")];
                    if affinity {
                        why.push("has worked with this customer".into());
                    }
                    why.push(match agent.capacity {
                        Some(c) => format!("load {}/{c}", load.open),
                        None => format!("load {}", load.open),
                    });
                    why.join(", ")
                }),
                skill,
                affinity,
                load: load.open,
                capacity: agent.capacity,
                last_assigned: load.last_assigned,
            }
        })
        .collect();
    out.sort_by(order);
    out
}

/// Kept before dropped; then skill (higher), affinity, load (lower), least recently
/// assigned (never first), handle.
fn order(a: &Candidate, b: &Candidate) -> Ordering {
    b.kept
        .cmp(&a.kept)
        .then(b.skill.cmp(&a.skill))
        .then(b.affinity.cmp(&a.affinity))
        .then(a.load.cmp(&b.load))
        .then(a.last_assigned.cmp(&b.last_assigned))
        .then(a.agent.cmp(&b.agent))
}

/// The best candidate, if any is kept.
pub fn best(ranked: &[Candidate]) -> Option<&Candidate> {
    ranked.first().filter(|c| c.kept)
}

/// The loads of every agent from the cases (open ones count toward load; every case
/// gives affinity), and when each was last assigned (from `assigned` events).
pub fn loads(cases: &[&Case]) -> HashMap<String, Load> {
    let mut out: HashMap<String, Load> = HashMap::new();
    for c in cases {
        if let Some(a) = &c.assignee {
            let l = out.entry(a.to_string()).or_default();
            if c.state.is_open() && c.state != super::case::State::Resolved {
                l.open += 1;
            }
            if let Some(acc) = &c.account {
                l.accounts.insert(acc.to_string());
            }
            if let Some(con) = &c.contact {
                l.contacts.insert(con.to_string());
            }
        }
        for e in &c.timeline {
            if e.kind == "assigned"
                && let Some(to) = &e.to
            {
                let l = out.entry(to.to_string()).or_default();
                l.last_assigned = l.last_assigned.max(Some(e.at));
            }
        }
    }
    out
}

/// After a case moved to `team` (escalated or sent back): the best agent there takes it
/// when the team assigns automatically; otherwise an assignee who is not in the team lets
/// it go, and it waits in the team's queue.
pub fn reroute(
    case: &mut Case,
    ctx: &mut super::lifecycle::Ctx,
    agents: &Agents,
    team: &str,
    best: Option<&str>,
) -> Result<(), super::lifecycle::LifecycleError> {
    let auto = agents.teams.get(team).is_some_and(|t| t.auto_assign);
    match (auto, best) {
        (true, Some(agent)) if case.assignee.as_deref() != Some(agent) => {
            super::lifecycle::assign(case, ctx, Some((agent, Some(team))))
        }
        (true, Some(_)) => Ok(()),
        _ => {
            let stays = case
                .assignee
                .as_deref()
                .and_then(|a| agents.agents.get(a))
                .is_some_and(|a| a.in_team(team));
            if case.assignee.is_some() && !stays {
                super::lifecycle::assign(case, ctx, None)
            } else {
                Ok(())
            }
        }
    }
}

/// The team above `team` on its path (`next` in agents.toml).
pub fn next_team(agents: &Agents, team: &str) -> Option<String> {
    agents.teams.get(team).and_then(|t| t.next.clone())
}

/// The team a case was escalated from into its current team (for `deescalate`).
pub fn came_from(case: &Case) -> Option<String> {
    case.timeline
        .iter()
        .rev()
        .find(|e| e.kind == "escalated" && e.team.is_some() && e.team == case.team)
        .and_then(|e| e.extra.get("from_team"))
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// Whether an automatic escalation rule has already fired for this case (it fires once).
pub fn fired(case: &Case, rule: &str) -> bool {
    case.timeline.iter().any(|e| {
        e.kind == "escalated" && e.extra.get("rule").and_then(|v| v.as_str()) == Some(rule)
    })
}

/// Whether `rule` applies to `case` now; `clocks` are the case's SLA clocks.
pub fn rule_applies(
    rule: &super::config::EscalationRule,
    case: &Case,
    clocks: &[super::sla::ClockReport],
    now: DateTime<Utc>,
) -> bool {
    use super::case::{ActorKind, State, Visibility};
    if !case.state.is_open() || case.state == State::Resolved {
        return false;
    }
    let sla = |c: &&super::sla::ClockReport| {
        rule.sla
            .as_ref()
            .is_none_or(|s| c.sla.eq_ignore_ascii_case(s) || c.kind.eq_ignore_ascii_case(s))
    };
    match rule.on.as_str() {
        "breach" => clocks
            .iter()
            .filter(sla)
            .any(|c| c.stage == super::sla::Stage::Breached),
        "warning" => clocks.iter().filter(sla).any(|c| {
            c.stage == super::sla::Stage::Breached
                || (c.stage == super::sla::Stage::InProgress && c.warning.is_some())
        }),
        "priority" => rule
            .priority
            .as_ref()
            .is_some_and(|p| p.eq_ignore_ascii_case(&case.priority)),
        "replies" => {
            let mut waiting = 0;
            for e in &case.timeline {
                // (Timelines from the clock cache keep no bodies.)
                if e.actor_kind == ActorKind::Customer
                    && matches!(e.kind.as_str(), "comment" | "created")
                {
                    waiting += 1;
                } else if e.actor_kind == ActorKind::Agent
                    && e.kind == "comment"
                    && e.visibility != Some(Visibility::Internal)
                {
                    waiting = 0;
                }
            }
            rule.replies.is_some_and(|n| waiting >= n)
        }
        "age" => {
            let in_state = rule
                .state
                .as_deref()
                .and_then(State::parse)
                .is_none_or(|s| s == case.state);
            let since = case
                .timeline
                .iter()
                .rev()
                .find(|e| e.kind == "state")
                .map_or(case.created_at, |e| e.at);
            let after = rule
                .after
                .as_deref()
                .and_then(|a| super::duration::parse(a).ok());
            in_state && after.is_some_and(|a| now - since > a)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn agents() -> Agents {
        Agents::parse(
            r#"
[teams.tier1]
skills = ["cards"]
[agents.ann]
teams = ["tier1"]
skills = { cards = 4 }
[agents.ben]
teams = ["tier1"]
skills = { cards = 4 }
[agents.cy]
teams = ["tier1"]
skills = { cards = 2 }
[agents.dee]
teams = ["tier1"]
skills = ["cards"]
"#,
        )
        .unwrap()
    }

    fn case() -> Case {
        let mut c = crate::core::case::sample("DK-AAAAAAAA", "Card declined");
        c.assignee = None;
        c.account = Some("acme".into());
        c
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap()
    }

    fn need() -> Need {
        Need {
            team: "tier1".into(),
            skills: vec!["cards".into()],
            language: None,
        }
    }

    fn order_of(loads: &HashMap<String, Load>, a: &Agents) -> Vec<String> {
        rank(&need(), &case(), a, loads, now(), &|_| true)
            .into_iter()
            .filter(|c| c.kept)
            .map(|c| c.agent)
            .collect()
    }

    #[test]
    fn skill_decides_first_then_affinity_then_load_then_recency_then_handle() {
        let a = agents();
        let mut loads = HashMap::new();
        // All tie but skill: ann and ben (4) before dee (3) before cy (2); ann < ben by handle.
        assert_eq!(order_of(&loads, &a), ["ann", "ben", "dee", "cy"]);
        // ben was assigned longer ago than ann: ben first.
        loads.insert(
            "ann".into(),
            Load {
                last_assigned: Some(now()),
                ..Load::default()
            },
        );
        loads.insert(
            "ben".into(),
            Load {
                last_assigned: Some(now() - chrono::Duration::days(1)),
                ..Load::default()
            },
        );
        assert_eq!(order_of(&loads, &a)[..2], ["ben", "ann"]);
        // A lower load beats recency.
        loads.get_mut("ben").unwrap().open = 2;
        loads.get_mut("ann").unwrap().open = 1;
        assert_eq!(order_of(&loads, &a)[..2], ["ann", "ben"]);
        // Affinity beats load.
        loads.get_mut("ben").unwrap().accounts.insert("acme".into());
        assert_eq!(order_of(&loads, &a)[..2], ["ben", "ann"]);
        // Skill beats affinity.
        loads
            .entry("cy".into())
            .or_default()
            .accounts
            .insert("acme".into());
        assert_eq!(order_of(&loads, &a).last().unwrap(), "cy");
    }

    #[test]
    fn availability_capacity_hours_skills_and_language_exclude_with_reasons() {
        let mut a = agents();
        a.agents.get_mut("ann").unwrap().available = false;
        a.agents.get_mut("ben").unwrap().capacity = Some(1);
        a.agents.get_mut("cy").unwrap().skills.clear();
        a.agents.get_mut("dee").unwrap().calendar = Some("madrid".into());
        let mut loads = HashMap::new();
        loads.insert(
            "ben".into(),
            Load {
                open: 1,
                ..Load::default()
            },
        );
        let ranked = rank(&need(), &case(), &a, &loads, now(), &|ag| {
            ag.calendar.is_none()
        });
        let why: HashMap<&str, (&bool, &str)> = ranked
            .iter()
            .map(|c| (c.agent.as_str(), (&c.kept, c.reason.as_str())))
            .collect();
        assert_eq!(why["ann"], (&false, "away"));
        assert_eq!(why["ben"], (&false, "at capacity (1/1 open cases)"));
        assert_eq!(why["cy"], (&false, "lacks skill cards"));
        assert_eq!(
            why["dee"],
            (&false, "outside working hours (calendar madrid)")
        );
        assert!(best(&ranked).is_none());
        assert_eq!(ranked.len(), 4, "every agent of the team is explained");
        // Language.
        let a = agents();
        let n = Need {
            language: Some("es".into()),
            ..need()
        };
        let ranked = rank(&n, &case(), &a, &HashMap::new(), now(), &|_| true);
        assert!(
            ranked
                .iter()
                .all(|c| !c.kept && c.reason == "does not speak es")
        );
        // Away until a time that has passed: available again.
        let mut a = agents();
        let ann = a.agents.get_mut("ann").unwrap();
        ann.available = false;
        ann.away_until = Some(now() - chrono::Duration::hours(1));
        assert!(ann.is_available(now()));
    }

    #[test]
    fn the_need_collects_team_type_and_field_skills() {
        let config = Config::parse(
            "[types.incident]\nskills = [\"api\"]\nteam = \"tier1\"\n[types.question]\n[fields.product]\ntype = \"choice\"\nchoices = [\"cards\", \"loans\"]\n[fields.product.skills]\nloans = [\"lending\"]\n",
        )
        .unwrap();
        assert_eq!(config.types, ["incident", "question"]);
        let mut c = case();
        c.kind = "incident".into();
        c.team = None;
        c.fields
            .insert("product".into(), toml::Value::String("loans".into()));
        assert_eq!(team_of(&c, &config).as_deref(), Some("tier1"));
        let n = super::need(&c, &config, &agents(), "tier1");
        assert_eq!(n.skills, ["api", "cards", "lending"]);
    }
}
