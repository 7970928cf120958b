//! The A-D grade as the development stage's key node.
//!
//! Grading an opportunity is the work of the development stage: a project
//! that passes evaluation gets a grade, and that grade meets the
//! "opportunity evaluated and graded" node (and later regrades it).

use super::process::{KeyAccountEvent, KeyAccountProcess};
use super::stage::KeyNode;
use crate::grading::Assessment;

impl KeyAccountProcess {
    /// The event that records `assessment` on this deal: it meets the
    /// grading key node the first time and regrades after. `None` when the
    /// project failed evaluation, since it then has no grade to record.
    pub fn grading_event(&self, assessment: &Assessment) -> Option<KeyAccountEvent> {
        let grade = assessment.grade?;
        let evidence = format!(
            "evaluation score {:.2}/10; expected close {} ({} days after {}); possibility {:.2}; grade {}",
            assessment.evaluation.score,
            assessment.expected_close,
            assessment.days_to_close,
            assessment.as_of,
            assessment.possibility,
            grade,
        );
        Some(if self.state().met().contains(KeyNode::OpportunityGraded) {
            KeyAccountEvent::Regraded { grade, evidence }
        } else {
            KeyAccountEvent::KeyNodeMet {
                node: KeyNode::OpportunityGraded,
                evidence,
                grade: Some(grade),
            }
        })
    }
}
