// A name that is not defined: a type, and an interface in `use` (the WIT
// of tests/error-cases/unknown-type.wit and unknown-interface.wit). Inline
// WIT is located as `inline.wit:line:col`.
witbind::generate!({
    inline: r#"
        package error-cases:unknown-type;

        interface api {
            f: func(p: point);
        }

        world app { import api; }
    "#,
});

witbind::generate!({
    inline: r#"
        package error-cases:unknown-interface;

        interface api {
            use other.{t};
        }

        world app { import api; }
    "#,
});

fn main() {}
