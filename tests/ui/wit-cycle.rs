// Interfaces that `use` each other (tests/error-cases/cycle.wit).
witbind::generate!({
    inline: r#"
        package error-cases:cycle;

        interface a {
            use b.{t};
        }

        interface b {
            use a.{u};
            type t = u32;
        }

        world app { import a; }
    "#,
});

fn main() {}
