//! Continuous differentiation: the twelve actions that move customers into
//! the loyalty network, and a planner that picks them for a customer.
//!
//! Differentiation here is not one point of difference but a continuing set
//! of strategies, initiatives and operations that adapt our assistance to
//! each client quickly, well and cheaply, to earn the most loyalty. Six
//! actions raise the customer's loyalty and six raise the assistance we give.
//! An opportunity customer lacks loyalty, a loyal customer lacks assistance,
//! a market-taker lacks both and may not be worth the investment, and a
//! strategic customer needs actions that keep it where it is.
//!
//! The planner's vocabulary also holds the five reasons source 000 gives
//! for a client staying with a supplier ([`RetentionReason`]: trust in the
//! service, feeling well cared for, fair value, expectations exceeded, the
//! quality of the whole experience); every recommendation names the one
//! its action serves most, so a sustaining plan says what keeps the client.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::{check_range, ConfigError, Validate};
use crate::customer::{
    Axis, CustomerType, Readiness, ReadinessAssessment, ReadinessRule, Scores, Thresholds,
    SCORE_MAX,
};
use crate::labelled_enum;
use crate::labels::Text;

labelled_enum! {
    /// One of the twelve continuous-differentiation actions.
    pub enum Action {
        /// New products developed with the customer's problems in mind.
        ProductInnovation = 0, "product_innovation" => ("Product innovation", "产品创新"),
        /// Our information services wired into the customer's own systems.
        CustomerInformationIntegration = 1, "customer_information_integration" => ("Customer information service integration", "客户信息服务整合"),
        /// A portal where the customer sees its options and alternatives.
        CustomerPossibilitiesPortal = 2, "customer_possibilities_portal" => ("Customer possibilities portal", "客户可能性门户"),
        /// Promotions and agreements designed and run together with the client.
        ManagedPromotionsAndAgreements = 3, "managed_promotions_and_agreements" => ("Promotions and agreements managed with the client", "与客户共同管理的促销与协议"),
        /// Planning and forecasting done jointly with the client.
        JointPlanningAndForecasting = 4, "joint_planning_and_forecasting" => ("Joint planning and forecasting with the client", "与客户联合计划与预测"),
        /// Offers cut for each market segment instead of one universal product.
        MarketSegmentation = 5, "market_segmentation" => ("Market segmentation", "市场细分"),
        /// Supply-chain collaboration: shared planning, forecasting and correction.
        SupplyChainCollaboration = 6, "supply_chain_collaboration" => ("Supply-chain collaboration", "供应链协同"),
        /// Product and service information kept complete and current for the client.
        ProductServiceInformation = 7, "product_service_information" => ("Product-service information management", "产品与服务信息管理"),
        /// A portal that shows what we as provider can do.
        ProviderPossibilitiesPortal = 8, "provider_possibilities_portal" => ("Provider possibilities portal", "供应商可能性门户"),
        /// Training that makes the sales and assistance force more ingenious.
        SalesForceIngenuity = 9, "sales_force_ingenuity" => ("Sales and assistance force ingenuity", "销售与协助团队的创造力"),
        /// Strategic sources of information about the client's market.
        StrategicInformationSources = 10, "strategic_information_sources" => ("Strategic sources of information", "战略信息来源"),
        /// Specialist assistants for each kind of client.
        SellerSegmentation = 11, "seller_segmentation" => ("Seller segmentation (specialist assistants)", "销售人员细分（专业助理）"),
    }
}

impl Action {
    /// The axis this action raises.
    pub fn axis(self) -> Axis {
        match self {
            Action::ProductInnovation
            | Action::CustomerInformationIntegration
            | Action::CustomerPossibilitiesPortal
            | Action::ManagedPromotionsAndAgreements
            | Action::JointPlanningAndForecasting
            | Action::MarketSegmentation => Axis::Loyalty,
            Action::SupplyChainCollaboration
            | Action::ProductServiceInformation
            | Action::ProviderPossibilitiesPortal
            | Action::SalesForceIngenuity
            | Action::StrategicInformationSources
            | Action::SellerSegmentation => Axis::Assistance,
        }
    }

    /// The actions that raise `axis`.
    pub fn raising(axis: Axis) -> impl Iterator<Item = Action> {
        Action::ALL
            .iter()
            .copied()
            .filter(move |a| a.axis() == axis)
    }

    /// What the action consists of, in both languages (source 000, in our
    /// words).
    pub fn description(self) -> Text {
        match self {
            Action::ProductInnovation => Text { en: "New products, or improvements to existing ones, that benefit the client, made as tangible to the client as possible.", zh: "开发有益于客户的新产品或改进现有产品，并尽可能让客户切实感受到。" },
            Action::CustomerInformationIntegration => Text { en: "An information system through which we anticipate the client's basic needs (products, prices, quantities, dates) and the client always knows what is happening and has what it needs to decide.", zh: "建立信息系统，预判客户的基本需求（产品、价格、数量、日期），让客户随时了解进展并掌握决策所需的信息。" },
            Action::CustomerPossibilitiesPortal => Text { en: "Go through with the client the options it has in the market, ours and the competition's alternatives; the openness builds its trust in us.", zh: "与客户一起分析其在市场上的选择：我方的产品与服务以及竞争对手的替代方案；这种坦诚会增进客户对我们的信任。" },
            Action::ManagedPromotionsAndAgreements => Text { en: "Plan, prepare and manage promotions and agreements together with the client, with the initiative coming from us where possible.", zh: "与客户共同策划、制定和管理促销与协议，尽可能由我方发起。" },
            Action::JointPlanningAndForecasting => Text { en: "Help the client build realistic plans and strategies that lead it to its own objectives.", zh: "帮助客户制定切实可行的计划和策略，以实现其自身目标。" },
            Action::MarketSegmentation => Text { en: "Sell each client the products and services specific to it, down to the individual client: there are no universal products or services.", zh: "细分到单个客户，为每个客户提供针对其需求的产品与服务：不存在通用的产品与服务。" },
            Action::SupplyChainCollaboration => Text { en: "Involve the whole supply chain in collaborating on, planning, forecasting and correcting real plans and strategies that let us meet our objectives.", zh: "让整个供应链参与协作、计划、预测和纠偏，形成切实的计划与策略，以实现我方目标。" },
            Action::ProductServiceInformation => Text { en: "Know the specifications and use of our products and services as fully as possible and pass that knowledge on in the right way, never sharing a client's confidential information.", zh: "尽可能全面掌握产品与服务的规格和使用知识，并以恰当方式提供给客户，绝不泄露客户的保密信息。" },
            Action::ProviderPossibilitiesPortal => Text { en: "Our own analysis, as supplier, of the products and services, markets and clients where we have interest and real possibilities, knowing and analysing as much as we can about the competition.", zh: "我方作为供应商，对有兴趣且有实际机会的产品与服务、市场和客户进行自身分析，并尽可能了解和分析竞争对手。" },
            Action::SalesForceIngenuity => Text { en: "Train the sales and assistance force as far as possible, so that it identifies needs better and gives the collaboration the client asks for.", zh: "尽可能培训销售与协助团队，提升其识别需求的能力，并提供客户所需的协作。" },
            Action::StrategicInformationSources => Text { en: "Find the people, actions, situations and events through which strategic information on products and services, the environment, our company, the competition and the clients is collected.", zh: "寻找能够收集产品与服务、环境、本公司、竞争对手和客户等战略信息的人员、活动、情境与事件。" },
            Action::SellerSegmentation => Text { en: "Specialise the sales and assistance force by application sector: specialist assistants instead of all-round ones.", zh: "按应用领域实现销售与协助团队的专业化：以专业助理取代多面手助理。" },
        }
    }

    /// The reasons a client stays (source 000) this action serves, the
    /// main one first. The pairing is our reading of the action
    /// descriptions: the source lists the reasons but does not pair them.
    pub fn serves(self) -> &'static [RetentionReason] {
        use RetentionReason::{
            ExceededExpectations, ExperienceQuality, FairValue, Trust, WellCaredFor,
        };
        match self {
            Action::ProductInnovation => &[ExceededExpectations, ExperienceQuality],
            Action::CustomerInformationIntegration => &[Trust, WellCaredFor],
            Action::CustomerPossibilitiesPortal => &[Trust],
            Action::ManagedPromotionsAndAgreements => &[FairValue, WellCaredFor],
            Action::JointPlanningAndForecasting => &[WellCaredFor, ExceededExpectations],
            Action::MarketSegmentation => &[WellCaredFor, FairValue],
            Action::SupplyChainCollaboration => &[ExperienceQuality, Trust],
            Action::ProductServiceInformation => &[Trust, ExperienceQuality],
            Action::ProviderPossibilitiesPortal => &[FairValue, ExperienceQuality],
            Action::SalesForceIngenuity => &[WellCaredFor, ExceededExpectations],
            Action::StrategicInformationSources => &[ExceededExpectations],
            Action::SellerSegmentation => &[ExperienceQuality, WellCaredFor],
        }
    }
}

labelled_enum! {
    /// Why a client stays with a supplier: the five reasons source 000 ends
    /// with. A sustaining plan names the one each action serves.
    pub enum RetentionReason {
        /// The client trusts the service we give.
        Trust = 0, "trust" => ("Trusts our service", "信任我们的服务"),
        /// The client feels well cared for.
        WellCaredFor = 1, "well_cared_for" => ("Feels well cared for", "感到被悉心照顾"),
        /// What the client gets for what it pays seems fair.
        FairValue = 2, "fair_value" => ("Gets fair value for what it pays", "付出与所得公平"),
        /// We give more than the client expects.
        ExceededExpectations = 3, "exceeded_expectations" => ("Expectations exceeded", "超出期望"),
        /// The whole experience with us is of outstanding quality.
        ExperienceQuality = 4, "experience_quality" => ("Outstanding quality of the whole experience", "整体体验质量卓越"),
    }
}

labelled_enum! {
    /// Why an action is recommended.
    pub enum RecommendationReason {
        /// The customer lacks loyalty (an opportunity customer, or a
        /// market-taker worth investing in).
        RaiseLoyalty = 0, "raise_loyalty" => ("Raises the loyalty the customer lacks", "提升客户所缺乏的忠诚度"),
        /// The customer lacks assistance (a loyal customer, or a
        /// market-taker worth investing in).
        RaiseAssistance = 1, "raise_assistance" => ("Raises the assistance the customer lacks", "提升客户所缺乏的协助"),
        /// The customer is strategic: keep it in the loyalty network.
        SustainNetwork = 2, "sustain_network" => ("Keeps the customer in the loyalty network", "维持客户在忠诚网络中"),
    }
}

/// Readiness rules per product, market and region. Source 000: the
/// loyalty network is built "very carefully and selectively, since not all
/// products, customers, markets, geographic regions and others have the
/// capacity to have and sustain continuous differentiation"; source 002:
/// target specific accounts. A plan made for a product, market or region
/// (see [`Scope`]) checks readiness under the strictest of the customer
/// rule and the rules set for its product, market and region: the most
/// criteria asked for and the fewest wait-and-see reasons allowed. Names
/// are the CRM's own, compared exactly. Empty by default: the customer rule
/// alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Selectivity {
    /// The readiness rule of each product.
    pub products: BTreeMap<String, ReadinessRule>,
    /// The readiness rule of each market.
    pub markets: BTreeMap<String, ReadinessRule>,
    /// The readiness rule of each region.
    pub regions: BTreeMap<String, ReadinessRule>,
}

impl Validate for Selectivity {
    fn validate(&self) -> Result<(), ConfigError> {
        for (field, rules) in [
            ("products", &self.products),
            ("markets", &self.markets),
            ("regions", &self.regions),
        ] {
            for (name, rule) in rules {
                rule.validate().map_err(|e| e.nested(name).nested(field))?;
            }
        }
        Ok(())
    }
}

/// The product, market and region a plan is made for (each unknown when
/// `None`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scope<'a> {
    /// The product.
    pub product: Option<&'a str>,
    /// The market.
    pub market: Option<&'a str>,
    /// The region.
    pub region: Option<&'a str>,
}

impl Selectivity {
    /// The strictest of `base` and the rules set for `scope`.
    pub fn rule_for(&self, base: ReadinessRule, scope: Scope<'_>) -> ReadinessRule {
        [
            scope.product.and_then(|p| self.products.get(p)),
            scope.market.and_then(|m| self.markets.get(m)),
            scope.region.and_then(|r| self.regions.get(r)),
        ]
        .into_iter()
        .flatten()
        .fold(base, |rule, other| ReadinessRule {
            min_criteria: rule.min_criteria.max(other.min_criteria),
            max_wait_reasons: rule.max_wait_reasons.min(other.max_wait_reasons),
        })
    }
}

/// Tunable inputs of the planner (choice: every action adds 10 points to
/// its axis; readiness as in [`ReadinessRule`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PlannerConfig {
    /// Where each axis turns from low to high.
    pub thresholds: Thresholds,
    /// When a market-taker counts as worth investing in.
    pub readiness: ReadinessRule,
    /// Expected points each action adds to its axis (0-100). Actions not
    /// listed use `default_effect`.
    pub effects: BTreeMap<Action, f64>,
    /// Expected points for actions not listed in `effects`.
    pub default_effect: f64,
    /// Readiness rules per product, market and region.
    pub selectivity: Selectivity,
}

impl Default for PlannerConfig {
    fn default() -> Self {
        PlannerConfig {
            thresholds: Thresholds::default(),
            readiness: ReadinessRule::default(),
            effects: BTreeMap::new(),
            default_effect: 10.0,
            selectivity: Selectivity::default(),
        }
    }
}

impl Validate for PlannerConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        self.thresholds
            .validate()
            .map_err(|e| e.nested("thresholds"))?;
        self.readiness
            .validate()
            .map_err(|e| e.nested("readiness"))?;
        self.selectivity
            .validate()
            .map_err(|e| e.nested("selectivity"))?;
        check_range("default_effect", self.default_effect, 0.0, SCORE_MAX)?;
        for (action, effect) in &self.effects {
            check_range(
                &format!("effects.{}", crate::labels::Labelled::key(action)),
                *effect,
                0.0,
                SCORE_MAX,
            )?;
        }
        Ok(())
    }
}

impl PlannerConfig {
    /// Loads a configuration from JSON; missing fields take their defaults.
    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        crate::config::from_json(json)
    }

    /// The expected effect of `action` on its axis, in score points.
    pub fn effect(&self, action: Action) -> f64 {
        self.effects
            .get(&action)
            .copied()
            .unwrap_or(self.default_effect)
    }
}

/// One recommended action.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    /// The action.
    pub action: Action,
    /// The axis it raises.
    pub axis: Axis,
    /// Expected points added to that axis.
    pub expected_effect: f64,
    /// Why it is recommended.
    pub reason: RecommendationReason,
    /// The reason a client stays that the action serves most
    /// ([`Action::serves`]).
    pub serves: RetentionReason,
}

/// What the planner says for one customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Plan {
    /// Invest: the actions, most valuable first.
    Invest {
        /// Ranked recommendations.
        recommendations: Vec<Recommendation>,
        /// The account's readiness for the loyalty network, so a CRM can
        /// show how far it is from being a candidate.
        readiness: ReadinessAssessment,
    },
    /// A market-taker that fails the readiness check: not worth investing in
    /// now. The assessment says why.
    NotWorthInvestingNow {
        /// The readiness assessment behind the verdict.
        assessment: ReadinessAssessment,
    },
}

impl Plan {
    /// The recommendations (empty when not worth investing).
    pub fn recommendations(&self) -> &[Recommendation] {
        match self {
            Plan::Invest {
                recommendations, ..
            } => recommendations,
            Plan::NotWorthInvestingNow { .. } => &[],
        }
    }
}

/// What the planner needs to know about a customer.
#[derive(Debug, Clone, Copy)]
pub struct PlanInput<'a> {
    /// The customer's type.
    pub customer_type: CustomerType,
    /// Its scores, when measured (used to rank by the size of the gap).
    pub scores: Option<Scores>,
    /// Its readiness for the loyalty network.
    pub readiness: &'a Readiness,
    /// Actions already in progress for it (not recommended again).
    pub in_progress: &'a [Action],
}

impl PlannerConfig {
    /// Recommends actions for a customer, ranked: the axis with the larger
    /// gap to its threshold first, and within an axis the larger expected
    /// effect first.
    pub fn plan(&self, input: PlanInput<'_>) -> Plan {
        self.plan_in(input, Scope::default())
    }

    /// Recommends actions like [`plan`](Self::plan), for a customer's
    /// product, market or region: readiness is checked under the
    /// [`Selectivity`] rule for `scope`.
    pub fn plan_in(&self, input: PlanInput<'_>, scope: Scope<'_>) -> Plan {
        self.plan_under(input, self.selectivity.rule_for(self.readiness, scope))
    }

    /// Recommends actions like [`plan`](Self::plan), with readiness checked
    /// under `rule` (for example the strictest of
    /// [`Selectivity::rule_for`] over several products).
    pub fn plan_under(&self, input: PlanInput<'_>, rule: ReadinessRule) -> Plan {
        let ty = input.customer_type;
        let readiness = rule.assess(input.readiness);
        if ty == CustomerType::MarketTaker && !readiness.candidate {
            return Plan::NotWorthInvestingNow {
                assessment: readiness,
            };
        }
        let axes: Vec<(Axis, RecommendationReason)> = if ty == CustomerType::Strategic {
            Axis::ALL
                .iter()
                .map(|&a| (a, RecommendationReason::SustainNetwork))
                .collect()
        } else {
            ty.lacking()
                .map(|a| {
                    let reason = match a {
                        Axis::Loyalty => RecommendationReason::RaiseLoyalty,
                        Axis::Assistance => RecommendationReason::RaiseAssistance,
                    };
                    (a, reason)
                })
                .collect()
        };
        let gap = |axis: Axis| match input.scores {
            Some(s) => self.thresholds.get(axis) - s.get(axis),
            None => 0.0,
        };
        let mut recommendations: Vec<Recommendation> = axes
            .iter()
            .flat_map(|&(axis, reason)| {
                Action::raising(axis).map(move |action| (action, axis, reason))
            })
            .filter(|(action, _, _)| !input.in_progress.contains(action))
            .map(|(action, axis, reason)| Recommendation {
                action,
                axis,
                expected_effect: self.effect(action),
                reason,
                serves: action.serves()[0],
            })
            .collect();
        recommendations.sort_by(|a, b| {
            gap(b.axis)
                .total_cmp(&gap(a.axis))
                .then(a.axis.cmp(&b.axis))
                .then(b.expected_effect.total_cmp(&a.expected_effect))
                .then(a.action.cmp(&b.action))
        });
        Plan::Invest {
            recommendations,
            readiness,
        }
    }

    /// The scores expected after carrying out `actions`.
    pub fn project(&self, scores: Scores, actions: &[Action]) -> Scores {
        actions
            .iter()
            .fold(scores, |s, &a| s.shifted(a.axis(), self.effect(a)))
    }
}

labelled_enum! {
    /// Where an applied action stands.
    pub enum ActionStatus {
        /// Started and still running.
        InProgress = 0, "in_progress" => ("In progress", "进行中"),
        /// Finished.
        Completed = 1, "completed" => ("Completed", "已完成"),
        /// Stopped before finishing.
        Abandoned = 2, "abandoned" => ("Abandoned", "已放弃"),
    }
}

/// One action applied to an account, with its dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ActionRecord {
    /// The action.
    pub action: Action,
    /// When it started.
    pub started: DateTime<Utc>,
    /// Where it stands.
    pub status: ActionStatus,
    /// When it was completed or abandoned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<DateTime<Utc>>,
}

/// Why an action log update was refused. The log is left as it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ActionLogError {
    /// The action is already in progress for this account.
    #[error("{0} is already in progress")]
    AlreadyInProgress(Action),
    /// The action is not in progress, so it cannot be ended.
    #[error("{0} is not in progress")]
    NotInProgress(Action),
    /// The end date is before the start date.
    #[error("{action} cannot end at {ended}, before it started at {started}")]
    EndsBeforeStart {
        /// The action.
        action: Action,
        /// When it started.
        started: DateTime<Utc>,
        /// The end date given.
        ended: DateTime<Utc>,
    },
}

/// The differentiation actions applied to one account, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct ActionLog {
    records: Vec<ActionRecord>,
}

impl ActionLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every record, oldest first.
    pub fn records(&self) -> &[ActionRecord] {
        &self.records
    }

    /// The actions in progress.
    pub fn in_progress(&self) -> Vec<Action> {
        self.records
            .iter()
            .filter(|r| r.status == ActionStatus::InProgress)
            .map(|r| r.action)
            .collect()
    }

    /// Starts `action` at `at`.
    pub fn start(&mut self, action: Action, at: DateTime<Utc>) -> Result<(), ActionLogError> {
        if self.running(action).is_some() {
            return Err(ActionLogError::AlreadyInProgress(action));
        }
        self.records.push(ActionRecord {
            action,
            started: at,
            status: ActionStatus::InProgress,
            ended: None,
        });
        Ok(())
    }

    /// Marks the running `action` completed at `at`.
    pub fn complete(&mut self, action: Action, at: DateTime<Utc>) -> Result<(), ActionLogError> {
        self.end(action, at, ActionStatus::Completed)
    }

    /// Marks the running `action` abandoned at `at`.
    pub fn abandon(&mut self, action: Action, at: DateTime<Utc>) -> Result<(), ActionLogError> {
        self.end(action, at, ActionStatus::Abandoned)
    }

    fn running(&self, action: Action) -> Option<usize> {
        self.records
            .iter()
            .position(|r| r.action == action && r.status == ActionStatus::InProgress)
    }

    fn end(
        &mut self,
        action: Action,
        at: DateTime<Utc>,
        status: ActionStatus,
    ) -> Result<(), ActionLogError> {
        let i = self
            .running(action)
            .ok_or(ActionLogError::NotInProgress(action))?;
        let record = &mut self.records[i];
        if at < record.started {
            return Err(ActionLogError::EndsBeforeStart {
                action,
                started: record.started,
                ended: at,
            });
        }
        record.status = status;
        record.ended = Some(at);
        Ok(())
    }
}
