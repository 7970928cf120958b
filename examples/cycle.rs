//! Drives one deal with a strategic customer through two iterations of the
//! five-stage technical-sale cycle, then prints the journal and the guidance.
//!
//! Run with `cargo run --example cycle`.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use techsales::customer::CustomerType;
use techsales::cycle::{
    Commitments, CycleError, CycleEvent, Decision, EconomicEvaluation, EvaluationFramework,
    Guidance, Interview, JointTeam, Knowledge, KnowledgeArea, OptionEconomics, PhaseResult,
    PhaseRun, Responsibilities, Scope, Stage, Step, Swot, TechnicalPhase, TechnicalSale, VisitPlan,
    VisitQuestion,
};
use techsales::journal::Entry;
use techsales::Labelled;

/// Hands out event times a day apart.
struct Clock(DateTime<Utc>);

impl Clock {
    fn tick(&mut self) -> DateTime<Utc> {
        self.0 += Duration::days(1);
        self.0
    }
}

fn texts(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn knowledge(focus: &str) -> Knowledge {
    let swot = |s: &str, w: &str, o: &str, t: &str| Swot {
        strengths: texts(&[s]),
        weaknesses: texts(&[w]),
        opportunities: texts(&[o]),
        threats: texts(&[t]),
    };
    Knowledge {
        areas: BTreeMap::from([
            (
                KnowledgeArea::ProductService,
                format!("Flocculant range; {focus}"),
            ),
            (
                KnowledgeArea::Environment,
                "Pulp and paper, water limits tightening".into(),
            ),
            (
                KnowledgeArea::OwnCompany,
                "Local plant, two application engineers".into(),
            ),
            (
                KnowledgeArea::Competition,
                "Two importers, lower list price".into(),
            ),
            (KnowledgeArea::Client, "Mill expanding line 3".into()),
        ]),
        own_swot: swot(
            "Local stock",
            "Small team",
            "New effluent rules",
            "Price war",
        ),
        competition_swot: swot(
            "Low price",
            "No site support",
            "Our slow quotes",
            "Our trials",
        ),
    }
}

/// A visit plan; amounts are in cents.
fn visit_plan(price_cents: u64) -> VisitPlan {
    VisitPlan {
        answers: VisitQuestion::ALL
            .iter()
            .map(|q| (*q, format!("answered: {}", q.label_en())))
            .collect(),
        scope: Scope::LongTerm,
        product_options: texts(&["FL-200", "FL-300"]),
        price_estimate_minor: price_cents,
    }
}

fn run(
    deal: &mut TechnicalSale,
    clock: &mut Clock,
    actor: &str,
    event: CycleEvent,
) -> Result<(), CycleError> {
    deal.apply(Entry::new(clock.tick(), actor, event))
}

fn print_guidance(title: &str, guidance: &Guidance) {
    println!(
        "\n== {title}: {} / {} (iteration {}, {}) ==",
        guidance.stage.label_en(),
        guidance.stage.label_zh(),
        guidance.iteration,
        guidance.outcome.label_en()
    );
    for item in &guidance.items {
        println!(
            "  [{}{}] {}{}\n      {}\n      {}",
            item.requirement.label_en(),
            if item.ready { ", ready" } else { "" },
            item.step.map_or(item.action.label_en(), |s| s.label_en()),
            item.objection
                .as_deref()
                .map(|o| format!(" {o}"))
                .unwrap_or_default(),
            item.text.en,
            item.text.zh,
        );
    }
}

/// One full iteration, from recognition to the move back to recognition.
fn iteration(deal: &mut TechnicalSale, clock: &mut Clock, n: u32) -> Result<(), CycleError> {
    let (seller, engineer) = ("m.garcia", "j.chen");
    let options = if n == 1 {
        ["FL-200", "FL-300"]
    } else {
        ["FL-300", "FL-300 dosing service"]
    };

    run(
        deal,
        clock,
        seller,
        CycleEvent::KnowledgeGathered(knowledge(&format!("iteration {n}"))),
    )?;
    run(
        deal,
        clock,
        seller,
        CycleEvent::VisitPlanned(visit_plan(4_000_000 + 500_000 * u64::from(n))),
    )?;
    if n == 1 {
        print_guidance("Guidance before the interview", &deal.guidance());
    }
    run(
        deal,
        clock,
        seller,
        CycleEvent::InterviewHeld(Interview {
            real_needs: texts(&["Meet the new effluent limit", "Cut sludge volume"]),
            options: texts(&options),
        }),
    )?;
    run(
        deal,
        clock,
        seller,
        CycleEvent::Advance {
            to: Stage::EvaluatingOptions,
        },
    )?;

    run(
        deal,
        clock,
        seller,
        CycleEvent::FrameworkAgreed(EvaluationFramework {
            reference: "Current product at current dose".into(),
            criteria: texts(&["Turbidity", "Dose per tonne", "Cost per tonne"]),
        }),
    )?;
    run(
        deal,
        clock,
        engineer,
        CycleEvent::JointTeamFormed(JointTeam {
            supplier: texts(&["J. Chen (application)", "M. Garcia (sales)"]),
            client: texts(&["Process engineer", "Environment officer"]),
        }),
    )?;
    let trials = [
        (TechnicalPhase::Laboratory, PhaseResult::Passed),
        (TechnicalPhase::PilotPlant, PhaseResult::Failed),
        (TechnicalPhase::PilotPlant, PhaseResult::Adjusted),
        (TechnicalPhase::Plant, PhaseResult::Passed),
    ];
    for (phase, result) in trials {
        run(
            deal,
            clock,
            engineer,
            CycleEvent::TechnicalPhaseRun(PhaseRun {
                phase,
                result,
                summary: String::new(),
            }),
        )?;
    }
    run(
        deal,
        clock,
        seller,
        CycleEvent::EconomicEvaluated(EconomicEvaluation {
            proposal: "Supply contract with on-site support".into(),
            options: options
                .iter()
                .zip([4_100_000, 4_750_000])
                .map(|(o, price)| OptionEconomics {
                    option: o.to_string(),
                    price_minor: price,
                    impact_minor: 1_200_000,
                })
                .collect(),
            policy: Some("Standard margin; on-site support priced as a service".into()),
            competition: Some("Undercuts the incumbent's support costs, its weak point".into()),
        }),
    )?;
    run(
        deal,
        clock,
        seller,
        CycleEvent::Advance {
            to: Stage::ResolvingConcerns,
        },
    )?;

    run(
        deal,
        clock,
        seller,
        CycleEvent::StepCompleted {
            step: Step::Presentation,
            summary: "Results shown to the plant manager".into(),
        },
    )?;
    run(
        deal,
        clock,
        seller,
        CycleEvent::ResponsibilitiesAgreed(Responsibilities {
            supplier: Commitments {
                responsibilities: texts(&["Deliver within 48 h", "Train operators"]),
                guarantees: texts(&["Turbidity below the limit"]),
            },
            client: Commitments {
                responsibilities: texts(&["Dose as agreed", "Share lab data weekly"]),
                guarantees: vec![],
            },
        }),
    )?;
    run(
        deal,
        clock,
        seller,
        CycleEvent::ObjectionRaised {
            id: format!("OBJ-{n}"),
            text: "Supply risk during the shutdown".into(),
        },
    )?;
    if n == 1 {
        print_guidance("Guidance with an objection open", &deal.guidance());
        let refused = deal.apply(Entry::new(
            clock.tick(),
            seller,
            CycleEvent::ClientDecided {
                decision: Decision::Agreement,
            },
        ));
        if let Err(e) = refused {
            println!("\nRefused as expected: {e}");
        }
    }
    run(
        deal,
        clock,
        seller,
        CycleEvent::ObjectionResolved {
            id: format!("OBJ-{n}"),
            resolution: "Consignment stock on site".into(),
        },
    )?;
    run(
        deal,
        clock,
        seller,
        CycleEvent::ClientDecided {
            decision: Decision::Agreement,
        },
    )?;

    for step in [
        Step::Assembly,
        Step::Accompaniment,
        Step::PerformanceEvaluation,
    ] {
        run(
            deal,
            clock,
            engineer,
            CycleEvent::StepCompleted {
                step,
                summary: String::new(),
            },
        )?;
    }
    run(
        deal,
        clock,
        seller,
        CycleEvent::DealModified {
            change: "Dose lowered after the performance review".into(),
        },
    )?;
    // A note travels with the journal entry.
    deal.apply(
        Entry::new(
            clock.tick(),
            engineer,
            CycleEvent::StepCompleted {
                step: Step::ProblemSolving,
                summary: "Pump seal replaced".into(),
            },
        )
        .with_note("Seal kit now kept on site"),
    )?;
    run(
        deal,
        clock,
        seller,
        CycleEvent::Advance {
            to: Stage::Evolution,
        },
    )?;

    for step in [
        Step::FollowUp,
        Step::ConditionsVerification,
        Step::AfterSales,
    ] {
        run(
            deal,
            clock,
            seller,
            CycleEvent::StepCompleted {
                step,
                summary: String::new(),
            },
        )?;
    }
    run(
        deal,
        clock,
        seller,
        CycleEvent::LessonLearned {
            lesson: if n == 1 {
                "Pilot trials need the client's own process water".into()
            } else {
                "The dosing service sells better than a lower price".into()
            },
        },
    )?;
    run(
        deal,
        clock,
        seller,
        CycleEvent::Advance {
            to: Stage::RecognitionOfNeeds,
        },
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut deal = TechnicalSale::for_customer_type(CustomerType::Strategic);
    let start = Utc
        .with_ymd_and_hms(2026, 1, 5, 8, 0, 0)
        .single()
        .ok_or("bad start date")?;
    let mut clock = Clock(start);

    print_guidance("Guidance at the start", &deal.guidance());
    for n in 1..=2 {
        iteration(&mut deal, &mut clock, n)?;
    }

    println!("\n== Journal ({} entries) ==", deal.journal().len());
    for entry in deal.journal() {
        let kind = entry.event.kind();
        let detail = match &entry.event {
            CycleEvent::Advance { to } => format!(" -> {}", to.label_en()),
            CycleEvent::StepCompleted { step, .. } => format!(": {}", step.label_en()),
            CycleEvent::TechnicalPhaseRun(run) => {
                format!(": {} {}", run.phase.label_en(), run.result.label_en())
            }
            CycleEvent::ClientDecided { decision } => format!(": {}", decision.label_en()),
            _ => String::new(),
        };
        println!(
            "  {}  {:<9} {} / {}{detail}",
            entry.at.format("%Y-%m-%d"),
            entry.actor,
            kind.label_en(),
            kind.label_zh()
        );
        if let Some(note) = &entry.note {
            println!("              note: {note}");
        }
    }

    println!(
        "\nCompleted iterations: {}; now in iteration {} at {}.",
        deal.completed_iterations(),
        deal.iteration(),
        deal.stage().label_en()
    );
    for lesson in deal.lessons() {
        println!(
            "  lesson from iteration {}: {}",
            lesson.iteration, lesson.text
        );
    }
    print_guidance("Guidance now", &deal.guidance());

    let replayed = TechnicalSale::replay(deal.variant().clone(), deal.journal().clone());
    println!(
        "\nReplaying the journal rebuilds the same state: {}",
        replayed? == deal
    );
    Ok(())
}
