//! What a cycle starts with, set by the relationship level (source 004).

use crate::customer::RelationshipLevel;
use crate::labelled_enum;
use crate::labels::Text;

labelled_enum! {
    /// What the first iteration of a cycle is about, from the depth of the
    /// relationship with the customer.
    pub enum CycleOpening {
        /// Discovery: qualify the link between the customer's needs and our
        /// offer.
        Qualifying = 0, "qualifying" => ("Qualifying", "资格认定"),
        /// Initial engagement: a first transaction (a trial, a pilot or a
        /// first sale).
        FirstTransaction = 1, "first_transaction" => ("First transaction: trial, pilot or first sale", "首次交易：试用、试点或首单"),
        /// Maintaining: support services that build trust.
        SupportServices = 2, "support_services" => ("Support services", "支持服务"),
        /// Developing: up-sell, cross-sell and repeat buys.
        Expansion = 3, "expansion" => ("Up-sell, cross-sell, repeat buy", "追加销售、交叉销售、重复购买"),
    }
}

impl CycleOpening {
    /// The opening for a relationship at `level`.
    pub fn for_level(level: RelationshipLevel) -> Self {
        match level {
            RelationshipLevel::Discovery => CycleOpening::Qualifying,
            RelationshipLevel::InitialEngagement => CycleOpening::FirstTransaction,
            RelationshipLevel::Maintaining => CycleOpening::SupportServices,
            RelationshipLevel::Developing => CycleOpening::Expansion,
        }
    }

    /// What to aim the recognition of needs at, in both languages.
    pub fn guidance(self) -> Text {
        match self {
            CycleOpening::Qualifying => Text {
                en: "Start by qualifying: connect the customer's needs to our products and services, and learn who decides.",
                zh: "从资格认定开始：把客户需求与我们的产品和服务对接，并了解由谁决策。",
            },
            CycleOpening::FirstTransaction => Text {
                en: "Aim the cycle at a first transaction: a trial, a pilot or a first sale.",
                zh: "以首次交易为目标：试用、试点或首单。",
            },
            CycleOpening::SupportServices => Text {
                en: "Aim the cycle at support services that deepen the customer's trust.",
                zh: "以加深客户信任的支持服务为目标。",
            },
            CycleOpening::Expansion => Text {
                en: "Aim the cycle at new business with the customer: up-sell, cross-sell, repeat buys.",
                zh: "以与客户的新业务为目标：追加销售、交叉销售、重复购买。",
            },
        }
    }
}
