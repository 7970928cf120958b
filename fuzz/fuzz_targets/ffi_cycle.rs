//! The technical sale through the C ABI: line 1 is a stored sale (or empty
//! for a new one of the customer type in line 2's first byte), line 2 a
//! variant (when it is JSON), every further line a journal entry for
//! `_apply_json`. A refused entry leaves the sale's JSON byte-identical;
//! every sale saves, loads and saves to the same text; nothing panics.
#![no_main]
use std::ptr;

use libfuzzer_sys::fuzz_target;
use techsales::ffi::cycle::*;
use techsales::ffi::techsales_result;
use techsales_fuzz::{c_string, json_of, lines, no_panic, take};

fuzz_target!(|data: &[u8]| {
    let lines = lines(data);
    let first = lines.first().copied().unwrap_or_default();
    let second = lines.get(1).copied().unwrap_or_default();
    let mut cycle = ptr::null_mut();
    let code = if !first.is_empty() {
        let doc = c_string(first);
        unsafe { techsales_cycle_from_json(doc.as_ptr(), &mut cycle) }
    } else if second.first() == Some(&b'{') {
        let variant = c_string(second);
        unsafe { techsales_cycle_new_with_variant(variant.as_ptr(), &mut cycle) }
    } else {
        let customer_type = second.first().map_or(0, |&b| u32::from(b) % 6);
        unsafe { techsales_cycle_new(customer_type, &mut cycle) }
    };
    no_panic(code, "cycle load or new");
    if code != techsales_result::Ok {
        assert!(cycle.is_null(), "out-parameter written on failure");
        return;
    }
    // The sale's JSON before each entry is the one after the entry before
    // it: nothing else changes the sale in between.
    let mut before = json_of(|out| unsafe { techsales_cycle_to_json(cycle, out) });
    for entry in lines.iter().skip(2) {
        let entry = c_string(entry);
        let code = unsafe { techsales_cycle_apply_json(cycle, entry.as_ptr()) };
        no_panic(code, "apply_json");
        let after = json_of(|out| unsafe { techsales_cycle_to_json(cycle, out) });
        if code != techsales_result::Ok {
            assert_eq!(before, after, "a refused entry changed the sale");
        }
        before = after;
    }
    for language in [0, 1, 9] {
        for as_text in [false, true] {
            let mut text = ptr::null_mut();
            let code = unsafe { techsales_cycle_guidance(cycle, language, as_text, &mut text) };
            no_panic(code, "guidance");
            if code == techsales_result::Ok {
                unsafe { take(text) };
            } else if language < 2 {
                panic!("guidance of a live sale failed: {code:?}");
            }
        }
    }
    let (mut stage, mut outcome, mut iteration, mut mask) = (0, 0, 0, 0);
    no_panic(
        unsafe { techsales_cycle_status(cycle, &mut stage, &mut outcome, &mut iteration) },
        "status",
    );
    no_panic(
        unsafe { techsales_cycle_missing_steps(cycle, &mut mask) },
        "missing_steps",
    );
    let saved = json_of(|out| unsafe { techsales_cycle_to_json(cycle, out) });
    let text = c_string(saved.as_bytes());
    let mut again = ptr::null_mut();
    let code = unsafe { techsales_cycle_from_json(text.as_ptr(), &mut again) };
    assert_eq!(code, techsales_result::Ok, "a saved sale does not load");
    let resaved = json_of(|out| unsafe { techsales_cycle_to_json(again, out) });
    assert_eq!(saved, resaved, "save, load, save is not the same text");
    unsafe {
        techsales_cycle_free(again);
        techsales_cycle_free(cycle);
    }
});
