//! Each analytic on a small book whose figures can be checked by hand, and
//! the rules that hold on any book.
//!
//! The book, as of 2026-06-30 09:00:
//!
//! | deal | account | amount | stage / outcome | grade | moves |
//! |---|---|---|---|---|---|
//! | O-1 | C-1 strategic | 100,000 | proposal, open | A | 03-01 open, 03-11, 06-10 |
//! | O-2 | C-4 opportunity | 50,000 | sales entry, open (forced) | - | 04-01 open, forced 05-01 |
//! | O-3 | C-2 loyal | 200,000 | won | B | 01-02 open, 01-12, 01-22, 02-01 (bidding), 02-11, 02-21, won 03-03 |
//! | O-4 | C-3 market-taker | 80,000 | lost in bidding | C | 01-05 open, 01-15, 01-25, 02-04 (bidding), lost 02-24 |
//! | O-5 | C-1 strategic | 30,000 | withdrawn in proposal | B | 02-01 open, 02-11, 02-21, withdrawn 03-03 |
//! | O-6 | C-2 loyal | 10,000 | development, open | D | 06-20 open |

#[path = "support/portfolio_fixtures.rs"]
mod fixtures;

use chrono::{DateTime, TimeZone, Utc};
use fixtures::{date, day, empty, record, scored, typed, walk, Move};
use proptest::prelude::*;
use techsales::config::Validate;
use techsales::customer::{CustomerType, Scores, Thresholds};
use techsales::differentiation::Action;
use techsales::grading::Grade;
use techsales::key_account::definition::GRADE_FACTOR_MAX;
use techsales::key_account::{Outcome, Stage};
use techsales::portfolio::{
    actions_in_progress, calibrate, pipeline, quadrant, stage_durations, stage_flows, stalled,
    top_deals, Amounts, Definitions, MovementCount, Portfolio, YearMonth,
};

fn eur(units: u128) -> u128 {
    units * 100
}

fn book(prior_strength: f64) -> Portfolio {
    let mut definitions = Definitions::default();
    definitions.analytics.prior_strength = prior_strength;
    let d = &definitions.process;
    let a = Move::Advance;
    let deals = vec![
        record(
            "O-1",
            "C-1",
            100_000,
            date(7, 15),
            walk(
                d,
                day(3, 1),
                Some(Grade::A),
                &[a(day(3, 11)), a(day(6, 10))],
                None,
            ),
        ),
        record(
            "O-2",
            "C-4",
            50_000,
            date(8, 10),
            walk(d, day(4, 1), None, &[Move::Force(day(5, 1))], None),
        ),
        record(
            "O-3",
            "C-2",
            200_000,
            date(5, 30),
            walk(
                d,
                day(1, 2),
                Some(Grade::B),
                &[
                    a(day(1, 12)),
                    a(day(1, 22)),
                    a(day(2, 1)),
                    a(day(2, 11)),
                    a(day(2, 21)),
                ],
                Some((day(3, 3), Outcome::Won)),
            ),
        ),
        record(
            "O-4",
            "C-3",
            80_000,
            date(3, 1),
            walk(
                d,
                day(1, 5),
                Some(Grade::C),
                &[a(day(1, 15)), a(day(1, 25)), a(day(2, 4))],
                Some((day(2, 24), Outcome::Lost)),
            ),
        ),
        record(
            "O-5",
            "C-1",
            30_000,
            date(3, 3),
            walk(
                d,
                day(2, 1),
                Some(Grade::B),
                &[a(day(2, 11)), a(day(2, 21))],
                Some((day(3, 3), Outcome::Withdrawn)),
            ),
        ),
        record(
            "O-6",
            "C-2",
            10_000,
            date(7, 31),
            walk(d, day(6, 20), Some(Grade::D), &[], None),
        ),
    ];

    let thresholds = Thresholds::default();
    let autumn = Utc.with_ymd_and_hms(2025, 10, 1, 9, 0, 0).unwrap();
    let spring = Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap();
    let mut c1 = scored("C-1", 70.0, 30.0, autumn);
    c1.customer
        .reclassify(
            Scores::new(80.0, 80.0).unwrap(),
            &thresholds,
            day(4, 1),
            "joint planning",
        )
        .unwrap();
    c1.actions
        .start(Action::JointPlanningAndForecasting, day(4, 2))
        .unwrap();
    c1.actions
        .start(Action::ProductInnovation, day(1, 2))
        .unwrap();
    c1.actions
        .complete(Action::ProductInnovation, day(3, 2))
        .unwrap();
    let mut c3 = scored("C-3", 70.0, 20.0, spring);
    c3.customer
        .reclassify(
            Scores::new(20.0, 20.0).unwrap(),
            &thresholds,
            Utc.with_ymd_and_hms(2025, 6, 1, 9, 0, 0).unwrap(),
            "support cut",
        )
        .unwrap();
    let mut c4 = scored("C-4", 70.0, 20.0, spring);
    c4.actions
        .start(Action::ProductInnovation, day(5, 1))
        .unwrap();
    c4.actions
        .start(Action::CustomerPossibilitiesPortal, day(5, 1))
        .unwrap();
    let accounts = vec![c1, typed("C-2", CustomerType::Loyal, spring), c3, c4];

    empty(day(6, 30), definitions)
        .with_records(accounts, deals)
        .unwrap()
}

fn amounts(count: usize, units: u128, weighted_units: f64) -> Amounts {
    Amounts {
        count,
        unknown_amount: 0,
        amount_minor: eur(units),
        weighted_minor: weighted_units * 100.0,
    }
}

fn assert_amounts(actual: &Amounts, expected: Amounts) {
    assert_eq!(actual.count, expected.count, "{actual:?}");
    assert_eq!(actual.amount_minor, expected.amount_minor, "{actual:?}");
    assert!(
        (actual.weighted_minor - expected.weighted_minor).abs() < 1e-6,
        "{actual:?} vs {expected:?}"
    );
}

#[test]
fn pipeline_weights_open_deals_by_win_probability() {
    let p = pipeline(&book(10.0));
    // O-1 proposal 40%; O-2 sales entry forced past grading, 20% x 0.5; O-6 development 10%.
    assert_amounts(&p.total, amounts(3, 160_000, 40_000.0 + 5_000.0 + 1_000.0));
    assert_amounts(
        p.by_stage.get(Stage::Development),
        amounts(1, 10_000, 1_000.0),
    );
    assert_amounts(
        p.by_stage.get(Stage::SalesEntry),
        amounts(1, 50_000, 5_000.0),
    );
    assert_amounts(
        p.by_stage.get(Stage::Proposal),
        amounts(1, 100_000, 40_000.0),
    );
    assert_amounts(p.by_stage.get(Stage::Bidding), Amounts::default());

    let grade = |g: Option<Grade>| p.by_grade.iter().find(|(x, _)| *x == g).unwrap().1;
    assert_amounts(&grade(Some(Grade::A)), amounts(1, 100_000, 40_000.0));
    assert_amounts(&grade(Some(Grade::B)), Amounts::default());
    assert_amounts(&grade(Some(Grade::D)), amounts(1, 10_000, 1_000.0));
    assert_amounts(&grade(None), amounts(1, 50_000, 5_000.0));

    let ty = |t: CustomerType| p.by_customer_type.iter().find(|(x, _)| *x == t).unwrap().1;
    assert_amounts(&ty(CustomerType::Strategic), amounts(1, 100_000, 40_000.0));
    assert_amounts(&ty(CustomerType::Opportunity), amounts(1, 50_000, 5_000.0));
    assert_amounts(&ty(CustomerType::Loyal), amounts(1, 10_000, 1_000.0));
    assert_amounts(&ty(CustomerType::MarketTaker), Amounts::default());

    let months: Vec<YearMonth> = p.by_close_month.iter().map(|(m, _)| *m).collect();
    assert_eq!(
        months,
        [
            YearMonth {
                year: 2026,
                month: 7
            },
            YearMonth {
                year: 2026,
                month: 8
            }
        ]
    );
    assert_amounts(&p.by_close_month[0].1, amounts(2, 110_000, 41_000.0));
    assert_amounts(&p.by_close_month[1].1, amounts(1, 50_000, 5_000.0));
    assert_eq!(p.by_close_month[0].0.to_string(), "2026-07");

    let closed = |o: Outcome| p.closed.iter().find(|(x, _)| *x == o).unwrap().1;
    assert_amounts(&closed(Outcome::Won), amounts(1, 200_000, 200_000.0));
    assert_amounts(&closed(Outcome::Lost), amounts(1, 80_000, 0.0));
    assert_amounts(&closed(Outcome::Withdrawn), amounts(1, 30_000, 0.0));
}

#[test]
fn stage_flows_follow_the_journals() {
    let flows = stage_flows(&book(10.0));
    let dev = flows.get(Stage::Development);
    // One deal was never graded; three graded B or C left development
    // against their grade's policy: four forced moves.
    assert_eq!(
        (dev.entered, dev.advanced, dev.forced, dev.open),
        (6, 5, 4, 1)
    );
    assert_eq!(dev.conversion(), Some(1.0));
    let entry = flows.get(Stage::SalesEntry);
    assert_eq!((entry.entered, entry.advanced, entry.open), (5, 4, 1));
    let proposal = flows.get(Stage::Proposal);
    assert_eq!(
        (
            proposal.entered,
            proposal.advanced,
            proposal.withdrawn,
            proposal.open
        ),
        (4, 2, 1, 1)
    );
    assert_eq!(proposal.conversion(), Some(2.0 / 3.0));
    let bidding = flows.get(Stage::Bidding);
    assert_eq!((bidding.entered, bidding.advanced, bidding.lost), (2, 1, 1));
    assert_eq!(bidding.conversion(), Some(0.5));
    let last = flows.get(Stage::ProjectImplementation);
    assert_eq!((last.entered, last.won), (1, 1));
    assert_eq!(last.conversion(), Some(1.0));
}

#[test]
fn time_in_stage_separates_ended_and_ongoing_stays() {
    let durations = stage_durations(&book(10.0));
    // Bidding: O-3 from 02-01 to 02-11 (10 days), O-4 from 02-04 to its loss on 02-24 (20).
    let bidding = durations.get(Stage::Bidding);
    assert_eq!(bidding.completed, 2);
    assert_eq!(bidding.mean_days, Some(15.0));
    assert_eq!(bidding.median_days, Some(15.0));
    assert_eq!(bidding.max_days, Some(20.0));
    assert_eq!(bidding.ongoing, 0);
    assert_eq!(bidding.ongoing_mean_days, None);
    // Development: O-6 has been in it for 10 days and counts as ongoing.
    let dev = durations.get(Stage::Development);
    assert_eq!((dev.completed, dev.ongoing), (5, 1));
    assert_eq!(dev.ongoing_mean_days, Some(10.0));
    // Proposal: O-1 since 06-10 (20 days) is ongoing; O-3, O-4 (10 each) and O-5 (10) ended.
    let proposal = durations.get(Stage::Proposal);
    assert_eq!((proposal.completed, proposal.ongoing), (3, 1));
    assert_eq!(proposal.mean_days, Some(10.0));
    assert_eq!(proposal.ongoing_mean_days, Some(20.0));
}

#[test]
fn stalled_deals_are_the_open_ones_silent_past_their_stage_limit() {
    let b = book(10.0);
    let found = stalled(&b);
    assert_eq!(found.len(), 1, "{found:?}");
    let deal = &found[0];
    assert_eq!(deal.id, "O-2");
    assert_eq!(deal.stage, Stage::SalesEntry);
    assert_eq!(deal.last_event_at, day(5, 1));
    assert_eq!((deal.days_silent, deal.limit_days), (60, 30));

    // Lower the proposal limit below O-1's 20 silent days: it stalls too,
    // after O-2 (30 days over its limit against 1).
    let mut json: serde_json::Value = serde_json::from_str(&b.to_json()).unwrap();
    json["definitions"]["analytics"]["stalled_after_days"]["proposal"] = 19.into();
    let stricter = Portfolio::from_json(&json.to_string()).unwrap();
    let ids: Vec<String> = stalled(&stricter)
        .iter()
        .map(|d| d.id.to_string())
        .collect();
    assert_eq!(ids, ["O-2", "O-1"]);
}

#[test]
fn quadrant_counts_types_and_the_movements_of_the_period() {
    let b = book(10.0);
    let year_start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let q = quadrant(&b, year_start, b.as_of());
    for (t, n) in &q.counts {
        assert_eq!(*n, 1, "{t}");
    }
    assert_eq!(
        q.movements,
        [MovementCount {
            from: CustomerType::Opportunity,
            to: CustomerType::Strategic,
            count: 1
        }]
    );
    let net = |t: CustomerType| q.net.iter().find(|(x, _)| *x == t).unwrap().1;
    assert_eq!(net(CustomerType::Opportunity), -1);
    assert_eq!(net(CustomerType::Strategic), 1);
    assert_eq!(net(CustomerType::MarketTaker), 0);

    // A longer period also holds C-3's fall to market-taker in 2025.
    let long = quadrant(
        &b,
        Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
        b.as_of(),
    );
    assert_eq!(long.movements.len(), 2);
    let net = |t: CustomerType| long.net.iter().find(|(x, _)| *x == t).unwrap().1;
    assert_eq!(net(CustomerType::Opportunity), -2);
    assert_eq!(net(CustomerType::MarketTaker), 1);
    // The period's ends are inclusive.
    let exact = quadrant(&b, day(4, 1), day(4, 1));
    assert_eq!(exact.movements.len(), 1);
}

#[test]
fn actions_in_progress_are_counted_per_action_and_account() {
    let a = actions_in_progress(&book(10.0));
    assert_eq!(
        a.by_action,
        [
            (Action::ProductInnovation, 1),
            (Action::CustomerPossibilitiesPortal, 1),
            (Action::JointPlanningAndForecasting, 1),
        ]
    );
    assert_eq!((a.accounts, a.total), (2, 3));
}

#[test]
fn calibration_without_prior_is_the_observed_win_rate() {
    let b = book(0.0);
    let c = calibrate(&b);
    // O-3 won, O-4 lost in bidding; O-5 withdrawn is left out.
    assert_eq!((c.closed, c.won, c.withdrawn_excluded), (2, 1, 1));
    let reached: Vec<usize> = c.stages.iter().map(|s| s.reached).collect();
    assert_eq!(reached, [2, 2, 2, 2, 1, 1]);
    let fitted: Vec<f64> = c.stages.iter().map(|s| s.fitted).collect();
    assert_eq!(fitted, [0.5, 0.5, 0.5, 0.5, 1.0, 1.0]);
    let factors: Vec<(Grade, f64)> = c.grades.iter().map(|g| (g.grade, g.factor)).collect();
    // Overall 1 in 2; B won its only deal (twice the average: factors are
    // not capped at 1), C lost its only one, A and D have none and keep
    // their prior (1: the definition sets no factors).
    assert_eq!(
        factors,
        [
            (Grade::A, 1.0),
            (Grade::B, 2.0),
            (Grade::C, 0.0),
            (Grade::D, 1.0)
        ]
    );
    // Both closed deals were graded: the other buckets are empty.
    assert_eq!(c.failed.map(|b| b.closed), Some(0));
    assert_eq!(c.ungraded.map(|b| b.closed), Some(0));
    let definition = c.definition(&b.definitions().process);
    definition.validate().unwrap();
    assert_eq!(definition.base_probability(Stage::Bidding), 0.5);
    assert_eq!(definition.grade_factors.map(|f| f.c), Some(0.0));
}

#[test]
fn calibration_blends_observations_with_the_current_definition() {
    let c = calibrate(&book(10.0));
    let s = |stage: Stage| *c.stages.iter().find(|s| s.stage == stage).unwrap();
    // Development: 1 win in 2, prior 0.10 weighted as 10 deals: (1 + 1) / 12.
    assert!((s(Stage::Development).smoothed - 2.0 / 12.0).abs() < 1e-12);
    assert_eq!(s(Stage::Development).observed, Some(0.5));
    // Negotiation: 1 in 1, prior 0.80: (1 + 8) / 11.
    assert!((s(Stage::BusinessNegotiation).fitted - 9.0 / 11.0).abs() < 1e-12);
    // Grade C: 0 in 1 against an overall 0.5: (0 + 5) / 11, factor (5/11)/0.5.
    let c_grade = c.grades.iter().find(|g| g.grade == Grade::C).unwrap();
    assert!((c_grade.smoothed - 5.0 / 11.0).abs() < 1e-12);
    assert!((c_grade.factor - 10.0 / 11.0).abs() < 1e-12);
}

/// A grade with no closed deal keeps the factor the definition gave it,
/// and one with deals is blended towards that factor, not towards 1.
#[test]
fn a_grade_without_closed_deals_keeps_its_prior_factor() {
    let mut json: serde_json::Value = serde_json::from_str(&book(10.0).to_json()).unwrap();
    json["definitions"]["process"]["grade_factors"] =
        serde_json::json!({"a": 1.0, "b": 0.8, "c": 0.5, "d": 0.3, "failed": 0.2});
    let b = Portfolio::from_json(&json.to_string()).unwrap();
    let c = calibrate(&b);
    let grade = |g: Grade| *c.grades.iter().find(|x| x.grade == g).unwrap();
    assert_eq!((grade(Grade::A).closed, grade(Grade::A).factor), (0, 1.0));
    assert_eq!((grade(Grade::D).closed, grade(Grade::D).factor), (0, 0.3));
    assert_eq!(grade(Grade::D).prior, 0.3);
    // C lost its only deal: (0 + 10 x 0.5 x 0.5) / 11 over 0.5.
    assert!((grade(Grade::C).factor - 5.0 / 11.0).abs() < 1e-12);
    let failed = c.failed.unwrap();
    assert_eq!((failed.closed, failed.prior, failed.factor), (0, 0.2, 0.2));
    let fitted = c.definition(&b.definitions().process);
    fitted.validate().unwrap();
    let factors = fitted.grade_factors.unwrap();
    assert_eq!(
        (factors.d, factors.failed, factors.ungraded),
        (0.3, Some(0.2), None)
    );
}

#[test]
fn top_deals_rank_open_deals_by_weighted_amount() {
    let b = book(10.0);
    let ids: Vec<&str> = top_deals(&b, 2)
        .into_iter()
        .map(|i| b.opportunities()[i].id.as_str())
        .collect();
    assert_eq!(ids, ["O-1", "O-2"]);
    assert_eq!(top_deals(&b, 10).len(), 3);
}

fn as_of(p: &Portfolio) -> DateTime<Utc> {
    p.as_of()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every deal that enters a stage either moves on, ends there, or is
    /// still there; and a stage is entered exactly as often as the one
    /// before it is left forward.
    #[test]
    fn every_deal_entering_a_stage_advances_ends_or_stays(p in fixtures::portfolios()) {
        let flows = stage_flows(&p);
        prop_assert_eq!(flows.get(Stage::Development).entered, p.opportunities().len());
        for (stage, f) in flows.iter() {
            prop_assert_eq!(f.entered, f.advanced + f.won + f.lost + f.withdrawn + f.open, "{}", stage);
            prop_assert!(f.forced <= f.advanced);
            if let Some(next) = stage.next() {
                prop_assert_eq!(flows.get(next).entered, f.advanced);
            }
        }
    }

    /// The pipeline's cuts by stage, grade, customer type and month each
    /// add up to the open total, to the last cent.
    #[test]
    fn pipeline_cuts_add_up_to_the_open_total(p in fixtures::portfolios()) {
        let pipe = pipeline(&p);
        let sum = |items: Vec<Amounts>| items.iter().fold((0usize, 0u128), |(c, a), x| (c + x.count, a + x.amount_minor));
        let total = (pipe.total.count, pipe.total.amount_minor);
        prop_assert_eq!(sum(pipe.by_stage.iter().map(|(_, a)| *a).collect()), total);
        prop_assert_eq!(sum(pipe.by_grade.iter().map(|(_, a)| *a).collect()), total);
        prop_assert_eq!(sum(pipe.by_customer_type.iter().map(|(_, a)| *a).collect()), total);
        prop_assert_eq!(sum(pipe.by_close_month.iter().map(|(_, a)| *a).collect()), total);
        let open = p.opportunities().iter().filter(|o| o.process.state().is_open()).count();
        prop_assert_eq!(pipe.total.count, open);
        prop_assert!(pipe.total.weighted_minor <= pipe.total.amount_minor as f64 * (1.0 + 1e-12));
    }

    /// Calibrated probabilities never fall from one stage to the next, stay
    /// within 0-1, and make a valid process definition.
    #[test]
    fn calibrated_definition_is_valid_and_ordered(p in fixtures::portfolios(), k in 0.0f64..50.0) {
        let mut json: serde_json::Value = serde_json::from_str(&p.to_json()).unwrap();
        json["definitions"]["analytics"]["prior_strength"] = serde_json::json!(k);
        let p = Portfolio::from_json(&json.to_string()).unwrap();
        let c = calibrate(&p);
        let fitted: Vec<f64> = c.stages.iter().map(|s| s.fitted).collect();
        prop_assert!(fitted.windows(2).all(|w| w[0] <= w[1]), "{:?}", fitted);
        prop_assert!(fitted.iter().all(|f| (0.0..=1.0).contains(f)));
        prop_assert!(c.grades.iter().all(|g| (0.0..=GRADE_FACTOR_MAX).contains(&g.factor)));
        prop_assert!(c.definition(&p.definitions().process).validate().is_ok());
    }

    /// Calibration puts every won or lost deal in exactly one bucket: its
    /// grade, failed evaluation, or never graded.
    #[test]
    fn every_closed_deal_is_in_one_calibration_bucket(p in fixtures::portfolios()) {
        let c = calibrate(&p);
        if let (Some(failed), Some(ungraded)) = (c.failed, c.ungraded) {
            let graded: usize = c.grades.iter().map(|g| g.closed).sum();
            prop_assert_eq!(graded + failed.closed + ungraded.closed, c.closed);
            let won: usize = c.grades.iter().map(|g| g.won).sum();
            prop_assert_eq!(won + failed.won + ungraded.won, c.won);
        } else {
            prop_assert!(c.grades.is_empty());
        }
    }

    /// A deal is reported stalled exactly when it is open and silent for
    /// longer than its stage allows.
    #[test]
    fn stalled_means_open_and_silent_past_the_limit(p in fixtures::portfolios()) {
        let found = stalled(&p);
        let limits = &p.definitions().analytics.stalled_after_days;
        for (i, o) in p.opportunities().iter().enumerate() {
            let state = o.process.state();
            let silent = (as_of(&p) - o.last_activity()).num_days();
            let expected = state.is_open() && silent > i64::from(*limits.get(state.stage()));
            prop_assert_eq!(found.iter().any(|s| s.index == i), expected);
        }
    }
}

/// Sources 000 and 002: the loyalty network is built selectively, since not
/// every product, market or region can sustain continuous differentiation.
/// An account's plan checks readiness under the rules for its industry (its
/// market), its region and the products of its open deals.
#[test]
fn account_plans_check_readiness_for_the_accounts_market_region_and_products() {
    use techsales::customer::readiness::ReadinessRule;
    use techsales::customer::{Readiness, ReadinessCriterion};
    use techsales::differentiation::Plan;
    use techsales::portfolio::account_plans;

    let strict = ReadinessRule {
        min_criteria: 3,
        max_wait_reasons: 0,
    };
    let mut definitions = Definitions::default();
    let selectivity = &mut definitions.planner.selectivity;
    selectivity.markets.insert("mining".into(), strict);
    selectivity.regions.insert("north".into(), strict);
    selectivity.products.insert("valve".into(), strict);
    // Market-takers meeting the customer rule's two criteria.
    let taker = |id: &str, industry: Option<&str>, region: Option<&str>| {
        let mut account = typed(id, CustomerType::MarketTaker, day(1, 1));
        account.customer.readiness = Readiness::new(
            [
                ReadinessCriterion::EarlyAdopter,
                ReadinessCriterion::ChangeLeadership,
            ],
            [],
        );
        account.industry = industry.map(str::to_owned);
        account.region = region.map(str::to_owned);
        account
    };
    let accounts = vec![
        taker("plain", Some("chemicals"), Some("south")),
        taker("miner", Some("mining"), None),
        taker("northern", None, Some("north")),
        taker("valve-buyer", None, None),
        taker("valve-bought", None, None),
    ];
    let open = walk(&definitions.process, day(2, 1), Some(Grade::A), &[], None);
    let closed = walk(
        &definitions.process,
        day(2, 1),
        Some(Grade::A),
        &[],
        Some((day(3, 1), Outcome::Lost)),
    );
    let mut valve_open = record("O-1", "valve-buyer", 100, date(9, 1), open);
    valve_open.product = Some("valve".into());
    let mut valve_closed = record("O-2", "valve-bought", 100, date(9, 1), closed);
    valve_closed.product = Some("valve".into());
    let portfolio = empty(day(6, 30), definitions)
        .with_records(accounts, vec![valve_open, valve_closed])
        .unwrap();
    let held_back: Vec<bool> = account_plans(&portfolio)
        .iter()
        .map(|plan| matches!(plan, Plan::NotWorthInvestingNow { .. }))
        .collect();
    assert_eq!(held_back, [false, true, true, true, false]);
}
