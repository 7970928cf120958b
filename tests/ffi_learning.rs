//! Learning a grading configuration through the C ABI
//! (`techsales_grader_learn`): the same result as the Rust API, then NULL,
//! bad lengths, bad outcomes and bad options, each refused with nothing
//! written.

use std::ffi::{c_char, CString};
use std::ptr;

use techsales::ffi::grading::*;
use techsales::ffi::*;
use techsales::grading::learn::{learn, ClosedDeal, LearnOptions};
use techsales::grading::{Grader, Ratings, FACTOR_COUNT};
use techsales::key_account::Outcome;

#[path = "support/ffi_helpers.rs"]
mod ffi_helpers;
use ffi_helpers::{last_error, ok, take};

/// `n` deals whose odds rise with the first and third ratings, as columns
/// (NaN where unknown) and outcome codes (1 won, 0 lost, 2 withdrawn).
fn columns(n: usize) -> (Vec<Vec<f64>>, Vec<f64>) {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut ratings: Vec<Vec<f64>> = (0..FACTOR_COUNT).map(|_| Vec::with_capacity(n)).collect();
    let mut outcome = Vec::with_capacity(n);
    for i in 0..n {
        let row: [f64; FACTOR_COUNT] = std::array::from_fn(|_| (next() * 10.0).floor());
        let z = 0.8 * (row[0] - 5.0) + 0.4 * (row[2] - 5.0);
        let won = next() < 1.0 / (1.0 + (-z).exp());
        for (f, column) in ratings.iter_mut().enumerate() {
            column.push(if (i + f) % 17 == 0 { f64::NAN } else { row[f] });
        }
        outcome.push(if i % 25 == 0 {
            2.0
        } else {
            f64::from(u8::from(won))
        });
    }
    (ratings, outcome)
}

struct Outs {
    config: *mut c_char,
    report: *mut c_char,
    text: *mut c_char,
}

impl Outs {
    fn new() -> Self {
        Outs {
            config: ptr::null_mut(),
            report: ptr::null_mut(),
            text: ptr::null_mut(),
        }
    }

    fn untouched(&self) -> bool {
        self.config.is_null() && self.report.is_null() && self.text.is_null()
    }
}

fn grader() -> *mut techsales_grader {
    let mut g = ptr::null_mut();
    ok(unsafe { techsales_grader_new(ptr::null(), &mut g) });
    g
}

/// Calls `techsales_grader_learn` over `ratings` and `outcome` (`n` of
/// them), English text.
fn call(
    g: *const techsales_grader,
    ratings: &[Vec<f64>],
    outcome: *const f64,
    n: usize,
    options: Option<&CString>,
    out: &mut Outs,
) -> techsales_result {
    let pointers: Vec<*const f64> = ratings.iter().map(|c| c.as_ptr()).collect();
    unsafe {
        techsales_grader_learn(
            g,
            pointers.as_ptr(),
            outcome,
            n,
            options.map_or(ptr::null(), |o| o.as_ptr()),
            0,
            &mut out.config,
            &mut out.report,
            &mut out.text,
        )
    }
}

/// The C ABI learns what the Rust API learns from the same deals (the
/// configuration JSON byte for byte), and that configuration makes a
/// grader.
#[test]
fn learning_through_the_c_abi_matches_the_rust_api() {
    let (ratings, outcome) = columns(400);
    let g = grader();
    let mut out = Outs::new();
    ok(call(g, &ratings, outcome.as_ptr(), 400, None, &mut out));
    let (config, report, text) = (take(out.config), take(out.report), take(out.text));

    let deals: Vec<ClosedDeal> = (0..400)
        .map(|i| ClosedDeal {
            ratings: Ratings::from_array(std::array::from_fn(|f| ratings[f][i])),
            outcome: match outcome[i] {
                1.0 => Outcome::Won,
                0.0 => Outcome::Lost,
                _ => Outcome::Withdrawn,
            },
        })
        .collect();
    let learned = learn(&deals, Grader::default().config(), &LearnOptions::default()).unwrap();
    assert_eq!(config, serde_json::to_string(&learned.config).unwrap());
    assert_eq!(report, serde_json::to_string(&learned.report).unwrap());
    assert_eq!(learned.report.withdrawn_left_out, 16);
    assert!(text.contains("Pass threshold"), "{text}");

    let json = CString::new(config).unwrap();
    let mut tuned = ptr::null_mut();
    ok(unsafe { techsales_grader_new(json.as_ptr(), &mut tuned) });
    unsafe { techsales_grader_free(tuned) };

    // Options JSON: withdrawn counted as lost.
    let options = CString::new(r#"{"withdrawn_as_lost": true, "folds": 5}"#).unwrap();
    let mut out = Outs::new();
    ok(call(
        g,
        &ratings,
        outcome.as_ptr(),
        400,
        Some(&options),
        &mut out,
    ));
    let report: serde_json::Value = serde_json::from_str(&take(out.report)).unwrap();
    assert_eq!(
        (report["deals"].as_u64(), report["folds"].as_u64()),
        (Some(400), Some(5))
    );
    take(out.config);
    assert!(!take(out.text).is_empty());
    unsafe { techsales_grader_free(g) };
}

/// NULL handles, columns and out-parameters are refused by name, and
/// nothing is written.
#[test]
fn null_parameters_are_refused_by_name() {
    let (ratings, outcome) = columns(100);
    let g = grader();
    let mut out = Outs::new();
    assert_eq!(
        call(ptr::null(), &ratings, outcome.as_ptr(), 100, None, &mut out),
        techsales_result::NullParameter
    );
    assert!(last_error().contains("grader"), "{}", last_error());
    assert_eq!(
        call(g, &ratings, ptr::null(), 100, None, &mut out),
        techsales_result::NullParameter
    );
    assert!(last_error().contains("outcome"), "{}", last_error());
    let r = unsafe {
        techsales_grader_learn(
            g,
            ptr::null(),
            outcome.as_ptr(),
            100,
            ptr::null(),
            0,
            &mut out.config,
            &mut out.report,
            &mut out.text,
        )
    };
    assert_eq!(r, techsales_result::NullParameter);
    assert!(last_error().contains("ratings"), "{}", last_error());
    let pointers: Vec<*const f64> = ratings.iter().map(|c| c.as_ptr()).collect();
    let r = unsafe {
        techsales_grader_learn(
            g,
            pointers.as_ptr(),
            outcome.as_ptr(),
            100,
            ptr::null(),
            0,
            &mut out.config,
            ptr::null_mut(),
            &mut out.text,
        )
    };
    assert_eq!(r, techsales_result::NullParameter);
    assert!(last_error().contains("out_report_json"), "{}", last_error());
    assert!(out.untouched());
    unsafe { techsales_grader_free(g) };
}

/// Lengths the library cannot use (too many rows, too few deals to learn
/// from), an outcome that is NaN or not a code, a bad language and bad
/// options are refused with a message that names them; nothing is
/// written.
#[test]
fn bad_lengths_outcomes_and_options_are_refused() {
    let (ratings, mut outcome) = columns(100);
    let g = grader();
    let mut out = Outs::new();
    assert_eq!(
        call(g, &ratings, outcome.as_ptr(), 10, None, &mut out),
        techsales_result::InvalidArgument
    );
    assert!(last_error().contains("at least 30"), "{}", last_error());
    assert_eq!(
        call(g, &ratings, outcome.as_ptr(), 0, None, &mut out),
        techsales_result::InvalidArgument
    );
    assert_eq!(
        call(g, &ratings, outcome.as_ptr(), usize::MAX, None, &mut out),
        techsales_result::InvalidArgument
    );
    assert!(last_error().contains("rows"), "{}", last_error());

    outcome[3] = f64::NAN;
    assert_eq!(
        call(g, &ratings, outcome.as_ptr(), 100, None, &mut out),
        techsales_result::InvalidArgument
    );
    assert!(last_error().contains("outcome[3]"), "{}", last_error());
    outcome[3] = 0.5;
    assert_eq!(
        call(g, &ratings, outcome.as_ptr(), 100, None, &mut out),
        techsales_result::InvalidArgument
    );
    outcome[3] = 1.0;

    let won = vec![1.0; 100];
    assert_eq!(
        call(g, &ratings, won.as_ptr(), 100, None, &mut out),
        techsales_result::InvalidArgument
    );
    assert!(
        last_error().contains("both won and lost"),
        "{}",
        last_error()
    );

    let malformed = CString::new("{folds: 3").unwrap();
    assert_eq!(
        call(
            g,
            &ratings,
            outcome.as_ptr(),
            100,
            Some(&malformed),
            &mut out
        ),
        techsales_result::InvalidJson
    );
    let one_fold = CString::new(r#"{"folds": 1}"#).unwrap();
    assert_eq!(
        call(
            g,
            &ratings,
            outcome.as_ptr(),
            100,
            Some(&one_fold),
            &mut out
        ),
        techsales_result::InvalidArgument
    );
    assert!(last_error().contains("folds"), "{}", last_error());

    let pointers: Vec<*const f64> = ratings.iter().map(|c| c.as_ptr()).collect();
    let r = unsafe {
        techsales_grader_learn(
            g,
            pointers.as_ptr(),
            outcome.as_ptr(),
            100,
            ptr::null(),
            99,
            &mut out.config,
            &mut out.report,
            &mut out.text,
        )
    };
    assert_eq!(r, techsales_result::InvalidEnumValue);
    assert!(out.untouched());
    unsafe { techsales_grader_free(g) };
}
