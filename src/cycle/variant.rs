//! The variant of the cycle each customer type runs.
//!
//! The source names four variants and leaves them empty; the defaults here
//! are the choices of the domain model, to be tuned:
//!
//! - strategic: the full cycle with a joint team; every evolution step is
//!   required, so the loop back to recognition always carries a verified
//!   follow-up;
//! - loyal: a streamlined evaluation (known products may start the trials
//!   at the plant), with every evolution step required;
//! - opportunity: the full technical and economic evaluation with heavy
//!   assistance (accompaniment required, joint team optional);
//! - market-taker: a short, price-led path (technical evaluation optional,
//!   evolution reduced to verifying the agreed conditions), with a check
//!   whether the account is worth investing in.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Stage, Step, TechnicalPhase};
use crate::config::{ConfigError, Validate};
use crate::customer::{BuyerBehaviour, CustomerType};
use crate::labelled_enum;
use crate::labels::Labelled;

labelled_enum! {
    /// How a variant treats a step.
    pub enum StepRequirement {
        /// The stage cannot end until the step is done.
        Required = 0, "required" => ("Required", "必需"),
        /// The step may be done; the stage can end without it.
        Optional = 1, "optional" => ("Optional", "可选"),
        /// The step does not apply; it is refused if recorded.
        Skipped = 2, "skipped" => ("Skipped", "跳过"),
    }
}

/// The cycle as one customer type runs it: a requirement for every step and
/// the latest technical phase a deal may start its trials at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CycleVariant {
    /// The customer type this variant is for.
    pub customer_type: CustomerType,
    /// The requirement of every step.
    pub steps: BTreeMap<Step, StepRequirement>,
    /// The trials may start at any phase up to this one, then run in order.
    pub latest_start_phase: TechnicalPhase,
}

impl CycleVariant {
    /// The built-in variant for `customer_type`.
    pub fn default_for(customer_type: CustomerType) -> Self {
        use StepRequirement::{Optional as O, Required as R, Skipped as S};
        // One column per step, in `Step::ALL` order.
        let (row, latest_start_phase): ([StepRequirement; 18], _) = match customer_type {
            //                        kn inv vis int fra jt tec eco pre res asm acc prb per adj fol con aft
            CustomerType::Strategic => (
                [R, S, R, R, R, R, R, R, R, R, R, R, O, R, O, R, R, R],
                TechnicalPhase::Laboratory,
            ),
            CustomerType::Loyal => (
                [R, S, R, R, R, O, R, R, R, R, R, O, O, R, O, R, R, R],
                TechnicalPhase::Plant,
            ),
            CustomerType::Opportunity => (
                [R, S, R, R, R, O, R, R, R, R, R, R, O, R, O, R, R, R],
                TechnicalPhase::Laboratory,
            ),
            CustomerType::MarketTaker => (
                [R, R, R, O, O, O, O, R, R, R, R, O, O, O, O, O, R, O],
                TechnicalPhase::Laboratory,
            ),
        };
        CycleVariant {
            customer_type,
            steps: Step::ALL.iter().copied().zip(row).collect(),
            latest_start_phase,
        }
    }

    /// This variant shaped by how the customer buys. A change agent wants
    /// trials, pilots and proofs of concept: the technical evaluation and
    /// its performance check are required and trials start no later than
    /// the pilot plant. A commodity buyer wants comparisons: the economic
    /// evaluation and the presentation of results are required. A
    /// vertical-market buyer wants a vendor that knows its industry: the
    /// knowledge step and a framework agreed with the client are required.
    /// Shaping only ever makes a step required; it never skips one.
    pub fn shaped_for(mut self, behaviour: BuyerBehaviour) -> Self {
        let required: &[Step] = match behaviour {
            BuyerBehaviour::ChangeAgent => {
                self.latest_start_phase = self.latest_start_phase.min(TechnicalPhase::PilotPlant);
                &[Step::TechnicalEvaluation, Step::PerformanceEvaluation]
            }
            BuyerBehaviour::CommodityBuyer => &[Step::EconomicEvaluation, Step::Presentation],
            BuyerBehaviour::VerticalMarket => &[Step::Knowledge, Step::EvaluationFramework],
        };
        for &step in required {
            self.steps.insert(step, StepRequirement::Required);
        }
        self
    }

    /// Loads a variant from JSON; every step must be listed.
    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        crate::config::from_json(json)
    }

    /// How this variant treats `step` (required when not listed).
    pub fn requirement(&self, step: Step) -> StepRequirement {
        self.steps
            .get(&step)
            .copied()
            .unwrap_or(StepRequirement::Required)
    }

    /// The required steps of `stage`, in order.
    pub fn required_steps(&self, stage: Stage) -> impl Iterator<Item = Step> + '_ {
        stage
            .steps()
            .iter()
            .copied()
            .filter(|&s| self.requirement(s) == StepRequirement::Required)
    }

    /// The requirement listed for each step, indexed by step (`None` where
    /// the map leaves the step out), in one pass over the map.
    fn listed_requirements(&self) -> [Option<StepRequirement>; STEPS] {
        let mut listed = [None; STEPS];
        for (&step, &requirement) in &self.steps {
            if let Some(slot) = listed.get_mut(step as usize) {
                *slot = Some(requirement);
            }
        }
        listed
    }
}

/// The number of steps in the cycle.
const STEPS: usize = Step::ALL.len();

/// A variant's requirement of every step, indexed by step. Built once for a
/// replay (and again for each variant it adopts), so the checks of every
/// entry index an array instead of searching the variant's map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RequirementTable([StepRequirement; STEPS]);

impl RequirementTable {
    /// The table of `variant` (a step it leaves out is required, as in
    /// [`CycleVariant::requirement`]).
    pub(crate) fn of(variant: &CycleVariant) -> Self {
        Self::from_listed(variant.listed_requirements())
    }

    fn from_listed(listed: [Option<StepRequirement>; STEPS]) -> Self {
        RequirementTable(listed.map(|listed| listed.unwrap_or(StepRequirement::Required)))
    }

    /// How the variant treats `step`.
    pub(crate) fn get(&self, step: Step) -> StepRequirement {
        self.0
            .get(step as usize)
            .copied()
            .unwrap_or(StepRequirement::Required)
    }

    /// The required steps of `stage`, in order.
    pub(crate) fn required_steps(&self, stage: Stage) -> impl Iterator<Item = Step> + '_ {
        stage
            .steps()
            .iter()
            .copied()
            .filter(|&s| self.get(s) == StepRequirement::Required)
    }
}

impl Validate for CycleVariant {
    fn validate(&self) -> Result<(), ConfigError> {
        let listed = self.listed_requirements();
        if let Some((step, _)) = Step::ALL
            .iter()
            .zip(&listed)
            .find(|(_, requirement)| requirement.is_none())
        {
            return Err(ConfigError::invalid(
                format!("steps.{}", step.key()),
                "no requirement given; every step must be listed",
            ));
        }
        let requirements = RequirementTable::from_listed(listed);
        for &stage in Stage::ALL {
            if stage
                .steps()
                .iter()
                .all(|&s| requirements.get(s) == StepRequirement::Skipped)
            {
                return Err(ConfigError::invalid(
                    "steps",
                    format!(
                        "every step of the stage `{}` is skipped; keep at least one",
                        stage.key()
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// The variants of all four customer types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CycleVariants {
    /// For loyalty-network (strategic) customers.
    pub strategic: CycleVariant,
    /// For loyal customers.
    pub loyal: CycleVariant,
    /// For opportunity customers.
    pub opportunity: CycleVariant,
    /// For market-takers.
    pub market_taker: CycleVariant,
}

impl Default for CycleVariants {
    fn default() -> Self {
        CycleVariants {
            strategic: CycleVariant::default_for(CustomerType::Strategic),
            loyal: CycleVariant::default_for(CustomerType::Loyal),
            opportunity: CycleVariant::default_for(CustomerType::Opportunity),
            market_taker: CycleVariant::default_for(CustomerType::MarketTaker),
        }
    }
}

impl CycleVariants {
    /// Loads the four variants from JSON; a type left out keeps its default.
    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        crate::config::from_json(json)
    }

    /// The variant for `customer_type`.
    pub fn get(&self, customer_type: CustomerType) -> &CycleVariant {
        match customer_type {
            CustomerType::Strategic => &self.strategic,
            CustomerType::Loyal => &self.loyal,
            CustomerType::Opportunity => &self.opportunity,
            CustomerType::MarketTaker => &self.market_taker,
        }
    }
}

impl Validate for CycleVariants {
    fn validate(&self) -> Result<(), ConfigError> {
        for &customer_type in CustomerType::ALL {
            let variant = self.get(customer_type);
            let name = customer_type.key();
            if variant.customer_type != customer_type {
                return Err(ConfigError::invalid(
                    format!("{name}.customer_type"),
                    format!(
                        "is `{}`, but this entry is for `{name}`",
                        variant.customer_type.key()
                    ),
                ));
            }
            variant.validate().map_err(|e| e.nested(name))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table answers as the variant's map does, for every step.
    fn assert_table_matches(variant: &CycleVariant) {
        let table = RequirementTable::of(variant);
        for &step in Step::ALL {
            assert_eq!(table.get(step), variant.requirement(step), "{step:?}");
        }
        for &stage in Stage::ALL {
            assert!(table
                .required_steps(stage)
                .eq(variant.required_steps(stage)));
        }
    }

    #[test]
    fn the_requirement_table_matches_the_variant() {
        for &customer_type in CustomerType::ALL {
            let variant = CycleVariant::default_for(customer_type);
            assert_table_matches(&variant);
            for &behaviour in BuyerBehaviour::ALL {
                assert_table_matches(&variant.clone().shaped_for(behaviour));
            }
        }
    }

    #[test]
    fn a_step_left_out_of_the_table_is_required() {
        let mut variant = CycleVariant::default_for(CustomerType::MarketTaker);
        variant.steps.remove(&Step::InvestmentCheck);
        variant.steps.remove(&Step::AfterSales);
        assert_table_matches(&variant);
        assert_eq!(
            RequirementTable::of(&variant).get(Step::AfterSales),
            StepRequirement::Required
        );
        let err = variant.validate().unwrap_err();
        assert!(err.to_string().contains("steps.investment_check"), "{err}");
    }
}
