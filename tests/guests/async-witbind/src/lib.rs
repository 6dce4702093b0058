//! The async guest with witbind's bindings.

mod bindings {
    witbind::generate!({
        path: "../../../wit/fixtures/async-runtime.wit",
    });
}

use witbind as runtime;

#[path = "../../async-common.rs"]
mod common;

#[global_allocator]
static ALLOCATOR: common::CountingAllocator = common::CountingAllocator;
