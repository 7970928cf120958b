//! The catalogue of every domain enum: its values' keys, codes and labels.
//!
//! A CRM can build its pick lists from this, and the C header's enum
//! constants are generated from it, so the three (Rust, JSON, C) never
//! disagree.

use serde::Serialize;

use crate::customer::{
    Axis, BuyerBehaviour, CustomerType, Level, ReadinessCriterion, RelationshipLevel, WaitReason,
};
use crate::differentiation::{Action, ActionStatus, RecommendationReason, RetentionReason};
use crate::grading::{self, Grade};
use crate::labels::{Labelled, Language};
use crate::{cycle, key_account, labelled_enum};

/// Lists every domain enum once: its kind, code and key, its Rust type and
/// its labels. Writes [`EnumKind`] and the lookups from a kind to its values.
macro_rules! catalogue {
    ($($kind:ident = $code:literal, $key:literal, $ty:ty => ($en:literal, $zh:literal)),+ $(,)?) => {
        labelled_enum! {
            /// Which domain enum a code belongs to.
            pub enum EnumKind {
                $(
                    #[doc = concat!("`", stringify!($ty), "`.")]
                    $kind = $code, $key => ($en, $zh),
                )+
            }
        }

        impl EnumKind {
            /// Every value of this enum, in declaration order.
            pub fn values(self) -> Vec<EnumValue> {
                match self {
                    $(EnumKind::$kind => list::<$ty>(),)+
                }
            }

            /// The value with `code`, if there is one.
            pub fn value(self, code: u32) -> Option<EnumValue> {
                match self {
                    $(EnumKind::$kind => find::<$ty>(code),)+
                }
            }
        }
    };
}

catalogue! {
    Language = 0, "language", Language => ("Language", "语言"),
    CustomerType = 1, "customer_type", CustomerType => ("Customer type", "客户类型"),
    Axis = 2, "axis", Axis => ("Axis", "维度"),
    Level = 3, "level", Level => ("Level", "水平"),
    BuyerBehaviour = 4, "buyer_behaviour", BuyerBehaviour => ("Buyer behaviour", "买家行为"),
    RelationshipLevel = 5, "relationship_level", RelationshipLevel => ("Relationship level", "关系层级"),
    ReadinessCriterion = 6, "readiness_criterion", ReadinessCriterion => ("Readiness criterion", "合作准备度标准"),
    WaitReason = 7, "wait_reason", WaitReason => ("Wait-and-see reason", "观望原因"),
    Action = 8, "action", Action => ("Differentiation action", "差异化举措"),
    RecommendationReason = 9, "recommendation_reason", RecommendationReason => ("Recommendation reason", "推荐理由"),
    ActionStatus = 10, "action_status", ActionStatus => ("Action status", "举措状态"),
    Grade = 11, "grade", Grade => ("Grade", "等级"),
    CycleStage = 12, "cycle_stage", cycle::Stage => ("Technical-sale stage", "技术销售阶段"),
    CycleStep = 13, "cycle_step", cycle::Step => ("Technical-sale step", "技术销售步骤"),
    CycleDecision = 14, "cycle_decision", cycle::Decision => ("Client decision", "客户决定"),
    CycleOutcome = 15, "cycle_outcome", cycle::Outcome => ("Technical-sale outcome", "技术销售结果"),
    KnowledgeArea = 16, "knowledge_area", cycle::KnowledgeArea => ("Knowledge area", "知识领域"),
    VisitQuestion = 17, "visit_question", cycle::VisitQuestion => ("Visit-planning question", "拜访规划问题"),
    Scope = 18, "scope", cycle::Scope => ("Scope", "范围"),
    TechnicalPhase = 19, "technical_phase", cycle::TechnicalPhase => ("Technical evaluation phase", "技术评估阶段"),
    PhaseResult = 20, "phase_result", cycle::PhaseResult => ("Phase result", "阶段结果"),
    StepRequirement = 21, "step_requirement", cycle::StepRequirement => ("Step requirement", "步骤要求"),
    CycleEventKind = 22, "cycle_event_kind", cycle::EventKind => ("Technical-sale event", "技术销售事件"),
    GuidanceAction = 23, "guidance_action", cycle::GuidanceAction => ("Guidance action", "指导行动"),
    KeyAccountStage = 24, "key_account_stage", key_account::Stage => ("Key-account stage", "大客户销售阶段"),
    ProcurementStep = 25, "procurement_step", key_account::ProcurementStep => ("Procurement step", "客户采购步骤"),
    KeyNode = 26, "key_node", key_account::KeyNode => ("Key node", "关键节点"),
    BuyingRole = 27, "buying_role", key_account::BuyingRole => ("Buying role", "采购角色"),
    InfluenceDegree = 28, "influence_degree", key_account::InfluenceDegree => ("Degree of influence", "影响程度"),
    Attitude = 29, "attitude", key_account::Attitude => ("Attitude", "态度"),
    KeyAccountOutcome = 30, "key_account_outcome", key_account::Outcome => ("Key-account outcome", "大客户销售结果"),
    NodeSource = 31, "node_source", key_account::NodeSource => ("Key-node source", "关键节点来源"),
    DiagnosisVerdict = 32, "diagnosis_verdict", key_account::Verdict => ("Diagnosis verdict", "诊断结论"),
    WorkItem = 33, "work_item", key_account::WorkItem => ("Stage work item", "阶段工作内容"),
    ProbabilityFactor = 34, "probability_factor", key_account::FactorKind => ("Win-probability factor", "赢单概率因素"),
    GradingFactor = 35, "grading_factor", grading::Factor => ("Evaluation factor", "评估因素"),
    EvaluationVerdict = 36, "evaluation_verdict", grading::Verdict => ("Evaluation verdict", "评估结论"),
    GradeItemStatus = 37, "grade_item_status", grading::ItemStatus => ("Grading status", "分级状态"),
    Effort = 38, "effort", grading::Effort => ("Resource effort", "资源投入"),
    HorizonUnit = 39, "horizon_unit", grading::HorizonUnit => ("Time-horizon unit", "时间范围单位"),
    StayReason = 40, "stay_reason", RetentionReason => ("Reason a client stays", "客户留下的原因"),
    PossibilitySource = 41, "possibility_source", grading::PossibilitySource => ("Possibility source", "成交可能性来源"),
}

impl Labelled for Language {
    fn all() -> &'static [Self] {
        &[Language::English, Language::Chinese]
    }
    fn code(&self) -> u32 {
        *self as u32
    }
    fn key(&self) -> &'static str {
        match self {
            Language::English => "english",
            Language::Chinese => "chinese",
        }
    }
    fn label_en(&self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Chinese => "Chinese",
        }
    }
    fn label_zh(&self) -> &'static str {
        match self {
            Language::English => "英语",
            Language::Chinese => "中文",
        }
    }
}

/// One value of a domain enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EnumValue {
    /// Its numeric code.
    pub code: u32,
    /// Its stable key.
    pub key: &'static str,
    /// English label.
    pub en: &'static str,
    /// Chinese label.
    pub zh: &'static str,
}

impl EnumValue {
    /// The label in `language`.
    pub fn label(&self, language: Language) -> &'static str {
        match language {
            Language::English => self.en,
            Language::Chinese => self.zh,
        }
    }
}

fn value_of<T: Labelled>(v: &T) -> EnumValue {
    EnumValue {
        code: v.code(),
        key: v.key(),
        en: v.label_en(),
        zh: v.label_zh(),
    }
}

fn find<T: Labelled>(code: u32) -> Option<EnumValue> {
    T::all().iter().find(|v| v.code() == code).map(value_of)
}

fn list<T: Labelled>() -> Vec<EnumValue> {
    T::all().iter().map(value_of).collect()
}
