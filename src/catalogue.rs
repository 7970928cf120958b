//! The catalogue of every domain enum: its values' keys, codes and labels.
//!
//! A CRM can build its pick lists from this, and the C header's enum
//! constants are generated from it, so the three (Rust, JSON, C) never
//! disagree.

use serde::Serialize;

use crate::customer::{
    Axis, BuyerBehaviour, CustomerType, Level, ReadinessCriterion, RelationshipLevel, WaitReason,
};
use crate::differentiation::{Action, ActionStatus, RecommendationReason};
use crate::grading::Grade;
use crate::labelled_enum;
use crate::labels::{Labelled, Language};

labelled_enum! {
    /// Which domain enum a code belongs to.
    pub enum EnumKind {
        /// [`Language`].
        Language = 0, "language" => ("Language", "语言"),
        /// [`CustomerType`].
        CustomerType = 1, "customer_type" => ("Customer type", "客户类型"),
        /// [`Axis`].
        Axis = 2, "axis" => ("Axis", "维度"),
        /// [`Level`].
        Level = 3, "level" => ("Level", "水平"),
        /// [`BuyerBehaviour`].
        BuyerBehaviour = 4, "buyer_behaviour" => ("Buyer behaviour", "买家行为"),
        /// [`RelationshipLevel`].
        RelationshipLevel = 5, "relationship_level" => ("Relationship level", "关系层级"),
        /// [`ReadinessCriterion`].
        ReadinessCriterion = 6, "readiness_criterion" => ("Readiness criterion", "合作准备度标准"),
        /// [`WaitReason`].
        WaitReason = 7, "wait_reason" => ("Wait-and-see reason", "观望原因"),
        /// [`Action`].
        Action = 8, "action" => ("Differentiation action", "差异化举措"),
        /// [`RecommendationReason`].
        RecommendationReason = 9, "recommendation_reason" => ("Recommendation reason", "推荐理由"),
        /// [`ActionStatus`].
        ActionStatus = 10, "action_status" => ("Action status", "举措状态"),
        /// [`Grade`].
        Grade = 11, "grade" => ("Grade", "等级"),
    }
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

macro_rules! dispatch {
    ($kind:expr, $f:ident $(, $arg:expr)*) => {
        match $kind {
            EnumKind::Language => $f::<Language>($($arg),*),
            EnumKind::CustomerType => $f::<CustomerType>($($arg),*),
            EnumKind::Axis => $f::<Axis>($($arg),*),
            EnumKind::Level => $f::<Level>($($arg),*),
            EnumKind::BuyerBehaviour => $f::<BuyerBehaviour>($($arg),*),
            EnumKind::RelationshipLevel => $f::<RelationshipLevel>($($arg),*),
            EnumKind::ReadinessCriterion => $f::<ReadinessCriterion>($($arg),*),
            EnumKind::WaitReason => $f::<WaitReason>($($arg),*),
            EnumKind::Action => $f::<Action>($($arg),*),
            EnumKind::RecommendationReason => $f::<RecommendationReason>($($arg),*),
            EnumKind::ActionStatus => $f::<ActionStatus>($($arg),*),
            EnumKind::Grade => $f::<Grade>($($arg),*),
        }
    };
}

impl EnumKind {
    /// Every value of this enum, in declaration order.
    pub fn values(self) -> Vec<EnumValue> {
        dispatch!(self, list)
    }

    /// The value with `code`, if there is one.
    pub fn value(self, code: u32) -> Option<EnumValue> {
        dispatch!(self, find, code)
    }
}
