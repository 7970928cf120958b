//! Small portfolios built through the public API, for the portfolio tests.
#![allow(dead_code)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use techsales::customer::{Customer, CustomerType, Scores, Thresholds};
use techsales::grading::{Grade, Ratings};
use techsales::journal::Entry;
use techsales::key_account::{
    KeyAccountEvent, KeyAccountProcess, KeyNode, Outcome, ProcessDefinition,
};
use techsales::portfolio::{Account, Definitions, GradingInputs, OpportunityRecord, Portfolio};

/// 2026-`month`-`day` at 09:00 UTC.
pub fn day(month: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, d, 9, 0, 0).unwrap()
}

/// A date in 2026.
pub fn date(month: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, d).unwrap()
}

/// One step of a deal's way through the stages.
#[derive(Debug, Clone, Copy)]
pub enum Move {
    /// Meet the current stage's key nodes and advance, at this time.
    Advance(DateTime<Utc>),
    /// Force the move on, at this time (a plain advance when nothing is
    /// missing).
    Force(DateTime<Utc>),
}

/// A deal's process: graded at opening (when `grade` is given), then moved
/// on as `moves` say, then closed as `end` says (a won deal first meets the
/// last stage's key nodes).
pub fn walk(
    definition: &ProcessDefinition,
    opened: DateTime<Utc>,
    grade: Option<Grade>,
    moves: &[Move],
    end: Option<(DateTime<Utc>, Outcome)>,
) -> KeyAccountProcess {
    let mut p = KeyAccountProcess::new(opened);
    let mut apply = |p: &mut KeyAccountProcess, at, event| {
        p.apply(definition, Entry::new(at, "tester", event))
            .unwrap_or_else(|e| panic!("fixture event refused: {e}"))
    };
    if let Some(grade) = grade {
        apply(
            &mut p,
            opened,
            KeyAccountEvent::KeyNodeMet {
                node: KeyNode::OpportunityGraded,
                evidence: "evaluated".into(),
                grade: Some(grade),
            },
        );
    }
    let meet_stage =
        |p: &mut KeyAccountProcess,
         at: DateTime<Utc>,
         apply: &mut dyn FnMut(&mut KeyAccountProcess, DateTime<Utc>, KeyAccountEvent)| {
            let missing = p.state().missing_to_advance(definition);
            // Only a grade meets the grading node; ungraded deals move on forced.
            for node in missing.iter().filter(|&n| n != KeyNode::OpportunityGraded) {
                apply(
                    p,
                    at,
                    KeyAccountEvent::KeyNodeMet {
                        node,
                        evidence: "done".into(),
                        grade: None,
                    },
                );
            }
        };
    for m in moves {
        match *m {
            Move::Advance(at) => {
                meet_stage(&mut p, at, &mut apply);
                let event = if free_to_advance(&p, definition) {
                    KeyAccountEvent::Advanced
                } else {
                    KeyAccountEvent::ForcedAdvance {
                        reason: "never graded, or against the grade's policy".into(),
                    }
                };
                apply(&mut p, at, event);
            }
            Move::Force(at) if free_to_advance(&p, definition) => {
                apply(&mut p, at, KeyAccountEvent::Advanced)
            }
            Move::Force(at) => apply(
                &mut p,
                at,
                KeyAccountEvent::ForcedAdvance {
                    reason: "customer moved fast".into(),
                },
            ),
        }
    }
    if let Some((at, outcome)) = end {
        let event = match outcome {
            Outcome::Won => {
                // Booked on the signed contract, then delivered in full.
                if !p.state().met().contains(KeyNode::ContractSigned) {
                    apply(
                        &mut p,
                        at,
                        KeyAccountEvent::KeyNodeMet {
                            node: KeyNode::ContractSigned,
                            evidence: "signed".into(),
                            grade: None,
                        },
                    );
                }
                apply(
                    &mut p,
                    at,
                    KeyAccountEvent::Booked {
                        booked_on: at.date_naive(),
                        amount_minor: None,
                    },
                );
                meet_stage(&mut p, at, &mut apply);
                if p.state().met().contains(KeyNode::ProjectCompleted) {
                    return p;
                }
                KeyAccountEvent::KeyNodeMet {
                    node: KeyNode::ProjectCompleted,
                    evidence: "done".into(),
                    grade: None,
                }
            }
            Outcome::Lost => KeyAccountEvent::Lost {
                reason: "price".into(),
            },
            Outcome::Withdrawn => KeyAccountEvent::Withdrawn {
                reason: "standards_unfavourable".into(),
            },
        };
        apply(&mut p, at, event);
    }
    p
}

/// Whether the deal may move on without forcing: its key nodes are met and
/// its grade's policy lets it.
fn free_to_advance(p: &KeyAccountProcess, definition: &ProcessDefinition) -> bool {
    p.state().missing_to_advance(definition).is_empty()
        && p.state().policy_block(definition).is_none()
}

/// An opportunity record around `process`.
pub fn record(
    id: &str,
    account: &str,
    amount_units: u64,
    close: NaiveDate,
    process: KeyAccountProcess,
) -> OpportunityRecord {
    let opened = process.state().opened_at();
    let mut r = OpportunityRecord::new(
        id,
        account,
        format!("deal {id}"),
        amount_units * 100,
        close,
        opened,
    );
    r.process = process;
    r
}

/// An account classified from scores at `at`.
pub fn scored(id: &str, assistance: f64, loyalty: f64, at: DateTime<Utc>) -> Account {
    Account::new(
        Customer::from_scores(
            id,
            format!("Account {id}"),
            Scores::new(assistance, loyalty).unwrap(),
            &Thresholds::default(),
            at,
        )
        .unwrap(),
    )
}

/// An account whose type is given directly.
pub fn typed(id: &str, t: CustomerType, at: DateTime<Utc>) -> Account {
    Account::new(Customer::from_type(id, format!("Account {id}"), t, at).unwrap())
}

/// An empty portfolio as of `as_of` with `definitions`.
pub fn empty(as_of: DateTime<Utc>, definitions: Definitions) -> Portfolio {
    Portfolio::new("test book", as_of, "EUR", definitions).unwrap()
}

/// What a generated deal does.
#[derive(Debug, Clone)]
pub struct DealPlan {
    pub account: usize,
    pub stage: usize,
    pub outcome: u8,
    pub forced_at: Option<usize>,
    pub grade: Option<Grade>,
    pub amount_minor: u64,
    pub opened_day: i64,
    pub gaps: Vec<i64>,
    pub close_day: i64,
    pub name: String,
    pub possibility: Option<f64>,
    pub rating: f64,
}

/// What a generated account is.
#[derive(Debug, Clone)]
pub struct AccountPlan {
    pub scores: Option<(f64, f64)>,
    pub kind: usize,
    pub later: Option<(f64, f64, i64)>,
    pub name: String,
}

fn grade_strategy() -> impl Strategy<Value = Option<Grade>> {
    prop_oneof![Just(None), (0u32..4).prop_map(Grade::from_code)]
}

pub fn account_plans() -> impl Strategy<Value = Vec<AccountPlan>> {
    prop::collection::vec(
        (
            prop::option::of((0.0f64..=100.0, 0.0f64..=100.0)),
            0usize..4,
            prop::option::of((0.0f64..=100.0, 0.0f64..=100.0, 1i64..300)),
            "[a-zA-Z0-9 äöü中文&<>\"']{0,12}",
        )
            .prop_map(|(scores, kind, later, name)| AccountPlan {
                scores,
                kind,
                later,
                name,
            }),
        1..5,
    )
}

pub fn deal_plans() -> impl Strategy<Value = Vec<DealPlan>> {
    prop::collection::vec(
        (
            (0usize..8, 0usize..6, 0u8..4, prop::option::of(0usize..5)),
            grade_strategy(),
            0u64..2_000_000_000_000,
            (0i64..200, prop::collection::vec(0i64..60, 7), -30i64..400),
            "[a-zA-Z0-9 ,.\"\\\\/éß]{0,16}",
            (prop::option::of(0.0f64..=1.0), 0.0f64..=10.0),
        )
            .prop_map(
                |(
                    (account, stage, outcome, forced_at),
                    grade,
                    amount_minor,
                    (opened_day, gaps, close_day),
                    name,
                    (possibility, rating),
                )| DealPlan {
                    account,
                    stage,
                    outcome,
                    forced_at,
                    grade,
                    amount_minor,
                    opened_day,
                    gaps,
                    close_day,
                    name,
                    possibility,
                    rating,
                },
            ),
        0..10,
    )
}

/// A valid portfolio built from generated plans, as of 2026-12-31.
pub fn build(accounts: &[AccountPlan], deals: &[DealPlan]) -> Portfolio {
    let definitions = Definitions::default();
    let thresholds = definitions.planner.thresholds;
    let start = Utc.with_ymd_and_hms(2025, 1, 1, 8, 30, 0).unwrap();
    let mut built = Vec::new();
    for (i, plan) in accounts.iter().enumerate() {
        let id = format!("A{i}");
        let mut customer = match plan.scores {
            Some((a, l)) => Customer::from_scores(
                &id,
                &plan.name,
                Scores::new(a, l).unwrap(),
                &thresholds,
                start,
            )
            .unwrap(),
            None => {
                Customer::from_type(&id, &plan.name, CustomerType::ALL[plan.kind], start).unwrap()
            }
        };
        if let Some((a, l, days)) = plan.later {
            customer
                .reclassify(
                    Scores::new(a, l).unwrap(),
                    &thresholds,
                    start + Duration::days(days),
                    "review",
                )
                .unwrap();
        }
        built.push(Account::new(customer));
    }
    let mut records = Vec::new();
    for (n, plan) in deals.iter().enumerate() {
        let account = format!("A{}", plan.account % accounts.len().max(1));
        let opened = start + Duration::days(plan.opened_day) + Duration::seconds(n as i64);
        let mut t = opened;
        let mut moves = Vec::new();
        for s in 0..plan.stage {
            t += Duration::days(plan.gaps[s]);
            if plan.forced_at == Some(s) {
                moves.push(Move::Force(t));
            } else {
                moves.push(Move::Advance(t));
            }
        }
        t += Duration::days(plan.gaps[6]);
        let end = match plan.outcome {
            1 if plan.stage == 5 => Some((t, Outcome::Won)),
            2 => Some((t, Outcome::Lost)),
            3 => Some((t, Outcome::Withdrawn)),
            _ => None,
        };
        let process = walk(&definitions.process, opened, plan.grade, &moves, end);
        let close = (opened + Duration::days(plan.close_day)).date_naive();
        let mut r = OpportunityRecord::new(
            format!("D{n}"),
            account.as_str(),
            plan.name.clone(),
            plan.amount_minor,
            close,
            opened,
        );
        r.process = process;
        r.grading = plan.possibility.map(|possibility| {
            Box::new(GradingInputs {
                ratings: Ratings::uniform(plan.rating),
                possibility: Some(possibility),
            })
        });
        records.push(r);
    }
    let as_of = Utc.with_ymd_and_hms(2026, 12, 31, 0, 0, 0).unwrap();
    Portfolio::new("generated", as_of, "EUR", definitions)
        .unwrap()
        .with_records(built, records)
        .unwrap()
}

/// Any valid portfolio of a few accounts and deals.
pub fn portfolios() -> impl Strategy<Value = Portfolio> {
    (account_plans(), deal_plans()).prop_map(|(a, d)| build(&a, &d))
}

/// Two deals of one account: one in proposal (grade A), one won (grade B).
pub fn two_deals() -> Portfolio {
    let definitions = Definitions::default();
    let open = walk(
        &definitions.process,
        day(3, 1),
        Some(Grade::A),
        &[Move::Advance(day(3, 10)), Move::Advance(day(3, 20))],
        None,
    );
    let won = walk(
        &definitions.process,
        day(1, 1),
        Some(Grade::B),
        &[
            Move::Advance(day(1, 5)),
            Move::Advance(day(1, 9)),
            Move::Advance(day(1, 13)),
            Move::Advance(day(1, 17)),
            Move::Advance(day(1, 21)),
        ],
        Some((day(2, 1), Outcome::Won)),
    );
    empty(day(6, 30), definitions)
        .with_records(
            vec![scored("C-1", 70.0, 80.0, day(1, 1))],
            vec![
                record("O-1", "C-1", 1_000, date(7, 1), open),
                record("O-2", "C-1", 2_500, date(2, 1), won),
            ],
        )
        .unwrap()
}
