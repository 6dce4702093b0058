//! The guest side of the async runtime test (tests/tests/async_runtime) for
//! `wit/fixtures/async-runtime.wit`: async exports that call async host
//! imports, write and read streams and futures, spawn tasks, cancel calls
//! and make error contexts.
//!
//! Compiled against `bindings` and `runtime` from witbind (`async-witbind`)
//! and from wit-bindgen 0.63 (`async-wit-bindgen`, the reference); both
//! components must pass the same test, so this file uses only the API the
//! two share.

use std::collections::BTreeMap;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicI64, Ordering};
use std::task::Poll;

use crate::bindings::exports::witbind_fixtures::async_runtime::api::Guest;
use crate::bindings::witbind_fixtures::async_runtime::host;
use crate::bindings::witbind_fixtures::async_runtime::types::Item;
use crate::bindings::{wit_future, wit_stream};
use crate::runtime::rt::async_support::{ErrorContext, FutureReader, StreamReader, StreamResult};
use crate::runtime::{spawn_local, yield_async};

struct Component;

crate::bindings::export!(Component with_types_in crate::bindings);

/// The `i`th item: every field depends on `i`, so a mix-up shows.
fn item(i: u32) -> Item {
    Item {
        id: i,
        name: format!("item {i}"),
        tags: (0..i % 4).map(|t| format!("tag {t} of {i}")).collect(),
    }
}

/// Byte `i` of a test stream.
fn pattern(len: u64) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// Reads `stream` to its end, `chunk` bytes at a time at most: (count,
/// sum).
async fn read_all(mut stream: StreamReader<u8>, chunk: usize) -> (u64, u64) {
    let (mut count, mut sum) = (0u64, 0u64);
    loop {
        let (result, bytes) = stream.read(Vec::with_capacity(chunk)).await;
        count += bytes.len() as u64;
        sum += bytes.iter().map(|b| u64::from(*b)).sum::<u64>();
        match result {
            StreamResult::Complete(_) => {}
            StreamResult::Dropped | StreamResult::Cancelled => return (count, sum),
        }
    }
}

impl Guest for Component {
    async fn compute(a: u32, b: u32, label: String) -> String {
        let sum = host::slow_add(a, b).await;
        host::echo(format!("{label}={sum}"), 3).await
    }

    async fn noop(n: u32) -> u32 {
        n + 1
    }

    async fn bounce(n: u32) -> u32 {
        host::add(n, 1).await
    }

    async fn produce(len: u64) -> StreamReader<u8> {
        let (mut writer, reader) = wit_stream::new::<u8>();
        spawn_local(async move {
            for chunk in pattern(len).chunks(64 * 1024) {
                // The host may stop reading: then the rest is given back.
                if !writer.write_all(chunk.to_vec()).await.is_empty() {
                    break;
                }
            }
        });
        reader
    }

    async fn consume(stream: StreamReader<u8>) -> (u64, u64) {
        read_all(stream, 48 * 1024).await
    }

    async fn relay(len: u64) -> (u64, u64) {
        let mut source = host::bytes(len);
        let (mut writer, reader) = wit_stream::new::<u8>();
        spawn_local(async move {
            loop {
                let (result, bytes) = source.read(Vec::with_capacity(10_000)).await;
                if !bytes.is_empty() {
                    let unwritten = writer.write_all(bytes).await;
                    assert!(unwritten.is_empty(), "the host stopped reading");
                }
                if !matches!(result, StreamResult::Complete(_)) {
                    break;
                }
            }
        });
        host::sink(reader).await
    }

    async fn items(n: u32) -> StreamReader<Item> {
        let (mut writer, reader) = wit_stream::new::<Item>();
        spawn_local(async move {
            // Half in one write, the rest one by one.
            let unwritten = writer.write_all((0..n / 2).map(item).collect()).await;
            assert!(unwritten.is_empty(), "the host stopped reading");
            for i in n / 2..n {
                assert!(writer.write_one(item(i)).await.is_none());
            }
        });
        reader
    }

    async fn collect_items(n: u32) -> Vec<Item> {
        let items = host::items(n).collect().await;
        for (i, got) in items.iter().enumerate() {
            let expected = item(i as u32);
            assert!(
                got.id == expected.id && got.name == expected.name && got.tags == expected.tags,
                "item {i} differs"
            );
        }
        items
    }

    async fn upper(mut strings: StreamReader<String>) -> StreamReader<String> {
        let (mut writer, reader) = wit_stream::new::<String>();
        spawn_local(async move {
            while let Some(s) = strings.next().await {
                assert!(writer.write_one(s.to_uppercase()).await.is_none());
            }
        });
        reader
    }

    async fn later(value: String) -> FutureReader<String> {
        let (writer, reader) = wit_future::new::<String>(|| "default".to_string());
        spawn_local(async move {
            yield_async().await;
            writer
                .write(value)
                .await
                .expect("the host reads the future");
        });
        reader
    }

    async fn await_host_later(value: String) -> String {
        host::later(&value).await
    }

    async fn pass_future(value: u32) -> u32 {
        let (writer, reader) = wit_future::new::<u32>(|| 0);
        spawn_local(async move {
            writer
                .write(value)
                .await
                .expect("the host reads the future");
        });
        host::await_future(reader).await
    }

    async fn wait(future: FutureReader<String>) -> String {
        future.await
    }

    async fn read_some(mut stream: StreamReader<u8>, n: u64) -> u64 {
        let mut read = 0u64;
        while read < n {
            let want = (n - read).min(4096) as usize;
            let (result, bytes) = stream.read(Vec::with_capacity(want)).await;
            read += bytes.len() as u64;
            if !matches!(result, StreamResult::Complete(_)) {
                break;
            }
        }
        drop(stream);
        read
    }

    async fn drop_early(stream: StreamReader<u8>, future: FutureReader<u32>) {
        drop(stream);
        drop(future);
    }

    async fn cancel_import() -> u32 {
        {
            let mut call = pin!(host::echo("never returned".to_string(), 1_000_000));
            // Started, not finished: the host is still yielding.
            let polled = poll_fn(|cx| Poll::Ready(call.as_mut().poll(cx).is_ready())).await;
            assert!(!polled, "the host answered at once");
        }
        host::slow_add(40, 2).await
    }

    async fn fail(message: String) -> Result<String, ErrorContext> {
        match message.strip_prefix("ok:") {
            Some(rest) => Ok(ErrorContext::new(rest).debug_message()),
            None => Err(ErrorContext::new(&message)),
        }
    }

    fn sync_fail(message: String) -> Result<u32, ErrorContext> {
        if message.starts_with("ok") {
            Ok(message.len() as u32)
        } else {
            Err(ErrorContext::new(&message))
        }
    }

    fn heap_balance() -> i64 {
        LIVE_BYTES.load(Ordering::Relaxed)
    }

    fn maps(mut map: BTreeMap<String, u32>) -> BTreeMap<String, u32> {
        map.insert("guest".to_string(), 1);
        map
    }

    fn arrays(mut array: [u32; 4]) -> [u32; 4] {
        array.reverse();
        array
    }
}

/// Bytes allocated and not yet freed.
static LIVE_BYTES: AtomicI64 = AtomicI64::new(0);

/// The system allocator, counting: each crate installs it as its
/// `#[global_allocator]`.
pub struct CountingAllocator;

// SAFETY: every call is forwarded to `System` with the same arguments.
unsafe impl std::alloc::GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as i64, Ordering::Relaxed);
        unsafe { std::alloc::System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as i64, Ordering::Relaxed);
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(new_size as i64 - layout.size() as i64, Ordering::Relaxed);
        unsafe { std::alloc::System.realloc(ptr, layout, new_size) }
    }
}
