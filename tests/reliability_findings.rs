//! Regression tests for what fuzzing and hostile input found: each test is
//! named after the finding it keeps fixed.

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use techsales::customer::{Customer, CustomerType};
use techsales::cycle::{
    CycleError, CycleEvent, CycleVariant, Stage, StepRequirement, TechnicalSale,
};
use techsales::ffi::customer::*;
use techsales::ffi::cycle::*;
use techsales::ffi::grading::*;
use techsales::ffi::key_account::*;
use techsales::ffi::portfolio::*;
use techsales::ffi::*;
use techsales::journal::Entry;
use techsales::key_account::{
    BuyingInfluence, BuyingRole, InfluenceDegree, KeyAccountError, KeyAccountEvent,
    KeyAccountProcess, LoadError, ProcessDefinition,
};
use techsales::labels::Language;
use techsales::limits::{MAX_CONTACTS, MAX_NESTING_DEPTH, MAX_OBJECTIONS, MAX_TEXT_BYTES};
use techsales::portfolio::{
    pipeline, render_html, render_report, Account, Definitions, OpportunityRecord, Portfolio,
    PortfolioError, ReportOptions,
};

fn at(hours: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap() + TimeDelta::hours(hours)
}

fn c(text: &str) -> CString {
    CString::new(text).unwrap()
}

fn last_error() -> String {
    unsafe { CStr::from_ptr(techsales_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

fn take(s: *mut c_char) -> String {
    let text = unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned();
    unsafe { techsales_string_free(s) };
    text
}

fn to_json(deal: &KeyAccountProcess) -> String {
    serde_json::to_string(deal).unwrap()
}

fn portfolio_as_of(as_of: DateTime<Utc>) -> Portfolio {
    let mut book = Portfolio::new("edge", as_of, "EUR", Definitions::default()).unwrap();
    let customer = Customer::from_type("C-1", "Acme", CustomerType::Loyal, as_of).unwrap();
    book.add_account(Account::new(customer)).unwrap();
    book
}

/// The report's movement period starts `movement_days` before `as_of`; a
/// start before chrono's earliest date is that earliest date.
#[test]
fn render_report_does_not_panic_when_as_of_is_near_the_earliest_date() {
    let as_of = DateTime::<Utc>::MIN_UTC + TimeDelta::days(30);
    let report = render_report(&portfolio_as_of(as_of), &ReportOptions::default());
    assert!(report.contains("== Customer quadrant"), "{report}");
}

#[test]
fn render_report_does_not_panic_for_a_movement_period_of_extreme_length() {
    let book = portfolio_as_of(at(0));
    for movement_days in [i64::MAX, i64::MIN, i64::MAX / 86_400, -1] {
        let options = ReportOptions {
            movement_days,
            ..ReportOptions::default()
        };
        let report = render_report(&book, &options);
        assert!(report.contains("== Customer quadrant"), "{movement_days}");
    }
}

/// The HTML report's quadrant covers the movement period too: a start
/// before chrono's earliest date is that earliest date, in both languages.
#[test]
fn render_html_does_not_panic_when_as_of_is_near_the_earliest_date() {
    let as_of = DateTime::<Utc>::MIN_UTC + TimeDelta::days(30);
    let book = portfolio_as_of(as_of);
    for language in [Language::English, Language::Chinese] {
        let html = render_html(&book, &ReportOptions::default(), language);
        assert!(html.contains("id=\"quadrant\""), "{html}");
    }
}

#[test]
fn render_html_does_not_panic_for_a_movement_period_of_extreme_length() {
    let book = portfolio_as_of(at(0));
    for movement_days in [i64::MAX, i64::MIN, i64::MAX / 86_400, -1] {
        let options = ReportOptions {
            movement_days,
            ..ReportOptions::default()
        };
        let html = render_html(&book, &options, Language::English);
        assert!(html.contains("id=\"quadrant\""), "{movement_days}");
    }
}

/// The C ABI's `quadrant` analytic looks back over the report's period
/// from the as-of date, which may lie within it of chrono's earliest date.
#[test]
fn the_quadrant_analytic_in_the_c_abi_does_not_panic_when_as_of_is_near_the_earliest_date() {
    let as_of = DateTime::<Utc>::MIN_UTC + TimeDelta::days(30);
    let json = c(&portfolio_as_of(as_of).to_json());
    let mut book = ptr::null_mut();
    let mut out = ptr::null_mut();
    unsafe {
        assert_eq!(
            techsales_portfolio_from_json(json.as_ptr(), &mut book),
            techsales_result::Ok,
            "{}",
            last_error()
        );
        let code = techsales_portfolio_analytics_json(book, c("quadrant").as_ptr(), &mut out);
        assert_eq!(code, techsales_result::Ok, "{}", last_error());
        let quadrant: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
        assert!(quadrant["movements"].is_array(), "{quadrant}");
        techsales_portfolio_free(book);
    }
}

/// Amounts near `u64::MAX` add up exactly (in `u128`), in debug and
/// release alike, and the report prints them.
#[test]
fn amounts_near_u64_max_are_summed_without_overflow() {
    let mut book = portfolio_as_of(at(0));
    let close = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    for i in 0..3 {
        let record = OpportunityRecord::new(format!("O-{i}"), "C-1", "big", u64::MAX, close, at(0));
        book.add_opportunity(record).unwrap();
    }
    assert_eq!(pipeline(&book).total.amount_minor, 3 * u128::from(u64::MAX));
    let report = render_report(&book, &ReportOptions::default());
    assert!(report.contains("== Pipeline by stage"));
}

fn key_account_from_json(json: &str) -> (techsales_result, String) {
    let mut def = ptr::null_mut();
    let mut deal = ptr::null_mut();
    let text = c(json);
    unsafe {
        assert_eq!(
            techsales_key_account_definition_new(ptr::null(), &mut def),
            techsales_result::Ok
        );
        let code = techsales_key_account_from_json(def, text.as_ptr(), &mut deal);
        let message = last_error();
        techsales_key_account_free(deal);
        techsales_key_account_definition_free(def);
        (code, message)
    }
}

fn cycle_from_json(json: &str) -> techsales_result {
    let mut cycle = ptr::null_mut();
    let text = c(json);
    let code = unsafe { techsales_cycle_from_json(text.as_ptr(), &mut cycle) };
    unsafe { techsales_cycle_free(cycle) };
    code
}

/// Only a real version number the library does not read is
/// `UNSUPPORTED_VERSION`; a field spelt `format version` is invalid JSON.
#[test]
fn an_unknown_field_named_format_version_with_a_space_is_invalid_json() {
    let deal = to_json(&KeyAccountProcess::new(at(0)));
    let spaced = deal.replacen('{', r#"{"format version":2,"#, 1);
    let (code, message) = key_account_from_json(&spaced);
    assert_eq!(code, techsales_result::InvalidJson, "{message}");
    assert!(
        message.contains("unknown field `format version`"),
        "{message}"
    );

    let current = format!(
        r#""format_version":{}"#,
        techsales::key_account::FORMAT_VERSION
    );
    let newer = deal.replacen(&current, r#""format_version":99"#, 1);
    let (code, message) = key_account_from_json(&newer);
    assert_eq!(code, techsales_result::UnsupportedVersion, "{message}");
    assert!(message.contains("99"), "{message}");

    let sale =
        serde_json::to_string(&TechnicalSale::for_customer_type(CustomerType::Loyal)).unwrap();
    let spaced = sale.replacen('{', r#"{"format version":2,"#, 1);
    assert_eq!(cycle_from_json(&spaced), techsales_result::InvalidJson);
    let current = format!(r#""format_version":{}"#, techsales::cycle::FORMAT_VERSION);
    let newer = sale.replacen(&current, r#""format_version":7"#, 1);
    assert_eq!(
        cycle_from_json(&newer),
        techsales_result::UnsupportedVersion
    );
}

#[test]
fn a_portfolio_that_is_a_json_array_is_invalid_json() {
    for text in [
        "[2, 3]",
        "[]",
        r#"{"format version": 2}"#,
        r#"{"format_version": "2"}"#,
    ] {
        match Portfolio::from_json(text) {
            Err(PortfolioError::Json { .. }) => {}
            other => panic!("{text}: {other:?}"),
        }
    }
    let newer = r#"{"format_version": 42, "name": "x"}"#;
    match Portfolio::from_json(newer) {
        Err(PortfolioError::UnsupportedVersion { found, .. }) => assert_eq!(found, "42"),
        other => panic!("{other:?}"),
    }
}

/// A cycle in resolving concerns, every step optional.
fn sale_resolving_concerns() -> TechnicalSale {
    let mut variant = CycleVariant::default_for(CustomerType::Opportunity);
    for requirement in variant.steps.values_mut() {
        *requirement = StepRequirement::Optional;
    }
    let mut sale = TechnicalSale::new(variant).unwrap();
    for (hour, to) in [(1, Stage::EvaluatingOptions), (2, Stage::ResolvingConcerns)] {
        sale.apply(Entry::new(at(hour), "ana", CycleEvent::Advance { to }))
            .unwrap();
    }
    sale
}

/// U+0000 cannot cross back into C, so the C ABI refuses it in every JSON
/// text it is given, and the handle is left as it was.
#[test]
fn nul_in_an_objection_id_is_refused_at_the_door_and_guidance_still_reads() {
    let json = c(&serde_json::to_string(&sale_resolving_concerns()).unwrap());
    let mut cycle = ptr::null_mut();
    assert_eq!(
        unsafe { techsales_cycle_from_json(json.as_ptr(), &mut cycle) },
        techsales_result::Ok,
        "{}",
        last_error()
    );
    let before = unsafe {
        let mut out = ptr::null_mut();
        techsales_cycle_to_json(cycle, &mut out);
        take(out)
    };
    let entry = c(
        r#"{"at":"2026-01-06T09:00:00Z","actor":"ana","event":{"type":"objection_raised","id":"O\u0000","text":"price"}}"#,
    );
    assert_eq!(
        unsafe { techsales_cycle_apply_json(cycle, entry.as_ptr()) },
        techsales_result::InvalidJson
    );
    assert!(last_error().contains("NUL"), "{}", last_error());
    let mut text = ptr::null_mut();
    assert_eq!(
        unsafe { techsales_cycle_guidance(cycle, 0, true, &mut text) },
        techsales_result::Ok
    );
    take(text);
    let mut after = ptr::null_mut();
    unsafe { techsales_cycle_to_json(cycle, &mut after) };
    assert_eq!(take(after), before);
    unsafe { techsales_cycle_free(cycle) };
}

#[test]
fn nul_in_any_json_text_is_refused_by_every_json_entry() {
    let nul = r#"{"id":"\u0000"}"#;
    let text = c(nul);
    let (code, _) = key_account_from_json(nul);
    assert_eq!(code, techsales_result::InvalidJson);
    assert_eq!(cycle_from_json(nul), techsales_result::InvalidJson);
    let mut def = ptr::null_mut();
    let mut grader = ptr::null_mut();
    let mut planner = ptr::null_mut();
    let mut customer = ptr::null_mut();
    unsafe {
        assert_eq!(
            techsales_key_account_definition_new(text.as_ptr(), &mut def),
            techsales_result::InvalidJson
        );
        assert_eq!(
            techsales_grader_new(text.as_ptr(), &mut grader),
            techsales_result::InvalidJson
        );
        assert_eq!(
            techsales_planner_new(text.as_ptr(), &mut planner),
            techsales_result::InvalidJson
        );
        assert_eq!(
            techsales_customer_from_json(text.as_ptr(), &mut customer),
            techsales_result::InvalidJson
        );
    }
    assert!(def.is_null() && grader.is_null() && planner.is_null() && customer.is_null());
}

#[test]
fn json_nested_beyond_the_limit_or_with_an_overlong_text_is_refused_with_its_own_error() {
    let deep = "[".repeat(MAX_NESTING_DEPTH + 1);
    assert_eq!(cycle_from_json(&deep), techsales_result::InvalidJson);
    assert!(last_error().contains("nests deeper"), "{}", last_error());
    let long = format!(r#"{{"id":"{}"}}"#, "x".repeat(MAX_TEXT_BYTES + 1));
    assert_eq!(cycle_from_json(&long), techsales_result::InvalidJson);
    assert!(last_error().contains("longer than"), "{}", last_error());
}

fn contact(i: usize) -> Entry<KeyAccountEvent> {
    let person = BuyingInfluence::new(
        format!("P-{i}"),
        "someone",
        BuyingRole::UserBuyer,
        InfluenceDegree::Low,
    );
    Entry::new(
        at(1),
        "ana",
        KeyAccountEvent::ContactRecorded {
            contact: Box::new(person),
        },
    )
}

/// A deal holds at most `MAX_CONTACTS` buying influences, so each event's
/// look-ups, and loading, stay linear; one more is refused by name and a
/// document that holds more does not load.
#[test]
fn loading_many_buying_influences_is_capped_and_refused_clearly() {
    let definition = ProcessDefinition::default();
    let mut deal = KeyAccountProcess::new(at(0));
    for i in 0..MAX_CONTACTS {
        deal.apply(&definition, contact(i)).unwrap();
    }
    // Updating a known contact is still fine at the cap.
    deal.apply(&definition, contact(0)).unwrap();
    let full = to_json(&deal);
    assert!(KeyAccountProcess::from_json(&full, &definition).is_ok());
    match deal.apply(&definition, contact(MAX_CONTACTS)) {
        Err(KeyAccountError::TooManyContacts { id }) => assert_eq!(id, format!("P-{MAX_CONTACTS}")),
        other => panic!("{other:?}"),
    }
    assert_eq!(to_json(&deal), full);

    // A document with one contact more than the cap (written by hand).
    let extra = serde_json::to_string(&contact(MAX_CONTACTS)).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&full).unwrap();
    value["journal"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::from_str(&extra).unwrap());
    match KeyAccountProcess::from_json(&value.to_string(), &definition) {
        Err(LoadError::Replay(e)) => {
            assert_eq!(e.index, MAX_CONTACTS + 1);
            assert!(matches!(e.error, KeyAccountError::TooManyContacts { .. }));
        }
        other => panic!("{other:?}"),
    }
}

/// An iteration holds at most `MAX_OBJECTIONS` objections, for the same
/// reason.
#[test]
fn a_cycle_with_many_objections_is_capped_and_refused_clearly() {
    let mut sale = sale_resolving_concerns();
    let raise = |i: usize| {
        Entry::new(
            at(3),
            "ana",
            CycleEvent::ObjectionRaised {
                id: format!("X-{i}"),
                text: "price".into(),
            },
        )
    };
    for i in 0..MAX_OBJECTIONS {
        sale.apply(raise(i)).unwrap();
    }
    let full = serde_json::to_string(&sale).unwrap();
    match sale.apply(raise(MAX_OBJECTIONS)) {
        Err(CycleError::TooManyObjections { id }) => assert_eq!(id, format!("X-{MAX_OBJECTIONS}")),
        other => panic!("{other:?}"),
    }
    assert_eq!(serde_json::to_string(&sale).unwrap(), full);
}

/// A batch claiming more rows than `MAX_BATCH_ROWS` is refused before any
/// column is read, whatever the pointers are.
#[test]
fn a_batch_beyond_the_largest_is_refused_with_its_own_error() {
    let mut grader = ptr::null_mut();
    unsafe { techsales_grader_new(ptr::null(), &mut grader) };
    let column = [0.0f64; 1];
    let ratings = [column.as_ptr(); 9];
    let (close, mut status, mut grade, mut score) = ([0i32; 1], [0u32; 1], [0u32; 1], [0f64; 1]);
    let mut summary = techsales_batch_summary::default();
    let code = unsafe {
        techsales_grader_grade_columns(
            grader,
            20_000,
            ratings.as_ptr(),
            close.as_ptr(),
            column.as_ptr(),
            techsales::limits::MAX_BATCH_ROWS + 1,
            status.as_mut_ptr(),
            grade.as_mut_ptr(),
            score.as_mut_ptr(),
            &mut summary,
        )
    };
    assert_eq!(code, techsales_result::InvalidArgument);
    assert!(last_error().contains("rows"), "{}", last_error());
    unsafe { techsales_grader_free(grader) };
}
