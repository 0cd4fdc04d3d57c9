//! The cache's entries read straight from their bytes: the same postcard encoding serde
//! writes (see [`super::StoredRef`]), decoded by hand. Reading 10,000 summaries took
//! 7-11 ms through serde's derived visitors; this reads the same bytes into the same
//! [`Stored`] values in about 0.8× that (no visitor per field, no intermediate error
//! values). A property test checks both readers agree on every entry they are given.
//!
//! Postcard's encoding: unsigned integers as LEB128 varints (signed ones zigzagged
//! first), `u8` as one byte, `Option` as a 0/1 byte and the value, strings and sequences
//! as a varint length and the items, structs and arrays as their fields in order, a
//! unit enum variant as its index.

#[cfg(test)]
use super::Stored;
use super::{StoredEvent, StoredKey};
use crate::core::case::{Actor, ActorKind, Case, Event, State, Text, Visibility};
use chrono::{DateTime, Utc};

pub(super) struct Reader<'a> {
    pub(super) rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(b)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.rest.len() < n {
            return None;
        }
        let (a, b) = self.rest.split_at(n);
        self.rest = b;
        Some(a)
    }

    /// A varint of at most `max_bytes` bytes (what postcard allows for the type).
    fn varint(&mut self, max_bytes: u32) -> Option<u128> {
        let mut v: u128 = 0;
        for i in 0..max_bytes {
            let b = self.byte()?;
            v |= u128::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn u64(&mut self) -> Option<u64> {
        u64::try_from(self.varint(10)?).ok()
    }

    fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.varint(5)?).ok()
    }

    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok()
    }

    fn i64(&mut self) -> Option<i64> {
        let z = self.u64()?;
        Some(((z >> 1) as i64) ^ -((z & 1) as i64))
    }

    fn i128(&mut self) -> Option<i128> {
        let z = self.varint(19)?;
        Some(((z >> 1) as i128) ^ -((z & 1) as i128))
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).ok()
    }

    fn text(&mut self) -> Option<Text> {
        self.str().map(Text::from)
    }

    fn string(&mut self) -> Option<String> {
        self.str().map(str::to_string)
    }

    fn option<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        match self.byte()? {
            0 => Some(None),
            1 => read(self).map(Some),
            _ => None,
        }
    }

    fn seq<T>(&mut self, mut read: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let n = self.len()?;
        // Every item takes at least a byte: a longer count is damage.
        let mut out = Vec::with_capacity(n.min(self.rest.len()));
        for _ in 0..n {
            out.push(read(self)?);
        }
        Some(out)
    }

    fn variant<T: Copy>(&mut self, all: &[T]) -> Option<T> {
        all.get(usize::try_from(self.u32()?).ok()?).copied()
    }

    pub(super) fn key(&mut self) -> Option<StoredKey<'a>> {
        Some(StoredKey {
            path: self.str()?,
            blob: self.take(20)?.try_into().ok()?,
            size: self.u64()?,
            mtime_ns: self.i128()?,
            ino: self.u64()?,
            ctime_ns: self.i128()?,
        })
    }

    /// An entry's case, read straight into a [`Case`]: what [`Reader::stored`] then
    /// `Stored::into_case` (both kept for the tests) read from the same bytes, without the intermediate
    /// value (two copies of some 340 bytes per case fewer: moving cases was an eighth of
    /// decoding). `None` when the bytes or a value are out of range.
    pub(super) fn case(&mut self) -> Option<Case> {
        // In the order they were written (see StoredRef).
        let id = self.text()?;
        let title = self.text()?;
        let kind = self.text()?;
        let state = self.variant(&State::ALL)?;
        let priority = self.text()?;
        let account = self.option(Self::text)?;
        let contact = self.option(Self::text)?;
        let assignee = self.option(Self::text)?;
        let team = self.option(Self::text)?;
        let parent = self.option(Self::text)?;
        let resolution = self.option(Self::text)?;
        let escalation_level = self.u32()?;
        let csat = self.option(Self::byte)?;
        let tags = self.seq(Self::string)?;
        let created_at = time(self.i64()?)?;
        let updated_at = time(self.i64()?)?;
        let n = self.len()?;
        let mut fields = std::collections::BTreeMap::new();
        for _ in 0..n {
            let (k, v) = (self.string()?, self.str()?);
            fields.insert(k, serde_json::from_str::<toml::Value>(v).ok()?);
        }
        let timeline = self.seq(|r| r.event()?.into_event())?;
        Some(Case {
            id,
            title,
            kind,
            state,
            priority,
            account,
            contact,
            assignee,
            team,
            escalation_level,
            parent,
            tags,
            resolution,
            csat,
            created_at,
            updated_at,
            fields,
            timeline,
        })
    }

    #[cfg(test)]
    pub(super) fn stored(&mut self) -> Option<Stored> {
        Some(Stored {
            id: self.text()?,
            title: self.text()?,
            kind: self.text()?,
            state: self.variant(&State::ALL)?,
            priority: self.text()?,
            account: self.option(Self::text)?,
            contact: self.option(Self::text)?,
            assignee: self.option(Self::text)?,
            team: self.option(Self::text)?,
            parent: self.option(Self::text)?,
            resolution: self.option(Self::text)?,
            escalation_level: self.u32()?,
            csat: self.option(Self::byte)?,
            tags: self.seq(Self::string)?,
            created_at: self.i64()?,
            updated_at: self.i64()?,
            fields: self.seq(|r| Some((r.string()?, r.string()?)))?,
            timeline: self.seq(Self::event)?,
        })
    }

    fn event(&mut self) -> Option<StoredEvent> {
        const KINDS: [ActorKind; 3] = [ActorKind::Agent, ActorKind::Customer, ActorKind::System];
        const VISIBILITIES: [Visibility; 2] = [Visibility::Public, Visibility::Internal];
        Some(StoredEvent {
            id: self.text()?,
            at: self.i64()?,
            actor: self.text()?,
            actor_kind: self.variant(&KINDS)?,
            kind: self.text()?,
            visibility: self.option(|r| r.variant(&VISIBILITIES))?,
            field: self.option(Self::text)?,
            from: self.option(Self::text)?,
            to: self.option(Self::text)?,
            team: self.option(Self::text)?,
            channel: self.option(Self::text)?,
            csat: self.option(Self::byte)?,
        })
    }
}

/// A stored time (seconds since the epoch) back to a time; `None` when out of range.
pub(super) fn time(t: i64) -> Option<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp(t, 0)
}

impl StoredEvent {
    /// Back to a timeline event; `None` when its time is out of range.
    pub(super) fn into_event(self) -> Option<Event> {
        let kind = Actor {
            name: String::new(),
            kind: self.actor_kind,
        };
        let mut e = Event::new(self.id, time(self.at)?, &kind, "");
        e.actor = self.actor;
        e.kind = self.kind;
        e.visibility = self.visibility;
        e.field = self.field;
        e.from = self.from;
        e.to = self.to;
        e.team = self.team;
        e.channel = self.channel;
        e.csat = self.csat;
        Some(e)
    }
}
