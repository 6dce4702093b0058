//! Links `src/rt/libwitbind_weak.a` into wasm32 builds: weak definitions
//! of `wasip3_task_set`, the symbol through which the async runtimes of one
//! component (witbind's, wit-bindgen's) share the current task, and of
//! `cabi_realloc` (calling this crate's Rust allocator; std's wins where
//! it is linked). Weak, so that any number of runtimes can each bring
//! them. The archive is made by `tests/src/weak_archive.rs` (see there).

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/rt/libwitbind_weak.a");
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    if arch != "wasm32" {
        return;
    }
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    // Named after this version, so that two versions of witbind in one
    // build each link their own.
    let name = format!(
        "witbind_weak_{}",
        env!("CARGO_PKG_VERSION").replace(['.', '-', '+'], "_")
    );
    let source = PathBuf::from("src/rt/libwitbind_weak.a");
    let target = out_dir.join(format!("lib{name}.a"));
    if let Err(e) = std::fs::copy(&source, &target) {
        panic!(
            "cannot copy {} to {}: {e}",
            source.display(),
            target.display()
        );
    }
    println!("cargo:rustc-link-search=native={}", out_dir.display());
    println!("cargo:rustc-link-lib=static={name}");
}
