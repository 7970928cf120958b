//! The shareable handles (grader, key-account definition, planner) used
//! from 8 threads at once, each thread also failing calls on purpose and
//! reading its own last error back. Calls in all: `TECHSALES_STRESS_CALLS`
//! (100,000 by default; CI runs a million).

use std::ffi::CStr;
use std::ptr;

use techsales::ffi::customer::*;
use techsales::ffi::grading::*;
use techsales::ffi::key_account::*;
use techsales::ffi::*;

const THREADS: usize = 8;

struct Shared {
    grader: *mut techsales_grader,
    definition: *mut techsales_key_account_definition,
    planner: *mut techsales_planner,
}

// SAFETY: these three handles are documented as shareable across threads.
unsafe impl Sync for Shared {}

fn last_error() -> String {
    unsafe { CStr::from_ptr(techsales_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

#[test]
fn shareable_handles_give_the_same_answers_from_eight_threads_and_each_keeps_its_own_last_error() {
    let calls: usize = std::env::var("TECHSALES_STRESS_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let mut shared = Shared {
        grader: ptr::null_mut(),
        definition: ptr::null_mut(),
        planner: ptr::null_mut(),
    };
    unsafe {
        assert_eq!(
            techsales_grader_new(ptr::null(), &mut shared.grader),
            techsales_result::Ok
        );
        assert_eq!(
            techsales_key_account_definition_new(ptr::null(), &mut shared.definition),
            techsales_result::Ok
        );
        assert_eq!(
            techsales_planner_new(ptr::null(), &mut shared.planner),
            techsales_result::Ok
        );
    }
    let ratings = [4.0f64; 9];
    let expected = {
        let (mut verdict, mut score, mut knocked) = (0, 0.0, 0);
        unsafe {
            techsales_grader_evaluate(
                shared.grader,
                ratings.as_ptr(),
                &mut verdict,
                &mut score,
                &mut knocked,
            )
        };
        score
    };
    let per_thread = calls / THREADS / 4;
    std::thread::scope(|scope| {
        for thread in 0..THREADS {
            let shared = &shared;
            scope.spawn(move || {
                let mut deal = ptr::null_mut();
                let mut customer = ptr::null_mut();
                unsafe {
                    assert_eq!(
                        techsales_key_account_new(1_767_225_600, &mut deal),
                        techsales_result::Ok
                    );
                    let id = c"C-1";
                    assert_eq!(
                        techsales_customer_new_with_type(
                            id.as_ptr(),
                            id.as_ptr(),
                            2,
                            1_767_225_600,
                            &mut customer
                        ),
                        techsales_result::Ok
                    );
                }
                for i in 0..per_thread {
                    let (mut verdict, mut score, mut knocked) = (0, 0.0, 0);
                    let code = unsafe {
                        techsales_grader_evaluate(
                            shared.grader,
                            ratings.as_ptr(),
                            &mut verdict,
                            &mut score,
                            &mut knocked,
                        )
                    };
                    assert_eq!(code, techsales_result::Ok);
                    assert_eq!(score, expected);
                    let mut p = 0.0;
                    let code = unsafe {
                        techsales_key_account_win_probability(deal, shared.definition, &mut p)
                    };
                    assert_eq!(code, techsales_result::Ok);
                    let (mut count, mut worth) = (0usize, false);
                    let code = unsafe {
                        techsales_planner_plan(
                            shared.planner,
                            customer,
                            ptr::null_mut(),
                            0,
                            &mut count,
                            &mut worth,
                        )
                    };
                    assert_ne!(code, techsales_result::Panic);
                    // A failure of this thread's own: its message comes back.
                    let code_value = (thread * 1_000 + i % 1_000) as u32 + 100;
                    let mut label = ptr::null();
                    let code = unsafe { techsales_enum_label(11, code_value, 0, &mut label) };
                    assert_eq!(code, techsales_result::InvalidEnumValue);
                    assert!(
                        last_error().contains(&format!("`code` = {code_value} ")),
                        "{}",
                        last_error()
                    );
                }
                unsafe {
                    techsales_key_account_free(deal);
                    techsales_customer_free(customer);
                }
            });
        }
    });
    unsafe {
        techsales_grader_free(shared.grader);
        techsales_key_account_definition_free(shared.definition);
        techsales_planner_free(shared.planner);
    }
}
