//! The C ABI: a thin translation layer over the Rust API.
//!
//! Conventions (the header `include/techsales.h` is generated from here):
//! - every function returns a [`techsales_result`]; out-parameters come last
//!   and are written only on success;
//! - every body runs inside a panic boundary, so a bug inside the library
//!   surfaces as `TECHSALES_RESULT_PANIC`, never as an abort;
//! - NULL pointers, enum codes out of range, invalid UTF-8 and malformed
//!   JSON are reported with their own codes, and the message of the last
//!   error on the calling thread is available from
//!   [`techsales_last_error_message`];
//! - opaque handles come in `_new`/`_free` pairs and `_free(NULL)` does
//!   nothing; strings the library returns are owned by the caller and freed
//!   with [`techsales_string_free`] unless documented as static;
//! - time is given as seconds since the Unix epoch, UTC; calendar dates
//!   (grading) as whole days since the Unix epoch;
//! - entries that run large work over several threads come in a `_threads`
//!   form that takes a thread count just before the out-parameters (0 =
//!   every core, 1 = the calling thread only); the results never depend
//!   on it.
//!
//! Which handles may be shared: the definitions, the planner and the grader
//! are immutable once made and may be used from any number of threads at
//! once; customers, key-account deals and technical sales may move between
//! threads but must not be used from two at once.
//!
//! Every exported body has one shape: `guard` around it, `try_out!` for
//! each out-parameter first, `try_ref!`/`try_mut!` for handles,
//! `try_str!`/`try_opt_str!` for strings (each names the parameter in its
//! error), then the call into the Rust API, and `Out::set` to write the
//! result last.
//!
//! Domain enums cross the boundary as `uint32_t` codes; the header lists
//! every code as a constant, generated from [`crate::catalogue`].
#![allow(unsafe_code)]
#![allow(non_camel_case_types)]

/// Borrows the handle parameter `$p`, refusing NULL with its name; for use
/// inside [`guard`]. The exported function's `# Safety` section promises
/// that `$p` is NULL or a live handle.
macro_rules! try_ref {
    ($p:ident) => {
        // SAFETY: the exported function's contract: NULL or a live handle.
        unsafe { $crate::ffi::handle($p, stringify!($p)) }?
    };
}

/// Borrows the handle parameter `$p` mutably, refusing NULL with its name.
macro_rules! try_mut {
    ($p:ident) => {
        // SAFETY: the exported function's contract: NULL or a live handle
        // that no other thread uses meanwhile.
        unsafe { $crate::ffi::handle_mut($p, stringify!($p)) }?
    };
}

/// Borrows the string parameter `$p` as UTF-8, refusing NULL and invalid
/// UTF-8 with its name.
macro_rules! try_str {
    ($p:ident) => {
        // SAFETY: the exported function's contract: NULL or NUL-terminated.
        unsafe { $crate::ffi::str_arg($p, stringify!($p)) }?
    };
}

/// Like [`try_str!`], but NULL means "absent" (`None`).
macro_rules! try_opt_str {
    ($p:ident) => {
        // SAFETY: the exported function's contract: NULL or NUL-terminated.
        unsafe { $crate::ffi::opt_str_arg($p, stringify!($p)) }?
    };
}

/// Borrows the JSON parameter `$p` like [`try_str!`] and holds it to the
/// input limits ([`crate::limits::check_json`]).
macro_rules! try_json {
    ($p:ident) => {
        // SAFETY: the exported function's contract: NULL or NUL-terminated.
        unsafe { $crate::ffi::json_arg($p, stringify!($p)) }?
    };
}

/// Like [`try_json!`], but NULL means "absent" (`None`).
macro_rules! try_opt_json {
    ($p:ident) => {
        // SAFETY: the exported function's contract: NULL or NUL-terminated.
        unsafe { $crate::ffi::opt_json_arg($p, stringify!($p)) }?
    };
}

/// Checks the out-parameter `$p` before any work is done, refusing NULL
/// with its name; the [`Out`] it gives is written once, on success.
macro_rules! try_out {
    ($p:ident) => {
        // SAFETY: the exported function's contract: NULL or writable.
        unsafe { $crate::ffi::Out::new($p, stringify!($p)) }?
    };
}

pub mod catalogue;
pub mod customer;
pub mod cycle;
pub mod grading;
pub mod key_account;
pub mod portfolio;

use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use chrono::{DateTime, Utc};

use crate::catalogue::EnumKind;
use crate::labels::{Labelled, Language};

/// The outcome of every call. Codes are explicit and never reused.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum techsales_result {
    /// Success.
    Ok = 0,
    /// A required pointer parameter was NULL.
    NullParameter = 1,
    /// A parameter had a value outside what it accepts (NaN, out of range,
    /// empty, a time that cannot be represented).
    InvalidArgument = 2,
    /// An enum code that names no value of its enum.
    InvalidEnumValue = 3,
    /// A string that is not valid UTF-8.
    InvalidUtf8 = 4,
    /// Text that is not valid JSON for what was expected.
    InvalidJson = 5,
    /// A state machine refused the event; the state is unchanged.
    RefusedTransition = 6,
    /// A definition or configuration was refused.
    ConfigError = 7,
    /// The caller's buffer is too small; the needed size was written.
    BufferTooSmall = 8,
    /// The library panicked; the handle involved should be freed.
    Panic = 9,
    /// An index or id names nothing.
    NotFound = 10,
    /// A document's format version is not one this library reads.
    UnsupportedVersion = 11,
}

impl techsales_result {
    fn message(self) -> &'static CStr {
        match self {
            techsales_result::Ok => c"ok",
            techsales_result::NullParameter => c"a required pointer parameter was NULL",
            techsales_result::InvalidArgument => c"a parameter is outside what it accepts",
            techsales_result::InvalidEnumValue => c"an enum code names no value of its enum",
            techsales_result::InvalidUtf8 => c"a string is not valid UTF-8",
            techsales_result::InvalidJson => c"the text is not valid JSON for what was expected",
            techsales_result::RefusedTransition => c"the event was refused; the state is unchanged",
            techsales_result::ConfigError => c"the definition or configuration was refused",
            techsales_result::BufferTooSmall => c"the buffer is too small",
            techsales_result::Panic => c"the library panicked",
            techsales_result::NotFound => c"nothing has that index or id",
            techsales_result::UnsupportedVersion => {
                c"the document's format version is not supported"
            }
        }
    }
}

/// An error on its way to C: a code and the message for the last error.
#[derive(Debug)]
pub(crate) struct FfiError {
    code: techsales_result,
    message: String,
}

impl FfiError {
    pub(crate) fn new(code: techsales_result, message: impl Into<String>) -> Self {
        FfiError {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn null(parameter: &str) -> Self {
        Self::new(
            techsales_result::NullParameter,
            format!("parameter `{parameter}` is NULL"),
        )
    }

    pub(crate) fn invalid(message: impl std::fmt::Display) -> Self {
        Self::new(techsales_result::InvalidArgument, message.to_string())
    }

    pub(crate) fn json(message: impl std::fmt::Display) -> Self {
        Self::new(techsales_result::InvalidJson, message.to_string())
    }

    pub(crate) fn config(message: impl std::fmt::Display) -> Self {
        Self::new(techsales_result::ConfigError, message.to_string())
    }
}

pub(crate) type FfiResult<T = ()> = Result<T, FfiError>;

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Records the message of the last error on this thread. Once the thread's
/// slot is gone (a call from a thread-local destructor that runs after it)
/// the message is lost; the caller still gets the result code.
fn set_last_error(message: &str) {
    let text = CString::new(message.replace('\0', " ")).unwrap_or_default();
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = text;
        }
    });
}

/// Runs an exported body inside the panic boundary and turns its outcome
/// into a result code, recording the message of any error. Inlined: each
/// exported function has its own copy anyway (one closure type each), and
/// inlining saves a call and the spilling of every argument on each call.
#[inline(always)]
pub(crate) fn guard(body: impl FnOnce() -> FfiResult) -> techsales_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => techsales_result::Ok,
        Ok(Err(e)) => {
            set_last_error(&e.message);
            e.code
        }
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            set_last_error(&format!("internal panic: {what}"));
            techsales_result::Panic
        }
    }
}

/// Borrows a C string as UTF-8, naming the parameter on error.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn str_arg<'a>(p: *const c_char, name: &str) -> FfiResult<&'a str> {
    if p.is_null() {
        return Err(FfiError::null(name));
    }
    // SAFETY: non-NULL and NUL-terminated per the caller's contract.
    unsafe { CStr::from_ptr(p) }.to_str().map_err(|e| {
        FfiError::new(
            techsales_result::InvalidUtf8,
            format!("parameter `{name}` is not valid UTF-8: {e}"),
        )
    })
}

/// Like [`str_arg`], but NULL means "absent".
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(p: *const c_char, name: &str) -> FfiResult<Option<&'a str>> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded contract.
        unsafe { str_arg(p, name) }.map(Some)
    }
}

/// Borrows JSON text as UTF-8 and holds it to the input limits
/// ([`crate::limits::check_json`]), naming the parameter on error. Text
/// beyond a limit is `INVALID_JSON`, as for serde's own refusals.
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn json_arg<'a>(p: *const c_char, name: &str) -> FfiResult<&'a str> {
    // SAFETY: forwarded contract.
    let text = unsafe { str_arg(p, name) }?;
    crate::limits::check_json(text)
        .map_err(|e| FfiError::json(format!("parameter `{name}`: {e}")))?;
    Ok(text)
}

/// Like [`json_arg`], but NULL means "absent".
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn opt_json_arg<'a>(p: *const c_char, name: &str) -> FfiResult<Option<&'a str>> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded contract.
        unsafe { json_arg(p, name) }.map(Some)
    }
}

/// Borrows a handle, naming the parameter when it is NULL.
///
/// # Safety
/// `p` is NULL or a live handle of type `T` from this library.
pub(crate) unsafe fn handle<'a, T>(p: *const T, name: &str) -> FfiResult<&'a T> {
    // SAFETY: the caller passes a live handle or NULL.
    unsafe { p.as_ref() }.ok_or_else(|| FfiError::null(name))
}

/// Borrows a handle mutably, naming the parameter when it is NULL.
///
/// # Safety
/// `p` is NULL or a live handle of type `T` not used elsewhere meanwhile.
pub(crate) unsafe fn handle_mut<'a, T>(p: *mut T, name: &str) -> FfiResult<&'a mut T> {
    // SAFETY: the caller passes a live, unshared handle or NULL.
    unsafe { p.as_mut() }.ok_or_else(|| FfiError::null(name))
}

/// An out-parameter checked to be non-NULL (made by [`try_out!`]), written
/// at most once, when the call succeeds.
pub(crate) struct Out<T>(*mut T);

impl<T> Out<T> {
    /// Checks `p`, naming the parameter when it is NULL.
    ///
    /// # Safety
    /// `p` is NULL or aligned and writable for the whole call.
    #[inline(always)]
    pub(crate) unsafe fn new(p: *mut T, name: &str) -> FfiResult<Self> {
        if p.is_null() {
            Err(FfiError::null(name))
        } else {
            Ok(Out(p))
        }
    }

    /// Writes the value; the result lets it end a body inside [`guard`].
    #[inline(always)]
    pub(crate) fn set(self, value: T) -> FfiResult {
        // SAFETY: non-NULL, and writable per the contract of `Out::new`.
        unsafe { self.0.write(value) };
        Ok(())
    }
}

/// Moves a Rust value into a new handle for C.
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Frees a handle made by [`into_handle`]; NULL is ignored.
///
/// # Safety
/// `p` is NULL or a handle from [`into_handle`] not yet freed.
pub(crate) unsafe fn free_handle<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: made by Box::into_raw and not yet freed.
        drop(unsafe { Box::from_raw(p) });
    }
}

/// Converts Unix seconds (UTC) to a time, refusing unrepresentable values.
pub(crate) fn time_arg(unix_seconds: i64, name: &str) -> FfiResult<DateTime<Utc>> {
    DateTime::from_timestamp(unix_seconds, 0).ok_or_else(|| {
        FfiError::invalid(format!(
            "`{name}` = {unix_seconds} is not a representable time"
        ))
    })
}

/// Decodes an enum code of `T`, naming the parameter when it is out of range.
pub(crate) fn enum_arg<T: Labelled>(code: u32, name: &str) -> FfiResult<T> {
    T::all()
        .iter()
        .copied()
        .find(|v| v.code() == code)
        .ok_or_else(|| {
            FfiError::new(
                techsales_result::InvalidEnumValue,
                format!("`{name}` = {code} is not a valid code"),
            )
        })
}

/// The most threads a batch entry takes (`threads` above it is refused).
pub const TECHSALES_MAX_THREADS: u32 = crate::parallel::MAX_THREADS as u32;

/// Reads a thread count (0 = every core), refusing more than
/// [`TECHSALES_MAX_THREADS`].
pub(crate) fn threads_arg(threads: u32) -> FfiResult<usize> {
    if threads > TECHSALES_MAX_THREADS {
        return Err(FfiError::invalid(format!(
            "`threads` = {threads} is more than {TECHSALES_MAX_THREADS}"
        )));
    }
    usize::try_from(threads).map_err(|_| FfiError::invalid("`threads` does not fit"))
}

/// Turns a Rust string into an owned C string for the caller.
pub(crate) fn owned_c_string(text: String) -> FfiResult<*mut c_char> {
    CString::new(text)
        .map(CString::into_raw)
        .map_err(|_| FfiError::invalid("text contains a NUL byte"))
}

/// Serialises `value` to JSON as an owned C string.
pub(crate) fn json_out<T: serde::Serialize>(value: &T) -> FfiResult<*mut c_char> {
    let text = serde_json::to_string(value)
        .map_err(|e| FfiError::invalid(format!("cannot serialise: {e}")))?;
    owned_c_string(text)
}

/// Maps a refused definition to its code: malformed JSON or a bad field.
pub(crate) fn config_error(e: crate::ConfigError) -> FfiError {
    match e {
        crate::ConfigError::Json { .. } => FfiError::json(e),
        _ => FfiError::config(e),
    }
}

/// A value as text for people (`as_text`) or as JSON for programs, as an
/// owned C string.
pub(crate) fn text_or_json<T: serde::Serialize>(
    as_text: bool,
    value: &T,
    render: impl FnOnce(&T) -> String,
) -> FfiResult<*mut c_char> {
    if as_text {
        owned_c_string(render(value))
    } else {
        json_out(value)
    }
}

/// Parses JSON text into `T`.
pub(crate) fn json_in<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> FfiResult<T> {
    serde_json::from_str(text).map_err(|e| FfiError::json(format!("invalid {what} JSON: {e}")))
}

/// The library version, for example `"0.1.0"`. The string is static.
#[no_mangle]
pub extern "C" fn techsales_version() -> *const c_char {
    static VERSION: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => c"unknown",
        };
    VERSION.as_ptr()
}

/// A static description of a result code; unknown codes get a description
/// that says so. Never NULL.
#[no_mangle]
pub extern "C" fn techsales_result_message(result: u32) -> *const c_char {
    let known = [
        techsales_result::Ok,
        techsales_result::NullParameter,
        techsales_result::InvalidArgument,
        techsales_result::InvalidEnumValue,
        techsales_result::InvalidUtf8,
        techsales_result::InvalidJson,
        techsales_result::RefusedTransition,
        techsales_result::ConfigError,
        techsales_result::BufferTooSmall,
        techsales_result::Panic,
        techsales_result::NotFound,
        techsales_result::UnsupportedVersion,
    ];
    known
        .iter()
        .find(|r| **r as u32 == result)
        .map_or(c"unknown result code", |r| r.message())
        .as_ptr()
}

/// The message of the last failed call on this thread ("" if none). The
/// pointer stays valid until the next failed call on the same thread. In a
/// thread-local destructor that runs after the library's own, the message is
/// lost and a static text says so.
#[no_mangle]
pub extern "C" fn techsales_last_error_message() -> *const c_char {
    LAST_ERROR
        .try_with(|slot| slot.try_borrow().map(|text| text.as_ptr()).ok())
        .ok()
        .flatten()
        .unwrap_or(LOST_MESSAGE.as_ptr())
}

/// What [`techsales_last_error_message`] gives once the thread's slot is gone.
const LOST_MESSAGE: &CStr = c"the message is lost: the calling thread is ending";

/// Frees a string returned by this library. NULL is ignored.
///
/// # Safety
/// `s` is NULL or a string returned by this library and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn techsales_string_free(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: made by CString::into_raw in this library, not yet freed.
        drop(unsafe { CString::from_raw(s) });
    }
}

/// The label of a domain enum value in a language; the string is static.
///
/// `kind` is a `TECHSALES_ENUM_KIND_*` code, `code` a value of that enum,
/// `language` a `TECHSALES_LANGUAGE_*` code.
///
/// # Safety
/// `out_label` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_enum_label(
    kind: u32,
    code: u32,
    language: u32,
    out_label: *mut *const c_char,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_label);
        let texts = enum_texts(kind, code)?;
        let label = match enum_arg(language, "language")? {
            Language::English => &texts.en,
            Language::Chinese => &texts.zh,
        };
        out.set(label.as_ptr())
    })
}

/// The stable `snake_case` key of a domain enum value (as used in JSON);
/// the string is static.
///
/// # Safety
/// `out_key` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_enum_key(
    kind: u32,
    code: u32,
    out_key: *mut *const c_char,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_key);
        let texts = enum_texts(kind, code)?;
        out.set(texts.key.as_ptr())
    })
}

/// The code of the domain enum value with this key.
///
/// # Safety
/// `key` is NULL or a NUL-terminated string; `out_code` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn techsales_enum_from_key(
    kind: u32,
    key: *const c_char,
    out_code: *mut u32,
) -> techsales_result {
    guard(|| {
        let out = try_out!(out_code);
        let key = try_str!(key);
        let kind: EnumKind = enum_arg(kind, "kind")?;
        let value = kind
            .values()
            .into_iter()
            .find(|v| v.key == key)
            .ok_or_else(|| {
                FfiError::new(
                    techsales_result::InvalidEnumValue,
                    format!("`{key}` is not a {} key", kind.key()),
                )
            })?;
        out.set(value.code)
    })
}

/// The key and labels of one domain enum value as NUL-terminated strings.
struct EnumTexts {
    key: CString,
    en: CString,
    zh: CString,
}

/// The texts of a domain enum value. Every value's texts are made once, on
/// first use, into a table by kind code and value code that lives as long
/// as the program (so the strings handed to C stay valid and leak checkers
/// see them as reachable); afterwards a lookup is two indexed loads, with
/// no lock.
fn enum_texts(kind: u32, code: u32) -> FfiResult<&'static EnumTexts> {
    use std::sync::OnceLock;
    type Table = Vec<Option<Vec<Option<EnumTexts>>>>;
    static TABLE: OnceLock<Table> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let text = |s: &str| CString::new(s).unwrap_or_default();
        let texts = |value: crate::catalogue::EnumValue| EnumTexts {
            key: text(value.key),
            en: text(value.en),
            zh: text(value.zh),
        };
        by_code(EnumKind::ALL.iter().map(|kind| {
            let values = kind.values().into_iter().map(|v| (v.code, texts(v)));
            (kind.code(), by_code(values))
        }))
    });
    let values = table.get(kind as usize).and_then(Option::as_ref);
    let values = values.ok_or_else(|| {
        FfiError::new(
            techsales_result::InvalidEnumValue,
            format!("`kind` = {kind} is not a valid code"),
        )
    })?;
    values
        .get(code as usize)
        .and_then(Option::as_ref)
        .ok_or_else(|| {
            let kind = EnumKind::from_code(kind).map_or("", |k| k.key());
            FfiError::new(
                techsales_result::InvalidEnumValue,
                format!("`code` = {code} is not a valid {kind} code"),
            )
        })
}

/// Items placed at their codes, `None` where no item has the code.
fn by_code<T>(items: impl Iterator<Item = (u32, T)>) -> Vec<Option<T>> {
    let mut slots: Vec<Option<T>> = Vec::new();
    for (code, item) in items {
        let at = code as usize;
        if slots.len() <= at {
            slots.resize_with(at + 1, || None);
        }
        if let Some(slot) = slots.get_mut(at) {
            *slot = Some(item);
        }
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_the_boundary_becomes_the_panic_code() {
        let result = guard(|| panic!("forced for the test"));
        assert_eq!(result, techsales_result::Panic);
        let message = unsafe { CStr::from_ptr(techsales_last_error_message()) };
        assert!(message.to_str().unwrap().contains("forced for the test"));
    }

    #[test]
    fn every_enum_value_has_its_key_and_labels_as_static_c_strings() {
        for kind in EnumKind::ALL {
            for value in kind.values() {
                let (mut key, mut en, mut zh) =
                    (std::ptr::null(), std::ptr::null(), std::ptr::null());
                let (k, c) = (kind.code(), value.code);
                unsafe {
                    assert_eq!(techsales_enum_key(k, c, &mut key), techsales_result::Ok);
                    assert_eq!(techsales_enum_label(k, c, 0, &mut en), techsales_result::Ok);
                    assert_eq!(techsales_enum_label(k, c, 1, &mut zh), techsales_result::Ok);
                    assert_eq!(CStr::from_ptr(key).to_str(), Ok(value.key));
                    assert_eq!(CStr::from_ptr(en).to_str(), Ok(value.en));
                    assert_eq!(CStr::from_ptr(zh).to_str(), Ok(value.zh));
                }
                // The same string every time: C callers may keep the pointer.
                let mut again = std::ptr::null();
                unsafe { techsales_enum_label(k, c, 0, &mut again) };
                assert_eq!(again, en);
            }
        }
    }

    #[test]
    fn unknown_kinds_and_codes_are_refused() {
        let mut label = std::ptr::null();
        let last_kind = EnumKind::ALL.iter().map(|k| k.code()).max().unwrap();
        unsafe {
            assert_eq!(
                techsales_enum_label(last_kind + 1, 0, 0, &mut label),
                techsales_result::InvalidEnumValue
            );
            assert_eq!(
                techsales_enum_label(EnumKind::Grade.code(), 4, 0, &mut label),
                techsales_result::InvalidEnumValue
            );
            let message = CStr::from_ptr(techsales_last_error_message());
            assert_eq!(message.to_str(), Ok("`code` = 4 is not a valid grade code"));
        }
        assert!(label.is_null());
    }

    #[test]
    fn every_result_code_has_a_message() {
        for code in 0..=11u32 {
            let m = unsafe { CStr::from_ptr(techsales_result_message(code)) };
            assert_ne!(m.to_str().unwrap(), "unknown result code", "code {code}");
        }
        let m = unsafe { CStr::from_ptr(techsales_result_message(9999)) };
        assert_eq!(m.to_str().unwrap(), "unknown result code");
    }
}
