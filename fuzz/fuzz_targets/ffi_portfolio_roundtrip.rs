//! The portfolio's C ABI, every change: line 1 is a portfolio document;
//! every further line is a change chosen by its first byte (a key-account
//! event for one of the deals, a technical-sale event for one of the
//! cycles, an account, deal or cycle record to put, or a change of account
//! type with a time and type code taken from the line), the rest of the
//! line being its JSON. A refused change leaves the document byte-identical;
//! the document saves, loads and saves to the same text before and after
//! the changes. Nothing panics.
#![no_main]
use std::ptr;

use libfuzzer_sys::fuzz_target;
use techsales::ffi::portfolio::*;
use techsales::ffi::techsales_result;
use techsales_fuzz::{c_string, json_of, lines, no_panic, portfolio_ids};

fn saved(portfolio: *const techsales_portfolio) -> String {
    json_of(|out| unsafe { techsales_portfolio_to_json(portfolio, out) })
}

/// Loads `json` into a second handle and checks it saves to the same text.
fn reloads_identically(json: &str) {
    let text = c_string(json.as_bytes());
    let mut again = ptr::null_mut();
    let code = unsafe { techsales_portfolio_from_json(text.as_ptr(), &mut again) };
    assert_eq!(
        code,
        techsales_result::Ok,
        "a saved portfolio does not load"
    );
    assert_eq!(saved(again), json, "save, load, save is not the same text");
    unsafe { techsales_portfolio_free(again) };
}

/// The `n`th id of a list, or an id that is not there when the list is
/// empty or `n` points past it.
fn pick(ids: &[String], n: u8) -> String {
    ids.get(usize::from(n) % (ids.len() + 1))
        .cloned()
        .unwrap_or_else(|| "no such id".to_owned())
}

fuzz_target!(|data: &[u8]| {
    let lines = lines(data);
    let doc = c_string(lines.first().copied().unwrap_or_default());
    let mut portfolio = ptr::null_mut();
    let code = unsafe { techsales_portfolio_from_json(doc.as_ptr(), &mut portfolio) };
    no_panic(code, "from_json");
    if code != techsales_result::Ok {
        assert!(portfolio.is_null(), "out-parameter written on failure");
        return;
    }
    // The document before each change is the one after the change before
    // it: nothing else changes the portfolio in between.
    let mut before = saved(portfolio);
    reloads_identically(&before);
    for line in lines.iter().skip(1).take(16) {
        let [accounts, deals, cycles] = portfolio_ids(&before);
        let (op, which) = (
            line.first().copied().unwrap_or_default(),
            line.get(1).copied().unwrap_or_default(),
        );
        let json = c_string(line.get(2..).unwrap_or_default());
        let code = unsafe {
            match op % 6 {
                0 => {
                    let id = c_string(pick(&deals, which).as_bytes());
                    techsales_portfolio_apply_deal_event(portfolio, id.as_ptr(), json.as_ptr())
                }
                1 => {
                    let id = c_string(pick(&cycles, which).as_bytes());
                    techsales_portfolio_apply_cycle_event(portfolio, id.as_ptr(), json.as_ptr())
                }
                2 => techsales_portfolio_put_account(portfolio, json.as_ptr()),
                3 => techsales_portfolio_put_opportunity(portfolio, json.as_ptr()),
                4 => techsales_portfolio_put_cycle(portfolio, json.as_ptr()),
                _ => {
                    let id = c_string(pick(&accounts, which).as_bytes());
                    // The rest of the line: eight bytes of time, then the
                    // reason (or NULL when there is none).
                    let rest = line.get(2..).unwrap_or_default();
                    let mut time = [0u8; 8];
                    for (slot, byte) in time.iter_mut().zip(rest) {
                        *slot = *byte;
                    }
                    let at = i64::from_le_bytes(time);
                    let reason = rest.get(8..).map(c_string);
                    let mut changed = false;
                    techsales_portfolio_set_account_type(
                        portfolio,
                        id.as_ptr(),
                        u32::from(which) % 7,
                        at,
                        reason.as_ref().map_or(ptr::null(), |r| r.as_ptr()),
                        &mut changed,
                    )
                }
            }
        };
        no_panic(code, "a change");
        let after = saved(portfolio);
        if code != techsales_result::Ok {
            assert_eq!(before, after, "a refused change altered the document");
        }
        before = after;
    }
    reloads_identically(&before);
    unsafe { techsales_portfolio_free(portfolio) };
});
