//! The transaction possibility derived from the evaluation score, for a
//! deal whose CRM gives none.
//!
//! The mapping is a logistic curve `1 / (1 + e^-(intercept + slope score))`:
//! non-decreasing in the score (the slope may not be negative) and always in
//! 0-1. [`learn`](super::learn) fits the same curve from won and lost deals
//! (its `possibility_curve`), so a learned configuration derives with what
//! history showed.

use serde::{Deserialize, Serialize};

use crate::config::{check_range, ConfigError, Validate};

/// The score -> possibility curve of a grading configuration.
///
/// The default, intercept -5 and slope 1, gives 0.5 at the default pass
/// threshold (score 5), 0.12 at score 3, 0.88 at score 7 and 0.99 at 10.
/// A possibility given with a deal is graded as given; the explanation
/// then shows the derived one beside it and flags a gap of at least
/// `strong_disagreement` (default 0.3).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PossibilityMapping {
    /// The curve's value at score 0, in log-odds (finite).
    pub intercept: f64,
    /// Log-odds gained per point of score (0 or more, finite; 0 derives
    /// the same possibility for every score).
    pub slope: f64,
    /// How far apart (0-1) a given and the derived possibility must be for
    /// an explanation to say that they disagree strongly.
    pub strong_disagreement: f64,
}

impl Default for PossibilityMapping {
    fn default() -> Self {
        PossibilityMapping {
            intercept: -5.0,
            slope: 1.0,
            strong_disagreement: 0.3,
        }
    }
}

impl Validate for PossibilityMapping {
    fn validate(&self) -> Result<(), ConfigError> {
        check_range("intercept", self.intercept, -f64::MAX, f64::MAX)?;
        check_range("slope", self.slope, 0.0, f64::MAX)?;
        check_range("strong_disagreement", self.strong_disagreement, 0.0, 1.0)
    }
}

impl PossibilityMapping {
    /// The curve `[intercept, slope]`, as `LearnReport::possibility_curve`
    /// reports it.
    pub fn from_curve([intercept, slope]: [f64; 2]) -> Self {
        PossibilityMapping {
            intercept,
            slope,
            ..PossibilityMapping::default()
        }
    }

    /// Whether a `given` possibility and the `derived` one disagree
    /// strongly.
    pub fn disagree(&self, given: f64, derived: f64) -> bool {
        (given - derived).abs() >= self.strong_disagreement
    }

    /// The possibility at evaluation `score` (0-10); `None` for a NaN
    /// score (not enough known to evaluate): unknown stays unknown.
    pub fn possibility(&self, score: f64) -> Option<f64> {
        if score.is_nan() {
            return None;
        }
        let p = 1.0 / (1.0 + (-(self.intercept + self.slope * score)).exp());
        // Huge finite parameters can make the log-odds NaN (inf - inf):
        // the curve is then a step at its midpoint.
        Some(if p.is_nan() { 0.5 } else { p.clamp(0.0, 1.0) })
    }

    pub(crate) fn is_default(&self) -> bool {
        *self == PossibilityMapping::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_curve_is_even_at_the_default_threshold() {
        let mapping = PossibilityMapping::default();
        assert_eq!(mapping.possibility(5.0), Some(0.5));
        assert!(mapping.possibility(7.0).unwrap() > 0.85);
        assert!(mapping.possibility(3.0).unwrap() < 0.15);
        assert_eq!(mapping.possibility(f64::NAN), None);
    }

    #[test]
    fn a_falling_or_wild_curve_is_refused() {
        let falling = PossibilityMapping::from_curve([0.0, -1.0]);
        assert!(matches!(
            falling.validate(),
            Err(ConfigError::Invalid { field, .. }) if field == "slope"
        ));
        let wild = PossibilityMapping::from_curve([f64::INFINITY, 1.0]);
        assert!(matches!(
            wild.validate(),
            Err(ConfigError::Invalid { field, .. }) if field == "intercept"
        ));
    }
}
