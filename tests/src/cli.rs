//! Running the `witbind` command in-process (`witbind_cli::run`, which
//! the binary's `main` wraps) and checking its outcome.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

/// What one run of the command produced.
#[derive(Debug)]
pub struct Outcome {
    /// The exit code.
    pub code: u8,
    /// What it printed on stdout.
    pub stdout: String,
    /// What it printed on stderr.
    pub stderr: String,
}

/// Runs `witbind <args>` in-process.
pub fn witbind<I, S>(args: I) -> Outcome
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    let argv: Vec<OsString> = std::iter::once(OsString::from("witbind"))
        .chain(args.into_iter().map(Into::into))
        .collect();
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = witbind_cli::run(argv, &mut stdout, &mut stderr);
    Outcome {
        code,
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    }
}

/// Asserts a failure of the command itself (not of its usage): exit code 1,
/// nothing on stdout, one `error:` report without a panic or backtrace.
#[track_caller]
pub fn assert_failed(outcome: &Outcome) {
    assert_eq!(outcome.code, 1, "{outcome:#?}");
    assert_eq!(outcome.stdout, "", "{outcome:#?}");
    assert!(outcome.stderr.starts_with("error: "), "{outcome:#?}");
    assert_eq!(outcome.stderr.matches("error: ").count(), 1, "{outcome:#?}");
    for noise in ["panicked", "backtrace", "RUST_BACKTRACE"] {
        assert!(!outcome.stderr.contains(noise), "{outcome:#?}");
    }
}

/// A scratch directory holding the given `(file name, contents)`.
pub fn scratch(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("creating a temporary directory");
    for (name, contents) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
    dir
}

/// The entries of `dir`, sorted, to check that nothing was left behind.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `target/debug/witbind`, built by a nested cargo if needed (the test
/// binary itself lives in `target/debug/deps/`).
pub fn witbind_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    let profile = profile_dir.file_name().unwrap().to_str().unwrap();
    let target_dir = profile_dir.parent().unwrap();
    let mut build = crate::cargo();
    build.args(["build", "--quiet", "-p", "witbind-cli", "--bin", "witbind"]);
    build.arg("--target-dir").arg(target_dir);
    if profile == "release" {
        build.arg("--release");
    }
    let status = build.status().expect("running cargo build");
    assert!(status.success(), "building the witbind binary failed");
    profile_dir.join(format!("witbind{}", std::env::consts::EXE_SUFFIX))
}
