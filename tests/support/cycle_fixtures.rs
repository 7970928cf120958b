//! Builders of well-formed cycle events, shared by the cycle test files
//! (included with `#[path]`; on its own this file holds no tests).
#![allow(dead_code)]

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use techsales::cycle::{
    Commitments, CycleEvent, Decision, EconomicEvaluation, EvaluationFramework, GuidanceAction,
    Interview, InvestmentCheck, JointTeam, Knowledge, KnowledgeArea, OpenItem, OptionEconomics,
    PhaseResult, PhaseRun, Responsibilities, Scope, Step, Swot, TechnicalPhase, TechnicalSale,
    VisitPlan, VisitQuestion,
};
use techsales::journal::Entry;

/// A fixed start time.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 8, 0, 0).unwrap()
}

/// `t0` plus `hours`.
pub fn at(hours: i64) -> DateTime<Utc> {
    t0() + Duration::hours(hours)
}

/// An entry by a test actor.
pub fn entry(hours: i64, event: CycleEvent) -> Entry<CycleEvent> {
    Entry::new(at(hours), "tester", event)
}

pub fn texts(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

pub fn swot() -> Swot {
    Swot {
        strengths: texts(&["s"]),
        weaknesses: texts(&["w"]),
        opportunities: texts(&["o"]),
        threats: texts(&["t"]),
    }
}

pub fn knowledge() -> Knowledge {
    Knowledge {
        areas: KnowledgeArea::ALL
            .iter()
            .map(|a| (*a, "known".to_string()))
            .collect(),
        own_swot: swot(),
        competition_swot: swot(),
    }
}

pub fn visit_plan() -> VisitPlan {
    VisitPlan {
        answers: VisitQuestion::ALL
            .iter()
            .map(|q| (*q, "answered".to_string()))
            .collect::<BTreeMap<_, _>>(),
        scope: Scope::ShortTerm,
        product_options: texts(&["A", "B"]),
        price_estimate_minor: 100_000,
    }
}

pub fn interview() -> Interview {
    Interview {
        real_needs: texts(&["lower cost"]),
        options: texts(&["A", "B"]),
    }
}

pub fn framework() -> EvaluationFramework {
    EvaluationFramework {
        reference: "current product".into(),
        criteria: texts(&["cost per tonne"]),
    }
}

pub fn joint_team() -> JointTeam {
    JointTeam {
        supplier: texts(&["engineer"]),
        client: texts(&["process lead"]),
    }
}

pub fn economics(options: &[String]) -> EconomicEvaluation {
    EconomicEvaluation {
        proposal: "supply contract".into(),
        options: options
            .iter()
            .map(|o| OptionEconomics {
                option: o.clone(),
                price_minor: 90_000,
                impact_minor: 15_000,
            })
            .collect(),
        policy: None,
        competition: None,
    }
}

pub fn responsibilities() -> Responsibilities {
    Responsibilities {
        supplier: Commitments {
            responsibilities: texts(&["deliver"]),
            guarantees: texts(&["performance"]),
        },
        client: Commitments {
            responsibilities: texts(&["dose as agreed"]),
            guarantees: vec![],
        },
    }
}

pub fn run(phase: TechnicalPhase, result: PhaseResult) -> CycleEvent {
    CycleEvent::TechnicalPhaseRun(PhaseRun {
        phase,
        result,
        summary: String::new(),
    })
}

/// A well-formed event that records `step` in `sale` (for the technical
/// evaluation, a run of `phase`, passing).
pub fn step_event(sale: &TechnicalSale, step: Step) -> CycleEvent {
    match step {
        Step::Knowledge => CycleEvent::KnowledgeGathered(knowledge()),
        Step::InvestmentCheck => CycleEvent::InvestmentChecked(InvestmentCheck {
            worth_investing: true,
            reason: "growing volumes".into(),
        }),
        Step::VisitPlanning => CycleEvent::VisitPlanned(visit_plan()),
        Step::Interview => CycleEvent::InterviewHeld(interview()),
        Step::EvaluationFramework => CycleEvent::FrameworkAgreed(framework()),
        Step::JointTeam => CycleEvent::JointTeamFormed(joint_team()),
        Step::TechnicalEvaluation => {
            let phase = sale
                .allowed_phases()
                .last()
                .copied()
                .unwrap_or(TechnicalPhase::Laboratory);
            run(phase, PhaseResult::Passed)
        }
        Step::EconomicEvaluation => {
            let known = sale.known_options().to_vec();
            let options = if known.is_empty() {
                texts(&["A"])
            } else {
                known
            };
            CycleEvent::EconomicEvaluated(economics(&options))
        }
        Step::ResponsibilitiesAndGuarantees => {
            CycleEvent::ResponsibilitiesAgreed(responsibilities())
        }
        other => CycleEvent::StepCompleted {
            step: other,
            summary: "done".into(),
        },
    }
}

/// The well-formed event that carries out a guidance item.
pub fn item_event(
    sale: &TechnicalSale,
    item: &OpenItem,
    result: PhaseResult,
    decision: Decision,
) -> CycleEvent {
    match item.action {
        GuidanceAction::RunTechnicalPhase => CycleEvent::TechnicalPhaseRun(PhaseRun {
            phase: item.phase.unwrap_or(TechnicalPhase::Laboratory),
            result,
            summary: String::new(),
        }),
        GuidanceAction::ResolveObjection => CycleEvent::ObjectionResolved {
            id: item.objection.clone().unwrap_or_default(),
            resolution: "settled".into(),
        },
        GuidanceAction::ClientDecision => CycleEvent::ClientDecided { decision },
        GuidanceAction::Advance | GuidanceAction::StartNextIteration => CycleEvent::Advance {
            to: sale.stage().next(),
        },
        _ => match item.step {
            Some(step) => step_event(sale, step),
            None => CycleEvent::LessonLearned {
                lesson: "noted".into(),
            },
        },
    }
}

/// Applies `event` at `hours` and panics with the refusal if refused.
pub fn accept(sale: &mut TechnicalSale, hours: i64, event: CycleEvent) {
    if let Err(e) = sale.apply(entry(hours, event.clone())) {
        panic!("{event:?} was refused: {e}");
    }
}

/// Does every required step of the current stage, in order, then ends the
/// stage (with agreement at resolving concerns). Returns the next free hour.
pub fn finish_stage(sale: &mut TechnicalSale, mut hours: i64) -> i64 {
    let stage = sale.stage();
    let required: Vec<Step> = sale.variant().required_steps(stage).collect();
    for step in required {
        while !sale.is_done(step) {
            let event = step_event(sale, step);
            accept(sale, hours, event);
            hours += 1;
        }
    }
    let end = if stage == techsales::cycle::Stage::ResolvingConcerns {
        CycleEvent::ClientDecided {
            decision: Decision::Agreement,
        }
    } else {
        CycleEvent::Advance { to: stage.next() }
    };
    accept(sale, hours, end);
    hours + 1
}

/// Records `step` with a well-formed event at `hours`.
pub fn do_step(sale: &mut TechnicalSale, hours: i64, step: Step) {
    let event = step_event(sale, step);
    accept(sale, hours, event);
}
