//! The differential guest with wit-bindgen 0.63's bindings: the reference
//! that `diff-witbind` must match.

mod bindings {
    wit_bindgen::generate!({
        path: "../.wasi-wit",
        world: "wasi:cli/imports",
        generate_all,
    });
}

mod http_bindings {
    wit_bindgen::generate!({
        path: "../.wasi-wit",
        world: "wasi:http/imports",
        generate_all,
    });
}

#[path = "../../differential-common.rs"]
mod common;

fn main() {
    common::run();
}
