//! Readiness of a target account for the loyalty network.
//!
//! The loyalty network is built selectively: not every customer can sustain
//! continuous differentiation. An account is a good candidate when it is
//! vertically integrated (or its units collaborate), adopted e-business
//! early, has leaders who have led change, and has used technology to stand
//! out. Many accounts wait and see instead: they lack the money, their own
//! customers do not push them, or they have no collaborative vision.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, Validate};
use crate::labelled_enum;

labelled_enum! {
    /// A sign that an account is ready to collaborate.
    pub enum ReadinessCriterion {
        /// Vertically integrated, or its business units collaborate.
        IntegratedOrCollaborating = 0, "integrated_or_collaborating" => ("Vertically integrated or collaborating units", "纵向一体化或业务单元间协作"),
        /// Adopted e-business early.
        EarlyAdopter = 1, "early_adopter" => ("Early adopter of e-business", "电子商务的早期采用者"),
        /// Its leadership has a record of leading change.
        ChangeLeadership = 2, "change_leadership" => ("Leadership that has led change", "领导层有推动变革的记录"),
        /// Has used technology to differentiate itself before.
        TechnologyDifferentiator = 3, "technology_differentiator" => ("History of differentiating through technology", "有以技术实现差异化的历史"),
    }
}

labelled_enum! {
    /// A reason an account waits and sees instead of collaborating.
    pub enum WaitReason {
        /// No money to build a technology advantage.
        NoMoney = 0, "no_money" => ("No money for it", "缺乏资金"),
        /// Its own customers do not push it to change.
        NoCustomerPressure = 1, "no_customer_pressure" => ("Its customers do not push it", "其客户没有推动"),
        /// No collaborative vision.
        NoCollaborativeVision = 2, "no_collaborative_vision" => ("No collaborative vision", "缺乏协作愿景"),
    }
}

/// What is known about an account's readiness.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Readiness {
    /// The criteria the account meets.
    #[serde(default)]
    pub criteria: BTreeSet<ReadinessCriterion>,
    /// The reasons it waits and sees.
    #[serde(default)]
    pub wait_reasons: BTreeSet<WaitReason>,
}

impl Readiness {
    /// Readiness from the criteria met and the wait reasons observed.
    pub fn new(
        criteria: impl IntoIterator<Item = ReadinessCriterion>,
        wait_reasons: impl IntoIterator<Item = WaitReason>,
    ) -> Self {
        Readiness {
            criteria: criteria.into_iter().collect(),
            wait_reasons: wait_reasons.into_iter().collect(),
        }
    }
}

/// When an account counts as a candidate for the loyalty network
/// (choice: at least two criteria and no wait-and-see reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadinessRule {
    /// The fewest criteria a candidate must meet (0-4).
    pub min_criteria: u8,
    /// The most wait-and-see reasons a candidate may have (0-3).
    pub max_wait_reasons: u8,
}

impl Default for ReadinessRule {
    fn default() -> Self {
        ReadinessRule {
            min_criteria: 2,
            max_wait_reasons: 0,
        }
    }
}

impl Validate for ReadinessRule {
    fn validate(&self) -> Result<(), ConfigError> {
        if usize::from(self.min_criteria) > ReadinessCriterion::ALL.len() {
            return Err(ConfigError::invalid(
                "min_criteria",
                format!(
                    "{} is more than the {} criteria there are",
                    self.min_criteria,
                    ReadinessCriterion::ALL.len()
                ),
            ));
        }
        if usize::from(self.max_wait_reasons) > WaitReason::ALL.len() {
            return Err(ConfigError::invalid(
                "max_wait_reasons",
                format!(
                    "{} is more than the {} reasons there are",
                    self.max_wait_reasons,
                    WaitReason::ALL.len()
                ),
            ));
        }
        Ok(())
    }
}

/// The outcome of assessing an account's readiness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadinessAssessment {
    /// Whether the account is a candidate for the loyalty network.
    pub candidate: bool,
    /// Criteria met.
    pub met: Vec<ReadinessCriterion>,
    /// Criteria not met.
    pub missing: Vec<ReadinessCriterion>,
    /// Wait-and-see reasons observed.
    pub wait_reasons: Vec<WaitReason>,
}

impl ReadinessRule {
    /// Assesses `readiness` under this rule.
    pub fn assess(&self, readiness: &Readiness) -> ReadinessAssessment {
        let (met, missing): (Vec<_>, Vec<_>) = ReadinessCriterion::ALL
            .iter()
            .partition(|c| readiness.criteria.contains(c));
        let wait_reasons: Vec<_> = readiness.wait_reasons.iter().copied().collect();
        ReadinessAssessment {
            candidate: met.len() >= usize::from(self.min_criteria)
                && wait_reasons.len() <= usize::from(self.max_wait_reasons),
            met,
            missing,
            wait_reasons,
        }
    }
}
