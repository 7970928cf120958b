//! Why deals end: the configurable list of loss, withdrawal and
//! cancellation reasons.
//!
//! A lost or withdrawn deal, and a booked deal whose delivery is cancelled,
//! must name a reason from the list (a stable key with English and Chinese
//! labels), with an optional note; a reason that names a competitor needs
//! the competitor's name. The keys are what win/loss analysis groups by.

use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, Validate};
use crate::labelled_enum;

labelled_enum! {
    /// What kind of ending a reason is given for.
    pub enum Ending {
        /// The deal was lost.
        Lost = 0, "lost" => ("Lost", "丢单"),
        /// We withdrew from the deal.
        Withdrawn = 1, "withdrawn" => ("Withdrawn", "主动退出"),
        /// The delivery of a booked deal was cancelled.
        Cancelled = 2, "cancelled" => ("Delivery cancelled", "交付取消"),
    }
}

/// One reason a deal may end for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonDefinition {
    /// The stable key (snake_case, not empty).
    pub key: String,
    /// The English label.
    pub en: String,
    /// The Chinese label.
    pub zh: String,
    /// The endings the reason may be given for.
    pub applies_to: Vec<Ending>,
    /// Whether the reason needs the name of a competitor.
    #[serde(default)]
    pub names_competitor: bool,
}

/// The list of reasons in use. The default list: price, product fit, lost
/// to a named competitor, no budget, no decision, timing, relationship,
/// failed evaluation, unfavourable procurement standards, and other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct ReasonList(pub Vec<ReasonDefinition>);

/// The key every version-1 free-text reason is migrated to.
pub const OTHER_REASON: &str = "other";

impl Default for ReasonList {
    fn default() -> Self {
        use Ending::{Cancelled as C, Lost as L, Withdrawn as W};
        let reason =
            |key: &str, en: &str, zh: &str, applies_to: &[Ending], names: bool| ReasonDefinition {
                key: key.into(),
                en: en.into(),
                zh: zh.into(),
                applies_to: applies_to.to_vec(),
                names_competitor: names,
            };
        ReasonList(vec![
            reason("price", "Price", "价格", &[L, W, C], false),
            reason(
                "product_fit",
                "Product fit",
                "产品匹配度",
                &[L, W, C],
                false,
            ),
            reason(
                "competitor",
                "Lost to a named competitor",
                "输给指定竞争对手",
                &[L],
                true,
            ),
            reason("no_budget", "No budget", "无预算", &[L, W, C], false),
            reason(
                "no_decision",
                "No decision",
                "客户未决策",
                &[L, W, C],
                false,
            ),
            reason("timing", "Timing", "时机", &[L, W, C], false),
            reason(
                "relationship",
                "Relationship",
                "客户关系",
                &[L, W, C],
                false,
            ),
            reason(
                "evaluation_failed",
                "Failed the opportunity evaluation",
                "未通过机会评估",
                &[W],
                false,
            ),
            reason(
                "standards_unfavourable",
                "Procurement standards unfavourable",
                "采购标准对我方不利",
                &[L, W],
                false,
            ),
            reason(OTHER_REASON, "Other", "其他", &[L, W, C], false),
        ])
    }
}

impl Validate for ReasonList {
    fn validate(&self) -> Result<(), ConfigError> {
        let mut seen = std::collections::HashSet::new();
        for (i, reason) in self.0.iter().enumerate() {
            let field = |name: &str| format!("{i}.{name}");
            let key_ok = !reason.key.is_empty()
                && reason
                    .key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !key_ok {
                return Err(ConfigError::invalid(
                    field("key"),
                    format!("`{}` is not a snake_case key", reason.key),
                ));
            }
            if !seen.insert(reason.key.as_str()) {
                return Err(ConfigError::invalid(
                    field("key"),
                    format!("`{}` appears more than once", reason.key),
                ));
            }
            if reason.en.trim().is_empty() || reason.zh.trim().is_empty() {
                return Err(ConfigError::invalid(
                    field("en"),
                    "both labels must be given",
                ));
            }
            if reason.applies_to.is_empty() {
                return Err(ConfigError::invalid(
                    field("applies_to"),
                    "a reason must apply to at least one ending",
                ));
            }
        }
        Ok(())
    }
}

impl ReasonList {
    /// The reason with `key`.
    pub fn get(&self, key: &str) -> Option<&ReasonDefinition> {
        self.0.iter().find(|r| r.key == key)
    }

    /// The keys that may be given for `ending`, comma separated.
    pub fn keys_for(&self, ending: Ending) -> String {
        self.0
            .iter()
            .filter(|r| r.applies_to.contains(&ending))
            .map(|r| r.key.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The reason given for an ending: a key from the list, an optional note
/// and, for a reason that names one, the competitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// The reason's key in the list.
    pub key: String,
    /// Free text the user added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The competitor, for a reason that names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competitor: Option<String>,
}

impl Reason {
    /// A reason with no note and no competitor.
    pub fn new(key: impl Into<String>) -> Self {
        Reason {
            key: key.into(),
            note: None,
            competitor: None,
        }
    }

    /// The same reason with a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// The same reason naming a competitor.
    pub fn with_competitor(mut self, competitor: impl Into<String>) -> Self {
        self.competitor = Some(competitor.into());
        self
    }
}

impl From<&str> for Reason {
    /// A reason with this key and nothing else.
    fn from(key: &str) -> Self {
        Reason::new(key)
    }
}

impl From<&str> for Box<Reason> {
    /// A boxed reason with this key and nothing else, as events hold it.
    fn from(key: &str) -> Self {
        Box::new(Reason::new(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_list_is_valid_and_covers_every_ending() {
        let list = ReasonList::default();
        list.validate().unwrap();
        for ending in Ending::ALL {
            assert!(list.keys_for(*ending).contains(OTHER_REASON));
        }
        assert!(list.get("competitor").unwrap().names_competitor);
        assert!(list
            .keys_for(Ending::Withdrawn)
            .contains("evaluation_failed"));
    }

    #[test]
    fn bad_lists_name_the_field() {
        let mut list = ReasonList::default();
        list.0[1].key = "price".into();
        assert!(
            matches!(list.validate(), Err(ConfigError::Invalid { field, .. }) if field == "1.key")
        );
        let mut list = ReasonList::default();
        list.0[0].applies_to.clear();
        assert!(
            matches!(list.validate(), Err(ConfigError::Invalid { field, .. }) if field == "0.applies_to")
        );
    }
}
