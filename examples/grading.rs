//! Grades a small pipeline of opportunities A-D and prints each grade, its
//! resource policy and the explanation behind it; then regrades the
//! pipeline three months later and lists what changed.
//!
//! Run with `cargo run --example grading`.

use chrono::NaiveDate;
use techsales::grading::{grade_changes, Factor, Grader, ItemStatus, Opportunity, Ratings};
use techsales::{Labelled, Language};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let grader = Grader::default();
    let as_of = date(2026, 1, 15);

    let pipeline = [
        (
            "Pump retrofit, Tianjin refinery",
            Opportunity {
                ratings: Ratings::uniform(7.0)
                    .with(Factor::CustomerRelationship, 8.0)
                    .with(Factor::CompetitionPrices, 5.0),
                expected_close: date(2026, 3, 20),
                possibility: Some(0.8),
            },
        ),
        (
            "Control valves, paper mill expansion",
            Opportunity {
                ratings: Ratings::uniform(6.0).with(Factor::CapitalStatus, 7.0),
                expected_close: date(2026, 6, 30),
                possibility: Some(0.55),
            },
        ),
        (
            "Flow meters, new chemical park",
            Opportunity {
                ratings: Ratings::uniform(6.0).with(Factor::ProjectLevel, 8.0),
                expected_close: date(2026, 12, 1),
                possibility: Some(0.35),
            },
        ),
        (
            "Test rigs, university lab",
            Opportunity {
                ratings: Ratings::uniform(4.5),
                expected_close: date(2026, 5, 1),
                possibility: Some(0.4),
            },
        ),
        (
            "Special alloy line (requirements we cannot meet)",
            Opportunity {
                ratings: Ratings::uniform(8.0).with(Factor::TechnicalRequirements, 1.0),
                expected_close: date(2026, 4, 1),
                possibility: Some(0.9),
            },
        ),
        (
            "Boiler controls (record not updated)",
            Opportunity {
                ratings: Ratings::uniform(7.0),
                expected_close: date(2025, 12, 1),
                possibility: Some(0.7),
            },
        ),
    ];

    println!("Pipeline as of {as_of}\n");
    for (name, opportunity) in &pipeline {
        println!("== {name}");
        match grader.explain(opportunity, as_of) {
            Ok(explanation) => {
                // The policy as the data a CRM stores and acts on.
                if let Some(policy) = explanation.policy {
                    println!("policy: {}", serde_json::to_string(&policy)?);
                }
                print!("{}", explanation.render(Language::English));
            }
            Err(error) => println!("Refused: {error}"),
        }
        println!();
    }

    // The same explanation in Chinese, for the first opportunity.
    let (name, first) = &pipeline[0];
    println!("== {name} (中文)");
    print!(
        "{}",
        grader.explain(first, as_of)?.render(Language::Chinese)
    );
    println!();

    // Batch: the whole pipeline at once, then six weeks later after the CRM
    // updated the stale record and one deal slipped by eight months.
    let opportunities: Vec<Opportunity> = pipeline.iter().map(|(_, o)| *o).collect();
    let before = grader.grade_all(&opportunities, as_of);
    let mut updated = opportunities.clone();
    updated[1].expected_close = date(2027, 3, 1);
    updated[5].expected_close = date(2026, 5, 15);
    let later = date(2026, 3, 1);
    let after = grader.grade_all(&updated, later);

    println!("Batch as of {as_of} and {later}:");
    for (((name, _), b), a) in pipeline.iter().zip(&before).zip(&after) {
        let show = |status: ItemStatus, grade: Option<techsales::grading::Grade>| match grade {
            Some(grade) => grade.to_string(),
            None => status.label(Language::English).to_owned(),
        };
        println!(
            "  {name:<50} {:<32} -> {}",
            show(b.status, b.grade),
            show(a.status, a.grade)
        );
    }
    let before_grades: Vec<_> = before.iter().map(|r| r.grade).collect();
    let after_grades: Vec<_> = after.iter().map(|r| r.grade).collect();
    println!("\nChanges:");
    for (i, change) in grade_changes(&before_grades, &after_grades, as_of, later)? {
        let show =
            |g: Option<techsales::grading::Grade>| g.map_or("none".to_owned(), |g| g.to_string());
        println!(
            "  {}: {} -> {}{}",
            pipeline[i].0,
            show(change.from),
            show(change.to),
            if change.improved() {
                " (up)"
            } else {
                " (down)"
            }
        );
    }
    Ok(())
}
