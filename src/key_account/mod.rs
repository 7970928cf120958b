//! The six-stage key-account process: stages, key nodes, forcing, buying
//! influences, diagnosis and win probability.
//!
//! A key customer's procurement runs in six steps (internal demand and
//! approval, supplier screening, procurement index, bidding and evaluation,
//! purchase commitment, installation), and the sales process mirrors them
//! one to one: development, sales entry, proposal, bidding, business
//! negotiation, project implementation. Each stage ends at its key nodes;
//! a stage may be entered early only by forcing, which is recorded and cuts
//! the win probability. The modules:
//!
//! - [`stage`]: the stages, procurement steps and key nodes;
//! - [`definition`]: the tunable rules (bases, key nodes, penalty, coverage,
//!   grade factors), loadable from JSON;
//! - [`influence`]: buying influences and the coverage rule;
//! - [`process`]: the state machine, its events and journal: policy
//!   gating, nurture, booking and delivery, deal history;
//! - [`reason`]: the list of loss, withdrawal and cancellation reasons;
//! - [`forecast`]: forecast categories and the rules that derive them;
//! - [`probability`]: the win probability and its explanation;
//! - [`diagnosis`]: alignment with the customer and next actions;
//! - [`guidance`]: the work of each stage as a bilingual checklist.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use techsales::grading::Grade;
//! use techsales::journal::Entry;
//! use techsales::key_account::{
//!     KeyAccountEvent, KeyAccountProcess, KeyNode, ProcessDefinition, ProcurementStep, Stage,
//!     Verdict,
//! };
//!
//! let definition = ProcessDefinition::default();
//! let day = |d| Utc.with_ymd_and_hms(2026, 7, d, 9, 0, 0).unwrap();
//! let mut deal = KeyAccountProcess::new(day(1));
//!
//! // The customer is already screening suppliers...
//! deal.apply(&definition, Entry::new(day(2), "zhang", KeyAccountEvent::ProcurementStepObserved {
//!     step: ProcurementStep::SupplierScreening,
//! }))?;
//! // ...but we cannot follow before the opportunity is graded.
//! assert!(deal.apply(&definition, Entry::new(day(3), "zhang", KeyAccountEvent::Advanced)).is_err());
//! let diagnosis = deal.diagnose(&definition);
//! assert_eq!(diagnosis.verdict, Verdict::BehindCustomer);
//! assert_eq!(diagnosis.stages_missing_work, [Stage::Development]);
//!
//! deal.apply(&definition, Entry::new(day(4), "zhang", KeyAccountEvent::KeyNodeMet {
//!     node: KeyNode::OpportunityGraded,
//!     evidence: "evaluation model passed".into(),
//!     grade: Some(Grade::B),
//! }))?;
//! // Only A goes all out and enters the sales process: B moves on only by
//! // forcing, which is recorded and penalised.
//! assert!(deal.apply(&definition, Entry::new(day(5), "zhang", KeyAccountEvent::Advanced)).is_err());
//! deal.apply(&definition, Entry::new(day(5), "zhang", KeyAccountEvent::Regraded {
//!     grade: Grade::A,
//!     evidence: "evaluation re-run: budget approved".into(),
//! }))?;
//! deal.apply(&definition, Entry::new(day(5), "zhang", KeyAccountEvent::Advanced))?;
//! assert_eq!(deal.state().stage(), Stage::SalesEntry);
//! // Sales entry's 20%, less for entering while the customer was already
//! // screening suppliers (x0.9 by default).
//! let p = deal.win_probability(&definition).value;
//! assert!((p - 0.2 * 0.9).abs() < 1e-12);
//! # Ok::<(), techsales::key_account::KeyAccountError>(())
//! ```

pub mod definition;
pub mod diagnosis;
pub mod forecast;
mod from_grading;
pub mod guidance;
pub mod influence;
pub mod migration;
pub mod probability;
pub mod process;
pub mod reason;
pub mod stage;

pub use definition::{EarlyEntry, GradeFactors, InfluencePower, ProcessDefinition, StageRule};
pub use diagnosis::{
    diagnose, Diagnosis, NextAction, PolicyNote, Verdict, VetoWarning, ECONOMIC_BUYER_GUIDANCE,
};
pub use forecast::{derived_category, forecast_category, ForecastCategory, ForecastRules};
pub use guidance::{checklist, stage_goal, work_items, ChecklistItem, WorkItem};
pub use influence::{
    Attitude, BuyingInfluence, BuyingRole, Coverage, CoverageRule, InfluenceDegree,
};
pub use migration::Migration;
pub use probability::{win_probability, win_probability_value, Factor, FactorKind, WinProbability};
pub use process::{
    Booking, Cancellation, Closure, CrmStage, DealStatus, DeliveryStatus, Forcing,
    ForecastOverride, KeyAccountError, KeyAccountEvent, KeyAccountProcess, KeyNodeRecord,
    LoadError, NodeSource, Nurture, Outcome, ProcessState, ReplayError, Tracked, FORMAT_VERSION,
};
pub use reason::{Ending, Reason, ReasonDefinition, ReasonList};
pub use stage::{KeyNode, KeyNodeSet, PerStage, ProcurementStep, Stage};
