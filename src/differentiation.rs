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

    /// What the action consists of, in both languages.
    pub fn description(self) -> Text {
        match self {
            Action::ProductInnovation => Text { en: "Develop new products around the customer's own problems, so that switching supplier means losing them.", zh: "围绕客户自身的问题开发新产品，使更换供应商意味着失去这些产品。" },
            Action::CustomerInformationIntegration => Text { en: "Connect our information services to the customer's systems so orders, stock and status flow without effort.", zh: "将我们的信息服务接入客户系统，使订单、库存和状态信息顺畅流转。" },
            Action::CustomerPossibilitiesPortal => Text { en: "Give the customer one place to see its options and alternatives for each need.", zh: "为客户提供一个查看每项需求的选项和替代方案的入口。" },
            Action::ManagedPromotionsAndAgreements => Text { en: "Design promotions and framework agreements together with the customer instead of imposing them.", zh: "与客户共同设计促销和框架协议，而不是单方面强加。" },
            Action::JointPlanningAndForecasting => Text { en: "Plan and forecast demand jointly with the customer's own planners.", zh: "与客户的计划人员共同制定计划和需求预测。" },
            Action::MarketSegmentation => Text { en: "Cut offers for each market segment; there is no universal product.", zh: "针对每个细分市场定制方案；不存在通用产品。" },
            Action::SupplyChainCollaboration => Text { en: "Share supply-chain planning, forecasts and corrections with the customer.", zh: "与客户共享供应链计划、预测和纠偏。" },
            Action::ProductServiceInformation => Text { en: "Keep complete, current product and service information available to the customer.", zh: "向客户提供完整、最新的产品与服务信息。" },
            Action::ProviderPossibilitiesPortal => Text { en: "Show the customer everything we can do for it, in one place.", zh: "在一个入口向客户展示我们能为其提供的全部能力。" },
            Action::SalesForceIngenuity => Text { en: "Train the sales and assistance force to solve the customer's problems inventively.", zh: "培训销售与协助团队，以创造性方式解决客户问题。" },
            Action::StrategicInformationSources => Text { en: "Build strategic sources of information on the customer's market and competitors.", zh: "建立关于客户市场和竞争对手的战略信息来源。" },
            Action::SellerSegmentation => Text { en: "Assign specialist assistants matched to each kind of customer.", zh: "为每类客户配备匹配的专业助理。" },
        }
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
}

impl Default for PlannerConfig {
    fn default() -> Self {
        PlannerConfig {
            thresholds: Thresholds::default(),
            readiness: ReadinessRule::default(),
            effects: BTreeMap::new(),
            default_effect: 10.0,
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
        let ty = input.customer_type;
        let readiness = self.readiness.assess(input.readiness);
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
