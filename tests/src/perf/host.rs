//! The host of `wit/perf/perf.wit` (wasmtime's `bindgen!`) for the
//! performance benchmark's guests (`tests/guests/perf-*`): the `host`
//! imports (each returns its argument; `accumulator` lives in a resource
//! table) and [`PerfInstance`], which times loops of export calls and of
//! import calls made by the guest's `drive` export.

use std::path::Path;
use std::time::{Duration, Instant};

use wasmtime::component::{HasSelf, Resource, ResourceTable};
use wasmtime::Store;

use crate::{Guest, Host, Run};

#[allow(missing_docs, clippy::all)]
pub mod bindings {
    wasmtime::component::bindgen!({
        path: "../wit/perf/perf.wit",
        world: "perf",
        with: {
            "witbind-perf:bench/host.accumulator": super::Accumulator,
        },
        additional_derives: [PartialEq],
    });
}

use bindings::witbind_perf::bench::{host, types};
pub use types::{Event, Person, Point, Workload};

/// The host's `accumulator` resource.
pub struct Accumulator(u64);

/// The store data of the benchmark's own imports.
#[derive(Default)]
pub struct PerfState {
    table: ResourceTable,
}

impl types::Host for PerfState {}

impl host::Host for PerfState {
    fn echo_string(&mut self, s: String) -> String {
        s
    }
    fn echo_bytes(&mut self, b: Vec<u8>) -> Vec<u8> {
        b
    }
    fn echo_points(&mut self, p: Vec<Point>) -> Vec<Point> {
        p
    }
    fn echo_people(&mut self, p: Vec<Person>) -> Vec<Person> {
        p
    }
    fn echo_events(&mut self, e: Vec<Event>) -> Vec<Event> {
        e
    }
}

impl host::HostAccumulator for PerfState {
    fn new(&mut self, start: u64) -> Resource<Accumulator> {
        self.table
            .push(Accumulator(start))
            .expect("room in the resource table")
    }

    fn add(&mut self, accumulator: Resource<Accumulator>, n: u64) -> u64 {
        let accumulator = self
            .table
            .get_mut(&accumulator)
            .expect("a live accumulator");
        accumulator.0 += n;
        accumulator.0
    }

    fn drop(&mut self, accumulator: Resource<Accumulator>) -> wasmtime::Result<()> {
        self.table.delete(accumulator)?;
        Ok(())
    }
}

/// The payloads, as the guest (`tests/guests/perf-common.rs`) builds them.
pub mod payload {
    use super::{Event, Person, Point};

    /// `len` ASCII letters.
    pub fn string(len: u32) -> String {
        (0..len)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect()
    }

    /// `len` bytes.
    pub fn bytes(len: u32) -> Vec<u8> {
        (0..len).map(|i| (i % 251) as u8).collect()
    }

    /// Point `i`.
    pub fn point(i: u32) -> Point {
        Point {
            x: f64::from(i),
            y: f64::from(i) * 0.5,
            z: -f64::from(i),
            id: i,
        }
    }

    /// Person `i`.
    pub fn person(i: u32) -> Person {
        Person {
            name: format!("person {i}"),
            email: format!("person.{i}@example.com"),
            id: i,
        }
    }

    /// Event `i`: the seven cases in turn.
    pub fn event(i: u32) -> Event {
        match i % 7 {
            0 => Event::None,
            1 => Event::Flag(i.is_multiple_of(2)),
            2 => Event::Count(u64::from(i) << 20),
            3 => Event::Ratio(f64::from(i) / 7.0),
            4 => Event::Label(format!("event {i}")),
            5 => Event::At(point(i)),
            _ => Event::Tags(vec![format!("tag {i}"), format!("tag {}", i + 1)]),
        }
    }
}

/// What `drive(workload, size, iterations)` returns.
pub fn drive_checksum(workload: Workload, size: u32, iterations: u32) -> u64 {
    let n = u64::from(iterations);
    match workload {
        Workload::String | Workload::Bytes | Workload::Events => u64::from(size) * n,
        Workload::Points => (0..u64::from(size)).sum::<u64>() * n,
        Workload::People => {
            (0..size)
                .map(|i| payload::person(i).name.len() as u64)
                .sum::<u64>()
                * n
        }
        // Accumulator `i` starts at `i` and gets 1 added.
        Workload::Resource => (1..=n).sum(),
    }
}

/// One instance of a benchmark guest.
pub struct PerfInstance {
    store: Store<Host<PerfState>>,
    exports: bindings::Perf,
    name: String,
}

impl PerfInstance {
    /// Compiles and instantiates the component `wasm`, named `name` in
    /// messages.
    pub fn new(name: &str, wasm: &Path) -> wasmtime::Result<PerfInstance> {
        Self::load(name, wasm, &Run::new(name))
    }

    /// Like [`PerfInstance::new`], in an engine that counts the guest's
    /// instructions (wasmtime fuel), for [`PerfInstance::instructions`].
    pub fn counting(name: &str, wasm: &Path) -> wasmtime::Result<PerfInstance> {
        Self::load(name, wasm, &Run::new(name).count_fuel())
    }

    fn load(name: &str, wasm: &Path, run: &Run) -> wasmtime::Result<PerfInstance> {
        let mut guest = Guest::load(wasm, run, PerfState::default())?;
        bindings::Perf::add_to_linker::<_, HasSelf<PerfState>>(&mut guest.linker, |host| {
            &mut host.data
        })?;
        let exports =
            bindings::Perf::instantiate(&mut guest.store, &guest.component, &guest.linker)?;
        Ok(PerfInstance {
            store: guest.store,
            exports,
            name: name.to_string(),
        })
    }

    /// The guest's wasm instructions per call of `workload` with a payload
    /// of `size` (an instance made with [`PerfInstance::counting`]): host
    /// calls of the export (`import == false`) or the guest's calls of the
    /// import in `drive`. Measured as the difference between 4 and 12
    /// calls, after a warm-up, so that the constant parts (the spot check,
    /// `drive`'s own call, memory growth) cancel out; deterministic.
    pub fn instructions(
        &mut self,
        import: bool,
        workload: Workload,
        size: u32,
    ) -> wasmtime::Result<f64> {
        let mut fuel_of = |calls: u32| -> wasmtime::Result<u64> {
            let before = self.store.get_fuel()?;
            if import {
                self.import_loop(workload, size, calls)?;
            } else {
                self.export_loop(workload, size, calls)?;
            }
            Ok(before - self.store.get_fuel()?)
        };
        fuel_of(4)?;
        let few = fuel_of(4)?;
        let many = fuel_of(12)?;
        Ok(many.saturating_sub(few) as f64 / 8.0)
    }

    /// Calls the `echo-*` export of `workload` (or creates, calls and drops
    /// a `counter`) `calls` times with a payload of `size` built once, and
    /// checks what comes back; the time the calls took.
    pub fn export_loop(
        &mut self,
        workload: Workload,
        size: u32,
        calls: u32,
    ) -> wasmtime::Result<Duration> {
        let name = self.name.clone();
        let store = &mut self.store;
        let api = self.exports.witbind_perf_bench_api();
        let check = |ok: bool, what: &str| {
            if !ok {
                wasmtime::bail!("{name}: `{what}` returned something else than its argument");
            }
            Ok(())
        };
        let start;
        match workload {
            Workload::String => {
                let s = payload::string(size);
                start = Instant::now();
                for _ in 0..calls {
                    let back = api.call_echo_string(&mut *store, &s)?;
                    check(back.len() == s.len(), "echo-string")?;
                }
            }
            Workload::Bytes => {
                let b = payload::bytes(size);
                start = Instant::now();
                for _ in 0..calls {
                    let back = api.call_echo_bytes(&mut *store, &b)?;
                    check(back.len() == b.len(), "echo-bytes")?;
                }
            }
            Workload::Points => {
                let p: Vec<Point> = (0..size).map(payload::point).collect();
                start = Instant::now();
                for _ in 0..calls {
                    let back = api.call_echo_points(&mut *store, &p)?;
                    check(back.len() == p.len(), "echo-points")?;
                }
            }
            Workload::People => {
                let p: Vec<Person> = (0..size).map(payload::person).collect();
                start = Instant::now();
                for _ in 0..calls {
                    let back = api.call_echo_people(&mut *store, &p)?;
                    check(back.len() == p.len(), "echo-people")?;
                }
            }
            Workload::Events => {
                let e: Vec<Event> = (0..size).map(payload::event).collect();
                start = Instant::now();
                for _ in 0..calls {
                    let back = api.call_echo_events(&mut *store, &e)?;
                    check(back.len() == e.len(), "echo-events")?;
                }
            }
            Workload::Resource => {
                let counter = api.counter();
                start = Instant::now();
                for i in 0..calls {
                    let resource = counter.call_constructor(&mut *store, u64::from(i))?;
                    let value = counter.call_add(&mut *store, resource, 1)?;
                    resource.resource_drop(&mut *store)?;
                    check(value == u64::from(i) + 1, "counter.add")?;
                }
            }
        }
        let elapsed = start.elapsed();
        // Spot-check the values once, outside the timing.
        self.check_values(workload, size)?;
        Ok(elapsed)
    }

    fn check_values(&mut self, workload: Workload, size: u32) -> wasmtime::Result<()> {
        let store = &mut self.store;
        let api = self.exports.witbind_perf_bench_api();
        let same = match workload {
            Workload::String => {
                let s = payload::string(size);
                api.call_echo_string(&mut *store, &s)? == s
            }
            Workload::Bytes => {
                let b = payload::bytes(size);
                api.call_echo_bytes(&mut *store, &b)? == b
            }
            Workload::Points => {
                let p: Vec<Point> = (0..size).map(payload::point).collect();
                let back = api.call_echo_points(&mut *store, &p)?;
                back == p
            }
            Workload::People => {
                let p: Vec<Person> = (0..size).map(payload::person).collect();
                let back = api.call_echo_people(&mut *store, &p)?;
                back == p
            }
            Workload::Events => {
                let e: Vec<Event> = (0..size).map(payload::event).collect();
                let back = api.call_echo_events(&mut *store, &e)?;
                back == e
            }
            Workload::Resource => true,
        };
        if !same {
            wasmtime::bail!(
                "{}: the echo of {workload:?} came back different",
                self.name
            );
        }
        Ok(())
    }

    /// Calls `drive(workload, size, iterations)`: the guest calls the
    /// matching import `iterations` times. Checks the checksum; the time
    /// the call took.
    pub fn import_loop(
        &mut self,
        workload: Workload,
        size: u32,
        iterations: u32,
    ) -> wasmtime::Result<Duration> {
        let api = self.exports.witbind_perf_bench_api();
        let start = Instant::now();
        let checksum = api.call_drive(&mut self.store, workload, size, iterations)?;
        let elapsed = start.elapsed();
        let expected = drive_checksum(workload, size, iterations);
        if checksum != expected {
            wasmtime::bail!(
                "{}: drive({workload:?}, {size}, {iterations}) returned {checksum}, not {expected}",
                self.name
            );
        }
        Ok(elapsed)
    }
}
