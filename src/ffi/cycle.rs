//! C ABI for the five-stage technical-sale cycle.
//!
//! Events with an artefact (knowledge, a visit plan, a technical trial and
//! so on) are rich; they come in as JSON journal entries, the format the
//! Rust API serialises. The simple ones have typed functions.
//!
//! Thread safety: a `techsales_cycle` may move between threads but must
//! not be used from two threads at once.

use std::ffi::c_char;
use std::fmt::Write as _;

use super::*;
use crate::customer::CustomerType;
use crate::cycle::{
    CycleError, CycleEvent, CycleVariant, Decision, Guidance, StepRequirement, TechnicalSale,
};
use crate::journal::Entry;

/// One technical sale with one customer: its variant, state and journal
/// (opaque).
pub struct techsales_cycle {
    inner: TechnicalSale,
}

fn apply_error(e: CycleError) -> FfiError {
    match e {
        CycleError::OutOfOrder(_) | CycleError::Blank { .. } => FfiError::invalid(e),
        CycleError::UnknownObjection { .. } => {
            FfiError::new(techsales_result::NotFound, e.to_string())
        }
        _ => FfiError::new(techsales_result::RefusedTransition, e.to_string()),
    }
}

/// Applies one event built from C arguments, the time checked before the
/// event's own arguments.
fn apply(
    cycle: &mut techsales_cycle,
    at: i64,
    actor: &str,
    event: impl FnOnce() -> FfiResult<CycleEvent>,
) -> FfiResult {
    let entry = Entry::new(time_arg(at, "at")?, actor, event()?);
    cycle.inner.apply(entry).map_err(apply_error)
}

/// A new technical sale at recognition of needs, first iteration, under
/// the built-in variant of a customer type (`TECHSALES_CUSTOMER_TYPE_*`).
///
/// # Safety
/// `out_cycle` NULL or writable. Free with [`techsales_cycle_free`].
#[no_mangle]
pub unsafe extern "C" fn techsales_cycle_new(
    customer_type: u32,
    out_cycle: *mut *mut techsales_cycle,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_cycle);
        let ty: CustomerType = enum_arg(customer_type, "customer_type")?;
        let inner = TechnicalSale::for_customer_type(ty);
        out.set(into_handle(techsales_cycle { inner }))
    })
}

/// A new technical sale under a variant given as JSON (the customer type,
/// every step's requirement, the latest technical phase to start at);
/// a bad variant is refused naming the field.
///
/// # Safety
/// `variant_json` NULL or NUL-terminated; `out_cycle` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_cycle_new_with_variant(
    variant_json: *const c_char,
    out_cycle: *mut *mut techsales_cycle,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_cycle);
        let text = try_json!(variant_json);
        let variant = CycleVariant::from_json(text).map_err(config_error)?;
        let inner = TechnicalSale::new(variant).map_err(config_error)?;
        out.set(into_handle(techsales_cycle { inner }))
    })
}

/// Frees a technical sale. NULL is ignored.
///
/// # Safety
/// `cycle` is NULL or a live handle, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn techsales_cycle_free(cycle: *mut techsales_cycle) {
    // SAFETY: forwarded contract.
    unsafe { free_handle(cycle) }
}

/// Applies any event given as a journal entry in JSON, for example
/// `{"at":"2026-03-01T09:00:00Z","actor":"li","event":{"event":"advance","to":"evaluating_options"}}`.
/// A refusal (`TECHSALES_RESULT_REFUSED_TRANSITION`, the message says why)
/// leaves the sale unchanged.
///
/// # Safety
/// `cycle` NULL or live; `entry_json` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_cycle_apply_json(
    cycle: *mut techsales_cycle,
    entry_json: *const c_char,
) -> techsales_result {
    guard(|| {
        let (cycle, text) = (try_mut!(cycle), try_json!(entry_json));
        let entry: Entry<CycleEvent> = json_in(text, "journal entry")?;
        cycle.inner.apply(entry).map_err(apply_error)
    })
}

/// Moves to the next stage (from evolution, to a new iteration at
/// recognition of needs); refused while required steps of the stage are
/// not done (the message names them), and at resolving concerns, which
/// ends with the client's decision instead.
///
/// # Safety
/// `cycle` NULL or live; `actor` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_cycle_advance(
    cycle: *mut techsales_cycle,
    at: i64,
    actor: *const c_char,
) -> techsales_result {
    guard(|| {
        let to = try_ref!(cycle).inner.stage().next();
        apply(try_mut!(cycle), at, try_str!(actor), || {
            Ok(CycleEvent::Advance { to })
        })
    })
}

/// Records a step without an artefact of its own
/// (`TECHSALES_CYCLE_STEP_*`, for example presentation or assembly) as
/// done, with a summary.
///
/// # Safety
/// `cycle` NULL or live; strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_cycle_complete_step(
    cycle: *mut techsales_cycle,
    at: i64,
    actor: *const c_char,
    step: u32,
    summary: *const c_char,
) -> techsales_result {
    guard(|| {
        apply(try_mut!(cycle), at, try_str!(actor), || {
            Ok(CycleEvent::StepCompleted {
                step: enum_arg(step, "step")?,
                summary: try_str!(summary).to_owned(),
            })
        })
    })
}

/// Records an objection the client raised (resolving concerns only); `id`
/// must be new.
///
/// # Safety
/// `cycle` NULL or live; strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_cycle_raise_objection(
    cycle: *mut techsales_cycle,
    at: i64,
    actor: *const c_char,
    id: *const c_char,
    text: *const c_char,
) -> techsales_result {
    guard(|| {
        apply(try_mut!(cycle), at, try_str!(actor), || {
            Ok(CycleEvent::ObjectionRaised {
                id: try_str!(id).to_owned(),
                text: try_str!(text).to_owned(),
            })
        })
    })
}

/// Resolves an open objection; an unknown `id` gives
/// `TECHSALES_RESULT_NOT_FOUND`.
///
/// # Safety
/// `cycle` NULL or live; strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_cycle_resolve_objection(
    cycle: *mut techsales_cycle,
    at: i64,
    actor: *const c_char,
    id: *const c_char,
    resolution: *const c_char,
) -> techsales_result {
    guard(|| {
        apply(try_mut!(cycle), at, try_str!(actor), || {
            Ok(CycleEvent::ObjectionResolved {
                id: try_str!(id).to_owned(),
                resolution: try_str!(resolution).to_owned(),
            })
        })
    })
}

/// Records the client's decision (`TECHSALES_CYCLE_DECISION_*`) at the end
/// of resolving concerns: agreement moves to implementation, no agreement
/// ends the cycle. Refused while required steps or objections are open.
///
/// # Safety
/// `cycle` NULL or live; `actor` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_cycle_decide(
    cycle: *mut techsales_cycle,
    at: i64,
    actor: *const c_char,
    decision: u32,
) -> techsales_result {
    guard(|| {
        apply(try_mut!(cycle), at, try_str!(actor), || {
            Ok(CycleEvent::ClientDecided {
                decision: enum_arg::<Decision>(decision, "decision")?,
            })
        })
    })
}

/// Records a lesson learned; it is kept across iterations.
///
/// # Safety
/// `cycle` NULL or live; strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_cycle_learn(
    cycle: *mut techsales_cycle,
    at: i64,
    actor: *const c_char,
    lesson: *const c_char,
) -> techsales_result {
    guard(|| {
        apply(try_mut!(cycle), at, try_str!(actor), || {
            Ok(CycleEvent::LessonLearned {
                lesson: try_str!(lesson).to_owned(),
            })
        })
    })
}

/// Cancels the deal during implementation, with a reason; the cycle ends.
///
/// # Safety
/// `cycle` NULL or live; strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_cycle_cancel(
    cycle: *mut techsales_cycle,
    at: i64,
    actor: *const c_char,
    reason: *const c_char,
) -> techsales_result {
    guard(|| {
        apply(try_mut!(cycle), at, try_str!(actor), || {
            Ok(CycleEvent::DealCancelled {
                reason: try_str!(reason).to_owned(),
            })
        })
    })
}

/// Where the sale stands: its stage (`TECHSALES_CYCLE_STAGE_*`; for an
/// ended cycle, the stage it ended in), the outcome of the current
/// iteration (`TECHSALES_CYCLE_OUTCOME_*`) and the iteration number, from 1.
///
/// # Safety
/// `cycle` NULL or live; out-parameters NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_cycle_status(
    cycle: *const techsales_cycle,
    out_stage: *mut u32,
    out_outcome: *mut u32,
    out_iteration: *mut u32,
) -> techsales_result {
    guard(|| {
        let (stage_out, outcome_out, iteration_out) = (
            try_out!(out_stage),
            try_out!(out_outcome),
            try_out!(out_iteration),
        );
        let sale = &try_ref!(cycle).inner;
        stage_out.set(sale.stage().code())?;
        outcome_out.set(sale.outcome().code())?;
        iteration_out.set(sale.iteration())
    })
}

/// The customer type (`TECHSALES_CUSTOMER_TYPE_*`) whose variant the sale
/// runs under.
///
/// # Safety
/// `cycle` NULL or live; `out_type` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_cycle_customer_type(
    cycle: *const techsales_cycle,
    out_type: *mut u32,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_type);
        let ty = try_ref!(cycle).inner.customer_type();
        out.set(ty.code())
    })
}

/// The required steps of the current stage not done yet, as a mask with
/// bit `1 << TECHSALES_CYCLE_STEP_*` set for each.
///
/// # Safety
/// `cycle` NULL or live; `out_mask` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_cycle_missing_steps(
    cycle: *const techsales_cycle,
    out_mask: *mut u32,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_mask);
        let sale = &try_ref!(cycle).inner;
        let mask = sale
            .missing_steps()
            .iter()
            .fold(0u32, |mask, step| mask | 1 << step.code());
        out.set(mask)
    })
}

/// What remains to do in the current stage (open steps, technical phases
/// to run, objections to resolve, and what ends the stage, each marked
/// ready or waiting), as JSON (`as_text` false) or as text in `language`
/// (`as_text` true). Free the string with [`techsales_string_free`].
///
/// # Safety
/// `cycle` NULL or live; `out_text` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_cycle_guidance(
    cycle: *const techsales_cycle,
    language: u32,
    as_text: bool,
    out_text: *mut *mut c_char,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_text);
        let language: Language = enum_arg(language, "language")?;
        let guidance = try_ref!(cycle).inner.guidance();
        let text = text_or_json(as_text, &guidance, |g| guidance_text(g, language))?;
        out.set(text)
    })
}

/// Lays the guidance out as lines of text, labels in `language`.
fn guidance_text(guidance: &Guidance, language: Language) -> String {
    let zh = language == Language::Chinese;
    let mut text = String::new();
    let _ = if zh {
        writeln!(
            text,
            "{}（第 {} 轮，{}）",
            guidance.stage.label(language),
            guidance.iteration,
            guidance.outcome.label(language)
        )
    } else {
        writeln!(
            text,
            "{} (iteration {}, {})",
            guidance.stage.label(language),
            guidance.iteration,
            guidance.outcome.label(language)
        )
    };
    for item in &guidance.items {
        let state = match (item.ready, zh) {
            (true, false) => "ready",
            (false, false) => "waiting",
            (true, true) => "可进行",
            (false, true) => "未就绪",
        };
        let mut what = item.action.label(language).to_owned();
        let subject = item
            .step
            .map(|s| s.label(language).to_owned())
            .into_iter()
            .chain(item.phase.map(|p| p.label(language).to_owned()))
            .chain(item.objection.clone());
        for part in subject {
            what.push_str(if zh { "：" } else { ": " });
            what.push_str(&part);
        }
        if item.requirement == StepRequirement::Optional {
            what.push_str(if zh { "（可选）" } else { " (optional)" });
        }
        let _ = writeln!(text, "- [{state}] {what} — {}", item.text.get(language));
    }
    text
}

/// The sale (variant, state and journal) as JSON, the format the Rust API
/// serialises. Free the string with [`techsales_string_free`].
///
/// # Safety
/// `cycle` NULL or live; `out_json` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_cycle_to_json(
    cycle: *const techsales_cycle,
    out_json: *mut *mut c_char,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_json);
        let json = json_out(&try_ref!(cycle).inner)?;
        out.set(json)
    })
}

/// Loads a sale from JSON made by [`techsales_cycle_to_json`]. The journal
/// is replayed under the stored variant and must rebuild exactly the stored
/// state, so a tampered or inconsistent document is refused
/// (`TECHSALES_RESULT_INVALID_JSON`); another format version gives
/// `TECHSALES_RESULT_UNSUPPORTED_VERSION`.
///
/// # Safety
/// `json` NULL or NUL-terminated; `out_cycle` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_cycle_from_json(
    json: *const c_char,
    out_cycle: *mut *mut techsales_cycle,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_cycle);
        let text = try_json!(json);
        let inner: TechnicalSale = serde_json::from_str(text).map_err(|e| {
            match crate::cycle::unsupported_version(text) {
                Some(message) => FfiError::new(techsales_result::UnsupportedVersion, message),
                None => FfiError::json(format!("invalid technical-sale JSON: {e}")),
            }
        })?;
        // Loading replayed the journal and compared the stored state with it.
        out.set(into_handle(techsales_cycle { inner }))
    })
}
