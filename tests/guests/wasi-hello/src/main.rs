//! A WASI command that talks to the host only through witbind-generated
//! bindings (no `std::env`, no `println!`), so every line the runtime test
//! reads went through witbind's lowering and lifting.

witbind::generate!({
    path: "../.wasi-wit",
    world: "wasi:cli/imports",
    generate_all,
});

use wasi::cli::environment::{get_arguments, get_environment};
use wasi::cli::stdout::get_stdout;
use wasi::clocks::wall_clock;
use wasi::io::streams::OutputStream;
use wasi::random::random::get_random_bytes;

fn main() {
    let stdout = get_stdout();
    let say = |line: String| write_line(&stdout, &line);

    say(format!("args={:?}", get_arguments()));
    for (key, value) in get_environment() {
        say(format!("env {key}={value}"));
    }
    say(format!("random-len={}", get_random_bytes(16).len()));
    let now = wall_clock::now();
    say(format!("clock-seconds>0={}", now.seconds > 0));
    say(format!(
        "clock-nanoseconds<1e9={}",
        now.nanoseconds < 1_000_000_000
    ));
}

fn write_line(stream: &OutputStream, line: &str) {
    let mut bytes = line.as_bytes().to_vec();
    bytes.push(b'\n');
    // `blocking_write_and_flush` takes at most 4096 bytes per call.
    for chunk in bytes.chunks(4096) {
        stream
            .blocking_write_and_flush(chunk)
            .expect("writing to stdout failed");
    }
}
