//! The customer and the planner through the C ABI: line 1 is a stored
//! customer, line 2 a planner configuration (or empty for the defaults).
//! Every customer saves, loads and saves to the same text, every plan is
//! made without a panic.
#![no_main]
use std::ptr;

use libfuzzer_sys::fuzz_target;
use techsales::ffi::customer::*;
use techsales::ffi::techsales_result;
use techsales_fuzz::{c_string, json_of, lines, no_panic, take};

fuzz_target!(|data: &[u8]| {
    let lines = lines(data);
    let doc = c_string(lines.first().copied().unwrap_or_default());
    let mut customer = ptr::null_mut();
    let code = unsafe { techsales_customer_from_json(doc.as_ptr(), &mut customer) };
    no_panic(code, "customer_from_json");
    let config = lines.get(1).filter(|l| !l.is_empty()).map(|l| c_string(l));
    let mut planner = ptr::null_mut();
    let config_ptr = config.as_ref().map_or(ptr::null(), |c| c.as_ptr());
    let planner_code = unsafe { techsales_planner_new(config_ptr, &mut planner) };
    no_panic(planner_code, "planner_new");
    if code != techsales_result::Ok {
        assert!(customer.is_null(), "out-parameter written on failure");
        unsafe { techsales_planner_free(planner) };
        return;
    }
    if planner_code == techsales_result::Ok {
        let mut recommendations = [techsales_recommendation {
            action: 0,
            axis: 0,
            expected_effect: 0.0,
            reason: 0,
            serves: 0,
        }; 4];
        let (mut count, mut worth) = (0usize, false);
        let code = unsafe {
            techsales_planner_plan(
                planner,
                customer,
                recommendations.as_mut_ptr(),
                recommendations.len(),
                &mut count,
                &mut worth,
            )
        };
        no_panic(code, "plan");
        let mut json = ptr::null_mut();
        let code = unsafe { techsales_planner_plan_json(planner, customer, &mut json) };
        no_panic(code, "plan_json");
        if code == techsales_result::Ok {
            unsafe { take(json) };
        }
    }
    let mut len = 0usize;
    no_panic(
        unsafe { techsales_customer_history_len(customer, &mut len) },
        "history_len",
    );
    let mut movement = techsales_type_movement {
        from: 0,
        to: 0,
        at: 0,
    };
    for index in [0, len.saturating_sub(1), len, usize::MAX] {
        let code = unsafe { techsales_customer_history_get(customer, index, &mut movement) };
        no_panic(code, "history_get");
    }
    let saved = json_of(|out| unsafe { techsales_customer_to_json(customer, out) });
    let text = c_string(saved.as_bytes());
    let mut again = ptr::null_mut();
    let code = unsafe { techsales_customer_from_json(text.as_ptr(), &mut again) };
    assert_eq!(code, techsales_result::Ok, "a saved customer does not load");
    let resaved = json_of(|out| unsafe { techsales_customer_to_json(again, out) });
    assert_eq!(saved, resaved, "save, load, save is not the same text");
    unsafe {
        techsales_customer_free(again);
        techsales_customer_free(customer);
        techsales_planner_free(planner);
    }
});
