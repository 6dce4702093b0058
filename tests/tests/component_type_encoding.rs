//! witbind's own component-type encoder against every fixture, every
//! world of the WASI 0.2 and 0.3 packages and every world of golem-rust
//! 3.0.2's published WIT (large, real-world): the encoded world decodes (as
//! the component linker decodes it) to the world that was encoded, and to
//! what wit-component's encoder gives (see `witbind_tests::component_type`).
//! Random worlds are checked in `smith.rs`.

use std::path::Path;

use witbind_codegen::{Features, Wit};
use witbind_tests::component_type::check_world;
use witbind_tests::{fixtures, golem_wit_dir, wasip2_wit_dir, wasip3_wit_dir, worlds_in};

/// Checks the world `spec` (or the only one) of the WIT at `wit`; the
/// failure, if any.
fn check(wit: &Path, spec: Option<&str>) -> Option<String> {
    let all_features = Features {
        all: true,
        names: Vec::new(),
    };
    let loaded = match Wit::load(&[wit], &all_features) {
        Ok(loaded) => loaded,
        Err(e) => return Some(format!("loading {}: {e}", wit.display())),
    };
    let result = loaded
        .select_world(spec)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .and_then(|world| check_world(&loaded.resolve, world));
    result.err().map(|e| format!("{}: {e:#}", wit.display()))
}

fn assert_all(failures: Vec<String>, checked: usize) {
    assert!(
        failures.is_empty(),
        "{} of {checked} worlds:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn fixtures_encode_to_their_world() {
    let fixtures = fixtures();
    assert!(fixtures.len() > 30, "the fixtures were not found");
    let failures = fixtures
        .iter()
        .filter_map(|case| check(&case.wit, case.world.as_deref()))
        .collect();
    assert_all(failures, fixtures.len());
}

#[test]
fn every_wasi_world_encodes_to_itself() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for dir in [wasip2_wit_dir(), wasip3_wit_dir()] {
        let worlds = worlds_in(dir).unwrap_or_else(|e| panic!("{e:#}"));
        assert!(!worlds.is_empty(), "no worlds in {}", dir.display());
        for world in worlds {
            checked += 1;
            failures.extend(check(dir, Some(&world)));
        }
    }
    assert_all(failures, checked);
}

#[test]
fn every_golem_world_encodes_to_itself() {
    let dir = golem_wit_dir().unwrap_or_else(|e| panic!("{e:#}"));
    let loaded = Wit::load(&[&dir], &Features::default())
        .unwrap_or_else(|e| panic!("loading {}: {e}", dir.display()));
    let worlds: Vec<_> = loaded.resolve.worlds.iter().map(|(id, _)| id).collect();
    assert!(
        worlds.len() >= 10,
        "golem-rust's WIT has {} worlds",
        worlds.len()
    );
    let failures = worlds
        .iter()
        .filter_map(|world| check_world(&loaded.resolve, *world).err())
        .map(|e| format!("{e:#}"))
        .collect();
    assert_all(failures, worlds.len());
}
