//! Snapshot tests: the CLI's output (`witbind_codegen::bindgen_file`, the
//! function `witbind bindgen` calls) for every fixture world and WASI world
//! must equal `codegen-snapshots/<name>.rs` byte for byte, be deterministic,
//! and compile warning-free (clippy included) for wasm32-wasip2.
//!
//! Update the snapshots after an intended change with
//! `WITBIND_BLESS=1 cargo test -p witbind-tests --test snapshots`.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use witbind_tests::{cargo_for_wasm, repo_root, snapshot_cases, snapshots_dir, SnapshotCase};

const BLESS_HINT: &str = "re-run with WITBIND_BLESS=1 to accept the new output: \
     `WITBIND_BLESS=1 cargo test -p witbind-tests --test snapshots`";

/// Lines of diff shown per snapshot; the rest is summarized.
const MAX_DIFF_LINES: usize = 400;

fn bless() -> bool {
    std::env::var_os("WITBIND_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// The snapshot of `case`: the CLI's output, with the WIT path in the
/// header shown as [`SnapshotCase::shown_wit`] (the same on every machine).
fn generate(case: &SnapshotCase) -> Result<String, String> {
    let mut args = vec!["witbind".to_string(), "bindgen".to_string()];
    args.push(case.wit.display().to_string());
    if let Some(world) = &case.world {
        args.extend(["--world".to_string(), world.clone()]);
    }
    args.extend(case.args.iter().cloned());
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    if witbind_cli::run(args, &mut stdout, &mut stderr) != 0 {
        return Err(format!(
            "`{}` failed:\n{}",
            case.command_line(),
            String::from_utf8_lossy(&stderr)
        ));
    }
    let text = String::from_utf8(stdout).map_err(|e| format!("not UTF-8: {e}"))?;
    let (header, rest) = text.split_at(text.find("\n// Regenerate with: ").unwrap_or(0));
    let (command, rest) = rest.split_at(rest[1..].find('\n').map_or(rest.len(), |n| n + 1));
    let command = command.replacen(&case.wit.display().to_string(), &case.shown_wit(), 1);
    Ok(format!("{header}{command}{rest}"))
}

#[test]
fn snapshots_match_the_generator() {
    let bless = bless();
    let cases = snapshot_cases();
    assert!(
        cases.iter().any(|case| case.name == "example"),
        "no `wit/example.wit` found under {}",
        repo_root().display()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let generated = match generate(case) {
            Ok(generated) => generated,
            Err(e) => {
                failures.push(format!("{}: {e}", case.name));
                continue;
            }
        };
        let path = case.snapshot_path();
        let committed = std::fs::read_to_string(&path).ok();
        if committed.as_deref() == Some(generated.as_str()) {
            continue;
        }
        if bless {
            write_snapshot(&path, &generated);
            // Past libtest's capture (which only catches `eprintln!`), so a
            // bless run shows what it wrote even though the test passes.
            let _ = writeln!(std::io::stderr(), "blessed {}", path.display());
            continue;
        }
        failures.push(match committed {
            None => format!(
                "{}: no snapshot at {} ({})",
                case.name,
                path.display(),
                case.command_line()
            ),
            Some(committed) => format!(
                "{}: {} differs from `{}`:\n{}",
                case.name,
                path.display(),
                case.command_line(),
                diff(&committed, &generated)
            ),
        });
    }
    failures.extend(stale_snapshots(&cases));
    if !failures.is_empty() {
        panic!(
            "{} snapshot problem(s):\n\n{}\n\n{BLESS_HINT}",
            failures.len(),
            failures.join("\n\n")
        );
    }
}

/// Snapshot files that no fixture or WASI world produces any more.
fn stale_snapshots(cases: &[SnapshotCase]) -> Vec<String> {
    let expected: BTreeSet<PathBuf> = cases.iter().map(SnapshotCase::snapshot_path).collect();
    let dir = snapshots_dir();
    let mut stale = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("reading codegen-snapshots/") {
        let path = entry.expect("reading codegen-snapshots/").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let is_snapshot = name.ends_with(".rs") && name != "lib.rs" && name != "build.rs";
        if is_snapshot && !expected.contains(&path) {
            stale.push(format!(
                "{name}: stale snapshot, no fixture or WASI world produces it; delete it \
                 (`git rm codegen-snapshots/{name}`) or restore its fixture"
            ));
        }
    }
    stale
}

/// Writes through a temporary file, so an interrupted bless never leaves a
/// half-written snapshot.
fn write_snapshot(path: &Path, contents: &str) {
    let tmp = path.with_extension("rs.tmp");
    std::fs::write(&tmp, contents).unwrap_or_else(|e| panic!("writing {}: {e}", tmp.display()));
    std::fs::rename(&tmp, path).unwrap_or_else(|e| panic!("renaming to {}: {e}", path.display()));
}

fn diff(old: &str, new: &str) -> String {
    witbind_tests::line_diff(
        old,
        new,
        ("committed snapshot", "generated now"),
        MAX_DIFF_LINES,
    )
}

/// Same input, same bytes: generating twice in one process (where every
/// `HashMap` gets a different iteration order) gives identical output.
#[test]
fn generation_is_deterministic() {
    let mut failures = Vec::new();
    for case in snapshot_cases() {
        let (Ok(first), Ok(second)) = (generate(&case), generate(&case)) else {
            // Reported by `snapshots_match_the_generator`.
            continue;
        };
        if first != second {
            failures.push(format!("{}:\n{}", case.name, diff(&first, &second)));
        }
    }
    assert!(
        failures.is_empty(),
        "generation is not deterministic:\n\n{}",
        failures.join("\n\n")
    );
}

/// The committed snapshots (the `codegen-snapshots` crate) build and are
/// clippy-clean for wasm32-wasip2 under `#![deny(warnings)]`.
#[test]
fn snapshots_compile_for_wasm32_wasip2() {
    for subcommand in ["build", "clippy"] {
        let mut command = cargo_for_wasm();
        command
            .arg(subcommand)
            .args(["-p", "codegen-snapshots", "--target", "wasm32-wasip2"])
            .arg("--target-dir")
            .arg(repo_root().join("target/snapshots-wasm"));
        if subcommand == "clippy" {
            // Only the snapshots: `witbind` itself is linted by the workspace clippy run.
            command.args(["--no-deps", "--", "-D", "warnings"]);
        }
        let output = command
            .output()
            .unwrap_or_else(|e| panic!("running cargo {subcommand}: {e}"));
        assert!(
            output.status.success(),
            "`cargo {subcommand} -p codegen-snapshots --target wasm32-wasip2` failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// The snapshotted WASI worlds are all the worlds of the `wasip2` and
/// `wasip3` crates' WIT, so a new WASI world cannot go untested.
#[test]
fn every_wasi_world_is_snapshotted() {
    use witbind_tests::{wasip2_wit_dir, wasip3_wit_dir, worlds_in, WASIP3_WORLDS, WASI_WORLDS};
    for (dir, listed) in [
        (wasip2_wit_dir(), WASI_WORLDS),
        (wasip3_wit_dir(), WASIP3_WORLDS),
    ] {
        let mut listed: Vec<String> = listed.iter().map(|w| w.to_string()).collect();
        listed.sort();
        let all = worlds_in(dir).unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(listed, all, "the worlds of {} (right)", dir.display());
    }
}
