//! Benchmark: witbind vs wit-bindgen 0.63, side by side in one interleaved
//! run, for `wasi:http/proxy`, `wasi:cli/command` (the `wasip2` crate's WIT)
//! and `witbind-perf:bench/perf` (`wit/perf/perf.wit`):
//!
//! - generation: the CLIs writing a formatted file (`witbind bindgen`, built
//!   in release, vs `wit-bindgen rust --format`, installed into
//!   `target/bench-tools`), the macros' work in-process
//!   (`witbind_codegen::generate` to tokens vs wit-bindgen-rust generating
//!   text and parsing it into tokens, as its macro does), and the lines and
//!   bytes of the formatted files;
//! - sizes of release guests: the benchmark's guests (`tests/guests/perf-*`)
//!   and a minimal guest of each world, raw and without custom sections,
//!   their core modules' code and data, and the code beyond an empty
//!   `cdylib` (what the bindings bring in);
//! - call throughput in wasmtime: host → guest exports and guest → host
//!   imports (called in a loop by the guest's `drive` export) with strings,
//!   bytes, lists of records, lists of variants and resources; and the
//!   guest's wasm instructions per call of each (wasmtime fuel);
//! - guest builds (throwaway crates under `target/perf/`, each built in its
//!   own target folder): clean `cargo build --release` and `cargo check`,
//!   and both again after touching `src/lib.rs`, with `generate!` and with
//!   vendored bindings. The `wasi:http/proxy` world only, unless
//!   `WITBIND_BENCH_ALL_WORLDS=1`.
//!
//! Run with `cargo bench -p witbind-tests --bench perf`: prints a table
//! (figure, witbind, wit-bindgen, ratio witbind / wit-bindgen: median of
//! the runs [min–max]) and writes `benches/RESULTS.md`.
//!
//! Environment:
//! - `WITBIND_BENCH_SMOKE=1`: one run of everything, with few calls,
//!   guest builds of the proxy world only and debug builds of both CLIs;
//!   checks that every figure was produced and does not write
//!   `benches/RESULTS.md`. It also runs under `cargo test --workspace
//!   --bench perf` (as CI does: nothing to build in release);
//! - `WITBIND_BENCH_RUNS=N`: runs per figure (default 5);
//! - `WITBIND_BENCH_BUILD_RUNS=N`: runs of the guest builds (default 3);
//! - `WITBIND_BENCH_ALL_WORLDS=1`: guest builds of every world;
//! - `WITBIND_BENCH_SKIP_BUILDS=1`: no guest builds (says so).
//!
//! Timings are never asserted: the process fails only when something does
//! not build, does not run, gives a wrong answer or a figure is missing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use wit_bindgen_core::WorldGenerator;
use witbind_tests::perf::builds::{self, remove_dir, Build, Generator, GuestCrate, Mode, World};
use witbind_tests::perf::host::{PerfInstance, Workload};
use witbind_tests::perf::report::{
    results_markdown, Better, CpuMeter, Machine, Report, Unit, BUSY, LEGEND,
};

/// What this run does.
#[derive(Debug, Clone)]
struct Settings {
    smoke: bool,
    runs: usize,
    build_runs: usize,
    all_worlds: bool,
    skip_builds: bool,
}

impl Settings {
    fn from_env() -> Result<Settings> {
        let flag = |name: &str| std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0");
        let count = |name: &str, default: usize| -> Result<usize> {
            match std::env::var(name) {
                Ok(v) => match v.parse::<usize>() {
                    Ok(n) if n > 0 => Ok(n),
                    _ => bail!("{name}={v:?}: expected a positive number"),
                },
                Err(_) => Ok(default),
            }
        };
        let smoke = flag("WITBIND_BENCH_SMOKE");
        Ok(Settings {
            smoke,
            runs: if smoke {
                1
            } else {
                count("WITBIND_BENCH_RUNS", 5)?
            },
            build_runs: if smoke {
                1
            } else {
                count("WITBIND_BENCH_BUILD_RUNS", 3)?
            },
            all_worlds: flag("WITBIND_BENCH_ALL_WORLDS"),
            skip_builds: flag("WITBIND_BENCH_SKIP_BUILDS"),
        })
    }

    /// The order of the two generators in run `run`: alternating, so that
    /// neither always goes first (warm caches, a neighbour's build).
    fn order(run: usize) -> [Generator; 2] {
        if run.is_multiple_of(2) {
            Generator::BOTH
        } else {
            [Generator::WitBindgen, Generator::Witbind]
        }
    }

    /// The worlds whose guests are built.
    fn build_worlds(&self, worlds: &[World]) -> Vec<World> {
        if self.skip_builds {
            return Vec::new();
        }
        worlds
            .iter()
            .filter(|w| self.all_worlds || w.id == "wasi:http/proxy")
            .cloned()
            .collect()
    }

    /// Lines for RESULTS.md.
    fn describe(&self, build_worlds: &[World]) -> Vec<String> {
        let built: Vec<&str> = build_worlds.iter().map(|w| w.id).collect();
        vec![
            format!(
                "guest builds: {} runs, worlds: {}",
                self.build_runs,
                if built.is_empty() {
                    "none".to_string()
                } else {
                    built.join(", ")
                }
            ),
            format!(
                "samples: throughput about {} ms of calls; CLI mean of {CLI_REPS} runs; macro \
                 expansion mean of {MACRO_REPS} expansions",
                THROUGHPUT_SAMPLE.as_millis(),
            ),
        ]
    }
}

/// How long one throughput sample lasts (the call count is calibrated).
const THROUGHPUT_SAMPLE: Duration = Duration::from_millis(300);
const SMOKE_SAMPLE: Duration = Duration::from_millis(10);
/// In-process expansions averaged per sample.
const MACRO_REPS: u32 = 10;
/// CLI runs averaged per sample.
const CLI_REPS: u32 = 3;

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; anything else (e.g. `cargo test
    // --benches`) runs nothing, but for the smoke run, which CI starts with
    // `cargo test --workspace --bench perf` (the test profile and the
    // workspace's features: nothing to build again).
    let smoke = std::env::var("WITBIND_BENCH_SMOKE").is_ok_and(|v| !v.is_empty() && v != "0");
    if !smoke && !std::env::args().any(|arg| arg == "--bench") {
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("perf: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let settings = Settings::from_env()?;
    let started = Instant::now();
    let machine = Machine::current();
    let meter = CpuMeter::start();
    let mut report = Report::default();
    let worlds = builds::worlds();
    let build_worlds = settings.build_worlds(&worlds);
    let scratch = builds::target_dir().join("perf");
    std::fs::create_dir_all(&scratch)?;

    step("installing or finding the wit-bindgen CLI");
    let wit_bindgen = builds::wit_bindgen_cli(settings.smoke)?;
    step("building the witbind CLI");
    let witbind = builds::witbind_cli(settings.smoke)?;

    step("generation");
    let generated = generation(
        &settings,
        &mut report,
        &worlds,
        &witbind,
        &wit_bindgen,
        &scratch,
    )?;
    step("the macro's dependency graph");
    dependencies(&mut report)?;
    step("sizes");
    sizes(&mut report, &worlds, &scratch)?;
    step("call throughput");
    throughput(&settings, &mut report)?;
    step("instructions per call");
    instructions(&mut report)?;
    step("golem worlds");
    golem(&settings, &mut report, &witbind, &scratch)?;
    if build_worlds.is_empty() {
        let note = "guest builds skipped (WITBIND_BENCH_SKIP_BUILDS)";
        println!("perf: note: {note}");
        report.note(note);
    } else {
        step("guest builds");
        guest_builds(&settings, &mut report, &build_worlds, &generated, &scratch)?;
    }
    if settings.smoke {
        report.note(
            "smoke run (WITBIND_BENCH_SMOKE): one run, few calls; these timings mean nothing",
        );
    }

    let others = meter.as_ref().and_then(CpuMeter::others_share);
    println!();
    print!("{}", report.text_table());
    println!("\n{LEGEND}");
    for note in report.notes() {
        println!("note: {note}");
    }
    if let Some(share) = others {
        println!(
            "other processes used {:.0}% of the machine's CPU time during the run{}",
            share * 100.0,
            if share > BUSY {
                ": the machine was busy, timings are noisy"
            } else {
                ""
            }
        );
    }
    check_complete(&settings, &report, &worlds, &build_worlds)?;
    println!(
        "perf: {} figures in {:.0} s",
        report.figures().len(),
        started.elapsed().as_secs_f64()
    );
    if settings.smoke {
        println!("perf: smoke run: benches/RESULTS.md left as it is");
    } else {
        let path = witbind_tests::repo_root().join("benches/RESULTS.md");
        std::fs::create_dir_all(path.parent().unwrap())?;
        let markdown = results_markdown(
            &report,
            &machine,
            settings.runs,
            &settings.describe(&build_worlds),
            others,
        );
        std::fs::write(&path, markdown).with_context(|| format!("writing {}", path.display()))?;
        println!("perf: wrote {}", path.display());
    }
    Ok(())
}

/// The crates a guest's build compiles for each `generate!` macro: their
/// number, and both lists as notes (for RESULTS.md).
fn dependencies(report: &mut Report) -> Result<()> {
    let ours = builds::macro_dependencies(Generator::Witbind)?;
    let theirs = builds::macro_dependencies(Generator::WitBindgen)?;
    report.record(
        DEPENDENCIES.0,
        DEPENDENCIES.1,
        Unit::Crates,
        Better::Lower,
        ours.len() as f64,
        theirs.len() as f64,
    );
    for (generator, crates) in [("witbind", &ours), ("wit-bindgen", &theirs)] {
        let list: Vec<&str> = crates.iter().map(String::as_str).collect();
        report.note(format!(
            "crates of {generator}'s macro ({}): {}",
            crates.len(),
            list.join(", ")
        ));
    }
    Ok(())
}

/// The group and name of the dependency-graph figure.
const DEPENDENCIES: (&str, &str) = ("the generate! macro's dependency graph", "crates");

fn step(what: &str) {
    eprintln!("perf: {what}...");
}

// ---------------------------------------------------------------- generation

/// The CLI outputs of each world: `(world slug, generator) -> file`.
type Generated = BTreeMap<(&'static str, &'static str), PathBuf>;

fn generation(
    settings: &Settings,
    report: &mut Report,
    worlds: &[World],
    witbind: &Path,
    wit_bindgen: &Path,
    scratch: &Path,
) -> Result<Generated> {
    let dir = scratch.join("generated");
    std::fs::create_dir_all(&dir)?;
    let mut generated = Generated::new();
    let reps = if settings.smoke { 1 } else { MACRO_REPS };
    let cli_reps = if settings.smoke { 1 } else { CLI_REPS };
    for world in worlds {
        let group = format!("generate {}", world.id);
        let expander = Expander::new(world)?;
        // Warm up (file caches, rustfmt's first start).
        expander.witbind()?;
        expander.wit_bindgen()?;
        let warm_up = dir.join(format!("{}-warm-up.rs", world.slug));
        builds::generate_with_witbind(witbind, world, &warm_up)?;
        builds::generate_with_wit_bindgen(wit_bindgen, world, &warm_up)?;
        remove_file(&warm_up)?;
        for run in 0..settings.runs {
            let mut cli = BTreeMap::new();
            let mut expand = BTreeMap::new();
            for generator in Settings::order(run) {
                let out = dir.join(format!("{}-{}.rs", world.slug, generator.name()));
                let mut total = Duration::ZERO;
                for _ in 0..cli_reps {
                    total += match generator {
                        Generator::Witbind => builds::generate_with_witbind(witbind, world, &out)?,
                        Generator::WitBindgen => {
                            builds::generate_with_wit_bindgen(wit_bindgen, world, &out)?
                        }
                    };
                }
                cli.insert(generator.name(), total / cli_reps);
                generated.insert((world.slug, generator.name()), out);
                let start = Instant::now();
                for _ in 0..reps {
                    match generator {
                        Generator::Witbind => expander.witbind()?,
                        Generator::WitBindgen => expander.wit_bindgen()?,
                    }
                }
                expand.insert(generator.name(), start.elapsed() / reps);
            }
            report.record_time(
                &group,
                "CLI to a formatted file",
                Unit::Ms,
                cli["witbind"],
                cli["wit-bindgen"],
            );
            report.record_time(
                &group,
                "macro expansion (in-process)",
                Unit::Ms,
                expand["witbind"],
                expand["wit-bindgen"],
            );
            let [ours, theirs] = Generator::BOTH.map(|g| {
                std::fs::read_to_string(&generated[&(world.slug, g.name())]).unwrap_or_default()
            });
            if ours.is_empty() || theirs.is_empty() {
                bail!("{}: a CLI wrote an empty file", world.id);
            }
            report.record(
                &group,
                "formatted output lines",
                Unit::Lines,
                Better::Lower,
                ours.lines().count() as f64,
                theirs.lines().count() as f64,
            );
            report.record(
                &group,
                "formatted output bytes",
                Unit::Bytes,
                Better::Lower,
                ours.len() as f64,
                theirs.len() as f64,
            );
        }
    }
    report.note(
        "generation: `witbind bindgen` formats in-process (prettyplease); `wit-bindgen rust \
         --format` runs rustfmt; both with `--generate-all`. Macro expansion starts from loaded \
         WIT and ends with tokens, as each `generate!` does in a wasm32 build (witbind's without \
         the native part, which the macro leaves out for wasm32 targets); the CLI's output has \
         the native part (for every target)",
    );
    Ok(generated)
}

fn remove_file(path: &Path) -> Result<()> {
    std::fs::remove_file(path).with_context(|| format!("removing {}", path.display()))
}

/// One world loaded, ready for in-process expansions.
struct Expander {
    wit: witbind_codegen::Wit,
    world: witbind_codegen::wit_parser::WorldId,
    opts: witbind_codegen::Opts,
    name: &'static str,
}

impl Expander {
    fn new(world: &World) -> Result<Expander> {
        let mut opts = witbind_codegen::Opts::default();
        opts.generate_all = true;
        // As the macro expands in a wasm32 build, which the guests are: it
        // leaves the native part out there (rustc's `--target` says wasm32).
        // A native `cargo test` build expands it too, as the CLI writes it.
        opts.disable_native = true;
        let wit = witbind_codegen::Wit::load(&[&world.wit], &opts.features())
            .map_err(|e| anyhow::anyhow!("loading {}: {e}", world.wit.display()))?;
        let id = wit
            .select_world(Some(world.id))
            .map_err(|e| anyhow::anyhow!("{}: {e}", world.id))?;
        Ok(Expander {
            wit,
            world: id,
            opts,
            name: world.id,
        })
    }

    /// What `witbind::generate!` does once the WIT is loaded: tokens.
    fn witbind(&self) -> Result<()> {
        let tokens = witbind_codegen::generate(&self.wit.resolve, self.world, &self.opts)
            .map_err(|e| anyhow::anyhow!("witbind on {}: {e}", self.name))?;
        std::hint::black_box(tokens);
        Ok(())
    }

    /// What `wit_bindgen::generate!` 0.63 does once the WIT is loaded:
    /// source text, parsed into tokens.
    fn wit_bindgen(&self) -> Result<()> {
        let mut resolve = self.wit.resolve.clone();
        let mut generator = wit_bindgen_rust::Opts {
            generate_all: true,
            ..Default::default()
        }
        .build();
        let mut files = wit_bindgen_core::Files::default();
        generator
            .generate(&mut resolve, self.world, &mut files)
            .with_context(|| format!("wit-bindgen on {}", self.name))?;
        let (_, source) = files.iter().next().context("wit-bindgen wrote no file")?;
        let source = std::str::from_utf8(source)?;
        let tokens: proc_macro2::TokenStream = source
            .parse()
            .map_err(|e| anyhow::anyhow!("wit-bindgen's output does not lex: {e}"))?;
        std::hint::black_box(tokens);
        Ok(())
    }
}

// --------------------------------------------------------------------- sizes

/// The sizes of one component, in bytes.
#[derive(Debug, Default, Clone, Copy)]
struct Sizes {
    raw: u64,
    custom: u64,
    code: u64,
    data: u64,
}

/// Walks `wasm` (a component, nested core modules included) with
/// wasmparser: its size, and the sizes of its custom sections (whole
/// sections, header included), and of its core modules' code and data
/// sections.
fn measure_component(wasm: &Path) -> Result<Sizes> {
    let bytes = std::fs::read(wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let mut sizes = Sizes {
        raw: bytes.len() as u64,
        ..Sizes::default()
    };
    let section = |range: std::ops::Range<u64>| {
        let len = range.end - range.start;
        // The section id and its LEB128 length.
        1 + leb128_len(len) + len
    };
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        match payload.with_context(|| format!("parsing {}", wasm.display()))? {
            wasmparser::Payload::CustomSection(reader) => sizes.custom += section(reader.range()),
            wasmparser::Payload::CodeSectionStart {
                unchecked_range, ..
            } => sizes.code += section(unchecked_range),
            wasmparser::Payload::DataSection(reader) => sizes.data += section(reader.range()),
            _ => {}
        }
    }
    Ok(sizes)
}

fn leb128_len(mut n: u64) -> u64 {
    let mut len = 1;
    while n >= 0x80 {
        n >>= 7;
        len += 1;
    }
    len
}

fn sizes(report: &mut Report, worlds: &[World], scratch: &Path) -> Result<()> {
    // The benchmark's own guests, as the throughput figures run them.
    let guests = perf_guests()?;
    let [ours, theirs] = [&guests[0].1, &guests[1].1].map(|p| measure_component(p));
    let (ours, theirs) = (ours?, theirs?);
    record_sizes(report, "size of the perf guest (release)", ours, theirs);

    // A minimal guest of each world (exports that do nothing) and an empty
    // cdylib, in one workspace, built in release (not timed).
    let dir = scratch.join("sizes");
    let mut members = Vec::new();
    for world in worlds {
        for generator in Generator::BOTH {
            let krate = GuestCrate::write(&dir, world, generator, Mode::Macro, None, true)?;
            members.push(krate.name);
        }
    }
    let empty = dir.join("empty");
    std::fs::create_dir_all(empty.join("src"))?;
    builds::write_if_changed(
        &empty.join("Cargo.toml"),
        "[package]\nname = \"empty\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [lib]\ncrate-type = [\"cdylib\"]\n",
    )?;
    builds::write_if_changed(
        &empty.join("src/lib.rs"),
        "//! A cdylib without bindings: what std costs alone.\n",
    )?;
    members.push("empty".to_string());
    let manifest = format!(
        "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members
            .iter()
            .map(|m| format!("{m:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    builds::write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
    let workspace = GuestCrate {
        dir: dir.clone(),
        name: "the minimal guests".to_string(),
    };
    workspace.lock_and_fetch()?;
    let target = dir.join("target");
    workspace.cargo(Build::Release, &target)?;
    let wasm = |name: &str| {
        target
            .join(witbind_tests::WASM_TARGET)
            .join("release")
            .join(format!("{}.wasm", name.replace('-', "_")))
    };
    let empty = measure_component(&wasm("empty"))?;
    for world in worlds {
        let [ours, theirs] = Generator::BOTH
            .map(|g| measure_component(&wasm(&format!("{}-{}-macro", world.slug, g.name()))));
        let (ours, theirs) = (ours?, theirs?);
        let group = format!("size of a minimal {} guest", world.id);
        record_sizes(report, &group, ours, theirs);
        report.record(
            &group,
            "code beyond an empty cdylib",
            Unit::Bytes,
            Better::Lower,
            ours.code.saturating_sub(empty.code) as f64,
            theirs.code.saturating_sub(empty.code) as f64,
        );
    }
    report.note(format!(
        "sizes: \"without custom sections\" subtracts every custom section (names, producers, \
         component-type, in nested core modules too); code and data are the core modules' \
         code and data sections; an empty wasm32-wasip2 cdylib has {} bytes of code",
        empty.code
    ));
    Ok(())
}

fn record_sizes(report: &mut Report, group: &str, ours: Sizes, theirs: Sizes) {
    let rows = [
        (".wasm", ours.raw, theirs.raw),
        (
            "without custom sections",
            ours.raw - ours.custom,
            theirs.raw - theirs.custom,
        ),
        ("core code sections", ours.code, theirs.code),
        ("core data sections", ours.data, theirs.data),
    ];
    for (name, ours, theirs) in rows {
        report.record(
            group,
            name,
            Unit::Bytes,
            Better::Lower,
            ours as f64,
            theirs as f64,
        );
    }
}

// ---------------------------------------------------------------- throughput

/// Builds `tests/guests/perf-witbind` and `perf-wit-bindgen` in release;
/// (generator, .wasm), witbind first.
fn perf_guests() -> Result<[(Generator, PathBuf); 2]> {
    static BUILT: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    let root = witbind_tests::repo_root();
    BUILT
        .get_or_init(|| {
            builds::run_timed(
                witbind_tests::cargo_for_wasm()
                    .args(["build", "--release", "--quiet", "--target"])
                    .arg(witbind_tests::WASM_TARGET)
                    .args([
                        "-p",
                        "perf-witbind",
                        "-p",
                        "perf-wit-bindgen",
                        "--manifest-path",
                    ])
                    .arg(root.join("tests/guests/Cargo.toml"))
                    .arg("--target-dir")
                    .arg(root.join("target/guests")),
            )
            .map(drop)
            .map_err(|e| format!("building the perf guests: {e:#}"))
        })
        .clone()
        .map_err(anyhow::Error::msg)?;
    let dir = root.join("target/guests/wasm32-wasip2/release");
    Ok([
        (Generator::Witbind, dir.join("perf_witbind.wasm")),
        (Generator::WitBindgen, dir.join("perf_wit_bindgen.wasm")),
    ])
}

/// One throughput figure: a workload and its payload size.
struct CallCase {
    name: &'static str,
    workload: Workload,
    size: u32,
    /// MiB/s of payload rather than calls/s.
    bandwidth: bool,
}

const WORKLOADS: &[CallCase] = &[
    CallCase {
        name: "string, 16 B",
        workload: Workload::String,
        size: 16,
        bandwidth: false,
    },
    CallCase {
        name: "string, 64 KiB",
        workload: Workload::String,
        size: 64 << 10,
        bandwidth: true,
    },
    CallCase {
        name: "list<u8>, 64 KiB",
        workload: Workload::Bytes,
        size: 64 << 10,
        bandwidth: true,
    },
    CallCase {
        name: "1,000 records of numbers",
        workload: Workload::Points,
        size: 1000,
        bandwidth: false,
    },
    CallCase {
        name: "1,000 records with strings",
        workload: Workload::People,
        size: 1000,
        bandwidth: false,
    },
    CallCase {
        name: "1,000 variants",
        workload: Workload::Events,
        size: 1000,
        bandwidth: false,
    },
    CallCase {
        name: "resource create+call+drop",
        workload: Workload::Resource,
        size: 0,
        bandwidth: false,
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// The host calls the guest's `echo-*` exports (or `counter`).
    Export,
    /// The guest's `drive` calls the host's imports.
    Import,
}

impl Direction {
    fn group(self) -> &'static str {
        match self {
            Direction::Export => "calls host → guest export",
            Direction::Import => "calls guest → host import",
        }
    }
}

fn time_calls(
    instance: &mut PerfInstance,
    direction: Direction,
    w: &CallCase,
    calls: u32,
) -> Result<Duration> {
    let result = match direction {
        Direction::Export => instance.export_loop(w.workload, w.size, calls),
        Direction::Import => instance.import_loop(w.workload, w.size, calls),
    };
    result.map_err(|e| anyhow::anyhow!("{e:?}"))
}

fn throughput(settings: &Settings, report: &mut Report) -> Result<()> {
    let guests = perf_guests()?;
    let mut instances = Vec::new();
    for (generator, wasm) in &guests {
        let instance = PerfInstance::new(generator.name(), wasm)
            .map_err(|e| anyhow::anyhow!("loading {}: {e:?}", wasm.display()))?;
        instances.push(instance);
    }
    let sample = if settings.smoke {
        SMOKE_SAMPLE
    } else {
        THROUGHPUT_SAMPLE
    };
    for direction in [Direction::Export, Direction::Import] {
        for w in WORKLOADS {
            // Calibrate on the slower guest, warming both up: the same
            // number of calls for both, lasting about `sample`.
            let probe = 16;
            let mut slowest = Duration::ZERO;
            for instance in &mut instances {
                time_calls(instance, direction, w, probe)?;
                slowest = slowest.max(time_calls(instance, direction, w, probe)?);
            }
            let per_call = slowest.as_secs_f64() / f64::from(probe);
            let calls = (sample.as_secs_f64() / per_call.max(1e-9)).clamp(20.0, 5e6) as u32;
            for run in 0..settings.runs {
                let mut rate = BTreeMap::new();
                for generator in Settings::order(run) {
                    let index = usize::from(generator == Generator::WitBindgen);
                    let elapsed = time_calls(&mut instances[index], direction, w, calls)?;
                    let per_second = f64::from(calls) / elapsed.as_secs_f64();
                    let value = if w.bandwidth {
                        per_second * f64::from(w.size) / f64::from(1u32 << 20)
                    } else {
                        per_second
                    };
                    rate.insert(generator.name(), value);
                }
                let unit = if w.bandwidth {
                    Unit::MibPerSec
                } else if w.workload == Workload::Resource {
                    Unit::CyclesPerSec
                } else {
                    Unit::CallsPerSec
                };
                report.record(
                    direction.group(),
                    w.name,
                    unit,
                    Better::Higher,
                    rate["witbind"],
                    rate["wit-bindgen"],
                );
            }
        }
    }
    report.note(
        "calls: every `echo-*` function returns its argument, so a call carries the payload \
         both ways; MiB/s counts the payload once; a resource cycle is 3 calls (constructor, \
         method, drop)",
    );
    Ok(())
}

/// The group of the instruction counts of calls in `direction`.
fn instructions_group(direction: Direction) -> String {
    format!(
        "instructions per {}",
        direction.group().trim_start_matches("calls ")
    )
}

/// The guest's wasm instructions per call (wasmtime fuel) of every workload
/// in both directions: deterministic, so one run.
fn instructions(report: &mut Report) -> Result<()> {
    let guests = perf_guests()?;
    let mut instances = Vec::new();
    for (generator, wasm) in &guests {
        let instance = PerfInstance::counting(generator.name(), wasm)
            .map_err(|e| anyhow::anyhow!("loading {}: {e:?}", wasm.display()))?;
        instances.push(instance);
    }
    for direction in [Direction::Export, Direction::Import] {
        for w in WORKLOADS {
            let mut counts = Vec::new();
            for instance in &mut instances {
                let count = instance
                    .instructions(direction == Direction::Import, w.workload, w.size)
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
                counts.push(count);
            }
            report.record(
                &instructions_group(direction),
                w.name,
                Unit::Instructions,
                Better::Lower,
                counts[0],
                counts[1],
            );
        }
    }
    report.note(
        "instructions: the guest's wasm instructions per call (wasmtime fuel, one unit per \
         instruction), measured as the difference between 12 and 4 calls; for imports, per \
         call the guest makes in `drive`; a resource cycle is 3 calls",
    );
    Ok(())
}

// --------------------------------------------------------------------- golem

/// The ten largest worlds of golem-rust 3.0.2's published WIT (wit-bindgen
/// 0.63 writes 11–650 MB of bindings for them).
const GOLEM_WORLDS: [&str; 10] = [
    "golem:rust/golem-rust",
    "golem:rust/golem-rust-load-snapshot",
    "golem:rust/golem-rust-save-snapshot",
    "golem:rust/golem-rust-oplog-processor",
    "golem:rust/golem-agentic",
    "golem:tool/tool-guest",
    "golem:tool/tool-middleware-runtime",
    "golem:tool/tool-host",
    "golem:agent/agent-guest",
    "golem:agent/agent-host",
];

/// witbind alone on the golem worlds: the CLI writing a formatted file,
/// the file's size, and `cargo check` of a crate holding it (after
/// touching its `src/lib.rs`, dependencies built). wit-bindgen's bindings
/// of these worlds are too large to compare with (its `generate!` of
/// golem-rust did not finish in 24 GB). A smoke run checks one world.
fn golem(settings: &Settings, report: &mut Report, witbind: &Path, scratch: &Path) -> Result<()> {
    let wit = witbind_tests::golem_wit_dir()?;
    let dir = scratch.join("golem");
    std::fs::create_dir_all(&dir)?;
    let target = dir.join("target");
    for (i, world) in GOLEM_WORLDS.iter().enumerate() {
        let group = format!("golem {world}");
        let name = world.replace([':', '/'], "-");
        let out = dir.join(format!("{name}.rs"));
        let elapsed = builds::run_timed(
            Command::new(witbind)
                .arg("bindgen")
                .arg(&wit)
                .args(["--world", world, "-o"])
                .arg(&out),
        )?;
        let text = std::fs::read_to_string(&out)?;
        report.record_solo(
            &group,
            "CLI to a formatted file",
            Unit::Ms,
            elapsed.as_secs_f64() * 1e3,
        );
        report.record_solo(&group, "output bytes", Unit::Bytes, text.len() as f64);
        report.record_solo(
            &group,
            "output lines",
            Unit::Lines,
            text.lines().count() as f64,
        );
        if settings.smoke && i > 0 {
            continue;
        }
        let krate = GuestCrate::bindings_only(&dir, &name, &out)?;
        krate.lock_and_fetch()?;
        krate.cargo(Build::Check, &target)?;
        krate.touch()?;
        let check = krate.cargo(Build::Check, &target)?;
        report.record_solo(
            &group,
            "re-check after touching src/lib.rs",
            Unit::Seconds,
            check.as_secs_f64(),
        );
    }
    Ok(())
}

// -------------------------------------------------------------- guest builds

fn guest_builds(
    settings: &Settings,
    report: &mut Report,
    worlds: &[World],
    generated: &Generated,
    scratch: &Path,
) -> Result<()> {
    let dir = scratch.join("builds");
    for world in worlds {
        for mode in Mode::BOTH {
            let group = format!("build {} ({})", world.id, mode.name());
            let mut crates = BTreeMap::new();
            for generator in Generator::BOTH {
                let bindings = generated.get(&(world.slug, generator.name()));
                let krate = GuestCrate::write(
                    &dir,
                    world,
                    generator,
                    mode,
                    bindings.map(PathBuf::as_path),
                    false,
                )?;
                krate.lock_and_fetch()?;
                crates.insert(generator.name(), krate);
            }
            for run in 0..settings.build_runs {
                let mut times: BTreeMap<(&str, &str), Duration> = BTreeMap::new();
                for generator in Settings::order(run) {
                    let krate = &crates[generator.name()];
                    eprintln!(
                        "perf:   {} (run {} of {})",
                        krate.name,
                        run + 1,
                        settings.build_runs
                    );
                    for (build, clean, incremental) in [
                        (
                            Build::Release,
                            "clean cargo build --release",
                            "rebuild after touching src/lib.rs",
                        ),
                        (
                            Build::Check,
                            "clean cargo check",
                            "re-check after touching src/lib.rs",
                        ),
                    ] {
                        let target = krate.dir.join(match build {
                            Build::Release => "target-build",
                            Build::Check => "target-check",
                        });
                        remove_dir(&target)?;
                        times.insert((generator.name(), clean), krate.cargo(build, &target)?);
                        krate.touch()?;
                        times.insert(
                            (generator.name(), incremental),
                            krate.cargo(build, &target)?,
                        );
                        remove_dir(&target)?;
                    }
                }
                for name in [
                    "clean cargo build --release",
                    "rebuild after touching src/lib.rs",
                    "clean cargo check",
                    "re-check after touching src/lib.rs",
                ] {
                    report.record_time(
                        &group,
                        name,
                        Unit::Seconds,
                        times[&("witbind", name)],
                        times[&("wit-bindgen", name)],
                    );
                }
            }
        }
    }
    report.note(
        "builds: throwaway crates under target/perf/builds (a minimal implementation of the \
         world's exports, its own workspace and target folder, dependencies already downloaded, \
         `--offline`); \"macro\" uses `generate!`, \"vendored\" includes the CLI's output as a \
         module and drops the runtime crate's `macros` feature",
    );
    Ok(())
}

// ------------------------------------------------------------- completeness

/// Fails unless every figure this run should produce was produced, with
/// one finite, positive value per run for each generator.
fn check_complete(
    settings: &Settings,
    report: &Report,
    worlds: &[World],
    build_worlds: &[World],
) -> Result<()> {
    let mut expected: Vec<(String, &str, usize)> = Vec::new();
    expected.push((DEPENDENCIES.0.to_string(), DEPENDENCIES.1, 1));
    for world in worlds {
        let group = format!("generate {}", world.id);
        for name in [
            "CLI to a formatted file",
            "macro expansion (in-process)",
            "formatted output lines",
            "formatted output bytes",
        ] {
            expected.push((group.clone(), name, settings.runs));
        }
        let group = format!("size of a minimal {} guest", world.id);
        for name in [
            ".wasm",
            "without custom sections",
            "core code sections",
            "core data sections",
            "code beyond an empty cdylib",
        ] {
            expected.push((group.clone(), name, 1));
        }
    }
    for name in [
        ".wasm",
        "without custom sections",
        "core code sections",
        "core data sections",
    ] {
        expected.push(("size of the perf guest (release)".to_string(), name, 1));
    }
    for direction in [Direction::Export, Direction::Import] {
        for w in WORKLOADS {
            expected.push((direction.group().to_string(), w.name, settings.runs));
            expected.push((instructions_group(direction), w.name, 1));
        }
    }
    for world in build_worlds {
        for mode in Mode::BOTH {
            let group = format!("build {} ({})", world.id, mode.name());
            for name in [
                "clean cargo build --release",
                "rebuild after touching src/lib.rs",
                "clean cargo check",
                "re-check after touching src/lib.rs",
            ] {
                expected.push((group.clone(), name, settings.build_runs));
            }
        }
    }
    let checks = if settings.smoke {
        1
    } else {
        GOLEM_WORLDS.len()
    };
    let solos = report.solos();
    let solos_ok = solos.len() == GOLEM_WORLDS.len() * 3 + checks
        && solos
            .iter()
            .all(|solo| solo.value.is_finite() && solo.value > 0.0);
    let mut missing = Vec::new();
    if !solos_ok {
        missing.push(format!(
            "{} golem figures, expected {}",
            solos.len(),
            GOLEM_WORLDS.len() * 3 + checks
        ));
    }
    for (group, name, runs) in &expected {
        let ok = report.figure(group, name).is_some_and(|figure| {
            figure.witbind.len() == *runs
                && figure.reference.len() == *runs
                && figure
                    .witbind
                    .iter()
                    .chain(&figure.reference)
                    .all(|v| v.is_finite() && *v > 0.0)
        });
        if !ok {
            missing.push(format!("{group}: {name}"));
        }
    }
    if report.figures().len() != expected.len() {
        missing.push(format!(
            "{} figures recorded, {} expected",
            report.figures().len(),
            expected.len()
        ));
    }
    if !missing.is_empty() {
        bail!(
            "figures missing or not positive:\n  {}",
            missing.join("\n  ")
        );
    }
    Ok(())
}
