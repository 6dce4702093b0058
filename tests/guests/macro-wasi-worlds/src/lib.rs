//! `witbind::generate!` for each WASI 0.2 world of `witbind_tests::WASI_WORLDS`
//! (every import world, plus `wasi:cli/command` and `wasi:http/proxy`), side
//! by side in one crate built for wasm32-wasip2 under `#![deny(warnings)]`:
//! proves that the macro's output compiles, warning-free, for every world,
//! and that several worlds can live in one component: the crate is linked
//! into a single component whose component-type sections are merged.
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

/// The `wasi:cli/command` world. A linked component must export what its
/// worlds export, so `run` is implemented (it does nothing).
pub mod cli_command {
    witbind::generate!({
        path: "../.wasi-wit",
        world: "wasi:cli/command",
        generate_all,
    });

    struct Command;

    impl exports::wasi::cli::run::Guest for Command {
        fn run() -> Result<(), ()> {
            Ok(())
        }
    }

    export!(Command);
}

/// The `wasi:http/proxy` world, with a handler that drops the request
/// (the host then reports that no response was sent).
pub mod http_proxy {
    witbind::generate!({
        path: "../.wasi-wit",
        world: "wasi:http/proxy",
        generate_all,
    });

    struct Proxy;

    impl exports::wasi::http::incoming_handler::Guest for Proxy {
        fn handle(
            _request: wasi::http::types::IncomingRequest,
            _response_out: wasi::http::types::ResponseOutparam,
        ) {
        }
    }

    export!(Proxy);
}
