// `%`-escaped WIT names (how WIT spells keywords) name the world, `with`
// keys and `skip` entries in the macro too.
mod first {
    witbind::generate!({
        inline: r#"
            package %interface:%world;
            interface %type { %use: func() -> u32; other: func(); }
            world %import { import %type; }
            world %export { export %type; }
        "#,
        world: "%interface:%world/%import",
        skip: ["%use"],
    });
}

mod second {
    witbind::generate!({
        inline: r#"
            package %interface:%world;
            interface %type { %use: func() -> u32; other: func(); }
            world %import { import %type; }
            world %export { export %type; }
        "#,
        world: "%import",
        with: { "%interface:%world/%type": super::first::interface::world::type_ },
    });
}

// `second` generated nothing of its own: its only import came from `with`.
fn main() {
    let _: fn() = first::interface::world::type_::other;
}
