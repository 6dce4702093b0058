//! Pins the error messages of `witbind::generate!` (tests/ui/*.rs and their
//! expected `.stderr`), and checks that the inputs in tests/ui-pass/ compile. After an intended change of a message, re-bless with
//! `TRYBUILD=overwrite cargo test -p witbind-tests --test ui` and review the
//! diff of the `.stderr` files.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
    cases.pass("ui-pass/*.rs");
}
