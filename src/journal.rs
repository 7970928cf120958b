//! The journal: the dated, attributed record of every accepted event.
//!
//! The state machines of the crate accept events one at a time; each one they
//! accept is appended here with its time, its actor and an optional note.
//! Replaying a journal from the start rebuilds the same state, so a CRM may
//! store either the state or the journal (or both, as a check).
//!
//! An entry holds its actor inline (short names need no heap allocation) and
//! its note only when there is one, so appending costs no allocation of its
//! own beyond the journal's amortised growth.

use chrono::{DateTime, Utc};
use compact_str::CompactString;
use serde::{Deserialize, Serialize};

/// Who did something: a user name or id from the CRM. Names of up to 24
/// bytes are stored inline.
pub type Actor = CompactString;

/// One accepted event with its time, actor and optional note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Entry<E> {
    /// When the event happened (supplied by the caller, never read from a clock).
    pub at: DateTime<Utc>,
    /// Who caused it.
    #[schemars(with = "String")]
    pub actor: Actor,
    /// What happened.
    pub event: E,
    /// Free text the actor attached.
    // A boxed `str`, not a `String`: an entry is kept for good, so it need
    // not carry a capacity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Box<str>>,
}

impl<E> Entry<E> {
    /// An entry with no note.
    pub fn new(at: DateTime<Utc>, actor: impl Into<Actor>, event: E) -> Self {
        Entry {
            at,
            actor: actor.into(),
            event,
            note: None,
        }
    }

    /// The same entry with a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into().into_boxed_str());
        self
    }
}

/// An append-only list of entries in the order they were accepted.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Journal<E> {
    entries: Vec<Entry<E>>,
}

impl<'de, E: Deserialize<'de>> Deserialize<'de> for Journal<E> {
    /// Reads the list of entries, without the spare capacity the parser's
    /// growth leaves: a loaded journal is mostly read, and a portfolio
    /// holds many.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut entries = Vec::<Entry<E>>::deserialize(deserializer)?;
        entries.shrink_to_fit();
        Ok(Journal { entries })
    }
}

impl<E> Default for Journal<E> {
    fn default() -> Self {
        Journal {
            entries: Vec::new(),
        }
    }
}

impl<E> Journal<E> {
    /// An empty journal.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty journal with room for `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Self {
        Journal {
            entries: Vec::with_capacity(capacity),
        }
    }

    /// Appends an accepted entry. Only state machines call this, after they
    /// have accepted the event.
    pub(crate) fn push(&mut self, entry: Entry<E>) {
        self.entries.push(entry);
    }

    /// A journal of entries a state machine has accepted in this order (a
    /// replay checks them in place, so none is moved).
    pub(crate) fn from_accepted(entries: Vec<Entry<E>>) -> Self {
        Journal { entries }
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> &[Entry<E>] {
        &self.entries
    }

    /// The entries, oldest first, taken out of the journal.
    pub fn into_entries(self) -> Vec<Entry<E>> {
        self.entries
    }

    /// Iterates over the entries, oldest first.
    pub fn iter(&self) -> std::slice::Iter<'_, Entry<E>> {
        self.entries.iter()
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing has been recorded yet.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The newest entry.
    pub fn last(&self) -> Option<&Entry<E>> {
        self.entries.last()
    }

    /// The time of the newest entry.
    pub fn last_at(&self) -> Option<DateTime<Utc>> {
        self.entries.last().map(|e| e.at)
    }
}

impl<'a, E> IntoIterator for &'a Journal<E> {
    type Item = &'a Entry<E>;
    type IntoIter = std::slice::Iter<'a, Entry<E>>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

/// Why an event's time was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("event at {given} is earlier than the last recorded event at {last}")]
pub struct OutOfOrder {
    /// The newest time already recorded.
    pub last: DateTime<Utc>,
    /// The earlier time that was given.
    pub given: DateTime<Utc>,
}

/// Checks that `at` is not earlier than the journal's newest entry.
pub fn check_order<E>(journal: &Journal<E>, at: DateTime<Utc>) -> Result<(), OutOfOrder> {
    match journal.last_at() {
        Some(last) if at < last => Err(OutOfOrder { last, given: at }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loaded_journal_keeps_no_spare_capacity() {
        let json = r#"[
            {"at": "2026-01-05T09:00:00Z", "actor": "li.wei", "event": 1},
            {"at": "2026-01-05T10:00:00Z", "actor": "li.wei", "event": 2},
            {"at": "2026-01-05T11:00:00Z", "actor": "anna.k", "event": 3, "note": "call back"},
            {"at": "2026-01-05T12:00:00Z", "actor": "anna.k", "event": 4},
            {"at": "2026-01-05T13:00:00Z", "actor": "li.wei", "event": 5}
        ]"#;
        let journal: Journal<u32> = serde_json::from_str(json).unwrap();
        assert_eq!(journal.len(), 5);
        assert_eq!(journal.entries.capacity(), 5);
        assert_eq!(journal.entries()[2].note.as_deref(), Some("call back"));
    }

    #[test]
    fn notes_are_written_as_plain_strings() {
        let at = DateTime::from_timestamp(0, 0).unwrap();
        let entry = Entry::new(at, "li.wei", 7u32).with_note(String::from("site visit"));
        let json = serde_json::to_value(&entry).unwrap();
        assert_eq!(json["note"], "site visit");
        let back: Entry<u32> = serde_json::from_value(json).unwrap();
        assert_eq!(back, entry);
        let plain = serde_json::to_value(Entry::new(at, "li.wei", 7u32)).unwrap();
        assert!(plain.get("note").is_none());
    }
}
