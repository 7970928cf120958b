//! The key-account process as a state machine: events, state, journal.
//!
//! A deal moves through the six stages one at a time. Every change comes in
//! as an [`Entry`] (time, actor, event, note) through
//! [`KeyAccountProcess::apply`]; an accepted event updates the state and is
//! appended to the journal, a refused one leaves both untouched and says
//! why. Leaving a stage needs every key node required so far; the caller may
//! instead force the move, which is recorded with who, why and which nodes
//! were unmet. A deal ends won (only through project completion), lost or
//! withdrawn. Replaying the journal rebuilds the same state, and the time
//! spent in each stage is read from the journal.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::definition::ProcessDefinition;
use super::influence::{BuyingInfluence, BuyingRole};
use super::stage::{KeyNode, KeyNodeSet, PerStage, ProcurementStep, Stage};
use crate::grading::Grade;
use crate::journal::{Actor, Entry, Journal, OutOfOrder};
use crate::labelled_enum;
use crate::labels::Labelled;

/// The version of the serialised [`KeyAccountProcess`] document this
/// library writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// Something that happened to a key-account deal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum KeyAccountEvent {
    /// A key node was reached. The date is the entry's time. A grade may be
    /// given only with [`KeyNode::OpportunityGraded`].
    KeyNodeMet {
        /// The node reached.
        node: KeyNode,
        /// What shows it was reached (not empty).
        evidence: String,
        /// The opportunity's grade, for the grading node.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        grade: Option<Grade>,
    },
    /// The opportunity, already graded, got a new grade.
    Regraded {
        /// The new grade.
        grade: Grade,
        /// Why (not empty).
        evidence: String,
    },
    /// Move to the next stage; refused unless every key node required so far
    /// is met (or was forced earlier).
    Advanced,
    /// Move to the next stage although key nodes are missing. The actor is
    /// who forced it; the missing nodes each cut the win probability.
    ForcedAdvance {
        /// Why the move was forced (not empty).
        reason: String,
    },
    /// The customer's procurement was seen to be at `step`.
    ProcurementStepObserved {
        /// The step observed.
        step: ProcurementStep,
    },
    /// A buying influence was added, or updated when its id is known.
    ContactRecorded {
        /// The contact.
        // Boxed: the largest event by far, kept out of line so that every
        // journal entry stays small.
        contact: Box<BuyingInfluence>,
    },
    /// A buying influence was removed.
    ContactRemoved {
        /// The contact's id.
        id: String,
    },
    /// The CRM reports the deal at `stage`: every key node required before
    /// it (and, when `completed`, those of the stage itself, project
    /// completion included in the last stage) is recorded as reported by the
    /// CRM, neither verified nor forced. Accepted while the deal is open and
    /// not past `stage`.
    StageReported {
        /// Our stage the CRM's stage maps onto.
        stage: Stage,
        /// The CRM's own name for the stage (not empty).
        crm_stage: String,
        /// The CRM's probability for its stage (0-1): the deal's base while
        /// it stays in `stage`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        probability: Option<f64>,
        /// Whether the CRM reports the stage itself done (a won deal).
        #[serde(default, skip_serializing_if = "is_false")]
        completed: bool,
    },
    /// The deal is won; accepted only in project implementation once the
    /// project is completed (and its other key nodes are met).
    Won,
    /// The deal is lost.
    Lost {
        /// Why (not empty).
        reason: String,
    },
    /// We withdrew, for example because the procurement standards were
    /// unfavourable, to wait for the next opportunity.
    Withdrawn {
        /// Why (not empty).
        reason: String,
    },
}

labelled_enum! {
    /// How a deal ended.
    pub enum Outcome {
        /// The project was completed: the deal is won.
        Won = 0, "won" => ("Won", "赢单"),
        /// Another supplier won, or the project was dropped.
        Lost = 1, "lost" => ("Lost", "丢单"),
        /// We withdrew to wait for the next opportunity.
        Withdrawn = 2, "withdrawn" => ("Withdrawn", "主动退出"),
    }
}

labelled_enum! {
    /// How a key node came to be met.
    pub enum NodeSource {
        /// Recorded by a user with evidence.
        Hand = 0, "hand" => ("Recorded by hand", "手工记录"),
        /// Derived from the buying-influence coverage.
        Coverage = 1, "coverage" => ("Derived from buying-influence coverage", "由采购影响者覆盖情况推导"),
        /// Taken from the stage a CRM reported: not verified.
        Crm = 2, "crm" => ("Reported by the CRM, not verified", "由CRM阶段推断，未经核实"),
    }
}

/// The record of a key node being met (or of the opportunity being regraded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyNodeRecord {
    /// The node.
    pub node: KeyNode,
    /// When it was met.
    pub at: DateTime<Utc>,
    /// Who recorded it.
    #[schemars(with = "String")]
    pub by: Actor,
    /// What shows it was met.
    pub evidence: String,
    /// How it was met.
    pub source: NodeSource,
    /// The grade given, for the grading node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
}

/// The record of a forced stage change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Forcing {
    /// When.
    pub at: DateTime<Utc>,
    /// Who forced it.
    #[schemars(with = "String")]
    pub by: Actor,
    /// Why.
    pub reason: String,
    /// The stage left.
    pub from: Stage,
    /// The stage entered.
    pub to: Stage,
    /// The key nodes that were unmet at the time.
    pub unmet: KeyNodeSet,
}

/// The stage a CRM reported for the deal, in the CRM's own words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CrmStage {
    /// Our stage it maps onto.
    pub stage: Stage,
    /// The CRM's name for it.
    pub name: String,
    /// The CRM's probability for it (0-1), when its stage table has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
}

/// How and when a deal ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Closure {
    /// The outcome.
    pub outcome: Outcome,
    /// When.
    pub at: DateTime<Utc>,
    /// Who recorded it.
    #[schemars(with = "String")]
    pub by: Actor,
    /// The stage the deal was in.
    pub stage: Stage,
    /// Why (lost and withdrawn deals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Why an event was refused. The process is left as it was.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyAccountError {
    /// The event is dated before the last accepted one (or before the deal
    /// was opened).
    #[error(transparent)]
    OutOfOrder(#[from] OutOfOrder),
    /// The entry names no actor.
    #[error("the event names no actor")]
    MissingActor,
    /// The deal has ended; nothing more is accepted.
    #[error("the deal is closed ({outcome})")]
    Closed {
        /// How it ended.
        outcome: Outcome,
    },
    /// Leaving the stage needs key nodes that are not met.
    #[error("cannot move from {stage} to {next}: key nodes not met: {missing}")]
    KeyNodesMissing {
        /// The current stage.
        stage: Stage,
        /// The stage that was asked for.
        next: Stage,
        /// The nodes still missing.
        missing: KeyNodeSet,
    },
    /// A forced move was asked for, but no key node is missing.
    #[error("every key node required to leave {stage} is met; advance without forcing")]
    NothingToForce {
        /// The current stage.
        stage: Stage,
    },
    /// There is no stage after this one.
    #[error("{stage} is the last stage; close the deal as won once the project is completed")]
    NoNextStage {
        /// The current stage.
        stage: Stage,
    },
    /// A deal can be won only in project implementation.
    #[error("a deal is won only through project implementation; it is in {stage}")]
    NotInImplementation {
        /// The current stage.
        stage: Stage,
    },
    /// The project is not completed.
    #[error("the project is not completed: key nodes not met: {missing}")]
    NotCompleted {
        /// The nodes still missing.
        missing: KeyNodeSet,
    },
    /// The key node was met before.
    #[error("key node {node} is already met")]
    AlreadyMet {
        /// The node.
        node: KeyNode,
    },
    /// A grade was given with a node other than the grading node.
    #[error("a grade belongs to opportunity_graded, not to {node}")]
    GradeOnOtherNode {
        /// The node given.
        node: KeyNode,
    },
    /// Regrading needs the opportunity to have been graded.
    #[error("the opportunity has not been graded yet")]
    NotGraded,
    /// The grading node is met only with the grade the evaluation gave.
    #[error("opportunity_graded needs the grade (A-D) the evaluation gave")]
    GradeMissing,
    /// Evidence is required and was empty.
    #[error("evidence must not be empty")]
    MissingEvidence,
    /// A reason is required and was empty.
    #[error("a reason must be given")]
    MissingReason,
    /// A contact id was empty.
    #[error("a contact id must not be empty")]
    MissingContactId,
    /// No contact has this id.
    #[error("no contact with id `{id}`")]
    UnknownContact {
        /// The id given.
        id: String,
    },
    /// A reported stage is behind the deal's current stage.
    #[error("the reported stage {reported} is behind the deal's stage {stage}")]
    StageBehind {
        /// The current stage.
        stage: Stage,
        /// The stage reported.
        reported: Stage,
    },
    /// A CRM name was empty.
    #[error("the CRM's stage name must not be empty")]
    MissingCrmStage,
    /// A probability outside 0-1 (or not a number).
    #[error("probability {value} is outside 0-1")]
    BadProbability {
        /// The value given.
        value: f64,
    },
}

/// The state of one key-account deal. Compact: the key-node check is a
/// bitmask comparison, and the lists live behind `Vec`s.
// The lists are read without spare capacity, and the closure, which only
// ended deals have, lives behind a `Box`: a portfolio holds many states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessState {
    opened_at: DateTime<Utc>,
    stage: Stage,
    stage_entered_at: DateTime<Utc>,
    met: KeyNodeSet,
    forced: KeyNodeSet,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    grade: Option<Grade>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    customer_step: Option<ProcurementStep>,
    #[serde(default, deserialize_with = "without_spare_capacity")]
    key_nodes: Vec<KeyNodeRecord>,
    #[serde(default, deserialize_with = "without_spare_capacity")]
    forcings: Vec<Forcing>,
    #[serde(default, deserialize_with = "without_spare_capacity")]
    contacts: Vec<BuyingInfluence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    closure: Option<Box<Closure>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    crm_stage: Option<Box<CrmStage>>,
}

impl ProcessState {
    fn new(opened_at: DateTime<Utc>) -> Self {
        ProcessState {
            opened_at,
            stage: Stage::FIRST,
            stage_entered_at: opened_at,
            met: KeyNodeSet::EMPTY,
            forced: KeyNodeSet::EMPTY,
            grade: None,
            customer_step: None,
            key_nodes: Vec::new(),
            forcings: Vec::new(),
            contacts: Vec::new(),
            closure: None,
            crm_stage: None,
        }
    }

    /// When the deal was opened (in development).
    pub fn opened_at(&self) -> DateTime<Utc> {
        self.opened_at
    }

    /// The current stage (for a closed deal, the stage it ended in).
    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// When the current stage was entered.
    pub fn stage_entered_at(&self) -> DateTime<Utc> {
        self.stage_entered_at
    }

    /// The key nodes met.
    pub fn met(&self) -> KeyNodeSet {
        self.met
    }

    /// Every key node that was unmet when a stage change was forced (met
    /// since or not).
    pub fn forced(&self) -> KeyNodeSet {
        self.forced
    }

    /// The key nodes that cut the win probability: those of stages already
    /// left that are still unmet.
    pub fn penalised(&self, definition: &ProcessDefinition) -> KeyNodeSet {
        self.forced
            .union(definition.required_before(self.stage))
            .difference(self.met)
    }

    /// The key nodes still missing before the deal may leave its stage.
    pub fn missing_to_advance(&self, definition: &ProcessDefinition) -> KeyNodeSet {
        definition
            .required_through(self.stage)
            .difference(self.met)
            .difference(self.forced)
    }

    /// The opportunity's latest grade.
    pub fn grade(&self) -> Option<Grade> {
        self.grade
    }

    /// The customer's procurement step, as last observed.
    pub fn customer_step(&self) -> Option<ProcurementStep> {
        self.customer_step
    }

    /// Every key node met and every regrade, oldest first.
    pub fn key_node_records(&self) -> &[KeyNodeRecord] {
        &self.key_nodes
    }

    /// The latest record for `node`.
    pub fn key_node_record(&self, node: KeyNode) -> Option<&KeyNodeRecord> {
        self.key_nodes.iter().rev().find(|r| r.node == node)
    }

    /// Every forced stage change, oldest first.
    pub fn forcings(&self) -> &[Forcing] {
        &self.forcings
    }

    /// The buying influences known for this deal.
    pub fn contacts(&self) -> &[BuyingInfluence] {
        &self.contacts
    }

    /// The contact with `id`.
    pub fn contact(&self, id: &str) -> Option<&BuyingInfluence> {
        self.contacts.iter().find(|c| c.id == id)
    }

    /// The stage a CRM last reported for the deal, if any.
    pub fn crm_stage(&self) -> Option<&CrmStage> {
        self.crm_stage.as_deref()
    }

    /// The CRM's probability, while the deal is still in the stage the CRM
    /// reported: the deal's own base instead of the definition's.
    pub fn crm_base(&self) -> Option<f64> {
        self.crm_stage
            .as_deref()
            .filter(|c| c.stage == self.stage)
            .and_then(|c| c.probability)
    }

    /// The key nodes whose latest record is the CRM's report: taken from
    /// its stage, not verified.
    pub fn reported_by_crm(&self) -> KeyNodeSet {
        let mut reported = KeyNodeSet::EMPTY;
        for record in &self.key_nodes {
            if record.source == NodeSource::Crm {
                reported.insert(record.node);
            } else {
                reported = reported.without(record.node);
            }
        }
        reported
    }

    /// How the deal ended, if it has.
    pub fn closure(&self) -> Option<&Closure> {
        self.closure.as_deref()
    }

    /// The outcome, if the deal has ended.
    pub fn outcome(&self) -> Option<Outcome> {
        self.closure.as_ref().map(|c| c.outcome)
    }

    /// Whether the deal is still open.
    pub fn is_open(&self) -> bool {
        self.closure.is_none()
    }

    /// Checks `entry` against the state without changing anything.
    fn check(
        &self,
        definition: &ProcessDefinition,
        entry: &Entry<KeyAccountEvent>,
    ) -> Result<(), KeyAccountError> {
        if is_blank(&entry.actor) {
            return Err(KeyAccountError::MissingActor);
        }
        if let Some(closure) = &self.closure {
            return Err(KeyAccountError::Closed {
                outcome: closure.outcome,
            });
        }
        match &entry.event {
            KeyAccountEvent::KeyNodeMet {
                node,
                evidence,
                grade,
            } => {
                require_text(evidence, KeyAccountError::MissingEvidence)?;
                match (*node == KeyNode::OpportunityGraded, grade.is_some()) {
                    (false, true) => return Err(KeyAccountError::GradeOnOtherNode { node: *node }),
                    (true, false) => return Err(KeyAccountError::GradeMissing),
                    _ => {}
                }
                if self.met.contains(*node) {
                    return Err(KeyAccountError::AlreadyMet { node: *node });
                }
                Ok(())
            }
            KeyAccountEvent::Regraded { evidence, .. } => {
                require_text(evidence, KeyAccountError::MissingEvidence)?;
                if !self.met.contains(KeyNode::OpportunityGraded) {
                    return Err(KeyAccountError::NotGraded);
                }
                Ok(())
            }
            KeyAccountEvent::Advanced => {
                let next = self.next_stage()?;
                let missing = self.missing_to_advance(definition);
                if missing.is_empty() {
                    Ok(())
                } else {
                    Err(KeyAccountError::KeyNodesMissing {
                        stage: self.stage,
                        next,
                        missing,
                    })
                }
            }
            KeyAccountEvent::ForcedAdvance { reason } => {
                require_text(reason, KeyAccountError::MissingReason)?;
                self.next_stage()?;
                if self.missing_to_advance(definition).is_empty() {
                    return Err(KeyAccountError::NothingToForce { stage: self.stage });
                }
                Ok(())
            }
            KeyAccountEvent::ProcurementStepObserved { .. } => Ok(()),
            KeyAccountEvent::ContactRecorded { contact } => {
                require_text(&contact.id, KeyAccountError::MissingContactId)
            }
            KeyAccountEvent::ContactRemoved { id } => {
                if self.contact(id).is_none() {
                    return Err(KeyAccountError::UnknownContact { id: id.clone() });
                }
                Ok(())
            }
            KeyAccountEvent::Won => {
                if self.stage != Stage::LAST {
                    return Err(KeyAccountError::NotInImplementation { stage: self.stage });
                }
                // Completion is required whatever the definition says.
                let missing = definition
                    .required(Stage::LAST)
                    .with(KeyNode::ProjectCompleted)
                    .union(self.missing_to_advance(definition))
                    .difference(self.met);
                if missing.is_empty() {
                    Ok(())
                } else {
                    Err(KeyAccountError::NotCompleted { missing })
                }
            }
            KeyAccountEvent::Lost { reason } | KeyAccountEvent::Withdrawn { reason } => {
                require_text(reason, KeyAccountError::MissingReason)
            }
            KeyAccountEvent::StageReported {
                stage,
                crm_stage,
                probability,
                ..
            } => {
                require_text(crm_stage, KeyAccountError::MissingCrmStage)?;
                if let Some(value) = *probability {
                    if !(0.0..=1.0).contains(&value) {
                        return Err(KeyAccountError::BadProbability { value });
                    }
                }
                if *stage < self.stage {
                    return Err(KeyAccountError::StageBehind {
                        stage: self.stage,
                        reported: *stage,
                    });
                }
                Ok(())
            }
        }
    }

    /// The key nodes a CRM's report of `stage` covers.
    fn reported_nodes(definition: &ProcessDefinition, stage: Stage, completed: bool) -> KeyNodeSet {
        if !completed {
            return definition.required_before(stage);
        }
        let through = definition.required_through(stage);
        if stage == Stage::LAST {
            through.with(KeyNode::ProjectCompleted)
        } else {
            through
        }
    }

    fn next_stage(&self) -> Result<Stage, KeyAccountError> {
        self.stage
            .next()
            .ok_or(KeyAccountError::NoNextStage { stage: self.stage })
    }

    /// Applies an entry that [`check`](Self::check) accepted.
    fn commit(&mut self, definition: &ProcessDefinition, entry: &Entry<KeyAccountEvent>) {
        let at = entry.at;
        match &entry.event {
            KeyAccountEvent::KeyNodeMet {
                node,
                evidence,
                grade,
            } => {
                self.met.insert(*node);
                if grade.is_some() {
                    self.grade = *grade;
                }
                self.key_nodes.push(KeyNodeRecord {
                    node: *node,
                    at,
                    by: entry.actor.clone(),
                    evidence: evidence.clone(),
                    source: NodeSource::Hand,
                    grade: *grade,
                });
            }
            KeyAccountEvent::Regraded { grade, evidence } => {
                self.grade = Some(*grade);
                self.key_nodes.push(KeyNodeRecord {
                    node: KeyNode::OpportunityGraded,
                    at,
                    by: entry.actor.clone(),
                    evidence: evidence.clone(),
                    source: NodeSource::Hand,
                    grade: Some(*grade),
                });
            }
            KeyAccountEvent::Advanced => self.enter_next_stage(at),
            KeyAccountEvent::ForcedAdvance { reason } => {
                let unmet = self.missing_to_advance(definition);
                let from = self.stage;
                self.forced = self.forced.union(unmet);
                self.enter_next_stage(at);
                self.forcings.push(Forcing {
                    at,
                    by: entry.actor.clone(),
                    reason: reason.clone(),
                    from,
                    to: self.stage,
                    unmet,
                });
            }
            KeyAccountEvent::ProcurementStepObserved { step } => self.customer_step = Some(*step),
            KeyAccountEvent::ContactRecorded { contact } => {
                match self.contacts.iter_mut().find(|c| c.id == contact.id) {
                    Some(known) => known.clone_from(contact),
                    None => self.contacts.push(BuyingInfluence::clone(contact)),
                }
                self.derive_from_coverage(definition, entry);
            }
            KeyAccountEvent::ContactRemoved { id } => {
                // A milestone once reached stays reached: removing a contact
                // does not unmeet a node derived from it.
                self.contacts.retain(|c| c.id != *id);
            }
            KeyAccountEvent::StageReported {
                stage,
                crm_stage,
                probability,
                completed,
            } => {
                let new = Self::reported_nodes(definition, *stage, *completed).difference(self.met);
                for node in new.iter() {
                    self.met.insert(node);
                    self.key_nodes.push(KeyNodeRecord {
                        node,
                        at,
                        by: entry.actor.clone(),
                        evidence: format!("CRM stage \"{crm_stage}\""),
                        source: NodeSource::Crm,
                        grade: None,
                    });
                }
                if *stage != self.stage {
                    self.stage = *stage;
                    self.stage_entered_at = at;
                }
                self.crm_stage = Some(Box::new(CrmStage {
                    stage: *stage,
                    name: crm_stage.clone(),
                    probability: *probability,
                }));
            }
            KeyAccountEvent::Won => self.close(Outcome::Won, entry, None),
            KeyAccountEvent::Lost { reason } => {
                self.close(Outcome::Lost, entry, Some(reason.clone()))
            }
            KeyAccountEvent::Withdrawn { reason } => {
                self.close(Outcome::Withdrawn, entry, Some(reason.clone()))
            }
        }
    }

    fn enter_next_stage(&mut self, at: DateTime<Utc>) {
        if let Some(next) = self.stage.next() {
            self.stage = next;
            self.stage_entered_at = at;
        }
    }

    fn close(&mut self, outcome: Outcome, entry: &Entry<KeyAccountEvent>, reason: Option<String>) {
        self.closure = Some(Box::new(Closure {
            outcome,
            at: entry.at,
            by: entry.actor.clone(),
            stage: self.stage,
            reason,
        }));
    }

    fn derive_from_coverage(
        &mut self,
        definition: &ProcessDefinition,
        entry: &Entry<KeyAccountEvent>,
    ) {
        let new = definition
            .coverage
            .derived_nodes(&self.contacts)
            .difference(self.met);
        for node in new.iter() {
            let evidence = match node {
                KeyNode::InsidersFound => self.contact_ids(|c| c.role == BuyingRole::Coach),
                _ => self.contact_ids(|c| definition.coverage.key_roles.contains(&c.role)),
            };
            self.met.insert(node);
            self.key_nodes.push(KeyNodeRecord {
                node,
                at: entry.at,
                by: entry.actor.clone(),
                evidence,
                source: NodeSource::Coverage,
                grade: None,
            });
        }
    }

    /// "role: id, role: id" for the contacts that match.
    fn contact_ids(&self, matches: impl Fn(&BuyingInfluence) -> bool) -> String {
        self.contacts
            .iter()
            .filter(|c| matches(c))
            .map(|c| format!("{}: {}", c.role.key(), c.id))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Whether `text` is empty or only whitespace: the same test as
/// `trim().is_empty()`, but it stops at the first other character instead
/// of trimming both ends (this runs on every event).
fn is_blank(text: &str) -> bool {
    text.chars().all(char::is_whitespace)
}

/// Reads a list without the spare capacity the parser's growth leaves: a
/// loaded state is mostly read, and a portfolio holds many.
fn without_spare_capacity<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    let mut items = Vec::<T>::deserialize(deserializer)?;
    items.shrink_to_fit();
    Ok(items)
}

fn is_false(value: &bool) -> bool {
    !*value
}

fn require_text(text: &str, error: KeyAccountError) -> Result<(), KeyAccountError> {
    if is_blank(text) {
        Err(error)
    } else {
        Ok(())
    }
}

/// The stored key-account deal document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KeyAccountDocument;

impl crate::format::Document for KeyAccountDocument {
    const NAME: &'static str = "key-account";
    const SCHEMA_NAME: &'static str = "KeyAccountFormatVersion";
    const VERSION: u32 = FORMAT_VERSION;
}

type FormatVersion = crate::format::FormatVersion<KeyAccountDocument>;

/// A key-account deal: its state and the journal of every accepted event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyAccountProcess {
    format_version: FormatVersion,
    state: ProcessState,
    journal: Journal<KeyAccountEvent>,
}

/// Why a journal could not be replayed: the entry at `index` was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("journal entry {index} was refused: {error}")]
pub struct ReplayError {
    /// The position of the refused entry (0 is the first).
    pub index: usize,
    /// Why it was refused.
    pub error: KeyAccountError,
}

/// Why a stored deal could not be loaded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The text is not a deal document (the message names the field, or the
    /// unsupported format version).
    #[error("invalid key-account document: {message}")]
    Json {
        /// serde_json's description, with line and column.
        message: String,
    },
    /// An entry of the journal is refused when replayed.
    #[error("the journal does not replay: {0}")]
    Replay(ReplayError),
    /// The journal replays, but not to the stored state.
    #[error("the stored state differs from its journal's replay")]
    StateDiffers,
}

impl LoadError {
    /// Whether the document was refused for its format version.
    pub fn is_unsupported_version(&self) -> bool {
        matches!(self, LoadError::Json { message } if message.contains("format version"))
    }
}

impl KeyAccountProcess {
    /// A new deal in development, opened at `opened_at`.
    pub fn new(opened_at: DateTime<Utc>) -> Self {
        KeyAccountProcess {
            format_version: FormatVersion::CURRENT,
            state: ProcessState::new(opened_at),
            journal: Journal::new(),
        }
    }

    /// A new deal whose journal has room for `capacity` entries.
    pub fn with_capacity(opened_at: DateTime<Utc>, capacity: usize) -> Self {
        KeyAccountProcess {
            journal: Journal::with_capacity(capacity),
            ..Self::new(opened_at)
        }
    }

    /// The current state.
    pub fn state(&self) -> &ProcessState {
        &self.state
    }

    /// Every accepted event, oldest first.
    pub fn journal(&self) -> &Journal<KeyAccountEvent> {
        &self.journal
    }

    /// Applies one event: the only way the deal changes. On success the
    /// state is updated and the entry appended to the journal; on refusal
    /// nothing changes and the error says why.
    pub fn apply(
        &mut self,
        definition: &ProcessDefinition,
        entry: Entry<KeyAccountEvent>,
    ) -> Result<(), KeyAccountError> {
        let last = self.journal.last_at().unwrap_or(self.state.opened_at);
        if entry.at < last {
            return Err(OutOfOrder {
                last,
                given: entry.at,
            }
            .into());
        }
        self.state.check(definition, &entry)?;
        self.state.commit(definition, &entry);
        self.journal.push(entry);
        Ok(())
    }

    /// Rebuilds a deal from its journal entries.
    pub fn replay(
        definition: &ProcessDefinition,
        opened_at: DateTime<Utc>,
        entries: impl IntoIterator<Item = Entry<KeyAccountEvent>>,
    ) -> Result<Self, ReplayError> {
        let entries = entries.into_iter();
        // Room for the whole journal at once, not grown entry by entry.
        let mut process = KeyAccountProcess::with_capacity(opened_at, entries.size_hint().0);
        for (index, entry) in entries.enumerate() {
            process
                .apply(definition, entry)
                .map_err(|error| ReplayError { index, error })?;
        }
        Ok(process)
    }

    /// The deal rebuilt from its own journal; equal to `self` when the
    /// stored state and journal agree.
    pub fn rebuilt(&self, definition: &ProcessDefinition) -> Result<Self, ReplayError> {
        Self::replay(
            definition,
            self.state.opened_at,
            self.journal.iter().cloned(),
        )
    }

    /// Checks a deal read from storage: its journal must replay under
    /// `definition` to exactly the stored state, so a tampered or
    /// inconsistent document is refused instead of trusted.
    pub fn verified(self, definition: &ProcessDefinition) -> Result<Self, LoadError> {
        let rebuilt = self.rebuilt(definition).map_err(LoadError::Replay)?;
        if rebuilt != self {
            return Err(LoadError::StateDiffers);
        }
        Ok(self)
    }

    /// Reads a deal from JSON and [verifies](Self::verified) it.
    pub fn from_json(json: &str, definition: &ProcessDefinition) -> Result<Self, LoadError> {
        let process: Self = serde_json::from_str(json).map_err(|e| LoadError::Json {
            message: e.to_string(),
        })?;
        process.verified(definition)
    }

    /// Each procurement step observed, with when, oldest first.
    pub fn procurement_history(
        &self,
    ) -> impl Iterator<Item = (DateTime<Utc>, ProcurementStep)> + '_ {
        self.journal.iter().filter_map(|e| match e.event {
            KeyAccountEvent::ProcurementStepObserved { step } => Some((e.at, step)),
            _ => None,
        })
    }

    /// The time spent in each stage, read from the journal. An open deal's
    /// current stage counts until `until` (or until its last event, if
    /// `until` is earlier); a closed deal's count stops at its closing.
    pub fn time_in_stages(&self, until: DateTime<Utc>) -> PerStage<TimeDelta> {
        let mut times = PerStage::from_fn(|_| TimeDelta::zero());
        let mut stage = Stage::FIRST;
        let mut since = self.state.opened_at;
        for entry in &self.journal {
            match entry.event {
                KeyAccountEvent::Advanced | KeyAccountEvent::ForcedAdvance { .. } => {
                    // A well-formed journal is in time order; a hand-edited
                    // one must not produce negative durations.
                    *times.get_mut(stage) += (entry.at - since).max(TimeDelta::zero());
                    stage = stage.next().unwrap_or(stage);
                    since = entry.at;
                }
                KeyAccountEvent::StageReported { stage: to, .. } if to != stage => {
                    *times.get_mut(stage) += (entry.at - since).max(TimeDelta::zero());
                    stage = to;
                    since = entry.at;
                }
                KeyAccountEvent::Won
                | KeyAccountEvent::Lost { .. }
                | KeyAccountEvent::Withdrawn { .. } => {
                    *times.get_mut(stage) += (entry.at - since).max(TimeDelta::zero());
                    return times;
                }
                _ => {}
            }
        }
        *times.get_mut(stage) += until.max(since) - since;
        times
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key_account::influence::{Attitude, InfluenceDegree};
    use chrono::TimeZone;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, d, 9, 0, 0).unwrap()
    }

    fn at(d: u32, event: KeyAccountEvent) -> Entry<KeyAccountEvent> {
        Entry::new(day(d), "zhang", event)
    }

    fn force(reason: &str) -> KeyAccountEvent {
        KeyAccountEvent::ForcedAdvance {
            reason: reason.into(),
        }
    }

    fn met(node: KeyNode) -> KeyAccountEvent {
        KeyAccountEvent::KeyNodeMet {
            node,
            evidence: "seen".into(),
            grade: (node == KeyNode::OpportunityGraded).then_some(Grade::B),
        }
    }

    #[test]
    fn state_fits_in_256_bytes() {
        assert!(
            std::mem::size_of::<ProcessState>() <= 256,
            "{}",
            std::mem::size_of::<ProcessState>()
        );
        assert!(std::mem::size_of::<KeyAccountProcess>() <= 256);
    }

    #[test]
    fn a_loaded_deal_keeps_no_spare_capacity() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        for (d, node) in [
            KeyNode::OpportunityGraded,
            KeyNode::InsidersFound,
            KeyNode::KeyPeopleIdentified,
        ]
        .into_iter()
        .enumerate()
        {
            p.apply(&def, at(d as u32 + 2, met(node))).unwrap();
        }
        p.apply(&def, at(6, KeyAccountEvent::Advanced)).unwrap();
        p.apply(
            &def,
            at(
                7,
                KeyAccountEvent::Lost {
                    reason: "price".into(),
                },
            ),
        )
        .unwrap();
        let loaded: KeyAccountProcess =
            serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(loaded, p);
        assert_eq!(loaded.state.key_nodes.capacity(), 3);
        assert_eq!(loaded.journal.entries().len(), 5);
        assert_eq!(
            loaded.state().closure().map(|c| (c.outcome, c.stage)),
            Some((Outcome::Lost, Stage::SalesEntry))
        );
    }

    #[test]
    fn advance_is_refused_with_the_missing_nodes_named() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        let e = p.apply(&def, at(2, KeyAccountEvent::Advanced)).unwrap_err();
        assert_eq!(
            e,
            KeyAccountError::KeyNodesMissing {
                stage: Stage::Development,
                next: Stage::SalesEntry,
                missing: KeyNodeSet::of(&[KeyNode::OpportunityGraded]),
            }
        );
        assert!(e.to_string().contains("opportunity_graded"));
        assert!(p.journal().is_empty());

        p.apply(&def, at(2, met(KeyNode::OpportunityGraded)))
            .unwrap();
        p.apply(&def, at(3, KeyAccountEvent::Advanced)).unwrap();
        assert_eq!(p.state().stage(), Stage::SalesEntry);
        assert_eq!(p.state().stage_entered_at(), day(3));
    }

    #[test]
    fn forcing_records_who_why_and_what_was_unmet() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        p.apply(&def, at(2, force("tender announced early")))
            .unwrap();
        let forcing = &p.state().forcings()[0];
        assert_eq!(forcing.by, "zhang");
        assert_eq!(forcing.reason, "tender announced early");
        assert_eq!(forcing.from, Stage::Development);
        assert_eq!(forcing.to, Stage::SalesEntry);
        assert_eq!(forcing.unmet, KeyNodeSet::of(&[KeyNode::OpportunityGraded]));
        assert_eq!(p.state().penalised(&def), forcing.unmet);

        // Meeting the node later lifts the penalty.
        p.apply(&def, at(3, met(KeyNode::OpportunityGraded)))
            .unwrap();
        assert!(p.state().penalised(&def).is_empty());
        assert_eq!(p.state().forced(), forcing_unmet(&p));
    }

    fn forcing_unmet(p: &KeyAccountProcess) -> KeyNodeSet {
        p.state().forcings()[0].unmet
    }

    #[test]
    fn forcing_needs_a_reason_and_something_to_force() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        assert_eq!(
            p.apply(&def, at(2, force("  "))),
            Err(KeyAccountError::MissingReason)
        );
        p.apply(&def, at(2, met(KeyNode::OpportunityGraded)))
            .unwrap();
        assert_eq!(
            p.apply(&def, at(3, force("hurry"))),
            Err(KeyAccountError::NothingToForce {
                stage: Stage::Development
            })
        );
    }

    #[test]
    fn coverage_derives_the_sales_entry_nodes() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        let coach = BuyingInfluence::new("c1", "Li", BuyingRole::Coach, InfluenceDegree::Low)
            .with_attitude(Attitude::Supportive);
        let eb = BuyingInfluence::new(
            "e1",
            "Wang",
            BuyingRole::EconomicBuyer,
            InfluenceDegree::High,
        );
        p.apply(
            &def,
            at(
                2,
                KeyAccountEvent::ContactRecorded {
                    contact: Box::new(coach),
                },
            ),
        )
        .unwrap();
        assert_eq!(p.state().met(), KeyNodeSet::of(&[KeyNode::InsidersFound]));
        p.apply(
            &def,
            at(
                3,
                KeyAccountEvent::ContactRecorded {
                    contact: Box::new(eb),
                },
            ),
        )
        .unwrap();
        let record = p
            .state()
            .key_node_record(KeyNode::KeyPeopleIdentified)
            .unwrap();
        assert_eq!(record.source, NodeSource::Coverage);
        assert_eq!(record.evidence, "economic_buyer: e1");
        assert_eq!(record.at, day(3));
        // Removing a contact does not undo a milestone.
        p.apply(
            &def,
            at(4, KeyAccountEvent::ContactRemoved { id: "e1".into() }),
        )
        .unwrap();
        assert!(p.state().met().contains(KeyNode::KeyPeopleIdentified));
        assert_eq!(
            p.apply(
                &def,
                at(5, KeyAccountEvent::ContactRemoved { id: "e1".into() })
            ),
            Err(KeyAccountError::UnknownContact { id: "e1".into() })
        );
    }

    #[test]
    fn recording_a_known_contact_updates_it() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        let user = BuyingInfluence::new("u1", "Zhou", BuyingRole::UserBuyer, InfluenceDegree::Low);
        p.apply(
            &def,
            at(
                2,
                KeyAccountEvent::ContactRecorded {
                    contact: Box::new(user.clone()),
                },
            ),
        )
        .unwrap();
        p.apply(
            &def,
            at(
                3,
                KeyAccountEvent::ContactRecorded {
                    contact: Box::new(user.met().with_attitude(Attitude::Neutral)),
                },
            ),
        )
        .unwrap();
        assert_eq!(p.state().contacts().len(), 1);
        assert!(p.state().contact("u1").unwrap().met);
    }

    #[test]
    fn grading_and_regrading() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        assert_eq!(
            p.apply(
                &def,
                at(
                    2,
                    KeyAccountEvent::Regraded {
                        grade: Grade::A,
                        evidence: "x".into()
                    }
                )
            ),
            Err(KeyAccountError::NotGraded)
        );
        assert_eq!(
            p.apply(
                &def,
                at(
                    2,
                    KeyAccountEvent::KeyNodeMet {
                        node: KeyNode::BidSubmitted,
                        evidence: "x".into(),
                        grade: Some(Grade::A)
                    }
                )
            ),
            Err(KeyAccountError::GradeOnOtherNode {
                node: KeyNode::BidSubmitted
            })
        );
        p.apply(
            &def,
            at(
                2,
                KeyAccountEvent::KeyNodeMet {
                    node: KeyNode::OpportunityGraded,
                    evidence: "evaluation model passed".into(),
                    grade: Some(Grade::B),
                },
            ),
        )
        .unwrap();
        assert_eq!(p.state().grade(), Some(Grade::B));
        assert_eq!(
            p.apply(&def, at(3, met(KeyNode::OpportunityGraded))),
            Err(KeyAccountError::AlreadyMet {
                node: KeyNode::OpportunityGraded
            })
        );
        p.apply(
            &def,
            at(
                3,
                KeyAccountEvent::Regraded {
                    grade: Grade::A,
                    evidence: "budget approved".into(),
                },
            ),
        )
        .unwrap();
        assert_eq!(p.state().grade(), Some(Grade::A));
        assert_eq!(
            p.state()
                .key_node_record(KeyNode::OpportunityGraded)
                .unwrap()
                .grade,
            Some(Grade::A)
        );
    }

    #[test]
    fn won_only_in_implementation_after_completion() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        assert_eq!(
            p.apply(&def, at(2, KeyAccountEvent::Won)),
            Err(KeyAccountError::NotInImplementation {
                stage: Stage::Development
            })
        );
        for d in 2..7 {
            p.apply(&def, at(d, force("test"))).unwrap();
        }
        assert_eq!(p.state().stage(), Stage::ProjectImplementation);
        assert_eq!(
            p.apply(&def, at(8, KeyAccountEvent::Advanced)),
            Err(KeyAccountError::NoNextStage {
                stage: Stage::ProjectImplementation
            })
        );
        p.apply(&def, at(8, met(KeyNode::ProjectAccepted))).unwrap();
        assert_eq!(
            p.apply(&def, at(9, KeyAccountEvent::Won)),
            Err(KeyAccountError::NotCompleted {
                missing: KeyNodeSet::of(&[KeyNode::ProjectCompleted])
            })
        );
        p.apply(&def, at(9, met(KeyNode::ProjectCompleted)))
            .unwrap();
        p.apply(&def, at(10, KeyAccountEvent::Won)).unwrap();
        assert_eq!(p.state().outcome(), Some(Outcome::Won));
        assert_eq!(
            p.apply(&def, at(11, met(KeyNode::ContractSigned))),
            Err(KeyAccountError::Closed {
                outcome: Outcome::Won
            })
        );
    }

    #[test]
    fn out_of_order_and_anonymous_events_are_refused() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(5));
        assert!(matches!(
            p.apply(&def, at(4, met(KeyNode::OpportunityGraded))),
            Err(KeyAccountError::OutOfOrder(_))
        ));
        assert_eq!(
            p.apply(
                &def,
                Entry::new(day(6), "", met(KeyNode::OpportunityGraded))
            ),
            Err(KeyAccountError::MissingActor)
        );
        assert_eq!(
            p.apply(
                &def,
                at(
                    6,
                    KeyAccountEvent::KeyNodeMet {
                        node: KeyNode::OpportunityGraded,
                        evidence: "".into(),
                        grade: None
                    }
                )
            ),
            Err(KeyAccountError::MissingEvidence)
        );
        assert!(p.journal().is_empty());
    }

    #[test]
    fn withdrawal_keeps_the_reason_and_stops_the_clock() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        p.apply(&def, at(2, met(KeyNode::OpportunityGraded)))
            .unwrap();
        p.apply(&def, at(4, KeyAccountEvent::Advanced)).unwrap();
        p.apply(
            &def,
            at(
                7,
                KeyAccountEvent::Withdrawn {
                    reason: "standards favour a competitor".into(),
                },
            ),
        )
        .unwrap();
        let closure = p.state().closure().unwrap();
        assert_eq!(closure.outcome, Outcome::Withdrawn);
        assert_eq!(closure.stage, Stage::SalesEntry);
        assert_eq!(
            closure.reason.as_deref(),
            Some("standards favour a competitor")
        );
        let times = p.time_in_stages(day(20));
        assert_eq!(times.development, TimeDelta::days(3));
        assert_eq!(times.sales_entry, TimeDelta::days(3));
        assert_eq!(times.proposal, TimeDelta::zero());
    }

    #[test]
    fn time_in_stage_of_an_open_deal_runs_until_now() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        p.apply(&def, at(3, force("r"))).unwrap();
        let times = p.time_in_stages(day(10));
        assert_eq!(times.development, TimeDelta::days(2));
        assert_eq!(times.sales_entry, TimeDelta::days(7));
        // An earlier "until" never makes a negative time.
        assert_eq!(p.time_in_stages(day(1)).sales_entry, TimeDelta::zero());
    }

    #[test]
    fn unknown_format_versions_are_refused() {
        let p = KeyAccountProcess::new(day(1));
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains(r#""format_version":1"#));
        let back: KeyAccountProcess = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
        let future = json.replace(r#""format_version":1"#, r#""format_version":2"#);
        let e = serde_json::from_str::<KeyAccountProcess>(&future).unwrap_err();
        assert!(e.to_string().contains("version 2"), "{e}");
    }

    #[test]
    fn events_have_stable_snake_case_json() {
        let json = serde_json::to_string(&force("r")).unwrap();
        assert_eq!(json, r#"{"type":"forced_advance","reason":"r"}"#);
        let event: KeyAccountEvent = serde_json::from_str(
            r#"{"type":"key_node_met","node":"bid_submitted","evidence":"e"}"#,
        )
        .unwrap();
        assert_eq!(event, met_with(KeyNode::BidSubmitted, "e"));
        assert!(serde_json::from_str::<KeyAccountEvent>(
            r#"{"type":"lost","reason":"r","extra":1}"#
        )
        .is_err());
        assert!(serde_json::from_str::<KeyAccountEvent>(r#"{"type":"jumped"}"#).is_err());
    }

    fn met_with(node: KeyNode, evidence: &str) -> KeyAccountEvent {
        KeyAccountEvent::KeyNodeMet {
            node,
            evidence: evidence.into(),
            grade: (node == KeyNode::OpportunityGraded).then_some(Grade::B),
        }
    }

    #[test]
    fn procurement_steps_are_kept_over_time() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        for (d, step) in [
            (2, ProcurementStep::InternalDemand),
            (9, ProcurementStep::SupplierScreening),
        ] {
            p.apply(
                &def,
                at(d, KeyAccountEvent::ProcurementStepObserved { step }),
            )
            .unwrap();
        }
        assert_eq!(
            p.state().customer_step(),
            Some(ProcurementStep::SupplierScreening)
        );
        let history: Vec<_> = p.procurement_history().collect();
        assert_eq!(
            history,
            [
                (day(2), ProcurementStep::InternalDemand),
                (day(9), ProcurementStep::SupplierScreening)
            ]
        );
    }
}
