//! `minimal-alloc` linked next to the `wasip3` crate 0.7, whose runtime
//! (wit-bindgen 0.57.1) brings the linker a weak `cabi_realloc` that calls
//! a function missing on `wasm32-wasip2`. If the linker took that one, the
//! component would not link (and if it took wasi-libc's, the counting
//! allocator would not balance).

#[path = "../../minimal-alloc/src/lib.rs"]
mod minimal;

/// Keeps code of `wasip3` (`wasi:random@0.3.0`), and with it wit-bindgen
/// 0.57.1's runtime, in the link. Never called: the test defines the
/// import as a trap.
#[used]
static KEEP_WASIP3: fn() -> u64 = wasip3::random::random::get_random_u64;
