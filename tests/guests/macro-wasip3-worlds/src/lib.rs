//! `witbind::generate!` for each WASI 0.3 world of `witbind_tests::WASIP3_WORLDS`
//! (every world of the `wasip3` crate 0.10, WASI 0.3.2), side by side in one
//! crate built for wasm32-wasip2 under `#![deny(warnings)]`: the macro's
//! output compiles, warning-free, for every world. (The CLI's output for
//! the same worlds is in `codegen-snapshots/wasip3-*.rs`.)
#![deny(warnings)]

/// The `wasi:cli/imports` world.
pub mod cli_imports {
    witbind::generate!({
        path: "../.wasip3-wit",
        world: "wasi:cli/imports",
    });
}

/// The `wasi:cli/command` world.
pub mod cli_command {
    witbind::generate!({
        path: "../.wasip3-wit",
        world: "wasi:cli/command",
    });
}

/// The `wasi:clocks/imports` world.
pub mod clocks_imports {
    witbind::generate!({
        path: "../.wasip3-wit",
        world: "wasi:clocks/imports",
    });
}

/// The `wasi:filesystem/imports` world.
pub mod filesystem_imports {
    witbind::generate!({
        path: "../.wasip3-wit",
        world: "wasi:filesystem/imports",
    });
}

/// The `wasi:sockets/imports` world.
pub mod sockets_imports {
    witbind::generate!({
        path: "../.wasip3-wit",
        world: "wasi:sockets/imports",
    });
}

/// The `wasi:random/imports` world.
pub mod random_imports {
    witbind::generate!({
        path: "../.wasip3-wit",
        world: "wasi:random/imports",
    });
}

/// The `wasi:http/service` world.
pub mod http_service {
    witbind::generate!({
        path: "../.wasip3-wit",
        world: "wasi:http/service",
    });
}

/// The `wasi:http/middleware` world.
pub mod http_middleware {
    witbind::generate!({
        path: "../.wasip3-wit",
        world: "wasi:http/middleware",
    });
}
