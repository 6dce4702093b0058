//! The ownership guest with witbind's bindings.

mod bindings {
    witbind::generate!({
        path: "../../../wit/fixtures/ownership-runtime.wit",
        ownership: Borrowing {
            duplicate_if_necessary: true
        },
    });
}

#[path = "../../ownership-common.rs"]
mod common;
