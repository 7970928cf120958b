//! The state of one deal in the cycle, and the one way to change it.

use serde::{Deserialize, Serialize};

use super::{
    CycleError, CycleEvent, CycleVariant, Decision, Lesson, Objection, Outcome, PhaseResult,
    PhaseRun, ReplayError, Stage, Step, StepRecords, StepRequirement, TechnicalPhase,
};
use crate::config::{ConfigError, Validate};
use crate::customer::CustomerType;
use crate::journal::{check_order, Entry, Journal};

/// The version of the serialised [`TechnicalSale`] this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// One deal with one customer, running through the cycle: the variant it
/// runs under, where it stands, what has been recorded in the current
/// iteration, what was learned, and the journal of every accepted event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TechnicalSale {
    format_version: FormatVersion,
    variant: CycleVariant,
    stage: Stage,
    outcome: Outcome,
    completed_iterations: u32,
    records: StepRecords,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    lessons: Vec<Lesson>,
    journal: Journal<CycleEvent>,
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

    fn start(variant: CycleVariant) -> Self {
        TechnicalSale {
            format_version: FormatVersion::CURRENT,
            variant,
            stage: Stage::RecognitionOfNeeds,
            outcome: Outcome::Pending,
            completed_iterations: 0,
            records: StepRecords::default(),
            lessons: Vec::new(),
            journal: Journal::new(),
        }
    }

    /// Rebuilds a deal by applying every entry of `journal`, in order, to a
    /// new deal under `variant`.
    pub fn replay(
        variant: CycleVariant,
        journal: &Journal<CycleEvent>,
    ) -> Result<Self, ReplayError> {
        let mut sale = Self::new(variant)?;
        sale.journal = Journal::with_capacity(journal.len());
        for (index, entry) in journal.iter().enumerate() {
            sale.apply(entry.clone())
                .map_err(|error| ReplayError::Refused { index, error })?;
        }
        Ok(sale)
    }

    /// The variant the deal runs under.
    pub fn variant(&self) -> &CycleVariant {
        &self.variant
    }

    /// The customer type of the deal.
    pub fn customer_type(&self) -> CustomerType {
        self.variant.customer_type
    }

    /// The current stage (for an ended cycle, the stage it ended in).
    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// Where the current iteration stands.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// Whether the cycle has ended (no agreement, or cancelled).
    pub fn is_closed(&self) -> bool {
        self.outcome.is_final()
    }

    /// The number of the current iteration, from 1.
    pub fn iteration(&self) -> u32 {
        self.completed_iterations.saturating_add(1)
    }

    /// How many iterations went all the way through evolution.
    pub fn completed_iterations(&self) -> u32 {
        self.completed_iterations
    }

    /// What has been recorded in the current iteration.
    pub fn records(&self) -> &StepRecords {
        &self.records
    }

    /// Everything learned so far, oldest first.
    pub fn lessons(&self) -> &[Lesson] {
        &self.lessons
    }

    /// Every accepted event, oldest first.
    pub fn journal(&self) -> &Journal<CycleEvent> {
        &self.journal
    }

    /// Whether `step` is done in the current iteration.
    pub fn is_done(&self, step: Step) -> bool {
        self.records.is_done(step)
    }

    /// The objections still open.
    pub fn open_objections(&self) -> impl Iterator<Item = &Objection> {
        self.records.open_objections()
    }

    /// The required steps of the current stage that are not done yet.
    pub fn missing_steps(&self) -> Vec<Step> {
        self.variant
            .required_steps(self.stage)
            .filter(|&s| !self.records.is_done(s))
            .collect()
    }

    /// The required steps that must come before `step` and are not done.
    pub fn missing_prerequisites(&self, step: Step) -> Vec<Step> {
        step.prerequisites()
            .iter()
            .copied()
            .filter(|&p| {
                self.variant.requirement(p) == StepRequirement::Required && !self.records.is_done(p)
            })
            .collect()
    }

    /// The technical phases whose order allows a run now: at first any phase
    /// up to the variant's latest start; then the same or an earlier phase
    /// again, or the next one once the last run did not fail.
    pub fn allowed_phases(&self) -> Vec<TechnicalPhase> {
        match self.records.technical_runs.last() {
            None => TechnicalPhase::ALL
                .iter()
                .copied()
                .filter(|&p| p <= self.variant.latest_start_phase)
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

    /// Applies one event at `entry.at` by `entry.actor`. On success the state
    /// changes and the entry is added to the journal; on refusal nothing
    /// changes and the error says why.
    pub fn apply(&mut self, entry: Entry<CycleEvent>) -> Result<(), CycleError> {
        if self.outcome.is_final() {
            return Err(CycleError::Closed {
                outcome: self.outcome,
            });
        }
        check_order(&self.journal, entry.at)?;
        if entry.actor.trim().is_empty() {
            return Err(CycleError::Blank {
                field: "actor".into(),
            });
        }
        self.accept(&entry.event)?;
        self.journal.push(entry);
        Ok(())
    }

    /// Checks the event and, only if every check passes, changes the state.
    /// Each arm does all its checks before its first write.
    fn accept(&mut self, event: &CycleEvent) -> Result<(), CycleError> {
        match event {
            CycleEvent::KnowledgeGathered(knowledge) => {
                self.check_step(Step::Knowledge)?;
                knowledge.check()?;
                self.records.knowledge = Some(knowledge.clone());
            }
            CycleEvent::InvestmentChecked(check) => {
                self.check_step(Step::InvestmentCheck)?;
                check.check()?;
                self.records.investment_check = Some(check.clone());
            }
            CycleEvent::VisitPlanned(plan) => {
                self.check_step(Step::VisitPlanning)?;
                plan.check()?;
                self.records.visit_plan = Some(plan.clone());
            }
            CycleEvent::InterviewHeld(interview) => {
                self.check_step(Step::Interview)?;
                interview.check()?;
                self.records.interview = Some(interview.clone());
            }
            CycleEvent::FrameworkAgreed(framework) => {
                self.check_step(Step::EvaluationFramework)?;
                framework.check()?;
                self.records.framework = Some(framework.clone());
            }
            CycleEvent::JointTeamFormed(team) => {
                self.check_step(Step::JointTeam)?;
                team.check()?;
                self.records.joint_team = Some(team.clone());
            }
            CycleEvent::TechnicalPhaseRun(run) => self.run_phase(run)?,
            CycleEvent::EconomicEvaluated(evaluation) => {
                self.check_step(Step::EconomicEvaluation)?;
                evaluation.check(self.records.known_options())?;
                self.records.economic = Some(evaluation.clone());
            }
            CycleEvent::ResponsibilitiesAgreed(agreed) => {
                self.check_step(Step::ResponsibilitiesAndGuarantees)?;
                agreed.check()?;
                self.records.responsibilities = Some(agreed.clone());
            }
            CycleEvent::StepCompleted { step, summary } => {
                if step.has_artefact() {
                    return Err(CycleError::ArtefactRequired { step: *step });
                }
                self.check_step(*step)?;
                self.records
                    .summaries
                    .entry(*step)
                    .or_default()
                    .push(summary.clone());
            }
            CycleEvent::ObjectionRaised { id, text } => {
                self.expect_stage(Stage::ResolvingConcerns)?;
                super::steps::filled("objection.id", id)?;
                super::steps::filled("objection.text", text)?;
                if self.records.objections.iter().any(|o| o.id == *id) {
                    return Err(CycleError::DuplicateObjection { id: id.clone() });
                }
                // The cap keeps each event's look-ups, and so loading, linear.
                if self.records.objections.len() >= crate::limits::MAX_OBJECTIONS {
                    return Err(CycleError::TooManyObjections { id: id.clone() });
                }
                self.records.objections.push(Objection {
                    id: id.clone(),
                    text: text.clone(),
                    resolution: None,
                });
            }
            CycleEvent::ObjectionResolved { id, resolution } => {
                self.expect_stage(Stage::ResolvingConcerns)?;
                super::steps::filled("objection.resolution", resolution)?;
                let objection = self
                    .records
                    .objections
                    .iter_mut()
                    .find(|o| o.id == *id)
                    .ok_or_else(|| CycleError::UnknownObjection { id: id.clone() })?;
                if !objection.is_open() {
                    return Err(CycleError::ObjectionAlreadyResolved { id: id.clone() });
                }
                objection.resolution = Some(resolution.clone());
            }
            CycleEvent::ClientDecided { decision } => {
                self.expect_stage(Stage::ResolvingConcerns)?;
                self.check_stage_done()?;
                let open: Vec<String> = self.open_objections().map(|o| o.id.clone()).collect();
                if !open.is_empty() {
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
                self.records.modifications.push(change.clone());
            }
            CycleEvent::DealCancelled { reason } => {
                self.expect_stage(Stage::Implementation)?;
                super::steps::filled("reason", reason)?;
                self.outcome = Outcome::Cancelled;
            }
            CycleEvent::LessonLearned { lesson } => {
                super::steps::filled("lesson", lesson)?;
                self.lessons.push(Lesson {
                    iteration: self.iteration(),
                    text: lesson.clone(),
                });
            }
            CycleEvent::Advance { to } => self.advance(*to)?,
        }
        Ok(())
    }

    fn run_phase(&mut self, run: &PhaseRun) -> Result<(), CycleError> {
        self.check_step(Step::TechnicalEvaluation)?;
        if self.records.is_done(Step::TechnicalEvaluation) {
            return Err(CycleError::AlreadyDone {
                step: Step::TechnicalEvaluation,
            });
        }
        let allowed = self.allowed_phases();
        if !allowed.contains(&run.phase) {
            return Err(CycleError::PhaseOutOfOrder {
                phase: run.phase,
                allowed,
            });
        }
        self.records.technical_runs.push(run.clone());
        Ok(())
    }

    fn advance(&mut self, to: Stage) -> Result<(), CycleError> {
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
        self.check_stage_done()?;
        if self.stage == Stage::Evolution {
            // A new iteration: what was recorded belongs to the last one (the
            // journal keeps it); the lessons carry over.
            self.completed_iterations = self.completed_iterations.saturating_add(1);
            self.records = StepRecords::default();
            self.outcome = Outcome::Pending;
        }
        self.stage = to;
        Ok(())
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
    /// in its stage and its required prerequisites are done.
    fn check_step(&self, step: Step) -> Result<(), CycleError> {
        if self.variant.requirement(step) == StepRequirement::Skipped {
            return Err(CycleError::StepSkipped {
                step,
                customer_type: self.variant.customer_type,
            });
        }
        self.expect_stage(step.stage())?;
        let missing = self.missing_prerequisites(step);
        if !missing.is_empty() {
            return Err(CycleError::PrerequisitesMissing { step, missing });
        }
        Ok(())
    }

    fn check_stage_done(&self) -> Result<(), CycleError> {
        let missing = self.missing_steps();
        if !missing.is_empty() {
            return Err(CycleError::StepsMissing {
                stage: self.stage,
                missing,
            });
        }
        Ok(())
    }
}

/// The stored technical-sale document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TechnicalSaleDocument;

impl crate::format::Document for TechnicalSaleDocument {
    const NAME: &'static str = "technical-sale";
    const SCHEMA_NAME: &'static str = "TechnicalSaleFormatVersion";
    const VERSION: u32 = FORMAT_VERSION;
}

type FormatVersion = crate::format::FormatVersion<TechnicalSaleDocument>;

/// The message for a technical-sale document that names another format
/// version; `None` when the text is wrong in some other way.
pub(crate) fn unsupported_version(json: &str) -> Option<String> {
    crate::format::other_version::<TechnicalSaleDocument>(json.as_bytes())
        .map(crate::format::unsupported::<TechnicalSaleDocument>)
}
