//! The six sales stages, the six customer procurement steps they mirror, and
//! the key nodes (milestones) that gate the way from one stage to the next.

use serde::{Deserialize, Serialize};

use crate::labelled_enum;
use crate::labels::Labelled;

labelled_enum! {
    /// A stage of the key-account sales process, in order.
    pub enum Stage {
        /// Search leads, evaluate the opportunity and grade it.
        Development = 0, "development" => ("Development", "开发阶段"),
        /// Map the customer's organisation and roles, find insiders, win
        /// the key people: become a candidate supplier.
        SalesEntry = 1, "sales_entry" => ("Sales entry", "销售进入阶段"),
        /// Demonstrate, host visits, propose and shape the customer's
        /// procurement standards.
        Proposal = 2, "proposal" => ("Proposal", "方案阶段"),
        /// Write the bid, analyse cost and margin, position the price.
        Bidding = 3, "bidding" => ("Bidding", "投标阶段"),
        /// Executive visits, negotiation and signing.
        BusinessNegotiation = 4, "business_negotiation" => ("Business negotiation", "商务谈判阶段"),
        /// Deliver the project and build the long-term relationship.
        ProjectImplementation = 5, "project_implementation" => ("Project implementation", "项目实施阶段"),
    }
}

impl Stage {
    /// The first stage.
    pub const FIRST: Stage = Stage::Development;
    /// The last stage.
    pub const LAST: Stage = Stage::ProjectImplementation;

    /// The stage's number, 1 (development) to 6 (project implementation).
    pub fn number(self) -> u8 {
        match self {
            Stage::Development => 1,
            Stage::SalesEntry => 2,
            Stage::Proposal => 3,
            Stage::Bidding => 4,
            Stage::BusinessNegotiation => 5,
            Stage::ProjectImplementation => 6,
        }
    }

    /// The stage with this number (1-6).
    pub fn from_number(number: u8) -> Option<Self> {
        match number {
            1 => Some(Stage::Development),
            2 => Some(Stage::SalesEntry),
            3 => Some(Stage::Proposal),
            4 => Some(Stage::Bidding),
            5 => Some(Stage::BusinessNegotiation),
            6 => Some(Stage::ProjectImplementation),
            _ => None,
        }
    }

    /// The stage after this one (none after project implementation).
    pub fn next(self) -> Option<Self> {
        Stage::from_number(self.number() + 1)
    }

    /// The stage before this one (none before development).
    pub fn previous(self) -> Option<Self> {
        Stage::from_number(self.number() - 1)
    }

    /// The customer's procurement step this stage mirrors.
    pub fn procurement_step(self) -> ProcurementStep {
        match self {
            Stage::Development => ProcurementStep::InternalDemand,
            Stage::SalesEntry => ProcurementStep::SupplierScreening,
            Stage::Proposal => ProcurementStep::ProcurementIndex,
            Stage::Bidding => ProcurementStep::BiddingAndEvaluation,
            Stage::BusinessNegotiation => ProcurementStep::PurchaseCommitment,
            Stage::ProjectImplementation => ProcurementStep::Installation,
        }
    }

    /// The key nodes DOMAIN.md assigns to this stage (the default
    /// definition's).
    pub fn default_key_nodes(self) -> KeyNodeSet {
        match self {
            Stage::Development => KeyNodeSet::of(&[KeyNode::OpportunityGraded]),
            Stage::SalesEntry => {
                KeyNodeSet::of(&[KeyNode::InsidersFound, KeyNode::KeyPeopleIdentified])
            }
            Stage::Proposal => KeyNodeSet::of(&[KeyNode::StandardsInfluenced]),
            Stage::Bidding => KeyNodeSet::of(&[KeyNode::BidSubmitted]),
            Stage::BusinessNegotiation => {
                KeyNodeSet::of(&[KeyNode::ContractApproved, KeyNode::ContractSigned])
            }
            Stage::ProjectImplementation => {
                KeyNodeSet::of(&[KeyNode::ProjectAccepted, KeyNode::ProjectCompleted])
            }
        }
    }

    /// The stages from `self` to `last`, both included (empty when `last`
    /// comes first).
    pub fn through(self, last: Stage) -> impl Iterator<Item = Stage> {
        Stage::ALL
            .iter()
            .copied()
            .filter(move |s| *s >= self && *s <= last)
    }
}

labelled_enum! {
    /// A step of the customer's own procurement, in order. Each mirrors one
    /// sales stage.
    pub enum ProcurementStep {
        /// The need arises inside the customer and the project is approved.
        InternalDemand = 0, "internal_demand" => ("Internal demand and project approval", "内部需求与立项"),
        /// Preliminary investigation and screening of suppliers.
        SupplierScreening = 1, "supplier_screening" => ("Preliminary investigation and supplier screening", "初步调研与供应商筛选"),
        /// The procurement index (the purchasing standards) is written.
        ProcurementIndex = 2, "procurement_index" => ("Formulating the procurement index", "制定采购指标"),
        /// Tendering and evaluation of the bids.
        BiddingAndEvaluation = 3, "bidding_and_evaluation" => ("Bidding and bid evaluation", "招标与评标"),
        /// The customer commits to buy.
        PurchaseCommitment = 4, "purchase_commitment" => ("Purchase commitment", "采购承诺"),
        /// Installation and implementation.
        Installation = 5, "installation" => ("Installation and implementation", "安装与实施"),
    }
}

impl ProcurementStep {
    /// The step's number, 1 to 6, as the customer's process counts it.
    pub fn number(self) -> u8 {
        self.sales_stage().number()
    }

    /// The step with this number (1-6).
    pub fn from_number(number: u8) -> Option<Self> {
        Stage::from_number(number).map(Stage::procurement_step)
    }

    /// The sales stage that mirrors this step: where we should be.
    pub fn sales_stage(self) -> Stage {
        match self {
            ProcurementStep::InternalDemand => Stage::Development,
            ProcurementStep::SupplierScreening => Stage::SalesEntry,
            ProcurementStep::ProcurementIndex => Stage::Proposal,
            ProcurementStep::BiddingAndEvaluation => Stage::Bidding,
            ProcurementStep::PurchaseCommitment => Stage::BusinessNegotiation,
            ProcurementStep::Installation => Stage::ProjectImplementation,
        }
    }
}

labelled_enum! {
    /// A key node: a milestone that must be reached before the process may
    /// leave the stage that requires it.
    pub enum KeyNode {
        /// The opportunity passed evaluation and was graded A-D.
        OpportunityGraded = 0, "opportunity_graded" => ("Opportunity evaluated and graded", "机会已评估并分级"),
        /// Insiders (coaches) inside or around the account were found.
        InsidersFound = 1, "insiders_found" => ("Insiders found", "已找到内线"),
        /// The key people and their roles in the decision are known.
        KeyPeopleIdentified = 2, "key_people_identified" => ("Key people identified", "已识别关键人"),
        /// The customer's procurement standards were influenced in our favour.
        StandardsInfluenced = 3, "standards_influenced" => ("Procurement standards influenced", "已影响客户采购标准"),
        /// The bid was submitted, or the price negotiated directly.
        BidSubmitted = 4, "bid_submitted" => ("Bid submitted or negotiated", "已投标或议标"),
        /// The contract was approved on both sides.
        ContractApproved = 5, "contract_approved" => ("Contract approved", "合同已审批"),
        /// The contract was signed.
        ContractSigned = 6, "contract_signed" => ("Contract signed", "合同已签订"),
        /// The customer accepted the delivered project.
        ProjectAccepted = 7, "project_accepted" => ("Project accepted", "项目已验收"),
        /// The project is complete: the deal is won once this is met.
        ProjectCompleted = 8, "project_completed" => ("Project completed", "项目已完成"),
    }
}

impl KeyNode {
    /// The stage DOMAIN.md assigns this node to.
    pub fn default_stage(self) -> Stage {
        match self {
            KeyNode::OpportunityGraded => Stage::Development,
            KeyNode::InsidersFound | KeyNode::KeyPeopleIdentified => Stage::SalesEntry,
            KeyNode::StandardsInfluenced => Stage::Proposal,
            KeyNode::BidSubmitted => Stage::Bidding,
            KeyNode::ContractApproved | KeyNode::ContractSigned => Stage::BusinessNegotiation,
            KeyNode::ProjectAccepted | KeyNode::ProjectCompleted => Stage::ProjectImplementation,
        }
    }

    const fn bit(self) -> u16 {
        1 << (self as u32)
    }
}

/// A set of key nodes, held as a bitset so that gating a stage change is a
/// mask comparison. Serialised as a list of node keys.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(from = "Vec<KeyNode>", into = "Vec<KeyNode>")]
pub struct KeyNodeSet(u16);

impl KeyNodeSet {
    /// No node.
    pub const EMPTY: KeyNodeSet = KeyNodeSet(0);

    const ALL_BITS: u16 = (1 << 9) - 1;

    /// The set of the given nodes.
    pub const fn of(nodes: &[KeyNode]) -> Self {
        let mut bits = 0;
        let mut i = 0;
        while i < nodes.len() {
            bits |= nodes[i].bit();
            i += 1;
        }
        KeyNodeSet(bits)
    }

    /// The raw bits (bit `n` is the node with code `n`), for the C ABI.
    pub fn bits(self) -> u16 {
        self.0
    }

    /// The set with these raw bits; `None` when a bit names no node.
    pub fn from_bits(bits: u16) -> Option<Self> {
        (bits & !Self::ALL_BITS == 0).then_some(KeyNodeSet(bits))
    }

    /// Whether `node` is in the set.
    pub fn contains(self, node: KeyNode) -> bool {
        self.0 & node.bit() != 0
    }

    /// The set with `node` added.
    pub fn with(self, node: KeyNode) -> Self {
        KeyNodeSet(self.0 | node.bit())
    }

    /// The set with `node` removed.
    pub fn without(self, node: KeyNode) -> Self {
        KeyNodeSet(self.0 & !node.bit())
    }

    /// Adds `node`.
    pub fn insert(&mut self, node: KeyNode) {
        self.0 |= node.bit();
    }

    /// The nodes in either set.
    pub fn union(self, other: KeyNodeSet) -> Self {
        KeyNodeSet(self.0 | other.0)
    }

    /// The nodes in both sets.
    pub fn intersection(self, other: KeyNodeSet) -> Self {
        KeyNodeSet(self.0 & other.0)
    }

    /// The nodes in `self` but not in `other`.
    pub fn difference(self, other: KeyNodeSet) -> Self {
        KeyNodeSet(self.0 & !other.0)
    }

    /// Whether every node of `self` is in `other`.
    pub fn is_subset(self, other: KeyNodeSet) -> bool {
        self.0 & !other.0 == 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The number of nodes.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The nodes, in code order.
    pub fn iter(self) -> impl Iterator<Item = KeyNode> {
        KeyNode::ALL
            .iter()
            .copied()
            .filter(move |n| self.contains(*n))
    }
}

impl From<Vec<KeyNode>> for KeyNodeSet {
    fn from(nodes: Vec<KeyNode>) -> Self {
        KeyNodeSet::of(&nodes)
    }
}

impl From<KeyNodeSet> for Vec<KeyNode> {
    fn from(set: KeyNodeSet) -> Self {
        set.iter().collect()
    }
}

impl FromIterator<KeyNode> for KeyNodeSet {
    fn from_iter<I: IntoIterator<Item = KeyNode>>(iter: I) -> Self {
        iter.into_iter()
            .fold(KeyNodeSet::EMPTY, |set, node| set.with(node))
    }
}

impl core::fmt::Display for KeyNodeSet {
    /// The node keys, comma separated.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for (i, node) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(node.key())?;
        }
        Ok(())
    }
}

/// One value for each of the six stages. In JSON an object keyed by the
/// stage keys.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PerStage_of_{T}")]
pub struct PerStage<T> {
    /// The value for development.
    pub development: T,
    /// The value for sales entry.
    pub sales_entry: T,
    /// The value for the proposal stage.
    pub proposal: T,
    /// The value for bidding.
    pub bidding: T,
    /// The value for business negotiation.
    pub business_negotiation: T,
    /// The value for project implementation.
    pub project_implementation: T,
}

impl<T> PerStage<T> {
    /// A value for each stage from `f`.
    pub fn from_fn(mut f: impl FnMut(Stage) -> T) -> Self {
        PerStage {
            development: f(Stage::Development),
            sales_entry: f(Stage::SalesEntry),
            proposal: f(Stage::Proposal),
            bidding: f(Stage::Bidding),
            business_negotiation: f(Stage::BusinessNegotiation),
            project_implementation: f(Stage::ProjectImplementation),
        }
    }

    /// The value for `stage`.
    pub fn get(&self, stage: Stage) -> &T {
        match stage {
            Stage::Development => &self.development,
            Stage::SalesEntry => &self.sales_entry,
            Stage::Proposal => &self.proposal,
            Stage::Bidding => &self.bidding,
            Stage::BusinessNegotiation => &self.business_negotiation,
            Stage::ProjectImplementation => &self.project_implementation,
        }
    }

    /// The value for `stage`, to change.
    pub fn get_mut(&mut self, stage: Stage) -> &mut T {
        match stage {
            Stage::Development => &mut self.development,
            Stage::SalesEntry => &mut self.sales_entry,
            Stage::Proposal => &mut self.proposal,
            Stage::Bidding => &mut self.bidding,
            Stage::BusinessNegotiation => &mut self.business_negotiation,
            Stage::ProjectImplementation => &mut self.project_implementation,
        }
    }

    /// Each stage with its value, in stage order.
    pub fn iter(&self) -> impl Iterator<Item = (Stage, &T)> {
        Stage::ALL.iter().map(move |&s| (s, self.get(s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_mirror_procurement_steps_one_to_one() {
        for &stage in Stage::ALL {
            assert_eq!(stage.procurement_step().sales_stage(), stage);
            assert_eq!(stage.procurement_step().number(), stage.number());
        }
        assert_eq!(
            ProcurementStep::from_number(2),
            Some(ProcurementStep::SupplierScreening)
        );
        assert_eq!(ProcurementStep::from_number(0), None);
        assert_eq!(ProcurementStep::from_number(7), None);
    }

    #[test]
    fn next_and_previous_walk_the_stages_in_order() {
        assert_eq!(Stage::Development.previous(), None);
        assert_eq!(Stage::Development.next(), Some(Stage::SalesEntry));
        assert_eq!(Stage::ProjectImplementation.next(), None);
        assert_eq!(
            Stage::ProjectImplementation.previous(),
            Some(Stage::BusinessNegotiation)
        );
        let walked: Vec<Stage> = Stage::Development.through(Stage::Bidding).collect();
        assert_eq!(
            walked,
            [
                Stage::Development,
                Stage::SalesEntry,
                Stage::Proposal,
                Stage::Bidding
            ]
        );
        assert_eq!(Stage::Bidding.through(Stage::SalesEntry).count(), 0);
    }

    #[test]
    fn every_node_belongs_to_its_default_stage() {
        for &node in KeyNode::ALL {
            assert!(node.default_stage().default_key_nodes().contains(node));
        }
        let total: usize = Stage::ALL.iter().map(|s| s.default_key_nodes().len()).sum();
        assert_eq!(total, KeyNode::ALL.len());
    }

    #[test]
    fn key_node_set_operations() {
        let a = KeyNodeSet::of(&[KeyNode::InsidersFound, KeyNode::KeyPeopleIdentified]);
        let b = KeyNodeSet::EMPTY.with(KeyNode::InsidersFound);
        assert!(b.is_subset(a));
        assert!(!a.is_subset(b));
        assert_eq!(
            a.difference(b).iter().collect::<Vec<_>>(),
            [KeyNode::KeyPeopleIdentified]
        );
        assert_eq!(a.len(), 2);
        assert_eq!(a.to_string(), "insiders_found, key_people_identified");
        assert_eq!(KeyNodeSet::from_bits(a.bits()), Some(a));
        assert_eq!(KeyNodeSet::from_bits(1 << 9), None);
        assert_eq!(
            a.without(KeyNode::InsidersFound)
                .with(KeyNode::InsidersFound),
            a
        );
    }

    #[test]
    fn key_node_set_serialises_as_a_list_of_keys() {
        let set = KeyNodeSet::of(&[KeyNode::ContractSigned, KeyNode::OpportunityGraded]);
        let json = serde_json::to_string(&set).unwrap();
        assert_eq!(json, r#"["opportunity_graded","contract_signed"]"#);
        let back: KeyNodeSet = serde_json::from_str(&json).unwrap();
        assert_eq!(back, set);
        assert!(serde_json::from_str::<KeyNodeSet>(r#"["no_such_node"]"#).is_err());
    }
}
