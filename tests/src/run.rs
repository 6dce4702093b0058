//! Running guest components in wasmtime with WASI 0.2 (and `wasi:http`), with
//! captured stdio, and decoding the type (imports, exports) of a component.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::error::Context;
use wasmtime::{bail, Config, Engine, Result, Store};
use wasmtime_wasi::p2::bindings::sync::Command;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
use wasmtime_wasi::{
    Deterministic, FsPerms, HostMonotonicClock, HostWallClock, I32Exit, WasiCtx, WasiCtxView,
    WasiView,
};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};
use witbind_codegen::wit_parser::{Resolve, WorldId, WorldKey};

/// How to run a command component: its arguments, environment, stdin and
/// preopened directory. With [`Run::deterministic`], clocks and random
/// numbers are fixed, so two runs print the same.
#[derive(Debug, Clone, Default)]
pub struct Run {
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Vec<u8>,
    preopen: Option<(PathBuf, String)>,
    deterministic: bool,
    tcp: bool,
    fuel: bool,
}

impl Run {
    /// A run whose `argv[0]` is `program`.
    pub fn new(program: &str) -> Self {
        Run {
            args: vec![program.to_string()],
            ..Run::default()
        }
    }

    /// Appends command-line arguments.
    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// What the guest reads from stdin (then end of stream).
    pub fn stdin(mut self, bytes: &[u8]) -> Self {
        self.stdin = bytes.to_vec();
        self
    }

    /// Preopens the host directory `host` (read-write) as `guest`.
    pub fn preopen(mut self, host: &Path, guest: &str) -> Self {
        self.preopen = Some((host.to_path_buf(), guest.to_string()));
        self
    }

    /// Lets the guest create TCP sockets. Every address check still fails,
    /// so binding or connecting is denied: no traffic leaves the process.
    pub fn allow_tcp(mut self) -> Self {
        self.tcp = true;
        self
    }

    /// Fixed wall and monotonic clocks, and fixed random and insecure-random
    /// byte cycles and seed.
    pub fn deterministic(mut self) -> Self {
        self.deterministic = true;
        self
    }

    /// Counts the guest's wasm instructions: an engine that consumes fuel
    /// (one unit per instruction, deterministic), with the store's tank
    /// full (`Store::get_fuel` tells what was used).
    pub fn count_fuel(mut self) -> Self {
        self.fuel = true;
        self
    }

    fn build_wasi(&self, stdout: &MemoryOutputPipe, stderr: &MemoryOutputPipe) -> Result<WasiCtx> {
        let mut builder = WasiCtx::builder();
        builder
            .args(&self.args)
            .envs(&self.env)
            .stdin(MemoryInputPipe::new(self.stdin.clone()))
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .allow_tcp(self.tcp);
        if let Some((host, guest)) = &self.preopen {
            builder
                .preopened_dir(host, guest, FsPerms::ReadWrite)
                .with_context(|| format!("preopening {}", host.display()))?;
        }
        if self.deterministic {
            builder
                .wall_clock(FixedWallClock)
                .monotonic_clock(FixedMonotonicClock)
                .secure_random(Deterministic::new((1..=32).collect()))
                .insecure_random(Deterministic::new((100..=120).rev().collect()))
                .insecure_random_seed(0x0123_4567_89ab_cdef_fedc_ba98_7654_3210);
        }
        Ok(builder.build())
    }
}

/// 2023-11-14T22:13:20.123456789Z, resolution 1 µs.
struct FixedWallClock;

impl HostWallClock for FixedWallClock {
    fn resolution(&self) -> Duration {
        Duration::from_micros(1)
    }
    fn now(&self) -> Duration {
        Duration::new(1_700_000_000, 123_456_789)
    }
}

/// Always at 42 s, resolution 1 ns.
struct FixedMonotonicClock;

impl HostMonotonicClock for FixedMonotonicClock {
    fn resolution(&self) -> u64 {
        1
    }
    fn now(&self) -> u64 {
        42_000_000_000
    }
}

/// What a command component did.
#[derive(Debug, Clone)]
pub struct Output {
    /// Everything written to stdout, lossily decoded as UTF-8.
    pub stdout: String,
    /// Everything written to stderr, lossily decoded as UTF-8.
    pub stderr: String,
    /// `wasi:cli/run.run` returned `ok`, or the guest exited with status 0.
    pub success: bool,
    /// The status the guest exited with through `wasi:cli/exit` (`exit(ok)`
    /// is 0, `exit(err)` 1, `exit-with-code(n)` n); `None` when `run`
    /// returned.
    pub exit_code: Option<i32>,
}

impl Output {
    /// The stdout lines.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }
}

/// The store data of a guest: WASI and `wasi:http` state, and `data` for a
/// test's own imports (see [`Guest::load`]).
pub struct Host<T> {
    table: ResourceTable,
    wasi: WasiCtx,
    http: WasiHttpCtx,
    /// The test's own host state.
    pub data: T,
}

impl<T> Host<T> {
    /// The host's resource table (resources the host hands out).
    pub fn table_mut(&mut self) -> &mut ResourceTable {
        &mut self.table
    }
}

impl<T: Send> WasiView for Host<T> {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl<T: Send> WasiHttpView for Host<T> {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            hooks: wasmtime_wasi_http::default_hooks(),
            table: &mut self.table,
            ctx: &mut self.http,
        }
    }
}

/// One engine for every test: the component model's async support (on by
/// default), error contexts, maps and fixed-length lists.
/// With `fuel`, one that also counts instructions ([`Run::count_fuel`]).
fn engine(fuel: bool) -> &'static Engine {
    static ENGINES: [OnceLock<Engine>; 2] = [OnceLock::new(), OnceLock::new()];
    ENGINES[usize::from(fuel)].get_or_init(|| {
        let mut config = Config::new();
        config
            .wasm_component_model_async(true)
            .wasm_component_model_error_context(true)
            .wasm_component_model_map(true)
            .wasm_component_model_fixed_length_lists(true)
            .consume_fuel(fuel);
        Engine::new(&config).expect("the engine's configuration is valid")
    })
}

/// `wasm` compiled, once per test process: compiling a debug guest takes
/// seconds, and tests running in parallel often load the same one.
fn compile(wasm: &Path, fuel: bool) -> Result<Component> {
    static COMPILED: OnceLock<Mutex<HashMap<(PathBuf, bool), Component>>> = OnceLock::new();
    let mut compiled = COMPILED
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let key = (wasm.to_path_buf(), fuel);
    if let Some(component) = compiled.get(&key) {
        return Ok(component.clone());
    }
    let component = Component::from_file(engine(fuel), wasm)
        .with_context(|| format!("compiling {}", wasm.display()))?;
    compiled.insert(key, component.clone());
    Ok(component)
}

const MAX_OUTPUT: usize = 1 << 20;

/// A compiled component with a fresh store and a linker that already has
/// every WASI 0.2 interface and `wasi:http`: add the test's own imports to
/// `linker` (projecting to [`Host::data`]), then instantiate.
pub struct Guest<T: 'static> {
    /// The store, holding WASI state and the test's `data`.
    pub store: Store<Host<T>>,
    /// The compiled component.
    pub component: Component,
    /// The linker, with WASI and `wasi:http` added.
    pub linker: Linker<Host<T>>,
    stdout: MemoryOutputPipe,
    stderr: MemoryOutputPipe,
}

impl<T: Send + 'static> Guest<T> {
    /// Compiles `wasm` (or takes it from this process's cache) and sets up
    /// its host as configured by `run`.
    pub fn load(wasm: &Path, run: &Run, data: T) -> Result<Self> {
        let mut linker = Linker::<Host<T>>::new(engine(run.fuel));
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_sync(&mut linker)?;
        Self::with_linker(wasm, run, data, linker)
    }

    /// Like [`Guest::load`], for a guest run with async calls (inside
    /// `Store::run_concurrent`, instantiated with `instantiate_async`): WASI
    /// 0.2 and WASI 0.3 (`wasi:cli`, `wasi:clocks`, `wasi:random`,
    /// `wasi:filesystem`, `wasi:sockets`) in the linker.
    pub fn load_async(wasm: &Path, run: &Run, data: T) -> Result<Self> {
        let mut linker = Linker::<Host<T>>::new(engine(run.fuel));
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        wasmtime_wasi::p3::add_to_linker(&mut linker)?;
        Self::with_linker(wasm, run, data, linker)
    }

    fn with_linker(wasm: &Path, run: &Run, data: T, linker: Linker<Host<T>>) -> Result<Self> {
        let engine = engine(run.fuel);
        let component = compile(wasm, run.fuel)?;
        let stdout = MemoryOutputPipe::new(MAX_OUTPUT);
        let stderr = MemoryOutputPipe::new(MAX_OUTPUT);
        let host = Host {
            table: ResourceTable::new(),
            wasi: run.build_wasi(&stdout, &stderr)?,
            http: WasiHttpCtx::new(),
            data,
        };
        let mut store = Store::new(engine, host);
        if run.fuel {
            store.set_fuel(u64::MAX)?;
        }
        Ok(Guest {
            store,
            component,
            linker,
            stdout,
            stderr,
        })
    }

    /// Everything the guest wrote to stdout so far.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.contents()).into_owned()
    }

    /// Everything the guest wrote to stderr so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.contents()).into_owned()
    }
}

/// Runs the command component `wasm` (`wasi:cli/run`) as configured by
/// `run`. A trap is an error (with whatever the guest wrote); a guest
/// returning `err` is an [`Output`] with `success: false`, one calling
/// `wasi:cli/exit` an [`Output`] with its `exit_code`.
pub fn run_command(wasm: &Path, run: &Run) -> Result<Output> {
    let mut guest = Guest::load(wasm, run, ())?;
    let command = Command::instantiate(&mut guest.store, &guest.component, &guest.linker)
        .with_context(|| format!("instantiating {}", wasm.display()))?;
    let result = command.wasi_cli_run().call_run(&mut guest.store);
    guest.output(wasm, result)
}

/// Runs the WASI 0.3 command component `wasm` (`wasi:cli/run@0.3.0`,
/// called with the async ABI) as configured by `run`; like
/// [`run_command`] otherwise.
pub fn run_p3_command(wasm: &Path, run: &Run) -> Result<Output> {
    let mut guest = Guest::load_async(wasm, run, ())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(async {
        let command = wasmtime_wasi::p3::bindings::Command::instantiate_async(
            &mut guest.store,
            &guest.component,
            &guest.linker,
        )
        .await
        .with_context(|| format!("instantiating {}", wasm.display()))?;
        guest
            .store
            .run_concurrent(async |accessor| command.wasi_cli_run().call_run(accessor).await)
            .await?
    });
    guest.output(wasm, result)
}

impl<T: Send + 'static> Guest<T> {
    /// What a command did, from the result of its `run`.
    fn output(&self, wasm: &Path, result: Result<Result<(), ()>>) -> Result<Output> {
        match result {
            Ok(status) => Ok(Output {
                stdout: self.stdout(),
                stderr: self.stderr(),
                success: status.is_ok(),
                exit_code: None,
            }),
            Err(trap) => match trap.downcast_ref::<I32Exit>() {
                Some(&I32Exit(code)) => Ok(Output {
                    stdout: self.stdout(),
                    stderr: self.stderr(),
                    success: code == 0,
                    exit_code: Some(code),
                }),
                None => bail!(
                    "{} trapped: {trap:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
                    wasm.display(),
                    self.stdout(),
                    self.stderr()
                ),
            },
        }
    }
}

/// The interfaces a component imports, as `ns:pkg/iface@version`, sorted.
pub fn component_imports(wasm: &Path) -> Result<Vec<String>> {
    let (resolve, world) = decode_component(wasm)?;
    Ok(world_keys(&resolve, resolve.worlds[world].imports.keys()))
}

/// What a component exports, as `ns:pkg/iface@version` (or a function's
/// name), sorted.
pub fn component_exports(wasm: &Path) -> Result<Vec<String>> {
    let (resolve, world) = decode_component(wasm)?;
    Ok(world_keys(&resolve, resolve.worlds[world].exports.keys()))
}

fn world_keys<'a>(resolve: &Resolve, keys: impl Iterator<Item = &'a WorldKey>) -> Vec<String> {
    let mut names: Vec<String> = keys.map(|key| resolve.name_world_key(key)).collect();
    names.sort();
    names
}

/// The world of a component's type, as `wit-component` decodes it.
pub fn decode_component(wasm: &Path) -> Result<(Resolve, WorldId)> {
    let bytes = std::fs::read(wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let decoded = wit_component::decode(&bytes).map_err(|e| {
        wasmtime::format_err!("decoding the component type of {}: {e:#}", wasm.display())
    })?;
    match decoded {
        wit_component::DecodedWasm::Component(resolve, world) => Ok((resolve, world)),
        wit_component::DecodedWasm::WitPackage(..) => {
            bail!("{} is a WIT package, not a component", wasm.display())
        }
    }
}

/// A guest's `heap-balance` export: the bytes its counting global
/// allocator holds, read between calls to check that they leaked nothing.
pub struct HeapBalance(wasmtime::component::Func);

impl HeapBalance {
    /// The world-level `heap-balance` export of `instance`.
    pub fn new<T: 'static>(
        instance: &wasmtime::component::Instance,
        store: &mut Store<T>,
    ) -> HeapBalance {
        let (_, index) = instance
            .get_export(&mut *store, None, "heap-balance")
            .expect("the guest exports heap-balance");
        HeapBalance(instance.get_func(&mut *store, index).expect("a function"))
    }

    /// The bytes held now.
    pub fn read<T: 'static>(&self, store: &mut Store<T>) -> i64 {
        let mut result = [wasmtime::component::Val::S64(0)];
        self.0
            .call(&mut *store, &[], &mut result)
            .expect("calling heap-balance");
        match result[0] {
            wasmtime::component::Val::S64(bytes) => bytes,
            ref other => panic!("heap-balance returned {other:?}"),
        }
    }
}
