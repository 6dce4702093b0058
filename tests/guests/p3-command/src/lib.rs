//! A WASI 0.3 command (`wasi:cli/command@0.3.0`, the version wasmtime 48
//! serves) with witbind's bindings: its async `run` reads its arguments,
//! environment and stdin, waits on the monotonic clock, reads a file and a
//! directory listing through streams, and writes everything to stdout as
//! `key=value` lines through a stream (see tests/tests/p3/mod.rs).

mod bindings {
    witbind::generate!({
        path: "../.wasi-p3-wit",
        world: "wasi:cli/command",
    });
}

use bindings::wasi::cli::{environment, stdin, stdout};
use bindings::wasi::clocks::monotonic_clock;
use bindings::wasi::filesystem::preopens;
use bindings::wasi::filesystem::types::{DescriptorFlags, OpenFlags, PathFlags};
use bindings::wasi::random::random;
use bindings::wit_stream;

struct Command;

bindings::export!(Command with_types_in bindings);

impl bindings::exports::wasi::cli::run::Guest for Command {
    async fn run() -> Result<(), ()> {
        let (mut out, reader) = wit_stream::new::<u8>();
        let written = stdout::write_via_stream(reader);
        let mut lines = Vec::new();

        let args = environment::get_arguments();
        lines.push(format!("args={args:?}"));
        for (key, value) in environment::get_environment() {
            lines.push(format!("env {key}={value}"));
        }

        let (input, input_result) = stdin::read_via_stream();
        let input = input.collect().await;
        input_result.await.map_err(|_| ())?;
        lines.push(format!(
            "stdin={}",
            String::from_utf8_lossy(&input).to_uppercase()
        ));

        lines.push(format!("random-len={}", random::get_random_bytes(16).len()));
        let before = monotonic_clock::now();
        monotonic_clock::wait_for(2_000_000).await;
        lines.push(format!(
            "waited={}",
            monotonic_clock::now() - before >= 2_000_000
        ));

        let (dir, name) = preopens::get_directories().into_iter().next().ok_or(())?;
        lines.push(format!("preopen={name}"));
        let file = dir
            .open_at(
                PathFlags::empty(),
                "input.txt".into(),
                OpenFlags::empty(),
                DescriptorFlags::READ,
            )
            .await
            .map_err(|_| ())?;
        let (contents, read_result) = file.read_via_stream(0);
        let contents = contents.collect().await;
        read_result.await.map_err(|_| ())?;
        lines.push(format!("file={}", String::from_utf8_lossy(&contents)));
        let (entries, list_result) = dir.read_directory();
        let mut names: Vec<String> = entries
            .collect()
            .await
            .into_iter()
            .map(|e| e.name)
            .collect();
        list_result.await.map_err(|_| ())?;
        names.sort();
        lines.push(format!("entries={}", names.join(",")));

        let mut text = lines.join("\n");
        text.push('\n');
        let unwritten = out.write_all(text.into_bytes()).await;
        drop(out);
        if !unwritten.is_empty() {
            return Err(());
        }
        written.await.map_err(|_| ())?;
        // `run` returning `err` is the command's failure exit status.
        if args.iter().any(|arg| arg == "fail") {
            return Err(());
        }
        Ok(())
    }
}
