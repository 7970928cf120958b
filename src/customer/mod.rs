//! The four customer types: supplier assistance x customer loyalty.
//!
//! A customer is placed on two axes: how much assistance we (the supplier)
//! give, and how loyal the customer is. Each axis is low or high, measured as
//! a score from 0 to 100 against a per-axis threshold (default 50) or given
//! directly as a yes/no. The four combinations are the four customer types.
//!
//! Around the type sit the buyer profile ([`buyer`]: how the customer buys
//! and how deep the relationship is), the readiness assessment
//! ([`readiness`]: whether the account can join the loyalty network) and the
//! customer record with its dated type history ([`record`]).

pub mod buyer;
pub mod readiness;
pub mod record;

pub use buyer::{BuyerBehaviour, RelationshipLevel};
pub use readiness::{
    Readiness, ReadinessAssessment, ReadinessCriterion, ReadinessRule, WaitReason,
};
pub use record::{Customer, TypeMovement};

use crate::config::{check_range, ConfigError, Validate};
use crate::labelled_enum;
use serde::{Deserialize, Serialize};

/// The lowest valid score.
pub const SCORE_MIN: f64 = 0.0;
/// The highest valid score.
pub const SCORE_MAX: f64 = 100.0;

labelled_enum! {
    /// One of the two axes a customer is placed on.
    pub enum Axis {
        /// The assistance the supplier gives the customer.
        Assistance = 0, "assistance" => ("Supplier assistance", "供应商协助"),
        /// The customer's loyalty to the supplier.
        Loyalty = 1, "loyalty" => ("Customer loyalty", "客户忠诚度"),
    }
}

labelled_enum! {
    /// The level on one axis.
    pub enum Level {
        /// Below the axis threshold.
        Low = 0, "low" => ("Low", "低"),
        /// At or above the axis threshold.
        High = 1, "high" => ("High", "高"),
    }
}

impl Level {
    /// `High` for `true`, `Low` for `false`.
    pub fn from_bool(high: bool) -> Self {
        if high {
            Level::High
        } else {
            Level::Low
        }
    }

    /// Whether this is `High`.
    pub fn is_high(self) -> bool {
        self == Level::High
    }
}

labelled_enum! {
    /// The four customer types of the assistance x loyalty quadrant.
    pub enum CustomerType {
        /// Low assistance, low loyalty: buys on price from whoever is there
        /// ("the outsiders").
        MarketTaker = 0, "market_taker" => ("Market-taker", "市场接受型客户"),
        /// High assistance, low loyalty: buys while the deal lasts
        /// ("those of the moment").
        Opportunity = 1, "opportunity" => ("Opportunity", "机会型客户"),
        /// Low assistance, high loyalty: keeps buying with little help
        /// ("the good ones").
        Loyal = 2, "loyal" => ("Loyal", "忠诚型客户"),
        /// High assistance, high loyalty: the loyalty network
        /// ("the strategic ones").
        Strategic = 3, "strategic" => ("Loyalty network (strategic)", "忠诚网络（战略型客户）"),
    }
}

impl CustomerType {
    /// The type for a pair of levels.
    pub fn from_levels(assistance: Level, loyalty: Level) -> Self {
        match (assistance, loyalty) {
            (Level::Low, Level::Low) => CustomerType::MarketTaker,
            (Level::High, Level::Low) => CustomerType::Opportunity,
            (Level::Low, Level::High) => CustomerType::Loyal,
            (Level::High, Level::High) => CustomerType::Strategic,
        }
    }

    /// The type for "is assistance high" and "is loyalty high".
    pub fn from_bools(high_assistance: bool, high_loyalty: bool) -> Self {
        Self::from_levels(
            Level::from_bool(high_assistance),
            Level::from_bool(high_loyalty),
        )
    }

    /// The assistance level of this type.
    pub fn assistance(self) -> Level {
        Level::from_bool(matches!(
            self,
            CustomerType::Opportunity | CustomerType::Strategic
        ))
    }

    /// The loyalty level of this type.
    pub fn loyalty(self) -> Level {
        Level::from_bool(matches!(
            self,
            CustomerType::Loyal | CustomerType::Strategic
        ))
    }

    /// The level of this type on `axis`.
    pub fn level(self, axis: Axis) -> Level {
        match axis {
            Axis::Assistance => self.assistance(),
            Axis::Loyalty => self.loyalty(),
        }
    }

    /// The axes on which this type is low: what it lacks to join the loyalty
    /// network.
    pub fn lacking(self) -> impl Iterator<Item = Axis> {
        Axis::ALL
            .iter()
            .copied()
            .filter(move |&axis| self.level(axis) == Level::Low)
    }
}

/// Why a score was refused (thresholds are configuration: see [`ConfigError`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ScoreError {
    /// The score is NaN or infinite.
    #[error("{axis} score {value} is not a finite number")]
    NotFinite {
        /// The axis the score was for.
        axis: Axis,
        /// The value given.
        value: f64,
    },
    /// The score is outside 0-100.
    #[error("{axis} score {value} is outside 0-100")]
    OutOfRange {
        /// The axis the score was for.
        axis: Axis,
        /// The value given.
        value: f64,
    },
}

fn check_score(axis: Axis, value: f64) -> Result<f64, ScoreError> {
    if !value.is_finite() {
        Err(ScoreError::NotFinite { axis, value })
    } else if !(SCORE_MIN..=SCORE_MAX).contains(&value) {
        Err(ScoreError::OutOfRange { axis, value })
    } else {
        Ok(value)
    }
}

/// A customer's measured assistance and loyalty, each 0-100.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "RawScores", into = "RawScores")]
pub struct Scores {
    assistance: f64,
    loyalty: f64,
}

#[derive(Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawScores {
    assistance: f64,
    loyalty: f64,
}

impl TryFrom<RawScores> for Scores {
    type Error = ScoreError;
    fn try_from(raw: RawScores) -> Result<Self, ScoreError> {
        Scores::new(raw.assistance, raw.loyalty)
    }
}

impl From<Scores> for RawScores {
    fn from(s: Scores) -> Self {
        RawScores {
            assistance: s.assistance,
            loyalty: s.loyalty,
        }
    }
}

impl Scores {
    /// Both scores, each checked to be finite and within 0-100.
    pub fn new(assistance: f64, loyalty: f64) -> Result<Self, ScoreError> {
        Ok(Scores {
            assistance: check_score(Axis::Assistance, assistance)?,
            loyalty: check_score(Axis::Loyalty, loyalty)?,
        })
    }

    /// The assistance score.
    pub fn assistance(&self) -> f64 {
        self.assistance
    }

    /// The loyalty score.
    pub fn loyalty(&self) -> f64 {
        self.loyalty
    }

    /// The score on `axis`.
    pub fn get(&self, axis: Axis) -> f64 {
        match axis {
            Axis::Assistance => self.assistance,
            Axis::Loyalty => self.loyalty,
        }
    }

    /// The same scores with `delta` added on `axis`, kept within 0-100; a
    /// delta that is not finite leaves the score as it was.
    pub fn shifted(self, axis: Axis, delta: f64) -> Self {
        let moved = (self.get(axis) + delta).clamp(SCORE_MIN, SCORE_MAX);
        let moved = if moved.is_finite() {
            moved
        } else {
            self.get(axis)
        };
        match axis {
            Axis::Assistance => Scores {
                assistance: moved,
                ..self
            },
            Axis::Loyalty => Scores {
                loyalty: moved,
                ..self
            },
        }
    }
}

/// Where each axis turns from low to high: a score at or above its
/// threshold is high. Default 50 on both axes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Threshold on the assistance axis.
    pub assistance: f64,
    /// Threshold on the loyalty axis.
    pub loyalty: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            assistance: 50.0,
            loyalty: 50.0,
        }
    }
}

impl Validate for Thresholds {
    fn validate(&self) -> Result<(), ConfigError> {
        check_range("assistance", self.assistance, SCORE_MIN, SCORE_MAX)?;
        check_range("loyalty", self.loyalty, SCORE_MIN, SCORE_MAX)
    }
}

impl Thresholds {
    /// Thresholds checked to be finite and within 0-100.
    pub fn new(assistance: f64, loyalty: f64) -> Result<Self, ConfigError> {
        let t = Thresholds {
            assistance,
            loyalty,
        };
        t.validate()?;
        Ok(t)
    }

    /// The threshold on `axis`.
    pub fn get(&self, axis: Axis) -> f64 {
        match axis {
            Axis::Assistance => self.assistance,
            Axis::Loyalty => self.loyalty,
        }
    }

    /// The level of `scores` on `axis`.
    pub fn level(&self, scores: &Scores, axis: Axis) -> Level {
        Level::from_bool(scores.get(axis) >= self.get(axis))
    }

    /// The customer type of `scores`.
    pub fn classify(&self, scores: &Scores) -> CustomerType {
        CustomerType::from_levels(
            self.level(scores, Axis::Assistance),
            self.level(scores, Axis::Loyalty),
        )
    }
}

/// Classifies raw scores with the given thresholds, refusing NaN and
/// out-of-range values with an error naming the axis.
pub fn classify(
    assistance: f64,
    loyalty: f64,
    thresholds: &Thresholds,
) -> Result<CustomerType, ScoreError> {
    Ok(thresholds.classify(&Scores::new(assistance, loyalty)?))
}
