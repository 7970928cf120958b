//! Learning a grading model: `techsales_grader_learn` through the C ABI and
//! `grading::learn` through the Rust API, on the same deals.
//!
//! The input is the starting grader's configuration (line 1, empty for the
//! defaults), the learning options (line 2, empty for NULL) and then bytes:
//! a flag byte (NULL out-parameters, NULL columns, a claimed batch too
//! large to hold), a language code byte, and ten bytes per deal (nine
//! ratings and the outcome), each byte mapped to a value that is sometimes
//! NaN, infinite or out of range.
//!
//! The checks: nothing panics; a refused call leaves every out-parameter
//! NULL; the C ABI and the Rust API agree (both learn or both refuse, and
//! the same configuration); the learned configuration loads with
//! `techsales_grader_new` and `Grader::from_json`, and grades whatever the
//! starting grader grades, as the Rust grader does.
#![no_main]
use std::ptr;

use chrono::{NaiveDate, TimeDelta};
use libfuzzer_sys::fuzz_target;
use techsales::ffi::grading::*;
use techsales::ffi::techsales_result;
use techsales::grading::learn::{learn, ClosedDeal, LearnOptions};
use techsales::grading::{Grader, Opportunity, Ratings};
use techsales::key_account::Outcome;
use techsales_fuzz::{c_string, no_panic, take};

/// A rating from one byte: mostly 0-10 in steps of 0.05, and now and then
/// unknown, infinite or out of range.
fn rating(byte: u8) -> f64 {
    match byte {
        0..=200 => f64::from(byte) / 20.0,
        201..=230 => f64::NAN,
        231 => f64::INFINITY,
        232 => f64::NEG_INFINITY,
        233 => -0.0,
        234 => -1.0,
        235 => 10.5,
        236 => f64::MAX,
        237 => f64::MIN_POSITIVE,
        _ => f64::from(byte) / 25.0,
    }
}

/// An outcome code from one byte: mostly 0 (lost), 1 (won) or 2
/// (withdrawn), now and then a code the call must refuse.
fn outcome_code(byte: u8) -> f64 {
    match byte % 16 {
        0..=5 => 0.0,
        6..=11 => 1.0,
        12..=13 => 2.0,
        14 => f64::NAN,
        _ => f64::from(byte) - 100.0,
    }
}

fn outcome(code: f64) -> Option<Outcome> {
    if code == 1.0 {
        Some(Outcome::Won)
    } else if code == 0.0 {
        Some(Outcome::Lost)
    } else if code == 2.0 {
        Some(Outcome::Withdrawn)
    } else {
        None
    }
}

/// Grades one opportunity through the C ABI: the result code and, when it
/// succeeded, the status, grade and score bits.
fn grade(grader: *const techsales_grader, ratings: &[f64; 9]) -> Option<(u32, u32, u64)> {
    let (mut status, mut grade, mut score) = (0, 0, 0.0);
    let code = unsafe {
        techsales_grader_grade(
            grader,
            ratings.as_ptr(),
            AS_OF_DAY + 30,
            AS_OF_DAY,
            0.5,
            &mut status,
            &mut grade,
            &mut score,
        )
    };
    no_panic(code, "grader_grade");
    (code == techsales_result::Ok).then_some((status, grade, score.to_bits()))
}

/// 2026-01-05, days since the Unix epoch.
const AS_OF_DAY: i32 = 20_458;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == b'\n');
    let config = parts.next().unwrap_or_default();
    let options = parts.next().unwrap_or_default();
    let bytes = parts.next().unwrap_or_default();
    let (flags, language, rows) = match bytes {
        [flags, language, rows @ ..] => (*flags, u32::from(*language) % 4, rows),
        _ => (0, 0, &[][..]),
    };

    let config = c_string(config);
    let mut grader = ptr::null_mut();
    let config_ptr = if config.is_empty() {
        ptr::null()
    } else {
        config.as_ptr()
    };
    let code = unsafe { techsales_grader_new(config_ptr, &mut grader) };
    no_panic(code, "grader_new");
    if code != techsales_result::Ok {
        return;
    }
    let options = c_string(options);
    let options_ptr = if options.is_empty() {
        ptr::null()
    } else {
        options.as_ptr()
    };

    // Columns, one per factor, and the outcomes.
    let n = rows.len() / 10;
    let mut columns: Vec<Vec<f64>> = (0..9).map(|_| Vec::with_capacity(n)).collect();
    let mut outcomes = Vec::with_capacity(n);
    for row in rows.chunks_exact(10) {
        for (column, &byte) in columns.iter_mut().zip(&row[..9]) {
            column.push(rating(byte));
        }
        outcomes.push(outcome_code(row[9]));
    }
    let null_columns = flags & 1 != 0;
    let claimed_n = if flags & 2 != 0 { usize::MAX / 2 } else { n };
    let mut pointers: Vec<*const f64> = columns.iter().map(|c| c.as_ptr()).collect();
    if null_columns {
        pointers[usize::from(flags >> 4) % 9] = ptr::null();
    }
    let outcome_ptr = if flags & 4 != 0 {
        ptr::null()
    } else {
        outcomes.as_ptr()
    };
    let (mut out_config, mut out_report, mut out_text) =
        (ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
    let null_out = flags & 8 != 0;
    // A claimed length beyond the columns only goes with a NULL column,
    // which the call refuses before reading any.
    let passed_n = if null_columns || outcome_ptr.is_null() {
        claimed_n
    } else {
        n
    };
    let code = unsafe {
        techsales_grader_learn(
            grader,
            pointers.as_ptr(),
            outcome_ptr,
            passed_n,
            options_ptr,
            language,
            if null_out {
                ptr::null_mut()
            } else {
                &mut out_config
            },
            &mut out_report,
            &mut out_text,
        )
    };
    no_panic(code, "grader_learn");
    if code != techsales_result::Ok {
        assert!(
            out_config.is_null() && out_report.is_null() && out_text.is_null(),
            "a refused learn wrote an out-parameter"
        );
    }
    let valid_call =
        !null_out && passed_n == n && (n == 0 || (!null_columns && !outcome_ptr.is_null()));
    if null_out || (n > 0 && (null_columns || outcome_ptr.is_null())) {
        assert_ne!(code, techsales_result::Ok, "a NULL argument was accepted");
    }

    // The same deals through the Rust API.
    let start = {
        let mut saved = ptr::null_mut();
        assert_eq!(
            unsafe { techsales_grader_to_json(grader, &mut saved) },
            techsales_result::Ok
        );
        Grader::from_json(&unsafe { take(saved) }).expect("a saved grader loads")
    };
    let deals: Option<Vec<ClosedDeal>> = outcomes
        .iter()
        .enumerate()
        .map(|(i, &code)| {
            Some(ClosedDeal {
                ratings: Ratings::from_array(std::array::from_fn(|f| columns[f][i])),
                outcome: outcome(code)?,
            })
        })
        .collect();
    let rust_options: Option<LearnOptions> = if options.is_empty() {
        Some(LearnOptions::default())
    } else {
        options
            .to_str()
            .ok()
            .and_then(|text| serde_json::from_str(text).ok())
    };
    let rust = match (&deals, &rust_options) {
        (Some(deals), Some(options)) if valid_call && language < 2 => {
            Some(learn(deals, start.config(), options))
        }
        _ => None,
    };
    if let Some(rust) = &rust {
        assert_eq!(
            rust.is_ok(),
            code == techsales_result::Ok,
            "the C ABI and the Rust API disagree: {rust:?}"
        );
    }

    if code == techsales_result::Ok {
        let config_json = unsafe { take(out_config) };
        let report_json = unsafe { take(out_report) };
        let text = unsafe { take(out_text) };
        serde_json::from_str::<serde_json::Value>(&report_json).expect("the report is JSON");
        assert!(!text.is_empty(), "the report text is empty");
        if let Some(Ok(learned)) = &rust {
            assert_eq!(
                serde_json::to_string(&learned.config).unwrap(),
                config_json,
                "the Rust API learned another configuration"
            );
            Grader::new(learned.config.clone()).expect("the learned configuration is valid");
        }
        let rust_grader =
            Grader::from_json(&config_json).expect("the learned configuration loads in Rust");
        let json = c_string(config_json.as_bytes());
        let mut learned = ptr::null_mut();
        let code = unsafe { techsales_grader_new(json.as_ptr(), &mut learned) };
        assert_eq!(
            code,
            techsales_result::Ok,
            "the learned configuration does not load"
        );
        // One opportunity from the first deal's ratings, and a plain one.
        let first: [f64; 9] = std::array::from_fn(|f| columns[f].first().copied().unwrap_or(5.0));
        for ratings in [first, [5.0; 9]] {
            let before = grade(grader, &ratings);
            let after = grade(learned, &ratings);
            if before.is_some() {
                assert!(after.is_some(), "the learned grader refuses {ratings:?}");
            }
            let as_of = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
            let opportunity = Opportunity {
                ratings: Ratings::from_array(ratings),
                expected_close: as_of + TimeDelta::days(30),
                possibility: Some(0.5),
            };
            let rust_grade = rust_grader.grade(&opportunity, as_of);
            assert_eq!(
                rust_grade.is_ok(),
                after.is_some(),
                "the C and Rust graders disagree on {ratings:?}"
            );
            if let (Ok(assessment), Some((_, _, score))) = (rust_grade, after) {
                assert_eq!(assessment.evaluation.score.to_bits(), score);
            }
        }
        unsafe { techsales_grader_free(learned) };
    }
    unsafe { techsales_grader_free(grader) };
});
