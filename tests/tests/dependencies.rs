//! What a guest's build compiles for the `generate!` macro: no crate that
//! wit-bindgen 0.63's macro does not also need, and fewer in all (the
//! component type is encoded by witbind itself on `wasm-encoder`, so
//! `wit-component` and `wasm-metadata` are not in the graph).

use witbind_tests::perf::builds::{macro_dependencies, Generator};

#[test]
fn the_macro_needs_fewer_crates_than_wit_bindgens_and_none_it_lacks() {
    let ours = macro_dependencies(Generator::Witbind).unwrap_or_else(|e| panic!("{e:#}"));
    let theirs = macro_dependencies(Generator::WitBindgen).unwrap_or_else(|e| panic!("{e:#}"));
    // witbind's own two crates stand for wit-bindgen's generator and macro.
    let own = |krate: &&String| {
        krate.starts_with("witbind-macro ") || krate.starts_with("witbind-codegen ")
    };
    let extra: Vec<&String> = ours
        .iter()
        .filter(|krate| !own(krate) && !theirs.contains(*krate))
        .collect();
    assert!(
        extra.is_empty(),
        "witbind's macro needs crates that wit-bindgen's does not: {extra:?}"
    );
    assert!(
        ours.len() < theirs.len(),
        "witbind's macro needs {} crates, wit-bindgen's {}:\nwitbind: {ours:?}\nwit-bindgen: {theirs:?}",
        ours.len(),
        theirs.len()
    );
    for heavy in ["wit-component ", "wasm-metadata ", "prettyplease "] {
        assert!(
            !ours.iter().any(|krate| krate.starts_with(heavy)),
            "witbind's macro depends on {heavy}"
        );
    }
}
