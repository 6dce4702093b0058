//! `WITBIND_DEBUG=1` (or `debug: true`): the formatted expansion is written
//! to `$OUT_DIR/witbind-<world>.rs` (or, in crates without a build script,
//! `<target>/witbind-debug/<crate>/`) and `include!`d from there, so it can
//! be read and rustc's errors point into it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use witbind_codegen::wit_parser::WorldId;
use witbind_codegen::Wit;

use crate::manifest_dir;

/// The expansion laid out by `rustfmt` when one is installed (the macro
/// does not build witbind's own formatter, to build faster); otherwise as
/// one line, which rustc's errors still point into.
fn pretty(source: &str) -> String {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let rustfmt = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let child = Command::new(rustfmt)
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return source.to_string();
    };
    let written = child
        .stdin
        .take()
        .is_some_and(|mut stdin| stdin.write_all(source.as_bytes()).is_ok());
    match child.wait_with_output() {
        Ok(output) if written && output.status.success() && !output.stdout.is_empty() => {
            String::from_utf8(output.stdout).unwrap_or_else(|_| source.to_string())
        }
        _ => source.to_string(),
    }
}

pub(crate) fn debug_env() -> bool {
    std::env::var("WITBIND_DEBUG").is_ok_and(|value| !value.is_empty() && value != "0")
}

/// Writes the formatted bindings to a file and returns `include!("file")`.
pub(crate) fn write_debug_file(
    wit: &Wit,
    world: WorldId,
    tokens: &TokenStream,
) -> syn::Result<TokenStream> {
    let source = pretty(&tokens.to_string());
    let name: String = wit.resolve.worlds[world]
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = debug_file_path(&debug_dir(), &name, &source);
    write_replacing(&path, &source).map_err(|err| {
        syn::Error::new(
            Span::call_site(),
            format!("WITBIND_DEBUG: cannot write `{}`: {err}", path.display()),
        )
    })?;
    let path = path.to_string_lossy().into_owned();
    Ok(quote! { include!(#path); })
}

/// `$OUT_DIR` when the crate has a build script; otherwise a per-crate folder
/// in the target directory.
fn debug_dir() -> PathBuf {
    if let Some(out_dir) = std::env::var_os("OUT_DIR") {
        return PathBuf::from(out_dir);
    }
    let crate_name = std::env::var("CARGO_CRATE_NAME").unwrap_or_else(|_| "unknown".to_string());
    target_dir().join("witbind-debug").join(crate_name)
}

fn target_dir() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return cwd.join(dir);
    }
    // The nearest `target/` that cargo made (it tags it), which is the
    // workspace's for workspace members.
    let manifest = manifest_dir();
    manifest
        .ancestors()
        .map(|dir| dir.join("target"))
        .find(|target| target.join("CACHEDIR.TAG").is_file())
        .unwrap_or_else(|| manifest.join("target"))
}

/// `witbind-<world>.rs`, unless this compilation already wrote different
/// bindings for a world of the same name: those get `-2`, `-3`, ...
fn debug_file_path(dir: &Path, world: &str, source: &str) -> PathBuf {
    static WRITTEN: Mutex<Option<HashMap<PathBuf, String>>> = Mutex::new(None);
    let mut written = WRITTEN
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let written = written.get_or_insert_with(HashMap::new);
    let mut n = 1;
    loop {
        let file = if n == 1 {
            format!("witbind-{world}.rs")
        } else {
            format!("witbind-{world}-{n}.rs")
        };
        let path = dir.join(file);
        match written.get(&path) {
            Some(previous) if previous != source => n += 1,
            _ => {
                written.insert(path.clone(), source.to_string());
                return path;
            }
        }
    }
}

/// Writes through a temporary file and a rename, so a parallel build never
/// `include!`s a half-written file.
fn write_replacing(path: &Path, contents: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let temp = dir.join(format!(".{}.{}.tmp", std::process::id(), unique_suffix()));
    std::fs::write(&temp, contents)?;
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

fn unique_suffix() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_file_names_are_unique_per_content() {
        let dir = Path::new("/nonexistent");
        let first = debug_file_path(dir, "unique-test-world", "a");
        assert_eq!(first, dir.join("witbind-unique-test-world.rs"));
        assert_eq!(debug_file_path(dir, "unique-test-world", "a"), first);
        assert_eq!(
            debug_file_path(dir, "unique-test-world", "b"),
            dir.join("witbind-unique-test-world-2.rs")
        );
    }
}
