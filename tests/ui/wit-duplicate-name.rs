// Two definitions of the same name (tests/error-cases/duplicate-name.wit).
witbind::generate!({
    inline: r#"
        package error-cases:duplicate-name;

        interface api {
            f: func();
            f: func();
        }

        world app { import api; }
    "#,
});

fn main() {}
