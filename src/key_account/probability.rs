//! Win probability of a key-account deal, with the factors that make it.
//!
//! An open deal's probability is the base of its stage, times the forcing
//! penalty for each key node of a stage already left that is still unmet,
//! times the forcing penalty again (less the configured recovery, none by
//! default) for each node that was forced and met only later (source 003:
//! once the stage it gates has begun, the chance it stood for is gone),
//! times a factor for each opposed or unmet high-influence economic,
//! technical or user buyer (source 002: they hold a final yes or no),
//! times the early-entry factor of the customer's procurement step when we
//! first engaged, when one was observed (source 003: the earlier we enter,
//! the better the chance; see [`EarlyEntry`](super::EarlyEntry)),
//! times the grade factor when the definition has grade factors (an
//! ungraded deal takes the lowest one, so skipping the grading never pays).
//! A deal past development against its grade's policy takes the forcing
//! penalty once more. A won (booked) deal is certain, a lost or withdrawn
//! one has no chance. The
//! explanation lists every factor.

use serde::{Deserialize, Serialize};

use super::definition::ProcessDefinition;
use super::influence::{Attitude, BuyingInfluence, BuyingRole, InfluenceDegree};
use super::process::{KeyAccountProcess, Outcome, ProcessState};
use super::stage::{KeyNode, ProcurementStep, Stage};
use crate::grading::Grade;
use crate::labelled_enum;
use crate::labels::{Labelled, Language};

labelled_enum! {
    /// The kind of a win-probability factor.
    pub enum FactorKind {
        /// The base probability of the stage.
        StageBase = 0, "stage_base" => ("Stage base", "阶段基础概率"),
        /// The penalty for a key node left unmet by forcing.
        UnmetKeyNode = 1, "unmet_key_node" => ("Unmet key node", "未达成的关键节点"),
        /// The factor of the opportunity's grade.
        Grade = 2, "grade" => ("Grade", "机会等级"),
        /// The factor for a deal not yet graded.
        Ungraded = 3, "ungraded" => ("Not graded", "未分级"),
        /// The deal has ended.
        Outcome = 4, "outcome" => ("Outcome", "结果"),
        /// The probability of the deal's stage in the CRM's own table.
        CrmStageBase = 5, "crm_stage_base" => ("CRM stage probability", "CRM阶段概率"),
        /// A forced key node met only after the stage it gates began.
        MetAfterForcing = 6, "met_after_forcing" => ("Key node met after forcing", "强行推进后才达成的关键节点"),
        /// A buying influence with power who is opposed or not met.
        InfluenceAgainst = 7, "influence_against" => ("Buying influence with power against us or not met", "有决定权的采购影响者反对或未接触"),
        /// The deal went past development against its grade's policy.
        AgainstPolicy = 8, "against_policy" => ("Against the grade's policy", "违背等级资源策略"),
        /// How early we entered: the customer's procurement step when we
        /// first engaged.
        EntryStep = 9, "entry_step" => ("Procurement step when we entered", "我方介入时客户所处采购步骤"),
    }
}

/// One factor of the win probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "factor", rename_all = "snake_case")]
pub enum Factor {
    /// The base probability of the current stage.
    StageBase {
        /// The stage.
        stage: Stage,
        /// Its base probability.
        value: f64,
    },
    /// The probability the CRM's stage table gives the deal's stage, used as
    /// its base while it stays in the stage the CRM reported.
    CrmStageBase {
        /// Our stage.
        stage: Stage,
        /// The CRM's probability.
        value: f64,
    },
    /// A key node of a stage already left, still unmet.
    UnmetKeyNode {
        /// The node.
        node: KeyNode,
        /// The forcing penalty.
        value: f64,
    },
    /// The factor of the opportunity's grade.
    Grade {
        /// The grade.
        grade: Grade,
        /// Its factor.
        value: f64,
    },
    /// Grade factors are configured but the deal has no grade: the factor
    /// for a failed evaluation (a deal in nurture) or for a deal never
    /// graded, by default the lowest grade factor.
    Ungraded {
        /// The factor applied.
        value: f64,
    },
    /// The deal is past development although its grade's policy does not
    /// enter the sales process (the move was forced): the forcing penalty.
    AgainstPolicy {
        /// The grade.
        grade: Grade,
        /// The forcing penalty.
        value: f64,
    },
    /// A key node that was forced and met only later: the forcing penalty
    /// stays, less the configured recovery.
    MetAfterForcing {
        /// The node.
        node: KeyNode,
        /// The remaining penalty.
        value: f64,
    },
    /// An economic, technical or user buyer who is opposed to us, or who
    /// carries high influence and has not been met.
    InfluenceAgainst {
        /// Their role.
        role: BuyingRole,
        /// Whether they are opposed (otherwise: high influence, not met).
        opposed: bool,
        /// The factor.
        value: f64,
    },
    /// The customer's procurement step when we first engaged: the later we
    /// entered, the lower the chance.
    EntryStep {
        /// The step observed first.
        step: ProcurementStep,
        /// Its factor.
        value: f64,
    },
    /// The deal has ended: 1 when won, 0 otherwise.
    Outcome {
        /// How it ended.
        outcome: Outcome,
        /// 1 or 0.
        value: f64,
    },
}

impl Factor {
    /// The kind of factor.
    pub fn kind(&self) -> FactorKind {
        match self {
            Factor::StageBase { .. } => FactorKind::StageBase,
            Factor::CrmStageBase { .. } => FactorKind::CrmStageBase,
            Factor::UnmetKeyNode { .. } => FactorKind::UnmetKeyNode,
            Factor::Grade { .. } => FactorKind::Grade,
            Factor::Ungraded { .. } => FactorKind::Ungraded,
            Factor::AgainstPolicy { .. } => FactorKind::AgainstPolicy,
            Factor::Outcome { .. } => FactorKind::Outcome,
            Factor::MetAfterForcing { .. } => FactorKind::MetAfterForcing,
            Factor::InfluenceAgainst { .. } => FactorKind::InfluenceAgainst,
            Factor::EntryStep { .. } => FactorKind::EntryStep,
        }
    }

    /// The factor's value (a probability or a multiplier, 0-1).
    pub fn value(&self) -> f64 {
        match *self {
            Factor::StageBase { value, .. }
            | Factor::CrmStageBase { value, .. }
            | Factor::UnmetKeyNode { value, .. }
            | Factor::Grade { value, .. }
            | Factor::Ungraded { value }
            | Factor::AgainstPolicy { value, .. }
            | Factor::Outcome { value, .. }
            | Factor::MetAfterForcing { value, .. }
            | Factor::InfluenceAgainst { value, .. }
            | Factor::EntryStep { value, .. } => value,
        }
    }

    /// One line saying what the factor is, in `language`.
    pub fn describe(&self, language: Language) -> String {
        let zh = language == Language::Chinese;
        match *self {
            Factor::StageBase { stage, value } => {
                if zh {
                    format!("{}基础概率：{}", stage.label_zh(), percent(value))
                } else {
                    format!(
                        "base for the {} stage: {}",
                        stage.label_en(),
                        percent(value)
                    )
                }
            }
            Factor::CrmStageBase { stage, value } => {
                if zh {
                    format!("CRM阶段概率（{}）：{}", stage.label_zh(), percent(value))
                } else {
                    format!(
                        "the CRM's probability for its stage ({}): {}",
                        stage.label_en(),
                        percent(value)
                    )
                }
            }
            Factor::UnmetKeyNode { node, value } => {
                if zh {
                    format!(
                        "关键节点「{}」被强行越过且仍未达成：×{value:.2}",
                        node.label_zh()
                    )
                } else {
                    format!("key node \"{}\" passed unmet: x{value:.2}", node.label_en())
                }
            }
            Factor::Grade { grade, value } => {
                if zh {
                    format!("机会等级 {}：×{value:.2}", grade.label_zh())
                } else {
                    format!("grade {}: x{value:.2}", grade.label_en())
                }
            }
            Factor::Ungraded { value } => {
                if zh {
                    format!("尚无等级（未分级或评估未通过）：×{value:.2}")
                } else {
                    format!("no grade (not graded, or evaluation failed): x{value:.2}")
                }
            }
            Factor::AgainstPolicy { grade, value } => {
                if zh {
                    format!(
                        "{}的资源策略不进入销售流程，却被强行推进：×{value:.2}",
                        grade.label_zh()
                    )
                } else {
                    format!(
                        "grade {}'s policy does not enter the sales process, and the deal was forced on: x{value:.2}",
                        grade.label_en()
                    )
                }
            }
            Factor::MetAfterForcing { node, value } => {
                if zh {
                    format!(
                        "关键节点「{}」在强行推进后才达成，错过的机会无法挽回：×{value:.2}",
                        node.label_zh()
                    )
                } else {
                    format!(
                        "key node \"{}\" met only after it was forced past; the chance it stood for is gone: x{value:.2}",
                        node.label_en()
                    )
                }
            }
            Factor::InfluenceAgainst {
                role,
                opposed,
                value,
            } => match (zh, opposed) {
                (true, true) => format!("{}反对我们，可能否决：×{value:.2}", role.label_zh()),
                (true, false) => format!("高影响力的{}尚未接触：×{value:.2}", role.label_zh()),
                (false, true) => format!(
                    "{} opposed to us, able to veto: x{value:.2}",
                    role.label_en()
                ),
                (false, false) => format!(
                    "high-influence {} not met yet: x{value:.2}",
                    role.label_en().to_lowercase()
                ),
            },
            Factor::EntryStep { step, value } => {
                if zh {
                    format!(
                        "我方介入时客户处于「{}」，介入越早胜算越大：×{value:.2}",
                        step.label_zh()
                    )
                } else {
                    format!(
                        "we entered while the customer was at \"{}\"; the earlier the entry, the better the chance: x{value:.2}",
                        step.label_en().to_lowercase()
                    )
                }
            }
            Factor::Outcome { outcome, value } => {
                if zh {
                    format!("已结束（{}）：{}", outcome.label_zh(), percent(value))
                } else {
                    format!("closed ({}): {}", outcome.label_en(), percent(value))
                }
            }
        }
    }
}

fn percent(value: f64) -> String {
    format!("{:.0}%", value * 100.0)
}

/// A win probability with every factor behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WinProbability {
    /// The probability, 0-1: the product of the factors.
    pub value: f64,
    /// Every factor, in the order they were applied.
    pub factors: Vec<Factor>,
    /// The key nodes taken as met because the CRM reported the deal at a
    /// later stage: not verified, and not penalised (no factor of theirs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reported_by_crm: Vec<KeyNode>,
}

impl WinProbability {
    /// The probability and its factors, one per line, in `language`.
    pub fn explain(&self, language: Language) -> String {
        let mut text = match language {
            Language::Chinese => format!("赢单概率 {}", percent(self.value)),
            Language::English => format!("win probability {}", percent(self.value)),
        };
        for factor in &self.factors {
            text.push_str("\n  - ");
            text.push_str(&factor.describe(language));
        }
        if !self.reported_by_crm.is_empty() {
            let zh = language == Language::Chinese;
            let names: Vec<&str> = self
                .reported_by_crm
                .iter()
                .map(|node| if zh { node.label_zh() } else { node.label_en() })
                .collect();
            text.push_str("\n  - ");
            if zh {
                text.push_str("阶段取自CRM，以下关键节点未经核实（不扣减）：");
                text.push_str(&names.join("、"));
            } else {
                text.push_str(
                    "stage taken from the CRM, these key nodes are not verified (not penalised): ",
                );
                text.push_str(&names.join(", "));
            }
        }
        text
    }
}

impl core::fmt::Display for WinProbability {
    /// The English explanation.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.explain(Language::English))
    }
}

/// The win probability of `state` under `definition`, with its factors.
pub fn win_probability(state: &ProcessState, definition: &ProcessDefinition) -> WinProbability {
    let factors = factors(state, definition);
    let product = factors.iter().map(Factor::value).product::<f64>();
    WinProbability {
        value: clamp_unit(product),
        factors,
        reported_by_crm: state.reported_by_crm().iter().collect(),
    }
}

/// The win probability alone, without building the explanation.
pub fn win_probability_value(state: &ProcessState, definition: &ProcessDefinition) -> f64 {
    if let Some(outcome) = state.outcome() {
        return outcome_value(outcome);
    }
    let penalised = state.penalised(definition).len();
    let mut value = state
        .crm_base()
        .unwrap_or_else(|| definition.base_probability(state.stage()));
    for _ in 0..penalised {
        value *= definition.forcing_penalty;
    }
    if state.against_policy(definition).is_some() {
        value *= definition.forcing_penalty;
    }
    let late = met_after_forcing(state).len();
    for _ in 0..late {
        value *= late_penalty(definition);
    }
    for contact in state.contacts() {
        if let Some((_, factor)) = influence_against(contact, definition) {
            value *= factor;
        }
    }
    if let Some(step) = state.entry_step() {
        value *= definition.early_entry.get(step);
    }
    if let Some(factor) = grade_factor(state, definition) {
        value *= factor.value();
    }
    clamp_unit(value)
}

impl KeyAccountProcess {
    /// The deal's win probability with its factors.
    pub fn win_probability(&self, definition: &ProcessDefinition) -> WinProbability {
        win_probability(self.state(), definition)
    }
}

fn factors(state: &ProcessState, definition: &ProcessDefinition) -> Vec<Factor> {
    if let Some(outcome) = state.outcome() {
        return vec![Factor::Outcome {
            outcome,
            value: outcome_value(outcome),
        }];
    }
    let stage = state.stage();
    let mut factors = vec![match state.crm_base() {
        Some(value) => Factor::CrmStageBase { stage, value },
        None => Factor::StageBase {
            stage,
            value: definition.base_probability(stage),
        },
    }];
    factors.extend(
        state
            .penalised(definition)
            .iter()
            .map(|node| Factor::UnmetKeyNode {
                node,
                value: definition.forcing_penalty,
            }),
    );
    factors.extend(
        state
            .against_policy(definition)
            .map(|grade| Factor::AgainstPolicy {
                grade,
                value: definition.forcing_penalty,
            }),
    );
    let late = late_penalty(definition);
    factors.extend(
        met_after_forcing(state)
            .iter()
            .map(|node| Factor::MetAfterForcing { node, value: late }),
    );
    factors.extend(state.contacts().iter().filter_map(|contact| {
        influence_against(contact, definition).map(|(opposed, value)| Factor::InfluenceAgainst {
            role: contact.role,
            opposed,
            value,
        })
    }));
    factors.extend(state.entry_step().map(|step| Factor::EntryStep {
        step,
        value: definition.early_entry.get(step),
    }));
    factors.extend(grade_factor(state, definition));
    factors
}

/// The key nodes that were forced past and met afterwards.
fn met_after_forcing(state: &ProcessState) -> super::stage::KeyNodeSet {
    state.forced().intersection(state.met())
}

/// The penalty kept by a node met after forcing: the forcing penalty, with
/// the configured share of it won back.
fn late_penalty(definition: &ProcessDefinition) -> f64 {
    let penalty = definition.forcing_penalty;
    penalty + (1.0 - penalty) * definition.forced_recovery
}

/// Whether `contact` holds power in the decision and weighs against us:
/// `Some((opposed, factor))`.
fn influence_against(
    contact: &BuyingInfluence,
    definition: &ProcessDefinition,
) -> Option<(bool, f64)> {
    if contact.role == BuyingRole::Coach {
        return None;
    }
    let power = &definition.influence_power;
    if contact.attitude == Attitude::Opposed {
        Some((true, power.opposed))
    } else if contact.influence == InfluenceDegree::High && !contact.met {
        Some((false, power.high_influence_not_met))
    } else {
        None
    }
}

fn grade_factor(state: &ProcessState, definition: &ProcessDefinition) -> Option<Factor> {
    let table = definition.grade_factors.as_ref()?;
    Some(match state.grade() {
        Some(grade) => Factor::Grade {
            grade,
            value: table.get(grade),
        },
        None => Factor::Ungraded {
            value: table.without_grade(state.nurture().is_some()),
        },
    })
}

fn outcome_value(outcome: Outcome) -> f64 {
    match outcome {
        Outcome::Won => 1.0,
        Outcome::Lost | Outcome::Withdrawn => 0.0,
    }
}

/// Keeps a product of factors in [0, 1] even if a definition built in code
/// skipped validation.
fn clamp_unit(value: f64) -> f64 {
    if value.is_nan() {
        0.0
    } else {
        value.clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Entry;
    use crate::key_account::definition::GradeFactors;
    use crate::key_account::process::KeyAccountEvent;
    use chrono::{TimeZone, Utc};

    fn forced_process(def: &ProcessDefinition) -> KeyAccountProcess {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let mut p = KeyAccountProcess::new(at);
        p.apply(
            def,
            Entry::new(
                at,
                "chen",
                KeyAccountEvent::ForcedAdvance {
                    reason: "customer moved fast".into(),
                },
            ),
        )
        .unwrap();
        p
    }

    #[test]
    fn forced_sales_entry_is_base_times_penalty() {
        let def = ProcessDefinition::default();
        let p = forced_process(&def);
        let w = win_probability(p.state(), &def);
        assert!((w.value - 0.10).abs() < 1e-12);
        assert_eq!(
            w.factors,
            [
                Factor::StageBase {
                    stage: Stage::SalesEntry,
                    value: 0.2
                },
                Factor::UnmetKeyNode {
                    node: KeyNode::OpportunityGraded,
                    value: 0.5
                },
            ]
        );
        assert_eq!(w.value, win_probability_value(p.state(), &def));
        let text = w.explain(Language::English);
        assert!(text.starts_with("win probability 10%"), "{text}");
        assert!(text.contains("Opportunity evaluated and graded"));
        assert!(w.explain(Language::Chinese).contains("机会已评估并分级"));
    }

    #[test]
    fn ungraded_deal_takes_the_lowest_grade_factor() {
        let def = ProcessDefinition {
            grade_factors: Some(GradeFactors {
                a: 1.0,
                b: 0.8,
                c: 0.5,
                d: 0.25,
                failed: None,
                ungraded: None,
            }),
            ..ProcessDefinition::default()
        };
        let p = KeyAccountProcess::new(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
        let w = win_probability(p.state(), &def);
        assert_eq!(w.factors.last(), Some(&Factor::Ungraded { value: 0.25 }));
        assert!((w.value - 0.025).abs() < 1e-12);
        assert_eq!(w.factors[1].kind(), FactorKind::Ungraded);
    }
}
