//! A `wasi:cli/run` export whose bindings `build.rs` generated with
//! `witbind-build` (no proc-macro): prints its arguments.

mod bindings {
    include!(concat!(env!("OUT_DIR"), "/bindings.rs"));
}

use bindings::exports::wasi::cli::run::Guest;
use bindings::wasi::cli::environment;

struct Command;

impl Guest for Command {
    fn run() -> Result<(), ()> {
        println!("build door: {:?}", environment::get_arguments());
        Ok(())
    }
}

bindings::export!(Command with_types_in bindings);
