//! `wit/fixtures/named-imports.wit` run in wasmtime: the guest imports one
//! interface twice, as `primary` and `secondary`. The host serves each
//! name from a store of its own; every call the guest makes through
//! `primary::…` must reach the first and through `secondary::…` the
//! second, including resource constructors and methods.

use std::collections::HashMap;

use wasmtime::component::{HasSelf, Resource};
use witbind_tests::{build_guests, Guest, Run};

mod bindings {
    wasmtime::component::bindgen!({
        path: "../wit/fixtures/named-imports.wit",
        world: "named-imports",
    });
}

use bindings::witbind_fixtures::named_imports::store::{self, Bucket, Entry, Error};
use bindings::NamedImports;

/// One store instance of the host.
pub struct Store {
    name: &'static str,
    entries: HashMap<String, u32>,
    buckets: HashMap<u32, String>,
    next_rep: u32,
}

impl Store {
    fn new(name: &'static str, entries: &[(&str, u32)]) -> Self {
        Store {
            name,
            entries: entries.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            buckets: HashMap::new(),
            next_rep: 0,
        }
    }
}

impl store::Host for Store {
    fn describe(&mut self) -> String {
        format!("{} store", self.name)
    }

    fn set(&mut self, entry: Entry) -> Option<Entry> {
        let previous = self.entries.insert(entry.key.clone(), entry.value);
        previous.map(|value| Entry {
            key: entry.key,
            value,
        })
    }
}

impl store::HostBucket for Store {
    fn new(&mut self, name: String) -> Resource<Bucket> {
        self.next_rep += 1;
        self.buckets
            .insert(self.next_rep, format!("{}/{name}", self.name));
        Resource::new_own(self.next_rep)
    }

    fn name(&mut self, bucket: Resource<Bucket>) -> String {
        self.buckets[&bucket.rep()].clone()
    }

    fn get(&mut self, _bucket: Resource<Bucket>, key: String) -> Result<Entry, Error> {
        match self.entries.get(&key) {
            Some(value) => Ok(Entry { key, value: *value }),
            None => Err(Error::Missing),
        }
    }

    fn drop(&mut self, bucket: Resource<Bucket>) -> wasmtime::Result<()> {
        self.buckets.remove(&bucket.rep());
        Ok(())
    }
}

/// The host's two instances.
pub struct Stores {
    primary: Store,
    secondary: Store,
}

/// Runs `copy` for a key only the primary store has, then again once the
/// secondary has it too.
pub fn each_name_reaches_its_own_instance(guest_name: &str) {
    let wasm = build_guests().wasm(guest_name);
    let stores = Stores {
        primary: Store::new("primary", &[("answer", 42)]),
        secondary: Store::new("secondary", &[]),
    };
    let mut guest = Guest::load(wasm, &Run::new(guest_name), stores)
        .unwrap_or_else(|e| panic!("loading {guest_name}: {e:?}"));
    let linker = &mut guest.linker;
    store::add_to_linker_instance::<_, HasSelf<Store>>(
        &mut linker.instance("primary").expect("instance `primary`"),
        |host| &mut host.data.primary,
    )
    .expect("adding `primary`");
    store::add_to_linker_instance::<_, HasSelf<Store>>(
        &mut linker.instance("secondary").expect("instance `secondary`"),
        |host| &mut host.data.secondary,
    )
    .expect("adding `secondary`");
    let exports = NamedImports::instantiate(&mut guest.store, &guest.component, &guest.linker)
        .unwrap_or_else(|e| panic!("instantiating {guest_name}: {e:?}"));

    let report = exports
        .call_copy(&mut guest.store, "answer")
        .unwrap_or_else(|e| panic!("copy trapped: {e:?}"));
    assert_eq!(
        report,
        [
            "primary store",
            "secondary store",
            "primary/main->secondary/backup",
            "stored answer=42",
            "backup has answer=42",
        ]
    );
    assert_eq!(guest.store.data().data.secondary.entries["answer"], 42);
    assert!(
        guest.store.data().data.primary.buckets.is_empty()
            && guest.store.data().data.secondary.buckets.is_empty(),
        "the guest dropped both buckets, each in its own instance"
    );

    let report = exports
        .call_copy(&mut guest.store, "answer")
        .unwrap_or_else(|e| panic!("copy trapped: {e:?}"));
    assert_eq!(report[3], "replaced answer=42");

    let report = exports
        .call_copy(&mut guest.store, "nothing")
        .unwrap_or_else(|e| panic!("copy trapped: {e:?}"));
    assert_eq!(report, ["primary: missing"]);
}
