//! The async semantics guest with witbind's bindings.

mod bindings {
    witbind::generate!({
        path: "../../../wit/fixtures/async-semantics.wit",
        // Every async semantics test also runs with this option on (the
        // async runtime tests run with it off).
        disable_custom_section_link_helpers: true,
    });
}

use witbind as runtime;

#[path = "../../semantics-common.rs"]
mod common;

#[global_allocator]
static ALLOCATOR: common::CountingAllocator = common::CountingAllocator;
