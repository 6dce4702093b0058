//! One component, two async runtimes' worth of code: a `wasi:cli/run@0.3.0`
//! export with witbind's bindings (`crate::bindings`) whose async `run`
//! awaits async imports of the `wasip3` crate (bindings that wit-bindgen
//! generated): a clock wait, and stdout written through a `stream<u8>` by a
//! task `run` spawns. Built twice (see tests/tests/sdk): next to the real
//! wit-bindgen (`interop-p3`: both runtimes share the task through
//! `wasip3_task_set`), and with `wit-bindgen` swapped for witbind
//! (`tests/sdk/interop-p3-swapped`: one runtime). `echo` takes a string,
//! which the host places in guest memory through `cabi_realloc`: witbind's
//! and wit-bindgen's runtimes both offer one to the linker.

use crate::bindings::exports::wasi::cli::run::Guest;
use wasip3::cli::stdout;
use wasip3::clocks::monotonic_clock;
use wasip3::wit_stream;

struct Command;

crate::bindings::export!(Command with_types_in crate::bindings);

impl crate::bindings::Guest for Command {
    fn echo(s: String) -> String {
        s
    }
}

impl Guest for Command {
    async fn run() -> Result<(), ()> {
        let before = monotonic_clock::now();
        monotonic_clock::wait_for(1_000_000).await;
        let waited = monotonic_clock::now() - before >= 1_000_000;
        let (mut writer, reader) = wit_stream::new::<u8>();
        let written = stdout::write_via_stream(reader);
        witbind::spawn(async move {
            let lines = format!("waited={waited}\nwritten by a spawned task\n");
            assert!(writer.write_all(lines.into_bytes()).await.is_empty());
        });
        written.await.map_err(|_| ())
    }
}
