//! The component model's async intrinsics, as core wasm imports, and the
//! codes they exchange. Natively (off wasm32, outside Miri) they are played
//! in-process by `native_host`, so that async code runs in `cargo test`;
//! under Miri they are stubs that panic (Miri tests only what runs without
//! the host).

/// Declares `unsafe fn`s calling core wasm imports; natively, the
/// expression after `=>` (`native_host`'s); panicking stubs under Miri.
macro_rules! intrinsics {
    ($(
        $(#[doc = $doc:literal])*
        $module:literal $name:literal fn $rust:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty)?
            => $native:expr;
    )*) => {$(
        $(#[doc = $doc])*
        ///
        /// # Safety
        /// The arguments must be what the canonical ABI expects.
        #[cfg(target_arch = "wasm32")]
        #[inline]
        pub(crate) unsafe fn $rust($($arg: $ty),*) $(-> $ret)? {
            #[link(wasm_import_module = $module)]
            unsafe extern "C" {
                #[link_name = $name]
                fn import($($arg: $ty),*) $(-> $ret)?;
            }
            // SAFETY: guaranteed by the caller.
            unsafe { import($($arg),*) }
        }

        $(#[doc = $doc])*
        ///
        /// # Safety
        /// The arguments must be what the canonical ABI expects (natively:
        /// what `native_host` expects, the same).
        #[cfg(all(not(target_arch = "wasm32"), not(miri)))]
        pub(crate) unsafe fn $rust($($arg: $ty),*) $(-> $ret)? {
            #[allow(unused_unsafe)]
            // SAFETY: guaranteed by the caller.
            unsafe { $native }
        }

        $(#[doc = $doc])*
        ///
        /// # Safety
        /// Never safe to call: this stub exists under Miri only.
        #[cfg(all(not(target_arch = "wasm32"), miri))]
        pub(crate) unsafe fn $rust($($arg: $ty),*) $(-> $ret)? {
            $(let _ = $arg;)*
            unreachable!(concat!("`", $name, "` is only available on wasm32"))
        }
    )*};
}

#[cfg(all(not(target_arch = "wasm32"), not(miri)))]
use super::native_host as native;

intrinsics! {
    /// A new, empty waitable set.
    "$root" "[waitable-set-new]" fn waitable_set_new() -> u32 => native::waitable_set_new();
    /// Drops a waitable set (it must be empty).
    "$root" "[waitable-set-drop]" fn waitable_set_drop(set: u32) => native::waitable_set_drop(set);
    /// Moves `waitable` into `set` (0: out of every set).
    "$root" "[waitable-join]" fn waitable_join(waitable: u32, set: u32)
        => native::waitable_join(waitable, set);
    /// Blocks until an event of `set`; writes `[waitable, code]` at `out`
    /// and returns the event.
    "$root" "[waitable-set-wait]" fn waitable_set_wait(set: u32, out: *mut u32) -> u32
        => native::waitable_set_wait(set, out);
    /// The next event of `set`, or `EVENT_NONE`, without blocking.
    "$root" "[waitable-set-poll]" fn waitable_set_poll(set: u32, out: *mut u32) -> u32
        => native::waitable_set_poll(set, out);
    /// Drops a finished subtask.
    "$root" "[subtask-drop]" fn subtask_drop(subtask: u32)
        => unreachable!("natively, async imports are no subtasks ({subtask})");
    /// Cancels a subtask; returns its final status.
    "$root" "[subtask-cancel]" fn subtask_cancel(subtask: u32) -> u32
        => unreachable!("natively, async imports are no subtasks ({subtask})");
    /// The current task's context slot 0.
    "$root" "[context-get-0]" fn context_get() -> *mut u8 => native::context_get();
    /// Sets the current task's context slot 0.
    "$root" "[context-set-0]" fn context_set(value: *mut u8) => native::context_set(value);
    /// Raises the component instance's backpressure.
    "$root" "[backpressure-inc]" fn backpressure_inc() => ();
    /// Lowers the component instance's backpressure.
    "$root" "[backpressure-dec]" fn backpressure_dec() => ();
    /// Lets other tasks run; returns nonzero when this task was cancelled.
    "$root" "[thread-yield]" fn thread_yield() -> u32 => 0;
    /// Tells the caller that the current (exported) task was cancelled.
    "[export]$root" "[task-cancel]" fn task_cancel()
        => unreachable!("natively, no host cancels an export's task");
    /// A new error context with a debug message.
    "$root" "[error-context-new-utf8]" fn error_context_new(ptr: *const u8, len: usize) -> u32
        => native::error_context_new(core::str::from_utf8_unchecked(core::slice::from_raw_parts(ptr, len)));
    /// Writes the debug message of an error context (a string the host
    /// allocates with `cabi_realloc`) at `out`.
    "$root" "[error-context-debug-message-utf8]" fn error_context_debug_message(handle: u32, out: *mut u8)
        => native::error_context_debug_message(handle, out.cast());
    /// Drops an error context.
    "$root" "[error-context-drop]" fn error_context_drop(handle: u32)
        => native::error_context_drop(handle);
    /// A new `stream` without payload (the wakeup signal between tasks):
    /// the readable end (low bits) and the writable end.
    "$root" "[stream-new-unit]" fn unit_stream_new() -> u64 => native::stream_new();
    /// Starts a read of `count` units.
    "$root" "[async-lower][stream-read-unit]" fn unit_stream_read(handle: u32, ptr: *mut u8, count: usize) -> u32
        => native::start(handle, ptr, count, 0);
    /// Starts a write of `count` units.
    "$root" "[async-lower][stream-write-unit]" fn unit_stream_write(handle: u32, ptr: *const u8, count: usize) -> u32
        => native::start(handle, ptr.cast_mut(), count, 0);
    /// Cancels a pending read; returns how it ended.
    "$root" "[stream-cancel-read-unit]" fn unit_stream_cancel_read(handle: u32) -> u32
        => native::cancel(handle);
    /// Cancels a pending write; returns how it ended.
    "$root" "[stream-cancel-write-unit]" fn unit_stream_cancel_write(handle: u32) -> u32
        => native::cancel(handle);
    /// Drops the readable end.
    "$root" "[stream-drop-readable-unit]" fn unit_stream_drop_readable(handle: u32)
        => native::drop_end(handle);
    /// Drops the writable end.
    "$root" "[stream-drop-writable-unit]" fn unit_stream_drop_writable(handle: u32)
        => native::drop_end(handle);
}

/// Events the host delivers to a task (`event0` of a callback).
pub(crate) const EVENT_NONE: u32 = 0;
pub(crate) const EVENT_SUBTASK: u32 = 1;
pub(crate) const EVENT_STREAM_READ: u32 = 2;
pub(crate) const EVENT_STREAM_WRITE: u32 = 3;
pub(crate) const EVENT_FUTURE_READ: u32 = 4;
pub(crate) const EVENT_FUTURE_WRITE: u32 = 5;
pub(crate) const EVENT_CANCEL: u32 = 6;

/// The state of a subtask (an async import call).
pub(crate) const STATUS_STARTING: u32 = 0;
pub(crate) const STATUS_STARTED: u32 = 1;
pub(crate) const STATUS_RETURNED: u32 = 2;
pub(crate) const STATUS_CANCELLED_BEFORE_STARTED: u32 = 3;
pub(crate) const STATUS_CANCELLED_BEFORE_RETURNED: u32 = 4;

/// A stream or future read or write that has not finished yet.
pub(crate) const BLOCKED: u32 = 0xffff_ffff;
/// How a stream or future read or write ended (the low 4 bits; the count
/// of values transferred is above them).
pub(crate) const COPY_COMPLETED: u32 = 0;
pub(crate) const COPY_DROPPED: u32 = 1;
pub(crate) const COPY_CANCELLED: u32 = 2;

/// What a callback tells the host to do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CallbackCode {
    /// The task is done.
    Exit,
    /// Call back soon, with no event.
    Yield,
    /// Call back with the next event of this waitable set.
    Wait(u32),
}

impl CallbackCode {
    pub(crate) fn encode(self) -> u32 {
        match self {
            CallbackCode::Exit => 0,
            CallbackCode::Yield => 1,
            CallbackCode::Wait(set) => 2 | (set << 4),
        }
    }
}

/// Where a stream or future read or write stands: the code an intrinsic
/// returned or an event carried, decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Copy {
    /// Still in flight: an event will tell how it ended.
    Blocked,
    /// Ended normally, after this many values.
    Completed(usize),
    /// The other end was dropped, after this many values.
    Dropped(usize),
    /// Cancelled, after this many values.
    Cancelled(usize),
}

impl Copy {
    pub(crate) fn decode(code: u32) -> Copy {
        if code == BLOCKED {
            return Copy::Blocked;
        }
        let count = (code >> 4) as usize;
        match code & 0xf {
            COPY_COMPLETED => Copy::Completed(count),
            COPY_DROPPED => Copy::Dropped(count),
            COPY_CANCELLED => Copy::Cancelled(count),
            other => panic!("unknown stream or future copy result {other:#x} from the host"),
        }
    }
}
