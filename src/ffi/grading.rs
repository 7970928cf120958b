//! C ABI for A-D opportunity grading: one opportunity at a time, with its
//! explanation, or whole columns of them.
//!
//! Dates are whole days since the Unix epoch (1970-01-01 is day 0, UTC
//! calendar), as `int32_t`: `time(NULL) / 86400` in C, or
//! [`techsales_date_from_ymd`]. Ratings are the nine factors in
//! `TECHSALES_GRADING_FACTOR_*` order, each 0-10.
//!
//! Thread safety: a `techsales_grader` is immutable once made and may be
//! shared by any number of threads.

use std::cell::Cell;
use std::ffi::c_char;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{Datelike, NaiveDate};

use super::*;
use crate::grading::table::CompiledTable;
use crate::grading::{
    day_number, ColumnInput, Grade, GradeError, Grader, Opportunity, Ratings, FACTOR_COUNT,
};

/// The grade written for an opportunity that was not graded (it failed
/// evaluation, or its input was refused).
pub const TECHSALES_NO_GRADE: u32 = crate::grading::batch::NO_GRADE_CODE;

/// How many ratings an opportunity has: one per evaluation factor.
pub const TECHSALES_FACTOR_COUNT: usize = FACTOR_COUNT;

/// The day number ([`day_number`], days from the start of the common era)
/// of 1970-01-01.
const UNIX_EPOCH_DAY: i32 = 719_163;

/// A grader: the evaluation model, the grade table and the resource
/// policies (opaque, shareable).
pub struct techsales_grader {
    inner: Grader,
    /// Names this grader in the per-thread table cache; never reused, so a
    /// cached table cannot outlive its grader's identity.
    id: u64,
}

/// The id of the next grader made.
static NEXT_GRADER_ID: AtomicU64 = AtomicU64::new(1);

/// What a grade means for resources.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct techsales_resource_policy {
    /// `TECHSALES_EFFORT_*`.
    pub effort: u32,
    /// Whether to enter the sales process.
    pub enter_sales_process: bool,
    /// Whether to keep up customer maintenance rather than active selling.
    pub maintain_customer: bool,
    /// Days between reviews of the opportunity.
    pub review_every_days: u16,
}

/// How the items of a batch came out.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct techsales_batch_summary {
    /// Items that passed evaluation and were graded.
    pub graded: usize,
    /// Items that failed evaluation (lower the contact level, or give up).
    pub failed: usize,
    /// Items whose input was refused.
    pub invalid: usize,
    /// Items with too few ratings known to evaluate
    /// (`TECHSALES_GRADE_ITEM_STATUS_NOT_ENOUGH_KNOWN`). The four counts add
    /// up to the batch's length.
    pub not_enough_known: usize,
}

/// The date of a day count since the Unix epoch.
fn date_arg(days: i32, name: &str) -> FfiResult<NaiveDate> {
    days.checked_add(UNIX_EPOCH_DAY)
        .and_then(crate::grading::date_from_day_number)
        .ok_or_else(|| FfiError::invalid(format!("`{name}` = {days} is not a representable date")))
}

/// Reads the nine ratings.
///
/// # Safety
/// `ratings` is NULL or points to nine readable doubles.
unsafe fn ratings_arg(ratings: *const f64) -> FfiResult<Ratings> {
    if ratings.is_null() {
        return Err(FfiError::null("ratings"));
    }
    // SAFETY: non-NULL and nine doubles long per the caller's contract; an
    // unaligned read is allowed.
    let values = unsafe { ratings.cast::<[f64; FACTOR_COUNT]>().read_unaligned() };
    Ok(Ratings::from_array(values))
}

/// A possibility argument: NaN is none given, to derive it from the
/// evaluation score.
fn possibility_arg(possibility: f64) -> Option<f64> {
    (!possibility.is_nan()).then_some(possibility)
}

/// The opportunity and as-of date of one grading.
///
/// # Safety
/// As [`ratings_arg`].
unsafe fn opportunity_arg(
    ratings: *const f64,
    expected_close_day: i32,
    as_of_day: i32,
    possibility: f64,
) -> FfiResult<(Opportunity, NaiveDate)> {
    let opportunity = Opportunity {
        // SAFETY: forwarded contract.
        ratings: unsafe { ratings_arg(ratings) }?,
        expected_close: date_arg(expected_close_day, "expected_close_day")?,
        possibility: possibility_arg(possibility),
    };
    Ok((opportunity, date_arg(as_of_day, "as_of_day")?))
}

thread_local! {
    /// The grade table last compiled on this thread, with the grader and
    /// the as-of day (since the Unix epoch) it was compiled for. A CRM
    /// grading one opportunity at a time mostly repeats the as-of date, and
    /// compiling the table (calendar-month arithmetic) costs more than the
    /// grading itself.
    static LAST_TABLE: Cell<Option<(u64, i32, CompiledTable)>> = const { Cell::new(None) };
}

/// `grader`'s table as of `as_of_day`, reusing this thread's last compiled
/// table when it was compiled for the same grader and day (then the day
/// was already found valid and is not converted again).
fn cached_table(grader: &techsales_grader, as_of_day: i32) -> FfiResult<CompiledTable> {
    if let Some((id, day, table)) = LAST_TABLE.get() {
        if id == grader.id && day == as_of_day {
            return Ok(table);
        }
    }
    let table = grader
        .inner
        .compile_table(date_arg(as_of_day, "as_of_day")?);
    LAST_TABLE.set(Some((grader.id, as_of_day, table)));
    Ok(table)
}

fn grade_error(e: GradeError) -> FfiError {
    FfiError::invalid(e)
}

fn grade_code(grade: Option<Grade>) -> u32 {
    grade.map_or(TECHSALES_NO_GRADE, Grade::code)
}

/// Writes 1970-01-01 + `days` as a calendar date.
///
/// # Safety
/// Out-parameters NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_date_to_ymd(
    days: i32,
    out_year: *mut i32,
    out_month: *mut u32,
    out_day: *mut u32,
) -> techsales_result {
    guard(|| {
        let (y, m, d) = (try_out!(out_year), try_out!(out_month), try_out!(out_day));
        let date = date_arg(days, "days")?;
        y.set(date.year())?;
        m.set(date.month())?;
        d.set(date.day())
    })
}

/// The number of days from 1970-01-01 to a calendar date (negative before).
///
/// # Safety
/// `out_days` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_date_from_ymd(
    year: i32,
    month: u32,
    day: u32,
    out_days: *mut i32,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_days);
        let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
            FfiError::invalid(format!("{year}-{month}-{day} is not a calendar date"))
        })?;
        let days = day_number(date)
            .checked_sub(UNIX_EPOCH_DAY)
            .ok_or_else(|| FfiError::invalid(format!("{year}-{month}-{day} is out of range")))?;
        out.set(days)
    })
}

/// A grader: the built-in defaults when `json` is NULL, otherwise the
/// grading configuration it holds (missing fields take their defaults).
///
/// # Safety
/// `json` NULL or NUL-terminated; `out_grader` NULL or writable. Free the
/// handle with [`techsales_grader_free`].
#[no_mangle]
pub unsafe extern "C" fn techsales_grader_new(
    json: *const c_char,
    out_grader: *mut *mut techsales_grader,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_grader);
        let inner = match try_opt_json!(json) {
            None => Grader::default(),
            Some(text) => Grader::from_json(text).map_err(config_error)?,
        };
        let id = NEXT_GRADER_ID.fetch_add(1, Ordering::Relaxed);
        out.set(into_handle(techsales_grader { inner, id }))
    })
}

/// Frees a grader. NULL is ignored.
///
/// # Safety
/// `grader` is NULL or a live handle, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn techsales_grader_free(grader: *mut techsales_grader) {
    // SAFETY: forwarded contract.
    unsafe { free_handle(grader) }
}

/// The grader's whole configuration as JSON (the form
/// [`techsales_grader_new`] reads). Free the string with
/// [`techsales_string_free`].
///
/// # Safety
/// `grader` NULL or live; `out_json` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_grader_to_json(
    grader: *const techsales_grader,
    out_json: *mut *mut c_char,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_json);
        let json = json_out(try_ref!(grader).inner.config())?;
        out.set(json)
    })
}

/// Evaluates a project's nine ratings: the verdict
/// (`TECHSALES_EVALUATION_VERDICT_*`), the score (0-10) and the knock-outs
/// hit as a mask with bit `1 << TECHSALES_GRADING_FACTOR_*` set for each.
/// A NaN rating is unknown (left out, or scored as the model's neutral
/// value); an infinite or out-of-range rating is refused, naming the factor.
///
/// # Safety
/// `grader` NULL or live; `ratings` NULL or nine readable doubles;
/// out-parameters NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_grader_evaluate(
    grader: *const techsales_grader,
    ratings: *const f64,
    out_verdict: *mut u32,
    out_score: *mut f64,
    out_knocked_out: *mut u32,
) -> techsales_result {
    guard(|| {
        let (verdict_out, score_out, knocked_out) = (
            try_out!(out_verdict),
            try_out!(out_score),
            try_out!(out_knocked_out),
        );
        let grader = try_ref!(grader);
        // SAFETY: forwarded contract.
        let ratings = unsafe { ratings_arg(ratings) }?;
        let evaluation = grader.inner.evaluate(&ratings).map_err(grade_error)?;
        // The set's own bits: folding over the factors compiled to a read
        // wider than the stored set, which stalled the call by about 10 ns.
        let mask = evaluation.knocked_out.mask();
        verdict_out.set(evaluation.verdict.code())?;
        score_out.set(evaluation.score)?;
        knocked_out.set(mask)
    })
}

/// Evaluates and grades one opportunity as of `as_of_day`: writes its
/// status (`TECHSALES_GRADE_ITEM_STATUS_*`: graded, or failed evaluation),
/// its grade (`TECHSALES_GRADE_*`, or [`TECHSALES_NO_GRADE`] when it failed
/// evaluation) and its evaluation score (0-10).
///
/// A NaN rating is unknown. A NaN `possibility` is none given: it is
/// derived from the evaluation score by the grader's curve. Input the batch
/// would mark with an error status (an infinite or out-of-range rating, an
/// infinite or out-of-range possibility, a close date before `as_of_day`
/// where the table refuses it) is refused here with
/// `TECHSALES_RESULT_INVALID_ARGUMENT` and a message that names it.
///
/// # Safety
/// `grader` NULL or live; `ratings` NULL or nine readable doubles;
/// out-parameters NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_grader_grade(
    grader: *const techsales_grader,
    ratings: *const f64,
    expected_close_day: i32,
    as_of_day: i32,
    possibility: f64,
    out_status: *mut u32,
    out_grade: *mut u32,
    out_score: *mut f64,
) -> techsales_result {
    guard(|| {
        let (status_out, grade_out, score_out) = (
            try_out!(out_status),
            try_out!(out_grade),
            try_out!(out_score),
        );
        let grader = try_ref!(grader);
        let opportunity = Opportunity {
            // SAFETY: forwarded contract.
            ratings: unsafe { ratings_arg(ratings) }?,
            expected_close: date_arg(expected_close_day, "expected_close_day")?,
            possibility: possibility_arg(possibility),
        };
        let table = cached_table(grader, as_of_day)?;
        let assessment = grader
            .inner
            .grade_with(&table, &opportunity)
            .map_err(grade_error)?;
        status_out.set(assessment.status().code())?;
        grade_out.set(grade_code(assessment.grade))?;
        score_out.set(assessment.evaluation.score)
    })
}

/// Grades one opportunity and explains every step (each factor's
/// contribution, the knock-outs, the verdict, each band of the table and
/// the resource policy), as JSON (`as_text` false) or as text in `language`
/// (`as_text` true). Refuses what [`techsales_grader_grade`] refuses. Free
/// the string with [`techsales_string_free`].
///
/// # Safety
/// As [`techsales_grader_grade`]; `out_text` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_grader_explain(
    grader: *const techsales_grader,
    ratings: *const f64,
    expected_close_day: i32,
    as_of_day: i32,
    possibility: f64,
    language: u32,
    as_text: bool,
    out_text: *mut *mut c_char,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_text);
        let language: Language = enum_arg(language, "language")?;
        let grader = try_ref!(grader);
        // SAFETY: forwarded contract.
        let (opportunity, as_of) =
            unsafe { opportunity_arg(ratings, expected_close_day, as_of_day, possibility) }?;
        let explanation = grader
            .inner
            .explain(&opportunity, as_of)
            .map_err(grade_error)?;
        let text = text_or_json(as_text, &explanation, |v| v.render(language))?;
        out.set(text)
    })
}

/// The resource policy of a grade (`TECHSALES_GRADE_*`).
///
/// # Safety
/// `grader` NULL or live; `out_policy` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_grader_policy(
    grader: *const techsales_grader,
    grade: u32,
    out_policy: *mut techsales_resource_policy,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_policy);
        let grader = try_ref!(grader);
        let policy = grader.inner.policy(enum_arg(grade, "grade")?);
        out.set(techsales_resource_policy {
            effort: policy.effort.code(),
            enter_sales_process: policy.enter_sales_process,
            maintain_customer: policy.maintain_customer,
            review_every_days: policy.review_every_days,
        })
    })
}

/// Borrows `n` values of a column.
///
/// # Safety
/// `p` is NULL or points to `n` readable values of `T` that nothing writes
/// meanwhile.
unsafe fn column<'a, T>(p: *const T, n: usize, name: &str) -> FfiResult<&'a [T]> {
    check_column(p, n, name)?;
    if n == 0 {
        return Ok(&[]);
    }
    // SAFETY: non-NULL, aligned, within isize::MAX bytes, and `n` values
    // long per the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(p, n) })
}

/// Borrows `n` values of an output column.
///
/// # Safety
/// `p` is NULL or points to `n` writable values of `T` that nothing else
/// reads or writes meanwhile.
unsafe fn column_mut<'a, T>(p: *mut T, n: usize, name: &str) -> FfiResult<&'a mut [T]> {
    check_column(p, n, name)?;
    if n == 0 {
        return Ok(&mut []);
    }
    // SAFETY: as `column`, and not aliased (checked by the caller).
    Ok(unsafe { std::slice::from_raw_parts_mut(p, n) })
}

/// NULL is allowed only for an empty column; a column must be aligned and
/// small enough to address.
fn check_column<T>(p: *const T, n: usize, name: &str) -> FfiResult {
    if n == 0 {
        return Ok(());
    }
    if p.is_null() {
        return Err(FfiError::null(name));
    }
    if !p.is_aligned() {
        return Err(FfiError::invalid(format!("`{name}` is not aligned")));
    }
    if n > isize::MAX as usize / std::mem::size_of::<T>().max(1) {
        return Err(FfiError::invalid(format!("`n` = {n} is too large")));
    }
    Ok(())
}

/// The byte range a column of `n` values of `T` covers.
fn span<T>(p: *const T, n: usize) -> (usize, usize) {
    let start = p as usize;
    (start, start.saturating_add(n * std::mem::size_of::<T>()))
}

fn overlap(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Grades `n` opportunities given as columns, as of `as_of_day`, into the
/// caller's arrays, without allocating.
///
/// - `ratings`: nine column pointers, in `TECHSALES_GRADING_FACTOR_*`
///   order, each to `n` doubles;
/// - `close_day`: `n` expected close dates, days since the Unix epoch
///   (dates beyond the calendar's range, about 262,000 years away, count
///   as the farthest date it has);
/// - `possibility`: `n` transaction possibilities (0-1; NaN where none is
///   given, derived from the evaluation score by the grader's curve);
/// - `out_status`: `n` `TECHSALES_GRADE_ITEM_STATUS_*` codes: graded,
///   failed evaluation, or an error status for that item alone (invalid
///   rating, invalid possibility, close date in the past);
/// - `out_grade`: `n` `TECHSALES_GRADE_*` codes, [`TECHSALES_NO_GRADE`]
///   for items not graded;
/// - `out_score`: `n` evaluation scores (0-10), NaN for refused items;
/// - `out_summary`: the counts of graded, failed and invalid items.
///
/// Each item's result is what [`techsales_grader_grade`] gives for it.
/// Column pointers may be NULL only when `n` is 0. The output arrays must
/// not overlap the inputs or each other (refused with
/// `TECHSALES_RESULT_INVALID_ARGUMENT`). Nothing is written unless the
/// call succeeds.
///
/// # Safety
/// `grader` NULL or live; `ratings` NULL or nine readable pointers; every
/// non-NULL column holds `n` values; out-parameters NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_grader_grade_columns(
    grader: *const techsales_grader,
    as_of_day: i32,
    ratings: *const *const f64,
    close_day: *const i32,
    possibility: *const f64,
    n: usize,
    out_status: *mut u32,
    out_grade: *mut u32,
    out_score: *mut f64,
    out_summary: *mut techsales_batch_summary,
) -> techsales_result {
    // SAFETY: the same contract.
    unsafe {
        techsales_grader_grade_columns_threads(
            grader,
            as_of_day,
            ratings,
            close_day,
            possibility,
            n,
            0,
            out_status,
            out_grade,
            out_score,
            out_summary,
        )
    }
}

/// [`techsales_grader_grade_columns`] on `threads` threads: 0 uses every
/// core, 1 only the calling thread, any other number (up to
/// [`TECHSALES_MAX_THREADS`]) a pool of that many; more is refused with
/// `TECHSALES_RESULT_INVALID_ARGUMENT`. Batches of up to 32,768 items stay
/// on the calling thread. The results are the same for every thread
/// count, bit for bit.
///
/// # Safety
/// As for [`techsales_grader_grade_columns`].
#[no_mangle]
#[allow(clippy::too_many_arguments)] // the columns of a batch, one each
pub unsafe extern "C" fn techsales_grader_grade_columns_threads(
    grader: *const techsales_grader,
    as_of_day: i32,
    ratings: *const *const f64,
    close_day: *const i32,
    possibility: *const f64,
    n: usize,
    threads: u32,
    out_status: *mut u32,
    out_grade: *mut u32,
    out_score: *mut f64,
    out_summary: *mut techsales_batch_summary,
) -> techsales_result {
    guard(|| {
        let summary_out = try_out!(out_summary);
        let grader = try_ref!(grader);
        let threads = threads_arg(threads)?;
        let as_of = date_arg(as_of_day, "as_of_day")?;
        if n > crate::limits::MAX_BATCH_ROWS {
            return Err(FfiError::invalid(crate::limits::LimitError::TooManyRows {
                rows: n,
            }));
        }
        if ratings.is_null() {
            return Err(FfiError::null("ratings"));
        }
        // SAFETY: non-NULL and nine pointers long per the contract.
        let rating_ptrs = unsafe {
            ratings
                .cast::<[*const f64; FACTOR_COUNT]>()
                .read_unaligned()
        };
        const NAMES: [&str; FACTOR_COUNT] = [
            "ratings[0]",
            "ratings[1]",
            "ratings[2]",
            "ratings[3]",
            "ratings[4]",
            "ratings[5]",
            "ratings[6]",
            "ratings[7]",
            "ratings[8]",
        ];
        for (p, name) in rating_ptrs.iter().zip(NAMES) {
            check_column(*p, n, name)?;
        }
        check_column(close_day, n, "close_day")?;
        check_column(possibility, n, "possibility")?;
        check_column(out_status, n, "out_status")?;
        check_column(out_grade, n, "out_grade")?;
        check_column(out_score, n, "out_score")?;
        if n > 0 {
            let outputs = [
                ("out_status", span(out_status, n)),
                ("out_grade", span(out_grade, n)),
                ("out_score", span(out_score, n)),
            ];
            let inputs = rating_ptrs
                .iter()
                .map(|&p| span(p, n))
                .chain([span(close_day, n), span(possibility, n)]);
            for (i, (name, out)) in outputs.iter().enumerate() {
                let clash = inputs.clone().any(|input| overlap(*out, input))
                    || outputs[i + 1..]
                        .iter()
                        .any(|(_, other)| overlap(*out, *other));
                if clash {
                    return Err(FfiError::invalid(format!(
                        "`{name}` overlaps another column"
                    )));
                }
            }
        }
        // SAFETY: each pointer checked above and `n` long per the contract;
        // the outputs overlap nothing.
        let (columns, close_day, possibility, out_status, out_grade, out_score) = unsafe {
            let mut columns: [&[f64]; FACTOR_COUNT] = [&[]; FACTOR_COUNT];
            for (c, (p, name)) in columns.iter_mut().zip(rating_ptrs.iter().zip(NAMES)) {
                *c = column(*p, n, name)?;
            }
            (
                columns,
                column(close_day, n, "close_day")?,
                column(possibility, n, "possibility")?,
                column_mut(out_status, n, "out_status")?,
                column_mut(out_grade, n, "out_grade")?,
                column_mut(out_score, n, "out_score")?,
            )
        };
        let input = ColumnInput {
            ratings: columns,
            close_day,
            possibility,
        };
        let summary = crate::parallel::with_threads(threads, || {
            grader.inner.grade_column_cells::<u32, u32, UNIX_EPOCH_DAY>(
                as_of, &input, out_status, out_grade, out_score,
            )
        })
        .map_err(FfiError::invalid)?;
        summary_out.set(techsales_batch_summary {
            graded: summary.graded,
            failed: summary.failed,
            invalid: summary.invalid,
            not_enough_known: summary.not_enough_known,
        })
    })
}

/// The nine rating columns of a call, each checked and `n` long.
///
/// # Safety
/// `ratings` NULL or nine readable pointers, each NULL or to `n` doubles
/// that nothing writes meanwhile.
unsafe fn rating_columns<'a>(
    ratings: *const *const f64,
    n: usize,
) -> FfiResult<[&'a [f64]; FACTOR_COUNT]> {
    if ratings.is_null() {
        return Err(FfiError::null("ratings"));
    }
    // SAFETY: non-NULL and nine pointers long per the contract.
    let pointers = unsafe {
        ratings
            .cast::<[*const f64; FACTOR_COUNT]>()
            .read_unaligned()
    };
    let mut columns: [&[f64]; FACTOR_COUNT] = [&[]; FACTOR_COUNT];
    for (i, (c, p)) in columns.iter_mut().zip(pointers).enumerate() {
        // SAFETY: forwarded contract.
        *c = unsafe { column(p, n, &format!("ratings[{i}]"))? };
    }
    Ok(columns)
}

/// Learns a grading configuration from `n` closed deals given as columns,
/// starting from `grader`'s configuration ("define it, refine it, tune
/// it"): the nine factor weights, the pass threshold and the score ->
/// possibility curve, with cross-validated figures for the learned and the
/// current model.
///
/// - `ratings`: nine column pointers, in `TECHSALES_GRADING_FACTOR_*`
///   order, each to `n` doubles (NaN where unknown), as for
///   [`techsales_grader_grade_columns`]; a deal with an infinite or
///   out-of-range rating is left out and listed in the report;
/// - `outcome`: `n` doubles, 1 won, 0 lost, 2 withdrawn (anything else,
///   NaN included, refuses the call, naming the first such item);
/// - `options_json`: the learning options as JSON (`folds`, `l2`,
///   `min_deals`, `bands`, `withdrawn_as_lost`); NULL for the defaults;
/// - `language`: `TECHSALES_LANGUAGE_*` of `out_report_text`;
/// - `out_config_json`: the learned grading configuration, which
///   [`techsales_grader_new`] reads;
/// - `out_report_json`, `out_report_text`: the figures, as JSON and as
///   text.
///
/// Too few usable deals, or only one outcome, is refused with
/// `TECHSALES_RESULT_INVALID_ARGUMENT` and a message saying so. Nothing is
/// written unless the call succeeds; free each string with
/// [`techsales_string_free`].
///
/// # Safety
/// `grader` NULL or live; `ratings` NULL or nine readable pointers; every
/// non-NULL column holds `n` values; `options_json` NULL or
/// NUL-terminated; out-parameters NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_grader_learn(
    grader: *const techsales_grader,
    ratings: *const *const f64,
    outcome: *const f64,
    n: usize,
    options_json: *const c_char,
    language: u32,
    out_config_json: *mut *mut c_char,
    out_report_json: *mut *mut c_char,
    out_report_text: *mut *mut c_char,
) -> techsales_result {
    use crate::grading::learn::{learn, ClosedDeal, LearnOptions};
    use crate::key_account::Outcome;
    guard(|| {
        let config_out = try_out!(out_config_json);
        let report_out = try_out!(out_report_json);
        let text_out = try_out!(out_report_text);
        let grader = try_ref!(grader);
        let language: Language = enum_arg(language, "language")?;
        let options: LearnOptions = match try_opt_json!(options_json) {
            None => LearnOptions::default(),
            Some(text) => json_in(text, "learning options")?,
        };
        if n > crate::limits::MAX_BATCH_ROWS {
            return Err(FfiError::invalid(crate::limits::LimitError::TooManyRows {
                rows: n,
            }));
        }
        // SAFETY: each column checked and `n` long per the contract.
        let (columns, outcome) =
            unsafe { (rating_columns(ratings, n)?, column(outcome, n, "outcome")?) };
        let mut deals = Vec::with_capacity(n);
        for (i, &code) in outcome.iter().enumerate() {
            let outcome = if code == 1.0 {
                Outcome::Won
            } else if code == 0.0 {
                Outcome::Lost
            } else if code == 2.0 {
                Outcome::Withdrawn
            } else {
                return Err(FfiError::invalid(format!(
                    "`outcome[{i}]` = {code} is not 1 (won), 0 (lost) or 2 (withdrawn)"
                )));
            };
            let ratings = Ratings::from_array(std::array::from_fn(|f| columns[f][i]));
            deals.push(ClosedDeal { ratings, outcome });
        }
        let learned = learn(&deals, grader.inner.config(), &options).map_err(FfiError::invalid)?;
        // Every string is made before any is handed out, so a failure
        // leaks none.
        let serialise = |e: serde_json::Error| FfiError::invalid(format!("cannot serialise: {e}"));
        let config = serde_json::to_string(&learned.config).map_err(serialise)?;
        let report = serde_json::to_string(&learned.report).map_err(serialise)?;
        let text = learned.report.render(language);
        let c = |s: String| {
            std::ffi::CString::new(s).map_err(|_| FfiError::invalid("text contains a NUL byte"))
        };
        let (config, report, text) = (c(config)?, c(report)?, c(text)?);
        config_out.set(config.into_raw())?;
        report_out.set(report.into_raw())?;
        text_out.set(text.into_raw())
    })
}
