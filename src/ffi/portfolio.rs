//! C ABI for the portfolio: a CRM's whole book of accounts, key-account
//! deals and technical-sale cycles, loaded from its JSON document or from a
//! CRM export, changed one record or one event at a time, and analysed:
//! every analytic as JSON, the report as text or HTML and the charts as
//! SVG.
//!
//! Records and events come in as JSON, in the formats the Rust API
//! serialises (an account, an opportunity, a cycle record, a journal
//! entry). A refused change (`TECHSALES_RESULT_REFUSED_TRANSITION`,
//! `TECHSALES_RESULT_INVALID_JSON`, `TECHSALES_RESULT_NOT_FOUND`; the
//! message says why) leaves the whole portfolio as it was.
//!
//! Thread safety: a `techsales_portfolio` may move between threads but
//! must not be used from two threads at once.

use std::ffi::c_char;

use super::*;
use crate::cycle::CycleEvent;
use crate::journal::Entry;
use crate::key_account::{checklist, KeyAccountEvent, Stage};
use crate::portfolio::report::movements_since;
use crate::portfolio::{
    actions_in_progress, amount_changes, bookings, calibrate, cycle_analytics, forecast,
    import_csv, import_csv_with, pipeline, probability_trend, quadrant, render_html,
    render_report_in, render_svg, slipped_deals, stage_durations, stage_flows, stalled, top_deals,
    win_loss, Account, CsvError, CsvFiles, CsvImport, CsvMapping, CycleRecord, OpportunityRecord,
    Portfolio, PortfolioError, ReportOptions,
};

/// A whole book: accounts, deals, cycles and the definitions in use
/// (opaque).
pub struct techsales_portfolio {
    inner: Portfolio,
}

/// Maps a refused document or change to its code.
fn portfolio_error(e: PortfolioError) -> FfiError {
    let code = match &e {
        PortfolioError::UnsupportedVersion { .. } => techsales_result::UnsupportedVersion,
        PortfolioError::Definition(_) => techsales_result::ConfigError,
        PortfolioError::UnknownOpportunity { .. }
        | PortfolioError::UnknownCycle { .. }
        | PortfolioError::UnknownAccountId { .. } => techsales_result::NotFound,
        PortfolioError::EventRefused { .. }
        | PortfolioError::CycleEventRefused { .. }
        | PortfolioError::AccountRefused { .. } => techsales_result::RefusedTransition,
        _ => techsales_result::InvalidJson,
    };
    FfiError::new(code, e.to_string())
}

fn csv_error(e: CsvError) -> FfiError {
    match e {
        CsvError::Portfolio(e) => portfolio_error(e),
        CsvError::Mapping(e) => config_error(e),
        other => FfiError::invalid(other),
    }
}

fn into_portfolio(inner: Portfolio) -> *mut techsales_portfolio {
    into_handle(techsales_portfolio { inner })
}

/// Loads a portfolio from its JSON document. Every journal (key-account
/// and technical-sale) must replay to its stored state and every reference
/// must resolve, else `TECHSALES_RESULT_INVALID_JSON` says what does not
/// hold; another format version gives
/// `TECHSALES_RESULT_UNSUPPORTED_VERSION`, invalid definitions
/// `TECHSALES_RESULT_CONFIG_ERROR`.
///
/// # Safety
/// `json` NULL or NUL-terminated; `out_portfolio` NULL or writable. Free
/// the handle with [`techsales_portfolio_free`].
#[no_mangle]
pub unsafe extern "C" fn techsales_portfolio_from_json(
    json: *const c_char,
    out_portfolio: *mut *mut techsales_portfolio,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_portfolio);
        if json.is_null() {
            return Err(FfiError::null("json"));
        }
        // SAFETY: non-NULL and NUL-terminated per the contract.
        let bytes = unsafe { CStr::from_ptr(json) }.to_bytes();
        // The parser accepts valid UTF-8 only, so the text is validated
        // once, by the parse; only a refusal asks whether UTF-8 was why.
        let refused = |e: FfiError| match std::str::from_utf8(bytes) {
            Ok(_) => e,
            Err(u) => FfiError::new(
                techsales_result::InvalidUtf8,
                format!("parameter `json` is not valid UTF-8: {u}"),
            ),
        };
        // A whole book may be larger than any other document.
        crate::limits::check_json_within(bytes, crate::limits::MAX_PORTFOLIO_BYTES)
            .map_err(|e| refused(FfiError::json(format!("parameter `json`: {e}"))))?;
        let inner = Portfolio::from_slice(bytes).map_err(|e| refused(portfolio_error(e)))?;
        out.set(into_portfolio(inner))
    })
}

/// Loads a portfolio from the JSON document in the file at `path` (UTF-8),
/// read as it is parsed, without holding the whole text: each deal is
/// checked as it arrives, and the text is held to the same limits as
/// [`techsales_portfolio_from_json`]. Results as for
/// [`techsales_portfolio_from_json`]; a file that cannot be opened or read
/// gives `TECHSALES_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
/// `path` NULL or NUL-terminated; `out_portfolio` NULL or writable. Free
/// the handle with [`techsales_portfolio_free`].
#[no_mangle]
pub unsafe extern "C" fn techsales_portfolio_from_file(
    path: *const c_char,
    out_portfolio: *mut *mut techsales_portfolio,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_portfolio);
        let path = try_str!(path);
        let file = std::fs::File::open(path)
            .map_err(|e| FfiError::invalid(format!("parameter `path`: {path}: {e}")))?;
        let inner = Portfolio::from_reader(file).map_err(|e| match e {
            PortfolioError::Read { .. } => FfiError::invalid(format!("parameter `path`: {e}")),
            e => portfolio_error(e),
        })?;
        out.set(into_portfolio(inner))
    })
}

/// Imports a CRM export in CSV through its column mapping (JSON). Rows that
/// cannot be imported do not stop the import: `out_import_json` receives
/// `{"rows":N,"imported":N,"rejected":["line 4: ..."],"warnings":[...]}`.
/// A mapping that is refused gives `TECHSALES_RESULT_CONFIG_ERROR` (or
/// `TECHSALES_RESULT_INVALID_JSON` when it is not JSON); a file that cannot
/// be read at all, `TECHSALES_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
/// `csv` and `mapping_json` NULL or NUL-terminated; out-parameters NULL or
/// writable. Free the handle with [`techsales_portfolio_free`] and the
/// string with [`techsales_string_free`].
#[no_mangle]
pub unsafe extern "C" fn techsales_portfolio_import_csv(
    csv: *const c_char,
    mapping_json: *const c_char,
    out_portfolio: *mut *mut techsales_portfolio,
    out_import_json: *mut *mut c_char,
) -> techsales_result {
    guard(|| {
        let (portfolio_out, import_out) = (try_out!(out_portfolio), try_out!(out_import_json));
        let (csv, mapping) = (try_str!(csv), try_json!(mapping_json));
        let mapping = CsvMapping::from_json(mapping).map_err(config_error)?;
        let import = import_csv(csv.as_bytes(), &mapping).map_err(csv_error)?;
        hand_out_import(import, portfolio_out, import_out)
    })
}

/// Hands out an import: its summary (see [`import_summary`]) and its
/// portfolio as a new handle.
fn hand_out_import(
    import: CsvImport,
    portfolio_out: Out<*mut techsales_portfolio>,
    import_out: Out<*mut c_char>,
) -> FfiResult {
    import_out.set(json_out(&import_summary(&import))?)?;
    portfolio_out.set(into_portfolio(import.portfolio))
}

/// The import's counts, refused rows and warnings, as the import functions
/// hand them out.
fn import_summary(import: &CsvImport) -> serde_json::Value {
    let texts = |items: Vec<String>| serde_json::Value::from(items);
    let mut summary = serde_json::json!({
        "rows": import.rows,
        "imported": import.imported,
        "rejected": texts(import.rejected.iter().map(ToString::to_string).collect()),
        "warnings": texts(import.warnings.iter().map(ToString::to_string).collect()),
    });
    if let Some(rows) = import.contact_rows {
        summary["contact_rows"] = rows.into();
        summary["contacts_imported"] = import.contacts_imported.into();
    }
    summary
}

/// Imports a CRM export with the files beside it: `accounts_csv`,
/// `contacts_csv` and `products_csv` are each NULL or the file the mapping
/// declares in `accounts`, `contacts` or `products`. A file the mapping
/// declares but that is NULL, or one given that it does not declare, gives
/// `TECHSALES_RESULT_INVALID_ARGUMENT` naming it. Otherwise as
/// [`techsales_portfolio_import_csv`]; with a contacts file the summary
/// also holds `"contact_rows":N,"contacts_imported":N`, and refused rows of
/// the other files are named by their file (`"contacts line 3: ..."`).
///
/// # Safety
/// `csv` and `mapping_json` NULL or NUL-terminated; `accounts_csv`,
/// `contacts_csv` and `products_csv` NULL (absent) or NUL-terminated;
/// out-parameters NULL or writable. Free the handle with
/// [`techsales_portfolio_free`] and the string with
/// [`techsales_string_free`].
#[no_mangle]
pub unsafe extern "C" fn techsales_portfolio_import_csv_files(
    csv: *const c_char,
    accounts_csv: *const c_char,
    contacts_csv: *const c_char,
    products_csv: *const c_char,
    mapping_json: *const c_char,
    out_portfolio: *mut *mut techsales_portfolio,
    out_import_json: *mut *mut c_char,
) -> techsales_result {
    guard(|| {
        let (portfolio_out, import_out) = (try_out!(out_portfolio), try_out!(out_import_json));
        let (csv, mapping) = (try_str!(csv), try_json!(mapping_json));
        let files = CsvFiles {
            accounts: try_opt_str!(accounts_csv).map(str::as_bytes),
            contacts: try_opt_str!(contacts_csv).map(str::as_bytes),
            products: try_opt_str!(products_csv).map(str::as_bytes),
        };
        let mapping = CsvMapping::from_json(mapping).map_err(config_error)?;
        let import = import_csv_with(csv.as_bytes(), files, &mapping).map_err(csv_error)?;
        hand_out_import(import, portfolio_out, import_out)
    })
}

/// Frees a portfolio. NULL is ignored.
///
/// # Safety
/// `portfolio` is NULL or a live handle, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn techsales_portfolio_free(portfolio: *mut techsales_portfolio) {
    // SAFETY: forwarded contract.
    unsafe { free_handle(portfolio) }
}

/// The portfolio as its JSON document (compact), which
/// [`techsales_portfolio_from_json`] loads back unchanged. Free the string
/// with [`techsales_string_free`].
///
/// # Safety
/// `portfolio` NULL or live; `out_json` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_portfolio_to_json(
    portfolio: *const techsales_portfolio,
    out_json: *mut *mut c_char,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_json);
        out.set(owned_c_string(try_ref!(portfolio).inner.to_json())?)
    })
}

/// Adds an account (JSON: the customer record and its actions), or
/// replaces the account with the same id.
///
/// # Safety
/// `portfolio` NULL or live; `account_json` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_portfolio_put_account(
    portfolio: *mut techsales_portfolio,
    account_json: *const c_char,
) -> techsales_result {
    guard(|| {
        let portfolio = try_mut!(portfolio);
        let account: Account = json_in(try_json!(account_json), "account")?;
        portfolio
            .inner
            .put_account(account)
            .map_err(portfolio_error)
    })
}

/// Adds a key-account deal (JSON: an opportunity record with its process
/// state and journal), or replaces the deal with the same id.
///
/// # Safety
/// `portfolio` NULL or live; `opportunity_json` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_portfolio_put_opportunity(
    portfolio: *mut techsales_portfolio,
    opportunity_json: *const c_char,
) -> techsales_result {
    guard(|| {
        let portfolio = try_mut!(portfolio);
        let record: OpportunityRecord = json_in(try_json!(opportunity_json), "opportunity")?;
        portfolio
            .inner
            .put_opportunity(record)
            .map_err(portfolio_error)
    })
}

/// Adds a technical-sale cycle (JSON: a cycle record with its sale), or
/// replaces the cycle with the same id.
///
/// # Safety
/// `portfolio` NULL or live; `cycle_json` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_portfolio_put_cycle(
    portfolio: *mut techsales_portfolio,
    cycle_json: *const c_char,
) -> techsales_result {
    guard(|| {
        let portfolio = try_mut!(portfolio);
        let record: CycleRecord = json_in(try_json!(cycle_json), "cycle")?;
        portfolio.inner.put_cycle(record).map_err(portfolio_error)
    })
}

/// Applies a key-account event, given as a journal entry in JSON, to the
/// deal `opportunity_id`, under the portfolio's process definition. Every
/// event of the lifecycle goes this way (see
/// `techsales_key_account_apply_json` for the list), for example
/// `{"at":"2026-03-01T09:00:00Z","actor":"li","event":{"type":"close_date_changed","from":"2026-06-30","to":"2026-09-30"}}`.
///
/// # Safety
/// `portfolio` NULL or live; strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_portfolio_apply_deal_event(
    portfolio: *mut techsales_portfolio,
    opportunity_id: *const c_char,
    entry_json: *const c_char,
) -> techsales_result {
    guard(|| {
        let portfolio = try_mut!(portfolio);
        let id = try_str!(opportunity_id);
        let entry: Entry<KeyAccountEvent> = json_in(try_json!(entry_json), "journal entry")?;
        portfolio.inner.apply(id, entry).map_err(portfolio_error)
    })
}

/// Applies a technical-sale event, given as a journal entry in JSON, to the
/// cycle `cycle_id`.
///
/// # Safety
/// `portfolio` NULL or live; strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_portfolio_apply_cycle_event(
    portfolio: *mut techsales_portfolio,
    cycle_id: *const c_char,
    entry_json: *const c_char,
) -> techsales_result {
    guard(|| {
        let portfolio = try_mut!(portfolio);
        let id = try_str!(cycle_id);
        let entry: Entry<CycleEvent> = json_in(try_json!(entry_json), "journal entry")?;
        portfolio
            .inner
            .apply_cycle(id, entry)
            .map_err(portfolio_error)
    })
}

/// Sets account `account_id`'s type (`TECHSALES_CUSTOMER_TYPE_*`) at `at`
/// (Unix seconds) with a reason (NULL for none); its running cycles under
/// another type's variant are offered the new type's variant for their
/// next iteration. Writes whether the type changed.
///
/// # Safety
/// `portfolio` NULL or live; strings NULL or NUL-terminated; `out_changed`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_portfolio_set_account_type(
    portfolio: *mut techsales_portfolio,
    account_id: *const c_char,
    customer_type: u32,
    at: i64,
    reason: *const c_char,
    out_changed: *mut bool,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_changed);
        let portfolio = try_mut!(portfolio);
        let id = try_str!(account_id);
        let reason = try_opt_str!(reason).unwrap_or("");
        let ty = enum_arg(customer_type, "customer_type")?;
        let changed = portfolio
            .inner
            .set_account_type(id, ty, time_arg(at, "at")?, reason)
            .map_err(portfolio_error)?;
        out.set(changed)
    })
}

/// One analytic of the portfolio as JSON, by name:
///
/// - `pipeline`, `stage_flows`, `stage_durations`, `stalled`,
///   `actions_in_progress`, `calibration`, `cycles`;
/// - `quadrant`: over the report's window, the 182 days before the as-of
///   date;
/// - `top_deals`: the ids of the report's top deals by weighted amount
///   (five, largest first);
/// - `forecast`: every open, nurtured or booked deal by forecast category,
///   in total and per close month;
/// - `bookings`: booked deals by booking month and delivery status, and
///   the win rate;
/// - `win_loss`: the ended deals by reason, by the stage they ended in, by
///   customer type and by grade;
/// - `slipped_deals`: every deal whose expected close date moved, with
///   each change;
/// - `amount_changes`: every recorded amount change, oldest first;
/// - `probability_trend`: for every deal, `{"id":..,"trend":[[time,
///   probability],..]}`, its win probability after each journal entry.
///
/// Another name gives `TECHSALES_RESULT_NOT_FOUND`. Free the string with
/// [`techsales_string_free`].
///
/// # Safety
/// `portfolio` NULL or live; `name` NULL or NUL-terminated; `out_json` NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_portfolio_analytics_json(
    portfolio: *const techsales_portfolio,
    name: *const c_char,
    out_json: *mut *mut c_char,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_json);
        let p = &try_ref!(portfolio).inner;
        let json = match try_str!(name) {
            "pipeline" => json_out(&pipeline(p)),
            "stage_flows" => json_out(&stage_flows(p)),
            "stage_durations" => json_out(&stage_durations(p)),
            "stalled" => json_out(&stalled(p)),
            "quadrant" => {
                let days = ReportOptions::default().movement_days;
                let from = movements_since(p.as_of(), days);
                json_out(&quadrant(p, from, p.as_of()))
            }
            "actions_in_progress" => json_out(&actions_in_progress(p)),
            "calibration" => json_out(&calibrate(p)),
            "cycles" => json_out(&cycle_analytics(p)),
            "top_deals" => {
                let ids: Vec<&str> = top_deals(p, ReportOptions::default().top_deals)
                    .into_iter()
                    .filter_map(|i| p.opportunities().get(i))
                    .map(|r| r.id.as_str())
                    .collect();
                json_out(&ids)
            }
            "forecast" => json_out(&forecast(p)),
            "bookings" => json_out(&bookings(p)),
            "win_loss" => json_out(&win_loss(p)),
            "slipped_deals" => json_out(&slipped_deals(p)),
            "amount_changes" => json_out(&amount_changes(
                p,
                chrono::DateTime::<chrono::Utc>::MIN_UTC,
                chrono::DateTime::<chrono::Utc>::MAX_UTC,
            )),
            "probability_trend" => {
                let definition = &p.definitions().process;
                let trends: Vec<serde_json::Value> = p
                    .opportunities()
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "id": r.id.as_str(),
                            "trend": probability_trend(r, definition),
                        })
                    })
                    .collect();
                json_out(&trends)
            }
            other => Err(FfiError::new(
                techsales_result::NotFound,
                format!("no analytic is named `{other}`"),
            )),
        }?;
        out.set(json)
    })
}

/// [`techsales_portfolio_analytics_json`] on `threads` threads: 0 uses
/// every core, 1 only the calling thread, any other number (up to
/// [`TECHSALES_MAX_THREADS`]) a pool of that many; more is refused with
/// `TECHSALES_RESULT_INVALID_ARGUMENT`. The analytics that go over every
/// deal (`pipeline`, `stage_flows`, `stage_durations`) share books of more
/// than 8,192 deals among the threads; the JSON is the same for every
/// thread count, byte for byte.
///
/// # Safety
/// As for [`techsales_portfolio_analytics_json`].
#[no_mangle]
pub unsafe extern "C" fn techsales_portfolio_analytics_json_threads(
    portfolio: *const techsales_portfolio,
    name: *const c_char,
    threads: u32,
    out_json: *mut *mut c_char,
) -> techsales_result {
    // The analytic's own result, from its own panic boundary.
    let mut result = techsales_result::Ok;
    let checked = guard(|| {
        let threads = threads_arg(threads)?;
        // SAFETY: the same contract.
        result = crate::parallel::with_threads(threads, || unsafe {
            techsales_portfolio_analytics_json(portfolio, name, out_json)
        });
        Ok(())
    });
    match checked {
        techsales_result::Ok => result,
        refused => refused,
    }
}

/// The win probability of deal `opportunity_id` after each entry of its
/// journal, under the portfolio's process definition, as JSON:
/// `[["2026-03-01T09:00:00Z",0.1],..]`, oldest first. An unknown deal gives
/// `TECHSALES_RESULT_NOT_FOUND`. Free the string with
/// [`techsales_string_free`].
///
/// # Safety
/// `portfolio` NULL or live; `opportunity_id` NULL or NUL-terminated;
/// `out_json` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_portfolio_probability_trend_json(
    portfolio: *const techsales_portfolio,
    opportunity_id: *const c_char,
    out_json: *mut *mut c_char,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_json);
        let p = &try_ref!(portfolio).inner;
        let id = try_str!(opportunity_id);
        let record = p.opportunity(id).ok_or_else(|| {
            FfiError::new(
                techsales_result::NotFound,
                format!("no opportunity with id `{id}`"),
            )
        })?;
        out.set(json_out(&probability_trend(
            record,
            &p.definitions().process,
        ))?)
    })
}

/// The portfolio's report as text, with the default options, in `language`
/// (`TECHSALES_LANGUAGE_*`, as [`techsales_portfolio_html`] takes it): the
/// Rust API's `render_report_in`, byte for byte (in English,
/// `render_report`). Free the string with [`techsales_string_free`].
///
/// # Safety
/// `portfolio` NULL or live; `out_text` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_portfolio_report(
    portfolio: *const techsales_portfolio,
    language: u32,
    out_text: *mut *mut c_char,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_text);
        let p = &try_ref!(portfolio).inner;
        let language: Language = enum_arg(language, "language")?;
        out.set(owned_c_string(render_report_in(
            p,
            &ReportOptions::default(),
            language,
        ))?)
    })
}

/// The portfolio's HTML report (one self-contained page with its charts
/// inline), with the default options, in `language`
/// (`TECHSALES_LANGUAGE_*`): the Rust API's `render_html`, byte for byte.
/// Free the string with [`techsales_string_free`].
///
/// # Safety
/// `portfolio` NULL or live; `out_html` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_portfolio_html(
    portfolio: *const techsales_portfolio,
    language: u32,
    out_html: *mut *mut c_char,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_html);
        let p = &try_ref!(portfolio).inner;
        let language: Language = enum_arg(language, "language")?;
        out.set(owned_c_string(render_html(
            p,
            &ReportOptions::default(),
            language,
        ))?)
    })
}

/// The portfolio's charts as one SVG document. Free the string with
/// [`techsales_string_free`].
///
/// # Safety
/// `portfolio` NULL or live; `out_svg` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_portfolio_svg(
    portfolio: *const techsales_portfolio,
    out_svg: *mut *mut c_char,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_svg);
        out.set(owned_c_string(render_svg(&try_ref!(portfolio).inner))?)
    })
}

/// The differentiation actions applied to account `account_id`, oldest
/// first, as JSON; an unknown account gives `TECHSALES_RESULT_NOT_FOUND`.
/// Free the string with [`techsales_string_free`].
///
/// # Safety
/// `portfolio` NULL or live; `account_id` NULL or NUL-terminated;
/// `out_json` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_portfolio_action_log_json(
    portfolio: *const techsales_portfolio,
    account_id: *const c_char,
    out_json: *mut *mut c_char,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_json);
        let p = &try_ref!(portfolio).inner;
        let id = try_str!(account_id);
        let account = p.account(id).ok_or_else(|| {
            FfiError::new(
                techsales_result::NotFound,
                format!("no account with id `{id}`"),
            )
        })?;
        out.set(json_out(&account.actions)?)
    })
}

/// The checklist of a key-account stage (`TECHSALES_KEY_ACCOUNT_STAGE_*`):
/// its work items with labels and descriptions in both languages, as JSON.
/// Free the string with [`techsales_string_free`].
///
/// # Safety
/// `out_json` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_key_account_stage_checklist_json(
    stage: u32,
    out_json: *mut *mut c_char,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_json);
        let stage: Stage = enum_arg(stage, "stage")?;
        let items: Vec<_> = checklist(stage).collect();
        out.set(json_out(&items)?)
    })
}
