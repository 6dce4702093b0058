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
        assert_eq!(output.exit_code, None, "args {args:?}");
    }
}

/// A command written only with witbind's bindings (no `fn main`) prints
/// through `wasi:cli/stdout` and exits with a chosen status through
/// `wasi:cli/exit`: `exit-with-code(n)` ends with status n, `exit(err)`
/// with 1, and neither returns to the guest.
#[test]
fn exported_run_exits_with_the_chosen_code() {
    let wasm = build_guests().wasm("run_export");
    for (arg, code, last_line) in [
        ("exit=3", 3, "exiting with code 3"),
        ("exit=255", 255, "exiting with code 255"),
        ("exit=0", 0, "exiting with code 0"),
        ("exit-err", 1, "exiting with err"),
    ] {
        let run = Run::new("run-export").args(&[arg]);
        let output =
            run_command(wasm, &run).unwrap_or_else(|e| panic!("running run-export {arg}: {e:?}"));
        assert_eq!(
            output.lines(),
            ["run called with 2 argument(s)", last_line],
            "{arg}: stderr:\n{}",
            output.stderr
        );
        assert_eq!(output.exit_code, Some(code), "{arg}");
        assert_eq!(output.success, code == 0, "{arg}");
    }
}

mod allocator;
mod async_runtime;
mod async_semantics;
mod borrows;
mod crate_features;
mod cross_crate;
mod named_imports;
mod options_runtime;
mod p3;
mod roundtrip;
mod sdk;
mod type_tree;
mod value_fuzz;

/// `import primary: store; import secondary: store;`: each name is its own
/// module with its own types and resources, linked to its own instance.
#[test]
fn one_interface_imported_under_two_names() {
    named_imports::each_name_reaches_its_own_instance("named_imports");
}

/// A library crate holds the bindings (`pub_export_macro`); another crate
/// implements the exports and calls the library's `export!`. The component
/// has the world's exports and imports, and runs.
#[test]
fn exports_implemented_in_another_crate_run() {
    cross_crate::exports_from_another_crate_run("cross_crate_export");
}

/// Exports receiving borrows of a host resource (alone, in options,
/// variants, records and lists, in an interface and at world level) end
/// every loan before returning, and never drop the host's resource.
#[test]
fn borrows_received_by_exports_are_released() {
    borrows::every_borrow_is_released("borrowed_imports");
}

/// The smallest guest (only its allocator uses std) frees what the host
/// allocated in it through the allocator that allocated it: the exported
/// `cabi_realloc` is std's, not wasi-libc's.
#[test]
fn host_allocations_are_freed_by_the_same_allocator() {
    allocator::every_call_is_balanced("minimal_alloc", false);
}

/// The same guest linked next to wit-bindgen 0.57.1's runtime (through
/// the `wasip3` crate 0.7), which offers the linker a weak `cabi_realloc`
/// too, one calling a function that is missing on `wasm32-wasip2`: the
/// component links, with a `cabi_realloc` on the Rust allocator.
/// (Regression: the linker took the first archive offering one, and the
/// component did not link.)
#[test]
fn cabi_realloc_links_next_to_wit_bindgen_0_57() {
    allocator::every_call_is_balanced("minimal_alloc_wasip3", true);
}

/// Every WIT type kind crosses the boundary in both directions and comes
/// back equal (`wit/fixtures/roundtrip.wit`, guest `roundtrip-witbind`).
#[test]
fn roundtrip_values_through_witbind_guest() {
    let mut rt = roundtrip::Roundtripper::new("roundtrip_witbind");
    roundtrip::scalars(&mut rt);
    roundtrip::strings_and_lists(&mut rt);
    roundtrip::options_results_tuples(&mut rt);
    roundtrip::records_variants_flags(&mut rt);
}

/// The same round trips through a `no_std` guest with `with_cabi_realloc`
/// and dlmalloc as its global allocator.
#[test]
fn roundtrip_through_no_std_witbind_guest() {
    let mut rt = roundtrip::Roundtripper::new("roundtrip_nostd");
    roundtrip::scalars(&mut rt);
    roundtrip::strings_and_lists(&mut rt);
    roundtrip::options_results_tuples(&mut rt);
    roundtrip::records_variants_flags(&mut rt);
    roundtrip::resources(&mut rt);
    roundtrip::no_leaks(&mut rt);
}

#[test]
fn roundtrip_resources_through_witbind_guest() {
    let mut rt = roundtrip::Roundtripper::new("roundtrip_witbind");
    roundtrip::resources(&mut rt);
}

#[test]
fn roundtrip_through_witbind_guest_frees_its_memory() {
    let mut rt = roundtrip::Roundtripper::new("roundtrip_witbind");
    roundtrip::no_leaks(&mut rt);
}

/// 10 000 calls of string- and list-returning exports in one instance:
/// the guest's memory size stays the same after a warm-up.
#[test]
fn roundtrip_through_witbind_guest_does_not_leak_over_10_000_calls() {
    let mut rt = roundtrip::Roundtripper::new("roundtrip_witbind");
    roundtrip::no_leaks_over_many_calls(&mut rt);
}

/// The same checks against the same guest source built with wit-bindgen:
/// proves the test itself (and that `roundtrip-common.rs` is wit-bindgen's
/// API, which witbind must accept unchanged).
#[test]
fn roundtrip_reference_wit_bindgen_guest_passes_the_same_checks() {
    let mut rt = roundtrip::Roundtripper::new("roundtrip_wit_bindgen");
    roundtrip::scalars(&mut rt);
    roundtrip::strings_and_lists(&mut rt);
    roundtrip::options_results_tuples(&mut rt);
    roundtrip::records_variants_flags(&mut rt);
    roundtrip::resources(&mut rt);
    roundtrip::no_leaks(&mut rt);
    roundtrip::no_leaks_over_many_calls(&mut rt);
}

/// Bindings from the build-script door (`witbind-build` in `build.rs`,
/// included from `OUT_DIR`) work like the macro's.
#[test]
fn bindings_generated_by_a_build_script_run() {
    let wasm = build_guests().wasm("build_door");
    let output = run_command(wasm, &Run::new("build-door").args(&["x", "y z"]))
        .unwrap_or_else(|e| panic!("running build-door: {e:?}"));
    assert!(output.success, "stderr:\n{}", output.stderr);
    assert_eq!(
        output.lines(),
        [r#"build door: ["build-door", "x", "y z"]"#]
    );
}
