//! The HTML report's lifecycle sections: the forecast by month stacked by
//! forecast category, bookings and delivery, win/loss, slipped close dates,
//! amount changes and the probability trend of the top deals. Each is made
//! from the same analytics as the text report's
//! ([`lifecycle`](crate::portfolio::lifecycle)).

use std::fmt::Write;

use super::{amounts_cells, amounts_headers, note, percent, table, Page, Section};
use crate::key_account::ForecastCategory;
use crate::labels::{Labelled, Language};
use crate::portfolio::analytics::{top_deals_with, Amounts};
use crate::portfolio::document::Portfolio;
use crate::portfolio::lifecycle::{
    amount_changes, bookings, forecast, probability_trend, slipped_deals, win_loss, WinLossCount,
};
use crate::portfolio::report::{amount_changes_since, money};
use crate::portfolio::svg::{escape, tr};

/// One colour per forecast category, in category order: the surer the
/// deal, the darker its blue; closed green, omitted grey.
fn category_colour(category: ForecastCategory) -> &'static str {
    match category {
        ForecastCategory::Pipeline => "#b7d3ea",
        ForecastCategory::BestCase => "#6fa8d6",
        ForecastCategory::Commit => "#1f5f99",
        ForecastCategory::Closed => "#2e8b57",
        ForecastCategory::Omitted => "#bdbdbd",
    }
}

/// Columns per month, each stacked from the amounts of the categories in
/// category order, with a legend; `months` holds each month's label and
/// its amounts (minor units) per category.
fn stacked_chart(
    title: &str,
    months: &[(String, Vec<f64>)],
    p: &Portfolio,
    language: Language,
) -> String {
    let (left, top, plot_height, bottom) = (90.0, 64.0, 240.0, 70.0);
    let column = 44.0;
    let width = (left + column * months.len().max(1) as f64 + 20.0).max(640.0);
    let height = top + plot_height + bottom;
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
    // The legend, one swatch per category.
    let mut x = 0.0;
    for category in ForecastCategory::ALL {
        let _ = writeln!(
            out,
            r#"<rect x="{x:.1}" y="32" width="12" height="12" fill="{}"/><text x="{:.1}" y="42">{}</text>"#,
            category_colour(*category),
            x + 16.0,
            escape(category.label(language))
        );
        x += 22.0 + 8.0 * category.label(language).chars().count() as f64 + 12.0;
    }
    let largest = months
        .iter()
        .map(|(_, amounts)| amounts.iter().filter(|v| v.is_finite()).sum::<f64>())
        .fold(0.0f64, f64::max);
    let base = top + plot_height;
    // The axis with its top value and zero.
    let _ = writeln!(
        out,
        "<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{base}\" stroke=\"#999\"/>\
         <line x1=\"{left}\" y1=\"{base}\" x2=\"{:.1}\" y2=\"{base}\" stroke=\"#999\"/>",
        width - 10.0
    );
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text><text x="{:.1}" y="{base:.1}" text-anchor="end">0</text>"#,
        left - 6.0,
        top + 4.0,
        escape(&money(p, largest)),
        left - 6.0,
    );
    for (i, (label, amounts)) in months.iter().enumerate() {
        let x = left + 8.0 + i as f64 * column;
        let mut y = base;
        for (category, value) in ForecastCategory::ALL.iter().zip(amounts) {
            if largest <= 0.0 || !value.is_finite() || *value <= 0.0 {
                continue;
            }
            let h = value / largest * plot_height;
            y -= h;
            let _ = writeln!(
                out,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{h:.1}" fill="{}"><title>{}: {}</title></rect>"#,
                column - 12.0,
                category_colour(*category),
                escape(&format!("{label} {}", category.label(language))),
                escape(&money(p, *value))
            );
        }
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="10" transform="rotate(-45 {:.1} {:.1})" text-anchor="end">{}</text>"#,
            x + column / 2.0,
            base + 14.0,
            x + column / 2.0,
            base + 14.0,
            escape(label)
        );
    }
    out.push_str("</svg>\n");
    out
}

/// The forecast by month per forecast category: the stacked chart, the
/// totals per category and the amounts per month and category.
pub(super) fn forecast_by_category(page: &Page<'_>) -> String {
    let (p, language) = (page.portfolio, page.language);
    let figures = forecast(p);
    let months: Vec<(String, Vec<f64>)> = figures
        .by_month
        .iter()
        .map(|(m, row)| {
            (
                m.to_string(),
                row.iter().map(|a| a.amount_minor as f64).collect(),
            )
        })
        .collect();
    let title = match language {
        Language::English => format!("Amount by month and forecast category ({})", p.currency()),
        Language::Chinese => format!("按月份与预测类别的金额（{}）", p.currency()),
    };
    let mut body = stacked_chart(&title, &months, p, language);
    body.push_str(&note(tr(
        language,
        "Open and nurtured deals by expected close month, booked deals by booking month; lost and withdrawn deals are left out.",
        "进行中和培育中的商机按预计成交月份，已签约商机按签约月份；丢单和退出的商机不计入。",
    )));
    let rows: Vec<Vec<String>> = figures
        .by_category
        .iter()
        .map(|(c, a)| amounts_cells(p, c.label(language).to_owned(), a))
        .collect();
    body.push_str(&table(
        &amounts_headers(language, tr(language, "category", "预测类别")),
        &rows,
    ));
    let mut headers = vec![tr(language, "month", "月份")];
    headers.extend(ForecastCategory::ALL.iter().map(|c| c.label(language)));
    let cells = |row: &[Amounts]| -> Vec<String> {
        row.iter()
            .map(|a| money(p, a.amount_minor as f64))
            .collect()
    };
    let mut rows: Vec<Vec<String>> = figures
        .by_month
        .iter()
        .map(|(m, row)| [vec![m.to_string()], cells(row)].concat())
        .collect();
    if figures.no_close_date.iter().any(|a| a.count > 0) {
        rows.push(
            [
                vec![tr(language, "no close date", "无预计成交日期").to_owned()],
                cells(&figures.no_close_date),
            ]
            .concat(),
        );
    }
    body.push_str(&table(&headers, &rows));
    body
}

/// Bookings (the wins) and their delivery.
pub(super) fn bookings_section(page: &Page<'_>) -> Section {
    let (p, language) = (page.portfolio, page.language);
    let b = bookings(p);
    let rate = b
        .win_rate
        .map_or_else(|| tr(language, "unknown", "未知").to_owned(), percent);
    let mut body = note(&match language {
        Language::English => format!(
            "{} booked deals, {} {}; win rate {rate} of the ended deals (booked over booked, lost and withdrawn).",
            b.booked.count,
            money(p, b.booked.amount_minor as f64),
            p.currency()
        ),
        Language::Chinese => format!(
            "已签约 {} 个商机，{} {}；已结束商机的赢单率 {rate}（签约数 / 签约、丢单与退出数之和）。",
            b.booked.count,
            money(p, b.booked.amount_minor as f64),
            p.currency()
        ),
    });
    if b.booked.unknown_amount > 0 {
        body.push_str(&note(&match language {
            Language::English => format!(
                "{} of them of unknown amount (counted, not summed).",
                b.booked.unknown_amount
            ),
            Language::Chinese => format!(
                "其中 {} 个金额未知（计数，不计入金额）。",
                b.booked.unknown_amount
            ),
        }));
    }
    let row = |label: String, a: &Amounts| {
        vec![label, a.count.to_string(), money(p, a.amount_minor as f64)]
    };
    let headers = |first: &'static str| {
        [
            first,
            tr(language, "deals", "商机数"),
            tr(language, "booked amount", "签约金额"),
        ]
    };
    body.push_str(&format!("<h3>{}</h3>", tr(language, "Delivery", "交付")));
    let rows: Vec<Vec<String>> = b
        .delivery
        .iter()
        .map(|(s, a)| row(s.label(language).to_owned(), a))
        .collect();
    body.push_str(&table(
        &headers(tr(language, "delivery", "交付状态")),
        &rows,
    ));
    body.push_str(&format!(
        "<h3>{}</h3>",
        tr(language, "By booking month", "按签约月份")
    ));
    let rows: Vec<Vec<String>> = b
        .by_month
        .iter()
        .map(|(m, a)| row(m.to_string(), a))
        .collect();
    body.push_str(&table(&headers(tr(language, "month", "月份")), &rows));
    Section {
        id: "bookings",
        title: tr(language, "Bookings and delivery", "签约与交付").into(),
        body,
    }
}

/// Win/loss by reason, by the stage the deal ended in, by customer type
/// and by grade.
pub(super) fn win_loss_section(page: &Page<'_>) -> Section {
    let (p, language) = (page.portfolio, page.language);
    let analysis = win_loss(p);
    let reasons = &p.definitions().process.reasons;
    let mut body = String::new();
    let heading = |body: &mut String, en: &'static str, zh: &'static str| {
        let _ = write!(body, "<h3>{}</h3>", escape(tr(language, en, zh)));
    };
    heading(&mut body, "By reason", "按原因");
    let rows: Vec<Vec<String>> = analysis
        .by_reason
        .iter()
        .map(|(key, lost, withdrawn, cancelled)| {
            let label = reasons.get(key).map_or(key.as_str(), |r| match language {
                Language::English => r.en.as_str(),
                Language::Chinese => r.zh.as_str(),
            });
            vec![
                label.to_owned(),
                lost.to_string(),
                withdrawn.to_string(),
                cancelled.to_string(),
            ]
        })
        .collect();
    body.push_str(&table(
        &[
            tr(language, "reason", "原因"),
            tr(language, "lost", "丢单"),
            tr(language, "withdrawn", "退出"),
            tr(language, "delivery cancelled", "交付取消"),
        ],
        &rows,
    ));
    let counts = |label: String, c: &WinLossCount| {
        vec![
            label,
            c.won.to_string(),
            c.lost.to_string(),
            c.withdrawn.to_string(),
        ]
    };
    let headers = |first: &'static str| {
        [
            first,
            tr(language, "won (booked)", "赢单（已签约）"),
            tr(language, "lost", "丢单"),
            tr(language, "withdrawn", "退出"),
        ]
    };
    heading(
        &mut body,
        "By stage where the deal ended",
        "按商机结束时所处阶段",
    );
    let mut rows: Vec<Vec<String>> = analysis
        .by_stage
        .iter()
        .map(|(s, c)| counts(s.label(language).to_owned(), c))
        .collect();
    // Deals the CRM closed without a stage, kept apart like the text report.
    let unknown = &analysis.stage_unknown;
    if unknown.won + unknown.lost + unknown.withdrawn > 0 {
        let label = tr(
            language,
            "stage unknown (closed in the CRM without a stage)",
            "阶段未知（CRM中关闭时未注明阶段）",
        );
        rows.push(counts(label.to_owned(), unknown));
    }
    body.push_str(&table(&headers(tr(language, "stage", "阶段")), &rows));
    heading(&mut body, "By customer type", "按客户类型");
    let rows: Vec<Vec<String>> = analysis
        .by_customer_type
        .iter()
        .map(|(t, c)| counts(t.label(language).to_owned(), c))
        .collect();
    body.push_str(&table(
        &headers(tr(language, "customer type", "客户类型")),
        &rows,
    ));
    heading(&mut body, "By grade", "按等级");
    let rows: Vec<Vec<String>> = analysis
        .by_grade
        .iter()
        .map(|(g, c)| {
            let label = g.map_or(tr(language, "not graded", "未分级"), |g| {
                g.label(language)
            });
            counts(label.to_owned(), c)
        })
        .collect();
    body.push_str(&table(&headers(tr(language, "grade", "等级")), &rows));
    Section {
        id: "win-loss",
        title: tr(language, "Win/loss analysis", "赢单与丢单分析").into(),
        body,
    }
}

/// The deals whose expected close date moved.
pub(super) fn slipped_section(page: &Page<'_>) -> Section {
    let (language, limit) = (page.language, page.options.list_limit);
    let slipped = slipped_deals(page.portfolio);
    let slips: usize = slipped.iter().map(|d| d.slips).sum();
    let mut body = note(&match language {
        Language::English => format!(
            "{} deals moved their expected close date; {slips} of the changes moved a known date later.",
            slipped.len()
        ),
        Language::Chinese => format!(
            "{} 个商机调整过预计成交日期；其中 {slips} 次把已知日期推后。",
            slipped.len()
        ),
    });
    let unknown = tr(language, "unknown", "未知");
    let rows: Vec<Vec<String>> = slipped
        .iter()
        .take(limit)
        .filter_map(|d| {
            let (first, last) = (d.changes.first()?, d.changes.last()?);
            Some(vec![
                d.id.to_string(),
                first
                    .from
                    .map_or_else(|| unknown.to_owned(), |f| f.to_string()),
                last.to.to_string(),
                d.changes.len().to_string(),
                d.slips.to_string(),
                format!("{:+}", d.total_days),
            ])
        })
        .collect();
    body.push_str(&table(
        &[
            tr(language, "deal", "商机"),
            tr(language, "first date", "最初日期"),
            tr(language, "latest date", "最新日期"),
            tr(language, "changes", "调整次数"),
            tr(language, "later", "推后次数"),
            tr(language, "days moved", "推移天数"),
        ],
        &rows,
    ));
    body.push_str(&more(language, slipped.len(), limit));
    Section {
        id: "slipped",
        title: tr(language, "Slipped deals", "延期商机").into(),
        body,
    }
}

/// The amount changes of the last 365 days.
pub(super) fn amount_changes_section(page: &Page<'_>) -> Section {
    let (p, language, limit) = (page.portfolio, page.language, page.options.list_limit);
    let changes = amount_changes(p, amount_changes_since(p), p.as_of());
    let summary = super::super::report::AmountChangeSummary::of(&changes);
    let sign = if summary.net < 0 { "-" } else { "+" };
    let net = money(p, summary.net.unsigned_abs() as f64);
    let mut body = note(&match language {
        Language::English => format!(
            "{} changes in the last 365 days: {} up, {} down, {} from an unknown amount; net {sign}{net} {}.",
            changes.len(),
            summary.up,
            summary.down,
            summary.from_unknown,
            p.currency()
        ),
        Language::Chinese => format!(
            "近 365 天金额调整 {} 次：调高 {} 次，调低 {} 次，由未知金额变为已知 {} 次；净变化 {sign}{net} {}。",
            changes.len(),
            summary.up,
            summary.down,
            summary.from_unknown,
            p.currency()
        ),
    });
    let unknown = tr(language, "unknown", "未知");
    // The latest first: what changed most recently matters most.
    let rows: Vec<Vec<String>> = changes
        .iter()
        .rev()
        .take(limit)
        .map(|c| {
            vec![
                c.id.to_string(),
                c.at.format("%Y-%m-%d").to_string(),
                c.from_minor
                    .map_or_else(|| unknown.to_owned(), |f| money(p, f as f64)),
                money(p, c.to_minor as f64),
            ]
        })
        .collect();
    body.push_str(&table(
        &[
            tr(language, "deal", "商机"),
            tr(language, "recorded", "记录日期"),
            tr(language, "from", "原金额"),
            tr(language, "to", "新金额"),
        ],
        &rows,
    ));
    body.push_str(&more(language, changes.len(), limit));
    Section {
        id: "amount-changes",
        title: tr(language, "Amount changes", "金额调整").into(),
        body,
    }
}

/// The win probability of each top deal after each event of its journal,
/// shown where it changed.
pub(super) fn probability_trend_section(page: &Page<'_>) -> Section {
    let (p, language) = (page.portfolio, page.language);
    let definition = page.figures.definition(p);
    let mut body = note(tr(
        language,
        "The win probability of each top deal after each event of its journal (replayed under the current definition), shown where it changed.",
        "每个重点商机在其日志每个事件之后的赢单概率（按现行定义重放），仅列出发生变化之处。",
    ));
    let rows: Vec<Vec<String>> = top_deals_with(p, definition, page.options.top_deals)
        .into_iter()
        .filter_map(|i| p.opportunities().get(i))
        .map(|record| {
            let trend = probability_trend(record, &p.definitions().process);
            vec![
                record.id.to_string(),
                trend.len().to_string(),
                super::super::report::trend_steps(&trend).join(" → "),
            ]
        })
        .collect();
    body.push_str(&table(
        &[
            tr(language, "deal", "商机"),
            tr(language, "events", "事件数"),
            tr(language, "win probability", "赢单概率"),
        ],
        &rows,
    ));
    Section {
        id: "probability-trend",
        title: tr(
            language,
            "Probability trend of the top deals",
            "重点商机的赢单概率走势",
        )
        .into(),
        body,
    }
}

/// "and N more" under a list cut at `limit`, when any.
fn more(language: Language, total: usize, limit: usize) -> String {
    if total <= limit {
        return String::new();
    }
    note(&match language {
        Language::English => format!("and {} more", total - limit),
        Language::Chinese => format!("另有 {} 项", total - limit),
    })
}
