//! The customer record and its dated history of type movements.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    BuyerBehaviour, CustomerType, Readiness, RelationshipLevel, ScoreError, Scores, Thresholds,
};

/// A change of customer type, with when and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TypeMovement {
    /// The type before.
    pub from: CustomerType,
    /// The type after.
    pub to: CustomerType,
    /// When the change was observed.
    pub at: DateTime<Utc>,
    /// Why: what was measured or decided.
    pub reason: String,
}

/// Why a customer update was refused. The record is left as it was.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CustomerError {
    /// A score was NaN or outside 0-100.
    #[error(transparent)]
    Score(#[from] ScoreError),
    /// The customer id is empty.
    #[error("customer id is empty")]
    EmptyId,
    /// A stored record's history does not hold together.
    #[error("history entry {index}: {problem}")]
    InconsistentHistory {
        /// The position of the offending movement (0 is the oldest).
        index: usize,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The update is dated before the record's latest change.
    #[error("update at {given} is earlier than the latest recorded change at {last}")]
    OutOfOrder {
        /// The latest time already recorded.
        last: DateTime<Utc>,
        /// The earlier time that was given.
        given: DateTime<Utc>,
    },
}

/// A customer account: its type, the scores behind it, its buyer profile,
/// its readiness, and every change of type it has gone through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    id: String,
    name: String,
    customer_type: CustomerType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scores: Option<Scores>,
    classified_at: DateTime<Utc>,
    #[serde(default)]
    history: Vec<TypeMovement>,
    /// How the customer buys, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_behaviour: Option<BuyerBehaviour>,
    /// How deep the relationship is, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<RelationshipLevel>,
    /// What is known of its readiness for the loyalty network.
    #[serde(default)]
    pub readiness: Readiness,
}

impl Customer {
    /// A customer classified from measured scores at `at`.
    pub fn from_scores(
        id: impl Into<String>,
        name: impl Into<String>,
        scores: Scores,
        thresholds: &Thresholds,
        at: DateTime<Utc>,
    ) -> Result<Self, CustomerError> {
        Self::build(
            id.into(),
            name.into(),
            thresholds.classify(&scores),
            Some(scores),
            at,
        )
    }

    /// A customer whose type is known directly (for example from two yes/no
    /// answers in the CRM).
    pub fn from_type(
        id: impl Into<String>,
        name: impl Into<String>,
        customer_type: CustomerType,
        at: DateTime<Utc>,
    ) -> Result<Self, CustomerError> {
        Self::build(id.into(), name.into(), customer_type, None, at)
    }

    fn build(
        id: String,
        name: String,
        customer_type: CustomerType,
        scores: Option<Scores>,
        at: DateTime<Utc>,
    ) -> Result<Self, CustomerError> {
        if id.trim().is_empty() {
            return Err(CustomerError::EmptyId);
        }
        Ok(Customer {
            id,
            name,
            customer_type,
            scores,
            classified_at: at,
            history: Vec::new(),
            buyer_behaviour: None,
            relationship: None,
            readiness: Readiness::default(),
        })
    }

    /// Checks a record read from storage: a non-empty id, and a history in
    /// time order where each movement starts from the type the previous one
    /// ended in, ends in the current type, and is no later than the last
    /// classification.
    pub fn check(&self) -> Result<(), CustomerError> {
        if self.id.trim().is_empty() {
            return Err(CustomerError::EmptyId);
        }
        let bad = |index, problem| Err(CustomerError::InconsistentHistory { index, problem });
        for (index, m) in self.history.iter().enumerate() {
            if m.from == m.to {
                return bad(index, "a movement must change the type");
            }
            if let Some(previous) = index.checked_sub(1).and_then(|i| self.history.get(i)) {
                if m.from != previous.to {
                    return bad(
                        index,
                        "it does not start from the type the previous movement ended in",
                    );
                }
                if m.at < previous.at {
                    return bad(index, "it is dated before the previous movement");
                }
            }
        }
        if let Some(last) = self.history.last() {
            let index = self.history.len() - 1;
            if last.to != self.customer_type {
                return bad(index, "the last movement does not end in the current type");
            }
            if last.at > self.classified_at {
                return bad(index, "it is dated after the last classification");
            }
        }
        Ok(())
    }

    /// The CRM's id for this customer.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The customer's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The current type.
    pub fn customer_type(&self) -> CustomerType {
        self.customer_type
    }

    /// The latest scores, if the type came from scores.
    pub fn scores(&self) -> Option<Scores> {
        self.scores
    }

    /// When the customer was last classified.
    pub fn classified_at(&self) -> DateTime<Utc> {
        self.classified_at
    }

    /// Every change of type, oldest first.
    pub fn history(&self) -> &[TypeMovement] {
        &self.history
    }

    /// The type the customer had at `at` (its first type for earlier times).
    pub fn type_at(&self, at: DateTime<Utc>) -> CustomerType {
        match self.history.iter().rev().find(|m| m.at <= at) {
            Some(m) => m.to,
            None => self.history.first().map_or(self.customer_type, |m| m.from),
        }
    }

    /// Reclassifies from new scores. A movement is recorded only when the
    /// type changes; it is returned. On error nothing changes.
    pub fn reclassify(
        &mut self,
        scores: Scores,
        thresholds: &Thresholds,
        at: DateTime<Utc>,
        reason: impl Into<String>,
    ) -> Result<Option<&TypeMovement>, CustomerError> {
        self.check_order(at)?;
        self.scores = Some(scores);
        Ok(self.move_to(thresholds.classify(&scores), at, reason.into()))
    }

    /// Sets the type directly (scores are forgotten). A movement is recorded
    /// only when the type changes. On error nothing changes.
    pub fn set_type(
        &mut self,
        customer_type: CustomerType,
        at: DateTime<Utc>,
        reason: impl Into<String>,
    ) -> Result<Option<&TypeMovement>, CustomerError> {
        self.check_order(at)?;
        self.scores = None;
        Ok(self.move_to(customer_type, at, reason.into()))
    }

    fn check_order(&self, at: DateTime<Utc>) -> Result<(), CustomerError> {
        if at < self.classified_at {
            return Err(CustomerError::OutOfOrder {
                last: self.classified_at,
                given: at,
            });
        }
        Ok(())
    }

    fn move_to(
        &mut self,
        to: CustomerType,
        at: DateTime<Utc>,
        reason: String,
    ) -> Option<&TypeMovement> {
        self.classified_at = at;
        let from = self.customer_type;
        if from == to {
            return None;
        }
        self.customer_type = to;
        self.history.push(TypeMovement {
            from,
            to,
            at,
            reason,
        });
        self.history.last()
    }
}
