//! End-to-end: guest components built with witbind (`tests/guests/`) run in
//! wasmtime, and what they print is checked.

use witbind_tests::{build_guests, run_command, Run};

/// Every guest crate builds for wasm32-wasip2, including
/// `macro-wasi-worlds`, which runs `witbind::generate!` for every WASI
/// import world under `#![deny(warnings)]`.
#[test]
fn all_guests_build() {
    build_guests().assert_all_built();
}

#[test]
fn wasi_hello_prints_args_env_random_and_clock() {
    let wasm = build_guests().wasm("wasi-hello");
    let run = Run::new("wasi-hello")
        .args(&["one", "two words", "ünï"])
        .env("FOO", "bar")
        .env("EMPTY", "");
    let output = run_command(wasm, &run).unwrap_or_else(|e| panic!("running wasi-hello: {e:?}"));
    assert!(
        output.success,
        "wasi-hello failed; stderr:\n{}",
        output.stderr
    );
    assert_eq!(
        output.lines(),
        [
            r#"args=["wasi-hello", "one", "two words", "ünï"]"#,
            "env FOO=bar",
            "env EMPTY=",
            "random-len=16",
            "clock-seconds>0=true",
            "clock-nanoseconds<1e9=true",
        ],
        "stderr:\n{}",
        output.stderr
    );
}

/// `wasi:cli/run` exported with witbind's `Guest` trait and `export!`: the
/// host's call reaches the guest, and both `ok` and `err` come back.
#[test]
fn exported_run_is_called_and_its_result_returned() {
    let wasm = build_guests().wasm("run_export");
    for (args, success) in [(&["a", "b"][..], true), (&["fail"][..], false)] {
        let run = Run::new("run-export").args(args);
        let output =
            run_command(wasm, &run).unwrap_or_else(|e| panic!("running run-export: {e:?}"));
        assert_eq!(
            output.lines(),
            [format!("run called with {} argument(s)", args.len() + 1)],
            "stderr:\n{}",
            output.stderr
        );
        assert_eq!(output.success, success, "args {args:?}");
    }
}
