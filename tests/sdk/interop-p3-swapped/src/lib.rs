//! interop-common.rs with `wit-bindgen` swapped for witbind.

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
        path: "../../guests/.wasi-p3-wit",
    });
}

#[path = "../../../guests/interop-common.rs"]
mod common;
