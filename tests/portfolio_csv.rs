//! Importing a CRM export: every row is imported or reported with its line
//! and reason, and the imported deals stand where the export says.

use proptest::prelude::*;
use techsales::config::ConfigError;
use techsales::customer::CustomerType;
use techsales::grading::Grade;
use techsales::key_account::{KeyNode, KeyNodeSet, Outcome, Stage};
use techsales::portfolio::{import_csv, CsvError, CsvMapping, RowProblem};

const MAPPING: &str = r#"{
  "currency": "EUR",
  "thousands_separator": ",",
  "columns": {
    "id": "id", "account": "account", "stage": "stage", "amount": "amount",
    "expected_close": "close", "opened": "opened", "stage_since": "since",
    "grade": "grade", "customer_type": "type"
  },
  "stages": {
    "Prospect": { "stage": "development" },
    "Shortlisted": { "stage": "proposal" },
    "Won": { "stage": "project_implementation", "outcome": "won" },
    "Lost": { "stage": "bidding", "outcome": "lost" }
  },
  "customer_types": { "Key": "strategic" }
}"#;

const EXPORT: &str = "\
id,account,stage,amount,close,opened,since,grade,type
O-1,C-1,Prospect,\"1,000.50\",2026-07-01,2026-01-05,,A,Key
O-2,C-1,won,200,2026-03-01,2026-01-05,2026-02-01,,
O-3,C-2,Lost,300,2026-03-01,2026-01-05,,b,loyal
O-4,C-3,Weird,5,2026-03-01,2026-01-05,,,loyal
O-5,,Prospect,5,2026-03-01,2026-01-05,,,loyal
O-6,C-3,Prospect,-5,2026-03-01,2026-01-05,,,loyal
O-1,C-3,Prospect,5,2026-03-01,2026-01-05,,,loyal
O-7,C-3,Prospect,5,2026-13-01,2026-01-05,,,loyal
O-8,C-4,Prospect,5,2026-07-01,2026-01-05,,,
O-9,C-1,Shortlisted,5,2026-07-01,2026-01-05,2026-03-01,,loyal
\"O-10
(split)\",C-5,Prospect,5,2026-07-01,2026-01-05,2025-12-01,,loyal
O-11,C-5,Prospect,5
O-12,C-5,Prospect,1.234,2026-07-01,2026-01-05,,,loyal
O-13,C-5,Prospect,7,2026-07-01,2026-01-05,,E,loyal
O-14,C-6,Lost,9,2026-01-01,2026-01-05,,,loyal
";

fn mapping() -> CsvMapping {
    CsvMapping::from_json(MAPPING).unwrap()
}

#[test]
fn bad_rows_are_reported_with_line_and_reason_and_the_rest_imported() {
    let import = import_csv(EXPORT.as_bytes(), &mapping()).unwrap();
    assert_eq!(import.rows, 15);
    assert_eq!(import.imported, 5);
    assert_eq!(import.rows, import.imported + import.rejected.len());

    let report: Vec<(u64, Option<&str>, &RowProblem)> = import
        .rejected
        .iter()
        .map(|r| (r.line, r.id.as_deref(), &r.problem))
        .collect();
    let lines: Vec<u64> = report.iter().map(|r| r.0).collect();
    // O-10's id spans lines 12-13, so the rows after it start one line later.
    assert_eq!(lines, [5, 7, 8, 9, 10, 12, 14, 15, 16, 17]);

    assert!(
        matches!(report[0], (5, Some("O-4"), RowProblem::UnknownStage { value }) if value == "Weird")
    );
    // O-5 names no account: imported under "no account", not refused.
    assert_eq!(import.portfolio.opportunity("O-5").unwrap().account, None);
    assert!(matches!(
        report[1],
        (7, Some("O-6"), RowProblem::BadAmount { .. })
    ));
    assert!(matches!(
        report[2],
        (
            8,
            Some("O-1"),
            RowProblem::DuplicateId { first_line: 2, .. }
        )
    ));
    assert!(
        matches!(report[3], (9, Some("O-7"), RowProblem::BadDate { column, value, .. }) if column == "close" && value == "2026-13-01")
    );
    assert!(
        matches!(report[4], (10, Some("O-8"), RowProblem::NoCustomerType { account }) if account == "C-4")
    );
    assert!(matches!(
        report[5],
        (12, Some("O-10\n(split)"), RowProblem::DatesOutOfOrder(_))
    ));
    assert!(
        matches!(report[6], (14, None, RowProblem::Malformed { message }) if message == "4 fields where the header has 9")
    );
    assert!(
        matches!(report[7], (15, Some("O-12"), RowProblem::BadAmount { reason, .. }) if reason == "more than 2 decimals")
    );
    assert!(
        matches!(report[8], (16, Some("O-13"), RowProblem::UnknownGrade { value }) if value == "E")
    );
    assert!(matches!(
        report[9],
        (17, Some("O-14"), RowProblem::DatesOutOfOrder(_))
    ));

    let shown = import.rejected[0].to_string();
    assert_eq!(
        shown,
        "line 5: stage `Weird` is not in the mapping's stages"
    );

    // O-9's account was first seen as Key (strategic) on line 2.
    assert_eq!(import.warnings.len(), 1);
    assert_eq!(import.warnings[0].line, 11);
    assert!(import.warnings[0].message.contains("line 2"));
}

#[test]
fn imported_deals_stand_where_the_export_says() {
    let import = import_csv(EXPORT.as_bytes(), &mapping()).unwrap();
    let p = &import.portfolio;
    let definition = &p.definitions().process;

    let o1 = p.opportunity("O-1").unwrap();
    assert_eq!(o1.amount_minor, Some(100_050));
    assert_eq!(o1.process.state().stage(), Stage::Development);
    assert_eq!(o1.process.state().grade(), Some(Grade::A));
    assert!(o1.process.state().is_open());

    let o2 = p.opportunity("O-2").unwrap();
    assert_eq!(o2.process.state().outcome(), Some(Outcome::Won));
    assert_eq!(o2.process.state().stage(), Stage::ProjectImplementation);
    assert_eq!(o2.process.state().grade(), None);

    let o3 = p.opportunity("O-3").unwrap();
    let closure = o3.process.state().closure().unwrap();
    assert_eq!(
        (closure.outcome, closure.stage),
        (Outcome::Lost, Stage::Bidding)
    );
    assert_eq!(o3.process.state().grade(), Some(Grade::B));

    // Imported stages come with the earlier key nodes reported by the CRM:
    // nothing is forced and nothing penalised, graded or not.
    assert_eq!(o3.process.state().forced(), KeyNodeSet::EMPTY);
    let o9 = p.opportunity("O-9").unwrap();
    assert_eq!(o9.process.state().stage(), Stage::Proposal);
    assert_eq!(o9.process.state().forced(), KeyNodeSet::EMPTY);
    assert_eq!(o9.process.state().penalised(definition), KeyNodeSet::EMPTY);
    assert_eq!(
        o9.process.state().reported_by_crm(),
        definition.required_before(Stage::Proposal)
    );
    assert!(o9
        .process
        .state()
        .reported_by_crm()
        .contains(KeyNode::OpportunityGraded));
    assert_eq!(
        o9.process
            .state()
            .stage_entered_at()
            .date_naive()
            .to_string(),
        "2026-03-01"
    );
    assert!(o9.process.journal().iter().all(|e| e.actor == "crm-import"));

    let type_of = |id: &str| p.account(id).unwrap().customer.customer_type();
    assert_eq!(type_of("C-1"), CustomerType::Strategic);
    assert_eq!(type_of("C-2"), CustomerType::Loyal);
    assert_eq!(p.accounts().len(), 2);
    // As of the latest date in the imported rows.
    assert_eq!(p.as_of().date_naive().to_string(), "2026-03-01");
    // The import is a valid document.
    techsales::portfolio::Portfolio::from_json(&p.to_json()).unwrap();
}

#[test]
fn a_missing_column_refuses_the_whole_file() {
    let export = "id,account,stage,amount,close\nO-1,C-1,Prospect,5,2026-01-01\n";
    match import_csv(export.as_bytes(), &mapping()) {
        Err(CsvError::MissingColumn { field, column, .. }) => {
            assert_eq!((field, column.as_str()), ("opened", "opened"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_mappings_name_the_field() {
    let field_of = |json: &str| match CsvMapping::from_json(json) {
        Err(ConfigError::Invalid { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    let base: serde_json::Value = serde_json::from_str(MAPPING).unwrap();
    let with = |path: &[&str], value: serde_json::Value| {
        let mut v = base.clone();
        let mut at = &mut v;
        for key in &path[..path.len() - 1] {
            at = &mut at[*key];
        }
        at[path[path.len() - 1]] = value;
        v.to_string()
    };
    assert_eq!(
        field_of(&with(&["stages", "Won", "stage"], "bidding".into())),
        "stages.Won.stage"
    );
    assert_eq!(
        field_of(&with(&["date_format"], "%Q".into())),
        "date_format"
    );
    assert_eq!(field_of(&with(&["delimiter"], "é".into())), "delimiter");
    assert_eq!(
        field_of(&with(&["columns", "amount"], " ".into())),
        "columns.amount"
    );
    assert_eq!(
        field_of(&with(
            &["stages", "prospect"],
            serde_json::json!({"stage": "bidding"})
        )),
        "stages"
    );
    assert_eq!(
        field_of(&with(&["columns", "assistance"], "a".into())),
        "columns.loyalty"
    );
    assert_eq!(
        field_of(&with(
            &["definitions"],
            serde_json::json!({"process": {"forcing_penalty": 3}})
        )),
        "definitions.process.forcing_penalty"
    );
    assert!(matches!(
        CsvMapping::from_json(&with(&["colour"], "red".into())),
        Err(ConfigError::Json { .. })
    ));
}

#[test]
fn a_bad_currency_is_refused_as_a_whole() {
    let mut m = mapping();
    m.currency = "euro".into();
    assert!(matches!(
        import_csv(EXPORT.as_bytes(), &m),
        Err(CsvError::Portfolio(_))
    ));
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("Prospect".to_owned()),
        Just("Won".to_owned()),
        Just("Lost".to_owned()),
        Just("Nope".to_owned()),
        Just("2026-02-01".to_owned()),
        Just("2026-02-30".to_owned()),
        Just("12.5".to_owned()),
        Just("-1".to_owned()),
        Just("a".to_owned()),
        Just("loyal".to_owned()),
        "[A-Za-z0-9 ,\"\n]{0,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Nothing is dropped silently: every data row is either imported or
    /// reported, each report names a distinct line of the file.
    #[test]
    fn every_row_is_imported_or_reported(rows in prop::collection::vec(prop::collection::vec(cell(), 7..11), 0..25)) {
        let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
        writer.write_record(["id", "account", "stage", "amount", "close", "opened", "since", "grade", "type"]).unwrap();
        for (i, row) in rows.iter().enumerate() {
            let mut row = row.clone();
            // Distinct ids most of the time, some repeats.
            row[0] = format!("O-{}", i % 20);
            writer.write_record(&row).unwrap();
        }
        let text = writer.into_inner().unwrap();
        let mut mapping = mapping();
        // Rows may hold no date at all: the as-of date is then the mapping's.
        mapping.as_of = Some("2026-06-30T00:00:00Z".parse().unwrap());
        let import = import_csv(text.as_slice(), &mapping).unwrap();
        prop_assert_eq!(import.rows, rows.len());
        prop_assert_eq!(import.imported + import.rejected.len(), rows.len());
        prop_assert_eq!(import.portfolio.opportunities().len(), import.imported);
        let mut lines: Vec<u64> = import.rejected.iter().map(|r| r.line).collect();
        let sorted = lines.windows(2).all(|w| w[0] < w[1]);
        prop_assert!(sorted, "{:?}", lines);
        lines.dedup();
        prop_assert!(lines.iter().all(|&l| l >= 2));
    }
}
