//! `witbind::generate!` for each WASI 0.2 world of `witbind_tests::WASI_WORLDS`
//! (every import world, plus `wasi:cli/command` and `wasi:http/proxy`), side
//! by side in one crate built for wasm32-wasip2 under `#![deny(warnings)]`:
//! proves that the macro's output compiles, warning-free, for every world,
//! and that several worlds can live in one crate. The export worlds'
//! `export!` macros are not invoked here (`run-export` does that).
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

/// The `wasi:cli/command` world.
pub mod cli_command {
    witbind::generate!({
        path: "../.wasi-wit",
        world: "wasi:cli/command",
        generate_all,
    });
}

/// The `wasi:http/proxy` world.
pub mod http_proxy {
    witbind::generate!({
        path: "../.wasi-wit",
        world: "wasi:http/proxy",
        generate_all,
    });
}
