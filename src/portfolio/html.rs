//! The HTML report of a portfolio: one self-contained page (no script, no
//! network) with the report's sections as tables and its charts inline as
//! SVG: the customer quadrant with its movements as arrows, the pipeline
//! funnel, the forecast by month stacked by forecast category, closed and
//! nurtured deals, bookings and delivery, win/loss by reason, stage,
//! customer type and grade, slipped deals, amount changes, conversion by
//! stage, stalled deals, the top deals with their diagnosis, their grade's
//! policy and their probability trend, the calibration, every account's
//! full differentiation plan and the technical-sale cycles; in English or
//! Chinese.
//!
//! The page is a list of sections, each made by one function from the same
//! figures as the text report (`SECTIONS`): a new section is one more
//! function in that list.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use techsales::labels::Language;
//! use techsales::portfolio::{render_html, Definitions, Portfolio, ReportOptions};
//!
//! let at = Utc.with_ymd_and_hms(2026, 6, 30, 0, 0, 0).unwrap();
//! let book = Portfolio::new("Empty book", at, "EUR", Definitions::default())?;
//! let page = render_html(&book, &ReportOptions::default(), Language::English);
//! assert!(page.starts_with("<!DOCTYPE html>"));
//! assert!(page.contains("<svg") && !page.contains("<script"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt::Write;

use super::analytics::{
    actions_in_progress, quadrant, stage_durations, stage_flows, stalled, top_deals_with, Amounts,
    YearMonth,
};
use super::document::Portfolio;
use super::report::{account_plans, money, movements_since, Figures, ReportOptions};
use super::svg::{escape, funnel_chart, quadrant_chart, tr, CHART_HEIGHT, CHART_WIDTH};
use crate::differentiation::Plan;

mod lifecycle;
use crate::key_account::{diagnose, win_probability};
use crate::labels::{Labelled, Language};

/// What every section is made from.
pub(crate) struct Page<'a> {
    portfolio: &'a Portfolio,
    options: &'a ReportOptions,
    language: Language,
    figures: Figures,
}

/// One section of the page: an anchor, a heading and its HTML body.
pub(crate) struct Section {
    id: &'static str,
    title: String,
    body: String,
}

/// A function that makes one section.
pub(crate) type SectionFn = fn(&Page<'_>) -> Section;

/// The page's sections, in order.
pub(crate) const SECTIONS: &[SectionFn] = &[
    quadrant_section,
    pipeline_section,
    forecast_section,
    closed_section,
    lifecycle::bookings_section,
    lifecycle::win_loss_section,
    lifecycle::slipped_section,
    lifecycle::amount_changes_section,
    conversion_section,
    stalled_section,
    top_deals_section,
    lifecycle::probability_trend_section,
    calibration_section,
    learned_section,
    plans_section,
    cycles_section,
];

/// The HTML report of `portfolio` in `language`, weighted as `options`
/// says.
pub fn render(portfolio: &Portfolio, options: &ReportOptions, language: Language) -> String {
    let page = Page {
        portfolio,
        options,
        language,
        figures: Figures::of(portfolio, options.weights),
    };
    let sections: Vec<Section> = SECTIONS.iter().map(|make| make(&page)).collect();
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_page(&mut out, &page, &sections);
    out
}

const STYLE: &str = "body{font-family:sans-serif;margin:24px auto;max-width:1100px;color:#222}\
h1{font-size:24px}h2{font-size:19px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px}\
h3{font-size:15px;margin-bottom:4px}table{border-collapse:collapse;margin:8px 0}\
th,td{border:1px solid #ddd;padding:3px 8px;font-size:13px}th{background:#f2f2f2;text-align:left}\
td.n{text-align:right;font-variant-numeric:tabular-nums}p.note{color:#555;font-size:13px}\
nav a{margin-right:12px;font-size:13px}svg{max-width:100%;height:auto}\
.charts{display:flex;flex-wrap:wrap;gap:16px}ul{margin:4px 0}";

fn write_page(out: &mut String, page: &Page<'_>, sections: &[Section]) -> std::fmt::Result {
    let p = page.portfolio;
    let language = page.language;
    let lang = tr(language, "en", "zh-CN");
    let title = match language {
        Language::English => format!("Portfolio report: {}", p.name()),
        Language::Chinese => format!("客户组合报告：{}", p.name()),
    };
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(out, r#"<html lang="{lang}"><head><meta charset="utf-8">"#)?;
    writeln!(
        out,
        r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#
    )?;
    writeln!(out, "<title>{}</title>", escape(&title))?;
    writeln!(out, "<style>{STYLE}</style></head><body>")?;
    writeln!(out, "<h1>{}</h1>", escape(&title))?;
    let open = page.figures.current.total.count;
    let closed: usize = page
        .figures
        .current
        .closed
        .iter()
        .map(|(_, a)| a.count)
        .sum();
    let summary = match language {
        Language::English => format!(
            "As of {}; amounts in {}; {} accounts, {} opportunities ({open} open, {closed} closed).",
            p.as_of().format("%Y-%m-%d"),
            p.currency(),
            p.accounts().len(),
            p.opportunities().len()
        ),
        Language::Chinese => format!(
            "截至 {}；金额单位 {}；{} 个客户，{} 个商机（{open} 个进行中，{closed} 个已结束）。",
            p.as_of().format("%Y-%m-%d"),
            p.currency(),
            p.accounts().len(),
            p.opportunities().len()
        ),
    };
    writeln!(out, "<p>{}</p>", escape(&summary))?;
    writeln!(
        out,
        r#"<p class="note">{}</p>"#,
        escape(&page.figures.weights_note(p, language))
    )?;
    write!(out, "<nav>")?;
    for section in sections {
        write!(
            out,
            r##"<a href="#{}">{}</a>"##,
            section.id,
            escape(&section.title)
        )?;
    }
    writeln!(out, "</nav>")?;
    for section in sections {
        writeln!(
            out,
            r#"<section id="{}"><h2>{}</h2>"#,
            section.id,
            escape(&section.title)
        )?;
        out.push_str(&section.body);
        writeln!(out, "</section>")?;
    }
    writeln!(out, "</body></html>")
}

/// A table: a header row, then rows of cells; cells that read as numbers
/// are right-aligned. Cells are text, escaped here.
fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::from("<table><thead><tr>");
    for header in headers {
        let _ = write!(out, "<th>{}</th>", escape(header));
    }
    out.push_str("</tr></thead><tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let numeric = cell
                .trim_end_matches('%')
                .replace(',', "")
                .parse::<f64>()
                .is_ok()
                || cell == "-";
            let class = if numeric { r#" class="n""# } else { "" };
            let _ = write!(out, "<td{class}>{}</td>", escape(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    out
}

fn note(text: &str) -> String {
    format!("<p class=\"note\">{}</p>\n", escape(text))
}

/// A horizontal bar chart: one row per `(label, value, shown)`, bars as
/// long as `value` relative to the largest.
fn bar_chart(title: &str, bars: &[(String, f64, String)], colour: &str) -> String {
    let row = 22.0;
    let label_width = 190.0;
    let bar_width = 560.0;
    let width = label_width + bar_width + 150.0;
    let height = 40.0 + row * bars.len().max(1) as f64;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" role="img">"#
    );
    let _ = writeln!(
        out,
        r#"<text x="0" y="20" font-size="14" font-weight="bold">{}</text>"#,
        escape(title)
    );
    let largest = bars
        .iter()
        .map(|(_, v, _)| *v)
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    for (i, (label, value, shown)) in bars.iter().enumerate() {
        let y = 32.0 + i as f64 * row;
        let _ = writeln!(
            out,
            r#"<text x="0" y="{:.1}">{}</text>"#,
            y + 13.0,
            escape(label)
        );
        let length = if largest > 0.0 && value.is_finite() {
            (value / largest * bar_width).max(0.0)
        } else {
            0.0
        };
        if length > 0.0 {
            let _ = writeln!(
                out,
                r#"<rect x="{label_width}" y="{y:.1}" width="{length:.1}" height="{:.1}" fill="{colour}"/>"#,
                row - 6.0
            );
        }
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}">{}</text>"#,
            label_width + length + 6.0,
            y + 13.0,
            escape(shown)
        );
    }
    out.push_str("</svg>\n");
    out
}

fn percent(value: f64) -> String {
    format!("{:.0}%", value * 100.0)
}

fn days(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |d| format!("{d:.0}"))
}

fn amounts_cells(p: &Portfolio, label: String, a: &Amounts) -> Vec<String> {
    vec![
        label,
        a.count.to_string(),
        money(p, a.amount_minor as f64),
        money(p, a.weighted_minor),
    ]
}

fn amounts_headers(language: Language, first: &'static str) -> [&'static str; 4] {
    [
        first,
        tr(language, "deals", "商机数"),
        tr(language, "amount", "金额"),
        tr(language, "weighted", "加权金额"),
    ]
}

fn quadrant_section(page: &Page<'_>) -> Section {
    let (p, language) = (page.portfolio, page.language);
    let as_of = p.as_of();
    let from = movements_since(as_of, page.options.movement_days);
    let q = quadrant(p, from, as_of);
    let mut body = String::from("<div class=\"charts\">");
    let _ = write!(
        body,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_WIDTH}" height="{CHART_HEIGHT}" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" font-family="sans-serif" font-size="12" role="img">"#
    );
    let _ = quadrant_chart(&mut body, p, &q.movements, language);
    body.push_str("</svg><div>");
    let rows: Vec<Vec<String>> = q
        .counts
        .iter()
        .map(|(t, n)| vec![t.label(language).to_owned(), n.to_string()])
        .collect();
    body.push_str(&table(
        &[
            tr(language, "customer type", "客户类型"),
            tr(language, "accounts", "客户数"),
        ],
        &rows,
    ));
    let period = format!(
        "{} .. {}",
        from.format("%Y-%m-%d"),
        as_of.format("%Y-%m-%d")
    );
    body.push_str(&note(&match language {
        Language::English => format!("Movements between types, {period} (arrows on the chart):"),
        Language::Chinese => format!("类型变化，{period}（图中箭头）："),
    }));
    let rows: Vec<Vec<String>> = q
        .movements
        .iter()
        .map(|m| {
            vec![
                m.from.label(language).to_owned(),
                m.to.label(language).to_owned(),
                m.count.to_string(),
            ]
        })
        .collect();
    body.push_str(&table(
        &[
            tr(language, "from", "从"),
            tr(language, "to", "到"),
            tr(language, "accounts", "客户数"),
        ],
        &rows,
    ));
    let actions = actions_in_progress(p);
    let rows: Vec<Vec<String>> = actions
        .by_action
        .iter()
        .map(|(a, n)| vec![a.label(language).to_owned(), n.to_string()])
        .collect();
    body.push_str(&note(&match language {
        Language::English => format!(
            "Differentiation actions in progress: {} on {} accounts.",
            actions.total, actions.accounts
        ),
        Language::Chinese => format!(
            "进行中的差异化行动：{} 项，涉及 {} 个客户。",
            actions.total, actions.accounts
        ),
    }));
    body.push_str(&table(
        &[
            tr(language, "action", "行动"),
            tr(language, "in progress", "进行中"),
        ],
        &rows,
    ));
    body.push_str("</div></div>\n");
    Section {
        id: "quadrant",
        title: tr(language, "Customer quadrant", "客户四象限").into(),
        body,
    }
}

fn pipeline_section(page: &Page<'_>) -> Section {
    let (p, language) = (page.portfolio, page.language);
    let figures = &page.figures;
    let mut body = String::new();
    let _ = write!(
        body,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_WIDTH}" height="{CHART_HEIGHT}" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" font-family="sans-serif" font-size="12" role="img">"#
    );
    let _ = funnel_chart(&mut body, p, language);
    body.push_str("</svg>\n");
    body.push_str(&note(&figures.weights_note(p, language)));
    let mut rows: Vec<Vec<String>> = figures
        .current
        .by_stage
        .iter()
        .zip(figures.calibrated.by_stage.iter())
        .map(|((stage, now), (_, fitted))| {
            let mut row = amounts_cells(p, stage.label(language).to_owned(), now);
            row.push(money(p, fitted.weighted_minor));
            row
        })
        .collect();
    let mut total = amounts_cells(
        p,
        tr(language, "total", "合计").to_owned(),
        &figures.current.total,
    );
    total.push(money(p, figures.calibrated.total.weighted_minor));
    rows.push(total);
    body.push_str(&format!("<h3>{}</h3>", tr(language, "By stage", "按阶段")));
    body.push_str(&table(
        &[
            tr(language, "stage", "阶段"),
            tr(language, "deals", "商机数"),
            tr(language, "amount", "金额"),
            tr(language, "weighted, current", "加权（现行）"),
            tr(language, "weighted, calibrated", "加权（校准）"),
        ],
        &rows,
    ));
    let unknown = figures.current.total.unknown_amount;
    if unknown > 0 {
        // Counted in the deals, never summed in the amounts.
        body.push_str(&note(&match language {
            Language::English => format!(
                "{unknown} open deals of unknown amount: counted in the deals, not in the amounts."
            ),
            Language::Chinese => {
                format!("{unknown} 个进行中商机金额未知：计入商机数，不计入金额。")
            }
        }));
    }
    let pipe = figures.pipeline();
    body.push_str(&format!("<h3>{}</h3>", tr(language, "By grade", "按等级")));
    if figures.definition(p).grade_factors.is_none() {
        body.push_str(&note(tr(
            language,
            "No grade factors in the definition: a deal's grade does not change its win probability.",
            "定义中没有等级系数：商机的等级不影响其赢单概率。",
        )));
    }
    let rows: Vec<Vec<String>> = pipe
        .by_grade
        .iter()
        .map(|(g, a)| {
            let label = g.map_or(tr(language, "not graded", "未分级"), |g| {
                g.label(language)
            });
            amounts_cells(p, label.to_owned(), a)
        })
        .collect();
    body.push_str(&table(
        &amounts_headers(language, tr(language, "grade", "等级")),
        &rows,
    ));
    body.push_str(&format!(
        "<h3>{}</h3>",
        tr(language, "By customer type", "按客户类型")
    ));
    let rows: Vec<Vec<String>> = pipe
        .by_customer_type
        .iter()
        .map(|(t, a)| amounts_cells(p, t.label(language).to_owned(), a))
        .collect();
    body.push_str(&table(
        &amounts_headers(language, tr(language, "customer type", "客户类型")),
        &rows,
    ));
    Section {
        id: "pipeline",
        title: tr(language, "Pipeline", "销售管道").into(),
        body,
    }
}

fn forecast_section(page: &Page<'_>) -> Section {
    let (p, language) = (page.portfolio, page.language);
    let pipe = page.figures.pipeline();
    let this_month = YearMonth::of(p.as_of().date_naive());
    let overdue = tr(language, " (overdue)", "（已逾期）");
    let label = |m: &YearMonth| {
        if *m < this_month {
            format!("{m}{overdue}")
        } else {
            m.to_string()
        }
    };
    let mut body = lifecycle::forecast_by_category(page);
    body.push_str(&format!(
        "<h3>{}</h3>",
        tr(
            language,
            "Open deals by expected close month, weighted",
            "按预计成交月份的进行中商机（加权）"
        )
    ));
    let rows: Vec<Vec<String>> = pipe
        .by_close_month
        .iter()
        .map(|(m, a)| amounts_cells(p, label(m), a))
        .collect();
    body.push_str(&table(
        &amounts_headers(language, tr(language, "month", "月份")),
        &rows,
    ));
    let undated = &pipe.no_close_date;
    if undated.count > 0 {
        let amount = money(p, undated.amount_minor as f64);
        let unknown = undated.unknown_amount;
        body.push_str(&note(&match language {
            Language::English => format!(
                "Not in the forecast: {} open deals with no expected close date, {amount} {} ({unknown} of them of unknown amount).",
                undated.count,
                p.currency()
            ),
            Language::Chinese => format!(
                "未计入预测：{} 个进行中商机没有预计成交日期，金额 {amount} {}（其中 {unknown} 个金额未知）。",
                undated.count,
                p.currency()
            ),
        }));
    }
    Section {
        id: "forecast",
        title: tr(
            language,
            "Forecast by month and forecast category",
            "按月份与预测类别的预测",
        )
        .into(),
        body,
    }
}

fn closed_section(page: &Page<'_>) -> Section {
    let (p, language) = (page.portfolio, page.language);
    let rows: Vec<Vec<String>> = page
        .figures
        .current
        .closed
        .iter()
        .map(|(o, a)| {
            vec![
                o.label(language).to_owned(),
                a.count.to_string(),
                money(p, a.amount_minor as f64),
            ]
        })
        .chain([vec![
            tr(language, "in nurture (not closed)", "培育中（未结束）").to_owned(),
            page.figures.current.nurture.count.to_string(),
            money(p, page.figures.current.nurture.amount_minor as f64),
        ]])
        .collect();
    Section {
        id: "closed",
        title: tr(language, "Closed deals", "已结束商机").into(),
        body: table(
            &[
                tr(language, "outcome", "结果"),
                tr(language, "deals", "商机数"),
                tr(language, "amount", "金额"),
            ],
            &rows,
        ),
    }
}

fn conversion_section(page: &Page<'_>) -> Section {
    let (p, language) = (page.portfolio, page.language);
    let flows = stage_flows(p);
    let durations = stage_durations(p);
    let bars: Vec<(String, f64, String)> = flows
        .iter()
        .map(|(stage, flow)| {
            let conversion = flow.conversion();
            (
                stage.label(language).to_owned(),
                conversion.unwrap_or(0.0),
                conversion.map_or_else(|| "-".to_owned(), percent),
            )
        })
        .collect();
    let mut body = bar_chart(
        tr(
            language,
            "Conversion by stage: (advanced + won) / deals decided in the stage",
            "各阶段转化率：（推进数 + 赢单数）/ 在该阶段有结果的商机数",
        ),
        &bars,
        "#2e8b57",
    );
    body.push_str(&note(tr(
        language,
        "Days to leave: mean days the deals that left the stage spent in it. Days so far: mean days the open deals in it have spent there until the as-of date.",
        "离开用时：已离开该阶段的商机在其中的平均天数。已用天数：仍在该阶段的商机截至报告日期的平均天数。",
    )));
    let rows: Vec<Vec<String>> = flows
        .iter()
        .map(|(stage, flow)| {
            let d = durations.get(stage);
            vec![
                stage.label(language).to_owned(),
                flow.entered.to_string(),
                flow.advanced.to_string(),
                flow.forced.to_string(),
                flow.won.to_string(),
                flow.lost.to_string(),
                flow.withdrawn.to_string(),
                flow.open.to_string(),
                flow.conversion().map_or_else(|| "-".to_owned(), percent),
                days(d.mean_days),
                days(d.ongoing_mean_days),
            ]
        })
        .collect();
    body.push_str(&table(
        &[
            tr(language, "stage", "阶段"),
            tr(language, "entered", "进入"),
            tr(language, "advanced", "推进"),
            tr(language, "forced", "强行推进"),
            tr(language, "won", "赢单"),
            tr(language, "lost", "丢单"),
            tr(language, "withdrawn", "退出"),
            tr(language, "open", "进行中"),
            tr(language, "conversion", "转化率"),
            tr(language, "days to leave", "离开用时（天）"),
            tr(language, "days so far", "已用天数"),
        ],
        &rows,
    ));
    Section {
        id: "conversion",
        title: tr(
            language,
            "Conversion and time in stage",
            "阶段转化与停留时间",
        )
        .into(),
        body,
    }
}

fn stalled_section(page: &Page<'_>) -> Section {
    let (p, language) = (page.portfolio, page.language);
    let stalled = stalled(p);
    let mut body = note(&match language {
        Language::English => format!(
            "{} open deals with no event for longer than their stage allows.",
            stalled.len()
        ),
        Language::Chinese => format!(
            "{} 个进行中的商机超过其阶段允许的时间没有任何事件。",
            stalled.len()
        ),
    });
    let rows: Vec<Vec<String>> = stalled
        .iter()
        .map(|deal| {
            let account = p
                .opportunities()
                .get(deal.index)
                .and_then(|r| r.account_id())
                .unwrap_or("-")
                .to_owned();
            vec![
                deal.id.to_string(),
                account,
                deal.stage.label(language).to_owned(),
                deal.last_event_at.format("%Y-%m-%d").to_string(),
                deal.days_silent.to_string(),
                deal.limit_days.to_string(),
            ]
        })
        .collect();
    body.push_str(&table(
        &[
            tr(language, "deal", "商机"),
            tr(language, "account", "客户"),
            tr(language, "stage", "阶段"),
            tr(language, "last event", "最后事件"),
            tr(language, "days silent", "沉默天数"),
            tr(language, "limit (days)", "上限（天）"),
        ],
        &rows,
    ));
    Section {
        id: "stalled",
        title: tr(language, "Stalled deals", "停滞商机").into(),
        body,
    }
}

fn top_deals_section(page: &Page<'_>) -> Section {
    let (p, language) = (page.portfolio, page.language);
    let definition = page.figures.definition(p);
    let mut body = String::new();
    for (rank, &i) in top_deals_with(p, definition, page.options.top_deals)
        .iter()
        .enumerate()
    {
        let Some(record) = p.opportunities().get(i) else {
            continue;
        };
        let state = record.process.state();
        let account = match record.account_id() {
            Some(id) => {
                let name = p.account(id).map_or(id, |a| a.customer.name());
                format!("{} ({})", escape(name), escape(id))
            }
            None => tr(language, "no account", "无客户").to_owned(),
        };
        let amount = record.amount_minor.map_or_else(
            || tr(language, "amount unknown", "金额未知").to_owned(),
            |a| format!("{} {}", money(p, a as f64), escape(p.currency())),
        );
        let close = record.expected_close.map_or_else(
            || tr(language, "unknown", "未知").to_owned(),
            |d| d.to_string(),
        );
        let _ = write!(
            body,
            "<h3>{}. {} &ldquo;{}&rdquo; &mdash; {account}, {amount}, {} {close}</h3>",
            rank + 1,
            escape(&record.id),
            escape(&record.name),
            tr(language, "closes", "预计成交"),
        );
        let _ = write!(
            body,
            "<p>{} {}, {} {}</p>",
            tr(language, "Stage", "阶段"),
            escape(state.stage().label(language)),
            tr(language, "grade", "等级"),
            escape(state.grade().map_or("-", |g| g.label(language)))
        );
        if let Some(crm) = record.crm_probability {
            let _ = write!(
                body,
                "<p>{}: {}</p>",
                tr(language, "The CRM's own probability", "CRM 自身的概率"),
                percent(crm)
            );
        }
        let explanation = win_probability(state, definition).explain(language);
        body.push_str("<ul>");
        for line in explanation.lines() {
            let _ = write!(
                body,
                "<li>{}</li>",
                escape(line.trim_start_matches([' ', '-']))
            );
        }
        if state.grade().is_some() && definition.grade_factors.is_none() {
            let _ = write!(
                body,
                "<li>{}</li>",
                tr(
                    language,
                    "no grade factor applied: the definition sets none",
                    "未应用等级系数：定义中没有设置"
                )
            );
        }
        body.push_str("</ul>");
        let diagnosis = diagnose(state, definition);
        let _ = write!(
            body,
            "<p>{}: {}</p>",
            tr(language, "Diagnosis", "诊断"),
            escape(diagnosis.verdict.label(language))
        );
        if !diagnosis.missing_to_advance.is_empty() {
            let missing: Vec<&str> = diagnosis
                .missing_to_advance
                .iter()
                .map(|n| n.label(language))
                .collect();
            let _ = write!(
                body,
                "<p>{}: {}</p>",
                tr(language, "To move on", "推进所需"),
                escape(&missing.join(", "))
            );
        }
        if !diagnosis.reported_by_crm.is_empty() {
            let nodes: Vec<&str> = diagnosis
                .reported_by_crm
                .iter()
                .map(|n| n.label(language))
                .collect();
            let _ = write!(
                body,
                "<p>{}: {}</p>",
                tr(
                    language,
                    "Stage taken from the CRM; these nodes are not verified",
                    "阶段取自 CRM，以下节点未经核实"
                ),
                escape(&nodes.join(", "))
            );
        }
        // The grade's policy comes before any next action.
        if let Some(policy) = &diagnosis.policy {
            let _ = write!(
                body,
                "<p>{}: {}</p>",
                tr(language, "Policy", "等级策略"),
                escape(&policy.describe(language))
            );
        }
        body.push_str("<ul>");
        for action in diagnosis
            .next_actions
            .iter()
            .take(page.options.next_actions)
        {
            let _ = write!(
                body,
                "<li>{}: {} ({})</li>",
                tr(language, "next", "下一步"),
                escape(action.item.label(language)),
                escape(action.stage.label(language))
            );
        }
        body.push_str("</ul>\n");
    }
    if body.is_empty() {
        body = note(tr(language, "No open deals.", "没有进行中的商机。"));
    }
    Section {
        id: "top-deals",
        title: tr(
            language,
            "Top deals: diagnosis and next actions",
            "重点商机：诊断与下一步行动",
        )
        .into(),
        body,
    }
}

fn calibration_section(page: &Page<'_>) -> Section {
    let language = page.language;
    let c = &page.figures.calibration;
    let mut body = note(&match language {
        Language::English => format!(
            "From {} closed deals ({} won; {} withdrawn left out); the current definition counts as {} deals. \
             Observed = won / reached; fitted = observed and current blended, never falling from stage to stage.",
            c.closed, c.won, c.withdrawn_excluded, c.prior_strength
        ),
        Language::Chinese => format!(
            "基于 {} 个已结束商机（{} 个赢单；{} 个退出未计入）；现行定义按 {} 个商机计入。观察值 = 赢单数 / 到达数；拟合值 = 观察值与现行值的加权结合，逐阶段不下降。",
            c.closed, c.won, c.withdrawn_excluded, c.prior_strength
        ),
    });
    let rows: Vec<Vec<String>> = c
        .stages
        .iter()
        .map(|s| {
            vec![
                s.stage.label(language).to_owned(),
                s.reached.to_string(),
                s.won.to_string(),
                s.observed.map_or_else(|| "-".to_owned(), percent),
                percent(s.prior),
                percent(s.fitted),
            ]
        })
        .collect();
    body.push_str(&table(
        &[
            tr(language, "stage", "阶段"),
            tr(language, "reached", "到达"),
            tr(language, "won", "赢单"),
            tr(language, "observed", "观察值"),
            tr(language, "current", "现行值"),
            tr(language, "fitted", "拟合值"),
        ],
        &rows,
    ));
    if !c.grades.is_empty() {
        body.push_str(&note(tr(
            language,
            "Win factor: a grade's smoothed win rate over the overall win rate (above 1: it wins more often than the average deal); a grade with no closed deal keeps its current factor. Calibrated weights multiply the win probability by it.",
            "赢单系数：该等级的平滑赢单率除以总体赢单率（大于 1 表示赢单多于平均）；没有已结束商机的等级保留现行系数。校准权重以它乘以赢单概率。",
        )));
        let bucket_row = |name: String, b: &crate::portfolio::BucketCalibration| {
            vec![
                name,
                b.closed.to_string(),
                b.won.to_string(),
                b.observed.map_or_else(|| "-".to_owned(), percent),
                percent(b.smoothed),
                format!("{:.2}", b.factor),
            ]
        };
        let mut rows: Vec<Vec<String>> = c
            .grades
            .iter()
            .map(|g| {
                vec![
                    g.grade.label(language).to_owned(),
                    g.closed.to_string(),
                    g.won.to_string(),
                    g.observed.map_or_else(|| "-".to_owned(), percent),
                    percent(g.smoothed),
                    format!("{:.2}", g.factor),
                ]
            })
            .collect();
        if let Some(failed) = &c.failed {
            rows.push(bucket_row(
                tr(language, "evaluation failed", "评估未通过").to_owned(),
                failed,
            ));
        }
        if let Some(ungraded) = &c.ungraded {
            rows.push(bucket_row(
                tr(language, "not graded", "未分级").to_owned(),
                ungraded,
            ));
        }
        body.push_str(&table(
            &[
                tr(language, "grade", "等级"),
                tr(language, "closed", "已结束"),
                tr(language, "won", "赢单"),
                tr(language, "observed", "观察值"),
                tr(language, "smoothed", "平滑值"),
                tr(language, "win factor", "赢单系数"),
            ],
            &rows,
        ));
    }
    Section {
        id: "calibration",
        title: tr(
            language,
            "Calibration from closed deals",
            "基于已结束商机的校准",
        )
        .into(),
        body,
    }
}

fn learned_section(page: &Page<'_>) -> Section {
    let model = super::learned::learn_from(page.portfolio);
    let (title, body) = super::learned::html_parts(&model, page.language, note, table);
    Section {
        id: "learned",
        title,
        body,
    }
}

fn plans_section(page: &Page<'_>) -> Section {
    let (p, language) = (page.portfolio, page.language);
    let mut rows = Vec::new();
    for (account, plan) in p.accounts().iter().zip(account_plans(p)) {
        let customer = &account.customer;
        let scores = customer.scores().map_or_else(
            || "-".to_owned(),
            |s| format!("{:.0} / {:.0}", s.assistance(), s.loyalty()),
        );
        let plan_text = match &plan {
            Plan::Invest {
                recommendations, ..
            } if recommendations.is_empty() => tr(
                language,
                "every recommended action is already in progress",
                "所有推荐行动均已在进行中",
            )
            .to_owned(),
            Plan::Invest {
                recommendations, ..
            } => recommendations
                .iter()
                .map(|r| {
                    format!(
                        "{} (+{:.0} {})",
                        r.action.label(language),
                        r.expected_effect,
                        r.axis.label(language)
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
            Plan::NotWorthInvestingNow { assessment } => {
                let reasons: Vec<&str> = assessment
                    .wait_reasons
                    .iter()
                    .map(|w| w.label(language))
                    .collect();
                let met = assessment.met.len();
                let of = met + assessment.missing.len();
                let mut text = match language {
                    Language::English => {
                        format!("not worth investing now: {met} of {of} readiness criteria met")
                    }
                    Language::Chinese => format!("暂不值得投入：满足 {met}/{of} 项准备条件"),
                };
                if !reasons.is_empty() {
                    text.push_str(tr(language, "; waits: ", "；等待原因："));
                    text.push_str(&reasons.join(", "));
                }
                text
            }
        };
        rows.push(vec![
            customer.id().to_owned(),
            customer.name().to_owned(),
            customer.customer_type().label(language).to_owned(),
            scores,
            account.actions.in_progress().len().to_string(),
            plan_text,
        ]);
    }
    Section {
        id: "plans",
        title: tr(
            language,
            "Differentiation plan per account",
            "各客户的差异化计划",
        )
        .into(),
        body: table(
            &[
                tr(language, "account", "客户"),
                tr(language, "name", "名称"),
                tr(language, "type", "类型"),
                tr(language, "assistance / loyalty", "协助 / 忠诚"),
                tr(language, "in progress", "进行中"),
                tr(language, "recommended actions", "推荐行动"),
            ],
            &rows,
        ),
    }
}

/// The technical-sale cycles: by variant and stage, then what is open in
/// them and what they taught.
fn cycles_section(page: &Page<'_>) -> Section {
    let (p, language) = (page.portfolio, page.language);
    let limit = page.options.list_limit;
    let a = super::cycles::cycle_analytics(p);
    let running = p.cycles().iter().filter(|c| !c.sale.is_closed()).count();
    let mut body = note(&match language {
        Language::English => format!("{} cycles, {running} running.", p.cycles().len()),
        Language::Chinese => format!(
            "共 {} 个技术销售周期，{running} 个进行中。",
            p.cycles().len()
        ),
    });
    let heading = |body: &mut String, en: &'static str, zh: &'static str| {
        let _ = writeln!(body, "<h3>{}</h3>", escape(tr(language, en, zh)));
    };
    let rows: Vec<Vec<String>> = a
        .by_stage
        .iter()
        .map(|r| {
            vec![
                r.variant.label(language).to_owned(),
                r.stage.label(language).to_owned(),
                r.open.to_string(),
                r.ended.to_string(),
            ]
        })
        .collect();
    body.push_str(&table(
        &[
            tr(language, "variant", "周期变体"),
            tr(language, "stage", "阶段"),
            tr(language, "running", "进行中"),
            tr(language, "ended", "已结束"),
        ],
        &rows,
    ));
    let ids = |cycle: &str, account: &str| vec![cycle.to_owned(), account.to_owned()];
    let id_headers = |more: &[&'static str]| {
        let mut h = vec![
            tr(language, "cycle", "周期"),
            tr(language, "account", "客户"),
        ];
        h.extend_from_slice(more);
        h
    };
    heading(
        &mut body,
        "Iterations completed per account",
        "各客户完成的轮次",
    );
    let rows: Vec<Vec<String>> = a
        .iterations
        .iter()
        .take(limit)
        .map(|r| {
            vec![
                r.account.clone(),
                r.cycles.to_string(),
                r.completed_iterations.to_string(),
            ]
        })
        .collect();
    body.push_str(&table(
        &[
            tr(language, "account", "客户"),
            tr(language, "cycles", "周期数"),
            tr(language, "iterations completed", "完成轮次"),
        ],
        &rows,
    ));
    heading(&mut body, "Open objections", "未解决的异议");
    let rows: Vec<Vec<String>> = a
        .open_objections
        .iter()
        .take(limit)
        .map(|o| {
            [
                ids(&o.cycle, &o.account),
                vec![o.id.clone(), o.text.clone()],
            ]
            .concat()
        })
        .collect();
    body.push_str(&table(
        &id_headers(&[
            tr(language, "objection", "异议"),
            tr(language, "text", "内容"),
        ]),
        &rows,
    ));
    heading(
        &mut body,
        "Technical evaluations in progress",
        "进行中的技术评估",
    );
    let rows: Vec<Vec<String>> = a
        .technical_evaluations
        .iter()
        .take(limit)
        .map(|t| {
            let runs: Vec<String> = t
                .runs
                .iter()
                .map(|r| format!("{} {}", r.phase.label(language), r.result.label(language)))
                .collect();
            [ids(&t.cycle, &t.account), vec![runs.join(" → ")]].concat()
        })
        .collect();
    body.push_str(&table(
        &id_headers(&[tr(language, "trial runs", "试验")]),
        &rows,
    ));
    heading(&mut body, "Implementations in progress", "进行中的实施");
    let rows: Vec<Vec<String>> = a
        .implementations
        .iter()
        .take(limit)
        .map(|i| {
            let done: Vec<&str> = i.done.iter().map(|s| s.label(language)).collect();
            [
                ids(&i.cycle, &i.account),
                vec![done.join(", "), i.adjustments.join("; ")],
            ]
            .concat()
        })
        .collect();
    body.push_str(&table(
        &id_headers(&[
            tr(language, "done", "已完成"),
            tr(language, "adjustments", "调整"),
        ]),
        &rows,
    ));
    heading(&mut body, "Evolution follow-ups due", "待完成的演进跟进");
    let rows: Vec<Vec<String>> = a
        .follow_ups_due
        .iter()
        .take(limit)
        .map(|f| {
            let due: Vec<&str> = f.missing.iter().map(|s| s.label(language)).collect();
            let since = f
                .since
                .map_or_else(|| "-".to_owned(), |t| t.format("%Y-%m-%d").to_string());
            [ids(&f.cycle, &f.account), vec![since, due.join(", ")]].concat()
        })
        .collect();
    body.push_str(&table(
        &id_headers(&[
            tr(language, "in evolution since", "进入演进"),
            tr(language, "due", "待完成"),
        ]),
        &rows,
    ));
    heading(
        &mut body,
        "Lessons of completed iterations",
        "已完成轮次的经验",
    );
    let rows: Vec<Vec<String>> = a
        .lessons
        .iter()
        .take(limit)
        .map(|l| {
            [
                ids(&l.cycle, &l.account),
                vec![l.iteration.to_string(), l.text.clone()],
            ]
            .concat()
        })
        .collect();
    body.push_str(&table(
        &id_headers(&[
            tr(language, "iteration", "轮次"),
            tr(language, "lesson", "经验"),
        ]),
        &rows,
    ));
    heading(
        &mut body,
        "Variants offered after a change of customer type",
        "客户类型变化后提供的周期变体",
    );
    let rows: Vec<Vec<String>> = a
        .offers
        .iter()
        .take(limit)
        .map(|o| {
            [
                ids(&o.cycle, &o.account),
                vec![
                    o.running.label(language).to_owned(),
                    o.offered.label(language).to_owned(),
                    o.for_iteration.to_string(),
                ],
            ]
            .concat()
        })
        .collect();
    body.push_str(&table(
        &id_headers(&[
            tr(language, "runs as", "当前变体"),
            tr(language, "offered", "提供的变体"),
            tr(language, "for iteration", "适用轮次"),
        ]),
        &rows,
    ));
    Section {
        id: "cycles",
        title: tr(language, "Technical-sale cycles", "技术销售周期").into(),
        body,
    }
}
