//! A `wasi:cli/command` guest (`tests/guests/run-export`) tested natively
//! with witbind's test WASI (`witbind::native::wasi::TestWasi`): its own
//! `cargo test` (arguments in, stdout out, exit code) passes on the host,
//! and the same cases run natively and as a component in wasmtime give the
//! same exit codes and stdout.

use witbind_tests::{build_guests, cargo, guests_dir, repo_root, run_command, Run};

/// Environment entries (`+KEY=VALUE`) and arguments of each case.
const CASES: &[&str] = &[
    "",
    "a b",
    "fail",
    "+GREET=both a",
    "exit=3 after",
    "exit=0",
    "exit-err",
    "+GREET=x fail",
];

#[test]
fn command_runs_natively_as_in_wasmtime() {
    // Builds the components, and links `tests/guests/.wasi-wit`, which the
    // guest's bindings read.
    let wasm = build_guests().wasm("run_export");
    let out = tempfile::NamedTempFile::new().expect("a temporary file");
    let status = cargo()
        .current_dir(guests_dir())
        .args(["test", "-p", "run-export", "--test", "native"])
        .arg("--target-dir")
        .arg(repo_root().join("target/guests-native"))
        .env("WITBIND_NATIVE_CASES", CASES.join("\n"))
        .env("WITBIND_NATIVE_OUT", out.path())
        .status()
        .expect("running cargo test");
    assert!(status.success(), "the guest's native tests failed");
    let native = std::fs::read_to_string(out.path()).expect("the native results");
    let native: Vec<&str> = native.lines().collect();
    assert_eq!(native.len(), CASES.len(), "one result per case: {native:?}");

    for (case, native) in CASES.iter().zip(native) {
        let mut run = Run::new("run-export");
        let mut args = Vec::new();
        for word in case.split(' ').filter(|w| !w.is_empty()) {
            match word.strip_prefix('+').and_then(|e| e.split_once('=')) {
                Some((key, value)) => run = run.env(key, value),
                None => args.push(word),
            }
        }
        let output = run_command(wasm, &run.args(&args))
            .unwrap_or_else(|e| panic!("running case `{case}` in wasmtime: {e:?}"));
        let code = output
            .exit_code
            .unwrap_or(if output.success { 0 } else { 1 });
        let wasm_result = format!("{code}\t{:?}", output.stdout);
        assert_eq!(
            native, wasm_result,
            "case `{case}`: native (left) and wasmtime (right) differ"
        );
    }
}
