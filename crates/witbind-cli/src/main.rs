//! `witbind`: generate Rust guest bindings for WIT worlds. See `witbind --help`.

use std::io;
use std::process::ExitCode;

/// Generation and formatting build and drop many small objects (tokens,
/// syntax trees): with mimalloc the command takes about a quarter less
/// time than with the system allocator (README, "Performance").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let code = witbind_cli::run(
        std::env::args_os(),
        &mut io::stdout().lock(),
        &mut io::stderr().lock(),
    );
    ExitCode::from(code)
}
