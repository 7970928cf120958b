//! A-D opportunity grading.
//!
//! Not every project is an opportunity. Each project is first rated on the
//! [`evaluation`] model's nine factors (project level, capital status,
//! technical requirements, customer relationship, customer reputation, and
//! the competition on products, prices, technical solutions and after-sales
//! service). It passes on a weighted score unless a knock-out fails it;
//! a failed project is given up or kept at a lower contact level.
//!
//! A project that passed is graded A to D by estimated transaction time
//! (its expected close date against an as-of date) and transaction
//! possibility, through the [`table`] of time horizons and possibility
//! bands. A deal whose CRM gives no possibility is graded by the one its
//! evaluation score derives ([`possibility`]), and the assessment says
//! which it was. The grade decides how much of the sales force it gets
//! ([`policy`]), every grading can be [`explain`]ed, a later grading
//! reports how the grade changed, and [`batch`] grading handles whole CRM
//! exports without allocating per item.
//!
//! ```
//! use chrono::NaiveDate;
//! use techsales::grading::{Factor, Grade, Grader, Opportunity, PossibilitySource, Ratings};
//!
//! let grader = Grader::default();
//! let as_of = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
//! let deal = Opportunity {
//!     ratings: Ratings::uniform(7.0).with(Factor::CompetitionPrices, 4.0),
//!     expected_close: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
//!     possibility: Some(0.75),
//! };
//! let assessment = grader.grade(&deal, as_of)?;
//! assert_eq!(assessment.grade, Some(Grade::A));
//! assert!(grader.policy(Grade::A).enter_sales_process);
//!
//! // Three months later the close date has slipped and the odds dropped.
//! let slipped = Opportunity {
//!     expected_close: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
//!     possibility: Some(0.4),
//!     ..deal
//! };
//! let later = NaiveDate::from_ymd_opt(2026, 4, 15).unwrap();
//! let regrade = grader.regrade(&assessment, &slipped, later)?;
//! let change = regrade.change.expect("the grade changed");
//! assert_eq!((change.from, change.to), (Some(Grade::A), Some(Grade::C)));
//!
//! // A CRM without a possibility field: the score (6.7) derives one.
//! let unknown = Opportunity { possibility: None, ..deal };
//! let derived = grader.grade(&unknown, as_of)?;
//! assert_eq!(derived.possibility_source, PossibilitySource::Derived);
//! assert!(derived.possibility.is_some_and(|p| p > 0.8));
//! assert_eq!(derived.grade, Some(Grade::A));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod batch;
pub mod evaluation;
pub mod explain;
pub mod grader;
pub mod learn;
pub mod policy;
pub mod possibility;
pub mod table;

pub use batch::{
    grade_changes, BatchError, BatchResult, BatchSummary, ColumnInput, ColumnOutput, ItemStatus,
};
pub use evaluation::{
    Evaluation, EvaluationModel, Factor, FactorSet, FactorValues, KnockOut, Ratings, ScaleAnchors,
    UnknownRatings, Verdict, Weights, FACTOR_COUNT, RATING_MAX, RATING_MIN,
};
pub use explain::{BandCheck, Explanation, FactorContribution};
pub use grader::{
    Assessment, GradeChange, GradeError, Grader, GradingConfig, Opportunity, PossibilitySource,
    Regrade, RegradeError,
};
pub use policy::{Effort, PolicyTable, ResourcePolicy};
pub use possibility::PossibilityMapping;
pub use table::{date_from_day_number, day_number, GradeBand, GradeTable, HorizonUnit};

use crate::labelled_enum;

labelled_enum! {
    /// The grade of an opportunity that passed evaluation.
    pub enum Grade {
        /// Closes soon and likely: go all out and enter the sales process.
        A = 0, "a" => ("A", "A级"),
        /// Control the time invested; maintain the customer.
        B = 1, "b" => ("B", "B级"),
        /// Watch for changes; maintain.
        C = 2, "c" => ("C", "C级"),
        /// Maintain last.
        D = 3, "d" => ("D", "D级"),
    }
}

impl Grade {
    /// Whether this grade ranks above `other` (A is the best).
    pub fn is_better_than(self, other: Grade) -> bool {
        self < other
    }
}
