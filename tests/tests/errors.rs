//! Every error `witbind bindgen` can report, one test per row of
//! docs/errors.md (the macro's side of each row is a trybuild case in
//! tests/ui/). Each run must fail with exit code 1 (clap's 2 for usage
//! errors), without a panic, with a message that says where the problem is
//! (the WIT file and line, or the flag), and must leave the output alone:
//! an output file that did not exist is not created (nor its folder, nor a
//! temporary file next to it), and one that existed keeps its contents and
//! its modification time.
//!
//! The WIT inputs are in tests/error-cases/.

use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use witbind_tests::cli::{assert_failed, listing, scratch, witbind, Outcome};
use witbind_tests::repo_root;

/// An input of tests/error-cases/.
fn case(name: &str) -> PathBuf {
    repo_root().join("tests/error-cases").join(name)
}

/// A WIT file that generates fine, for the errors about options.
fn options_wit() -> PathBuf {
    case("options.wit")
}

/// What one run left in its scratch folder.
struct Run {
    outcome: Outcome,
    /// The scratch folder's entries afterwards.
    left: Vec<String>,
}

/// `witbind bindgen <args> -o <dir>/generated/bindings.rs` in a fresh
/// scratch folder; the output's folder does not exist.
fn into_new_file(args: &[OsString]) -> Run {
    let dir = scratch(&[]);
    let out = dir.path().join("generated/bindings.rs");
    let outcome = witbind(bindgen_args(args, &out));
    Run {
        outcome,
        left: listing(dir.path()),
    }
}

/// `witbind bindgen <args> -o <dir>/bindings.rs` where the output already
/// exists; panics unless it is left exactly as it was.
fn into_existing_file(args: &[OsString]) -> Outcome {
    const PREVIOUS: &str = "// previous contents\n";
    let dir = scratch(&[("bindings.rs", PREVIOUS)]);
    let out = dir.path().join("bindings.rs");
    let modified = fs::metadata(&out).and_then(|m| m.modified()).unwrap();
    let outcome = witbind(bindgen_args(args, &out));
    assert_eq!(
        fs::read_to_string(&out).unwrap(),
        PREVIOUS,
        "{args:?} changed the existing output"
    );
    assert_eq!(
        fs::metadata(&out).and_then(|m| m.modified()).unwrap(),
        modified,
        "{args:?} rewrote the existing output"
    );
    assert_eq!(listing(dir.path()), ["bindings.rs"], "{args:?} left files");
    outcome
}

fn bindgen_args(args: &[OsString], out: &Path) -> Vec<OsString> {
    let mut argv = vec![OsString::from("bindgen")];
    argv.extend(args.iter().cloned());
    argv.extend([OsString::from("-o"), out.as_os_str().to_owned()]);
    argv
}

/// Runs `witbind bindgen <args> -o FILE` into a new file and over an
/// existing one, asserts that both fail the same way (exit code 1, one
/// `error:` report, no panic) and write nothing, and that stderr contains
/// every one of `expected`. Returns stderr.
#[track_caller]
fn fails(args: &[OsString], expected: &[&str]) -> String {
    let run = into_new_file(args);
    assert_failed(&run.outcome);
    assert_eq!(run.left, Vec::<String>::new(), "{args:?} left files behind");
    let again = into_existing_file(args);
    assert_failed(&again);
    assert_eq!(again.stderr, run.outcome.stderr, "{args:?}");
    for part in expected {
        assert!(
            run.outcome.stderr.contains(part),
            "`{part}` is not in the message of {args:?}:\n{}",
            run.outcome.stderr
        );
    }
    run.outcome.stderr
}

/// Like [`fails`], for clap's usage errors: exit code 2.
#[track_caller]
fn usage_error(args: &[OsString], expected: &[&str]) {
    let run = into_new_file(args);
    let again = into_existing_file(args);
    for outcome in [&run.outcome, &again] {
        assert_eq!(outcome.code, 2, "{args:?}: {outcome:#?}");
        assert_eq!(outcome.stdout, "", "{args:?}: {outcome:#?}");
        assert!(outcome.stderr.starts_with("error: "), "{outcome:#?}");
        for part in expected {
            assert!(outcome.stderr.contains(part), "{part}: {outcome:#?}");
        }
    }
    assert_eq!(run.left, Vec::<String>::new(), "{args:?} left files");
}

fn args(words: &[&str]) -> Vec<OsString> {
    words.iter().map(OsString::from).collect()
}

fn path_and(path: &Path, words: &[&str]) -> Vec<OsString> {
    let mut argv = vec![path.as_os_str().to_owned()];
    argv.extend(words.iter().map(OsString::from));
    argv
}

// ---------------------------------------------------------------------------
// Loading WIT
// ---------------------------------------------------------------------------

#[test]
fn wit_path_does_not_exist() {
    let missing = case("no-such-file.wit");
    fails(
        &path_and(&missing, &[]),
        &[
            &format!("WIT path `{}` does not exist", missing.display()),
            "help: pass the directory",
        ],
    );
}

#[test]
fn wit_syntax_error() {
    fails(
        &path_and(&case("syntax.wit"), &[]),
        &[
            "expected a type, found ';'",
            "syntax.wit:4:18",
            "f: func() -> ;",
        ],
    );
}

#[test]
fn wit_unresolved_name() {
    fails(
        &path_and(&case("unknown-type.wit"), &[]),
        &["name `point` does not exist", "unknown-type.wit:4:16"],
    );
    fails(
        &path_and(&case("unknown-interface.wit"), &[]),
        &[
            "interface or world `other` does not exist",
            "unknown-interface.wit:4:9",
        ],
    );
}

#[test]
fn wit_missing_package() {
    fails(
        &path_and(&case("missing-package.wit"), &[]),
        &[
            "package 'wasi:io@0.2.0' not found",
            "missing-package.wit:4:12",
            "dependencies belong in a `deps/` folder",
        ],
    );
}

#[test]
fn wit_error_in_a_dependency() {
    let stderr = fails(
        &path_and(&case("broken-dependency"), &[]),
        &["expected ';', found '}'", "lib.wit:5:1"],
    );
    let location = Path::new("broken-dependency")
        .join("deps")
        .join("lib")
        .join("lib.wit:5:1");
    assert!(stderr.contains(&location.display().to_string()), "{stderr}");
}

#[test]
fn wit_duplicate_name() {
    fails(
        &path_and(&case("duplicate-name.wit"), &[]),
        &["duplicate name `f`", "duplicate-name.wit:5:5"],
    );
}

#[test]
fn wit_package_mismatch() {
    fails(
        &path_and(&case("package-mismatch"), &[]),
        &[
            "package identifier `error-cases:two` does not match previous package name of `error-cases:one`",
            "b.wit:1:9",
        ],
    );
}

/// Both places are named.
#[test]
fn wit_package_defined_twice() {
    fails(
        &path_and(&case("self-dependency"), &[]),
        &[
            "package `error-cases:self-dependency` is defined in two different locations",
            "app.wit:1:9",
        ],
    );
}

#[test]
fn wit_cycle() {
    fails(
        &path_and(&case("cycle.wit"), &[]),
        &["interface or world `b` depends on itself", "cycle.wit:7:11"],
    );
}

/// No line to point at: the message names the folder.
#[test]
fn wit_no_package_header() {
    fails(
        &path_and(&case("no-package"), &[]),
        &["no `package` header was found", "no-package"],
    );
}

/// No line to point at: the message names the file.
#[test]
fn wit_not_utf8() {
    fails(
        &path_and(&case("not-utf8.wit"), &[]),
        &["input file is not valid utf-8", "not-utf8.wit"],
    );
}

/// `witbind worlds` loads WIT the same way and reports the same errors.
#[test]
fn worlds_reports_wit_errors_too() {
    let out = witbind([OsString::from("worlds"), case("syntax.wit").into()]);
    assert_failed(&out);
    assert!(out.stderr.contains("syntax.wit:4:18"), "{out:#?}");
}

#[test]
fn type_too_large() {
    fails(
        &path_and(&case("size-overflow.wit"), &[]),
        &["parameter `x` of `f` takes 147573952520956936200 bytes on wasm32"],
    );
}

#[test]
fn type_too_large_names_file_and_line() {
    fails(
        &path_and(&case("size-overflow.wit"), &[]),
        &["size-overflow.wit:4:"],
    );
}

#[test]
fn same_package_twice_is_an_error() {
    let file = case("no-world.wit");
    fails(
        &[file.clone().into(), file.into()],
        &["error-cases:no-world"],
    );
}

// ---------------------------------------------------------------------------
// Choosing the world
// ---------------------------------------------------------------------------

#[test]
fn no_world_defined() {
    fails(
        &path_and(&case("no-world.wit"), &[]),
        &[
            "no world was named and the input package `error-cases:no-world` (from `",
            "no-world.wit`) defines no world",
        ],
    );
}

#[test]
fn several_worlds_none_named() {
    fails(
        &path_and(&case("two-worlds.wit"), &[]),
        &[
            "several worlds are defined, so one must be named",
            "known worlds: error-cases:two-worlds/first, error-cases:two-worlds/second",
            "`--world`",
        ],
    );
}

#[test]
fn unknown_world() {
    for world in ["thrid", "error-cases:two-worlds/thrid", "a:b"] {
        fails(
            &path_and(&case("two-worlds.wit"), &["--world", world]),
            &[
                &format!("unknown world `{world}`"),
                "known worlds: error-cases:two-worlds/first, error-cases:two-worlds/second",
            ],
        );
    }
}

#[test]
fn ambiguous_world_name() {
    fails(
        &[
            case("ambiguous/a").into(),
            case("ambiguous/b").into(),
            "--world".into(),
            "app".into(),
        ],
        &[
            "world name `app` is ambiguous: it matches error-cases:a/app, error-cases:b/app",
            "name it in full",
        ],
    );
}

#[test]
fn world_in_several_versions() {
    fails(
        &[
            case("versions/v1").into(),
            case("versions/v2").into(),
            "-w".into(),
            "error-cases:versioned/app".into(),
        ],
        &[
            "world `error-cases:versioned/app` exists in several versions: \
             error-cases:versioned/app@1.0.0, error-cases:versioned/app@2.0.0",
            "add the version",
        ],
    );
}

// ---------------------------------------------------------------------------
// Option values (checked before any WIT is read)
// ---------------------------------------------------------------------------

#[test]
fn invalid_option_values_name_the_flag() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--runtime-path", "not a path"],
            "invalid value for `--runtime-path`: `not a path` is not a Rust path",
        ),
        (
            &["--map-type", "::"],
            "invalid value for `--map-type`: `::` is not a Rust path",
        ),
        (
            &["--bitflags-path", "9"],
            "invalid value for `--bitflags-path`",
        ),
        (
            &["--default-bindings-module", "a::"],
            "invalid value for `--default-bindings-module`",
        ),
        (
            &["-d", "serde::Serialize,1x"],
            "invalid value for `--additional-derive-attribute`: `1x` is not a Rust path",
        ),
        (
            &["--export-macro-name", "two-words"],
            "invalid value for `--export-macro-name`: `two-words` is not a Rust identifier",
        ),
        (
            &["--with", "wasi:io"],
            "invalid value for `--with`: expected KEY=PATH",
        ),
        (
            &["--with", "wasi:io=1x"],
            "invalid value for `--with`: `1x` is not a Rust path",
        ),
        (
            &["--additional-type-attributes", "a:b/c/t"],
            "invalid value for `--additional-type-attributes`: expected SELECTOR=ATTRIBUTE",
        ),
        (
            &["--additional-member-attributes", "a:b/c/t.x=derive(Debug)"],
            "invalid value for `--additional-member-attributes`: `derive(Debug)` is not an attribute",
        ),
        (
            &["--additional-type-attributes", "a:b/c/t=#[a] #[b]"],
            "invalid value for `--additional-type-attributes`: expected one attribute",
        ),
        (
            &["--ownership", "lent"],
            "invalid value for `--ownership`: `lent` is not an ownership",
        ),
    ];
    for (flags, expected) in cases {
        fails(&path_and(&options_wit(), flags), &[expected]);
    }
}

/// Unknown flags (also the macro's `async`, which wit-bindgen 0.63
/// removed), missing values and repeated single-valued flags are clap's
/// usage errors.
#[test]
fn usage_errors_name_the_flag() {
    let wit = options_wit();
    usage_error(&path_and(&wit, &["--wrold", "app"]), &["'--wrold'"]);
    usage_error(&path_and(&wit, &["--async"]), &["'--async'"]);
    usage_error(&path_and(&wit, &["--world"]), &["'--world <WORLD>'"]);
    usage_error(
        &path_and(&wit, &["--stubs=yes"]),
        &["unexpected value 'yes' for '--stubs'"],
    );
    usage_error(
        &path_and(&wit, &["--world", "a", "--world", "b"]),
        &["'--world <WORLD>' cannot be used multiple times"],
    );
    usage_error(&args(&[]), &["<WIT_PATH>"]);
}

// ---------------------------------------------------------------------------
// Options checked against the world
// ---------------------------------------------------------------------------

#[test]
fn with_key_names_nothing() {
    fails(
        &path_and(
            &options_wit(),
            &["--with", "error-cases:options/apu=crate::x"],
        ),
        &[
            "`with` names `error-cases:options/apu`, which is neither an interface nor a type of the world",
            "the world imports error-cases:options/api",
        ],
    );
}

#[test]
fn with_path_for_an_export() {
    fails(
        &path_and(
            &options_wit(),
            &["--with", "error-cases:options/handler=crate::x"],
        ),
        &["`with` maps `error-cases:options/handler` to a path, but the world only exports it"],
    );
}

#[test]
fn unused_sync_filter() {
    fails(
        &path_and(&options_wit(), &["--sync", "error-cases:options/api#fech"]),
        &["`sync` filter `error-cases:options/api#fech` names no function of the world"],
    );
}

#[test]
fn unused_chainable_methods_filter() {
    fails(
        &path_and(
            &options_wit(),
            &[
                "--chainable-methods",
                "error-cases:options/api#builder,error-cases:options/api#buidler",
            ],
        ),
        &["`chainable_methods` filter `error-cases:options/api#buidler` names no imported method"],
    );
}

#[test]
fn unused_attribute_selector() {
    fails(
        &path_and(
            &options_wit(),
            &[
                "--additional-type-attributes",
                "error-cases:options/api/pont=#[must_use]",
            ],
        ),
        &["`error-cases:options/api/pont` names nothing in the world"],
    );
    fails(
        &path_and(
            &options_wit(),
            &[
                "--additional-member-attributes",
                "error-cases:options/api/point.z=#[doc(hidden)]",
            ],
        ),
        &["`error-cases:options/api/point.z` names nothing in the world"],
    );
}

#[test]
fn unused_attribute_selector_names_the_flag() {
    fails(
        &path_and(
            &options_wit(),
            &[
                "--additional-type-attributes",
                "error-cases:options/api/pont=#[must_use]",
            ],
        ),
        &["--additional-type-attributes"],
    );
}

/// The errors of one phase come together, in one report.
#[test]
fn option_errors_are_reported_together() {
    let stderr = fails(
        &path_and(
            &options_wit(),
            &[
                "--with",
                "error-cases:options/apu=crate::x",
                "--sync",
                "error-cases:options/api#fech",
            ],
        ),
        &["`with` names `error-cases:options/apu`", "`sync` filter"],
    );
    assert_eq!(stderr.matches("\n  help: ").count(), 2, "{stderr}");
}

// ---------------------------------------------------------------------------
// The CLI's own errors: combinations of flags, output
// ---------------------------------------------------------------------------

#[test]
fn out_and_split_together() {
    fails(
        &path_and(&options_wit(), &["--split", "bindings"]),
        &["`-o` and `--split` cannot be used together"],
    );
}

#[test]
fn check_without_output() {
    let out = witbind([
        OsString::from("bindgen"),
        options_wit().into(),
        "--check".into(),
    ]);
    assert_failed(&out);
    assert!(
        out.stderr.contains("`--check` compares files on disk"),
        "{out:#?}"
    );
}

/// The output's folder cannot be created (a file is in the way).
#[test]
fn output_folder_cannot_be_created() {
    let dir = scratch(&[("generated", "a file\n")]);
    let out = dir.path().join("generated/bindings.rs");
    let outcome = witbind([
        OsString::from("bindgen"),
        options_wit().into(),
        "-o".into(),
        out.clone().into(),
    ]);
    assert_failed(&outcome);
    assert!(
        outcome
            .stderr
            .contains(&format!("cannot write `{}`", out.display())),
        "{outcome:#?}"
    );
    assert!(
        outcome.stderr.contains("cannot create directory"),
        "{outcome:#?}"
    );
    assert_eq!(listing(dir.path()), ["generated"]);
    assert_eq!(
        fs::read_to_string(dir.path().join("generated")).unwrap(),
        "a file\n"
    );
}

/// The output is a folder: it cannot replace it (`cli.rs` checks the same
/// for writing), nor read it with `--check`.
#[test]
fn output_is_a_folder() {
    let dir = scratch(&[("bindings.rs/keep", "")]);
    let out = dir.path().join("bindings.rs");
    for check in [false, true] {
        let mut argv = vec![
            OsString::from("bindgen"),
            options_wit().into(),
            "-o".into(),
            out.clone().into(),
        ];
        if check {
            argv.push("--check".into());
        }
        let outcome = witbind(argv);
        assert_failed(&outcome);
        let verb = if check { "cannot read" } else { "cannot write" };
        assert!(
            outcome
                .stderr
                .contains(&format!("{verb} `{}`", out.display())),
            "{outcome:#?}"
        );
        assert_eq!(listing(dir.path()), ["bindings.rs"]);
        assert_eq!(listing(&out), ["keep"]);
    }
}

#[test]
fn split_failure_leaves_no_partial_output() {
    // `exports` must become a folder, but a file is in the way; the files
    // under `error_cases/` come first.
    let dir = scratch(&[("bindings/exports", "a file\n")]);
    let split = dir.path().join("bindings");
    let outcome = witbind([
        OsString::from("bindgen"),
        options_wit().into(),
        "--split".into(),
        split.clone().into(),
    ]);
    assert_failed(&outcome);
    assert!(outcome.stderr.contains("cannot write"), "{outcome:#?}");
    assert_eq!(listing(&split), ["exports"]);
}

/// Standard output that cannot be written (a closed pipe, a full disk).
#[test]
fn stdout_cannot_be_written() {
    struct Broken;
    impl Write for Broken {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::new(io::ErrorKind::BrokenPipe, "pipe closed"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut stderr = Vec::new();
    let code = witbind_cli::run(
        [
            OsString::from("witbind"),
            "bindgen".into(),
            options_wit().into(),
        ],
        &mut Broken,
        &mut stderr,
    );
    let stderr = String::from_utf8(stderr).unwrap();
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr,
        "error: cannot write to standard output: pipe closed\n"
    );
}
