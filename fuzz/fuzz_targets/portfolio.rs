//! The Rust API's portfolio: loading any bytes, then (for what loads) the
//! analytics, the text report with extreme options, the SVG, and the
//! document saved, loaded and saved to the same text; a refused event leaves
//! the document byte-identical. Nothing panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use techsales::journal::Entry;
use techsales::key_account::KeyAccountEvent;
use techsales::portfolio::{render_report, render_svg, Portfolio, ReportOptions};

fuzz_target!(|data: &[u8]| {
    // Optional trailing lines after the document: journal entries for its
    // first opportunity.
    let mut parts = data.split(|&b| b == b'\n');
    let doc = parts.next().unwrap_or_default();
    let Ok(mut portfolio) = Portfolio::from_slice(doc) else {
        return;
    };
    for options in [
        ReportOptions::default(),
        ReportOptions {
            top_deals: usize::MAX,
            next_actions: usize::MAX,
            plan_actions: usize::MAX,
            movement_days: i64::MAX,
            list_limit: usize::MAX,
            ..ReportOptions::default()
        },
        ReportOptions {
            top_deals: 0,
            next_actions: 0,
            plan_actions: 0,
            movement_days: i64::MIN,
            list_limit: 0,
            ..ReportOptions::default()
        },
    ] {
        let report = render_report(&portfolio, &options);
        assert!(report.starts_with("PORTFOLIO REPORT"));
    }
    let _ = render_svg(&portfolio);
    let saved = portfolio.to_json();
    let again = Portfolio::from_json(&saved).expect("a saved portfolio does not load");
    assert_eq!(
        again.to_json(),
        saved,
        "save, load, save is not the same text"
    );
    let first = portfolio.opportunities().first().map(|o| o.id.to_string());
    if let Some(id) = first {
        // The document as it stands, made again only after an event that
        // changed it.
        let mut before = Some(saved);
        for line in parts.take(16) {
            let Ok(entry) = serde_json::from_slice::<Entry<KeyAccountEvent>>(line) else {
                continue;
            };
            let unchanged = before.take().unwrap_or_else(|| portfolio.to_json());
            if portfolio.apply(&id, entry).is_err() {
                assert_eq!(
                    unchanged,
                    portfolio.to_json(),
                    "a refused event changed the document"
                );
                before = Some(unchanged);
            }
        }
        let _ = render_report(&portfolio, &ReportOptions::default());
    }
});
