//! The async semantics guest with wit-bindgen 0.63 (the reference)'s
//! bindings.

mod bindings {
    wit_bindgen::generate!({
        path: "../../../wit/fixtures/async-semantics.wit",
    });
}

use wit_bindgen as runtime;

#[path = "../../semantics-common.rs"]
mod common;

#[global_allocator]
static ALLOCATOR: common::CountingAllocator = common::CountingAllocator;
