//! Bindings in one crate, exports in another: `tests/guests/cross-crate-lib`
//! generates the bindings with `pub_export_macro` (embedding only the
//! world's imports), `tests/guests/cross-crate-export` implements the
//! exports and calls the library's `export!` (which embeds the whole
//! world). The component must have every export and run.

use wasmtime::component::HasSelf;
use witbind_tests::{build_guests, Guest, Run};

mod bindings {
    wasmtime::component::bindgen!({
        path: "guests/cross-crate-lib/wit",
        world: "cross-crate",
    });
}

use bindings::witbind_tests::cross_crate::host;
use bindings::CrossCrate;

/// The host's `host` interface.
pub struct Prefix;

impl host::Host for Prefix {
    fn prefix(&mut self) -> String {
        "Hello".to_string()
    }
}

/// Instantiates the component and calls both of its exports.
pub fn exports_from_another_crate_run(guest_name: &str) {
    let wasm = build_guests().wasm(guest_name);
    let mut guest = Guest::load(wasm, &Run::new(guest_name), Prefix)
        .unwrap_or_else(|e| panic!("loading {guest_name}: {e:?}"));
    CrossCrate::add_to_linker::<_, HasSelf<Prefix>>(&mut guest.linker, |host| &mut host.data)
        .expect("adding `host` to the linker");
    let exports = CrossCrate::instantiate(&mut guest.store, &guest.component, &guest.linker)
        .unwrap_or_else(|e| panic!("instantiating {guest_name}: {e:?}"));
    let greeting = exports
        .witbind_tests_cross_crate_greeter()
        .call_greet(&mut guest.store, "component")
        .unwrap_or_else(|e| panic!("greet trapped: {e:?}"));
    assert_eq!(greeting, "Hello, component!");
    let version = exports
        .call_version(&mut guest.store)
        .unwrap_or_else(|e| panic!("version trapped: {e:?}"));
    assert_eq!(version, 7);
}
