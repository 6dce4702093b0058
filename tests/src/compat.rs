//! The `wit-bindgen` compat crates: `crates/wit-bindgen-compat` is witbind
//! under the name `wit-bindgen`, version 0.63.0; `older/<version>/` are the
//! same crate (the same source) under the older versions that published
//! crates pin, so that `[patch.crates-io]` can swap witbind in for those
//! too (`tests/sdk` does). Their manifests are made from the 0.63 one by
//! [`older_manifest`]; the test `compat_crates` checks they are in sync
//! (`WITBIND_BLESS=1` rewrites them).

use std::path::PathBuf;

use crate::repo_root;

/// The older versions of wit-bindgen with a compat crate: those of the
/// SDK crates in `tests/sdk` (and the `wasip3` crate 0.7's 0.57.1).
pub const OLDER_VERSIONS: &[&str] = &["0.24.0", "0.32.0", "0.34.0", "0.41.0", "0.57.1"];

/// The directory of the 0.63 compat crate.
pub fn compat_dir() -> PathBuf {
    repo_root().join("crates/wit-bindgen-compat")
}

/// The manifest of the compat crate for `version`, from the 0.63 one.
pub fn older_manifest(version: &str) -> String {
    let main = std::fs::read_to_string(compat_dir().join("Cargo.toml"))
        .expect("reading the compat crate's manifest");
    let package = main
        .find("[package]")
        .expect("the manifest has a [package] table");
    let body = main[package..]
        .replacen(
            "version = \"0.63.0\"",
            &format!("version = \"{version}\""),
            1,
        )
        .replacen("path = \"src/lib.rs\"", "path = \"../../src/lib.rs\"", 1)
        .replacen("path = \"../witbind\"", "path = \"../../../witbind\"", 1);
    format!(
        "# Generated from ../../Cargo.toml by tests/src/compat.rs (WITBIND_BLESS=1\n\
         # cargo test --test compat_crates): witbind under the name `wit-bindgen`,\n\
         # version {version}, for crates that pin it. The same source as 0.63's.\n{body}"
    )
}
