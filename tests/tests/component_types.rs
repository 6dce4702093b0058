//! The components that `cargo build --target wasm32-wasip2` makes from
//! witbind guests have their world's type: decoded with `wit-component`,
//! the exports are exactly the world's (same interfaces, same functions),
//! and the imports are a subset of the world's (`wit-component` keeps only
//! what the code uses). The world side is the WIT loaded the way the
//! macro loads it (`witbind_codegen::Wit::load`, whose worlds wit-parser has
//! already elaborated with everything their interfaces `use`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use witbind_codegen::wit_parser::{Resolve, WorldId, WorldItem, WorldKey};
use witbind_codegen::{Features, Wit};
use witbind_tests::{build_guests, decode_component, repo_root, wasip2_wit_dir};

/// One side of a world: each item's name (`ns:pkg/iface@version`, or the
/// bare name of a world-level function or type) and the functions it
/// holds (an interface's functions; a function itself; nothing for a type).
type Items = BTreeMap<String, BTreeSet<String>>;

fn items<'a>(
    resolve: &Resolve,
    side: impl IntoIterator<Item = (&'a WorldKey, &'a WorldItem)>,
) -> Items {
    side.into_iter()
        .map(|(key, item)| {
            let functions = match item {
                WorldItem::Interface { id, .. } => {
                    resolve.interfaces[*id].functions.keys().cloned().collect()
                }
                WorldItem::Function(function) => BTreeSet::from([function.name.clone()]),
                WorldItem::Type { .. } => BTreeSet::new(),
            };
            (resolve.name_world_key(key), functions)
        })
        .collect()
}

/// A world's imports and exports.
#[derive(Debug)]
struct Shape {
    imports: Items,
    exports: Items,
}

impl Shape {
    fn of(resolve: &Resolve, world: WorldId) -> Shape {
        let world = &resolve.worlds[world];
        Shape {
            imports: items(resolve, &world.imports),
            exports: items(resolve, &world.exports),
        }
    }

    /// The world `spec` (or the only world) of the WIT at `wit`.
    fn of_wit(wit: &Path, spec: Option<&str>) -> Shape {
        let loaded = Wit::load(&[wit], &Features::default())
            .unwrap_or_else(|e| panic!("loading {}: {e}", wit.display()));
        let world = loaded
            .select_world(spec)
            .unwrap_or_else(|e| panic!("selecting {spec:?} in {}: {e}", wit.display()));
        Shape::of(&loaded.resolve, world)
    }

    /// The world of the guest component `guest`'s type.
    fn of_guest(guest: &str) -> Shape {
        let wasm = build_guests().wasm(guest);
        let (resolve, world) =
            decode_component(wasm).unwrap_or_else(|e| panic!("decoding {guest}: {e:?}"));
        Shape::of(&resolve, world)
    }
}

/// Asserts that `guest`'s exports are exactly `expected`'s and its imports
/// a subset of `expected`'s (function by function), apart from what the
/// standard library imports (see [`std_runtime_imports`]).
fn assert_component_has_world_type(guest: &str, expected: &Shape) {
    let actual = Shape::of_guest(guest);
    assert_eq!(
        actual.exports, expected.exports,
        "{guest}: the component's exports (left) differ from the world's (right)"
    );
    let std_imports = std_runtime_imports();
    for (name, functions) in &actual.imports {
        let (allowed, from) = match expected.imports.get(name) {
            Some(allowed) => (allowed, "the world's"),
            None => match std_imports.get(unversioned(name)) {
                Some(allowed) => (allowed, "the standard library's"),
                None => panic!(
                    "{guest} imports `{name}`, which neither its world nor the standard \
                     library does; the world imports {:?}",
                    expected.imports.keys().collect::<Vec<_>>()
                ),
            },
        };
        let extra: Vec<&String> = functions.difference(allowed).collect();
        assert!(
            extra.is_empty(),
            "{guest} imports {extra:?} from `{name}`, which {from} `{name}` does not have"
        );
    }
}

/// What Rust's standard library for `wasm32-wasip2` imports by itself
/// (wasi-libc's start-up, environment, exit, stdio and terminals, at the
/// WASI 0.2.x version the toolchain was built with, e.g. `@0.2.6`), so
/// every std guest has it whatever its world: the interfaces of WASI's
/// `wasi:cli/imports` world, keyed without their version. The reference
/// build with wit-bindgen imports the same.
fn std_runtime_imports() -> Items {
    let cli = Shape::of_wit(wasip2_wit_dir(), Some("wasi:cli/imports"));
    cli.imports
        .into_iter()
        .map(|(name, functions)| (unversioned(&name).to_string(), functions))
        .collect()
}

fn unversioned(name: &str) -> &str {
    name.split_once('@').map_or(name, |(name, _version)| name)
}

fn roundtrip_world() -> Shape {
    Shape::of_wit(&repo_root().join("wit/fixtures/roundtrip.wit"), None)
}

#[test]
fn roundtrip_guest_has_the_roundtrip_world_type() {
    let world = roundtrip_world();
    // The test is only as good as the world it compares with.
    assert_eq!(
        world.exports.keys().collect::<Vec<_>>(),
        ["witbind-fixtures:roundtrip/guest"]
    );
    let guest_functions = &world.exports["witbind-fixtures:roundtrip/guest"];
    for function in [
        "echo-string",
        "[constructor]counter",
        "[method]counter.add-from",
        "[static]counter.merge",
        "memory-pages",
    ] {
        assert!(guest_functions.contains(function), "{function}");
    }
    assert_component_has_world_type("roundtrip_witbind", &world);
}

/// The same guest source built with wit-bindgen passes the same check:
/// the expectations above are what a correct component looks like.
#[test]
fn roundtrip_reference_wit_bindgen_guest_has_the_same_type() {
    assert_component_has_world_type("roundtrip_wit_bindgen", &roundtrip_world());
}

#[test]
fn run_export_guest_has_the_wasi_cli_command_type() {
    let world = Shape::of_wit(wasip2_wit_dir(), Some("wasi:cli/command"));
    assert_eq!(
        world.exports,
        Items::from([(
            "wasi:cli/run@0.2.12".to_string(),
            BTreeSet::from(["run".to_string()])
        )])
    );
    assert_component_has_world_type("run_export", &world);
}

#[test]
fn http_proxy_guest_has_the_wasi_http_proxy_type() {
    let world = Shape::of_wit(wasip2_wit_dir(), Some("wasi:http/proxy"));
    assert_eq!(
        world.exports,
        Items::from([(
            "wasi:http/incoming-handler@0.2.12".to_string(),
            BTreeSet::from(["handle".to_string()])
        )])
    );
    assert_component_has_world_type("http_proxy", &world);
}

/// The check has teeth: a component compared with another world's exports
/// fails.
#[test]
#[should_panic(expected = "run_export: the component's exports (left) differ")]
fn a_component_with_other_exports_fails_the_check() {
    let proxy = Shape::of_wit(wasip2_wit_dir(), Some("wasi:http/proxy"));
    assert_component_has_world_type("run_export", &proxy);
}

/// The check has teeth: an import the world lacks fails it.
#[test]
#[should_panic(expected = "http_proxy imports `wasi:http/types@0.2.12`, which neither")]
fn an_import_outside_the_world_fails_the_check() {
    let mut proxy = Shape::of_wit(wasip2_wit_dir(), Some("wasi:http/proxy"));
    proxy.imports.remove("wasi:http/types@0.2.12");
    assert_component_has_world_type("http_proxy", &proxy);
}

/// Nine WASI worlds generated side by side and linked into one component:
/// their component-type sections merge, so the component exports both
/// command and proxy entry points and imports only what those worlds do.
#[test]
fn nine_worlds_in_one_component_merge_their_types() {
    let command = Shape::of_wit(wasip2_wit_dir(), Some("wasi:cli/command"));
    let proxy = Shape::of_wit(wasip2_wit_dir(), Some("wasi:http/proxy"));
    let mut merged = command;
    merged.exports.extend(proxy.exports);
    for world in witbind_tests::WASI_WORLDS {
        let shape = Shape::of_wit(wasip2_wit_dir(), Some(world));
        for (name, functions) in shape.imports {
            merged.imports.entry(name).or_default().extend(functions);
        }
    }
    assert_component_has_world_type("macro_wasi_worlds", &merged);
}
