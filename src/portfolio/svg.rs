//! The portfolio's charts as one hand-written SVG: the customer quadrant
//! (supplier assistance across, customer loyalty up, each account a point
//! coloured by its type, the thresholds as dashed lines) and the pipeline
//! funnel (one bar per stage, as wide as the open amount in it).
//!
//! Accounts classified without scores are drawn in the middle of their
//! quadrant, hollow, spread a little so they do not hide each other.

use std::fmt::Write;

use super::document::Portfolio;
use super::report::{funnel, money};
use crate::customer::CustomerType;
use crate::labels::Labelled;

const WIDTH: f64 = 1040.0;
const HEIGHT: f64 = 560.0;
/// The quadrant's plot area.
const PLOT_X: f64 = 70.0;
const PLOT_Y: f64 = 60.0;
const PLOT_SIZE: f64 = 440.0;
/// The funnel's area.
const FUNNEL_X: f64 = 580.0;
const FUNNEL_WIDTH: f64 = 420.0;
/// A white outline that keeps text readable on any bar.
const HALO: &str = r##"paint-order="stroke" stroke="#ffffff" stroke-width="3""##;

fn colour(t: CustomerType) -> &'static str {
    match t {
        CustomerType::MarketTaker => "#9e9e9e",
        CustomerType::Opportunity => "#e08a1e",
        CustomerType::Loyal => "#2f7fc1",
        CustomerType::Strategic => "#2e9e5b",
    }
}

/// Escapes text for SVG content and attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The SVG document with the quadrant chart and the pipeline funnel.
pub fn render(portfolio: &Portfolio) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_svg(&mut out, portfolio);
    out
}

fn x_of(score: f64) -> f64 {
    PLOT_X + score.clamp(0.0, 100.0) / 100.0 * PLOT_SIZE
}

fn y_of(score: f64) -> f64 {
    PLOT_Y + PLOT_SIZE - score.clamp(0.0, 100.0) / 100.0 * PLOT_SIZE
}

fn write_svg(out: &mut String, portfolio: &Portfolio) -> std::fmt::Result {
    let thresholds = portfolio.definitions().planner.thresholds;
    writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    )?;
    writeln!(
        out,
        r#"<title>{} as of {}</title>"#,
        escape(portfolio.name()),
        portfolio.as_of().format("%Y-%m-%d")
    )?;
    writeln!(
        out,
        r##"<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>"##
    )?;

    // Quadrant frame, thresholds and labels.
    writeln!(
        out,
        r#"<text x="{PLOT_X}" y="30" font-size="16" font-weight="bold">Customer quadrant</text>"#
    )?;
    writeln!(
        out,
        r##"<rect x="{PLOT_X}" y="{PLOT_Y}" width="{PLOT_SIZE}" height="{PLOT_SIZE}" fill="#fafafa" stroke="#333333"/>"##
    )?;
    let tx = x_of(thresholds.assistance);
    let ty = y_of(thresholds.loyalty);
    writeln!(
        out,
        r##"<line x1="{tx:.1}" y1="{PLOT_Y}" x2="{tx:.1}" y2="{:.1}" stroke="#888888" stroke-dasharray="6 4"/>"##,
        PLOT_Y + PLOT_SIZE
    )?;
    writeln!(
        out,
        r##"<line x1="{PLOT_X}" y1="{ty:.1}" x2="{:.1}" y2="{ty:.1}" stroke="#888888" stroke-dasharray="6 4"/>"##,
        PLOT_X + PLOT_SIZE
    )?;
    for (t, x, y) in [
        (
            CustomerType::MarketTaker,
            PLOT_X + 8.0,
            PLOT_Y + PLOT_SIZE - 8.0,
        ),
        (
            CustomerType::Opportunity,
            tx + 8.0,
            PLOT_Y + PLOT_SIZE - 8.0,
        ),
        (CustomerType::Loyal, PLOT_X + 8.0, PLOT_Y + 18.0),
        (CustomerType::Strategic, tx + 8.0, PLOT_Y + 18.0),
    ] {
        writeln!(
            out,
            r#"<text x="{x:.1}" y="{y:.1}" fill="{}" font-weight="bold">{}</text>"#,
            colour(t),
            escape(t.label_en())
        )?;
    }
    for tick in [0.0, 25.0, 50.0, 75.0, 100.0] {
        writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{tick:.0}</text>"#,
            x_of(tick),
            PLOT_Y + PLOT_SIZE + 16.0
        )?;
        writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{tick:.0}</text>"#,
            PLOT_X - 6.0,
            y_of(tick) + 4.0
        )?;
    }
    writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">supplier assistance</text>"#,
        PLOT_X + PLOT_SIZE / 2.0,
        PLOT_Y + PLOT_SIZE + 36.0
    )?;
    writeln!(
        out,
        r#"<text x="20" y="{:.1}" text-anchor="middle" transform="rotate(-90 20 {:.1})">customer loyalty</text>"#,
        PLOT_Y + PLOT_SIZE / 2.0,
        PLOT_Y + PLOT_SIZE / 2.0
    )?;

    writeln!(
        out,
        r##"<text x="{PLOT_X}" y="{:.1}" font-size="11" fill="#555555">filled: measured scores; hollow: type recorded without scores</text>"##,
        PLOT_Y + PLOT_SIZE + 54.0
    )?;

    // One point per account.
    for (i, account) in portfolio.accounts().iter().enumerate() {
        let customer = &account.customer;
        let t = customer.customer_type();
        let (x, y, fill) = match customer.scores() {
            Some(s) => (x_of(s.assistance()), y_of(s.loyalty()), colour(t)),
            None => {
                // The middle of the type's quadrant, spread on a small grid.
                let centre = |high: bool, threshold: f64| {
                    if high {
                        (threshold + 100.0) / 2.0
                    } else {
                        threshold / 2.0
                    }
                };
                let dx = (i % 5) as f64 * 2.0 - 4.0;
                let dy = ((i / 5) % 5) as f64 * 2.0 - 4.0;
                (
                    x_of(centre(t.assistance().is_high(), thresholds.assistance) + dx),
                    y_of(centre(t.loyalty().is_high(), thresholds.loyalty) + dy),
                    "none",
                )
            }
        };
        writeln!(
            out,
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="5" fill="{fill}" stroke="{}" stroke-width="1.5"><title>{} {} ({})</title></circle>"#,
            colour(t),
            escape(customer.id()),
            escape(customer.name()),
            escape(t.label_en())
        )?;
    }

    // The funnel.
    let stages = funnel(portfolio);
    writeln!(
        out,
        r#"<text x="{FUNNEL_X}" y="30" font-size="16" font-weight="bold">Pipeline funnel (open deals, {})</text>"#,
        escape(portfolio.currency())
    )?;
    let largest = stages
        .iter()
        .map(|(_, a)| a.amount_minor)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let band = PLOT_SIZE / stages.len().max(1) as f64;
    let centre = FUNNEL_X + FUNNEL_WIDTH / 2.0;
    for (row, (stage, amounts)) in stages.iter().enumerate() {
        let width = (amounts.amount_minor as f64 / largest * FUNNEL_WIDTH).max(2.0);
        let y = PLOT_Y + row as f64 * band;
        let shade = 200 - (row as u32 * 25).min(150);
        writeln!(
            out,
            r#"<rect x="{:.1}" y="{:.1}" width="{width:.1}" height="{:.1}" fill="rgb(40,{shade},120)"><title>{}: {} deals</title></rect>"#,
            centre - width / 2.0,
            y + 4.0,
            band - 8.0,
            escape(stage.label_en()),
            amounts.count
        )?;
        writeln!(
            out,
            r##"<text x="{centre:.1}" y="{:.1}" text-anchor="middle" font-weight="bold" {HALO}>{}</text>"##,
            y + band / 2.0 - 2.0,
            escape(stage.label_en())
        )?;
        writeln!(
            out,
            r##"<text x="{centre:.1}" y="{:.1}" text-anchor="middle" {HALO}>{} deals, {} {}</text>"##,
            y + band / 2.0 + 14.0,
            amounts.count,
            money(portfolio, amounts.amount_minor as f64),
            escape(portfolio.currency())
        )?;
    }
    writeln!(out, "</svg>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape(r#"A&B <"x"> 'y'"#),
            "A&amp;B &lt;&quot;x&quot;&gt; &apos;y&apos;"
        );
    }
}
