//! Diagnosis: where a deal stands against the customer's procurement, and
//! what to do next.
//!
//! The customer's procurement step says which sales stage we should be in.
//! Comparing it with our stage and key nodes tells whether we are aligned,
//! behind the customer (and which stages' work is missing), ahead of it, or
//! past key nodes we never met. The next actions are the work of the
//! earliest stage with unmet key nodes, then of each later stage with unmet
//! nodes up to where we should be. In the case of article 003 the customer
//! is screening suppliers, so we should be in sales entry, but development
//! was never done: first collect needs, schedule, budget, competition,
//! decision-making and priorities, evaluate and grade, and only then work on
//! insiders and key people.
//!
//! Source 002 adds two warnings about buying influences. An economic,
//! technical or user buyer of high influence who is opposed to us or not
//! yet met could veto the deal (the technical buyer can give a final no,
//! the economic buyer the final yes or no): the diagnosis names each one.
//! While no economic buyer has been met, it gives the source's advice for
//! meeting one: meet them at their own level, bring a member of our
//! management, and prepare each meeting as the stepping stone to the next.

use serde::{Deserialize, Serialize};

use super::definition::ProcessDefinition;
use super::guidance::{work_items, WorkItem};
use super::influence::{Attitude, BuyingRole, Coverage, InfluenceDegree};
use super::process::{DealStatus, DeliveryStatus, KeyAccountProcess, ProcessState};
use super::stage::{KeyNodeSet, ProcurementStep, Stage};
use crate::grading::{Effort, Grade};
use crate::labelled_enum;
use crate::labels::{Labelled, Language};

labelled_enum! {
    /// The verdict of a diagnosis.
    pub enum Verdict {
        /// We are in the stage the customer's step calls for, with every
        /// earlier key node met.
        Aligned = 0, "aligned" => ("Aligned with the customer", "与客户采购同步"),
        /// The customer is further along than we are.
        BehindCustomer = 1, "behind_customer" => ("Behind the customer", "落后于客户采购进程"),
        /// We are past key nodes we never met (the stage was forced).
        PastUnmetKeyNodes = 2, "past_unmet_key_nodes" => ("Past unmet key nodes", "越过了未达成的关键节点"),
        /// We are further along than the customer's procurement.
        AheadOfCustomer = 3, "ahead_of_customer" => ("Ahead of the customer", "领先于客户采购进程"),
        /// The customer's procurement step has not been observed.
        CustomerStepUnknown = 4, "customer_step_unknown" => ("Customer's procurement step unknown", "客户采购步骤未知"),
        /// The deal has ended.
        Closed = 5, "closed" => ("Closed", "已结束"),
        /// The deal failed its evaluation and is kept warm in nurture.
        Nurture = 6, "nurture" => ("In nurture after a failed evaluation", "评估未通过，培育中"),
        /// The contract is booked; the project is being delivered.
        Delivering = 7, "delivering" => ("Booked, in delivery", "已签约，交付中"),
    }
}

/// What the grade's resource policy says about the deal, stated before any
/// next action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyNote {
    /// The grade.
    pub grade: Grade,
    /// Whether the grade was set by hand, without an evaluation.
    pub by_hand: bool,
    /// The effort the grade gets.
    pub effort: Effort,
    /// Whether the grade enters the sales process.
    pub enter_sales_process: bool,
    /// Whether the deal went past development against the policy (forced).
    pub against_policy: bool,
    /// Whether the policy (or the grade set by hand) keeps the deal in its
    /// stage unless a move is forced.
    pub blocks_moving_on: bool,
}

impl PolicyNote {
    /// The policy in one line, in `language`.
    pub fn describe(&self, language: Language) -> String {
        let zh = language == Language::Chinese;
        let mut line = if zh {
            format!(
                "{}{}：{}。{}",
                self.grade.label_zh(),
                if self.by_hand {
                    "（手工设定，未经评估）"
                } else {
                    ""
                },
                self.effort.label_zh(),
                self.effort.guidance().zh
            )
        } else {
            format!(
                "grade {}{}: {}. {}",
                self.grade.label_en(),
                if self.by_hand {
                    " (set by hand, not evaluated)"
                } else {
                    ""
                },
                self.effort.label_en(),
                self.effort.guidance().en
            )
        };
        if self.against_policy {
            line.push_str(if zh {
                " 该机会违背等级策略被强行推进。"
            } else {
                " The deal was forced on against this policy."
            });
        } else if self.blocks_moving_on {
            line.push_str(if zh {
                " 不进入销售流程：只有强行推进（需说明原因）才能进入下一阶段。"
            } else {
                " It does not enter the sales process: only a forced move, with its reason, goes on."
            });
        }
        line
    }
}

/// A buying influence with power who could veto the deal (source 002): a
/// high-influence economic, technical or user buyer who is opposed to us
/// or not yet met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VetoWarning {
    /// The contact's id.
    pub id: String,
    /// The contact's name.
    pub name: String,
    /// Their role.
    pub role: BuyingRole,
    /// Whether they are opposed (otherwise: not met yet).
    pub opposed: bool,
}

impl VetoWarning {
    /// The warning in one line, in `language`.
    pub fn describe(&self, language: Language) -> String {
        let what = match (language, self.role) {
            (Language::Chinese, BuyingRole::EconomicBuyer) => "可以最终批准，也可以最终否决",
            (Language::Chinese, _) => "可以最终否决",
            (Language::English, BuyingRole::EconomicBuyer) => "can give the final yes or no",
            (Language::English, _) => "can give a final no",
        };
        match (language, self.opposed) {
            (Language::Chinese, true) => format!(
                "否决风险：高影响力的{}{}反对我们，{what}",
                self.role.label_zh(),
                self.name
            ),
            (Language::Chinese, false) => format!(
                "否决风险：高影响力的{}{}尚未接触，{what}",
                self.role.label_zh(),
                self.name
            ),
            (Language::English, true) => format!(
                "veto risk: {} ({}, high influence) is opposed to us and {what}",
                self.name,
                self.role.label_en().to_lowercase()
            ),
            (Language::English, false) => format!(
                "veto risk: {} ({}, high influence) has not been met and {what}",
                self.name,
                self.role.label_en().to_lowercase()
            ),
        }
    }
}

/// Source 002's advice for meeting the economic buyer, given while none has
/// been met.
pub const ECONOMIC_BUYER_GUIDANCE: crate::labels::Text = crate::labels::Text {
    en: "Meet the economic buyer at their own level, introduced by a coach if you can; bring a member of our management; learn their values and concerns from the coaches first, and prepare each meeting as the stepping stone to the next: the relationship is not built in one meeting.",
    zh: "在对方的层级上接触经济决策者，尽量由教练引荐；请我方管理层一同出席；先从教练处了解其价值观与关注点，并把每次会面都准备成下一次会面的铺垫：关系不是一次会面就能建立的。",
};

/// One next action: a work item and the stage it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextAction {
    /// The stage whose work this is.
    pub stage: Stage,
    /// The work item.
    pub item: WorkItem,
}

/// Where a deal stands and what to do next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnosis {
    /// The verdict.
    pub verdict: Verdict,
    /// Our stage.
    pub stage: Stage,
    /// The customer's procurement step, if observed.
    pub customer_step: Option<ProcurementStep>,
    /// The stage the customer's step calls for.
    pub expected_stage: Option<Stage>,
    /// Stages before the one we should be in whose key nodes are not all
    /// met: the work that is missing.
    pub stages_missing_work: Vec<Stage>,
    /// Key nodes of stages already left that are still unmet.
    pub unmet_past_nodes: KeyNodeSet,
    /// Key nodes taken from the stage a CRM reported: counted as met, not
    /// verified.
    pub reported_by_crm: KeyNodeSet,
    /// Key nodes still needed before leaving our stage (empty: ready to move
    /// on, or to close as won in the last stage).
    pub missing_to_advance: KeyNodeSet,
    /// What to do next, in order.
    pub next_actions: Vec<NextAction>,
    /// How well the contacts cover the buying influences.
    pub coverage: Coverage,
    /// The grade's policy, when the deal is graded: always to be read
    /// before the next actions.
    pub policy: Option<PolicyNote>,
    /// Buying influences with power who could veto the deal (open deals).
    pub veto_warnings: Vec<VetoWarning>,
    /// Whether no economic buyer has been met yet (open deals): the report
    /// then gives [`ECONOMIC_BUYER_GUIDANCE`].
    pub economic_buyer_not_met: bool,
}

/// Diagnoses `state` under `definition`.
pub fn diagnose(state: &ProcessState, definition: &ProcessDefinition) -> Diagnosis {
    let stage = state.stage();
    let customer_step = state.customer_step();
    let expected_stage = customer_step.map(ProcurementStep::sales_stage);
    let target = expected_stage.map_or(stage, |e| e.max(stage));
    let met = state.met();
    let unmet_in = |s: Stage| definition.required(s).difference(met);

    let stages_missing_work: Vec<Stage> = Stage::FIRST
        .through(target)
        .filter(|&s| s < target && !unmet_in(s).is_empty())
        .collect();
    let unmet_past_nodes = definition.required_before(stage).difference(met);
    let coverage = definition.coverage.assess(state.contacts());
    let blocked = state.policy_block(definition).is_some();
    let policy = state.grade().map(|grade| {
        let rule = definition.policies.get(grade);
        PolicyNote {
            grade,
            by_hand: state.grade_by_hand(),
            effort: rule.effort,
            enter_sales_process: rule.enter_sales_process,
            against_policy: state.against_policy(definition).is_some(),
            blocks_moving_on: blocked,
        }
    });

    if !state.is_open() {
        let verdict = match state.status() {
            DealStatus::Nurture => Verdict::Nurture,
            DealStatus::Booked if state.delivery() != Some(DeliveryStatus::Cancelled) => {
                Verdict::Delivering
            }
            _ => Verdict::Closed,
        };
        return Diagnosis {
            verdict,
            stage,
            customer_step,
            expected_stage,
            stages_missing_work,
            unmet_past_nodes,
            reported_by_crm: state.reported_by_crm(),
            missing_to_advance: KeyNodeSet::EMPTY,
            next_actions: Vec::new(),
            coverage,
            policy,
            veto_warnings: Vec::new(),
            economic_buyer_not_met: false,
        };
    }

    let verdict = match expected_stage {
        Some(expected) if stage < expected => Verdict::BehindCustomer,
        _ if !unmet_past_nodes.is_empty() => Verdict::PastUnmetKeyNodes,
        None => Verdict::CustomerStepUnknown,
        Some(expected) if stage > expected => Verdict::AheadOfCustomer,
        Some(_) => Verdict::Aligned,
    };

    let mut work_stages: Vec<Stage> = Stage::FIRST
        .through(target)
        .filter(|&s| !unmet_in(s).is_empty())
        .collect();
    if blocked {
        // The policy keeps the deal where it is: no later stage's work.
        work_stages.retain(|&s| s <= stage);
    } else if work_stages.is_empty() {
        // Everything so far is met: the next stage's work comes next.
        work_stages.extend(target.next());
    }
    let next_actions = work_stages
        .into_iter()
        .flat_map(|s| {
            work_items(s)
                .iter()
                // An open deal already has its lead.
                .filter(|&&item| item != WorkItem::SearchLeads)
                .map(move |&item| NextAction { stage: s, item })
        })
        .collect();

    Diagnosis {
        verdict,
        stage,
        customer_step,
        expected_stage,
        stages_missing_work,
        unmet_past_nodes,
        reported_by_crm: state.reported_by_crm(),
        missing_to_advance: state.missing_to_advance(definition),
        next_actions,
        coverage,
        policy,
        veto_warnings: veto_warnings(state),
        economic_buyer_not_met: !state
            .contacts()
            .iter()
            .any(|c| c.role == BuyingRole::EconomicBuyer && c.met),
    }
}

fn veto_warnings(state: &ProcessState) -> Vec<VetoWarning> {
    state
        .contacts()
        .iter()
        .filter(|c| c.role != BuyingRole::Coach && c.influence == InfluenceDegree::High)
        .filter(|c| c.attitude == Attitude::Opposed || !c.met)
        .map(|c| VetoWarning {
            id: c.id.clone(),
            name: c.name.clone(),
            role: c.role,
            opposed: c.attitude == Attitude::Opposed,
        })
        .collect()
}

impl KeyAccountProcess {
    /// Diagnoses the deal: see [`diagnose`].
    pub fn diagnose(&self, definition: &ProcessDefinition) -> Diagnosis {
        diagnose(self.state(), definition)
    }
}

impl Diagnosis {
    /// The next actions' work items alone, in order.
    pub fn next_items(&self) -> impl Iterator<Item = WorkItem> + '_ {
        self.next_actions.iter().map(|a| a.item)
    }

    /// A short report in `language`: verdict, missing work, unmet nodes and
    /// next actions, one per line.
    pub fn report(&self, language: Language) -> String {
        let zh = language == Language::Chinese;
        let mut lines = vec![format!(
            "{}{}",
            if zh { "诊断：" } else { "diagnosis: " },
            self.verdict.label(language)
        )];
        let stage_line = match (self.customer_step, self.expected_stage) {
            (Some(step), Some(expected)) if zh => format!(
                "我方阶段：{}；客户采购步骤：{}（应处于{}）",
                self.stage.label_zh(),
                step.label_zh(),
                expected.label_zh()
            ),
            (Some(step), Some(expected)) => format!(
                "our stage: {}; customer step: {} (we should be in {})",
                self.stage.label_en(),
                step.label_en(),
                expected.label_en()
            ),
            _ if zh => format!("我方阶段：{}", self.stage.label_zh()),
            _ => format!("our stage: {}", self.stage.label_en()),
        };
        lines.push(stage_line);
        if !self.stages_missing_work.is_empty() {
            let stages = join(self.stages_missing_work.iter().map(|s| s.label(language)));
            lines.push(if zh {
                format!("缺失的阶段工作：{stages}")
            } else {
                format!("stages whose work is missing: {stages}")
            });
        }
        if !self.unmet_past_nodes.is_empty() {
            let nodes = join(self.unmet_past_nodes.iter().map(|n| n.label(language)));
            lines.push(if zh {
                format!("已越过但未达成的关键节点：{nodes}")
            } else {
                format!("key nodes passed unmet: {nodes}")
            });
        }
        if let Some(policy) = &self.policy {
            lines.push(policy.describe(language));
        } else if !self.reported_by_crm.is_empty() && self.verdict != Verdict::Closed {
            lines.push(if zh {
                "未分级：阶段取自CRM，等级资源策略未经我们核查".to_owned()
            } else {
                "not graded: the stage was taken from the CRM, and the grade's policy was not checked by us"
                    .to_owned()
            });
        }
        if !self.reported_by_crm.is_empty() {
            let nodes = join(self.reported_by_crm.iter().map(|n| n.label(language)));
            lines.push(if zh {
                format!("阶段取自CRM，以下关键节点未经核实：{nodes}")
            } else {
                format!("stage taken from the CRM: these nodes are not verified: {nodes}")
            });
        }
        let blocked = self.policy.is_some_and(|p| p.blocks_moving_on);
        let open = !matches!(
            self.verdict,
            Verdict::Closed | Verdict::Nurture | Verdict::Delivering
        );
        if open && self.missing_to_advance.is_empty() && !blocked {
            lines.push(match (self.stage.next(), zh) {
                (Some(next), true) => {
                    format!("本阶段关键节点已全部达成，可进入{}", next.label_zh())
                }
                (Some(next), false) => format!(
                    "every key node of this stage is met: ready to move on to {}",
                    next.label_en()
                ),
                (None, true) => "项目已完成；合同签订后登记签约即为赢单".to_owned(),
                (None, false) => {
                    "the project is completed; booking the signed contract wins the deal".to_owned()
                }
            });
        }
        if open {
            lines.push(self.coverage.explain(language));
        }
        lines.extend(self.veto_warnings.iter().map(|w| w.describe(language)));
        if self.economic_buyer_not_met {
            lines.push(format!(
                "{}{}",
                if zh {
                    "经济决策者尚未接触："
                } else {
                    "no economic buyer met yet: "
                },
                ECONOMIC_BUYER_GUIDANCE.get(language)
            ));
        }
        if !self.next_actions.is_empty() {
            lines.push(if zh { "下一步：" } else { "next actions:" }.to_owned());
            for action in &self.next_actions {
                lines.push(format!(
                    "  - [{}] {}",
                    action.stage.label(language),
                    action.item.label(language)
                ));
            }
        }
        lines.join("\n")
    }
}

fn join<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    parts.collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Entry;
    use crate::key_account::process::KeyAccountEvent;
    use crate::key_account::stage::KeyNode;
    use chrono::{DateTime, TimeZone, Utc};

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, d, 9, 0, 0).unwrap()
    }

    fn apply(p: &mut KeyAccountProcess, d: u32, event: KeyAccountEvent) {
        p.apply(
            &ProcessDefinition::default(),
            Entry::new(day(d), "wu", event),
        )
        .unwrap();
    }

    fn met(node: KeyNode) -> KeyAccountEvent {
        KeyAccountEvent::KeyNodeMet {
            node,
            evidence: "done".into(),
            grade: (node == KeyNode::OpportunityGraded).then_some(crate::grading::Grade::A),
        }
    }

    #[test]
    fn unknown_customer_step_still_gives_the_current_work() {
        let def = ProcessDefinition::default();
        let p = KeyAccountProcess::new(day(1));
        let d = diagnose(p.state(), &def);
        assert_eq!(d.verdict, Verdict::CustomerStepUnknown);
        assert_eq!(d.next_actions[0].stage, Stage::Development);
        assert_eq!(d.next_actions[0].item, WorkItem::CollectNeeds);
        assert!(d.stages_missing_work.is_empty());
    }

    #[test]
    fn aligned_and_ready_points_at_the_next_stage() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        apply(
            &mut p,
            2,
            KeyAccountEvent::ProcurementStepObserved {
                step: ProcurementStep::InternalDemand,
            },
        );
        apply(&mut p, 3, met(KeyNode::OpportunityGraded));
        let d = diagnose(p.state(), &def);
        assert_eq!(d.verdict, Verdict::Aligned);
        assert!(d.missing_to_advance.is_empty());
        assert!(d.next_actions.iter().all(|a| a.stage == Stage::SalesEntry));
    }

    #[test]
    fn ahead_of_the_customer() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        apply(&mut p, 2, met(KeyNode::OpportunityGraded));
        apply(&mut p, 3, KeyAccountEvent::Advanced);
        apply(
            &mut p,
            4,
            KeyAccountEvent::ProcurementStepObserved {
                step: ProcurementStep::InternalDemand,
            },
        );
        let d = diagnose(p.state(), &def);
        assert_eq!(d.verdict, Verdict::AheadOfCustomer);
        assert_eq!(d.next_actions[0].stage, Stage::SalesEntry);
    }

    #[test]
    fn closed_deals_have_no_next_actions() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        apply(
            &mut p,
            2,
            KeyAccountEvent::Lost {
                reason: "no_budget".into(),
            },
        );
        let d = diagnose(p.state(), &def);
        assert_eq!(d.verdict, Verdict::Closed);
        assert!(d.next_actions.is_empty());
    }

    #[test]
    fn report_names_verdict_and_actions_in_both_languages() {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(day(1));
        apply(
            &mut p,
            2,
            KeyAccountEvent::ProcurementStepObserved {
                step: ProcurementStep::SupplierScreening,
            },
        );
        let d = diagnose(p.state(), &def);
        let en = d.report(Language::English);
        assert!(en.contains("Behind the customer"), "{en}");
        assert!(en.contains("Grade the opportunity"), "{en}");
        let zh = d.report(Language::Chinese);
        assert!(zh.contains("落后于客户采购进程"), "{zh}");
        assert!(zh.contains("寻找内线"), "{zh}");
    }
}
