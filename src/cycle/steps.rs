//! The artefacts the steps of the cycle produce, and the record of the
//! current iteration.
//!
//! Where the domain names what a step must contain, the artefact is typed
//! and checked: a visit plan answers all seven questions, knowledge covers
//! all five areas with two complete SWOTs, the economic evaluation prices
//! every option that was built with the client.
//!
//! Money is held in minor units of the deal's currency (cents for euros) as
//! integers, so amounts stay exact through JSON and replays.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{CycleError, Decision, Step};
use crate::is_blank;
use crate::labelled_enum;
use crate::labels::Text;

labelled_enum! {
    /// What we must know before meeting the client.
    pub enum KnowledgeArea {
        /// The product-service we offer, its specifications and possibilities.
        ProductService = 0, "product_service" => ("Product-service", "产品与服务"),
        /// The client's environment or industry.
        Environment = 1, "environment" => ("Environment (industry)", "行业环境"),
        /// Our own company.
        OwnCompany = 2, "own_company" => ("Our company", "本公司"),
        /// The competition.
        Competition = 3, "competition" => ("Competition", "竞争对手"),
        /// The client and an approach to its needs.
        Client = 4, "client" => ("Client", "客户"),
    }
}

labelled_enum! {
    /// The seven questions a visit plan answers in advance.
    pub enum VisitQuestion {
        /// What we offer and what we want from the visit.
        What = 0, "what" => ("What?", "做什么？"),
        /// Whom we meet.
        Who = 1, "who" => ("Who?", "找谁？"),
        /// How much: volumes and money.
        HowMuch = 2, "how_much" => ("How much?", "多少？"),
        /// When.
        When = 3, "when" => ("When?", "何时？"),
        /// Where.
        Where = 4, "where" => ("Where?", "何地？"),
        /// How.
        How = 5, "how" => ("How?", "如何做？"),
        /// Why.
        Why = 6, "why" => ("Why?", "为什么？"),
    }
}

labelled_enum! {
    /// The horizon a visit plan sets for the business.
    pub enum Scope {
        /// A short-term business.
        ShortTerm = 0, "short_term" => ("Short term", "短期"),
        /// A long-term business.
        LongTerm = 1, "long_term" => ("Long term", "长期"),
    }
}

labelled_enum! {
    /// A phase of the technical evaluation; phases run in this order.
    pub enum TechnicalPhase {
        /// Laboratory trial.
        Laboratory = 0, "laboratory" => ("Laboratory", "实验室"),
        /// Pilot plant trial.
        PilotPlant = 1, "pilot_plant" => ("Pilot plant", "中试装置"),
        /// Trial in the client's plant.
        Plant = 2, "plant" => ("Plant", "工厂"),
    }
}

impl TechnicalPhase {
    /// The phase after this one, if any.
    pub fn next(self) -> Option<TechnicalPhase> {
        match self {
            TechnicalPhase::Laboratory => Some(TechnicalPhase::PilotPlant),
            TechnicalPhase::PilotPlant => Some(TechnicalPhase::Plant),
            TechnicalPhase::Plant => None,
        }
    }

    /// What to do for this phase, in both languages.
    pub fn guidance(self) -> Text {
        match self {
            TechnicalPhase::Laboratory => Text {
                en: "Run the laboratory trial.",
                zh: "进行实验室试验。",
            },
            TechnicalPhase::PilotPlant => Text {
                en: "Run the pilot plant trial.",
                zh: "进行中试装置试验。",
            },
            TechnicalPhase::Plant => Text {
                en: "Run the trial in the client's plant.",
                zh: "在客户工厂进行试验。",
            },
        }
    }
}

labelled_enum! {
    /// The result of one technical trial phase.
    pub enum PhaseResult {
        /// The option behaved as expected.
        Passed = 0, "passed" => ("Passed", "通过"),
        /// The option did not behave as expected; the phase must run again.
        Failed = 1, "failed" => ("Failed", "未通过"),
        /// The option passed after adjustments.
        Adjusted = 2, "adjusted" => ("Passed with adjustments", "调整后通过"),
    }
}

/// A SWOT analysis: strengths, weaknesses, opportunities and threats.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Swot {
    /// Strengths.
    pub strengths: Vec<String>,
    /// Weaknesses.
    pub weaknesses: Vec<String>,
    /// Opportunities.
    pub opportunities: Vec<String>,
    /// Threats.
    pub threats: Vec<String>,
}

impl Swot {
    fn check(&self, field: &str) -> Result<(), CycleError> {
        // The field names are only built for a refusal: replays check every
        // SWOT again.
        for (part, items) in [
            ("strengths", &self.strengths),
            ("weaknesses", &self.weaknesses),
            ("opportunities", &self.opportunities),
            ("threats", &self.threats),
        ] {
            if items.is_empty() || items.iter().any(|s| is_blank(s)) {
                return listed(&format!("{field}.{part}"), items);
            }
        }
        Ok(())
    }
}

/// The knowledge step: a note per area, and a SWOT of our company and of
/// the competition.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Knowledge {
    /// What is known of each area.
    pub areas: BTreeMap<KnowledgeArea, String>,
    /// SWOT of our own company.
    pub own_swot: Swot,
    /// SWOT of the competition.
    pub competition_swot: Swot,
}

impl Knowledge {
    /// The areas with no note (or a blank one).
    pub fn missing_areas(&self) -> Vec<KnowledgeArea> {
        KnowledgeArea::ALL
            .iter()
            .copied()
            .filter(|a| !self.areas.get(a).is_some_and(|note| !is_blank(note)))
            .collect()
    }

    pub(crate) fn check(&self) -> Result<(), CycleError> {
        if self.areas.len() < KnowledgeArea::ALL.len()
            || self.areas.values().any(|note| is_blank(note))
        {
            let missing = self.missing_areas();
            if !missing.is_empty() {
                return Err(CycleError::KnowledgeIncomplete { missing });
            }
        }
        self.own_swot.check("knowledge.own_swot")?;
        self.competition_swot.check("knowledge.competition_swot")
    }
}

/// The worth-investing check: whether the account deserves more than a
/// price-led offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvestmentCheck {
    /// Whether the account is worth investing in.
    pub worth_investing: bool,
    /// Why.
    pub reason: String,
}

impl InvestmentCheck {
    pub(crate) fn check(&self) -> Result<(), CycleError> {
        filled("investment_check.reason", &self.reason)
    }
}

/// The visit plan: the seven questions answered in advance, the scope, the
/// product options and a price estimate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitPlan {
    /// The answer to each question.
    pub answers: BTreeMap<VisitQuestion, String>,
    /// Short or long term.
    pub scope: Scope,
    /// The product-service options we expect to offer.
    pub product_options: Vec<String>,
    /// The estimated price, in minor units of the deal's currency.
    pub price_estimate_minor: u64,
}

impl VisitPlan {
    /// The questions with no answer (or a blank one).
    pub fn unanswered(&self) -> Vec<VisitQuestion> {
        VisitQuestion::ALL
            .iter()
            .copied()
            .filter(|q| !self.answers.get(q).is_some_and(|a| !is_blank(a)))
            .collect()
    }

    pub(crate) fn check(&self) -> Result<(), CycleError> {
        if self.answers.len() < VisitQuestion::ALL.len()
            || self.answers.values().any(|answer| is_blank(answer))
        {
            let unanswered = self.unanswered();
            if !unanswered.is_empty() {
                return Err(CycleError::VisitPlanIncomplete { unanswered });
            }
        }
        listed("visit_plan.product_options", &self.product_options)
    }
}

/// The interview: the client's real needs and the options built with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Interview {
    /// The real needs found.
    pub real_needs: Vec<String>,
    /// The options built together with the client.
    pub options: Vec<String>,
}

impl Interview {
    pub(crate) fn check(&self) -> Result<(), CycleError> {
        listed("interview.real_needs", &self.real_needs)?;
        listed("interview.options", &self.options)
    }
}

/// The evaluation framework agreed with the client.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationFramework {
    /// The reference every option is compared against.
    pub reference: String,
    /// The criteria both sides will judge by.
    pub criteria: Vec<String>,
}

impl EvaluationFramework {
    pub(crate) fn check(&self) -> Result<(), CycleError> {
        filled("framework.reference", &self.reference)?;
        listed("framework.criteria", &self.criteria)
    }
}

/// The joint multidisciplinary team: people from both sides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JointTeam {
    /// Our members.
    pub supplier: Vec<String>,
    /// The client's members.
    pub client: Vec<String>,
}

impl JointTeam {
    pub(crate) fn check(&self) -> Result<(), CycleError> {
        listed("joint_team.supplier", &self.supplier)?;
        listed("joint_team.client", &self.client)
    }
}

/// One run of a technical trial phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhaseRun {
    /// The phase.
    pub phase: TechnicalPhase,
    /// Its result.
    pub result: PhaseResult,
    /// What was observed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
}

/// The price and impact of one option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionEconomics {
    /// The option, as named in the interview (or the visit plan).
    pub option: String,
    /// The price offered, in minor units of the deal's currency.
    pub price_minor: u64,
    /// The economic impact for the client (savings positive), in minor units.
    pub impact_minor: i64,
}

/// The economic evaluation: the proposal and the economics of each option.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EconomicEvaluation {
    /// The economic proposal.
    pub proposal: String,
    /// Price and impact per option.
    pub options: Vec<OptionEconomics>,
    /// How the proposal follows the company's commercial policy (source
    /// 000: the economic evaluation is made in line with it); `None` when
    /// not recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// How the proposal stands against the competition's SWOT (source
    /// 000); `None` when not recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competition: Option<String>,
}

impl EconomicEvaluation {
    pub(crate) fn check(&self, known_options: &[String]) -> Result<(), CycleError> {
        filled("economic_evaluation.proposal", &self.proposal)?;
        if self.options.is_empty() {
            return Err(CycleError::Blank {
                field: "economic_evaluation.options".into(),
            });
        }
        if let Some(i) = self.options.iter().position(|o| is_blank(&o.option)) {
            return Err(CycleError::Blank {
                field: format!("economic_evaluation.options[{i}].option"),
            });
        }
        if let Some(policy) = &self.policy {
            filled("economic_evaluation.policy", policy)?;
        }
        if let Some(competition) = &self.competition {
            filled("economic_evaluation.competition", competition)?;
        }
        let unpriced: Vec<String> = known_options
            .iter()
            .filter(|k| !self.options.iter().any(|o| same_option(&o.option, k)))
            .cloned()
            .collect();
        if !unpriced.is_empty() {
            return Err(CycleError::OptionsNotEvaluated { options: unpriced });
        }
        Ok(())
    }
}

/// Whether two option names are the same once trimmed; equal names need no
/// trimming.
fn same_option(a: &str, b: &str) -> bool {
    a == b || a.trim() == b.trim()
}

/// What one side is responsible for and what it guarantees.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Commitments {
    /// Its responsibilities.
    pub responsibilities: Vec<String>,
    /// Its guarantees.
    #[serde(default)]
    pub guarantees: Vec<String>,
}

/// Responsibilities and guarantees agreed for both sides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Responsibilities {
    /// Ours.
    pub supplier: Commitments,
    /// The client's.
    pub client: Commitments,
}

impl Responsibilities {
    pub(crate) fn check(&self) -> Result<(), CycleError> {
        listed(
            "responsibilities.supplier.responsibilities",
            &self.supplier.responsibilities,
        )?;
        listed(
            "responsibilities.client.responsibilities",
            &self.client.responsibilities,
        )?;
        no_blank(
            "responsibilities.supplier.guarantees",
            &self.supplier.guarantees,
        )?;
        no_blank(
            "responsibilities.client.guarantees",
            &self.client.guarantees,
        )
    }
}

/// An objection the client raised while resolving concerns, read from the
/// journal entries that raised and resolved it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Objection<'a> {
    /// The CRM's id for it.
    pub id: &'a str,
    /// What the client objects to.
    pub text: &'a str,
    /// How it was resolved; `None` while open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution: Option<&'a str>,
}

impl Objection<'_> {
    /// Whether it is still open.
    pub fn is_open(&self) -> bool {
        self.resolution.is_none()
    }
}

/// A situation that could become critical, noted while resolving concerns
/// with how it will be handled, read from the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CriticalSituation<'a> {
    /// What could go wrong.
    pub situation: &'a str,
    /// How it will be handled.
    pub handling: &'a str,
}

/// Something learned, carried into the following iterations, read from the
/// journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Lesson<'a> {
    /// The iteration it was learned in (1 for the first).
    pub iteration: u32,
    /// What was learned.
    pub text: &'a str,
}

/// The number of steps in the cycle.
const STEPS: usize = Step::ALL.len();

/// Where the current iteration stands, step by step.
///
/// Each artefact is held once, in the journal entry that recorded it; the
/// records keep only that entry's position (the latest one when an artefact
/// was revised), so recording or replaying a step copies nothing. Read the
/// artefacts through [`TechnicalSale`](super::TechnicalSale)
/// (`knowledge()`, `visit_plan()`, `technical_runs()`...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct StepRecords {
    /// Position in the journal of the iteration's first entry.
    pub(crate) start: u32,
    /// For each step recorded in this iteration, the position of its latest
    /// entry.
    #[serde(with = "positions")]
    #[schemars(with = "std::collections::BTreeMap<Step, u32>")]
    pub(crate) latest: [Option<u32>; STEPS],
    /// Whether the plant phase has passed (the technical evaluation is done).
    #[serde(skip_serializing_if = "is_false")]
    pub(crate) trials_done: bool,
    /// Objections raised and not yet resolved.
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) open_objections: u32,
    /// Whether the latest worth-investing check said no.
    #[serde(skip_serializing_if = "is_false")]
    pub(crate) not_worth_investing: bool,
    /// Position of the entry that overrode a negative worth-investing check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) investment_override: Option<u32>,
    /// The client's decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) decision: Option<Decision>,
}

fn is_false(value: &bool) -> bool {
    !value
}

fn is_zero(value: &u32) -> bool {
    *value == 0
}

impl StepRecords {
    /// The records of an iteration whose first entry is at `start`.
    pub(crate) fn starting_at(start: u32) -> Self {
        StepRecords {
            start,
            ..StepRecords::default()
        }
    }

    /// Whether `step` is done in this iteration. The technical evaluation is
    /// done when the plant phase has passed (with or without adjustments).
    pub fn is_done(&self, step: Step) -> bool {
        match step {
            Step::TechnicalEvaluation => self.trials_done,
            _ => self.latest(step).is_some(),
        }
    }

    /// The position in the journal of the latest entry that recorded `step`
    /// in this iteration.
    pub fn latest(&self, step: Step) -> Option<u32> {
        self.latest[step as usize]
    }

    /// The position in the journal of the iteration's first entry.
    pub fn start(&self) -> u32 {
        self.start
    }

    /// The client's decision in this iteration.
    pub fn decision(&self) -> Option<Decision> {
        self.decision
    }

    /// How many objections are open.
    pub fn open_objection_count(&self) -> u32 {
        self.open_objections
    }

    /// Whether the worth-investing check said no and nobody overrode it.
    pub fn investment_refused(&self) -> bool {
        self.not_worth_investing && self.investment_override.is_none()
    }
}

/// Step positions stored as a map from step key to journal position.
mod positions {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serializer};

    use super::{Step, STEPS};

    pub fn serialize<S: Serializer>(
        latest: &[Option<u32>; STEPS],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            Step::ALL
                .iter()
                .zip(latest)
                .filter_map(|(step, at)| at.map(|at| (step, at))),
        )
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<[Option<u32>; STEPS], D::Error> {
        let map = BTreeMap::<Step, u32>::deserialize(deserializer)?;
        let mut latest = [None; STEPS];
        for (step, at) in map {
            latest[step as usize] = Some(at);
        }
        Ok(latest)
    }
}

/// Refuses a blank text.
pub(crate) fn filled(field: &str, value: &str) -> Result<(), CycleError> {
    if is_blank(value) {
        return Err(CycleError::Blank {
            field: field.to_owned(),
        });
    }
    Ok(())
}

/// Refuses an empty list or a list with a blank entry.
fn listed(field: &str, items: &[String]) -> Result<(), CycleError> {
    if items.is_empty() {
        return Err(CycleError::Blank {
            field: field.to_owned(),
        });
    }
    no_blank(field, items)
}

/// Refuses a list with a blank entry (an empty list is fine).
fn no_blank(field: &str, items: &[String]) -> Result<(), CycleError> {
    match items.iter().position(|s| is_blank(s)) {
        Some(i) => Err(CycleError::Blank {
            field: format!("{field}[{i}]"),
        }),
        None => Ok(()),
    }
}
