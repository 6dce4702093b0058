//! A `#![no_std]` guest without a global allocator or panic handler of its
//! own: witbind's default `std` feature links std, which brings both (as
//! wit-bindgen's does).
#![no_std]

extern crate alloc;

use alloc::format;
use alloc::string::String;

witbind::generate!({
    inline: "
        package witbind-tests:nostd-std;
        world nostd-std {
            export greet: func(name: string) -> string;
        }
    ",
});

struct Component;

impl Guest for Component {
    fn greet(name: String) -> String {
        format!("hello {name}")
    }
}

export!(Component);
