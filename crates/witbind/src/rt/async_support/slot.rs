//! Where an async export's task waits between the host's callbacks: the
//! task's context slot (`context.get`/`context.set`), or, on
//! `wasm32-wasip3`, where wasi-libc owns that slot, a thread-local.

#[cfg(not(target_env = "p3"))]
pub(crate) fn get() -> *mut u8 {
    // SAFETY: reading the context slot has no preconditions.
    unsafe { super::abi::context_get() }
}

#[cfg(not(target_env = "p3"))]
pub(crate) fn set(task: *mut u8) {
    // SAFETY: the slot is this runtime's (only `start_task` and
    // `callback` use it).
    unsafe { super::abi::context_set(task) }
}

#[cfg(all(target_env = "p3", feature = "std"))]
std::thread_local! {
    static SLOT: core::cell::Cell<*mut u8> = const { core::cell::Cell::new(core::ptr::null_mut()) };
}

#[cfg(all(target_env = "p3", feature = "std"))]
pub(crate) fn get() -> *mut u8 {
    SLOT.with(core::cell::Cell::get)
}

#[cfg(all(target_env = "p3", feature = "std"))]
pub(crate) fn set(task: *mut u8) {
    SLOT.with(|slot| slot.set(task));
}

#[cfg(all(target_env = "p3", not(feature = "std")))]
compile_error!(
    "on wasm32-wasip3 witbind's async runtime keeps tasks in a thread-local: enable witbind's \
     `std` feature (a default feature)"
);
