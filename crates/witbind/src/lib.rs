//! witbind: Rust guest bindings for WebAssembly components, generated from WIT.
//!
//! Generate bindings inside a guest crate with the [`generate!`] macro:
//!
//! ```ignore
//! witbind::generate!({ path: "wit", world: "my:pkg/app" });
//! ```
//!
//! or vendor them with the `witbind bindgen` CLI. Either way the generated
//! code relies on the small runtime in [`rt`].
//!
//! The crate is `no_std` (it needs `alloc`). Its features are
//! wit-bindgen 0.63's, with the same names, meaning and defaults: `std`
//! (default) links std and adds impls for std types, such as `rt::WitMap`
//! for `HashMap`; `realloc` (default) defines `cabi_realloc` where std does
//! not (`wasm32-wasip1`, `wasm32-unknown-unknown`); `futures-stream` adapts
//! streams to the `futures` crate's `Stream` and `Sink`; `async-spawn`,
//! `inter-task-wakeup`, `bitflags` and `macro-string` are accepted (witbind
//! always has what they turn on).
#![no_std]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "macros")]
pub use witbind_macro::generate;

pub mod resource;
pub mod rt;

#[cfg(feature = "async")]
pub use rt::async_support::{
    backpressure_dec, backpressure_inc, block_on, spawn, spawn_local, yield_async, yield_blocking,
    AbiBuffer, ErrorContext, FutureOps, FutureRead, FutureReader, FutureWrite, FutureWriteCancel,
    FutureWriteError, FutureWriter, JoinHandle, RawFutureRead, RawFutureReader, RawFutureWrite,
    RawFutureWriter, RawStreamRead, RawStreamReader, RawStreamWrite, RawStreamWriter, StreamOps,
    StreamRead, StreamReader, StreamResult, StreamWrite, StreamWriter, UnitStreamOps,
};
#[cfg(feature = "futures-stream")]
pub use rt::async_support::{
    RawStreamReaderStream, RawStreamWriterSink, StreamReaderStream, StreamWriterSink,
};
