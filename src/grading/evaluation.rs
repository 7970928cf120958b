//! The opportunity evaluation model: is this project an opportunity at all?
//!
//! Not every project deserves a sales effort: some carry a funding risk,
//! some are too small to follow, some have technical requirements our
//! products cannot meet. Before grading, the project is rated on nine
//! factors, each on a 0-10 scale ([`Factor::scale`] says what the ends
//! mean). The score is the weighted mean of the ratings, so it is on the
//! same 0-10 scale, and the factors' contributions (rating x share of the
//! total weight), added in one fixed pairwise order, make it up exactly.
//!
//! The project passes when the score reaches the pass threshold and no
//! knock-out is hit. A knock-out is a factor rated below its floor: it fails
//! the project whatever the sum. A failed project is either given up
//! (knocked out, or scored below `give_up_below`) or kept at a lower
//! contact level.
//!
//! Defaults (choice, every one tunable):
//!
//! | factor | weight |
//! |---|---|
//! | project level | 1.0 |
//! | capital status | 1.5 |
//! | technical requirements | 1.5 |
//! | customer relationship | 1.0 |
//! | customer reputation | 1.0 |
//! | competition: products, prices, technical solutions, after-sales (each) | 1.0 |
//!
//! Pass threshold 5.0 (at least on a par overall), give up below 3.0, and
//! three knock-outs from the source's reasons for dropping a project:
//! project level below 2 (too small to follow), capital status below 2
//! (funding at severe risk), technical requirements below 2 (our products
//! cannot meet them).

use serde::{Deserialize, Serialize};

use crate::config::{check_range, ConfigError, Validate};
use crate::labelled_enum;
use crate::labels::{Labelled, Text};

/// The lowest rating on every factor's scale.
pub const RATING_MIN: f64 = 0.0;
/// The highest rating on every factor's scale.
pub const RATING_MAX: f64 = 10.0;
/// How many evaluation factors there are.
pub const FACTOR_COUNT: usize = 9;
/// The largest weight a factor may carry (weights are relative; this only
/// keeps sums far from overflow).
pub const WEIGHT_MAX: f64 = 1_000_000.0;

labelled_enum! {
    /// One factor of the opportunity evaluation model.
    pub enum Factor {
        /// How large and important the project is.
        ProjectLevel = 0, "project_level" => ("Project level", "项目级别"),
        /// Whether the project's funding is secured (funding risk).
        CapitalStatus = 1, "capital_status" => ("Capital status", "资金状况"),
        /// Whether our products can meet the technical requirements.
        TechnicalRequirements = 2, "technical_requirements" => ("Technical requirements", "技术要求"),
        /// How good our relationship with the customer is.
        CustomerRelationship = 3, "customer_relationship" => ("Customer relationship", "客户关系"),
        /// Whether the customer pays and honours its contracts.
        CustomerReputation = 4, "customer_reputation" => ("Customer reputation", "客户信誉"),
        /// Our products against the competition's.
        CompetitionProducts = 5, "competition_products" => ("Competition: products", "竞争：产品"),
        /// Our prices against the competition's.
        CompetitionPrices = 6, "competition_prices" => ("Competition: prices", "竞争：价格"),
        /// Our technical solution against the competition's.
        CompetitionTechnicalSolutions = 7, "competition_technical_solutions" => ("Competition: technical solutions", "竞争：技术方案"),
        /// Our after-sales service against the competition's.
        CompetitionAfterSales = 8, "competition_after_sales" => ("Competition: after-sales service", "竞争：售后服务"),
    }
}

/// What the two ends of a factor's 0-10 scale mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ScaleAnchors {
    /// What a rating of 0 means.
    pub low: Text,
    /// What a rating of 10 means.
    pub high: Text,
}

impl Factor {
    /// The factor's position in [`Factor::ALL`] and in [`FactorValues`]
    /// arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// What 0 and 10 mean on this factor's scale (5 is always "neither good
    /// nor bad", or "on a par" for the competition factors).
    pub fn scale(self) -> ScaleAnchors {
        let (low, high) = match self {
            Factor::ProjectLevel => (
                Text {
                    en: "Too small to be worth following",
                    zh: "项目太小，不值得跟进",
                },
                Text {
                    en: "A flagship project for us",
                    zh: "对我们而言是标杆项目",
                },
            ),
            Factor::CapitalStatus => (
                Text {
                    en: "No funding in sight; the project may never be paid for",
                    zh: "资金没有着落，项目可能无法付款",
                },
                Text {
                    en: "Budget approved and secured",
                    zh: "预算已批准且资金到位",
                },
            ),
            Factor::TechnicalRequirements => (
                Text {
                    en: "Our products cannot meet the requirements",
                    zh: "我们的产品无法满足技术要求",
                },
                Text {
                    en: "Our products meet every requirement, some only we can meet",
                    zh: "我们的产品满足全部要求，部分要求只有我们能满足",
                },
            ),
            Factor::CustomerRelationship => (
                Text {
                    en: "No contact, or a hostile one",
                    zh: "没有接触，或关系敌对",
                },
                Text {
                    en: "Trusted by the key people",
                    zh: "深得关键人物信任",
                },
            ),
            Factor::CustomerReputation => (
                Text {
                    en: "Known for not paying or not honouring contracts",
                    zh: "以拖欠付款或不履行合同著称",
                },
                Text {
                    en: "Pays on time and honours its contracts",
                    zh: "按时付款、信守合同",
                },
            ),
            Factor::CompetitionProducts => (
                Text {
                    en: "The competition's products are clearly better",
                    zh: "竞争对手的产品明显更好",
                },
                Text {
                    en: "Our products are clearly better",
                    zh: "我们的产品明显更好",
                },
            ),
            Factor::CompetitionPrices => (
                Text {
                    en: "The competition is far cheaper for the same value",
                    zh: "同等价值下竞争对手便宜得多",
                },
                Text {
                    en: "We offer clearly better value for the price",
                    zh: "我们的性价比明显更高",
                },
            ),
            Factor::CompetitionTechnicalSolutions => (
                Text {
                    en: "The competition's technical solution is clearly better",
                    zh: "竞争对手的技术方案明显更好",
                },
                Text {
                    en: "Our technical solution is clearly better",
                    zh: "我们的技术方案明显更好",
                },
            ),
            Factor::CompetitionAfterSales => (
                Text {
                    en: "The competition's after-sales service is clearly better",
                    zh: "竞争对手的售后服务明显更好",
                },
                Text {
                    en: "Our after-sales service is clearly better",
                    zh: "我们的售后服务明显更好",
                },
            ),
        };
        ScaleAnchors { low, high }
    }
}

/// One number per factor: ratings, weights or contributions.
///
/// In JSON every factor is named and all nine are required. An unknown
/// rating is NaN here and `null` in JSON (weights must be numbers).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactorValues {
    /// Project level.
    #[serde(deserialize_with = "null_as_nan")]
    #[schemars(with = "Option<f64>")]
    pub project_level: f64,
    /// Capital status.
    #[serde(deserialize_with = "null_as_nan")]
    #[schemars(with = "Option<f64>")]
    pub capital_status: f64,
    /// Technical requirements.
    #[serde(deserialize_with = "null_as_nan")]
    #[schemars(with = "Option<f64>")]
    pub technical_requirements: f64,
    /// Customer relationship.
    #[serde(deserialize_with = "null_as_nan")]
    #[schemars(with = "Option<f64>")]
    pub customer_relationship: f64,
    /// Customer reputation.
    #[serde(deserialize_with = "null_as_nan")]
    #[schemars(with = "Option<f64>")]
    pub customer_reputation: f64,
    /// Competition on products.
    #[serde(deserialize_with = "null_as_nan")]
    #[schemars(with = "Option<f64>")]
    pub competition_products: f64,
    /// Competition on prices.
    #[serde(deserialize_with = "null_as_nan")]
    #[schemars(with = "Option<f64>")]
    pub competition_prices: f64,
    /// Competition on technical solutions.
    #[serde(deserialize_with = "null_as_nan")]
    #[schemars(with = "Option<f64>")]
    pub competition_technical_solutions: f64,
    /// Competition on after-sales service.
    #[serde(deserialize_with = "null_as_nan")]
    #[schemars(with = "Option<f64>")]
    pub competition_after_sales: f64,
}

/// Reads `null` as NaN, the unknown value.
fn null_as_nan<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(deserializer)?.unwrap_or(f64::NAN))
}

/// A project's rating on each factor, each 0-10, or NaN where the rating
/// is unknown (`null` in JSON, an empty cell in a CRM export).
///
/// NaN is the one unknown value in every layout, the struct, the columns of
/// [`super::ColumnInput`] and the C ABI alike, so nothing has to be
/// translated between them. An unknown rating is never scored as 0 and
/// never triggers a knock-out: see [`UnknownRatings`].
pub type Ratings = FactorValues;
/// The relative weight of each factor, each zero or more.
pub type Weights = FactorValues;

impl FactorValues {
    /// The same value for every factor.
    pub fn uniform(value: f64) -> Self {
        Self::from_array([value; FACTOR_COUNT])
    }

    /// Values in [`Factor::ALL`] order.
    pub fn from_array(values: [f64; FACTOR_COUNT]) -> Self {
        let [project_level, capital_status, technical_requirements, customer_relationship, customer_reputation, competition_products, competition_prices, competition_technical_solutions, competition_after_sales] =
            values;
        FactorValues {
            project_level,
            capital_status,
            technical_requirements,
            customer_relationship,
            customer_reputation,
            competition_products,
            competition_prices,
            competition_technical_solutions,
            competition_after_sales,
        }
    }

    /// The ratings with every factor unknown.
    pub fn unknown() -> Self {
        Self::uniform(f64::NAN)
    }

    /// Whether the rating of `factor` is known (not NaN).
    pub fn is_known(&self, factor: Factor) -> bool {
        !self.get(factor).is_nan()
    }

    /// The factors whose rating is unknown (NaN).
    pub fn unknowns(&self) -> FactorSet {
        self.iter()
            .filter(|(_, v)| v.is_nan())
            .map(|(f, _)| f)
            .collect()
    }

    /// Values in [`Factor::ALL`] order.
    pub fn to_array(&self) -> [f64; FACTOR_COUNT] {
        [
            self.project_level,
            self.capital_status,
            self.technical_requirements,
            self.customer_relationship,
            self.customer_reputation,
            self.competition_products,
            self.competition_prices,
            self.competition_technical_solutions,
            self.competition_after_sales,
        ]
    }

    /// The value for `factor`.
    pub fn get(&self, factor: Factor) -> f64 {
        match factor {
            Factor::ProjectLevel => self.project_level,
            Factor::CapitalStatus => self.capital_status,
            Factor::TechnicalRequirements => self.technical_requirements,
            Factor::CustomerRelationship => self.customer_relationship,
            Factor::CustomerReputation => self.customer_reputation,
            Factor::CompetitionProducts => self.competition_products,
            Factor::CompetitionPrices => self.competition_prices,
            Factor::CompetitionTechnicalSolutions => self.competition_technical_solutions,
            Factor::CompetitionAfterSales => self.competition_after_sales,
        }
    }

    /// A mutable reference to the value for `factor`.
    pub fn get_mut(&mut self, factor: Factor) -> &mut f64 {
        match factor {
            Factor::ProjectLevel => &mut self.project_level,
            Factor::CapitalStatus => &mut self.capital_status,
            Factor::TechnicalRequirements => &mut self.technical_requirements,
            Factor::CustomerRelationship => &mut self.customer_relationship,
            Factor::CustomerReputation => &mut self.customer_reputation,
            Factor::CompetitionProducts => &mut self.competition_products,
            Factor::CompetitionPrices => &mut self.competition_prices,
            Factor::CompetitionTechnicalSolutions => &mut self.competition_technical_solutions,
            Factor::CompetitionAfterSales => &mut self.competition_after_sales,
        }
    }

    /// The same values with `factor` set to `value`.
    pub fn with(mut self, factor: Factor, value: f64) -> Self {
        *self.get_mut(factor) = value;
        self
    }

    /// Each factor with its value, in [`Factor::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Factor, f64)> + '_ {
        Factor::ALL.iter().map(move |&f| (f, self.get(f)))
    }

    /// The values added up, in the fixed pairwise order the score is
    /// summed in.
    pub fn sum(&self) -> f64 {
        sum(&self.to_array())
    }
}

impl FactorValues {
    /// The default weights: capital status and technical requirements count
    /// half again as much as the other factors.
    pub fn standard_weights() -> Weights {
        FactorValues {
            project_level: 1.0,
            capital_status: 1.5,
            technical_requirements: 1.5,
            customer_relationship: 1.0,
            customer_reputation: 1.0,
            competition_products: 1.0,
            competition_prices: 1.0,
            competition_technical_solutions: 1.0,
            competition_after_sales: 1.0,
        }
    }
}

/// A set of factors (for example the knock-outs hit), stored as bits.
///
/// In JSON it is the list of factor keys, in [`Factor::ALL`] order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(into = "Vec<Factor>", from = "Vec<Factor>")]
pub struct FactorSet {
    bits: u16,
}

impl FactorSet {
    /// The empty set.
    pub const EMPTY: FactorSet = FactorSet { bits: 0 };

    /// Whether `factor` is in the set.
    pub fn contains(self, factor: Factor) -> bool {
        self.bits & (1 << factor.code()) != 0
    }

    /// Adds `factor`.
    pub fn insert(&mut self, factor: Factor) {
        self.bits |= 1 << factor.code();
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.bits == 0
    }

    /// How many factors are in the set.
    pub fn len(self) -> usize {
        self.bits.count_ones() as usize
    }

    /// The set as a mask with bit `1 << code` set for each factor in it.
    pub(crate) fn mask(self) -> u32 {
        u32::from(self.bits)
    }

    /// The factors in the set, in [`Factor::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Factor> {
        Factor::ALL
            .iter()
            .copied()
            .filter(move |&f| self.contains(f))
    }
}

impl FromIterator<Factor> for FactorSet {
    fn from_iter<I: IntoIterator<Item = Factor>>(iter: I) -> Self {
        let mut set = FactorSet::EMPTY;
        for factor in iter {
            set.insert(factor);
        }
        set
    }
}

impl From<Vec<Factor>> for FactorSet {
    fn from(factors: Vec<Factor>) -> Self {
        factors.into_iter().collect()
    }
}

impl From<FactorSet> for Vec<Factor> {
    fn from(set: FactorSet) -> Self {
        set.iter().collect()
    }
}

/// A factor rated below `below`: a hard knock-out fails the project
/// whatever the score, a soft one takes `penalty` points off the score.
/// An unknown rating never hits a knock-out.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KnockOut {
    /// The factor checked.
    pub factor: Factor,
    /// Ratings strictly below this hit the knock-out (greater than 0, at
    /// most 10).
    pub below: f64,
    /// `None` (the default): a hard knock-out, the project fails. A number
    /// (greater than 0, at most 10): a soft one, that many points off the
    /// score (which stays at 0 or more).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub penalty: Option<f64>,
}

impl KnockOut {
    /// A hard knock-out: `factor` rated below `below` fails the project.
    pub fn hard(factor: Factor, below: f64) -> Self {
        KnockOut {
            factor,
            below,
            penalty: None,
        }
    }

    /// A soft knock-out: `factor` rated below `below` costs `penalty`
    /// points of score.
    pub fn soft(factor: Factor, below: f64, penalty: f64) -> Self {
        KnockOut {
            factor,
            below,
            penalty: Some(penalty),
        }
    }
}

/// What an unknown rating counts for, and how many must be known.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct UnknownRatings {
    /// `None` (the default): an unknown factor is left out and the known
    /// factors' weights are scaled up to the same total. A rating (0-10):
    /// an unknown factor is scored as that neutral value instead.
    pub neutral: Option<f64>,
    /// The fewest known ratings that can be evaluated (1-9, default 5, a
    /// majority of the nine); with fewer, or with only weightless factors
    /// known, the verdict is [`Verdict::NotEnoughKnown`].
    pub min_known: u8,
}

impl Default for UnknownRatings {
    fn default() -> Self {
        UnknownRatings {
            neutral: None,
            min_known: 5,
        }
    }
}

labelled_enum! {
    /// The outcome of evaluating a project.
    pub enum Verdict {
        /// An opportunity: grade it and go on to the next sales stage.
        Pass = 0, "pass" => ("Pass: grade it and move to the next stage", "通过：进行分级并进入下一销售阶段"),
        /// Not an opportunity now: keep in touch at a lower contact level.
        LowerContactLevel = 1, "lower_contact_level" => ("Fail: lower the contact level", "未通过：降低接触级别"),
        /// Not an opportunity: give it up.
        GiveUp = 2, "give_up" => ("Fail: give up", "未通过：放弃"),
        /// Too few ratings are known to say either way.
        NotEnoughKnown = 3, "not_enough_known" => ("Not enough known to evaluate", "已知信息不足，无法评估"),
    }
}

impl Verdict {
    /// Whether the project passed.
    pub fn passed(self) -> bool {
        self == Verdict::Pass
    }
}

/// The evaluation model: weights, pass threshold and knock-outs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct EvaluationModel {
    /// The relative weight of each factor (each 0 or more, not all 0).
    pub weights: Weights,
    /// The lowest score that passes (0-10).
    pub pass_threshold: f64,
    /// A failed project scoring below this is given up rather than kept at
    /// a lower contact level (0 to `pass_threshold`).
    pub give_up_below: f64,
    /// Factors that fail the project (hard) or cost it score (soft) when
    /// rated too low, at most one per factor.
    pub knock_outs: Vec<KnockOut>,
    /// How unknown ratings are scored and how many must be known.
    pub unknowns: UnknownRatings,
}

impl Default for EvaluationModel {
    fn default() -> Self {
        EvaluationModel {
            weights: Weights::standard_weights(),
            pass_threshold: 5.0,
            give_up_below: 3.0,
            knock_outs: vec![
                KnockOut::hard(Factor::ProjectLevel, 2.0),
                KnockOut::hard(Factor::CapitalStatus, 2.0),
                KnockOut::hard(Factor::TechnicalRequirements, 2.0),
            ],
            unknowns: UnknownRatings::default(),
        }
    }
}

impl Validate for EvaluationModel {
    fn validate(&self) -> Result<(), ConfigError> {
        for (factor, weight) in self.weights.iter() {
            let field = format!("weights.{}", factor.key());
            check_range(&field, weight, 0.0, WEIGHT_MAX)?;
        }
        if self.weights.sum() <= 0.0 {
            return Err(ConfigError::invalid(
                "weights",
                "every weight is 0; at least one factor must count",
            ));
        }
        check_range(
            "pass_threshold",
            self.pass_threshold,
            RATING_MIN,
            RATING_MAX,
        )?;
        check_range(
            "give_up_below",
            self.give_up_below,
            RATING_MIN,
            self.pass_threshold,
        )?;
        let mut seen = FactorSet::EMPTY;
        for (i, knock_out) in self.knock_outs.iter().enumerate() {
            if seen.contains(knock_out.factor) {
                return Err(ConfigError::invalid(
                    format!("knock_outs[{i}].factor"),
                    format!("{} already has a knock-out", knock_out.factor.key()),
                ));
            }
            seen.insert(knock_out.factor);
            let field = format!("knock_outs[{i}].below");
            check_range(&field, knock_out.below, RATING_MIN, RATING_MAX)?;
            if knock_out.below <= RATING_MIN {
                return Err(ConfigError::invalid(
                    field,
                    "a knock-out below 0 can never be hit; use a value above 0",
                ));
            }
            if let Some(penalty) = knock_out.penalty {
                let field = format!("knock_outs[{i}].penalty");
                check_range(&field, penalty, RATING_MIN, RATING_MAX)?;
                if penalty <= RATING_MIN {
                    return Err(ConfigError::invalid(
                        field,
                        "a penalty of 0 changes nothing; use a value above 0 or remove the knock-out",
                    ));
                }
            }
        }
        if let Some(neutral) = self.unknowns.neutral {
            check_range("unknowns.neutral", neutral, RATING_MIN, RATING_MAX)?;
        }
        if !(1..=FACTOR_COUNT).contains(&usize::from(self.unknowns.min_known)) {
            return Err(ConfigError::invalid(
                "unknowns.min_known",
                format!("{} is outside [1, {FACTOR_COUNT}]", self.unknowns.min_known),
            ));
        }
        Ok(())
    }
}

impl EvaluationModel {
    /// Loads a model from JSON; missing fields take their defaults.
    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        crate::config::from_json(json)
    }

    /// The knock-out floor of `factor`, if it has one.
    pub fn knock_out(&self, factor: Factor) -> Option<f64> {
        self.knock_outs
            .iter()
            .find(|k| k.factor == factor)
            .map(|k| k.below)
    }
}

/// The outcome of evaluating one project.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    /// The weighted mean of the known ratings (0-10), less the soft
    /// knock-outs' `penalty` (never below 0); NaN (`null`) when not enough
    /// is known.
    pub score: f64,
    /// What each factor added to the score before penalties: its rating
    /// times its share of the weight counted (0 for an unknown factor left
    /// out). They add up to the score plus the penalty.
    pub contributions: FactorValues,
    /// The knock-outs hit, hard and soft.
    pub knocked_out: FactorSet,
    /// The factors whose rating is unknown.
    #[serde(default)]
    pub unknown: FactorSet,
    /// The points the soft knock-outs hit took off the score.
    #[serde(default)]
    pub penalty: f64,
    /// Pass, lower the contact level, give up, or not enough known.
    pub verdict: Verdict,
}

impl Evaluation {
    /// Whether the project passed.
    pub fn passed(&self) -> bool {
        self.verdict.passed()
    }
}

/// Combines nine values pairwise, as a tree: the same order every time,
/// and a short dependency chain (four steps instead of eight).
#[inline(always)]
fn reduce(v: &[f64; FACTOR_COUNT], op: fn(f64, f64) -> f64) -> f64 {
    let [a, b, c, d, e, f, g, h, i] = *v;
    op(op(op(a, b), op(c, d)), op(op(op(e, f), op(g, h)), i))
}

/// Adds up per-factor values in the one fixed order the score uses, so
/// the batch and one-by-one paths agree to the last bit.
#[inline(always)]
pub(crate) fn sum(v: &[f64; FACTOR_COUNT]) -> f64 {
    reduce(v, |a, b| a + b)
}

/// The smaller of two numbers, as one machine instruction (no NaN rules:
/// unknown ratings are replaced before any minimum is taken).
#[inline(always)]
fn min(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}

/// The larger of two numbers, as one machine instruction.
#[inline(always)]
fn max(a: f64, b: f64) -> f64 {
    if a > b {
        a
    } else {
        b
    }
}

/// The model reduced to arrays once, for the per-project arithmetic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct CompiledModel {
    /// Each factor's share of the total weight (adds up to 1).
    pub(crate) shares: [f64; FACTOR_COUNT],
    /// Each factor's hard knock-out floor; 0 where there is none (no valid
    /// rating is below 0).
    pub(crate) floors: [f64; FACTOR_COUNT],
    /// Each factor's soft knock-out floor; 0 where there is none.
    pub(crate) soft_floors: [f64; FACTOR_COUNT],
    /// Each factor's soft knock-out penalty.
    pub(crate) penalties: [f64; FACTOR_COUNT],
    /// What an unknown rating is scored as (any valid rating when it is
    /// left out: its share is then 0).
    pub(crate) neutral: f64,
    /// The share an unknown factor keeps: its own when scored as neutral,
    /// 0 when left out.
    pub(crate) unknown_shares: [f64; FACTOR_COUNT],
    /// The fewest known ratings to evaluate.
    pub(crate) min_known: f64,
    /// Each factor's weight in a row with every rating known: its share
    /// times the renormalising scale, computed exactly as for such a row.
    pub(crate) known_weights: [f64; FACTOR_COUNT],
    /// Whether a row with every rating known is enough to evaluate: 1 or 0.
    pub(crate) all_known_enough: f64,
    pub(crate) pass_threshold: f64,
    pub(crate) give_up_below: f64,
}

/// What the arithmetic says about one row of ratings, before any error is
/// attached to it: all floating point, so a block of rows can be computed
/// several at a time.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Scored {
    /// The score, penalties taken off (infinite or NaN if a rating is
    /// infinite, NaN if nothing weighted is known).
    pub(crate) score: f64,
    /// The lowest known rating (unknowns count as a valid rating here).
    pub(crate) lowest: f64,
    /// The highest known rating.
    pub(crate) highest: f64,
    /// The lowest known rating minus its hard knock-out floor.
    pub(crate) slack: f64,
    /// Whether enough is known to evaluate: 1 or 0.
    pub(crate) enough_known: f64,
}

/// The result columns of [`CompiledModel::score_known_block`], one entry
/// per row each.
pub(crate) struct KnownBlock<'a> {
    pub(crate) score: &'a mut [f64],
    pub(crate) lowest: &'a mut [f64],
    pub(crate) highest: &'a mut [f64],
    pub(crate) slack: &'a mut [f64],
    pub(crate) enough_known: &'a mut [f64],
}

/// One row's arithmetic, shared by the batch and one-by-one paths.
#[derive(Debug, Clone, Copy)]
struct RowParts {
    contributions: [f64; FACTOR_COUNT],
    penalty: f64,
    score: f64,
    lowest: f64,
    highest: f64,
    slack: f64,
    enough_known: f64,
}

impl CompiledModel {
    /// Compiles a model that has passed [`Validate`].
    pub(crate) fn new(model: &EvaluationModel) -> Self {
        let weights = model.weights.to_array();
        let total = model.weights.sum();
        let shares = weights.map(|w| w / total);
        let mut floors = [RATING_MIN; FACTOR_COUNT];
        let mut soft_floors = [RATING_MIN; FACTOR_COUNT];
        let mut penalties = [0.0; FACTOR_COUNT];
        for knock_out in &model.knock_outs {
            let i = knock_out.factor.index();
            match knock_out.penalty {
                None => {
                    if let Some(floor) = floors.get_mut(i) {
                        *floor = knock_out.below;
                    }
                }
                Some(penalty) => {
                    if let (Some(floor), Some(p)) = (soft_floors.get_mut(i), penalties.get_mut(i)) {
                        *floor = knock_out.below;
                        *p = penalty;
                    }
                }
            }
        }
        let (neutral, unknown_shares) = match model.unknowns.neutral {
            Some(neutral) => (neutral, shares),
            None => ((RATING_MIN + RATING_MAX) / 2.0, [0.0; FACTOR_COUNT]),
        };
        // What `parts` computes for a row with every rating known.
        let scale = 1.0 / sum(&shares);
        let known_weights = shares.map(|share| share * scale);
        let min_known = f64::from(model.unknowns.min_known);
        let all_known_enough = (FACTOR_COUNT as f64 >= min_known) & (scale < f64::INFINITY);
        CompiledModel {
            shares,
            floors,
            soft_floors,
            penalties,
            neutral,
            unknown_shares,
            min_known,
            known_weights,
            all_known_enough: f64::from(u8::from(all_known_enough)),
            pass_threshold: model.pass_threshold,
            give_up_below: model.give_up_below,
        }
    }

    /// The arithmetic of one row, without a branch on the data: unknown
    /// (NaN) ratings are replaced by selects, out-of-range ones only show
    /// in `lowest` and `highest`.
    #[inline(always)]
    fn parts(&self, ratings: &[f64; FACTOR_COUNT]) -> RowParts {
        let mut value = [0.0; FACTOR_COUNT];
        let mut counted = [0.0; FACTOR_COUNT];
        let mut slack = [0.0; FACTOR_COUNT];
        let mut penalty = [0.0; FACTOR_COUNT];
        let mut known = [0.0; FACTOR_COUNT];
        for i in 0..FACTOR_COUNT {
            let rating = ratings[i];
            let is_known = !rating.is_nan();
            let v = if is_known { rating } else { self.neutral };
            value[i] = v;
            counted[i] = if is_known {
                self.shares[i]
            } else {
                self.unknown_shares[i]
            };
            // An unknown rating is replaced by a valid one, so it can
            // neither knock out nor be out of range.
            slack[i] = if is_known { v - self.floors[i] } else { 0.0 };
            penalty[i] = if is_known & (v < self.soft_floors[i]) {
                self.penalties[i]
            } else {
                0.0
            };
            known[i] = f64::from(u8::from(is_known));
        }
        // Renormalise: the counted shares are scaled up to add up to 1.
        let scale = 1.0 / sum(&counted);
        let mut contributions = [0.0; FACTOR_COUNT];
        for i in 0..FACTOR_COUNT {
            contributions[i] = value[i] * (counted[i] * scale);
        }
        let penalty = sum(&penalty);
        let raw = sum(&contributions);
        let enough = (sum(&known) >= self.min_known) & (scale < f64::INFINITY);
        RowParts {
            contributions,
            penalty,
            score: max(raw - penalty, RATING_MIN),
            lowest: reduce(&value, min),
            highest: reduce(&value, max),
            slack: reduce(&slack, min),
            enough_known: f64::from(u8::from(enough)),
        }
    }

    /// Scores one row of ratings without branching on the data; unknown
    /// ratings are left out or made neutral, out-of-range ones only
    /// flagged. Everything stays in floating point so the compiler keeps it
    /// in registers.
    #[inline(always)]
    pub(crate) fn score(&self, ratings: &[f64; FACTOR_COUNT]) -> Scored {
        // Rows with every rating known (most rows of most books) skip the
        // renormalising arithmetic, whose result for them is fixed.
        let all_known = ratings.iter().fold(true, |all, r| all & !r.is_nan());
        if all_known {
            return self.score_known(ratings);
        }
        let parts = self.parts(ratings);
        Scored {
            score: parts.score,
            lowest: parts.lowest,
            highest: parts.highest,
            slack: parts.slack,
            enough_known: parts.enough_known,
        }
    }

    /// [`Self::score`] of a row with every rating known: the same
    /// operations on the same numbers as [`Self::parts`] for such a row, so
    /// the same bits, without the unknowns' selects and the division.
    #[inline(always)]
    fn score_known(&self, ratings: &[f64; FACTOR_COUNT]) -> Scored {
        let mut contributions = [0.0; FACTOR_COUNT];
        let mut slack = [0.0; FACTOR_COUNT];
        let mut penalty = [0.0; FACTOR_COUNT];
        for i in 0..FACTOR_COUNT {
            let v = ratings[i];
            contributions[i] = v * self.known_weights[i];
            slack[i] = v - self.floors[i];
            penalty[i] = if v < self.soft_floors[i] {
                self.penalties[i]
            } else {
                0.0
            };
        }
        Scored {
            score: max(sum(&contributions) - sum(&penalty), RATING_MIN),
            lowest: reduce(ratings, min),
            highest: reduce(ratings, max),
            slack: reduce(&slack, min),
            enough_known: self.all_known_enough,
        }
    }

    /// [`Self::score_known`] of a block of rows given factor by factor
    /// (`columns[factor][row]`, every column as long as `score`), into the
    /// five result columns; `false` (results to be discarded) when a rating
    /// in the block is unknown. One loop with no branch, so the compiler
    /// runs several rows at a time; the same operations as
    /// [`Self::score_known`], so the same bits.
    #[inline(always)]
    pub(crate) fn score_known_block(
        &self,
        columns: [&[f64]; FACTOR_COUNT],
        mut out: KnownBlock<'_>,
    ) -> bool {
        let rows = out.score.len();
        let [c0, c1, c2, c3, c4, c5, c6, c7, c8] =
            columns.map(|c| c.get(..rows).unwrap_or_default());
        if [c0, c1, c2, c3, c4, c5, c6, c7, c8]
            .iter()
            .any(|c| c.len() != rows)
        {
            return false;
        }
        let has_soft = self.has_soft_knock_outs();
        // A NaN rating makes its row's sum NaN (whatever its weight), so
        // one test of each sum finds every unknown rating. A sum made NaN
        // by infinite ratings sends the block row by row too, which gives
        // the same results.
        let mut unknown = false;
        for j in 0..rows {
            let r = [
                c0[j], c1[j], c2[j], c3[j], c4[j], c5[j], c6[j], c7[j], c8[j],
            ];
            unknown |= self.score_known_row(r, has_soft, &mut out, j);
        }
        !unknown
    }

    /// [`Self::score_known_block`] over rows given by `row` (its ratings for
    /// each index below the block's length), so that a caller holding the
    /// rows in another layout scores them where they are.
    #[inline(always)]
    pub(crate) fn score_known_rows(
        &self,
        row: impl Fn(usize) -> [f64; FACTOR_COUNT],
        mut out: KnownBlock<'_>,
    ) -> bool {
        let has_soft = self.has_soft_knock_outs();
        let mut unknown = false;
        for j in 0..out.score.len() {
            unknown |= self.score_known_row(row(j), has_soft, &mut out, j);
        }
        !unknown
    }

    /// Without soft knock-outs every penalty is 0 and their sum +0, which
    /// leaves the score as it is: the block loops then skip them.
    #[inline(always)]
    fn has_soft_knock_outs(&self) -> bool {
        self.penalties.iter().any(|&p| p != 0.0)
    }

    /// One row of a block with every rating known, written at `j`; `true`
    /// when its sum is NaN (an unknown rating).
    #[inline(always)]
    fn score_known_row(
        &self,
        r: [f64; FACTOR_COUNT],
        has_soft: bool,
        out: &mut KnownBlock<'_>,
        j: usize,
    ) -> bool {
        let (w, f) = (&self.known_weights, &self.floors);
        let (soft, penalties) = (&self.soft_floors, &self.penalties);
        let mut contributions = [0.0; FACTOR_COUNT];
        let mut slack = [0.0; FACTOR_COUNT];
        let mut penalty = [0.0; FACTOR_COUNT];
        for i in 0..FACTOR_COUNT {
            contributions[i] = r[i] * w[i];
            slack[i] = r[i] - f[i];
            if has_soft {
                penalty[i] = if r[i] < soft[i] { penalties[i] } else { 0.0 };
            }
        }
        let penalty = if has_soft { sum(&penalty) } else { 0.0 };
        let raw = sum(&contributions) - penalty;
        out.score[j] = max(raw, RATING_MIN);
        out.lowest[j] = reduce(&r, min);
        out.highest[j] = reduce(&r, max);
        out.slack[j] = reduce(&slack, min);
        out.enough_known[j] = self.all_known_enough;
        raw.is_nan()
    }

    /// The verdict for a valid score.
    #[inline(always)]
    pub(crate) fn verdict(&self, score: f64, knocked_out: bool) -> Verdict {
        if knocked_out || score < self.give_up_below {
            Verdict::GiveUp
        } else if score < self.pass_threshold {
            Verdict::LowerContactLevel
        } else {
            Verdict::Pass
        }
    }

    /// The full evaluation of valid ratings, with contributions and the
    /// knock-outs hit. The score is computed exactly as in [`Self::score`].
    pub(crate) fn evaluate(&self, ratings: &[f64; FACTOR_COUNT]) -> Evaluation {
        let parts = self.parts(ratings);
        let mut knocked = FactorSet::EMPTY;
        let mut unknown = FactorSet::EMPTY;
        for (i, (&rating, &factor)) in ratings.iter().zip(Factor::ALL).enumerate() {
            if rating.is_nan() {
                unknown.insert(factor);
            } else if rating < self.floors[i] || rating < self.soft_floors[i] {
                knocked.insert(factor);
            }
        }
        if parts.enough_known == 0.0 {
            return Evaluation {
                score: f64::NAN,
                contributions: FactorValues::from_array(parts.contributions.map(|_| f64::NAN)),
                knocked_out: FactorSet::EMPTY,
                unknown,
                penalty: 0.0,
                verdict: Verdict::NotEnoughKnown,
            };
        }
        Evaluation {
            score: parts.score,
            contributions: FactorValues::from_array(parts.contributions),
            knocked_out: knocked,
            unknown,
            penalty: parts.penalty,
            verdict: self.verdict(parts.score, parts.slack < 0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_model_is_valid_and_weights_total_ten() {
        let model = EvaluationModel::default();
        assert_eq!(model.validate(), Ok(()));
        assert_eq!(model.weights.sum(), 10.0);
    }

    #[test]
    fn hand_checked_score() {
        // Shares are weight / 10: 0.1, 0.15, 0.15, then 0.1 each.
        let compiled = CompiledModel::new(&EvaluationModel::default());
        let ratings = Ratings::uniform(6.0)
            .with(Factor::CapitalStatus, 8.0)
            .with(Factor::CompetitionPrices, 2.0);
        let evaluation = compiled.evaluate(&ratings.to_array());
        // 0.6 + 1.2 + 0.9 + 0.6 + 0.6 + 0.6 + 0.2 + 0.6 + 0.6 = 5.9
        assert!((evaluation.score - 5.9).abs() < 1e-12);
        assert_eq!(evaluation.verdict, Verdict::Pass);
        assert!((evaluation.contributions.capital_status - 1.2).abs() < 1e-12);
    }

    #[test]
    fn failing_scores_split_between_lower_contact_and_give_up() {
        let compiled = CompiledModel::new(&EvaluationModel::default());
        let middling = compiled.evaluate(&Ratings::uniform(4.0).to_array());
        assert_eq!(middling.verdict, Verdict::LowerContactLevel);
        let poor = compiled.evaluate(&Ratings::uniform(2.5).to_array());
        assert_eq!(poor.verdict, Verdict::GiveUp);
        assert!(poor.knocked_out.is_empty());
    }

    #[test]
    fn knock_out_fails_a_high_score() {
        let compiled = CompiledModel::new(&EvaluationModel::default());
        let ratings = Ratings::uniform(10.0).with(Factor::TechnicalRequirements, 1.0);
        let evaluation = compiled.evaluate(&ratings.to_array());
        assert!(evaluation.score > 8.0);
        assert_eq!(evaluation.verdict, Verdict::GiveUp);
        assert_eq!(
            evaluation.knocked_out.iter().collect::<Vec<_>>(),
            vec![Factor::TechnicalRequirements]
        );
    }

    #[test]
    fn refusals_name_the_field() {
        let field = |json: &str| match EvaluationModel::from_json(json) {
            Err(ConfigError::Invalid { field, .. }) => field,
            other => panic!("expected an invalid field, got {other:?}"),
        };
        let mut weights = serde_json::to_value(Weights::standard_weights()).unwrap();
        weights["competition_prices"] = serde_json::json!(-1.0);
        let json = serde_json::json!({ "weights": weights }).to_string();
        assert_eq!(field(&json), "weights.competition_prices");
        assert_eq!(field(r#"{"pass_threshold": 11}"#), "pass_threshold");
        assert_eq!(
            field(r#"{"pass_threshold": 4, "give_up_below": 4.5}"#),
            "give_up_below"
        );
        assert_eq!(
            field(
                r#"{"knock_outs": [{"factor": "capital_status", "below": 2}, {"factor": "capital_status", "below": 3}]}"#
            ),
            "knock_outs[1].factor"
        );
        assert_eq!(
            field(r#"{"knock_outs": [{"factor": "capital_status", "below": 0}]}"#),
            "knock_outs[0].below"
        );
        let zero = serde_json::json!({ "weights": Weights::uniform(0.0) }).to_string();
        assert_eq!(field(&zero), "weights");
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert!(matches!(
            EvaluationModel::from_json(r#"{"pass_treshold": 5}"#),
            Err(ConfigError::Json { .. })
        ));
    }

    #[test]
    fn factor_set_serialises_as_keys() {
        let set: FactorSet = [Factor::CapitalStatus, Factor::ProjectLevel]
            .into_iter()
            .collect();
        let json = serde_json::to_string(&set).unwrap();
        assert_eq!(json, r#"["project_level","capital_status"]"#);
        assert_eq!(serde_json::from_str::<FactorSet>(&json).unwrap(), set);
    }
}
