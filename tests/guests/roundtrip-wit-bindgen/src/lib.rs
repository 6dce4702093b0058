//! The round-trip guest with wit-bindgen 0.63 (the reference)'s bindings.

mod bindings {
    wit_bindgen::generate!({
        path: "../../../wit/fixtures/roundtrip.wit",
    });
}

extern crate alloc;

#[path = "../../roundtrip-common.rs"]
mod common;

#[global_allocator]
static ALLOCATOR: common::CountingAllocator<std::alloc::System> =
    common::CountingAllocator(std::alloc::System);
