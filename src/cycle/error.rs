//! Why the cycle refused an event.

use std::fmt::Display;

use crate::config::ConfigError;
use crate::customer::CustomerType;
use crate::journal::OutOfOrder;

use super::{KnowledgeArea, Outcome, Stage, Step, TechnicalPhase, VisitQuestion};

/// Why an event was refused. The deal is left exactly as it was.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CycleError {
    /// The cycle has ended (no agreement, or cancelled) and accepts nothing more.
    #[error("the cycle has ended ({outcome}) and accepts no more events")]
    Closed {
        /// How it ended.
        outcome: Outcome,
    },
    /// The event is dated before the last recorded one.
    #[error(transparent)]
    OutOfOrder(#[from] OutOfOrder),
    /// The event belongs to another stage than the one the deal is in.
    #[error("this event belongs to the stage {expected}, but the deal is in {current}")]
    WrongStage {
        /// The stage the event belongs to.
        expected: Stage,
        /// The stage the deal is in.
        current: Stage,
    },
    /// A move to a stage that does not follow the current one.
    #[error("the stage after {current} is {expected}, not {given}")]
    UnexpectedTarget {
        /// The stage the deal is in.
        current: Stage,
        /// The stage that follows it.
        expected: Stage,
        /// The stage that was asked for.
        given: Stage,
    },
    /// Resolving concerns ends only with the client's decision.
    #[error(
        "resolving concerns ends with the client's decision, not with a move to the next stage"
    )]
    DecisionRequired,
    /// The customer type's variant skips this step.
    #[error("the {customer_type} variant skips the step {step}")]
    StepSkipped {
        /// The step.
        step: Step,
        /// The customer type of the deal.
        customer_type: CustomerType,
    },
    /// Required steps of the stage are not done yet.
    #[error("{stage} cannot end yet: required steps not done: {}", list(missing))]
    StepsMissing {
        /// The stage the deal is in.
        stage: Stage,
        /// The required steps still open, in order.
        missing: Vec<Step>,
    },
    /// Required steps that must come before this one are not done yet.
    #[error("{step} must wait for: {}", list(missing))]
    PrerequisitesMissing {
        /// The step that was refused.
        step: Step,
        /// The required steps that must come first.
        missing: Vec<Step>,
    },
    /// The step is recorded with its own typed event, not with a summary.
    #[error("{step} is recorded with its own event, not as a completed step with a summary")]
    ArtefactRequired {
        /// The step.
        step: Step,
    },
    /// The step is already done and cannot be recorded again.
    #[error("{step} is already done in this iteration")]
    AlreadyDone {
        /// The step.
        step: Step,
    },
    /// A visit plan with questions unanswered.
    #[error("the visit plan leaves questions unanswered: {}", list(unanswered))]
    VisitPlanIncomplete {
        /// The questions without an answer.
        unanswered: Vec<VisitQuestion>,
    },
    /// Knowledge with areas not covered.
    #[error("knowledge does not cover: {}", list(missing))]
    KnowledgeIncomplete {
        /// The areas without a note.
        missing: Vec<KnowledgeArea>,
    },
    /// A text or list that must be filled in is blank or empty.
    #[error("`{field}` must not be blank or empty")]
    Blank {
        /// Dotted path of the field, for example `interview.options`.
        field: String,
    },
    /// The economic evaluation leaves options without price and impact.
    #[error(
        "the economic evaluation does not cover the options: {}",
        list(options)
    )]
    OptionsNotEvaluated {
        /// The options built with the client that have no economics.
        options: Vec<String>,
    },
    /// A technical phase run out of order.
    #[error("the {phase} phase cannot run now; allowed: {}", list(allowed))]
    PhaseOutOfOrder {
        /// The phase that was given.
        phase: TechnicalPhase,
        /// The phases that may run now.
        allowed: Vec<TechnicalPhase>,
    },
    /// An objection id that is already used in this iteration.
    #[error("objection `{id}` already exists")]
    DuplicateObjection {
        /// The id.
        id: String,
    },
    /// The iteration already holds [`crate::limits::MAX_OBJECTIONS`]
    /// objections.
    #[error(
        "objection `{id}` would be one too many: an iteration holds at most {} objections",
        crate::limits::MAX_OBJECTIONS
    )]
    TooManyObjections {
        /// The id of the objection refused.
        id: String,
    },
    /// An objection id that was never raised in this iteration.
    #[error("no objection `{id}` has been raised")]
    UnknownObjection {
        /// The id.
        id: String,
    },
    /// The objection was already resolved.
    #[error("objection `{id}` is already resolved")]
    ObjectionAlreadyResolved {
        /// The id.
        id: String,
    },
    /// A negative worth-investing check holds the step back.
    #[error(
        "the account was judged not worth investing in, so {step} waits for an explicit override"
    )]
    NotWorthInvesting {
        /// The investment-heavy step that was refused.
        step: Step,
    },
    /// An override of a worth-investing check that did not say no.
    #[error("there is no negative worth-investing check to override in this iteration")]
    NothingToOverride,
    /// The cycle can end early only before the client's decision.
    #[error("the cycle can end early only before the client's decision (it is {outcome})")]
    AlreadyDecided {
        /// Where the iteration stands.
        outcome: Outcome,
    },
    /// The variant can change only at the start of a later iteration,
    /// before any of its steps: the running iteration keeps its own.
    #[error("the variant can change only when a new iteration starts, before any of its steps (iteration {iteration} is under way)")]
    VariantChangeMidIteration {
        /// The current iteration, from 1.
        iteration: u32,
    },
    /// An adopted variant is invalid.
    #[error("the adopted variant is invalid: {0}")]
    InvalidVariant(ConfigError),
    /// A cycle ending gave neither a listed reason nor text.
    #[error("a cycle ending needs a reason from the list or a reason in words")]
    EndingWithoutReason,
    /// A listed reason's key is not a snake_case key.
    #[error("`{key}` is not a reason key (snake_case)")]
    BadReasonKey {
        /// The key given.
        key: String,
    },
    /// The client cannot decide while objections are open.
    #[error("the client cannot decide while objections are open: {}", list(open))]
    ObjectionsOpen {
        /// The ids of the open objections.
        open: Vec<String>,
    },
}

/// Why a journal could not be replayed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError {
    /// The variant is invalid.
    #[error("invalid variant: {0}")]
    Variant(#[from] ConfigError),
    /// An entry was refused.
    #[error("journal entry {index} was refused: {error}")]
    Refused {
        /// Its position in the journal, from 0.
        index: usize,
        /// Why.
        error: CycleError,
    },
}

fn list<T: Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
