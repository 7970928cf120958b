//! Helpers the C ABI tests share: the last error as text, a result that
//! must be `OK`, and a library-owned string taken back and freed.

use std::ffi::{c_char, CStr};

use techsales::ffi::*;

/// The calling thread's last error message.
pub fn last_error() -> String {
    unsafe { CStr::from_ptr(techsales_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

/// Fails with the last error unless `r` is `OK`.
pub fn ok(r: techsales_result) {
    assert_eq!(r, techsales_result::Ok, "{}", last_error());
}

/// Copies a string the library returned, then frees it.
pub fn take(s: *mut c_char) -> String {
    let text = unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned();
    unsafe { techsales_string_free(s) };
    text
}
