//! `wit/fixtures/borrowed-imports.wit` run in wasmtime: the host owns
//! `handle-source` resources and lends them to the guest's exports, alone
//! and inside options, variants, records and lists, in an exported
//! interface and at world level. The guest reads each id through its
//! borrowed handle, and must have dropped every borrowed handle when the
//! call returns: wasmtime traps otherwise ("borrow handles still remain at
//! the end of the call"). Lending never drops the host's resource.

use std::collections::HashMap;

use wasmtime::component::{HasSelf, Resource};
use witbind_tests::{build_guests, Guest, Run};

mod bindings {
    wasmtime::component::bindgen!({
        path: "../wit/fixtures/borrowed-imports.wit",
        world: "borrowed-imports",
    });
}

use bindings::exports::witbind_fixtures::borrowed_imports::api::{Lent, Pick, Wrapper};
use bindings::witbind_fixtures::borrowed_imports::res::{self, HandleSource};
use bindings::BorrowedImports;

/// The host's resources: representation → id; and how many were dropped.
#[derive(Default)]
pub struct Sources {
    ids: HashMap<u32, u32>,
    next_rep: u32,
    dropped: usize,
}

impl Sources {
    fn create(&mut self, id: u32) -> Resource<HandleSource> {
        self.next_rep += 1;
        self.ids.insert(self.next_rep, id);
        Resource::new_own(self.next_rep)
    }
}

impl res::Host for Sources {}

impl res::HostHandleSource for Sources {
    fn new(&mut self) -> Resource<HandleSource> {
        self.create(0)
    }

    fn id(&mut self, source: Resource<HandleSource>) -> u32 {
        self.ids[&source.rep()]
    }

    fn drop(&mut self, source: Resource<HandleSource>) -> wasmtime::Result<()> {
        self.ids.remove(&source.rep());
        self.dropped += 1;
        Ok(())
    }
}

/// A lent handle: a borrow of the host-owned resource `rep`.
fn lend(source: &Resource<HandleSource>) -> Resource<HandleSource> {
    Resource::new_borrow(source.rep())
}

/// Every export is called (several times, so that a borrow left behind by
/// one call would also fail the next) and returns the sum of the ids the
/// guest read through the borrows.
pub fn every_borrow_is_released(guest_name: &str) {
    let wasm = build_guests().wasm(guest_name);
    let mut guest = Guest::load(wasm, &Run::new(guest_name), Sources::default())
        .unwrap_or_else(|e| panic!("loading {guest_name}: {e:?}"));
    BorrowedImports::add_to_linker::<_, HasSelf<Sources>>(&mut guest.linker, |host| &mut host.data)
        .expect("adding `res` to the linker");
    let exports = BorrowedImports::instantiate(&mut guest.store, &guest.component, &guest.linker)
        .unwrap_or_else(|e| panic!("instantiating {guest_name}: {e:?}"));
    let store = &mut guest.store;
    let [one, two, three]: [Resource<HandleSource>; 3] =
        [1, 20, 300].map(|id| store.data_mut().data.create(id));
    let api = exports.witbind_fixtures_borrowed_imports_api();
    let trap =
        |what: &str, e: wasmtime::Error| -> ! { panic!("{guest_name}: `{what}` trapped: {e:?}") };
    for _ in 0..3 {
        let calls: Vec<(&str, wasmtime::Result<u32>, u32)> = vec![
            (
                "add (world level)",
                exports.call_add(&mut *store, lend(&one), lend(&two)),
                21,
            ),
            ("single", api.call_single(&mut *store, lend(&three)), 300),
            (
                "maybe(some)",
                api.call_maybe(&mut *store, Some(lend(&two))),
                20,
            ),
            ("maybe(none)", api.call_maybe(&mut *store, None), 0),
            (
                "choose(one)",
                api.call_choose(&mut *store, Pick::One(lend(&one))),
                1,
            ),
            ("choose(none)", api.call_choose(&mut *store, Pick::None), 0),
            (
                "many",
                api.call_many(
                    &mut *store,
                    &[lend(&one), lend(&two), lend(&three), lend(&one)],
                ),
                322,
            ),
            (
                "nested",
                api.call_nested(&mut *store, &[Some(lend(&one)), None, Some(lend(&three))]),
                301,
            ),
            (
                "wrapped",
                api.call_wrapped(
                    &mut *store,
                    &Wrapper {
                        inner: Lent {
                            source: lend(&two),
                            label: "label".to_string(),
                        },
                        also: Some(lend(&three)),
                    },
                    &[
                        Lent {
                            source: lend(&one),
                            label: "label".to_string(),
                        },
                        Lent {
                            source: lend(&three),
                            label: "label".to_string(),
                        },
                    ],
                ),
                20 + 300 + 1 + 300,
            ),
        ];
        for (what, result, expected) in calls {
            let got = result.unwrap_or_else(|e| trap(what, e));
            assert_eq!(got, expected, "{guest_name}: `{what}`");
        }
    }
    assert_eq!(
        store.data().data.dropped,
        0,
        "{guest_name}: lending a resource must not drop it"
    );
}
