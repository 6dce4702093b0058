//! Vendored bindings: `witbind bindgen -o FILE` / `--split DIR`, the
//! header that says how to regenerate them, and `--check` for CI (fresh,
//! stale, missing and left-over files, for one file and for `--split`).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use witbind_tests::cli::{assert_failed, witbind, witbind_binary};
use witbind_tests::{repo_root, wasip2_wit_dir};

fn fixture(name: &str) -> PathBuf {
    repo_root().join("wit/fixtures").join(name)
}

/// `witbind bindgen <wit> [extra]` into `out` (`-o` or `--split`).
fn bindgen(wit: &Path, world: Option<&str>, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["bindgen".to_string(), wit.display().to_string()];
    if let Some(world) = world {
        args.extend(["--world".to_string(), world.to_string()]);
    }
    args.extend(extra.iter().map(|a| a.to_string()));
    args
}

#[test]
fn check_accepts_a_fresh_file_and_rejects_stale_or_missing_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bindings.rs");
    let out_arg = out.display().to_string();
    let wit = fixture("records.wit");
    let write = witbind(bindgen(&wit, None, &["-o", &out_arg]));
    assert_eq!(write.code, 0, "{write:#?}");
    let written = fs::read_to_string(&out).unwrap();

    // Fresh: exit 0, nothing printed, nothing touched.
    let check = witbind(bindgen(&wit, None, &["-o", &out_arg, "--check"]));
    assert_eq!(
        (check.code, check.stdout.as_str(), check.stderr.as_str()),
        (0, "", "")
    );

    // Stale: exit 1, a diff of the changed line and the command.
    fs::write(
        &out,
        written.replacen("pub inner: u32", "pub inner: u64", 1),
    )
    .unwrap();
    let stale = fs::read_to_string(&out).unwrap();
    let check = witbind(bindgen(&wit, None, &["-o", &out_arg, "--check"]));
    assert_failed(&check);
    assert!(check.stderr.contains("is out of date"), "{check:#?}");
    assert!(check.stderr.contains("pub inner: u64"), "{check:#?}");
    assert!(
        check.stderr.contains("+                pub inner: u32"),
        "{check:#?}"
    );
    // The command to run, for the directory the check ran in (the paths
    // as given).
    assert!(
        check.stderr.contains(&format!("-o {out_arg}")),
        "{check:#?}"
    );
    assert_eq!(
        fs::read_to_string(&out).unwrap(),
        stale,
        "--check wrote the file"
    );

    // Missing.
    fs::remove_file(&out).unwrap();
    let check = witbind(bindgen(&wit, None, &["-o", &out_arg, "--check"]));
    assert_failed(&check);
    assert!(check.stderr.contains("is missing"), "{check:#?}");
    assert!(!out.exists(), "--check wrote the file");
}

/// The header's command, run again, gives the same bytes.
#[test]
fn the_header_names_the_command_that_regenerates_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.rs");
    let out_arg = out.display().to_string();
    let wit = fixture("roundtrip.wit");
    let first = witbind(bindgen(
        &wit,
        None,
        &[
            "-o",
            &out_arg,
            "--raw-strings",
            "--export-prefix",
            "my prefix",
            "-d",
            "Hash",
        ],
    ));
    assert_eq!(first.code, 0, "{first:#?}");
    let written = fs::read_to_string(&out).unwrap();
    let command = written
        .lines()
        .nth(1)
        .unwrap()
        .strip_prefix("// Regenerate with: ")
        .unwrap();
    assert!(command.starts_with("witbind bindgen "), "{command}");
    assert!(
        command.contains("--world witbind-fixtures:roundtrip/roundtrip"),
        "{command}"
    );
    assert!(command.contains("--raw-strings"), "{command}");
    assert!(command.contains("--export-prefix 'my prefix'"), "{command}");
    assert!(command.contains("-o b.rs"), "{command}");
    // The command runs from the folder the paths are relative to (the
    // output's, without a `Cargo.toml` above it).
    fs::remove_file(&out).unwrap();
    let again = std::process::Command::new(witbind_binary())
        .args(shell_words(command).into_iter().skip(1))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(again.status.success(), "{again:#?}");
    assert_eq!(fs::read_to_string(&out).unwrap(), written);
}

/// Bindings vendored from a package's root are up to date when checked
/// from another directory, with absolute paths or paths through `.` and
/// `..`; the header holds paths relative to the package (nothing of the
/// machine's); a stale file is reported with a command for the directory
/// the check ran in.
#[test]
fn check_does_not_depend_on_the_directory_or_the_spelling_of_paths() {
    let package = tempfile::tempdir().unwrap();
    let root = package.path();
    fs::write(root.join("Cargo.toml"), "[package]\nname = \"p\"\n").unwrap();
    fs::create_dir_all(root.join("src/nested")).unwrap();
    fs::create_dir_all(root.join("wit")).unwrap();
    fs::copy(fixture("roundtrip.wit"), root.join("wit/roundtrip.wit")).unwrap();
    let run = |dir: &Path, args: &[&str]| {
        std::process::Command::new(witbind_binary())
            .arg("bindgen")
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap()
    };
    let made = run(root, &["wit", "-o", "src/bindings.rs"]);
    assert!(made.status.success(), "{made:#?}");
    let written = fs::read_to_string(root.join("src/bindings.rs")).unwrap();
    let header = written.lines().nth(1).unwrap();
    assert!(
        header.ends_with(" wit --world witbind-fixtures:roundtrip/roundtrip -o src/bindings.rs"),
        "{header}"
    );
    assert!(!written.contains(&root.display().to_string()), "{header}");

    let absolute_wit = root.join("wit").display().to_string();
    let absolute_out = root.join("src/bindings.rs").display().to_string();
    let spelled_wit = root.join("src/../wit/.").display().to_string();
    let spelled_out = root.join("src/nested/../bindings.rs").display().to_string();
    for (dir, args) in [
        (root.join("src"), vec!["../wit", "-o", "bindings.rs"]),
        (
            root.join("src/nested"),
            vec!["../../wit", "-o", "../bindings.rs"],
        ),
        (
            root.to_path_buf(),
            vec![absolute_wit.as_str(), "-o", absolute_out.as_str()],
        ),
        (
            PathBuf::from("/"),
            vec![spelled_wit.as_str(), "-o", spelled_out.as_str()],
        ),
    ] {
        let mut args = args.clone();
        args.push("--check");
        let checked = run(&dir, &args);
        assert!(
            checked.status.success(),
            "{}: {args:?}: {checked:#?}",
            dir.display()
        );
    }

    fs::write(
        root.join("src/bindings.rs"),
        format!("{written}// edited\n"),
    )
    .unwrap();
    let stale = run(
        &root.join("src"),
        &["../wit", "-o", "bindings.rs", "--check"],
    );
    assert!(!stale.status.success());
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert!(
        stderr.contains(
            "witbind bindgen ../wit --world witbind-fixtures:roundtrip/roundtrip -o bindings.rs"
        ),
        "{stderr}"
    );
}

/// The words of a POSIX shell command line that uses only plain words and
/// single quotes (what witbind writes).
fn shell_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut in_word = false;
    for c in command.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                in_word = true;
            }
            ' ' if !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                }
                in_word = false;
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// Every `.rs` file under `dir`, relative to it.
fn rust_files(dir: &Path) -> BTreeSet<PathBuf> {
    let mut files = BTreeSet::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.insert(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    files
}

#[test]
fn split_writes_a_file_per_module_and_check_sees_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let split = dir.path().join("bindings");
    let split_arg = split.display().to_string();
    let wit = wasip2_wit_dir();
    let world = Some("wasi:http/proxy");
    let write = witbind(bindgen(wit, world, &["--split", &split_arg]));
    assert_eq!(write.code, 0, "{write:#?}");
    let files = rust_files(&split);
    for expected in [
        "mod.rs",
        "wasi/mod.rs",
        "wasi/http/mod.rs",
        "wasi/http/types.rs",
        "wasi/io/streams.rs",
        "exports/wasi/http/incoming_handler.rs",
    ] {
        assert!(
            files.contains(Path::new(expected)),
            "no {expected} in {files:?}"
        );
    }
    for file in &files {
        let text = fs::read_to_string(split.join(file)).unwrap();
        assert!(
            text.starts_with("// @generated by witbind "),
            "{}",
            file.display()
        );
        // Relative to the folder above the split folder (no `Cargo.toml`
        // above it).
        let shown = split.file_name().unwrap().to_str().unwrap();
        assert!(
            text.contains(&format!("--split {shown}")),
            "{}",
            file.display()
        );
    }

    let check = || witbind(bindgen(wit, world, &["--split", &split_arg, "--check"]));
    let fresh = check();
    assert_eq!(fresh.code, 0, "{fresh:#?}");

    // One interface edited, one deleted, one generated file left over, and
    // a file of the user's own, which is none of witbind's business.
    let types = split.join("wasi/http/types.rs");
    let edited = fs::read_to_string(&types)
        .unwrap()
        .replacen("pub", "pub(crate)", 1);
    fs::write(&types, edited).unwrap();
    fs::remove_file(split.join("wasi/io/streams.rs")).unwrap();
    let left_over = split.join("wasi/old.rs");
    fs::write(&left_over, "// @generated by witbind 0.0.1 ...\n").unwrap();
    let own = split.join("notes.rs");
    fs::write(&own, "// mine\n").unwrap();
    let stale = check();
    assert_failed(&stale);
    for needle in [
        "wasi/http/types.rs` is out of date",
        "wasi/io/streams.rs` is missing",
        "wasi/old.rs` is a generated file the bindings no longer have",
    ] {
        assert!(stale.stderr.contains(needle), "{needle} in {stale:#?}");
    }
    assert!(!stale.stderr.contains("notes.rs"), "{stale:#?}");

    // Writing again repairs everything, removes the left-over generated
    // file and keeps the user's own.
    let rewrite = witbind(bindgen(wit, world, &["--split", &split_arg]));
    assert_eq!(rewrite.code, 0, "{rewrite:#?}");
    assert!(!left_over.exists() && own.exists());
    assert_eq!(check().code, 0);
}

#[test]
fn split_and_one_file_cannot_be_combined_and_check_needs_a_target() {
    let wit = fixture("records.wit");
    let both = witbind(bindgen(&wit, None, &["-o", "x.rs", "--split", "dir"]));
    assert_failed(&both);
    assert!(both.stderr.contains("cannot be used together"), "{both:#?}");
    let nowhere = witbind(bindgen(&wit, None, &["--check"]));
    assert_failed(&nowhere);
    assert!(
        nowhere.stderr.contains("`--check` compares files on disk"),
        "{nowhere:#?}"
    );
}

/// The split files declare the same public items at the same paths as the
/// single file: a crate that names every public item of the single file
/// through `bindings::...` type-checks against the split output.
#[test]
fn split_output_compiles_with_the_public_paths_of_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let single = src.join("single.rs");
    let wit = wasip2_wit_dir();
    let world = Some("wasi:http/proxy");
    let one = witbind(bindgen(wit, world, &["-o", &single.display().to_string()]));
    assert_eq!(one.code, 0, "{one:#?}");
    let split = witbind(bindgen(
        wit,
        world,
        &["--split", &src.join("split").display().to_string()],
    ));
    assert_eq!(split.code, 0, "{split:#?}");

    let file = syn::parse_file(&fs::read_to_string(&single).unwrap()).unwrap();
    let mut paths = Vec::new();
    public_paths(&file.items, "bindings", &mut paths);
    assert!(paths.len() > 50, "{} public items", paths.len());
    let uses: String = paths
        .iter()
        .enumerate()
        .map(|(i, path)| format!("#[allow(unused_imports)]\nuse {path} as Item{i};\n"))
        .collect();
    fs::write(
        src.join("lib.rs"),
        format!(
            "#![no_std]\nextern crate alloc;\n\
             #[cfg(feature = \"split\")]\n#[path = \"split/mod.rs\"]\npub mod bindings;\n\
             #[cfg(not(feature = \"split\"))]\n#[path = \"single.rs\"]\npub mod bindings;\n{uses}"
        ),
    )
    .unwrap();
    let witbind_crate = repo_root().join("crates/witbind");
    fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[package]\nname = \"split-paths\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             [features]\nsplit = []\n\
             [dependencies]\nwitbind = {{ path = {:?}, default-features = false }}\n[workspace]\n",
            witbind_crate.display().to_string()
        ),
    )
    .unwrap();
    fs::copy(
        repo_root().join("Cargo.lock"),
        dir.path().join("Cargo.lock"),
    )
    .unwrap();
    for features in [&[][..], &["--features", "split"][..]] {
        let output = witbind_tests::cargo()
            .args(["check", "--quiet", "--offline", "--manifest-path"])
            .arg(dir.path().join("Cargo.toml"))
            .args(features)
            .env("CARGO_TARGET_DIR", repo_root().join("target/split-paths"))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{features:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// The paths of the public types, traits, functions and macros in `items`
/// (under `prefix`).
fn public_paths(items: &[syn::Item], prefix: &str, out: &mut Vec<String>) {
    for item in items {
        let name = match item {
            syn::Item::Mod(m) => {
                let path = format!("{prefix}::{}", m.ident);
                if let Some((_, items)) = &m.content {
                    public_paths(items, &path, out);
                }
                continue;
            }
            syn::Item::Struct(i) if is_pub(&i.vis) => i.ident.to_string(),
            syn::Item::Enum(i) if is_pub(&i.vis) => i.ident.to_string(),
            syn::Item::Trait(i) if is_pub(&i.vis) => i.ident.to_string(),
            syn::Item::Type(i) if is_pub(&i.vis) => i.ident.to_string(),
            syn::Item::Fn(i) if is_pub(&i.vis) => i.sig.ident.to_string(),
            _ => continue,
        };
        out.push(format!("{prefix}::{name}"));
    }
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// The build-script door regenerates the bindings when a WIT file they
/// come from changes (cargo reruns the build script), and only then.
#[test]
fn the_build_script_door_regenerates_when_the_wit_changes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("src")).unwrap();
    fs::create_dir_all(root.join("wit")).unwrap();
    let crates = repo_root().join("crates");
    fs::write(
        root.join("Cargo.toml"),
        format!(
            "[package]\nname = \"regen\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             [dependencies]\nwitbind = {{ path = {:?}, default-features = false }}\n\
             [build-dependencies]\nwitbind-build = {{ path = {:?} }}\n[workspace]\n",
            crates.join("witbind").display().to_string(),
            crates.join("witbind-build").display().to_string(),
        ),
    )
    .unwrap();
    fs::copy(repo_root().join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    fs::write(
        root.join("build.rs"),
        "fn main() { witbind_build::Builder::new().generate().unwrap_or_else(|e| panic!(\"{e}\")); }\n",
    )
    .unwrap();
    fs::write(
        root.join("src/lib.rs"),
        "#![no_std]\nextern crate alloc;\npub mod bindings { include!(concat!(env!(\"OUT_DIR\"), \"/bindings.rs\")); }\n",
    )
    .unwrap();
    let wit = root.join("wit/world.wit");
    fs::write(
        &wit,
        "package t:regen;\ninterface api { first: func() -> u32; }\nworld w { import api; }\n",
    )
    .unwrap();

    // Builds (type-checks) the crate; the generated file.
    let build = || {
        let output = witbind_tests::cargo()
            .args([
                "check",
                "--offline",
                "--message-format",
                "json",
                "--manifest-path",
            ])
            .arg(root.join("Cargo.toml"))
            .env(
                "CARGO_TARGET_DIR",
                repo_root().join("target/build-door-regen"),
            )
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        let out_dir = stdout
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|message| message["reason"] == "build-script-executed")
            .filter(|message| {
                message["package_id"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("regen")
            })
            .find_map(|message| message["out_dir"].as_str().map(PathBuf::from))
            .expect("the build script ran");
        let file = out_dir.join("bindings.rs");
        let modified = fs::metadata(&file).unwrap().modified().unwrap();
        (fs::read_to_string(&file).unwrap(), modified)
    };
    let (first, modified) = build();
    assert!(first.contains("pub fn first()") && !first.contains("pub fn second()"));
    // Nothing changed: the file is left alone.
    let (again, unchanged) = build();
    assert_eq!((again, unchanged), (first, modified));
    fs::write(
        &wit,
        "package t:regen;\ninterface api { first: func() -> u32; second: func() -> u32; }\nworld w { import api; }\n",
    )
    .unwrap();
    let (second, _) = build();
    assert!(
        second.contains("pub fn second()"),
        "not regenerated:\n{second}"
    );
}
