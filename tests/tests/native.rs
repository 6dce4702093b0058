//! Natively implemented imports (`cargo test` on the host, no wasm): the
//! generated import functions call the `Host` implementation a test
//! installed on its thread; imported resources are the test's objects
//! behind `HostX` traits; exported resources work natively too.

use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::{Arc, Barrier};

mod roundtrip {
    witbind::generate!({ path: "../wit/fixtures/roundtrip.wit", world: "roundtrip" });
}

mod resources {
    witbind::generate!({ path: "../wit/fixtures/resources.wit", world: "resources" });
}

use roundtrip::witbind_fixtures::roundtrip::host;
use roundtrip::witbind_fixtures::roundtrip::types::{
    Align1, Align2, Align4, Align8, Color, Full, Mixed, Nested, Point, Shape, Small,
};

/// Answers every `host` import with its argument, as owned values.
struct Echo;

impl host::Host for Echo {
    fn echo_bool(&self, v: bool) -> bool {
        v
    }
    fn echo_s8(&self, v: i8) -> i8 {
        v
    }
    fn echo_u8(&self, v: u8) -> u8 {
        v
    }
    fn echo_s16(&self, v: i16) -> i16 {
        v
    }
    fn echo_u16(&self, v: u16) -> u16 {
        v
    }
    fn echo_s32(&self, v: i32) -> i32 {
        v
    }
    fn echo_u32(&self, v: u32) -> u32 {
        v
    }
    fn echo_s64(&self, v: i64) -> i64 {
        v
    }
    fn echo_u64(&self, v: u64) -> u64 {
        v
    }
    fn echo_f32(&self, v: f32) -> f32 {
        v
    }
    fn echo_f64(&self, v: f64) -> f64 {
        v
    }
    fn echo_char(&self, v: char) -> char {
        v
    }
    fn echo_string(&self, v: &str) -> String {
        v.to_string()
    }
    fn echo_bytes(&self, v: &[u8]) -> Vec<u8> {
        v.to_vec()
    }
    fn echo_u32s(&self, v: &[u32]) -> Vec<u32> {
        v.to_vec()
    }
    fn echo_f64s(&self, v: &[f64]) -> Vec<f64> {
        v.to_vec()
    }
    fn echo_strings(&self, v: &[String]) -> Vec<String> {
        v.to_vec()
    }
    fn echo_points(&self, v: &[Point]) -> Vec<Point> {
        v.to_vec()
    }
    fn echo_align1(&self, v: &[Align1]) -> Vec<Align1> {
        v.to_vec()
    }
    fn echo_align2(&self, v: &[Align2]) -> Vec<Align2> {
        v.to_vec()
    }
    fn echo_align4(&self, v: &[Align4]) -> Vec<Align4> {
        v.to_vec()
    }
    fn echo_align8(&self, v: &[Align8]) -> Vec<Align8> {
        v.to_vec()
    }
    fn echo_nested_lists(&self, v: &[Vec<String>]) -> Vec<Vec<String>> {
        v.to_vec()
    }
    fn echo_opt_string(&self, v: Option<&str>) -> Option<String> {
        v.map(str::to_string)
    }
    fn echo_opt_opt(&self, v: Option<Option<u32>>) -> Option<Option<u32>> {
        v
    }
    fn echo_res_full(&self, v: Result<&str, &Color>) -> Result<String, Color> {
        v.map(str::to_string).map_err(Clone::clone)
    }
    fn echo_res_unit(&self, v: Result<(), ()>) -> Result<(), ()> {
        v
    }
    fn echo_res_err(&self, v: Result<(), &str>) -> Result<(), String> {
        v.map_err(str::to_string)
    }
    fn echo_res_ok(&self, v: Result<u64, ()>) -> Result<u64, ()> {
        v
    }
    fn echo_tuple(&self, v: (u8, &str, f64)) -> (u8, String, f64) {
        (v.0, v.1.to_string(), v.2)
    }
    fn echo_point(&self, v: Point) -> Point {
        v
    }
    fn echo_nested(&self, v: &Nested) -> Nested {
        v.clone()
    }
    fn echo_shape(&self, v: &Shape) -> Shape {
        v.clone()
    }
    fn echo_shapes(&self, v: &[Shape]) -> Vec<Shape> {
        v.to_vec()
    }
    fn echo_color(&self, v: Color) -> Color {
        v
    }
    fn echo_small(&self, v: Small) -> Small {
        v
    }
    fn echo_full(&self, v: Full) -> Full {
        v
    }
    fn echo_mixed(&self, v: &Mixed) -> Mixed {
        v.clone()
    }
    #[allow(clippy::too_many_arguments)]
    fn echo_many(
        &self,
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

/// `value` through `echo` equals `value` (by its `Debug` text: the
/// generated types derive no `PartialEq`).
fn same<T: std::fmt::Debug>(value: T, echoed: T) {
    assert_eq!(format!("{value:?}"), format!("{echoed:?}"));
}

/// Every kind of WIT type passes through a natively implemented import:
/// primitives, strings, lists, records, variants, enums, flags, options,
/// results, tuples, and more parameters than fit the flat signature.
#[test]
fn imports_of_every_type_kind() {
    let _host = host::install(Echo);
    same(true, host::echo_bool(true));
    same(-8, host::echo_s8(-8));
    same(200, host::echo_u8(200));
    same(-16_000, host::echo_s16(-16_000));
    same(60_000, host::echo_u16(60_000));
    same(-2_000_000, host::echo_s32(-2_000_000));
    same(4_000_000_000, host::echo_u32(4_000_000_000));
    same(i64::MIN, host::echo_s64(i64::MIN));
    same(u64::MAX, host::echo_u64(u64::MAX));
    same(1.5f32, host::echo_f32(1.5));
    same(-2.25f64, host::echo_f64(-2.25));
    same('ß', host::echo_char('ß'));
    same("héllo".to_string(), host::echo_string("héllo"));
    same(vec![1u8, 2, 3], host::echo_bytes(&[1, 2, 3]));
    same(vec![7u32, 8], host::echo_u32s(&[7, 8]));
    same(vec![0.5f64], host::echo_f64s(&[0.5]));
    let strings = vec!["a".to_string(), String::new()];
    same(strings.clone(), host::echo_strings(&strings));
    let points = vec![Point { x: 1, y: -1 }, Point { x: 2, y: 3 }];
    same(points.clone(), host::echo_points(&points));
    let a1 = vec![Align1 { a: 1, b: -2, c: 3 }];
    same(a1.clone(), host::echo_align1(&a1));
    let a2 = vec![Align2 { a: 65_000, b: 9 }];
    same(a2.clone(), host::echo_align2(&a2));
    let a4 = vec![Align4 { a: 0.25, b: 7 }];
    same(a4.clone(), host::echo_align4(&a4));
    let a8 = vec![Align8 {
        a: 1,
        b: 2.5,
        c: Align2 { a: 3, b: 4 },
        d: -5,
    }];
    same(a8.clone(), host::echo_align8(&a8));
    let lists = vec![vec!["x".to_string()], vec![]];
    same(lists.clone(), host::echo_nested_lists(&lists));
    same(Some("s".to_string()), host::echo_opt_string(Some("s")));
    same(None, host::echo_opt_string(None));
    same(Some(None), host::echo_opt_opt(Some(None)));
    same(Some(Some(4)), host::echo_opt_opt(Some(Some(4))));
    same(Ok("ok".to_string()), host::echo_res_full(Ok("ok")));
    same(Err(Color::Blue), host::echo_res_full(Err(&Color::Blue)));
    same(Err(()), host::echo_res_unit(Err(())));
    same(Err("no".to_string()), host::echo_res_err(Err("no")));
    same(Ok(9), host::echo_res_ok(Ok(9)));
    same((1, "t".to_string(), 0.5), host::echo_tuple((1, "t", 0.5)));
    same(Point { x: 5, y: 6 }, host::echo_point(Point { x: 5, y: 6 }));
    let nested = Nested {
        name: "n".to_string(),
        points: points.clone(),
        tags: strings.clone(),
        inner: Some(Point { x: 0, y: 0 }),
        bytes: vec![9],
    };
    same(nested.clone(), host::echo_nested(&nested));
    same(
        Shape::Named("s".into()),
        host::echo_shape(&Shape::Named("s".into())),
    );
    let shapes = vec![
        Shape::Circle(1.0),
        Shape::Rect(Point { x: 1, y: 2 }),
        Shape::Empty,
        Shape::Big(u64::MAX),
    ];
    same(shapes.clone(), host::echo_shapes(&shapes));
    same(Color::Green, host::echo_color(Color::Green));
    same(Small::A | Small::C, host::echo_small(Small::A | Small::C));
    same(Full::F0 | Full::F31, host::echo_full(Full::F0 | Full::F31));
    same(Mixed::E((0.5, 3)), host::echo_mixed(&Mixed::E((0.5, 3))));
    same(
        (0..17).collect::<Vec<u32>>(),
        host::echo_many(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16),
    );
}

/// The text of a panic of `f`.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("the call should panic");
    match (
        payload.downcast_ref::<String>(),
        payload.downcast_ref::<&str>(),
    ) {
        (Some(message), _) => message.clone(),
        (None, Some(message)) => message.to_string(),
        (None, None) => panic!("a panic without a message"),
    }
}

/// With nothing installed, an import panics naming the WIT import, the
/// trait to implement and the function that installs it; with an
/// implementation that leaves the method out, naming the method.
#[test]
fn a_missing_implementation_is_named() {
    let message = panic_message(|| {
        host::echo_u8(1);
    });
    for part in [
        "`witbind-fixtures:roundtrip/host#echo-u8`",
        "`native::roundtrip::witbind_fixtures::roundtrip::host::Host`",
        "`native::roundtrip::witbind_fixtures::roundtrip::host::install(..)`",
    ] {
        assert!(message.contains(part), "{part} missing from: {message}");
    }

    struct Partial;
    impl host::Host for Partial {
        fn echo_u8(&self, v: u8) -> u8 {
            v
        }
    }
    let _host = host::install(Partial);
    assert_eq!(host::echo_u8(3), 3);
    let message = panic_message(|| {
        host::echo_u16(1);
    });
    assert!(
        message.contains("`Host::echo_u16` (an import of `witbind-fixtures:roundtrip/host`)"),
        "{message}"
    );
    assert!(
        message.contains(
            "implement `echo_u16` in your impl of \
             `native::roundtrip::witbind_fixtures::roundtrip::host::Host`"
        ),
        "{message}"
    );
}

/// Implementations are per thread: two threads, each with its own, at the
/// same time; and dropping a guard brings back the one installed before.
#[test]
fn implementations_are_isolated_per_thread() {
    struct Add(u32);
    impl host::Host for Add {
        fn echo_u32(&self, v: u32) -> u32 {
            v + self.0
        }
    }
    let barrier = Arc::new(Barrier::new(2));
    let threads: Vec<_> = [1, 2]
        .map(|n| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let _host = host::install(Add(n));
                barrier.wait();
                for i in 0..1000 {
                    assert_eq!(host::echo_u32(i), i + n);
                }
                barrier.wait();
            })
        })
        .into();
    for thread in threads {
        thread.join().expect("a thread failed");
    }
    let outer = host::install(Add(10));
    {
        let _inner = host::install(Add(20));
        assert_eq!(host::echo_u32(1), 21);
    }
    assert_eq!(host::echo_u32(1), 11);
    drop(outer);
    panic_message(|| {
        host::echo_u32(1);
    });
}

use resources::witbind_fixtures::resources::archive;
use resources::witbind_fixtures::resources::files::{
    self, Directory, ErrorCode, File, HostDirectory, HostFile,
};

/// The test's files: contents, and a count of the objects dropped.
#[derive(Default)]
struct Disk {
    dropped: Rc<Cell<usize>>,
}

struct MemFile {
    data: RefCell<Vec<u8>>,
    dropped: Rc<Cell<usize>>,
}

impl Drop for MemFile {
    fn drop(&mut self) {
        self.dropped.set(self.dropped.get() + 1);
    }
}

impl Disk {
    fn file(&self, data: &[u8]) -> File {
        File::from(MemFile {
            data: RefCell::new(data.to_vec()),
            dropped: self.dropped.clone(),
        })
    }
}

impl files::Host for Disk {
    fn file_new(&self) -> File {
        self.file(b"")
    }
    fn file_open(&self, path: &str) -> Result<File, ErrorCode> {
        match path {
            "/hello" => Ok(self.file(b"hello")),
            "/secret" => Err(ErrorCode::Denied),
            _ => Err(ErrorCode::NotFound),
        }
    }
    fn file_compare(&self, a: &File, b: &File) -> bool {
        a.read(u64::MAX) == b.read(u64::MAX)
    }
    fn directory_new(&self, path: &str) -> Result<Directory, ErrorCode> {
        match path {
            "/" => Ok(Directory::from(Root {
                files: vec![self.file(b"a"), self.file(b"bc")],
            })),
            _ => Err(ErrorCode::NotFound),
        }
    }
    fn consume(&self, f: File) {
        drop(f);
    }
    fn inspect(&self, f: &File) -> String {
        format!("{} bytes", f.size())
    }
}

impl HostFile for MemFile {
    fn read(&self, len: u64) -> Result<Vec<u8>, ErrorCode> {
        let data = self.data.borrow();
        let len = usize::try_from(len).unwrap_or(usize::MAX).min(data.len());
        Ok(data[..len].to_vec())
    }
    fn write(&self, data: &[u8]) -> Result<u64, ErrorCode> {
        self.data.borrow_mut().extend_from_slice(data);
        Ok(data.len() as u64)
    }
    fn size(&self) -> u64 {
        self.data.borrow().len() as u64
    }
    fn duplicate(&self) -> File {
        File::from(MemFile {
            data: RefCell::new(self.data.borrow().clone()),
            dropped: self.dropped.clone(),
        })
    }
    fn copy_to(&self, other: &File) -> Result<(), ErrorCode> {
        other.write(&self.data.borrow()).map(drop)
    }
    fn absorb(&self, other: File) {
        let data = other.read(u64::MAX).expect("readable");
        self.data.borrow_mut().extend_from_slice(&data);
    }
}

/// A directory: the files it holds (handles the directory owns).
struct Root {
    files: Vec<File>,
}

impl HostDirectory for Root {
    fn files(&self) -> Vec<File> {
        self.files.iter().map(File::duplicate).collect()
    }
    fn find(&self, name: &str) -> Option<File> {
        let index = name.parse::<usize>().ok()?;
        self.files.get(index).map(File::duplicate)
    }
}

/// Imported resources natively: constructors (fallible too), statics,
/// methods, own and borrow handles as arguments, handles returned in
/// results, options and lists, and every object dropped exactly when its
/// last handle is.
#[test]
fn imported_resources() {
    let disk = Disk::default();
    let dropped = disk.dropped.clone();
    let _files = files::install(disk);

    let file = File::new();
    assert_eq!(file.write(b"abc"), Ok(3));
    assert_eq!(file.size(), 3);
    let hello = File::open("/hello").expect("opens");
    assert_eq!(hello.read(2), Ok(b"he".to_vec()));
    assert!(matches!(File::open("/secret"), Err(ErrorCode::Denied)));
    assert!(matches!(File::open("/nope"), Err(ErrorCode::NotFound)));

    // Borrowed handles: the callee reads through them; nothing is dropped.
    assert_eq!(files::inspect(&hello), "5 bytes");
    assert!(!File::compare(&file, &hello));
    hello.copy_to(&file).expect("copies");
    assert_eq!(file.read(100), Ok(b"abchello".to_vec()));
    assert_eq!(dropped.get(), 0);

    // Owned handles: the callee's to drop.
    let copy = hello.duplicate();
    assert!(File::compare(&copy, &hello));
    files::consume(copy);
    assert_eq!(dropped.get(), 1);
    let extra = File::new();
    extra.write(b"!").expect("writes");
    file.absorb(extra);
    assert_eq!(dropped.get(), 2);
    assert_eq!(file.read(100), Ok(b"abchello!".to_vec()));

    // Handles in a fallible constructor's result, options and lists.
    assert!(matches!(
        Directory::new("/elsewhere"),
        Err(ErrorCode::NotFound)
    ));
    let root = Directory::new("/").expect("opens");
    let listed = root.files();
    assert_eq!(listed.iter().map(File::size).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(root.find("1").map(|f| f.size()), Some(2));
    assert!(root.find("7").is_none());
    drop(listed);
    // The two listed and the found one.
    assert_eq!(dropped.get(), 5);
    drop(root);
    // ... and the directory's own two.
    assert_eq!(dropped.get(), 7);
    drop((file, hello));
    assert_eq!(dropped.get(), 9);

    // Functions the test did not implement panic naming themselves.
    let message = panic_message(|| {
        let _ = archive::pack(&Directory::new("/").expect("opens"));
    });
    assert!(
        message.contains("`witbind-fixtures:resources/archive`"),
        "{message}"
    );
}

use roundtrip::exports::witbind_fixtures::roundtrip::guest::{
    Counter, CounterBorrow, GuestCounter,
};

thread_local! {
    static COUNTERS_DROPPED: Cell<usize> = const { Cell::new(0) };
}

struct MyCounter(Cell<u32>);

impl Drop for MyCounter {
    fn drop(&mut self) {
        COUNTERS_DROPPED.with(|dropped| dropped.set(dropped.get() + 1));
    }
}

impl GuestCounter for MyCounter {
    fn new(start: u32) -> Self {
        MyCounter(Cell::new(start))
    }
    fn increment(&self) -> u32 {
        self.0.set(self.0.get() + 1);
        self.0.get()
    }
    fn value(&self) -> u32 {
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
        let start = text.parse().map_err(|_| format!("not a number: {text}"))?;
        Ok(Counter::new(MyCounter::new(start)))
    }
}

/// A resource the guest exports, created natively: `X::new(value)`, `get`
/// and the destructor when the handle is dropped.
#[test]
fn exported_resources() {
    let counter = Counter::new(MyCounter::new(4));
    assert_eq!(counter.get::<MyCounter>().increment(), 5);
    assert_eq!(counter.get::<MyCounter>().value(), 5);
    let other = Counter::new(MyCounter::new(0));
    assert_eq!(other.get::<MyCounter>().value(), 0);
    assert_eq!(COUNTERS_DROPPED.with(Cell::get), 0);
    drop(counter);
    assert_eq!(COUNTERS_DROPPED.with(Cell::get), 1);
    let merged = MyCounter::merge(other, Counter::new(MyCounter::new(7)));
    assert_eq!(COUNTERS_DROPPED.with(Cell::get), 3);
    assert_eq!(merged.get::<MyCounter>().value(), 7);
    let parsed = MyCounter::parse("12".to_string()).expect("a number");
    assert_eq!(parsed.into_inner::<MyCounter>().value(), 12);
    assert_eq!(COUNTERS_DROPPED.with(Cell::get), 4);
}

mod async_functions {
    witbind::generate!({ path: "../wit/fixtures/async-functions.wit", world: "async-functions" });
}

use async_functions::witbind_fixtures::async_functions::host as async_host;
use async_functions::witbind_fixtures::async_functions::types::{
    self as async_types, Blob, HostBlob, Point as APoint,
};
use witbind::native::BoxFuture;

/// Async imports natively: the test's futures, awaited by the import
/// functions (free functions, a resource's async method and static, owned
/// and borrowed handles), run to completion by `block_on` on the host,
/// with yields in between.
#[test]
fn async_imports() {
    struct Slow;
    impl async_host::Host for Slow {
        fn add(&self, a: u32, b: u32) -> BoxFuture<'_, u32> {
            Box::pin(async move {
                witbind::yield_async().await;
                a + b
            })
        }
        fn echo_string(&self, s: String) -> BoxFuture<'_, String> {
            Box::pin(async move { s.to_uppercase() })
        }
        fn points(&self, p: Vec<APoint>) -> BoxFuture<'_, Vec<APoint>> {
            Box::pin(async move { p.into_iter().rev().collect() })
        }
        fn lend(&self, b: &Blob, give: Blob) -> BoxFuture<'_, Option<Blob>> {
            let bigger = b.size() < give.size();
            Box::pin(async move { bigger.then_some(give) })
        }
    }
    struct Blobs;
    impl async_types::Host for Blobs {
        fn blob_new(&self, data: &[u8]) -> Blob {
            Blob::from(Bytes(data.to_vec()))
        }
        fn blob_make(&self, n: u32) -> BoxFuture<'_, Blob> {
            Box::pin(async move { Blob::from(Bytes(vec![7; n as usize])) })
        }
    }
    struct Bytes(Vec<u8>);
    impl HostBlob for Bytes {
        fn read(&self, len: u32) -> BoxFuture<'_, Vec<u8>> {
            Box::pin(async move { self.0.iter().copied().take(len as usize).collect() })
        }
        fn size(&self) -> u64 {
            self.0.len() as u64
        }
    }
    struct Clock;
    impl async_functions::Host for Clock {
        fn tick(&self) -> BoxFuture<'_, u64> {
            Box::pin(async { 42 })
        }
    }

    let _host = async_host::install(Slow);
    let _types = async_types::install(Blobs);
    let _clock = async_functions::install(Clock);
    witbind::block_on(async {
        assert_eq!(async_host::add(2, 3).await, 5);
        assert_eq!(async_host::echo_string("hi".into()).await, "HI");
        let points = async_host::points(vec![APoint { x: 1, y: 1 }, APoint { x: 2, y: 2 }]).await;
        assert_eq!(points.iter().map(|p| p.x).collect::<Vec<_>>(), [2, 1]);
        assert_eq!(async_functions::tick().await, 42);
        let blob = Blob::new(b"abc");
        assert_eq!(blob.read(2).await, b"ab");
        let made = Blob::make(5).await;
        assert_eq!(made.size(), 5);
        let kept = async_host::lend(&blob, made)
            .await
            .expect("the bigger blob comes back");
        assert_eq!(kept.read(9).await, [7; 5]);
        assert!(async_host::lend(&kept, Blob::new(b"x")).await.is_none());
    });
    // An async export, called by the test and run by `block_on`: it
    // spawns a task, awaits imports and joins the task.
    struct Component;
    impl async_functions::Guest for Component {
        async fn run(args: Vec<String>) -> Result<(), String> {
            let sum = witbind::spawn_local(async_host::add(1, 2));
            let tick = async_functions::tick().await;
            let sum = sum.await.ok_or("the spawned task was cancelled")?;
            match args.as_slice() {
                [expected] if *expected == format!("{tick}+{sum}") => Ok(()),
                _ => Err(format!("{tick}+{sum}")),
            }
        }
        fn last_error() -> witbind::ErrorContext {
            unreachable!("not called")
        }
    }
    assert_eq!(
        witbind::block_on(<Component as async_functions::Guest>::run(vec![
            "42+3".into()
        ])),
        Ok(())
    );
    assert_eq!(
        witbind::block_on(<Component as async_functions::Guest>::run(vec![])),
        Err("42+3".into())
    );

    // An async import left out panics naming itself.
    let message = panic_message(|| {
        witbind::block_on(async_host::nothing());
    });
    assert!(
        message.contains("`Host::nothing` (an import of `witbind-fixtures:async-functions/host`)"),
        "{message}"
    );
}

mod native_async {
    witbind::generate!({ path: "../wit/fixtures/native-async.wit", world: "native-async" });
}

use native_async::exports::witbind_fixtures::native_async::api::Guest as Api;
use native_async::witbind_fixtures::native_async::source;
use native_async::{wit_future, wit_stream};
use witbind::{FutureReader, StreamReader};

/// The guest's exports, as a guest writes them.
struct StreamingGuest;

impl Api for StreamingGuest {
    async fn sum(mut s: StreamReader<u8>) -> u64 {
        let mut total = 0;
        while let Some(byte) = s.next().await {
            total += u64::from(byte);
        }
        total
    }

    async fn double(mut s: StreamReader<u8>) -> StreamReader<u8> {
        let (mut tx, rx) = wit_stream::new::<u8>();
        drop(witbind::spawn_local(async move {
            while let Some(byte) = s.next().await {
                if tx.write_one(byte.wrapping_mul(2)).await.is_some() {
                    break;
                }
            }
        }));
        rx
    }

    async fn greet(name: FutureReader<String>) -> FutureReader<String> {
        let (tx, rx) = wit_future::new::<String>(|| "nobody".into());
        let name = name.await;
        drop(witbind::spawn_local(async move {
            let _ = tx.write(format!("hello, {name}")).await;
        }));
        rx
    }

    async fn sum_source(n: u32) -> u64 {
        Self::sum(source::bytes(n).await).await
    }
}

/// The test's imports: a stream and a future written by spawned futures.
struct Source;

impl source::Host for Source {
    fn bytes(&self, n: u32) -> BoxFuture<'_, StreamReader<u8>> {
        Box::pin(async move {
            let (mut tx, rx) = wit_stream::new::<u8>();
            drop(witbind::spawn_local(async move {
                tx.write_all((0..n).map(|i| i as u8).collect()).await;
            }));
            rx
        })
    }

    fn later(&self, v: &str) -> FutureReader<String> {
        let (tx, rx) = wit_future::new::<String>(String::new);
        let v = v.to_string();
        drop(witbind::spawn_local(async move {
            let _ = tx.write(v).await;
        }));
        rx
    }
}

/// Streams and futures natively, both ways: the test feeds a stream to an
/// async export and reads the one it returns (values moved in several
/// partial copies), sends and receives futures (a writer dropped without
/// writing sends the default), and the guest's imports give streams and
/// futures the test writes.
#[test]
fn streams_and_futures_between_the_test_and_the_guest() {
    let _source = source::install(Source);
    witbind::block_on(async {
        let (mut tx, rx) = wit_stream::new::<u8>();
        drop(witbind::spawn_local(async move {
            let unsent = tx.write_all(vec![1, 2, 3, 250]).await;
            assert!(unsent.is_empty());
        }));
        assert_eq!(StreamingGuest::sum(rx).await, 256);

        let (mut tx, rx) = wit_stream::new::<u8>();
        drop(witbind::spawn_local(async move {
            tx.write_all(vec![1, 2, 3]).await;
        }));
        assert_eq!(StreamingGuest::double(rx).await.collect().await, [2, 4, 6]);

        let (tx, rx) = wit_future::new::<String>(String::new);
        drop(witbind::spawn_local(async move {
            let _ = tx.write("test".into()).await;
        }));
        assert_eq!(StreamingGuest::greet(rx).await.await, "hello, test");
        let (tx, rx) = wit_future::new::<String>(|| "default".into());
        drop(tx);
        assert_eq!(StreamingGuest::greet(rx).await.await, "hello, default");

        assert_eq!(StreamingGuest::sum_source(10).await, 45);
        assert_eq!(source::later("soon").await, "soon");
    });
}

/// Strings (values that own memory) move through a stream natively, and
/// a reader dropped early ends the writer's write.
#[test]
fn owned_values_move_through_streams() {
    witbind::block_on(async {
        let (mut tx, rx) = native_async_strings();
        let words: Vec<String> = ["a", "bb", "ccc"].map(String::from).into();
        let writer = witbind::spawn_local(async move {
            let unsent = tx.write_all(words).await;
            unsent.len()
        });
        let mut rx = rx;
        assert_eq!(rx.next().await.as_deref(), Some("a"));
        assert_eq!(rx.next().await.as_deref(), Some("bb"));
        drop(rx);
        assert_eq!(
            writer.await,
            Some(1),
            "the value the reader did not take comes back"
        );
    });
}

/// A string stream of the async-functions world (`names`' payload is a
/// record; `later`'s future a string): here a stream of strings from
/// `wit_stream::new`, which every payload type of the world has.
fn native_async_strings() -> (witbind::StreamWriter<String>, StreamReader<String>) {
    async_functions::wit_stream::new::<String>()
}

/// Waiting for what nothing will do panics natively, naming the deadlock.
#[test]
fn a_native_deadlock_panics() {
    let message = panic_message(|| {
        let (_tx, mut rx) = wit_stream::new::<u8>();
        witbind::block_on(async move { rx.next().await });
    });
    assert!(message.contains("deadlock"), "{message}");
}
