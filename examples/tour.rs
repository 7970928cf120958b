//! A tour of the customer quadrant: classify a handful of customers, follow
//! their movements between types, and print a differentiation plan for each.
//!
//! Run with `cargo run --example tour`.

use chrono::{DateTime, TimeZone, Utc};
use techsales::customer::{
    BuyerBehaviour, Customer, Readiness, ReadinessCriterion, RelationshipLevel, Scores, Thresholds,
    WaitReason,
};
use techsales::differentiation::{ActionLog, Plan, PlanInput, PlannerConfig};
use techsales::labels::Labelled;

fn day(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 9, 0, 0)
        .single()
        .expect("valid date")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let thresholds = Thresholds::default();
    let planner = PlannerConfig::default();

    // (id, name, first scores, later scores, behaviour, relationship, readiness)
    let book = [
        (
            "C-001",
            "Andes Mining",
            (30.0, 20.0),
            (65.0, 30.0),
            BuyerBehaviour::VerticalMarket,
            RelationshipLevel::InitialEngagement,
            Readiness::new(
                [
                    ReadinessCriterion::IntegratedOrCollaborating,
                    ReadinessCriterion::TechnologyDifferentiator,
                ],
                [],
            ),
        ),
        (
            "C-002",
            "Baltic Foods",
            (70.0, 40.0),
            (72.0, 55.0),
            BuyerBehaviour::ChangeAgent,
            RelationshipLevel::Maintaining,
            Readiness::new(
                [
                    ReadinessCriterion::EarlyAdopter,
                    ReadinessCriterion::ChangeLeadership,
                ],
                [],
            ),
        ),
        (
            "C-003",
            "Cobalt Paper",
            (35.0, 80.0),
            (38.0, 82.0),
            BuyerBehaviour::CommodityBuyer,
            RelationshipLevel::Developing,
            Readiness::default(),
        ),
        (
            "C-004",
            "Delta Chemicals",
            (85.0, 90.0),
            (88.0, 92.0),
            BuyerBehaviour::VerticalMarket,
            RelationshipLevel::Developing,
            Readiness::new(ReadinessCriterion::ALL.iter().copied(), []),
        ),
        (
            "C-005",
            "Evergreen Textiles",
            (15.0, 10.0),
            (20.0, 12.0),
            BuyerBehaviour::CommodityBuyer,
            RelationshipLevel::Discovery,
            Readiness::new([], [WaitReason::NoMoney, WaitReason::NoCollaborativeVision]),
        ),
    ];

    for (id, name, (a0, l0), (a1, l1), behaviour, relationship, readiness) in book {
        let mut customer = Customer::from_scores(
            id,
            name,
            Scores::new(a0, l0)?,
            &thresholds,
            day(2026, 1, 10),
        )?;
        customer.buyer_behaviour = Some(behaviour);
        customer.relationship = Some(relationship);
        customer.readiness = readiness;
        customer.reclassify(
            Scores::new(a1, l1)?,
            &thresholds,
            day(2026, 6, 30),
            "half-year account review",
        )?;

        println!(
            "== {} {} ({} / {})",
            customer.id(),
            customer.name(),
            customer.customer_type(),
            customer.customer_type().label_zh()
        );
        println!("   scores: assistance {a1:.0}, loyalty {l1:.0}");
        println!("   buys as: {behaviour}; relationship: {relationship}");
        println!("   how to sell: {}", behaviour.selling_approach()[0].en);
        if customer.history().is_empty() {
            println!(
                "   history: no change of type since {}",
                day(2026, 1, 10).date_naive()
            );
        }
        for m in customer.history() {
            println!(
                "   history: {} -> {} on {} ({})",
                m.from,
                m.to,
                m.at.date_naive(),
                m.reason
            );
        }

        let log = ActionLog::new();
        let in_progress = log.in_progress();
        let plan = planner.plan(PlanInput {
            customer_type: customer.customer_type(),
            scores: customer.scores(),
            readiness: &customer.readiness,
            in_progress: &in_progress,
        });
        match &plan {
            Plan::Invest {
                recommendations,
                readiness,
            } => {
                println!(
                    "   differentiation plan (loyalty-network readiness: {} of 4 criteria{}):",
                    readiness.met.len(),
                    if readiness.candidate {
                        ", a candidate"
                    } else {
                        ""
                    }
                );
                for (rank, r) in recommendations.iter().take(4).enumerate() {
                    println!(
                        "     {}. {} (+{:.0} {}) - {}",
                        rank + 1,
                        r.action,
                        r.expected_effect,
                        r.axis.key(),
                        r.reason
                    );
                }
                if recommendations.len() > 4 {
                    println!("     ... and {} more", recommendations.len() - 4);
                }
            }
            Plan::NotWorthInvestingNow { assessment } => {
                println!("   not worth investing now:");
                for w in &assessment.wait_reasons {
                    println!("     - waits and sees: {w}");
                }
                println!(
                    "     - readiness criteria met: {} of 4",
                    assessment.met.len()
                );
            }
        }
        println!();
    }
    Ok(())
}
