//! The report explains itself: long lists stop at the limit and count the
//! rest, weighted figures say what weighs them, and the charts draw only
//! what was measured.

use std::sync::OnceLock;

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use techsales::labels::Language;
use techsales::portfolio::{
    learn_from, render_html, render_report, render_report_in, render_svg, stalled, Definitions,
    Portfolio, ReportOptions, Weights,
};

fn sample() -> &'static Portfolio {
    static SAMPLE: OnceLock<Portfolio> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/portfolio.json");
        Portfolio::from_slice(&std::fs::read(path).unwrap()).unwrap()
    })
}

/// The lines of the report section whose heading starts with `heading`.
fn section<'a>(report: &'a str, heading: &str) -> Vec<&'a str> {
    report
        .split("\n\n")
        .find(|s| s.starts_with(heading))
        .unwrap_or_else(|| panic!("no section {heading:?}"))
        .lines()
        .collect()
}

/// The report sets the model learned from the closed deals' ratings
/// against the current one on cross-validated figures, in the text and in
/// the HTML (both languages); with too few closed deals it says that
/// nothing was learned, and why.
#[test]
fn the_report_sets_the_learned_model_against_the_current_one() {
    let book = sample();
    let learned = learn_from(book);
    let result = learned
        .result
        .as_ref()
        .expect("the sample has enough closed deals");
    let report = render_report(book, &ReportOptions::default());
    let lines = section(
        &report,
        "== Learned evaluation model against the current one",
    );
    assert!(lines[0].contains(&format!(
        "{} closed deals with ratings",
        result.report.deals
    )));
    let row = |name: &str| {
        lines
            .iter()
            .find(|l| l.trim_start().starts_with(name))
            .copied()
    };
    let current = row("current").expect("a current row");
    assert!(
        current.contains(&format!("{:.3}", result.report.current.auc)),
        "{current}"
    );
    let learned_row = row("learned").expect("a learned row");
    assert!(
        learned_row.contains(&format!("{:.3}", result.report.learned.auc)),
        "{learned_row}"
    );
    assert!(row("pass threshold").is_some());
    let html = render_html(book, &ReportOptions::default(), Language::English);
    assert!(html.contains(r#"id="learned""#));
    assert!(html.contains("Learned evaluation model against the current one"));
    let zh = render_html(book, &ReportOptions::default(), Language::Chinese);
    assert!(zh.contains("学习所得评估模型与当前模型对比"));

    // Keep only the first ten closed deals with ratings: too few to learn.
    let mut json: serde_json::Value = serde_json::from_str(&book.to_json()).unwrap();
    let mut closed = 0;
    json["opportunities"].as_array_mut().unwrap().retain(|o| {
        let is_closed = !o["process"]["state"]["closure"].is_null();
        closed += usize::from(is_closed);
        !is_closed || closed <= 10
    });
    let few = Portfolio::from_json(&json.to_string()).unwrap();
    assert_eq!(learn_from(&few).closed_with_ratings, 10);
    let report = render_report(&few, &ReportOptions::default());
    let lines = section(&report, "== Learned evaluation model: not learned");
    assert!(
        lines[0].contains("10 closed deals carry ratings"),
        "{lines:?}"
    );
    assert!(lines[1].contains("at least 30 are needed"), "{lines:?}");
    let html = render_html(&few, &ReportOptions::default(), Language::English);
    assert!(html.contains("Not learned: 10 closed deals carry ratings"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Stalled deals: the first `list_limit` are listed, then "and N
    /// more" for the rest, so listed plus counted is every stalled deal.
    #[test]
    fn long_lists_show_the_first_n_and_count_the_rest(limit in 0usize..30) {
        let book = sample();
        let options = ReportOptions { list_limit: limit, ..ReportOptions::default() };
        let report = render_report(book, &options);
        let lines = section(&report, "== Stalled deals");
        let total = stalled(book).len();
        let listed = lines.iter().filter(|l| l.contains("last event")).count();
        prop_assert_eq!(listed, total.min(limit));
        let more = format!("and {} more stalled deals", total.saturating_sub(limit));
        prop_assert_eq!(lines.iter().any(|l| l.trim() == more), total > limit);
    }

    /// The Chinese text report is the English one translated: line for
    /// line the same report, so every line holds the same figures (the
    /// digit groups of each line, in order, are equal).
    #[test]
    fn the_chinese_report_has_the_english_reports_lines_and_figures(
        limit in 0usize..30,
        top in 0usize..8,
    ) {
        let book = sample();
        let options = ReportOptions { list_limit: limit, top_deals: top, ..ReportOptions::default() };
        let english = render_report_in(book, &options, Language::English);
        let chinese = render_report_in(book, &options, Language::Chinese);
        prop_assert_eq!(&english, &render_report(book, &options));
        prop_assert_ne!(&english, &chinese);
        let (en, zh): (Vec<&str>, Vec<&str>) = (english.lines().collect(), chinese.lines().collect());
        prop_assert_eq!(en.len(), zh.len());
        // Numbers written as figures, e.g. `1,250,000`, `68%`, `2026-06-30`.
        let figures = |line: &str| -> Vec<String> {
            line.split(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.' || c == '-' || c == '+'))
                .map(|w| w.trim_matches(|c: char| !c.is_ascii_digit()).to_owned())
                .filter(|w| !w.is_empty())
                .collect()
        };
        for (e, z) in en.iter().zip(&zh) {
            prop_assert_eq!(e.starts_with("== "), z.starts_with("== "), "{} / {}", e, z);
            prop_assert_eq!(figures(e), figures(z), "{} / {}", e, z);
        }
    }
}

/// Without grade factors in the definition, the report says a grade does
/// not change the win probability; the calibrated weights say what they
/// are calibrated from.
#[test]
fn weighted_figures_say_what_weighs_them() {
    let book = sample();
    assert!(book.definitions().process.grade_factors.is_none());
    let current = render_report(book, &ReportOptions::default());
    assert!(current.contains("no grade factors are set, so grades do not change it"));
    assert!(current.contains("(no grade factor applied: the definition sets none)"));
    let calibrated = render_report(
        book,
        &ReportOptions {
            weights: Weights::Calibrated,
            ..ReportOptions::default()
        },
    );
    assert!(calibrated.contains("win probability calibrated from 38 closed deals"));
    assert!(calibrated.contains("times the fitted grade factor"));
    // The pipeline by stage shows both weights whichever is chosen: only
    // the sentences saying which one weighs the rest differ.
    let table = |report: &str| -> Vec<String> {
        section(report, "== Pipeline by stage")
            .into_iter()
            .filter(|l| !l.starts_with("  weighted =") && !l.starts_with("  the sections below"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(table(&current), table(&calibrated));
    assert!(table(&current)[1].contains("weighted current"));
}

/// Accounts classified without scores have no point on the chart, and are
/// counted under it.
#[test]
fn the_quadrant_draws_only_measured_accounts() {
    let book = sample();
    let svg = render_svg(book);
    let measured = book
        .accounts()
        .iter()
        .filter(|a| a.customer.scores().is_some())
        .count();
    assert_eq!(svg.matches("<circle").count(), measured);
    let unmeasured = book.accounts().len() - measured;
    if unmeasured > 0 {
        assert!(svg.contains(&format!(
            "{unmeasured} accounts have a recorded type but no measured scores: not drawn"
        )));
    }
    assert!(svg.contains("Sample book: industrial process equipment as of 2026-06-30"));
}

/// An empty book draws no bars and no points, and says so.
#[test]
fn an_empty_book_draws_no_stray_marks() {
    let at = Utc.with_ymd_and_hms(2026, 6, 30, 0, 0, 0).unwrap();
    let book = Portfolio::new("Empty", at, "EUR", Definitions::default()).unwrap();
    let svg = render_svg(&book);
    // Only the background and the quadrant's frame are rectangles.
    assert_eq!(svg.matches("<rect").count(), 2, "{svg}");
    assert_eq!(svg.matches("<circle").count(), 0);
    assert!(svg.contains("no open deals") && svg.contains("no accounts"));
    let page = render_html(&book, &ReportOptions::default(), Language::English);
    assert!(page.contains("No open deals."));
}

/// The Chinese text report's tables line up on screen: in the pipeline
/// table, whose cells all have a fixed width, the header, every stage and
/// the total take the same number of columns (a Chinese character takes
/// two).
#[test]
fn the_chinese_reports_tables_line_up() {
    use unicode_width::UnicodeWidthStr;
    let chinese = render_report_in(sample(), &ReportOptions::default(), Language::Chinese);
    let lines = section(&chinese, "== 按阶段的销售管道");
    let table: Vec<&str> = lines
        .iter()
        .copied()
        .skip_while(|l| !l.trim_start().starts_with("阶段"))
        .take_while(|l| !l.trim_start().starts_with("以下"))
        .map(|l| l.split("  （").next().unwrap_or(l))
        .collect();
    assert!(table.len() >= 3, "{lines:?}");
    let widths: Vec<usize> = table.iter().map(|l| l.width()).collect();
    assert!(
        widths.iter().all(|&w| w == widths[0]),
        "{table:#?} {widths:?}"
    );
}

/// Booked deals are won, so the delivery table shows their count and
/// amount without a weighted column that would only repeat the amount.
#[test]
fn the_delivery_table_has_no_weighted_column() {
    let report = render_report(sample(), &ReportOptions::default());
    let lines = section(&report, "== Bookings and delivery");
    let header = lines
        .iter()
        .find(|l| l.trim_start().starts_with("delivery"))
        .expect("a delivery table");
    assert!(
        header.contains("deals") && header.contains("amount"),
        "{header}"
    );
    assert!(!header.contains("weighted"), "{header}");
}
