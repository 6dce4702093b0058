//! The `witbind` command: arguments, error messages, exit codes and output
//! files. The tests run the command in-process through `witbind_cli::run`
//! (the binary's `main` is a thin wrapper around the same code); one smoke
//! test builds and runs the real binary.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use witbind_tests::cli::{assert_failed, listing, scratch, witbind};
use witbind_tests::{fixtures, repo_root};

fn wit(path: &str) -> PathBuf {
    repo_root().join("wit").join(path)
}

fn path_arg(path: &Path) -> OsString {
    path.as_os_str().to_owned()
}

const TWO_WORLDS: &str = "package scratch:two;\n\
                          interface api { f: func(); }\n\
                          world first { import api; }\n\
                          world second { import api; }\n";

// ---------------------------------------------------------------------------
// `worlds`
// ---------------------------------------------------------------------------

#[test]
fn worlds_lists_every_world_one_per_line_sorted() {
    let out = witbind([
        OsString::from("worlds"),
        path_arg(&wit("fixtures/cross-package")),
    ]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(
        out.stdout,
        "witbind-deps:types/base-world@1.2.3\n\
         witbind-fixtures:cross-package/cross-package\n"
    );
    assert_eq!(out.stderr, "");
}

#[test]
fn worlds_reads_several_paths() {
    let dir = scratch(&[("two.wit", TWO_WORLDS)]);
    let out = witbind([
        OsString::from("worlds"),
        path_arg(&dir.path().join("two.wit")),
        path_arg(&wit("fixtures/primitives.wit")),
    ]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(
        out.stdout,
        "scratch:two/first\nscratch:two/second\nwitbind-fixtures:primitives/primitives\n"
    );
}

/// Every fixture loads and holds exactly one world of its own package,
/// `witbind-fixtures:<name>` (the example: `example:kv`), which is
/// selected when no world is named.
#[test]
fn every_fixture_has_exactly_one_world_of_its_own() {
    let cases = fixtures();
    assert!(cases.len() > 10, "fixtures not found: {cases:?}");
    for case in cases {
        let out = witbind([OsString::from("worlds"), path_arg(&case.wit)]);
        assert_eq!(out.code, 0, "{}: {out:#?}", case.wit.display());
        let package = match case.name.strip_prefix("fixture-") {
            Some(name) => format!("witbind-fixtures:{name}/"),
            None => "example:kv/".to_string(),
        };
        let own: Vec<&str> = out
            .stdout
            .lines()
            .filter(|w| w.starts_with(&package))
            .collect();
        assert_eq!(own.len(), 1, "{}: {}", case.wit.display(), out.stdout);

        let features = witbind_codegen::Features::default();
        let loaded = witbind_codegen::Wit::load(&[&case.wit], &features).unwrap();
        let selected = loaded.select_world(None).unwrap();
        let world = &loaded.resolve.worlds[selected];
        assert!(own[0].contains(&format!("/{}", world.name)), "{own:?}");
    }
}

#[test]
fn features_are_accepted_comma_separated_and_repeated() {
    let gates = path_arg(&wit("fixtures/gates.wit"));
    for args in [
        vec!["--features", "fancy,other"],
        vec!["--features", "fancy", "--features", "other"],
        vec!["--all-features"],
    ] {
        let mut argv: Vec<OsString> = vec!["worlds".into(), gates.clone()];
        argv.extend(args.iter().map(OsString::from));
        let out = witbind(argv);
        assert_eq!(out.code, 0, "{args:?}: {out:#?}");
        assert_eq!(out.stdout, "witbind-fixtures:gates/gates@1.1.0\n");
    }
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

#[test]
fn broken_wit_names_file_and_line_and_writes_nothing() {
    let dir = scratch(&[(
        "broken.wit",
        "package scratch:broken;\n\ninterface api {\n    f: func() -> ;\n}\n",
    )]);
    let out_file = dir.path().join("generated/src/bindings.rs");
    let out = witbind([
        OsString::from("bindgen"),
        path_arg(&dir.path().join("broken.wit")),
        "-o".into(),
        path_arg(&out_file),
    ]);
    assert_failed(&out);
    assert!(
        out.stderr.contains("broken.wit:4:"),
        "no file:line in {}",
        out.stderr
    );
    assert!(
        !dir.path().join("generated").exists(),
        "created {}",
        out_file.display()
    );
    assert_eq!(listing(dir.path()), ["broken.wit"]);
}

#[test]
fn missing_path_is_a_clear_error() {
    let missing = repo_root().join("wit/no-such-dir");
    let out = witbind([OsString::from("bindgen"), path_arg(&missing)]);
    assert_failed(&out);
    assert!(
        out.stderr
            .contains(&format!("WIT path `{}` does not exist", missing.display())),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("help:"), "{}", out.stderr);

    let out = witbind([OsString::from("worlds"), path_arg(&missing)]);
    assert_failed(&out);
}

#[test]
fn unknown_world_lists_the_known_ones() {
    let out = witbind([
        OsString::from("bindgen"),
        path_arg(&wit("fixtures/cross-package")),
        "--world".into(),
        "nope".into(),
    ]);
    assert_failed(&out);
    assert!(
        out.stderr.starts_with("error: unknown world `nope`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "known worlds: witbind-deps:types/base-world@1.2.3, \
             witbind-fixtures:cross-package/cross-package"
        ),
        "{}",
        out.stderr
    );

    let out = witbind([
        OsString::from("bindgen"),
        path_arg(&wit("fixtures/primitives.wit")),
        "-w".into(),
        "witbind-fixtures:primitives/nope".into(),
    ]);
    assert_failed(&out);
    assert!(out
        .stderr
        .contains("known worlds: witbind-fixtures:primitives/primitives"));
}

#[test]
fn ambiguous_world_names_the_candidates() {
    let dir = scratch(&[
        ("a/a.wit", "package scratch:a;\nworld app {}\n"),
        ("b/b.wit", "package scratch:b;\nworld app {}\n"),
    ]);
    let out = witbind([
        OsString::from("bindgen"),
        path_arg(&dir.path().join("a")),
        path_arg(&dir.path().join("b")),
        "--world".into(),
        "app".into(),
    ]);
    assert_failed(&out);
    assert!(
        out.stderr
            .contains("world name `app` is ambiguous: it matches scratch:a/app, scratch:b/app"),
        "{}",
        out.stderr
    );
}

#[test]
fn several_worlds_need_a_name() {
    let dir = scratch(&[("two.wit", TWO_WORLDS)]);
    let out = witbind([
        OsString::from("bindgen"),
        path_arg(&dir.path().join("two.wit")),
    ]);
    assert_failed(&out);
    assert!(out.stderr.contains("several worlds"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("known worlds: scratch:two/first, scratch:two/second"),
        "{}",
        out.stderr
    );
}

#[test]
fn failed_generation_leaves_an_existing_file_alone() {
    let dir = scratch(&[("out.rs", "previous contents\n"), ("two.wit", TWO_WORLDS)]);
    let out_file = dir.path().join("out.rs");
    let out = witbind([
        OsString::from("bindgen"),
        path_arg(&dir.path().join("two.wit")),
        "-o".into(),
        path_arg(&out_file),
    ]);
    assert_failed(&out);
    assert_eq!(
        fs::read_to_string(&out_file).unwrap(),
        "previous contents\n"
    );
    assert_eq!(listing(dir.path()), ["out.rs", "two.wit"]);
}

#[test]
fn unwritable_output_is_an_error_without_leftovers() {
    // The output path is an existing directory: the rename must fail.
    let dir = scratch(&[("out.rs/keep", "")]);
    let out = witbind([
        OsString::from("bindgen"),
        path_arg(&wit("fixtures/primitives.wit")),
        "-o".into(),
        path_arg(&dir.path().join("out.rs")),
    ]);
    assert_failed(&out);
    assert!(out.stderr.contains("cannot write"), "{}", out.stderr);
    assert_eq!(listing(dir.path()), ["out.rs"]);
}

#[test]
fn usage_errors_keep_clap_exit_code() {
    for args in [
        vec![],
        vec!["bindgen"],
        vec!["worlds"],
        vec!["bindgen", "wit", "--no-such-flag"],
        vec!["frobnicate"],
    ] {
        let out = witbind(args.iter().copied());
        assert_eq!(out.code, 2, "{args:?}: {out:#?}");
        assert!(out.stderr.contains("Usage:"), "{args:?}: {out:#?}");
    }
}

#[test]
fn help_documents_every_option() {
    let out = witbind(["bindgen", "--help"]);
    assert_eq!(out.code, 0, "{out:#?}");
    for option in [
        "<WIT_PATH>",
        "--world",
        "--out",
        "--runtime-path",
        "--derive-eq",
        "--additional-derive",
        "--all-features",
        "--features",
        "--with-cabi-realloc",
    ] {
        assert!(
            out.stdout.contains(option),
            "{option} missing from:\n{}",
            out.stdout
        );
    }
    let out = witbind(["--help"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.stdout.contains("bindgen") && out.stdout.contains("worlds"));
}

// ---------------------------------------------------------------------------
// Successful generation
// ---------------------------------------------------------------------------

#[test]
fn bindgen_writes_a_deterministic_file_atomically() {
    let dir = scratch(&[]);
    let out_file = dir.path().join("new/dirs/bindings.rs");
    let args = [
        OsString::from("bindgen"),
        path_arg(&wit("fixtures/records.wit")),
        "--world".into(),
        "records".into(),
        "-o".into(),
        path_arg(&out_file),
    ];
    let first = witbind(args.clone());
    assert_eq!(first.code, 0, "{first:#?}");
    assert_eq!((first.stdout.as_str(), first.stderr.as_str()), ("", ""));
    let written = fs::read(&out_file).unwrap();
    assert!(
        written.starts_with(b"// @generated"),
        "{}",
        String::from_utf8_lossy(&written)
    );
    assert_eq!(listing(&dir.path().join("new/dirs")), ["bindings.rs"]);

    // A second run produces the same bytes (and leaves the file alone).
    let modified = fs::metadata(&out_file).unwrap().modified().unwrap();
    let second = witbind(args);
    assert_eq!(second.code, 0, "{second:#?}");
    assert_eq!(fs::read(&out_file).unwrap(), written);
    assert_eq!(
        fs::metadata(&out_file).unwrap().modified().unwrap(),
        modified
    );

    // Standard output gets exactly the same text, but for the header's
    // command: the file's names its paths relative to the file's folder
    // (no `Cargo.toml` above it), standard output's as given.
    let stdout = witbind([
        OsString::from("bindgen"),
        path_arg(&wit("fixtures/records.wit")),
    ]);
    assert_eq!(stdout.code, 0, "{stdout:#?}");
    let written = String::from_utf8(written).unwrap();
    let (file_header, file_body) = written.split_at(written.find("\n#").unwrap());
    let (out_header, out_body) = stdout.stdout.split_at(stdout.stdout.find("\n#").unwrap());
    assert_eq!(file_body, out_body);
    assert!(file_header.ends_with(" -o bindings.rs"), "{file_header}");
    assert!(
        out_header.contains(&wit("fixtures/records.wit").display().to_string()),
        "{out_header}"
    );
}

#[cfg(unix)]
#[test]
fn written_files_get_ordinary_permissions() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = scratch(&[("existing.rs", "old\n")]);
    let existing = dir.path().join("existing.rs");
    fs::set_permissions(&existing, fs::Permissions::from_mode(0o640)).unwrap();
    let fresh = dir.path().join("fresh.rs");
    for out_file in [&existing, &fresh] {
        let out = witbind([
            OsString::from("bindgen"),
            path_arg(&wit("fixtures/primitives.wit")),
            "-o".into(),
            path_arg(out_file),
        ]);
        assert_eq!(out.code, 0, "{out:#?}");
    }
    let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode(&existing),
        0o640,
        "kept the existing file's permissions"
    );
    // Readable by others unless the umask says otherwise; never tempfile's 0o600.
    assert_ne!(mode(&fresh), 0o600);
}

// ---------------------------------------------------------------------------
// The real binary
// ---------------------------------------------------------------------------

#[test]
fn real_binary_smoke_test() {
    let bin = witbind_tests::cli::witbind_binary();
    let run = |args: &[&std::ffi::OsStr]| {
        let output = Command::new(&bin)
            .args(args)
            .env("RUST_BACKTRACE", "1")
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let example = wit("example.wit");
    let (code, stdout, stderr) = run(&["worlds".as_ref(), example.as_ref()]);
    assert_eq!(
        (code, stdout.as_str(), stderr.as_str()),
        (Some(0), "example:kv/app@0.1.0\n", "")
    );

    let missing = wit("no-such-file.wit");
    let (code, stdout, stderr) = run(&["bindgen".as_ref(), missing.as_ref()]);
    assert_eq!((code, stdout.as_str()), (Some(1), ""), "{stderr}");
    assert!(stderr.starts_with("error: WIT path"), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );

    let (code, _, stderr) = run(&["bindgen".as_ref()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("Usage:"), "{stderr}");
}

// ---------------------------------------------------------------------------
// `%`-escaped names
// ---------------------------------------------------------------------------

/// WIT names that are keywords, escaped with `%` as WIT spells them.
const KEYWORD_NAMES: &str = "package %interface:%world@1.0.0;\n\
                             interface %type { %use: func() -> u32; other: func(); }\n\
                             world %import { import %type; }\n\
                             world %export { export %type; }\n";

/// World, `with` and `skip` names may be given `%`-escaped, as WIT writes
/// them (and must, for names that are keywords), or without the `%`.
#[test]
fn percent_escaped_names_are_accepted_everywhere() {
    let dir = scratch(&[("keywords.wit", KEYWORD_NAMES)]);
    let path = path_arg(&dir.path().join("keywords.wit"));
    for world in [
        "%import",
        "import",
        "%interface:%world/%import",
        "%interface:%world/%import@1.0.0",
        "interface:world/import",
    ] {
        let out = witbind([
            OsString::from("bindgen"),
            path.clone(),
            "--world".into(),
            world.into(),
        ]);
        assert_eq!(out.code, 0, "--world {world}: {out:#?}");
        assert!(out.stdout.contains("pub fn use_()"), "--world {world}");
    }

    let out = witbind([
        OsString::from("bindgen"),
        path.clone(),
        "--world".into(),
        "%interface:%world/%export".into(),
    ]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.stdout.contains("fn use_() -> u32;"), "{}", out.stdout);

    let out = witbind([
        OsString::from("bindgen"),
        path.clone(),
        "--world".into(),
        "%import".into(),
        "--with".into(),
        "%interface:%world/%type=crate::elsewhere".into(),
    ]);
    assert_eq!(out.code, 0, "a %-escaped `with` key matches: {out:#?}");
    assert!(out.stdout.contains("crate::elsewhere"), "{}", out.stdout);
    assert!(!out.stdout.contains("pub fn use_()"), "{}", out.stdout);

    let out = witbind([
        OsString::from("bindgen"),
        path,
        "--world".into(),
        "%import".into(),
        "--skip".into(),
        "%use".into(),
    ]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(!out.stdout.contains("use_"), "`--skip %use` leaves it out");
    assert!(out.stdout.contains("pub fn other()"), "{}", out.stdout);
}

// ---------------------------------------------------------------------------
// Output independent of the machine
// ---------------------------------------------------------------------------

/// The toolchain's `rustfmt`, added with rustup when missing.
fn rustfmt() -> PathBuf {
    let found = || {
        let output = Command::new("rustup")
            .args(["which", "rustfmt"])
            .output()
            .ok()?;
        output
            .status
            .success()
            .then(|| PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()))
    };
    if let Some(path) = found() {
        return path;
    }
    let _ = Command::new("rustup")
        .args(["component", "add", "rustfmt"])
        .status();
    found().expect("rustfmt is not installed and `rustup component add rustfmt` failed")
}

/// The bytes `witbind bindgen` writes depend on nothing but the WIT and
/// the options: with `RUSTFMT` naming a missing program, and naming the
/// toolchain's rustfmt, the output is the committed snapshot.
#[test]
fn output_does_not_depend_on_rustfmt() {
    let bin = witbind_tests::cli::witbind_binary();
    let snapshot = fs::read_to_string(repo_root().join("codegen-snapshots/example.rs")).unwrap();
    for rustfmt in [PathBuf::from("/nonexistent/rustfmt"), rustfmt()] {
        let output = Command::new(&bin)
            .current_dir(repo_root())
            .arg("bindgen")
            .arg("wit/example.wit")
            .env("RUSTFMT", &rustfmt)
            .env("PATH", "")
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        assert!(
            String::from_utf8_lossy(&output.stdout) == snapshot,
            "with RUSTFMT={} the output differs from codegen-snapshots/example.rs",
            rustfmt.display()
        );
    }
}

/// Vendored bindings pass `cargo fmt --check` in a user's crate: the
/// toolchain's rustfmt leaves every snapshot unchanged.
#[test]
fn vendored_files_pass_rustfmt_check() {
    let snapshots: Vec<PathBuf> = fs::read_dir(repo_root().join("codegen-snapshots"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension().is_some_and(|ext| ext == "rs")
                && !["lib.rs", "build.rs"].contains(&path.file_name().unwrap().to_str().unwrap())
        })
        .collect();
    assert!(snapshots.len() > 20, "{snapshots:?}");
    let output = Command::new(rustfmt())
        .args(["--check", "--edition", "2021"])
        .args(&snapshots)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "rustfmt would change vendored bindings:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
}
