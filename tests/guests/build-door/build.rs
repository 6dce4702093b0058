//! The bindings of `wit/app.wit` (which uses WASI 0.2 from `../.wasi-wit`),
//! generated into `$OUT_DIR/bindings.rs`.

fn main() {
    witbind_build::Builder::new()
        .path("../.wasi-wit")
        .path("wit")
        .world("witbind-tests:build-door/app")
        .option("additional_derives", "PartialEq")
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
}
