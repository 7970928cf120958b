//! The five-stage technical-sale cycle, as a typed state machine.
//!
//! A deal with one customer runs through five stages, again and again:
//! recognition of needs, evaluating options, resolving concerns (ending in
//! the client's decision), implementation and evolution, after which a new
//! iteration starts at recognition with what was learned. Each stage is made
//! of steps; some steps produce a typed artefact (a visit plan that answers
//! the seven questions, technical trial phases run in order, objections that
//! must all be resolved before the client decides).
//!
//! Each customer type runs its own variant of the cycle ([`CycleVariant`]):
//! for every step, whether it is required, optional or skipped. The state
//! ([`TechnicalSale`]) changes only through [`TechnicalSale::apply`], which
//! either accepts an event and records it in the deal's journal, or refuses
//! it with a [`CycleError`] that says why and leaves the state as it was.
//! Replaying the journal rebuilds the same state, and
//! [`TechnicalSale::guidance`] lists what remains to do.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use techsales::customer::CustomerType;
//! use techsales::cycle::{CycleError, CycleEvent, CycleVariant, Stage, Step, TechnicalSale};
//! use techsales::journal::Entry;
//!
//! let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
//! let mut deal = TechnicalSale::new(CycleVariant::default_for(CustomerType::Strategic))?;
//! assert_eq!(deal.stage(), Stage::RecognitionOfNeeds);
//!
//! // Moving on before the stage's required steps are done is refused, and
//! // the refusal names what is missing.
//! let err = deal
//!     .apply(Entry::new(at, "li.wei", CycleEvent::Advance { to: Stage::EvaluatingOptions }))
//!     .unwrap_err();
//! assert_eq!(
//!     err,
//!     CycleError::StepsMissing {
//!         stage: Stage::RecognitionOfNeeds,
//!         missing: vec![Step::Knowledge, Step::VisitPlanning, Step::Interview],
//!     }
//! );
//! assert!(deal.journal().is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod event;
mod guidance;
mod machine;
mod opening;
mod steps;
mod variant;

pub use error::{CycleError, ReplayError};
pub use event::{CycleEvent, EventKind};
pub use guidance::{Guidance, GuidanceAction, OpenItem};
pub(crate) use machine::unsupported_version;
pub use machine::{TechnicalSale, FORMAT_VERSION};
pub use opening::CycleOpening;
pub use steps::{
    Commitments, CriticalSituation, EconomicEvaluation, EvaluationFramework, Interview,
    InvestmentCheck, JointTeam, Knowledge, KnowledgeArea, Lesson, Objection, OptionEconomics,
    PhaseResult, PhaseRun, Responsibilities, Scope, StepRecords, Swot, TechnicalPhase, VisitPlan,
    VisitQuestion,
};
pub use variant::{CycleVariant, CycleVariants, StepRequirement};

use crate::labelled_enum;
use crate::labels::Text;

labelled_enum! {
    /// One of the five stages of the technical-sale cycle.
    pub enum Stage {
        /// Learn the product, the market and the client, plan the visit and
        /// find the real needs.
        RecognitionOfNeeds = 0, "recognition_of_needs" => ("Recognition of needs", "需求识别"),
        /// Evaluate the options technically and economically, inside a
        /// framework agreed with the client.
        EvaluatingOptions = 1, "evaluating_options" => ("Evaluating options", "方案评估"),
        /// Present the results, settle objections and agree responsibilities;
        /// ends with the client's decision.
        ResolvingConcerns = 2, "resolving_concerns" => ("Resolving concerns", "疑虑化解"),
        /// Put the product-service to work at the client.
        Implementation = 3, "implementation" => ("Implementation", "实施"),
        /// Follow up and verify; then the cycle starts again.
        Evolution = 4, "evolution" => ("Evolution (follow-up and verification)", "演进（跟进与验证）"),
    }
}

impl Stage {
    /// The stage that follows; evolution is followed by recognition of needs.
    pub fn next(self) -> Stage {
        match self {
            Stage::RecognitionOfNeeds => Stage::EvaluatingOptions,
            Stage::EvaluatingOptions => Stage::ResolvingConcerns,
            Stage::ResolvingConcerns => Stage::Implementation,
            Stage::Implementation => Stage::Evolution,
            Stage::Evolution => Stage::RecognitionOfNeeds,
        }
    }

    /// The steps of this stage, in their usual order.
    pub fn steps(self) -> &'static [Step] {
        match self {
            Stage::RecognitionOfNeeds => &[
                Step::Knowledge,
                Step::InvestmentCheck,
                Step::VisitPlanning,
                Step::Interview,
            ],
            Stage::EvaluatingOptions => &[
                Step::EvaluationFramework,
                Step::JointTeam,
                Step::TechnicalEvaluation,
                Step::EconomicEvaluation,
            ],
            Stage::ResolvingConcerns => &[Step::Presentation, Step::ResponsibilitiesAndGuarantees],
            Stage::Implementation => &[
                Step::Assembly,
                Step::Accompaniment,
                Step::ProblemSolving,
                Step::PerformanceEvaluation,
                Step::Adjustments,
            ],
            Stage::Evolution => &[
                Step::FollowUp,
                Step::ConditionsVerification,
                Step::AfterSales,
            ],
        }
    }
}

labelled_enum! {
    /// One step of a stage. Whether it is required, optional or skipped is
    /// set by the customer type's [`CycleVariant`].
    pub enum Step {
        /// Knowledge of the product-service, the environment, our company, the
        /// competition and the client, with a SWOT of us and of the competition.
        Knowledge = 0, "knowledge" => ("Knowledge and SWOT", "知识与SWOT分析"),
        /// Whether the account is worth investing in (market-takers).
        InvestmentCheck = 1, "investment_check" => ("Worth-investing check", "投入价值评估"),
        /// The visit plan: the seven questions, scope, options and price.
        VisitPlanning = 2, "visit_planning" => ("Visit planning", "拜访计划"),
        /// The interview where real needs are found and options built together.
        Interview = 3, "interview" => ("Needs interview", "需求访谈"),
        /// The evaluation framework and reference agreed with the client.
        EvaluationFramework = 4, "evaluation_framework" => ("Evaluation framework agreed with the client", "与客户商定的评估框架"),
        /// A joint multidisciplinary team with people from both sides.
        JointTeam = 5, "joint_team" => ("Joint multidisciplinary team", "联合多学科团队"),
        /// Trials in order: laboratory, pilot plant, plant.
        TechnicalEvaluation = 6, "technical_evaluation" => ("Technical evaluation", "技术评估"),
        /// The proposal and the economics of each option.
        EconomicEvaluation = 7, "economic_evaluation" => ("Economic evaluation", "经济评估"),
        /// Presentation of the results and proposals.
        Presentation = 8, "presentation" => ("Presentation of results and proposals", "结果与方案陈述"),
        /// Responsibilities and guarantees of both sides, agreed.
        ResponsibilitiesAndGuarantees = 9, "responsibilities_and_guarantees" => ("Responsibilities and guarantees agreed", "双方责任与保证的约定"),
        /// Assembly and start-up at the client.
        Assembly = 10, "assembly" => ("Assembly", "安装"),
        /// Staying with the client while the product-service goes into use.
        Accompaniment = 11, "accompaniment" => ("Accompaniment", "陪同支持"),
        /// Solving the problems that come up.
        ProblemSolving = 12, "problem_solving" => ("Problem solving", "问题解决"),
        /// Evaluating performance against what was agreed.
        PerformanceEvaluation = 13, "performance_evaluation" => ("Performance evaluation", "性能评估"),
        /// Adjusting the product-service to the results.
        Adjustments = 14, "adjustments" => ("Adjustments", "调整"),
        /// Following the client up after delivery.
        FollowUp = 15, "follow_up" => ("Follow-up", "跟进"),
        /// Verifying that the agreed conditions are met.
        ConditionsVerification = 16, "conditions_verification" => ("Verification of agreed conditions", "约定条件核查"),
        /// After-sales service, logistics and continuous improvement.
        AfterSales = 17, "after_sales" => ("After-sales service", "售后服务"),
    }
}

impl Step {
    /// The stage this step belongs to.
    pub fn stage(self) -> Stage {
        match self {
            Step::Knowledge | Step::InvestmentCheck | Step::VisitPlanning | Step::Interview => {
                Stage::RecognitionOfNeeds
            }
            Step::EvaluationFramework
            | Step::JointTeam
            | Step::TechnicalEvaluation
            | Step::EconomicEvaluation => Stage::EvaluatingOptions,
            Step::Presentation | Step::ResponsibilitiesAndGuarantees => Stage::ResolvingConcerns,
            Step::Assembly
            | Step::Accompaniment
            | Step::ProblemSolving
            | Step::PerformanceEvaluation
            | Step::Adjustments => Stage::Implementation,
            Step::FollowUp | Step::ConditionsVerification | Step::AfterSales => Stage::Evolution,
        }
    }

    /// The steps of the same stage that must come first (when the variant
    /// requires them): the visit is planned before the interview, the
    /// framework is agreed before the trials, and so on.
    pub fn prerequisites(self) -> &'static [Step] {
        match self {
            Step::InvestmentCheck => &[Step::Knowledge],
            Step::VisitPlanning => &[Step::Knowledge, Step::InvestmentCheck],
            Step::Interview => &[Step::VisitPlanning],
            Step::TechnicalEvaluation => &[Step::EvaluationFramework, Step::JointTeam],
            Step::EconomicEvaluation => &[Step::EvaluationFramework, Step::TechnicalEvaluation],
            Step::ResponsibilitiesAndGuarantees => &[Step::Presentation],
            Step::Accompaniment | Step::ProblemSolving | Step::PerformanceEvaluation => {
                &[Step::Assembly]
            }
            Step::Adjustments => &[Step::PerformanceEvaluation],
            _ => &[],
        }
    }

    /// Whether the step spends enough on the account that a negative
    /// worth-investing check holds it back until someone overrides the
    /// check (choice: the joint team, the technical trials, accompaniment
    /// during implementation and after-sales service; the price-led offer
    /// stays open).
    pub fn is_investment_heavy(self) -> bool {
        matches!(
            self,
            Step::JointTeam | Step::TechnicalEvaluation | Step::Accompaniment | Step::AfterSales
        )
    }

    /// Whether this step is recorded with its own typed event. The other
    /// steps are recorded with [`CycleEvent::StepCompleted`] and a summary.
    pub fn has_artefact(self) -> bool {
        matches!(
            self,
            Step::Knowledge
                | Step::InvestmentCheck
                | Step::VisitPlanning
                | Step::Interview
                | Step::EvaluationFramework
                | Step::JointTeam
                | Step::TechnicalEvaluation
                | Step::EconomicEvaluation
                | Step::ResponsibilitiesAndGuarantees
        )
    }

    /// What to do for this step, in both languages.
    pub fn guidance(self) -> Text {
        match self {
            Step::Knowledge => Text {
                en: "Build knowledge of the product-service, the environment, our company, the competition and the client, with a SWOT of our company and of the competition.",
                zh: "掌握产品与服务、行业环境、本公司、竞争对手和客户的情况，并完成本公司与竞争对手的SWOT分析。",
            },
            Step::InvestmentCheck => Text {
                en: "Check whether the account is worth investing in before spending effort beyond a price-led offer.",
                zh: "在价格导向的报价之外投入更多资源之前，先评估该客户是否值得投入。",
            },
            Step::VisitPlanning => Text {
                en: "Plan the visit: answer what, who, how much, when, where, how and why; set the scope, the product options and a price estimate.",
                zh: "规划拜访：回答做什么、找谁、多少、何时、何地、如何做、为什么；确定范围、产品方案和价格估算。",
            },
            Step::Interview => Text {
                en: "Interview the client to find the real needs and build the options together.",
                zh: "与客户面谈，找出真实需求，并与客户共同构建方案。",
            },
            Step::EvaluationFramework => Text {
                en: "Agree with the client how the options will be evaluated and against which reference.",
                zh: "与客户商定方案的评估方式和参照基准。",
            },
            Step::JointTeam => Text {
                en: "Form a joint team with people from both sides and the disciplines the trials need.",
                zh: "组建由双方人员组成、涵盖试验所需专业的联合团队。",
            },
            Step::TechnicalEvaluation => Text {
                en: "Trial the options in order: laboratory, pilot plant, then plant.",
                zh: "按顺序试验方案：先实验室，再中试装置，最后工厂。",
            },
            Step::EconomicEvaluation => Text {
                en: "From the technical results, write the proposal and work out the price and impact of each option.",
                zh: "根据技术结果编写方案建议，并测算每个方案的价格与影响。",
            },
            Step::Presentation => Text {
                en: "Present the results and the proposals, with the arguments behind them.",
                zh: "陈述结果与方案建议，并说明其依据。",
            },
            Step::ResponsibilitiesAndGuarantees => Text {
                en: "Agree clearly and completely what each side is responsible for and what it guarantees.",
                zh: "清晰、完整地商定双方各自的责任与保证。",
            },
            Step::Assembly => Text {
                en: "Install and start up the product-service at the client.",
                zh: "在客户现场完成产品与服务的安装和启用。",
            },
            Step::Accompaniment => Text {
                en: "Stay with the client while the product-service goes into use.",
                zh: "在产品与服务投入使用期间陪同支持客户。",
            },
            Step::ProblemSolving => Text {
                en: "Solve the problems that come up during implementation.",
                zh: "解决实施过程中出现的问题。",
            },
            Step::PerformanceEvaluation => Text {
                en: "Evaluate the performance against what was agreed.",
                zh: "对照约定内容评估实际性能。",
            },
            Step::Adjustments => Text {
                en: "Adjust the product-service where the results call for it.",
                zh: "根据结果需要调整产品与服务。",
            },
            Step::FollowUp => Text {
                en: "Keep following the client up after delivery.",
                zh: "交付后持续跟进客户。",
            },
            Step::ConditionsVerification => Text {
                en: "Verify that the agreed conditions are being met, on both sides.",
                zh: "核实双方是否履行了约定条件。",
            },
            Step::AfterSales => Text {
                en: "Provide after-sales service, logistics and continuous improvement.",
                zh: "提供售后服务、物流保障与持续改进。",
            },
        }
    }
}

labelled_enum! {
    /// The client's decision at the end of resolving concerns.
    pub enum Decision {
        /// The client agrees: the deal goes to implementation.
        Agreement = 0, "agreement" => ("Agreement", "达成协议"),
        /// The client does not agree: the cycle ends, lost.
        NoAgreement = 1, "no_agreement" => ("No agreement", "未达成协议"),
    }
}

labelled_enum! {
    /// Where the current iteration of a deal stands.
    pub enum Outcome {
        /// The client has not decided yet in this iteration.
        Pending = 0, "pending" => ("Pending decision", "待决策"),
        /// The client agreed; implementation and evolution follow.
        Agreement = 1, "agreement" => ("Agreement", "达成协议"),
        /// The client did not agree: the cycle ended, lost.
        NoAgreement = 2, "no_agreement" => ("No agreement (lost)", "未达成协议（丢单）"),
        /// The deal was cancelled during implementation: the cycle ended.
        Cancelled = 3, "cancelled" => ("Cancelled during implementation", "实施中取消"),
        /// We stopped before the client's decision: the cycle ended.
        Abandoned = 4, "abandoned" => ("Abandoned before the decision", "决策前放弃"),
        /// The deal was lost before the client's decision (another supplier
        /// chosen, the project dropped): the cycle ended.
        Lost = 5, "lost" => ("Lost before the decision", "决策前丢单"),
        /// Evolution was completed and the relationship's cycle closed
        /// instead of starting again.
        RelationshipClosed = 6, "relationship_closed" => ("Relationship's cycle closed", "合作循环已结束"),
    }
}

impl Outcome {
    /// Whether the cycle has ended and accepts no more events.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Outcome::NoAgreement
                | Outcome::Cancelled
                | Outcome::Abandoned
                | Outcome::Lost
                | Outcome::RelationshipClosed
        )
    }
}

labelled_enum! {
    /// How a cycle ends before the client's decision.
    pub enum CycleEnding {
        /// We stop: the account or the need is not worth going on with.
        Abandoned = 0, "abandoned" => ("Abandoned", "放弃"),
        /// The client goes elsewhere or drops the project.
        Lost = 1, "lost" => ("Lost", "丢单"),
    }
}

impl CycleEnding {
    /// The outcome a cycle ended this way has.
    pub fn outcome(self) -> Outcome {
        match self {
            CycleEnding::Abandoned => Outcome::Abandoned,
            CycleEnding::Lost => Outcome::Lost,
        }
    }
}
