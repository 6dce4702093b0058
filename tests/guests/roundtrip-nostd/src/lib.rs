//! The round-trip guest without std: witbind's bindings with
//! `with_cabi_realloc` (no std, so no other `cabi_realloc` is linked) and
//! dlmalloc as the counted global allocator.
#![no_std]

mod bindings {
    witbind::generate!({
        path: "../../../wit/fixtures/roundtrip.wit",
        with_cabi_realloc,
    });
}

extern crate alloc;

#[path = "../../roundtrip-common.rs"]
mod common;

#[global_allocator]
static ALLOCATOR: common::CountingAllocator<dlmalloc::GlobalDlmalloc> =
    common::CountingAllocator(dlmalloc::GlobalDlmalloc);

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
