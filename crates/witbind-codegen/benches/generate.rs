//! Benchmark: the work each `generate!` macro does to produce the tokens it
//! hands to rustc, witbind vs wit-bindgen 0.63, for the fixtures and WASI 0.2
//! worlds: witbind builds a token stream directly; wit-bindgen generates
//! source text and parses it into tokens.
//!
//! Run with `cargo bench -p witbind-codegen --bench generate`; prints one
//! line per world and the total ratio.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use wit_bindgen_core::WorldGenerator;
use witbind_codegen::{generate, Opts, Wit};

const ROUNDS: u32 = 20;

fn time(mut f: impl FnMut()) -> Duration {
    f(); // warm up
    let start = Instant::now();
    for _ in 0..ROUNDS {
        f();
    }
    start.elapsed() / ROUNDS
}

/// The repository's fixtures and the WASI 0.2 worlds, as (label, WIT path, world).
fn cases() -> Vec<(String, PathBuf, Option<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut cases = vec![("example".to_string(), root.join("wit/example.wit"), None)];
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root.join("wit/fixtures"))
        .expect("wit/fixtures exists")
        .map(|entry| entry.expect("readable entry").path())
        .collect();
    fixtures.sort();
    for path in fixtures {
        let name = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        cases.push((name, path, None));
    }
    let wasi = wasip2_wit_dir(&root);
    for world in [
        "wasi:cli/command",
        "wasi:http/proxy",
        "wasi:cli/imports",
        "wasi:sockets/imports",
    ] {
        cases.push((world.to_string(), wasi.clone(), Some(world.to_string())));
    }
    cases
}

/// The `wit/` folder of the `wasip2` crate pinned in Cargo.lock.
fn wasip2_wit_dir(root: &Path) -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let manifest = metadata["packages"]
        .as_array()
        .and_then(|packages| packages.iter().find(|p| p["name"] == "wasip2"))
        .and_then(|p| p["manifest_path"].as_str())
        .expect("the wasip2 crate is in the dependency graph");
    Path::new(manifest)
        .parent()
        .expect("manifest has a folder")
        .join("wit")
}

fn main() {
    let (mut ours_total, mut theirs_total) = (Duration::ZERO, Duration::ZERO);
    println!(
        "{:<28} {:>12} {:>12} {:>7}",
        "world", "witbind", "wit-bindgen", "ratio"
    );
    for (name, path, world) in cases() {
        let wit = Wit::load(&[&path], &Default::default()).expect("fixture loads");
        let world = wit.select_world(world.as_deref()).expect("world exists");
        let opts = Opts::default();
        let ours = time(|| {
            let tokens = generate(&wit.resolve, world, &opts).expect("witbind generates");
            std::hint::black_box(tokens);
        });
        let theirs = time(|| {
            let mut resolve = wit.resolve.clone();
            let mut theirs = wit_bindgen_rust::Opts {
                generate_all: true,
                ..Default::default()
            }
            .build();
            let mut files = wit_bindgen_core::Files::default();
            // wit-bindgen rejects (or panics on) some fixtures, e.g. keyword names.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                theirs.generate(&mut resolve, world, &mut files)
            }));
            for (_, contents) in files.iter() {
                let text = String::from_utf8_lossy(contents);
                std::hint::black_box(text.parse::<proc_macro2::TokenStream>().ok());
            }
        });
        ours_total += ours;
        theirs_total += theirs;
        println!(
            "{:<28} {:>10.2?} {:>12.2?} {:>7.2}",
            name,
            ours,
            theirs,
            theirs.as_secs_f64() / ours.as_secs_f64()
        );
    }
    println!(
        "{:<28} {:>10.2?} {:>12.2?} {:>7.2}  (wit-bindgen time / witbind time)",
        "total",
        ours_total,
        theirs_total,
        theirs_total.as_secs_f64() / ours_total.as_secs_f64()
    );
}
