//! Property test: for random valid WIT (from `wit-smith`), generation never
//! panics, and every world it accepts yields code that parses as Rust and
//! formats. Worlds using features witbind rejects (async, streams, ...)
//! must be rejected with an error, not a panic.

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

#[test]
fn random_wit_generates_valid_rust_or_a_clean_error() {
    let config = wit_smith::Config::default();
    let mut rng = XorShift(0x5eed_1234_abcd_ef01);
    let (mut generated, mut rejected) = (0, 0);
    for case in 0..150 {
        let mut bytes = vec![0u8; 4096];
        rng.fill(&mut bytes);
        let Ok(wasm) = wit_smith::smith(&config, &mut Unstructured::new(&bytes)) else {
            continue;
        };
        let decoded = wit_component::decode(&wasm).expect("wit-smith output decodes");
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
