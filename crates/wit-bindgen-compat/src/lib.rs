//! witbind under the name `wit_bindgen` (0.63.0): `generate!`, the runtime
//! (`rt`) that code wit-bindgen generated calls, and the root items
//! (`StreamReader`, `block_on`, ...), all witbind's. See `Cargo.toml` for
//! how to use it.
#![no_std]

pub use witbind::*;
