//! `witbind::generate!` for each WASI 0.2 import world, side by side in one
//! crate built for wasm32-wasip2 under `#![deny(warnings)]`: proves that the
//! macro's output compiles, warning-free, for every world, and that several
//! worlds can live in one crate.
#![deny(warnings)]

/// The `wasi:cli/imports` world.
pub mod cli_imports {
    witbind::generate!({
        path: "../.wasi-wit",
        world: "wasi:cli/imports",
        generate_all,
    });
}

/// The `wasi:http/imports` world.
pub mod http_imports {
    witbind::generate!({
        path: "../.wasi-wit",
        world: "wasi:http/imports",
        generate_all,
    });
}

/// The `wasi:filesystem/imports` world.
pub mod filesystem_imports {
    witbind::generate!({
        path: "../.wasi-wit",
        world: "wasi:filesystem/imports",
        generate_all,
    });
}

/// The `wasi:sockets/imports` world.
pub mod sockets_imports {
    witbind::generate!({
        path: "../.wasi-wit",
        world: "wasi:sockets/imports",
        generate_all,
    });
}

/// The `wasi:random/imports` world.
pub mod random_imports {
    witbind::generate!({
        path: "../.wasi-wit",
        world: "wasi:random/imports",
        generate_all,
    });
}

/// The `wasi:clocks/imports` world.
pub mod clocks_imports {
    witbind::generate!({
        path: "../.wasi-wit",
        world: "wasi:clocks/imports",
        generate_all,
    });
}

/// The `wasi:io/imports` world.
pub mod io_imports {
    witbind::generate!({
        path: "../.wasi-wit",
        world: "wasi:io/imports",
        generate_all,
    });
}
