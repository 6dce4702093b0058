//! Exports the world whose bindings live in another crate, through that
//! crate's public `export!`.

use cross_crate_lib::bindings::exports::witbind_tests::cross_crate::greeter;

struct Component;

impl greeter::Guest for Component {
    fn greet(name: String) -> String {
        cross_crate_lib::greeting(&name)
    }
}

impl cross_crate_lib::bindings::Guest for Component {
    fn version() -> u32 {
        7
    }
}

cross_crate_lib::bindings::export!(Component);
