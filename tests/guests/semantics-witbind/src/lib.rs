//! The async semantics guest with witbind's bindings.

mod bindings {
    witbind::generate!({
        path: "../../../wit/fixtures/async-semantics.wit",
    });
}

use witbind as runtime;

#[path = "../../semantics-common.rs"]
mod common;

#[global_allocator]
static ALLOCATOR: common::CountingAllocator = common::CountingAllocator;
