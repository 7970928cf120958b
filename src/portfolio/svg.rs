//! The portfolio's charts as hand-written SVG: the customer quadrant
//! (supplier assistance across, customer loyalty up, each account with
//! measured scores a point coloured by its type, the thresholds as dashed
//! lines) and the pipeline funnel (one bar per stage, as long as the open
//! amount in it, its label beside it).
//!
//! Accounts whose type was recorded without scores have no place on the
//! axes: they are counted under the chart, never drawn at made-up
//! coordinates. The HTML report draws the same charts, with the type
//! movements as arrows between the quadrants.

use std::fmt::Write;

use super::analytics::MovementCount;
use super::document::Portfolio;
use super::report::{funnel, money};
use crate::customer::CustomerType;
use crate::labels::{Labelled, Language};

/// One chart's size.
pub(crate) const CHART_WIDTH: f64 = 520.0;
pub(crate) const CHART_HEIGHT: f64 = 560.0;
/// The quadrant's plot area, inside its chart.
const PLOT_X: f64 = 70.0;
const PLOT_Y: f64 = 60.0;
const PLOT_SIZE: f64 = 420.0;
/// The funnel's label column and bars, inside its chart.
const LABEL_WIDTH: f64 = 190.0;
const BAR_WIDTH: f64 = 310.0;
/// Space for the title above both charts.
const TITLE_HEIGHT: f64 = 40.0;

fn colour(t: CustomerType) -> &'static str {
    match t {
        CustomerType::MarketTaker => "#757575",
        CustomerType::Opportunity => "#c46f0a",
        CustomerType::Loyal => "#2f7fc1",
        CustomerType::Strategic => "#2e8b57",
    }
}

/// English or Chinese.
pub(crate) fn tr(language: Language, en: &'static str, zh: &'static str) -> &'static str {
    match language {
        Language::English => en,
        Language::Chinese => zh,
    }
}

/// Escapes text for SVG and HTML content and attributes.
pub(crate) fn escape(text: &str) -> String {
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

/// The SVG document with a title (the portfolio's name and date), the
/// quadrant chart and the pipeline funnel.
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
    let width = CHART_WIDTH * 2.0;
    let height = CHART_HEIGHT + TITLE_HEIGHT;
    writeln!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"##
    )?;
    let title = format!(
        "{} as of {}",
        portfolio.name(),
        portfolio.as_of().format("%Y-%m-%d")
    );
    writeln!(out, "<title>{}</title>", escape(&title))?;
    writeln!(
        out,
        r##"<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>"##
    )?;
    writeln!(
        out,
        r#"<text x="20" y="26" font-size="18" font-weight="bold">{}</text>"#,
        escape(&title)
    )?;
    writeln!(out, r#"<g transform="translate(0 {TITLE_HEIGHT})">"#)?;
    quadrant_chart(out, portfolio, &[], Language::English)?;
    writeln!(out, "</g>")?;
    writeln!(
        out,
        r#"<g transform="translate({CHART_WIDTH} {TITLE_HEIGHT})">"#
    )?;
    funnel_chart(out, portfolio, Language::English)?;
    writeln!(out, "</g>")?;
    writeln!(out, "</svg>")
}

/// The centre of a type's quadrant, in chart coordinates.
fn quadrant_centre(t: CustomerType, portfolio: &Portfolio) -> (f64, f64) {
    let thresholds = portfolio.definitions().planner.thresholds;
    let centre = |high: bool, threshold: f64| {
        if high {
            (threshold + 100.0) / 2.0
        } else {
            threshold / 2.0
        }
    };
    (
        x_of(centre(t.assistance().is_high(), thresholds.assistance)),
        y_of(centre(t.loyalty().is_high(), thresholds.loyalty)),
    )
}

/// The quadrant chart as SVG elements in a `CHART_WIDTH` x `CHART_HEIGHT`
/// box, with `movements` drawn as arrows between quadrant centres.
pub(crate) fn quadrant_chart(
    out: &mut String,
    portfolio: &Portfolio,
    movements: &[MovementCount],
    language: Language,
) -> std::fmt::Result {
    let thresholds = portfolio.definitions().planner.thresholds;
    writeln!(
        out,
        r#"<text x="{PLOT_X}" y="30" font-size="16" font-weight="bold">{}</text>"#,
        tr(language, "Customer quadrant", "客户四象限")
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
            escape(t.label(language))
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
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        PLOT_X + PLOT_SIZE / 2.0,
        PLOT_Y + PLOT_SIZE + 36.0,
        tr(language, "supplier assistance", "供应商协助")
    )?;
    writeln!(
        out,
        r#"<text x="20" y="{:.1}" text-anchor="middle" transform="rotate(-90 20 {:.1})">{}</text>"#,
        PLOT_Y + PLOT_SIZE / 2.0,
        PLOT_Y + PLOT_SIZE / 2.0,
        tr(language, "customer loyalty", "客户忠诚度")
    )?;

    // One point per account with measured scores.
    let mut unplaced = 0usize;
    for account in portfolio.accounts() {
        let customer = &account.customer;
        let t = customer.customer_type();
        let Some(s) = customer.scores() else {
            unplaced += 1;
            continue;
        };
        writeln!(
            out,
            r#"<circle cx="{:.1}" cy="{:.1}" r="5" fill="{}" fill-opacity="0.8"><title>{} {} ({})</title></circle>"#,
            x_of(s.assistance()),
            y_of(s.loyalty()),
            colour(t),
            escape(customer.id()),
            escape(customer.name()),
            escape(t.label(language))
        )?;
    }
    if portfolio.accounts().is_empty() {
        writeln!(
            out,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#555555">{}</text>"##,
            PLOT_X + PLOT_SIZE / 2.0,
            PLOT_Y + PLOT_SIZE / 2.0 + 30.0,
            tr(language, "no accounts", "没有客户")
        )?;
    }
    if unplaced > 0 {
        let note = match language {
            Language::English => format!(
                "{unplaced} accounts have a recorded type but no measured scores: not drawn"
            ),
            Language::Chinese => format!("{unplaced} 个客户只有记录的类型、没有测量分数：未画出"),
        };
        writeln!(
            out,
            r##"<text x="{PLOT_X}" y="{:.1}" font-size="11" fill="#555555">{}</text>"##,
            PLOT_Y + PLOT_SIZE + 54.0,
            escape(&note)
        )?;
    }

    // Movements between types, as arrows between quadrant centres.
    if !movements.is_empty() {
        writeln!(
            out,
            r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#b00020"/></marker></defs>"##
        )?;
    }
    for m in movements {
        let (x1, y1) = quadrant_centre(m.from, portfolio);
        let (x2, y2) = quadrant_centre(m.to, portfolio);
        // Bend each arrow to its right so a movement and its reverse do
        // not overlap.
        let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
        let (cx, cy) = (mx + (y2 - y1) * 0.15, my - (x2 - x1) * 0.15);
        let width = 1.0 + (m.count as f64).sqrt().min(6.0);
        writeln!(
            out,
            r##"<path d="M{x1:.1},{y1:.1} Q{cx:.1},{cy:.1} {x2:.1},{y2:.1}" fill="none" stroke="#b00020" stroke-opacity="0.7" stroke-width="{width:.1}" marker-end="url(#arrow)"><title>{} -> {}: {}</title></path>"##,
            escape(m.from.label(language)),
            escape(m.to.label(language)),
            m.count
        )?;
        writeln!(
            out,
            r##"<text x="{cx:.1}" y="{cy:.1}" text-anchor="middle" font-weight="bold" fill="#b00020" paint-order="stroke" stroke="#ffffff" stroke-width="3">{}</text>"##,
            m.count
        )?;
    }
    Ok(())
}

/// The pipeline funnel as SVG elements in a `CHART_WIDTH` x `CHART_HEIGHT`
/// box: each stage's label and figures on the left, its bar on the right.
pub(crate) fn funnel_chart(
    out: &mut String,
    portfolio: &Portfolio,
    language: Language,
) -> std::fmt::Result {
    let stages = funnel(portfolio);
    let title = match language {
        Language::English => format!("Pipeline funnel (open deals, {})", portfolio.currency()),
        Language::Chinese => format!("销售漏斗（未结束商机，{}）", portfolio.currency()),
    };
    writeln!(
        out,
        r#"<text x="0" y="30" font-size="16" font-weight="bold">{}</text>"#,
        escape(&title)
    )?;
    if stages.iter().all(|(_, a)| a.count == 0) {
        writeln!(
            out,
            r##"<text x="0" y="{:.1}" fill="#555555">{}</text>"##,
            PLOT_Y + 20.0,
            tr(language, "no open deals", "没有未结束的商机")
        )?;
        return Ok(());
    }
    let largest = stages
        .iter()
        .map(|(_, a)| a.amount_minor)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let band = PLOT_SIZE / stages.len().max(1) as f64;
    for (row, (stage, amounts)) in stages.iter().enumerate() {
        let y = PLOT_Y + row as f64 * band;
        let shade = 200 - (row as u32 * 25).min(150);
        writeln!(
            out,
            r#"<text x="0" y="{:.1}" font-weight="bold">{}</text>"#,
            y + band / 2.0 - 2.0,
            escape(stage.label(language))
        )?;
        let figures = match language {
            Language::English => format!(
                "{} deals, {}",
                amounts.count,
                money(portfolio, amounts.amount_minor as f64)
            ),
            Language::Chinese => format!(
                "{} 个商机，{}",
                amounts.count,
                money(portfolio, amounts.amount_minor as f64)
            ),
        };
        writeln!(
            out,
            r#"<text x="0" y="{:.1}">{}</text>"#,
            y + band / 2.0 + 14.0,
            escape(&figures)
        )?;
        if amounts.amount_minor == 0 {
            continue;
        }
        let width = (amounts.amount_minor as f64 / largest * BAR_WIDTH).max(1.0);
        writeln!(
            out,
            r#"<rect x="{LABEL_WIDTH}" y="{:.1}" width="{width:.1}" height="{:.1}" fill="rgb(40,{shade},120)"><title>{}: {}</title></rect>"#,
            y + 4.0,
            band - 8.0,
            escape(stage.label(language)),
            escape(&figures)
        )?;
    }
    Ok(())
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
