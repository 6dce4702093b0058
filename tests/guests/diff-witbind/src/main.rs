//! The differential guest with witbind's bindings. Identical to
//! `diff-wit-bindgen/src/main.rs` but for the macro's crate name.

mod bindings {
    witbind::generate!({
        path: "../.wasi-wit",
        world: "wasi:cli/imports",
        generate_all,
    });
}

mod http_bindings {
    witbind::generate!({
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
