//! The files beside a deals export: a contacts file of buying influences,
//! joined on the deal and recorded in its journal, and a products file
//! joined on the deals' product column. Nothing is invented (a role or an
//! influence the mapping does not cover, without a default, refuses the
//! contact) and nothing is dropped silently (every contacts row is
//! recorded or reported with its line).
//!
//! The tests do not rest on which roles the default coverage rule
//! requires: where coverage matters the definitions carry their own rule.

use std::collections::BTreeSet;

use proptest::prelude::*;
use techsales::config::ConfigError;
use techsales::key_account::{
    Attitude, BuyingInfluence, BuyingRole, CoverageRule, InfluenceDegree, KeyAccountEvent, KeyNode,
    KeyNodeSet, NodeSource,
};
use techsales::portfolio::{
    import_csv, import_csv_files, import_csv_with, CsvError, CsvFiles, CsvImport, CsvMapping,
    ImportFile, RowProblem, WarningKind,
};

const MAPPING: &str = r#"{
    "format_version": 2,
    "currency": "EUR",
    "columns": { "id": "id", "stage": "stage", "opened": "opened", "product": "product" },
    "stages": {
        "Open": { "stage": "development" },
        "Entry": { "stage": "sales_entry", "probability": 30 },
        "Lost": { "outcome": "lost" }
    },
    "default_customer_type": "loyal",
    "contacts": {
        "columns": { "id": "contact", "deal": "deal", "name": "name", "role": "role",
                     "influence": "weight", "met": "met", "attitude": "attitude" },
        "roles": { "Decision Maker": "economic_buyer", "Evaluator": "technical_buyer",
                   "Champion": "coach" },
        "influences": { "H": "high", "M": "medium", "L": "low" },
        "attitudes": { "Fan": "supportive", "Against": "opposed" },
        "met_values": ["yes"]
    }
}"#;

const DEALS: &str = "id,stage,opened,product\n\
O-1,Open,2026-01-05,\n\
O-2,Entry,2026-02-01,\n\
O-3,Lost,2026-01-10,\n\
O-4,Nope,2026-01-10,\n";

fn mapping() -> CsvMapping {
    CsvMapping::from_json(MAPPING).unwrap()
}

fn import(deals: &str, contacts: &str, mapping: &CsvMapping) -> CsvImport {
    let files = CsvFiles {
        contacts: Some(contacts.as_bytes()),
        ..CsvFiles::default()
    };
    import_csv_with(deals.as_bytes(), files, mapping).unwrap()
}

/// The contacts files' refusals as (line, reason).
fn refused_contacts(import: &CsvImport) -> Vec<(u64, &'static str)> {
    import
        .rejected
        .iter()
        .filter(|r| r.file == ImportFile::Contacts)
        .map(|r| (r.line, r.problem.reason()))
        .collect()
}

fn contacts(import: &CsvImport, deal: &str) -> Vec<BuyingInfluence> {
    import
        .portfolio
        .opportunity(deal)
        .unwrap()
        .process
        .state()
        .contacts()
        .to_vec()
}

#[test]
fn contacts_are_joined_on_their_deal_and_recorded_in_its_journal() {
    let mut m = mapping();
    // An explicit rule: a coach finds insiders, the economic buyer alone is
    // the key people.
    m.definitions.process.coverage = CoverageRule {
        key_roles: BTreeSet::from([BuyingRole::EconomicBuyer]),
        min_coaches: 1,
        ..CoverageRule::default()
    };
    let file = "contact,deal,name,role,weight,met,attitude\n\
C-1,O-1,Wang Li,Decision Maker,H,yes,Fan\n\
C-2,O-1,Zhao Min,evaluator,m,no,\n\
C-3,O-2,Chen Yu,Champion,L,,Against\n\
C-4,O-3,Sun Bo,coach,low,YES,neutral\n";
    let import = import(DEALS, file, &m);
    assert_eq!(
        (import.contact_rows, import.contacts_imported),
        (Some(4), 4)
    );
    assert_eq!(refused_contacts(&import), []);
    assert_eq!(
        contacts(&import, "O-1"),
        [
            BuyingInfluence::new(
                "C-1",
                "Wang Li",
                BuyingRole::EconomicBuyer,
                InfluenceDegree::High
            )
            .met()
            .with_attitude(Attitude::Supportive),
            BuyingInfluence::new(
                "C-2",
                "Zhao Min",
                BuyingRole::TechnicalBuyer,
                InfluenceDegree::Medium
            ),
        ]
    );
    // Our keys are read as they are; an empty met cell is not met.
    assert_eq!(
        contacts(&import, "O-2"),
        [
            BuyingInfluence::new("C-3", "Chen Yu", BuyingRole::Coach, InfluenceDegree::Low)
                .with_attitude(Attitude::Opposed)
        ]
    );
    // The lost deal keeps its contact, recorded before it was lost.
    let lost = contacts(&import, "O-3");
    assert_eq!((lost.len(), lost[0].met), (1, true));
    assert_eq!(lost[0].attitude, Attitude::Neutral);

    // Each contact is one ContactRecorded entry of the deal's journal.
    let deal = import.portfolio.opportunity("O-1").unwrap();
    let recorded: Vec<&str> = deal
        .process
        .journal()
        .iter()
        .filter_map(|e| match &e.event {
            KeyAccountEvent::ContactRecorded { contact } => Some(contact.id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(recorded, ["C-1", "C-2"]);
    // The economic buyer meets "key people identified" with the contacts
    // as evidence; no coach on O-1, so no insiders. Nothing is forced.
    let state = deal.process.state();
    assert!(state.met().contains(KeyNode::KeyPeopleIdentified));
    assert!(!state.met().contains(KeyNode::InsidersFound));
    let source = deal
        .process
        .key_node_records()
        .find(|r| r.node == KeyNode::KeyPeopleIdentified)
        .map(|r| r.source);
    assert_eq!(source, Some(NodeSource::Coverage));
    assert!(state.forcings().is_empty());
    // An opposed coach finds no insiders on O-2.
    let o2 = import.portfolio.opportunity("O-2").unwrap().process.state();
    assert!(!o2.met().contains(KeyNode::InsidersFound));
    let summary = import.summary();
    assert!(
        summary.contains("contacts: 4 rows read, 4 recorded on 3 deals, 0 refused"),
        "{summary}"
    );
}

#[test]
fn an_unmapped_role_without_a_default_is_reported_with_its_line_and_not_imported() {
    let file = "contact,deal,name,role,weight,met,attitude\n\
C-1,O-1,Wang Li,Decision Maker,H,,\n\
C-2,O-1,Zhao Min,Influencer,M,,\n\
C-3,O-1,Chen Yu,,M,,\n";
    let import = import(DEALS, file, &mapping());
    assert_eq!(import.contacts_imported, 1);
    assert_eq!(
        refused_contacts(&import),
        [
            (3, "role not in the mapping"),
            (4, "role not in the mapping")
        ]
    );
    let refused = import
        .rejected
        .iter()
        .find(|r| r.file == ImportFile::Contacts)
        .unwrap();
    assert_eq!(refused.column.as_deref(), Some("role"));
    assert_eq!(refused.id.as_deref(), Some("C-2"));
    assert!(
        matches!(&refused.problem, RowProblem::UnknownRole { value, .. } if value == "Influencer")
    );
    assert_eq!(
        refused.to_string().split(':').next(),
        Some("contacts line 3")
    );
    let ids: Vec<String> = contacts(&import, "O-1").into_iter().map(|c| c.id).collect();
    assert_eq!(ids, ["C-1"]);
    assert!(import
        .summary()
        .contains("contacts: role not in the mapping: 2 (first at line 3)"));
}

#[test]
fn a_declared_default_role_and_influence_are_used_for_what_the_maps_do_not_cover() {
    let mut m = mapping();
    let c = m.contacts.as_mut().unwrap();
    c.default_role = Some(BuyingRole::UserBuyer);
    c.default_influence = Some(InfluenceDegree::Low);
    let file = "contact,deal,name,role,weight,met,attitude\n\
C-1,O-1,Wang Li,Influencer,,,\n\
C-2,O-1,Zhao Min,,Huge,,\n\
C-3,O-1,Chen Yu,Evaluator,H,,\n";
    let import = import(DEALS, file, &m);
    assert_eq!(refused_contacts(&import), []);
    let got: Vec<(BuyingRole, InfluenceDegree)> = contacts(&import, "O-1")
        .iter()
        .map(|c| (c.role, c.influence))
        .collect();
    assert_eq!(
        got,
        [
            (BuyingRole::UserBuyer, InfluenceDegree::Low),
            (BuyingRole::UserBuyer, InfluenceDegree::Low),
            (BuyingRole::TechnicalBuyer, InfluenceDegree::High),
        ]
    );
}

#[test]
fn an_uncovered_influence_or_attitude_is_reported_and_a_missing_influence_needs_a_default() {
    let file = "contact,deal,name,role,weight,met,attitude\n\
C-1,O-1,Wang Li,Evaluator,Huge,,\n\
C-2,O-1,Zhao Min,Evaluator,,,\n\
C-3,O-1,Chen Yu,Evaluator,H,,Lukewarm\n";
    let import = import(DEALS, file, &mapping());
    assert_eq!(
        refused_contacts(&import),
        [
            (2, "influence not in the mapping"),
            (3, "influence not in the mapping"),
            (4, "attitude not in the mapping"),
        ]
    );
    assert_eq!(import.contacts_imported, 0);
    // Without an influence column, the mapping must say which influence.
    let mut value: serde_json::Value = serde_json::from_str(MAPPING).unwrap();
    let columns = value["contacts"]["columns"].as_object_mut().unwrap();
    assert!(columns.remove("influence").is_some());
    let err = CsvMapping::from_json(&value.to_string()).unwrap_err();
    assert!(
        matches!(&err, ConfigError::Invalid { field, .. } if field == "contacts.default_influence"),
        "{err}"
    );
}

#[test]
fn contacts_of_an_unknown_or_refused_deal_and_duplicate_ids_are_reported() {
    let file = "contact,deal,name,role,weight,met,attitude\n\
C-1,O-9,Wang Li,Evaluator,H,,\n\
C-2,O-4,Zhao Min,Evaluator,H,,\n\
C-3,O-1,Chen Yu,Evaluator,H,,\n\
C-3,O-1,Chen Yu,Champion,H,,\n\
C-3,O-2,Chen Yu,Champion,H,,\n\
C-4,O-9,Sun Bo,Evaluator,H,,\n";
    let import = import(DEALS, file, &mapping());
    assert_eq!(
        refused_contacts(&import),
        [
            (2, "deal not in the export"),
            (3, "deal not imported"),
            (5, "duplicate id"),
            (7, "deal not in the export"),
        ]
    );
    let refused_deal = import
        .rejected
        .iter()
        .find(|r| r.file == ImportFile::Contacts && r.line == 3)
        .unwrap();
    // O-4's stage is not in the mapping: deals line 5.
    assert!(matches!(
        &refused_deal.problem,
        RowProblem::DealNotImported { deal, line: 5 } if deal == "O-4"
    ));
    assert!(matches!(
        &import.rejected.iter().find(|r| r.line == 5 && r.file == ImportFile::Contacts).unwrap().problem,
        RowProblem::DuplicateId { id, first_line: 4 } if id == "C-3"
    ));
    // The same contact id on another deal is another decision.
    assert_eq!(contacts(&import, "O-1").len(), 1);
    assert_eq!(contacts(&import, "O-2").len(), 1);
    assert_eq!(import.contacts_imported, 2);
    let summary = import.summary();
    assert!(
        summary.contains("contacts: deal not in the export: 2 (first at line 2)"),
        "{summary}"
    );
    assert!(
        summary.contains("contacts: deal not imported: 1 (first at line 3)"),
        "{summary}"
    );
}

#[test]
fn each_declared_file_must_be_given_and_each_given_file_declared() {
    let m = mapping();
    let err = import_csv(DEALS.as_bytes(), &m).unwrap_err();
    assert_eq!(
        err,
        CsvError::FileNotGiven {
            file: ImportFile::Contacts
        }
    );
    assert!(err.to_string().contains("contacts"), "{err}");
    let err = import_csv_files(DEALS.as_bytes(), "id\n".as_bytes(), &m).unwrap_err();
    assert_eq!(
        err,
        CsvError::FileNotDeclared {
            file: ImportFile::Accounts
        }
    );
    let mut plain = m.clone();
    plain.contacts = None;
    let files = CsvFiles {
        products: Some("id\n".as_bytes()),
        ..CsvFiles::default()
    };
    let err = import_csv_with(DEALS.as_bytes(), files, &plain).unwrap_err();
    assert_eq!(
        err,
        CsvError::FileNotDeclared {
            file: ImportFile::Products
        }
    );
    // A column the mapping names that the contacts file lacks.
    let files = CsvFiles {
        contacts: Some("contact,deal\n".as_bytes()),
        ..CsvFiles::default()
    };
    let err = import_csv_with(DEALS.as_bytes(), files, &m).unwrap_err();
    assert!(
        matches!(
            &err,
            CsvError::MissingColumn {
                file: ImportFile::Contacts,
                field: "contacts.role",
                ..
            }
        ),
        "{err}"
    );
}

const PRODUCTS_MAPPING: &str = r#"{
    "currency": "EUR",
    "columns": { "id": "id", "stage": "stage", "opened": "opened", "product": "product" },
    "stages": { "Open": { "stage": "development" } },
    "default_customer_type": "loyal",
    "products": {
        "file": "products.csv",
        "columns": { "id": "sku", "name": "title", "line": "family", "market": "market" }
    }
}"#;

#[test]
fn a_products_file_names_the_deals_product_and_keeps_its_line_and_market() {
    let m = CsvMapping::from_json(PRODUCTS_MAPPING).unwrap();
    let deals = "id,stage,opened,product\n\
O-1,Open,2026-01-05,P-10\n\
O-2,Open,2026-01-05,P-99\n\
O-3,Open,2026-01-05,\n\
O-4,Open,2026-01-05,P-11\n";
    let products = "sku,title,family,market\n\
P-10,Centrifugal pump CP-40,Pumps,Mining\n\
P-11,,,\n\
P-10,Duplicate,Pumps,Mining\n";
    let files = CsvFiles {
        products: Some(products.as_bytes()),
        ..CsvFiles::default()
    };
    let import = import_csv_with(deals.as_bytes(), files, &m).unwrap();
    assert_eq!(import.imported, 4);
    let p = &import.portfolio;
    let o1 = p.opportunity("O-1").unwrap();
    assert_eq!(o1.product.as_deref(), Some("Centrifugal pump CP-40"));
    let details = o1.product_details.as_deref().unwrap();
    assert_eq!(
        (details.line.as_deref(), details.market.as_deref()),
        (Some("Pumps"), Some("Mining"))
    );
    // Not in the file: kept as the deals' text, with a warning.
    let o2 = p.opportunity("O-2").unwrap();
    assert_eq!(o2.product.as_deref(), Some("P-99"));
    assert!(o2.product_details.is_none());
    assert_eq!(p.opportunity("O-3").unwrap().product, None);
    // In the file without a name: its id stays.
    assert_eq!(
        p.opportunity("O-4").unwrap().product.as_deref(),
        Some("P-11")
    );
    let warnings: Vec<(u64, WarningKind)> =
        import.warnings.iter().map(|w| (w.line, w.kind)).collect();
    assert_eq!(warnings, [(3, WarningKind::ProductNotInProductsFile)]);
    let refused: Vec<(ImportFile, u64, &str)> = import
        .rejected
        .iter()
        .map(|r| (r.file, r.line, r.problem.reason()))
        .collect();
    assert_eq!(refused, [(ImportFile::Products, 4, "duplicate id")]);
    // The details survive the document's round trip.
    let again = techsales::portfolio::Portfolio::from_json(&p.to_json()).unwrap();
    assert_eq!(again.opportunity("O-1").unwrap(), o1);
    // Without the deals' product column the file has nothing to join on.
    let mut value: serde_json::Value = serde_json::from_str(PRODUCTS_MAPPING).unwrap();
    value["columns"].as_object_mut().unwrap().remove("product");
    let err = CsvMapping::from_json(&value.to_string()).unwrap_err();
    assert!(
        matches!(&err, ConfigError::Invalid { field, .. } if field == "columns.product"),
        "{err}"
    );
}

fn contact_row() -> impl Strategy<Value = (u8, u8, String, String, String, String)> {
    (
        0u8..4,
        0u8..6,
        prop_oneof![
            Just(String::new()),
            Just("Decision Maker".to_owned()),
            Just("Evaluator".to_owned()),
            Just("Champion".to_owned()),
            Just("coach".to_owned()),
            Just("Influencer".to_owned()),
        ],
        prop_oneof![
            Just(String::new()),
            Just("H".to_owned()),
            Just("low".to_owned()),
            Just("Huge".to_owned()),
        ],
        prop_oneof![
            Just(String::new()),
            Just("yes".to_owned()),
            Just("no".to_owned()),
        ],
        prop_oneof![
            Just(String::new()),
            Just("Fan".to_owned()),
            Just("Against".to_owned()),
            Just("meh".to_owned()),
        ],
    )
}

fn contacts_file(rows: &[(u8, u8, String, String, String, String)]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "contact", "deal", "name", "role", "weight", "met", "attitude",
        ])
        .unwrap();
    for (contact, deal, role, weight, met, attitude) in rows {
        // O-1..O-3 are imported, O-4 refused, O-5 not in the export, and an
        // empty deal names none.
        let deal = match deal {
            0 => String::new(),
            d => format!("O-{d}"),
        };
        writer
            .write_record([
                &format!("C-{contact}"),
                &deal,
                "Someone",
                role,
                weight,
                met,
                attitude,
            ])
            .unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Nothing is dropped silently and nothing is invented: every contacts
    /// row is either recorded on its deal or refused with its line (never
    /// both), a recorded contact is the row's, and contacts never make the
    /// import record a forcing or a penalised key node; the key nodes they
    /// meet are derived from coverage.
    #[test]
    fn every_contacts_row_is_recorded_or_reported_and_none_forces(
        rows in prop::collection::vec(contact_row(), 0..24),
        default_role in any::<bool>(),
    ) {
        let mut m = mapping();
        if default_role {
            m.contacts.as_mut().unwrap().default_role = Some(BuyingRole::UserBuyer);
        }
        let import = import(DEALS, &contacts_file(&rows), &m);
        prop_assert_eq!(import.contact_rows, Some(rows.len()));
        let refused: Vec<u64> = import
            .rejected
            .iter()
            .filter(|r| r.file == ImportFile::Contacts)
            .map(|r| r.line)
            .collect();
        prop_assert!(refused.windows(2).all(|w| w[0] < w[1]), "{:?}", refused);
        let recorded: usize = import
            .portfolio
            .opportunities()
            .iter()
            .map(|r| r.process.state().contacts().len())
            .sum();
        prop_assert_eq!(recorded, import.contacts_imported);
        prop_assert_eq!(import.contacts_imported + refused.len(), rows.len());
        // Row by row: a row with a deal that is not imported is refused.
        for (i, (_, deal, ..)) in rows.iter().enumerate() {
            let line = i as u64 + 2;
            if !(1..=3).contains(deal) {
                prop_assert!(refused.contains(&line), "line {}", line);
            }
        }
        let definition = &import.portfolio.definitions().process;
        for record in import.portfolio.opportunities() {
            let state = record.process.state();
            prop_assert!(state.forcings().is_empty());
            prop_assert_eq!(state.forced(), KeyNodeSet::EMPTY);
            prop_assert_eq!(state.penalised(definition), KeyNodeSet::EMPTY);
            for node in record.process.key_node_records() {
                prop_assert!(
                    matches!(node.source, NodeSource::Crm | NodeSource::Coverage),
                    "{:?}", node
                );
            }
            for contact in state.contacts() {
                prop_assert_eq!(contact.name.as_str(), "Someone");
            }
        }
    }
}
