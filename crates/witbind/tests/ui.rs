//! Pins the error messages of `witbind::generate!` (tests/ui/*.rs and their
//! expected `.stderr`), and checks that the inputs in tests/ui-pass/
//! compile. After an intended change of a message, re-bless with
//! `TRYBUILD=overwrite cargo test -p witbind --test ui` and review the
//! diff of the `.stderr` files.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    // The cases live with the other integration tests, in `tests/` at the
    // repository root; running them from this crate keeps trybuild's build
    // small (only `witbind` and the macro).
    cases.compile_fail("../../tests/ui/*.rs");
    cases.pass("../../tests/ui-pass/*.rs");
}
