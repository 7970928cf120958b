//! The process definition: the tunable rules of the six-stage process.
//!
//! Base win probability and required key nodes per stage, the penalty for
//! each key node left unmet by forcing, the coverage rule for the
//! sales-entry nodes and optional factors per opportunity grade. The
//! defaults are DOMAIN.md's; a definition loads from JSON and a bad one is
//! refused whole, naming the field.

use serde::{Deserialize, Serialize};

use super::forecast::ForecastRules;
use super::influence::CoverageRule;
use super::reason::ReasonList;
use super::stage::{KeyNode, KeyNodeSet, PerStage, ProcurementStep, Stage};
use crate::config::{check_range, ConfigError, Validate};
use crate::grading::{Grade, PolicyTable};
use crate::labels::Labelled;

/// The rules of one stage.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StageRule {
    /// Win probability of an open deal in this stage before any factor
    /// (0-1; never lower than the previous stage's).
    pub base_probability: f64,
    /// The key nodes that must be met before leaving this stage.
    pub key_nodes: KeyNodeSet,
}

/// The largest grade factor allowed.
pub const GRADE_FACTOR_MAX: f64 = 10.0;

/// A win-probability factor for each opportunity grade, and for deals that
/// failed evaluation or were never graded (each 0-10: a factor above 1
/// raises the probability, which stays at most 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeFactors {
    /// Factor for grade A.
    pub a: f64,
    /// Factor for grade B.
    pub b: f64,
    /// Factor for grade C.
    pub c: f64,
    /// Factor for grade D.
    pub d: f64,
    /// Factor for a deal whose latest evaluation failed (parked in
    /// nurture); `None`: the lowest grade factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<f64>,
    /// Factor for a deal never graded; `None`: the lowest grade factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ungraded: Option<f64>,
}

impl GradeFactors {
    /// The factor for `grade`.
    pub fn get(&self, grade: Grade) -> f64 {
        match grade {
            Grade::A => self.a,
            Grade::B => self.b,
            Grade::C => self.c,
            Grade::D => self.d,
        }
    }

    /// The lowest grade factor: what an ungraded deal gets when no factor
    /// of its own is set, so that skipping the grading never pays.
    pub fn lowest(&self) -> f64 {
        self.a.min(self.b).min(self.c).min(self.d)
    }

    /// The factor of a deal with no grade: `failed` when its latest
    /// evaluation failed, else `ungraded`, each the lowest grade factor
    /// when not set.
    pub fn without_grade(&self, failed: bool) -> f64 {
        let own = if failed { self.failed } else { self.ungraded };
        own.unwrap_or_else(|| self.lowest())
    }
}

impl Validate for GradeFactors {
    fn validate(&self) -> Result<(), ConfigError> {
        for &grade in Grade::ALL {
            check_range(grade.key(), self.get(grade), 0.0, GRADE_FACTOR_MAX)?;
        }
        for (field, value) in [("failed", self.failed), ("ungraded", self.ungraded)] {
            if let Some(value) = value {
                check_range(field, value, 0.0, GRADE_FACTOR_MAX)?;
            }
        }
        Ok(())
    }
}

/// How buying influences with power weigh on the win probability. Source
/// 002: the technical buyer can give a final no, the economic buyer the
/// final yes or no, and the user buyer judges the effect on their own work;
/// each such person who is opposed to us, or who carries high influence
/// and has not been met, cuts the probability once (coaches do not). The
/// factors are choices, to tune; 1 turns a rule off.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct InfluencePower {
    /// Factor for each opposed economic, technical or user buyer (0-1;
    /// choice: 0.6).
    pub opposed: f64,
    /// Factor for each high-influence economic, technical or user buyer not
    /// met yet (0-1; choice: 0.85).
    pub high_influence_not_met: f64,
}

impl Default for InfluencePower {
    fn default() -> Self {
        InfluencePower {
            opposed: 0.6,
            high_influence_not_met: 0.85,
        }
    }
}

impl Validate for InfluencePower {
    fn validate(&self) -> Result<(), ConfigError> {
        check_range("opposed", self.opposed, 0.0, 1.0)?;
        check_range(
            "high_influence_not_met",
            self.high_influence_not_met,
            0.0,
            1.0,
        )
    }
}

/// How early we entered weighs on the win probability: a factor for the
/// customer's procurement step when we first engaged (the first step
/// observed). Source 003: the earlier the salesperson enters the project,
/// the greater the chance of success, especially when the customer needs a
/// personalised solution or a non-standard product. The source gives no
/// figures: the defaults are choices, to tune (each 0-1, none higher than
/// the step's before; all 1 turns the rule off). Entering at the internal
/// demand is best; entering while the customer is already bidding (or
/// later) is worst.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct EarlyEntry {
    /// Entered at the internal demand and project approval (choice: 1).
    pub internal_demand: f64,
    /// Entered while the customer screens suppliers (choice: 0.9).
    pub supplier_screening: f64,
    /// Entered while the procurement index is written (choice: 0.75).
    pub procurement_index: f64,
    /// Entered while the customer is bidding and evaluating (choice: 0.5).
    pub bidding_and_evaluation: f64,
    /// Entered at the purchase commitment (choice: 0.5).
    pub purchase_commitment: f64,
    /// Entered at the installation (choice: 0.5).
    pub installation: f64,
}

impl Default for EarlyEntry {
    fn default() -> Self {
        EarlyEntry {
            internal_demand: 1.0,
            supplier_screening: 0.9,
            procurement_index: 0.75,
            bidding_and_evaluation: 0.5,
            purchase_commitment: 0.5,
            installation: 0.5,
        }
    }
}

impl EarlyEntry {
    /// The factor for entering at `step`.
    pub fn get(&self, step: ProcurementStep) -> f64 {
        match step {
            ProcurementStep::InternalDemand => self.internal_demand,
            ProcurementStep::SupplierScreening => self.supplier_screening,
            ProcurementStep::ProcurementIndex => self.procurement_index,
            ProcurementStep::BiddingAndEvaluation => self.bidding_and_evaluation,
            ProcurementStep::PurchaseCommitment => self.purchase_commitment,
            ProcurementStep::Installation => self.installation,
        }
    }
}

impl Validate for EarlyEntry {
    fn validate(&self) -> Result<(), ConfigError> {
        let mut previous: Option<(ProcurementStep, f64)> = None;
        for &step in ProcurementStep::ALL {
            let value = self.get(step);
            check_range(step.key(), value, 0.0, 1.0)?;
            if let Some((before, p)) = previous {
                if value > p {
                    return Err(ConfigError::invalid(
                        step.key(),
                        format!(
                            "{value} is higher than {}'s {p}; entering later may not raise the chance",
                            before.key()
                        ),
                    ));
                }
            }
            previous = Some((step, value));
        }
        Ok(())
    }
}

/// The tunable rules of the six-stage key-account process. Fields left out
/// of the JSON take their defaults; `stages`, when given, lists all six.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ProcessDefinition {
    /// Base probability and required key nodes of each stage (default: 0.10,
    /// 0.20, 0.40, 0.60, 0.80, 1.00 and DOMAIN.md's key nodes).
    pub stages: PerStage<StageRule>,
    /// Factor applied to the win probability for each key node left unmet
    /// by forcing, while it stays unmet (0-1; choice: 0.5).
    pub forcing_penalty: f64,
    /// The share of the forcing penalty won back when a forced node is met
    /// after the stage it gates was entered (0-1; choice: 0, none). Source
    /// 003: once the tender has fixed the standards, the chance to shape
    /// them is gone, so meeting the node late does not undo the forcing.
    pub forced_recovery: f64,
    /// How opposed or unmet buying influences with power cut the win
    /// probability.
    pub influence_power: InfluencePower,
    /// How the customer's procurement step when we first engaged weighs on
    /// the win probability.
    pub early_entry: EarlyEntry,
    /// When contacts count as "insiders found" and "key people identified".
    pub coverage: CoverageRule,
    /// Win-probability factor per grade; none by default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade_factors: Option<GradeFactors>,
    /// The resource policy of each grade: whether the deal may enter the
    /// sales process without forcing, and what the guidance says (default:
    /// only A enters; source 003).
    pub policies: PolicyTable,
    /// The reasons a deal may be lost, withdrawn or cancelled for.
    pub reasons: ReasonList,
    /// The rules that derive forecast categories.
    pub forecast: ForecastRules,
}

impl Default for ProcessDefinition {
    fn default() -> Self {
        ProcessDefinition {
            stages: PerStage::from_fn(|stage| StageRule {
                base_probability: default_base_probability(stage),
                key_nodes: stage.default_key_nodes(),
            }),
            forcing_penalty: 0.5,
            forced_recovery: 0.0,
            influence_power: InfluencePower::default(),
            early_entry: EarlyEntry::default(),
            coverage: CoverageRule::default(),
            grade_factors: None,
            policies: PolicyTable::default(),
            reasons: ReasonList::default(),
            forecast: ForecastRules::default(),
        }
    }
}

fn default_base_probability(stage: Stage) -> f64 {
    match stage {
        Stage::Development => 0.10,
        Stage::SalesEntry => 0.20,
        Stage::Proposal => 0.40,
        Stage::Bidding => 0.60,
        Stage::BusinessNegotiation => 0.80,
        Stage::ProjectImplementation => 1.00,
    }
}

impl Validate for ProcessDefinition {
    fn validate(&self) -> Result<(), ConfigError> {
        let mut previous: Option<(Stage, f64)> = None;
        let mut claimed = KeyNodeSet::EMPTY;
        for (stage, rule) in self.stages.iter() {
            let field = format!("stages.{}.base_probability", stage.key());
            check_range(&field, rule.base_probability, 0.0, 1.0)?;
            if let Some((before, p)) = previous {
                if rule.base_probability < p {
                    return Err(ConfigError::invalid(
                        field,
                        format!(
                            "{} is lower than the {} stage's {p}; a later stage may not be less likely",
                            rule.base_probability,
                            before.key()
                        ),
                    ));
                }
            }
            previous = Some((stage, rule.base_probability));

            let twice = rule.key_nodes.intersection(claimed);
            if let Some(node) = twice.iter().next() {
                let owner = self.stage_requiring(node).unwrap_or(stage);
                return Err(ConfigError::invalid(
                    format!("stages.{}.key_nodes", stage.key()),
                    format!(
                        "key node {} is already required by the {} stage",
                        node.key(),
                        owner.key()
                    ),
                ));
            }
            claimed = claimed.union(rule.key_nodes);
        }
        if !self
            .required(Stage::LAST)
            .contains(KeyNode::ProjectCompleted)
        {
            return Err(ConfigError::invalid(
                "stages.project_implementation.key_nodes",
                "must include project_completed: a delivery ends only with the project completed",
            ));
        }
        if !self
            .required(Stage::Development)
            .contains(KeyNode::OpportunityGraded)
        {
            return Err(ConfigError::invalid(
                "stages.development.key_nodes",
                "must include opportunity_graded: leaving development needs an evaluation that passed",
            ));
        }
        check_range("forcing_penalty", self.forcing_penalty, 0.0, 1.0)?;
        check_range("forced_recovery", self.forced_recovery, 0.0, 1.0)?;
        self.influence_power
            .validate()
            .map_err(|e| e.nested("influence_power"))?;
        self.early_entry
            .validate()
            .map_err(|e| e.nested("early_entry"))?;
        self.coverage.validate().map_err(|e| e.nested("coverage"))?;
        if let Some(factors) = &self.grade_factors {
            factors.validate().map_err(|e| e.nested("grade_factors"))?;
        }
        self.policies.validate().map_err(|e| e.nested("policies"))?;
        self.reasons.validate().map_err(|e| e.nested("reasons"))?;
        self.forecast.validate().map_err(|e| e.nested("forecast"))
    }
}

impl ProcessDefinition {
    /// Loads a definition from JSON; missing fields take their defaults and
    /// a bad definition is refused with the field named.
    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        crate::config::from_json(json)
    }

    /// The key nodes required to leave `stage`.
    pub fn required(&self, stage: Stage) -> KeyNodeSet {
        self.stages.get(stage).key_nodes
    }

    /// The key nodes required by every stage before `stage`.
    pub fn required_before(&self, stage: Stage) -> KeyNodeSet {
        // Spelled out so the gate stays a handful of bit operations.
        let s = &self.stages;
        let through_development = s.development.key_nodes;
        let through_sales_entry = through_development.union(s.sales_entry.key_nodes);
        let through_proposal = through_sales_entry.union(s.proposal.key_nodes);
        let through_bidding = through_proposal.union(s.bidding.key_nodes);
        match stage {
            Stage::Development => KeyNodeSet::EMPTY,
            Stage::SalesEntry => through_development,
            Stage::Proposal => through_sales_entry,
            Stage::Bidding => through_proposal,
            Stage::BusinessNegotiation => through_bidding,
            Stage::ProjectImplementation => through_bidding.union(s.business_negotiation.key_nodes),
        }
    }

    /// The key nodes required by `stage` and every stage before it.
    #[inline]
    pub fn required_through(&self, stage: Stage) -> KeyNodeSet {
        // The same unions as `required_before` and `required`, one match:
        // this is the gate of every advance.
        let s = &self.stages;
        let through_development = s.development.key_nodes;
        let through_sales_entry = through_development.union(s.sales_entry.key_nodes);
        let through_proposal = through_sales_entry.union(s.proposal.key_nodes);
        let through_bidding = through_proposal.union(s.bidding.key_nodes);
        let through_negotiation = through_bidding.union(s.business_negotiation.key_nodes);
        match stage {
            Stage::Development => through_development,
            Stage::SalesEntry => through_sales_entry,
            Stage::Proposal => through_proposal,
            Stage::Bidding => through_bidding,
            Stage::BusinessNegotiation => through_negotiation,
            Stage::ProjectImplementation => {
                through_negotiation.union(s.project_implementation.key_nodes)
            }
        }
    }

    /// The base win probability of `stage`.
    pub fn base_probability(&self, stage: Stage) -> f64 {
        self.stages.get(stage).base_probability
    }

    /// The first stage that requires `node`, if any does.
    pub fn stage_requiring(&self, node: KeyNode) -> Option<Stage> {
        self.stages
            .iter()
            .find(|(_, rule)| rule.key_nodes.contains(node))
            .map(|(stage, _)| stage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(e: ConfigError) -> String {
        match e {
            ConfigError::Invalid { field, .. } => field,
            ConfigError::Json { message } => format!("json: {message}"),
        }
    }

    #[test]
    fn defaults_follow_the_domain() {
        let d = ProcessDefinition::default();
        d.validate().unwrap();
        let bases: Vec<f64> = Stage::ALL.iter().map(|&s| d.base_probability(s)).collect();
        assert_eq!(bases, [0.10, 0.20, 0.40, 0.60, 0.80, 1.00]);
        assert_eq!(
            d.required(Stage::SalesEntry),
            KeyNodeSet::of(&[KeyNode::InsidersFound, KeyNode::KeyPeopleIdentified])
        );
        assert_eq!(
            d.required_before(Stage::Proposal),
            KeyNodeSet::of(&[
                KeyNode::OpportunityGraded,
                KeyNode::InsidersFound,
                KeyNode::KeyPeopleIdentified
            ])
        );
        assert_eq!(d.required_before(Stage::Development), KeyNodeSet::EMPTY);
        assert_eq!(
            d.stage_requiring(KeyNode::BidSubmitted),
            Some(Stage::Bidding)
        );
        assert_eq!(d.forcing_penalty, 0.5);
        assert!(d.grade_factors.is_none());
    }

    #[test]
    fn empty_json_is_the_default_and_json_round_trips() {
        assert_eq!(
            ProcessDefinition::from_json("{}").unwrap(),
            ProcessDefinition::default()
        );
        let mut d = ProcessDefinition::default();
        d.grade_factors = Some(GradeFactors {
            a: 1.0,
            b: 0.8,
            c: 0.5,
            d: 0.25,
            failed: Some(0.1),
            ungraded: None,
        });
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(ProcessDefinition::from_json(&json).unwrap(), d);
    }

    #[test]
    fn partial_json_keeps_other_defaults() {
        let d = ProcessDefinition::from_json(
            r#"{"forcing_penalty": 0.3, "grade_factors": {"a": 1, "b": 0.7, "c": 0.4, "d": 0.2}}"#,
        )
        .unwrap();
        assert_eq!(d.forcing_penalty, 0.3);
        assert_eq!(d.grade_factors.map(|g| g.get(Grade::C)), Some(0.4));
        assert_eq!(d.grade_factors.map(|g| g.lowest()), Some(0.2));
        assert_eq!(d.stages, ProcessDefinition::default().stages);
    }

    #[test]
    fn bad_definitions_name_the_field() {
        let cases = [
            (r#"{"forcing_penalty": 1.5}"#, "forcing_penalty"),
            (
                r#"{"coverage": {"min_coaches": 0}}"#,
                "coverage.min_coaches",
            ),
            (
                r#"{"grade_factors": {"a": 1, "b": 11, "c": 0.4, "d": 0.2}}"#,
                "grade_factors.b",
            ),
            (
                r#"{"early_entry": {"bidding_and_evaluation": 0.95}}"#,
                "early_entry.bidding_and_evaluation",
            ),
            (
                r#"{"grade_factors": {"a": 1, "b": 1, "c": 1, "d": 1, "failed": -0.5}}"#,
                "grade_factors.failed",
            ),
        ];
        for (json, field) in cases {
            let e = ProcessDefinition::from_json(json).unwrap_err();
            assert_eq!(field_of(e), field, "{json}");
        }
    }

    #[test]
    fn bad_stage_tables_name_the_field() {
        let mut d = ProcessDefinition::default();
        d.stages.bidding.base_probability = 0.3;
        assert_eq!(
            field_of(d.validate().unwrap_err()),
            "stages.bidding.base_probability"
        );

        let mut d = ProcessDefinition::default();
        d.stages.proposal.base_probability = f64::NAN;
        assert_eq!(
            field_of(d.validate().unwrap_err()),
            "stages.proposal.base_probability"
        );

        let mut d = ProcessDefinition::default();
        d.stages.proposal.key_nodes = d.stages.proposal.key_nodes.with(KeyNode::InsidersFound);
        assert_eq!(
            field_of(d.validate().unwrap_err()),
            "stages.proposal.key_nodes"
        );

        let mut d = ProcessDefinition::default();
        d.stages.project_implementation.key_nodes = KeyNodeSet::of(&[KeyNode::ProjectAccepted]);
        assert_eq!(
            field_of(d.validate().unwrap_err()),
            "stages.project_implementation.key_nodes"
        );
    }

    #[test]
    fn unknown_fields_and_nodes_are_refused() {
        assert!(ProcessDefinition::from_json(r#"{"penalty": 0.5}"#).is_err());
        let json = serde_json::to_string(&ProcessDefinition::default())
            .unwrap()
            .replace("bid_submitted", "bid_won");
        let e = ProcessDefinition::from_json(&json).unwrap_err();
        assert!(matches!(e, ConfigError::Json { .. }));
    }
}
