//! The portfolio document: lossless round trips, refusal of unknown
//! versions, and the consistency checks made on load.

#[path = "support/portfolio_fixtures.rs"]
mod fixtures;

use fixtures::date;
use proptest::prelude::*;
use techsales::config::ConfigError;
use techsales::grading::Grade;
use techsales::key_account::Stage;
use techsales::portfolio::{Portfolio, PortfolioError, FORMAT_VERSION};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Saving a portfolio and loading it again gives the same portfolio,
    /// and saving that gives the same text: nothing is lost either way.
    #[test]
    fn load_after_save_loses_nothing(portfolio in fixtures::portfolios()) {
        let json = portfolio.to_json();
        let loaded = Portfolio::from_json(&json).unwrap();
        prop_assert_eq!(&loaded, &portfolio);
        prop_assert_eq!(loaded.to_json(), json);
        let pretty = portfolio.to_json_pretty();
        let from_pretty = Portfolio::from_slice(pretty.as_bytes()).unwrap();
        prop_assert_eq!(from_pretty.to_json_pretty(), pretty);
    }

    /// A document of any other format version is refused, naming the
    /// version found and the one read.
    #[test]
    fn other_format_versions_are_refused(version in any::<u32>().prop_filter("other", |v| *v != FORMAT_VERSION)) {
        let json = fixtures::two_deals().to_json().replacen(
            &format!("\"format_version\":{FORMAT_VERSION}"),
            &format!("\"format_version\":{version}"),
            1,
        );
        let e = Portfolio::from_json(&json).unwrap_err();
        prop_assert_eq!(
            &e,
            &PortfolioError::UnsupportedVersion { found: version.to_string(), supported: FORMAT_VERSION }
        );
        let expected = format!("version {version}");
        prop_assert!(e.to_string().contains(&expected));
    }
}

#[test]
fn the_document_starts_with_its_format_version() {
    let json = fixtures::two_deals().to_json();
    assert!(
        json.starts_with(&format!("{{\"format_version\":{FORMAT_VERSION},")),
        "{}",
        &json[..40]
    );
}

#[test]
fn a_newer_version_is_refused_even_when_its_fields_are_unknown() {
    let future = r#"{"format_version": 4, "name": "x", "ledger": {"new": true}}"#;
    let e = Portfolio::from_json(future).unwrap_err();
    assert_eq!(
        e.to_string(),
        "unsupported portfolio format version 4; this library reads version 3"
    );
    // Only a whole number is a version; anything else is serde's refusal.
    let odd = r#"{"format_version": "1.0", "name": "x"}"#;
    assert!(matches!(
        Portfolio::from_json(odd),
        Err(PortfolioError::Json { message, .. }) if message.contains("1.0")
    ));
}

#[test]
fn a_missing_version_or_bad_json_names_the_place() {
    let e = Portfolio::from_json(r#"{"name": "x"}"#).unwrap_err();
    assert!(
        matches!(&e, PortfolioError::Json { message, .. } if message.contains("format_version")),
        "{e}"
    );
    for version in [1, 2, FORMAT_VERSION] {
        let text = format!("{{\n  \"format_version\": {version},\n  \"name\": ]");
        match Portfolio::from_json(&text).unwrap_err() {
            PortfolioError::Json { line, .. } => assert_eq!(line, 3, "version {version}"),
            other => panic!("{other:?}"),
        }
    }
    assert!(Portfolio::from_slice(&[0xff, 0xfe]).is_err());
}

#[test]
fn unknown_fields_are_refused() {
    let json =
        fixtures::two_deals()
            .to_json()
            .replacen("\"name\":", "\"colour\":\"red\",\"name\":", 1);
    let e = Portfolio::from_json(&json).unwrap_err();
    assert!(e.to_string().contains("colour"), "{e}");
}

#[test]
fn an_opportunity_of_an_unknown_account_is_named() {
    let json = fixtures::two_deals()
        .to_json()
        .replace("\"account\":\"C-1\"", "\"account\":\"C-404\"");
    let e = Portfolio::from_json(&json).unwrap_err();
    assert_eq!(
        e,
        PortfolioError::UnknownAccount {
            opportunity: "O-1".into(),
            account: "C-404".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "opportunity `O-1` refers to unknown account `C-404`"
    );
}

#[test]
fn a_state_that_its_journal_does_not_rebuild_is_refused() {
    let json = fixtures::two_deals().to_json();
    // The first deal's stored stage says bidding; its journal says proposal.
    let tampered = json.replacen("\"stage\":\"proposal\"", "\"stage\":\"bidding\"", 1);
    assert_ne!(tampered, json);
    assert_eq!(
        Portfolio::from_json(&tampered).unwrap_err(),
        PortfolioError::StateMismatch {
            opportunity: "O-1".into(),
            stored: Stage::Bidding,
            rebuilt: Stage::Proposal,
        }
    );
    // A journal entry the process refuses is named with its position.
    let refused = json.replacen(
        "\"type\":\"advanced\"",
        "\"type\":\"booked\",\"booked_on\":\"2026-03-10\"",
        1,
    );
    match Portfolio::from_json(&refused).unwrap_err() {
        PortfolioError::JournalRefused { opportunity, error } => {
            assert_eq!(opportunity, "O-1");
            assert_eq!(error.index, 1);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn duplicate_ids_are_refused() {
    let json = fixtures::two_deals()
        .to_json()
        .replace("\"id\":\"O-2\"", "\"id\":\"O-1\"");
    assert_eq!(
        Portfolio::from_json(&json).unwrap_err(),
        PortfolioError::DuplicateOpportunity { id: "O-1".into() }
    );
}

#[test]
fn scores_must_give_the_stored_type_under_the_portfolio_thresholds() {
    let json = fixtures::two_deals().to_json();
    let stricter = json.replacen(
        "\"thresholds\":{\"assistance\":50.0,\"loyalty\":50.0}",
        "\"thresholds\":{\"assistance\":75.0,\"loyalty\":50.0}",
        1,
    );
    assert_ne!(stricter, json);
    match Portfolio::from_json(&stricter).unwrap_err() {
        PortfolioError::AccountHistory { account, reason } => {
            assert_eq!(account, "C-1");
            assert!(reason.contains("loyal"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn invalid_definitions_name_the_field() {
    let json = fixtures::two_deals().to_json().replacen(
        "\"forcing_penalty\":0.5",
        "\"forcing_penalty\":1.5",
        1,
    );
    match Portfolio::from_json(&json).unwrap_err() {
        PortfolioError::Definition(ConfigError::Invalid { field, .. }) => {
            assert_eq!(field, "definitions.process.forcing_penalty")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn grading_inputs_out_of_range_are_refused() {
    let mut p = fixtures::two_deals();
    let mut deal = p.opportunity("O-1").unwrap().clone();
    deal.id = "O-3".into();
    deal.grading = Some(Box::new(techsales::portfolio::GradingInputs {
        ratings: techsales::grading::Ratings::uniform(11.0),
        possibility: Some(0.5),
    }));
    assert!(matches!(
        p.add_opportunity(deal.clone()),
        Err(PortfolioError::GradingInputs { .. })
    ));
    deal.grading = Some(Box::new(techsales::portfolio::GradingInputs {
        ratings: techsales::grading::Ratings::uniform(6.0),
        possibility: Some(f64::NAN),
    }));
    assert!(matches!(
        p.add_opportunity(deal),
        Err(PortfolioError::GradingInputs { .. })
    ));
    assert_eq!(p.opportunities().len(), 2);
}

#[test]
fn amounts_are_exact_minor_units() {
    let mut p = fixtures::two_deals();
    let big = 18_446_744_073_709_551_615u64; // u64::MAX cents
    let mut deal = p.opportunity("O-1").unwrap().clone();
    deal.id = "O-big".into();
    deal.amount_minor = Some(big);
    p.add_opportunity(deal).unwrap();
    let back = Portfolio::from_json(&p.to_json()).unwrap();
    assert_eq!(back.opportunity("O-big").unwrap().amount_minor, Some(big));
    assert_eq!(back.format_amount(u128::from(big)), "184467440737095516.15");
}

#[test]
fn grading_inputs_are_graded_as_of_the_portfolio_date() {
    let mut p = fixtures::two_deals();
    let mut deal = p.opportunity("O-1").unwrap().clone();
    deal.id = "O-graded".into();
    deal.grading = Some(Box::new(techsales::portfolio::GradingInputs {
        ratings: techsales::grading::Ratings::uniform(8.0),
        possibility: Some(0.8),
    }));
    p.add_opportunity(deal).unwrap();
    let grader = p.grader().unwrap();
    // Closes 2026-07-01, one day after the as-of date, and likely: grade A.
    let assessment = p
        .assess(&grader, p.opportunity("O-graded").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(assessment.grade, Some(Grade::A));
    assert_eq!(assessment.as_of, date(6, 30));
    assert!(p.assess(&grader, p.opportunity("O-1").unwrap()).is_none());
}

/// A format 2 document written before the possibility became optional
/// (the bundled sample, unchanged since) loads, keeps every possibility it
/// gave, and saves back the same document; a grading configuration of that
/// time, without `strong_disagreement`, loads with its default.
#[test]
fn a_document_from_before_the_optional_possibility_still_loads() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/portfolio.json");
    let text = std::fs::read_to_string(path).unwrap();
    let book = Portfolio::from_json(&text).unwrap();
    let graded: Vec<_> = book
        .opportunities()
        .iter()
        .filter_map(|o| o.grading.as_deref())
        .collect();
    assert!(!graded.is_empty());
    assert!(graded.iter().all(|g| g.possibility.is_some()));
    let value = |json: &str| serde_json::from_str::<serde_json::Value>(json).unwrap();
    assert_eq!(value(&book.to_json()), value(&text));

    let old_config = r#"{"possibility": {"intercept": -4.0, "slope": 0.9}}"#;
    let config = techsales::grading::GradingConfig::from_json(old_config).unwrap();
    assert_eq!(config.possibility.strong_disagreement, 0.3);
    assert_eq!(config.possibility.intercept, -4.0);
}
