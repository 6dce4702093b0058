//! Random WIT from `wit-smith` through the whole generator: every world
//! of every package must generate, the output must format (prettyplease,
//! as the CLI does) and parse again with `syn::parse_file`, and generating
//! twice must give the same bytes. A rejection is only allowed with a
//! message (witbind binds the whole component model, so the property test
//! in `tests/tests/smith.rs` also requires none); a panic is a crash.
#![no_main]

use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use witbind_codegen::{format_file, generate, Opts};

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    // A random configuration too: sizes, async functions, futures,
    // streams, error contexts, fixed-length lists, includes.
    let Ok(config) = u.arbitrary::<wit_smith::Config>() else {
        return;
    };
    let Ok(wasm) = wit_smith::smith(&config, &mut u) else {
        return;
    };
    let resolve = match wit_component::decode(&wasm).expect("wit-smith output decodes") {
        wit_component::DecodedWasm::WitPackage(resolve, _) => resolve,
        wit_component::DecodedWasm::Component(resolve, _) => resolve,
    };
    for (world, _) in resolve.worlds.iter() {
        let tokens = match generate(&resolve, world, &Opts::default()) {
            Ok(tokens) => tokens,
            Err(error) => {
                assert!(!error.to_string().is_empty(), "an error without a message");
                continue;
            }
        };
        let text = format_file(&resolve, world, &tokens)
            .unwrap_or_else(|e| panic!("generated code does not format: {e}"));
        syn::parse_file(&text).unwrap_or_else(|e| panic!("formatted code does not parse: {e}"));
        let again = generate(&resolve, world, &Opts::default()).expect("generates twice");
        assert_eq!(
            tokens.to_string(),
            again.to_string(),
            "generation is not deterministic"
        );
    }
});
