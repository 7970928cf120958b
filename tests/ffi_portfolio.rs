//! The portfolio through the C ABI, driven from Rust over the bundled
//! sample: load, save, change, analyse and report, with the rules of the
//! boundary (NULL, bad UTF-8 and malformed JSON are errors, never crashes;
//! out-parameters are written only on success).

use std::ffi::{c_char, CString};
use std::ptr;
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::Value;
use techsales::cycle::{Stage as CycleStage, Step, TechnicalSale};
use techsales::ffi::portfolio::*;
use techsales::ffi::*;
use techsales::portfolio::{
    render_html, render_report, render_report_in, Portfolio, ReportOptions, FORMAT_VERSION,
};
use techsales::{Labelled, Language};

#[path = "support/ffi_helpers.rs"]
mod ffi_helpers;
use ffi_helpers::{last_error, ok, take};

fn sample_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/portfolio.json");
        std::fs::read_to_string(path).unwrap()
    })
}

fn sample_value() -> &'static Value {
    static VALUE: OnceLock<Value> = OnceLock::new();
    VALUE.get_or_init(|| serde_json::from_str(sample_text()).unwrap())
}

/// The sample with its first `deals` opportunities, and the cycles that
/// link to none of the others.
fn smaller(deals: usize) -> String {
    let mut doc = sample_value().clone();
    doc["opportunities"].as_array_mut().unwrap().truncate(deals);
    let kept: Vec<String> = doc["opportunities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect();
    doc["cycles"].as_array_mut().unwrap().retain(|c| {
        c.get("opportunity")
            .and_then(Value::as_str)
            .map_or(true, |id| kept.iter().any(|k| k == id))
    });
    doc.to_string()
}

fn c(text: &str) -> CString {
    CString::new(text).unwrap()
}

/// A portfolio handle freed on drop.
struct Book(*mut techsales_portfolio);

impl Book {
    fn load(json: &str) -> Book {
        let mut p = ptr::null_mut();
        ok(unsafe { techsales_portfolio_from_json(c(json).as_ptr(), &mut p) });
        Book(p)
    }

    fn to_json(&self) -> String {
        let mut out = ptr::null_mut();
        ok(unsafe { techsales_portfolio_to_json(self.0, &mut out) });
        take(out)
    }

    fn report(&self) -> String {
        self.report_in(Language::English)
    }

    fn report_in(&self, language: Language) -> String {
        let mut out = ptr::null_mut();
        ok(unsafe { techsales_portfolio_report(self.0, language.code(), &mut out) });
        take(out)
    }
}

impl Drop for Book {
    fn drop(&mut self) {
        unsafe { techsales_portfolio_free(self.0) };
    }
}

/// A journal entry at `at` (seconds after the sample's as-of date) by "ana".
fn entry(event: &str, days_after: i64) -> String {
    let as_of = chrono::DateTime::parse_from_rfc3339(sample_value()["as_of"].as_str().unwrap())
        .unwrap()
        .to_utc();
    let at = as_of + chrono::TimeDelta::days(days_after);
    format!(
        r#"{{"at":"{}","actor":"ana","event":{event}}}"#,
        at.format("%Y-%m-%dT%H:%M:%SZ")
    )
}

/// Cycle events, some of which the cycle they are sent to accepts.
fn cycle_event() -> impl Strategy<Value = String> {
    let stage = prop::sample::select(CycleStage::ALL.to_vec());
    let step = prop::sample::select(Step::ALL.to_vec());
    prop_oneof![
        stage.prop_map(|s| format!(r#"{{"event":"advance","to":"{}"}}"#, s.key())),
        step.prop_map(|s| format!(
            r#"{{"event":"step_completed","step":"{}","summary":"done"}}"#,
            s.key()
        )),
        Just(r#"{"event":"client_decided","decision":"agreement"}"#.to_owned()),
        Just(r#"{"event":"objection_resolved","id":"nope","resolution":"x"}"#.to_owned()),
        Just(r#"{"event":"deal_cancelled","reason":"plant closed"}"#.to_owned()),
        Just(r#"{"event":"lesson_learned","lesson":"ask earlier"}"#.to_owned()),
    ]
}

/// Key-account events, some of which the deal they are sent to accepts.
fn deal_event() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(r#"{"type":"advanced"}"#.to_owned()),
        Just(r#"{"type":"booked","booked_on":"2026-06-30"}"#.to_owned()),
        Just(r#"{"type":"lost","reason":{"key":"price"}}"#.to_owned()),
        Just(r#"{"type":"forced_advance","reason":"customer moved on"}"#.to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// A portfolio's JSON round trip through the C ABI is lossless: what
    /// `techsales_portfolio_to_json` writes loads back to the same
    /// portfolio the Rust API loads from the original.
    #[test]
    fn a_portfolio_json_round_trip_through_the_c_abi_is_lossless(deals in 0usize..12) {
        let text = smaller(deals);
        let saved = Book::load(&text).to_json();
        let original = Portfolio::from_json(&text).unwrap();
        prop_assert_eq!(Portfolio::from_json(&saved).unwrap(), original.clone());
        prop_assert_eq!(saved, original.to_json());
    }

    /// An event refused inside the portfolio leaves the whole document
    /// byte-identical; an accepted one adds exactly one journal entry.
    #[test]
    fn an_event_refused_inside_the_portfolio_leaves_the_whole_document_byte_identical(
        cycle in 0usize..24,
        event in cycle_event(),
        deal in 0usize..6,
        deal_ev in deal_event(),
    ) {
        let book = Book::load(&smaller(6));
        let doc: Value = serde_json::from_str(&book.to_json()).unwrap();
        let cycles = doc["cycles"].as_array().unwrap();
        let cycle_id = cycles[cycle % cycles.len()]["id"].as_str().unwrap().to_owned();
        let deal_id = doc["opportunities"][deal]["id"].as_str().unwrap().to_owned();
        for (id, text, is_cycle) in [(cycle_id, event, true), (deal_id, deal_ev, false)] {
            let before = book.to_json();
            let (id, e) = (c(&id), c(&entry(&text, 1)));
            let r = unsafe {
                if is_cycle {
                    techsales_portfolio_apply_cycle_event(book.0, id.as_ptr(), e.as_ptr())
                } else {
                    techsales_portfolio_apply_deal_event(book.0, id.as_ptr(), e.as_ptr())
                }
            };
            let after = book.to_json();
            if r == techsales_result::Ok {
                prop_assert_eq!(after.len() > before.len(), true);
            } else {
                prop_assert!(
                    matches!(r, techsales_result::RefusedTransition | techsales_result::InvalidArgument | techsales_result::NotFound),
                    "{:?}: {}", r, last_error()
                );
                prop_assert_eq!(after, before);
            }
        }
    }

    /// Every cycle in a loaded portfolio replays to its state, and a cycle
    /// whose journal lost its last entry is refused on load.
    #[test]
    fn every_cycle_in_a_loaded_portfolio_replays_to_its_state(cycle in 0usize..24) {
        let text = smaller(0);
        let portfolio = Portfolio::from_json(&text).unwrap();
        for record in portfolio.cycles() {
            let sale = &record.sale;
            let replayed = TechnicalSale::replay(sale.variant().clone(), sale.journal().clone()).unwrap();
            prop_assert_eq!(&replayed, sale);
        }
        let mut doc: Value = serde_json::from_str(&text).unwrap();
        let cycles = doc["cycles"].as_array_mut().unwrap();
        let n = cycles.len();
        cycles[cycle % n]["sale"]["journal"].as_array_mut().unwrap().pop();
        let mut p = ptr::null_mut();
        let r = unsafe { techsales_portfolio_from_json(c(&doc.to_string()).as_ptr(), &mut p) };
        prop_assert_eq!(r, techsales_result::InvalidJson);
        prop_assert!(p.is_null());
        prop_assert!(last_error().contains("cycle"), "{}", last_error());
    }

    /// The report produced through the C ABI equals the Rust API's byte for
    /// byte, in English and in Chinese.
    #[test]
    fn the_report_through_the_c_abi_equals_the_rust_apis_byte_for_byte(
        deals in 0usize..40,
        later_days in 0i64..400,
        chinese in any::<bool>(),
    ) {
        let mut doc: Value = serde_json::from_str(&smaller(deals)).unwrap();
        let as_of = chrono::DateTime::parse_from_rfc3339(doc["as_of"].as_str().unwrap()).unwrap()
            + chrono::TimeDelta::days(later_days);
        doc["as_of"] = as_of.format("%Y-%m-%dT%H:%M:%SZ").to_string().into();
        let text = doc.to_string();
        let language = if chinese { Language::Chinese } else { Language::English };
        let rust = render_report_in(
            &Portfolio::from_json(&text).unwrap(),
            &ReportOptions::default(),
            language,
        );
        prop_assert_eq!(Book::load(&text).report_in(language), rust);
    }
}

#[test]
fn the_sample_loads_and_gives_every_analytic_the_report_and_the_svg() {
    let book = Book::load(sample_text());
    for name in [
        "pipeline",
        "stage_flows",
        "stage_durations",
        "stalled",
        "quadrant",
        "actions_in_progress",
        "calibration",
        "cycles",
        "top_deals",
        "forecast",
        "bookings",
        "win_loss",
        "slipped_deals",
        "amount_changes",
        "probability_trend",
    ] {
        let mut out = ptr::null_mut();
        ok(unsafe { techsales_portfolio_analytics_json(book.0, c(name).as_ptr(), &mut out) });
        let json: Value = serde_json::from_str(&take(out)).unwrap();
        assert!(json.is_object() || json.is_array(), "{name}");
    }
    let mut out = ptr::null_mut();
    let r = unsafe { techsales_portfolio_analytics_json(book.0, c("mood").as_ptr(), &mut out) };
    assert_eq!(r, techsales_result::NotFound);
    assert!(out.is_null());

    let report = book.report();
    assert!(report.contains("== Technical-sale cycles"));
    let portfolio = Portfolio::from_json(sample_text()).unwrap();
    let options = ReportOptions::default();
    assert_eq!(report, render_report(&portfolio, &options));
    let zh = book.report_in(Language::Chinese);
    assert_eq!(
        zh,
        render_report_in(&portfolio, &options, Language::Chinese)
    );
    assert!(zh.starts_with("客户组合报告：") && zh.contains("== 技术销售周期"));
    // The same sections in both languages, one heading for one heading.
    let headings = |text: &str| text.lines().filter(|l| l.starts_with("== ")).count();
    assert_eq!(headings(&zh), headings(&report));

    for language in [Language::English, Language::Chinese] {
        let mut html = ptr::null_mut();
        ok(unsafe { techsales_portfolio_html(book.0, language.code(), &mut html) });
        let portfolio = Portfolio::from_json(sample_text()).unwrap();
        let rust = render_html(&portfolio, &ReportOptions::default(), language);
        assert_eq!(take(html), rust);
    }
    assert!(report.contains("TS-001"));

    let mut svg = ptr::null_mut();
    ok(unsafe { techsales_portfolio_svg(book.0, &mut svg) });
    assert!(take(svg).starts_with("<svg"));

    let mut log = ptr::null_mut();
    ok(unsafe { techsales_portfolio_action_log_json(book.0, c("C-001").as_ptr(), &mut log) });
    assert!(serde_json::from_str::<Value>(&take(log))
        .unwrap()
        .is_array());
    let r = unsafe { techsales_portfolio_action_log_json(book.0, c("C-999").as_ptr(), &mut log) };
    assert_eq!(r, techsales_result::NotFound);
}

/// An analytic through the C ABI, parsed.
fn analytic(book: &Book, name: &str) -> Value {
    let mut out = ptr::null_mut();
    ok(unsafe { techsales_portfolio_analytics_json(book.0, c(name).as_ptr(), &mut out) });
    serde_json::from_str(&take(out)).unwrap()
}

/// The lifecycle analytics through the C ABI are the Rust API's, as JSON.
#[test]
fn the_lifecycle_analytics_through_the_c_abi_equal_the_rust_apis() {
    use techsales::portfolio::{
        amount_changes, bookings, forecast, probability_trend, slipped_deals, top_deals, win_loss,
    };
    let book = Book::load(sample_text());
    let p = Portfolio::from_json(sample_text()).unwrap();
    assert_eq!(analytic(&book, "forecast"), json(&forecast(&p)));
    assert_eq!(analytic(&book, "bookings"), json(&bookings(&p)));
    assert_eq!(analytic(&book, "win_loss"), json(&win_loss(&p)));
    assert_eq!(analytic(&book, "slipped_deals"), json(&slipped_deals(&p)));
    let every = amount_changes(
        &p,
        chrono::DateTime::<chrono::Utc>::MIN_UTC,
        chrono::DateTime::<chrono::Utc>::MAX_UTC,
    );
    assert!(!every.is_empty(), "the sample records amount changes");
    assert_eq!(analytic(&book, "amount_changes"), json(&every));
    let top: Vec<&str> = top_deals(&p, ReportOptions::default().top_deals)
        .into_iter()
        .map(|i| p.opportunities()[i].id.as_str())
        .collect();
    assert_eq!(analytic(&book, "top_deals"), json(&top));

    let definition = &p.definitions().process;
    let trends = analytic(&book, "probability_trend");
    assert_eq!(trends.as_array().unwrap().len(), p.opportunities().len());
    for (record, trend) in p.opportunities().iter().zip(trends.as_array().unwrap()) {
        assert_eq!(trend["id"], record.id.as_str());
        assert_eq!(trend["trend"], json(&probability_trend(record, definition)));
    }
    let record = &p.opportunities()[0];
    let mut out = ptr::null_mut();
    ok(unsafe {
        techsales_portfolio_probability_trend_json(book.0, c(&record.id).as_ptr(), &mut out)
    });
    let one: Value = serde_json::from_str(&take(out)).unwrap();
    assert_eq!(one, json(&probability_trend(record, definition)));
    let r = unsafe {
        techsales_portfolio_probability_trend_json(book.0, c("O-none").as_ptr(), &mut out)
    };
    assert_eq!(r, techsales_result::NotFound);
    assert!(last_error().contains("O-none"), "{}", last_error());
    let r = unsafe { techsales_portfolio_probability_trend_json(book.0, ptr::null(), &mut out) };
    assert_eq!(r, techsales_result::NullParameter);
}

/// A value as the JSON the Rust API serialises it to.
fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

#[test]
fn a_crm_export_imports_with_its_mapping_and_reports_the_rows_it_refused() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/");
    let csv = std::fs::read_to_string(format!("{dir}crm_export.csv")).unwrap();
    let mapping = std::fs::read_to_string(format!("{dir}crm_mapping.json")).unwrap();
    let (mut p, mut summary) = (ptr::null_mut(), ptr::null_mut());
    ok(unsafe {
        techsales_portfolio_import_csv(c(&csv).as_ptr(), c(&mapping).as_ptr(), &mut p, &mut summary)
    });
    let book = Book(p);
    let summary: Value = serde_json::from_str(&take(summary)).unwrap();
    let rejected = summary["rejected"].as_array().unwrap();
    assert!(!rejected.is_empty(), "the sample export has broken rows");
    assert_eq!(
        summary["imported"].as_u64().unwrap() as usize + rejected.len(),
        summary["rows"].as_u64().unwrap() as usize
    );
    assert!(book.report().starts_with("PORTFOLIO REPORT"));

    let mut again = ptr::null_mut();
    let r = unsafe {
        techsales_portfolio_import_csv(c(&csv).as_ptr(), c("{").as_ptr(), &mut p, &mut again)
    };
    assert!(again.is_null());
    assert_eq!(r, techsales_result::InvalidJson);
}

#[test]
fn records_are_added_or_replaced_and_a_refused_one_changes_nothing() {
    let book = Book::load(&smaller(2));
    let account = r#"{"customer":{"id":"C-900","name":"Nova Mining","customer_type":"loyal","classified_at":"2026-01-02T00:00:00Z"}}"#;
    ok(unsafe { techsales_portfolio_put_account(book.0, c(account).as_ptr()) });
    // Replacing keeps one account with the id.
    let renamed = account.replace("Nova Mining", "Nova Mining Ltd");
    ok(unsafe { techsales_portfolio_put_account(book.0, c(&renamed).as_ptr()) });
    let doc: Value = serde_json::from_str(&book.to_json()).unwrap();
    let novas: Vec<&Value> = doc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["customer"]["id"] == "C-900")
        .collect();
    assert_eq!(novas.len(), 1);
    assert_eq!(novas[0]["customer"]["name"], "Nova Mining Ltd");

    let before = book.to_json();
    let cycle = r#"{"id":"TS-900","account":"C-901","sale":{}}"#;
    let r = unsafe { techsales_portfolio_put_cycle(book.0, c(cycle).as_ptr()) };
    assert_eq!(r, techsales_result::InvalidJson);
    assert_eq!(book.to_json(), before);

    // A cycle of the new account, through the Rust API's own format.
    let sale = TechnicalSale::for_customer_type(techsales::customer::CustomerType::Loyal);
    let cycle = serde_json::json!({"id": "TS-900", "account": "C-900", "sale": sale}).to_string();
    ok(unsafe { techsales_portfolio_put_cycle(book.0, c(&cycle).as_ptr()) });
    let wrong_account = cycle.replace("C-900", "C-901");
    let before = book.to_json();
    let r = unsafe { techsales_portfolio_put_cycle(book.0, c(&wrong_account).as_ptr()) };
    assert_eq!(r, techsales_result::InvalidJson, "{}", last_error());
    assert_eq!(book.to_json(), before);

    // The account turns strategic: the running cycle is offered that variant.
    let mut changed = false;
    let at = 1_800_000_000;
    ok(unsafe {
        techsales_portfolio_set_account_type(
            book.0,
            c("C-900").as_ptr(),
            techsales::customer::CustomerType::Strategic.code(),
            at,
            ptr::null(),
            &mut changed,
        )
    });
    assert!(changed);
    let doc: Value = serde_json::from_str(&book.to_json()).unwrap();
    let cycle = doc["cycles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "TS-900")
        .unwrap();
    assert_eq!(cycle["sale"]["variant"]["customer_type"], "loyal");
    assert_eq!(cycle["offered_variant"]["to"], "strategic");
    assert_eq!(cycle["offered_variant"]["for_iteration"], 2);
}

#[test]
fn null_bad_utf8_and_malformed_json_are_errors_never_crashes() {
    let book = Book::load(&smaller(1));
    let bad_utf8 = [0xffu8, 0xfe, 0];
    let bad = bad_utf8.as_ptr().cast::<c_char>();
    let mut out = ptr::null_mut();
    let mut p = ptr::null_mut();
    unsafe {
        assert_eq!(
            techsales_portfolio_from_json(ptr::null(), &mut p),
            techsales_result::NullParameter
        );
        assert_eq!(
            techsales_portfolio_from_json(bad, &mut p),
            techsales_result::InvalidUtf8
        );
        // Invalid UTF-8 inside a string of well-formed JSON is still named.
        let in_string = b"{\"format_version\": 2, \"name\": \"\xff\"}\0";
        assert_eq!(
            techsales_portfolio_from_json(in_string.as_ptr().cast(), &mut p),
            techsales_result::InvalidUtf8
        );
        assert_eq!(
            techsales_portfolio_from_json(c("{").as_ptr(), &mut p),
            techsales_result::InvalidJson
        );
        let other = sample_text().replacen(
            &format!("\"format_version\": {FORMAT_VERSION}"),
            "\"format_version\": 99",
            1,
        );
        assert_eq!(
            techsales_portfolio_from_json(c(&other).as_ptr(), &mut p),
            techsales_result::UnsupportedVersion
        );
        assert!(p.is_null());
        assert_eq!(
            techsales_portfolio_from_json(c("{}").as_ptr(), ptr::null_mut()),
            techsales_result::NullParameter
        );
        assert_eq!(
            techsales_portfolio_to_json(ptr::null(), &mut out),
            techsales_result::NullParameter
        );
        assert_eq!(
            techsales_portfolio_report(book.0, 7, &mut out),
            techsales_result::InvalidEnumValue
        );
        assert_eq!(
            techsales_portfolio_svg(book.0, ptr::null_mut()),
            techsales_result::NullParameter
        );
        assert_eq!(
            techsales_portfolio_put_account(book.0, c("[1]").as_ptr()),
            techsales_result::InvalidJson
        );
        assert_eq!(
            techsales_portfolio_put_opportunity(ptr::null_mut(), c("{}").as_ptr()),
            techsales_result::NullParameter
        );
        assert_eq!(
            techsales_portfolio_apply_cycle_event(book.0, c("TS-001").as_ptr(), bad),
            techsales_result::InvalidUtf8
        );
        assert_eq!(
            techsales_portfolio_apply_deal_event(
                book.0,
                c("O-9999").as_ptr(),
                c(&entry(r#"{"type":"advanced"}"#, 1)).as_ptr()
            ),
            techsales_result::NotFound
        );
        assert_eq!(
            techsales_portfolio_analytics_json(book.0, ptr::null(), &mut out),
            techsales_result::NullParameter
        );
        assert_eq!(
            techsales_key_account_stage_checklist_json(99, &mut out),
            techsales_result::InvalidEnumValue
        );
        assert!(out.is_null());
        ok(techsales_key_account_stage_checklist_json(0, &mut out));
        assert!(take(out).contains("\"zh\""));
        techsales_portfolio_free(ptr::null_mut());
    }
}

#[test]
fn a_portfolio_loads_from_its_file_as_from_its_text() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/portfolio.json");
    let mut p = ptr::null_mut();
    ok(unsafe { techsales_portfolio_from_file(c(path).as_ptr(), &mut p) });
    let from_file = Book(p);
    assert_eq!(from_file.to_json(), Book::load(sample_text()).to_json());

    let dir = std::env::temp_dir().join(format!("techsales-from-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let tampered = dir.join("other-version.json");
    let v99 = sample_text().replacen(
        &format!("\"format_version\": {FORMAT_VERSION}"),
        "\"format_version\": 99",
        1,
    );
    std::fs::write(&tampered, v99).unwrap();
    let missing = dir.join("missing.json");
    let bad_utf8 = [0xffu8, 0xfe, 0];
    let mut p = ptr::null_mut();
    unsafe {
        assert_eq!(
            techsales_portfolio_from_file(c(tampered.to_str().unwrap()).as_ptr(), &mut p),
            techsales_result::UnsupportedVersion
        );
        assert_eq!(
            techsales_portfolio_from_file(c(missing.to_str().unwrap()).as_ptr(), &mut p),
            techsales_result::InvalidArgument
        );
        assert!(last_error().contains("missing.json"), "{}", last_error());
        assert_eq!(
            techsales_portfolio_from_file(ptr::null(), &mut p),
            techsales_result::NullParameter
        );
        assert_eq!(
            techsales_portfolio_from_file(bad_utf8.as_ptr().cast::<c_char>(), &mut p),
            techsales_result::InvalidUtf8
        );
        assert_eq!(
            techsales_portfolio_from_file(c(path).as_ptr(), ptr::null_mut()),
            techsales_result::NullParameter
        );
    }
    assert!(p.is_null());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn analytics_on_any_thread_count_are_the_same_json() {
    let book = Book::load(sample_text());
    for name in ["pipeline", "stage_flows", "stage_durations", "stalled"] {
        let mut out = ptr::null_mut();
        ok(unsafe { techsales_portfolio_analytics_json(book.0, c(name).as_ptr(), &mut out) });
        let expected = take(out);
        for threads in [0, 1, 2] {
            let mut out = ptr::null_mut();
            ok(unsafe {
                techsales_portfolio_analytics_json_threads(
                    book.0,
                    c(name).as_ptr(),
                    threads,
                    &mut out,
                )
            });
            assert_eq!(take(out), expected, "{name} on {threads} threads");
        }
    }
    let mut out = ptr::null_mut();
    let r = unsafe {
        techsales_portfolio_analytics_json_threads(
            book.0,
            c("pipeline").as_ptr(),
            TECHSALES_MAX_THREADS + 1,
            &mut out,
        )
    };
    assert_eq!(r, techsales_result::InvalidArgument);
    assert!(out.is_null());
    assert!(last_error().contains("threads"), "{}", last_error());
    let r = unsafe {
        techsales_portfolio_analytics_json_threads(book.0, c("mood").as_ptr(), 2, &mut out)
    };
    assert_eq!(r, techsales_result::NotFound);
    let r = unsafe {
        techsales_portfolio_analytics_json_threads(ptr::null(), c("pipeline").as_ptr(), 2, &mut out)
    };
    assert_eq!(r, techsales_result::NullParameter);
    assert!(out.is_null());
}

/// The vendor sample with its contacts file through the C ABI: the
/// contacts arrive, a file the mapping declares but that is NULL (or one
/// given that it does not declare) is an invalid argument naming it, and
/// NULL or invalid UTF-8 where text is required are errors; nothing is
/// written on error.
#[test]
fn a_crm_export_imports_with_its_files_beside_it() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/mappings/");
    let read = |name: &str| std::fs::read_to_string(format!("{dir}{name}")).unwrap();
    let (csv, contacts, mapping) = (
        c(&read("salesforce.csv")),
        c(&read("salesforce_contacts.csv")),
        c(&read("salesforce.json")),
    );
    let (mut p, mut summary) = (ptr::null_mut(), ptr::null_mut());
    ok(unsafe {
        techsales_portfolio_import_csv_files(
            csv.as_ptr(),
            ptr::null(),
            contacts.as_ptr(),
            ptr::null(),
            mapping.as_ptr(),
            &mut p,
            &mut summary,
        )
    });
    let book = Book(p);
    let summary: Value = serde_json::from_str(&take(summary)).unwrap();
    assert_eq!(summary["contact_rows"], 11);
    assert_eq!(summary["contacts_imported"], 9);
    let rejected: Vec<&str> = summary["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        rejected
            .iter()
            .any(|r| r.starts_with("contacts line 7: role")),
        "{rejected:?}"
    );
    let doc: Value = serde_json::from_str(&book.to_json()).unwrap();
    let deal = doc["opportunities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "006A000002")
        .unwrap();
    let contacts_json = deal["process"]["state"]["contacts"].as_array().unwrap();
    let roles: Vec<&str> = contacts_json
        .iter()
        .map(|c| c["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["economic_buyer", "technical_buyer"]);

    let bad_utf8 = [0xffu8, 0xfe, 0];
    let bad = bad_utf8.as_ptr().cast::<c_char>();
    let call = |csv: *const c_char,
                contacts: *const c_char,
                products: *const c_char,
                mapping: *const c_char,
                out: *mut *mut techsales_portfolio| {
        let mut summary = ptr::null_mut();
        let r = unsafe {
            techsales_portfolio_import_csv_files(
                csv,
                ptr::null(),
                contacts,
                products,
                mapping,
                out,
                &mut summary,
            )
        };
        assert!(summary.is_null(), "written on error");
        r
    };
    let mut p = ptr::null_mut();
    // The declared contacts file left out.
    let r = call(
        csv.as_ptr(),
        ptr::null(),
        ptr::null(),
        mapping.as_ptr(),
        &mut p,
    );
    assert_eq!(r, techsales_result::InvalidArgument);
    assert!(last_error().contains("contacts"), "{}", last_error());
    // A products file the mapping does not declare.
    let products = c("id\nP-1\n");
    let r = call(
        csv.as_ptr(),
        contacts.as_ptr(),
        products.as_ptr(),
        mapping.as_ptr(),
        &mut p,
    );
    assert_eq!(r, techsales_result::InvalidArgument);
    assert!(last_error().contains("products"), "{}", last_error());
    // NULL where text is required, invalid UTF-8 in any text.
    let r = call(
        ptr::null(),
        contacts.as_ptr(),
        ptr::null(),
        mapping.as_ptr(),
        &mut p,
    );
    assert_eq!(r, techsales_result::NullParameter);
    let r = call(
        csv.as_ptr(),
        contacts.as_ptr(),
        ptr::null(),
        ptr::null(),
        &mut p,
    );
    assert_eq!(r, techsales_result::NullParameter);
    let r = call(
        bad,
        contacts.as_ptr(),
        ptr::null(),
        mapping.as_ptr(),
        &mut p,
    );
    assert_eq!(r, techsales_result::InvalidUtf8);
    let r = call(csv.as_ptr(), bad, ptr::null(), mapping.as_ptr(), &mut p);
    assert_eq!(r, techsales_result::InvalidUtf8);
    assert!(last_error().contains("contacts_csv"), "{}", last_error());
    let r = call(
        csv.as_ptr(),
        contacts.as_ptr(),
        bad,
        mapping.as_ptr(),
        &mut p,
    );
    assert_eq!(r, techsales_result::InvalidUtf8);
    let r = call(csv.as_ptr(), contacts.as_ptr(), ptr::null(), bad, &mut p);
    assert_eq!(r, techsales_result::InvalidUtf8);
    assert!(p.is_null(), "written on error");
    // NULL out-parameters.
    let r = call(
        csv.as_ptr(),
        contacts.as_ptr(),
        ptr::null(),
        mapping.as_ptr(),
        ptr::null_mut(),
    );
    assert_eq!(r, techsales_result::NullParameter);
    let mut p = ptr::null_mut();
    let r = unsafe {
        techsales_portfolio_import_csv_files(
            csv.as_ptr(),
            ptr::null(),
            contacts.as_ptr(),
            ptr::null(),
            mapping.as_ptr(),
            &mut p,
            ptr::null_mut(),
        )
    };
    assert_eq!(r, techsales_result::NullParameter);
    assert!(p.is_null());
    // The mapping refused names the field.
    let broken = c(&read("salesforce.json").replace(
        "\"default_influence\": \"medium\"",
        "\"default_influence\": \"huge\"",
    ));
    let r = call(
        csv.as_ptr(),
        contacts.as_ptr(),
        ptr::null(),
        broken.as_ptr(),
        &mut p,
    );
    assert!(
        matches!(
            r,
            techsales_result::ConfigError | techsales_result::InvalidJson
        ),
        "{r:?}"
    );
    assert!(last_error().contains("huge"), "{}", last_error());
}
