//! The component model's async support: an executor for async exports,
//! async imports, streams, futures and error contexts. No threads and no
//! external runtime: everything runs inside the component-model tasks the
//! host starts.
//!
//! # The model
//!
//! Every call of an async export is a *task*. Its glue
//! ([`start_task`]) turns the export's implementation into a future and
//! polls it at once; whatever it awaits that the host must finish (an
//! async import call, a stream or future read or write) registers a
//! *waitable* with the task. When no future can make progress, the glue
//! returns to the host, saying "call me back with the next event of these
//! waitables" (or "call me back soon" after a [`yield_async`]); the host's
//! callback delivers the event, which wakes the future that waited for it,
//! and polling resumes. The export's result goes back as soon as its
//! future finishes; the task ends when the futures spawned in it with
//! [`spawn_local`] have finished too.
//!
//! Synchronous code (a synchronous export, `main`) runs async code with
//! [`block_on`], which waits for the host's events itself.
//!
//! # Dropping futures
//!
//! Dropping a future cancels what it was waiting for: an async import call
//! is cancelled (`subtask.cancel`; what the call returned, if it had
//! finished, is dropped), a stream or future read or write is cancelled
//! (values already transferred stay transferred). When the host cancels an
//! async export call, its future is dropped and the cancellation is
//! reported to the caller. Dropping a stream or future end closes it: the
//! other end sees [`StreamResult::Dropped`], and a [`FutureWriter`] dropped
//! without writing sends the default value it was created with.
//!
//! # Limits
//!
//! A future is only polled again when its own task runs: waking a future
//! of one task from another task (for example through a channel shared by
//! two export calls) does not run it until its task receives an event.

mod abi;
mod buffer;
mod error_context;
mod future;
mod stream;
mod subtask;
mod task;
mod waitable;

pub use buffer::AbiBuffer;
pub use error_context::ErrorContext;
pub use future::{
    future_new, FutureRead, FutureReader, FutureVtable, FutureWrite, FutureWriteCancel,
    FutureWriteError, FutureWriter,
};
pub use stream::{
    stream_new, StreamRead, StreamReader, StreamResult, StreamVtable, StreamWrite, StreamWriter,
};
pub use subtask::{call_import, AsyncImport, ImportCall};
pub use task::{
    backpressure_dec, backpressure_inc, block_on, callback, spawn, spawn_local, start_task,
    yield_async, yield_blocking, JoinHandle, TaskCancelOnDrop,
};
