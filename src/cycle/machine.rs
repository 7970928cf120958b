//! The state of one deal in the cycle, and the one way to change it.
//!
//! The state points into the journal instead of copying from it: the
//! records of the current iteration keep the position of each step's entry
//! (see [`StepRecords`]), objections, lessons and summaries are read from
//! the entries that recorded them. Recording an event therefore copies
//! nothing, and a replay only checks each entry in place.

use serde::{Deserialize, Serialize};

use super::variant::RequirementTable;
use super::{
    CriticalSituation, CycleError, CycleEvent, CycleOpening, CycleVariant, CycleVariants, Decision,
    EconomicEvaluation, EvaluationFramework, Interview, InvestmentCheck, JointTeam, Knowledge,
    Lesson, Objection, Outcome, PhaseResult, PhaseRun, ReplayError, Responsibilities, Stage, Step,
    StepRecords, StepRequirement, TechnicalPhase, VisitPlan,
};
use crate::config::{ConfigError, Validate};
use crate::customer::{Customer, CustomerType, RelationshipLevel};
use crate::is_blank;
use crate::journal::{Entry, Journal, OutOfOrder};

/// The version of the serialised [`TechnicalSale`] this build writes.
/// Version 1 (records that copied every artefact) is still read: its
/// journal is replayed into the current form.
pub const FORMAT_VERSION: u32 = 2;

/// The oldest format version still read.
const OLDEST_VERSION: u32 = 1;

/// One deal with one customer, running through the cycle: the variant it
/// runs under, the relationship level it started from, where it stands,
/// what has been recorded in the current iteration, and the journal of
/// every accepted event.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TechnicalSale {
    format_version: FormatVersion,
    variant: CycleVariant,
    #[serde(skip_serializing_if = "Option::is_none")]
    relationship: Option<RelationshipLevel>,
    #[serde(flatten)]
    progress: Progress,
    journal: Journal<CycleEvent>,
    /// The variant adopted by a later iteration, rebuilt from the journal
    /// (`variant` stays the one the cycle started under).
    #[serde(skip)]
    adopted: Option<Box<CycleVariant>>,
}

/// Where a deal stands, rebuilt from its journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
struct Progress {
    stage: Stage,
    outcome: Outcome,
    completed_iterations: u32,
    records: StepRecords,
}

impl Progress {
    fn new() -> Self {
        Progress {
            stage: Stage::RecognitionOfNeeds,
            outcome: Outcome::Pending,
            completed_iterations: 0,
            records: StepRecords::default(),
        }
    }
}

impl TechnicalSale {
    /// A new deal at recognition of needs, first iteration, under `variant`
    /// (refused if the variant is invalid).
    pub fn new(variant: CycleVariant) -> Result<Self, ConfigError> {
        variant.validate()?;
        Ok(Self::start(variant))
    }

    /// A new deal under the built-in variant of `customer_type`.
    pub fn for_customer_type(customer_type: CustomerType) -> Self {
        // The built-in variants are valid (checked by the test suite).
        Self::start(CycleVariant::default_for(customer_type))
    }

    /// A new deal for `customer`: the variant of its type from `variants`,
    /// shaped by its buyer behaviour when the record has one, starting from
    /// its relationship level when known (see [`TechnicalSale::opening`]).
    pub fn for_customer(
        customer: &Customer,
        variants: &CycleVariants,
    ) -> Result<Self, ConfigError> {
        let mut variant = variants.get(customer.customer_type()).clone();
        if let Some(behaviour) = customer.buyer_behaviour {
            variant = variant.shaped_for(behaviour);
        }
        Ok(Self::new(variant)?.with_relationship(customer.relationship))
    }

    fn start(variant: CycleVariant) -> Self {
        TechnicalSale {
            format_version: FormatVersion::CURRENT,
            variant,
            relationship: None,
            progress: Progress::new(),
            journal: Journal::new(),
            adopted: None,
        }
    }

    /// The same deal, started from the relationship level `level` (part of
    /// the deal's set-up, like its variant; not an event of the journal).
    pub fn with_relationship(mut self, level: Option<RelationshipLevel>) -> Self {
        self.relationship = level;
        self
    }

    /// Rebuilds a deal by checking every entry of `journal`, in order,
    /// against a new deal under `variant`. The entries are taken over, not
    /// copied.
    pub fn replay(
        variant: CycleVariant,
        journal: Journal<CycleEvent>,
    ) -> Result<Self, ReplayError> {
        variant.validate()?;
        let mut progress = Progress::new();
        let entries = journal.entries();
        let mut rules = Rules::of(&variant);
        for (index, entry) in entries.iter().enumerate() {
            let earlier = &entries[..index];
            check_entry(&progress, earlier, entry)
                .and_then(|()| progress.accept(&rules, earlier, &entry.event))
                .map_err(|error| ReplayError::Refused { index, error })?;
            if let CycleEvent::VariantAdopted { variant } = &entry.event {
                rules = Rules::of(variant);
            }
        }
        let current = rules.variant;
        let adopted = (!std::ptr::eq(current, &variant)).then(|| Box::new(current.clone()));
        Ok(TechnicalSale {
            format_version: FormatVersion::CURRENT,
            variant,
            relationship: None,
            progress,
            journal,
            adopted,
        })
    }

    /// The variant the deal runs under.
    pub fn variant(&self) -> &CycleVariant {
        self.adopted.as_deref().unwrap_or(&self.variant)
    }

    /// The variant the deal started under (its first iteration's).
    pub fn initial_variant(&self) -> &CycleVariant {
        &self.variant
    }

    /// The customer type of the deal.
    pub fn customer_type(&self) -> CustomerType {
        self.variant().customer_type
    }

    /// The relationship level the deal started from, when known.
    pub fn relationship(&self) -> Option<RelationshipLevel> {
        self.relationship
    }

    /// What the cycle starts with, from the relationship level (source 004):
    /// qualifying, a first transaction, support services or expansion;
    /// `None` when the level is not known.
    pub fn opening(&self) -> Option<CycleOpening> {
        self.relationship.map(CycleOpening::for_level)
    }

    /// The current stage (for an ended cycle, the stage it ended in).
    pub fn stage(&self) -> Stage {
        self.progress.stage
    }

    /// Where the current iteration stands.
    pub fn outcome(&self) -> Outcome {
        self.progress.outcome
    }

    /// Whether the cycle has ended (lost, abandoned, cancelled or closed).
    pub fn is_closed(&self) -> bool {
        self.progress.outcome.is_final()
    }

    /// The number of the current iteration, from 1.
    pub fn iteration(&self) -> u32 {
        self.progress.completed_iterations.saturating_add(1)
    }

    /// How many iterations went all the way through evolution.
    pub fn completed_iterations(&self) -> u32 {
        self.progress.completed_iterations
    }

    /// Where each step of the current iteration was recorded.
    pub fn records(&self) -> &StepRecords {
        &self.progress.records
    }

    /// Every accepted event, oldest first.
    pub fn journal(&self) -> &Journal<CycleEvent> {
        &self.journal
    }

    /// Whether `step` is done in the current iteration.
    pub fn is_done(&self, step: Step) -> bool {
        self.progress.records.is_done(step)
    }

    /// The latest event that recorded `step` in the current iteration.
    fn latest(&self, step: Step) -> Option<&CycleEvent> {
        latest_event(self.journal.entries(), &self.progress.records, step)
    }

    /// The knowledge and SWOT of the current iteration.
    pub fn knowledge(&self) -> Option<&Knowledge> {
        match self.latest(Step::Knowledge)? {
            CycleEvent::KnowledgeGathered(k) => Some(k),
            _ => None,
        }
    }

    /// The worth-investing check of the current iteration.
    pub fn investment_check(&self) -> Option<&InvestmentCheck> {
        match self.latest(Step::InvestmentCheck)? {
            CycleEvent::InvestmentChecked(c) => Some(c),
            _ => None,
        }
    }

    /// Whether a negative worth-investing check holds the investment-heavy
    /// steps back in this iteration (no override recorded).
    pub fn investment_refused(&self) -> bool {
        self.progress.records.investment_refused()
    }

    /// The visit plan of the current iteration.
    pub fn visit_plan(&self) -> Option<&VisitPlan> {
        match self.latest(Step::VisitPlanning)? {
            CycleEvent::VisitPlanned(p) => Some(p),
            _ => None,
        }
    }

    /// The interview of the current iteration.
    pub fn interview(&self) -> Option<&Interview> {
        match self.latest(Step::Interview)? {
            CycleEvent::InterviewHeld(i) => Some(i),
            _ => None,
        }
    }

    /// The evaluation framework of the current iteration.
    pub fn framework(&self) -> Option<&EvaluationFramework> {
        match self.latest(Step::EvaluationFramework)? {
            CycleEvent::FrameworkAgreed(f) => Some(f),
            _ => None,
        }
    }

    /// The joint team of the current iteration.
    pub fn joint_team(&self) -> Option<&JointTeam> {
        match self.latest(Step::JointTeam)? {
            CycleEvent::JointTeamFormed(t) => Some(t),
            _ => None,
        }
    }

    /// The economic evaluation of the current iteration.
    pub fn economic_evaluation(&self) -> Option<&EconomicEvaluation> {
        match self.latest(Step::EconomicEvaluation)? {
            CycleEvent::EconomicEvaluated(e) => Some(e),
            _ => None,
        }
    }

    /// The responsibilities and guarantees of the current iteration.
    pub fn responsibilities(&self) -> Option<&Responsibilities> {
        match self.latest(Step::ResponsibilitiesAndGuarantees)? {
            CycleEvent::ResponsibilitiesAgreed(r) => Some(r),
            _ => None,
        }
    }

    /// The client's decision in the current iteration.
    pub fn decision(&self) -> Option<Decision> {
        self.progress.records.decision
    }

    /// The entries of the current iteration, oldest first.
    fn iteration_events(&self) -> impl Iterator<Item = &CycleEvent> {
        let start = self.progress.records.start as usize;
        self.journal
            .entries()
            .get(start..)
            .unwrap_or_default()
            .iter()
            .map(|e| &e.event)
    }

    /// The technical trial runs of the current iteration, oldest first.
    pub fn technical_runs(&self) -> impl Iterator<Item = &PhaseRun> {
        self.iteration_events().filter_map(|e| match e {
            CycleEvent::TechnicalPhaseRun(run) => Some(run),
            _ => None,
        })
    }

    /// The summaries recorded for `step` in the current iteration, oldest
    /// first.
    pub fn summaries(&self, step: Step) -> impl Iterator<Item = &str> {
        self.iteration_events().filter_map(move |e| match e {
            CycleEvent::StepCompleted { step: s, summary } if *s == step => Some(summary.as_str()),
            _ => None,
        })
    }

    /// The changes made to the deal during implementation, oldest first.
    pub fn modifications(&self) -> impl Iterator<Item = &str> {
        self.iteration_events().filter_map(|e| match e {
            CycleEvent::DealModified { change } => Some(change.as_str()),
            _ => None,
        })
    }

    /// The situations noted as possibly critical while resolving concerns,
    /// with their handling, oldest first.
    pub fn critical_situations(&self) -> impl Iterator<Item = CriticalSituation<'_>> {
        self.iteration_events().filter_map(|e| match e {
            CycleEvent::CriticalSituationNoted {
                situation,
                handling,
            } => Some(CriticalSituation {
                situation,
                handling,
            }),
            _ => None,
        })
    }

    /// The objections of the current iteration, in the order raised.
    pub fn objections(&self) -> impl Iterator<Item = Objection<'_>> {
        let start = self.progress.records.start as usize;
        objections(self.journal.entries().get(start..).unwrap_or_default())
    }

    /// The objections still open.
    pub fn open_objections(&self) -> impl Iterator<Item = Objection<'_>> {
        self.objections().filter(Objection::is_open)
    }

    /// Everything learned so far, oldest first.
    pub fn lessons(&self) -> Vec<Lesson<'_>> {
        let mut iteration = 1u32;
        let mut lessons = Vec::new();
        for entry in &self.journal {
            match &entry.event {
                CycleEvent::LessonLearned { lesson } => lessons.push(Lesson {
                    iteration,
                    text: lesson,
                }),
                CycleEvent::Advance {
                    to: Stage::RecognitionOfNeeds,
                } => iteration = iteration.saturating_add(1),
                _ => {}
            }
        }
        lessons
    }

    /// The options the economic evaluation must price: those built in the
    /// interview, else those of the visit plan, else none.
    pub fn known_options(&self) -> &[String] {
        known_options(self.journal.entries(), &self.progress.records)
    }

    /// The required steps of the current stage that are not done yet.
    pub fn missing_steps(&self) -> Vec<Step> {
        self.progress.missing_steps(&Rules::of(self.variant()))
    }

    /// The required steps that must come before `step` and are not done.
    pub fn missing_prerequisites(&self, step: Step) -> Vec<Step> {
        self.progress
            .missing_prerequisites(&Rules::of(self.variant()), step)
    }

    /// The technical phases whose order allows a run now: at first any phase
    /// up to the variant's latest start; then the same or an earlier phase
    /// again, or the next one once the last run did not fail.
    pub fn allowed_phases(&self) -> Vec<TechnicalPhase> {
        allowed_phases(
            &self.variant,
            last_run(self.journal.entries(), &self.progress.records),
        )
    }

    /// Applies one event at `entry.at` by `entry.actor`. On success the state
    /// changes and the entry is added to the journal; on refusal nothing
    /// changes and the error says why.
    pub fn apply(&mut self, entry: Entry<CycleEvent>) -> Result<(), CycleError> {
        let earlier = self.journal.entries();
        check_entry(&self.progress, earlier, &entry)?;
        let variant = self.adopted.as_deref().unwrap_or(&self.variant);
        self.progress
            .accept(&Rules::of(variant), earlier, &entry.event)?;
        if let CycleEvent::VariantAdopted { variant } = &entry.event {
            self.adopted = Some(variant.clone());
        }
        self.journal.push(entry);
        Ok(())
    }
}

/// A listed reason's key is checked against the list by the portfolio;
/// alone, a cycle checks only that it is a key.
fn check_reason_key(key: &str) -> Result<(), CycleError> {
    let ok = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(CycleError::BadReasonKey { key: key.into() })
    }
}

/// The checks every entry passes before its event: the cycle is open, the
/// entry is not older than the last one, and it names its actor.
fn check_entry(
    progress: &Progress,
    earlier: &[Entry<CycleEvent>],
    entry: &Entry<CycleEvent>,
) -> Result<(), CycleError> {
    if progress.outcome.is_final() {
        return Err(CycleError::Closed {
            outcome: progress.outcome,
        });
    }
    if let Some(last) = earlier.last() {
        if entry.at < last.at {
            return Err(CycleError::OutOfOrder(OutOfOrder {
                last: last.at,
                given: entry.at,
            }));
        }
    }
    if is_blank(&entry.actor) {
        return Err(CycleError::Blank {
            field: "actor".into(),
        });
    }
    Ok(())
}

fn latest_event<'a>(
    entries: &'a [Entry<CycleEvent>],
    records: &StepRecords,
    step: Step,
) -> Option<&'a CycleEvent> {
    let at = records.latest(step)?;
    entries.get(at as usize).map(|e| &e.event)
}

fn last_run<'a>(entries: &'a [Entry<CycleEvent>], records: &StepRecords) -> Option<&'a PhaseRun> {
    match latest_event(entries, records, Step::TechnicalEvaluation)? {
        CycleEvent::TechnicalPhaseRun(run) => Some(run),
        _ => None,
    }
}

fn known_options<'a>(entries: &'a [Entry<CycleEvent>], records: &StepRecords) -> &'a [String] {
    if let Some(CycleEvent::InterviewHeld(i)) = latest_event(entries, records, Step::Interview) {
        return &i.options;
    }
    if let Some(CycleEvent::VisitPlanned(p)) = latest_event(entries, records, Step::VisitPlanning) {
        return &p.product_options;
    }
    &[]
}

fn allowed_phases(variant: &CycleVariant, last: Option<&PhaseRun>) -> Vec<TechnicalPhase> {
    match last {
        None => TechnicalPhase::ALL
            .iter()
            .copied()
            .filter(|&p| p <= variant.latest_start_phase)
            .collect(),
        Some(last) => {
            let mut allowed: Vec<TechnicalPhase> = TechnicalPhase::ALL
                .iter()
                .copied()
                .filter(|&p| p <= last.phase)
                .collect();
            if last.result != PhaseResult::Failed {
                allowed.extend(last.phase.next());
            }
            allowed
        }
    }
}

/// Whether the trials may run `phase` after `last` (the rule of
/// [`allowed_phases`], without building the list).
fn phase_allowed(variant: &CycleVariant, last: Option<&PhaseRun>, phase: TechnicalPhase) -> bool {
    match last {
        None => phase <= variant.latest_start_phase,
        Some(last) => {
            phase <= last.phase
                || (last.result != PhaseResult::Failed && last.phase.next() == Some(phase))
        }
    }
}

/// The objections raised in `entries` (one iteration), with their
/// resolution when one of the entries resolved them.
fn objections(entries: &[Entry<CycleEvent>]) -> impl Iterator<Item = Objection<'_>> {
    entries.iter().filter_map(move |entry| match &entry.event {
        CycleEvent::ObjectionRaised { id, text } => Some(Objection {
            id,
            text,
            resolution: resolution(entries, id),
        }),
        _ => None,
    })
}

fn resolution<'a>(entries: &'a [Entry<CycleEvent>], id: &str) -> Option<&'a str> {
    entries.iter().find_map(|entry| match &entry.event {
        CycleEvent::ObjectionResolved { id: i, resolution } if i == id => Some(resolution.as_str()),
        _ => None,
    })
}

/// The variant a deal runs under, with its requirement of every step laid
/// out by step for the checks.
struct Rules<'a> {
    variant: &'a CycleVariant,
    requirements: RequirementTable,
}

impl<'a> Rules<'a> {
    fn of(variant: &'a CycleVariant) -> Self {
        Rules {
            variant,
            requirements: RequirementTable::of(variant),
        }
    }
}

impl Progress {
    fn missing_steps(&self, rules: &Rules<'_>) -> Vec<Step> {
        rules
            .requirements
            .required_steps(self.stage)
            .filter(|&s| !self.records.is_done(s))
            .collect()
    }

    fn missing_prerequisites(&self, rules: &Rules<'_>, step: Step) -> Vec<Step> {
        step.prerequisites()
            .iter()
            .copied()
            .filter(|&p| {
                rules.requirements.get(p) == StepRequirement::Required && !self.records.is_done(p)
            })
            .collect()
    }

    /// Checks `event` against the state (and the `earlier` entries it points
    /// into) and, only if every check passes, changes the state. The event
    /// will be the journal's next entry. Each arm does all its checks before
    /// its first write.
    fn accept(
        &mut self,
        rules: &Rules<'_>,
        earlier: &[Entry<CycleEvent>],
        event: &CycleEvent,
    ) -> Result<(), CycleError> {
        // Journals beyond u32::MAX entries are out of reach of any deal.
        let here = u32::try_from(earlier.len()).unwrap_or(u32::MAX);
        match event {
            CycleEvent::KnowledgeGathered(knowledge) => {
                self.check_step(rules, Step::Knowledge)?;
                knowledge.check()?;
                self.record(Step::Knowledge, here);
            }
            CycleEvent::InvestmentChecked(check) => {
                self.check_step(rules, Step::InvestmentCheck)?;
                check.check()?;
                self.record(Step::InvestmentCheck, here);
                self.records.not_worth_investing = !check.worth_investing;
            }
            CycleEvent::VisitPlanned(plan) => {
                self.check_step(rules, Step::VisitPlanning)?;
                plan.check()?;
                self.record(Step::VisitPlanning, here);
            }
            CycleEvent::InterviewHeld(interview) => {
                self.check_step(rules, Step::Interview)?;
                interview.check()?;
                self.record(Step::Interview, here);
            }
            CycleEvent::FrameworkAgreed(framework) => {
                self.check_step(rules, Step::EvaluationFramework)?;
                framework.check()?;
                self.record(Step::EvaluationFramework, here);
            }
            CycleEvent::JointTeamFormed(team) => {
                self.check_step(rules, Step::JointTeam)?;
                team.check()?;
                self.record(Step::JointTeam, here);
            }
            CycleEvent::TechnicalPhaseRun(run) => {
                self.check_step(rules, Step::TechnicalEvaluation)?;
                if self.records.trials_done {
                    return Err(CycleError::AlreadyDone {
                        step: Step::TechnicalEvaluation,
                    });
                }
                let last = last_run(earlier, &self.records);
                if !phase_allowed(rules.variant, last, run.phase) {
                    return Err(CycleError::PhaseOutOfOrder {
                        phase: run.phase,
                        allowed: allowed_phases(rules.variant, last),
                    });
                }
                self.record(Step::TechnicalEvaluation, here);
                if run.phase == TechnicalPhase::Plant && run.result != PhaseResult::Failed {
                    self.records.trials_done = true;
                }
            }
            CycleEvent::EconomicEvaluated(evaluation) => {
                self.check_step(rules, Step::EconomicEvaluation)?;
                evaluation.check(known_options(earlier, &self.records))?;
                self.record(Step::EconomicEvaluation, here);
            }
            CycleEvent::ResponsibilitiesAgreed(agreed) => {
                self.check_step(rules, Step::ResponsibilitiesAndGuarantees)?;
                agreed.check()?;
                self.record(Step::ResponsibilitiesAndGuarantees, here);
            }
            CycleEvent::StepCompleted { step, .. } => {
                if step.has_artefact() {
                    return Err(CycleError::ArtefactRequired { step: *step });
                }
                self.check_step(rules, *step)?;
                self.record(*step, here);
            }
            CycleEvent::ObjectionRaised { id, text } => {
                self.expect_stage(Stage::ResolvingConcerns)?;
                super::steps::filled("objection.id", id)?;
                super::steps::filled("objection.text", text)?;
                // One pass over the iteration's raised objections; the cap
                // keeps each event's look-ups, and so loading, linear.
                let mut raised = 0usize;
                for entry in self.iteration(earlier) {
                    if let CycleEvent::ObjectionRaised { id: other, .. } = &entry.event {
                        if other == id {
                            return Err(CycleError::DuplicateObjection { id: id.clone() });
                        }
                        raised += 1;
                    }
                }
                if raised >= crate::limits::MAX_OBJECTIONS {
                    return Err(CycleError::TooManyObjections { id: id.clone() });
                }
                self.records.open_objections = self.records.open_objections.saturating_add(1);
            }
            CycleEvent::ObjectionResolved { id, resolution } => {
                self.expect_stage(Stage::ResolvingConcerns)?;
                super::steps::filled("objection.resolution", resolution)?;
                let objection = objections(self.iteration(earlier))
                    .find(|o| o.id == id)
                    .ok_or_else(|| CycleError::UnknownObjection { id: id.clone() })?;
                if !objection.is_open() {
                    return Err(CycleError::ObjectionAlreadyResolved { id: id.clone() });
                }
                self.records.open_objections = self.records.open_objections.saturating_sub(1);
            }
            CycleEvent::CriticalSituationNoted {
                situation,
                handling,
            } => {
                self.expect_stage(Stage::ResolvingConcerns)?;
                super::steps::filled("situation", situation)?;
                super::steps::filled("handling", handling)?;
            }
            CycleEvent::ClientDecided { decision } => {
                self.expect_stage(Stage::ResolvingConcerns)?;
                self.check_stage_done(rules)?;
                if self.records.open_objections > 0 {
                    let open = objections(self.iteration(earlier))
                        .filter(Objection::is_open)
                        .map(|o| o.id.to_owned())
                        .collect();
                    return Err(CycleError::ObjectionsOpen { open });
                }
                self.records.decision = Some(*decision);
                match decision {
                    Decision::Agreement => {
                        self.outcome = Outcome::Agreement;
                        self.stage = Stage::Implementation;
                    }
                    Decision::NoAgreement => self.outcome = Outcome::NoAgreement,
                }
            }
            CycleEvent::DealModified { change } => {
                self.expect_stage(Stage::Implementation)?;
                super::steps::filled("change", change)?;
            }
            CycleEvent::DealCancelled { reason } => {
                self.expect_stage(Stage::Implementation)?;
                super::steps::filled("reason", reason)?;
                self.outcome = Outcome::Cancelled;
            }
            CycleEvent::LessonLearned { lesson } => {
                super::steps::filled("lesson", lesson)?;
            }
            CycleEvent::Advance { to } => self.advance(rules, *to, here)?,
            CycleEvent::InvestmentOverridden { reason } => {
                super::steps::filled("reason", reason)?;
                if !self.records.investment_refused() {
                    return Err(CycleError::NothingToOverride);
                }
                self.records.investment_override = Some(here);
            }
            CycleEvent::CycleEnded {
                ending,
                reason,
                listed,
            } => {
                if self.outcome != Outcome::Pending {
                    return Err(CycleError::AlreadyDecided {
                        outcome: self.outcome,
                    });
                }
                match listed {
                    Some(listed) => check_reason_key(&listed.key)?,
                    None if is_blank(reason) => return Err(CycleError::EndingWithoutReason),
                    None => {}
                }
                self.outcome = ending.outcome();
            }
            CycleEvent::VariantAdopted { variant } => {
                self.expect_new_iteration()?;
                variant.validate().map_err(CycleError::InvalidVariant)?;
            }
            CycleEvent::VariantDeclined { reason, .. } => {
                // Declining changes nothing in the iteration: it may be
                // recorded at any time.
                super::steps::filled("reason", reason)?;
            }
            CycleEvent::RelationshipClosed { reason } => {
                self.expect_stage(Stage::Evolution)?;
                self.check_stage_done(rules)?;
                super::steps::filled("reason", reason)?;
                self.completed_iterations = self.completed_iterations.saturating_add(1);
                self.outcome = Outcome::RelationshipClosed;
            }
        }
        Ok(())
    }

    /// The entries of the current iteration among `earlier`.
    fn iteration<'a>(&self, earlier: &'a [Entry<CycleEvent>]) -> &'a [Entry<CycleEvent>] {
        earlier
            .get(self.records.start as usize..)
            .unwrap_or_default()
    }

    fn record(&mut self, step: Step, at: u32) {
        self.records.latest[step as usize] = Some(at);
    }

    fn advance(&mut self, rules: &Rules<'_>, to: Stage, here: u32) -> Result<(), CycleError> {
        if self.stage == Stage::ResolvingConcerns {
            return Err(CycleError::DecisionRequired);
        }
        let expected = self.stage.next();
        if to != expected {
            return Err(CycleError::UnexpectedTarget {
                current: self.stage,
                expected,
                given: to,
            });
        }
        self.check_stage_done(rules)?;
        if self.stage == Stage::Evolution {
            // A new iteration: what was recorded belongs to the last one (the
            // journal keeps it); the lessons carry over.
            self.completed_iterations = self.completed_iterations.saturating_add(1);
            self.records = StepRecords::starting_at(here.saturating_add(1));
            self.outcome = Outcome::Pending;
        }
        self.stage = to;
        Ok(())
    }

    /// A later iteration that has not recorded any step yet.
    fn expect_new_iteration(&self) -> Result<(), CycleError> {
        let fresh = self.completed_iterations > 0
            && self.stage == Stage::RecognitionOfNeeds
            && self.records.latest.iter().all(Option::is_none);
        if fresh {
            Ok(())
        } else {
            Err(CycleError::VariantChangeMidIteration {
                iteration: self.completed_iterations.saturating_add(1),
            })
        }
    }

    fn expect_stage(&self, expected: Stage) -> Result<(), CycleError> {
        if self.stage != expected {
            return Err(CycleError::WrongStage {
                expected,
                current: self.stage,
            });
        }
        Ok(())
    }

    /// A step may be recorded when the variant does not skip it, the deal is
    /// in its stage, its required prerequisites are done and, for an
    /// investment-heavy step, no negative worth-investing check stands.
    fn check_step(&self, rules: &Rules<'_>, step: Step) -> Result<(), CycleError> {
        if rules.requirements.get(step) == StepRequirement::Skipped {
            return Err(CycleError::StepSkipped {
                step,
                customer_type: rules.variant.customer_type,
            });
        }
        self.expect_stage(step.stage())?;
        let ready = step.prerequisites().iter().all(|&p| {
            self.records.is_done(p) || rules.requirements.get(p) != StepRequirement::Required
        });
        if !ready {
            return Err(CycleError::PrerequisitesMissing {
                step,
                missing: self.missing_prerequisites(rules, step),
            });
        }
        if step.is_investment_heavy() && self.records.investment_refused() {
            return Err(CycleError::NotWorthInvesting { step });
        }
        Ok(())
    }

    fn check_stage_done(&self, rules: &Rules<'_>) -> Result<(), CycleError> {
        if rules
            .requirements
            .required_steps(self.stage)
            .any(|s| !self.records.is_done(s))
        {
            return Err(CycleError::StepsMissing {
                stage: self.stage,
                missing: self.missing_steps(rules),
            });
        }
        Ok(())
    }
}

/// A stored technical sale of any format version still read. Whatever the
/// version, the state is rebuilt from the journal; the stored state must
/// match it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredSale {
    format_version: u32,
    variant: CycleVariant,
    #[serde(default)]
    relationship: Option<RelationshipLevel>,
    stage: Stage,
    outcome: Outcome,
    completed_iterations: u32,
    records: StoredRecords,
    // Version 1 copied the lessons out of the journal.
    #[serde(default)]
    #[allow(dead_code)]
    lessons: serde::de::IgnoredAny,
    journal: Journal<CycleEvent>,
}

/// The records as stored: the current form, or version 1's copies of the
/// artefacts (rebuilt from the journal on loading).
#[derive(Deserialize)]
#[serde(untagged)]
enum StoredRecords {
    Current(StepRecords),
    Copied(serde::de::IgnoredAny),
}

impl<'de> Deserialize<'de> for TechnicalSale {
    /// Reads any format version still supported and rebuilds the state from
    /// the journal.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = StoredSale::deserialize(deserializer)?;
        TechnicalSale::try_from(stored).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<StoredSale> for TechnicalSale {
    type Error = String;

    fn try_from(stored: StoredSale) -> Result<Self, String> {
        if !(OLDEST_VERSION..=FORMAT_VERSION).contains(&stored.format_version) {
            return Err(format!(
                "unsupported {} format version {}; this library reads versions {OLDEST_VERSION} to {FORMAT_VERSION}",
                TechnicalSaleDocument::NAME_TEXT,
                stored.format_version
            ));
        }
        let sale = TechnicalSale::replay(stored.variant, stored.journal)
            .map_err(|e| format!("the journal does not replay: {e}"))?
            .with_relationship(stored.relationship);
        let progress = &sale.progress;
        let records_match = match (stored.format_version, &stored.records) {
            (FORMAT_VERSION, StoredRecords::Current(records)) => *records == progress.records,
            (FORMAT_VERSION, StoredRecords::Copied(_)) => false,
            _ => true,
        };
        if stored.stage != progress.stage
            || stored.outcome != progress.outcome
            || stored.completed_iterations != progress.completed_iterations
            || !records_match
        {
            return Err(
                "the stored state of the technical-sale cycle differs from its journal's replay"
                    .into(),
            );
        }
        Ok(sale)
    }
}

/// The stored technical-sale document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TechnicalSaleDocument;

impl TechnicalSaleDocument {
    const NAME_TEXT: &'static str = "technical-sale";
}

impl crate::format::Document for TechnicalSaleDocument {
    const NAME: &'static str = Self::NAME_TEXT;
    const SCHEMA_NAME: &'static str = "TechnicalSaleFormatVersion";
    const VERSION: u32 = FORMAT_VERSION;
}

type FormatVersion = crate::format::FormatVersion<TechnicalSaleDocument>;

/// The message for a technical-sale document that names a format version
/// this library does not read; `None` when the text is wrong in some other
/// way.
pub(crate) fn unsupported_version(json: &str) -> Option<String> {
    crate::format::other_version::<TechnicalSaleDocument>(json.as_bytes())
        .filter(|found| !(u64::from(OLDEST_VERSION)..=u64::from(FORMAT_VERSION)).contains(found))
        .map(|found| {
            format!(
                "unsupported {} format version {found}; this library reads versions {OLDEST_VERSION} to {FORMAT_VERSION}",
                TechnicalSaleDocument::NAME_TEXT
            )
        })
}
