//! The customer quadrant (DOMAIN.md section 1) as executable rules.

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use techsales::customer::{
    classify, Axis, BuyerBehaviour, Customer, CustomerType, Level, Readiness, ReadinessCriterion,
    ReadinessRule, RelationshipLevel, ScoreError, Scores, Thresholds, WaitReason,
};
use techsales::labels::Labelled;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

fn score() -> impl Strategy<Value = f64> {
    0.0..=100.0f64
}

fn threshold() -> impl Strategy<Value = f64> {
    0.0..=100.0f64
}

fn customer_type() -> impl Strategy<Value = CustomerType> {
    proptest::sample::select(CustomerType::ALL)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Classification is total on valid scores and agrees with the level
    /// table: a score at or above its axis threshold is high.
    #[test]
    fn classification_is_total_and_agrees_with_the_level_table(
        a in score(), l in score(), ta in threshold(), tl in threshold()
    ) {
        let thresholds = Thresholds::new(ta, tl).unwrap();
        let ty = classify(a, l, &thresholds).unwrap();
        prop_assert_eq!(ty.assistance(), Level::from_bool(a >= ta));
        prop_assert_eq!(ty.loyalty(), Level::from_bool(l >= tl));
        prop_assert_eq!(CustomerType::from_levels(ty.assistance(), ty.loyalty()), ty);
    }

    /// Moving one score across its threshold changes exactly that axis.
    #[test]
    fn moving_one_score_across_its_threshold_changes_exactly_one_axis(
        a in score(), l in score(), t in 1.0..=99.0f64, axis_is_loyalty in any::<bool>()
    ) {
        let thresholds = Thresholds::new(t, t).unwrap();
        let axis = if axis_is_loyalty { Axis::Loyalty } else { Axis::Assistance };
        let below = Scores::new(a, l).unwrap().shifted(axis, -200.0).shifted(axis, t - 0.5);
        let above = below.shifted(axis, 1.0);
        let (before, after) = (thresholds.classify(&below), thresholds.classify(&above));
        prop_assert_eq!(before.level(axis), Level::Low);
        prop_assert_eq!(after.level(axis), Level::High);
        let other = if axis_is_loyalty { Axis::Assistance } else { Axis::Loyalty };
        prop_assert_eq!(before.level(other), after.level(other));
    }

    /// Scores outside 0-100 or not finite are refused with the axis named,
    /// never a panic.
    #[test]
    fn bad_scores_are_refused_naming_the_axis(
        good in score(),
        bad in prop_oneof![
            Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY),
            -1.0e12..-1.0e-9f64, 100.000_001..1.0e12f64
        ],
        bad_on_loyalty in any::<bool>()
    ) {
        let (a, l) = if bad_on_loyalty { (good, bad) } else { (bad, good) };
        let err = Scores::new(a, l).unwrap_err();
        let axis = match err {
            ScoreError::NotFinite { axis, .. } | ScoreError::OutOfRange { axis, .. } => axis,
            _ => unreachable!("only two kinds of score error"),
        };
        prop_assert_eq!(axis, if bad_on_loyalty { Axis::Loyalty } else { Axis::Assistance });
        let named = if bad_on_loyalty { "loyalty" } else { "assistance" };
        prop_assert!(err.to_string().to_lowercase().contains(named), "{}", err);
    }

    /// The history records a movement if and only if the type changed, and
    /// the movement says from which type to which.
    #[test]
    fn history_records_a_movement_iff_the_type_changed(
        steps in proptest::collection::vec((score(), score()), 1..20)
    ) {
        let thresholds = Thresholds::default();
        let first = Scores::new(steps[0].0, steps[0].1).unwrap();
        let mut c = Customer::from_scores("C-1", "Acme", first, &thresholds, t0()).unwrap();
        for (i, &(a, l)) in steps.iter().enumerate().skip(1) {
            let before = c.customer_type();
            let len = c.history().len();
            let at = t0() + Duration::days(i as i64);
            let moved = c.reclassify(Scores::new(a, l).unwrap(), &thresholds, at, "review").unwrap().cloned();
            let after = c.customer_type();
            prop_assert_eq!(moved.is_some(), before != after);
            prop_assert_eq!(c.history().len(), len + usize::from(before != after));
            if let Some(m) = moved {
                prop_assert_eq!((m.from, m.to, m.at), (before, after, at));
            }
        }
    }

    /// An update dated before the latest change is refused and changes nothing.
    #[test]
    fn an_out_of_order_update_changes_nothing(ty in customer_type(), new in customer_type(), days in 1i64..1000) {
        let mut c = Customer::from_type("C-1", "Acme", ty, t0()).unwrap();
        let before = c.clone();
        prop_assert!(c.set_type(new, t0() - Duration::days(days), "late").is_err());
        prop_assert_eq!(c, before);
    }

    /// A customer record survives a JSON round trip unchanged.
    #[test]
    fn customer_serde_round_trip_is_lossless(
        steps in proptest::collection::vec((score(), score()), 1..8),
        behaviour in proptest::option::of(proptest::sample::select(BuyerBehaviour::ALL)),
        relationship in proptest::option::of(proptest::sample::select(RelationshipLevel::ALL)),
        criteria in proptest::sample::subsequence(ReadinessCriterion::ALL, 0..=4),
        reasons in proptest::sample::subsequence(WaitReason::ALL, 0..=3),
    ) {
        let thresholds = Thresholds::default();
        let first = Scores::new(steps[0].0, steps[0].1).unwrap();
        let mut c = Customer::from_scores("C-9", "Beta GmbH", first, &thresholds, t0()).unwrap();
        for (i, &(a, l)) in steps.iter().enumerate() {
            c.reclassify(Scores::new(a, l).unwrap(), &thresholds, t0() + Duration::hours(i as i64), "r").unwrap();
        }
        c.buyer_behaviour = behaviour;
        c.relationship = relationship;
        c.readiness = Readiness::new(criteria, reasons);
        let json = serde_json::to_string(&c).unwrap();
        let back: Customer = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, c);
    }

    /// Readiness is monotone: meeting one more criterion never takes away
    /// candidacy, and one more wait-and-see reason never creates it.
    #[test]
    fn readiness_rises_with_criteria_and_falls_with_wait_reasons(
        criteria in proptest::sample::subsequence(ReadinessCriterion::ALL, 0..=4),
        reasons in proptest::sample::subsequence(WaitReason::ALL, 0..=3),
        extra_criterion in proptest::sample::select(ReadinessCriterion::ALL),
        extra_reason in proptest::sample::select(WaitReason::ALL),
        min_criteria in 0u8..=4, max_wait_reasons in 0u8..=3,
    ) {
        let rule = ReadinessRule { min_criteria, max_wait_reasons };
        let base = rule.assess(&Readiness::new(criteria.clone(), reasons.clone()));
        let more_criteria = rule.assess(&Readiness::new(criteria.iter().copied().chain([extra_criterion]), reasons.clone()));
        let more_reasons = rule.assess(&Readiness::new(criteria.clone(), reasons.iter().copied().chain([extra_reason])));
        prop_assert!(more_criteria.candidate || !base.candidate);
        prop_assert!(base.candidate || !more_reasons.candidate);
        prop_assert_eq!(base.met.len() + base.missing.len(), ReadinessCriterion::ALL.len());
    }
}

#[test]
fn type_and_levels_map_both_ways() {
    let table = [
        (Level::Low, Level::Low, CustomerType::MarketTaker),
        (Level::High, Level::Low, CustomerType::Opportunity),
        (Level::Low, Level::High, CustomerType::Loyal),
        (Level::High, Level::High, CustomerType::Strategic),
    ];
    for (assistance, loyalty, ty) in table {
        assert_eq!(CustomerType::from_levels(assistance, loyalty), ty);
        assert_eq!((ty.assistance(), ty.loyalty()), (assistance, loyalty));
        assert_eq!(
            CustomerType::from_bools(assistance.is_high(), loyalty.is_high()),
            ty
        );
    }
}

#[test]
fn a_score_exactly_at_the_threshold_is_high() {
    let t = Thresholds::default();
    assert_eq!(
        classify(50.0, 49.999, &t).unwrap(),
        CustomerType::Opportunity
    );
    assert_eq!(classify(0.0, 100.0, &t).unwrap(), CustomerType::Loyal);
}

#[test]
fn bad_thresholds_are_refused_naming_the_field() {
    let err = Thresholds::new(50.0, f64::NAN).unwrap_err();
    assert!(err.to_string().contains("loyalty"), "{err}");
    let err = techsales::config::from_json::<Thresholds>(r#"{"assistance": 120, "loyalty": 50}"#)
        .unwrap_err();
    assert!(err.to_string().contains("assistance"), "{err}");
    let err = techsales::config::from_json::<Thresholds>(
        r#"{"assistance": 50, "loyalty": 50, "loyality": 1}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("loyality"), "{err}");
}

#[test]
fn scores_refuse_out_of_range_values_when_deserialised() {
    let err = serde_json::from_str::<Scores>(r#"{"assistance": 20, "loyalty": 101}"#).unwrap_err();
    assert!(err.to_string().contains("loyalty"), "{err}");
}

#[test]
fn empty_customer_id_is_refused() {
    assert!(Customer::from_type("  ", "x", CustomerType::Loyal, t0()).is_err());
}

#[test]
fn type_at_reads_the_history() {
    let mut c = Customer::from_type("C-1", "Acme", CustomerType::MarketTaker, t0()).unwrap();
    c.set_type(
        CustomerType::Opportunity,
        t0() + Duration::days(10),
        "pilot",
    )
    .unwrap();
    c.set_type(
        CustomerType::Strategic,
        t0() + Duration::days(20),
        "joint plan",
    )
    .unwrap();
    assert_eq!(
        c.type_at(t0() + Duration::days(5)),
        CustomerType::MarketTaker
    );
    assert_eq!(
        c.type_at(t0() + Duration::days(15)),
        CustomerType::Opportunity
    );
    assert_eq!(
        c.type_at(t0() + Duration::days(25)),
        CustomerType::Strategic
    );
}

#[test]
fn every_enum_has_distinct_keys_codes_and_labels_in_both_languages() {
    fn check<T: Labelled + Copy + std::str::FromStr + PartialEq + std::fmt::Debug>(
        all: &[T],
        code: fn(T) -> u32,
    ) {
        let mut keys = std::collections::BTreeSet::new();
        let mut codes = std::collections::BTreeSet::new();
        for &v in all {
            assert!(keys.insert(v.key()), "duplicate key {}", v.key());
            assert!(codes.insert(code(v)), "duplicate code {}", code(v));
            assert!(!v.label_en().is_empty() && !v.label_zh().is_empty());
            assert_ne!(v.label_en(), v.label_zh());
            assert_eq!(v.key().parse::<T>().ok(), Some(v));
        }
    }
    check(CustomerType::ALL, CustomerType::code);
    check(Axis::ALL, Axis::code);
    check(Level::ALL, Level::code);
    check(BuyerBehaviour::ALL, BuyerBehaviour::code);
    check(RelationshipLevel::ALL, RelationshipLevel::code);
    check(ReadinessCriterion::ALL, ReadinessCriterion::code);
    check(WaitReason::ALL, WaitReason::code);
    assert!("nobody"
        .parse::<CustomerType>()
        .unwrap_err()
        .to_string()
        .contains("market_taker"));
}

#[test]
fn change_agents_are_sold_with_trials_and_pilots() {
    let approach = BuyerBehaviour::ChangeAgent.selling_approach();
    assert!(approach.iter().any(|t| t.en.contains("pilot")));
    for b in BuyerBehaviour::ALL {
        assert!(!b.selling_approach().is_empty());
    }
    for r in RelationshipLevel::ALL {
        assert!(!r.selling_approach().is_empty());
    }
    assert_eq!(RelationshipLevel::Developing.next(), None);
}

#[test]
fn the_default_readiness_rule_needs_two_criteria_and_no_wait_reason() {
    let rule = ReadinessRule::default();
    let two = [
        ReadinessCriterion::EarlyAdopter,
        ReadinessCriterion::ChangeLeadership,
    ];
    assert!(rule.assess(&Readiness::new(two, [])).candidate);
    assert!(
        !rule
            .assess(&Readiness::new([ReadinessCriterion::EarlyAdopter], []))
            .candidate
    );
    assert!(
        !rule
            .assess(&Readiness::new(two, [WaitReason::NoMoney]))
            .candidate
    );
}

#[test]
fn a_stored_record_whose_history_does_not_hold_together_is_refused() {
    let mut c = Customer::from_type("C-1", "Acme", CustomerType::MarketTaker, t0()).unwrap();
    c.set_type(CustomerType::Opportunity, t0() + Duration::days(3), "pilot")
        .unwrap();
    c.set_type(
        CustomerType::Strategic,
        t0() + Duration::days(9),
        "joint plan",
    )
    .unwrap();
    assert_eq!(c.check(), Ok(()));
    let json = serde_json::to_string(&c).unwrap();
    let broken = [
        json.replace(
            "\"customer_type\":\"strategic\"",
            "\"customer_type\":\"loyal\"",
        ),
        json.replacen("\"from\":\"opportunity\"", "\"from\":\"loyal\"", 1),
        json.replacen("\"id\":\"C-1\"", "\"id\":\" \"", 1),
    ];
    for text in broken {
        let loaded: Customer = serde_json::from_str(&text).unwrap();
        assert!(loaded.check().is_err(), "{text}");
    }
    let unknown_field = json.replacen("{", "{\"colour\":\"red\",", 1);
    assert!(serde_json::from_str::<Customer>(&unknown_field)
        .unwrap_err()
        .to_string()
        .contains("colour"));
}
