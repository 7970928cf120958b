//! Why an opportunity got its grade: each factor's contribution, the
//! knock-outs hit, the verdict, each band of the table checked and the one
//! chosen, and the resource policy that follows.
//!
//! Explanations are built on demand, one opportunity at a time; batch
//! grading never builds them.

use std::fmt::Write as _;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::labels::{Labelled, Language};

use super::evaluation::{Factor, FactorSet, Verdict};
use super::grader::{GradeError, Grader, Opportunity, PossibilitySource};
use super::policy::ResourcePolicy;
use super::table::{day_number, HorizonUnit};
use super::Grade;

/// One factor's part in the score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactorContribution {
    /// The factor.
    pub factor: Factor,
    /// Its rating (0-10); NaN (`null`) when unknown.
    pub rating: f64,
    /// Its weight in the model.
    pub weight: f64,
    /// Its share of the weight counted (0-1): renormalised over the known
    /// factors when unknowns are left out, 0 for an unknown left out.
    pub share: f64,
    /// What it added to the score: rating x share.
    pub contribution: f64,
    /// Its knock-out floor, if it has one.
    pub knock_out_below: Option<f64>,
    /// Whether its knock-out is soft, a penalty rather than a failure.
    #[serde(default)]
    pub soft: bool,
    /// Whether its knock-out was hit.
    pub knocked_out: bool,
}

/// One band of the grade table, checked against the opportunity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandCheck {
    /// The grade the band gives.
    pub grade: Grade,
    /// The horizon, in `unit`.
    pub within: u32,
    /// The unit of `within`.
    pub unit: HorizonUnit,
    /// The horizon in days from the as-of date (`None`: beyond the last
    /// representable date).
    pub horizon_days: Option<i64>,
    /// The minimum possibility.
    pub min_possibility: f64,
    /// Whether the expected close falls within the horizon.
    pub time_met: bool,
    /// Whether the possibility reaches the minimum.
    pub possibility_met: bool,
}

impl BandCheck {
    /// Whether the band holds the opportunity.
    pub fn met(&self) -> bool {
        self.time_met && self.possibility_met
    }
}

/// The full account of one grading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Explanation {
    /// The date the grading is as of.
    pub as_of: NaiveDate,
    /// The expected close date.
    pub expected_close: NaiveDate,
    /// Days from the as-of date to the expected close.
    pub days_to_close: i64,
    /// The transaction possibility graded: the one given, else the one
    /// derived from the score; `None` when neither is known.
    pub possibility: Option<f64>,
    /// Where `possibility` came from.
    pub possibility_source: PossibilitySource,
    /// The possibility the score derives (`None`: the score is unknown),
    /// shown beside a given one.
    pub derived_possibility: Option<f64>,
    /// Whether a given and the derived possibility disagree strongly.
    pub possibility_disagrees: bool,
    /// Each factor's part in the score, in [`Factor::ALL`] order.
    pub factors: Vec<FactorContribution>,
    /// The score: the sum of the contributions less the penalty.
    pub score: f64,
    /// The points the soft knock-outs hit took off.
    #[serde(default)]
    pub penalty: f64,
    /// The factors whose rating is unknown.
    #[serde(default)]
    pub unknown: FactorSet,
    /// The lowest passing score.
    pub pass_threshold: f64,
    /// Below this a failed project is given up.
    pub give_up_below: f64,
    /// The knock-outs hit.
    pub knocked_out: FactorSet,
    /// The evaluation's verdict.
    pub verdict: Verdict,
    /// The table's bands, A to C, as checked.
    pub bands: Vec<BandCheck>,
    /// The grade the table gives: the first band met, D if none.
    pub table_grade: Grade,
    /// The grade given: the table's, for a project that passed.
    pub grade: Option<Grade>,
    /// The resource policy of the grade given.
    pub policy: Option<ResourcePolicy>,
}

impl Grader {
    /// Grades `opportunity` as of `as_of` and explains every step. Refuses
    /// exactly what [`Grader::grade`] refuses, and agrees with it.
    pub fn explain(
        &self,
        opportunity: &Opportunity,
        as_of: NaiveDate,
    ) -> Result<Explanation, GradeError> {
        let assessment = self.grade(opportunity, as_of)?;
        let config = self.config();
        let evaluation = &assessment.evaluation;
        let counted = |factor: Factor| {
            let weight = config.evaluation.weights.get(factor);
            let left_out =
                evaluation.unknown.contains(factor) && config.evaluation.unknowns.neutral.is_none();
            if left_out {
                0.0
            } else {
                weight
            }
        };
        let counted_weight: f64 = Factor::ALL.iter().map(|&f| counted(f)).sum();
        let factors = Factor::ALL
            .iter()
            .map(|&factor| {
                let knock_out = config
                    .evaluation
                    .knock_outs
                    .iter()
                    .find(|k| k.factor == factor);
                FactorContribution {
                    factor,
                    rating: opportunity.ratings.get(factor),
                    weight: config.evaluation.weights.get(factor),
                    share: if counted_weight > 0.0 {
                        counted(factor) / counted_weight
                    } else {
                        0.0
                    },
                    contribution: evaluation.contributions.get(factor),
                    knock_out_below: knock_out.map(|k| k.below),
                    soft: knock_out.is_some_and(|k| k.penalty.is_some()),
                    knocked_out: evaluation.knocked_out.contains(factor),
                }
            })
            .collect();

        let table = &config.table;
        let possibility = assessment.possibility.unwrap_or(f64::NAN);
        let close_day = i64::from(day_number(opportunity.expected_close));
        let as_of_day = i64::from(day_number(as_of));
        let bands: Vec<BandCheck> = table
            .bands()
            .iter()
            .map(|(grade, band)| {
                let horizon_days = table.horizon_days(band, as_of);
                BandCheck {
                    grade: *grade,
                    within: band.within,
                    unit: table.unit,
                    horizon_days,
                    min_possibility: band.min_possibility,
                    time_met: horizon_days.map_or(true, |days| close_day - as_of_day <= days),
                    possibility_met: possibility >= band.min_possibility,
                }
            })
            .collect();
        let table_grade = bands
            .iter()
            .find(|band| band.met())
            .map_or(Grade::D, |band| band.grade);

        Ok(Explanation {
            as_of,
            expected_close: opportunity.expected_close,
            days_to_close: assessment.days_to_close,
            possibility: assessment.possibility,
            possibility_source: assessment.possibility_source,
            derived_possibility: assessment.derived_possibility,
            possibility_disagrees: assessment.possibility_disagrees,
            factors,
            score: evaluation.score,
            penalty: evaluation.penalty,
            unknown: evaluation.unknown,
            pass_threshold: config.evaluation.pass_threshold,
            give_up_below: config.evaluation.give_up_below,
            knocked_out: evaluation.knocked_out,
            verdict: evaluation.verdict,
            bands,
            table_grade,
            grade: assessment.grade,
            policy: assessment.grade.map(|grade| self.policy(grade)),
        })
    }
}

/// The words of a rendered explanation in one language.
struct Words {
    evaluation: &'static str,
    score: &'static str,
    pass_at: &'static str,
    give_up_below: &'static str,
    knock_out_below: &'static str,
    hit: &'static str,
    knock_outs: &'static str,
    none: &'static str,
    unknown: &'static str,
    unknowns: &'static str,
    soft: &'static str,
    penalty: &'static str,
    close: &'static str,
    days_after: &'static str,
    possibility: &'static str,
    given: &'static str,
    given_derives: &'static str,
    derived: &'static str,
    not_derivable: &'static str,
    disagree: &'static str,
    within: &'static str,
    at_least: &'static str,
    time: &'static str,
    met: &'static str,
    not_met: &'static str,
    chosen: &'static str,
    otherwise: &'static str,
    grade: &'static str,
    no_grade: &'static str,
    enter_sales_process: &'static str,
    maintain_customer: &'static str,
    review_every: &'static str,
    days: &'static str,
}

const ENGLISH: Words = Words {
    evaluation: "Evaluation",
    score: "score",
    pass_at: "passes at",
    give_up_below: "given up below",
    knock_out_below: "knock-out below",
    hit: "HIT",
    knock_outs: "Knock-outs hit",
    none: "none",
    unknown: "unknown",
    unknowns: "Unknown ratings",
    soft: "soft",
    penalty: "penalty",
    close: "Expected close",
    days_after: "days after",
    possibility: "possibility",
    given: "given",
    given_derives: "given; the evaluation score derives",
    derived: "derived from the evaluation score",
    not_derivable: "not given, and too little is known to derive it",
    disagree: "The given and the derived possibility disagree strongly: check the CRM's figure against the ratings",
    within: "within",
    at_least: "possibility at least",
    time: "time",
    met: "met",
    not_met: "not met",
    chosen: "<- chosen",
    otherwise: "D: otherwise",
    grade: "Grade",
    no_grade: "No grade: the project failed evaluation",
    enter_sales_process: "enter the sales process",
    maintain_customer: "maintain the customer",
    review_every: "review every",
    days: "days",
};

const CHINESE: Words = Words {
    evaluation: "评估",
    score: "得分",
    pass_at: "通过线",
    give_up_below: "放弃线",
    knock_out_below: "否决线",
    hit: "已触发",
    knock_outs: "触发的否决项",
    none: "无",
    unknown: "未知",
    unknowns: "未知的评分",
    soft: "软性",
    penalty: "扣分",
    close: "预计成交",
    days_after: "天后，基准日",
    possibility: "成交可能性",
    given: "给定",
    given_derives: "给定；按评估得分推算为",
    derived: "由评估得分推算",
    not_derivable: "未给定，已知信息不足以推算",
    disagree: "给定的与推算的成交可能性相差较大：请对照评分核对CRM中的数值",
    within: "期限",
    at_least: "可能性不低于",
    time: "时间",
    met: "满足",
    not_met: "不满足",
    chosen: "<- 选定",
    otherwise: "D：其他情况",
    grade: "级别",
    no_grade: "无级别：项目未通过评估",
    enter_sales_process: "进入销售流程",
    maintain_customer: "维护客户",
    review_every: "复核周期",
    days: "天",
};

impl Explanation {
    /// The explanation as readable lines in `language`.
    pub fn render(&self, language: Language) -> String {
        let w = match language {
            Language::English => &ENGLISH,
            Language::Chinese => &CHINESE,
        };
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = self.write(&mut out, w, language);
        out
    }

    fn write(&self, out: &mut String, w: &Words, language: Language) -> std::fmt::Result {
        let score = if self.score.is_nan() {
            w.unknown.to_owned()
        } else {
            format!("{:.2}", self.score)
        };
        writeln!(
            out,
            "{}: {} {score} / 10 ({} {:.2}, {} {:.2}) -> {}",
            w.evaluation,
            w.score,
            w.pass_at,
            self.pass_threshold,
            w.give_up_below,
            self.give_up_below,
            self.verdict.label(language)
        )?;
        for f in &self.factors {
            if f.rating.is_nan() {
                write!(
                    out,
                    "  {}: {} x {:.1}%",
                    f.factor.label(language),
                    w.unknown,
                    f.share * 100.0
                )?;
            } else {
                write!(
                    out,
                    "  {}: {:.1} x {:.1}% = {:.3}",
                    f.factor.label(language),
                    f.rating,
                    f.share * 100.0,
                    f.contribution
                )?;
            }
            if let Some(below) = f.knock_out_below {
                let soft = if f.soft {
                    format!("{} ", w.soft)
                } else {
                    String::new()
                };
                write!(out, " ({soft}{} {below:.1}", w.knock_out_below)?;
                if f.knocked_out {
                    write!(out, ": {}", w.hit)?;
                }
                write!(out, ")")?;
            }
            writeln!(out)?;
        }
        let hit: Vec<_> = self.knocked_out.iter().map(|f| f.label(language)).collect();
        let hit = if hit.is_empty() {
            w.none.to_owned()
        } else {
            hit.join(", ")
        };
        writeln!(out, "  {}: {hit}", w.knock_outs)?;
        if self.penalty > 0.0 {
            writeln!(out, "  {}: -{:.2}", w.penalty, self.penalty)?;
        }
        let unknown: Vec<_> = self.unknown.iter().map(|f| f.label(language)).collect();
        if !unknown.is_empty() {
            writeln!(out, "  {}: {}", w.unknowns, unknown.join(", "))?;
        }

        let possibility = match (self.possibility_source, self.possibility) {
            (PossibilitySource::Given, Some(p)) => match self.derived_possibility {
                Some(d) => format!("{p:.2} ({} {d:.2})", w.given_derives),
                None => format!("{p:.2} ({})", w.given),
            },
            (PossibilitySource::Derived, Some(p)) => format!("{p:.2} ({})", w.derived),
            _ => format!("{} ({})", w.unknown, w.not_derivable),
        };
        writeln!(
            out,
            "{} {} ({} {} {}), {} {possibility}",
            w.close,
            self.expected_close,
            self.days_to_close,
            w.days_after,
            self.as_of,
            w.possibility,
        )?;
        if self.possibility_disagrees {
            writeln!(out, "  {}", w.disagree)?;
        }
        let mut chosen = false;
        for band in &self.bands {
            let horizon = band
                .horizon_days
                .map_or(String::new(), |days| format!(" = {days} {}", w.days));
            write!(
                out,
                "  {}: {} {} {}{horizon} [{} {}], {} {:.2} [{}]",
                band.grade.label(language),
                w.within,
                band.within,
                band.unit.label(language),
                w.time,
                if band.time_met { w.met } else { w.not_met },
                w.at_least,
                band.min_possibility,
                if band.possibility_met {
                    w.met
                } else {
                    w.not_met
                },
            )?;
            if band.met() && !chosen {
                chosen = true;
                write!(out, " {}", w.chosen)?;
            }
            writeln!(out)?;
        }
        write!(out, "  {}", w.otherwise)?;
        if !chosen {
            write!(out, " {}", w.chosen)?;
        }
        writeln!(out)?;

        match (self.grade, self.policy) {
            (Some(grade), Some(policy)) => {
                write!(
                    out,
                    "{} {}: {}",
                    w.grade,
                    grade.label(language),
                    policy.effort.label(language)
                )?;
                if policy.enter_sales_process {
                    write!(out, "; {}", w.enter_sales_process)?;
                }
                if policy.maintain_customer {
                    write!(out, "; {}", w.maintain_customer)?;
                }
                writeln!(
                    out,
                    "; {} {} {}",
                    w.review_every, policy.review_every_days, w.days
                )?;
                writeln!(out, "  {}", policy.effort.guidance().get(language))
            }
            _ => writeln!(out, "{}", w.no_grade),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::Ratings;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn explanation_names_the_band_and_the_knock_outs() {
        let grader = Grader::default();
        let deal = Opportunity {
            ratings: Ratings::uniform(7.0),
            expected_close: date(2026, 6, 1),
            possibility: Some(0.8),
        };
        let e = grader.explain(&deal, date(2026, 1, 15)).unwrap();
        assert_eq!(e.grade, Some(Grade::B));
        assert!(!e.bands[0].time_met && e.bands[0].possibility_met);
        assert!(e.bands[1].met());
        assert_eq!(e.policy, Some(grader.policy(Grade::B)));
        let text = e.render(Language::English);
        assert!(text.contains("B: within 6 months"), "{text}");
        assert!(text.contains("Control the time invested"), "{text}");
        let zh = e.render(Language::Chinese);
        assert!(zh.contains("控制投入时间"), "{zh}");

        let mut blocked = deal;
        blocked.ratings.capital_status = 1.0;
        let e = grader.explain(&blocked, date(2026, 1, 15)).unwrap();
        assert_eq!(e.grade, None);
        assert_eq!(e.verdict, Verdict::GiveUp);
        assert!(e
            .render(Language::English)
            .contains("Knock-outs hit: Capital status"));
    }

    #[test]
    fn the_explanation_says_where_the_possibility_came_from() {
        let grader = Grader::default();
        let as_of = date(2026, 1, 15);
        let given = Opportunity {
            ratings: Ratings::uniform(7.0),
            expected_close: date(2026, 6, 1),
            possibility: Some(0.8),
        };
        let e = grader.explain(&given, as_of).unwrap();
        assert_eq!(e.possibility_source, PossibilitySource::Given);
        let text = e.render(Language::English);
        assert!(
            text.contains("possibility 0.80 (given; the evaluation score derives 0.88)"),
            "{text}"
        );
        assert!(!text.contains("disagree"), "{text}");

        let doubtful = Opportunity {
            possibility: Some(0.2),
            ..given
        };
        let e = grader.explain(&doubtful, as_of).unwrap();
        assert!(e.possibility_disagrees);
        assert!(e.render(Language::English).contains("disagree strongly"));
        assert!(e.render(Language::Chinese).contains("相差较大"));

        let derived = Opportunity {
            possibility: None,
            ..given
        };
        let e = grader.explain(&derived, as_of).unwrap();
        assert_eq!(e.possibility_source, PossibilitySource::Derived);
        assert_eq!(e.possibility, e.derived_possibility);
        assert!(e
            .render(Language::English)
            .contains("(derived from the evaluation score)"));
        assert!(e.render(Language::Chinese).contains("由评估得分推算"));
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["possibility_source"], "derived");

        let unknown = Opportunity {
            ratings: Ratings::uniform(f64::NAN),
            ..derived
        };
        let e = grader.explain(&unknown, as_of).unwrap();
        assert_eq!(
            (e.possibility_source, e.possibility, e.grade),
            (PossibilitySource::Unknown, None, None)
        );
        assert!(e.render(Language::English).contains("too little is known"));
    }
}
