//! The compat crates of older wit-bindgen versions
//! (`crates/wit-bindgen-compat/older/<version>/`) are the 0.63 one under
//! another version (`witbind_tests::compat`; `WITBIND_BLESS=1` rewrites
//! them).

use witbind_tests::compat::{compat_dir, older_manifest, OLDER_VERSIONS};

fn bless() -> bool {
    std::env::var_os("WITBIND_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

#[test]
fn older_compat_crates_are_the_current_one_under_other_versions() {
    let mut stale = Vec::new();
    for version in OLDER_VERSIONS {
        let path = compat_dir().join("older").join(version).join("Cargo.toml");
        let expected = older_manifest(version);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(expected.as_str()) {
            continue;
        }
        if bless() {
            std::fs::create_dir_all(path.parent().expect("a directory")).expect("creating it");
            std::fs::write(&path, &expected).expect("writing the manifest");
        } else {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale compat manifests (re-run with WITBIND_BLESS=1): {stale:?}"
    );
}

#[test]
fn the_compat_crate_declares_wit_bindgens_features() {
    let manifest = std::fs::read_to_string(compat_dir().join("Cargo.toml")).expect("reading it");
    for feature in [
        "macros",
        "realloc",
        "async",
        "std",
        "bitflags",
        "macro-string",
        "async-spawn",
        "futures-stream",
        "inter-task-wakeup",
        "rustc-dep-of-std",
    ] {
        assert!(
            manifest.contains(&format!("\n{feature} = ")),
            "the compat crate lacks wit-bindgen's feature `{feature}`"
        );
    }
}
