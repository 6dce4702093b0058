//! A command component without `fn main`: `wasi:cli/run` is exported through
//! witbind's generated `Guest` trait and `export!` macro, so the host's call
//! goes through witbind's export glue (and `result<_, _>` is lowered by it).

witbind::generate!({
    path: "../.wasi-wit",
    world: "wasi:cli/command",
    generate_all,
});

use exports::wasi::cli::run::Guest;
use wasi::cli::environment::get_arguments;
use wasi::cli::stdout::get_stdout;

struct Command;

impl Guest for Command {
    fn run() -> Result<(), ()> {
        let args = get_arguments();
        let line = format!("run called with {} argument(s)\n", args.len());
        get_stdout()
            .blocking_write_and_flush(line.as_bytes())
            .map_err(|_| ())?;
        // `fail` as an argument makes `run` return `err`.
        if args.iter().any(|arg| arg == "fail") {
            Err(())
        } else {
            Ok(())
        }
    }
}

export!(Command);
