//! Random values through random types, in a real host. A fixed seed picks
//! random type trees (every WIT value type: numbers, `char`, strings,
//! lists, fixed-length lists, maps, options, results, tuples, records,
//! variants, enums, flags, nested), writes a world per group of them whose
//! `api` exports echo each value through the matching `host` import, and
//! builds one guest component with witbind's `generate!`. wasmtime's
//! dynamic API then calls every export with random values of its type;
//! what comes back must equal what went in: the value went host → guest
//! (export lifting), guest → host (import lowering), back (import result
//! lifting) and out (export result lowering), and the guest's heap (a
//! counting global allocator, reported by world 0's `heap-balance`) must be
//! back where it started after every call.
//!
//! `WITBIND_VALUE_FUZZ_SEED` and `WITBIND_VALUE_FUZZ_WORLDS` (default 20
//! worlds of 10 functions) change the run, e.g. for a longer one:
//! `WITBIND_VALUE_FUZZ_SEED=7 WITBIND_VALUE_FUZZ_WORLDS=100 cargo test -p
//! witbind-tests --test runtime value_fuzz`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use wasmtime::component::Val;
use witbind_tests::{cargo_for_wasm, repo_root, Guest, HeapBalance, Rng, Run};

/// Functions per world.
const FUNCTIONS: usize = 10;
/// Random values sent through each function.
const VALUES: usize = 4;

/// A WIT value type.
#[derive(Clone, Debug)]
enum Ty {
    Bool,
    U8,
    U16,
    U32,
    U64,
    S8,
    S16,
    S32,
    S64,
    F32,
    F64,
    Char,
    String,
    List(Box<Ty>),
    FixedList(Box<Ty>, usize),
    Map(Box<Ty>, Box<Ty>),
    Option(Box<Ty>),
    Result(Option<Box<Ty>>, Option<Box<Ty>>),
    Tuple(Vec<Ty>),
    /// A named type, defined in the world's `types` interface.
    Named(usize),
}

/// A named type's definition.
#[derive(Clone, Debug)]
enum Def {
    Record(Vec<(String, Ty)>),
    Variant(Vec<(String, Option<Ty>)>),
    Enum(Vec<String>),
    Flags(Vec<String>),
}

/// The types of one world: named definitions and each function's type.
#[derive(Default)]
struct Types {
    defs: Vec<Def>,
}

impl Types {
    fn random(&mut self, rng: &mut Rng, depth: usize) -> Ty {
        let leaf = depth == 0 || rng.chance(35);
        if leaf {
            return match rng.below(13) {
                0 => Ty::Bool,
                1 => Ty::U8,
                2 => Ty::U16,
                3 => Ty::U32,
                4 => Ty::U64,
                5 => Ty::S8,
                6 => Ty::S16,
                7 => Ty::S32,
                8 => Ty::S64,
                9 => Ty::F32,
                10 => Ty::F64,
                11 => Ty::Char,
                _ => Ty::String,
            };
        }
        let inner = |types: &mut Types, rng: &mut Rng| Box::new(types.random(rng, depth - 1));
        match rng.below(11) {
            0 => Ty::List(inner(self, rng)),
            1 => Ty::FixedList(inner(self, rng), 1 + rng.below(4)),
            2 => {
                let key = if rng.chance(50) { Ty::String } else { Ty::U32 };
                Ty::Map(Box::new(key), inner(self, rng))
            }
            3 => Ty::Option(inner(self, rng)),
            4 => {
                let ok = rng.chance(75).then(|| inner(self, rng));
                let err = rng.chance(75).then(|| inner(self, rng));
                Ty::Result(ok, err)
            }
            5 => Ty::Tuple(
                (0..1 + rng.below(4))
                    .map(|_| self.random(rng, depth - 1))
                    .collect(),
            ),
            6 | 7 => {
                let fields = (0..1 + rng.below(4))
                    .map(|i| (format!("f{i}"), self.random(rng, depth - 1)))
                    .collect();
                self.define(Def::Record(fields))
            }
            8 => {
                let cases = (0..1 + rng.below(5))
                    .map(|i| {
                        (
                            format!("c{i}"),
                            rng.chance(70).then(|| self.random(rng, depth - 1)),
                        )
                    })
                    .collect();
                self.define(Def::Variant(cases))
            }
            9 => self.define(Def::Enum(
                (0..1 + rng.below(6)).map(|i| format!("e{i}")).collect(),
            )),
            _ => {
                let most = if rng.chance(20) { 32 } else { 6 };
                let count = 1 + rng.below(most);
                self.define(Def::Flags((0..count).map(|i| format!("b{i}")).collect()))
            }
        }
    }

    fn define(&mut self, def: Def) -> Ty {
        self.defs.push(def);
        Ty::Named(self.defs.len() - 1)
    }

    /// The WIT spelling of `ty`.
    fn wit(&self, ty: &Ty) -> String {
        match ty {
            Ty::Bool => "bool".into(),
            Ty::U8 => "u8".into(),
            Ty::U16 => "u16".into(),
            Ty::U32 => "u32".into(),
            Ty::U64 => "u64".into(),
            Ty::S8 => "s8".into(),
            Ty::S16 => "s16".into(),
            Ty::S32 => "s32".into(),
            Ty::S64 => "s64".into(),
            Ty::F32 => "f32".into(),
            Ty::F64 => "f64".into(),
            Ty::Char => "char".into(),
            Ty::String => "string".into(),
            Ty::List(t) => format!("list<{}>", self.wit(t)),
            Ty::FixedList(t, n) => format!("list<{}, {n}>", self.wit(t)),
            Ty::Map(k, v) => format!("map<{}, {}>", self.wit(k), self.wit(v)),
            Ty::Option(t) => format!("option<{}>", self.wit(t)),
            Ty::Result(None, None) => "result".into(),
            Ty::Result(Some(ok), None) => format!("result<{}>", self.wit(ok)),
            Ty::Result(None, Some(err)) => format!("result<_, {}>", self.wit(err)),
            Ty::Result(Some(ok), Some(err)) => {
                format!("result<{}, {}>", self.wit(ok), self.wit(err))
            }
            Ty::Tuple(types) => {
                let types: Vec<String> = types.iter().map(|t| self.wit(t)).collect();
                format!("tuple<{}>", types.join(", "))
            }
            Ty::Named(i) => format!("t{i}"),
        }
    }

    /// Whether values of `ty` hold a string, list or map (passed to
    /// imports by reference).
    fn has_list(&self, ty: &Ty) -> bool {
        match ty {
            Ty::String | Ty::List(_) | Ty::Map(..) => true,
            Ty::FixedList(t, _) | Ty::Option(t) => self.has_list(t),
            Ty::Result(ok, err) => [ok, err].into_iter().flatten().any(|t| self.has_list(t)),
            Ty::Tuple(types) => types.iter().any(|t| self.has_list(t)),
            Ty::Named(i) => match &self.defs[*i] {
                Def::Record(fields) => fields.iter().any(|(_, t)| self.has_list(t)),
                Def::Variant(cases) => cases.iter().flat_map(|(_, t)| t).any(|t| self.has_list(t)),
                Def::Enum(_) | Def::Flags(_) => false,
            },
            _ => false,
        }
    }

    /// A random value of `ty`.
    fn value(&self, rng: &mut Rng, ty: &Ty) -> Val {
        match ty {
            Ty::Bool => Val::Bool(rng.chance(50)),
            Ty::U8 => Val::U8(rng.next() as u8),
            Ty::U16 => Val::U16(rng.next() as u16),
            Ty::U32 => Val::U32(rng.next() as u32),
            Ty::U64 => Val::U64(rng.next()),
            Ty::S8 => Val::S8(rng.next() as i8),
            Ty::S16 => Val::S16(rng.next() as i16),
            Ty::S32 => Val::S32(rng.next() as i32),
            Ty::S64 => Val::S64(rng.next() as i64),
            Ty::F32 => Val::Float32((rng.next() as i32) as f32 / 7.0),
            Ty::F64 => Val::Float64((rng.next() as i64) as f64 / 13.0),
            Ty::Char => Val::Char(random_char(rng)),
            Ty::String => Val::String(random_string(rng)),
            Ty::List(t) => Val::List((0..rng.below(5)).map(|_| self.value(rng, t)).collect()),
            Ty::FixedList(t, n) => {
                Val::FixedLengthList((0..*n).map(|_| self.value(rng, t)).collect())
            }
            Ty::Map(k, v) => {
                let mut entries: Vec<(Val, Val)> = Vec::new();
                for _ in 0..rng.below(5) {
                    let key = self.value(rng, k);
                    if !entries.iter().any(|(existing, _)| *existing == key) {
                        entries.push((key, self.value(rng, v)));
                    }
                }
                Val::Map(entries)
            }
            Ty::Option(t) => Val::Option(rng.chance(60).then(|| Box::new(self.value(rng, t)))),
            Ty::Result(ok, err) => {
                let payload = |t: &Option<Box<Ty>>, rng: &mut Rng| {
                    t.as_ref().map(|t| Box::new(self.value(rng, t)))
                };
                if rng.chance(50) {
                    Val::Result(Ok(payload(ok, rng)))
                } else {
                    Val::Result(Err(payload(err, rng)))
                }
            }
            Ty::Tuple(types) => Val::Tuple(types.iter().map(|t| self.value(rng, t)).collect()),
            Ty::Named(i) => match &self.defs[*i] {
                Def::Record(fields) => Val::Record(
                    fields
                        .iter()
                        .map(|(name, t)| (name.clone(), self.value(rng, t)))
                        .collect(),
                ),
                Def::Variant(cases) => {
                    let (name, t) = &cases[rng.below(cases.len())];
                    Val::Variant(
                        name.clone(),
                        t.as_ref().map(|t| Box::new(self.value(rng, t))),
                    )
                }
                Def::Enum(cases) => Val::Enum(cases[rng.below(cases.len())].clone()),
                Def::Flags(flags) => {
                    Val::Flags(flags.iter().filter(|_| rng.chance(50)).cloned().collect())
                }
            },
        }
    }
}

fn random_char(rng: &mut Rng) -> char {
    const SAMPLES: &[char] = &[
        'a',
        'Z',
        '0',
        ' ',
        'é',
        'ß',
        'ж',
        '中',
        '😀',
        '\u{10FFFF}',
        '\0',
    ];
    if rng.chance(50) {
        SAMPLES[rng.below(SAMPLES.len())]
    } else {
        char::from_u32(rng.next() as u32 % 0x11_0000).unwrap_or('?')
    }
}

fn random_string(rng: &mut Rng) -> String {
    (0..rng.below(12)).map(|_| random_char(rng)).collect()
}

/// Whether two values are equal, maps compared as sets of entries (the
/// guest's maps are ordered by key) and flags as sets.
fn same(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Map(a), Val::Map(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.iter().any(|(k2, v2)| same(k, k2) && same(v, v2)))
        }
        (Val::Flags(a), Val::Flags(b)) => {
            a.len() == b.len() && a.iter().all(|flag| b.contains(flag))
        }
        (Val::List(a), Val::List(b))
        | (Val::Tuple(a), Val::Tuple(b))
        | (Val::FixedLengthList(a), Val::FixedLengthList(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
        }
        (Val::Record(a), Val::Record(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|((n, a), (m, b))| n == m && same(a, b))
        }
        (Val::Variant(n, a), Val::Variant(m, b)) => n == m && same_opt(a, b),
        (Val::Option(a), Val::Option(b)) => same_opt(a, b),
        (Val::Result(Ok(a)), Val::Result(Ok(b))) | (Val::Result(Err(a)), Val::Result(Err(b))) => {
            same_opt(a, b)
        }
        _ => a == b,
    }
}

fn same_opt(a: &Option<Box<Val>>, b: &Option<Box<Val>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// One world: its types, functions (`f{i}` takes and returns `w{i}`, a
/// record wrapping the random type) and WIT text.
struct World {
    index: usize,
    types: Types,
    functions: Vec<Ty>,
}

impl World {
    fn random(index: usize, rng: &mut Rng) -> World {
        let mut types = Types::default();
        let functions = (0..FUNCTIONS).map(|_| types.random(rng, 3)).collect();
        World {
            index,
            types,
            functions,
        }
    }

    fn package(&self) -> String {
        format!("fuzz:v{}", self.index)
    }

    fn wit(&self) -> String {
        let mut wit = format!("package {};\n\ninterface types {{\n", self.package());
        for (i, def) in self.types.defs.iter().enumerate() {
            match def {
                Def::Record(fields) => {
                    let fields: Vec<String> = fields
                        .iter()
                        .map(|(name, ty)| format!("{name}: {}", self.types.wit(ty)))
                        .collect();
                    writeln!(wit, "    record t{i} {{ {} }}", fields.join(", ")).unwrap();
                }
                Def::Variant(cases) => {
                    let cases: Vec<String> = cases
                        .iter()
                        .map(|(name, ty)| match ty {
                            Some(ty) => format!("{name}({})", self.types.wit(ty)),
                            None => name.clone(),
                        })
                        .collect();
                    writeln!(wit, "    variant t{i} {{ {} }}", cases.join(", ")).unwrap();
                }
                Def::Enum(cases) => {
                    writeln!(wit, "    enum t{i} {{ {} }}", cases.join(", ")).unwrap()
                }
                Def::Flags(flags) => {
                    writeln!(wit, "    flags t{i} {{ {} }}", flags.join(", ")).unwrap()
                }
            }
        }
        for (i, ty) in self.functions.iter().enumerate() {
            writeln!(wit, "    record w{i} {{ v: {} }}", self.types.wit(ty)).unwrap();
        }
        wit.push_str("}\n");
        let uses: Vec<String> = (0..self.functions.len()).map(|i| format!("w{i}")).collect();
        for iface in ["host", "api"] {
            writeln!(
                wit,
                "\ninterface {iface} {{\n    use types.{{{}}};",
                uses.join(", ")
            )
            .unwrap();
            for i in 0..self.functions.len() {
                writeln!(wit, "    f{i}: func(a: w{i}) -> w{i};").unwrap();
            }
            wit.push_str("}\n");
        }
        // The first world also reports the guest's heap (see `build`).
        let balance = if self.index == 0 {
            "\n    export heap-balance: func() -> s64;"
        } else {
            ""
        };
        writeln!(
            wit,
            "\nworld w {{\n    import host;\n    export api;{balance}\n}}"
        )
        .unwrap();
        wit
    }

    /// The guest's module for this world: bindings, and an `api` that
    /// passes each value to `host` and returns the answer.
    fn rust(&self) -> String {
        let k = self.index;
        let mut functions = String::new();
        for (i, ty) in self.functions.iter().enumerate() {
            let arg = if self.types.has_list(ty) { "&a" } else { "a" };
            writeln!(
                functions,
                "        fn f{i}(a: W{i}) -> W{i} {{ fuzz::v{k}::host::f{i}({arg}) }}"
            )
            .unwrap();
        }
        let uses: Vec<String> = (0..self.functions.len()).map(|i| format!("W{i}")).collect();
        let balance = if k == 0 {
            "    impl Guest for Component {\n        \
             fn heap_balance() -> i64 { crate::LIVE_BYTES.load(core::sync::atomic::Ordering::Relaxed) }\n    \
             }\n\n"
        } else {
            ""
        };
        format!(
            "pub mod w{k} {{\n    witbind::generate!({{ path: \"wit/w{k}.wit\" }});\n\n    \
             struct Component;\n\n{balance}    \
             impl exports::fuzz::v{k}::api::Guest for Component {{\n{functions}    }}\n\n    \
             #[allow(unused_imports)]\n    use fuzz::v{k}::types::{{{}}};\n\n    \
             export!(Component);\n}}\n",
            uses.join(", ")
        )
    }
}

/// The guest's global allocator: the system one, counting the bytes it
/// holds (world 0 exports the count as `heap-balance`).
const COUNTING_ALLOCATOR: &str = "#![allow(clippy::all)]\n\
use std::alloc::{GlobalAlloc, Layout, System};\n\
use std::sync::atomic::{AtomicI64, Ordering};\n\
pub static LIVE_BYTES: AtomicI64 = AtomicI64::new(0);\n\
struct Counting;\n\
#[global_allocator]\n\
static ALLOCATOR: Counting = Counting;\n\
unsafe impl GlobalAlloc for Counting {\n    \
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {\n        \
        LIVE_BYTES.fetch_add(layout.size() as i64, Ordering::Relaxed);\n        \
        unsafe { System.alloc(layout) }\n    \
    }\n    \
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {\n        \
        LIVE_BYTES.fetch_sub(layout.size() as i64, Ordering::Relaxed);\n        \
        unsafe { System.dealloc(ptr, layout) }\n    \
    }\n\
}\n";

/// Builds the guest crate holding every world; the component.
fn build(dir: &Path, worlds: &[World]) -> PathBuf {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir_all(dir.join("wit")).unwrap();
    let mut lib = String::from(COUNTING_ALLOCATOR);
    for world in worlds {
        std::fs::write(dir.join(format!("wit/w{}.wit", world.index)), world.wit()).unwrap();
        lib.push_str(&world.rust());
    }
    std::fs::write(dir.join("src/lib.rs"), lib).unwrap();
    let witbind = repo_root().join("crates/witbind");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"value-fuzz\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             [lib]\ncrate-type = [\"cdylib\"]\n\
             [dependencies]\nwitbind = {{ path = {:?} }}\n[workspace]\n",
            witbind.display().to_string()
        ),
    )
    .unwrap();
    std::fs::copy(repo_root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let target = repo_root().join("target/value-fuzz");
    let output = cargo_for_wasm()
        .args([
            "build",
            "--offline",
            "--quiet",
            "--target",
            "wasm32-wasip2",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .output()
        .expect("running cargo");
    assert!(
        output.status.success(),
        "the value-fuzz guest (WIT and code in {}) does not build:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    target.join("wasm32-wasip2/debug/value_fuzz.wasm")
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn random_values_of_random_types_round_trip() {
    let seed = env_or("WITBIND_VALUE_FUZZ_SEED", 0x5eed_cafe_f00d);
    let count = env_or("WITBIND_VALUE_FUZZ_WORLDS", 20) as usize;
    let mut rng = Rng::new(seed);
    let worlds: Vec<World> = (0..count).map(|i| World::random(i, &mut rng)).collect();
    // Kept for reproduction when the test fails.
    let dir = repo_root().join("target/value-fuzz-guest");
    let _ = std::fs::remove_dir_all(dir.join("wit"));
    let wasm = build(&dir, &worlds);

    let mut guest = Guest::load(&wasm, &Run::new("value-fuzz"), ())
        .unwrap_or_else(|e| panic!("loading the value-fuzz guest: {e:?}"));
    for world in &worlds {
        let mut host = guest
            .linker
            .instance(&format!("{}/host", world.package()))
            .expect("a host instance");
        for i in 0..world.functions.len() {
            host.func_new(&format!("f{i}"), |_, _, params, results| {
                results[0] = params[0].clone();
                Ok(())
            })
            .expect("defining an echo");
        }
    }
    let instance = guest
        .linker
        .instantiate(&mut guest.store, &guest.component)
        .unwrap_or_else(|e| panic!("instantiating the value-fuzz guest: {e:?}"));
    let heap = HeapBalance::new(&instance, &mut guest.store);
    let mut start = heap.read(&mut guest.store);
    let mut calls = 0;
    let mut failures = Vec::new();
    for world in &worlds {
        let api = format!("{}/api", world.package());
        let (_, api_index) = instance
            .get_export(&mut guest.store, None, &api)
            .unwrap_or_else(|| panic!("no export {api}"));
        for (i, ty) in world.functions.iter().enumerate() {
            let (_, func_index) = instance
                .get_export(&mut guest.store, Some(&api_index), &format!("f{i}"))
                .unwrap_or_else(|| panic!("no function {api}#f{i}"));
            let func = instance
                .get_func(&mut guest.store, func_index)
                .expect("a function");
            for _ in 0..VALUES {
                let value = Val::Record(vec![("v".to_string(), world.types.value(&mut rng, ty))]);
                let mut results = [Val::Bool(false)];
                let outcome =
                    func.call(&mut guest.store, std::slice::from_ref(&value), &mut results);
                calls += 1;
                match outcome {
                    Ok(()) if same(&value, &results[0]) => {
                        // Everything the call moved was freed.
                        let now = heap.read(&mut guest.store);
                        if now != start {
                            failures.push(format!(
                                "w{}.f{i} ({}): the guest's heap grew by {} bytes sending {value:?}",
                                world.index,
                                world.types.wit(ty),
                                now - start
                            ));
                            // Report the next leak against this one.
                            start = now;
                            break;
                        }
                    }
                    Ok(()) => failures.push(format!(
                        "w{}.f{i} ({}): sent {value:?}, got {:?}",
                        world.index,
                        world.types.wit(ty),
                        results[0]
                    )),
                    Err(e) => {
                        failures.push(format!(
                            "w{}.f{i} ({}): {value:?} trapped: {e:?}\n{}",
                            world.index,
                            world.types.wit(ty),
                            guest.stderr()
                        ));
                        // The instance may be poisoned after a trap.
                        break;
                    }
                }
            }
            if failures.len() > 5 {
                break;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {calls} round trips failed (WIT in {}):\n{}",
        failures.len(),
        dir.join("wit").display(),
        failures.join("\n")
    );
    assert!(
        calls >= 200.min(count * FUNCTIONS * VALUES),
        "only {calls} calls"
    );
}
