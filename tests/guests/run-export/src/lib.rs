//! A command component without `fn main`: `wasi:cli/run` is exported through
//! witbind's generated `Guest` trait and `export!` macro, so the host's call
//! goes through witbind's export glue (and `result<_, _>` is lowered by it).
//! It prints through `wasi:cli/stdout` and ends through `wasi:cli/exit`
//! when asked to, all with witbind's bindings. `tests/native.rs` runs it
//! natively, with witbind's test WASI.

witbind::generate!({
    path: "../.wasi-wit",
    world: "wasi:cli/command",
    generate_all,
});

use exports::wasi::cli::run::Guest;
use wasi::cli::environment::{get_arguments, get_environment};
use wasi::cli::exit::{exit, exit_with_code};
use wasi::cli::stdout::get_stdout;

/// The component.
pub struct Command;

impl Guest for Command {
    /// Arguments: `fail` makes `run` return `err`; `exit=N` exits with
    /// status N through `exit-with-code`; `exit-err` exits through
    /// `exit(err)` (status 1). With `GREET` in the environment, greets
    /// its value first.
    fn run() -> Result<(), ()> {
        let args = get_arguments();
        if let Some((_, name)) = get_environment().iter().find(|(key, _)| key == "GREET") {
            print(&format!("hello, {name}\n"))?;
        }
        print(&format!("run called with {} argument(s)\n", args.len()))?;
        for arg in &args {
            if let Some(code) = arg.strip_prefix("exit=") {
                let code: u8 = code.parse().map_err(|_| ())?;
                print(&format!("exiting with code {code}\n"))?;
                exit_with_code(code);
                print("exit-with-code returned\n")?;
            } else if arg == "exit-err" {
                print("exiting with err\n")?;
                exit(Err(()));
                print("exit returned\n")?;
            }
        }
        if args.iter().any(|arg| arg == "fail") {
            Err(())
        } else {
            Ok(())
        }
    }
}

fn print(text: &str) -> Result<(), ()> {
    get_stdout()
        .blocking_write_and_flush(text.as_bytes())
        .map_err(|_| ())
}

export!(Command);
