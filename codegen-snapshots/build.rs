//! Makes every snapshot in this folder a module of the crate: writes
//! `$OUT_DIR/snapshots.rs` with `#[path = "<abs path>"] pub mod <ident>;` per
//! `*.rs` file (other than `lib.rs` and `build.rs`), so a new snapshot is
//! compiled without editing `lib.rs`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    // A directory's mtime changes when a file is added or removed.
    println!("cargo::rerun-if-changed={}", dir.display());

    let mut snapshots: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("reading the snapshot folder")
        .map(|entry| entry.expect("reading the snapshot folder").path())
        .filter(|path| is_snapshot(path))
        .collect();
    snapshots.sort();

    let mut modules = String::new();
    for path in &snapshots {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("UTF-8 file name");
        writeln!(
            modules,
            "#[path = {:?}]\npub mod {};",
            path.display().to_string(),
            module_name(stem)
        )
        .expect("writing to a String");
    }
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo")).join("snapshots.rs");
    std::fs::write(&out, modules).expect("writing $OUT_DIR/snapshots.rs");
}

fn is_snapshot(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    path.is_file() && name.ends_with(".rs") && name != "lib.rs" && name != "build.rs"
}

/// `wasi-cli-imports` -> `wasi_cli_imports`; any other character that cannot
/// be in an identifier becomes `_` as well.
fn module_name(stem: &str) -> String {
    let mut name: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert(0, '_');
    }
    name
}
