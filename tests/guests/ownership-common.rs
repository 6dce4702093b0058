//! The guest of the ownership runtime test (tests/tests/options_runtime)
//! for `wit/fixtures/ownership-runtime.wit`, generated with
//! `ownership: Borrowing { duplicate_if_necessary: true }`: parameters of
//! imports borrow throughout (`OnlyIn<'_>`, `BothParam<'_>`, `&[&[&str]]`)
//! and results are owned (`BothResult`). Compiled against witbind's
//! bindings (`ownership-witbind`) and wit-bindgen 0.63's
//! (`ownership-wit-bindgen`).

use crate::bindings::exports::witbind_fixtures::ownership_runtime::api::Guest;
use crate::bindings::witbind_fixtures::ownership_runtime::host::{
    self, BothParam, BothResult, OnlyIn, Pick,
};

struct Component;

crate::bindings::export!(Component with_types_in crate::bindings);

impl Guest for Component {
    fn run(name: String) -> String {
        let tags = ["red", "ünï"];
        let described = host::describe(
            OnlyIn {
                name: &name,
                tags: &tags,
            },
            Pick::Many(&tags),
        );
        let text = host::describe(
            OnlyIn {
                name: "x",
                tags: &[],
            },
            Pick::Text(&name),
        );
        let nothing = host::describe(
            OnlyIn {
                name: "",
                tags: &[],
            },
            Pick::Nothing,
        );
        let both: BothResult = host::roundtrip(BothParam {
            name: &name,
            items: &[1, 2, 3],
        });
        let joined = host::join(
            &[&["a", "b"][..], &[][..], &[name.as_str()][..]],
            Some(" | "),
        );
        let default = host::join(&[&["c"][..], &["d"][..]], None);
        format!(
            "{described};{text};{nothing};{}:{:?};{joined};{default}",
            both.name, both.items
        )
    }
}
