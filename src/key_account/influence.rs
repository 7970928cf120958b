//! Buying influences: the people who decide a complex sale, and whether we
//! cover them.
//!
//! Every complex sale has four kinds of buying influence: the economic buyer
//! (gives the final yes or no), the technical buyer (screens suppliers and
//! can say a final no), the user buyer (judges the effect on their own work)
//! and the coach (guides us to the others, from inside or outside the
//! account). The sales-entry key nodes "insiders found" and "key people
//! identified" are about these people being known and covered; a
//! [`CoverageRule`] derives them from the contact list.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::stage::{KeyNode, KeyNodeSet};
use crate::config::{ConfigError, Validate};
use crate::labelled_enum;
use crate::labels::{Labelled, Language};

labelled_enum! {
    /// The part a person plays in the customer's buying decision.
    pub enum BuyingRole {
        /// Gives the final approval; can say yes when everyone else says no.
        EconomicBuyer = 0, "economic_buyer" => ("Economic buyer", "经济决策者"),
        /// Screens suppliers against the specifications; can give a final no
        /// but not a final yes.
        TechnicalBuyer = 1, "technical_buyer" => ("Technical buyer", "技术把关者"),
        /// Judges what the offer will do to their own work.
        UserBuyer = 2, "user_buyer" => ("User buyer", "使用者"),
        /// Wants us to win and guides us to the other influences.
        Coach = 3, "coach" => ("Coach (insider)", "教练（内线）"),
    }
}

labelled_enum! {
    /// How much weight a person carries in the decision.
    pub enum InfluenceDegree {
        /// Little weight.
        Low = 0, "low" => ("Low influence", "影响力低"),
        /// Some weight.
        Medium = 1, "medium" => ("Medium influence", "影响力中等"),
        /// Much weight.
        High = 2, "high" => ("High influence", "影响力高"),
    }
}

labelled_enum! {
    /// A person's attitude toward us.
    pub enum Attitude {
        /// Not yet known.
        Unknown = 0, "unknown" => ("Unknown", "未知"),
        /// Favours us.
        Supportive = 1, "supportive" => ("Supportive", "支持"),
        /// Neither for nor against us.
        Neutral = 2, "neutral" => ("Neutral", "中立"),
        /// Against us (often favouring a competitor).
        Opposed = 3, "opposed" => ("Opposed", "反对"),
    }
}

/// One buying influence: a contact in (or around) the account with a role.
/// A person who plays two roles is recorded once per role, with two ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BuyingInfluence {
    /// The CRM's id for this contact (not empty; unique within a deal).
    pub id: String,
    /// The person's name, as shown to users.
    pub name: String,
    /// The role they play in this decision.
    pub role: BuyingRole,
    /// How much weight they carry.
    pub influence: InfluenceDegree,
    /// Whether we have met them in person.
    pub met: bool,
    /// Their attitude toward us.
    pub attitude: Attitude,
}

impl BuyingInfluence {
    /// A contact not yet met, of unknown attitude.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        role: BuyingRole,
        influence: InfluenceDegree,
    ) -> Self {
        BuyingInfluence {
            id: id.into(),
            name: name.into(),
            role,
            influence,
            met: false,
            attitude: Attitude::Unknown,
        }
    }

    /// The same contact, marked as met.
    pub fn met(mut self) -> Self {
        self.met = true;
        self
    }

    /// The same contact with `attitude`.
    pub fn with_attitude(mut self, attitude: Attitude) -> Self {
        self.attitude = attitude;
        self
    }
}

/// When coverage of the buying influences counts as "insiders found" and
/// "key people identified". Source 002: every complex sale has an economic,
/// a technical and a user buyer, and a coach to guide us to them, and "the
/// more coaches you have the better". "Key people identified" needs a
/// contact for each of `key_roles` (default, from source 002: the economic,
/// technical and user buyer and a coach; a coach opposed to us does not
/// count) and "insiders found" at least `min_coaches` coaches (meeting them
/// is not required). Coaches count wherever they are, inside or outside the
/// account; more of them, up to `full_coaches`, raise the coverage figure.
///
/// Portfolio documents before format version 3 meant the economic buyer
/// alone when they left `key_roles` out, and keep that rule when migrated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CoverageRule {
    /// Whether the two nodes are derived from coverage at all; when false
    /// they are only set by hand.
    pub derive: bool,
    /// The fewest coaches (not opposed to us) for "insiders found" (1 or more).
    pub min_coaches: u8,
    /// The roles that must each have a contact for "key people identified"
    /// (at least one role).
    pub key_roles: BTreeSet<BuyingRole>,
    /// Whether the key-role contacts must have been met in person, not only
    /// identified.
    pub require_met: bool,
    /// How many coaches make the coaches' share of the coverage figure full
    /// (1 or more; choice: 3).
    pub full_coaches: u8,
}

impl Default for CoverageRule {
    fn default() -> Self {
        CoverageRule {
            derive: true,
            min_coaches: 1,
            key_roles: BuyingRole::ALL.iter().copied().collect(),
            require_met: false,
            full_coaches: 3,
        }
    }
}

impl Validate for CoverageRule {
    fn validate(&self) -> Result<(), ConfigError> {
        if self.min_coaches == 0 {
            return Err(ConfigError::invalid(
                "min_coaches",
                "must be at least 1 (0 would find insiders with nobody)",
            ));
        }
        if self.full_coaches == 0 {
            return Err(ConfigError::invalid("full_coaches", "must be at least 1"));
        }
        if self.key_roles.is_empty() {
            return Err(ConfigError::invalid(
                "key_roles",
                "must name at least one role",
            ));
        }
        Ok(())
    }
}

/// How well a deal's contacts cover the buying influences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Coaches that are not opposed to us.
    pub coaches: usize,
    /// Key roles (from the rule) with no qualifying contact yet.
    pub missing_roles: Vec<BuyingRole>,
    /// Whether "insiders found" follows from this coverage.
    pub insiders_found: bool,
    /// Whether "key people identified" follows from this coverage.
    pub key_people_identified: bool,
    /// Ids of high-influence contacts not met yet.
    pub high_influence_not_met: Vec<String>,
    /// Ids of contacts opposed to us.
    pub opposed: Vec<String>,
    /// The coverage points: one per key buyer role covered, and one per
    /// coach up to the rule's `full_coaches`.
    pub points: u32,
    /// The points of full coverage: the key buyer roles and `full_coaches`.
    pub max_points: u32,
    /// The rule's `full_coaches`.
    pub full_coaches: u32,
}

impl Coverage {
    /// The coverage figure, 0-1: `points` over `max_points`.
    pub fn figure(&self) -> f64 {
        if self.max_points == 0 {
            return 0.0;
        }
        f64::from(self.points) / f64::from(self.max_points)
    }

    /// The figure and what makes it, in one line, in `language`.
    pub fn explain(&self, language: Language) -> String {
        let percent = (self.figure() * 100.0).round();
        let roles = self.max_points - self.full_coaches;
        let covered = roles - buyer_roles(&self.missing_roles);
        let missing = self
            .missing_roles
            .iter()
            .map(|r| r.label(language))
            .collect::<Vec<_>>()
            .join(", ");
        match language {
            Language::Chinese => {
                let mut line = format!(
                    "采购影响者覆盖度 {percent}%：关键角色 {covered}/{roles}，教练 {}（满分需 {} 名，公司内外均可）",
                    self.coaches, self.full_coaches
                );
                if !missing.is_empty() {
                    line.push_str(&format!("；缺少：{missing}"));
                }
                line
            }
            Language::English => {
                let mut line = format!(
                    "buying-influence coverage {percent}%: key roles {covered}/{roles}, coaches {} (full at {}, inside or outside the account)",
                    self.coaches, self.full_coaches
                );
                if !missing.is_empty() {
                    line.push_str(&format!("; missing: {missing}"));
                }
                line
            }
        }
    }
}

impl CoverageRule {
    /// Assesses the contacts against the rule.
    pub fn assess(&self, contacts: &[BuyingInfluence]) -> Coverage {
        let coaches = count_coaches(contacts);
        let missing_roles: Vec<BuyingRole> = self
            .key_roles
            .iter()
            .copied()
            .filter(|&role| !self.role_covered(contacts, role))
            .collect();
        let full = u32::from(self.full_coaches);
        let roles = buyer_roles(&self.key_roles);
        let covered = roles - buyer_roles(&missing_roles);
        Coverage {
            points: covered + (coaches.min(full as usize) as u32),
            max_points: roles + full,
            full_coaches: full,
            coaches,
            insiders_found: coaches >= usize::from(self.min_coaches),
            key_people_identified: missing_roles.is_empty(),
            missing_roles,
            high_influence_not_met: contacts
                .iter()
                .filter(|c| c.influence == InfluenceDegree::High && !c.met)
                .map(|c| c.id.clone())
                .collect(),
            opposed: contacts
                .iter()
                .filter(|c| c.attitude == Attitude::Opposed)
                .map(|c| c.id.clone())
                .collect(),
        }
    }

    /// The sales-entry nodes that this coverage meets (empty when the rule
    /// does not derive). Allocates nothing.
    pub fn derived_nodes(&self, contacts: &[BuyingInfluence]) -> KeyNodeSet {
        if !self.derive {
            return KeyNodeSet::EMPTY;
        }
        let mut nodes = KeyNodeSet::EMPTY;
        if count_coaches(contacts) >= usize::from(self.min_coaches) {
            nodes.insert(KeyNode::InsidersFound);
        }
        if self
            .key_roles
            .iter()
            .all(|&role| self.role_covered(contacts, role))
        {
            nodes.insert(KeyNode::KeyPeopleIdentified);
        }
        nodes
    }

    fn role_covered(&self, contacts: &[BuyingInfluence], role: BuyingRole) -> bool {
        contacts
            .iter()
            .any(|c| c.role == role && self.covers_key_role(c))
    }

    /// Whether `contact` covers its role when that is a key role: met when
    /// the rule asks for it, and, for a coach, not opposed to us (opposed
    /// buyers still hold their role).
    pub(crate) fn covers_key_role(&self, contact: &BuyingInfluence) -> bool {
        self.key_roles.contains(&contact.role)
            && (contact.met || !self.require_met)
            && !(contact.role == BuyingRole::Coach && contact.attitude == Attitude::Opposed)
    }
}

/// The buyer roles among `roles`: a coach among the key roles is counted
/// once, in the coaches' share of the coverage points.
fn buyer_roles<'a>(roles: impl IntoIterator<Item = &'a BuyingRole>) -> u32 {
    roles
        .into_iter()
        .filter(|&&role| role != BuyingRole::Coach)
        .count() as u32
}

fn count_coaches(contacts: &[BuyingInfluence]) -> usize {
    // An opposed "coach" is no coach.
    contacts
        .iter()
        .filter(|c| c.role == BuyingRole::Coach && c.attitude != Attitude::Opposed)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coach() -> BuyingInfluence {
        BuyingInfluence::new("c1", "Li", BuyingRole::Coach, InfluenceDegree::Low)
            .with_attitude(Attitude::Supportive)
    }

    fn economic_buyer() -> BuyingInfluence {
        BuyingInfluence::new(
            "e1",
            "Wang",
            BuyingRole::EconomicBuyer,
            InfluenceDegree::High,
        )
    }

    fn buyer(id: &str, role: BuyingRole) -> BuyingInfluence {
        BuyingInfluence::new(id, "Zhou", role, InfluenceDegree::Medium)
    }

    /// Source 002: every complex sale has an economic, a technical and a
    /// user buyer, and a coach who guides us to them.
    #[test]
    fn default_rule_needs_the_three_buyers_and_a_coach() {
        let rule = CoverageRule::default();
        let buyers = [
            economic_buyer(),
            buyer("t1", BuyingRole::TechnicalBuyer),
            buyer("u1", BuyingRole::UserBuyer),
        ];
        assert_eq!(rule.derived_nodes(&[]), KeyNodeSet::EMPTY);
        assert_eq!(
            rule.derived_nodes(&[coach()]),
            KeyNodeSet::of(&[KeyNode::InsidersFound])
        );
        assert_eq!(rule.derived_nodes(&buyers), KeyNodeSet::EMPTY);
        assert_eq!(
            rule.derived_nodes(&[coach(), economic_buyer()]),
            KeyNodeSet::of(&[KeyNode::InsidersFound])
        );
        let mut all = buyers.to_vec();
        all.push(coach());
        assert_eq!(
            rule.derived_nodes(&all),
            KeyNodeSet::of(&[KeyNode::InsidersFound, KeyNode::KeyPeopleIdentified])
        );
        let coverage = rule.assess(&buyers);
        assert_eq!(coverage.missing_roles, [BuyingRole::Coach]);
        // The coach is counted once, in the coaches' share: 3 of 3 + 3.
        assert_eq!((coverage.points, coverage.max_points), (3, 6));
        assert!(coverage
            .explain(Language::English)
            .contains("key roles 3/3, coaches 0"));
    }

    #[test]
    fn an_opposed_coach_does_not_complete_the_key_people() {
        let rule = CoverageRule::default();
        let mut contacts = vec![
            economic_buyer(),
            buyer("t1", BuyingRole::TechnicalBuyer),
            buyer("u1", BuyingRole::UserBuyer),
            coach().with_attitude(Attitude::Opposed),
        ];
        assert_eq!(rule.derived_nodes(&contacts), KeyNodeSet::EMPTY);
        contacts.push(buyer("c2", BuyingRole::Coach));
        assert!(rule
            .derived_nodes(&contacts)
            .contains(KeyNode::KeyPeopleIdentified));
    }

    #[test]
    fn opposed_coach_does_not_count() {
        let rule = CoverageRule::default();
        let turned = coach().with_attitude(Attitude::Opposed);
        assert_eq!(rule.derived_nodes(&[turned]), KeyNodeSet::EMPTY);
    }

    #[test]
    fn require_met_needs_the_key_people_met() {
        let rule = CoverageRule {
            require_met: true,
            key_roles: BTreeSet::from([BuyingRole::EconomicBuyer]),
            ..CoverageRule::default()
        };
        assert!(!rule
            .derived_nodes(&[economic_buyer()])
            .contains(KeyNode::KeyPeopleIdentified));
        assert!(rule
            .derived_nodes(&[economic_buyer().met()])
            .contains(KeyNode::KeyPeopleIdentified));
    }

    #[test]
    fn no_derivation_when_disabled() {
        let rule = CoverageRule {
            derive: false,
            ..CoverageRule::default()
        };
        assert_eq!(
            rule.derived_nodes(&[coach(), economic_buyer()]),
            KeyNodeSet::EMPTY
        );
    }

    #[test]
    fn assessment_names_gaps() {
        let rule = CoverageRule {
            key_roles: BTreeSet::from([BuyingRole::EconomicBuyer, BuyingRole::TechnicalBuyer]),
            ..CoverageRule::default()
        };
        let opposed = BuyingInfluence::new(
            "t1",
            "Zhao",
            BuyingRole::TechnicalBuyer,
            InfluenceDegree::Medium,
        )
        .with_attitude(Attitude::Opposed);
        let coverage = rule.assess(&[coach(), economic_buyer(), opposed]);
        assert_eq!(coverage.coaches, 1);
        assert!(coverage.insiders_found);
        assert!(coverage.key_people_identified);
        assert!(coverage.missing_roles.is_empty());
        assert_eq!(coverage.high_influence_not_met, ["e1"]);
        assert_eq!(coverage.opposed, ["t1"]);

        let coverage = rule.assess(&[coach()]);
        assert_eq!(
            coverage.missing_roles,
            [BuyingRole::EconomicBuyer, BuyingRole::TechnicalBuyer]
        );
        assert!(!coverage.key_people_identified);
    }

    #[test]
    fn bad_rules_are_refused_with_the_field_named() {
        let zero = CoverageRule {
            min_coaches: 0,
            ..CoverageRule::default()
        };
        assert!(
            matches!(zero.validate(), Err(ConfigError::Invalid { field, .. }) if field == "min_coaches")
        );
        let none = CoverageRule {
            key_roles: BTreeSet::new(),
            ..CoverageRule::default()
        };
        assert!(
            matches!(none.validate(), Err(ConfigError::Invalid { field, .. }) if field == "key_roles")
        );
    }
}
