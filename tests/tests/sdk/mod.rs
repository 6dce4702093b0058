//! Code that wit-bindgen generated, on witbind: the `wasip3` crate's
//! bindings (and SDK crates built on wit-bindgen) next to witbind's, with
//! the real wit-bindgen (two runtimes in one component, sharing the task
//! through `wasip3_task_set`) and with `wit-bindgen` swapped for witbind
//! (`crates/wit-bindgen-compat`, through `[patch.crates-io]`: one runtime).

use witbind_tests::http::{request, serve_p2, serve_p3};
use witbind_tests::{build_guests, build_sdk_guests, run_p3_command, Guest, Run};

/// The `interop-common.rs` guest built as `wasm`: its `run` awaits the
/// `wasip3` crate's clock and writes stdout through its stream, from a
/// task witbind's runtime spawned.
fn interop_runs(name: &str, wasm: &std::path::Path) {
    let output =
        run_p3_command(wasm, &Run::new(name)).unwrap_or_else(|e| panic!("running {name}: {e:?}"));
    assert!(output.success, "{name} failed; stderr:\n{}", output.stderr);
    assert_eq!(
        output.lines(),
        ["waited=true", "written by a spawned task"],
        "{name}: stderr:\n{}",
        output.stderr
    );
}

/// The same guest's `echo`: the host places the string in guest memory
/// through the component's `cabi_realloc`, and gets it back.
fn interop_echoes(name: &str, wasm: &std::path::Path) {
    let mut guest = Guest::load_async(wasm, &Run::new(name), ())
        .unwrap_or_else(|e| panic!("loading {name}: {e:?}"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let text = "a string the host allocates in guest memory".repeat(3);
    let echoed = runtime
        .block_on(async {
            let instance = guest
                .linker
                .instantiate_async(&mut guest.store, &guest.component)
                .await?;
            let echo = instance.get_typed_func::<(&str,), (String,)>(&mut guest.store, "echo")?;
            echo.call_async(&mut guest.store, (text.as_str(),)).await
        })
        .unwrap_or_else(|e| panic!("calling {name}'s echo: {e:?}"));
    assert_eq!(echoed.0, text, "{name}");
}

#[test]
fn witbind_exports_await_imports_of_the_real_wit_bindgen() {
    interop_runs("interop_p3", build_guests().wasm("interop_p3"));
}

/// Regression: the guest's reference to `cabi_realloc` made the linker
/// take the first archive offering one, which could be wit-bindgen 0.57's
/// (through `wasip3`): its weak `cabi_realloc` calls a function missing on
/// `wasm32-wasip2`, so the component did not link.
#[test]
fn witbind_and_the_real_wit_bindgen_link_one_cabi_realloc() {
    interop_echoes("interop_p3", build_guests().wasm("interop_p3"));
}

#[test]
fn the_wasip3_crate_runs_on_witbind_when_swapped_in() {
    let wasm = build_sdk_guests().wasm("interop_p3_swapped");
    interop_runs("interop_p3_swapped", wasm);
    interop_echoes("interop_p3_swapped", wasm);
}

/// The newest `wasip3` crate (WASI 0.3.2, wit-bindgen 0.63: 201 errors on
/// witbind's runtime before it had wit-bindgen's `rt` items), all of it
/// (its `http-compat` feature too), with its own `export!`: it builds, and
/// the component exports what the crate's world says.
#[test]
fn the_newest_wasip3_crate_builds_on_witbind() {
    let wasm = build_sdk_guests().wasm("wasip3_latest");
    let exports = witbind_tests::component_exports(wasm)
        .unwrap_or_else(|e| panic!("decoding {}: {e:?}", wasm.display()));
    assert_eq!(exports, ["wasi:cli/run@0.3.2"], "{}", wasm.display());
}

/// spin-sdk 7.0.0's HTTP example (README), built with `wit-bindgen` (its
/// `wasip3` crate's 0.57.1) swapped for witbind: a `wasi:http/service`
/// 0.3.0 guest that answers in wasmtime's p3 `wasi:http`.
#[test]
fn a_spin_sdk_http_service_answers_on_witbind() {
    let wasm = build_sdk_guests().wasm("spin_http");
    let answer = serve_p3(wasm, "spin-http", request("GET", "/hello", Vec::new()))
        .unwrap_or_else(|code| panic!("spin-http answered {code:?}"));
    assert_eq!(answer.status, 200);
    assert_eq!(answer.text(), "Hello, Spin, from /hello");
}

/// wstd 0.6.8's HTTP server example, built with `wit-bindgen` (its
/// `wasip2` crate's) swapped for witbind: a `wasi:http/proxy` guest that
/// answers in wasmtime's `wasi:http`.
#[test]
fn a_wstd_http_server_answers_on_witbind() {
    let wasm = build_sdk_guests().wasm("wstd_http");
    let answer = serve_p2(wasm, "wstd-http", request("GET", "/hello", Vec::new()))
        .unwrap_or_else(|failure| panic!("{failure}"));
    assert_eq!(answer.status, 200);
    assert_eq!(answer.text(), "Hello from wstd, /hello\n");
}

/// waki 0.5.1's HTTP handler example (wit-bindgen 0.34 swapped for
/// witbind): a `wasi:http/proxy` guest.
#[test]
fn a_waki_http_handler_answers_on_witbind() {
    let wasm = build_sdk_guests().wasm("waki_http");
    let answer = serve_p2(wasm, "waki-http", request("GET", "/hello", Vec::new()))
        .unwrap_or_else(|failure| panic!("{failure}"));
    assert_eq!(answer.status, 200);
    assert_eq!(answer.text(), "Hello from waki, /hello");
}

/// wasmcloud-component 0.2.0's HTTP server example (wit-bindgen 0.32
/// swapped for witbind): a `wasi:http/proxy` guest.
#[test]
fn a_wasmcloud_http_server_answers_on_witbind() {
    let wasm = build_sdk_guests().wasm("wasmcloud_http");
    let answer = serve_p2(wasm, "wasmcloud-http", request("GET", "/hello", Vec::new()))
        .unwrap_or_else(|failure| panic!("{failure}"));
    assert_eq!(answer.status, 200);
    assert_eq!(answer.text(), "Hello from wasmCloud, /hello");
}

/// SDKs whose guests need a host wasmtime does not provide (Zed, a
/// `wasi:logging` host) build on witbind, with the imports and exports
/// their WIT gives.
#[test]
fn sdk_guests_for_other_hosts_build_on_witbind() {
    let guests = build_sdk_guests();
    for (name, import, export) in [
        ("zed_extension", "zed:extension/process", "init-extension"),
        ("wasi_logger_log", "wasi:logging/logging", "greet"),
    ] {
        let wasm = guests.wasm(name);
        let imports = witbind_tests::component_imports(wasm)
            .unwrap_or_else(|e| panic!("decoding {name}: {e:?}"));
        let exports = witbind_tests::component_exports(wasm)
            .unwrap_or_else(|e| panic!("decoding {name}: {e:?}"));
        assert!(
            imports.iter().any(|i| i.starts_with(import)),
            "{name}: {imports:?}"
        );
        assert!(
            exports.iter().any(|e| e.starts_with(export)),
            "{name}: {exports:?}"
        );
    }
}
