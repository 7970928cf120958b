//! Writes the seed corpora under `fuzz/corpus/`: the library's own JSON
//! output (deals, sales, customers, configurations) and a small slice of
//! the sample data. Run from `fuzz/` with `cargo run --bin make_corpus`.

use std::path::Path;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use techsales::customer::{Customer, CustomerType, Scores, Thresholds};
use techsales::cycle::{CycleEvent, CycleVariant, Stage, StepRequirement, TechnicalSale};
use techsales::differentiation::PlannerConfig;
use techsales::grading::{Grade, Grader};
use techsales::journal::Entry;
use techsales::key_account::{
    BuyingInfluence, BuyingRole, InfluenceDegree, KeyAccountEvent, KeyAccountProcess, KeyNode,
    ProcessDefinition, Reason,
};
use techsales::portfolio::{Account, CsvMapping, Definitions, Portfolio};

fn write(target: &str, name: &str, content: &str) {
    let dir = Path::new("corpus").join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), content).unwrap();
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap()
}

fn main() {
    let t0 = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
    let at = |h: i64| t0 + TimeDelta::hours(h);

    // A key-account deal: contacts, a node, the grade, two stages.
    let definition = ProcessDefinition::default();
    let mut deal = KeyAccountProcess::new(t0);
    let coach = BuyingInfluence::new("P-1", "Wu", BuyingRole::Coach, InfluenceDegree::High).met();
    let buyer = BuyingInfluence::new(
        "P-2",
        "Li",
        BuyingRole::EconomicBuyer,
        InfluenceDegree::High,
    );
    let events = vec![
        KeyAccountEvent::ContactRecorded {
            contact: Box::new(coach),
        },
        KeyAccountEvent::ContactRecorded {
            contact: Box::new(buyer),
        },
        KeyAccountEvent::KeyNodeMet {
            node: KeyNode::OpportunityGraded,
            evidence: "graded in review".into(),
            grade: Some(Grade::A),
        },
        KeyAccountEvent::Advanced,
        KeyAccountEvent::ForcedAdvance {
            reason: "customer deadline".into(),
        },
        KeyAccountEvent::Lost {
            reason: Box::new(Reason::new("price")),
        },
    ];
    let mut entries = Vec::new();
    for (i, event) in events.into_iter().enumerate() {
        let entry = Entry::new(at(i as i64 + 1), "ana", event);
        entries.push(json(&entry));
        let _ = deal.apply(&definition, entry);
    }
    let def_json = json(&definition);
    write("ffi_key_account", "deal", &json(&deal));
    write(
        "ffi_key_account",
        "new-deal-entries",
        &format!("\n{def_json}\n{}", entries.join("\n")),
    );
    write("ffi_configs", "key-account-definition", &def_json);

    // A technical sale in resolving concerns with an objection.
    let mut variant = CycleVariant::default_for(CustomerType::Opportunity);
    for requirement in variant.steps.values_mut() {
        *requirement = StepRequirement::Optional;
    }
    let variant_json = json(&variant);
    let mut sale = TechnicalSale::new(variant).unwrap();
    let sale_events = vec![
        CycleEvent::Advance {
            to: Stage::EvaluatingOptions,
        },
        CycleEvent::Advance {
            to: Stage::ResolvingConcerns,
        },
        CycleEvent::ObjectionRaised {
            id: "X-1".into(),
            text: "price".into(),
        },
        CycleEvent::ObjectionResolved {
            id: "X-1".into(),
            resolution: "volume rebate".into(),
        },
    ];
    let mut sale_entries = Vec::new();
    for (i, event) in sale_events.into_iter().enumerate() {
        let entry = Entry::new(at(i as i64 + 1), "ana", event);
        sale_entries.push(json(&entry));
        let _ = sale.apply(entry);
    }
    write("ffi_cycle", "sale", &json(&sale));
    write(
        "ffi_cycle",
        "new-sale-entries",
        &format!("\n{variant_json}\n{}", sale_entries.join("\n")),
    );
    write(
        "ffi_cycle",
        "loyal",
        &json(&TechnicalSale::for_customer_type(CustomerType::Loyal)),
    );
    write("ffi_configs", "cycle-variant", &variant_json);

    // A customer and the configurations.
    let thresholds = Thresholds::default();
    let mut customer = Customer::from_scores(
        "C-1",
        "Acme",
        Scores::new(72.0, 35.0).unwrap(),
        &thresholds,
        t0,
    )
    .unwrap();
    customer
        .reclassify(
            Scores::new(75.0, 61.0).unwrap(),
            &thresholds,
            at(100),
            "joint planning",
        )
        .unwrap();
    let planner_json = json(&PlannerConfig::default());
    write(
        "ffi_customer",
        "customer",
        &format!("{}\n{planner_json}", json(&customer)),
    );
    write("ffi_configs", "planner", &planner_json);
    write("ffi_configs", "grader", &json(&Grader::default()));
    learn_seeds();

    // The sample data, in small slices: every input the fuzzer makes from a
    // seed is about as long (up to twice the largest seed), and each input
    // is loaded, checked, reported and saved whole, so the seeds' size sets
    // the campaign's speed. Three accounts with their deals, each account a
    // seed; the account of the smallest cycle linked to a deal, with that
    // deal and cycle; the definitions, the sample's being the defaults, are
    // left out (the `earliest-as-of` seed carries them in full).
    let sample = std::fs::read_to_string("../examples/data/portfolio.json").unwrap();
    let sample = Portfolio::from_json(&sample).unwrap();
    assert_eq!(
        json(sample.definitions()),
        json(&Definitions::default()),
        "the sample's definitions are no longer the defaults: keep them in the slices"
    );
    let slice_of = |account_ids: &[&str], deal_ids: &[&str], max_cycle_len: usize| {
        let accounts: Vec<_> = sample
            .accounts()
            .iter()
            .filter(|a| account_ids.contains(&a.id()))
            .cloned()
            .collect();
        let deals: Vec<_> = sample
            .opportunities()
            .iter()
            .filter(|o| o.account_id().is_some_and(|a| account_ids.contains(&a)))
            .filter(|o| deal_ids.contains(&o.id.as_str()))
            .cloned()
            .collect();
        let mut small = Portfolio::new(
            sample.name(),
            sample.as_of(),
            sample.currency(),
            sample.definitions().clone(),
        )
        .unwrap()
        .with_records(accounts, deals)
        .unwrap();
        let cycles: Vec<_> = sample
            .cycles()
            .iter()
            .filter(|c| {
                account_ids.contains(&c.account.as_str())
                    && json(*c).len() <= max_cycle_len
                    && c.opportunity
                        .as_ref()
                        .is_none_or(|o| small.opportunity(o).is_some())
            })
            .cloned()
            .collect();
        for cycle in cycles {
            small.put_cycle(cycle).unwrap();
        }
        without_definitions(&small.to_json())
    };
    // The first six deals of the first three accounts, as the one large
    // seed had, and the accounts' unlinked small cycles (the linked one is
    // 16 KB): a seed for each account.
    let first: Vec<&str> = sample.accounts().iter().take(3).map(|a| a.id()).collect();
    let deals: Vec<&str> = sample
        .opportunities()
        .iter()
        .filter(|o| o.account_id().is_some_and(|a| first.contains(&a)))
        .take(6)
        .map(|o| o.id.as_str())
        .collect();
    for id in &first {
        let slice = slice_of(&[id], &deals, 4096);
        for target in ["portfolio", "ffi_portfolio"] {
            write(target, &format!("sample-{id}"), &slice);
        }
    }
    let linked = sample
        .cycles()
        .iter()
        .filter(|c| c.opportunity.is_some())
        .min_by_key(|c| json(*c).len())
        .unwrap();
    // Its account, the deal and the cycle.
    let slice = slice_of(
        &[linked.account.as_str()],
        &[linked.opportunity.as_deref().unwrap()],
        usize::MAX,
    );
    let small = Portfolio::from_json(&slice).unwrap();
    // A book at the edge of time: its as-of moment a month after chrono's
    // earliest date, so that every period reaching back crosses it.
    let earliest = DateTime::<Utc>::MIN_UTC + TimeDelta::days(30);
    let mut edge = Portfolio::new("edge", earliest, "EUR", Definitions::default()).unwrap();
    let customer = Customer::from_type("C-1", "Acme", CustomerType::Loyal, earliest).unwrap();
    edge.add_account(Account::new(customer)).unwrap();
    for target in ["portfolio", "ffi_portfolio"] {
        write(target, "earliest-as-of", &edge.to_json());
        write(target, "linked-cycle", &slice);
    }
    // Changes, one a line, chosen by the first byte (see the target): a
    // deal event and a cycle event, an account put back, a change of type.
    let deal_entry = Entry::new(
        sample.as_of() + TimeDelta::hours(1),
        "ana",
        KeyAccountEvent::Advanced,
    );
    let cycle_entry = Entry::new(
        sample.as_of() + TimeDelta::hours(2),
        "ana",
        CycleEvent::ObjectionRaised {
            id: "X-9".into(),
            text: "delivery time".into(),
        },
    );
    let account = json(&small.accounts()[0]);
    let at = (sample.as_of() + TimeDelta::days(1))
        .timestamp()
        .to_le_bytes();
    let mut changes = format!(
        "{slice}\nH0{}\nI0{}\nJ0{account}\nM1",
        json(&deal_entry),
        json(&cycle_entry)
    )
    .into_bytes();
    changes.extend_from_slice(&at);
    changes.extend_from_slice(b"joint planning");
    let dir = Path::new("corpus").join("ffi_portfolio_roundtrip");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("sample-slice-changes"), changes).unwrap();
    let mapping = std::fs::read_to_string("../examples/data/crm_mapping.json").unwrap();
    let mapping: serde_json::Value = serde_json::from_str(&mapping).unwrap();
    CsvMapping::from_json(&mapping.to_string()).unwrap();
    let export = std::fs::read_to_string("../examples/data/crm_export.csv").unwrap();
    let rows = export_rows(&export, 25);
    write(
        "csv_import",
        "sample-rows",
        &format!("{mapping}\n{}\n", rows.join("\n")),
    );
    write(
        "ffi_portfolio",
        "sample-rows",
        &format!("\n{mapping}\n{}\n", rows.join("\n")),
    );
}

/// Seeds of `ffi_learn`: the default grader (an empty first line) or its
/// saved configuration, options, a flag byte, a language byte and forty
/// deals of ten bytes (nine ratings at 20 a point, 201 unknown, and the
/// outcome: 0 lost, 6 won, 12 withdrawn), won more often the higher the
/// second rating. See the target for the mapping.
fn learn_seeds() {
    let mut rows = Vec::new();
    for i in 0..40u32 {
        let quality = i % 10;
        let mut row = [100u8; 10];
        row[1] = u8::try_from(quality * 20).unwrap();
        row[4] = if i % 7 == 0 { 201 } else { 120 };
        row[9] = match i {
            _ if i % 13 == 0 => 12,
            _ if (i * 7) % 10 < quality => 6,
            _ => 0,
        };
        rows.extend_from_slice(&row);
    }
    let seed = |config: &str, options: &str, language: u8| {
        let mut bytes = format!("{config}\n{options}\n").into_bytes();
        bytes.extend_from_slice(&[0, language]);
        bytes.extend_from_slice(&rows);
        bytes
    };
    let dir = Path::new("corpus").join("ffi_learn");
    std::fs::create_dir_all(&dir).unwrap();
    let options = r#"{"folds":3,"min_deals":10,"bands":4}"#;
    std::fs::write(dir.join("defaults"), seed("", options, 0)).unwrap();
    let grader = json(&Grader::default());
    let withdrawn = r#"{"folds":2,"l2":0.5,"min_deals":20,"withdrawn_as_lost":true}"#;
    std::fs::write(dir.join("saved-grader"), seed(&grader, withdrawn, 1)).unwrap();
}

/// A document's JSON without its `definitions` (which then load as the
/// defaults).
fn without_definitions(doc: &str) -> String {
    let key = r#""definitions":"#;
    let start = doc.find(key).expect("a saved portfolio has definitions");
    let value_start = start + key.len();
    let mut values =
        serde_json::Deserializer::from_str(&doc[value_start..]).into_iter::<serde_json::Value>();
    values.next().unwrap().unwrap();
    let mut end = value_start + values.byte_offset();
    if doc[end..].starts_with(',') {
        end += 1;
    }
    let out = format!("{}{}", &doc[..start], &doc[end..]);
    let out = out.replace(",}", "}");
    assert_eq!(
        Portfolio::from_json(&out).unwrap().to_json(),
        doc,
        "the document without its definitions is another one"
    );
    out
}

/// The header and the rows of the export's first `first` that show
/// something the others do not: the first row of each stage, and every row
/// without an account or a rating, with an amount not written as
/// `1,234.00`, and the first naming an account a kept row named.
fn export_rows(export: &str, first: usize) -> Vec<&str> {
    let mut lines = export.lines();
    let mut rows = vec![lines.next().unwrap()];
    let mut stages = Vec::new();
    let mut accounts = Vec::new();
    let mut repeated = false;
    for line in lines.take(first) {
        let cells = csv_cells(line);
        let (account, stage, amount, rating) = (&cells[2], &cells[5], &cells[6], &cells[12]);
        let plain_amount = amount.contains('.') && !amount.contains('k');
        let new_stage = !stages.contains(stage);
        let repeat_account = !repeated && !account.is_empty() && accounts.contains(account);
        repeated |= repeat_account;
        if new_stage || account.is_empty() || rating.is_empty() || !plain_amount || repeat_account {
            stages.push(stage.clone());
            accounts.push(account.clone());
            rows.push(line);
        }
    }
    rows
}

/// The cells of one CSV line (quoted cells hold no quotes in the sample).
fn csv_cells(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(String::new()),
            _ => cells.last_mut().unwrap().push(c),
        }
    }
    cells
}
