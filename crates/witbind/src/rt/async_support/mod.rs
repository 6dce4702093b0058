//! The component model's async support: an executor for async exports,
//! async imports, streams, futures and error contexts. No threads and no
//! external runtime: everything runs inside the component-model tasks the
//! host starts. The API is wit-bindgen 0.63's (names, signatures and
//! behaviour), so that code written for it, and code it generated, runs
//! on this runtime.
//!
//! # The model
//!
//! Every call of an async export is a *task*. Its export function
//! ([`start_task`]) turns the export's implementation into a future and
//! polls it at once; whatever it awaits that the host must finish (an
//! async import call, a stream or future read or write) registers a
//! *waitable* with the task. When no future can make progress, the task
//! returns to the host, saying "call me back with the next event of these
//! waitables" (or "call me back soon" after a [`yield_async`]); the host's
//! callback delivers the event, which wakes the future that waited for it,
//! and polling resumes. The export's result goes back as soon as its
//! future finishes; the task ends when the futures spawned into it
//! ([`spawn_local`]) and the writes running in the background (a
//! dropped [`FutureWriter`]'s default value) have finished too.
//!
//! Synchronous code (a synchronous export, `main`) runs async code with
//! [`block_on`], which waits for the host's events itself. `block_on` also
//! works inside an async export: the export's task then waits until it
//! returns.
//!
//! A future may be woken from anywhere: another task's future, a
//! synchronous export, a channel shared by two export calls. A task that
//! sleeps waits on a signal of its own as well as on its waitables, so
//! such wakes resume it.
//!
//! # Cancellation
//!
//! Dropping a future cancels what it waits for, at any point of its life:
//!
//! - an **async import call**: before it started, nothing happens (the
//!   arguments are dropped); while the callee runs, the call is cancelled
//!   (`subtask.cancel`) and what the callee did not receive is taken back
//!   and dropped; once the callee returned (even if the task has not seen
//!   the event yet), the results are lifted and dropped. No handle or
//!   allocation is left behind.
//! - a **stream read or write**: values that went through before the
//!   cancel stay delivered (the read's buffer keeps what arrived); use
//!   [`RawStreamRead::cancel`] / [`RawStreamWrite::cancel`] to learn how
//!   many, and to get back the buffer and the values not sent.
//! - a **future read**: a value that arrived first is dropped;
//!   [`RawFutureRead::cancel`] returns it (`Ok`) or gives the reader back
//!   (`Err`) to read again.
//! - a **future write**: cancelled, and the writer then sends the default
//!   value it was created with (a future's writer cannot be dropped
//!   without sending); [`FutureWrite::cancel`] gives back the value and
//!   the writer instead.
//!
//! When the host cancels an async export call, its future is dropped (with
//! everything it awaited, as above) and the cancellation is reported to the
//! caller; spawned futures go on. Dropping a stream or future end closes
//! it: the other end sees [`StreamResult::Dropped`].
//!
//! # Sharing one component with other runtimes
//!
//! Tasks are published through a symbol every runtime of the component
//! shares (`wasip3_task_set`), so witbind's futures can be awaited in tasks
//! that wit-bindgen runs (for example those of the `wasip3` crate's
//! exports) and the other way around; [`spawn_local`] spawns into whichever
//! runtime runs the current task.

/// State of the component instance: statics on wasm (one instance, one
/// thread); natively, where each thread plays an instance of its own
/// (`native_host`) and tests run in parallel, per thread (leaked once per
/// thread). Each is reached through a function of its name.
macro_rules! per_instance {
    ($($(#[$attr:meta])* static $name:ident: $ty:ty = $init:expr;)*) => {$(
        $(#[$attr])*
        #[allow(non_snake_case)]
        fn $name() -> &'static $ty {
            #[cfg(any(target_arch = "wasm32", miri))]
            {
                static STATE: $ty = $init;
                &STATE
            }
            #[cfg(not(any(target_arch = "wasm32", miri)))]
            {
                std::thread_local! {
                    static STATE: &'static $ty = alloc::boxed::Box::leak(alloc::boxed::Box::new($init));
                }
                STATE.with(|state| *state)
            }
        }
    )*};
}

mod abi;
mod buffer;
mod cabi;
mod error_context;
mod exclusive;
mod future;
#[cfg(feature = "futures-stream")]
mod futures_stream;
#[cfg(all(not(target_arch = "wasm32"), not(miri)))]
pub mod native_host;
mod slot;
mod spawn;
mod stream;
mod subtask;
mod task;
mod unit_stream;
mod waitable;
mod wakeup;

#[cfg(test)]
mod tests;

pub use buffer::AbiBuffer;
pub use error_context::ErrorContext;
pub use future::{
    future_new, raw_future_new, FutureOps, FutureRead, FutureReader, FutureVtable, FutureWrite,
    FutureWriteCancel, FutureWriteError, FutureWriter, RawFutureRead, RawFutureReader,
    RawFutureWrite, RawFutureWriteCancel, RawFutureWriter,
};
#[cfg(feature = "futures-stream")]
pub use futures_stream::{
    RawStreamReaderStream, RawStreamWriterSink, StreamReaderStream, StreamWriterSink,
};
pub use spawn::{spawn, spawn_local, JoinHandle};
pub use stream::{
    raw_stream_new, stream_new, RawStreamRead, RawStreamReader, RawStreamWrite, RawStreamWriter,
    StreamOps, StreamRead, StreamReader, StreamResult, StreamVtable, StreamWrite, StreamWriter,
};
#[doc(hidden)]
pub use subtask::{CoreValue, CoreValues, Lowered, Subtask};
pub use task::{
    backpressure_dec, backpressure_inc, block_on, callback, start_task, yield_async,
    yield_blocking, TaskCancelOnDrop,
};
pub use unit_stream::UnitStreamOps;
