//! The committed `crates/witbind/src/rt/libwitbind_wasip3_task.a` is what
//! `witbind_tests::task_archive` makes (`WITBIND_BLESS=1` rewrites it), and
//! it links: a guest built with witbind next to wit-bindgen 0.63 (which
//! brings its own weak `wasip3_task_set`) is in `tests/tests/p3`.

use witbind_tests::{repo_root, task_archive};

fn bless() -> bool {
    std::env::var_os("WITBIND_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

#[test]
fn the_committed_archive_is_the_generated_one() {
    let path = repo_root().join("crates/witbind/src/rt/libwitbind_wasip3_task.a");
    let expected = task_archive::archive();
    if bless() {
        if std::fs::read(&path).ok().as_deref() != Some(&expected[..]) {
            std::fs::write(&path, &expected).expect("writes the archive");
        }
        return;
    }
    let committed = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; re-run with WITBIND_BLESS=1", path.display()));
    assert!(
        committed == expected,
        "{} is stale; re-run with WITBIND_BLESS=1",
        path.display()
    );
}

#[test]
fn the_archive_indexes_the_symbol_and_holds_the_object() {
    let archive = task_archive::archive();
    assert!(archive.starts_with(b"!<arch>\n"));
    let object = task_archive::object();
    let at = archive
        .windows(object.len())
        .position(|window| window == object)
        .expect("the object is a member");
    assert_eq!(at % 2, 0, "members start at even offsets");
    let symbol = task_archive::SYMBOL.as_bytes();
    assert!(archive.windows(symbol.len()).any(|window| window == symbol));
}
