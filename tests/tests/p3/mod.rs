//! WASI 0.3 guests built with witbind's bindings of the `wasip3` crate's
//! WIT (the 0.3.0 that wasmtime 48 serves), run in wasmtime's `p3` host.

use http_body_util::Full;
use hyper::body::Bytes;
use witbind_tests::http::{request, serve_p3, Answer, P3ErrorCode};
use witbind_tests::{build_guests, run_p3_command, Run};

/// `wasi:cli/command@0.3.0`: an async `run` that uses sync and async WASI
/// imports, streams and futures (stdin, stdout, a file, a directory
/// listing) and the monotonic clock.
#[test]
fn a_wasi_p3_command_runs() {
    let sandbox = tempfile::tempdir().expect("creating a temporary directory");
    std::fs::write(sandbox.path().join("input.txt"), "file contents ✓").expect("seeding");
    std::fs::write(sandbox.path().join("other.txt"), "").expect("seeding");
    let run = Run::new("p3-command")
        .args(&["one", "two words"])
        .env("FOO", "bar")
        .stdin(b"some input")
        .preopen(sandbox.path(), "/sandbox");
    let wasm = build_guests().wasm("p3_command");
    let output = run_p3_command(wasm, &run).unwrap_or_else(|e| panic!("running p3-command: {e:?}"));
    assert!(
        output.success,
        "p3-command failed; stderr:\n{}",
        output.stderr
    );
    assert_eq!(
        output.lines(),
        [
            r#"args=["p3-command", "one", "two words"]"#,
            "env FOO=bar",
            "stdin=SOME INPUT",
            "random-len=16",
            "waited=true",
            "preopen=/sandbox",
            "file=file contents ✓",
            "entries=input.txt,other.txt",
        ],
        "stderr:\n{}",
        output.stderr
    );

    // Its `run` returning `err` is a failure.
    let failing = Run::new("p3-command")
        .args(&["fail"])
        .preopen(sandbox.path(), "/sandbox");
    let output =
        run_p3_command(wasm, &failing).unwrap_or_else(|e| panic!("running p3-command: {e:?}"));
    assert!(
        !output.success,
        "p3-command succeeded; stdout:\n{}",
        output.stdout
    );
    assert_eq!(output.exit_code, None);
    assert!(
        output.stdout.starts_with("args=[\"p3-command\", \"fail\"]"),
        "{}",
        output.stdout
    );
}

/// Serves `request` with a fresh instance of the `p3-http` guest
/// (`wasi:http/service@0.3.0`) in wasmtime's p3 `wasi:http`.
fn serve(request: hyper::Request<Full<Bytes>>) -> Result<Answer, P3ErrorCode> {
    serve_p3(build_guests().wasm("p3_http"), "p3-http", request)
}

#[test]
fn a_wasi_p3_http_service_answers_get() {
    let answer =
        serve(request("GET", "/hello?x=1", Vec::new())).unwrap_or_else(|code| panic!("{code:?}"));
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.headers.get("x-test").map(|v| v.as_bytes()),
        Some(&b"yes"[..])
    );
    assert_eq!(
        answer.headers.get("x-path").map(|v| v.as_bytes()),
        Some(&b"/hello?x=1"[..])
    );
    assert_eq!(
        String::from_utf8_lossy(&answer.body),
        "witbind answers /hello?x=1 over WASI 0.3\n"
    );
}

#[test]
fn a_wasi_p3_http_service_streams_a_mebibyte_back() {
    let body: Vec<u8> = (0..(1 << 20) + 4321u32).map(|i| (i % 251) as u8).collect();
    let answer =
        serve(request("POST", "/echo", body.clone())).unwrap_or_else(|code| panic!("{code:?}"));
    assert_eq!(answer.status, 200);
    assert!(
        answer.body == body,
        "the echoed body differs ({} bytes)",
        answer.body.len()
    );
}

#[test]
fn a_wasi_p3_http_service_returns_error_codes() {
    let answer = serve(request("DELETE", "/", Vec::new()));
    assert!(matches!(answer, Err(P3ErrorCode::HttpRequestMethodInvalid)));
}
