//! interop-common.rs next to the real wit-bindgen (the `wasip3` crate's).

mod bindings {
    witbind::generate!({
        inline: "
            package witbind-tests:interop;
            world interop {
                export wasi:cli/run@0.3.0;
                /// The host allocates the argument: the component exports
                /// a `cabi_realloc`, which must link next to wit-bindgen's.
                export echo: func(s: string) -> string;
            }
        ",
        path: "../.wasi-p3-wit",
    });
}

#[path = "../../interop-common.rs"]
mod common;
