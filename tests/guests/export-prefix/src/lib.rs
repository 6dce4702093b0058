//! The exports of `wit/fixtures/opt-export-prefix.wit` generated with
//! `export_prefix: "pfx_"` (a function with a post-return, a resource and
//! its destructor, an async function, a world-level function); the test
//! reads the core module's export names.

mod bindings {
    witbind::generate!({
        path: "../../../wit/fixtures/opt-export-prefix.wit",
        export_prefix: "pfx_",
    });
}

use bindings::exports::witbind_fixtures::opt_export_prefix::api::{Guest, GuestCounter};

struct Component;

impl bindings::Guest for Component {
    fn run() -> u32 {
        7
    }
}

impl Guest for Component {
    type Counter = Counter;

    fn name() -> String {
        "prefixed".to_string()
    }

    async fn later(n: u32) -> u32 {
        n
    }
}

struct Counter(std::cell::Cell<u32>);

impl GuestCounter for Counter {
    fn new(start: u32) -> Self {
        Counter(std::cell::Cell::new(start))
    }

    fn next(&self) -> u32 {
        self.0.set(self.0.get() + 1);
        self.0.get()
    }
}

bindings::export!(Component with_types_in bindings);
