// `with` takes an imported interface from other bindings instead of
// generating it again: both modules then use the very same Rust types.

mod base {
    witbind::generate!({
        inline: r#"
            package my:base;
            interface types {
                record point { x: s32, y: s32 }
                resource counter { constructor(); value: func() -> u32; }
            }
            world base { import types; }
        "#,
    });
}

mod app {
    witbind::generate!({
        inline: r#"
            package my:base;
            interface types {
                record point { x: s32, y: s32 }
                resource counter { constructor(); value: func() -> u32; }
            }
            interface app {
                use types.{point, counter};
                shift: func(p: point, by: borrow<counter>) -> point;
                make: func() -> counter;
            }
            world main { import app; }
        "#,
        with: { "my:base/types": crate::base::my::base::types },
    });
}

// The remapped types are the same types: no conversion needed.
fn _uses(p: base::my::base::types::Point, c: &base::my::base::types::Counter) -> base::my::base::types::Point {
    let _made: base::my::base::types::Counter = app::my::base::app::make();
    app::my::base::app::shift(p, c)
}

fn main() {}
