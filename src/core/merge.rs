//! The three-way merge of a case, for clones that changed it independently. Pure.
//!
//! Rules (README "Working as a team"):
//! - **Timeline**: the union of both sides' events by id, ordered by time, then logical
//!   clock, then id. An event is never lost or duplicated; two different events with one
//!   id both stay (the one whose text sorts later gets a new id derived from its content)
//!   and the report says so.
//! - **Fields**: changed on one side → that side's value; changed to the same value on
//!   both → that value; changed differently → the side whose latest change to the field
//!   is later wins, ordered by the logical clock on events (a Lamport counter: every event
//!   docket writes carries one more than the largest in the case), then the event's time,
//!   then its id, so a clone with a wrong wall clock does not always win. A `merge` event
//!   records the field, both values, who set each and which won.
//! - **Tags** merge as sets: what either side added is added, what either side removed is
//!   removed.
//! - **State** follows the same rule, then must be legal for the merged timeline: a case
//!   resolved (or waiting for the customer) in one clone while the customer's reply was
//!   recorded in the other, after the resolution, is open again (recorded).
//! - `updated_at` is recomputed (the latest of both sides and every event).
//!
//! The result does not depend on which side is "ours": `merge(base, a, b)` and
//! `merge(base, b, a)` are the same case, and merging a result with either side again
//! changes nothing.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{DateTime, Utc};

use super::case::{Actor, ActorKind, Case, Event, State, Text, Visibility};

/// What a merge did that people should know about.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Fields changed differently on both sides: (field, winning value, losing value).
    pub conflicts: Vec<(String, String, String)>,
    /// Events with one id but different content on the two sides (both kept).
    pub clashing_events: Vec<String>,
    /// The state was changed to keep it legal for the merged timeline.
    pub state_fixed: Option<(State, State)>,
}

/// The logical clock of an event (0 for events written before clocks existed).
pub fn clock(e: &Event) -> u64 {
    e.extra
        .get("clock")
        .and_then(|v| v.as_integer())
        .and_then(|i| u64::try_from(i).ok())
        .unwrap_or(0)
}

/// Gives the events from `from` on (an action's new events) the next logical clocks:
/// one more than the largest in the case, in order.
pub fn stamp_clocks(case: &mut Case, from: usize) {
    let from = from.min(case.timeline.len());
    let mut next = case.timeline[..from].iter().map(clock).max().unwrap_or(0);
    for e in &mut case.timeline[from..] {
        if !e.extra.contains_key("clock") {
            next += 1;
            e.extra
                .insert("clock".into(), toml::Value::Integer(next as i64));
        }
    }
}

/// Makes the ids of the events from `from` on (an action's new events) unique in the
/// case: a clash with an earlier event (a reused random seed) gets a new id derived from
/// the old one, so a case never holds two events with one id.
pub fn ensure_unique_ids(case: &mut Case, from: usize) {
    let from = from.min(case.timeline.len());
    let mut seen: HashSet<Text> = case.timeline[..from].iter().map(|e| e.id.clone()).collect();
    for e in &mut case.timeline[from..] {
        let mut n = 0u32;
        while seen.contains(&e.id) {
            n += 1;
            e.id = derived_id(&format!("{} {n}", e.id)).into();
        }
        seen.insert(e.id.clone());
    }
}

/// The order of events in a merged timeline.
fn order_key(e: &Event) -> (DateTime<Utc>, u64, &str) {
    (e.at, clock(e), &e.id)
}

/// An event as comparable text (its TOML), to compare and to order deterministically.
fn event_text(e: &Event) -> String {
    toml::to_string(e).unwrap_or_default()
}

/// A short, stable id from some text (FNV-1a, Crockford base32, like event ids).
fn derived_id(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    super::id::encode(h, 8)
}

/// Which events can change a field (for "the latest change to that field").
fn changes(field: &str, e: &Event) -> bool {
    match field {
        "assignee" => e.kind == "assigned",
        "team" => {
            e.kind == "assigned"
                || e.kind == "escalated"
                || (e.kind == "set" && e.field.as_deref() == Some("team"))
        }
        "escalation_level" => e.kind == "escalated",
        "state" | "resolution" | "csat" => e.kind == "state",
        f => e.kind == "set" && e.field.as_deref() == Some(f),
    }
}

struct Side<'a> {
    /// Events this side added since the base.
    new: Vec<&'a Event>,
}

impl<'a> Side<'a> {
    fn new(case: &'a Case, base_ids: &BTreeSet<&str>) -> Side<'a> {
        let new = case
            .timeline
            .iter()
            .filter(|e| !base_ids.contains(e.id.as_str()))
            .collect();
        Side { new }
    }

    /// The latest event of this side that changed `field` (else its latest new event).
    fn latest(&self, field: &str) -> Option<&'a Event> {
        let relevant = self.new.iter().filter(|e| changes(field, e)).copied();
        relevant
            .max_by(|a, b| later(a, b))
            .or_else(|| self.new.iter().copied().max_by(|a, b| later(a, b)))
    }
}

/// Orders changes: logical clock first, then wall time, then id.
fn later(a: &Event, b: &Event) -> std::cmp::Ordering {
    (clock(a), a.at, &a.id).cmp(&(clock(b), b.at, &b.id))
}

/// Three-way choice of one value; `Err((ours, theirs))` when both changed it differently.
fn pick<T: PartialEq + Clone>(base: Option<&T>, ours: &T, theirs: &T) -> Result<T, (T, T)> {
    if ours == theirs || Some(theirs) == base {
        Ok(ours.clone())
    } else if Some(ours) == base {
        Ok(theirs.clone())
    } else {
        Err((ours.clone(), theirs.clone()))
    }
}

/// Merges `ours` and `theirs`, both descended from `base` (`None`: the case is new on
/// both sides, which only happens with the same ID created twice).
pub fn merge(base: Option<&Case>, ours: &Case, theirs: &Case) -> (Case, Report) {
    if ours == theirs {
        return (ours.clone(), Report::default());
    }
    if let Some(b) = base {
        if b == ours {
            return (theirs.clone(), Report::default());
        }
        if b == theirs {
            return (ours.clone(), Report::default());
        }
    }
    let mut report = Report::default();
    let base_ids: BTreeSet<&str> = base
        .map(|b| b.timeline.iter().map(|e| e.id.as_str()).collect())
        .unwrap_or_default();
    let (a, b) = (Side::new(ours, &base_ids), Side::new(theirs, &base_ids));

    // The timeline: union by id; a clash keeps both, the later text re-identified.
    let mut by_id: BTreeMap<Text, Event> = BTreeMap::new();
    for e in ours.timeline.iter().chain(&theirs.timeline) {
        match by_id.get(&e.id) {
            None => {
                by_id.insert(e.id.clone(), e.clone());
            }
            Some(existing) if existing == e => {}
            Some(existing) => {
                let (keep, moved) = if event_text(existing) <= event_text(e) {
                    (existing.clone(), e.clone())
                } else {
                    (e.clone(), existing.clone())
                };
                report.clashing_events.push(keep.id.to_string());
                let mut moved = moved;
                moved.id = derived_id(&event_text(&moved)).into();
                by_id.insert(keep.id.clone(), keep);
                by_id.insert(moved.id.clone(), moved);
            }
        }
    }
    let mut timeline: Vec<Event> = by_id.into_values().collect();

    let mut merged = ours.clone();
    let mut merge_events = Vec::new();
    let mut next_clock = timeline.iter().map(clock).max().unwrap_or(0);
    let mut resolve_conflict =
        |field: &str, ov: String, tv: String, merged_at: &mut Vec<Event>| {
            let (la, lb) = (a.latest(field), b.latest(field));
            let theirs_wins = match (la, lb) {
                (Some(x), Some(y)) => later(y, x).then(tv.cmp(&ov)).is_gt(),
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (None, None) => tv > ov,
            };
            let (win, lose, wev, lev) = if theirs_wins {
                (tv, ov, lb, la)
            } else {
                (ov, tv, la, lb)
            };
            let at = wev
                .map(|e| e.at)
                .max(lev.map(|e| e.at))
                .unwrap_or(ours.updated_at);
            next_clock += 1;
            let mut e = Event::new(
                derived_id(&format!("merge {field} {win} {lose}")),
                at,
                &Actor {
                    name: "docket".into(),
                    kind: ActorKind::System,
                },
                "merge",
            );
            e.field = Some(field.into());
            e.to = Some(win.clone().into());
            e.from = Some(lose.clone().into());
            e.reason = Some(format!(
            "changed in two clones: {win:?} by {} won over {lose:?} by {} (the later change)",
            wev.map_or("?", |e| e.actor.as_str()),
            lev.map_or("?", |e| e.actor.as_str())
        ).into());
            e.extra
                .insert("clock".into(), toml::Value::Integer(next_clock as i64));
            merged_at.push(e);
            report
                .conflicts
                .push((field.to_string(), win.clone(), lose));
            win
        };

    macro_rules! field {
        ($name:literal, $f:ident, $show:expr) => {{
            let bv = base.map(|b| b.$f.clone());
            merged.$f = match pick(bv.as_ref(), &ours.$f, &theirs.$f) {
                Ok(v) => v,
                Err((o, t)) => {
                    let w = resolve_conflict($name, $show(&o), $show(&t), &mut merge_events);
                    if w == $show(&o) { o } else { t }
                }
            };
        }};
    }
    let text = |s: &Text| s.to_string();
    let opt = |s: &Option<Text>| s.as_deref().unwrap_or_default().to_string();
    field!("title", title, text);
    field!("type", kind, text);
    field!("priority", priority, text);
    field!("account", account, opt);
    field!("contact", contact, opt);
    field!("assignee", assignee, opt);
    field!("team", team, opt);
    field!("parent", parent, opt);
    field!("resolution", resolution, opt);
    field!("escalation_level", escalation_level, |v: &u32| v
        .to_string());
    field!("csat", csat, |v: &Option<u8>| v
        .map(|c| c.to_string())
        .unwrap_or_default());
    field!("state", state, |v: &State| v.as_str().to_string());

    // Tags as sets.
    let empty = Vec::new();
    let base_tags = base.map_or(&empty, |b| &b.tags);
    let removed: BTreeSet<&String> = base_tags
        .iter()
        .filter(|t| !ours.tags.contains(t) || !theirs.tags.contains(t))
        .collect();
    let mut tags: Vec<String> = base_tags
        .iter()
        .filter(|t| !removed.contains(t))
        .cloned()
        .collect();
    let added: BTreeSet<&String> = ours
        .tags
        .iter()
        .chain(&theirs.tags)
        .filter(|t| !base_tags.contains(t))
        .collect();
    tags.extend(added.into_iter().cloned());
    merged.tags = tags;

    // Custom fields, one by one.
    let keys: BTreeSet<&String> = ours.fields.keys().chain(theirs.fields.keys()).collect();
    let mut fields = BTreeMap::new();
    for k in keys {
        let bv = base.map(|b| b.fields.get(k).cloned());
        let (ov, tv) = (ours.fields.get(k).cloned(), theirs.fields.get(k).cloned());
        let value = match pick(bv.as_ref(), &ov, &tv) {
            Ok(v) => v,
            Err((o, t)) => {
                let show = |v: &Option<toml::Value>| {
                    v.as_ref().map(super::case::value_text).unwrap_or_default()
                };
                let name = format!("fields.{k}");
                let w = resolve_conflict(&name, show(&o), show(&t), &mut merge_events);
                if w == show(&o) { o } else { t }
            }
        };
        if let Some(v) = value {
            fields.insert(k.clone(), v);
        }
    }
    merged.fields = fields;
    // A conflict already recorded (the same field, values and so id) is not recorded twice.
    for e in merge_events {
        if !timeline.iter().any(|x| x.id == e.id) {
            timeline.push(e);
        }
    }
    timeline.sort_by(|x, y| order_key(x).cmp(&order_key(y)));

    // The state must be legal for the merged timeline: a customer's reply recorded in one
    // clone after the other resolved the case (or asked and waited) reopens it.
    if matches!(merged.state, State::Resolved | State::AwaitingInfo) {
        let ids =
            |c: &'_ Case| -> HashSet<Text> { c.timeline.iter().map(|e| e.id.clone()).collect() };
        let (in_a, in_b) = (ids(ours), ids(theirs));
        let last_state = timeline
            .iter()
            .rposition(|e| e.kind == "state" && e.to.as_deref() == Some(merged.state.as_str()));
        if let Some(i) = last_state {
            let s = &timeline[i].id;
            // A reply recorded on a side that had not seen the state change.
            let unseen = |r: &Text| {
                (in_a.contains(r) && !in_a.contains(s)) || (in_b.contains(r) && !in_b.contains(s))
            };
            let reply = timeline[i + 1..].iter().find(|e| {
                e.kind == "comment"
                    && (e.actor_kind == ActorKind::Customer
                        || (merged.state == State::AwaitingInfo
                            && e.visibility == Some(Visibility::Public)))
                    && unseen(&e.id)
            });
            if let Some(reply) = reply
                && !timeline
                    .iter()
                    .any(|e| e.id == derived_id(&format!("reopen {s} {}", reply.id)))
            {
                let was = merged.state;
                next_clock += 1;
                let mut e = Event::new(
                    derived_id(&format!("reopen {} {}", timeline[i].id, reply.id)),
                    reply.at,
                    &Actor {
                        name: "docket".into(),
                        kind: ActorKind::System,
                    },
                    "state",
                );
                e.from = Some(was.as_str().into());
                e.to = Some(State::Open.as_str().into());
                e.reason = Some(
                    format!(
                        "merged clones: {} replied after the case became {was}",
                        reply.actor
                    )
                    .into(),
                );
                e.extra
                    .insert("clock".into(), toml::Value::Integer(next_clock as i64));
                timeline.push(e);
                timeline.sort_by(|x, y| order_key(x).cmp(&order_key(y)));
                merged.state = State::Open;
                report.state_fixed = Some((was, State::Open));
            }
        }
    }

    merged.created_at = ours.created_at.min(theirs.created_at);
    merged.updated_at = timeline
        .iter()
        .map(|e| e.at)
        .chain([ours.updated_at, theirs.updated_at])
        .max()
        .unwrap_or(ours.updated_at);
    merged.timeline = timeline;
    (merged, report)
}

#[cfg(test)]
mod tests;
