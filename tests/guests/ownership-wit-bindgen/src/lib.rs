//! The ownership guest with wit-bindgen's bindings.

mod bindings {
    wit_bindgen::generate!({
        path: "../../../wit/fixtures/ownership-runtime.wit",
        ownership: Borrowing {
            duplicate_if_necessary: true
        },
    });
}

#[path = "../../ownership-common.rs"]
mod common;
