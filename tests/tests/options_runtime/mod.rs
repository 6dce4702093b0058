//! Options that change generated code, at run time: the `options-*`
//! guests (one source, `tests/guests/options-common.rs`) generate
//! `wit/fixtures/options-runtime.wit` with `map_type` (`HashMap`),
//! `std_feature`, `bitflags_path`, `additional_derives(_ignore)`,
//! `type_section_suffix`, `disable_run_ctors_once_workaround`,
//! `disable_custom_section_link_helpers`, `generate_unused_types`,
//! `chainable_methods` and `merge_structurally_equal_types`, with
//! witbind and with wit-bindgen 0.63, and once more with witbind and
//! `raw_strings`. Every build must give the host the same answers.

use std::collections::HashMap;

use wasmtime::component::{HasSelf, Resource};
use witbind_tests::{build_guests, Guest, Run};

mod bindings {
    wasmtime::component::bindgen!({
        path: "../wit/fixtures/options-runtime.wit",
        world: "options-runtime",
        additional_derives: [PartialEq],
    });
}

use bindings::witbind_fixtures::options_runtime::host::{self, Entry, Level, Mode, Tally};
use bindings::witbind_fixtures::options_runtime::mirror;
use bindings::OptionsRuntime;

const GUESTS: [&str; 3] = [
    "options_witbind",
    "options_wit_bindgen",
    "options_witbind_raw",
];

/// The host side: reverses strings, doubles counts, and keeps `tally`
/// resources (representation → words counted).
#[derive(Default)]
pub struct Options {
    tallies: HashMap<u32, u32>,
    next: u32,
}

impl mirror::Host for Options {
    fn reflect(&mut self, entries: Vec<mirror::Entry>) -> Vec<mirror::Entry> {
        entries.into_iter().rev().collect()
    }
}

impl host::HostTally for Options {
    fn new(&mut self) -> Resource<Tally> {
        self.next += 1;
        self.tallies.insert(self.next, 0);
        Resource::new_own(self.next)
    }

    fn add(&mut self, tally: Resource<Tally>, _word: String) {
        *self.tallies.entry(tally.rep()).or_default() += 1;
    }

    fn clear(&mut self, tally: Resource<Tally>) {
        self.tallies.insert(tally.rep(), 0);
    }

    fn total(&mut self, tally: Resource<Tally>) -> u32 {
        self.tallies[&tally.rep()]
    }

    fn drop(&mut self, tally: Resource<Tally>) -> wasmtime::Result<()> {
        self.tallies.remove(&tally.rep());
        Ok(())
    }
}

impl host::Host for Options {
    fn reverse(&mut self, s: String) -> String {
        s.chars().rev().collect()
    }

    fn double(&mut self, counts: HashMap<String, u32>) -> HashMap<String, u32> {
        counts.into_iter().map(|(k, v)| (k, v * 2)).collect()
    }

    fn unused(&mut self) -> u32 {
        0
    }
}

/// What one guest answers to the same calls.
#[derive(Debug, PartialEq)]
struct Answers {
    shout: String,
    entries: Vec<Entry>,
    modes: Mode,
    tally: HashMap<String, u32>,
    check: (Result<u32, Level>, Result<u32, Level>),
    count: u32,
    reflect: Vec<Entry>,
}

fn answers(name: &str) -> Answers {
    let wasm = build_guests().wasm(name);
    let mut guest = Guest::load(wasm, &Run::new(name), Options::default())
        .unwrap_or_else(|e| panic!("loading {name}: {e:?}"));
    OptionsRuntime::add_to_linker::<_, HasSelf<Options>>(&mut guest.linker, |host| &mut host.data)
        .expect("adding the test's imports");
    let instance = OptionsRuntime::instantiate(&mut guest.store, &guest.component, &guest.linker)
        .unwrap_or_else(|e| panic!("instantiating {name}: {e:?}"));
    let api = instance.witbind_fixtures_options_runtime_api();
    let store = &mut guest.store;
    let fail = |e: wasmtime::Error| -> ! { panic!("{name}: {e:?}") };
    let entries = vec![
        Entry {
            key: "k1".into(),
            tags: vec!["a".into(), "ünï".into()],
        },
        Entry {
            key: String::new(),
            tags: Vec::new(),
        },
    ];
    let words: Vec<String> = ["x", "y", "x", "ü", "x"]
        .iter()
        .map(|w| w.to_string())
        .collect();
    Answers {
        shout: api
            .call_shout(&mut *store, "hello, wörld")
            .unwrap_or_else(|e| fail(e)),
        entries: api
            .call_entries(&mut *store, &entries)
            .unwrap_or_else(|e| fail(e)),
        modes: api
            .call_modes(&mut *store, Mode::FAST | Mode::LOUD)
            .unwrap_or_else(|e| fail(e)),
        tally: api
            .call_tally(&mut *store, &words)
            .unwrap_or_else(|e| fail(e)),
        check: (
            api.call_check(&mut *store, Level::Low)
                .unwrap_or_else(|e| fail(e)),
            api.call_check(&mut *store, Level::High)
                .unwrap_or_else(|e| fail(e)),
        ),
        count: api
            .call_count(&mut *store, &words)
            .unwrap_or_else(|e| fail(e)),
        reflect: api
            .call_reflect(&mut *store, &entries)
            .unwrap_or_else(|e| fail(e)),
    }
}

#[test]
fn options_give_the_same_answers_in_every_build() {
    let expected = Answers {
        shout: "DLRöW ,OLLEH".to_string(),
        entries: vec![
            Entry {
                key: "k1".into(),
                tags: vec!["a".into(), "ünï".into(), "k1".into()],
            },
            Entry {
                key: String::new(),
                tags: vec![String::new()],
            },
        ],
        modes: Mode::FAST,
        tally: HashMap::from([("x".into(), 6), ("y".into(), 2), ("ü".into(), 2)]),
        check: (Ok(1), Err(Level::High)),
        count: 5,
        reflect: vec![
            Entry {
                key: String::new(),
                tags: Vec::new(),
            },
            Entry {
                key: "k1".into(),
                tags: vec!["a".into(), "ünï".into()],
            },
        ],
    };
    for name in GUESTS {
        assert_eq!(answers(name), expected, "{name}");
    }
}

mod ownership_bindings {
    wasmtime::component::bindgen!({
        path: "../wit/fixtures/ownership-runtime.wit",
        world: "ownership-runtime",
    });
}

use ownership_bindings::witbind_fixtures::ownership_runtime::host as ownership_host;

/// The host of the ownership guests: formats what it receives.
pub struct Formatter;

impl ownership_host::Host for Formatter {
    fn describe(&mut self, a: ownership_host::OnlyIn, p: ownership_host::Pick) -> String {
        let pick = match p {
            ownership_host::Pick::Text(text) => format!("text({text})"),
            ownership_host::Pick::Many(many) => format!("many({})", many.join("+")),
            ownership_host::Pick::Nothing => "nothing".to_string(),
        };
        format!("{}[{}]:{pick}", a.name, a.tags.join(","))
    }

    fn roundtrip(&mut self, mut b: ownership_host::Both) -> ownership_host::Both {
        b.items.reverse();
        b
    }

    fn join(&mut self, parts: Vec<Vec<String>>, sep: Option<String>) -> String {
        let parts: Vec<String> = parts.iter().map(|inner| inner.join(",")).collect();
        parts.join(sep.as_deref().unwrap_or("/"))
    }
}

/// `ownership: Borrowing { duplicate_if_necessary: true }`: borrowed
/// parameter types (`OnlyIn<'_>`, `BothParam<'_>`, `&[&[&str]]`) and owned
/// results (`BothResult`) carry the same values with witbind as with
/// wit-bindgen.
#[test]
fn borrowing_ownership_passes_the_same_values() {
    for name in ["ownership_witbind", "ownership_wit_bindgen"] {
        let wasm = build_guests().wasm(name);
        let mut guest = Guest::load(wasm, &Run::new(name), Formatter)
            .unwrap_or_else(|e| panic!("loading {name}: {e:?}"));
        ownership_bindings::OwnershipRuntime::add_to_linker::<_, HasSelf<Formatter>>(
            &mut guest.linker,
            |host| &mut host.data,
        )
        .expect("adding the test's imports");
        let instance = ownership_bindings::OwnershipRuntime::instantiate(
            &mut guest.store,
            &guest.component,
            &guest.linker,
        )
        .unwrap_or_else(|e| panic!("instantiating {name}: {e:?}"));
        let got = instance
            .witbind_fixtures_ownership_runtime_api()
            .call_run(&mut guest.store, "wörld")
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(
            got,
            "wörld[red,ünï]:many(red+ünï);x[]:text(wörld);[]:nothing;wörld:[3, 2, 1];a,b |  | wörld;c/d",
            "{name}"
        );
    }
}

mod mutable_bindings {
    wasmtime::component::bindgen!({
        path: "../wit/fixtures/opt-mutable-resources.wit",
        world: "opt-mutable-resources",
    });
}

/// `mutable_resources`: an exported resource's state changed through
/// `&mut self` methods persists between calls.
#[test]
fn mutable_resource_methods_keep_their_changes() {
    let wasm = build_guests().wasm("mutable_resources");
    let mut guest = Guest::load(wasm, &Run::new("mutable-resources"), ())
        .unwrap_or_else(|e| panic!("loading mutable-resources: {e:?}"));
    let instance = mutable_bindings::OptMutableResources::instantiate(
        &mut guest.store,
        &guest.component,
        &guest.linker,
    )
    .unwrap_or_else(|e| panic!("instantiating mutable-resources: {e:?}"));
    let stack = instance
        .witbind_fixtures_opt_mutable_resources_api()
        .stack();
    let store = &mut guest.store;
    let fail = |e: wasmtime::Error| -> ! { panic!("mutable-resources: {e:?}") };
    let resource = stack
        .call_constructor(&mut *store)
        .unwrap_or_else(|e| fail(e));
    for x in [1, 2, 3] {
        stack
            .call_push(&mut *store, resource, x)
            .unwrap_or_else(|e| fail(e));
    }
    assert_eq!(
        stack
            .call_pop(&mut *store, resource)
            .unwrap_or_else(|e| fail(e)),
        Some(3)
    );
    assert_eq!(
        stack
            .call_len(&mut *store, resource)
            .unwrap_or_else(|e| fail(e)),
        2
    );
    resource
        .resource_drop(&mut *store)
        .unwrap_or_else(|e| fail(e));
}

/// `export_prefix`: every core export of the bindings carries the prefix
/// (function, post-return, resource constructor, method and destructor,
/// async entry point and callback, world-level function). The guest is
/// linked as a core module, since component tooling expects unprefixed
/// names.
#[test]
fn export_prefix_prefixes_every_core_export() {
    let wasm = build_guests().wasm("export_prefix");
    let bytes = std::fs::read(wasm).expect("reading export-prefix");
    let mut exports = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        if let Ok(wasmparser::Payload::ExportSection(section)) = payload {
            for export in section {
                exports.push(export.expect("a valid export").name.to_string());
            }
        }
    }
    let iface = "witbind-fixtures:opt-export-prefix/api";
    let expected = [
        format!("pfx_{iface}#name"),
        format!("pfx_cabi_post_{iface}#name"),
        format!("pfx_{iface}#[constructor]counter"),
        format!("pfx_{iface}#[method]counter.next"),
        format!("pfx_{iface}#[dtor]counter"),
        format!("pfx_[async-lift]{iface}#later"),
        format!("pfx_[callback][async-lift]{iface}#later"),
        "pfx_run".to_string(),
    ];
    for name in &expected {
        assert!(exports.contains(name), "no export `{name}` in {exports:?}");
    }
    // Not the bindings' own: the memory, the allocator, and the runtime's
    // allocator function that its weak `cabi_realloc` calls.
    let runtime = |name: &str| {
        name == "memory" || name == "cabi_realloc" || name.starts_with("witbind_cabi_realloc_")
    };
    let unprefixed: Vec<&String> = exports
        .iter()
        .filter(|name| !name.starts_with("pfx_") && !runtime(name))
        .collect();
    assert!(
        unprefixed.is_empty(),
        "exports without the prefix: {unprefixed:?}"
    );
}
