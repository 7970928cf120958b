//! The A-D grade as the development stage's key node.
//!
//! Grading an opportunity is the work of the development stage: a project
//! that passes evaluation gets a grade, and that grade meets the
//! "opportunity evaluated and graded" node (and later regrades it).

use super::process::{KeyAccountEvent, KeyAccountProcess};
use super::stage::KeyNode;
use crate::grading::{Assessment, PossibilitySource};

impl KeyAccountProcess {
    /// The event that records `assessment` on this deal: it meets the
    /// grading key node the first time and regrades after. `None` when the
    /// project failed evaluation, since it then has no grade to record.
    pub fn grading_event(&self, assessment: &Assessment) -> Option<KeyAccountEvent> {
        let grade = assessment.grade?;
        // A graded project has a known score, so a possibility.
        let possibility = assessment.possibility.unwrap_or(f64::NAN);
        let source = match assessment.possibility_source {
            PossibilitySource::Given => "",
            PossibilitySource::Derived => " (derived from the score)",
            PossibilitySource::Unknown => " (unknown)",
        };
        let evidence = format!(
            "evaluation score {:.2}/10; expected close {} ({} days after {}); possibility {possibility:.2}{source}; grade {}",
            assessment.evaluation.score,
            assessment.expected_close,
            assessment.days_to_close,
            assessment.as_of,
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
