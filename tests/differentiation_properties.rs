//! Continuous differentiation (DOMAIN.md section 5) as executable rules.

use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;
use techsales::customer::{Axis, CustomerType, Readiness, ReadinessCriterion, Scores, WaitReason};
use techsales::differentiation::{
    Action, ActionLog, ActionStatus, Plan, PlanInput, PlannerConfig, RecommendationReason,
    RetentionReason,
};
use techsales::labels::Labelled;

fn scores_of(ty: CustomerType) -> impl Strategy<Value = Scores> {
    let low = 0.0..49.99f64;
    let high = 50.0..=100.0f64;
    let a: BoxedStrategy<f64> = if ty.assistance().is_high() {
        high.clone().boxed()
    } else {
        low.clone().boxed()
    };
    let l: BoxedStrategy<f64> = if ty.loyalty().is_high() {
        high.boxed()
    } else {
        low.boxed()
    };
    (a, l).prop_map(|(a, l)| Scores::new(a, l).unwrap())
}

fn readiness() -> impl Strategy<Value = Readiness> {
    (
        proptest::sample::subsequence(ReadinessCriterion::ALL, 0..=4),
        proptest::sample::subsequence(WaitReason::ALL, 0..=3),
    )
        .prop_map(|(c, w)| Readiness::new(c, w))
}

fn config() -> impl Strategy<Value = PlannerConfig> {
    (
        proptest::collection::btree_map(
            proptest::sample::select(Action::ALL),
            0.0..=40.0f64,
            0..12,
        ),
        0.0..=40.0f64,
    )
        .prop_map(|(effects, default_effect)| PlannerConfig {
            effects,
            default_effect,
            ..PlannerConfig::default()
        })
}

fn plan_for(
    config: &PlannerConfig,
    ty: CustomerType,
    scores: Scores,
    readiness: &Readiness,
) -> Plan {
    config.plan(PlanInput {
        customer_type: ty,
        scores: Some(scores),
        readiness,
        in_progress: &[],
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every action recommended to an opportunity customer raises loyalty.
    #[test]
    fn recommendations_for_an_opportunity_customer_raise_loyalty(
        scores in scores_of(CustomerType::Opportunity), r in readiness(), cfg in config()
    ) {
        let plan = plan_for(&cfg, CustomerType::Opportunity, scores, &r);
        prop_assert_eq!(plan.recommendations().len(), 6);
        for rec in plan.recommendations() {
            prop_assert_eq!(rec.axis, Axis::Loyalty);
            prop_assert_eq!(rec.action.axis(), Axis::Loyalty);
            prop_assert_eq!(rec.reason, RecommendationReason::RaiseLoyalty);
        }
    }

    /// Every action recommended to a loyal customer raises assistance.
    #[test]
    fn recommendations_for_a_loyal_customer_raise_assistance(
        scores in scores_of(CustomerType::Loyal), r in readiness(), cfg in config()
    ) {
        let plan = plan_for(&cfg, CustomerType::Loyal, scores, &r);
        prop_assert_eq!(plan.recommendations().len(), 6);
        for rec in plan.recommendations() {
            prop_assert_eq!(rec.axis, Axis::Assistance);
            prop_assert_eq!(rec.reason, RecommendationReason::RaiseAssistance);
        }
    }

    /// No recommendation moves a strategic customer away from strategic:
    /// carrying out all of them, in any prefix, keeps it in the network.
    #[test]
    fn no_recommendation_moves_a_customer_away_from_strategic(
        scores in scores_of(CustomerType::Strategic), r in readiness(), cfg in config(), take in 0usize..=12
    ) {
        let plan = plan_for(&cfg, CustomerType::Strategic, scores, &r);
        prop_assert!(!plan.recommendations().is_empty());
        let actions: Vec<Action> = plan.recommendations().iter().take(take).map(|r| r.action).collect();
        let after = cfg.project(scores, &actions);
        prop_assert_eq!(cfg.thresholds.classify(&after), CustomerType::Strategic);
        for rec in plan.recommendations() {
            prop_assert_eq!(rec.reason, RecommendationReason::SustainNetwork);
            prop_assert!(rec.expected_effect >= 0.0);
        }
    }

    /// A market-taker that fails the readiness check gets "not worth
    /// investing now" with its reasons instead of a list; one that passes
    /// gets actions on both axes.
    #[test]
    fn market_takers_are_planned_only_when_ready(
        scores in scores_of(CustomerType::MarketTaker), r in readiness(), cfg in config()
    ) {
        let assessment = cfg.readiness.assess(&r);
        match plan_for(&cfg, CustomerType::MarketTaker, scores, &r) {
            Plan::NotWorthInvestingNow { assessment: a } => {
                prop_assert!(!assessment.candidate);
                prop_assert_eq!(a, assessment);
            }
            Plan::Invest { recommendations, readiness } => {
                prop_assert!(assessment.candidate);
                prop_assert_eq!(readiness, assessment);
                prop_assert_eq!(recommendations.len(), 12);
            }
        }
    }

    /// Recommendations are ranked: the axis with the larger gap first, and
    /// within an axis the larger expected effect first.
    #[test]
    fn recommendations_are_ranked_by_gap_then_effect(
        scores in scores_of(CustomerType::Strategic), cfg in config()
    ) {
        let ready = Readiness::new(ReadinessCriterion::ALL.iter().copied(), []);
        let plan = plan_for(&cfg, CustomerType::Strategic, scores, &ready);
        let gap = |axis| cfg.thresholds.get(axis) - scores.get(axis);
        for pair in plan.recommendations().windows(2) {
            let (x, y) = (pair[0], pair[1]);
            prop_assert!(gap(x.axis) >= gap(y.axis));
            if x.axis == y.axis {
                prop_assert!(x.expected_effect >= y.expected_effect);
            }
        }
    }

    /// A plan survives a JSON round trip unchanged.
    #[test]
    fn plan_serde_round_trip_is_lossless(
        ty in proptest::sample::select(CustomerType::ALL), r in readiness(), cfg in config(), a in 0.0..=100.0f64, l in 0.0..=100.0f64
    ) {
        let plan = plan_for(&cfg, ty, Scores::new(a, l).unwrap(), &r);
        let back: Plan = serde_json::from_str(&serde_json::to_string(&plan).unwrap()).unwrap();
        prop_assert_eq!(back, plan);
        let cfg_back = PlannerConfig::from_json(&serde_json::to_string(&cfg).unwrap()).unwrap();
        prop_assert_eq!(cfg_back, cfg);
    }
}

#[test]
fn six_actions_raise_each_axis_and_all_are_described_in_both_languages() {
    assert_eq!(Action::raising(Axis::Loyalty).count(), 6);
    assert_eq!(Action::raising(Axis::Assistance).count(), 6);
    for a in Action::ALL {
        assert!(!a.description().en.is_empty() && !a.description().zh.is_empty());
        assert_eq!(a.key().parse::<Action>().unwrap(), *a);
    }
    assert_eq!(Action::ProductInnovation.axis(), Axis::Loyalty);
    assert_eq!(Action::SellerSegmentation.axis(), Axis::Assistance);
}

#[test]
fn actions_in_progress_are_not_recommended_again() {
    let cfg = PlannerConfig::default();
    let plan = cfg.plan(PlanInput {
        customer_type: CustomerType::Opportunity,
        scores: None,
        readiness: &Readiness::default(),
        in_progress: &[Action::ProductInnovation],
    });
    assert_eq!(plan.recommendations().len(), 5);
    assert!(plan
        .recommendations()
        .iter()
        .all(|r| r.action != Action::ProductInnovation));
}

#[test]
fn a_negative_or_nan_effect_is_refused_naming_the_field() {
    let err = PlannerConfig::from_json(r#"{"effects": {"product_innovation": -5}}"#).unwrap_err();
    assert!(
        err.to_string().contains("effects.product_innovation"),
        "{err}"
    );
    let err = PlannerConfig::from_json(r#"{"thresholds": {"assistance": 50, "loyalty": 500}}"#)
        .unwrap_err();
    assert!(err.to_string().contains("thresholds.loyalty"), "{err}");
    let err = PlannerConfig::from_json(r#"{"effects": {"free_lunch": 5}}"#).unwrap_err();
    assert!(err.to_string().contains("free_lunch"), "{err}");
    let err =
        PlannerConfig::from_json(r#"{"readiness": {"min_criteria": 9, "max_wait_reasons": 0}}"#)
            .unwrap_err();
    assert!(err.to_string().contains("readiness.min_criteria"), "{err}");
}

#[test]
fn action_log_records_dated_actions_and_refuses_bad_updates() {
    let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap();
    let mut log = ActionLog::new();
    log.start(Action::JointPlanningAndForecasting, t0).unwrap();
    log.start(Action::SellerSegmentation, t0).unwrap();
    assert!(log.start(Action::SellerSegmentation, t0).is_err());
    let before = log.clone();
    assert!(log
        .complete(Action::SellerSegmentation, t0 - Duration::days(1))
        .is_err());
    assert!(log.abandon(Action::ProductInnovation, t0).is_err());
    assert_eq!(log, before);
    log.complete(Action::SellerSegmentation, t0 + Duration::days(30))
        .unwrap();
    assert_eq!(log.in_progress(), vec![Action::JointPlanningAndForecasting]);
    assert_eq!(log.records()[1].status, ActionStatus::Completed);
    let back: ActionLog = serde_json::from_str(&serde_json::to_string(&log).unwrap()).unwrap();
    assert_eq!(back, log);
}

proptest! {
    /// Source 000's closing: a client stays because it trusts the service,
    /// feels well cared for, finds the value fair, has its expectations
    /// exceeded and finds the whole experience outstanding. Every
    /// recommendation of a sustaining plan (a strategic customer) names the
    /// reason its action serves, one of the action's own, and the five
    /// reasons are all served by some action.
    #[test]
    fn a_sustaining_plan_names_the_reason_each_action_serves(
        config in config(),
        scores in scores_of(CustomerType::Strategic),
        readiness in readiness(),
    ) {
        let plan = plan_for(&config, CustomerType::Strategic, scores, &readiness);
        prop_assert!(!plan.recommendations().is_empty());
        for r in plan.recommendations() {
            prop_assert_eq!(r.reason, RecommendationReason::SustainNetwork);
            prop_assert_eq!(Some(&r.serves), r.action.serves().first());
        }
        for reason in RetentionReason::ALL {
            prop_assert!(Action::ALL.iter().any(|a| a.serves().contains(reason)));
        }
    }
}

/// Source 000 describes each of the twelve actions; the descriptions keep
/// what it says: the provider possibilities portal is our own analysis of
/// products, markets, clients and competition, product innovation includes
/// improvements, product-service information keeps clients' information
/// confidential, and market segmentation goes down to the individual
/// client. Every action and reason has both languages.
#[test]
fn the_twelve_actions_are_described_as_the_source_gives_them() {
    let en = |a: Action| a.description().en;
    let provider = en(Action::ProviderPossibilitiesPortal);
    for word in ["analysis", "markets", "clients", "competition"] {
        assert!(provider.contains(word), "{provider}");
    }
    assert!(en(Action::ProductInnovation).contains("improvements"));
    assert!(en(Action::ProductServiceInformation).contains("confidential"));
    assert!(en(Action::MarketSegmentation).contains("individual client"));
    assert!(en(Action::CustomerPossibilitiesPortal).contains("trust"));
    for action in Action::ALL {
        assert!(!action.description().en.is_empty() && !action.description().zh.is_empty());
        assert!(!action.serves().is_empty());
    }
    let labels: Vec<&str> = RetentionReason::ALL.iter().map(|r| r.label_zh()).collect();
    assert_eq!(labels.len(), 5);
    assert!(labels.iter().all(|l| !l.is_empty()));
}

proptest! {
    /// Sources 000 and 002 (selectivity): not every product, market or
    /// region can sustain continuous differentiation. A readiness rule set
    /// for a product, market or region makes the check for a plan there at
    /// least as strict as the customer rule: a market-taker planned there
    /// is never a candidate when it would not be under the customer rule,
    /// and is one exactly when it passes the strictest rule that applies.
    #[test]
    fn readiness_can_be_set_per_product_market_and_region(
        readiness in readiness(),
        scores in scores_of(CustomerType::MarketTaker),
        min_criteria in 0u8..=4,
        max_wait_reasons in 0u8..=3,
        which in 0usize..3,
    ) {
        use techsales::customer::ReadinessRule;
        use techsales::differentiation::Scope;
        let strict = ReadinessRule { min_criteria, max_wait_reasons };
        let mut config = PlannerConfig::default();
        match which {
            0 => config.selectivity.products.insert("valves".into(), strict),
            1 => config.selectivity.markets.insert("mining".into(), strict),
            _ => config.selectivity.regions.insert("north".into(), strict),
        };
        let scope = Scope { product: Some("valves"), market: Some("mining"), region: Some("north") };
        let input = PlanInput {
            customer_type: CustomerType::MarketTaker,
            scores: Some(scores),
            readiness: &readiness,
            in_progress: &[],
        };
        let invests = |plan: &Plan| matches!(plan, Plan::Invest { .. });
        let plain = invests(&config.plan(input));
        let scoped = invests(&config.plan_in(input, scope));
        prop_assert!(!scoped || plain);
        let rule = config.selectivity.rule_for(config.readiness, scope);
        prop_assert_eq!(scoped, rule.assess(&readiness).candidate);
        // Elsewhere the customer rule alone applies.
        let elsewhere = Scope { product: Some("pumps"), ..Scope::default() };
        prop_assert_eq!(invests(&config.plan_in(input, elsewhere)), plain);
    }
}

/// Selectivity loads from JSON, and a bad rule is refused with its field.
#[test]
fn selectivity_loads_from_json_with_the_bad_field_named() {
    let config = PlannerConfig::from_json(
        r#"{"selectivity": {"regions": {"north": {"min_criteria": 4, "max_wait_reasons": 0}}}}"#,
    )
    .unwrap();
    assert_eq!(config.selectivity.regions["north"].min_criteria, 4);
    let e = PlannerConfig::from_json(
        r#"{"selectivity": {"markets": {"mining": {"min_criteria": 9, "max_wait_reasons": 0}}}}"#,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("selectivity.markets.mining.min_criteria"),
        "{e}"
    );
}
