//! Every snapshot in `codegen-snapshots/` (the CLI's output for one fixture
//! or WASI world, kept up to date by `tests/tests/snapshots.rs`) as a module
//! of this crate, so the generated code is compiled and linted, for
//! `wasm32-wasip2` included. `build.rs` lists the modules.
//!
//! `no_std` + `alloc`: generated code needs no more than `core` and
//! `::witbind::rt`, and this keeps it that way.
#![deny(warnings)]
#![no_std]

extern crate alloc;

include!(concat!(env!("OUT_DIR"), "/snapshots.rs"));
