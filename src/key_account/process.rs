//! The key-account process as a state machine: events, state, journal.
//!
//! A deal moves through the six stages one at a time. Every change comes in
//! as an [`Entry`] (time, actor, event, note) through
//! [`KeyAccountProcess::apply`]; an accepted event updates the state and is
//! appended to the journal, a refused one leaves both untouched and says
//! why. Leaving a stage needs every key node required so far; the caller may
//! instead force the move, which is recorded with who, why and which nodes
//! were unmet.
//!
//! The grade steers the deal: leaving development needs an evaluation that
//! passed (the grading key node; a grade set by hand does not meet it), and
//! no stage may be left while the grade's resource policy forbids entering
//! the sales process, unless the move is forced (the override is recorded
//! and penalised). A failed evaluation parks the deal in nurture (kept warm
//! at a lower contact level, with a review date) until a new evaluation
//! passes, or closes it as withdrawn.
//!
//! The signed contract is the win: booking it closes the deal as won, with
//! the booked amount and date, and delivery (project acceptance and
//! completion, or cancellation with a reason) is tracked after that without
//! the deal ever becoming lost. Lost and withdrawn deals name a reason from
//! the definition's list. Changes of amount, expected close date,
//! possibility, owner and forecast category are journal events like any
//! other. Replaying the journal rebuilds the same state, and the time spent
//! in each stage is read from the journal.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::definition::ProcessDefinition;
use super::forecast::ForecastCategory;
use super::influence::{BuyingInfluence, BuyingRole};
use super::migration::Migration;
use super::reason::{Ending, Reason};
use super::stage::{KeyNode, KeyNodeSet, PerStage, ProcurementStep, Stage};
use crate::grading::Grade;
use crate::is_blank;
use crate::journal::{Actor, Entry, Journal, OutOfOrder};
use crate::labelled_enum;
use crate::labels::Labelled;

/// The version of the serialised [`KeyAccountProcess`] document this
/// library writes and reads (version 1 is migrated when read).
pub const FORMAT_VERSION: u32 = 2;

/// Something that happened to a key-account deal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum KeyAccountEvent {
    /// A key node was reached. The date is the entry's time. A grade is
    /// given only with [`KeyNode::OpportunityGraded`], which means the
    /// opportunity passed its evaluation with that grade.
    KeyNodeMet {
        /// The node reached.
        node: KeyNode,
        /// What shows it was reached (not empty).
        evidence: String,
        /// The opportunity's grade, for the grading node.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        grade: Option<Grade>,
    },
    /// A new evaluation of an already graded opportunity passed with this
    /// grade (it also ends a nurture).
    Regraded {
        /// The new grade.
        grade: Grade,
        /// Why (not empty).
        evidence: String,
    },
    /// A grade was set by hand, without an evaluation. It does not meet the
    /// grading key node, and it is marked as set by hand until an
    /// evaluation grades the deal.
    GradeSetByHand {
        /// The grade.
        grade: Grade,
        /// Why (not empty).
        reason: String,
    },
    /// The opportunity failed its evaluation and is kept warm at a lower
    /// contact level: it leaves the open pipeline (without being lost)
    /// until a new evaluation passes.
    Nurtured {
        /// What the evaluation found (not empty).
        evidence: String,
        /// When to look at the deal again.
        review_on: NaiveDate,
    },
    /// Move to the next stage; refused unless every key node required so far
    /// is met (or was forced earlier) and the grade's policy allows it.
    Advanced,
    /// Move to the next stage although key nodes are missing, or although
    /// the grade's policy forbids it. The actor is who forced it; the
    /// missing nodes each cut the win probability, and so does going
    /// against the policy.
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
    /// CRM, neither verified nor forced. Accepted while the deal is open (not
    /// nurtured) and not past `stage`.
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
    /// The contract is signed and booked: the deal is won. Accepted from
    /// business negotiation on, once the contract-signed key node is met
    /// (a forced node is not a signed contract).
    Booked {
        /// The day the contract was signed.
        booked_on: NaiveDate,
        /// The booked amount in minor units, when it differs from (or
        /// stands in for) the opportunity's amount; unknown when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amount_minor: Option<u64>,
    },
    /// The delivery of a booked deal was cancelled. The deal stays won
    /// (booked); delivery figures count it as cancelled.
    DeliveryCancelled {
        /// Why, from the definition's list.
        reason: Box<Reason>,
    },
    /// The deal is lost (never once booked).
    Lost {
        /// Why, from the definition's list.
        reason: Box<Reason>,
    },
    /// We withdrew, for example because the procurement standards were
    /// unfavourable or the evaluation said to give up.
    Withdrawn {
        /// Why, from the definition's list.
        reason: Box<Reason>,
    },
    /// The amount changed (an unknown amount becoming known is a change
    /// too).
    AmountChanged {
        /// The amount before, in minor units, when it was known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from_minor: Option<u64>,
        /// The amount after, in minor units.
        to_minor: u64,
    },
    /// The expected close date moved (or became known).
    CloseDateChanged {
        /// The date before, when it was known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<NaiveDate>,
        /// The date after.
        to: NaiveDate,
    },
    /// The transaction possibility (0-1) changed.
    PossibilityChanged {
        /// The possibility before, when it was known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<f64>,
        /// The possibility after.
        to: f64,
    },
    /// The deal has a new owner (the one before is the last owner recorded,
    /// if any).
    OwnerChanged {
        /// The new owner.
        #[schemars(with = "String")]
        owner: Actor,
    },
    /// The salesperson set the deal's forecast category (or, with none,
    /// went back to the derived one).
    ForecastCategorySet {
        /// The category; absent to clear the choice.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        category: Option<ForecastCategory>,
        /// Why (not empty).
        reason: String,
    },
}

labelled_enum! {
    /// How a deal ended.
    pub enum Outcome {
        /// The contract was signed and booked: the deal is won.
        Won = 0, "won" => ("Won (booked)", "赢单（已签约）"),
        /// Another supplier won, or the project was dropped.
        Lost = 1, "lost" => ("Lost", "丢单"),
        /// We withdrew to wait for the next opportunity.
        Withdrawn = 2, "withdrawn" => ("Withdrawn", "主动退出"),
    }
}

labelled_enum! {
    /// Where a deal stands overall.
    pub enum DealStatus {
        /// In the open pipeline.
        Open = 0, "open" => ("Open", "进行中"),
        /// Failed its evaluation and kept warm at a lower contact level:
        /// neither open pipeline nor lost.
        Nurture = 1, "nurture" => ("Nurture", "培育中"),
        /// The contract is signed: won.
        Booked = 2, "booked" => ("Booked", "已签约"),
        /// Lost.
        Lost = 3, "lost" => ("Lost", "丢单"),
        /// Withdrawn.
        Withdrawn = 4, "withdrawn" => ("Withdrawn", "主动退出"),
    }
}

labelled_enum! {
    /// Where the delivery of a booked deal stands.
    pub enum DeliveryStatus {
        /// Booked, not yet accepted by the customer.
        InProgress = 0, "in_progress" => ("Delivery in progress", "交付中"),
        /// The customer accepted the delivered project.
        Accepted = 1, "accepted" => ("Accepted", "已验收"),
        /// The project is completed.
        Completed = 2, "completed" => ("Completed", "已完成"),
        /// The delivery was cancelled.
        Cancelled = 3, "cancelled" => ("Cancelled", "已取消"),
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

/// The record of a key node being met (or of the opportunity being
/// regraded), read from the journal entry that met it: the time, actor and
/// evidence are the entry's own, borrowed, not copies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyNodeRecord<'a> {
    /// The node.
    pub node: KeyNode,
    /// When it was met.
    pub at: DateTime<Utc>,
    /// Who recorded it.
    #[schemars(with = "String")]
    pub by: Cow<'a, str>,
    /// What shows it was met.
    #[schemars(with = "String")]
    pub evidence: Cow<'a, str>,
    /// How it was met.
    pub source: NodeSource,
    /// The grade given, for the grading node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
}

/// What the state keeps of a key node met: the node, how, the grade, and
/// the position of the journal entry that met it, whose time, actor and
/// evidence are not copied.
#[derive(Debug, Clone, PartialEq)]
struct NodeMark {
    /// The position of the entry in the deal's journal ([`NO_ENTRY`] for a
    /// record kept whole).
    entry: u32,
    node: KeyNode,
    source: NodeSource,
    grade: Option<Grade>,
    /// The whole record, when it is not read from an entry: a node derived
    /// from the coverage (its evidence is the contacts at the time), or a
    /// record read from storage and not yet checked against its journal.
    /// Boxed so that the common record stays 16 bytes.
    whole: Option<Box<KeyNodeRecord<'static>>>,
}

/// The entry position of a [`NodeMark`] that keeps its record whole.
const NO_ENTRY: u32 = u32::MAX;

impl NodeMark {
    fn whole(record: KeyNodeRecord<'static>) -> Self {
        NodeMark {
            entry: NO_ENTRY,
            node: record.node,
            source: record.source,
            grade: record.grade,
            whole: Some(Box::new(record)),
        }
    }
}

/// The full record of `mark`: its whole copy, or what the entry of
/// `journal` it points to says.
fn record_of<'a>(
    mark: &'a NodeMark,
    journal: &'a Journal<KeyAccountEvent>,
    opened_at: DateTime<Utc>,
) -> KeyNodeRecord<'a> {
    if let Some(whole) = mark.whole.as_deref() {
        return KeyNodeRecord {
            by: Cow::Borrowed(&whole.by),
            evidence: Cow::Borrowed(&whole.evidence),
            ..*whole
        };
    }
    // Marks are only made for entries of their own journal; one that is
    // not there would read as an empty record rather than a panic.
    let entry = journal.entries().get(mark.entry as usize);
    let evidence = match entry.map(|e| &e.event) {
        Some(KeyAccountEvent::KeyNodeMet { evidence, .. })
        | Some(KeyAccountEvent::Regraded { evidence, .. }) => Cow::Borrowed(evidence.as_str()),
        Some(KeyAccountEvent::StageReported { crm_stage, .. }) => {
            Cow::Owned(crm_evidence(crm_stage))
        }
        _ => Cow::Borrowed(""),
    };
    KeyNodeRecord {
        node: mark.node,
        at: entry.map_or(opened_at, |e| e.at),
        by: Cow::Borrowed(entry.map_or("", |e| e.actor.as_str())),
        evidence,
        source: mark.source,
        grade: mark.grade,
    }
}

/// The evidence recorded for a node the CRM reported with its stage.
fn crm_evidence(crm_stage: &str) -> String {
    format!("CRM stage \"{crm_stage}\"")
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
    /// The grade whose policy (or whose setting by hand) the move went
    /// against, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overrode_policy_of: Option<Grade>,
}

/// The booking of a won deal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Booking {
    /// The day the contract was signed.
    pub booked_on: NaiveDate,
    /// The booked amount in minor units; when absent, the opportunity's
    /// amount is what was booked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_minor: Option<u64>,
}

/// The cancellation of a booked deal's delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cancellation {
    /// When.
    pub at: DateTime<Utc>,
    /// Who recorded it.
    #[schemars(with = "String")]
    pub by: Actor,
    /// Why.
    pub reason: Reason,
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
    pub reason: Option<Reason>,
    /// The booking (won deals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking: Option<Booking>,
    /// The cancellation of the delivery, if it was cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancellation: Option<Cancellation>,
}

/// A deal parked in nurture after a failed evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Nurture {
    /// When it was parked.
    pub since: DateTime<Utc>,
    /// Who parked it.
    #[schemars(with = "String")]
    pub by: Actor,
    /// What the evaluation found.
    pub evidence: String,
    /// When to look at it again.
    pub review_on: NaiveDate,
}

/// The salesperson's choice of forecast category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForecastOverride {
    /// The category chosen.
    pub category: ForecastCategory,
    /// When.
    pub at: DateTime<Utc>,
    /// Who chose it.
    #[schemars(with = "String")]
    pub by: Actor,
    /// Why.
    pub reason: String,
}

/// The latest values the deal-history events recorded (each absent until
/// an event records it).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tracked {
    /// The amount, in minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_minor: Option<u64>,
    /// The expected close date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_close: Option<NaiveDate>,
    /// The transaction possibility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub possibility: Option<f64>,
    /// The owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub owner: Option<Actor>,
    /// The salesperson's forecast category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forecast: Option<ForecastOverride>,
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
    /// The grade's resource policy does not let the deal enter (or go on
    /// in) the sales process; forcing the move records the override.
    #[error("grade {grade}'s policy does not enter the sales process: {stage} may be left only by forcing, with a reason")]
    PolicyForbidsEntry {
        /// The grade.
        grade: Grade,
        /// The current stage.
        stage: Stage,
    },
    /// The grade was set by hand: leaving development needs an evaluation
    /// that passed, or a forcing.
    #[error("grade {grade} was set by hand, without an evaluation: development may be left only after an evaluation passes, or by forcing")]
    GradeSetByHand {
        /// The grade set by hand.
        grade: Grade,
    },
    /// The deal is in nurture: a new evaluation must pass first.
    #[error("the deal is in nurture until an evaluation passes (review on {review_on})")]
    InNurture {
        /// The review date.
        review_on: NaiveDate,
    },
    /// A forced move was asked for, but nothing stands in the way.
    #[error("every key node required to leave {stage} is met and the grade's policy allows it; advance without forcing")]
    NothingToForce {
        /// The current stage.
        stage: Stage,
    },
    /// There is no stage after this one.
    #[error("{stage} is the last stage; record the project's acceptance and completion")]
    NoNextStage {
        /// The current stage.
        stage: Stage,
    },
    /// A deal is booked only from business negotiation on.
    #[error("a deal is booked only from business negotiation on; it is in {stage}")]
    TooEarlyToBook {
        /// The current stage.
        stage: Stage,
    },
    /// Booking needs the signed contract.
    #[error("the contract is not signed: meet contract_signed before booking (a forced node is not a signed contract)")]
    ContractNotSigned,
    /// The deal is booked already.
    #[error("the deal is booked already")]
    AlreadyBooked,
    /// A booked deal is won; it cannot be lost or withdrawn (cancel its
    /// delivery instead).
    #[error("a booked deal is never lost or withdrawn; cancel its delivery instead")]
    BookedDealNotLost,
    /// Delivery can be cancelled only for a booked deal.
    #[error("only a booked deal has a delivery to cancel")]
    NotBooked,
    /// The reason's key is not in the definition's list for this ending.
    #[error("unknown {ending} reason `{key}`; expected one of: {expected}")]
    UnknownReason {
        /// The ending.
        ending: Ending,
        /// The key given.
        key: String,
        /// The keys allowed.
        expected: String,
    },
    /// The reason names a competitor, and none was given.
    #[error("reason `{key}` needs the competitor's name")]
    CompetitorMissing {
        /// The reason's key.
        key: String,
    },
    /// A history event's earlier value is not the one recorded.
    #[error("the {field} before the change is {given}, but the deal records {recorded}")]
    HistoryMismatch {
        /// Which value.
        field: &'static str,
        /// The earlier value given.
        given: String,
        /// The value recorded.
        recorded: String,
    },
    /// A possibility outside 0-1, or not a number.
    #[error("possibility {value} is not within 0-1")]
    PossibilityOutOfRange {
        /// The value given.
        value: f64,
    },
    /// The category is set by booking, not by hand.
    #[error("the closed category comes from booking the deal; it cannot be set by hand")]
    ClosedCategoryByHand,
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
    /// The deal already holds [`crate::limits::MAX_CONTACTS`] contacts.
    #[error(
        "contact `{id}` would be one too many: a deal holds at most {} contacts",
        crate::limits::MAX_CONTACTS
    )]
    TooManyContacts {
        /// The id of the contact refused.
        id: String,
    },
    /// The deal's journal holds as many entries as a record can point to
    /// (2^32).
    #[error("the deal's journal is full: it holds {} entries", u32::MAX as u64 + 1)]
    JournalFull,
}

/// The state of one key-account deal. Compact: the key-node check is a
/// bitmask comparison, and the lists live behind `Vec`s.
// The lists are read without spare capacity, and what only some deals have
// (closure, nurture, tracked values) lives behind a `Box`: a portfolio
// holds many states. The key-node records point into the journal, so the
// state is saved and loaded only with its deal ([`KeyAccountProcess`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessState {
    opened_at: DateTime<Utc>,
    stage: Stage,
    stage_entered_at: DateTime<Utc>,
    met: KeyNodeSet,
    forced: KeyNodeSet,
    grade: Option<Grade>,
    grade_by_hand: bool,
    policy_override: Option<Grade>,
    customer_step: Option<ProcurementStep>,
    entry_step: Option<ProcurementStep>,
    key_nodes: Vec<NodeMark>,
    forcings: Vec<Forcing>,
    contacts: Vec<BuyingInfluence>,
    nurture: Option<Box<Nurture>>,
    tracked: Option<Box<Tracked>>,
    closure: Option<Box<Closure>>,
    crm_stage: Option<Box<CrmStage>>,
}

/// The stored form of [`ProcessState`]: the same fields, with each key-node
/// record written out in full.
#[derive(Serialize)]
struct StateOut<'a> {
    opened_at: DateTime<Utc>,
    stage: Stage,
    stage_entered_at: DateTime<Utc>,
    met: KeyNodeSet,
    forced: KeyNodeSet,
    #[serde(skip_serializing_if = "Option::is_none")]
    grade: Option<Grade>,
    #[serde(skip_serializing_if = "is_false")]
    grade_by_hand: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy_override: Option<Grade>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_step: Option<ProcurementStep>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry_step: Option<ProcurementStep>,
    key_nodes: RecordsOut<'a>,
    forcings: &'a [Forcing],
    contacts: &'a [BuyingInfluence],
    #[serde(skip_serializing_if = "Option::is_none")]
    nurture: Option<&'a Nurture>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tracked: Option<&'a Tracked>,
    #[serde(skip_serializing_if = "Option::is_none")]
    closure: Option<&'a Closure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    crm_stage: Option<&'a CrmStage>,
}

/// A deal's key-node records, written out from its journal.
struct RecordsOut<'a>(&'a KeyAccountProcess);

impl Serialize for RecordsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.key_node_records())
    }
}

impl<'a> StateOut<'a> {
    fn of(process: &'a KeyAccountProcess) -> Self {
        let state = &process.state;
        StateOut {
            opened_at: state.opened_at,
            stage: state.stage,
            stage_entered_at: state.stage_entered_at,
            met: state.met,
            forced: state.forced,
            grade: state.grade,
            grade_by_hand: state.grade_by_hand,
            policy_override: state.policy_override,
            customer_step: state.customer_step,
            entry_step: state.entry_step,
            key_nodes: RecordsOut(process),
            forcings: &state.forcings,
            contacts: &state.contacts,
            nurture: state.nurture.as_deref(),
            tracked: state.tracked.as_deref(),
            closure: state.closure.as_deref(),
            crm_stage: state.crm_stage.as_deref(),
        }
    }
}

/// The state of one key-account deal, as stored with its journal.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ProcessState")]
struct StateIn {
    opened_at: DateTime<Utc>,
    stage: Stage,
    stage_entered_at: DateTime<Utc>,
    met: KeyNodeSet,
    forced: KeyNodeSet,
    #[serde(default)]
    grade: Option<Grade>,
    #[serde(default)]
    grade_by_hand: bool,
    #[serde(default)]
    policy_override: Option<Grade>,
    #[serde(default)]
    customer_step: Option<ProcurementStep>,
    #[serde(default)]
    entry_step: Option<ProcurementStep>,
    #[serde(default)]
    key_nodes: Vec<KeyNodeRecord<'static>>,
    #[serde(default, deserialize_with = "without_spare_capacity")]
    forcings: Vec<Forcing>,
    #[serde(default, deserialize_with = "without_spare_capacity")]
    contacts: Vec<BuyingInfluence>,
    #[serde(default)]
    nurture: Option<Box<Nurture>>,
    #[serde(default)]
    tracked: Option<Box<Tracked>>,
    #[serde(default)]
    closure: Option<Box<Closure>>,
    #[serde(default)]
    crm_stage: Option<Box<CrmStage>>,
}

impl StateIn {
    /// The state, each key-node record kept whole until the deal is
    /// checked against its journal (which then keeps the rebuilt deal,
    /// whose records point into the journal).
    fn into_state(self) -> ProcessState {
        let mut key_nodes: Vec<NodeMark> =
            self.key_nodes.into_iter().map(NodeMark::whole).collect();
        // Collected in the records' own (larger) buffer.
        key_nodes.shrink_to_fit();
        ProcessState {
            opened_at: self.opened_at,
            stage: self.stage,
            stage_entered_at: self.stage_entered_at,
            met: self.met,
            forced: self.forced,
            grade: self.grade,
            grade_by_hand: self.grade_by_hand,
            policy_override: self.policy_override,
            customer_step: self.customer_step,
            entry_step: self.entry_step,
            key_nodes,
            forcings: self.forcings,
            contacts: self.contacts,
            nurture: self.nurture,
            tracked: self.tracked,
            closure: self.closure,
            crm_stage: self.crm_stage,
        }
    }
}

impl ProcessState {
    /// Whether this state (of `journal`) says the same as `other` (of
    /// `other_journal`): every field equal, and the key-node records equal
    /// by what they say.
    fn same_as(
        &self,
        journal: &Journal<KeyAccountEvent>,
        other: &ProcessState,
        other_journal: &Journal<KeyAccountEvent>,
    ) -> bool {
        // Every field is named, so that a new one cannot be left out.
        let ProcessState {
            opened_at,
            stage,
            stage_entered_at,
            met,
            forced,
            grade,
            grade_by_hand,
            policy_override,
            customer_step,
            entry_step,
            key_nodes,
            forcings,
            contacts,
            nurture,
            tracked,
            closure,
            crm_stage,
        } = self;
        *opened_at == other.opened_at
            && *stage == other.stage
            && *stage_entered_at == other.stage_entered_at
            && *met == other.met
            && *forced == other.forced
            && *grade == other.grade
            && *grade_by_hand == other.grade_by_hand
            && *policy_override == other.policy_override
            && *customer_step == other.customer_step
            && *entry_step == other.entry_step
            && *forcings == other.forcings
            && *contacts == other.contacts
            && *nurture == other.nurture
            && *tracked == other.tracked
            && *closure == other.closure
            && *crm_stage == other.crm_stage
            && key_nodes.len() == other.key_nodes.len()
            && key_nodes
                .iter()
                .zip(&other.key_nodes)
                .all(|(mine, theirs)| {
                    record_of(mine, journal, *opened_at)
                        == record_of(theirs, other_journal, other.opened_at)
                })
    }

    /// Drops the spare capacity the lists grew with: a loaded state is
    /// mostly read, and a portfolio holds many.
    fn shrink(&mut self) {
        self.key_nodes.shrink_to_fit();
        self.forcings.shrink_to_fit();
        self.contacts.shrink_to_fit();
    }

    fn new(opened_at: DateTime<Utc>) -> Self {
        ProcessState {
            opened_at,
            stage: Stage::FIRST,
            stage_entered_at: opened_at,
            met: KeyNodeSet::EMPTY,
            forced: KeyNodeSet::EMPTY,
            grade: None,
            grade_by_hand: false,
            policy_override: None,
            customer_step: None,
            entry_step: None,
            key_nodes: Vec::new(),
            forcings: Vec::new(),
            contacts: Vec::new(),
            nurture: None,
            tracked: None,
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

    /// The opportunity's latest grade (from an evaluation, or set by hand:
    /// see [`grade_by_hand`](Self::grade_by_hand)).
    pub fn grade(&self) -> Option<Grade> {
        self.grade
    }

    /// Whether the latest grade was set by hand, without an evaluation.
    pub fn grade_by_hand(&self) -> bool {
        self.grade_by_hand
    }

    /// The grade whose policy was last overridden by forcing, if any.
    pub fn policy_override(&self) -> Option<Grade> {
        self.policy_override
    }

    /// The grade whose policy the deal goes against: it is past
    /// development although its grade's policy does not enter the sales
    /// process (the move was forced). `None` for ended deals.
    pub fn against_policy(&self, definition: &ProcessDefinition) -> Option<Grade> {
        let grade = self.grade?;
        // A stage the CRM reported was not moved into by us: it is not
        // forced against the policy, unless one of our moves was.
        let reported = self
            .crm_stage
            .as_ref()
            .is_some_and(|c| c.stage >= self.stage);
        let overridden = self.forcings.iter().any(|f| f.overrode_policy_of.is_some());
        (self.closure.is_none()
            && self.stage > Stage::Development
            && !definition.policies.get(grade).enter_sales_process
            && (overridden || !reported))
            .then_some(grade)
    }

    /// What stands in the way of leaving the stage besides key nodes: a
    /// grade set by hand (when leaving development) or a policy that does
    /// not enter the sales process (unless overridden for this grade).
    pub fn policy_block(&self, definition: &ProcessDefinition) -> Option<KeyAccountError> {
        if self.closure.is_some() {
            // A booked deal is delivered whatever its grade.
            return None;
        }
        let grade = self.grade?;
        if self.grade_by_hand && self.stage == Stage::Development {
            return Some(KeyAccountError::GradeSetByHand { grade });
        }
        let forbidden = !definition.policies.get(grade).enter_sales_process;
        // Not `then_some`: that builds (and drops) the error on every
        // advance the policy allows.
        if forbidden && self.policy_override != Some(grade) {
            Some(KeyAccountError::PolicyForbidsEntry {
                grade,
                stage: self.stage,
            })
        } else {
            None
        }
    }

    /// The customer's procurement step, as last observed.
    pub fn customer_step(&self) -> Option<ProcurementStep> {
        self.customer_step
    }

    /// The customer's procurement step when we first engaged: the first
    /// step observed while the deal was still in development (unknown when
    /// none was: a step first seen later says where the customer is, not
    /// where it was when we entered).
    pub fn entry_step(&self) -> Option<ProcurementStep> {
        self.entry_step
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

    /// The outcome, if the deal has ended (a booked deal is won).
    pub fn outcome(&self) -> Option<Outcome> {
        self.closure.as_ref().map(|c| c.outcome)
    }

    /// The nurture the deal is parked in, if it is.
    pub fn nurture(&self) -> Option<&Nurture> {
        self.nurture.as_deref()
    }

    /// The booking, if the deal is won.
    pub fn booking(&self) -> Option<&Booking> {
        self.closure.as_ref().and_then(|c| c.booking.as_ref())
    }

    /// The latest values the history events recorded.
    pub fn tracked(&self) -> Option<&Tracked> {
        self.tracked.as_deref()
    }

    /// The salesperson's forecast category, if one is set.
    pub fn forecast_override(&self) -> Option<&ForecastOverride> {
        self.tracked.as_ref().and_then(|t| t.forecast.as_ref())
    }

    /// When the deal's clock stopped: the loss, the withdrawal or the
    /// cancellation of the delivery (a booked deal's delivery runs on).
    pub fn ended_at(&self) -> Option<DateTime<Utc>> {
        let closure = self.closure.as_ref()?;
        match (&closure.booking, &closure.cancellation) {
            (None, _) => Some(closure.at),
            (Some(_), Some(cancellation)) => Some(cancellation.at),
            (Some(_), None) => None,
        }
    }

    /// Where the deal stands overall.
    pub fn status(&self) -> DealStatus {
        match self.outcome() {
            Some(Outcome::Won) => DealStatus::Booked,
            Some(Outcome::Lost) => DealStatus::Lost,
            Some(Outcome::Withdrawn) => DealStatus::Withdrawn,
            None if self.nurture.is_some() => DealStatus::Nurture,
            None => DealStatus::Open,
        }
    }

    /// Where the delivery stands, for a booked deal.
    pub fn delivery(&self) -> Option<DeliveryStatus> {
        let closure = self.closure.as_ref()?;
        closure.booking.as_ref()?;
        Some(if closure.cancellation.is_some() {
            DeliveryStatus::Cancelled
        } else if self.met.contains(KeyNode::ProjectCompleted) {
            DeliveryStatus::Completed
        } else if self.met.contains(KeyNode::ProjectAccepted) {
            DeliveryStatus::Accepted
        } else {
            DeliveryStatus::InProgress
        })
    }

    /// Whether the deal is in the open pipeline: not ended, not booked and
    /// not in nurture.
    pub fn is_open(&self) -> bool {
        self.closure.is_none() && self.nurture.is_none()
    }

    /// The checks every event goes through first: a named actor, and a
    /// deal still open (or booked and being delivered).
    #[inline]
    fn check_actor_and_closure(
        &self,
        entry: &Entry<KeyAccountEvent>,
    ) -> Result<(), KeyAccountError> {
        if is_blank(&entry.actor) {
            return Err(KeyAccountError::MissingActor);
        }
        if let Some(closure) = &self.closure {
            // A booked deal goes on being delivered until it is cancelled.
            let delivering = closure.booking.is_some() && closure.cancellation.is_none();
            if !delivering {
                return Err(KeyAccountError::Closed {
                    outcome: closure.outcome,
                });
            }
            match &entry.event {
                KeyAccountEvent::Lost { .. } | KeyAccountEvent::Withdrawn { .. } => {
                    return Err(KeyAccountError::BookedDealNotLost)
                }
                KeyAccountEvent::Booked { .. }
                | KeyAccountEvent::Nurtured { .. }
                | KeyAccountEvent::ForecastCategorySet { .. } => {
                    return Err(KeyAccountError::AlreadyBooked)
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Checks an advance (after [`check_actor_and_closure`](Self::check_actor_and_closure)):
    /// no nurture, a next stage, its key nodes met or forced, no policy
    /// against it. Returns the next stage.
    #[inline]
    fn check_advance(&self, definition: &ProcessDefinition) -> Result<Stage, KeyAccountError> {
        if let Some(n) = &self.nurture {
            return Err(KeyAccountError::InNurture {
                review_on: n.review_on,
            });
        }
        let next = self.next_stage()?;
        let missing = self.missing_to_advance(definition);
        if !missing.is_empty() {
            return Err(KeyAccountError::KeyNodesMissing {
                stage: self.stage,
                next,
                missing,
            });
        }
        match self.policy_block(definition) {
            Some(error) => Err(error),
            None => Ok(next),
        }
    }

    /// Checks `entry`, which follows an entry at `last`, and applies it as
    /// the journal's entry at `position`; on refusal nothing changes. An
    /// advance, the commonest gated event, is checked and applied in one
    /// dispatch; any other goes through [`accept`](Self::accept).
    #[inline(always)]
    fn accept_any(
        &mut self,
        definition: &ProcessDefinition,
        entry: &Entry<KeyAccountEvent>,
        last: DateTime<Utc>,
        position: usize,
    ) -> Result<(), KeyAccountError> {
        if !matches!(entry.event, KeyAccountEvent::Advanced) {
            return self.accept(definition, entry, last, position);
        }
        // The same checks in the same order as `accept`.
        check_order(entry, last)?;
        self.check_actor_and_closure(entry)?;
        let next = self.check_advance(definition)?;
        if u32::try_from(position).is_err() {
            return Err(KeyAccountError::JournalFull);
        }
        self.stage = next;
        self.stage_entered_at = entry.at;
        Ok(())
    }

    /// Checks `entry`, which follows an entry at `last`, and applies it as
    /// the journal's entry at `position`; on refusal nothing changes.
    #[inline(never)]
    fn accept(
        &mut self,
        definition: &ProcessDefinition,
        entry: &Entry<KeyAccountEvent>,
        last: DateTime<Utc>,
        position: usize,
    ) -> Result<(), KeyAccountError> {
        check_order(entry, last)?;
        self.check(definition, entry)?;
        // A journal never reaches four billion entries: the limits on a
        // document's size come long before.
        let position = u32::try_from(position).map_err(|_| KeyAccountError::JournalFull)?;
        self.commit(definition, entry, position);
        Ok(())
    }

    /// Checks `entry` against the state without changing anything.
    fn check(
        &self,
        definition: &ProcessDefinition,
        entry: &Entry<KeyAccountEvent>,
    ) -> Result<(), KeyAccountError> {
        self.check_actor_and_closure(entry)?;
        let nurtured = || match &self.nurture {
            Some(n) => Err(KeyAccountError::InNurture {
                review_on: n.review_on,
            }),
            None => Ok(()),
        };
        match &entry.event {
            KeyAccountEvent::KeyNodeMet {
                node,
                evidence,
                grade,
            } => {
                require_text(evidence, || KeyAccountError::MissingEvidence)?;
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
                require_text(evidence, || KeyAccountError::MissingEvidence)?;
                if !self.met.contains(KeyNode::OpportunityGraded) {
                    return Err(KeyAccountError::NotGraded);
                }
                Ok(())
            }
            KeyAccountEvent::GradeSetByHand { reason, .. } => {
                require_text(reason, || KeyAccountError::MissingReason)
            }
            KeyAccountEvent::Nurtured { evidence, .. } => {
                require_text(evidence, || KeyAccountError::MissingEvidence)
            }
            KeyAccountEvent::Advanced => self.check_advance(definition).map(|_| ()),
            KeyAccountEvent::ForcedAdvance { reason } => {
                require_text(reason, || KeyAccountError::MissingReason)?;
                nurtured()?;
                self.next_stage()?;
                if self.missing_to_advance(definition).is_empty()
                    && self.policy_block(definition).is_none()
                {
                    return Err(KeyAccountError::NothingToForce { stage: self.stage });
                }
                Ok(())
            }
            KeyAccountEvent::ProcurementStepObserved { .. } => Ok(()),
            KeyAccountEvent::ContactRecorded { contact } => {
                require_text(&contact.id, || KeyAccountError::MissingContactId)?;
                // The cap keeps each event's look-ups, and so loading, linear.
                if self.contacts.len() >= crate::limits::MAX_CONTACTS
                    && self.contact(&contact.id).is_none()
                {
                    return Err(KeyAccountError::TooManyContacts {
                        id: contact.id.clone(),
                    });
                }
                Ok(())
            }
            KeyAccountEvent::ContactRemoved { id } => {
                if self.contact(id).is_none() {
                    return Err(KeyAccountError::UnknownContact { id: id.clone() });
                }
                Ok(())
            }
            KeyAccountEvent::Booked { .. } => {
                nurtured()?;
                if self.stage < Stage::BusinessNegotiation {
                    return Err(KeyAccountError::TooEarlyToBook { stage: self.stage });
                }
                if !self.met.contains(KeyNode::ContractSigned) {
                    return Err(KeyAccountError::ContractNotSigned);
                }
                Ok(())
            }
            KeyAccountEvent::DeliveryCancelled { reason } => {
                if self.booking().is_none() {
                    return Err(KeyAccountError::NotBooked);
                }
                check_reason(definition, Ending::Cancelled, reason)
            }
            KeyAccountEvent::Lost { reason } => check_reason(definition, Ending::Lost, reason),
            KeyAccountEvent::Withdrawn { reason } => {
                check_reason(definition, Ending::Withdrawn, reason)
            }
            KeyAccountEvent::AmountChanged { from_minor, .. } => {
                let recorded = self.tracked().and_then(|t| t.amount_minor);
                check_known_history("amount", from_minor.as_ref(), recorded.as_ref())
            }
            KeyAccountEvent::CloseDateChanged { from, .. } => {
                let recorded = self.tracked().and_then(|t| t.expected_close);
                check_known_history("expected close date", from.as_ref(), recorded.as_ref())
            }
            KeyAccountEvent::PossibilityChanged { from, to } => {
                for value in from.iter().chain([to]) {
                    if !(0.0..=1.0).contains(value) {
                        return Err(KeyAccountError::PossibilityOutOfRange { value: *value });
                    }
                }
                let recorded = self.tracked().and_then(|t| t.possibility);
                check_known_history("possibility", from.as_ref(), recorded.as_ref())
            }
            KeyAccountEvent::OwnerChanged { owner } => {
                require_text(owner, || KeyAccountError::MissingActor)
            }
            KeyAccountEvent::ForecastCategorySet { category, reason } => {
                require_text(reason, || KeyAccountError::MissingReason)?;
                if *category == Some(ForecastCategory::Closed) {
                    return Err(KeyAccountError::ClosedCategoryByHand);
                }
                Ok(())
            }
            KeyAccountEvent::StageReported {
                stage,
                crm_stage,
                probability,
                ..
            } => {
                require_text(crm_stage, || KeyAccountError::MissingCrmStage)?;
                // A nurtured deal waits for a new evaluation, whatever the
                // CRM says of its stage.
                nurtured()?;
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
        // The error is built only on refusal (with `ok_or`, every advance
        // built and dropped one).
        match self.stage.next() {
            Some(next) => Ok(next),
            None => Err(KeyAccountError::NoNextStage { stage: self.stage }),
        }
    }

    /// Applies an entry that [`check`](Self::check) accepted, which the
    /// journal is to hold at `position`.
    fn commit(
        &mut self,
        definition: &ProcessDefinition,
        entry: &Entry<KeyAccountEvent>,
        position: u32,
    ) {
        let at = entry.at;
        let mark = |node, source, grade| NodeMark {
            entry: position,
            node,
            source,
            grade,
            whole: None,
        };
        match &entry.event {
            KeyAccountEvent::KeyNodeMet { node, grade, .. } => {
                self.met.insert(*node);
                if grade.is_some() {
                    self.evaluated(*grade);
                }
                self.key_nodes.push(mark(*node, NodeSource::Hand, *grade));
            }
            KeyAccountEvent::Regraded { grade, .. } => {
                self.evaluated(Some(*grade));
                self.key_nodes.push(mark(
                    KeyNode::OpportunityGraded,
                    NodeSource::Hand,
                    Some(*grade),
                ));
            }
            KeyAccountEvent::GradeSetByHand { grade, .. } => {
                self.grade = Some(*grade);
                self.grade_by_hand = true;
            }
            KeyAccountEvent::Nurtured {
                evidence,
                review_on,
            } => {
                self.nurture = Some(Box::new(Nurture {
                    since: at,
                    by: entry.actor.clone(),
                    evidence: evidence.clone(),
                    review_on: *review_on,
                }));
            }
            KeyAccountEvent::Advanced => self.enter_next_stage(at),
            KeyAccountEvent::ForcedAdvance { reason } => {
                let unmet = self.missing_to_advance(definition);
                let overrode_policy_of = self.policy_block(definition).and(self.grade);
                let from = self.stage;
                self.forced = self.forced.union(unmet);
                if overrode_policy_of.is_some() {
                    self.policy_override = overrode_policy_of;
                }
                self.enter_next_stage(at);
                self.forcings.push(Forcing {
                    at,
                    by: entry.actor.clone(),
                    reason: reason.clone(),
                    from,
                    to: self.stage,
                    unmet,
                    overrode_policy_of,
                });
            }
            KeyAccountEvent::ProcurementStepObserved { step } => {
                self.customer_step = Some(*step);
                // Seen while we are still in our first stage, the
                // customer's step tells how early we entered.
                if self.stage == Stage::Development {
                    self.entry_step.get_or_insert(*step);
                }
            }
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
            KeyAccountEvent::Booked {
                booked_on,
                amount_minor,
            } => {
                self.close(Outcome::Won, entry, None);
                if let Some(closure) = self.closure.as_mut() {
                    closure.booking = Some(Booking {
                        booked_on: *booked_on,
                        amount_minor: *amount_minor,
                    });
                }
                if let Some(tracked) = self.tracked.as_mut() {
                    tracked.forecast = None;
                }
            }
            KeyAccountEvent::DeliveryCancelled { reason } => {
                if let Some(closure) = self.closure.as_mut() {
                    closure.cancellation = Some(Cancellation {
                        at,
                        by: entry.actor.clone(),
                        reason: Reason::clone(reason),
                    });
                }
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
                    self.key_nodes.push(mark(node, NodeSource::Crm, None));
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
            KeyAccountEvent::Lost { reason } => {
                self.close(Outcome::Lost, entry, Some(Reason::clone(reason)))
            }
            KeyAccountEvent::Withdrawn { reason } => {
                self.close(Outcome::Withdrawn, entry, Some(Reason::clone(reason)))
            }
            KeyAccountEvent::AmountChanged { to_minor, .. } => {
                self.tracked_mut().amount_minor = Some(*to_minor)
            }
            KeyAccountEvent::CloseDateChanged { to, .. } => {
                self.tracked_mut().expected_close = Some(*to)
            }
            KeyAccountEvent::PossibilityChanged { to, .. } => {
                self.tracked_mut().possibility = Some(*to)
            }
            KeyAccountEvent::OwnerChanged { owner } => {
                self.tracked_mut().owner = Some(owner.clone())
            }
            KeyAccountEvent::ForecastCategorySet { category, reason } => {
                self.tracked_mut().forecast = category.map(|category| ForecastOverride {
                    category,
                    at,
                    by: entry.actor.clone(),
                    reason: reason.clone(),
                });
            }
        }
    }

    /// A passed evaluation: the grade is the evaluation's, and a nurture
    /// ends.
    fn evaluated(&mut self, grade: Option<Grade>) {
        if grade.is_some() {
            self.grade = grade;
        }
        self.grade_by_hand = false;
        self.nurture = None;
    }

    fn tracked_mut(&mut self) -> &mut Tracked {
        self.tracked.get_or_insert_with(Box::default)
    }

    fn enter_next_stage(&mut self, at: DateTime<Utc>) {
        if let Some(next) = self.stage.next() {
            self.stage = next;
            self.stage_entered_at = at;
        }
    }

    fn close(&mut self, outcome: Outcome, entry: &Entry<KeyAccountEvent>, reason: Option<Reason>) {
        self.nurture = None;
        self.closure = Some(Box::new(Closure {
            outcome,
            at: entry.at,
            by: entry.actor.clone(),
            stage: self.stage,
            reason,
            booking: None,
            cancellation: None,
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
                _ => self.contact_ids(|c| definition.coverage.covers_key_role(c)),
            };
            self.met.insert(node);
            self.key_nodes.push(NodeMark::whole(KeyNodeRecord {
                node,
                at: entry.at,
                by: Cow::Owned(entry.actor.to_string()),
                evidence: Cow::Owned(evidence),
                source: NodeSource::Coverage,
                grade: None,
            }));
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

/// Refuses `entry` when it is dated before the journal's last entry, at
/// `last`.
#[inline(always)]
fn check_order(entry: &Entry<KeyAccountEvent>, last: DateTime<Utc>) -> Result<(), KeyAccountError> {
    if entry.at < last {
        return Err(OutOfOrder {
            last,
            given: entry.at,
        }
        .into());
    }
    Ok(())
}

/// Checks that `reason` is in the list for `ending`, with a competitor when
/// it names one.
fn check_reason(
    definition: &ProcessDefinition,
    ending: Ending,
    reason: &Reason,
) -> Result<(), KeyAccountError> {
    let known = definition
        .reasons
        .get(&reason.key)
        .filter(|r| r.applies_to.contains(&ending));
    let Some(known) = known else {
        if is_blank(&reason.key) {
            return Err(KeyAccountError::MissingReason);
        }
        return Err(KeyAccountError::UnknownReason {
            ending,
            key: reason.key.clone(),
            expected: definition.reasons.keys_for(ending),
        });
    };
    if known.names_competitor && reason.competitor.as_deref().map_or(true, is_blank) {
        return Err(KeyAccountError::CompetitorMissing {
            key: reason.key.clone(),
        });
    }
    Ok(())
}

/// Checks that a history event's earlier value is the one recorded (any
/// value is accepted before the first event records one).
fn check_history<T: PartialEq + std::fmt::Display>(
    field: &'static str,
    given: &T,
    recorded: Option<&T>,
) -> Result<(), KeyAccountError> {
    match recorded {
        Some(recorded) if recorded != given => Err(KeyAccountError::HistoryMismatch {
            field,
            given: given.to_string(),
            recorded: recorded.to_string(),
        }),
        _ => Ok(()),
    }
}

/// Checks a history event's `from` value, unknown when absent, against
/// the value the last history event recorded (if any did).
fn check_known_history<T: PartialEq + std::fmt::Display>(
    field: &'static str,
    given: Option<&T>,
    recorded: Option<&T>,
) -> Result<(), KeyAccountError> {
    match (given, recorded) {
        (Some(given), recorded) => check_history(field, given, recorded),
        (None, Some(recorded)) => Err(KeyAccountError::HistoryMismatch {
            field,
            given: "unknown".into(),
            recorded: recorded.to_string(),
        }),
        (None, None) => Ok(()),
    }
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

// The error is built only on refusal: building and dropping it on every
// accepted event costs more than the check.
fn require_text(text: &str, error: fn() -> KeyAccountError) -> Result<(), KeyAccountError> {
    if is_blank(text) {
        Err(error())
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
/// Two deals are equal when their journals and states are, each key-node
/// record compared by what it says, however it is kept.
#[derive(Debug, Clone)]
pub struct KeyAccountProcess {
    format_version: FormatVersion,
    state: ProcessState,
    journal: Journal<KeyAccountEvent>,
}

impl PartialEq for KeyAccountProcess {
    fn eq(&self, other: &Self) -> bool {
        self.journal == other.journal
            && self
                .state
                .same_as(&self.journal, &other.state, &other.journal)
    }
}

/// The stored form of a deal, as written.
#[derive(Serialize)]
struct ProcessOut<'a> {
    format_version: &'a FormatVersion,
    state: StateOut<'a>,
    journal: &'a Journal<KeyAccountEvent>,
}

/// A key-account deal: its state and the journal of every accepted event.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "KeyAccountProcess")]
struct ProcessIn {
    format_version: FormatVersion,
    state: StateIn,
    journal: Journal<KeyAccountEvent>,
}

impl Serialize for KeyAccountProcess {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ProcessOut {
            format_version: &self.format_version,
            state: StateOut::of(self),
            journal: &self.journal,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for KeyAccountProcess {
    /// Reads the state and the journal. The key-node records are kept
    /// whole until the deal is checked against its journal
    /// ([`verified`](KeyAccountProcess::verified)), which keeps the
    /// rebuilt deal, whose records point into the journal.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = ProcessIn::deserialize(deserializer)?;
        let state = stored.state.into_state();
        Ok(KeyAccountProcess {
            format_version: stored.format_version,
            state,
            journal: stored.journal,
        })
    }
}

impl schemars::JsonSchema for KeyAccountProcess {
    fn schema_name() -> Cow<'static, str> {
        ProcessIn::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        ProcessIn::json_schema(generator)
    }
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

/// Why a stored deal is not what its journal rebuilds.
#[derive(Debug)]
pub(crate) enum ReplayMismatch {
    /// An entry of the journal is refused.
    Refused(ReplayError),
    /// The journal rebuilds another state.
    State {
        /// The stage of the stored state.
        stored: Stage,
        /// The stage the journal rebuilds.
        rebuilt: Stage,
    },
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
    /// The document names a format version this library does not read.
    #[error("{}", crate::format::unsupported::<KeyAccountDocument>(found))]
    UnsupportedVersion {
        /// The version the document names.
        found: u64,
    },
}

impl LoadError {
    /// Whether the document was refused for its format version.
    pub fn is_unsupported_version(&self) -> bool {
        matches!(self, LoadError::UnsupportedVersion { .. })
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
        self.state
            .accept_any(definition, &entry, last, self.journal.len())?;
        self.journal.push(entry);
        Ok(())
    }

    /// Every key node met and every regrade, oldest first, each read with
    /// the journal entry that met it.
    pub fn key_node_records(
        &self,
    ) -> impl DoubleEndedIterator<Item = KeyNodeRecord<'_>> + ExactSizeIterator + '_ {
        self.state.key_nodes.iter().map(|mark| self.record(mark))
    }

    /// The latest record for `node`.
    pub fn key_node_record(&self, node: KeyNode) -> Option<KeyNodeRecord<'_>> {
        self.state
            .key_nodes
            .iter()
            .rev()
            .find(|m| m.node == node)
            .map(|mark| self.record(mark))
    }

    /// The full record of `mark`, from the entry it points to.
    fn record<'a>(&'a self, mark: &'a NodeMark) -> KeyNodeRecord<'a> {
        record_of(mark, &self.journal, self.state.opened_at)
    }

    /// Rebuilds a deal from its journal entries.
    pub fn replay(
        definition: &ProcessDefinition,
        opened_at: DateTime<Utc>,
        entries: impl IntoIterator<Item = Entry<KeyAccountEvent>>,
    ) -> Result<Self, ReplayError> {
        // A vector is collected in place: its entries are checked where
        // they lie and become the journal, none moved or copied.
        let mut entries: Vec<Entry<KeyAccountEvent>> = entries.into_iter().collect();
        entries.shrink_to_fit();
        let mut state = ProcessState::new(opened_at);
        // Room for the records of the nodes met by hand at once.
        let marks = entries
            .iter()
            .filter(|e| {
                matches!(
                    e.event,
                    KeyAccountEvent::KeyNodeMet { .. } | KeyAccountEvent::Regraded { .. }
                )
            })
            .count();
        state.key_nodes.reserve_exact(marks);
        let mut last = opened_at;
        for (index, entry) in entries.iter().enumerate() {
            state
                .accept_any(definition, entry, last, index)
                .map_err(|error| ReplayError { index, error })?;
            last = entry.at;
        }
        Ok(KeyAccountProcess {
            format_version: FormatVersion::CURRENT,
            state,
            journal: Journal::from_accepted(entries),
        })
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

    /// The deal rebuilt from its own journal, taken by value so that no
    /// entry is copied; refused when the journal does not replay or
    /// rebuilds another state than the stored one.
    pub(crate) fn into_replayed(
        self,
        definition: &ProcessDefinition,
    ) -> Result<Self, ReplayMismatch> {
        if self.state.key_nodes.iter().any(|m| m.whole.is_none()) {
            // Records that point into the journal are read with it: the
            // journal is copied for the replay.
            let rebuilt = self.rebuilt(definition).map_err(ReplayMismatch::Refused)?;
            let mut stored = self;
            stored.complete_stored_state(&rebuilt);
            if rebuilt != stored {
                return Err(ReplayMismatch::State {
                    stored: stored.state.stage,
                    rebuilt: rebuilt.state.stage,
                });
            }
            let mut rebuilt = rebuilt;
            rebuilt.state.shrink();
            return Ok(rebuilt);
        }
        let KeyAccountProcess {
            mut state, journal, ..
        } = self;
        let mut rebuilt = Self::replay(definition, state.opened_at, journal.into_entries())
            .map_err(ReplayMismatch::Refused)?;
        rebuilt.state.shrink();
        // A state stored before the entry step was kept lacks it.
        if state.entry_step.is_none() {
            state.entry_step = rebuilt.state.entry_step;
        }
        // The stored records are kept whole, so the journal they came
        // with is no longer needed to read them.
        if !rebuilt
            .state
            .same_as(&rebuilt.journal, &state, &Journal::new())
        {
            return Err(ReplayMismatch::State {
                stored: state.stage,
                rebuilt: rebuilt.state.stage,
            });
        }
        Ok(rebuilt)
    }

    /// Checks a deal read from storage: its journal must replay under
    /// `definition` to exactly the stored state, so a tampered or
    /// inconsistent document is refused instead of trusted.
    pub fn verified(mut self, definition: &ProcessDefinition) -> Result<Self, LoadError> {
        let rebuilt = self.rebuilt(definition).map_err(LoadError::Replay)?;
        self.complete_stored_state(&rebuilt);
        if rebuilt != self {
            return Err(LoadError::StateDiffers);
        }
        // The rebuilt deal is equal, and its records point into its
        // journal instead of copying it.
        let mut rebuilt = rebuilt;
        rebuilt.state.shrink();
        Ok(rebuilt)
    }

    /// Reads a deal from JSON and [verifies](Self::verified) it; a
    /// version-1 deal is migrated (see [`load`](Self::load) to learn what
    /// changed).
    pub fn from_json(json: &str, definition: &ProcessDefinition) -> Result<Self, LoadError> {
        Self::load(json, definition).map(|(process, _)| process)
    }

    /// Reads a deal from JSON like [`from_json`](Self::from_json), and says
    /// what migrating it from an older format version changed (`None` for
    /// a current document).
    pub fn load(
        json: &str,
        definition: &ProcessDefinition,
    ) -> Result<(Self, Option<Migration>), LoadError> {
        match serde_json::from_str::<Self>(json) {
            Ok(process) => Ok((process.verified(definition)?, None)),
            Err(e) => {
                let json_error = || LoadError::Json {
                    message: e.to_string(),
                };
                let value: serde_json::Value =
                    serde_json::from_str(json).map_err(|_| json_error())?;
                if super::migration::version_of(&value) != Some(1) {
                    return Err(
                        match crate::format::other_version::<KeyAccountDocument>(json.as_bytes()) {
                            Some(found) => LoadError::UnsupportedVersion { found },
                            None => json_error(),
                        },
                    );
                }
                let (process, migration) = super::migration::from_v1(value, definition, "deal")?;
                Ok((process, Some(migration)))
            }
        }
    }

    /// Whether the stored state may lack what later versions keep (the
    /// step when we first engaged): it has observed steps but no entry step.
    pub(crate) fn may_lack_entry_step(&self) -> bool {
        self.state.entry_step.is_none() && self.procurement_history().next().is_some()
    }

    /// Takes from `rebuilt` (this deal's replay) what a state stored before
    /// it was kept leaves out: the step when we first engaged.
    pub(crate) fn complete_stored_state(&mut self, rebuilt: &KeyAccountProcess) {
        if self.state.entry_step.is_none() {
            self.state.entry_step = rebuilt.state.entry_step;
        }
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

    /// The time spent in each stage, read from the journal. An open,
    /// nurtured or booked (still delivering) deal's current stage counts
    /// until `until` (or until its last event, if `until` is earlier); a
    /// lost, withdrawn or cancelled deal's count stops at its ending.
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
                KeyAccountEvent::Lost { .. }
                | KeyAccountEvent::Withdrawn { .. }
                | KeyAccountEvent::DeliveryCancelled { .. } => {
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
            grade: (node == KeyNode::OpportunityGraded).then_some(Grade::A),
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
        let verified = loaded.clone().verified(&def).unwrap();
        assert_eq!(verified, p);
        assert_eq!(verified.state.key_nodes.capacity(), 3);
        assert!(verified.state.key_nodes.iter().all(|m| m.whole.is_none()));
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
        // The default rule (source 002) wants the technical and the user
        // buyer as well.
        assert!(!p.state().met().contains(KeyNode::KeyPeopleIdentified));
        for (id, role) in [
            ("t1", BuyingRole::TechnicalBuyer),
            ("u1", BuyingRole::UserBuyer),
        ] {
            let contact = BuyingInfluence::new(id, "Zhao", role, InfluenceDegree::Medium);
            p.apply(
                &def,
                at(
                    3,
                    KeyAccountEvent::ContactRecorded {
                        contact: Box::new(contact),
                    },
                ),
            )
            .unwrap();
        }
        let record = p.key_node_record(KeyNode::KeyPeopleIdentified).unwrap();
        assert_eq!(record.source, NodeSource::Coverage);
        assert_eq!(
            record.evidence,
            "coach: c1, economic_buyer: e1, technical_buyer: t1, user_buyer: u1"
        );
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
            p.key_node_record(KeyNode::OpportunityGraded).unwrap().grade,
            Some(Grade::A)
        );
    }

    fn graded(grade: Grade) -> KeyAccountEvent {
        KeyAccountEvent::KeyNodeMet {
            node: KeyNode::OpportunityGraded,
            evidence: "evaluation passed".into(),
            grade: Some(grade),
        }
    }

    #[test]
    fn booking_needs_the_signed_contract_and_is_the_win() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        let book = KeyAccountEvent::Booked {
            booked_on: day(12).date_naive(),
            amount_minor: Some(90_000),
        };
        assert_eq!(
            p.apply(&def, at(2, book.clone())),
            Err(KeyAccountError::TooEarlyToBook {
                stage: Stage::Development
            })
        );
        p.apply(&def, at(2, graded(Grade::A))).unwrap();
        p.apply(&def, at(3, KeyAccountEvent::Advanced)).unwrap();
        for d in 4..7 {
            p.apply(&def, at(d, force("test"))).unwrap();
        }
        assert_eq!(p.state().stage(), Stage::BusinessNegotiation);
        // Forcing past the contract nodes is not a signed contract.
        p.apply(&def, at(7, force("test"))).unwrap();
        assert_eq!(
            p.apply(&def, at(8, book.clone())),
            Err(KeyAccountError::ContractNotSigned)
        );
        p.apply(&def, at(8, met(KeyNode::ContractSigned))).unwrap();
        p.apply(&def, at(12, book.clone())).unwrap();
        assert_eq!(p.state().outcome(), Some(Outcome::Won));
        assert_eq!(p.state().status(), DealStatus::Booked);
        assert_eq!(p.state().delivery(), Some(DeliveryStatus::InProgress));
        assert_eq!(p.state().booking().unwrap().amount_minor, Some(90_000));
        assert!(!p.state().is_open());
        // A booked deal is never lost, and is booked once.
        assert_eq!(
            p.apply(
                &def,
                at(
                    13,
                    KeyAccountEvent::Lost {
                        reason: "price".into()
                    }
                )
            ),
            Err(KeyAccountError::BookedDealNotLost)
        );
        assert_eq!(
            p.apply(&def, at(13, book)),
            Err(KeyAccountError::AlreadyBooked)
        );
        // Delivery goes on after the booking.
        p.apply(&def, at(14, met(KeyNode::ProjectAccepted)))
            .unwrap();
        assert_eq!(p.state().delivery(), Some(DeliveryStatus::Accepted));
        p.apply(&def, at(15, met(KeyNode::ProjectCompleted)))
            .unwrap();
        assert_eq!(p.state().delivery(), Some(DeliveryStatus::Completed));
        assert_eq!(
            p.apply(&def, at(16, KeyAccountEvent::Advanced)),
            Err(KeyAccountError::NoNextStage {
                stage: Stage::ProjectImplementation
            })
        );
    }

    #[test]
    fn cancelled_delivery_keeps_the_booking_and_needs_a_known_reason() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        let cancel = |key: &str| KeyAccountEvent::DeliveryCancelled { reason: key.into() };
        assert_eq!(
            p.apply(&def, at(2, cancel("price"))),
            Err(KeyAccountError::NotBooked)
        );
        p.apply(&def, at(2, graded(Grade::A))).unwrap();
        p.apply(&def, at(3, KeyAccountEvent::Advanced)).unwrap();
        for d in 4..7 {
            p.apply(&def, at(d, force("test"))).unwrap();
        }
        p.apply(&def, at(7, met(KeyNode::ContractSigned))).unwrap();
        p.apply(
            &def,
            at(
                8,
                KeyAccountEvent::Booked {
                    booked_on: day(7).date_naive(),
                    amount_minor: None,
                },
            ),
        )
        .unwrap();
        assert!(matches!(
            p.apply(&def, at(9, cancel("weather"))),
            Err(KeyAccountError::UnknownReason { .. })
        ));
        p.apply(&def, at(9, cancel("no_budget"))).unwrap();
        assert_eq!(p.state().outcome(), Some(Outcome::Won));
        assert_eq!(p.state().delivery(), Some(DeliveryStatus::Cancelled));
        assert_eq!(
            p.apply(&def, at(10, met(KeyNode::ProjectAccepted))),
            Err(KeyAccountError::Closed {
                outcome: Outcome::Won
            })
        );
    }

    #[test]
    fn only_grades_whose_policy_enters_leave_development_unforced() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        p.apply(&def, at(2, graded(Grade::D))).unwrap();
        assert_eq!(
            p.apply(&def, at(3, KeyAccountEvent::Advanced)),
            Err(KeyAccountError::PolicyForbidsEntry {
                grade: Grade::D,
                stage: Stage::Development
            })
        );
        p.apply(&def, at(3, force("strategic account"))).unwrap();
        let forcing = &p.state().forcings()[0];
        assert_eq!(forcing.overrode_policy_of, Some(Grade::D));
        assert!(forcing.unmet.is_empty());
        assert_eq!(p.state().against_policy(&def), Some(Grade::D));
        // Penalised like any forcing: sales entry 20% x 0.5.
        assert!((p.win_probability(&def).value - 0.1).abs() < 1e-12);
        // The override holds for grade D; a regrade to C re-applies the policy.
        p.apply(
            &def,
            at(
                4,
                KeyAccountEvent::Regraded {
                    grade: Grade::C,
                    evidence: "budget moved".into(),
                },
            ),
        )
        .unwrap();
        p.apply(&def, at(5, met(KeyNode::InsidersFound))).unwrap();
        p.apply(&def, at(5, met(KeyNode::KeyPeopleIdentified)))
            .unwrap();
        assert!(matches!(
            p.apply(&def, at(6, KeyAccountEvent::Advanced)),
            Err(KeyAccountError::PolicyForbidsEntry {
                grade: Grade::C,
                ..
            })
        ));
    }

    #[test]
    fn a_grade_set_by_hand_is_marked_and_needs_an_evaluation_or_forcing() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        p.apply(
            &def,
            at(
                2,
                KeyAccountEvent::GradeSetByHand {
                    grade: Grade::A,
                    reason: "the director says so".into(),
                },
            ),
        )
        .unwrap();
        assert_eq!(p.state().grade(), Some(Grade::A));
        assert!(p.state().grade_by_hand());
        assert!(!p.state().met().contains(KeyNode::OpportunityGraded));
        assert!(matches!(
            p.apply(&def, at(3, KeyAccountEvent::Advanced)),
            Err(KeyAccountError::KeyNodesMissing { .. })
        ));
        p.apply(&def, at(3, graded(Grade::A))).unwrap();
        assert!(!p.state().grade_by_hand());
        p.apply(&def, at(4, KeyAccountEvent::Advanced)).unwrap();
    }

    #[test]
    fn a_failed_evaluation_parks_the_deal_until_one_passes() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        let review_on = day(30).date_naive();
        p.apply(
            &def,
            at(
                2,
                KeyAccountEvent::Nurtured {
                    evidence: "no budget this year".into(),
                    review_on,
                },
            ),
        )
        .unwrap();
        assert_eq!(p.state().status(), DealStatus::Nurture);
        assert!(!p.state().is_open());
        assert_eq!(p.state().outcome(), None);
        assert_eq!(
            p.apply(&def, at(3, force("push"))),
            Err(KeyAccountError::InNurture { review_on })
        );
        p.apply(&def, at(30, graded(Grade::A))).unwrap();
        assert_eq!(p.state().status(), DealStatus::Open);
        p.apply(&def, at(31, KeyAccountEvent::Advanced)).unwrap();
    }

    #[test]
    fn history_events_track_the_latest_values() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        let (d1, d2) = (day(20).date_naive(), day(28).date_naive());
        p.apply(
            &def,
            at(
                2,
                KeyAccountEvent::CloseDateChanged {
                    from: Some(d1),
                    to: d2,
                },
            ),
        )
        .unwrap();
        assert!(matches!(
            p.apply(
                &def,
                at(
                    3,
                    KeyAccountEvent::CloseDateChanged {
                        from: Some(d1),
                        to: d2
                    }
                )
            ),
            Err(KeyAccountError::HistoryMismatch { .. })
        ));
        assert!(matches!(
            p.apply(
                &def,
                at(
                    3,
                    KeyAccountEvent::PossibilityChanged {
                        from: None,
                        to: 1.5
                    }
                )
            ),
            Err(KeyAccountError::PossibilityOutOfRange { .. })
        ));
        p.apply(
            &def,
            at(
                4,
                KeyAccountEvent::OwnerChanged {
                    owner: "wang".into(),
                },
            ),
        )
        .unwrap();
        let tracked = p.state().tracked().unwrap();
        assert_eq!(tracked.expected_close, Some(d2));
        assert_eq!(tracked.owner.as_deref(), Some("wang"));
        assert_eq!(
            p.apply(
                &def,
                at(
                    5,
                    KeyAccountEvent::ForecastCategorySet {
                        category: Some(ForecastCategory::Closed),
                        reason: "sure".into()
                    }
                )
            ),
            Err(KeyAccountError::ClosedCategoryByHand)
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
                    reason: "standards_unfavourable".into(),
                },
            ),
        )
        .unwrap();
        let closure = p.state().closure().unwrap();
        assert_eq!(closure.outcome, Outcome::Withdrawn);
        assert_eq!(closure.stage, Stage::SalesEntry);
        assert_eq!(
            closure.reason.as_ref().map(|r| r.key.as_str()),
            Some("standards_unfavourable")
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
        assert!(json.contains(r#""format_version":2"#));
        let back: KeyAccountProcess = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
        let future = json.replace(r#""format_version":2"#, r#""format_version":3"#);
        let e = serde_json::from_str::<KeyAccountProcess>(&future).unwrap_err();
        assert!(e.to_string().contains("version 3"), "{e}");
        let e = KeyAccountProcess::from_json(&future, &ProcessDefinition::default()).unwrap_err();
        assert!(e.is_unsupported_version(), "{e}");
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
