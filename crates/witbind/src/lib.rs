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
//! for `HashMap`; `futures-stream` adapts streams to the `futures` crate's
//! `Stream` and `Sink`; `realloc`, `async-spawn`, `inter-task-wakeup`,
//! `bitflags` and `macro-string` are accepted (witbind always has what they
//! turn on: `cabi_realloc` is a weak definition that std's replaces where
//! std has one).
#![no_std]
#![warn(missing_docs)]

extern crate alloc;
// Natively (off wasm32, outside Miri) imports are implemented in Rust by
// tests, on per-thread tables (`rt::native`), which need std.
#[cfg(any(test, feature = "std", not(any(target_arch = "wasm32", miri))))]
extern crate std;

/// Generates Rust bindings for a WIT world, as `wit_bindgen::generate!`
/// does.
///
/// ```text
/// generate!();                       // the only world of `wit/`
/// generate!("my-world");             // a world of `wit/`
/// generate!("my-world" in "other");  // a world of `other/`
/// generate!({ world: "my-world", path: "wit", ... });
/// ```
///
/// Flags may be written alone (`stubs`) or with a value (`stubs: false`).
/// The generated code reaches this crate's runtime however the crate is
/// named where the macro is called (a renamed dependency, or a crate that
/// re-exports witbind). The keys of the `{ ... }` form:
///
#[doc = include_str!("../../witbind-macro/OPTIONS.md")]
#[cfg(feature = "macros")]
#[macro_export]
macro_rules! generate {
    ($($input:tt)*) => {
        $crate::__generate!(@runtime $crate; $($input)*);
    };
}

#[cfg(feature = "macros")]
#[doc(hidden)]
pub use witbind_macro::generate as __generate;

pub mod resource;
pub mod rt;

/// Testing a guest natively (`cargo test` on the host): the guard of an
/// installed implementation of imports, and `wasi::TestWasi`, which
/// implements the common WASI 0.2 imports. See "Testing your component natively" in the
/// README.
#[cfg(not(any(target_arch = "wasm32", miri)))]
pub use rt::native;

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
