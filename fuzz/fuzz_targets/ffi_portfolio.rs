//! The portfolio's C ABI, every reader: line 1 is a portfolio document for
//! `techsales_portfolio_from_json`, or empty, in which case line 2 is a
//! column mapping and the rest a CRM export for
//! `techsales_portfolio_import_csv`. Whatever loads is asked for every
//! analytic by name (and an unknown one), the text and HTML reports in each
//! language code (and ones out of range), the SVG, each account's action
//! log, and the stage checklists; the same calls on NULL handles and NULL
//! out-parameters fail cleanly. Nothing panics, and out-parameters are
//! written only on success.
#![no_main]
use std::ffi::c_char;
use std::ptr;

use libfuzzer_sys::fuzz_target;
use techsales::ffi::portfolio::*;
use techsales::ffi::techsales_result;
use techsales_fuzz::{c_string, json_of, no_panic, portfolio_ids, take};

const ANALYTICS: [&str; 9] = [
    "pipeline",
    "stage_flows",
    "stage_durations",
    "stalled",
    "quadrant",
    "actions_in_progress",
    "calibration",
    "cycles",
    "mood",
];

/// Runs one call that writes an owned string: on success the string is
/// taken, on failure the out-parameter must still be NULL.
fn string_call(what: &str, call: impl FnOnce(*mut *mut c_char) -> techsales_result) -> bool {
    let mut out = ptr::null_mut();
    let code = call(&mut out);
    no_panic(code, what);
    if code == techsales_result::Ok {
        assert!(!out.is_null(), "{what}: success without a string");
        unsafe { take(out) };
        true
    } else {
        assert!(out.is_null(), "{what}: out-parameter written on failure");
        false
    }
}

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let (first, rest) = (&data[..split], data.get(split + 1..).unwrap_or_default());
    let mut portfolio = ptr::null_mut();
    let code = if !first.is_empty() {
        let doc = c_string(first);
        unsafe { techsales_portfolio_from_json(doc.as_ptr(), &mut portfolio) }
    } else {
        let split = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let mapping = c_string(&rest[..split]);
        let export = c_string(rest.get(split + 1..).unwrap_or_default());
        let mut summary = ptr::null_mut();
        let code = unsafe {
            techsales_portfolio_import_csv(
                export.as_ptr(),
                mapping.as_ptr(),
                &mut portfolio,
                &mut summary,
            )
        };
        if code == techsales_result::Ok {
            let summary: serde_json::Value =
                serde_json::from_str(&unsafe { take(summary) }).expect("summary is not JSON");
            assert!(summary["imported"].as_u64() <= summary["rows"].as_u64());
        } else {
            assert!(summary.is_null(), "import summary written on failure");
        }
        code
    };
    no_panic(code, "portfolio load or import");
    if code != techsales_result::Ok {
        assert!(portfolio.is_null(), "out-parameter written on failure");
        return;
    }
    let saved = json_of(|out| unsafe { techsales_portfolio_to_json(portfolio, out) });
    let [accounts, _, _] = portfolio_ids(&saved);

    for name in ANALYTICS {
        let name = c_string(name.as_bytes());
        let done = string_call("analytics_json", |out| unsafe {
            techsales_portfolio_analytics_json(portfolio, name.as_ptr(), out)
        });
        assert_eq!(done, name.as_bytes() != b"mood", "analytic {name:?}");
    }
    for language in [0, 1, 2, u32::MAX] {
        let report = string_call("report", |out| unsafe {
            techsales_portfolio_report(portfolio, language, out)
        });
        // English always; Chinese where the text report is written in it.
        assert!(report || language > 0, "no English text report");
        assert!(
            !report || language < 2,
            "text report in language {language}"
        );
        let html = string_call("html", |out| unsafe {
            techsales_portfolio_html(portfolio, language, out)
        });
        assert_eq!(html, language < 2, "HTML report in language {language}");
    }
    assert!(string_call("svg", |out| unsafe {
        techsales_portfolio_svg(portfolio, out)
    }));
    for id in accounts
        .iter()
        .map(String::as_str)
        .chain(["", "no such account"])
    {
        let id = c_string(id.as_bytes());
        string_call("action_log_json", |out| unsafe {
            techsales_portfolio_action_log_json(portfolio, id.as_ptr(), out)
        });
    }
    let stage = u32::from(data.last().copied().unwrap_or_default());
    for stage in [0, 5, 6, stage, u32::MAX] {
        let done = string_call("stage_checklist_json", |out| unsafe {
            techsales_key_account_stage_checklist_json(stage, out)
        });
        assert_eq!(done, stage < 6, "checklist of stage {stage}");
    }

    // NULL handles and out-parameters: a clean failure, never a crash.
    let name = c_string(b"pipeline");
    let null = ptr::null();
    let calls: [(&str, techsales_result); 8] = unsafe {
        [
            (
                "to_json",
                techsales_portfolio_to_json(null, ptr::null_mut()),
            ),
            (
                "analytics_json",
                techsales_portfolio_analytics_json(portfolio, name.as_ptr(), ptr::null_mut()),
            ),
            (
                "analytics_json",
                techsales_portfolio_analytics_json(portfolio, null.cast(), ptr::null_mut()),
            ),
            (
                "report",
                techsales_portfolio_report(null, 0, ptr::null_mut()),
            ),
            (
                "html",
                techsales_portfolio_html(portfolio, 0, ptr::null_mut()),
            ),
            ("svg", techsales_portfolio_svg(null, ptr::null_mut())),
            (
                "action_log_json",
                techsales_portfolio_action_log_json(portfolio, null.cast(), ptr::null_mut()),
            ),
            (
                "stage_checklist_json",
                techsales_key_account_stage_checklist_json(0, ptr::null_mut()),
            ),
        ]
    };
    for (what, code) in calls {
        no_panic(code, what);
        assert_ne!(code, techsales_result::Ok, "{what} succeeded on NULL");
    }
    let after = json_of(|out| unsafe { techsales_portfolio_to_json(portfolio, out) });
    assert_eq!(saved, after, "a reader changed the portfolio");
    unsafe {
        techsales_portfolio_free(portfolio);
        techsales_portfolio_free(ptr::null_mut());
    }
});
