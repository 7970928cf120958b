//! Reading key-account deals stored in format version 1.
//!
//! Version 1 won a deal only when the project was completed, let every
//! grade enter the sales process and took free-text reasons. Its journal is
//! replayed under today's rules, entry by entry: a version-1 win becomes
//! the booking of the signed contract (dated the day the contract-signed
//! node was met; the project was completed, so delivery is completed), a
//! move out of a stage that the grade's policy now forbids becomes a
//! forcing with a reason saying so, and a free-text reason is kept as the
//! note of the `other` reason. What changed is reported, never hidden.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::definition::ProcessDefinition;
use super::influence::BuyingInfluence;
use super::process::{
    KeyAccountError, KeyAccountEvent, KeyAccountProcess, LoadError, NodeSource, Outcome,
};
use super::reason::{Reason, OTHER_REASON};
use super::stage::{KeyNode, ProcurementStep, Stage};
use crate::grading::Grade;
use crate::journal::Entry;

/// The reason given to a version-1 move that today's grade policy would
/// refuse without forcing.
pub const POLICY_FORCING_REASON: &str =
    "entered before grade policies gated the process (migrated from format version 1)";

/// What loading an older document changed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Migration {
    /// The format version read.
    pub from_version: u32,
    /// Version-1 wins now booked (and, the project being completed,
    /// delivered).
    pub booked: usize,
    /// Version-1 wins with no signed contract: now open in project
    /// implementation, awaiting their booking.
    pub won_without_contract: Vec<String>,
    /// Moves now recorded as forcings of the grade's policy.
    pub policy_forcings: usize,
    /// Free-text reasons kept as notes of the `other` reason.
    pub reasons_to_other: usize,
    /// Whether a portfolio's definition left the coverage rule's
    /// `key_roles` out, and so keeps the rule it meant before format
    /// version 3: the economic buyer alone makes "key people identified".
    pub coverage_rule_kept: bool,
}

impl Migration {
    /// One line per change, for people to read.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.from_version == 1 {
            notes.push(format!(
                "migrated from format version 1: {} won deals booked and completed, {} moves recorded as forcings of the grade policy, {} free-text reasons kept as notes of `{OTHER_REASON}`",
                self.booked, self.policy_forcings, self.reasons_to_other
            ));
        }
        for id in &self.won_without_contract {
            notes.push(format!(
                "{id}: won under format version 1 without a signed contract; now open in project implementation, awaiting its booking"
            ));
        }
        if self.coverage_rule_kept {
            notes.push(format!(
                "migrated from format version {}: the coverage rule names no key roles, so it keeps the economic buyer alone for \"key people identified\" (the default is now the economic, technical and user buyer and a coach)",
                self.from_version
            ));
        } else if self.from_version != 1 {
            notes.push(format!(
                "migrated from format version {}: nothing changed",
                self.from_version
            ));
        }
        notes
    }

    /// Adds another deal's changes.
    pub fn absorb(&mut self, other: Migration) {
        self.booked += other.booked;
        self.won_without_contract.extend(other.won_without_contract);
        self.policy_forcings += other.policy_forcings;
        self.reasons_to_other += other.reasons_to_other;
        self.coverage_rule_kept |= other.coverage_rule_kept;
    }
}

/// A version-1 event.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum EventV1 {
    KeyNodeMet {
        node: KeyNode,
        evidence: String,
        #[serde(default)]
        grade: Option<Grade>,
    },
    Regraded {
        grade: Grade,
        evidence: String,
    },
    Advanced,
    ForcedAdvance {
        reason: String,
    },
    ProcurementStepObserved {
        step: ProcurementStep,
    },
    ContactRecorded {
        contact: Box<BuyingInfluence>,
    },
    ContactRemoved {
        id: String,
    },
    StageReported {
        stage: Stage,
        crm_stage: String,
        #[serde(default)]
        probability: Option<f64>,
        #[serde(default)]
        completed: bool,
    },
    Won,
    Lost {
        reason: String,
    },
    Withdrawn {
        reason: String,
    },
}

#[derive(Deserialize)]
struct ClosureV1 {
    outcome: Outcome,
}

#[derive(Deserialize)]
struct StateV1 {
    opened_at: DateTime<Utc>,
    stage: Stage,
    #[serde(default)]
    closure: Option<ClosureV1>,
}

#[derive(Deserialize)]
struct ProcessV1 {
    state: StateV1,
    journal: Vec<Entry<EventV1>>,
}

fn other_reason(text: String) -> Box<Reason> {
    Box::new(Reason::new(OTHER_REASON).with_note(text))
}

/// Reads a version-1 deal (its `format_version` already checked) and
/// replays it under `definition`'s rules. `id` names the deal in the notes.
pub(crate) fn from_v1(
    value: serde_json::Value,
    definition: &ProcessDefinition,
    id: &str,
) -> Result<(KeyAccountProcess, Migration), LoadError> {
    let old: ProcessV1 = serde_json::from_value(value).map_err(|e| LoadError::Json {
        message: format!("format version 1: {e}"),
    })?;
    let mut migration = Migration {
        from_version: 1,
        ..Migration::default()
    };
    let mut process = KeyAccountProcess::with_capacity(old.state.opened_at, old.journal.len());
    let mut dropped_win = false;
    for (index, old_entry) in old.journal.into_iter().enumerate() {
        let Entry {
            at,
            actor,
            event,
            note,
        } = old_entry;
        let event = match event {
            EventV1::KeyNodeMet {
                node,
                evidence,
                grade,
            } => KeyAccountEvent::KeyNodeMet {
                node,
                evidence,
                grade,
            },
            EventV1::Regraded { grade, evidence } => KeyAccountEvent::Regraded { grade, evidence },
            EventV1::Advanced => match process.state().policy_block(definition) {
                Some(
                    KeyAccountError::PolicyForbidsEntry { .. }
                    | KeyAccountError::GradeSetByHand { .. },
                ) if process.state().missing_to_advance(definition).is_empty() => {
                    migration.policy_forcings += 1;
                    KeyAccountEvent::ForcedAdvance {
                        reason: POLICY_FORCING_REASON.into(),
                    }
                }
                _ => KeyAccountEvent::Advanced,
            },
            EventV1::ForcedAdvance { reason } => KeyAccountEvent::ForcedAdvance { reason },
            EventV1::ProcurementStepObserved { step } => {
                KeyAccountEvent::ProcurementStepObserved { step }
            }
            EventV1::ContactRecorded { contact } => KeyAccountEvent::ContactRecorded { contact },
            EventV1::ContactRemoved { id } => KeyAccountEvent::ContactRemoved { id },
            EventV1::StageReported {
                stage,
                crm_stage,
                probability,
                completed,
            } => KeyAccountEvent::StageReported {
                stage,
                crm_stage,
                probability,
                completed,
            },
            EventV1::Won => {
                let signed = process
                    .state()
                    .met()
                    .contains(KeyNode::ContractSigned)
                    .then(|| process.key_node_record(KeyNode::ContractSigned))
                    .flatten();
                match signed {
                    Some(record) => {
                        migration.booked += 1;
                        // A contract the CRM reported signed has no date of
                        // its own: the CRM's win is dated by its close.
                        let signed_on = if record.source == NodeSource::Crm {
                            at
                        } else {
                            record.at
                        };
                        KeyAccountEvent::Booked {
                            booked_on: signed_on.date_naive(),
                            amount_minor: None,
                        }
                    }
                    None => {
                        // The win is not carried over: a deal with no signed
                        // contract is not booked.
                        migration.won_without_contract.push(id.to_owned());
                        dropped_win = true;
                        continue;
                    }
                }
            }
            EventV1::Lost { reason } => {
                migration.reasons_to_other += 1;
                KeyAccountEvent::Lost {
                    reason: other_reason(reason),
                }
            }
            EventV1::Withdrawn { reason } => {
                migration.reasons_to_other += 1;
                KeyAccountEvent::Withdrawn {
                    reason: other_reason(reason),
                }
            }
        };
        let entry = Entry {
            at,
            actor,
            event,
            note,
        };
        process
            .apply(definition, entry)
            .map_err(|error| LoadError::Replay(super::process::ReplayError { index, error }))?;
    }
    let state = process.state();
    let outcome_kept = if dropped_win {
        state.outcome().is_none()
    } else {
        state.outcome() == old.state.closure.map(|c| c.outcome)
    };
    if state.stage() != old.state.stage || !outcome_kept {
        return Err(LoadError::StateDiffers);
    }
    Ok((process, migration))
}

/// The `format_version` of a stored document, when it has a numeric one.
pub(crate) fn version_of(value: &serde_json::Value) -> Option<u64> {
    value
        .get("format_version")
        .and_then(serde_json::Value::as_u64)
}
