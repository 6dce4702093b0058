// A type too large for wasm32's address space
// (tests/error-cases/size-overflow.wit).
witbind::generate!({
    inline: r#"
        package error-cases:size-overflow;

        interface api {
            f: func(x: list<list<u64, 4294967295>, 4294967295>);
        }

        world app { import api; }
    "#,
});

fn main() {}
