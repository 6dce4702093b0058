//! Differential test: `tests/guests/differential-common.rs` built once with
//! wit-bindgen 0.63's bindings (`diff-wit-bindgen`) and once with witbind's
//! (`diff-witbind`), both run in wasmtime with the same deterministic host;
//! witbind, a drop-in replacement, must make the program print the same.

use witbind_tests::{build_guests, component_imports, run_command, Output, Run};

/// Runs one build of the differential guest in a fresh, identical sandbox.
fn run_differential(guest: &str) -> Output {
    let sandbox = tempfile::tempdir().expect("creating a temporary directory");
    std::fs::write(sandbox.path().join("existing.txt"), "already here")
        .expect("seeding the sandbox");
    let run = Run::new("differential")
        .args(&["first", "second arg", "ünïcödé ✓", ""])
        .env("FOO", "bar")
        .env("EMPTY", "")
        .stdin(b"line one\nline two\n")
        .preopen(sandbox.path(), "/sandbox")
        .allow_tcp()
        .deterministic();
    let wasm = build_guests().wasm(guest);
    let output = run_command(wasm, &run).unwrap_or_else(|e| panic!("running {guest}: {e:?}"));
    assert!(
        output.success,
        "{guest} exited with an error; stderr:\n{}",
        output.stderr
    );
    output
}

/// The reference build works and prints what the host set up, so an equal
/// output from witbind means something.
#[test]
fn wit_bindgen_reference_prints_the_host_setup() {
    let output = run_differential("diff-wit-bindgen");
    let lines = output.lines();
    for expected in [
        "arg[0]=differential",
        "arg[2]=second arg",
        "arg[3]=ünïcödé ✓",
        "arg[4]=",
        "env[FOO]=bar",
        "env[EMPTY]=",
        "wall-now=1700000000.123456789",
        "monotonic-now=42000000000",
        "insecure-seed=18364758544493064720,81985529216486895",
        "pollable-ready=true",
        "stdin=line one\nline two\n",
        "preopen-name=/sandbox",
        "read=hello, WORLD|end=false",
        "open-missing=no-entry",
        "mkdir-again=exist",
        "entries=existing.txt:regular-file,notes.txt:regular-file,sub:directory",
        "tcp-family=ipv4",
        "tcp-bind=access-denied",
        "fields-append-bad=invalid-syntax",
        "fields-get=31,756e6f",
        "from-list=content-type:746578742f706c61696e,x-bytes:76ff21",
        "request-method-2=other(PURGE)",
        "request-scheme-2=other(gopher)",
        "response-status-2=404",
        "done=true",
    ] {
        let first_line = expected.lines().next().unwrap_or_default();
        assert!(
            output.stdout.contains(expected),
            "missing `{first_line}` in the reference output:\n{}",
            lines.join("\n")
        );
    }
}

#[test]
fn witbind_prints_the_same_as_wit_bindgen() {
    let reference = run_differential("diff-wit-bindgen");
    let witbind = run_differential("diff-witbind");
    if reference.stdout != witbind.stdout {
        let diff = similar::TextDiff::from_lines(&reference.stdout, &witbind.stdout)
            .unified_diff()
            .header("wit-bindgen", "witbind")
            .to_string();
        panic!("witbind's build of differential-common.rs printed differently:\n{diff}");
    }
}

/// Both builds import the same WASI interfaces at the same versions.
#[test]
fn witbind_component_imports_match_wit_bindgen() {
    let imports = |guest| {
        component_imports(build_guests().wasm(guest))
            .unwrap_or_else(|e| panic!("reading the component type of {guest}: {e:?}"))
    };
    let reference = imports("diff-wit-bindgen");
    assert!(
        reference
            .iter()
            .any(|i| i == "wasi:filesystem/types@0.2.12"),
        "unexpected reference imports: {reference:#?}"
    );
    assert_eq!(imports("diff-witbind"), reference);
}
