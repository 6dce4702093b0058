//! The bindings of `wit/fixtures/glue.wit`, for the host the tests run on.

fn main() {
    witbind_build::Builder::new()
        .path("../../wit/fixtures/glue.wit")
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
}
