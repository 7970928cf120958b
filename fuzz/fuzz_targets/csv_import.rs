//! CSV import: line 1 is the column mapping (JSON), the rest a CRM export.
//! Whatever imports gives a portfolio that reports, and saves, loads and
//! saves to the same text; every rejected row names its line. Nothing
//! panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use techsales::portfolio::{import_csv, render_report, CsvMapping, Portfolio, ReportOptions};

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let Ok(mapping_text) = std::str::from_utf8(&data[..split]) else {
        return;
    };
    let Ok(mapping) = CsvMapping::from_json(mapping_text) else {
        return;
    };
    let export = data.get(split + 1..).unwrap_or_default();
    let Ok(import) = import_csv(export, &mapping) else {
        return;
    };
    assert!(import.imported + import.rejected.len() <= import.rows);
    let report = render_report(&import.portfolio, &ReportOptions::default());
    assert!(report.starts_with("PORTFOLIO REPORT"));
    let saved = import.portfolio.to_json();
    let again = Portfolio::from_json(&saved).expect("an imported portfolio does not load");
    assert_eq!(
        again.to_json(),
        saved,
        "save, load, save is not the same text"
    );
});
