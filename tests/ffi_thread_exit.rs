//! A call into the C ABI from a thread-local destructor that runs after the
//! library's own thread-locals are gone (a `pthread_key` destructor in a C
//! program) must still return its result code: the last-error message
//! degrades, the process does not abort. Alone in its binary, because the
//! failure it guards against kills the process.
#![cfg(unix)]

use std::ffi::{c_void, CStr};
use std::ptr;
use std::sync::atomic::{AtomicU32, Ordering};

use techsales::ffi::key_account::*;
use techsales::ffi::*;

type PthreadKey = std::ffi::c_uint;

extern "C" {
    fn pthread_key_create(
        key: *mut PthreadKey,
        destructor: Option<unsafe extern "C" fn(*mut c_void)>,
    ) -> std::ffi::c_int;
    fn pthread_setspecific(key: PthreadKey, value: *const c_void) -> std::ffi::c_int;
}

const NOT_RUN: u32 = u32::MAX;
static CODE_IN_DESTRUCTOR: AtomicU32 = AtomicU32::new(NOT_RUN);
static MESSAGE_WAS_TEXT: AtomicU32 = AtomicU32::new(0);

unsafe extern "C" fn failing_call_at_thread_exit(_: *mut c_void) {
    // A failing call: the out-parameter is NULL.
    let code = unsafe { techsales_key_account_new(0, ptr::null_mut()) };
    CODE_IN_DESTRUCTOR.store(code as u32, Ordering::SeqCst);
    let message = techsales_last_error_message();
    let readable = !message.is_null() && unsafe { CStr::from_ptr(message) }.to_str().is_ok();
    MESSAGE_WAS_TEXT.store(u32::from(readable), Ordering::SeqCst);
}

#[test]
fn a_failing_call_from_a_thread_local_destructor_returns_its_code_without_aborting() {
    std::thread::spawn(|| {
        // Fill this thread's last-error slot, so it has a destructor of its
        // own that runs before the pthread_key one below.
        let code = unsafe { techsales_key_account_new(0, ptr::null_mut()) };
        assert_eq!(code, techsales_result::NullParameter);
        let mut key: PthreadKey = 0;
        unsafe {
            assert_eq!(
                pthread_key_create(&mut key, Some(failing_call_at_thread_exit)),
                0
            );
            // Any non-NULL value makes the destructor run at thread exit.
            assert_eq!(pthread_setspecific(key, ptr::dangling::<u8>().cast()), 0);
        }
    })
    .join()
    .unwrap();
    assert_eq!(
        CODE_IN_DESTRUCTOR.load(Ordering::SeqCst),
        techsales_result::NullParameter as u32
    );
    assert_eq!(MESSAGE_WAS_TEXT.load(Ordering::SeqCst), 1);
}
