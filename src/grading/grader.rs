//! The grader: evaluation model, grade table and resource policies in one
//! validated piece, grading one opportunity at a time and regrading it
//! later.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, Validate};
use crate::labelled_enum;

use super::batch::ItemStatus;
use super::evaluation::{
    CompiledModel, Evaluation, EvaluationModel, Factor, Ratings, RATING_MAX, RATING_MIN,
};
use super::policy::{PolicyTable, ResourcePolicy};
use super::possibility::PossibilityMapping;
use super::table::{day_number, CompiledTable, GradeTable};
use super::Grade;

/// Everything that can be tuned about grading, as loaded from JSON.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct GradingConfig {
    /// Whether a project is an opportunity at all.
    pub evaluation: EvaluationModel,
    /// From close date and possibility to a grade.
    pub table: GradeTable,
    /// What each grade means for resources.
    pub policies: PolicyTable,
    /// From evaluation score to a derived transaction possibility. Left
    /// out of the JSON while it is the default, so older documents read
    /// and write unchanged.
    #[serde(skip_serializing_if = "PossibilityMapping::is_default")]
    pub possibility: PossibilityMapping,
}

impl Validate for GradingConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        self.evaluation
            .validate()
            .map_err(|e| e.nested("evaluation"))?;
        self.table.validate().map_err(|e| e.nested("table"))?;
        self.policies.validate().map_err(|e| e.nested("policies"))?;
        self.possibility
            .validate()
            .map_err(|e| e.nested("possibility"))
    }
}

impl GradingConfig {
    /// Loads a configuration from JSON; missing fields take their defaults.
    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        crate::config::from_json(json)
    }
}

/// One project to evaluate and grade.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Opportunity {
    /// Its rating on each evaluation factor (0-10; NaN where unknown).
    pub ratings: Ratings,
    /// When the transaction is expected to close.
    pub expected_close: NaiveDate,
    /// How likely the transaction is (0-1), as the caller knows it; `None`
    /// (or left out of the JSON) to derive it from the evaluation score by
    /// the configured [`PossibilityMapping`].
    #[serde(default)]
    pub possibility: Option<f64>,
}

labelled_enum! {
    /// Where the transaction possibility a grade rests on came from.
    pub enum PossibilitySource {
        /// Given with the opportunity (for example the CRM's figure).
        Given = 0, "given" => ("Given", "给定"),
        /// Derived from the evaluation score by the configured curve.
        Derived = 1, "derived" => ("Derived from the evaluation score", "由评估得分推算"),
        /// Neither given nor derivable: too little is known to score the
        /// project.
        Unknown = 2, "unknown" => ("Unknown", "未知"),
    }
}

/// Why an opportunity could not be graded.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum GradeError {
    /// A rating is infinite (NaN is an unknown rating, not an error).
    #[error("{factor} rating {value} is not a finite number")]
    RatingNotFinite {
        /// The factor rated.
        factor: Factor,
        /// The rating given.
        value: f64,
    },
    /// A rating is outside 0-10.
    #[error("{factor} rating {value} is outside 0-10")]
    RatingOutOfRange {
        /// The factor rated.
        factor: Factor,
        /// The rating given.
        value: f64,
    },
    /// The transaction possibility is NaN or infinite.
    #[error("transaction possibility {value} is not a finite number")]
    PossibilityNotFinite {
        /// The possibility given.
        value: f64,
    },
    /// The transaction possibility is outside 0-1.
    #[error("transaction possibility {value} is outside 0-1")]
    PossibilityOutOfRange {
        /// The possibility given.
        value: f64,
    },
    /// The expected close date has passed and the table does not allow it.
    #[error("expected close date {expected_close} is before the as-of date {as_of}; update the record or allow past close dates")]
    CloseDateInPast {
        /// The expected close date given.
        expected_close: NaiveDate,
        /// The as-of date of the grading.
        as_of: NaiveDate,
    },
}

impl GradeError {
    /// The batch status that reports this error.
    pub fn status(&self) -> ItemStatus {
        match self {
            GradeError::RatingNotFinite { .. } | GradeError::RatingOutOfRange { .. } => {
                ItemStatus::InvalidRating
            }
            GradeError::PossibilityNotFinite { .. } | GradeError::PossibilityOutOfRange { .. } => {
                ItemStatus::InvalidPossibility
            }
            GradeError::CloseDateInPast { .. } => ItemStatus::CloseDateInPast,
        }
    }
}

/// Why an opportunity could not be regraded.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RegradeError {
    /// The new as-of date is before the previous grading's.
    #[error("cannot regrade as of {as_of}: the previous grading was as of {previous_as_of}")]
    BeforePrevious {
        /// The as-of date of the previous grading.
        previous_as_of: NaiveDate,
        /// The as-of date asked for.
        as_of: NaiveDate,
    },
    /// The opportunity cannot be graded as it stands.
    #[error(transparent)]
    Grade(#[from] GradeError),
}

/// The result of grading one opportunity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// The date the grading is as of.
    pub as_of: NaiveDate,
    /// The expected close date graded.
    pub expected_close: NaiveDate,
    /// Days from the as-of date to the expected close (negative if past).
    pub days_to_close: i64,
    /// The transaction possibility graded: the one given, else the one
    /// derived; `None` when neither is known.
    pub possibility: Option<f64>,
    /// Where `possibility` came from.
    pub possibility_source: PossibilitySource,
    /// The possibility the evaluation score derives, shown beside a given
    /// one; `None` when the score is unknown.
    pub derived_possibility: Option<f64>,
    /// Whether a given possibility and the derived one differ by at least
    /// the configured [`PossibilityMapping::strong_disagreement`].
    pub possibility_disagrees: bool,
    /// Whether the project is an opportunity, and why.
    pub evaluation: Evaluation,
    /// The grade, for a project that passed evaluation.
    pub grade: Option<Grade>,
}

impl Assessment {
    /// The batch status of this assessment.
    pub fn status(&self) -> ItemStatus {
        ItemStatus::from_verdict(self.evaluation.verdict)
    }
}

/// A grade that changed between two gradings of the same opportunity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeChange {
    /// The grade before (`None`: it had failed evaluation).
    pub from: Option<Grade>,
    /// The grade now (`None`: it fails evaluation).
    pub to: Option<Grade>,
    /// The as-of date of the earlier grading.
    pub previous_as_of: NaiveDate,
    /// The as-of date of the new grading.
    pub as_of: NaiveDate,
}

impl GradeChange {
    /// The change from `previous` to `current`, or `None` if the grade is
    /// the same.
    pub fn between(previous: &Assessment, current: &Assessment) -> Option<Self> {
        Self::of(previous.grade, current.grade, previous.as_of, current.as_of)
    }

    /// The change from grade `from` to `to`, or `None` if they are equal.
    pub fn of(
        from: Option<Grade>,
        to: Option<Grade>,
        previous_as_of: NaiveDate,
        as_of: NaiveDate,
    ) -> Option<Self> {
        (from != to).then_some(GradeChange {
            from,
            to,
            previous_as_of,
            as_of,
        })
    }

    /// Whether the new grade is better (no grade counts below D).
    pub fn improved(&self) -> bool {
        rank(self.to) < rank(self.from)
    }
}

fn rank(grade: Option<Grade>) -> u32 {
    grade.map_or(u32::MAX, Grade::code)
}

/// A new grading and the change from the previous one, if any.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regrade {
    /// The new grading.
    pub assessment: Assessment,
    /// The change of grade, if the grade changed.
    pub change: Option<GradeChange>,
}

/// Grades opportunities under one validated [`GradingConfig`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "GradingConfig", into = "GradingConfig")]
pub struct Grader {
    config: GradingConfig,
    model: CompiledModel,
}

impl Default for Grader {
    fn default() -> Self {
        let config = GradingConfig::default();
        let model = CompiledModel::new(&config.evaluation);
        Grader { config, model }
    }
}

impl TryFrom<GradingConfig> for Grader {
    type Error = ConfigError;
    fn try_from(config: GradingConfig) -> Result<Self, ConfigError> {
        Grader::new(config)
    }
}

impl From<Grader> for GradingConfig {
    fn from(grader: Grader) -> Self {
        grader.config
    }
}

impl Grader {
    /// A grader for `config`, refused whole if any field is invalid.
    pub fn new(config: GradingConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        let model = CompiledModel::new(&config.evaluation);
        Ok(Grader { config, model })
    }

    /// Loads a grader from JSON (a [`GradingConfig`]); missing fields take
    /// their defaults.
    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        Grader::new(GradingConfig::from_json(json)?)
    }

    /// The configuration graded under.
    pub fn config(&self) -> &GradingConfig {
        &self.config
    }

    /// The resource policy of `grade`.
    pub fn policy(&self, grade: Grade) -> ResourcePolicy {
        self.config.policies.get(grade)
    }

    pub(crate) fn compiled_model(&self) -> &CompiledModel {
        &self.model
    }

    pub(crate) fn compile_table(&self, as_of: NaiveDate) -> CompiledTable {
        CompiledTable::new(&self.config.table, as_of)
    }

    /// Evaluates a project's ratings: score, contributions, knock-outs and
    /// verdict. The first invalid rating, in [`Factor::ALL`] order, is
    /// refused.
    pub fn evaluate(&self, ratings: &Ratings) -> Result<Evaluation, GradeError> {
        check_ratings(ratings)?;
        Ok(self.model.evaluate(&ratings.to_array()))
    }

    /// The transaction possibility derived from `evaluation`'s score by the
    /// configured [`PossibilityMapping`]; `None` when not enough is known
    /// to score it.
    pub fn derive_possibility(&self, evaluation: &Evaluation) -> Option<f64> {
        self.config.possibility.possibility(evaluation.score)
    }

    /// Evaluates and grades `opportunity` as of `as_of`. Inputs are checked
    /// in order: ratings, possibility, close date.
    pub fn grade(
        &self,
        opportunity: &Opportunity,
        as_of: NaiveDate,
    ) -> Result<Assessment, GradeError> {
        self.grade_with(&self.compile_table(as_of), opportunity)
    }

    pub(crate) fn grade_with(
        &self,
        table: &CompiledTable,
        opportunity: &Opportunity,
    ) -> Result<Assessment, GradeError> {
        let evaluation = self.evaluate(&opportunity.ratings)?;
        if let Some(given) = opportunity.possibility {
            check_possibility(given)?;
        }
        let close_day = day_number(opportunity.expected_close);
        if table.refuses(close_day) {
            return Err(GradeError::CloseDateInPast {
                expected_close: opportunity.expected_close,
                as_of: table.as_of,
            });
        }
        let mapping = &self.config.possibility;
        let derived = mapping.possibility(evaluation.score);
        let (possibility, possibility_source) = match (opportunity.possibility, derived) {
            (Some(given), _) => (Some(given), PossibilitySource::Given),
            (None, Some(derived)) => (Some(derived), PossibilitySource::Derived),
            (None, None) => (None, PossibilitySource::Unknown),
        };
        let possibility_disagrees = match (opportunity.possibility, derived) {
            (Some(given), Some(derived)) => mapping.disagree(given, derived),
            _ => false,
        };
        // A project that passed has a known score, so a possibility.
        let grade = match (evaluation.passed(), possibility) {
            (true, Some(p)) => Some(table.grade(close_day, p)),
            _ => None,
        };
        Ok(Assessment {
            as_of: table.as_of,
            expected_close: opportunity.expected_close,
            days_to_close: i64::from(close_day) - i64::from(table.as_of_day),
            possibility,
            possibility_source,
            derived_possibility: derived,
            possibility_disagrees,
            evaluation,
            grade,
        })
    }

    /// Grades `opportunity` again as of `as_of` (not before the previous
    /// grading) and reports whether its grade changed.
    pub fn regrade(
        &self,
        previous: &Assessment,
        opportunity: &Opportunity,
        as_of: NaiveDate,
    ) -> Result<Regrade, RegradeError> {
        if as_of < previous.as_of {
            return Err(RegradeError::BeforePrevious {
                previous_as_of: previous.as_of,
                as_of,
            });
        }
        let assessment = self.grade(opportunity, as_of)?;
        Ok(Regrade {
            change: GradeChange::between(previous, &assessment),
            assessment,
        })
    }
}

/// A given possibility must be a number within 0-1.
pub(crate) fn check_possibility(value: f64) -> Result<(), GradeError> {
    if !value.is_finite() {
        return Err(GradeError::PossibilityNotFinite { value });
    }
    if !(0.0..=1.0).contains(&value) {
        return Err(GradeError::PossibilityOutOfRange { value });
    }
    Ok(())
}

fn check_ratings(ratings: &Ratings) -> Result<(), GradeError> {
    for (factor, value) in ratings.iter() {
        if value.is_infinite() {
            return Err(GradeError::RatingNotFinite { factor, value });
        }
        if !value.is_nan() && !(RATING_MIN..=RATING_MAX).contains(&value) {
            return Err(GradeError::RatingOutOfRange { factor, value });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn opportunity(rating: f64, close: NaiveDate, possibility: f64) -> Opportunity {
        Opportunity {
            ratings: Ratings::uniform(rating),
            expected_close: close,
            possibility: Some(possibility),
        }
    }

    #[test]
    fn a_passing_project_is_graded() {
        let grader = Grader::default();
        let assessment = grader
            .grade(&opportunity(7.0, date(2026, 3, 1), 0.8), date(2026, 1, 15))
            .unwrap();
        assert_eq!(assessment.grade, Some(Grade::A));
        assert_eq!(assessment.days_to_close, 45);
        assert_eq!(assessment.status(), ItemStatus::Graded);
    }

    #[test]
    fn a_failing_project_gets_no_grade() {
        let grader = Grader::default();
        let assessment = grader
            .grade(&opportunity(4.0, date(2026, 3, 1), 0.8), date(2026, 1, 15))
            .unwrap();
        assert_eq!(assessment.grade, None);
        assert_eq!(assessment.status(), ItemStatus::LowerContactLevel);
    }

    #[test]
    fn errors_name_what_is_wrong() {
        let grader = Grader::default();
        let as_of = date(2026, 1, 15);
        let mut bad = opportunity(7.0, date(2026, 3, 1), 0.8);
        bad.ratings.customer_reputation = f64::INFINITY;
        assert!(matches!(
            grader.grade(&bad, as_of),
            Err(GradeError::RatingNotFinite {
                factor: Factor::CustomerReputation,
                ..
            })
        ));
        bad.ratings.customer_reputation = 10.5;
        assert!(matches!(
            grader.grade(&bad, as_of),
            Err(GradeError::RatingOutOfRange { factor: Factor::CustomerReputation, value }) if value == 10.5
        ));
        let bad = opportunity(7.0, date(2026, 3, 1), 1.2);
        assert_eq!(
            grader.grade(&bad, as_of),
            Err(GradeError::PossibilityOutOfRange { value: 1.2 })
        );
        let stale = opportunity(7.0, date(2026, 1, 14), 0.8);
        assert_eq!(
            grader.grade(&stale, as_of),
            Err(GradeError::CloseDateInPast {
                expected_close: date(2026, 1, 14),
                as_of
            })
        );
    }

    #[test]
    fn regrading_later_reports_the_change() {
        let grader = Grader::default();
        let deal = opportunity(7.0, date(2026, 9, 1), 0.8);
        let first = grader.grade(&deal, date(2026, 1, 15)).unwrap();
        assert_eq!(first.grade, Some(Grade::C));
        let later = grader.regrade(&first, &deal, date(2026, 6, 15)).unwrap();
        assert_eq!(later.assessment.grade, Some(Grade::A));
        let change = later.change.unwrap();
        assert_eq!((change.from, change.to), (Some(Grade::C), Some(Grade::A)));
        assert!(change.improved());
        let same = grader
            .regrade(&later.assessment, &deal, date(2026, 6, 20))
            .unwrap();
        assert_eq!(same.change, None);
        assert!(matches!(
            grader.regrade(&first, &deal, date(2026, 1, 1)),
            Err(RegradeError::BeforePrevious { .. })
        ));
    }

    #[test]
    fn invalid_config_is_refused_with_the_dotted_field() {
        let err = Grader::from_json(r#"{"table": {"b": {"within": 1, "min_possibility": 0.5}}}"#)
            .unwrap_err();
        assert!(matches!(err, ConfigError::Invalid { field, .. } if field == "table.b.within"));
        let err = Grader::from_json(r#"{"evaluation": {"pass_threshold": -1}}"#).unwrap_err();
        assert!(
            matches!(err, ConfigError::Invalid { field, .. } if field == "evaluation.pass_threshold")
        );
    }

    #[test]
    fn the_possibility_is_derived_from_the_configured_curve() {
        let old = Grader::from_json("{}").unwrap();
        assert_eq!(old.config().possibility, PossibilityMapping::default());
        let evaluation = old.evaluate(&Ratings::uniform(7.0)).unwrap();
        let steep =
            Grader::from_json(r#"{"possibility": {"intercept": -10, "slope": 2}}"#).unwrap();
        let derived = steep.derive_possibility(&evaluation).unwrap();
        assert!(derived > old.derive_possibility(&evaluation).unwrap());
        let err = Grader::from_json(r#"{"possibility": {"slope": -1}}"#).unwrap_err();
        assert!(matches!(err, ConfigError::Invalid { field, .. } if field == "possibility.slope"));
        // The default curve is not written, so an older reader still loads it.
        let json = serde_json::to_string(old.config()).unwrap();
        assert!(!json.contains("\"possibility\""));
    }

    #[test]
    fn deserialising_a_grader_validates_it() {
        assert!(
            serde_json::from_str::<Grader>(r#"{"evaluation": {"pass_threshold": 12}}"#).is_err()
        );
        let json = serde_json::to_string(&Grader::default()).unwrap();
        assert_eq!(
            serde_json::from_str::<Grader>(&json).unwrap(),
            Grader::default()
        );
    }
}
