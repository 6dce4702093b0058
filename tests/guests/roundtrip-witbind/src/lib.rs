//! The round-trip guest with witbind's bindings.

mod bindings {
    witbind::generate!({
        path: "../../../wit/fixtures/roundtrip.wit",
    });
}

#[path = "../../roundtrip-common.rs"]
mod common;
