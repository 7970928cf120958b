//! One key-account deal walked through the six stages.
//!
//! The customer publishes its tender before we have influenced its
//! procurement standards, so the move to bidding is forced (and recorded);
//! the win probability carries the penalty from then on. At each stage the
//! example prints the win probability with its factors, and at the turning
//! points the diagnosis; at the end the time spent in each stage.
//!
//! Run with `cargo run --example key_account`.

use chrono::{DateTime, TimeZone, Utc};

use techsales::grading::Grade;
use techsales::journal::Entry;
use techsales::key_account::{
    checklist, Attitude, BuyingInfluence, BuyingRole, InfluenceDegree, KeyAccountEvent,
    KeyAccountProcess, KeyNode, ProcessDefinition, ProcurementStep,
};
use techsales::{Labelled, Language};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn day(month: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, d, 9, 0, 0)
        .single()
        .expect("a valid date")
}

fn met(node: KeyNode, evidence: &str) -> KeyAccountEvent {
    KeyAccountEvent::KeyNodeMet {
        node,
        evidence: evidence.into(),
        grade: (node == KeyNode::OpportunityGraded).then_some(Grade::A),
    }
}

fn customer_at(step: ProcurementStep) -> KeyAccountEvent {
    KeyAccountEvent::ProcurementStepObserved { step }
}

struct Walk {
    definition: ProcessDefinition,
    deal: KeyAccountProcess,
}

impl Walk {
    fn apply(&mut self, at: DateTime<Utc>, actor: &str, event: KeyAccountEvent) -> Result<()> {
        self.deal
            .apply(&self.definition, Entry::new(at, actor, event))?;
        Ok(())
    }

    fn advance(&mut self, at: DateTime<Utc>) -> Result<()> {
        self.apply(at, "liu", KeyAccountEvent::Advanced)?;
        self.print_stage();
        Ok(())
    }

    fn print_stage(&self) {
        let state = self.deal.state();
        println!(
            "\n== {} ({}) from {} ==",
            state.stage().label_en(),
            state.stage().label_zh(),
            state.stage_entered_at().date_naive()
        );
        println!("{}", self.deal.win_probability(&self.definition));
    }

    fn print_diagnosis(&self) {
        println!(
            "{}",
            self.deal
                .diagnose(&self.definition)
                .report(Language::English)
        );
    }
}

fn main() -> Result<()> {
    // DOMAIN.md's defaults, plus a factor per opportunity grade.
    let definition = ProcessDefinition::from_json(
        r#"{ "grade_factors": { "a": 1.0, "b": 0.8, "c": 0.5, "d": 0.3 } }"#,
    )?;
    let mut walk = Walk {
        definition,
        deal: KeyAccountProcess::new(day(2, 2)),
    };
    walk.print_stage();

    // Development: evaluate and grade.
    walk.apply(
        day(2, 3),
        "liu",
        customer_at(ProcurementStep::InternalDemand),
    )?;
    walk.print_diagnosis();
    walk.apply(
        day(2, 10),
        "liu",
        KeyAccountEvent::KeyNodeMet {
            node: KeyNode::OpportunityGraded,
            evidence: "budget approved, closing within the quarter, our gauges meet the spec"
                .into(),
            grade: Some(Grade::A),
        },
    )?;
    println!("graded: {}", walk.deal.win_probability(&walk.definition));
    walk.advance(day(2, 12))?;

    // Sales entry: the coach and the economic, technical and user buyers
    // meet both nodes.
    walk.apply(
        day(2, 18),
        "liu",
        customer_at(ProcurementStep::SupplierScreening),
    )?;
    let coach = BuyingInfluence::new(
        "c-01",
        "Ms Han, plant engineer",
        BuyingRole::Coach,
        InfluenceDegree::Medium,
    )
    .met()
    .with_attitude(Attitude::Supportive);
    let economic_buyer = BuyingInfluence::new(
        "e-01",
        "Mr Gao, plant director",
        BuyingRole::EconomicBuyer,
        InfluenceDegree::High,
    );
    walk.apply(
        day(2, 20),
        "liu",
        KeyAccountEvent::ContactRecorded {
            contact: Box::new(coach),
        },
    )?;
    walk.apply(
        day(2, 25),
        "liu",
        KeyAccountEvent::ContactRecorded {
            contact: Box::new(economic_buyer),
        },
    )?;
    for (id, name, role) in [
        (
            "t-01",
            "Ms Sun, process engineer",
            BuyingRole::TechnicalBuyer,
        ),
        ("u-01", "Mr Qian, shift supervisor", BuyingRole::UserBuyer),
    ] {
        let contact = BuyingInfluence::new(id, name, role, InfluenceDegree::Medium).met();
        walk.apply(
            day(2, 26),
            "liu",
            KeyAccountEvent::ContactRecorded {
                contact: Box::new(contact),
            },
        )?;
    }
    for record in walk.deal.key_node_records().skip(1) {
        println!(
            "key node met: {} [{}] ({})",
            record.node.label_en(),
            record.source.label_en(),
            record.evidence
        );
    }
    walk.advance(day(3, 1))?;

    // Proposal: the checklist, then the customer runs ahead of us.
    println!("proposal checklist:");
    for item in checklist(walk.deal.state().stage()) {
        println!("  [ ] {} / {}", item.label.en, item.label.zh);
    }
    walk.apply(
        day(3, 20),
        "liu",
        customer_at(ProcurementStep::ProcurementIndex),
    )?;
    walk.apply(
        day(4, 5),
        "liu",
        customer_at(ProcurementStep::BiddingAndEvaluation),
    )?;
    walk.print_diagnosis();
    let refused = walk
        .deal
        .apply(
            &walk.definition,
            Entry::new(day(4, 6), "liu", KeyAccountEvent::Advanced),
        )
        .expect_err("the standards were never influenced");
    println!("advance refused: {refused}");
    walk.apply(
        day(4, 6),
        "director_sun",
        KeyAccountEvent::ForcedAdvance {
            reason: "tender published before we could shape the standards; bid anyway".into(),
        },
    )?;
    let forcing = &walk.deal.state().forcings()[0];
    println!(
        "forced by {} because \"{}\"; unmet: {}",
        forcing.by, forcing.reason, forcing.unmet
    );
    walk.print_stage();

    // Bidding.
    walk.apply(
        day(4, 20),
        "liu",
        met(KeyNode::BidSubmitted, "bid no. 2026-117 delivered"),
    )?;
    walk.advance(day(4, 28))?;

    // Business negotiation.
    walk.apply(
        day(5, 6),
        "liu",
        customer_at(ProcurementStep::PurchaseCommitment),
    )?;
    walk.apply(
        day(5, 12),
        "liu",
        met(
            KeyNode::ContractApproved,
            "approved by both legal departments",
        ),
    )?;
    walk.apply(
        day(5, 15),
        "liu",
        met(KeyNode::ContractSigned, "contract HT-0515 signed"),
    )?;
    // The signed contract is the win: booked, then delivered.
    walk.apply(
        day(5, 15),
        "liu",
        KeyAccountEvent::Booked {
            booked_on: day(5, 15).date_naive(),
            amount_minor: None,
        },
    )?;
    println!(
        "\n== booked ==\n{}",
        walk.deal.win_probability(&walk.definition)
    );
    walk.advance(day(5, 16))?;

    // Project implementation.
    walk.apply(day(6, 1), "liu", customer_at(ProcurementStep::Installation))?;
    walk.apply(
        day(8, 10),
        "liu",
        met(KeyNode::ProjectAccepted, "acceptance certificate signed"),
    )?;
    walk.print_diagnosis();
    walk.apply(
        day(8, 31),
        "liu",
        met(KeyNode::ProjectCompleted, "final payment received"),
    )?;
    println!(
        "\n== delivered: {:?} ==\n{}",
        walk.deal.state().delivery(),
        walk.deal
            .win_probability(&walk.definition)
            .explain(Language::Chinese)
    );

    println!("\ntime in stage:");
    for (stage, time) in walk.deal.time_in_stages(day(9, 1)).iter() {
        println!("  {:<24} {:>4} days", stage.label_en(), time.num_days());
    }

    let replayed = walk.deal.rebuilt(&walk.definition)?;
    println!(
        "\njournal: {} entries; replay matches the live state: {}",
        walk.deal.journal().len(),
        replayed == walk.deal
    );
    Ok(())
}
