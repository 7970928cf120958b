//! The C ABI for A-D grading, driven from Rust: one opportunity with its
//! explanation and policy, a column batch that agrees with the Rust API,
//! then bad input. Runs under Miri:
//! `cargo +nightly miri test --test ffi_grading`.

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use chrono::NaiveDate;
use techsales::ffi::grading::*;
use techsales::ffi::*;
use techsales::grading::{
    day_number, ColumnInput, ColumnOutput, Grade, Grader, ItemStatus, FACTOR_COUNT,
};

#[path = "support/ffi_helpers.rs"]
mod ffi_helpers;
use ffi_helpers::{last_error, ok, take};

/// 2026-01-15, in days since the Unix epoch.
const AS_OF: i32 = 20_468;
/// 2026-03-31.
const CLOSE_Q1: i32 = 20_543;

struct OwnedGrader(*mut techsales_grader);

impl OwnedGrader {
    fn new(json: Option<&CStr>) -> Self {
        let mut g = ptr::null_mut();
        ok(unsafe { techsales_grader_new(json.map_or(ptr::null(), CStr::as_ptr), &mut g) });
        OwnedGrader(g)
    }
}

impl Drop for OwnedGrader {
    fn drop(&mut self) {
        unsafe { techsales_grader_free(self.0) };
    }
}

/// Ratings 7 everywhere, prices 4: passes with a score of 6.7.
fn good_ratings() -> [f64; FACTOR_COUNT] {
    let mut r = [7.0; FACTOR_COUNT];
    r[6] = 4.0;
    r
}

fn grade_one(g: &OwnedGrader, ratings: &[f64; 9], close: i32, p: f64) -> (u32, u32, f64) {
    let (mut status, mut grade, mut score) = (99, 99, -1.0);
    ok(unsafe {
        techsales_grader_grade(
            g.0,
            ratings.as_ptr(),
            close,
            AS_OF,
            p,
            &mut status,
            &mut grade,
            &mut score,
        )
    });
    (status, grade, score)
}

#[test]
fn days_since_the_epoch_convert_both_ways() {
    let mut days = 0;
    ok(unsafe { techsales_date_from_ymd(2026, 1, 15, &mut days) });
    assert_eq!(days, AS_OF);
    ok(unsafe { techsales_date_from_ymd(1970, 1, 1, &mut days) });
    assert_eq!(days, 0);
    ok(unsafe { techsales_date_from_ymd(1969, 12, 31, &mut days) });
    assert_eq!(days, -1);
    let (mut y, mut m, mut d) = (0, 0, 0);
    ok(unsafe { techsales_date_to_ymd(CLOSE_Q1, &mut y, &mut m, &mut d) });
    assert_eq!((y, m, d), (2026, 3, 31));
    assert_eq!(
        unsafe { techsales_date_from_ymd(2026, 2, 30, &mut days) },
        techsales_result::InvalidArgument
    );
    assert_eq!(
        unsafe { techsales_date_to_ymd(i32::MAX, &mut y, &mut m, &mut d) },
        techsales_result::InvalidArgument
    );
    assert_eq!(days, -1, "not written on failure");
}

#[test]
fn one_opportunity_is_graded_explained_and_given_its_policy() {
    let g = OwnedGrader::new(None);
    // Closes within three months and likely: A.
    let (status, grade, score) = grade_one(&g, &good_ratings(), CLOSE_Q1, 0.75);
    assert_eq!(status, ItemStatus::Graded.code());
    assert_eq!(grade, Grade::A.code());
    assert!((score - 6.7).abs() < 1e-9, "{score}");
    // Slipped to December and less likely: C.
    let (_, grade, _) = grade_one(&g, &good_ratings(), CLOSE_Q1 + 245, 0.4);
    assert_eq!(grade, Grade::C.code());
    // Funding at risk: knocked out whatever the score, given up, no grade.
    let mut risky = good_ratings();
    risky[1] = 1.0;
    let (status, grade, _) = grade_one(&g, &risky, CLOSE_Q1, 0.9);
    assert_eq!(status, ItemStatus::GiveUp.code());
    assert_eq!(grade, TECHSALES_NO_GRADE);
    // Weak overall: kept at a lower contact level.
    let (status, grade, score) = grade_one(&g, &[4.0; 9], CLOSE_Q1, 0.9);
    assert_eq!(status, ItemStatus::LowerContactLevel.code());
    assert_eq!((grade, score), (TECHSALES_NO_GRADE, 4.0));

    let (mut verdict, mut score, mut knocked) = (9, 0.0, 0);
    ok(unsafe {
        techsales_grader_evaluate(g.0, risky.as_ptr(), &mut verdict, &mut score, &mut knocked)
    });
    assert_eq!((verdict, knocked), (2, 1 << 1));

    let mut text = ptr::null_mut();
    let r = good_ratings();
    ok(unsafe {
        techsales_grader_explain(g.0, r.as_ptr(), CLOSE_Q1, AS_OF, 0.75, 0, true, &mut text)
    });
    let english = take(text);
    assert!(english.contains("Go all out"), "{english}");
    ok(unsafe {
        techsales_grader_explain(g.0, r.as_ptr(), CLOSE_Q1, AS_OF, 0.75, 1, true, &mut text)
    });
    let chinese = take(text);
    assert!(chinese.contains("全力以赴"), "{chinese}");
    ok(unsafe {
        techsales_grader_explain(g.0, r.as_ptr(), CLOSE_Q1, AS_OF, 0.75, 0, false, &mut text)
    });
    let json: serde_json::Value = serde_json::from_str(&take(text)).unwrap();
    assert_eq!(json["grade"], "a");
    assert_eq!(json["expected_close"], "2026-03-31");
    assert_eq!(json["factors"].as_array().unwrap().len(), 9);

    let mut policy = techsales_resource_policy {
        effort: 99,
        enter_sales_process: false,
        maintain_customer: true,
        review_every_days: 0,
    };
    ok(unsafe { techsales_grader_policy(g.0, Grade::A.code(), &mut policy) });
    assert_eq!(policy.effort, 0);
    assert!(policy.enter_sales_process && !policy.maintain_customer);
    assert_eq!(policy.review_every_days, 7);
    ok(unsafe { techsales_grader_policy(g.0, Grade::D.code(), &mut policy) });
    assert_eq!((policy.effort, policy.review_every_days), (3, 90));

    let mut json = ptr::null_mut();
    ok(unsafe { techsales_grader_to_json(g.0, &mut json) });
    let config = CString::new(take(json)).unwrap();
    let again = OwnedGrader::new(Some(&config));
    assert_eq!(
        grade_one(&again, &good_ratings(), CLOSE_Q1, 0.75).1,
        Grade::A.code()
    );
}

/// One-by-one grading reuses the table compiled for the last as-of date;
/// another table or another date must never get that table's answer.
#[test]
fn each_grader_and_as_of_date_is_graded_by_its_own_table() {
    let default = OwnedGrader::new(None);
    let strict = OwnedGrader::new(Some(
        c"{\"table\": {\"a\": {\"within\": 1, \"min_possibility\": 0.9}}}",
    ));
    let r = good_ratings();
    let grade_at = |g: &OwnedGrader, as_of: i32| {
        let (mut s, mut grade, mut score) = (0, 0, 0.0);
        ok(unsafe {
            techsales_grader_grade(
                g.0,
                r.as_ptr(),
                CLOSE_Q1,
                as_of,
                0.75,
                &mut s,
                &mut grade,
                &mut score,
            )
        });
        grade
    };
    for _ in 0..2 {
        assert_eq!(grade_at(&default, AS_OF), Grade::A.code());
        assert_eq!(grade_at(&strict, AS_OF), Grade::B.code());
    }
    // Nine months earlier the close date is over six months away: C.
    assert_eq!(grade_at(&default, AS_OF - 270), Grade::C.code());
    assert_eq!(grade_at(&default, AS_OF), Grade::A.code());
}

#[test]
fn refused_input_names_what_is_wrong_and_writes_nothing() {
    let g = OwnedGrader::new(None);
    let (mut status, mut grade, mut score) = (99, 99, -1.0);
    let mut r = good_ratings();
    r[4] = f64::INFINITY;
    let call = |r: &[f64; 9], close: i32, p: f64, s: &mut u32, gr: &mut u32, sc: &mut f64| unsafe {
        techsales_grader_grade(g.0, r.as_ptr(), close, AS_OF, p, s, gr, sc)
    };
    let bad = techsales_result::InvalidArgument;
    assert_eq!(
        call(&r, CLOSE_Q1, 0.5, &mut status, &mut grade, &mut score),
        bad
    );
    assert!(
        last_error().contains("Customer reputation"),
        "{}",
        last_error()
    );
    r[4] = 10.5;
    assert_eq!(
        call(&r, CLOSE_Q1, 0.5, &mut status, &mut grade, &mut score),
        bad
    );
    let r = good_ratings();
    assert_eq!(
        call(&r, CLOSE_Q1, 1.2, &mut status, &mut grade, &mut score),
        bad
    );
    assert!(last_error().contains("possibility"), "{}", last_error());
    assert_eq!(
        call(&r, AS_OF - 1, 0.5, &mut status, &mut grade, &mut score),
        bad
    );
    assert!(last_error().contains("2026-01-14"), "{}", last_error());
    assert_eq!(
        call(&r, i32::MAX, 0.5, &mut status, &mut grade, &mut score),
        bad
    );
    assert!(last_error().contains("expected_close_day"));
    assert_eq!((status, grade, score), (99, 99, -1.0));
}

/// Columns of `n` generated items, every kind of result among them.
struct Columns {
    ratings: Vec<Vec<f64>>,
    close: Vec<i32>,
    possibility: Vec<f64>,
}

impl Columns {
    fn generate(n: usize) -> Self {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut c = Columns {
            ratings: (0..FACTOR_COUNT).map(|_| Vec::with_capacity(n)).collect(),
            close: Vec::with_capacity(n),
            possibility: Vec::with_capacity(n),
        };
        for i in 0..n {
            let quality = 1.0 + 8.0 * next();
            for column in &mut c.ratings {
                column.push(
                    ((quality + 4.0 * (next() - 0.5)).clamp(0.0, 10.0) * 10.0).round() / 10.0,
                );
            }
            c.close.push(AS_OF + (next() * 550.0) as i32);
            c.possibility.push((next() * 100.0).round() / 100.0);
            match i % 37 {
                3 => c.ratings[i % 9][i] = f64::NAN,
                5 => c.ratings[i % 9][i] = -0.5,
                7 => c.possibility[i] = 1.2,
                11 => c.possibility[i] = f64::INFINITY,
                13 => c.close[i] = AS_OF - 3,
                17 => c.close[i] = i32::MAX,
                19 => c.close[i] = i32::MIN,
                _ => {}
            }
        }
        c
    }

    fn pointers(&self) -> [*const f64; FACTOR_COUNT] {
        std::array::from_fn(|i| self.ratings[i].as_ptr())
    }
}

#[test]
fn a_column_batch_agrees_with_the_rust_api_and_with_one_by_one() {
    let n = if cfg!(miri) { 80 } else { 5_000 };
    let c = Columns::generate(n);
    let g = OwnedGrader::new(None);
    let mut status = vec![99u32; n];
    let mut grade = vec![99u32; n];
    let mut score = vec![-1.0; n];
    let mut summary = techsales_batch_summary::default();
    ok(unsafe {
        techsales_grader_grade_columns(
            g.0,
            AS_OF,
            c.pointers().as_ptr(),
            c.close.as_ptr(),
            c.possibility.as_ptr(),
            n,
            status.as_mut_ptr(),
            grade.as_mut_ptr(),
            score.as_mut_ptr(),
            &mut summary,
        )
    });
    assert_eq!(
        summary.graded + summary.failed + summary.invalid + summary.not_enough_known,
        n
    );
    assert!(summary.graded > 0 && summary.failed > 0 && summary.invalid > 0);

    // The Rust API on the same columns, close dates as day numbers.
    let grader = Grader::default();
    let epoch = day_number(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap());
    let close: Vec<i32> = c.close.iter().map(|d| d.saturating_add(epoch)).collect();
    let input = ColumnInput {
        ratings: std::array::from_fn(|i| &c.ratings[i][..]),
        close_day: &close,
        possibility: &c.possibility,
    };
    let mut rust_status = vec![ItemStatus::Graded; n];
    let mut rust_grade = vec![None; n];
    let mut rust_score = vec![0.0; n];
    let rust_summary = grader
        .grade_columns(
            NaiveDate::from_ymd_opt(2026, 1, 15).unwrap(),
            &input,
            &mut ColumnOutput {
                status: &mut rust_status,
                grade: &mut rust_grade,
                score: &mut rust_score,
            },
        )
        .unwrap();
    assert_eq!(
        (
            rust_summary.graded,
            rust_summary.failed,
            rust_summary.invalid,
            rust_summary.not_enough_known
        ),
        (
            summary.graded,
            summary.failed,
            summary.invalid,
            summary.not_enough_known
        )
    );
    let mut seen = [0usize; 6];
    for i in 0..n {
        assert_eq!(status[i], rust_status[i].code(), "item {i}");
        assert_eq!(
            grade[i],
            rust_grade[i].map_or(TECHSALES_NO_GRADE, Grade::code),
            "item {i}"
        );
        assert_eq!(score[i].to_bits(), rust_score[i].to_bits(), "item {i}");
        seen[status[i] as usize] += 1;
    }
    assert!(seen.iter().all(|&k| k > 0), "every status occurs: {seen:?}");

    // One by one through the scalar call: the same, or refused where the
    // batch gives an error status.
    for i in (0..n).step_by(if cfg!(miri) { 7 } else { 1 }) {
        let row: [f64; 9] = std::array::from_fn(|f| c.ratings[f][i]);
        let (mut s, mut gr, mut sc) = (0, 0, 0.0);
        let r = unsafe {
            techsales_grader_grade(
                g.0,
                row.as_ptr(),
                c.close[i],
                AS_OF,
                c.possibility[i],
                &mut s,
                &mut gr,
                &mut sc,
            )
        };
        let refused = ItemStatus::ALL
            .iter()
            .any(|s| s.is_error() && s.code() == status[i]);
        if refused {
            assert_eq!(r, techsales_result::InvalidArgument, "item {i}");
        } else if r == techsales_result::Ok {
            assert_eq!(
                (s, gr, sc.to_bits()),
                (status[i], grade[i], score[i].to_bits())
            );
        } else {
            // A close day beyond the calendar: the batch counts it as the
            // farthest date (grade D at best); one by one it is refused.
            assert_eq!(c.close[i], i32::MAX, "item {i}: {}", last_error());
        }
    }
}

#[test]
fn an_empty_batch_may_pass_null_columns() {
    let g = OwnedGrader::new(None);
    let ratings = [ptr::null::<f64>(); FACTOR_COUNT];
    let mut summary = techsales_batch_summary {
        graded: 9,
        failed: 9,
        invalid: 9,
        not_enough_known: 9,
    };
    ok(unsafe {
        techsales_grader_grade_columns(
            g.0,
            AS_OF,
            ratings.as_ptr(),
            ptr::null(),
            ptr::null(),
            0,
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null_mut(),
            &mut summary,
        )
    });
    assert_eq!(
        (
            summary.graded,
            summary.failed,
            summary.invalid,
            summary.not_enough_known
        ),
        (0, 0, 0, 0)
    );
}

#[test]
fn overlapping_or_misaligned_columns_are_refused() {
    let n = 8;
    let c = Columns::generate(n);
    let g = OwnedGrader::new(None);
    let mut status = vec![0u32; 2 * n];
    let mut grade = vec![0u32; n];
    let mut score = vec![0.0; n];
    let mut summary = techsales_batch_summary::default();
    let p = c.pointers();
    unsafe {
        // Grades written over the second half of the statuses' array.
        assert_eq!(
            techsales_grader_grade_columns(
                g.0,
                AS_OF,
                p.as_ptr(),
                c.close.as_ptr(),
                c.possibility.as_ptr(),
                n,
                status.as_mut_ptr(),
                status.as_mut_ptr().add(4),
                score.as_mut_ptr(),
                &mut summary,
            ),
            techsales_result::InvalidArgument
        );
        assert!(last_error().contains("overlaps"), "{}", last_error());
        // Scores written over an input column.
        assert_eq!(
            techsales_grader_grade_columns(
                g.0,
                AS_OF,
                p.as_ptr(),
                c.close.as_ptr(),
                c.possibility.as_ptr(),
                n,
                status.as_mut_ptr(),
                grade.as_mut_ptr(),
                c.possibility.as_ptr().cast_mut(),
                &mut summary,
            ),
            techsales_result::InvalidArgument
        );
        let misaligned = c.close.as_ptr().cast::<u8>().add(1).cast::<i32>();
        assert_eq!(
            techsales_grader_grade_columns(
                g.0,
                AS_OF,
                p.as_ptr(),
                misaligned,
                c.possibility.as_ptr(),
                n,
                status.as_mut_ptr(),
                grade.as_mut_ptr(),
                score.as_mut_ptr(),
                &mut summary,
            ),
            techsales_result::InvalidArgument
        );
        assert!(last_error().contains("aligned"), "{}", last_error());
        assert_eq!(
            techsales_grader_grade_columns(
                g.0,
                AS_OF,
                p.as_ptr(),
                c.close.as_ptr(),
                c.possibility.as_ptr(),
                usize::MAX / 2,
                status.as_mut_ptr(),
                grade.as_mut_ptr(),
                score.as_mut_ptr(),
                &mut summary,
            ),
            techsales_result::InvalidArgument
        );
    }
    assert!(status.iter().all(|&s| s == 0) && grade.iter().all(|&s| s == 0));
    assert_eq!(
        summary.graded + summary.failed + summary.invalid + summary.not_enough_known,
        0
    );
}

#[test]
fn null_for_every_pointer_parameter_is_an_error_never_a_crash() {
    let g = OwnedGrader::new(None);
    let n = techsales_result::NullParameter;
    let r = good_ratings();
    let (mut u, mut v, mut f, mut i) = (0u32, 0u32, 0.0f64, 0i32);
    let mut s: *mut c_char = ptr::null_mut();
    let mut policy = techsales_resource_policy {
        effort: 0,
        enter_sales_process: false,
        maintain_customer: false,
        review_every_days: 0,
    };
    let c = Columns::generate(4);
    let p = c.pointers();
    let (mut st, mut gr, mut sc) = ([0u32; 4], [0u32; 4], [0.0; 4]);
    let mut summary = techsales_batch_summary::default();
    unsafe {
        assert_eq!(techsales_date_to_ymd(0, ptr::null_mut(), &mut v, &mut u), n);
        assert_eq!(techsales_date_to_ymd(0, &mut i, ptr::null_mut(), &mut u), n);
        assert_eq!(techsales_date_to_ymd(0, &mut i, &mut u, ptr::null_mut()), n);
        assert_eq!((i, u, v), (0, 0, 0), "nothing written");
        assert_eq!(techsales_date_from_ymd(2026, 1, 1, ptr::null_mut()), n);
        assert_eq!(techsales_grader_new(ptr::null(), ptr::null_mut()), n);
        assert_eq!(techsales_grader_to_json(ptr::null(), &mut s), n);
        assert_eq!(techsales_grader_to_json(g.0, ptr::null_mut()), n);
        let e = techsales_grader_evaluate;
        let (pu, pv, pf) = (&mut u as *mut u32, &mut v as *mut u32, &mut f as *mut f64);
        assert_eq!(e(ptr::null(), r.as_ptr(), pv, pf, pu), n);
        assert_eq!(e(g.0, ptr::null(), pv, pf, pu), n);
        assert_eq!(e(g.0, r.as_ptr(), ptr::null_mut(), pf, pu), n);
        assert_eq!(e(g.0, r.as_ptr(), pv, ptr::null_mut(), pu), n);
        assert_eq!(e(g.0, r.as_ptr(), pv, pf, ptr::null_mut()), n);
        let grade = |a, b, c, d, e| techsales_grader_grade(a, b, CLOSE_Q1, AS_OF, 0.5, c, d, e);
        assert_eq!(grade(ptr::null(), r.as_ptr(), pu, pv, pf), n);
        assert_eq!(grade(g.0, ptr::null(), pu, pv, pf), n);
        assert_eq!(grade(g.0, r.as_ptr(), ptr::null_mut(), pv, pf), n);
        assert_eq!(grade(g.0, r.as_ptr(), pu, ptr::null_mut(), pf), n);
        assert_eq!(grade(g.0, r.as_ptr(), pu, pv, ptr::null_mut()), n);
        let explain = |a, b, c| techsales_grader_explain(a, b, CLOSE_Q1, AS_OF, 0.5, 0, true, c);
        assert_eq!(explain(ptr::null(), r.as_ptr(), &mut s), n);
        assert_eq!(explain(g.0, ptr::null(), &mut s), n);
        assert_eq!(explain(g.0, r.as_ptr(), ptr::null_mut()), n);
        assert_eq!(techsales_grader_policy(ptr::null(), 0, &mut policy), n);
        assert_eq!(techsales_grader_policy(g.0, 0, ptr::null_mut()), n);

        let batch = |grader, ratings, close, poss, st, gr, sc, sum| {
            techsales_grader_grade_columns(grader, AS_OF, ratings, close, poss, 4, st, gr, sc, sum)
        };
        let (ps, pg, pc) = (st.as_mut_ptr(), gr.as_mut_ptr(), sc.as_mut_ptr());
        let (cl, po) = (c.close.as_ptr(), c.possibility.as_ptr());
        assert_eq!(
            batch(ptr::null(), p.as_ptr(), cl, po, ps, pg, pc, &mut summary),
            n
        );
        assert_eq!(batch(g.0, ptr::null(), cl, po, ps, pg, pc, &mut summary), n);
        assert_eq!(
            batch(g.0, p.as_ptr(), ptr::null(), po, ps, pg, pc, &mut summary),
            n
        );
        assert_eq!(
            batch(g.0, p.as_ptr(), cl, ptr::null(), ps, pg, pc, &mut summary),
            n
        );
        assert_eq!(
            batch(
                g.0,
                p.as_ptr(),
                cl,
                po,
                ptr::null_mut(),
                pg,
                pc,
                &mut summary
            ),
            n
        );
        assert_eq!(
            batch(
                g.0,
                p.as_ptr(),
                cl,
                po,
                ps,
                ptr::null_mut(),
                pc,
                &mut summary
            ),
            n
        );
        assert_eq!(
            batch(
                g.0,
                p.as_ptr(),
                cl,
                po,
                ps,
                pg,
                ptr::null_mut(),
                &mut summary
            ),
            n
        );
        assert_eq!(
            batch(g.0, p.as_ptr(), cl, po, ps, pg, pc, ptr::null_mut()),
            n
        );
        for column in 0..FACTOR_COUNT {
            let mut holed = p;
            holed[column] = ptr::null();
            assert_eq!(
                batch(g.0, holed.as_ptr(), cl, po, ps, pg, pc, &mut summary),
                n
            );
            assert!(last_error().contains(&format!("ratings[{column}]")));
        }
        techsales_grader_free(ptr::null_mut());
    }
    assert!(s.is_null());
    assert_eq!(st, [0; 4]);
}

#[test]
fn out_of_range_enums_bad_utf8_and_bad_json_are_refused() {
    let g = OwnedGrader::new(None);
    let r = good_ratings();
    let mut s: *mut c_char = ptr::null_mut();
    let mut h = ptr::null_mut();
    let mut policy = techsales_resource_policy {
        effort: 0,
        enter_sales_process: false,
        maintain_customer: false,
        review_every_days: 0,
    };
    let e = techsales_result::InvalidEnumValue;
    unsafe {
        assert_eq!(techsales_grader_policy(g.0, 4, &mut policy), e);
        assert_eq!(techsales_grader_policy(g.0, u32::MAX, &mut policy), e);
        assert_eq!(
            techsales_grader_explain(g.0, r.as_ptr(), CLOSE_Q1, AS_OF, 0.5, 2, true, &mut s),
            e
        );
        let bad = CString::new(vec![b'{', 0xff, b'}']).unwrap();
        assert_eq!(
            techsales_grader_new(bad.as_ptr(), &mut h),
            techsales_result::InvalidUtf8
        );
        assert_eq!(
            techsales_grader_new(
                c"{\"table\": {\"b\": {\"within\": 1, \"min_possibility\": 0.5}}}".as_ptr(),
                &mut h
            ),
            techsales_result::ConfigError
        );
        assert!(last_error().contains("table.b.within"), "{}", last_error());
        for text in [
            &b"{"[..],
            b"[1, 2]",
            b"null",
            b"{\"tabel\": {}}",
            b"{\"evaluation\": 5}",
        ] {
            let json = CString::new(text).unwrap();
            assert_eq!(
                techsales_grader_new(json.as_ptr(), &mut h),
                techsales_result::InvalidJson,
                "{}",
                String::from_utf8_lossy(text)
            );
        }
        let scale = if cfg!(miri) { 1 } else { 100 };
        let deep = CString::new("{\"evaluation\":".repeat(1_000 * scale)).unwrap();
        assert_eq!(
            techsales_grader_new(deep.as_ptr(), &mut h),
            techsales_result::InvalidJson
        );
        let weights = format!(
            "{{\"evaluation\": {{\"knock_outs\": [{}]}}}}",
            vec!["{\"factor\": \"project_level\", \"below\": 1}"; 1_000 * scale].join(",")
        );
        let big = CString::new(weights).unwrap();
        assert_eq!(
            techsales_grader_new(big.as_ptr(), &mut h),
            techsales_result::ConfigError
        );
        assert!(
            last_error().contains("knock_outs[1].factor"),
            "{}",
            last_error()
        );
    }
    assert!(s.is_null() && h.is_null());
}

/// A grader handle passed to other threads, as the header documents it may be.
#[derive(Clone, Copy)]
struct SharedGrader(*mut techsales_grader);
// SAFETY: a grader is immutable after creation and documented as shareable.
unsafe impl Send for SharedGrader {}

impl SharedGrader {
    fn get(self) -> *const techsales_grader {
        self.0
    }
}

#[test]
fn a_grader_is_shared_by_several_threads() {
    let owner = OwnedGrader::new(None);
    let shared = SharedGrader(owner.0);
    let n = if cfg!(miri) { 16 } else { 2_000 };
    let c = std::sync::Arc::new(Columns::generate(n));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let c = c.clone();
            std::thread::spawn(move || {
                let grader = shared.get();
                let mut status = vec![0u32; n];
                let mut grade = vec![0u32; n];
                let mut score = vec![0.0; n];
                let mut summary = techsales_batch_summary::default();
                for _ in 0..if cfg!(miri) { 1 } else { 20 } {
                    ok(unsafe {
                        techsales_grader_grade_columns(
                            grader,
                            AS_OF + t,
                            c.pointers().as_ptr(),
                            c.close.as_ptr(),
                            c.possibility.as_ptr(),
                            n,
                            status.as_mut_ptr(),
                            grade.as_mut_ptr(),
                            score.as_mut_ptr(),
                            &mut summary,
                        )
                    });
                    let r = good_ratings();
                    let (mut s, mut g, mut sc) = (0, 0, 0.0);
                    ok(unsafe {
                        techsales_grader_grade(
                            grader,
                            r.as_ptr(),
                            CLOSE_Q1,
                            AS_OF,
                            0.75,
                            &mut s,
                            &mut g,
                            &mut sc,
                        )
                    });
                    assert_eq!(g, Grade::A.code());
                }
                (summary.graded, summary.failed, summary.invalid)
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(results.iter().all(|r| r.0 + r.1 + r.2 == n));
}

/// The column batch of `c` on `threads` threads: the result code, then the
/// status, grade and score bits of every item and the summary.
fn grade_on_threads(
    g: &OwnedGrader,
    c: &Columns,
    threads: u32,
) -> (techsales_result, Vec<u32>, Vec<u32>, Vec<u64>, [usize; 3]) {
    let n = c.possibility.len();
    let mut status = vec![99u32; n];
    let mut grade = vec![99u32; n];
    let mut score = vec![-1.0f64; n];
    let mut summary = techsales_batch_summary::default();
    let r = unsafe {
        techsales_grader_grade_columns_threads(
            g.0,
            AS_OF,
            c.pointers().as_ptr(),
            c.close.as_ptr(),
            c.possibility.as_ptr(),
            n,
            threads,
            status.as_mut_ptr(),
            grade.as_mut_ptr(),
            score.as_mut_ptr(),
            &mut summary,
        )
    };
    let bits = score.iter().map(|s| s.to_bits()).collect();
    let counts = [summary.graded, summary.failed, summary.invalid];
    (r, status, grade, bits, counts)
}

#[test]
fn a_column_batch_gives_the_same_results_on_any_thread_count() {
    // Past two of the pieces a large batch is shared out in.
    let n = if cfg!(miri) { 80 } else { 70_000 };
    let c = Columns::generate(n);
    let g = OwnedGrader::new(None);
    let alone = grade_on_threads(&g, &c, 1);
    assert_eq!(alone.0, techsales_result::Ok);
    assert_eq!(alone.4.iter().sum::<usize>(), n);
    for threads in [0, 2, 3] {
        assert_eq!(
            grade_on_threads(&g, &c, threads),
            alone,
            "{threads} threads"
        );
    }
    // The form without a thread count uses every core, to the same effect.
    let mut status = vec![0u32; n];
    let mut grade = vec![0u32; n];
    let mut score = vec![0.0f64; n];
    let mut summary = techsales_batch_summary::default();
    ok(unsafe {
        techsales_grader_grade_columns(
            g.0,
            AS_OF,
            c.pointers().as_ptr(),
            c.close.as_ptr(),
            c.possibility.as_ptr(),
            n,
            status.as_mut_ptr(),
            grade.as_mut_ptr(),
            score.as_mut_ptr(),
            &mut summary,
        )
    });
    assert_eq!((status, grade), (alone.1, alone.2));
}

#[test]
fn too_many_threads_are_refused_and_nothing_is_written() {
    let c = Columns::generate(10);
    let g = OwnedGrader::new(None);
    let (r, status, grade, score, counts) = grade_on_threads(&g, &c, TECHSALES_MAX_THREADS + 1);
    assert_eq!(r, techsales_result::InvalidArgument);
    assert!(last_error().contains("threads"), "{}", last_error());
    assert!(status.iter().all(|&s| s == 99) && grade.iter().all(|&s| s == 99));
    assert!(score.iter().all(|&s| f64::from_bits(s) == -1.0));
    assert_eq!(counts, [0, 0, 0]);
    let (r, ..) = grade_on_threads(&g, &c, TECHSALES_MAX_THREADS);
    assert_eq!(r, techsales_result::Ok);
}

/// Regression (fuzz `ffi_typed_calls`, "rows lost"): a batch whose rows
/// have too few ratings known lost them from the C summary, whose counts
/// then added up to less than the batch; they are counted apart.
#[test]
fn the_c_summary_counts_rows_with_too_little_known() {
    let g = OwnedGrader::new(None);
    let n = 4;
    // Rows 0 and 1 known; rows 2 and 3 with one rating known only.
    let columns: Vec<Vec<f64>> = (0..FACTOR_COUNT)
        .map(|i| {
            let sparse = if i == 0 { 7.0 } else { f64::NAN };
            vec![7.0, 1.0, sparse, sparse]
        })
        .collect();
    let pointers: Vec<*const f64> = columns.iter().map(|c| c.as_ptr()).collect();
    let close = vec![AS_OF + 30; n];
    let possibility = vec![0.8; n];
    let (mut status, mut grade, mut score) = (vec![0u32; n], vec![0u32; n], vec![0.0; n]);
    let mut summary = techsales_batch_summary::default();
    ok(unsafe {
        techsales_grader_grade_columns(
            g.0,
            AS_OF,
            pointers.as_ptr(),
            close.as_ptr(),
            possibility.as_ptr(),
            n,
            status.as_mut_ptr(),
            grade.as_mut_ptr(),
            score.as_mut_ptr(),
            &mut summary,
        )
    });
    assert_eq!(
        (
            summary.graded,
            summary.failed,
            summary.invalid,
            summary.not_enough_known
        ),
        (1, 1, 0, 2)
    );
    assert_eq!(status[2], ItemStatus::NotEnoughKnown.code());
}
