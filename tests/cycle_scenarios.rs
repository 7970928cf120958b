//! Hand-checked cases of the five-stage technical-sale cycle: the built-in
//! variants, each kind of refusal, variant loading and the document format.

#[path = "support/cycle_fixtures.rs"]
mod fixtures;

use fixtures::*;
use techsales::config::ConfigError;
use techsales::customer::CustomerType;
use techsales::cycle::{
    CycleError, CycleEvent, CycleVariant, CycleVariants, Decision, GuidanceAction, InvestmentCheck,
    KnowledgeArea, Outcome, PhaseResult, ReplayError, Stage, Step, StepRequirement, TechnicalPhase,
    TechnicalSale, VisitQuestion,
};
use techsales::journal::{Entry, OutOfOrder};
use techsales::Labelled;

fn strategic() -> TechnicalSale {
    TechnicalSale::for_customer_type(CustomerType::Strategic)
}

/// Applies `event` expecting a refusal; checks that nothing changed.
fn refuse(sale: &mut TechnicalSale, hours: i64, event: CycleEvent) -> CycleError {
    let before = serde_json::to_string(sale).unwrap();
    let err = sale.apply(entry(hours, event)).unwrap_err();
    assert_eq!(serde_json::to_string(sale).unwrap(), before);
    err
}

#[test]
fn built_in_variants_follow_the_domain_choices() {
    use StepRequirement::*;
    let v = |t| CycleVariant::default_for(t);

    let strategic = v(CustomerType::Strategic);
    assert_eq!(strategic.requirement(Step::JointTeam), Required);
    assert_eq!(strategic.requirement(Step::InvestmentCheck), Skipped);
    for &step in Stage::Evolution.steps() {
        assert_eq!(strategic.requirement(step), Required);
    }
    assert_eq!(strategic.latest_start_phase, TechnicalPhase::Laboratory);

    let loyal = v(CustomerType::Loyal);
    assert_eq!(loyal.latest_start_phase, TechnicalPhase::Plant);
    assert_eq!(loyal.requirement(Step::JointTeam), Optional);
    for &step in Stage::Evolution.steps() {
        assert_eq!(loyal.requirement(step), Required);
    }

    let opportunity = v(CustomerType::Opportunity);
    assert_eq!(opportunity.requirement(Step::TechnicalEvaluation), Required);
    assert_eq!(opportunity.requirement(Step::EconomicEvaluation), Required);
    assert_eq!(opportunity.requirement(Step::Accompaniment), Required);

    let taker = v(CustomerType::MarketTaker);
    assert_eq!(taker.requirement(Step::InvestmentCheck), Required);
    assert_eq!(taker.requirement(Step::TechnicalEvaluation), Optional);
    assert_eq!(taker.requirement(Step::EconomicEvaluation), Required);
    assert_eq!(
        taker.required_steps(Stage::Evolution).collect::<Vec<_>>(),
        vec![Step::ConditionsVerification]
    );

    for &t in CustomerType::ALL {
        assert_eq!(v(t).customer_type, t);
        assert_eq!(v(t).steps.len(), Step::ALL.len());
        assert!(TechnicalSale::new(v(t)).is_ok());
    }
}

#[test]
fn a_visit_plan_with_a_question_unanswered_is_refused_naming_it() {
    let mut sale = strategic();
    accept(&mut sale, 0, CycleEvent::KnowledgeGathered(knowledge()));
    let mut plan = visit_plan();
    plan.answers.remove(&VisitQuestion::Why);
    plan.answers.insert(VisitQuestion::HowMuch, "  ".into());
    let err = refuse(&mut sale, 1, CycleEvent::VisitPlanned(plan));
    assert_eq!(
        err,
        CycleError::VisitPlanIncomplete {
            unanswered: vec![VisitQuestion::HowMuch, VisitQuestion::Why]
        }
    );
}

#[test]
fn knowledge_must_cover_every_area_and_both_swots() {
    let mut sale = strategic();
    let mut k = knowledge();
    k.areas.remove(&KnowledgeArea::Competition);
    let err = refuse(&mut sale, 0, CycleEvent::KnowledgeGathered(k));
    assert_eq!(
        err,
        CycleError::KnowledgeIncomplete {
            missing: vec![KnowledgeArea::Competition]
        }
    );
    let mut k = knowledge();
    k.competition_swot.threats.clear();
    let err = refuse(&mut sale, 0, CycleEvent::KnowledgeGathered(k));
    assert_eq!(
        err,
        CycleError::Blank {
            field: "knowledge.competition_swot.threats".into()
        }
    );
}

#[test]
fn steps_wait_for_their_required_prerequisites() {
    let mut sale = strategic();
    let err = refuse(&mut sale, 0, CycleEvent::InterviewHeld(interview()));
    assert_eq!(
        err,
        CycleError::PrerequisitesMissing {
            step: Step::Interview,
            missing: vec![Step::VisitPlanning]
        }
    );
    let err = refuse(&mut sale, 0, CycleEvent::VisitPlanned(visit_plan()));
    assert_eq!(
        err,
        CycleError::PrerequisitesMissing {
            step: Step::VisitPlanning,
            // The investment check is skipped for strategic customers.
            missing: vec![Step::Knowledge]
        }
    );
}

#[test]
fn an_event_of_another_stage_names_the_stage_expected() {
    let mut sale = strategic();
    let err = refuse(&mut sale, 0, CycleEvent::FrameworkAgreed(framework()));
    assert_eq!(
        err,
        CycleError::WrongStage {
            expected: Stage::EvaluatingOptions,
            current: Stage::RecognitionOfNeeds
        }
    );
    let err = refuse(
        &mut sale,
        0,
        CycleEvent::Advance {
            to: Stage::ResolvingConcerns,
        },
    );
    assert_eq!(
        err,
        CycleError::UnexpectedTarget {
            current: Stage::RecognitionOfNeeds,
            expected: Stage::EvaluatingOptions,
            given: Stage::ResolvingConcerns
        }
    );
}

#[test]
fn a_skipped_step_is_refused() {
    let mut sale = TechnicalSale::for_customer_type(CustomerType::Loyal);
    let h = 0;
    do_step(&mut sale, h, Step::Knowledge);
    let err = refuse(
        &mut sale,
        h + 1,
        CycleEvent::InvestmentChecked(InvestmentCheck {
            worth_investing: true,
            reason: "steady buyer".into(),
        }),
    );
    assert_eq!(
        err,
        CycleError::StepSkipped {
            step: Step::InvestmentCheck,
            customer_type: CustomerType::Loyal
        }
    );
}

#[test]
fn technical_phases_run_in_order_from_the_variants_latest_start() {
    use PhaseResult::*;
    use TechnicalPhase::*;

    // Strategic: laboratory first.
    let mut sale = strategic();
    let mut h = finish_stage(&mut sale, 0);
    accept(&mut sale, h, CycleEvent::FrameworkAgreed(framework()));
    accept(&mut sale, h, CycleEvent::JointTeamFormed(joint_team()));
    h += 1;
    let err = refuse(&mut sale, h, run(PilotPlant, Passed));
    assert_eq!(
        err,
        CycleError::PhaseOutOfOrder {
            phase: PilotPlant,
            allowed: vec![Laboratory]
        }
    );
    accept(&mut sale, h, run(Laboratory, Failed));
    let err = refuse(&mut sale, h, run(PilotPlant, Passed));
    assert_eq!(
        err,
        CycleError::PhaseOutOfOrder {
            phase: PilotPlant,
            allowed: vec![Laboratory]
        }
    );
    accept(&mut sale, h, run(Laboratory, Adjusted));
    let err = refuse(&mut sale, h, run(Plant, Passed));
    assert_eq!(
        err,
        CycleError::PhaseOutOfOrder {
            phase: Plant,
            allowed: vec![Laboratory, PilotPlant]
        }
    );
    accept(&mut sale, h, run(PilotPlant, Passed));
    assert!(!sale.is_done(Step::TechnicalEvaluation));
    accept(&mut sale, h, run(Plant, Passed));
    assert!(sale.is_done(Step::TechnicalEvaluation));
    let err = refuse(&mut sale, h, run(Plant, Passed));
    assert_eq!(
        err,
        CycleError::AlreadyDone {
            step: Step::TechnicalEvaluation
        }
    );

    // Loyal: known products may start at the plant trial.
    let mut sale = TechnicalSale::for_customer_type(CustomerType::Loyal);
    let h = finish_stage(&mut sale, 0);
    accept(&mut sale, h, CycleEvent::FrameworkAgreed(framework()));
    accept(&mut sale, h, run(Plant, Passed));
    assert!(sale.is_done(Step::TechnicalEvaluation));
}

#[test]
fn economics_before_the_technical_results_are_refused() {
    let mut sale = strategic();
    let h = finish_stage(&mut sale, 0);
    accept(&mut sale, h, CycleEvent::FrameworkAgreed(framework()));
    accept(&mut sale, h, CycleEvent::JointTeamFormed(joint_team()));
    let err = refuse(
        &mut sale,
        h,
        CycleEvent::EconomicEvaluated(economics(&texts(&["A", "B"]))),
    );
    assert_eq!(
        err,
        CycleError::PrerequisitesMissing {
            step: Step::EconomicEvaluation,
            missing: vec![Step::TechnicalEvaluation]
        }
    );
}

#[test]
fn the_economic_evaluation_must_cover_every_option_built_with_the_client() {
    let mut sale = TechnicalSale::for_customer_type(CustomerType::MarketTaker);
    let mut h = 0;
    for step in [Step::Knowledge, Step::InvestmentCheck, Step::VisitPlanning] {
        let event = step_event(&sale, step);
        accept(&mut sale, h, event);
        h += 1;
    }
    accept(&mut sale, h, CycleEvent::InterviewHeld(interview()));
    accept(
        &mut sale,
        h,
        CycleEvent::Advance {
            to: Stage::EvaluatingOptions,
        },
    );
    // Market-takers may go straight to the economics (price-led path).
    let err = refuse(
        &mut sale,
        h,
        CycleEvent::EconomicEvaluated(economics(&texts(&["A"]))),
    );
    assert_eq!(
        err,
        CycleError::OptionsNotEvaluated {
            options: texts(&["B"])
        }
    );
    accept(
        &mut sale,
        h,
        CycleEvent::EconomicEvaluated(economics(&texts(&["A", "B"]))),
    );
    let mut bad = economics(&texts(&["A", "B"]));
    bad.options[1].option = " ".into();
    let err = refuse(&mut sale, h, CycleEvent::EconomicEvaluated(bad));
    assert_eq!(
        err,
        CycleError::Blank {
            field: "economic_evaluation.options[1].option".into()
        }
    );
    accept(
        &mut sale,
        h,
        CycleEvent::Advance {
            to: Stage::ResolvingConcerns,
        },
    );
}

#[test]
fn the_decision_waits_for_objections_and_required_steps() {
    let mut sale = strategic();
    let mut h = finish_stage(&mut sale, 0);
    h = finish_stage(&mut sale, h);
    assert_eq!(sale.stage(), Stage::ResolvingConcerns);
    let decide = CycleEvent::ClientDecided {
        decision: Decision::Agreement,
    };
    let err = refuse(&mut sale, h, decide.clone());
    assert_eq!(
        err,
        CycleError::StepsMissing {
            stage: Stage::ResolvingConcerns,
            missing: vec![Step::Presentation, Step::ResponsibilitiesAndGuarantees]
        }
    );
    let err = refuse(
        &mut sale,
        h,
        CycleEvent::Advance {
            to: Stage::Implementation,
        },
    );
    assert_eq!(err, CycleError::DecisionRequired);

    do_step(&mut sale, h, Step::Presentation);
    do_step(&mut sale, h, Step::ResponsibilitiesAndGuarantees);
    let raise = |id: &str| CycleEvent::ObjectionRaised {
        id: id.into(),
        text: "delivery risk".into(),
    };
    accept(&mut sale, h, raise("o1"));
    accept(&mut sale, h, raise("o2"));
    let err = refuse(&mut sale, h, raise("o1"));
    assert_eq!(err, CycleError::DuplicateObjection { id: "o1".into() });
    let resolve = |id: &str| CycleEvent::ObjectionResolved {
        id: id.into(),
        resolution: "stock on site".into(),
    };
    accept(&mut sale, h, resolve("o2"));
    let err = refuse(&mut sale, h, resolve("o2"));
    assert_eq!(
        err,
        CycleError::ObjectionAlreadyResolved { id: "o2".into() }
    );
    let err = refuse(&mut sale, h, resolve("o9"));
    assert_eq!(err, CycleError::UnknownObjection { id: "o9".into() });
    let err = refuse(&mut sale, h, decide.clone());
    assert_eq!(
        err,
        CycleError::ObjectionsOpen {
            open: texts(&["o1"])
        }
    );
    accept(&mut sale, h, resolve("o1"));
    accept(&mut sale, h, decide);
    assert_eq!(sale.stage(), Stage::Implementation);
    assert_eq!(sale.outcome(), Outcome::Agreement);
}

#[test]
fn no_agreement_ends_the_cycle_lost() {
    let mut sale = TechnicalSale::for_customer_type(CustomerType::Opportunity);
    let mut h = finish_stage(&mut sale, 0);
    h = finish_stage(&mut sale, h);
    do_step(&mut sale, h, Step::Presentation);
    do_step(&mut sale, h, Step::ResponsibilitiesAndGuarantees);
    accept(
        &mut sale,
        h,
        CycleEvent::ClientDecided {
            decision: Decision::NoAgreement,
        },
    );
    assert_eq!(sale.outcome(), Outcome::NoAgreement);
    assert!(sale.is_closed());
    assert!(sale.guidance().items.is_empty());
    let err = refuse(
        &mut sale,
        h + 1,
        CycleEvent::LessonLearned {
            lesson: "too late".into(),
        },
    );
    assert_eq!(
        err,
        CycleError::Closed {
            outcome: Outcome::NoAgreement
        }
    );
}

#[test]
fn a_deal_may_be_modified_or_cancelled_only_during_implementation() {
    let mut sale = strategic();
    let mut h = 0;
    for _ in 0..3 {
        h = finish_stage(&mut sale, h);
    }
    assert_eq!(sale.stage(), Stage::Implementation);
    accept(
        &mut sale,
        h,
        CycleEvent::DealModified {
            change: "lower dose".into(),
        },
    );
    assert_eq!(sale.modifications().collect::<Vec<_>>(), ["lower dose"]);
    let cancel = CycleEvent::DealCancelled {
        reason: "plant closed".into(),
    };
    let mut later = sale.clone();
    h = finish_stage(&mut later, h);
    let err = refuse(&mut later, h, cancel.clone());
    assert_eq!(
        err,
        CycleError::WrongStage {
            expected: Stage::Implementation,
            current: Stage::Evolution
        }
    );
    accept(&mut sale, h, cancel);
    assert_eq!(sale.outcome(), Outcome::Cancelled);
    assert!(sale.is_closed());
}

#[test]
fn two_iterations_count_and_carry_lessons() {
    let mut sale = TechnicalSale::for_customer_type(CustomerType::Loyal);
    let mut h = 0;
    for iteration in 1..=2u32 {
        assert_eq!(sale.iteration(), iteration);
        for _ in 0..4 {
            h = finish_stage(&mut sale, h);
        }
        accept(
            &mut sale,
            h,
            CycleEvent::LessonLearned {
                lesson: format!("lesson {iteration}"),
            },
        );
        h = finish_stage(&mut sale, h);
        assert_eq!(sale.stage(), Stage::RecognitionOfNeeds);
        assert_eq!(sale.completed_iterations(), iteration);
        assert_eq!(sale.outcome(), Outcome::Pending);
        assert!(!sale.is_done(Step::Knowledge));
    }
    let lessons: Vec<(u32, &str)> = sale
        .lessons()
        .iter()
        .map(|l| (l.iteration, l.text))
        .collect();
    assert_eq!(lessons, vec![(1, "lesson 1"), (2, "lesson 2")]);
    assert_eq!(
        TechnicalSale::replay(sale.variant().clone(), sale.journal().clone()),
        Ok(sale)
    );
}

#[test]
fn events_dated_before_the_last_one_are_refused() {
    let mut sale = strategic();
    accept(&mut sale, 10, CycleEvent::KnowledgeGathered(knowledge()));
    let err = refuse(&mut sale, 9, CycleEvent::VisitPlanned(visit_plan()));
    assert_eq!(
        err,
        CycleError::OutOfOrder(OutOfOrder {
            last: at(10),
            given: at(9)
        })
    );
    // The same time is fine.
    accept(&mut sale, 10, CycleEvent::VisitPlanned(visit_plan()));
}

#[test]
fn a_step_with_an_artefact_cannot_be_completed_with_a_summary() {
    let mut sale = strategic();
    let err = refuse(
        &mut sale,
        0,
        CycleEvent::StepCompleted {
            step: Step::Knowledge,
            summary: "done".into(),
        },
    );
    assert_eq!(
        err,
        CycleError::ArtefactRequired {
            step: Step::Knowledge
        }
    );
}

#[test]
fn guidance_lists_the_open_steps_and_what_ends_the_stage() {
    let mut sale = TechnicalSale::for_customer_type(CustomerType::MarketTaker);
    let g = sale.guidance();
    assert_eq!(g.stage, Stage::RecognitionOfNeeds);
    assert_eq!(g.iteration, 1);
    let listed: Vec<(Option<Step>, StepRequirement, bool)> = g
        .items
        .iter()
        .map(|i| (i.step, i.requirement, i.ready))
        .collect();
    use StepRequirement::*;
    assert_eq!(
        listed,
        vec![
            (Some(Step::Knowledge), Required, true),
            (Some(Step::InvestmentCheck), Required, false),
            (Some(Step::VisitPlanning), Required, false),
            (Some(Step::Interview), Optional, false),
            (None, Required, false),
        ]
    );
    assert_eq!(g.items[4].action, GuidanceAction::Advance);
    assert!(g
        .items
        .iter()
        .all(|i| !i.text.en.is_empty() && !i.text.zh.is_empty()));

    // The loyal variant offers every phase up to the plant as a start.
    let mut loyal = TechnicalSale::for_customer_type(CustomerType::Loyal);
    let h = finish_stage(&mut loyal, 0);
    accept(&mut loyal, h, CycleEvent::FrameworkAgreed(framework()));
    let phases: Vec<TechnicalPhase> = loyal
        .guidance()
        .items
        .iter()
        .filter_map(|i| i.phase)
        .collect();
    assert_eq!(phases, TechnicalPhase::ALL.to_vec());

    // In evolution the stage ends by starting the next iteration.
    let mut h = 0;
    for _ in 0..4 {
        h = finish_stage(&mut sale, h);
    }
    assert_eq!(sale.stage(), Stage::Evolution);
    let last = sale.guidance().items.pop().unwrap();
    assert_eq!(last.action, GuidanceAction::StartNextIteration);
    assert!(!last.ready);
    do_step(&mut sale, h, Step::ConditionsVerification);
    assert!(sale.guidance().items.pop().unwrap().ready);
}

#[test]
fn a_variant_missing_a_step_is_refused_naming_the_field() {
    let mut variant = CycleVariant::default_for(CustomerType::Opportunity);
    variant.steps.remove(&Step::Interview);
    let json = serde_json::to_string(&variant).unwrap();
    let err = CycleVariant::from_json(&json).unwrap_err();
    assert!(matches!(err, ConfigError::Invalid { ref field, .. } if field == "steps.interview"));
    assert!(TechnicalSale::new(variant.clone()).is_err());
    assert!(matches!(
        TechnicalSale::replay(variant, Default::default()),
        Err(ReplayError::Variant(_))
    ));
}

#[test]
fn a_variant_with_a_bad_value_is_refused_naming_the_field() {
    let good = serde_json::to_string(&CycleVariant::default_for(CustomerType::Loyal)).unwrap();
    assert_eq!(
        CycleVariant::from_json(&good).unwrap(),
        CycleVariant::default_for(CustomerType::Loyal)
    );

    let bad_requirement = good.replace("\"interview\":\"required\"", "\"interview\":\"maybe\"");
    assert_ne!(bad_requirement, good);
    let err = CycleVariant::from_json(&bad_requirement).unwrap_err();
    assert!(matches!(err, ConfigError::Json { ref message } if message.contains("maybe")));

    let unknown_step = good.replace("\"interview\":", "\"interveiw\":");
    let err = CycleVariant::from_json(&unknown_step).unwrap_err();
    assert!(matches!(err, ConfigError::Json { ref message } if message.contains("interveiw")));

    let unknown_field = good.replacen('{', "{\"loops\":true,", 1);
    let err = CycleVariant::from_json(&unknown_field).unwrap_err();
    assert!(matches!(err, ConfigError::Json { ref message } if message.contains("loops")));

    let mut all_skipped = CycleVariant::default_for(CustomerType::Loyal);
    for &step in Stage::ResolvingConcerns.steps() {
        all_skipped.steps.insert(step, StepRequirement::Skipped);
    }
    let err = CycleVariant::from_json(&serde_json::to_string(&all_skipped).unwrap()).unwrap_err();
    assert!(matches!(err, ConfigError::Invalid { ref field, ref reason }
        if field == "steps" && reason.contains("resolving_concerns")));
}

#[test]
fn the_variant_set_loads_partially_and_checks_each_type() {
    let mut custom = CycleVariant::default_for(CustomerType::MarketTaker);
    custom
        .steps
        .insert(Step::TechnicalEvaluation, StepRequirement::Skipped);
    let json = format!(
        "{{\"market_taker\":{}}}",
        serde_json::to_string(&custom).unwrap()
    );
    let set = CycleVariants::from_json(&json).unwrap();
    assert_eq!(set.get(CustomerType::MarketTaker), &custom);
    assert_eq!(
        set.get(CustomerType::Strategic),
        &CycleVariant::default_for(CustomerType::Strategic)
    );

    let mismatched = format!("{{\"loyal\":{}}}", serde_json::to_string(&custom).unwrap());
    let err = CycleVariants::from_json(&mismatched).unwrap_err();
    assert!(
        matches!(err, ConfigError::Invalid { ref field, .. } if field == "loyal.customer_type")
    );

    let mut broken = CycleVariant::default_for(CustomerType::Opportunity);
    broken.steps.remove(&Step::AfterSales);
    let json = format!(
        "{{\"opportunity\":{}}}",
        serde_json::to_string(&broken).unwrap()
    );
    let err = CycleVariants::from_json(&json).unwrap_err();
    assert!(
        matches!(err, ConfigError::Invalid { ref field, .. } if field == "opportunity.steps.after_sales")
    );
}

#[test]
fn an_unknown_format_version_is_refused() {
    let sale = strategic();
    let json = serde_json::to_string(&sale).unwrap();
    assert!(json.starts_with("{\"format_version\":2,"));
    let future = json.replacen("\"format_version\":2", "\"format_version\":3", 1);
    let err = serde_json::from_str::<TechnicalSale>(&future).unwrap_err();
    assert!(err.to_string().contains("format version 3"), "{err}");
}

#[test]
fn events_have_a_stable_json_shape() {
    let event: CycleEvent =
        serde_json::from_str(r#"{"event":"advance","to":"evaluating_options"}"#).unwrap();
    assert_eq!(
        event,
        CycleEvent::Advance {
            to: Stage::EvaluatingOptions
        }
    );
    let event: CycleEvent = serde_json::from_str(
        r#"{"event":"technical_phase_run","phase":"pilot_plant","result":"adjusted"}"#,
    )
    .unwrap();
    assert_eq!(
        event,
        run(TechnicalPhase::PilotPlant, PhaseResult::Adjusted)
    );
    assert_eq!(event.kind().key(), "technical_phase_run");
    // A misspelt field inside an artefact is refused, not ignored.
    let typo = r#"{"event":"technical_phase_run","phase":"plant","result":"passed","sumary":"x"}"#;
    assert!(serde_json::from_str::<CycleEvent>(typo).is_err());
    let extra = r#"{"event":"advance","to":"evolution","force":true}"#;
    assert!(serde_json::from_str::<CycleEvent>(extra).is_err());

    let e = Entry::new(
        at(0),
        "ana",
        CycleEvent::ClientDecided {
            decision: Decision::Agreement,
        },
    )
    .with_note("signed");
    assert_eq!(
        serde_json::to_string(&e).unwrap(),
        r#"{"at":"2026-01-05T08:00:00Z","actor":"ana","event":{"event":"client_decided","decision":"agreement"},"note":"signed"}"#
    );
}

#[test]
fn refusals_explain_themselves_in_words() {
    let err = CycleError::StepsMissing {
        stage: Stage::RecognitionOfNeeds,
        missing: vec![Step::Knowledge, Step::Interview],
    };
    assert_eq!(
        err.to_string(),
        "Recognition of needs cannot end yet: required steps not done: Knowledge and SWOT, Needs interview"
    );
    let err = CycleError::WrongStage {
        expected: Stage::Implementation,
        current: Stage::Evolution,
    };
    assert_eq!(
        err.to_string(),
        "this event belongs to the stage Implementation, but the deal is in Evolution (follow-up and verification)"
    );
}

#[test]
fn every_cycle_enum_has_both_labels_and_unique_codes() {
    fn check<T: Labelled + Copy>(all: &[T], code: fn(T) -> u32) {
        let mut codes: Vec<u32> = all.iter().map(|v| code(*v)).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        for v in all {
            assert!(!v.label_en().is_empty() && !v.label_zh().is_empty());
        }
    }
    check(Stage::ALL, Stage::code);
    check(Step::ALL, Step::code);
    check(StepRequirement::ALL, StepRequirement::code);
    check(Outcome::ALL, Outcome::code);
    check(Decision::ALL, Decision::code);
    check(TechnicalPhase::ALL, TechnicalPhase::code);
    check(PhaseResult::ALL, PhaseResult::code);
    check(VisitQuestion::ALL, VisitQuestion::code);
    check(KnowledgeArea::ALL, KnowledgeArea::code);
    check(GuidanceAction::ALL, GuidanceAction::code);
    check(
        techsales::cycle::EventKind::ALL,
        techsales::cycle::EventKind::code,
    );
    check(techsales::cycle::Scope::ALL, techsales::cycle::Scope::code);
    for &step in Step::ALL {
        assert!(step.stage().steps().contains(&step));
        for p in step.prerequisites() {
            assert_eq!(p.stage(), step.stage(), "{step:?} waits for {p:?}");
        }
    }
}

#[test]
fn an_event_without_an_actor_is_refused_and_changes_nothing() {
    let mut sale = techsales::cycle::TechnicalSale::for_customer_type(
        techsales::customer::CustomerType::Loyal,
    );
    let before = sale.clone();
    let entry = techsales::journal::Entry::new(
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 1, 5, 9, 0, 0).unwrap(),
        "   ",
        techsales::cycle::CycleEvent::Advance {
            to: techsales::cycle::Stage::EvaluatingOptions,
        },
    );
    let err = sale.apply(entry).unwrap_err();
    assert!(err.to_string().contains("actor"), "{err}");
    assert_eq!(sale, before);
}

/// Buyer behaviour shapes the cycle: shaping only ever makes steps
/// required, and each behaviour requires what it buys on.
#[test]
fn buyer_behaviour_shapes_the_variant_without_skipping_anything() {
    use techsales::config::Validate;
    use techsales::customer::{BuyerBehaviour, CustomerType};
    use techsales::cycle::{CycleVariant, Step, StepRequirement, TechnicalPhase};
    for &ty in CustomerType::ALL {
        let base = CycleVariant::default_for(ty);
        for &behaviour in BuyerBehaviour::ALL {
            let shaped = base.clone().shaped_for(behaviour);
            assert_eq!(shaped.validate(), Ok(()));
            for &step in Step::ALL {
                if base.requirement(step) == StepRequirement::Required {
                    assert_eq!(
                        shaped.requirement(step),
                        StepRequirement::Required,
                        "{ty:?} {behaviour:?} {step:?}"
                    );
                }
            }
            let must: &[Step] = match behaviour {
                BuyerBehaviour::ChangeAgent => {
                    &[Step::TechnicalEvaluation, Step::PerformanceEvaluation]
                }
                BuyerBehaviour::CommodityBuyer => &[Step::EconomicEvaluation, Step::Presentation],
                BuyerBehaviour::VerticalMarket => &[Step::Knowledge, Step::EvaluationFramework],
            };
            for &step in must {
                assert_eq!(
                    shaped.requirement(step),
                    StepRequirement::Required,
                    "{ty:?} {behaviour:?} {step:?}"
                );
            }
            if behaviour == BuyerBehaviour::ChangeAgent {
                assert!(shaped.latest_start_phase <= TechnicalPhase::PilotPlant);
            }
        }
    }
    // The loyal variant may start at the plant, but not for a change agent.
    let loyal = CycleVariant::default_for(CustomerType::Loyal);
    assert_eq!(loyal.latest_start_phase, TechnicalPhase::Plant);
    assert_eq!(
        loyal
            .shaped_for(BuyerBehaviour::ChangeAgent)
            .latest_start_phase,
        TechnicalPhase::PilotPlant
    );
}
