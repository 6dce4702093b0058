//! The guest side of the round-trip test (tests/tests/runtime.rs) for
//! `wit/fixtures/roundtrip.wit`: every `guest` export passes its value to the
//! matching `host` import and returns the host's answer, so each value is
//! lifted and lowered on both sides of the guest. `counter` is a
//! guest-implemented resource, whose values live in an arena of their own
//! (the `resource_into_raw_`/`resource_from_raw_` hooks) rather than in a
//! heap box each.
//!
//! Like `differential-common.rs`, this file is compiled against `bindings`
//! from witbind (`roundtrip-witbind`, and `roundtrip-nostd` without std)
//! and from wit-bindgen 0.63 (`roundtrip-wit-bindgen`), and every component
//! must pass the same test. It uses only `core` and `alloc`; each crate
//! installs [`CountingAllocator`] over an allocator of its choice.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::alloc::{GlobalAlloc, Layout};
use core::cell::{Cell, UnsafeCell};
use core::sync::atomic::{AtomicI64, AtomicU32, AtomicU64, Ordering};

use crate::bindings::exports::witbind_fixtures::roundtrip::guest::{
    Counter, CounterBorrow, Guest, GuestCounter,
};
use crate::bindings::witbind_fixtures::roundtrip::host;
use crate::bindings::witbind_fixtures::roundtrip::types::{
    Align1, Align2, Align4, Align8, Color, Full, Mixed, Nested, Point, Shape, Small,
};

struct Component;

crate::bindings::export!(Component with_types_in crate::bindings);

impl Guest for Component {
    type Counter = MyCounter;

    fn echo_bool(v: bool) -> bool {
        host::echo_bool(v)
    }
    fn echo_s8(v: i8) -> i8 {
        host::echo_s8(v)
    }
    fn echo_u8(v: u8) -> u8 {
        host::echo_u8(v)
    }
    fn echo_s16(v: i16) -> i16 {
        host::echo_s16(v)
    }
    fn echo_u16(v: u16) -> u16 {
        host::echo_u16(v)
    }
    fn echo_s32(v: i32) -> i32 {
        host::echo_s32(v)
    }
    fn echo_u32(v: u32) -> u32 {
        host::echo_u32(v)
    }
    fn echo_s64(v: i64) -> i64 {
        host::echo_s64(v)
    }
    fn echo_u64(v: u64) -> u64 {
        host::echo_u64(v)
    }
    fn echo_f32(v: f32) -> f32 {
        host::echo_f32(v)
    }
    fn echo_f64(v: f64) -> f64 {
        host::echo_f64(v)
    }
    fn echo_char(v: char) -> char {
        host::echo_char(v)
    }
    fn echo_string(v: String) -> String {
        host::echo_string(&v)
    }
    fn echo_bytes(v: Vec<u8>) -> Vec<u8> {
        host::echo_bytes(&v)
    }
    fn echo_u32s(v: Vec<u32>) -> Vec<u32> {
        host::echo_u32s(&v)
    }
    fn echo_f64s(v: Vec<f64>) -> Vec<f64> {
        host::echo_f64s(&v)
    }
    fn echo_strings(v: Vec<String>) -> Vec<String> {
        host::echo_strings(&v)
    }
    fn echo_points(v: Vec<Point>) -> Vec<Point> {
        host::echo_points(&v)
    }
    fn echo_align1(v: Vec<Align1>) -> Vec<Align1> {
        host::echo_align1(&v)
    }
    fn echo_align2(v: Vec<Align2>) -> Vec<Align2> {
        host::echo_align2(&v)
    }
    fn echo_align4(v: Vec<Align4>) -> Vec<Align4> {
        host::echo_align4(&v)
    }
    fn echo_align8(v: Vec<Align8>) -> Vec<Align8> {
        host::echo_align8(&v)
    }
    fn echo_nested_lists(v: Vec<Vec<String>>) -> Vec<Vec<String>> {
        host::echo_nested_lists(&v)
    }
    fn echo_opt_string(v: Option<String>) -> Option<String> {
        host::echo_opt_string(v.as_deref())
    }
    fn echo_opt_opt(v: Option<Option<u32>>) -> Option<Option<u32>> {
        host::echo_opt_opt(v)
    }
    fn echo_res_full(v: Result<String, Color>) -> Result<String, Color> {
        host::echo_res_full(v.as_deref())
    }
    fn echo_res_unit(v: Result<(), ()>) -> Result<(), ()> {
        host::echo_res_unit(v)
    }
    fn echo_res_err(v: Result<(), String>) -> Result<(), String> {
        host::echo_res_err(v.as_ref().map(|_| ()).map_err(String::as_str))
    }
    fn echo_res_ok(v: Result<u64, ()>) -> Result<u64, ()> {
        host::echo_res_ok(v)
    }
    fn echo_tuple(v: (u8, String, f64)) -> (u8, String, f64) {
        host::echo_tuple((v.0, &v.1, v.2))
    }
    fn echo_point(v: Point) -> Point {
        host::echo_point(v)
    }
    fn echo_nested(v: Nested) -> Nested {
        host::echo_nested(&v)
    }
    fn echo_shape(v: Shape) -> Shape {
        host::echo_shape(&v)
    }
    fn echo_shapes(v: Vec<Shape>) -> Vec<Shape> {
        host::echo_shapes(&v)
    }
    fn echo_color(v: Color) -> Color {
        host::echo_color(v)
    }
    fn echo_small(v: Small) -> Small {
        host::echo_small(v)
    }
    fn echo_full(v: Full) -> Full {
        host::echo_full(v)
    }
    fn echo_mixed(v: Mixed) -> Mixed {
        host::echo_mixed(&v)
    }
    #[allow(clippy::too_many_arguments)]
    fn echo_many(
        a0: u32,
        a1: u32,
        a2: u32,
        a3: u32,
        a4: u32,
        a5: u32,
        a6: u32,
        a7: u32,
        a8: u32,
        a9: u32,
        a10: u32,
        a11: u32,
        a12: u32,
        a13: u32,
        a14: u32,
        a15: u32,
        a16: u32,
    ) -> Vec<u32> {
        host::echo_many(
            a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16,
        )
    }

    fn dropped_counters() -> u32 {
        DROPPED.load(Ordering::Relaxed)
    }

    fn memory_pages() -> u32 {
        core::arch::wasm32::memory_size(0) as u32
    }

    fn heap_balance() -> i64 {
        LIVE_BYTES.load(Ordering::Relaxed)
    }
}

/// Bytes allocated minus bytes freed through the global allocator. Every
/// byte the host hands the guest must come from `cabi_realloc`, which must
/// use this allocator, since the bindings free arguments through it.
static LIVE_BYTES: AtomicI64 = AtomicI64::new(0);

/// Another allocator, counting: each guest crate installs one as its
/// `#[global_allocator]`.
pub struct CountingAllocator<A>(pub A);

fn count(bytes: usize, sign: i64) {
    LIVE_BYTES.fetch_add(sign * bytes as i64, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to `A` with the same arguments.
unsafe impl<A: GlobalAlloc> GlobalAlloc for CountingAllocator<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size(), 1);
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size(), 1);
        unsafe { self.0.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(layout.size(), -1);
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(layout.size(), -1);
        count(new_size, 1);
        unsafe { self.0.realloc(ptr, layout, new_size) }
    }
}

/// Counters destroyed so far (their handles dropped by the host or guest).
static DROPPED: AtomicU32 = AtomicU32::new(0);

pub struct MyCounter(Cell<u32>);

impl Drop for MyCounter {
    fn drop(&mut self) {
        DROPPED.fetch_add(1, Ordering::Relaxed);
    }
}

/// Where counters live: 64 slots, and which are in use.
const SLOTS: usize = 64;

struct Arena {
    slots: [UnsafeCell<Option<MyCounter>>; SLOTS],
    used: AtomicU64,
}

// SAFETY: a component instance runs on one thread.
unsafe impl Sync for Arena {}

static ARENA: Arena = Arena {
    slots: [const { UnsafeCell::new(None) }; SLOTS],
    used: AtomicU64::new(0),
};

impl GuestCounter for MyCounter {
    unsafe fn resource_into_raw_(value: Option<MyCounter>) -> *mut Option<MyCounter> {
        let used = ARENA.used.load(Ordering::Relaxed);
        let slot = (!used).trailing_zeros() as usize;
        assert!(slot < SLOTS, "the counter arena is full");
        ARENA.used.store(used | 1 << slot, Ordering::Relaxed);
        let rep = ARENA.slots[slot].get();
        // SAFETY: a free slot holds `None`, which needs no drop.
        unsafe { rep.write(value) };
        rep
    }

    unsafe fn resource_from_raw_(rep: *mut Option<MyCounter>) -> Option<MyCounter> {
        let offset = rep as usize - ARENA.slots.as_ptr() as usize;
        let slot = offset / core::mem::size_of::<UnsafeCell<Option<MyCounter>>>();
        ARENA.used.fetch_and(!(1 << slot), Ordering::Relaxed);
        // SAFETY: `rep` is a slot `resource_into_raw_` filled.
        unsafe { rep.replace(None) }
    }

    fn new(start: u32) -> Self {
        MyCounter(Cell::new(start))
    }

    fn increment(&self) -> u32 {
        self.0.set(self.0.get() + 1);
        self.0.get()
    }

    fn value(&self) -> u32 {
        // This counter lives in the arena: the hooks were used.
        let here = (self as *const MyCounter).cast::<u8>();
        let arena = ARENA.slots.as_ptr().cast::<u8>();
        let end = arena.wrapping_add(core::mem::size_of_val(&ARENA.slots));
        assert!(here >= arena && here < end, "a counter outside the arena");
        self.0.get()
    }

    fn add_from(&self, other: CounterBorrow<'_>) {
        self.0.set(self.0.get() + other.get::<MyCounter>().value());
    }

    fn merge(a: Counter, b: Counter) -> Counter {
        let sum = a.get::<MyCounter>().value() + b.get::<MyCounter>().value();
        Counter::new(MyCounter::new(sum))
    }

    fn parse(text: String) -> Result<Counter, String> {
        let start = text
            .trim()
            .parse::<u32>()
            .map_err(|e| format!("{text:?}: {e}"))?;
        Ok(Counter::new(MyCounter::new(start)))
    }
}
