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
//! The crate is `no_std` (it needs `alloc`; its `std` feature only adds
//! impls for std types, such as `rt::WitMap` for `HashMap`). Enable the `realloc` feature
//! only in a `no_std` guest that has no other `cabi_realloc`: std on
//! `wasm32-wasip2` already exports one.
#![no_std]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "macros")]
pub use witbind_macro::generate;

pub mod rt;

#[cfg(feature = "async")]
pub use rt::async_support::{
    backpressure_dec, backpressure_inc, block_on, spawn, spawn_local, yield_async, yield_blocking,
    AbiBuffer, ErrorContext, FutureRead, FutureReader, FutureWrite, FutureWriteCancel,
    FutureWriteError, FutureWriter, JoinHandle, StreamRead, StreamReader, StreamResult,
    StreamWrite, StreamWriter,
};
