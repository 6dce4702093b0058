//! Memory the host allocates in a guest (arguments of exports, results of
//! imports) is freed through the guest's Rust global allocator, so the
//! `cabi_realloc` the host allocates it with must use that allocator too.
//! `tests/guests/minimal-alloc` counts its allocator's bytes; after every
//! call the count must be back where it was.

use wasmtime::component::HasSelf;
use witbind_tests::{build_guests, Guest, Run};

#[allow(clippy::too_many_arguments)]
mod bindings {
    wasmtime::component::bindgen!({
        path: "guests/minimal-alloc/wit",
        world: "minimal-alloc",
    });
}

use bindings::MinimalAlloc;

/// The host side: imports that return memory the guest must free.
pub struct Giver;

impl bindings::MinimalAllocImports for Giver {
    fn give_string(&mut self) -> String {
        "a string the host allocates in the guest".repeat(3)
    }

    fn give_strings(&mut self) -> Vec<String> {
        (0..50).map(|i| format!("string number {i}")).collect()
    }
}

/// One call of an export, returning a number.
type Call<'a, S> = &'a dyn Fn(&mut S) -> wasmtime::Result<u32>;

/// Calls each export of `minimal-alloc` a few times and checks the
/// guest's allocator is balanced after each call. With
/// `imports_beyond_the_world`, imports other than WASI 0.2's and the
/// world's trap.
pub fn every_call_is_balanced(guest_name: &str, imports_beyond_the_world: bool) {
    let wasm = build_guests().wasm(guest_name);
    let mut guest = Guest::load(wasm, &Run::new(guest_name), Giver)
        .unwrap_or_else(|e| panic!("loading {guest_name}: {e:?}"));
    MinimalAlloc::add_to_linker::<_, HasSelf<Giver>>(&mut guest.linker, |host| &mut host.data)
        .expect("adding the imports to the linker");
    if imports_beyond_the_world {
        // Imports the guest keeps but never calls (WASI 0.3 ones).
        guest
            .linker
            .define_unknown_imports_as_traps(&guest.component)
            .expect("defining the unknown imports");
    }
    let exports = MinimalAlloc::instantiate(&mut guest.store, &guest.component, &guest.linker)
        .unwrap_or_else(|e| panic!("instantiating {guest_name}: {e:?}"));
    let store = &mut guest.store;
    let text = "ünïcödé text ".repeat(100);
    let numbers: Vec<u32> = (0..1000).collect();
    for round in 0..3 {
        let calls: [(&str, Call<'_, _>); 4] = [
            ("take-string", &|store| {
                exports.call_take_string(store, &text)
            }),
            ("take-list", &|store| {
                exports.call_take_list(store, &numbers)
            }),
            ("take-many", &|store| {
                exports.call_take_many(
                    store, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
                )
            }),
            ("call-imports", &|store| exports.call_call_imports(store)),
        ];
        for (name, call) in calls {
            let before = exports
                .call_heap_balance(&mut *store)
                .expect("heap-balance");
            let value = call(&mut *store).unwrap_or_else(|e| panic!("{name} trapped: {e:?}"));
            let after = exports
                .call_heap_balance(&mut *store)
                .expect("heap-balance");
            assert!(value > 0, "{name} returned {value}");
            assert_eq!(
                after - before,
                0,
                "{guest_name}: `{name}` (round {round}) left the guest's allocator unbalanced by \
                 {} bytes: the host allocated with a `cabi_realloc` that does not use the Rust \
                 global allocator, and the bindings freed through it",
                after - before
            );
        }
    }
}
