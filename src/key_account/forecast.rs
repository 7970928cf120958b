//! Forecast categories: how sure the salesperson is that a deal will close
//! in its period.
//!
//! The five categories CRMs use (pipeline, best case, commit, closed,
//! omitted) are derived from the deal's status, stage, grade, the grade's
//! policy and the win probability by [`ForecastRules`]; the salesperson may
//! set another one on an open deal, and that choice is recorded in the
//! journal and wins over the rules until cleared. A booked deal is always
//! closed; a nurtured, lost or withdrawn one is always omitted.

use serde::{Deserialize, Serialize};

use super::definition::ProcessDefinition;
use super::probability::win_probability_value;
use super::process::{DealStatus, ProcessState};
use super::stage::Stage;
use crate::config::{check_range, ConfigError, Validate};
use crate::grading::Grade;
use crate::labelled_enum;

labelled_enum! {
    /// A forecast category.
    pub enum ForecastCategory {
        /// Open, not yet likely enough to count on.
        Pipeline = 0, "pipeline" => ("Pipeline", "管道"),
        /// Could close in the period if things go well.
        BestCase = 1, "best_case" => ("Best case", "最佳情况"),
        /// Expected to close in the period.
        Commit = 2, "commit" => ("Commit", "承诺"),
        /// Booked: the contract is signed.
        Closed = 3, "closed" => ("Closed", "已成交"),
        /// Left out of the forecast.
        Omitted = 4, "omitted" => ("Omitted", "不计入"),
    }
}

/// The rules that derive a deal's forecast category (defaults: commit from
/// business negotiation at 60% or more, best case from proposal at 30% or
/// more, grade-D deals and deals past development against their grade's
/// policy omitted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ForecastRules {
    /// The earliest stage a deal may be committed in.
    pub commit_from: Stage,
    /// The least win probability of a committed deal (0-1).
    pub commit_min_probability: f64,
    /// The earliest stage a deal may count as best case in.
    pub best_case_from: Stage,
    /// The least win probability of a best-case deal (0-1).
    pub best_case_min_probability: f64,
    /// Open deals of these grades are omitted.
    pub omit_grades: Vec<Grade>,
    /// Whether a deal past development against its grade's policy (its
    /// entry was forced) is omitted.
    pub omit_against_policy: bool,
}

impl Default for ForecastRules {
    fn default() -> Self {
        ForecastRules {
            commit_from: Stage::BusinessNegotiation,
            commit_min_probability: 0.6,
            best_case_from: Stage::Proposal,
            best_case_min_probability: 0.3,
            omit_grades: vec![Grade::D],
            omit_against_policy: true,
        }
    }
}

impl Validate for ForecastRules {
    fn validate(&self) -> Result<(), ConfigError> {
        check_range(
            "commit_min_probability",
            self.commit_min_probability,
            0.0,
            1.0,
        )?;
        check_range(
            "best_case_min_probability",
            self.best_case_min_probability,
            0.0,
            1.0,
        )
    }
}

/// The forecast category of a deal: booked deals are closed, nurtured and
/// ended ones omitted, and an open deal takes the salesperson's category
/// when one is set, else the first rule that fits (omitted, commit, best
/// case, pipeline).
pub fn forecast_category(state: &ProcessState, definition: &ProcessDefinition) -> ForecastCategory {
    match state.status() {
        DealStatus::Booked => return ForecastCategory::Closed,
        DealStatus::Open => {}
        _ => return ForecastCategory::Omitted,
    }
    if let Some(set) = state.forecast_override() {
        return set.category;
    }
    derived_category(state, definition)
}

/// The category the rules give an open deal, ignoring any the salesperson
/// set.
pub fn derived_category(state: &ProcessState, definition: &ProcessDefinition) -> ForecastCategory {
    let rules = &definition.forecast;
    let omitted_grade = state
        .grade()
        .is_some_and(|g| rules.omit_grades.contains(&g));
    if omitted_grade || (rules.omit_against_policy && state.against_policy(definition).is_some()) {
        return ForecastCategory::Omitted;
    }
    let p = win_probability_value(state, definition);
    if state.stage() >= rules.commit_from && p >= rules.commit_min_probability {
        ForecastCategory::Commit
    } else if state.stage() >= rules.best_case_from && p >= rules.best_case_min_probability {
        ForecastCategory::BestCase
    } else {
        ForecastCategory::Pipeline
    }
}
