//! Every configuration's JSON through the C ABI's `_new` functions: the
//! grader, the key-account definition, the planner and the cycle variant.
//! A refused configuration leaves the out-parameter NULL; a grader saves,
//! loads and saves to the same text; nothing panics.
#![no_main]
use std::ptr;

use libfuzzer_sys::fuzz_target;
use techsales::ffi::customer::*;
use techsales::ffi::cycle::*;
use techsales::ffi::grading::*;
use techsales::ffi::key_account::*;
use techsales::ffi::techsales_result;
use techsales_fuzz::{c_string, json_of, no_panic};

fuzz_target!(|data: &[u8]| {
    let json = c_string(data);
    let mut grader = ptr::null_mut();
    let code = unsafe { techsales_grader_new(json.as_ptr(), &mut grader) };
    no_panic(code, "grader_new");
    if code == techsales_result::Ok {
        let saved = json_of(|out| unsafe { techsales_grader_to_json(grader, out) });
        let text = c_string(saved.as_bytes());
        let mut again = ptr::null_mut();
        let code = unsafe { techsales_grader_new(text.as_ptr(), &mut again) };
        assert_eq!(code, techsales_result::Ok, "a saved grader does not load");
        let resaved = json_of(|out| unsafe { techsales_grader_to_json(again, out) });
        assert_eq!(saved, resaved, "save, load, save is not the same text");
        unsafe { techsales_grader_free(again) };
    } else {
        assert!(grader.is_null());
    }
    unsafe { techsales_grader_free(grader) };

    let mut definition = ptr::null_mut();
    let code = unsafe { techsales_key_account_definition_new(json.as_ptr(), &mut definition) };
    no_panic(code, "key_account_definition_new");
    assert_eq!(code == techsales_result::Ok, !definition.is_null());
    unsafe { techsales_key_account_definition_free(definition) };

    let mut planner = ptr::null_mut();
    let code = unsafe { techsales_planner_new(json.as_ptr(), &mut planner) };
    no_panic(code, "planner_new");
    assert_eq!(code == techsales_result::Ok, !planner.is_null());
    unsafe { techsales_planner_free(planner) };

    let mut cycle = ptr::null_mut();
    let code = unsafe { techsales_cycle_new_with_variant(json.as_ptr(), &mut cycle) };
    no_panic(code, "cycle_new_with_variant");
    assert_eq!(code == techsales_result::Ok, !cycle.is_null());
    unsafe { techsales_cycle_free(cycle) };
});
