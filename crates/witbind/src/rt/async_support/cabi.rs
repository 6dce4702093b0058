//! The "current task" protocol that async runtimes in one component share.
//!
//! A component may contain more than one async runtime: witbind's, and
//! wit-bindgen's when a dependency (such as the `wasip3` crate) is built
//! on it, possibly in several versions. A future created by one runtime
//! (an async import call, a stream read) can be awaited in a task run by
//! another. For that, whoever runs a task publishes it through one C
//! symbol, `wasip3_task_set`, while it polls the task's futures: a
//! `wasip3_task` structure (below, laid out as in C) through which a
//! pending operation registers the waitable it waits for and the function
//! to call with the event's code. Every runtime links a weak definition of
//! `wasip3_task_set` (witbind's is in `libwitbind_weak.a`, see the
//! crate's build script); the linker keeps one, so all runtimes agree on
//! the current task.
//!
//! The structure is versioned: version 1 has the registration functions,
//! version 2 adds a vtable that can also take a counted reference to the
//! task (so that an operation can unregister from the task it registered
//! with even when it is dropped while another task runs), version 3 adds a
//! hook to spawn a Rust future into the task. witbind publishes version 3
//! and accepts any.

#![allow(non_camel_case_types)]

use alloc::boxed::Box;
use core::ffi::c_void;
use core::future::Future;

/// Version 1: `ptr`, `waitable_register` and `waitable_unregister`.
pub(crate) const WASIP3_TASK_V1: u32 = 1;
/// Version 2: the structure is a [`wasip3_task_v2`].
pub(crate) const WASIP3_TASK_V2: u32 = 2;
/// Version 3: the structure is a [`wasip3_task_v3`].
pub(crate) const WASIP3_TASK_V3: u32 = 3;

/// Called with the code of the event a registered waitable received.
pub(crate) type WakeFn = unsafe extern "C" fn(callback_ptr: *mut c_void, code: u32);

/// Registers `waitable`: its next event is delivered by calling
/// `callback(callback_ptr, code)`. Returns the `callback_ptr` of an
/// earlier registration of the same waitable, or null.
pub(crate) type RegisterFn = unsafe extern "C" fn(
    ptr: *mut c_void,
    waitable: u32,
    callback: WakeFn,
    callback_ptr: *mut c_void,
) -> *mut c_void;

/// Removes the registration of `waitable` (and the waitable from the
/// task's waitable set); returns its `callback_ptr`, or null if there was
/// none.
pub(crate) type UnregisterFn = unsafe extern "C" fn(ptr: *mut c_void, waitable: u32) -> *mut c_void;

/// The task currently running, as published with `wasip3_task_set`.
#[repr(C)]
pub(crate) struct wasip3_task {
    /// One of the `WASIP3_TASK_V*` constants.
    pub(crate) version: u32,
    /// The task's own pointer, the first argument of every function.
    pub(crate) ptr: *mut c_void,
    /// See [`RegisterFn`].
    pub(crate) waitable_register: RegisterFn,
    /// See [`UnregisterFn`].
    pub(crate) waitable_unregister: UnregisterFn,
}

/// The structure when `version` is 2.
#[repr(C)]
pub(crate) struct wasip3_task_v2 {
    pub(crate) v1: wasip3_task,
    pub(crate) vtable: &'static wasip3_task_vtable,
}

/// The structure when `version` is 3.
#[repr(C)]
pub(crate) struct wasip3_task_v3 {
    pub(crate) v1: wasip3_task,
    pub(crate) vtable: &'static wasip3_task_vtable_v3,
}

/// Operations on a task's pointer (version 2 and later).
#[repr(C)]
pub(crate) struct wasip3_task_vtable {
    pub(crate) waitable_register: RegisterFn,
    pub(crate) waitable_unregister: UnregisterFn,
    /// A counted reference to the task, valid after the current poll;
    /// released with `drop`.
    pub(crate) clone: unsafe extern "C" fn(ptr: *mut c_void) -> *mut c_void,
    /// Releases a reference made by `clone`.
    pub(crate) drop: unsafe extern "C" fn(ptr: *mut c_void),
}

/// Spawns a Rust future into a task (the Rust ABI: only Rust runtimes
/// built by the same compiler use it).
pub(crate) type SpawnFn = unsafe fn(ptr: *mut c_void, future: Box<dyn Future<Output = ()>>);

/// Operations on a task's pointer (version 3).
#[repr(C)]
pub(crate) struct wasip3_task_vtable_v3 {
    pub(crate) v2: wasip3_task_vtable,
    /// Runs a Rust future in the task, next to its other futures.
    pub(crate) rust_spawn: Option<SpawnFn>,
}

#[cfg(target_family = "wasm")]
unsafe extern "C" {
    /// Publishes `task` as the current task; returns the one it replaces.
    /// Passing null and putting back what it returns reads it.
    fn wasip3_task_set(task: *mut wasip3_task) -> *mut wasip3_task;
}

/// Off wasm (host-side tests) the current task lives in a thread-local
/// slot of this crate (a process-wide one without std).
///
/// # Safety
/// As for the wasm symbol: `task` stays valid while it is published.
#[cfg(not(target_family = "wasm"))]
unsafe fn wasip3_task_set(task: *mut wasip3_task) -> *mut wasip3_task {
    #[cfg(any(test, feature = "std"))]
    {
        std::thread_local! {
            static CURRENT: core::cell::Cell<*mut wasip3_task> =
                const { core::cell::Cell::new(core::ptr::null_mut()) };
        }
        CURRENT.with(|current| current.replace(task))
    }
    #[cfg(not(any(test, feature = "std")))]
    {
        use core::sync::atomic::{AtomicPtr, Ordering};
        static CURRENT: AtomicPtr<wasip3_task> = AtomicPtr::new(core::ptr::null_mut());
        CURRENT.swap(task, Ordering::AcqRel)
    }
}

/// Publishes `task` as the current task; returns the previous one, which
/// the caller puts back with another `set` when it stops running `task`.
///
/// # Safety
/// `task` (unless null) stays valid until it is replaced.
pub(crate) unsafe fn set(task: *mut wasip3_task) -> *mut wasip3_task {
    // SAFETY: guaranteed by the caller.
    unsafe { wasip3_task_set(task) }
}

/// The current task, or null outside of any task.
pub(crate) fn current() -> *mut wasip3_task {
    // SAFETY: reading the slot means setting it and putting the value back.
    unsafe {
        let task = wasip3_task_set(core::ptr::null_mut());
        wasip3_task_set(task);
        task
    }
}
