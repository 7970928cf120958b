//! Real CRM exports in: the four vendor mappings with their samples, an
//! open pipeline without dates or amounts, the accounts file, robust
//! reading (BOM, `;`, decimal comma, CRLF and quoted newlines), the
//! versioned mapping format and its schema, and the rules that an import
//! never invents a forcing and never drops a row silently.
//!
//! Regenerate the mapping schema with
//! `TECHSALES_BLESS=1 cargo test --test portfolio_import`.

use std::path::PathBuf;

use proptest::prelude::*;
use techsales::config::ConfigError;
use techsales::customer::CustomerType;
use techsales::grading::PossibilitySource;
use techsales::key_account::{FactorKind, KeyNode, KeyNodeSet, NodeSource, Outcome, Stage};
use techsales::labels::Labelled;
use techsales::portfolio::{
    import_csv, import_csv_files, import_csv_with, mapping_json_schema_text, pipeline, CsvFiles,
    CsvImport, CsvMapping, ImportFile, RowProblem, WarningKind,
};

fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/data/mappings")
        .join(path)
}

fn mapping(name: &str) -> CsvMapping {
    CsvMapping::from_json(&std::fs::read_to_string(data(&format!("{name}.json"))).unwrap()).unwrap()
}

/// The vendor's sample imported with the files its mapping declares, read
/// where the mapping says (relative to it), as the CLI reads them.
fn vendor(name: &str) -> CsvImport {
    let m = mapping(name);
    let export = std::fs::read(data(&format!("{name}.csv"))).unwrap();
    let beside = |file: Option<&String>| file.map(|f| std::fs::read(data(f)).unwrap());
    let accounts = beside(m.accounts.as_ref().and_then(|a| a.file.as_ref()));
    let contacts = beside(m.contacts.as_ref().and_then(|c| c.file.as_ref()));
    let products = beside(m.products.as_ref().and_then(|p| p.file.as_ref()));
    let files = CsvFiles {
        accounts: accounts.as_deref(),
        contacts: contacts.as_deref(),
        products: products.as_deref(),
    };
    import_csv_with(export.as_slice(), files, &m).unwrap()
}

/// Every deal's (CRM stage, base probability) as imported.
fn crm_bases(import: &CsvImport) -> Vec<(String, Option<f64>)> {
    import
        .portfolio
        .opportunities()
        .iter()
        .filter_map(|r| r.process.state().crm_stage())
        .map(|c| (c.name.clone(), c.probability))
        .collect()
}

/// The rule of item 3: each deal keeps the probability of its CRM stage
/// exactly as the vendor's stage table gives it, as that deal's base.
#[test]
fn vendor_stage_tables_give_each_deal_the_vendors_probability() {
    let tables: [(&str, &[(&str, f64)]); 3] = [
        (
            "salesforce",
            &[
                ("Prospecting", 10.0),
                ("Qualification", 10.0),
                ("Needs Analysis", 20.0),
                ("Value Proposition", 50.0),
                ("Id. Decision Makers", 60.0),
                ("Perception Analysis", 70.0),
                ("Proposal/Price Quote", 75.0),
                ("Negotiation/Review", 90.0),
                ("Closed Won", 100.0),
                ("Closed Lost", 0.0),
            ],
        ),
        (
            "hubspot",
            &[
                ("Appointment scheduled", 20.0),
                ("Qualified to buy", 40.0),
                ("Presentation scheduled", 60.0),
                ("Decision maker bought-in", 80.0),
                ("Contract sent", 90.0),
                ("Closed won", 100.0),
                ("Closed lost", 0.0),
            ],
        ),
        (
            "suitecrm",
            &[
                ("Prospecting", 10.0),
                ("Qualification", 20.0),
                ("Needs Analysis", 25.0),
                ("Value Proposition", 30.0),
                ("Id. Decision Makers", 40.0),
                ("Perception Analysis", 50.0),
                ("Proposal/Price Quote", 65.0),
                ("Negotiation/Review", 80.0),
                ("Closed Won", 100.0),
                ("Closed Lost", 0.0),
            ],
        ),
    ];
    for (name, table) in tables {
        let m = mapping(name);
        let declared: Vec<(&str, f64)> = m
            .stages
            .iter()
            .map(|(k, t)| (k.as_str(), t.probability.unwrap()))
            .collect();
        let mut expected = table.to_vec();
        expected.sort_by(|a, b| a.0.cmp(b.0));
        assert_eq!(declared, expected, "{name}: the mapping's stage table");

        let import = vendor(name);
        let bases = crm_bases(&import);
        assert!(!bases.is_empty(), "{name}");
        for (stage, probability) in bases {
            let percent = table.iter().find(|(s, _)| *s == stage).unwrap().1;
            assert_eq!(probability, Some(percent / 100.0), "{name}: {stage}");
        }
        // Open deals in a stage with a CRM probability use it as their base.
        let definition = &import.portfolio.definitions().process;
        for record in import.portfolio.opportunities() {
            let state = record.process.state();
            if !state.is_open() {
                continue;
            }
            let percent = table
                .iter()
                .find(|(s, _)| *s == state.crm_stage().unwrap().name)
                .unwrap()
                .1;
            let win = record.process.win_probability(definition);
            assert_eq!(win.factors[0].kind(), FactorKind::CrmStageBase);
            assert_eq!(win.value, percent / 100.0, "{name}: {}", record.id);
        }
    }
}

#[test]
fn salesforce_sample_reads_outcome_flags_and_reports_its_bad_row() {
    let import = vendor("salesforce");
    assert_eq!((import.rows, import.imported), (11, 10));
    assert_eq!(import.rejected_deals(), 1);
    let bad = &import.rejected[0];
    assert_eq!(bad.line, 12);
    assert_eq!(bad.column.as_deref(), Some("Close Date"));
    assert!(matches!(bad.problem, RowProblem::BadDate { .. }));
    let p = &import.portfolio;
    let outcome = |id: &str| p.opportunity(id).unwrap().process.state().outcome();
    assert_eq!(outcome("006A000008"), Some(Outcome::Won));
    assert_eq!(outcome("006A000009"), Some(Outcome::Lost));
    assert_eq!(outcome("006A000001"), None);
    // A lost deal's 0 is not an amount.
    assert_eq!(p.opportunity("006A000009").unwrap().amount_minor, None);
    // The CRM's own probability is kept beside ours.
    assert_eq!(
        p.opportunity("006A000007").unwrap().crm_probability,
        Some(0.9)
    );
    let open_without_amount = p.opportunity("006A000010").unwrap();
    assert_eq!(open_without_amount.amount_minor, None);
    assert_eq!(open_without_amount.expected_close, None);
}

#[test]
fn hubspot_sample_keeps_the_loss_reason_and_deals_without_company() {
    let import = vendor("hubspot");
    assert_eq!((import.rows, import.imported), (9, 9));
    let p = &import.portfolio;
    let lost = p.opportunity("9011234507").unwrap().process.state();
    // Not a key of the reason list: `other`, with the CRM's text as note.
    let reason = lost.closure().unwrap().reason.as_ref().unwrap();
    assert_eq!(
        (reason.key.as_str(), reason.note.as_deref()),
        ("other", Some("Went with competitor"))
    );
    assert_eq!(p.opportunity("9011234509").unwrap().account, None);
    let pipe = pipeline(p);
    assert_eq!(pipe.no_account.count, 1);
    assert_eq!(pipe.no_close_date.count, 2);
    assert_eq!(pipe.total.unknown_amount, 2);
}

#[test]
fn odoo_sample_reads_archived_leads_as_lost_in_their_last_stage() {
    let import = vendor("odoo");
    assert_eq!((import.rows, import.imported), (7, 7));
    let p = &import.portfolio;
    let lost = p.opportunity("__export__.crm_lead_15").unwrap();
    let closure = lost.process.state().closure().unwrap();
    assert_eq!(
        (closure.outcome, closure.stage),
        (Outcome::Lost, Stage::SalesEntry)
    );
    let reason = closure.reason.as_ref().unwrap();
    assert_eq!(
        (reason.key.as_str(), reason.note.as_deref()),
        ("other", Some("Too expensive"))
    );
    let won = p.opportunity("__export__.crm_lead_14").unwrap();
    assert_eq!(won.process.state().outcome(), Some(Outcome::Won));
    // Odoo's stages carry no probability: the lead's own is shown beside ours
    // and our base applies.
    let open = p.opportunity("__export__.crm_lead_13").unwrap();
    assert_eq!(open.crm_probability, Some(0.65));
    assert_eq!(open.process.state().crm_base(), None);
}

#[test]
fn suitecrm_sample_refuses_a_row_in_another_currency() {
    let import = vendor("suitecrm");
    assert_eq!((import.rows, import.imported), (11, 10));
    assert_eq!(import.rejected_deals(), 1);
    assert!(matches!(
        import.rejected[0].problem,
        RowProblem::CurrencyMismatch { .. }
    ));
    assert_eq!(import.rejected[0].line, 12);
}

/// Item 2: a deal imported at a later stage has its earlier key nodes
/// reported by the CRM: never forced, never penalised, and said so in the
/// diagnosis and the summary.
#[test]
fn later_stages_are_reported_by_the_crm_not_forced() {
    for name in ["salesforce", "hubspot", "odoo", "suitecrm"] {
        let import = vendor(name);
        let definition = &import.portfolio.definitions().process;
        for record in import.portfolio.opportunities() {
            let state = record.process.state();
            assert!(state.forcings().is_empty(), "{name} {}", record.id);
            assert_eq!(state.penalised(definition), KeyNodeSet::EMPTY);
            let reported = state.reported_by_crm();
            assert!(definition
                .required_before(state.stage())
                .is_subset(state.met()));
            assert!(record
                .process
                .key_node_records()
                .filter(|r| reported.contains(r.node))
                .all(|r| r.source == NodeSource::Crm));
            if state.is_open() && state.stage() > Stage::FIRST {
                assert!(!reported.is_empty());
                let text = record
                    .process
                    .diagnose(definition)
                    .report(techsales::labels::Language::English);
                assert!(
                    text.contains("stage taken from the CRM: these nodes are not verified"),
                    "{text}"
                );
                // The win probability's explanation names the same nodes,
                // in English, in Chinese and in its JSON.
                let why = record.process.win_probability(definition);
                assert_eq!(why.reported_by_crm, reported.iter().collect::<Vec<_>>());
                let en = why.explain(techsales::labels::Language::English);
                let zh = why.explain(techsales::labels::Language::Chinese);
                for node in reported.iter() {
                    assert!(en.contains(node.label_en()), "{en}");
                    assert!(zh.contains(node.label_zh()), "{zh}");
                }
                assert!(en.contains("stage taken from the CRM, these key nodes are not verified"));
                assert!(zh.contains("阶段取自CRM"), "{zh}");
                let json = serde_json::to_value(&why).unwrap();
                assert_eq!(
                    json["reported_by_crm"].as_array().map(Vec::len),
                    Some(reported.len())
                );
            }
        }
        let summary = import.summary();
        assert!(
            summary.contains("key nodes reported by the CRM"),
            "{summary}"
        );
        assert!(summary.contains("forced moves: 0"), "{summary}");
    }
}

#[test]
fn an_open_pipeline_without_dates_or_amounts_is_in_the_pipeline_not_the_forecast() {
    let deals = std::fs::read(data("open_pipeline.csv")).unwrap();
    let accounts = std::fs::read(data("open_pipeline_accounts.csv")).unwrap();
    let import = import_csv_files(
        deals.as_slice(),
        accounts.as_slice(),
        &mapping("open_pipeline"),
    )
    .unwrap();
    assert_eq!((import.rows, import.imported), (12, 12));
    let pipe = pipeline(&import.portfolio);
    assert_eq!(pipe.total.count, 6);
    assert_eq!(pipe.total.unknown_amount, 6);
    assert_eq!(pipe.total.amount_minor, 0);
    assert!(pipe.by_close_month.is_empty());
    assert_eq!(pipe.no_close_date.count, 6);
    assert_eq!(pipe.no_account.count, 2);
    // Lost deals' 0 is unknown; won deals' amounts are summed.
    let won = &pipe.closed[0].1;
    assert_eq!((won.count, won.amount_minor), (4, 620_600));
    // The join is reported both ways.
    let kinds: Vec<(ImportFile, WarningKind)> =
        import.warnings.iter().map(|w| (w.file, w.kind)).collect();
    assert_eq!(
        kinds,
        [
            (ImportFile::Deals, WarningKind::AccountNotInAccountsFile),
            (ImportFile::Accounts, WarningKind::AccountWithoutDeals),
        ]
    );
    // The accounts file gives each account its industry, size and region,
    // as the CRM writes them; an account the file does not have has none.
    let account = |id: &str| import.portfolio.account(id).unwrap();
    let isdom = account("Isdom");
    assert_eq!(
        (
            isdom.industry.as_deref(),
            isdom.size.as_deref(),
            isdom.region.as_deref()
        ),
        (Some("medical"), Some("4540"), Some("United States"))
    );
    let not_in_file = import
        .warnings
        .iter()
        .find(|w| w.kind == WarningKind::AccountNotInAccountsFile)
        .map(|w| w.message.split('`').nth(1).unwrap().to_owned())
        .unwrap();
    let missing = account(&not_in_file);
    assert_eq!(
        (&missing.industry, &missing.size, &missing.region),
        (&None, &None, &None)
    );
    // No opening date: time in stage leaves every deal out.
    assert!(import
        .portfolio
        .opportunities()
        .iter()
        .all(|r| r.timeline_unknown));
    let report = techsales::portfolio::render_report(&import.portfolio, &Default::default());
    assert!(
        report.contains("not in the forecast: 6 open deals with no expected close date"),
        "{report}"
    );
    assert!(report.contains("no account"), "{report}");
    // The HTML report says it too: how many deals, and that their amount
    // is unknown rather than zero.
    let html = techsales::portfolio::render_html(
        &import.portfolio,
        &Default::default(),
        techsales::labels::Language::English,
    );
    assert!(
        html.contains("6 open deals of unknown amount: counted in the deals, not in the amounts."),
        "{html}"
    );
    assert!(
        html.contains("Not in the forecast: 6 open deals with no expected close date"),
        "{html}"
    );
}

#[test]
fn accounts_file_sets_types_directly_or_through_scores() {
    let m = CsvMapping::from_json(
        r#"{
        "currency": "EUR",
        "as_of": "2026-06-30T00:00:00Z",
        "columns": { "id": "Id", "account": "Acct", "stage": "Stage" },
        "stages": { "Open": { "stage": "development" } },
        "accounts": { "columns": { "id": "Id", "name": "Name", "customer_type": "Type",
                                   "assistance": "Help", "loyalty": "Loyal" } }
    }"#,
    )
    .unwrap();
    let deals = "Id,Acct,Stage\nO-1,A-1,Open\nO-2,A-2,Open\nO-3,A-3,Open\n";
    let accounts = "Id,Name,Type,Help,Loyal\nA-1,Acme,loyal,,\nA-2,Bolt,,80,70\nA-2,Twice,,,\n";
    let import = import_csv_files(deals.as_bytes(), accounts.as_bytes(), &m).unwrap();
    let p = &import.portfolio;
    let account = |id: &str| &p.account(id).unwrap().customer;
    assert_eq!(account("A-1").customer_type(), CustomerType::Loyal);
    assert_eq!(account("A-1").name(), "Acme");
    assert_eq!(account("A-2").customer_type(), CustomerType::Strategic);
    // A-3 is in no file row and has no default: refused, with the row named.
    let refused: Vec<(ImportFile, u64, &str)> = import
        .rejected
        .iter()
        .map(|r| (r.file, r.line, r.problem.reason()))
        .collect();
    assert_eq!(
        refused,
        [
            (ImportFile::Deals, 4, "no customer type"),
            (ImportFile::Accounts, 4, "duplicate id"),
        ]
    );
    let summary = import.summary();
    assert!(
        summary.contains("deals: no customer type: 1 (first at line 4)"),
        "{summary}"
    );
    assert!(
        summary.contains("accounts: duplicate id: 1 (first at line 4)"),
        "{summary}"
    );
}

const SIMPLE: &str = r#"{
    "currency": "EUR",
    "columns": { "id": "id", "account": "account", "stage": "stage", "amount": "amount",
                 "opened": "opened" },
    "stages": { "Open": { "stage": "development" } },
    "default_customer_type": "loyal"
}"#;

fn lines_refused(text: &str, mapping: &CsvMapping) -> Vec<u64> {
    import_csv(text.as_bytes(), mapping)
        .unwrap()
        .rejected
        .iter()
        .map(|r| r.line)
        .collect()
}

/// Lines count as a text editor counts them: the header is line 1, and the
/// numbers are the same with Unix, Windows and old Mac line endings.
#[test]
fn refused_rows_have_the_same_line_with_lf_crlf_or_cr() {
    let m = CsvMapping::from_json(SIMPLE).unwrap();
    let lf = "id,account,stage,amount,opened\nO-1,A,Open,1,2026-01-01\nO-2,A,Nope,1,2026-01-01\nO-3,A,Open,x,2026-01-01\n";
    assert_eq!(lines_refused(lf, &m), [3, 4]);
    assert_eq!(lines_refused(&lf.replace('\n', "\r\n"), &m), [3, 4]);
    assert_eq!(lines_refused(&lf.replace('\n', "\r"), &m), [3, 4]);
}

/// A quoted field holding line breaks moves the rows after it down by as
/// many lines, whatever the line endings.
#[test]
fn quoted_newlines_count_as_lines() {
    let m = CsvMapping::from_json(SIMPLE).unwrap();
    let lf = "id,account,stage,amount,opened\n\"O-1\nsecond\nthird\",A,Open,1,2026-01-01\nO-2,A,Nope,1,2026-01-01\n";
    assert_eq!(lines_refused(lf, &m), [5]);
    assert_eq!(lines_refused(&lf.replace('\n', "\r\n"), &m), [5]);
}

#[test]
fn bom_semicolons_and_decimal_comma_are_read() {
    let mut m = CsvMapping::from_json(SIMPLE).unwrap();
    m.decimal_separator = ',';
    m.thousands_separator = Some('.');
    m.date_format = "%d.%m.%Y".into();
    let text = "\u{feff}id;account;stage;amount;opened\r\nO-1;A;Open;1.250,50;05.01.2026\r\n";
    let import = import_csv(text.as_bytes(), &m).unwrap();
    assert_eq!(import.imported, 1, "{:?}", import.rejected);
    let deal = import.portfolio.opportunity("O-1").unwrap();
    assert_eq!(deal.amount_minor, Some(125_050));
}

#[test]
fn invalid_utf8_is_one_refused_row() {
    let m = CsvMapping::from_json(SIMPLE).unwrap();
    let mut bytes = b"id,account,stage,amount,opened\nO-1,A,Open,1,2026-01-01\n".to_vec();
    bytes.extend_from_slice(b"O-2,\xff\xfe,Open,1,2026-01-01\n");
    let import = import_csv(bytes.as_slice(), &m).unwrap();
    assert_eq!(import.imported, 1);
    assert_eq!(import.rejected[0].line, 3);
    assert!(matches!(
        import.rejected[0].problem,
        RowProblem::Malformed { .. }
    ));
}

#[test]
fn mapping_format_is_versioned_and_refuses_unknown_fields_by_name() {
    let v1 = CsvMapping::from_json(SIMPLE).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(SIMPLE).unwrap();
    value["format_version"] = 2.into();
    assert_eq!(CsvMapping::from_json(&value.to_string()).unwrap(), v1);
    value["format_version"] = 3.into();
    let message = CsvMapping::from_json(&value.to_string())
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("unsupported CSV mapping format version 3"),
        "{message}"
    );
    value["format_version"] = 2.into();
    value["columns"]["colour"] = "Colour".into();
    let message = CsvMapping::from_json(&value.to_string())
        .unwrap_err()
        .to_string();
    assert!(message.contains("unknown field `colour`"), "{message}");
    value["columns"].as_object_mut().unwrap().remove("colour");
    value["stages"]["Open"]["probability"] = 120.into();
    assert!(matches!(
        CsvMapping::from_json(&value.to_string()),
        Err(ConfigError::Invalid { field, .. }) if field == "stages.Open.probability"
    ));
}

#[test]
fn checked_in_mapping_schema_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schema/csv_mapping.schema.json");
    let fresh = mapping_json_schema_text();
    if std::env::var_os("TECHSALES_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "schema/csv_mapping.schema.json is stale; regenerate with `TECHSALES_BLESS=1 cargo test --test portfolio_import`"
    );
}

fn stage_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("Prospect".to_owned()),
        Just("Shortlisted".to_owned()),
        Just("Bidding".to_owned()),
        Just("Won".to_owned()),
        Just("Lost".to_owned()),
        Just("Nope".to_owned()),
    ]
}

fn date_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("2026-01-05".to_owned()),
        Just("2026-02-01".to_owned()),
        Just("2026-03-01".to_owned()),
        Just("2026-02-30".to_owned()),
    ]
}

const PROPERTY_MAPPING: &str = r#"{
    "currency": "EUR",
    "as_of": "2026-06-30T00:00:00Z",
    "columns": { "id": "id", "account": "account", "stage": "stage", "amount": "amount",
                 "expected_close": "close", "opened": "opened", "stage_since": "since",
                 "grade": "grade", "closed": "closed" },
    "stages": {
        "Prospect": { "stage": "development", "probability": 10 },
        "Shortlisted": { "stage": "proposal", "probability": 40 },
        "Bidding": { "stage": "bidding" },
        "Won": { "stage": "project_implementation", "outcome": "won" },
        "Lost": { "outcome": "lost" }
    },
    "outcome": { "closed": "is_closed" },
    "default_customer_type": "loyal"
}"#;

fn export(rows: &[(String, String, String, String, String, String, bool)]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "id",
            "account",
            "stage",
            "amount",
            "close",
            "opened",
            "since",
            "grade",
            "closed",
            "is_closed",
        ])
        .unwrap();
    for (i, (account, stage, amount, opened, since, grade, closed)) in rows.iter().enumerate() {
        writer
            .write_record([
                format!("O-{}", i % 15),
                account.clone(),
                stage.clone(),
                amount.clone(),
                String::new(),
                opened.clone(),
                since.clone(),
                grade.clone(),
                since.clone(),
                if *closed { "true" } else { "false" }.to_owned(),
            ])
            .unwrap();
    }
    writer.into_inner().unwrap()
}

fn row() -> impl Strategy<Value = (String, String, String, String, String, String, bool)> {
    (
        prop_oneof![
            Just(String::new()),
            Just("A-1".to_owned()),
            Just("A-2".to_owned())
        ],
        stage_cell(),
        prop_oneof![
            Just(String::new()),
            Just("100".to_owned()),
            Just("0".to_owned()),
            Just("x".to_owned())
        ],
        date_cell(),
        date_cell(),
        prop_oneof![
            Just(String::new()),
            Just("B".to_owned()),
            Just("Z".to_owned())
        ],
        any::<bool>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// An import never invents a forcing: whatever stage, outcome, grade or
    /// dates a row has, no imported deal holds a forced move or a penalised
    /// key node, and every key node the import recorded without a grade is
    /// reported by the CRM.
    #[test]
    fn an_import_never_invents_a_forcing(rows in prop::collection::vec(row(), 0..20)) {
        let mapping = CsvMapping::from_json(PROPERTY_MAPPING).unwrap();
        let import = import_csv(export(&rows).as_slice(), &mapping).unwrap();
        let definition = &import.portfolio.definitions().process;
        for record in import.portfolio.opportunities() {
            let state = record.process.state();
            prop_assert!(state.forcings().is_empty());
            prop_assert_eq!(state.forced(), KeyNodeSet::EMPTY);
            prop_assert_eq!(state.penalised(definition), KeyNodeSet::EMPTY);
            for node in record.process.key_node_records() {
                prop_assert!(node.source == NodeSource::Crm || node.grade.is_some());
            }
        }
    }

    /// Nothing is dropped silently: every data row is either imported or
    /// refused with its line, and the summary counts the same.
    #[test]
    fn every_row_is_imported_or_reported_once(rows in prop::collection::vec(row(), 0..20)) {
        let mapping = CsvMapping::from_json(PROPERTY_MAPPING).unwrap();
        let import = import_csv(export(&rows).as_slice(), &mapping).unwrap();
        prop_assert_eq!(import.rows, rows.len());
        prop_assert_eq!(import.imported + import.rejected_deals(), rows.len());
        prop_assert_eq!(import.portfolio.opportunities().len(), import.imported);
        let lines: Vec<u64> = import.rejected.iter().map(|r| r.line).collect();
        prop_assert!(lines.windows(2).all(|w| w[0] < w[1]), "{:?}", lines);
        prop_assert!(lines.iter().all(|&l| (2..=rows.len() as u64 + 1).contains(&l)));
        let summary = import.summary();
        let expected = format!("{} deal rows read, {} imported, {} refused", rows.len(), import.imported, import.rejected_deals());
        prop_assert!(summary.contains(&expected), "{}", summary);
    }
}

/// A won CRM row is a signed contract: the deal is booked on the row's
/// close date with the row's amount, its contract node reported by the CRM,
/// and its delivery is not invented.
#[test]
fn a_won_crm_row_is_booked_on_its_close_date_with_its_amount() {
    let import = vendor("salesforce");
    let won = import.portfolio.opportunity("006A000008").unwrap();
    let state = won.process.state();
    let booking = state.booking().expect("a won row is booked");
    assert_eq!(
        booking.booked_on,
        chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()
    );
    assert_eq!(won.booked_amount_minor(), Some(8_500_000));
    assert!(state.met().contains(KeyNode::ContractSigned));
    assert!(!state.met().contains(KeyNode::ProjectCompleted));
    assert!(state.forcings().is_empty());
}

/// A mapping of the nine rating columns beside an id, a stage and a close
/// date, in a two-stage CRM.
fn ratings_mapping() -> CsvMapping {
    CsvMapping::from_json(
        r#"{
            "currency": "EUR",
            "as_of": "2026-03-01T00:00:00Z",
            "default_customer_type": "loyal",
            "columns": {
                "id": "Id", "stage": "Stage", "expected_close": "Close", "probability": "Prob",
                "ratings": {
                    "project_level": "R1", "capital_status": "R2",
                    "technical_requirements": "R3", "customer_relationship": "R4",
                    "customer_reputation": "R5", "competition_products": "R6",
                    "competition_prices": "R7", "competition_technical_solutions": "R8",
                    "competition_after_sales": "R9"
                }
            },
            "stages": {
                "Open": { "stage": "development", "probability": 10 },
                "Lost": { "outcome": "lost" }
            }
        }"#,
    )
    .unwrap()
}

const RATINGS_HEADER: &str = "Id,Stage,Close,Prob,R1,R2,R3,R4,R5,R6,R7,R8,R9\n";

/// The nine rating columns reach grading: each deal is evaluated on the
/// ratings its row gives, an empty cell being an unknown rating, and graded
/// with the CRM's probability as its transaction possibility.
#[test]
fn rating_columns_reach_the_evaluation_and_the_grade() {
    let text = format!(
        "{RATINGS_HEADER}O-1,Open,2026-04-15,80,8,9,8,7,7,6,6,7,8\nO-2,Open,2026-04-15,80,8,,8,7,,6,6,7,8\nO-3,Open,2026-04-15,80,,,,,,,,,\n"
    );
    let import = import_csv(text.as_bytes(), &ratings_mapping()).unwrap();
    assert_eq!(import.imported, 3, "{:?}", import.rejected);
    let portfolio = &import.portfolio;
    let grader = portfolio.grader().unwrap();
    let full = portfolio.opportunity("O-1").unwrap();
    let inputs = full.grading.as_deref().unwrap();
    assert_eq!(
        inputs.ratings.to_array(),
        [8.0, 9.0, 8.0, 7.0, 7.0, 6.0, 6.0, 7.0, 8.0]
    );
    assert_eq!(inputs.possibility, Some(0.8));
    let assessed = portfolio.assess(&grader, full).unwrap().unwrap();
    assert_eq!(
        assessed.evaluation,
        grader.evaluate(&inputs.ratings).unwrap()
    );
    assert!(assessed.grade.is_some(), "{assessed:?}");
    // Empty cells are unknown ratings, never 0.
    let partial = portfolio.opportunity("O-2").unwrap();
    let ratings = partial.grading.as_deref().unwrap().ratings;
    assert!(ratings.capital_status.is_nan() && ratings.customer_reputation.is_nan());
    assert_eq!(ratings.project_level, 8.0);
    let none = portfolio.opportunity("O-3").unwrap();
    assert!(none
        .grading
        .as_deref()
        .unwrap()
        .ratings
        .to_array()
        .iter()
        .all(|r| r.is_nan()));
    // The document with its ratings survives a save and a load.
    let reloaded = techsales::portfolio::Portfolio::from_json(&portfolio.to_json()).unwrap();
    assert_eq!(reloaded.opportunities().len(), 3);
}

/// A deal with ratings but no CRM probability is graded with the
/// possibility its ratings derive, not with a number taken from its stage:
/// the stage's probability (10 here) says nothing of this deal's ratings.
#[test]
fn ratings_without_a_crm_probability_are_graded_with_the_derived_possibility() {
    let text = format!("{RATINGS_HEADER}O-1,Open,2026-04-15,,8,9,8,7,7,6,6,7,8\n");
    let import = import_csv(text.as_bytes(), &ratings_mapping()).unwrap();
    assert_eq!(import.imported, 1, "{:?}", import.rejected);
    let portfolio = &import.portfolio;
    let grader = portfolio.grader().unwrap();
    let deal = portfolio.opportunity("O-1").unwrap();
    assert_eq!(deal.crm_probability, None);
    assert_eq!(deal.grading.as_deref().unwrap().possibility, None);
    let assessed = portfolio.assess(&grader, deal).unwrap().unwrap();
    assert_eq!(assessed.possibility_source, PossibilitySource::Derived);
    assert_eq!(assessed.possibility, assessed.derived_possibility);
    assert!(assessed.possibility.unwrap() > 0.8, "{assessed:?}");
    assert!(assessed.grade.is_some(), "{assessed:?}");
    // Unknown stays unknown through a save and a load.
    let reloaded = techsales::portfolio::Portfolio::from_json(&portfolio.to_json()).unwrap();
    let again = reloaded.opportunity("O-1").unwrap();
    assert_eq!(again.grading.as_deref().unwrap().possibility, None);
}

/// A rating that is not a number in 0-10 refuses its row, with its line,
/// column and reason; the other rows are imported.
#[test]
fn an_unreadable_rating_refuses_the_row_with_its_line_and_column() {
    let text = format!(
        "{RATINGS_HEADER}O-1,Open,2026-04-15,80,8,9,8,7,7,6,6,7,8\nO-2,Open,2026-04-15,80,8,9,high,7,7,6,6,7,8\nO-3,Open,2026-04-15,80,8,9,8,7,7,6,6,7,11\n"
    );
    let import = import_csv(text.as_bytes(), &ratings_mapping()).unwrap();
    assert_eq!(import.imported, 1);
    let refused: Vec<(u64, Option<&str>, &str)> = import
        .rejected
        .iter()
        .map(|r| (r.line, r.column.as_deref(), r.problem.reason()))
        .collect();
    assert_eq!(
        refused,
        [
            (3, Some("R3"), "unreadable rating"),
            (4, Some("R9"), "unreadable rating")
        ]
    );
    assert!(matches!(
        &import.rejected[0].problem,
        RowProblem::BadRating { factor: "technical_requirements", value, .. } if value == "high"
    ));
    assert!(import
        .summary()
        .contains("unreadable rating: 2 (first at line 3)"));
}

/// A lost deal whose row names no stage of ours is imported with the stage
/// where it was lost left unknown, and win/loss counts it apart from the
/// stages.
#[test]
fn a_lost_deal_without_a_stage_is_counted_apart_in_win_loss() {
    let text = format!(
        "{RATINGS_HEADER}O-1,Lost,2026-02-15,0,,,,,,,,,\nO-2,Open,2026-04-15,80,,,,,,,,,\n"
    );
    let import = import_csv(text.as_bytes(), &ratings_mapping()).unwrap();
    assert_eq!(import.imported, 2);
    let lost = import.portfolio.opportunity("O-1").unwrap();
    assert_eq!(lost.process.state().outcome(), Some(Outcome::Lost));
    assert!(lost.closed_stage_unknown);
    assert!(
        !import
            .portfolio
            .opportunity("O-2")
            .unwrap()
            .closed_stage_unknown
    );
    let analysis = techsales::portfolio::win_loss(&import.portfolio);
    assert_eq!(analysis.stage_unknown.lost, 1);
    assert_eq!(
        analysis.by_stage.iter().map(|(_, c)| c.lost).sum::<usize>(),
        0
    );
    assert!(import
        .summary()
        .contains("(1 of the lost or withdrawn at an unknown stage)"));
    let report = techsales::portfolio::render_report(&import.portfolio, &Default::default());
    assert!(
        report.contains("closed in the CRM without a stage"),
        "{report}"
    );
    let page = techsales::portfolio::render_html(
        &import.portfolio,
        &Default::default(),
        techsales::labels::Language::English,
    );
    assert!(
        page.contains(
            r#"<td>stage unknown (closed in the CRM without a stage)</td><td class="n">0</td><td class="n">1</td><td class="n">0</td>"#
        ),
        "the HTML win/loss shows the lost deal at an unknown stage"
    );
}

fn rating_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        (0u32..=100).prop_map(|tenths| format!("{}.{}", tenths / 10, tenths % 10)),
        Just("n/a".to_owned()),
        (11u32..100).prop_map(|v| v.to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Item 5's rule for ratings: a row whose rating cells are empty or
    /// numbers in 0-10 is imported with exactly those ratings (empty ones
    /// unknown), and a row with any other rating is refused for it.
    #[test]
    fn imported_ratings_are_the_rows_ratings_and_empty_cells_are_unknown(
        cells in prop::collection::vec(rating_cell(), 9)
    ) {
        let text = format!("{RATINGS_HEADER}O-1,Open,2026-04-15,50,{}\n", cells.join(","));
        let import = import_csv(text.as_bytes(), &ratings_mapping()).unwrap();
        let expected: Option<Vec<f64>> = cells
            .iter()
            .map(|c| match c.parse::<f64>() {
                _ if c.is_empty() => Some(f64::NAN),
                Ok(v) if (0.0..=10.0).contains(&v) => Some(v),
                _ => None,
            })
            .collect();
        match expected {
            Some(expected) => {
                prop_assert_eq!(import.imported, 1);
                let record = import.portfolio.opportunity("O-1").unwrap();
                let got = record.grading.as_deref().unwrap().ratings.to_array();
                for (g, e) in got.iter().zip(&expected) {
                    prop_assert!(g == e || (g.is_nan() && e.is_nan()), "{got:?} {expected:?}");
                }
            }
            None => {
                prop_assert_eq!(import.imported, 0);
                prop_assert_eq!(import.rejected[0].problem.reason(), "unreadable rating");
            }
        }
    }
}

/// A CRM's loss-reason texts reach the listed reasons through the
/// mapping's `loss_reasons` (ignoring case and surrounding spaces), the
/// competitor reason with the row's competitor; a text that is not mapped,
/// or the competitor reason without a competitor, is kept as `other` with
/// the CRM's own text as note.
#[test]
fn crm_loss_reason_texts_map_onto_listed_reasons_and_the_rest_stays_other_with_its_text() {
    let mapping = CsvMapping::from_json(
        r#"{
            "currency": "EUR",
            "date_format": "%Y-%m-%d",
            "columns": {"id": "Id", "stage": "Stage", "opened": "Created",
                        "loss_reason": "Reason", "competitor": "Winner"},
            "stages": {"Closed Lost": {"outcome": "lost"}},
            "loss_reasons": {"Lost to competitor": "competitor", "Too expensive": "price"}
        }"#,
    )
    .unwrap();
    let export = "Id,Stage,Created,Reason,Winner\n\
        L1,Closed Lost,2026-01-10,Lost to competitor,Rival Ltd\n\
        L2,Closed Lost,2026-01-11,  too EXPENSIVE ,\n\
        L3,Closed Lost,2026-01-12,Lost to competitor,\n\
        L4,Closed Lost,2026-01-13,Budget frozen by HQ,\n\
        L5,Closed Lost,2026-01-14,timing,\n";
    let import = import_csv(export.as_bytes(), &mapping).unwrap();
    assert_eq!(
        (import.rows, import.imported),
        (5, 5),
        "{:?}",
        import.rejected
    );
    let reason = |id: &str| {
        let state = import.portfolio.opportunity(id).unwrap().process.state();
        let r = state.closure().unwrap().reason.clone().unwrap();
        (r.key, r.note, r.competitor)
    };
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(reason("L1"), ("competitor".into(), None, some("Rival Ltd")));
    assert_eq!(reason("L2"), ("price".into(), None, None));
    assert_eq!(
        reason("L3"),
        ("other".into(), some("Lost to competitor"), None)
    );
    assert_eq!(
        reason("L4"),
        ("other".into(), some("Budget frozen by HQ"), None)
    );
    assert_eq!(reason("L5"), ("timing".into(), None, None));

    // A mapped text must name a reason of the list.
    let refused = CsvMapping::from_json(
        r#"{"currency": "EUR", "columns": {"id": "Id", "stage": "Stage"},
            "stages": {"Lost": {"outcome": "lost"}},
            "loss_reasons": {"Bad luck": "luck"}}"#,
    )
    .unwrap_err();
    assert!(
        matches!(&refused, ConfigError::Invalid { field, .. } if field == "loss_reasons.Bad luck"),
        "{refused}"
    );
}

/// The contacts of a deal as (contact id, role key, met).
fn contacts_of(import: &CsvImport, deal: &str) -> Vec<(String, &'static str, bool)> {
    import
        .portfolio
        .opportunity(deal)
        .unwrap()
        .process
        .state()
        .contacts()
        .iter()
        .map(|c| (c.id.clone(), c.role.key(), c.met))
        .collect()
}

/// Salesforce's OpportunityContactRole export: each role the mapping
/// covers arrives on its deal as our role, not met (the export does not
/// say); the Influencer it leaves unmapped and the contact of the refused
/// deal are reported with their lines.
#[test]
fn salesforce_sample_contacts_arrive_with_their_roles() {
    let import = vendor("salesforce");
    assert_eq!(import.contact_rows, Some(11));
    assert_eq!(import.contacts_imported, 9);
    assert_eq!(
        contacts_of(&import, "006A000002"),
        [
            ("003A000001".to_owned(), "economic_buyer", false),
            ("003A000002".to_owned(), "technical_buyer", false),
        ]
    );
    assert_eq!(
        contacts_of(&import, "006A000003"),
        [
            ("003A000003".to_owned(), "economic_buyer", false),
            ("003A000004".to_owned(), "user_buyer", false),
        ]
    );
    assert_eq!(
        contacts_of(&import, "006A000004"),
        [("003A000005".to_owned(), "technical_buyer", false)]
    );
    // Closed deals keep the contacts recorded before their outcome.
    assert_eq!(contacts_of(&import, "006A000008").len(), 1);
    assert_eq!(contacts_of(&import, "006A000009").len(), 1);
    let rose = &import
        .portfolio
        .opportunity("006A000002")
        .unwrap()
        .process
        .state()
        .contacts()[0];
    assert_eq!(rose.name, "Rose Gonzalez");
    assert_eq!(rose.influence.key(), "medium");
    assert_eq!(rose.attitude.key(), "unknown");
    let contacts: Vec<(u64, &str)> = import
        .rejected
        .iter()
        .filter(|r| r.file == ImportFile::Contacts)
        .map(|r| (r.line, r.problem.reason()))
        .collect();
    assert_eq!(
        contacts,
        [(7, "role not in the mapping"), (12, "deal not imported")]
    );
    let summary = import.summary();
    assert!(
        summary.contains("contacts: 11 rows read, 9 recorded on 7 deals, 2 refused"),
        "{summary}"
    );
    assert!(
        summary.contains("contacts: role not in the mapping: 1 (first at line 7)"),
        "{summary}"
    );
}

/// SuiteCRM's opportunities_contacts table: every row's role is covered,
/// so every contact arrives, named by its id (the table has no names).
#[test]
fn suitecrm_sample_contacts_arrive_with_their_roles() {
    let import = vendor("suitecrm");
    assert_eq!(
        (import.contact_rows, import.contacts_imported),
        (Some(6), 6)
    );
    assert!(import.rejected.iter().all(|r| r.file == ImportFile::Deals));
    assert_eq!(
        contacts_of(&import, "3b1c6f0e-0003"),
        [
            ("5d2e7a10-0001".to_owned(), "economic_buyer", false),
            ("5d2e7a10-0002".to_owned(), "technical_buyer", false),
        ]
    );
    assert_eq!(
        contacts_of(&import, "3b1c6f0e-0005"),
        [
            ("5d2e7a10-0003".to_owned(), "technical_buyer", false),
            ("5d2e7a10-0004".to_owned(), "user_buyer", false),
        ]
    );
    assert_eq!(
        contacts_of(&import, "3b1c6f0e-0007"),
        [("5d2e7a10-0005".to_owned(), "economic_buyer", false)]
    );
    assert_eq!(
        contacts_of(&import, "3b1c6f0e-0009"),
        [("5d2e7a10-0006".to_owned(), "economic_buyer", false)]
    );
    let deal = import.portfolio.opportunity("3b1c6f0e-0003").unwrap();
    assert_eq!(deal.process.state().contacts()[0].name, "5d2e7a10-0001");
}

/// Version 2 stays: a mapping written before contacts and products loads
/// as it is, and writes neither back.
#[test]
fn a_mapping_without_contacts_or_products_still_loads() {
    let mut value: serde_json::Value = serde_json::from_str(SIMPLE).unwrap();
    value["format_version"] = 2.into();
    let m = CsvMapping::from_json(&value.to_string()).unwrap();
    assert!(m.contacts.is_none() && m.products.is_none());
    let written = serde_json::to_value(&m).unwrap();
    assert!(written.get("contacts").is_none() && written.get("products").is_none());
    let import = import_csv(
        "id,account,stage,amount,opened\nO-1,A,Open,1,2026-01-01\n".as_bytes(),
        &m,
    )
    .unwrap();
    assert_eq!((import.imported, import.contact_rows), (1, None));
    assert!(!import.summary().contains("contacts:"));
}
