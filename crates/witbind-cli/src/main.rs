//! `witbind`: generate Rust guest bindings for WIT worlds. See `witbind --help`.

use std::io;
use std::process::ExitCode;

fn main() -> ExitCode {
    let code = witbind_cli::run(
        std::env::args_os(),
        &mut io::stdout().lock(),
        &mut io::stderr().lock(),
    );
    ExitCode::from(code)
}
