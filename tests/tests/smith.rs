//! Property tests: for random valid WIT (from `wit-smith`), generation never
//! panics, every world it accepts yields code that parses as Rust and
//! formats, and a sample of them type-checks for `wasm32-wasip2` under
//! `#![deny(warnings)]`. Worlds using features witbind rejects (async,
//! streams, ...) must be rejected with an error, not a panic.

use arbitrary::Unstructured;
use witbind_codegen::{format_file, generate, Opts};

/// A small deterministic generator, so failures reproduce.
struct XorShift(u64);

impl XorShift {
    fn fill(&mut self, buf: &mut [u8]) {
        for byte in buf {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            *byte = self.0 as u8;
        }
    }
}

/// Random WIT documents, decoded: `count` attempts from a fixed seed.
fn random_resolves(count: usize) -> Vec<wit_component::DecodedWasm> {
    let config = wit_smith::Config::default();
    let mut rng = XorShift(0x5eed_1234_abcd_ef01);
    let mut decoded = Vec::new();
    for _ in 0..count {
        let mut bytes = vec![0u8; 4096];
        rng.fill(&mut bytes);
        if let Ok(wasm) = wit_smith::smith(&config, &mut Unstructured::new(&bytes)) {
            decoded.push(wit_component::decode(&wasm).expect("wit-smith output decodes"));
        }
    }
    decoded
}

/// Generated code type-checks: a crate with one module per random world is
/// checked for wasm32-wasip2.
#[test]
fn random_wit_bindings_type_check() {
    let root = witbind_tests::repo_root();
    let dir = root.join("target/smith-check");
    let src = dir.join("src");
    std::fs::create_dir_all(&src).expect("create target/smith-check");
    let mut lib = String::from("#![no_std]\n#![deny(warnings)]\nextern crate alloc;\n");
    let mut count = 0;
    for (case, decoded) in random_resolves(60).iter().enumerate() {
        let resolve = decoded.resolve();
        for (world, _) in resolve.worlds.iter() {
            let Ok(tokens) = generate(resolve, world, &Opts::default()) else {
                continue;
            };
            let text = format_file(resolve, world, &tokens).expect("generated code parses");
            let name = format!("case{case}_{}", world.index());
            std::fs::write(src.join(format!("{name}.rs")), text).expect("write module");
            lib.push_str(&format!("pub mod {name};\n"));
            count += 1;
        }
    }
    assert!(count > 10, "too few worlds generated: {count}");
    std::fs::write(src.join("lib.rs"), lib).expect("write lib.rs");
    let witbind = root.join("crates/witbind");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"smith-check\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             [dependencies]\nwitbind = {{ path = {:?}, default-features = false }}\n[workspace]\n",
            witbind.display().to_string()
        ),
    )
    .expect("write Cargo.toml");
    // Same dependency versions as the workspace.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
    let output = witbind_tests::cargo_for_wasm()
        .args([
            "check",
            "--quiet",
            "--target",
            "wasm32-wasip2",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        .output()
        .expect("run cargo check");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "generated code for random WIT does not type-check:\n{stderr}"
    );
}

#[test]
fn random_wit_generates_valid_rust_or_a_clean_error() {
    let (mut generated, mut rejected) = (0, 0);
    for (case, decoded) in random_resolves(150).iter().enumerate() {
        let resolve = decoded.resolve();
        for (world, _) in resolve.worlds.iter() {
            let result = std::panic::catch_unwind(|| generate(resolve, world, &Opts::default()));
            let Ok(result) = result else {
                panic!(
                    "generation panicked for case {case}, world {}",
                    resolve.worlds[world].name
                );
            };
            match result {
                Ok(tokens) => {
                    let text = format_file(resolve, world, &tokens)
                        .unwrap_or_else(|e| panic!("case {case}: output does not parse: {e}"));
                    assert!(text.starts_with("// @generated"));
                    if let Some(dir) = std::env::var_os("WITBIND_SMITH_DUMP") {
                        let path = std::path::Path::new(&dir)
                            .join(format!("case{case}_{}.rs", world.index()));
                        std::fs::write(path, &text).expect("dump");
                    }
                    generated += 1;
                }
                Err(error) => {
                    assert!(
                        error.to_string().contains("not supported"),
                        "case {case}: {error}"
                    );
                    rejected += 1;
                }
            }
        }
    }
    eprintln!("generated {generated} worlds, rejected {rejected}");
    assert!(
        generated > 20,
        "too few worlds generated: {generated} (rejected {rejected})"
    );
}
