//! The round-trip guest with witbind's bindings.

mod bindings {
    witbind::generate!({
        path: "../../../wit/fixtures/roundtrip.wit",
    });
}

extern crate alloc;

#[path = "../../roundtrip-common.rs"]
mod common;

#[global_allocator]
static ALLOCATOR: common::CountingAllocator<std::alloc::System> =
    common::CountingAllocator(std::alloc::System);
