//! C ABI for customers, their classification and history, and the
//! differentiation planner.
//!
//! Thread safety: a `techsales_customer` may move between threads but must
//! not be used from two threads at once. A `techsales_planner` is immutable
//! once made and may be shared by any number of threads.

use std::ffi::c_char;

use super::*;
use crate::customer::{
    BuyerBehaviour, Customer, CustomerType, Readiness, ReadinessCriterion, RelationshipLevel,
    Scores, Thresholds, WaitReason,
};
use crate::differentiation::{Plan, PlanInput, PlannerConfig};

/// A customer record with its type history (opaque).
pub struct techsales_customer {
    inner: Customer,
}

/// The differentiation planner and its configuration (opaque, shareable).
pub struct techsales_planner {
    inner: PlannerConfig,
}

/// A change of customer type.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct techsales_type_movement {
    /// `TECHSALES_CUSTOMER_TYPE_*` before.
    pub from: u32,
    /// `TECHSALES_CUSTOMER_TYPE_*` after.
    pub to: u32,
    /// When, in Unix seconds (UTC).
    pub at: i64,
}

/// One recommended differentiation action.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct techsales_recommendation {
    /// `TECHSALES_ACTION_*`.
    pub action: u32,
    /// `TECHSALES_AXIS_*` it raises.
    pub axis: u32,
    /// Expected points added to that axis.
    pub expected_effect: f64,
    /// `TECHSALES_RECOMMENDATION_REASON_*`.
    pub reason: u32,
    /// `TECHSALES_STAY_REASON_*`: the reason a client stays (source 000)
    /// the action serves most.
    pub serves: u32,
}

fn thresholds_arg(assistance: f64, loyalty: f64) -> FfiResult<Thresholds> {
    Thresholds::new(assistance, loyalty).map_err(FfiError::invalid)
}

fn scores_arg(assistance: f64, loyalty: f64) -> FfiResult<Scores> {
    Scores::new(assistance, loyalty).map_err(FfiError::invalid)
}

fn bits<T: Labelled>(mask: u32, name: &str) -> FfiResult<Vec<T>> {
    let known: u32 = T::all().iter().map(|v| 1u32 << v.code()).sum();
    if mask & !known != 0 {
        return Err(FfiError::new(
            techsales_result::InvalidEnumValue,
            format!("`{name}` = {mask:#x} has bits that name no value"),
        ));
    }
    Ok(T::all()
        .iter()
        .copied()
        .filter(|v| mask & (1 << v.code()) != 0)
        .collect())
}

/// Classifies scores (0-100 each) against per-axis thresholds, writing a
/// `TECHSALES_CUSTOMER_TYPE_*` code.
///
/// # Safety
/// `out_type` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_classify(
    assistance: f64,
    loyalty: f64,
    threshold_assistance: f64,
    threshold_loyalty: f64,
    out_type: *mut u32,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_type);
        let thresholds = thresholds_arg(threshold_assistance, threshold_loyalty)?;
        let ty = thresholds.classify(&scores_arg(assistance, loyalty)?);
        out.set(ty.code())
    })
}

/// A new customer classified from scores at `at` (Unix seconds, UTC).
///
/// # Safety
/// `id` and `name` are NULL or NUL-terminated; `out_customer` is NULL or
/// writable. Free the handle with [`techsales_customer_free`].
#[no_mangle]
pub unsafe extern "C" fn techsales_customer_new(
    id: *const c_char,
    name: *const c_char,
    assistance: f64,
    loyalty: f64,
    threshold_assistance: f64,
    threshold_loyalty: f64,
    at: i64,
    out_customer: *mut *mut techsales_customer,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_customer);
        let (id, name) = (try_str!(id), try_str!(name));
        let thresholds = thresholds_arg(threshold_assistance, threshold_loyalty)?;
        let scores = scores_arg(assistance, loyalty)?;
        let inner = Customer::from_scores(id, name, scores, &thresholds, time_arg(at, "at")?)
            .map_err(FfiError::invalid)?;
        out.set(into_handle(techsales_customer { inner }))
    })
}

/// A new customer of a known type (`TECHSALES_CUSTOMER_TYPE_*`).
///
/// # Safety
/// As [`techsales_customer_new`].
#[no_mangle]
pub unsafe extern "C" fn techsales_customer_new_with_type(
    id: *const c_char,
    name: *const c_char,
    customer_type: u32,
    at: i64,
    out_customer: *mut *mut techsales_customer,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_customer);
        let (id, name) = (try_str!(id), try_str!(name));
        let ty: CustomerType = enum_arg(customer_type, "customer_type")?;
        let inner =
            Customer::from_type(id, name, ty, time_arg(at, "at")?).map_err(FfiError::invalid)?;
        out.set(into_handle(techsales_customer { inner }))
    })
}

/// Frees a customer. NULL is ignored.
///
/// # Safety
/// `customer` is NULL or a live handle, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn techsales_customer_free(customer: *mut techsales_customer) {
    // SAFETY: forwarded contract.
    unsafe { free_handle(customer) }
}

/// Reclassifies from new scores at `at`; writes whether the type changed
/// (a movement is then recorded with `reason`, which may be NULL).
///
/// # Safety
/// `customer` is NULL or a live handle; `reason` NULL or NUL-terminated;
/// `out_changed` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_customer_reclassify(
    customer: *mut techsales_customer,
    assistance: f64,
    loyalty: f64,
    threshold_assistance: f64,
    threshold_loyalty: f64,
    at: i64,
    reason: *const c_char,
    out_changed: *mut bool,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_changed);
        let c = try_mut!(customer);
        let reason = try_opt_str!(reason).unwrap_or("");
        let thresholds = thresholds_arg(threshold_assistance, threshold_loyalty)?;
        let scores = scores_arg(assistance, loyalty)?;
        let changed = c
            .inner
            .reclassify(scores, &thresholds, time_arg(at, "at")?, reason)
            .map_err(FfiError::invalid)?
            .is_some();
        out.set(changed)
    })
}

/// The customer's current type (`TECHSALES_CUSTOMER_TYPE_*`).
///
/// # Safety
/// `customer` NULL or live; `out_type` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_customer_type(
    customer: *const techsales_customer,
    out_type: *mut u32,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_type);
        let c = try_ref!(customer);
        out.set(c.inner.customer_type().code())
    })
}

/// The number of type movements in the customer's history.
///
/// # Safety
/// `customer` NULL or live; `out_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_customer_history_len(
    customer: *const techsales_customer,
    out_len: *mut usize,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_len);
        let c = try_ref!(customer);
        out.set(c.inner.history().len())
    })
}

/// Movement `index` (0 = oldest) of the customer's history.
///
/// # Safety
/// `customer` NULL or live; `out_movement` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_customer_history_get(
    customer: *const techsales_customer,
    index: usize,
    out_movement: *mut techsales_type_movement,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_movement);
        let c = try_ref!(customer);
        let m = c.inner.history().get(index).ok_or_else(|| {
            FfiError::new(
                techsales_result::NotFound,
                format!(
                    "history has {} movements; index {index} is past the end",
                    c.inner.history().len()
                ),
            )
        })?;
        let movement = techsales_type_movement {
            from: m.from.code(),
            to: m.to.code(),
            at: m.at.timestamp(),
        };
        out.set(movement)
    })
}

/// Sets the buyer profile: behaviour (`TECHSALES_BUYER_BEHAVIOUR_*`) and
/// relationship level (`TECHSALES_RELATIONSHIP_LEVEL_*`).
///
/// # Safety
/// `customer` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn techsales_customer_set_profile(
    customer: *mut techsales_customer,
    buyer_behaviour: u32,
    relationship_level: u32,
) -> techsales_result {
    guard(|| {
        let c = try_mut!(customer);
        let behaviour: BuyerBehaviour = enum_arg(buyer_behaviour, "buyer_behaviour")?;
        let relationship: RelationshipLevel = enum_arg(relationship_level, "relationship_level")?;
        c.inner.buyer_behaviour = Some(behaviour);
        c.inner.relationship = Some(relationship);
        Ok(())
    })
}

/// Sets readiness for the loyalty network: `criteria_mask` has bit
/// `1 << TECHSALES_READINESS_CRITERION_*` for each criterion met,
/// `wait_reasons_mask` bit `1 << TECHSALES_WAIT_REASON_*` for each reason.
///
/// # Safety
/// `customer` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn techsales_customer_set_readiness(
    customer: *mut techsales_customer,
    criteria_mask: u32,
    wait_reasons_mask: u32,
) -> techsales_result {
    guard(|| {
        let c = try_mut!(customer);
        let criteria = bits::<ReadinessCriterion>(criteria_mask, "criteria_mask")?;
        let reasons = bits::<WaitReason>(wait_reasons_mask, "wait_reasons_mask")?;
        c.inner.readiness = Readiness::new(criteria, reasons);
        Ok(())
    })
}

/// The customer as JSON (the same format the Rust API serialises). Free
/// the string with [`techsales_string_free`].
///
/// # Safety
/// `customer` NULL or live; `out_json` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_customer_to_json(
    customer: *const techsales_customer,
    out_json: *mut *mut c_char,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_json);
        let c = try_ref!(customer);
        let json = json_out(&c.inner)?;
        out.set(json)
    })
}

/// A customer loaded from JSON made by [`techsales_customer_to_json`]; a
/// record whose history does not hold together is refused.
///
/// # Safety
/// `json` NULL or NUL-terminated; `out_customer` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_customer_from_json(
    json: *const c_char,
    out_customer: *mut *mut techsales_customer,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_customer);
        let text = try_json!(json);
        let inner: Customer = json_in(text, "customer")?;
        inner
            .check()
            .map_err(|e| FfiError::json(format!("inconsistent customer: {e}")))?;
        out.set(into_handle(techsales_customer { inner }))
    })
}

/// A planner: the built-in defaults when `config_json` is NULL, otherwise
/// the configuration it holds (missing fields take their defaults).
///
/// # Safety
/// `config_json` NULL or NUL-terminated; `out_planner` NULL or writable.
/// Free with [`techsales_planner_free`].
#[no_mangle]
pub unsafe extern "C" fn techsales_planner_new(
    config_json: *const c_char,
    out_planner: *mut *mut techsales_planner,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_planner);
        let inner = match try_opt_json!(config_json) {
            None => PlannerConfig::default(),
            Some(text) => PlannerConfig::from_json(text).map_err(config_error)?,
        };
        out.set(into_handle(techsales_planner { inner }))
    })
}

/// Frees a planner. NULL is ignored.
///
/// # Safety
/// `planner` is NULL or a live handle, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn techsales_planner_free(planner: *mut techsales_planner) {
    // SAFETY: forwarded contract.
    unsafe { free_handle(planner) }
}

/// The differentiation plan for a customer. Writes up to `capacity`
/// recommendations, most valuable first, into `out_recommendations`, their
/// total count into `out_count`, and whether the account is worth investing
/// in now into `out_worth_investing` (when false, the count is 0; the
/// reasons are in the plan's JSON). If `capacity` is too small, nothing is
/// written but `out_count` and the result is `TECHSALES_RESULT_BUFFER_TOO_SMALL`.
/// `out_recommendations` may be NULL when `capacity` is 0.
///
/// # Safety
/// Handles NULL or live; `out_recommendations` NULL or writable for
/// `capacity` items; the other out-parameters NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_planner_plan(
    planner: *const techsales_planner,
    customer: *const techsales_customer,
    out_recommendations: *mut techsales_recommendation,
    capacity: usize,
    out_count: *mut usize,
    out_worth_investing: *mut bool,
) -> techsales_result {
    guard(|| {
        let count_out = try_out!(out_count);
        let worth_out = try_out!(out_worth_investing);
        if capacity > 0 {
            try_out!(out_recommendations);
        }
        let (p, c) = (try_ref!(planner), try_ref!(customer));
        let plan = plan_for(&p.inner, &c.inner);
        let recs = plan.recommendations();
        count_out.set(recs.len())?;
        if recs.len() > capacity {
            return Err(FfiError::new(
                techsales_result::BufferTooSmall,
                format!("{} recommendations do not fit in {capacity}", recs.len()),
            ));
        }
        for (i, r) in recs.iter().enumerate() {
            let item = techsales_recommendation {
                action: r.action.code(),
                axis: r.axis.code(),
                expected_effect: r.expected_effect,
                reason: r.reason.code(),
                serves: r.serves.code(),
            };
            // SAFETY: i < recs.len() <= capacity, writable per contract.
            unsafe { out_recommendations.add(i).write(item) };
        }
        worth_out.set(matches!(plan, Plan::Invest { .. }))
    })
}

/// The differentiation plan for a customer as JSON, with the readiness
/// assessment when the account is not worth investing in now. Free the
/// string with [`techsales_string_free`].
///
/// # Safety
/// Handles NULL or live; `out_json` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_planner_plan_json(
    planner: *const techsales_planner,
    customer: *const techsales_customer,
    out_json: *mut *mut c_char,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_json);
        let (p, c) = (try_ref!(planner), try_ref!(customer));
        let json = json_out(&plan_for(&p.inner, &c.inner))?;
        out.set(json)
    })
}

fn plan_for(planner: &PlannerConfig, customer: &Customer) -> Plan {
    planner.plan(PlanInput {
        customer_type: customer.customer_type(),
        scores: customer.scores(),
        readiness: &customer.readiness,
        in_progress: &[],
    })
}
