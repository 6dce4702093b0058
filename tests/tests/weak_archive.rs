//! The committed `crates/witbind/src/rt/libwitbind_weak.a` is what
//! `witbind_tests::weak_archive` makes (`WITBIND_BLESS=1` rewrites it).
//! That it links is shown by every guest; that witbind's `wasip3_task_set`
//! and wit-bindgen's agree, by the `interop-p3` guest (tests/tests/sdk).

use witbind_tests::{repo_root, weak_archive};

fn bless() -> bool {
    std::env::var_os("WITBIND_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

#[test]
fn the_committed_archive_is_the_generated_one() {
    let path = repo_root().join("crates/witbind/src/rt/libwitbind_weak.a");
    let expected = weak_archive::archive();
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
        "{} is stale (a new version of witbind renames the allocator it calls); re-run with \
         WITBIND_BLESS=1",
        path.display()
    );
}

#[test]
fn the_archive_indexes_its_symbols_and_holds_the_objects() {
    let archive = weak_archive::archive();
    assert!(archive.starts_with(b"!<arch>\n"));
    let contains = |bytes: &[u8]| archive.windows(bytes.len()).any(|window| window == bytes);
    for object in [weak_archive::task_object(), weak_archive::realloc_object()] {
        let at = archive
            .windows(object.len())
            .position(|window| window == object)
            .expect("the object is a member");
        assert_eq!(at % 2, 0, "members start at even offsets");
    }
    for (symbol, member) in weak_archive::symbols() {
        assert!(contains(symbol.as_bytes()), "{symbol} is indexed");
        let member = weak_archive::MEMBERS[member];
        assert!(contains(member.as_bytes()), "{member} is a member");
    }
    assert!(contains(weak_archive::realloc_target().as_bytes()));
}
