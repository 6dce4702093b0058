//! witbind's crate features are wit-bindgen 0.63's, with the same meaning:
//! a `#![no_std]` guest that names no allocator and no panic handler links,
//! because the default `std` feature links std (which brings both), as
//! with wit-bindgen. (The `futures-stream` feature is exercised by the
//! async semantics tests; the features the wit-bindgen build of that guest
//! names are named by its witbind build too.)

use witbind_tests::{build_guests, Guest, Run};

mod bindings {
    wasmtime::component::bindgen!({
        inline: "
            package witbind-tests:nostd-std;
            world nostd-std {
                export greet: func(name: string) -> string;
            }
        ",
    });
}

#[test]
fn a_no_std_guest_gets_std_from_the_default_std_feature() {
    let wasm = build_guests().wasm("nostd_std");
    let mut guest = Guest::load(wasm, &Run::new("nostd_std"), ())
        .unwrap_or_else(|e| panic!("loading nostd_std: {e:?}"));
    let exports =
        bindings::NostdStd::instantiate(&mut guest.store, &guest.component, &guest.linker)
            .unwrap_or_else(|e| panic!("instantiating nostd_std: {e:?}"));
    let got = exports
        .call_greet(&mut guest.store, "std")
        .unwrap_or_else(|e| panic!("greet: {e:?}"));
    assert_eq!(got, "hello std");
}
