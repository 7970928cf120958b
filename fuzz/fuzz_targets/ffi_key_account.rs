//! The key-account deal through the C ABI: line 1 is a stored deal (or
//! empty for a new one), line 2 a definition (or empty for the defaults),
//! every further line a journal entry for `_apply_json`. A refused entry
//! leaves the deal's JSON byte-identical; every deal saves, loads and saves
//! to the same text; nothing panics.
#![no_main]
use std::ptr;

use libfuzzer_sys::fuzz_target;
use techsales::ffi::key_account::*;
use techsales::ffi::techsales_result;
use techsales_fuzz::{c_string, json_of, lines, no_panic, take};

fuzz_target!(|data: &[u8]| {
    let lines = lines(data);
    let mut definition = ptr::null_mut();
    let config = lines.get(1).filter(|l| !l.is_empty()).map(|l| c_string(l));
    let config_ptr = config.as_ref().map_or(ptr::null(), |c| c.as_ptr());
    let code = unsafe { techsales_key_account_definition_new(config_ptr, &mut definition) };
    no_panic(code, "definition_new");
    if code != techsales_result::Ok {
        assert!(definition.is_null(), "out-parameter written on failure");
        unsafe { techsales_key_account_definition_new(ptr::null(), &mut definition) };
    }
    let mut deal = ptr::null_mut();
    let first = lines.first().copied().unwrap_or_default();
    let code = if first.is_empty() {
        unsafe { techsales_key_account_new(1_767_225_600, &mut deal) }
    } else {
        let doc = c_string(first);
        unsafe { techsales_key_account_from_json(definition, doc.as_ptr(), &mut deal) }
    };
    no_panic(code, "from_json");
    if code == techsales_result::Ok {
        // The deal's JSON before each entry is the one after the entry
        // before it: nothing else changes the deal in between.
        let mut before = json_of(|out| unsafe { techsales_key_account_to_json(deal, out) });
        for entry in lines.iter().skip(2) {
            let entry = c_string(entry);
            let code =
                unsafe { techsales_key_account_apply_json(deal, definition, entry.as_ptr()) };
            no_panic(code, "apply_json");
            let after = json_of(|out| unsafe { techsales_key_account_to_json(deal, out) });
            if code != techsales_result::Ok {
                assert_eq!(before, after, "a refused entry changed the deal");
            }
            before = after;
        }
        // Everything a caller can read from the deal.
        for language in [0, 1, 7] {
            for as_text in [false, true] {
                let mut text = ptr::null_mut();
                let code = unsafe {
                    techsales_key_account_diagnose(deal, definition, language, as_text, &mut text)
                };
                no_panic(code, "diagnose");
                if code == techsales_result::Ok {
                    unsafe { take(text) };
                }
                let mut text = ptr::null_mut();
                let code = unsafe {
                    techsales_key_account_win_probability_explain(
                        deal, definition, language, as_text, &mut text,
                    )
                };
                no_panic(code, "win_probability_explain");
                if code == techsales_result::Ok {
                    unsafe { take(text) };
                }
            }
        }
        let mut p = 0.0;
        no_panic(
            unsafe { techsales_key_account_win_probability(deal, definition, &mut p) },
            "win_probability",
        );
        let saved = json_of(|out| unsafe { techsales_key_account_to_json(deal, out) });
        let text = c_string(saved.as_bytes());
        let mut again = ptr::null_mut();
        let code =
            unsafe { techsales_key_account_from_json(definition, text.as_ptr(), &mut again) };
        assert_eq!(code, techsales_result::Ok, "a saved deal does not load");
        let resaved = json_of(|out| unsafe { techsales_key_account_to_json(again, out) });
        assert_eq!(saved, resaved, "save, load, save is not the same text");
        unsafe { techsales_key_account_free(again) };
    } else {
        assert!(deal.is_null(), "out-parameter written on failure");
    }
    unsafe {
        techsales_key_account_free(deal);
        techsales_key_account_definition_free(definition);
    }
});
