// A package the WIT uses but that is not loaded (no `deps/` folder; the WIT
// of tests/error-cases/missing-package.wit).
witbind::generate!({
    inline: r#"
        package error-cases:missing-package;

        world app {
            import wasi:io/streams@0.2.0;
        }
    "#,
});

fn main() {}
