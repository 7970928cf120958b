//! Helpers shared by the fuzz targets: C strings from fuzzer bytes, and the
//! checks every target makes (no call ends in the panic code; a refused
//! change leaves the serialised state byte-identical; a document saved,
//! loaded and saved again is the same text).

use std::ffi::{c_char, CStr, CString};

use techsales::ffi::{techsales_last_error_message, techsales_result, techsales_string_free};

/// Fuzzer bytes as a C string: cut at the first NUL (C strings end there);
/// the bytes need not be UTF-8, which the library must refuse cleanly.
pub fn c_string(bytes: &[u8]) -> CString {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    CString::new(&bytes[..end]).unwrap_or_default()
}

/// The lines of the input: line 1 is usually a document, the others the
/// journal entries to apply to it.
pub fn lines(data: &[u8]) -> Vec<&[u8]> {
    data.split(|&b| b == b'\n').take(64).collect()
}

/// Fails the run when a call hit the panic boundary: the library panicked
/// on input a caller can give.
pub fn no_panic(code: techsales_result, what: &str) {
    if code == techsales_result::Panic {
        let message = unsafe { CStr::from_ptr(techsales_last_error_message()) };
        panic!("{what} panicked inside the library: {message:?}");
    }
}

/// Takes ownership of a string the library returned.
///
/// # Safety
/// `s` is a string returned by the library and not yet freed.
pub unsafe fn take(s: *mut c_char) -> String {
    let text = unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned();
    unsafe { techsales_string_free(s) };
    text
}

/// Calls `to_json` (an FFI function writing an owned string) and returns the
/// text; `to_json` must succeed on a live handle.
pub fn json_of(to_json: impl FnOnce(*mut *mut c_char) -> techsales_result) -> String {
    let mut out = std::ptr::null_mut();
    let code = to_json(&mut out);
    assert_eq!(
        code,
        techsales_result::Ok,
        "to_json failed on a live handle"
    );
    unsafe { take(out) }
}

/// The ids a portfolio document holds, read from its JSON: accounts, deals
/// and cycles, in document order (at most 8 of each).
pub fn portfolio_ids(json: &str) -> [Vec<String>; 3] {
    let doc: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    let ids = |list: &str, id: &dyn Fn(&serde_json::Value) -> Option<&str>| -> Vec<String> {
        doc[list]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(id)
                    .take(8)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    [
        ids("accounts", &|a| a["customer"]["id"].as_str()),
        ids("opportunities", &|o| o["id"].as_str()),
        ids("cycles", &|c| c["id"].as_str()),
    ]
}
