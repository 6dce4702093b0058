//! The commands the performance benchmark times or needs: the two CLIs
//! (witbind's, built in release; wit-bindgen's 0.63, installed under
//! `target/bench-tools`), and throwaway guest crates under `target/perf/`
//! built with cargo for `wasm32-wasip2`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{bail, Context, Result};

use crate::{cargo, cargo_for_wasm, repo_root, stdout_of, wasip2_wit_dir};

/// The version of wit-bindgen the benchmark compares with.
pub const WIT_BINDGEN_VERSION: &str = "0.63.0";

/// The main workspace's target directory.
pub fn target_dir() -> PathBuf {
    repo_root().join("target")
}

/// Runs `command`, failing with its output unless it succeeds; the time
/// it took.
pub fn run_timed(command: &mut Command) -> Result<Duration> {
    let start = Instant::now();
    let output = command
        .output()
        .with_context(|| format!("running {command:?}"))?;
    let elapsed = start.elapsed();
    if !output.status.success() {
        bail!(
            "{command:?} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(elapsed)
}

/// Which generator a guest or a file comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generator {
    /// This repository's.
    Witbind,
    /// wit-bindgen 0.63, the reference.
    WitBindgen,
}

impl Generator {
    /// Both, witbind first.
    pub const BOTH: [Generator; 2] = [Generator::Witbind, Generator::WitBindgen];

    /// `witbind` or `wit-bindgen`.
    pub fn name(self) -> &'static str {
        match self {
            Generator::Witbind => "witbind",
            Generator::WitBindgen => "wit-bindgen",
        }
    }

    /// The crate a guest names: `witbind` or `wit_bindgen`.
    fn krate(self) -> &'static str {
        match self {
            Generator::Witbind => "witbind",
            Generator::WitBindgen => "wit_bindgen",
        }
    }

    /// The guest's dependency on the generator's runtime crate: with its
    /// default features (`generate!`), or without the macro (vendored
    /// bindings) and with every other default feature.
    fn dependency(self, mode: Mode) -> String {
        let witbind = repo_root().join("crates/witbind");
        match (self, mode) {
            (Generator::Witbind, Mode::Macro) => {
                format!("witbind = {{ path = {:?} }}", witbind.display().to_string())
            }
            (Generator::Witbind, Mode::Vendored) => format!(
                "witbind = {{ path = {:?}, default-features = false, features = [\"async\"] }}",
                witbind.display().to_string()
            ),
            (Generator::WitBindgen, Mode::Macro) => {
                format!("wit-bindgen = \"={WIT_BINDGEN_VERSION}\"")
            }
            (Generator::WitBindgen, Mode::Vendored) => format!(
                "wit-bindgen = {{ version = \"={WIT_BINDGEN_VERSION}\", default-features = false, \
                 features = [\"realloc\", \"async\", \"std\", \"bitflags\"] }}"
            ),
        }
    }
}

impl Generator {
    /// Profile settings that give the generator's crates, path dependencies
    /// here, what a crates.io dependency gets: no incremental compilation
    /// (cargo makes only local crates incremental, which slows a clean
    /// build). wit-bindgen comes from crates.io already.
    fn registry_profile(self, mode: Mode) -> String {
        let packages: &[&str] = match (self, mode) {
            (Generator::Witbind, Mode::Macro) => &["witbind", "witbind-macro", "witbind-codegen"],
            (Generator::Witbind, Mode::Vendored) => &["witbind"],
            (Generator::WitBindgen, _) => &[],
        };
        packages
            .iter()
            .map(|package| format!("\n[profile.dev.package.{package}]\nincremental = false\n"))
            .collect()
    }
}

/// How a guest gets its bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The `generate!` proc macro.
    Macro,
    /// The CLI's output, included as a module (no proc macro).
    Vendored,
}

impl Mode {
    /// Both, the macro first.
    pub const BOTH: [Mode; 2] = [Mode::Macro, Mode::Vendored];

    /// `macro` or `vendored`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Macro => "macro",
            Mode::Vendored => "vendored",
        }
    }
}

/// A world the benchmark generates and builds guests of.
#[derive(Debug, Clone)]
pub struct World {
    /// `wasi:http/proxy`, ...
    pub id: &'static str,
    /// A file-name-friendly label: `http-proxy`, ...
    pub slug: &'static str,
    /// The WIT to load.
    pub wit: PathBuf,
    /// The source of a minimal implementation of the world's exports (a
    /// `Component` type using `bindings`).
    pub minimal_impl: &'static str,
}

/// The four worlds: `wasi:http/proxy` and `wasi:cli/command` from the
/// `wasip2` crate's WIT, `witbind-perf:bench/perf` (`wit/perf/perf.wit`)
/// and `witbind-fixtures:type-tree/tree` (`wit/fixtures/type-tree.wit`, a
/// deep, wide type tree).
pub fn worlds() -> Vec<World> {
    vec![
        World {
            id: "wasi:http/proxy",
            slug: "http-proxy",
            wit: wasip2_wit_dir().to_path_buf(),
            minimal_impl: PROXY_IMPL,
        },
        World {
            id: "wasi:cli/command",
            slug: "cli-command",
            wit: wasip2_wit_dir().to_path_buf(),
            minimal_impl: COMMAND_IMPL,
        },
        World {
            id: "witbind-perf:bench/perf",
            slug: "perf",
            wit: perf_wit(),
            minimal_impl: PERF_IMPL,
        },
        World {
            id: "witbind-fixtures:type-tree/tree",
            slug: "tree",
            wit: repo_root().join("wit/fixtures/type-tree.wit"),
            minimal_impl: TREE_IMPL,
        },
    ]
}

/// `wit/perf/perf.wit`.
pub fn perf_wit() -> PathBuf {
    repo_root().join("wit/perf/perf.wit")
}

const PROXY_IMPL: &str = r#"use bindings::exports::wasi::http::incoming_handler::Guest;
use bindings::wasi::http::types::{IncomingRequest, ResponseOutparam};

struct Component;

impl Guest for Component {
    fn handle(_request: IncomingRequest, _response_out: ResponseOutparam) {}
}
"#;

const COMMAND_IMPL: &str = r#"use bindings::exports::wasi::cli::run::Guest;

struct Component;

impl Guest for Component {
    fn run() -> Result<(), ()> {
        Ok(())
    }
}
"#;

const PERF_IMPL: &str = r#"use bindings::exports::witbind_perf::bench::api::{
    Event, Guest, GuestCounter, Person, Point, Workload,
};

struct Component;

impl Guest for Component {
    type Counter = Counter;

    fn echo_string(s: String) -> String {
        s
    }
    fn echo_bytes(b: Vec<u8>) -> Vec<u8> {
        b
    }
    fn echo_points(p: Vec<Point>) -> Vec<Point> {
        p
    }
    fn echo_people(p: Vec<Person>) -> Vec<Person> {
        p
    }
    fn echo_events(e: Vec<Event>) -> Vec<Event> {
        e
    }
    fn drive(_workload: Workload, _size: u32, _iterations: u32) -> u64 {
        0
    }
}

struct Counter;

impl GuestCounter for Counter {
    fn new(_start: u64) -> Self {
        Counter
    }
    fn add(&self, n: u64) -> u64 {
        n
    }
}
"#;

/// Every export calls the matching import, so that the guest holds the
/// code moving a tree in all four directions (the source of the
/// `tree-witbind` test guest).
const TREE_IMPL: &str = include_str!("../../guests/tree-common.rs");

/// `target/bench-tools`: the wit-bindgen CLI is installed here.
pub fn bench_tools_dir() -> PathBuf {
    target_dir().join("bench-tools")
}

/// The `wit-bindgen` CLI 0.63: installed with `cargo install --locked`
/// into [`bench_tools_dir`] unless it is there already.
/// With `debug` (the smoke run, whose timings mean nothing), a debug
/// build in its own folder, which installs in a fraction of the time.
pub fn wit_bindgen_cli(debug: bool) -> Result<PathBuf> {
    let root = if debug {
        bench_tools_dir().join("debug")
    } else {
        bench_tools_dir()
    };
    let bin = root.join("bin/wit-bindgen");
    let installed = Command::new(&bin)
        .arg("--version")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains(WIT_BINDGEN_VERSION));
    if installed {
        return Ok(bin);
    }
    eprintln!(
        "perf: installing wit-bindgen-cli {WIT_BINDGEN_VERSION} into {} (once)",
        root.display()
    );
    let status = cargo()
        .args(["install", "--locked", "--force"])
        .args(debug.then_some("--debug"))
        .arg("--root")
        .arg(&root)
        .args(["wit-bindgen-cli", "--version"])
        .arg(format!("={WIT_BINDGEN_VERSION}"))
        .status()
        .context("running `cargo install wit-bindgen-cli`")?;
    if !status.success() || !bin.is_file() {
        bail!("`cargo install --locked wit-bindgen-cli --version ={WIT_BINDGEN_VERSION}` failed ({status})");
    }
    Ok(bin)
}

/// The `witbind` binary, built in release (`cargo build --release -p
/// witbind-cli`) into the main target directory; with `debug` (the smoke
/// run), the debug build the tests use.
pub fn witbind_cli(debug: bool) -> Result<PathBuf> {
    let profile = if debug { "debug" } else { "release" };
    let mut build = cargo();
    build.args(["build", "--quiet", "-p", "witbind-cli", "--bin", "witbind"]);
    if !debug {
        build.arg("--release");
    }
    let status = build
        .status()
        .context("running `cargo build -p witbind-cli`")?;
    if !status.success() {
        bail!("`cargo build -p witbind-cli` ({profile}) failed ({status})");
    }
    let bin = target_dir().join(profile).join("witbind");
    if !bin.is_file() {
        bail!("{} was not built", bin.display());
    }
    Ok(bin)
}

/// Runs `witbind bindgen <wit> --world <world> --generate-all -o <out>`;
/// the time it took.
pub fn generate_with_witbind(witbind: &Path, world: &World, out: &Path) -> Result<Duration> {
    run_timed(
        Command::new(witbind)
            .arg("bindgen")
            .arg(&world.wit)
            .args(["--world", world.id, "--generate-all", "-o"])
            .arg(out),
    )
}

/// Runs `wit-bindgen rust --format --generate-all --world <world>
/// --out-dir <dir> <wit>` (into a fresh `dir`), then moves the one file it
/// writes to `out`; the time the command took.
pub fn generate_with_wit_bindgen(
    wit_bindgen: &Path,
    world: &World,
    out: &Path,
) -> Result<Duration> {
    let dir = out.with_extension("out");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let elapsed = run_timed(
        Command::new(wit_bindgen)
            .args([
                "rust",
                "--format",
                "--generate-all",
                "--world",
                world.id,
                "--out-dir",
            ])
            .arg(&dir)
            .arg(&world.wit),
    )?;
    let files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    let [file] = files.as_slice() else {
        bail!("wit-bindgen wrote {files:?}, not one file");
    };
    std::fs::rename(file, out)?;
    std::fs::remove_dir(&dir)?;
    Ok(elapsed)
}

/// A throwaway guest crate under `target/perf/`: a minimal implementation
/// of a world's exports with one generator's bindings, from `generate!`
/// or vendored; a workspace of its own.
#[derive(Debug, Clone)]
pub struct GuestCrate {
    /// The crate's folder.
    pub dir: PathBuf,
    /// The package name.
    pub name: String,
}

impl GuestCrate {
    /// Writes the crate `<parent>/<world>-<generator>-<mode>`; for
    /// [`Mode::Vendored`], `bindings` (the CLI's output) becomes
    /// `src/bindings.rs`. Lists its own `[workspace]` unless
    /// `in_workspace`.
    pub fn write(
        parent: &Path,
        world: &World,
        generator: Generator,
        mode: Mode,
        bindings: Option<&Path>,
        in_workspace: bool,
    ) -> Result<GuestCrate> {
        let name = format!("{}-{}-{}", world.slug, generator.name(), mode.name());
        let dir = parent.join(&name);
        std::fs::create_dir_all(dir.join("src"))
            .with_context(|| format!("creating {}", dir.display()))?;
        let workspace = if in_workspace {
            String::new()
        } else {
            format!("\n[workspace]\n{}", generator.registry_profile(mode))
        };
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [lib]\ncrate-type = [\"cdylib\"]\n\n[dependencies]\n{}\n{workspace}",
            generator.dependency(mode)
        );
        write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
        let bindings_module = match mode {
            Mode::Macro => format!(
                "mod bindings {{\n    {}::generate!({{\n        path: {:?},\n        world: {:?},\n        \
                 generate_all,\n    }});\n}}\n",
                generator.krate(),
                world.wit.display().to_string(),
                world.id
            ),
            Mode::Vendored => {
                let bindings = bindings.context("vendored bindings need the CLI's output")?;
                let source = std::fs::read_to_string(bindings)
                    .with_context(|| format!("reading {}", bindings.display()))?;
                write_if_changed(&dir.join("src/bindings.rs"), &source)?;
                "#[rustfmt::skip]\nmod bindings;\n".to_string()
            }
        };
        let lib = format!(
            "//! A minimal `{}` guest with {}'s bindings ({}), written by the\n\
             //! performance benchmark (tests/benches/perf.rs).\n\n{bindings_module}\n{}\n\
             bindings::export!(Component with_types_in bindings);\n",
            world.id,
            generator.name(),
            mode.name(),
            world.minimal_impl
        );
        write_if_changed(&dir.join("src/lib.rs"), &lib)?;
        Ok(GuestCrate { dir, name })
    }

    /// Writes the crate `<parent>/<name>`: a library whose only module is
    /// `bindings` (witbind's `bindings`, vendored), to be checked.
    pub fn bindings_only(parent: &Path, name: &str, bindings: &Path) -> Result<GuestCrate> {
        let dir = parent.join(name);
        std::fs::create_dir_all(dir.join("src"))
            .with_context(|| format!("creating {}", dir.display()))?;
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             publish = false\n\n[dependencies]\n{}\n\n[workspace]\n{}",
            Generator::Witbind.dependency(Mode::Vendored),
            Generator::Witbind.registry_profile(Mode::Vendored),
        );
        write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
        let source = std::fs::read_to_string(bindings)
            .with_context(|| format!("reading {}", bindings.display()))?;
        write_if_changed(&dir.join("src/bindings.rs"), &source)?;
        let lib = "//! Bindings only, written by the performance benchmark \
                   (tests/benches/perf.rs).\n\n#![allow(dead_code)]\n\n\
                   #[rustfmt::skip]\nmod bindings;\n";
        write_if_changed(&dir.join("src/lib.rs"), lib)?;
        Ok(GuestCrate {
            dir,
            name: name.to_string(),
        })
    }

    /// Copies `tests/guests/Cargo.lock` (which pins every dependency the
    /// crates use), then fetches whatever is missing, so the timed builds
    /// run `--offline` and never download.
    pub fn lock_and_fetch(&self) -> Result<()> {
        let lock = repo_root().join("tests/guests/Cargo.lock");
        std::fs::copy(&lock, self.dir.join("Cargo.lock"))
            .with_context(|| format!("copying {}", lock.display()))?;
        run_timed(cargo_for_wasm().current_dir(&self.dir).args([
            "fetch",
            "--quiet",
            "--target",
            crate::WASM_TARGET,
        ]))?;
        Ok(())
    }

    /// Sets the modification time of `src/lib.rs` to now (`touch`).
    pub fn touch(&self) -> Result<()> {
        let lib = self.dir.join("src/lib.rs");
        std::fs::File::options()
            .write(true)
            .open(&lib)
            .and_then(|file| file.set_modified(SystemTime::now()))
            .with_context(|| format!("touching {}", lib.display()))
    }

    /// `cargo <build --release | check> --target wasm32-wasip2 --offline`
    /// into `target`; the time it took.
    pub fn cargo(&self, subcommand: Build, target: &Path) -> Result<Duration> {
        let mut command = cargo_for_wasm();
        command.current_dir(&self.dir).arg(subcommand.name());
        if subcommand == Build::Release {
            command.arg("--release");
        }
        // Cargo's defaults, which users get (local crates incremental in
        // the dev profile, dependencies from crates.io not; debug info),
        // also where the environment changes them (CI does, to save disk):
        // the re-check after a touch measures incremental compilation.
        for setting in [
            "CARGO_INCREMENTAL",
            "CARGO_PROFILE_DEV_DEBUG",
            "CARGO_PROFILE_RELEASE_DEBUG",
        ] {
            command.env_remove(setting);
        }
        command
            .args(["--offline", "--target", crate::WASM_TARGET, "--target-dir"])
            .arg(target);
        run_timed(&mut command).with_context(|| format!("building {}", self.name))
    }
}

/// The crates (`name vX.Y.Z`) of the normal dependency graph of
/// `generator`'s proc macro, the macro itself included: `witbind-macro` in
/// this workspace, `wit-bindgen-rust-macro` in the guests' (the version
/// their `Cargo.lock` pins), as `cargo tree` lists them.
pub fn macro_dependencies(generator: Generator) -> Result<BTreeSet<String>> {
    let (manifest, package) = match generator {
        Generator::Witbind => (repo_root().join("Cargo.toml"), "witbind-macro"),
        Generator::WitBindgen => (
            repo_root().join("tests/guests/Cargo.toml"),
            "wit-bindgen-rust-macro",
        ),
    };
    let stdout = stdout_of(
        cargo()
            .args([
                "tree",
                "--edges",
                "normal",
                "--prefix",
                "none",
                "--manifest-path",
            ])
            .arg(&manifest)
            .args(["--package", package]),
    )?;
    let crates: BTreeSet<String> = String::from_utf8_lossy(&stdout)
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some(format!("{} {}", words.next()?, words.next()?))
        })
        .collect();
    if !crates
        .iter()
        .any(|krate| krate.starts_with(&format!("{package} ")))
    {
        bail!("`cargo tree --package {package}` did not list {package}");
    }
    Ok(crates)
}

/// What [`GuestCrate::cargo`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// `cargo build --release`.
    Release,
    /// `cargo check` (dev profile).
    Check,
}

impl Build {
    fn name(self) -> &'static str {
        match self {
            Build::Release => "build",
            Build::Check => "check",
        }
    }
}

/// Writes `contents` to `path` unless it holds them already (so that an
/// unchanged file keeps its modification time).
pub fn write_if_changed(path: &Path, contents: &str) -> Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|current| current == contents) {
        return Ok(());
    }
    std::fs::write(path, contents).with_context(|| format!("writing {}", path.display()))
}

/// Removes `dir` and everything in it, if it exists.
pub fn remove_dir(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("removing {}", dir.display())),
    }
}
