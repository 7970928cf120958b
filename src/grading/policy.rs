//! What each grade means for resources, as data a CRM can act on.
//!
//! Time and people go to A first: A goes all out and enters the sales
//! process (active selling, not maintenance); B gets a controlled amount of
//! time and the customer is maintained; C is watched for changes and
//! maintained; D is maintained last. The review interval is a choice (A weekly, B every two weeks, C
//! monthly, D quarterly) that a CRM can use to schedule follow-ups.

use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, Validate};
use crate::labelled_enum;
use crate::labels::Text;

use super::Grade;

/// The longest review interval, in days.
pub const MAX_REVIEW_DAYS: u16 = 366;

labelled_enum! {
    /// How much effort an opportunity gets.
    pub enum Effort {
        /// Go all out.
        AllOut = 0, "all_out" => ("Go all out", "全力以赴"),
        /// Spend a controlled amount of time.
        ControlledTime = 1, "controlled_time" => ("Control the time invested", "控制投入时间"),
        /// Watch for changes.
        Watch = 2, "watch" => ("Watch for changes", "关注变化"),
        /// Attend to it after everything else.
        Last = 3, "last" => ("Last in line", "最后考虑"),
    }
}

impl Effort {
    /// What the effort level asks of the sales team.
    pub fn guidance(self) -> Text {
        match self {
            Effort::AllOut => Text {
                en: "Put the best people and time on it now and start the sales process.",
                zh: "立即投入最好的人员和时间，启动销售流程。",
            },
            Effort::ControlledTime => Text {
                en: "Cap the time spent; keep the customer relationship warm.",
                zh: "限定投入的时间，保持客户关系。",
            },
            Effort::Watch => Text {
                en: "Keep in touch and watch for changes in schedule, budget or competition.",
                zh: "保持联系，关注进度、预算或竞争的变化。",
            },
            Effort::Last => Text {
                en: "Maintain the customer only when higher grades are served.",
                zh: "在服务好更高级别的客户后再维护该客户。",
            },
        }
    }
}

/// One grade's resource policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourcePolicy {
    /// How much effort the opportunity gets.
    pub effort: Effort,
    /// Whether to enter the sales process (move on from development).
    pub enter_sales_process: bool,
    /// Whether to keep up customer maintenance (rather than active
    /// selling).
    pub maintain_customer: bool,
    /// Days between reviews of the opportunity (1-366).
    pub review_every_days: u16,
}

/// The resource policy of each grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PolicyTable {
    /// Grade A.
    pub a: ResourcePolicy,
    /// Grade B.
    pub b: ResourcePolicy,
    /// Grade C.
    pub c: ResourcePolicy,
    /// Grade D.
    pub d: ResourcePolicy,
}

impl Default for PolicyTable {
    fn default() -> Self {
        PolicyTable {
            a: ResourcePolicy {
                effort: Effort::AllOut,
                enter_sales_process: true,
                maintain_customer: false,
                review_every_days: 7,
            },
            b: ResourcePolicy {
                effort: Effort::ControlledTime,
                enter_sales_process: false,
                maintain_customer: true,
                review_every_days: 14,
            },
            c: ResourcePolicy {
                effort: Effort::Watch,
                enter_sales_process: false,
                maintain_customer: true,
                review_every_days: 30,
            },
            d: ResourcePolicy {
                effort: Effort::Last,
                enter_sales_process: false,
                maintain_customer: true,
                review_every_days: 90,
            },
        }
    }
}

impl Validate for PolicyTable {
    fn validate(&self) -> Result<(), ConfigError> {
        for grade in Grade::ALL {
            let days = self.get(*grade).review_every_days;
            if !(1..=MAX_REVIEW_DAYS).contains(&days) {
                return Err(ConfigError::invalid(
                    format!("{}.review_every_days", crate::labels::Labelled::key(grade)),
                    format!("{days} is outside [1, {MAX_REVIEW_DAYS}]"),
                ));
            }
        }
        Ok(())
    }
}

impl PolicyTable {
    /// Loads a policy table from JSON; missing grades take their defaults.
    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        crate::config::from_json(json)
    }

    /// The policy of `grade`.
    pub fn get(&self, grade: Grade) -> ResourcePolicy {
        match grade {
            Grade::A => self.a,
            Grade::B => self.b,
            Grade::C => self.c,
            Grade::D => self.d,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_enters_the_sales_process() {
        let table = PolicyTable::default();
        assert_eq!(table.validate(), Ok(()));
        let entering: Vec<_> = Grade::ALL
            .iter()
            .filter(|g| table.get(**g).enter_sales_process)
            .collect();
        assert_eq!(entering, vec![&Grade::A]);
        assert_eq!(table.get(Grade::D).effort, Effort::Last);
    }

    #[test]
    fn review_interval_refused_with_its_field() {
        let err = PolicyTable::from_json(
            r#"{"c": {"effort": "watch", "enter_sales_process": false, "maintain_customer": true, "review_every_days": 0}}"#,
        )
        .unwrap_err();
        assert!(
            matches!(err, ConfigError::Invalid { field, .. } if field == "c.review_every_days")
        );
    }
}
