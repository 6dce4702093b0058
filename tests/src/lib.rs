//! Shared helpers of witbind's integration tests: where things are (the repo,
//! the WASI 0.2 WIT, the fixtures), which worlds are snapshotted, building
//! the guest components in `tests/guests/`, and running them in wasmtime.
//!
//! Everything that locates or builds something is computed once per test
//! process and cached.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use anyhow::{anyhow, bail, Context};

/// The repository root (the main workspace's directory).
pub fn repo_root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("tests/ has a parent directory")
            .to_path_buf()
    })
}

/// The cargo that runs the tests (so nested builds use the same toolchain).
pub fn cargo() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    // Every nested build names its own target directory.
    command.env_remove("CARGO_TARGET_DIR");
    command.env_remove("CARGO_BUILD_TARGET");
    command.current_dir(repo_root());
    command
}

/// [`cargo`], for a command that builds for `wasm32-wasip2`: makes sure
/// the target is installed first (see [`ensure_wasm32_wasip2`]).
pub fn cargo_for_wasm() -> Command {
    if let Err(e) = ensure_wasm32_wasip2() {
        panic!("{e:#}");
    }
    cargo()
}

/// The compilation target of the guests.
pub const WASM_TARGET: &str = "wasm32-wasip2";

/// Installs the `wasm32-wasip2` target for the toolchain running the tests
/// when it is missing (once per test process), so that `cargo test` works
/// on a machine that has only the toolchain. The target is found in the
/// toolchain's sysroot; it is added with `rustup target add`, for the same
/// toolchain (rustup's proxies pass it down in `RUSTUP_TOOLCHAIN`).
pub fn ensure_wasm32_wasip2() -> anyhow::Result<()> {
    static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
    INSTALLED
        .get_or_init(|| install_wasm_target().map_err(|e| format!("{e:#}")))
        .clone()
        .map_err(|e| anyhow!(e))
}

fn install_wasm_target() -> anyhow::Result<()> {
    if wasm_target_installed()? {
        return Ok(());
    }
    eprintln!("witbind tests: the `{WASM_TARGET}` target is missing; running `rustup target add {WASM_TARGET}`");
    let status = Command::new("rustup")
        .args(["target", "add", WASM_TARGET])
        .status();
    match status {
        Ok(status) if status.success() && wasm_target_installed()? => Ok(()),
        Ok(status) => bail!(
            "`rustup target add {WASM_TARGET}` failed ({status}); the tests build guest \
             components for {WASM_TARGET}: install the target for this toolchain and re-run"
        ),
        Err(e) => bail!(
            "the `{WASM_TARGET}` target is not installed and `rustup` could not be run ({e}); \
             the tests build guest components for {WASM_TARGET}: install the target for this \
             toolchain (with rustup: `rustup target add {WASM_TARGET}`) and re-run"
        ),
    }
}

/// Runs `command` to completion: its standard output, or an error naming
/// the command with its standard error if it could not run or failed.
pub fn stdout_of(command: &mut Command) -> anyhow::Result<Vec<u8>> {
    let output = command
        .output()
        .with_context(|| format!("running {command:?}"))?;
    if !output.status.success() {
        bail!(
            "{command:?} failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(output.stdout)
}

/// Whether the sysroot of the toolchain's `rustc` has the target's library.
fn wasm_target_installed() -> anyhow::Result<bool> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let stdout = stdout_of(Command::new(&rustc).args(["--print", "sysroot"]))?;
    let sysroot = String::from_utf8(stdout).context("the sysroot path is not UTF-8")?;
    let lib = Path::new(sysroot.trim())
        .join("lib/rustlib")
        .join(WASM_TARGET)
        .join("lib");
    Ok(lib.is_dir())
}

/// The `wit/` folder of the `wasip2` crate (a dev-dependency of this crate):
/// WASI 0.2 WIT, root package `rust:wasi` without worlds, the WASI packages
/// in `deps/`. Found through `cargo metadata`, since that WIT is not
/// committed to this repository.
pub fn wasip2_wit_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| dependency_wit_dir("wasip2"))
}

/// The `wit/` folder of the `wasip3` crate 0.10 (WASI 0.3.2, the newest):
/// the WASI 0.3 worlds whose bindings are snapshotted and compiled.
pub fn wasip3_wit_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| dependency_wit_dir("wasip3"))
}

/// The `wit/` folder of the `wasip3` crate 0.7 (WASI 0.3.0, renamed
/// `wasip3-host` in `Cargo.toml`): the WASI 0.3 that wasmtime 48's `p3`
/// host implements, for guests that run.
pub fn wasip3_host_wit_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| dependency_wit_dir("wasip3_host"))
}

/// The `wit/` folder of golem-rust 3.0.2 (a dependency of
/// `tests/golem-wit`, a manifest that is never built): the large worlds of
/// the perf benchmark's golem section. Its packages are downloaded on first
/// use.
pub fn golem_wit_dir() -> anyhow::Result<PathBuf> {
    find_dependency_wit_dir(
        &repo_root().join("tests/golem-wit/Cargo.toml"),
        "golem-wit",
        "golem_rust",
    )
}

fn dependency_wit_dir(dependency: &str) -> PathBuf {
    find_dependency_wit_dir(&repo_root().join("Cargo.toml"), "witbind-tests", dependency)
        .unwrap_or_else(|e| {
            panic!("cannot locate the WASI WIT of the `{dependency}` dependency: {e:#}")
        })
}

/// `<crate>/wit` of the dependency of package `package` (in `manifest`'s
/// workspace) named `dependency` (as `cargo metadata` names it: renamed,
/// `-` as `_`).
fn find_dependency_wit_dir(
    manifest: &Path,
    package: &str,
    dependency: &str,
) -> anyhow::Result<PathBuf> {
    let stdout = stdout_of(
        cargo()
            .args(["metadata", "--format-version", "1", "--manifest-path"])
            .arg(manifest),
    )?;
    let metadata: serde_json::Value =
        serde_json::from_slice(&stdout).context("parsing `cargo metadata` output")?;
    // Several versions may be in the graph; take the one this crate depends
    // on under that name.
    let nodes = metadata["resolve"]["nodes"]
        .as_array()
        .ok_or_else(|| anyhow!("`cargo metadata` printed no resolve graph"))?;
    let id = nodes
        .iter()
        .filter(|node| is_package(&metadata, &node["id"], package))
        .flat_map(|node| node["deps"].as_array().into_iter().flatten())
        .find(|dep| dep["name"] == dependency)
        .map(|dep| &dep["pkg"])
        .ok_or_else(|| anyhow!("{package} does not depend on `{dependency}`"))?;
    let manifest = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|package| package["id"] == *id)
        .and_then(|package| package["manifest_path"].as_str())
        .ok_or_else(|| anyhow!("no manifest path for {id}"))?;
    let dir = Path::new(manifest)
        .parent()
        .ok_or_else(|| anyhow!("manifest path {manifest} has no parent"))?
        .join("wit");
    if !dir.join("deps").is_dir() {
        bail!("{} has no `deps/` folder", dir.display());
    }
    Ok(dir)
}

fn is_package(metadata: &serde_json::Value, id: &serde_json::Value, name: &str) -> bool {
    metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|package| package["id"] == *id && package["name"] == name)
}

/// One world whose generated bindings are snapshotted in
/// `codegen-snapshots/<name>.rs`.
#[derive(Debug, Clone)]
pub struct SnapshotCase {
    /// The snapshot's file stem: `example`, `fixture-<name>`, `wasi-cli-imports`.
    pub name: String,
    /// The WIT paths to load (as given to `witbind bindgen`).
    pub wit: PathBuf,
    /// The world to select; `None` when the input package has exactly one.
    pub world: Option<String>,
    /// Further `witbind bindgen` arguments (options), from a fixture's
    /// `// witbind-args: ...` line.
    pub args: Vec<String>,
}

impl SnapshotCase {
    /// `codegen-snapshots/<name>.rs`.
    pub fn snapshot_path(&self) -> PathBuf {
        snapshots_dir().join(format!("{}.rs", self.name))
    }

    /// The WIT path as the snapshot's header shows it: relative to the
    /// repository, or `<crate>/wit` for a crate's WIT (which is somewhere
    /// in cargo's registry, a different place on every machine).
    pub fn shown_wit(&self) -> String {
        if let Ok(relative) = self.wit.strip_prefix(repo_root()) {
            return relative.display().to_string();
        }
        let crate_dir = self.wit.parent().and_then(|dir| dir.file_name());
        match crate_dir {
            Some(name) => format!("<{}>/wit", name.to_string_lossy()),
            None => self.wit.display().to_string(),
        }
    }

    /// The equivalent CLI invocation, for messages.
    pub fn command_line(&self) -> String {
        let wit = self.wit.strip_prefix(repo_root()).unwrap_or(&self.wit);
        let mut command = format!("witbind bindgen {}", wit.display());
        if let Some(world) = &self.world {
            command.push_str(&format!(" --world {world}"));
        }
        for arg in &self.args {
            command.push(' ');
            command.push_str(arg);
        }
        command
    }
}

/// The folder of committed snapshots, itself a crate compiled by the tests.
pub fn snapshots_dir() -> PathBuf {
    repo_root().join("codegen-snapshots")
}

/// The WIT fixtures: `wit/example.wit` (snapshot `example`) and every
/// `wit/fixtures/<name>.wit` file or `wit/fixtures/<name>/` directory
/// (snapshot `fixture-<name>`), sorted. Each holds exactly one world.
pub fn fixtures() -> Vec<SnapshotCase> {
    let mut cases = Vec::new();
    let example = repo_root().join("wit/example.wit");
    if example.is_file() {
        cases.push(SnapshotCase {
            name: "example".to_string(),
            wit: example,
            world: None,
            args: Vec::new(),
        });
    }
    let dir = repo_root().join("wit/fixtures");
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .map(|entry| entry.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => panic!("reading {}: {e}", dir.display()),
    };
    entries.sort();
    for path in entries {
        let stem = if path.is_dir() {
            path.file_name()
        } else if path.extension().is_some_and(|ext| ext == "wit") {
            path.file_stem()
        } else {
            None
        };
        if let Some(stem) = stem.and_then(|s| s.to_str()) {
            cases.push(SnapshotCase {
                name: format!("fixture-{stem}"),
                args: fixture_args(&path),
                wit: path.clone(),
                world: None,
            });
        }
    }
    cases
}

/// The options a fixture is generated with: the words of its
/// `// witbind-args: ...` line (a `.wit` file, or a folder's `.wit` file
/// holding it), if any.
fn fixture_args(path: &Path) -> Vec<String> {
    let files: Vec<PathBuf> = if path.is_dir() {
        std::fs::read_dir(path)
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default()
    } else {
        vec![path.to_path_buf()]
    };
    files
        .iter()
        .filter(|file| file.extension().is_some_and(|ext| ext == "wit"))
        .filter_map(|file| std::fs::read_to_string(file).ok())
        .flat_map(|text| {
            text.lines()
                .filter_map(|line| line.strip_prefix("// witbind-args:"))
                .flat_map(|args| {
                    args.split_whitespace()
                        .map(String::from)
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The WASI 0.2 worlds whose bindings are snapshotted and compiled by the
/// guests (`tests/guests/macro-wasi-worlds`): every world of the `wasip2`
/// crate's WIT (`every_wasi_world_is_snapshotted` checks the list).
pub const WASI_WORLDS: &[&str] = &[
    "wasi:cli/imports",
    "wasi:http/imports",
    "wasi:filesystem/imports",
    "wasi:sockets/imports",
    "wasi:random/imports",
    "wasi:clocks/imports",
    "wasi:io/imports",
    "wasi:cli/command",
    "wasi:http/proxy",
];

/// The WASI 0.3 worlds whose bindings are snapshotted and compiled: every
/// world of the `wasip3` crate's WIT.
pub const WASIP3_WORLDS: &[&str] = &[
    "wasi:cli/imports",
    "wasi:cli/command",
    "wasi:clocks/imports",
    "wasi:filesystem/imports",
    "wasi:sockets/imports",
    "wasi:random/imports",
    "wasi:http/service",
    "wasi:http/middleware",
];

/// Snapshot cases of [`WASI_WORLDS`] (loaded from [`wasip2_wit_dir`],
/// `wasi:cli/imports` becomes `wasi-cli-imports`) and [`WASIP3_WORLDS`]
/// (from [`wasip3_wit_dir`], `wasip3-cli-imports`).
pub fn wasi_worlds() -> Vec<SnapshotCase> {
    let p2 = WASI_WORLDS.iter().map(|world| SnapshotCase {
        name: world.replace([':', '/'], "-"),
        wit: wasip2_wit_dir().to_path_buf(),
        world: Some(world.to_string()),
        args: Vec::new(),
    });
    let p3 = WASIP3_WORLDS.iter().map(|world| SnapshotCase {
        name: format!(
            "wasip3-{}",
            world.trim_start_matches("wasi:").replace('/', "-")
        ),
        wit: wasip3_wit_dir().to_path_buf(),
        world: Some(world.to_string()),
        args: Vec::new(),
    });
    p2.chain(p3).collect()
}

/// Every world (`namespace:package/world`) of the packages in `dir`.
pub fn worlds_in(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut resolve = witbind_codegen::wit_parser::Resolve::default();
    resolve
        .push_path(dir)
        .with_context(|| format!("loading {}", dir.display()))?;
    let mut worlds: Vec<String> = resolve
        .worlds
        .iter()
        .filter_map(|(_, world)| {
            let package = &resolve.packages[world.package?].name;
            Some(format!(
                "{}:{}/{}",
                package.namespace, package.name, world.name
            ))
        })
        .collect();
    worlds.sort();
    Ok(worlds)
}

/// Every snapshotted world: [`fixtures`] then [`wasi_worlds`].
pub fn snapshot_cases() -> Vec<SnapshotCase> {
    let mut cases = fixtures();
    cases.extend(wasi_worlds());
    cases
}

/// The guest components of `tests/guests/`, built for `wasm32-wasip2`.
#[derive(Debug)]
pub struct Guests {
    wasm: BTreeMap<String, PathBuf>,
    failure: Option<String>,
}

impl Guests {
    /// The component built from the guest binary `name`. Panics, showing
    /// cargo's errors, when it was not built.
    pub fn wasm(&self, name: &str) -> &Path {
        match self.wasm.get(name) {
            Some(path) => path,
            None => match &self.failure {
                Some(failure) => panic!("guest `{name}` did not build:\n{failure}"),
                None => panic!(
                    "no guest binary named `{name}`; built: {:?}",
                    self.wasm.keys().collect::<Vec<_>>()
                ),
            },
        }
    }

    /// Panics, showing cargo's errors, unless every guest crate built.
    pub fn assert_all_built(&self) {
        if let Some(failure) = &self.failure {
            panic!("the guests did not all build:\n{failure}");
        }
    }
}

/// The guest workspace, `tests/guests/`.
pub fn guests_dir() -> PathBuf {
    repo_root().join("tests/guests")
}

/// Builds every crate of `tests/guests/` (once per test process) with
/// `cargo build --target wasm32-wasip2 --keep-going` into `target/guests`,
/// after pointing the `tests/guests/.wasi-wit` symlink at
/// [`wasip2_wit_dir`]. Guests that built are usable even when others failed;
/// [`Guests::wasm`] reports the failure for the rest.
pub fn build_guests() -> &'static Guests {
    static GUESTS: OnceLock<Guests> = OnceLock::new();
    GUESTS.get_or_init(|| match try_build_guests() {
        Ok(guests) => guests,
        Err(e) => panic!("building the guests failed: {e:#}"),
    })
}

/// Guests that must not link std. Cargo unifies the features of a
/// dependency across the packages of one build, and the others enable
/// `witbind`'s default `std` feature, so these are built on their own.
const NO_STD_GUESTS: &[&str] = &["roundtrip-nostd"];

fn try_build_guests() -> anyhow::Result<Guests> {
    link_wasi_wit()?;
    ensure_wasm32_wasip2()?;
    let mut all = vec!["--workspace".to_string()];
    all.extend(
        NO_STD_GUESTS
            .iter()
            .map(|guest| format!("--exclude={guest}")),
    );
    let mut builds = vec![all];
    builds.extend(
        NO_STD_GUESTS
            .iter()
            .map(|guest| vec![format!("--package={guest}")]),
    );
    build_workspace(&guests_dir(), "guests", &builds)
}

/// The guest components of `tests/sdk/` (crates built on code that
/// wit-bindgen generated, with `wit-bindgen` swapped for witbind), built
/// like [`build_guests`] into `target/sdk`.
pub fn build_sdk_guests() -> &'static Guests {
    static GUESTS: OnceLock<Guests> = OnceLock::new();
    GUESTS.get_or_init(|| {
        let built = link_wasi_wit().and_then(|()| {
            ensure_wasm32_wasip2()?;
            build_workspace(
                &repo_root().join("tests/sdk"),
                "sdk",
                &[vec!["--workspace".to_string()]],
            )
        });
        match built {
            Ok(guests) => guests,
            Err(e) => panic!("building the sdk guests failed: {e:#}"),
        }
    })
}

/// Builds the guest workspace `dir` for `wasm32-wasip2` into
/// `target/<target_dir>`, once per set of `builds` (cargo's package
/// selection arguments), keeping what built.
fn build_workspace(dir: &Path, target_dir: &str, builds: &[Vec<String>]) -> anyhow::Result<Guests> {
    let mut wasm = BTreeMap::new();
    let mut failures = Vec::new();
    for packages in builds {
        let output = cargo()
            .args(["build", "--keep-going"])
            .args(packages)
            .args([
                "--target",
                "wasm32-wasip2",
                "--message-format",
                "json-render-diagnostics",
            ])
            .arg("--manifest-path")
            .arg(dir.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(repo_root().join("target").join(target_dir))
            .output()
            .context("running cargo to build the guests")?;
        for line in output.stdout.lines() {
            let line = line?;
            let Ok(message) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if message["reason"] != "compiler-artifact" {
                continue;
            }
            let name = message["target"]["name"].as_str().unwrap_or_default();
            let files = message["filenames"].as_array().into_iter().flatten();
            for file in files.filter_map(|f| f.as_str()) {
                if file.ends_with(".wasm") {
                    wasm.insert(name.to_string(), PathBuf::from(file));
                }
            }
        }
        if !output.status.success() {
            let relative = dir.strip_prefix(repo_root()).unwrap_or(dir);
            failures.push(format!(
                "building {} for wasm32-wasip2 failed; reproduce with\n    \
                 cd {} && cargo build {} --target wasm32-wasip2 --target-dir ../../target/{target_dir}\n\
                 (`tests/guests/.wasi-wit` and `.wasi-p3-wit` now link to the WASI WIT)\n\n{}",
                relative.display(),
                relative.display(),
                packages.join(" "),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    let failure = (!failures.is_empty()).then(|| failures.join("\n\n"));
    Ok(Guests { wasm, failure })
}

/// Points `tests/guests/.wasi-wit` (gitignored) at the `wasip2` crate's
/// WIT, `.wasip3-wit` at the newest `wasip3` crate's and `.wasi-p3-wit` at
/// the WASI 0.3 WIT wasmtime serves, where the guests' `generate!` calls
/// find them.
fn link_wasi_wit() -> anyhow::Result<()> {
    link_dir(wasip2_wit_dir(), &guests_dir().join(".wasi-wit"))?;
    link_dir(wasip3_wit_dir(), &guests_dir().join(".wasip3-wit"))?;
    link_dir(wasip3_host_wit_dir(), &guests_dir().join(".wasi-p3-wit"))
}

fn link_dir(target: &Path, link: &Path) -> anyhow::Result<()> {
    if std::fs::read_link(link).is_ok_and(|current| current == target) {
        return Ok(());
    }
    match std::fs::remove_file(link) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).context(format!("removing {}", link.display())),
    }
    symlink_dir(target, link)
        .with_context(|| format!("linking {} to {}", link.display(), target.display()))
}

#[cfg(unix)]
fn symlink_dir(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(windows)]
fn symlink_dir(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::windows::fs::symlink_dir(target, link)
}

pub mod async_host;
pub mod cli;
pub mod compat;
pub mod component_type;
pub mod http;
pub mod perf;
pub mod rng;
pub mod run;
pub mod semantics_host;
pub mod weak_archive;
pub use rng::Rng;
pub use run::{
    component_exports, component_imports, decode_component, run_command, run_p3_command, Guest,
    HeapBalance, Host, Output, Run,
};

/// A unified diff of two texts, headed `old` and `new`, cut after
/// `max_lines` lines (saying how many more there were).
pub fn line_diff(old: &str, new: &str, headers: (&str, &str), max_lines: usize) -> String {
    let diff = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(headers.0, headers.1)
        .to_string();
    let lines: Vec<&str> = diff.lines().collect();
    if lines.len() <= max_lines {
        return diff;
    }
    format!(
        "{}\n... ({} more diff lines)",
        lines[..max_lines].join("\n"),
        lines.len() - max_lines
    )
}
