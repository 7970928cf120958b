//! The key-account rules as sources 002 and 003 state them: a forced node
//! stays costly, entering early raises the chance, and buying influences
//! with power weigh on the chance and are warned of.

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

use techsales::grading::Grade;
use techsales::journal::Entry;
use techsales::key_account::{
    win_probability, win_probability_value, Attitude, BuyingInfluence, BuyingRole, FactorKind,
    InfluenceDegree, KeyAccountEvent, KeyAccountProcess, KeyNode, ProcessDefinition,
    ProcurementStep, Stage, ECONOMIC_BUYER_GUIDANCE,
};
use techsales::labels::Labelled;
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

fn observe(p: &mut KeyAccountProcess, def: &ProcessDefinition, hours: i64, step: ProcurementStep) {
    apply(
        p,
        def,
        hours,
        KeyAccountEvent::ProcurementStepObserved { step },
    );
}

fn any_step() -> impl Strategy<Value = ProcurementStep> {
    proptest::sample::select(ProcurementStep::ALL)
}

proptest! {
    /// Source 003: "the earlier the salesperson enters the project sales,
    /// the greater the probability of success". The customer's step seen
    /// while we are still in development is where we entered: a later step
    /// never gives a higher chance, entering at the internal demand keeps
    /// the whole chance and entering while the customer is bidding costs
    /// the most; the explanation names the step.
    #[test]
    fn entering_earlier_never_gives_a_lower_probability(a in any_step(), b in any_step()) {
        let def = ProcessDefinition::default();
        let (early, late) = if a <= b { (a, b) } else { (b, a) };
        let chance = |step| {
            let mut p = KeyAccountProcess::new(opened());
            observe(&mut p, &def, 1, step);
            prop_assert_eq!(p.state().entry_step(), Some(step));
            let w = win_probability(p.state(), &def);
            prop_assert_eq!(w.value, win_probability_value(p.state(), &def));
            prop_assert!(w.factors.iter().any(|f| f.kind() == FactorKind::EntryStep));
            let text = w.explain(Language::English);
            prop_assert!(text.contains(&step.label_en().to_lowercase()), "{}", text);
            Ok(w.value)
        };
        let (early_p, late_p) = (chance(early)?, chance(late)?);
        prop_assert!(early_p >= late_p, "{early:?} {early_p} < {late:?} {late_p}");
        let base = def.base_probability(Stage::Development);
        prop_assert_eq!(chance(ProcurementStep::InternalDemand)?, base);
        prop_assert!(chance(ProcurementStep::BiddingAndEvaluation)? <= late_p.max(early_p));
    }

    /// Source 003 (early entry): the entry step is the one seen while we
    /// are still in development; a step first seen after we moved on says
    /// where the customer is now, not where it was when we entered, so it
    /// is unknown and no entry factor applies. Later observations never
    /// change the entry step.
    #[test]
    fn the_entry_step_is_only_taken_in_development(first in any_step(), later in any_step()) {
        let def = ProcessDefinition::default();
        let mut seen_early = KeyAccountProcess::new(opened());
        observe(&mut seen_early, &def, 1, first);
        observe(&mut seen_early, &def, 2, later);
        prop_assert_eq!(seen_early.state().entry_step(), Some(first));

        let mut seen_late = forced_into_sales_entry(&def);
        observe(&mut seen_late, &def, 2, first);
        prop_assert_eq!(seen_late.state().entry_step(), None);
        let w = win_probability(seen_late.state(), &def);
        prop_assert!(w.factors.iter().all(|f| f.kind() != FactorKind::EntryStep));
    }
}

/// Source 003 (early entry): the factors are configurable; a later step
/// may not be given a higher factor than an earlier one, and the refusal
/// names the field.
#[test]
fn early_entry_factors_load_from_json_with_the_bad_field_named() {
    let def =
        ProcessDefinition::from_json(r#"{"early_entry": {"supplier_screening": 0.8}}"#).unwrap();
    assert_eq!(def.early_entry.get(ProcurementStep::SupplierScreening), 0.8);
    assert_eq!(def.early_entry.get(ProcurementStep::InternalDemand), 1.0);
    let e = ProcessDefinition::from_json(r#"{"early_entry": {"installation": 0.9}}"#).unwrap_err();
    assert!(e.to_string().contains("early_entry.installation"), "{e}");
}

fn buyer(id: &str, role: BuyingRole, influence: InfluenceDegree) -> BuyingInfluence {
    BuyingInfluence::new(id, format!("Person {id}"), role, influence)
}

fn record(
    p: &mut KeyAccountProcess,
    def: &ProcessDefinition,
    hours: i64,
    contact: BuyingInfluence,
) {
    apply(
        p,
        def,
        hours,
        KeyAccountEvent::ContactRecorded {
            contact: Box::new(contact),
        },
    );
}

fn power_role() -> impl Strategy<Value = BuyingRole> {
    proptest::sample::select(
        &[
            BuyingRole::EconomicBuyer,
            BuyingRole::TechnicalBuyer,
            BuyingRole::UserBuyer,
        ][..],
    )
}

proptest! {
    /// Source 002: the technical buyer "can give a final no", the economic
    /// buyer the final yes or no. The diagnosis warns of the veto for each
    /// high-influence economic, technical or user buyer who is opposed or
    /// not met, naming them, in English and Chinese; a met, not opposed
    /// one, a low-influence one or a coach brings no warning.
    #[test]
    fn the_diagnosis_warns_of_a_veto_by_an_opposed_or_unmet_buyer_with_power(
        role in power_role(),
        met in any::<bool>(),
        opposed in any::<bool>(),
        high in any::<bool>(),
    ) {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(opened());
        let influence = if high { InfluenceDegree::High } else { InfluenceDegree::Low };
        let mut contact = buyer("x1", role, influence);
        if met {
            contact = contact.met();
        }
        if opposed {
            contact = contact.with_attitude(Attitude::Opposed);
        }
        record(&mut p, &def, 1, contact);
        record(&mut p, &def, 2, buyer("c1", BuyingRole::Coach, InfluenceDegree::High));
        let d = p.diagnose(&def);
        let warned = high && (opposed || !met);
        prop_assert_eq!(d.veto_warnings.len(), usize::from(warned));
        let en = d.report(Language::English);
        let zh = d.report(Language::Chinese);
        prop_assert_eq!(en.contains("veto risk: Person x1"), warned, "{}", en);
        prop_assert_eq!(zh.contains("否决风险"), warned, "{}", zh);
        if let Some(w) = d.veto_warnings.first() {
            prop_assert_eq!(w.role, role);
            prop_assert_eq!(w.opposed, opposed);
        }
    }

    /// Source 002, on the economic buyer: meet them at their level, bring a
    /// member of our management, make each meeting the stepping stone to
    /// the next. The diagnosis gives that guidance exactly while no
    /// economic buyer has been met.
    #[test]
    fn the_economic_buyer_guidance_is_given_until_one_is_met(met in any::<bool>(), known in any::<bool>()) {
        let def = ProcessDefinition::default();
        let mut p = KeyAccountProcess::new(opened());
        if known {
            let mut eb = buyer("e1", BuyingRole::EconomicBuyer, InfluenceDegree::Medium);
            if met {
                eb = eb.met();
            }
            record(&mut p, &def, 1, eb);
        }
        let d = p.diagnose(&def);
        let guided = !(known && met);
        prop_assert_eq!(d.economic_buyer_not_met, guided);
        let en = d.report(Language::English);
        prop_assert_eq!(en.contains(ECONOMIC_BUYER_GUIDANCE.en), guided, "{}", en);
        prop_assert_eq!(
            d.report(Language::Chinese).contains(ECONOMIC_BUYER_GUIDANCE.zh),
            guided
        );
        prop_assert!(ECONOMIC_BUYER_GUIDANCE.en.contains("management"));
        prop_assert!(ECONOMIC_BUYER_GUIDANCE.en.contains("stepping stone"));
    }
}

proptest! {
    /// Source 002: every complex sale has an economic, a technical and a
    /// user buyer, and a coach; "the more coaches you have the better",
    /// found inside and outside the customer's organisation. With the three
    /// buyer roles as key roles, "key people identified" needs a contact
    /// for each and "insiders found" a coach; each further coach, up to the
    /// rule's `full_coaches`, raises the coverage figure, which the
    /// diagnosis explains.
    #[test]
    fn key_people_need_the_three_buyer_roles_and_more_coaches_raise_coverage(
        roles in proptest::sample::subsequence(
            vec![BuyingRole::EconomicBuyer, BuyingRole::TechnicalBuyer, BuyingRole::UserBuyer],
            0..=3,
        ),
        coaches in 0usize..6,
    ) {
        let mut def = ProcessDefinition::default();
        def.coverage.key_roles = [
            BuyingRole::EconomicBuyer,
            BuyingRole::TechnicalBuyer,
            BuyingRole::UserBuyer,
        ]
        .into();
        let mut contacts: Vec<BuyingInfluence> = roles
            .iter()
            .enumerate()
            .map(|(i, &role)| buyer(&format!("b{i}"), role, InfluenceDegree::Medium))
            .collect();
        let before = def.coverage.assess(&contacts).figure();
        contacts.extend((0..coaches).map(|i| buyer(&format!("c{i}"), BuyingRole::Coach, InfluenceDegree::Low)));
        let coverage = def.coverage.assess(&contacts);
        prop_assert_eq!(coverage.key_people_identified, roles.len() == 3);
        prop_assert_eq!(coverage.insiders_found, coaches >= 1);
        let full = usize::from(def.coverage.full_coaches);
        prop_assert_eq!(coverage.figure() > before, coaches > 0);
        let one_more = {
            let mut more = contacts.clone();
            more.push(buyer("extra", BuyingRole::Coach, InfluenceDegree::Low));
            def.coverage.assess(&more).figure()
        };
        prop_assert_eq!(one_more > coverage.figure(), coaches < full);
        prop_assert!(one_more >= coverage.figure());
        prop_assert_eq!(coverage.figure() == 1.0, roles.len() == 3 && coaches >= full);

        let mut p = KeyAccountProcess::new(opened());
        for (i, c) in contacts.into_iter().enumerate() {
            record(&mut p, &def, i as i64 + 1, c);
        }
        prop_assert_eq!(
            p.state().met().contains(KeyNode::KeyPeopleIdentified),
            roles.len() == 3
        );
        let report = p.diagnose(&def).report(Language::English);
        prop_assert!(report.contains("buying-influence coverage"), "{}", report);
        prop_assert!(p.diagnose(&def).report(Language::Chinese).contains("采购影响者覆盖度"));
    }
}
