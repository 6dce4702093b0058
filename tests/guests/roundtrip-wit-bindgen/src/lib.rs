//! The round-trip guest with wit-bindgen 0.63 (the reference)'s bindings.

mod bindings {
    wit_bindgen::generate!({
        path: "../../../wit/fixtures/roundtrip.wit",
    });
}

#[path = "../../roundtrip-common.rs"]
mod common;
