//! The buyer profile: how a customer buys and how deep the relationship is.
//!
//! Buyer behaviour decides the shape of the sales process (a commodity buyer
//! wants comparisons, a change agent wants a pilot); the relationship level
//! sets its rules of engagement (qualifying, first transaction, keeping
//! trust, growing the account).

use crate::labelled_enum;
use crate::labels::Text;

labelled_enum! {
    /// How a customer makes buying decisions.
    pub enum BuyerBehaviour {
        /// Buys the way its industry buys, and wants a vendor that knows the
        /// industry's processes.
        VerticalMarket = 0, "vertical_market" => ("Vertical-market buyer", "垂直行业型买家"),
        /// Compares features, function and price, and wants a vendor that
        /// fits its existing operations.
        CommodityBuyer = 1, "commodity_buyer" => ("Commodity buyer", "商品型买家"),
        /// An early adopter changing its business, looking for a partner in
        /// the change.
        ChangeAgent = 2, "change_agent" => ("Change agent", "变革推动型买家"),
    }
}

impl BuyerBehaviour {
    /// What this behaviour implies for how to sell, most important first.
    pub fn selling_approach(self) -> &'static [Text] {
        match self {
            BuyerBehaviour::VerticalMarket => &[
                Text {
                    en: "Build the process around how this industry buys",
                    zh: "围绕该行业的采购方式设计销售流程",
                },
                Text {
                    en: "Show knowledge of the customer's business processes",
                    zh: "展示对客户业务流程的理解",
                },
                Text {
                    en: "Bring references from the same industry",
                    zh: "提供同行业的参考案例",
                },
            ],
            BuyerBehaviour::CommodityBuyer => &[
                Text {
                    en: "Offer detailed comparisons of features, function and price",
                    zh: "提供功能、性能与价格的详细对比",
                },
                Text {
                    en: "Support self-service and inside sales with informative material",
                    zh: "以详实的资料支持自助服务和内部销售",
                },
                Text {
                    en: "Show how the offer fits the existing operations",
                    zh: "说明方案如何契合现有运营",
                },
            ],
            BuyerBehaviour::ChangeAgent => &[
                Text {
                    en: "Propose trials, pilots and proofs of concept",
                    zh: "提出试用、试点和概念验证",
                },
                Text {
                    en: "Write use cases for the change the customer wants",
                    zh: "为客户期望的变革编写用例",
                },
                Text {
                    en: "Act as a partner in the change, not only a vendor",
                    zh: "作为变革伙伴而不仅是供应商参与",
                },
            ],
        }
    }
}

labelled_enum! {
    /// How deep the connection with the customer is.
    pub enum RelationshipLevel {
        /// Finding the first link between the customer's needs and our
        /// offer: qualifying.
        Discovery = 0, "discovery" => ("Discovery", "发现"),
        /// The first transaction: a trial, a pilot or a first sale.
        InitialEngagement = 1, "initial_engagement" => ("Initial engagement", "初步合作"),
        /// Building mutual trust for long-term service and support.
        Maintaining = 2, "maintaining" => ("Maintaining", "维系"),
        /// Expanding the relationship: up-sell, cross-sell, repeat buys.
        Developing = 3, "developing" => ("Developing", "发展"),
    }
}

impl RelationshipLevel {
    /// What this level implies for how to sell, most important first.
    pub fn selling_approach(self) -> &'static [Text] {
        match self {
            RelationshipLevel::Discovery => &[
                Text {
                    en: "Qualify: connect the customer's needs to our products and services",
                    zh: "资格认定：将客户需求与我们的产品和服务对接",
                },
                Text {
                    en: "Learn who decides and how",
                    zh: "了解由谁决策以及如何决策",
                },
            ],
            RelationshipLevel::InitialEngagement => &[
                Text {
                    en: "Win the first buying decision: a trial, a pilot or a first sale",
                    zh: "赢得首次采购决定：试用、试点或首单",
                },
                Text {
                    en: "Make the first delivery flawless",
                    zh: "确保首次交付无瑕疵",
                },
            ],
            RelationshipLevel::Maintaining => &[
                Text {
                    en: "Build mutual trust through service and support",
                    zh: "通过服务与支持建立相互信任",
                },
                Text {
                    en: "Sell support services",
                    zh: "销售支持服务",
                },
            ],
            RelationshipLevel::Developing => &[
                Text {
                    en: "Create new opportunities: up-sell, cross-sell, repeat buys",
                    zh: "创造新机会：追加销售、交叉销售、重复购买",
                },
                Text {
                    en: "Extend the relationship to new units and people",
                    zh: "将关系扩展到新的部门和人员",
                },
            ],
        }
    }

    /// The next, deeper level, if any.
    pub fn next(self) -> Option<Self> {
        match self {
            RelationshipLevel::Discovery => Some(RelationshipLevel::InitialEngagement),
            RelationshipLevel::InitialEngagement => Some(RelationshipLevel::Maintaining),
            RelationshipLevel::Maintaining => Some(RelationshipLevel::Developing),
            RelationshipLevel::Developing => None,
        }
    }
}
