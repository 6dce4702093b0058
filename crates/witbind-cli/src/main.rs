//! `witbind`: generate Rust guest bindings for WIT worlds. See `witbind --help`.

use std::io;
use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    // `parse` prints usage errors (coloured when on a terminal) and exits with 2.
    let cli = witbind_cli::Cli::parse();
    let code = cli.execute(&mut io::stdout().lock(), &mut io::stderr().lock());
    ExitCode::from(code)
}
