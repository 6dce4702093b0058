//! The guest of the performance benchmark (`tests/benches/perf.rs`) for
//! `wit/perf/perf.wit`: every `echo-*` export returns its argument, and
//! `drive` calls the matching `host` import in a loop with a payload built
//! once. Compiled against `bindings` from witbind (`perf-witbind`) and from
//! wit-bindgen 0.63 (`perf-wit-bindgen`), so the two components differ only
//! in their bindings.

use std::cell::Cell;

use crate::bindings::exports::witbind_perf::bench::api::{Guest, GuestCounter};
use crate::bindings::witbind_perf::bench::host::{self, Accumulator};
use crate::bindings::witbind_perf::bench::types::{Event, Person, Point, Workload};

struct Component;

crate::bindings::export!(Component with_types_in crate::bindings);

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

    fn drive(workload: Workload, size: u32, iterations: u32) -> u64 {
        let mut checksum = 0u64;
        match workload {
            Workload::String => {
                let s = string(size);
                for _ in 0..iterations {
                    checksum += host::echo_string(&s).len() as u64;
                }
            }
            Workload::Bytes => {
                let b = bytes(size);
                for _ in 0..iterations {
                    checksum += host::echo_bytes(&b).len() as u64;
                }
            }
            Workload::Points => {
                let p: Vec<Point> = (0..size).map(point).collect();
                for _ in 0..iterations {
                    checksum += host::echo_points(&p)
                        .iter()
                        .map(|p| u64::from(p.id))
                        .sum::<u64>();
                }
            }
            Workload::People => {
                let p: Vec<Person> = (0..size).map(person).collect();
                for _ in 0..iterations {
                    checksum += host::echo_people(&p)
                        .iter()
                        .map(|p| p.name.len() as u64)
                        .sum::<u64>();
                }
            }
            Workload::Events => {
                let e: Vec<Event> = (0..size).map(event).collect();
                for _ in 0..iterations {
                    checksum += host::echo_events(&e).len() as u64;
                }
            }
            Workload::Resource => {
                for i in 0..iterations {
                    let accumulator = Accumulator::new(u64::from(i));
                    checksum += accumulator.add(1);
                }
            }
        }
        checksum
    }
}

/// The `counter` resource: created, called once and dropped by the host.
pub struct Counter(Cell<u64>);

impl GuestCounter for Counter {
    fn new(start: u64) -> Self {
        Counter(Cell::new(start))
    }

    fn add(&self, n: u64) -> u64 {
        let value = self.0.get() + n;
        self.0.set(value);
        value
    }
}

// The payloads: the host (tests/src/perf/host.rs) builds the same ones.

fn string(len: u32) -> String {
    (0..len)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect()
}

fn bytes(len: u32) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn point(i: u32) -> Point {
    Point {
        x: f64::from(i),
        y: f64::from(i) * 0.5,
        z: -f64::from(i),
        id: i,
    }
}

fn person(i: u32) -> Person {
    Person {
        name: format!("person {i}"),
        email: format!("person.{i}@example.com"),
        id: i,
    }
}

fn event(i: u32) -> Event {
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
