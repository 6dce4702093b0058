//! Property tests: for random valid WIT (from `wit-smith`), generation never
//! panics, every world it accepts yields code that parses as Rust and
//! formats, and a sample of them type-checks (and passes clippy) for
//! `wasm32-wasip2` under `#![deny(warnings)]`. No valid world is
//! rejected: witbind binds the whole component model.
//!
//! Two suites, each from a fixed seed so failures reproduce:
//!
//! - **sync**: wit-smith's default configuration (WASI 0.2 features); its
//!   sample is checked with `witbind` built without the `async` feature.
//! - **async**: the Component Model async features on as well (`async`
//!   functions, `future`, `stream`, `error-context`, fixed-length lists);
//!   at least [`ASYNC_MIN_WORLDS`] worlds, and a sample checked with
//!   `witbind`'s `async` feature. (wit-smith 0.262 has no option for `map`
//!   types, so maps are not covered here.)
//!
//! Reproducing a failure: every failing case's WIT (all packages in one
//! file) is written to `<target-dir>/smith-failures/`, with the command that
//! regenerates it with the CLI (`--all-features`: wit-smith emits
//! `@unstable` items, which the test's decoded packages keep).
//! `WITBIND_SMITH_DUMP=<dir>` writes every case:
//! `<suite>-case<N>.wit`, and per world `<suite>-case<N>-<world>.rs` (the
//! generated bindings) or `.err` (the rejection). The type-check crates are
//! `<target-dir>/smith-check-<suite>/`, with the sampled WIT in their
//! `wit/` folder; a module `src/case<N>_<world>.rs` comes from
//! `wit/case<N>.wit`.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use arbitrary::Unstructured;
use witbind_codegen::wit_parser::{
    Function, Resolve, Type, TypeDefKind, TypeId, WorldId, WorldItem,
};
use witbind_codegen::{format_file, generate, Opts};

/// Fewest async-suite worlds the generation test must cover.
const ASYNC_MIN_WORLDS: usize = 500;

/// A family of random WIT documents: a wit-smith configuration, a seed and
/// how many documents to attempt.
struct Suite {
    name: &'static str,
    seed: u64,
    /// Attempts fed to wit-smith (some are refused by it).
    attempts: usize,
    /// Random bytes per attempt.
    input_bytes: usize,
    /// Attempts whose worlds form the type-check sample (a prefix).
    check_attempts: usize,
    /// Most worlds in the type-check sample.
    check_max_worlds: usize,
    /// Which worlds the sample takes (the first that qualify).
    check_filter: fn(&Uses) -> bool,
    /// Build the sample against `witbind`'s `async` feature.
    async_feature: bool,
    config: fn() -> wit_smith::Config,
}

const SYNC: Suite = Suite {
    name: "sync",
    seed: 0x5eed_1234_abcd_ef01,
    attempts: 150,
    input_bytes: 4096,
    check_attempts: 60,
    check_max_worlds: usize::MAX,
    check_filter: |_| true,
    async_feature: false,
    config: wit_smith::Config::default,
};

const ASYNC: Suite = Suite {
    name: "async",
    seed: 0xa5f0_c0de_7e57_0002,
    attempts: 5000,
    input_bytes: 16384,
    check_attempts: usize::MAX,
    check_max_worlds: 200,
    check_filter: Uses::any_async,
    async_feature: true,
    config: async_config,
};

fn async_config() -> wit_smith::Config {
    wit_smith::Config {
        async_: true,
        futures: true,
        streams: true,
        error_context: true,
        fixed_length_lists: true,
        ..wit_smith::Config::default()
    }
}

/// One random WIT document: the attempt it came from and its packages.
struct Case {
    number: usize,
    resolve: Resolve,
}

/// A small deterministic generator, so failures reproduce.
struct XorShift(u64);

impl XorShift {
    fn fill(&mut self, buf: &mut [u8]) {
        for byte in buf {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            *byte = self.0 as u8;
        }
    }
}

/// The suite's random WIT documents, decoded (once per test process). Case
/// numbers are attempt numbers: attempts wit-smith refuses leave gaps.
fn cases(suite: &'static Suite) -> &'static [Case] {
    static SYNC_CASES: OnceLock<Vec<Case>> = OnceLock::new();
    static ASYNC_CASES: OnceLock<Vec<Case>> = OnceLock::new();
    let cell = match suite.name {
        "sync" => &SYNC_CASES,
        "async" => &ASYNC_CASES,
        other => unreachable!("no cache for suite {other}"),
    };
    cell.get_or_init(|| {
        let config = (suite.config)();
        let mut rng = XorShift(suite.seed);
        let mut cases = Vec::new();
        for number in 0..suite.attempts {
            let mut bytes = vec![0u8; suite.input_bytes];
            rng.fill(&mut bytes);
            let smith = quietly(|| wit_smith::smith(&config, &mut Unstructured::new(&bytes)));
            let wasm = match smith {
                Ok(Ok(wasm)) => wasm,
                Ok(Err(_)) => continue,
                // A wit-smith bug, not ours: leave the attempt out.
                Err(panic) => {
                    eprintln!(
                        "{} case {number}: wit-smith panicked ({panic}); skipped",
                        suite.name
                    );
                    continue;
                }
            };
            let decoded = wit_component::decode(&wasm).unwrap_or_else(|e| {
                panic!(
                    "{} case {number}: wit-smith output does not decode: {e:#}",
                    suite.name
                )
            });
            let resolve = match decoded {
                wit_component::DecodedWasm::WitPackage(resolve, _) => resolve,
                wit_component::DecodedWasm::Component(resolve, _) => resolve,
            };
            cases.push(Case { number, resolve });
        }
        cases
    })
}

/// The target directory of this test binary (`<target>/debug/deps/smith-*`),
/// so that separate target directories do not share scratch crates.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    exe.ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| witbind_tests::repo_root().join("target"))
}

/// All packages of `resolve` as one WIT file (the last package main, the
/// others nested), loadable by `witbind bindgen`.
fn wit_text(resolve: &Resolve) -> String {
    let ids: Vec<_> = resolve.packages.iter().map(|(id, _)| id).collect();
    let (main, nested) = ids.split_last().expect("at least one package");
    let mut printer = wit_component::WitPrinter::default();
    printer
        .print(resolve, *main, nested)
        .expect("print the WIT of a case");
    printer.output.to_string()
}

/// `namespace:package/world[@version]`, as `--world` takes it.
fn world_spec(resolve: &Resolve, world: WorldId) -> String {
    let world = &resolve.worlds[world];
    let package = world.package.expect("worlds belong to packages");
    let name = &resolve.packages[package].name;
    let mut spec = format!("{}:{}/{}", name.namespace, name.name, world.name);
    if let Some(version) = &name.version {
        write!(spec, "@{version}").unwrap();
    }
    spec
}

/// A file-name-friendly world name.
fn world_file_name(resolve: &Resolve, world: WorldId) -> String {
    format!(
        "{}_{}",
        world.index(),
        resolve.worlds[world].name.replace('-', "_")
    )
}

/// Writes a failing case's WIT under `<target>/smith-failures/` and returns
/// how to reproduce it.
fn record_failure(suite: &Suite, case: &Case, world: WorldId) -> String {
    let dir = target_dir().join("smith-failures");
    std::fs::create_dir_all(&dir).expect("create smith-failures");
    let path = dir.join(format!("{}-case{}.wit", suite.name, case.number));
    std::fs::write(&path, wit_text(&case.resolve)).expect("write failing WIT");
    format!(
        "reproduce: cargo run -p witbind-cli -- bindgen --all-features {} --world {}",
        path.display(),
        world_spec(&case.resolve, world)
    )
}

/// The `WITBIND_SMITH_DUMP` directory, if set.
fn dump_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("WITBIND_SMITH_DUMP")?);
    std::fs::create_dir_all(&dir).expect("create WITBIND_SMITH_DUMP directory");
    Some(dir)
}

/// Which Component Model features a world uses.
#[derive(Default)]
struct Uses {
    async_funcs: bool,
    futures: bool,
    streams: bool,
    error_contexts: bool,
    fixed_length_lists: bool,
    maps: bool,
}

impl Uses {
    /// Whether any Component Model async feature is used.
    fn any_async(&self) -> bool {
        self.async_funcs
            || self.futures
            || self.streams
            || self.error_contexts
            || self.fixed_length_lists
            || self.maps
    }

    fn of_world(resolve: &Resolve, world: WorldId) -> Uses {
        let mut walk = UsesWalk {
            resolve,
            seen: HashSet::new(),
            uses: Uses::default(),
        };
        let world = &resolve.worlds[world];
        for item in world.imports.values().chain(world.exports.values()) {
            match item {
                WorldItem::Function(func) => walk.function(func),
                WorldItem::Interface { id, .. } => {
                    let iface = &resolve.interfaces[*id];
                    for func in iface.functions.values() {
                        walk.function(func);
                    }
                    for ty in iface.types.values() {
                        walk.typedef(*ty);
                    }
                }
                WorldItem::Type { id, .. } => walk.typedef(*id),
            }
        }
        walk.uses
    }
}

struct UsesWalk<'a> {
    resolve: &'a Resolve,
    seen: HashSet<TypeId>,
    uses: Uses,
}

impl UsesWalk<'_> {
    fn function(&mut self, func: &Function) {
        self.uses.async_funcs |= func.kind.is_async();
        for ty in func.params.iter().map(|p| &p.ty).chain(&func.result) {
            self.ty(ty);
        }
    }

    fn ty(&mut self, ty: &Type) {
        match ty {
            Type::Id(id) => self.typedef(*id),
            Type::ErrorContext => self.uses.error_contexts = true,
            _ => {}
        }
    }

    fn typedef(&mut self, id: TypeId) {
        if !self.seen.insert(id) {
            return;
        }
        let children: Vec<Type> = match &self.resolve.types[id].kind {
            TypeDefKind::Record(r) => r.fields.iter().map(|f| f.ty).collect(),
            TypeDefKind::Tuple(t) => t.types.clone(),
            TypeDefKind::Variant(v) => v.cases.iter().filter_map(|c| c.ty).collect(),
            TypeDefKind::Option(t) | TypeDefKind::List(t) | TypeDefKind::Type(t) => vec![*t],
            TypeDefKind::Result(r) => r.ok.iter().chain(&r.err).copied().collect(),
            TypeDefKind::Map(k, v) => {
                self.uses.maps = true;
                vec![*k, *v]
            }
            TypeDefKind::FixedLengthList(t, _) => {
                self.uses.fixed_length_lists = true;
                vec![*t]
            }
            TypeDefKind::Future(t) => {
                self.uses.futures = true;
                t.iter().copied().collect()
            }
            TypeDefKind::Stream(t) => {
                self.uses.streams = true;
                t.iter().copied().collect()
            }
            TypeDefKind::Handle(_)
            | TypeDefKind::Resource
            | TypeDefKind::Flags(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Unknown => Vec::new(),
        };
        for child in &children {
            self.ty(child);
        }
    }
}

/// How many worlds used each feature.
#[derive(Default, Debug)]
struct Coverage {
    async_funcs: usize,
    futures: usize,
    streams: usize,
    error_contexts: usize,
    fixed_length_lists: usize,
    maps: usize,
}

impl Coverage {
    fn add(&mut self, uses: &Uses) {
        self.async_funcs += usize::from(uses.async_funcs);
        self.futures += usize::from(uses.futures);
        self.streams += usize::from(uses.streams);
        self.error_contexts += usize::from(uses.error_contexts);
        self.fixed_length_lists += usize::from(uses.fixed_length_lists);
        self.maps += usize::from(uses.maps);
    }
}

thread_local! {
    /// Set while [`quietly`] runs generation on this thread.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The message and location of the last panic [`quietly`] caught.
    static LAST_PANIC: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Runs `f`, turning a panic into `Err("message at file:line:col")` without
/// printing it (hundreds of backtraces would bury the summary); panics of
/// other code still reach the default hook.
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: OnceLock<()> = OnceLock::new();
    HOOK.get_or_init(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.get() {
                let message = info
                    .payload()
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| info.payload().downcast_ref::<&str>().copied())
                    .unwrap_or("(non-string panic)");
                let location = info
                    .location()
                    .map(|l| format!(" at {}:{}:{}", l.file(), l.line(), l.column()))
                    .unwrap_or_default();
                LAST_PANIC.set(format!("{message}{location}"));
            } else {
                default(info);
            }
        }));
    });
    QUIET.set(true);
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.set(false);
    result.map_err(|_| LAST_PANIC.take())
}

/// Generation over every world of the suite: no panic, and output that
/// parses and formats, or a "not supported" rejection. Returns the
/// generated and rejected counts and the coverage; panics listing every
/// failure.
fn generation_property(suite: &'static Suite) -> (usize, usize, Coverage) {
    let dump = dump_dir();
    // Failures recorded by an earlier run must not be taken for this one's.
    if let Ok(entries) = std::fs::read_dir(target_dir().join("smith-failures")) {
        let prefix = format!("{}-case", suite.name);
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    let (mut worlds, mut generated, mut rejected) = (0, 0, 0);
    let mut coverage = Coverage::default();
    let mut failures = Vec::new();
    for case in cases(suite) {
        let resolve = &case.resolve;
        if let Some(dir) = &dump {
            let path = dir.join(format!("{}-case{}.wit", suite.name, case.number));
            std::fs::write(path, wit_text(resolve)).expect("dump WIT");
        }
        for (world, _) in resolve.worlds.iter() {
            worlds += 1;
            let label = format!(
                "{} case {}, world {}",
                suite.name,
                case.number,
                world_spec(resolve, world)
            );
            let result = quietly(|| {
                let tokens = generate(resolve, world, &Opts::default())?;
                Ok::<_, witbind_codegen::Error>(format_file(resolve, world, &tokens))
            });
            let dump_file = |ext: &str, text: &str| {
                if let Some(dir) = &dump {
                    let name = format!(
                        "{}-case{}-{}.{ext}",
                        suite.name,
                        case.number,
                        world_file_name(resolve, world)
                    );
                    std::fs::write(dir.join(name), text).expect("dump");
                }
            };
            let failure = match result {
                Err(panic) => Some(format!("generation panicked: {panic}")),
                Ok(Ok(Ok(text))) => {
                    dump_file("rs", &text);
                    coverage.add(&Uses::of_world(resolve, world));
                    generated += 1;
                    (!text.starts_with("// @generated"))
                        .then(|| "output lacks the `// @generated` header".to_string())
                }
                Ok(Ok(Err(error))) => {
                    dump_file("err", &error.to_string());
                    Some(format!("output does not parse: {error}"))
                }
                Ok(Err(error)) => {
                    let message = error.to_string();
                    dump_file("err", &message);
                    rejected += 1;
                    // witbind binds the whole component model: valid WIT
                    // is never rejected.
                    Some(format!("rejected: {message}"))
                }
            };
            if let Some(failure) = failure {
                let reproduce = record_failure(suite, case, world);
                failures.push(format!("{label}: {failure}\n  {reproduce}"));
            }
        }
    }
    eprintln!(
        "{}: {} cases, {worlds} worlds: generated {generated}, rejected {rejected}; \
         {coverage:?}",
        suite.name,
        cases(suite).len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} {} worlds failed:\n{}",
        failures.len(),
        worlds,
        suite.name,
        failures.join("\n")
    );
    (generated, rejected, coverage)
}

#[test]
fn random_wit_generates_valid_rust() {
    let (generated, rejected, _) = generation_property(&SYNC);
    assert!(
        generated > 20,
        "too few worlds generated: {generated} (rejected {rejected})"
    );
}

#[test]
fn random_async_wit_generates_valid_rust() {
    let (generated, rejected, coverage) = generation_property(&ASYNC);
    assert!(
        generated + rejected >= ASYNC_MIN_WORLDS,
        "too few async worlds: {} (raise ASYNC.attempts)",
        generated + rejected
    );
    // The options took effect: each feature is exercised by many worlds.
    let least = [
        coverage.async_funcs,
        coverage.futures,
        coverage.streams,
        coverage.error_contexts,
        coverage.fixed_length_lists,
    ];
    assert!(
        least.iter().all(|&n| n >= 50),
        "async features too rarely generated: {coverage:?}"
    );
}

/// Whether `cargo clippy` is available (else the sample is only checked).
fn clippy_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        witbind_tests::cargo()
            .args(["clippy", "--version"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// The sample type-checks: a crate with one module per sampled world (the
/// first `check_max_worlds` worlds of the first `check_attempts` attempts
/// that pass `check_filter`)
/// is linted with clippy (or checked) for wasm32-wasip2 with
/// `-D warnings`.
fn type_check_property(suite: &'static Suite) {
    let dir = target_dir().join(format!("smith-check-{}", suite.name));
    let src = dir.join("src");
    let wit = dir.join("wit");
    // Modules of an earlier run must not linger.
    for stale in [&src, &wit] {
        if stale.exists() {
            std::fs::remove_dir_all(stale).expect("clear the check crate");
        }
        std::fs::create_dir_all(stale).expect("create the check crate");
    }
    let mut lib = String::from("#![no_std]\n#![deny(warnings)]\nextern crate alloc;\n");
    // Module name -> (WIT file, world), to name the culprits.
    let mut modules = BTreeMap::new();
    let mut coverage = Coverage::default();
    'cases: for case in cases(suite) {
        if case.number >= suite.check_attempts {
            break;
        }
        let resolve = &case.resolve;
        let wit_path = wit.join(format!("case{}.wit", case.number));
        let mut wrote_wit = false;
        for (world, _) in resolve.worlds.iter() {
            if modules.len() >= suite.check_max_worlds {
                break 'cases;
            }
            let uses = Uses::of_world(resolve, world);
            if !(suite.check_filter)(&uses) {
                continue;
            }
            // Failures here are the generation test's to report.
            let Ok(Ok(tokens)) = quietly(|| generate(resolve, world, &Opts::default())) else {
                continue;
            };
            let Ok(text) = format_file(resolve, world, &tokens) else {
                continue;
            };
            if !wrote_wit {
                std::fs::write(&wit_path, wit_text(resolve)).expect("write sample WIT");
                wrote_wit = true;
            }
            coverage.add(&uses);
            let name = format!("case{}_{}", case.number, world.index());
            std::fs::write(src.join(format!("{name}.rs")), text).expect("write module");
            lib.push_str(&format!("pub mod {name};\n"));
            modules.insert(name, (wit_path.clone(), world_spec(resolve, world)));
        }
    }
    eprintln!(
        "{}: type-checking {} worlds; {coverage:?}",
        suite.name,
        modules.len()
    );
    assert!(
        modules.len() > 10,
        "too few worlds generated: {}",
        modules.len()
    );
    std::fs::write(src.join("lib.rs"), lib).expect("write lib.rs");
    let witbind = witbind_tests::repo_root().join("crates/witbind");
    let features = if suite.async_feature {
        "features = [\"async\"]"
    } else {
        "features = []"
    };
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"smith-check-{}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             [dependencies]\nwitbind = {{ path = {:?}, default-features = false, {features} }}\n\
             [workspace]\n",
            suite.name,
            witbind.display().to_string()
        ),
    )
    .expect("write Cargo.toml");
    // Same dependency versions as the workspace.
    std::fs::copy(
        witbind_tests::repo_root().join("Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .expect("copy Cargo.lock");
    let clippy = clippy_available();
    let mut command: Command = witbind_tests::cargo_for_wasm();
    command
        .arg(if clippy { "clippy" } else { "check" })
        .args(["--quiet", "--target", "wasm32-wasip2", "--manifest-path"])
        .arg(dir.join("Cargo.toml"));
    if clippy {
        command.args(["--", "-D", "warnings"]);
    }
    let output = command.output().expect("run cargo check");
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        return;
    }
    // Name the modules (and so the WIT) the diagnostics point at.
    let culprits: BTreeSet<&str> = stderr
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '/' || c == '.'))
        .filter_map(|word| word.strip_prefix("src/")?.strip_suffix(".rs"))
        .filter(|name| modules.contains_key(*name))
        .collect();
    let mut summary = String::new();
    for name in &culprits {
        let (wit_path, world) = &modules[*name];
        writeln!(
            summary,
            "  {}/src/{name}.rs: cargo run -p witbind-cli -- bindgen --all-features {} --world {world}",
            dir.display(),
            wit_path.display()
        )
        .unwrap();
    }
    // rustc's own errors have codes (`error[E0308]`), clippy's lints do not.
    let verdict = if stderr.contains("error[E") || !clippy {
        "does not type-check"
    } else {
        "type-checks but fails clippy"
    };
    panic!(
        "generated code for random {} WIT {verdict} ({} of {} modules):\n{summary}\n{stderr}",
        suite.name,
        culprits.len(),
        modules.len()
    );
}

/// Generated code type-checks: a crate with one module per random world is
/// checked for wasm32-wasip2.
#[test]
fn random_wit_bindings_type_check() {
    type_check_property(&SYNC);
}

/// The same for worlds using async functions, streams, futures, error
/// contexts and fixed-length lists, against `witbind`'s `async` feature.
#[test]
fn random_async_wit_bindings_type_check() {
    type_check_property(&ASYNC);
}

/// witbind's component-type encoder on every random world of both suites:
/// each decodes to the world that was encoded and to what wit-component's
/// encoder gives (`witbind_tests::component_type`).
#[test]
fn random_worlds_encode_to_their_component_type() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for suite in [&SYNC, &ASYNC] {
        for case in cases(suite) {
            for (world, _) in case.resolve.worlds.iter() {
                checked += 1;
                if let Err(e) = witbind_tests::component_type::check_world(&case.resolve, world) {
                    failures.push(format!("{} case {}: {e:#}", suite.name, case.number));
                }
            }
        }
    }
    assert!(checked > 500, "too few worlds: {checked}");
    assert!(
        failures.is_empty(),
        "{} of {checked} worlds:\n\n{}",
        failures.len(),
        failures[..failures.len().min(5)].join("\n\n")
    );
}
