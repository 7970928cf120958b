//! The events that move a deal through the cycle.

use serde::{Deserialize, Serialize};

use super::{
    CycleEnding, CycleVariant, Decision, EconomicEvaluation, EvaluationFramework, Interview,
    InvestmentCheck, JointTeam, Knowledge, PhaseRun, Responsibilities, Stage, Step, VisitPlan,
};
use crate::customer::CustomerType;
use crate::key_account::Reason;
use crate::labelled_enum;

/// Something that happened in a deal. Events are applied with
/// [`TechnicalSale::apply`](super::TechnicalSale::apply), which accepts or
/// refuses them. Recording a step's artefact again while its stage is
/// current revises it (a corrected visit plan, say); the journal keeps every
/// version. Technical phase runs are the exception: each is a new run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case", deny_unknown_fields)]
pub enum CycleEvent {
    /// Knowledge and SWOT gathered (recognition of needs).
    KnowledgeGathered(Knowledge),
    /// The account was checked for whether it is worth investing in.
    InvestmentChecked(InvestmentCheck),
    /// The visit was planned.
    VisitPlanned(VisitPlan),
    /// The interview with the client was held.
    InterviewHeld(Interview),
    /// The evaluation framework was agreed with the client.
    FrameworkAgreed(EvaluationFramework),
    /// A joint team was formed.
    JointTeamFormed(JointTeam),
    /// A technical trial phase was run.
    TechnicalPhaseRun(PhaseRun),
    /// The economic evaluation was made.
    EconomicEvaluated(EconomicEvaluation),
    /// Responsibilities and guarantees were agreed.
    ResponsibilitiesAgreed(Responsibilities),
    /// A step without a typed artefact was done (presentation,
    /// implementation and evolution steps). May be recorded again, for
    /// example for each problem solved.
    StepCompleted {
        /// The step.
        step: Step,
        /// What was done.
        #[serde(default)]
        summary: String,
    },
    /// The client raised an objection.
    ObjectionRaised {
        /// The CRM's id for it, unique in the iteration.
        id: String,
        /// What the client objects to.
        text: String,
    },
    /// An objection was resolved.
    ObjectionResolved {
        /// The objection's id.
        id: String,
        /// How it was resolved.
        resolution: String,
    },
    /// The client decided.
    ClientDecided {
        /// Agreement or not.
        decision: Decision,
    },
    /// The deal was modified by the results of implementation.
    DealModified {
        /// What changed.
        change: String,
    },
    /// The deal was cancelled during implementation.
    DealCancelled {
        /// Why.
        reason: String,
    },
    /// Something was learned that the next iterations should carry.
    LessonLearned {
        /// What was learned.
        lesson: String,
    },
    /// The current stage is done; move to the next one (from evolution, the
    /// next iteration starts at recognition of needs).
    Advance {
        /// The stage to move to; must be the one that follows.
        to: Stage,
    },
    /// A negative worth-investing check is overridden: the investment-heavy
    /// steps open up in this iteration.
    InvestmentOverridden {
        /// Why we invest anyway.
        reason: String,
    },
    /// While resolving concerns, a situation that could become critical was
    /// noted with how it will be handled.
    CriticalSituationNoted {
        /// What could go wrong.
        situation: String,
        /// How it will be handled.
        handling: String,
    },
    /// The cycle ended before the client's decision.
    CycleEnded {
        /// Abandoned or lost.
        ending: CycleEnding,
        /// Why, in the user's words (may be empty when a listed reason is
        /// given).
        reason: String,
        /// The reason from the reason list (an abandoned cycle takes the
        /// list's withdrawal reasons, a lost one its loss reasons), when the
        /// cycle belongs to a portfolio that has the list; a portfolio
        /// checks the key.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        listed: Option<Box<Reason>>,
    },
    /// Evolution is done and the relationship's cycle closes instead of
    /// starting again.
    RelationshipClosed {
        /// Why.
        reason: String,
    },
    /// A new iteration, before any of its steps, runs under another
    /// variant: the one offered after the account changed type. The
    /// iterations before keep theirs.
    VariantAdopted {
        /// The variant from now on.
        variant: Box<CycleVariant>,
    },
    /// A variant offered for a later iteration was declined: the cycle
    /// keeps the variant it has.
    VariantDeclined {
        /// The type whose variant was offered.
        offered: CustomerType,
        /// Why.
        reason: String,
    },
}

labelled_enum! {
    /// The kind of a [`CycleEvent`], without its data.
    pub enum EventKind {
        /// [`CycleEvent::KnowledgeGathered`].
        KnowledgeGathered = 0, "knowledge_gathered" => ("Knowledge gathered", "已掌握相关知识"),
        /// [`CycleEvent::InvestmentChecked`].
        InvestmentChecked = 1, "investment_checked" => ("Worth-investing check made", "已完成投入价值评估"),
        /// [`CycleEvent::VisitPlanned`].
        VisitPlanned = 2, "visit_planned" => ("Visit planned", "已制定拜访计划"),
        /// [`CycleEvent::InterviewHeld`].
        InterviewHeld = 3, "interview_held" => ("Interview held", "已进行需求访谈"),
        /// [`CycleEvent::FrameworkAgreed`].
        FrameworkAgreed = 4, "framework_agreed" => ("Evaluation framework agreed", "已商定评估框架"),
        /// [`CycleEvent::JointTeamFormed`].
        JointTeamFormed = 5, "joint_team_formed" => ("Joint team formed", "已组建联合团队"),
        /// [`CycleEvent::TechnicalPhaseRun`].
        TechnicalPhaseRun = 6, "technical_phase_run" => ("Technical phase run", "已进行技术试验阶段"),
        /// [`CycleEvent::EconomicEvaluated`].
        EconomicEvaluated = 7, "economic_evaluated" => ("Economic evaluation made", "已完成经济评估"),
        /// [`CycleEvent::ResponsibilitiesAgreed`].
        ResponsibilitiesAgreed = 8, "responsibilities_agreed" => ("Responsibilities and guarantees agreed", "已商定责任与保证"),
        /// [`CycleEvent::StepCompleted`].
        StepCompleted = 9, "step_completed" => ("Step completed", "步骤已完成"),
        /// [`CycleEvent::ObjectionRaised`].
        ObjectionRaised = 10, "objection_raised" => ("Objection raised", "客户提出异议"),
        /// [`CycleEvent::ObjectionResolved`].
        ObjectionResolved = 11, "objection_resolved" => ("Objection resolved", "异议已化解"),
        /// [`CycleEvent::ClientDecided`].
        ClientDecided = 12, "client_decided" => ("Client decided", "客户已决策"),
        /// [`CycleEvent::DealModified`].
        DealModified = 13, "deal_modified" => ("Deal modified", "交易已修改"),
        /// [`CycleEvent::DealCancelled`].
        DealCancelled = 14, "deal_cancelled" => ("Deal cancelled", "交易已取消"),
        /// [`CycleEvent::LessonLearned`].
        LessonLearned = 15, "lesson_learned" => ("Lesson learned", "已总结经验"),
        /// [`CycleEvent::Advance`].
        Advance = 16, "advance" => ("Moved to the next stage", "进入下一阶段"),
        /// [`CycleEvent::InvestmentOverridden`].
        InvestmentOverridden = 17, "investment_overridden" => ("Worth-investing check overridden", "已否决投入价值评估结论"),
        /// [`CycleEvent::CriticalSituationNoted`].
        CriticalSituationNoted = 18, "critical_situation_noted" => ("Critical situation noted", "已记录潜在关键情况"),
        /// [`CycleEvent::CycleEnded`].
        CycleEnded = 19, "cycle_ended" => ("Cycle ended before the decision", "决策前结束循环"),
        /// [`CycleEvent::RelationshipClosed`].
        RelationshipClosed = 20, "relationship_closed" => ("Relationship's cycle closed", "合作循环已结束"),
        /// [`CycleEvent::VariantAdopted`].
        VariantAdopted = 21, "variant_adopted" => ("Variant adopted for the new iteration", "新一轮采用新的循环变体"),
        /// [`CycleEvent::VariantDeclined`].
        VariantDeclined = 22, "variant_declined" => ("Offered variant declined", "已拒绝提供的循环变体"),
    }
}

impl CycleEvent {
    /// The kind of this event.
    pub fn kind(&self) -> EventKind {
        match self {
            CycleEvent::KnowledgeGathered(_) => EventKind::KnowledgeGathered,
            CycleEvent::InvestmentChecked(_) => EventKind::InvestmentChecked,
            CycleEvent::VisitPlanned(_) => EventKind::VisitPlanned,
            CycleEvent::InterviewHeld(_) => EventKind::InterviewHeld,
            CycleEvent::FrameworkAgreed(_) => EventKind::FrameworkAgreed,
            CycleEvent::JointTeamFormed(_) => EventKind::JointTeamFormed,
            CycleEvent::TechnicalPhaseRun(_) => EventKind::TechnicalPhaseRun,
            CycleEvent::EconomicEvaluated(_) => EventKind::EconomicEvaluated,
            CycleEvent::ResponsibilitiesAgreed(_) => EventKind::ResponsibilitiesAgreed,
            CycleEvent::StepCompleted { .. } => EventKind::StepCompleted,
            CycleEvent::ObjectionRaised { .. } => EventKind::ObjectionRaised,
            CycleEvent::ObjectionResolved { .. } => EventKind::ObjectionResolved,
            CycleEvent::ClientDecided { .. } => EventKind::ClientDecided,
            CycleEvent::DealModified { .. } => EventKind::DealModified,
            CycleEvent::DealCancelled { .. } => EventKind::DealCancelled,
            CycleEvent::LessonLearned { .. } => EventKind::LessonLearned,
            CycleEvent::Advance { .. } => EventKind::Advance,
            CycleEvent::InvestmentOverridden { .. } => EventKind::InvestmentOverridden,
            CycleEvent::CriticalSituationNoted { .. } => EventKind::CriticalSituationNoted,
            CycleEvent::CycleEnded { .. } => EventKind::CycleEnded,
            CycleEvent::RelationshipClosed { .. } => EventKind::RelationshipClosed,
            CycleEvent::VariantAdopted { .. } => EventKind::VariantAdopted,
            CycleEvent::VariantDeclined { .. } => EventKind::VariantDeclined,
        }
    }
}
