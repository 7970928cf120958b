//! The key-account rules as sources 002 and 003 state them: a forced node
//! stays costly, and buying influences with power weigh on the chance.

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

use techsales::grading::Grade;
use techsales::journal::Entry;
use techsales::key_account::{
    win_probability, win_probability_value, Attitude, BuyingInfluence, BuyingRole, FactorKind,
    InfluenceDegree, KeyAccountEvent, KeyAccountProcess, KeyNode, ProcessDefinition, Stage,
};
use techsales::Language;

fn opened() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 2, 9, 0, 0).unwrap()
}

fn apply(p: &mut KeyAccountProcess, def: &ProcessDefinition, hours: i64, event: KeyAccountEvent) {
    let at = opened() + Duration::hours(hours);
    p.apply(def, Entry::new(at, "wang", event)).unwrap();
}

/// A deal forced out of development with the grading node unmet.
fn forced_into_sales_entry(def: &ProcessDefinition) -> KeyAccountProcess {
    let mut p = KeyAccountProcess::new(opened());
    apply(
        &mut p,
        def,
        1,
        KeyAccountEvent::ForcedAdvance {
            reason: "customer already screening".into(),
        },
    );
    assert_eq!(p.state().stage(), Stage::SalesEntry);
    p
}

proptest! {
    /// Source 003: a stage may be forced, "but then the win probability is
    /// greatly reduced"; meeting the forced node afterwards wins back only
    /// the configured share of the penalty (none by default), and the
    /// explanation says the node was met after forcing.
    #[test]
    fn a_forced_node_met_later_keeps_its_penalty(
        penalty in 0.05f64..1.0,
        recovery in 0.0f64..=1.0,
    ) {
        let def = ProcessDefinition {
            forcing_penalty: penalty,
            forced_recovery: recovery,
            ..ProcessDefinition::default()
        };
        let mut p = forced_into_sales_entry(&def);
        let forced = win_probability_value(p.state(), &def);
        apply(&mut p, &def, 2, KeyAccountEvent::KeyNodeMet {
            node: KeyNode::OpportunityGraded,
            evidence: "graded late".into(),
            // A grade whose policy enters the sales process: the policy
            // rule stays out of this one.
            grade: Some(Grade::A),
        });
        let w = win_probability(p.state(), &def);
        let base = def.base_probability(Stage::SalesEntry);
        let expected = base * (penalty + (1.0 - penalty) * recovery);
        prop_assert!((w.value - expected).abs() < 1e-12, "{} vs {}", w.value, expected);
        prop_assert!(w.value >= forced);
        prop_assert_eq!(w.value, win_probability_value(p.state(), &def));
        prop_assert!(w.factors.iter().any(|f| f.kind() == FactorKind::MetAfterForcing));
        if recovery < 1.0 {
            prop_assert!(w.value < base);
        }
    }

    /// Source 002: the technical buyer can give a final no and the economic
    /// buyer the final yes or no; an opposed economic, technical or user
    /// buyer, or a high-influence one not met, lowers the chance of an open
    /// deal (a coach does not), and the explanation names the role.
    #[test]
    fn an_opposed_or_unmet_buyer_with_power_lowers_the_probability(
        role in prop::sample::select(BuyingRole::ALL),
        opposed in any::<bool>(),
    ) {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(opened());
        let before = win_probability_value(p.state(), &def);
        let contact = BuyingInfluence::new("c1", "Zhao", role, InfluenceDegree::High);
        let contact = if opposed {
            contact.met().with_attitude(Attitude::Opposed)
        } else {
            contact
        };
        apply(&mut p, &def, 1, KeyAccountEvent::ContactRecorded { contact: Box::new(contact) });
        let w = win_probability(p.state(), &def);
        prop_assert_eq!(w.value, win_probability_value(p.state(), &def));
        if role == BuyingRole::Coach {
            prop_assert_eq!(w.value, before);
        } else {
            let factor = if opposed {
                def.influence_power.opposed
            } else {
                def.influence_power.high_influence_not_met
            };
            prop_assert!((w.value - before * factor).abs() < 1e-12);
            prop_assert!(w.value < before);
            let text = w.explain(Language::English).to_lowercase();
            prop_assert!(text.contains(&role.label_en_lower()), "{}", text);
        }
    }
}

trait LowerLabel {
    fn label_en_lower(&self) -> String;
}

impl LowerLabel for BuyingRole {
    fn label_en_lower(&self) -> String {
        use techsales::Labelled;
        self.label_en().to_lowercase()
    }
}

/// Source 002: the influence rules are configurable; factors of 1 turn
/// them off, and a factor out of 0-1 is refused with the field named.
#[test]
fn influence_power_loads_from_json_with_the_bad_field_named() {
    let def = ProcessDefinition::from_json(
        r#"{"influence_power": {"opposed": 1, "high_influence_not_met": 1}, "forced_recovery": 0.5}"#,
    )
    .unwrap();
    assert_eq!(def.influence_power.opposed, 1.0);
    assert_eq!(def.forced_recovery, 0.5);
    let err = ProcessDefinition::from_json(r#"{"influence_power": {"opposed": 1.5}}"#).unwrap_err();
    assert!(err.to_string().contains("influence_power.opposed"), "{err}");
    let err = ProcessDefinition::from_json(r#"{"forced_recovery": -0.1}"#).unwrap_err();
    assert!(err.to_string().contains("forced_recovery"), "{err}");
}
