//! C ABI for the six-stage key-account process.
//!
//! Thread safety: a `techsales_key_account_definition` is immutable once
//! made and may be shared by any number of threads. A
//! `techsales_key_account` may move between threads but must not be used
//! from two threads at once.

use std::ffi::c_char;

use super::*;
use crate::grading::Grade;
use crate::journal::Entry;
use crate::key_account::{
    Attitude, BuyingInfluence, BuyingRole, InfluenceDegree, KeyAccountError, KeyAccountEvent,
    KeyAccountProcess, KeyNode, Outcome, ProcessDefinition, ProcurementStep, Reason,
};

/// A key-account process definition: stage probabilities, key nodes,
/// forcing penalty, coverage rule, grade factors (opaque, shareable).
pub struct techsales_key_account_definition {
    inner: ProcessDefinition,
}

/// One key-account deal: its state and journal (opaque).
pub struct techsales_key_account {
    inner: KeyAccountProcess,
}

fn apply_error(e: KeyAccountError) -> FfiError {
    match e {
        KeyAccountError::OutOfOrder(_)
        | KeyAccountError::MissingActor
        | KeyAccountError::MissingEvidence
        | KeyAccountError::MissingReason
        | KeyAccountError::MissingContactId => FfiError::invalid(e),
        _ => FfiError::new(techsales_result::RefusedTransition, e.to_string()),
    }
}

/// Applies one event built from C arguments, the time checked before the
/// event's own arguments.
fn apply(
    deal: &mut techsales_key_account,
    definition: &techsales_key_account_definition,
    at: i64,
    actor: &str,
    event: impl FnOnce() -> FfiResult<KeyAccountEvent>,
) -> FfiResult {
    let entry = Entry::new(time_arg(at, "at")?, actor, event()?);
    deal.inner
        .apply(&definition.inner, entry)
        .map_err(apply_error)
}

/// A definition: the built-in defaults when `json` is NULL, otherwise the
/// definition it holds.
///
/// # Safety
/// `json` NULL or NUL-terminated; `out_definition` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_key_account_definition_new(
    json: *const c_char,
    out_definition: *mut *mut techsales_key_account_definition,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_definition);
        let inner = match try_opt_json!(json) {
            None => ProcessDefinition::default(),
            Some(text) => ProcessDefinition::from_json(text).map_err(config_error)?,
        };
        out.set(into_handle(techsales_key_account_definition { inner }))
    })
}

/// Frees a definition. NULL is ignored.
///
/// # Safety
/// `definition` is NULL or a live handle, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn techsales_key_account_definition_free(
    definition: *mut techsales_key_account_definition,
) {
    // SAFETY: forwarded contract.
    unsafe { free_handle(definition) }
}

/// A new deal in the development stage, opened at `opened_at`.
///
/// # Safety
/// `out_deal` NULL or writable. Free with [`techsales_key_account_free`].
#[no_mangle]
pub unsafe extern "C" fn techsales_key_account_new(
    opened_at: i64,
    out_deal: *mut *mut techsales_key_account,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_deal);
        let inner = KeyAccountProcess::new(time_arg(opened_at, "opened_at")?);
        out.set(into_handle(techsales_key_account { inner }))
    })
}

/// Frees a deal. NULL is ignored.
///
/// # Safety
/// `deal` is NULL or a live handle, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn techsales_key_account_free(deal: *mut techsales_key_account) {
    // SAFETY: forwarded contract.
    unsafe { free_handle(deal) }
}

/// Applies any event given as a journal entry in JSON, for example
/// `{"at":"2026-03-01T09:00:00Z","actor":"li","event":{"type":"advanced"}}`.
/// A refusal leaves the deal unchanged.
///
/// This is the C ABI's way to every event of the lifecycle that has no
/// function of its own (the `type`, then its fields):
/// - `grade_set_by_hand` (`grade`, `reason`): a grade without an
///   evaluation, marked as set by hand;
/// - `regraded` (`grade`, `evidence`): a new evaluation passed, which also
///   ends a nurture;
/// - `nurtured` (`evidence`, `review_on`): the evaluation failed; the deal
///   is kept warm at a lower contact level;
/// - `booked` (`booked_on`, optional `amount_minor`): the contract is
///   signed, the deal is won;
/// - `delivery_cancelled` (`reason`): a booked deal's delivery stops;
/// - `lost` and `withdrawn` (`reason`): `reason` is
///   `{"key":"price","note":"..","competitor":".."}`, its key from the
///   definition's list (`competitor` for a reason that names one);
/// - `amount_changed` (`from_minor`, `to_minor`), `close_date_changed`
///   (`from`, `to`), `possibility_changed` (`from`, `to`) and
///   `owner_changed` (`owner`): the deal's history;
/// - `forecast_category_set` (`category` or none, `reason`): the
///   salesperson's forecast category;
/// - `stage_reported` (`stage`, `crm_stage`, optional `probability` and
///   `completed`): the stage a CRM reports, its earlier key nodes recorded
///   as reported by the CRM.
///
/// # Safety
/// Handles NULL or live; `entry_json` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_key_account_apply_json(
    deal: *mut techsales_key_account,
    definition: *const techsales_key_account_definition,
    entry_json: *const c_char,
) -> techsales_result {
    guard(|| {
        let (deal, definition, text) =
            (try_mut!(deal), try_ref!(definition), try_json!(entry_json));
        let entry: Entry<KeyAccountEvent> = json_in(text, "journal entry")?;
        deal.inner
            .apply(&definition.inner, entry)
            .map_err(apply_error)
    })
}

/// Records a key node (`TECHSALES_KEY_NODE_*`) as met, with evidence. For
/// the grading node use [`techsales_key_account_grade`].
///
/// # Safety
/// Handles NULL or live; strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_key_account_meet_node(
    deal: *mut techsales_key_account,
    definition: *const techsales_key_account_definition,
    at: i64,
    actor: *const c_char,
    node: u32,
    evidence: *const c_char,
) -> techsales_result {
    guard(|| {
        apply(
            try_mut!(deal),
            try_ref!(definition),
            at,
            try_str!(actor),
            || {
                Ok(KeyAccountEvent::KeyNodeMet {
                    node: enum_arg::<KeyNode>(node, "node")?,
                    evidence: try_str!(evidence).to_owned(),
                    grade: None,
                })
            },
        )
    })
}

/// Records the opportunity's grade (`TECHSALES_GRADE_*`): meets the
/// "opportunity evaluated and graded" node the first time, regrades after.
///
/// # Safety
/// Handles NULL or live; strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_key_account_grade(
    deal: *mut techsales_key_account,
    definition: *const techsales_key_account_definition,
    at: i64,
    actor: *const c_char,
    grade: u32,
    evidence: *const c_char,
) -> techsales_result {
    guard(|| {
        let graded = try_ref!(deal)
            .inner
            .state()
            .met()
            .contains(KeyNode::OpportunityGraded);
        apply(
            try_mut!(deal),
            try_ref!(definition),
            at,
            try_str!(actor),
            || {
                let grade: Grade = enum_arg(grade, "grade")?;
                let evidence = try_str!(evidence).to_owned();
                Ok(if graded {
                    KeyAccountEvent::Regraded { grade, evidence }
                } else {
                    KeyAccountEvent::KeyNodeMet {
                        node: KeyNode::OpportunityGraded,
                        evidence,
                        grade: Some(grade),
                    }
                })
            },
        )
    })
}

/// Moves to the next stage; refused (`TECHSALES_RESULT_REFUSED_TRANSITION`,
/// the message names the missing key nodes) unless every required key node
/// is met.
///
/// # Safety
/// Handles NULL or live; `actor` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_key_account_advance(
    deal: *mut techsales_key_account,
    definition: *const techsales_key_account_definition,
    at: i64,
    actor: *const c_char,
) -> techsales_result {
    guard(|| {
        apply(
            try_mut!(deal),
            try_ref!(definition),
            at,
            try_str!(actor),
            || Ok(KeyAccountEvent::Advanced),
        )
    })
}

/// Moves to the next stage although key nodes are missing; the forcing is
/// recorded with the actor and reason, and each missing node cuts the win
/// probability.
///
/// # Safety
/// Handles NULL or live; strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_key_account_force_advance(
    deal: *mut techsales_key_account,
    definition: *const techsales_key_account_definition,
    at: i64,
    actor: *const c_char,
    reason: *const c_char,
) -> techsales_result {
    guard(|| {
        apply(
            try_mut!(deal),
            try_ref!(definition),
            at,
            try_str!(actor),
            || {
                Ok(KeyAccountEvent::ForcedAdvance {
                    reason: try_str!(reason).to_owned(),
                })
            },
        )
    })
}

/// Records the customer's procurement step (`TECHSALES_PROCUREMENT_STEP_*`).
///
/// # Safety
/// Handles NULL or live; `actor` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_key_account_observe_step(
    deal: *mut techsales_key_account,
    definition: *const techsales_key_account_definition,
    at: i64,
    actor: *const c_char,
    step: u32,
) -> techsales_result {
    guard(|| {
        apply(
            try_mut!(deal),
            try_ref!(definition),
            at,
            try_str!(actor),
            || {
                Ok(KeyAccountEvent::ProcurementStepObserved {
                    step: enum_arg::<ProcurementStep>(step, "step")?,
                })
            },
        )
    })
}

/// Adds or updates a buying influence: `role` is `TECHSALES_BUYING_ROLE_*`,
/// `influence` `TECHSALES_INFLUENCE_DEGREE_*`, `attitude`
/// `TECHSALES_ATTITUDE_*`.
///
/// # Safety
/// Handles NULL or live; strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_key_account_set_contact(
    deal: *mut techsales_key_account,
    definition: *const techsales_key_account_definition,
    at: i64,
    actor: *const c_char,
    id: *const c_char,
    name: *const c_char,
    role: u32,
    influence: u32,
    met: bool,
    attitude: u32,
) -> techsales_result {
    guard(|| {
        apply(
            try_mut!(deal),
            try_ref!(definition),
            at,
            try_str!(actor),
            || {
                let mut contact = BuyingInfluence::new(
                    try_str!(id),
                    try_str!(name),
                    enum_arg::<BuyingRole>(role, "role")?,
                    enum_arg::<InfluenceDegree>(influence, "influence")?,
                );
                contact.met = met;
                contact.attitude = enum_arg::<Attitude>(attitude, "attitude")?;
                Ok(KeyAccountEvent::ContactRecorded {
                    contact: Box::new(contact),
                })
            },
        )
    })
}

/// Closes the deal: `outcome` is `TECHSALES_KEY_ACCOUNT_OUTCOME_*`. Won books
/// the signed contract on the day of `at` (accepted from business
/// negotiation on, once `contract_signed` is met; the booked amount is the
/// opportunity's); lost and withdrawn need a reason key from the
/// definition's list (`reason` may be NULL for won). Booking with an amount,
/// a note or a competitor goes through `techsales_key_account_apply_json`.
///
/// # Safety
/// Handles NULL or live; strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn techsales_key_account_close(
    deal: *mut techsales_key_account,
    definition: *const techsales_key_account_definition,
    at: i64,
    actor: *const c_char,
    outcome: u32,
    reason: *const c_char,
) -> techsales_result {
    guard(|| {
        apply(
            try_mut!(deal),
            try_ref!(definition),
            at,
            try_str!(actor),
            || {
                let reason =
                    || -> FfiResult<Box<Reason>> { Ok(Box::new(Reason::new(try_str!(reason)))) };
                Ok(match enum_arg::<Outcome>(outcome, "outcome")? {
                    Outcome::Won => KeyAccountEvent::Booked {
                        booked_on: time_arg(at, "at")?.date_naive(),
                        amount_minor: None,
                    },
                    Outcome::Lost => KeyAccountEvent::Lost { reason: reason()? },
                    Outcome::Withdrawn => KeyAccountEvent::Withdrawn { reason: reason()? },
                })
            },
        )
    })
}

/// The deal's stage (`TECHSALES_KEY_ACCOUNT_STAGE_*`), whether it is still open, and
/// its outcome (`TECHSALES_KEY_ACCOUNT_OUTCOME_*`, meaningful only when closed).
///
/// # Safety
/// `deal` NULL or live; out-parameters NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_key_account_status(
    deal: *const techsales_key_account,
    out_stage: *mut u32,
    out_open: *mut bool,
    out_outcome: *mut u32,
) -> techsales_result {
    guard(|| {
        let (stage_out, open_out, outcome_out) = (
            try_out!(out_stage),
            try_out!(out_open),
            try_out!(out_outcome),
        );
        let state = try_ref!(deal).inner.state();
        stage_out.set(state.stage().code())?;
        open_out.set(state.is_open())?;
        outcome_out.set(state.outcome().map_or(0, |o| o.code()))
    })
}

/// The key nodes still missing to leave the current stage, as a mask with
/// bit `1 << TECHSALES_KEY_NODE_*` set for each.
///
/// # Safety
/// Handles NULL or live; `out_mask` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_key_account_missing_nodes(
    deal: *const techsales_key_account,
    definition: *const techsales_key_account_definition,
    out_mask: *mut u32,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_mask);
        let (deal, definition) = (try_ref!(deal), try_ref!(definition));
        let missing = deal.inner.state().missing_to_advance(&definition.inner);
        out.set(u32::from(missing.bits()))
    })
}

/// The win probability (0-1).
///
/// # Safety
/// Handles NULL or live; `out_probability` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_key_account_win_probability(
    deal: *const techsales_key_account,
    definition: *const techsales_key_account_definition,
    out_probability: *mut f64,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_probability);
        let (deal, definition) = (try_ref!(deal), try_ref!(definition));
        let value =
            crate::key_account::win_probability_value(deal.inner.state(), &definition.inner);
        out.set(value)
    })
}

/// The win probability with every factor behind it, as JSON (`explain`
/// false) or as text in `language` (`explain` true). Free the string with
/// [`techsales_string_free`].
///
/// # Safety
/// Handles NULL or live; `out_text` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_key_account_win_probability_explain(
    deal: *const techsales_key_account,
    definition: *const techsales_key_account_definition,
    language: u32,
    as_text: bool,
    out_text: *mut *mut c_char,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_text);
        let language: Language = enum_arg(language, "language")?;
        let (deal, definition) = (try_ref!(deal), try_ref!(definition));
        let probability = deal.inner.win_probability(&definition.inner);
        let text = text_or_json(as_text, &probability, |v| v.explain(language))?;
        out.set(text)
    })
}

/// The diagnosis (alignment with the customer's procurement step, missing
/// work, next actions) as JSON (`as_text` false) or as a report in
/// `language` (`as_text` true). Free the string with
/// [`techsales_string_free`].
///
/// # Safety
/// Handles NULL or live; `out_text` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_key_account_diagnose(
    deal: *const techsales_key_account,
    definition: *const techsales_key_account_definition,
    language: u32,
    as_text: bool,
    out_text: *mut *mut c_char,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_text);
        let language: Language = enum_arg(language, "language")?;
        let (deal, definition) = (try_ref!(deal), try_ref!(definition));
        let diagnosis = deal.inner.diagnose(&definition.inner);
        let text = text_or_json(as_text, &diagnosis, |v| v.report(language))?;
        out.set(text)
    })
}

/// The deal (state and journal) as JSON, the format the Rust API
/// serialises. Free the string with [`techsales_string_free`].
///
/// # Safety
/// `deal` NULL or live; `out_json` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_key_account_to_json(
    deal: *const techsales_key_account,
    out_json: *mut *mut c_char,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_json);
        let json = json_out(&try_ref!(deal).inner)?;
        out.set(json)
    })
}

/// Loads a deal from JSON made by [`techsales_key_account_to_json`]. The
/// journal is replayed under `definition` and must rebuild exactly the
/// stored state, so a tampered or inconsistent document is refused.
///
/// # Safety
/// `definition` NULL or live; `json` NULL or NUL-terminated; `out_deal`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_key_account_from_json(
    definition: *const techsales_key_account_definition,
    json: *const c_char,
    out_deal: *mut *mut techsales_key_account,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_deal);
        let (definition, text) = (try_ref!(definition), try_json!(json));
        let inner = KeyAccountProcess::from_json(text, &definition.inner).map_err(|e| {
            if e.is_unsupported_version() {
                FfiError::new(techsales_result::UnsupportedVersion, e.to_string())
            } else {
                FfiError::json(e)
            }
        })?;
        out.set(into_handle(techsales_key_account { inner }))
    })
}
