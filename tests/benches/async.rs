//! Benchmark: the component model's async ABI through witbind's runtime vs
//! wit-bindgen 0.63's, with the same guest source (`tests/guests/
//! async-common.rs`) built in release mode and run in wasmtime 48:
//!
//! - async export calls per second (`noop`), and async export calls that
//!   await an async host import (`bounce`);
//! - `stream<u8>` throughput, guest to host (`produce`, read by the host
//!   64 KiB at a time) and host to guest (`consume`, read by the guest
//!   48 KiB at a time), in MiB/s.
//!
//! Run with `cargo bench -p witbind-tests --bench async`; prints each
//! figure for both builds and the ratio witbind / wit-bindgen (above 1
//! favours witbind).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use wasmtime::component::StreamReader;
use witbind_tests::async_host::{collect, pattern, Instance, GUESTS};

const CALLS: u32 = 20_000;
const STREAM_LEN: u64 = 64 << 20;
const ROUNDS: usize = 3;

/// Builds the two async guests in release mode; their `.wasm` files.
fn build() -> Vec<(&'static str, PathBuf)> {
    let root = witbind_tests::repo_root();
    let status = witbind_tests::cargo_for_wasm()
        .args(["build", "--release", "--quiet", "--target", "wasm32-wasip2"])
        .args([
            "-p",
            "async-witbind",
            "-p",
            "async-wit-bindgen",
            "--manifest-path",
        ])
        .arg(root.join("tests/guests/Cargo.toml"))
        .arg("--target-dir")
        .arg(root.join("target/guests"))
        .status()
        .expect("running cargo");
    assert!(status.success(), "building the async guests failed");
    let dir = root.join("target/guests/wasm32-wasip2/release");
    GUESTS
        .iter()
        .map(|name| (*name, dir.join(format!("{name}.wasm"))))
        .collect()
}

/// The best of [`ROUNDS`] timings of `f`.
fn best(mut f: impl FnMut() -> Duration) -> Duration {
    (0..ROUNDS).map(|_| f()).min().expect("at least one round")
}

/// (noop calls/s, bounce calls/s, guest→host MiB/s, host→guest MiB/s).
fn measure(name: &'static str, wasm: &std::path::Path) -> [f64; 4] {
    let mut instance = Instance::new(name, wasm);
    let noop = best(|| {
        instance.run(async |accessor, api| {
            let start = Instant::now();
            for i in 0..CALLS {
                assert_eq!(api.call_noop(accessor, i).await?, i + 1);
            }
            Ok(start.elapsed())
        })
    });
    let bounce = best(|| {
        instance.run(async |accessor, api| {
            let start = Instant::now();
            for i in 0..CALLS {
                assert_eq!(api.call_bounce(accessor, i).await?, i + 1);
            }
            Ok(start.elapsed())
        })
    });
    let out = best(|| {
        instance.run(async |accessor, api| {
            let start = Instant::now();
            let stream = api.call_produce(accessor, STREAM_LEN).await?;
            let mut batches = collect(accessor, stream, 64 << 10);
            let mut total = 0;
            while let Some(batch) = batches.recv().await {
                total += batch.len() as u64;
            }
            assert_eq!(total, STREAM_LEN);
            Ok(start.elapsed())
        })
    });
    let data = pattern(STREAM_LEN);
    let into = best(|| {
        let data = data.clone();
        instance.run(async |accessor, api| {
            let start = Instant::now();
            let stream = accessor.with(|mut access| StreamReader::new(&mut access, data))?;
            let (count, _) = api.call_consume(accessor, stream).await?;
            assert_eq!(count, STREAM_LEN);
            Ok(start.elapsed())
        })
    });
    let per_second = |n: f64, d: Duration| n / d.as_secs_f64();
    let mib = (STREAM_LEN >> 20) as f64;
    [
        per_second(f64::from(CALLS), noop),
        per_second(f64::from(CALLS), bounce),
        per_second(mib, out),
        per_second(mib, into),
    ]
}

fn main() {
    // `cargo bench` passes `--bench`; anything else (e.g. `cargo test
    // --benches`) runs nothing.
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let guests = build();
    let results: Vec<[f64; 4]> = guests
        .iter()
        .map(|(name, wasm)| measure(name, wasm))
        .collect();
    let labels = [
        "async export calls/s (noop)",
        "async export + async import calls/s",
        "stream<u8> guest -> host MiB/s",
        "stream<u8> host -> guest MiB/s",
    ];
    println!(
        "{:<40} {:>14} {:>14} {:>8}",
        "", "witbind", "wit-bindgen", "ratio"
    );
    for (i, label) in labels.iter().enumerate() {
        let (witbind, reference) = (results[0][i], results[1][i]);
        println!(
            "{label:<40} {witbind:>14.0} {reference:>14.0} {:>8.2}",
            witbind / reference
        );
    }
}
