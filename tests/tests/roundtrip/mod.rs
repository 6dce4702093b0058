//! The round trip of `wit/fixtures/roundtrip.wit`: the host (wasmtime's
//! `bindgen!`) calls each `guest` export of the `roundtrip-*` guests, the
//! guest passes the value to the matching `host` import (which returns it),
//! and hands back what it got. Every value therefore goes through the
//! guest's export lifting, import lowering, import result lifting and export
//! result lowering; the test compares what comes back with what went in.

use wasmtime::component::{HasSelf, ResourceAny};
use wasmtime::Store;
use witbind_tests::{build_guests, Guest, Host, Run};

mod bindings {
    wasmtime::component::bindgen!({
        path: "../wit/fixtures/roundtrip.wit",
        world: "roundtrip",
        additional_derives: [PartialEq],
    });
}

use bindings::witbind_fixtures::roundtrip::{host, types};
use bindings::Roundtrip;
use types::{Align1, Align2, Align4, Align8, Color, Full, Mixed, Nested, Point, Shape, Small};

/// The host side of `interface host`: every function returns its argument.
pub struct Echo;

impl types::Host for Echo {}

impl host::Host for Echo {
    fn echo_bool(&mut self, v: bool) -> bool {
        v
    }
    fn echo_s8(&mut self, v: i8) -> i8 {
        v
    }
    fn echo_u8(&mut self, v: u8) -> u8 {
        v
    }
    fn echo_s16(&mut self, v: i16) -> i16 {
        v
    }
    fn echo_u16(&mut self, v: u16) -> u16 {
        v
    }
    fn echo_s32(&mut self, v: i32) -> i32 {
        v
    }
    fn echo_u32(&mut self, v: u32) -> u32 {
        v
    }
    fn echo_s64(&mut self, v: i64) -> i64 {
        v
    }
    fn echo_u64(&mut self, v: u64) -> u64 {
        v
    }
    fn echo_f32(&mut self, v: f32) -> f32 {
        v
    }
    fn echo_f64(&mut self, v: f64) -> f64 {
        v
    }
    fn echo_char(&mut self, v: char) -> char {
        v
    }
    fn echo_string(&mut self, v: String) -> String {
        v
    }
    fn echo_bytes(&mut self, v: Vec<u8>) -> Vec<u8> {
        v
    }
    fn echo_u32s(&mut self, v: Vec<u32>) -> Vec<u32> {
        v
    }
    fn echo_f64s(&mut self, v: Vec<f64>) -> Vec<f64> {
        v
    }
    fn echo_strings(&mut self, v: Vec<String>) -> Vec<String> {
        v
    }
    fn echo_points(&mut self, v: Vec<Point>) -> Vec<Point> {
        v
    }
    fn echo_align1(&mut self, v: Vec<Align1>) -> Vec<Align1> {
        v
    }
    fn echo_align2(&mut self, v: Vec<Align2>) -> Vec<Align2> {
        v
    }
    fn echo_align4(&mut self, v: Vec<Align4>) -> Vec<Align4> {
        v
    }
    fn echo_align8(&mut self, v: Vec<Align8>) -> Vec<Align8> {
        v
    }
    fn echo_nested_lists(&mut self, v: Vec<Vec<String>>) -> Vec<Vec<String>> {
        v
    }
    fn echo_opt_string(&mut self, v: Option<String>) -> Option<String> {
        v
    }
    fn echo_opt_opt(&mut self, v: Option<Option<u32>>) -> Option<Option<u32>> {
        v
    }
    fn echo_res_full(&mut self, v: Result<String, Color>) -> Result<String, Color> {
        v
    }
    fn echo_res_unit(&mut self, v: Result<(), ()>) -> Result<(), ()> {
        v
    }
    fn echo_res_err(&mut self, v: Result<(), String>) -> Result<(), String> {
        v
    }
    fn echo_res_ok(&mut self, v: Result<u64, ()>) -> Result<u64, ()> {
        v
    }
    fn echo_tuple(&mut self, v: (u8, String, f64)) -> (u8, String, f64) {
        v
    }
    fn echo_point(&mut self, v: Point) -> Point {
        v
    }
    fn echo_nested(&mut self, v: Nested) -> Nested {
        v
    }
    fn echo_shape(&mut self, v: Shape) -> Shape {
        v
    }
    fn echo_shapes(&mut self, v: Vec<Shape>) -> Vec<Shape> {
        v
    }
    fn echo_color(&mut self, v: Color) -> Color {
        v
    }
    fn echo_small(&mut self, v: Small) -> Small {
        v
    }
    fn echo_full(&mut self, v: Full) -> Full {
        v
    }
    fn echo_mixed(&mut self, v: Mixed) -> Mixed {
        v
    }
    fn echo_many(
        &mut self,
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
        vec![
            a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16,
        ]
    }
}

/// An instantiated round-trip guest.
pub struct Roundtripper {
    store: Store<Host<Echo>>,
    exports: Roundtrip,
    name: String,
}

impl Roundtripper {
    /// Builds the guests and instantiates the one named `guest`.
    pub fn new(guest: &str) -> Self {
        let wasm = build_guests().wasm(guest);
        let mut guest_host = Guest::load(wasm, &Run::new(guest), Echo)
            .unwrap_or_else(|e| panic!("loading {guest}: {e:?}"));
        Roundtrip::add_to_linker::<_, HasSelf<Echo>>(&mut guest_host.linker, |host| &mut host.data)
            .expect("adding the `host` interface to the linker");
        let exports = Roundtrip::instantiate(
            &mut guest_host.store,
            &guest_host.component,
            &guest_host.linker,
        )
        .unwrap_or_else(|e| panic!("instantiating {guest}: {e:?}"));
        Roundtripper {
            store: guest_host.store,
            exports,
            name: guest.to_string(),
        }
    }

    fn trapped(&self, what: &str, e: wasmtime::Error) -> ! {
        panic!("{}: `{what}` trapped: {e:?}", self.name)
    }

    /// What the guest's counting global allocator has handed out and not
    /// had back (allocations minus frees, in bytes).
    pub fn heap_balance(&mut self) -> i64 {
        let guest = self.exports.witbind_fixtures_roundtrip_guest();
        guest
            .call_heap_balance(&mut self.store)
            .unwrap_or_else(|e| self.trapped("heap-balance", e))
    }

    /// Runs one call of export `what` and asserts that it returned and that
    /// the guest's allocator is as balanced afterwards as before: every
    /// byte the call (its arguments, its imports, its result until
    /// post-return) allocated was freed, through the same allocator.
    pub fn balanced<T>(
        &mut self,
        what: &str,
        call: impl FnOnce(&mut Self) -> wasmtime::Result<T>,
    ) -> T {
        let before = self.heap_balance();
        let value = call(self).unwrap_or_else(|e| self.trapped(what, e));
        let after = self.heap_balance();
        assert_eq!(
            after - before,
            0,
            "{}: `{what}` left the guest's allocator unbalanced by {} bytes \
             (negative: freed memory its allocator did not hand out)",
            self.name,
            after - before
        );
        value
    }
}

/// Calls `$method` on the guest with each value and asserts it comes back
/// equal. `[..]` passes values, `&[..]` references (wasmtime takes strings,
/// lists and records by reference), and `|v| arg, [..]` passes `arg`
/// computed from each value `v`.
macro_rules! assert_roundtrips {
    ($rt:expr, $method:ident, |$v:ident| $arg:expr, [$($value:expr),* $(,)?]) => {
        $(
            let $v = $value;
            let back = $rt.balanced(stringify!($method), |rt| {
                let guest = rt.exports.witbind_fixtures_roundtrip_guest();
                guest.$method(&mut rt.store, $arg)
            });
            assert_eq!(back, $v, "{}: {}", $rt.name, stringify!($method));
        )*
    };
    ($rt:expr, $method:ident, [$($value:expr),* $(,)?]) => {
        $(
            let value = $value;
            let back = $rt.balanced(stringify!($method), |rt| {
                let guest = rt.exports.witbind_fixtures_roundtrip_guest();
                guest.$method(&mut rt.store, value.clone())
            });
            assert_eq!(back, value, "{}: {}", $rt.name, stringify!($method));
        )*
    };
    ($rt:expr, $method:ident, &[$($value:expr),* $(,)?]) => {
        $(
            let value = $value;
            let back = $rt.balanced(stringify!($method), |rt| {
                let guest = rt.exports.witbind_fixtures_roundtrip_guest();
                guest.$method(&mut rt.store, &value)
            });
            assert_eq!(back, value, "{}: {}", $rt.name, stringify!($method));
        )*
    };
}

/// Numbers at their limits, `char`s across the Unicode planes.
pub fn scalars(rt: &mut Roundtripper) {
    assert_roundtrips!(rt, call_echo_bool, [true, false]);
    assert_roundtrips!(rt, call_echo_s8, [i8::MIN, -1, 0, i8::MAX]);
    assert_roundtrips!(rt, call_echo_u8, [0, 128, u8::MAX]);
    assert_roundtrips!(rt, call_echo_s16, [i16::MIN, -1, i16::MAX]);
    assert_roundtrips!(rt, call_echo_u16, [0, 32768, u16::MAX]);
    assert_roundtrips!(rt, call_echo_s32, [i32::MIN, -1, i32::MAX]);
    assert_roundtrips!(rt, call_echo_u32, [0, 1 << 31, u32::MAX]);
    assert_roundtrips!(rt, call_echo_s64, [i64::MIN, -1, i64::MAX]);
    assert_roundtrips!(rt, call_echo_u64, [0, 1 << 63, u64::MAX]);
    assert_roundtrips!(
        rt,
        call_echo_f32,
        [0.0f32, 1.5, f32::MAX, f32::MIN_POSITIVE, f32::INFINITY]
    );
    assert_roundtrips!(
        rt,
        call_echo_f64,
        [0.0f64, -2.5, f64::MAX, f64::NEG_INFINITY]
    );
    assert_roundtrips!(
        rt,
        call_echo_char,
        ['a', '\0', 'ß', '€', '🦀', '\u{10FFFF}']
    );

    // Equality cannot see these: check the sign of zero and NaN-ness.
    let guest = rt.exports.witbind_fixtures_roundtrip_guest();
    let neg_zero = guest
        .call_echo_f64(&mut rt.store, -0.0)
        .unwrap_or_else(|e| rt.trapped("echo-f64", e));
    assert!(
        neg_zero == 0.0 && neg_zero.is_sign_negative(),
        "{}: -0.0 came back as {neg_zero}",
        rt.name
    );
    let guest = rt.exports.witbind_fixtures_roundtrip_guest();
    let nan = guest
        .call_echo_f32(&mut rt.store, f32::NAN)
        .unwrap_or_else(|e| rt.trapped("echo-f32", e));
    assert!(nan.is_nan(), "{}: NaN came back as {nan}", rt.name);
}

/// At least 1 MiB of payload.
const MIB: usize = 1 << 20;

/// Strings and lists, empty, non-ASCII, nested and large (1 MiB and more).
pub fn strings_and_lists(rt: &mut Roundtripper) {
    let long: String = "witbind ✓ ".repeat(MIB / 10 + 1);
    assert!(long.len() >= MIB);
    assert_roundtrips!(
        rt,
        call_echo_string,
        &[
            String::new(),
            "hello".to_string(),
            "ünïcödé 🦀".to_string(),
            long
        ]
    );
    let big: Vec<u8> = (0..MIB as u32 + 7).map(|i| (i % 251) as u8).collect();
    assert_roundtrips!(rt, call_echo_bytes, &[Vec::new(), vec![0u8, 255, 10], big]);
    let many_u32s: Vec<u32> = (0..(MIB / 4) as u32)
        .map(|i| i.wrapping_mul(2_654_435_761))
        .collect();
    assert_roundtrips!(
        rt,
        call_echo_u32s,
        &[Vec::new(), vec![0, u32::MAX, 7], many_u32s]
    );
    assert_roundtrips!(rt, call_echo_f64s, &[vec![1.0, -0.5, f64::MAX]]);
    // 65,536 strings of 16 bytes: 1 MiB of text.
    let many_strings: Vec<String> = (0..MIB / 16).map(|i| format!("{i:>16}")).collect();
    assert_roundtrips!(
        rt,
        call_echo_strings,
        &[
            Vec::new(),
            vec![String::new(), "a".into(), "ü".into()],
            many_strings
        ]
    );
    assert_roundtrips!(
        rt,
        call_echo_points,
        &[
            Vec::new(),
            vec![Point { x: -1, y: i32::MAX }, Point { x: 0, y: 0 }],
            // 8 bytes each: 1 MiB of records.
            (0..(MIB / 8) as i32)
                .map(|i| Point { x: i, y: -i })
                .collect::<Vec<_>>(),
        ]
    );
    // Records of numbers (one block each way), every alignment: empty, one,
    // and 1 MiB of them.
    assert_roundtrips!(
        rt,
        call_echo_align1,
        &[
            Vec::new(),
            vec![Align1 {
                a: 1,
                b: -2,
                c: 255
            }],
            (0..MIB / 3)
                .map(|i| Align1 {
                    a: i as u8,
                    b: (i as i8).wrapping_neg(),
                    c: (i >> 8) as u8
                })
                .collect::<Vec<_>>(),
        ]
    );
    assert_roundtrips!(
        rt,
        call_echo_align2,
        &[
            Vec::new(),
            vec![Align2 { a: u16::MAX, b: 7 }],
            (0..MIB / 4)
                .map(|i| Align2 {
                    a: i as u16,
                    b: (i >> 16) as u8
                })
                .collect::<Vec<_>>(),
        ]
    );
    assert_roundtrips!(
        rt,
        call_echo_align4,
        &[
            Vec::new(),
            vec![Align4 { a: -0.5, b: 3 }],
            (0..MIB / 8)
                .map(|i| Align4 {
                    a: i as f32,
                    b: i as u16
                })
                .collect::<Vec<_>>(),
        ]
    );
    let align2 = |i: usize| Align2 {
        a: (i * 3) as u16,
        b: i as u8,
    };
    assert_roundtrips!(
        rt,
        call_echo_align8,
        &[
            Vec::new(),
            vec![Align8 {
                a: 9,
                b: f64::MAX,
                c: align2(1),
                d: i64::MIN
            }],
            (0..MIB / 32)
                .map(|i| Align8 {
                    a: i as u8,
                    b: i as f64 / 3.0,
                    c: align2(i),
                    d: -(i as i64)
                })
                .collect::<Vec<_>>(),
        ]
    );
    assert_roundtrips!(
        rt,
        call_echo_nested_lists,
        &[
            Vec::new(),
            vec![
                Vec::new(),
                vec!["a".to_string()],
                vec!["b".to_string(), String::new(), "ç".to_string()]
            ],
        ]
    );
}

/// Options, results and tuples, every case.
pub fn options_results_tuples(rt: &mut Roundtripper) {
    assert_roundtrips!(
        rt,
        call_echo_opt_string,
        |v| v.as_deref(),
        [None, Some(String::new()), Some("x".to_string())]
    );
    assert_roundtrips!(
        rt,
        call_echo_opt_opt,
        [None, Some(None), Some(Some(0)), Some(Some(u32::MAX))]
    );
    assert_roundtrips!(
        rt,
        call_echo_res_full,
        |v| v.as_deref().map_err(|c| *c),
        [Ok("fine".to_string()), Ok(String::new()), Err(Color::Blue)]
    );
    assert_roundtrips!(rt, call_echo_res_unit, [Ok(()), Err(())]);
    assert_roundtrips!(
        rt,
        call_echo_res_err,
        |v| v.as_ref().map(|_| ()).map_err(String::as_str),
        [Ok(()), Err("bad".to_string())]
    );
    assert_roundtrips!(rt, call_echo_res_ok, [Ok(u64::MAX), Err(())]);
    assert_roundtrips!(
        rt,
        call_echo_tuple,
        |v| (v.0, v.1.as_str(), v.2),
        [(255u8, "t".to_string(), -1.25f64), (0, String::new(), 0.0)]
    );
}

/// Records, variants (payloads that flatten to different core types),
/// enums, flags, and more than 16 parameters.
pub fn records_variants_flags(rt: &mut Roundtripper) {
    assert_roundtrips!(rt, call_echo_point, [Point { x: i32::MIN, y: 3 }]);
    let nested = Nested {
        name: "nested ✓".to_string(),
        points: vec![Point { x: 1, y: 2 }, Point { x: -3, y: -4 }],
        tags: vec!["a".to_string(), String::new()],
        inner: Some(Point { x: 5, y: 6 }),
        bytes: vec![9, 8, 7],
    };
    let empty = Nested {
        name: String::new(),
        points: Vec::new(),
        tags: Vec::new(),
        inner: None,
        bytes: Vec::new(),
    };
    assert_roundtrips!(rt, call_echo_nested, &[nested, empty]);
    let shapes = vec![
        Shape::Circle(2.5),
        Shape::Rect(Point { x: 1, y: -1 }),
        Shape::Empty,
        Shape::Named("hexagon".to_string()),
        Shape::Big(u64::MAX),
    ];
    for shape in &shapes {
        assert_roundtrips!(rt, call_echo_shape, &[shape.clone()]);
    }
    assert_roundtrips!(rt, call_echo_shapes, &[Vec::new(), shapes]);
    assert_roundtrips!(rt, call_echo_color, [Color::Red, Color::Green, Color::Blue]);
    assert_roundtrips!(
        rt,
        call_echo_small,
        [Small::empty(), Small::A, Small::B | Small::C, Small::all()]
    );
    assert_roundtrips!(
        rt,
        call_echo_full,
        [
            Full::empty(),
            Full::F0,
            Full::F31,
            Full::F7 | Full::F8 | Full::F16,
            Full::all()
        ]
    );
    assert_roundtrips!(
        rt,
        call_echo_mixed,
        &[
            Mixed::A(u8::MAX),
            Mixed::B(-1.5),
            Mixed::C(u64::MAX),
            Mixed::D("mixed".to_string()),
            Mixed::E((f64::MIN_POSITIVE, u32::MAX)),
        ]
    );
    let many = rt.balanced("echo-many", |rt| {
        let guest = rt.exports.witbind_fixtures_roundtrip_guest();
        guest.call_echo_many(
            &mut rt.store,
            0,
            1,
            2,
            3,
            4,
            5,
            6,
            7,
            8,
            9,
            10,
            11,
            12,
            13,
            14,
            15,
            u32::MAX,
        )
    });
    let expected: Vec<u32> = (0..16).chain([u32::MAX]).collect();
    assert_eq!(many, expected, "{}: echo-many", rt.name);
}

impl Roundtripper {
    fn dropped_counters(&mut self) -> u32 {
        let guest = self.exports.witbind_fixtures_roundtrip_guest();
        guest
            .call_dropped_counters(&mut self.store)
            .unwrap_or_else(|e| self.trapped("dropped-counters", e))
    }

    fn counter_value(&mut self, counter: ResourceAny) -> u32 {
        let guest = self.exports.witbind_fixtures_roundtrip_guest();
        guest
            .counter()
            .call_value(&mut self.store, counter)
            .unwrap_or_else(|e| self.trapped("counter.value", e))
    }

    /// The guest's linear memory size in 64 KiB pages.
    pub fn memory_pages(&mut self) -> u32 {
        let guest = self.exports.witbind_fixtures_roundtrip_guest();
        guest
            .call_memory_pages(&mut self.store)
            .unwrap_or_else(|e| self.trapped("memory-pages", e))
    }
}

/// The guest-implemented `counter`: constructor, methods with `self` and a
/// borrowed other counter, statics consuming owned handles and returning
/// new ones (plain and in a `result`), and destructors run exactly once.
pub fn resources(rt: &mut Roundtripper) {
    let name = rt.name.clone();
    let heap_before = rt.heap_balance();
    let dropped_before = rt.dropped_counters();
    let guest = rt.exports.witbind_fixtures_roundtrip_guest();
    let counter = guest.counter();
    let store = &mut rt.store;
    let trap = |what: &str, e: wasmtime::Error| -> ! { panic!("{name}: `{what}` trapped: {e:?}") };

    let a = counter
        .call_constructor(&mut *store, 5)
        .unwrap_or_else(|e| trap("constructor", e));
    assert_eq!(
        counter
            .call_increment(&mut *store, a)
            .unwrap_or_else(|e| trap("increment", e)),
        6
    );
    let b = counter
        .call_constructor(&mut *store, 10)
        .unwrap_or_else(|e| trap("constructor", e));
    counter
        .call_add_from(&mut *store, a, b)
        .unwrap_or_else(|e| trap("add-from", e));
    assert_eq!(
        counter
            .call_value(&mut *store, a)
            .unwrap_or_else(|e| trap("value", e)),
        16
    );
    assert_eq!(
        counter
            .call_value(&mut *store, b)
            .unwrap_or_else(|e| trap("value", e)),
        10
    );

    // `merge` consumes both: the guest drops them, so their destructors run.
    let merged = counter
        .call_merge(&mut *store, a, b)
        .unwrap_or_else(|e| trap("merge", e));
    let parsed = counter
        .call_parse(&mut *store, " 42 ")
        .unwrap_or_else(|e| trap("parse", e))
        .unwrap_or_else(|e| panic!("{name}: parse(\" 42 \") failed: {e}"));
    let error = counter
        .call_parse(&mut *store, "forty-two")
        .unwrap_or_else(|e| trap("parse", e))
        .err()
        .unwrap_or_else(|| panic!("{name}: parse(\"forty-two\") succeeded"));
    assert!(error.contains("forty-two"), "{name}: parse error {error:?}");

    assert_eq!(rt.counter_value(merged), 26, "{}: merged value", rt.name);
    assert_eq!(rt.counter_value(parsed), 42, "{}: parsed value", rt.name);
    assert_eq!(
        rt.dropped_counters() - dropped_before,
        2,
        "{}: after merge",
        rt.name
    );
    merged
        .resource_drop(&mut rt.store)
        .unwrap_or_else(|e| rt.trapped("resource.drop", e));
    parsed
        .resource_drop(&mut rt.store)
        .unwrap_or_else(|e| rt.trapped("resource.drop", e));
    assert_eq!(
        rt.dropped_counters() - dropped_before,
        4,
        "{}: after dropping all",
        rt.name
    );
    assert_eq!(
        rt.heap_balance() - heap_before,
        0,
        "{}: the counters' memory, and everything the calls allocated, is freed",
        rt.name
    );
}

/// Every call frees what it allocated: after a warm-up, many more round
/// trips of large values leave the guest's memory size unchanged.
pub fn no_leaks(rt: &mut Roundtripper) {
    let bytes: Vec<u8> = vec![7; 256 * 1024];
    let strings: Vec<String> = (0..2_000).map(|i| format!("string number {i}")).collect();
    let shapes: Vec<Shape> = (0..2_000)
        .map(|i| Shape::Named(format!("shape {i}")))
        .collect();
    let round = |rt: &mut Roundtripper| {
        assert_roundtrips!(rt, call_echo_bytes, &[bytes.clone()]);
        assert_roundtrips!(rt, call_echo_strings, &[strings.clone()]);
        assert_roundtrips!(rt, call_echo_shapes, &[shapes.clone()]);
    };
    for _ in 0..3 {
        round(rt);
    }
    let warm = rt.memory_pages();
    for _ in 0..40 {
        round(rt);
    }
    let after = rt.memory_pages();
    // 40 leaked rounds would be > 40 * (256 KiB + ...) = 160+ pages.
    assert!(
        after <= warm + 8,
        "{}: memory grew from {warm} to {after} pages over 40 rounds: something is not freed",
        rt.name
    );
}

/// How many string- and list-returning calls [`no_leaks_over_many_calls`]
/// makes in one instance.
pub const MANY_CALLS: usize = 10_000;

/// [`MANY_CALLS`] calls of exports that return strings and lists (the
/// guest allocates each result and frees it in `cabi_post_*` after the
/// host copied it out, and frees each argument it was given): after a
/// warm-up, the guest's memory size does not change at all. (Leaking 16
/// bytes in one call out of six is enough to fail it.)
pub fn no_leaks_over_many_calls(rt: &mut Roundtripper) {
    let text = "witbind ✓ leak check ".repeat(10);
    let strings: Vec<String> = (0..20).map(|i| format!("string {i} {text}")).collect();
    let nested = Nested {
        name: text.clone(),
        points: vec![Point { x: 1, y: -1 }; 10],
        tags: strings.clone(),
        inner: Some(Point { x: 5, y: 6 }),
        bytes: vec![0xAB; 1000],
    };
    let nested_lists = vec![strings.clone(), Vec::new(), vec![text.clone()]];
    let shapes: Vec<Shape> = strings.iter().cloned().map(Shape::Named).collect();
    let opt = Some(text.clone());

    // One call of one of the exports, in turn.
    let call = |rt: &mut Roundtripper, i: usize| match i % 6 {
        0 => {
            assert_roundtrips!(rt, call_echo_string, &[text.clone()]);
        }
        1 => {
            assert_roundtrips!(rt, call_echo_strings, &[strings.clone()]);
        }
        2 => {
            assert_roundtrips!(rt, call_echo_nested, &[nested.clone()]);
        }
        3 => {
            assert_roundtrips!(rt, call_echo_nested_lists, &[nested_lists.clone()]);
        }
        4 => {
            assert_roundtrips!(rt, call_echo_shapes, &[shapes.clone()]);
        }
        _ => {
            assert_roundtrips!(rt, call_echo_opt_string, |v| v.as_deref(), [opt.clone()]);
        }
    };

    let warm_up = 600;
    for i in 0..warm_up {
        call(rt, i);
    }
    let warm = rt.memory_pages();
    let mut pages = Vec::new();
    for i in warm_up..MANY_CALLS {
        call(rt, i);
        if (i + 1) % 1000 == 0 {
            pages.push((i + 1, rt.memory_pages()));
        }
    }
    assert!(
        pages.iter().all(|&(_, after)| after == warm),
        "{}: the guest's memory grew after {warm_up} warm-up calls ({warm} pages); \
         (calls, pages): {pages:?}",
        rt.name
    );
}
