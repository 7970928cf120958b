//! Makes the bundled sample data under `examples/data/`: a portfolio of 60
//! industrial accounts, 240 opportunities (with their journals) and
//! technical-sale cycles of every customer type in every stage, a CRM
//! export in CSV made from part of it (with a few broken rows), and the
//! column mapping for that export.
//!
//! The data is made through the library's own API (customers reclassified
//! over time, actions started and completed, every deal event applied to
//! its process), from a fixed seed, so the files are the same on every run.
//! A test checks that the checked-in files are what this program makes.
//!
//! Run with `cargo run --example make_sample`.

use std::error::Error;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use techsales::customer::{
    BuyerBehaviour, Customer, CustomerType, Readiness, ReadinessCriterion, RelationshipLevel,
    Scores, WaitReason,
};
use techsales::cycle::{
    Commitments, CycleEvent, Decision, EconomicEvaluation, EvaluationFramework, Interview,
    InvestmentCheck, JointTeam, Knowledge, KnowledgeArea, OptionEconomics, PhaseResult, PhaseRun,
    Responsibilities, Scope, Stage as CycleStage, Step, StepRequirement, Swot, TechnicalPhase,
    VisitPlan, VisitQuestion,
};
use techsales::differentiation::{PlanInput, PlannerConfig};
use techsales::grading::{Factor, Grade, Grader, Opportunity, Ratings};
use techsales::journal::Entry;
use techsales::key_account::{
    Attitude, BuyingInfluence, BuyingRole, ForecastCategory, InfluenceDegree, KeyAccountEvent,
    KeyAccountProcess, KeyNode, Outcome, ProcessDefinition, ProcurementStep, Reason, Stage,
};
use techsales::portfolio::{Account, Definitions, GradingInputs, OpportunityRecord, Portfolio};
use techsales::Labelled;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// The sample's three files, as text.
pub struct Sample {
    /// The portfolio document.
    pub portfolio_json: String,
    /// The CRM export.
    pub crm_csv: String,
    /// The column mapping of the export.
    pub crm_mapping_json: String,
}

/// The directory the sample lives in.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join("data")
}

/// A small linear congruential generator: enough for sample data, and the
/// same numbers on every machine.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low + 1) as u64) as i64
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        (self.next() as f64 / (1u64 << 31) as f64) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const PREFIXES: [&str; 26] = [
    "Andes", "Baltic", "Cobalt", "Delta", "Emerald", "Fjord", "Granite", "Harbor", "Iberia",
    "Jade", "Kestrel", "Lumen", "Meridian", "Nordic", "Orion", "Pacific", "Quartz", "Ridge",
    "Sierra", "Tundra", "Umber", "Vega", "Willow", "Xenon", "Yangtze", "Zenith",
];
const SECTORS: [&str; 12] = [
    "Mining",
    "Foods",
    "Paper",
    "Chemicals",
    "Steel",
    "Cement",
    "Pharma",
    "Textiles",
    "Glass",
    "Water",
    "Energy",
    "Plastics",
];
const PRODUCTS: [&str; 10] = [
    "Pump retrofit",
    "Control valves",
    "Flow meters",
    "Heat exchangers",
    "Dosing system",
    "Filtration line",
    "Compressor upgrade",
    "Boiler controls",
    "Conveyor drives",
    "Water treatment skid",
];
const SITES: [&str; 8] = [
    "north plant",
    "line 2",
    "new warehouse",
    "expansion",
    "pilot plant",
    "head office",
    "refinery",
    "mill",
];
const OWNERS: [&str; 6] = ["li.wei", "anna.k", "marco", "chen.jie", "sofia", "tom.b"];
const PEOPLE: [&str; 12] = [
    "Wang",
    "Novak",
    "Garcia",
    "Okafor",
    "Lindqvist",
    "Tanaka",
    "Moreau",
    "Rossi",
    "Kowalski",
    "Zhou",
    "Silva",
    "Haddad",
];

fn at(y: i32, m: u32, d: u32) -> Result<DateTime<Utc>> {
    Utc.with_ymd_and_hms(y, m, d, 9, 0, 0)
        .single()
        .ok_or_else(|| "invalid date".into())
}

/// The sample's as-of moment.
fn as_of() -> Result<DateTime<Utc>> {
    Ok(Utc
        .with_ymd_and_hms(2026, 6, 30, 18, 0, 0)
        .single()
        .ok_or("invalid date")?)
}

/// Scores inside the quadrant of `t` (thresholds at 50).
fn scores_for(rng: &mut Lcg, t: CustomerType) -> Result<Scores> {
    let high = |rng: &mut Lcg| rng.between(55, 95) as f64;
    let low = |rng: &mut Lcg| rng.between(8, 45) as f64;
    let assistance = if t.assistance().is_high() {
        high(rng)
    } else {
        low(rng)
    };
    let loyalty = if t.loyalty().is_high() {
        high(rng)
    } else {
        low(rng)
    };
    Ok(Scores::new(assistance, loyalty)?)
}

/// Where an account may have come from before reaching `t`.
fn earlier_type(t: CustomerType, rng: &mut Lcg) -> CustomerType {
    match t {
        CustomerType::Strategic => *rng.pick(&[CustomerType::Opportunity, CustomerType::Loyal]),
        CustomerType::Opportunity => CustomerType::MarketTaker,
        CustomerType::Loyal => *rng.pick(&[CustomerType::MarketTaker, CustomerType::Strategic]),
        CustomerType::MarketTaker => CustomerType::Opportunity,
    }
}

fn build_accounts(rng: &mut Lcg, planner: &PlannerConfig) -> Result<Vec<Account>> {
    let thresholds = planner.thresholds;
    let as_of = as_of()?;
    let mut accounts = Vec::new();
    for i in 0..60usize {
        let id = format!("C-{:03}", i + 1);
        let name = format!("{} {}", PREFIXES[i % 26], SECTORS[(i * 7) % 12]);
        let final_type = CustomerType::ALL[(i + rng.below(2) as usize) % 4];
        let first_seen = at(2025, 1, 6)? + Duration::days(rng.between(0, 120));
        let mut customer = if i % 9 == 4 {
            // Some CRMs only record two yes/no answers.
            Customer::from_type(&id, &name, final_type, first_seen)?
        } else if rng.chance(0.45) {
            let before = earlier_type(final_type, rng);
            let mut c = Customer::from_scores(
                &id,
                &name,
                scores_for(rng, before)?,
                &thresholds,
                first_seen,
            )?;
            let moved = at(2025, 7, 1)? + Duration::days(rng.between(0, 360));
            let reason = *rng.pick(&[
                "quarterly account review",
                "joint planning started",
                "lost the framework agreement",
                "new plant manager",
                "support contract renewed",
            ]);
            c.reclassify(scores_for(rng, final_type)?, &thresholds, moved, reason)?;
            c
        } else {
            Customer::from_scores(
                &id,
                &name,
                scores_for(rng, final_type)?,
                &thresholds,
                first_seen,
            )?
        };
        customer.buyer_behaviour = Some(*rng.pick(BuyerBehaviour::ALL));
        customer.relationship = Some(*rng.pick(RelationshipLevel::ALL));
        let criteria: Vec<ReadinessCriterion> = ReadinessCriterion::ALL
            .iter()
            .copied()
            .filter(|_| rng.chance(0.5))
            .collect();
        let waits: Vec<WaitReason> = WaitReason::ALL
            .iter()
            .copied()
            .filter(|_| final_type == CustomerType::MarketTaker && rng.chance(0.35))
            .collect();
        customer.readiness = Readiness::new(criteria, waits);

        let mut account = Account::new(customer);
        let plan = planner.plan(PlanInput {
            customer_type: account.customer.customer_type(),
            scores: account.customer.scores(),
            readiness: &account.customer.readiness,
            in_progress: &[],
        });
        let started_actions = rng.below(3) as usize;
        for r in plan.recommendations().iter().take(started_actions) {
            let started = at(2025, 9, 1)? + Duration::days(rng.between(0, 270));
            account.actions.start(r.action, started)?;
            let ended = started + Duration::days(rng.between(30, 150));
            if ended < as_of && rng.chance(0.4) {
                if rng.chance(0.8) {
                    account.actions.complete(r.action, ended)?;
                } else {
                    account.actions.abandon(r.action, ended)?;
                }
            }
        }
        accounts.push(account);
    }
    Ok(accounts)
}

/// Per-stage chance that a deal of `grade` moves on rather than ending.
fn continue_chance(grade: Grade) -> f64 {
    match grade {
        Grade::A => 0.95,
        Grade::B => 0.9,
        Grade::C => 0.8,
        Grade::D => 0.7,
    }
}

struct DealWalk<'a> {
    process: KeyAccountProcess,
    definition: &'a ProcessDefinition,
    id: String,
    owner: &'static str,
    t: DateTime<Utc>,
    as_of: DateTime<Utc>,
}

impl DealWalk<'_> {
    fn apply(&mut self, event: KeyAccountEvent) -> Result<()> {
        let entry = Entry::new(self.t, self.owner, event);
        self.process.apply(self.definition, entry)?;
        Ok(())
    }

    /// Moves time on by `days`; false (and time unchanged) if that passes
    /// the as-of moment.
    fn wait(&mut self, days: i64) -> bool {
        let next = self.t + Duration::days(days);
        if next > self.as_of {
            return false;
        }
        self.t = next;
        true
    }

    fn met(&mut self, node: KeyNode, evidence: &str) -> Result<()> {
        self.apply(KeyAccountEvent::KeyNodeMet {
            node,
            evidence: evidence.into(),
            grade: None,
        })
    }

    fn observe(&mut self, step: ProcurementStep) -> Result<()> {
        self.apply(KeyAccountEvent::ProcurementStepObserved { step })
    }
}

/// A name for a contact of deal `id`, chosen by the id.
fn person(id: &str, salt: usize) -> &'static str {
    let sum: usize = id.bytes().map(usize::from).sum();
    PEOPLE[(sum + salt) % PEOPLE.len()]
}

fn stage_work(walk: &mut DealWalk<'_>, stage: Stage, rng: &mut Lcg) -> Result<bool> {
    // Sometimes the customer is seen a step ahead of us.
    let step = if rng.chance(0.2) {
        stage.next().unwrap_or(stage).procurement_step()
    } else {
        stage.procurement_step()
    };
    match stage {
        Stage::Development => {}
        Stage::SalesEntry => {
            walk.observe(step)?;
            let coach = BuyingInfluence::new(
                format!("{}-c1", walk.id),
                *rng.pick(&PEOPLE),
                BuyingRole::Coach,
                InfluenceDegree::Low,
            )
            .with_attitude(Attitude::Supportive);
            walk.apply(KeyAccountEvent::ContactRecorded {
                contact: Box::new(coach),
            })?;
            if rng.chance(0.85) {
                let buyer = BuyingInfluence::new(
                    format!("{}-e1", walk.id),
                    *rng.pick(&PEOPLE),
                    BuyingRole::EconomicBuyer,
                    InfluenceDegree::High,
                );
                let buyer = if rng.chance(0.6) { buyer.met() } else { buyer };
                walk.apply(KeyAccountEvent::ContactRecorded {
                    contact: Box::new(buyer),
                })?;
                // Source 002: the technical and the user buyer come with the
                // economic one (names picked without the generator, so
                // the rest of the book stays as it was).
                for (suffix, role, salt) in [
                    ("t1", BuyingRole::TechnicalBuyer, 1),
                    ("u1", BuyingRole::UserBuyer, 2),
                ] {
                    let contact = BuyingInfluence::new(
                        format!("{}-{suffix}", walk.id),
                        person(&walk.id, salt),
                        role,
                        InfluenceDegree::Medium,
                    )
                    .met();
                    walk.apply(KeyAccountEvent::ContactRecorded {
                        contact: Box::new(contact),
                    })?;
                }
            }
        }
        Stage::Proposal => {
            walk.observe(step)?;
            if rng.chance(0.8) {
                walk.met(
                    KeyNode::StandardsInfluenced,
                    "pilot results written into the specification",
                )?;
            }
        }
        Stage::Bidding => {
            walk.observe(step)?;
            walk.met(KeyNode::BidSubmitted, "bid handed in")?;
        }
        Stage::BusinessNegotiation => {
            walk.observe(step)?;
            walk.met(
                KeyNode::ContractApproved,
                "legal review passed on both sides",
            )?;
            if rng.chance(0.8) {
                walk.met(KeyNode::ContractSigned, "signed by the plant director")?;
            }
        }
        Stage::ProjectImplementation => {
            walk.observe(step)?;
            walk.met(KeyNode::ProjectAccepted, "site acceptance test passed")?;
        }
    }
    Ok(true)
}

fn build_portfolio(rng: &mut Lcg) -> Result<Portfolio> {
    let definitions = Definitions::default();
    let grader = Grader::new(definitions.grading.clone())?;
    let accounts = build_accounts(rng, &definitions.planner)?;
    let as_of = as_of()?;
    let mut opportunities = Vec::new();

    for n in 0..240usize {
        let account = &accounts[rng.below(accounts.len() as u64) as usize];
        let account_type = account.customer.customer_type();
        let id = format!("O-{:04}", n + 1);
        let name = format!("{}, {}", rng.pick(&PRODUCTS), rng.pick(&SITES));
        // More deals were opened recently than long ago.
        let age = rng.between(0, 540).min(rng.between(0, 540));
        let opened = as_of - Duration::days(age + 5);
        let size = match account_type {
            CustomerType::Strategic => rng.between(20, 400),
            CustomerType::Loyal | CustomerType::Opportunity => rng.between(8, 200),
            CustomerType::MarketTaker => rng.between(1, 60),
        };
        let amount_minor = size as u64 * 5_000 * 100;
        let mut expected_close = (opened + Duration::days(rng.between(30, 420))).date_naive();

        let base = match account_type {
            CustomerType::Strategic => 7.5,
            CustomerType::Loyal => 7.0,
            CustomerType::Opportunity => 6.5,
            CustomerType::MarketTaker => 5.5,
        };
        let mut ratings = Ratings::uniform(base);
        for &factor in Factor::ALL {
            let value = (base + rng.between(-30, 30) as f64 / 10.0).clamp(0.0, 10.0);
            ratings = ratings.with(factor, (value * 10.0).round() / 10.0);
        }
        let possibility = rng.between(20, 90) as f64 / 100.0;
        let grading = GradingInputs {
            ratings,
            possibility: Some(possibility),
        };
        let assessment = grader.grade(
            &Opportunity {
                ratings,
                expected_close,
                possibility: Some(possibility),
            },
            opened.date_naive(),
        )?;

        let owner = *rng.pick(&OWNERS);
        let mut walk = DealWalk {
            process: KeyAccountProcess::new(opened),
            definition: &definitions.process,
            id: id.clone(),
            owner,
            t: opened,
            as_of,
        };
        walk.observe(ProcurementStep::InternalDemand)?;
        let dormant = rng.chance(0.12);
        let gap = |rng: &mut Lcg| rng.between(7, 45) * if dormant { 3 } else { 1 };
        let outcome = walk_deal(&mut walk, rng, &assessment.grade, gap)?;
        if outcome.is_some() {
            expected_close = walk.t.date_naive();
        }
        let mut record = OpportunityRecord::new(
            id.as_str(),
            account.id(),
            name,
            amount_minor,
            expected_close,
            opened,
        );
        record.grading = Some(Box::new(grading));
        if outcome.is_none() {
            record_history(&mut walk, rng, &mut record)?;
        }
        record.process = walk.process;
        opportunities.push(record);
    }
    Ok(Portfolio::new(
        "Sample book: industrial process equipment",
        as_of,
        "EUR",
        definitions,
    )?
    .with_records(accounts, opportunities)?)
}

fn walk_deal(
    walk: &mut DealWalk<'_>,
    rng: &mut Lcg,
    grade: &Option<Grade>,
    gap: impl Fn(&mut Lcg) -> i64,
) -> Result<Option<Outcome>> {
    if !walk.wait(rng.between(1, 10)) {
        return Ok(None);
    }
    let grade = match *grade {
        Some(grade) => {
            walk.apply(KeyAccountEvent::KeyNodeMet {
                node: KeyNode::OpportunityGraded,
                evidence: "evaluation model passed".into(),
                grade: Some(grade),
            })?;
            grade
        }
        None if rng.chance(0.4) => {
            walk.apply(KeyAccountEvent::Withdrawn {
                reason: Box::new(
                    Reason::new("evaluation_failed").with_note("give up: no budget, no schedule"),
                ),
            })?;
            return Ok(Some(Outcome::Withdrawn));
        }
        None => {
            // Kept warm at a lower contact level, and looked at again later.
            let review_on = (walk.t + Duration::days(90)).date_naive();
            walk.apply(KeyAccountEvent::Nurtured {
                evidence: "failed the evaluation model: lower the contact level".into(),
                review_on,
            })?;
            if !rng.chance(0.35) || !walk.wait(90) {
                return Ok(None);
            }
            let grade = *rng.pick(&[Grade::A, Grade::B]);
            walk.apply(KeyAccountEvent::KeyNodeMet {
                node: KeyNode::OpportunityGraded,
                evidence: "re-evaluated: the project was approved".into(),
                grade: Some(grade),
            })?;
            grade
        }
    };
    if !walk.definition.policies.get(grade).enter_sales_process {
        // Only A enters the sales process; the others are maintained,
        // forced in with a reason, or re-evaluated when things change.
        let choice = rng.below(10);
        if choice < 4 {
            if choice == 0 {
                walk.apply(KeyAccountEvent::GradeSetByHand {
                    grade: Grade::A,
                    reason: "the regional director rates the account higher".into(),
                })?;
            }
            return Ok(None);
        }
        if !walk.wait(gap(rng)) {
            return Ok(None);
        }
        if choice < 7 {
            walk.apply(KeyAccountEvent::ForcedAdvance {
                reason: "strategic account: the sales director approved the effort".into(),
            })?;
        } else {
            walk.apply(KeyAccountEvent::Regraded {
                grade: Grade::A,
                evidence: "evaluation re-run: budget approved and schedule fixed".into(),
            })?;
        }
    }
    for &stage in Stage::ALL {
        if stage != Stage::Development {
            if !walk.wait(gap(rng)) {
                return Ok(None);
            }
            stage_work(walk, stage, rng)?;
        }
        if walk.process.state().stage() > stage {
            // Forced out of development above: already in sales entry.
            continue;
        }
        if !walk.wait(gap(rng)) {
            return Ok(None);
        }
        if !rng.chance(continue_chance(grade)) {
            let (event, outcome) = if rng.chance(0.75) {
                let reason = match rng.below(5) {
                    0 => Reason::new("competitor").with_competitor(*rng.pick(&[
                        "Rheinwerk",
                        "Nordpump",
                        "Kaitai",
                    ])),
                    1 => Reason::new("price").with_note("competitor won on price"),
                    2 => Reason::new("no_decision").with_note("project cancelled by the customer"),
                    3 => Reason::new("product_fit").with_note("technical solution not preferred"),
                    _ => Reason::new("no_budget").with_note("budget moved to next year"),
                };
                (
                    KeyAccountEvent::Lost {
                        reason: Box::new(reason),
                    },
                    Outcome::Lost,
                )
            } else {
                (
                    KeyAccountEvent::Withdrawn {
                        reason: Box::new(
                            Reason::new("standards_unfavourable")
                                .with_note("wait for the next project"),
                        ),
                    },
                    Outcome::Withdrawn,
                )
            };
            walk.apply(event)?;
            return Ok(Some(outcome));
        }
        if stage == Stage::BusinessNegotiation {
            return book_and_deliver(walk, rng, gap).map(Some);
        }
        let state = walk.process.state();
        let ready = state.missing_to_advance(walk.definition).is_empty()
            && state.policy_block(walk.definition).is_none();
        if ready {
            walk.apply(KeyAccountEvent::Advanced)?;
        } else {
            walk.apply(KeyAccountEvent::ForcedAdvance {
                reason: "the customer moved on before our work was done".into(),
            })?;
        }
    }
    Ok(None)
}

/// The contract is signed (late, for some) and booked; delivery follows as
/// far as the as-of date allows.
fn book_and_deliver(
    walk: &mut DealWalk<'_>,
    rng: &mut Lcg,
    gap: impl Fn(&mut Lcg) -> i64,
) -> Result<Outcome> {
    if !walk.process.state().met().contains(KeyNode::ContractSigned) {
        walk.wait(rng.between(1, 5));
        walk.met(KeyNode::ContractSigned, "signed after a last price round")?;
    }
    // A few bookings differ from the quoted amount.
    let amount_minor = rng
        .chance(0.15)
        .then(|| rng.between(5, 300) as u64 * 5_000 * 100);
    walk.apply(KeyAccountEvent::Booked {
        booked_on: walk.t.date_naive(),
        amount_minor,
    })?;
    if !walk.wait(gap(rng)) {
        return Ok(Outcome::Won);
    }
    if rng.chance(0.12) {
        walk.apply(KeyAccountEvent::DeliveryCancelled {
            reason: Box::new(
                Reason::new("no_budget").with_note("customer froze the plant upgrade"),
            ),
        })?;
        return Ok(Outcome::Won);
    }
    walk.apply(KeyAccountEvent::Advanced)?;
    stage_work(walk, Stage::ProjectImplementation, rng)?;
    if walk.wait(gap(rng)) && rng.chance(0.6) {
        walk.met(KeyNode::ProjectCompleted, "final handover signed")?;
    }
    Ok(Outcome::Won)
}

/// Later changes to an open deal, recorded as history events: the close
/// date slips when it passes, some amounts and possibilities change, some
/// deals change hands and some get a forecast category by hand.
fn record_history(
    walk: &mut DealWalk<'_>,
    rng: &mut Lcg,
    record: &mut OpportunityRecord,
) -> Result<()> {
    // Each change a day after the one before, never past the as-of date.
    let step = |walk: &mut DealWalk<'_>| {
        walk.wait(1);
    };
    let as_of = walk.as_of.date_naive();
    let mut slips = 0;
    // Open deals whose close date has passed are mostly moved on by their
    // owners; a few stay overdue.
    while let Some(close) = record.expected_close.filter(|&c| c < as_of) {
        if slips >= 3 || !rng.chance(0.8) {
            break;
        }
        let to = close + Duration::days(rng.between(20, 120));
        step(walk);
        walk.apply(KeyAccountEvent::CloseDateChanged {
            from: Some(close),
            to,
        })?;
        record.expected_close = Some(to);
        slips += 1;
    }
    if let Some(amount) = record.amount_minor.filter(|_| rng.chance(0.15)) {
        let to_minor = (amount / 100) * rng.between(70, 130) as u64;
        step(walk);
        walk.apply(KeyAccountEvent::AmountChanged {
            from_minor: Some(amount),
            to_minor,
        })?;
        record.amount_minor = Some(to_minor);
    }
    if let Some(grading) = record.grading.as_mut() {
        if let Some(from) = grading.possibility.filter(|_| rng.chance(0.12)) {
            let to = (from + rng.between(-20, 20) as f64 / 100.0).clamp(0.05, 0.95);
            let to = (to * 100.0).round() / 100.0;
            step(walk);
            walk.apply(KeyAccountEvent::PossibilityChanged {
                from: Some(from),
                to,
            })?;
            grading.possibility = Some(to);
        }
    }
    if rng.chance(0.06) {
        let owner = *rng.pick(&OWNERS);
        step(walk);
        walk.apply(KeyAccountEvent::OwnerChanged {
            owner: owner.into(),
        })?;
        walk.owner = owner;
    }
    if walk.process.state().is_open() && rng.chance(0.06) {
        let category = *rng.pick(&[
            ForecastCategory::Commit,
            ForecastCategory::BestCase,
            ForecastCategory::Omitted,
        ]);
        step(walk);
        walk.apply(KeyAccountEvent::ForecastCategorySet {
            category: Some(category),
            reason: "the owner's call after the last customer meeting".into(),
        })?;
    }
    Ok(())
}

/// Where a sample cycle is left: completed iterations, then the stage the
/// current one stops in, and how.
#[derive(Clone, Copy)]
enum CycleEnd {
    /// Stops in this stage with its work partly done.
    In(CycleStage),
    /// The client did not agree.
    NoAgreement,
    /// Cancelled during implementation.
    Cancelled,
}

fn words(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// One sample cycle being driven through its events, a few days apart.
struct CycleWalk<'a> {
    portfolio: &'a mut Portfolio,
    id: String,
    t: DateTime<Utc>,
    actor: &'static str,
}

impl CycleWalk<'_> {
    fn apply(&mut self, event: CycleEvent) -> Result<()> {
        self.t += Duration::days(3);
        let entry = Entry::new(self.t, self.actor, event);
        Ok(self.portfolio.apply_cycle(&self.id, entry)?)
    }

    fn requirement(&self, step: Step) -> StepRequirement {
        self.portfolio
            .cycle(&self.id)
            .map_or(StepRequirement::Skipped, |c| {
                c.sale.variant().requirement(step)
            })
    }

    fn stage(&self) -> CycleStage {
        self.portfolio
            .cycle(&self.id)
            .map_or(CycleStage::RecognitionOfNeeds, |c| c.sale.stage())
    }
}

/// The event that records `step` in the sample.
fn step_event(step: Step, iteration: u32, rng: &mut Lcg) -> CycleEvent {
    let options = ["FL-200", "FL-300 dosing service"];
    let swot = |s: &str| Swot {
        strengths: words(&[s]),
        weaknesses: words(&["Small field team"]),
        opportunities: words(&["Tighter effluent limits"]),
        threats: words(&["Importers cutting prices"]),
    };
    match step {
        Step::Knowledge => CycleEvent::KnowledgeGathered(Knowledge {
            areas: KnowledgeArea::ALL
                .iter()
                .map(|a| {
                    (
                        *a,
                        format!("{} reviewed, iteration {iteration}", a.label_en()),
                    )
                })
                .collect(),
            own_swot: swot("Local stock and application lab"),
            competition_swot: swot("Low list price"),
        }),
        Step::InvestmentCheck => CycleEvent::InvestmentChecked(InvestmentCheck {
            worth_investing: true,
            reason: "Volume and openness to joint work justify more than a price offer".into(),
        }),
        Step::VisitPlanning => CycleEvent::VisitPlanned(VisitPlan {
            answers: VisitQuestion::ALL
                .iter()
                .map(|q| (*q, format!("Prepared: {}", q.label_en())))
                .collect(),
            scope: if rng.chance(0.5) {
                Scope::LongTerm
            } else {
                Scope::ShortTerm
            },
            product_options: words(&options),
            price_estimate_minor: rng.between(20, 90) as u64 * 100_000,
        }),
        Step::Interview => CycleEvent::InterviewHeld(Interview {
            real_needs: words(&[
                "Meet the new discharge limit",
                "Cut chemical cost per tonne",
            ]),
            options: words(&options),
        }),
        Step::EvaluationFramework => CycleEvent::FrameworkAgreed(EvaluationFramework {
            reference: "Current product at current dose".into(),
            criteria: words(&["Turbidity", "Dose per tonne", "Cost per tonne"]),
        }),
        Step::JointTeam => CycleEvent::JointTeamFormed(JointTeam {
            supplier: words(&["Application engineer", "Account manager"]),
            client: words(&["Process engineer", "Environment officer"]),
        }),
        Step::EconomicEvaluation => CycleEvent::EconomicEvaluated(EconomicEvaluation {
            proposal: "Supply contract with on-site support".into(),
            options: options
                .iter()
                .map(|o| OptionEconomics {
                    option: o.to_string(),
                    price_minor: rng.between(20, 90) as u64 * 100_000,
                    impact_minor: rng.between(5, 40) * 100_000,
                })
                .collect(),
            policy: Some("Standard margin policy for supply contracts".into()),
            competition: Some("Cheaper than the competitor's product per tonne treated".into()),
        }),
        Step::ResponsibilitiesAndGuarantees => {
            CycleEvent::ResponsibilitiesAgreed(Responsibilities {
                supplier: Commitments {
                    responsibilities: words(&["Deliver within 48 h", "Train the operators"]),
                    guarantees: words(&["Turbidity below the limit"]),
                },
                client: Commitments {
                    responsibilities: words(&["Dose as agreed", "Share lab data weekly"]),
                    guarantees: vec![],
                },
            })
        }
        _ => CycleEvent::StepCompleted {
            step,
            summary: format!("{} done", step.label_en()),
        },
    }
}

/// Runs the technical trials: laboratory, pilot plant, plant, with a failed
/// or adjusted run now and then; `upto` stops after that many runs.
fn trials(walk: &mut CycleWalk<'_>, rng: &mut Lcg, upto: usize) -> Result<()> {
    let mut runs = 0;
    for phase in TechnicalPhase::ALL.iter().copied() {
        if runs >= upto {
            return Ok(());
        }
        let mut result = *rng.pick(&[
            PhaseResult::Passed,
            PhaseResult::Passed,
            PhaseResult::Adjusted,
            PhaseResult::Failed,
        ]);
        loop {
            walk.apply(CycleEvent::TechnicalPhaseRun(PhaseRun {
                phase,
                result,
                summary: format!("{} run: {}", phase.label_en(), result.label_en()),
            }))?;
            runs += 1;
            if result != PhaseResult::Failed || runs >= upto {
                break;
            }
            result = PhaseResult::Adjusted;
        }
    }
    Ok(())
}

/// Does the stage's steps (every required one, optional ones now and
/// then); `partial` stops half-way, as a stage still in progress.
fn stage_steps(
    walk: &mut CycleWalk<'_>,
    rng: &mut Lcg,
    iteration: u32,
    partial: bool,
) -> Result<()> {
    let stage = walk.stage();
    let steps: Vec<Step> = Step::ALL
        .iter()
        .copied()
        .filter(|s| s.stage() == stage)
        .filter(|s| match walk.requirement(*s) {
            StepRequirement::Required => true,
            StepRequirement::Optional => rng.chance(0.5),
            StepRequirement::Skipped => false,
        })
        .collect();
    let take = if partial {
        (steps.len() / 2 + 1).min(steps.len())
    } else {
        steps.len()
    };
    for step in steps.into_iter().take(take) {
        if step == Step::TechnicalEvaluation {
            trials(walk, rng, if partial { 2 } else { usize::MAX })?;
        } else {
            walk.apply(step_event(step, iteration, rng))?;
        }
        if step == Step::Presentation {
            let id = format!("{}-OBJ-{iteration}", walk.id);
            walk.apply(CycleEvent::ObjectionRaised {
                id: id.clone(),
                text: rng
                    .pick(&[
                        "Supply risk during the shutdown",
                        "Price above the current product",
                        "Dosing equipment takes floor space",
                    ])
                    .to_string(),
            })?;
            if !partial {
                walk.apply(CycleEvent::ObjectionResolved {
                    id,
                    resolution: "Consignment stock and a trial price agreed".into(),
                })?;
            }
        }
        if partial && stage == CycleStage::Implementation && step == Step::Assembly {
            walk.apply(CycleEvent::DealModified {
                change: "Delivery split in two after the first assembly".into(),
            })?;
        }
        if step == Step::Adjustments {
            walk.apply(CycleEvent::DealModified {
                change: "Dose lowered after the performance review".into(),
            })?;
        }
    }
    Ok(())
}

/// Drives one cycle: `completed` full iterations, then the current one up
/// to `end`.
fn drive_cycle(
    walk: &mut CycleWalk<'_>,
    rng: &mut Lcg,
    completed: u32,
    end: CycleEnd,
) -> Result<()> {
    for iteration in 1..=completed + 1 {
        let last = iteration == completed + 1;
        for &stage in CycleStage::ALL {
            let stop_here = last
                && match end {
                    CycleEnd::In(s) => s == stage,
                    CycleEnd::NoAgreement => stage == CycleStage::ResolvingConcerns,
                    CycleEnd::Cancelled => stage == CycleStage::Implementation,
                };
            let ends_early = stop_here && !matches!(end, CycleEnd::In(_));
            stage_steps(walk, rng, iteration, stop_here && !ends_early)?;
            if stop_here {
                match end {
                    CycleEnd::NoAgreement => walk.apply(CycleEvent::ClientDecided {
                        decision: Decision::NoAgreement,
                    })?,
                    CycleEnd::Cancelled => walk.apply(CycleEvent::DealCancelled {
                        reason: "The client's plant closure was brought forward".into(),
                    })?,
                    CycleEnd::In(_) => {}
                }
                return Ok(());
            }
            match stage {
                CycleStage::ResolvingConcerns => walk.apply(CycleEvent::ClientDecided {
                    decision: Decision::Agreement,
                })?,
                CycleStage::Evolution => {
                    walk.apply(CycleEvent::LessonLearned {
                        lesson: rng
                            .pick(&[
                                "Pilot trials need the client's own process water",
                                "The dosing service sells better than a lower price",
                                "Bring the environment officer in at the interview",
                                "Agree the reference dose before any trial",
                            ])
                            .to_string(),
                    })?;
                    walk.apply(CycleEvent::Advance { to: stage.next() })?;
                }
                _ => walk.apply(CycleEvent::Advance { to: stage.next() })?,
            }
        }
    }
    Ok(())
}

/// Technical-sale cycles with accounts of every type, left in every stage
/// (and a few ended), some linked to the account's open key-account deal;
/// two accounts then change type, offering their cycles a new variant.
fn build_cycles(portfolio: &mut Portfolio, rng: &mut Lcg) -> Result<()> {
    let ends = [
        CycleEnd::In(CycleStage::RecognitionOfNeeds),
        CycleEnd::In(CycleStage::EvaluatingOptions),
        CycleEnd::In(CycleStage::ResolvingConcerns),
        CycleEnd::In(CycleStage::Implementation),
        CycleEnd::In(CycleStage::Evolution),
        CycleEnd::NoAgreement,
        CycleEnd::Cancelled,
    ];
    let as_of = portfolio.as_of();
    let mut n = 0;
    for &customer_type in CustomerType::ALL {
        let accounts: Vec<String> = portfolio
            .accounts()
            .iter()
            .filter(|a| a.customer.customer_type() == customer_type)
            .map(|a| a.id().to_owned())
            .take(6)
            .collect();
        for (i, account) in accounts.iter().enumerate() {
            n += 1;
            let id = format!("TS-{n:03}");
            let deal = portfolio
                .opportunities()
                .iter()
                .find(|o| o.account_id() == Some(account.as_str()) && o.process.state().is_open())
                .filter(|_| rng.chance(0.6))
                .map(|o| o.id.clone());
            portfolio.start_cycle(id.as_str(), account, deal)?;
            let completed = match customer_type {
                CustomerType::Strategic | CustomerType::Loyal => rng.below(3) as u32,
                _ => rng.below(2) as u32,
            };
            let end = ends[(i + n) % ends.len()];
            let actor = *rng.pick(&OWNERS);
            let mut walk = CycleWalk {
                portfolio: &mut *portfolio,
                id,
                t: as_of - Duration::days(400),
                actor,
            };
            drive_cycle(&mut walk, rng, completed, end)?;
        }
    }
    // Two accounts with running cycles change type: their cycles are
    // offered the new type's variant for the next iteration.
    for (from, to) in [
        (CustomerType::Loyal, CustomerType::Strategic),
        (CustomerType::Opportunity, CustomerType::Loyal),
    ] {
        let account = portfolio
            .cycles()
            .iter()
            .filter(|c| !c.sale.is_closed() && c.sale.customer_type() == from)
            .map(|c| c.account.to_string())
            .next();
        if let Some(account) = account {
            let at = as_of - Duration::days(2);
            portfolio.set_account_type(&account, to, at, "joint planning agreed")?;
        }
    }
    Ok(())
}

/// The CRM's stage name for a deal.
fn crm_stage(record: &OpportunityRecord) -> &'static str {
    let state = record.process.state();
    match state.outcome() {
        Some(Outcome::Won) => "Closed Won",
        None if state.nurture().is_some() => "Nurture",
        Some(Outcome::Lost) => "Closed Lost",
        Some(Outcome::Withdrawn) => "No Bid",
        None => match state.stage() {
            Stage::Development => "Prospecting",
            Stage::SalesEntry => "Qualification",
            Stage::Proposal => "Proposal/Price Quote",
            Stage::Bidding => "Bid Preparation",
            Stage::BusinessNegotiation => "Negotiation/Review",
            Stage::ProjectImplementation => "Implementation",
        },
    }
}

fn crm_segment(t: CustomerType) -> &'static str {
    match t {
        CustomerType::MarketTaker => "Transactional",
        CustomerType::Opportunity => "Opportunistic",
        CustomerType::Loyal => "Loyal",
        CustomerType::Strategic => "Key Account",
    }
}

/// The CRM's loss-reason text for a reason key of the default list, as a
/// CRM's picklist words it (the mapping's `loss_reasons` maps it back).
fn crm_loss_reason(key: &str) -> &'static str {
    match key {
        "price" => "Price",
        "product_fit" => "Product Fit",
        "competitor" => "Lost to Competitor",
        "no_budget" => "No Budget",
        "no_decision" => "No Decision",
        "timing" => "Timing",
        "relationship" => "Relationship",
        "evaluation_failed" => "Did Not Qualify",
        "standards_unfavourable" => "Unfavourable Tender Terms",
        _ => "Other",
    }
}

fn crm_amount(minor: u64) -> String {
    let units = (minor / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in units.chars().enumerate() {
        if i > 0 && (units.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{grouped}.{:02}", minor % 100)
}

fn build_csv(portfolio: &Portfolio) -> Result<String> {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    writer.write_record([
        "Opportunity ID",
        "Opportunity Name",
        "Account ID",
        "Account Name",
        "Customer Segment",
        "Stage",
        "Amount",
        "Currency",
        "Close Date",
        "Created Date",
        "Last Stage Change",
        "Owner",
        "Rating",
        "Loss Reason",
        "Competitor",
    ])?;
    let dmy = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    for (n, record) in portfolio.opportunities().iter().take(80).enumerate() {
        let state = record.process.state();
        let account_id = record.account_id().ok_or("sample deal without account")?;
        let account = portfolio
            .account(account_id)
            .ok_or("sample account missing")?;
        let owner = record
            .process
            .journal()
            .last()
            .map_or("crm", |e| e.actor.as_str())
            .to_owned();
        let mut row = vec![
            record.id.to_string(),
            record.name.clone(),
            account_id.to_owned(),
            account.customer.name().to_owned(),
            crm_segment(account.customer.customer_type()).to_owned(),
            crm_stage(record).to_owned(),
            record.amount_minor.map_or(String::new(), crm_amount),
            "EUR".to_owned(),
            record.expected_close.map_or(String::new(), dmy),
            dmy(state.opened_at().date_naive()),
            dmy(state.stage_entered_at().date_naive()),
            owner,
            state
                .grade()
                .map_or(String::new(), |g| g.label_en().to_owned()),
        ];
        let reason = state.closure().and_then(|c| c.reason.as_ref());
        row.push(reason.map_or(String::new(), |r| crm_loss_reason(&r.key).to_owned()));
        row.push(
            reason
                .and_then(|r| r.competitor.clone())
                .unwrap_or_default(),
        );
        // A few rows as real exports have them: broken.
        match n {
            7 => row[5] = "Perception Analysis".into(),
            15 => row[6] = "12.5k".into(),
            23 => row[2] = String::new(),
            31 => row[9] = "31/02/2026".into(),
            39 => row[0] = "O-0001".into(),
            47 => row.truncate(9),
            55 => row[7] = "USD".into(),
            _ => {}
        }
        writer.write_record(&row)?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

const MAPPING: &str = r#"{
  "portfolio_name": "CRM export (sample)",
  "currency": "EUR",
  "as_of": "2026-06-30T18:00:00Z",
  "date_format": "%d/%m/%Y",
  "thousands_separator": ",",
  "columns": {
    "id": "Opportunity ID",
    "name": "Opportunity Name",
    "account": "Account ID",
    "account_name": "Account Name",
    "customer_type": "Customer Segment",
    "stage": "Stage",
    "amount": "Amount",
    "currency": "Currency",
    "expected_close": "Close Date",
    "opened": "Created Date",
    "stage_since": "Last Stage Change",
    "owner": "Owner",
    "grade": "Rating",
    "loss_reason": "Loss Reason",
    "competitor": "Competitor"
  },
  "stages": {
    "Prospecting": { "stage": "development" },
    "Qualification": { "stage": "sales_entry" },
    "Proposal/Price Quote": { "stage": "proposal" },
    "Bid Preparation": { "stage": "bidding" },
    "Negotiation/Review": { "stage": "business_negotiation" },
    "Implementation": { "stage": "project_implementation" },
    "Closed Won": { "stage": "project_implementation", "outcome": "won" },
    "Closed Lost": { "stage": "bidding", "outcome": "lost" },
    "No Bid": { "stage": "proposal", "outcome": "withdrawn" },
    "Nurture": { "stage": "development" }
  },
  "customer_types": {
    "Transactional": "market_taker",
    "Opportunistic": "opportunity",
    "Loyal": "loyal",
    "Key Account": "strategic"
  },
  "loss_reasons": {
    "Price": "price",
    "Product Fit": "product_fit",
    "Lost to Competitor": "competitor",
    "No Budget": "no_budget",
    "No Decision": "no_decision",
    "Timing": "timing",
    "Relationship": "relationship",
    "Did Not Qualify": "evaluation_failed",
    "Unfavourable Tender Terms": "standards_unfavourable",
    "Other": "other"
  }
}
"#;

/// Makes the three sample files, the same on every run.
pub fn build_sample() -> Result<Sample> {
    let mut rng = Lcg(0x7EC5_A1E5);
    let mut portfolio = build_portfolio(&mut rng)?;
    // Cycles draw from their own generator, so the deals above stay as
    // they were.
    build_cycles(&mut portfolio, &mut Lcg(0x00C1_C1E5))?;
    let mut portfolio_json = portfolio.to_json_pretty();
    portfolio_json.push('\n');
    Ok(Sample {
        crm_csv: build_csv(&portfolio)?,
        portfolio_json,
        crm_mapping_json: MAPPING.to_owned(),
    })
}

fn main() -> Result<()> {
    let sample = build_sample()?;
    let dir = data_dir();
    std::fs::create_dir_all(&dir)?;
    for (name, text) in [
        ("portfolio.json", &sample.portfolio_json),
        ("crm_export.csv", &sample.crm_csv),
        ("crm_mapping.json", &sample.crm_mapping_json),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text)?;
        println!("wrote {} ({} bytes)", path.display(), text.len());
    }
    Ok(())
}
