//! The benchmark guest with wit-bindgen 0.63 (the reference)'s bindings.

mod bindings {
    wit_bindgen::generate!({
        path: "../../../wit/perf/perf.wit",
    });
}

#[path = "../../perf-common.rs"]
mod common;
