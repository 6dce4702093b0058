//! The guest side of the async semantics tests (tests/tests/async_semantics)
//! for `wit/fixtures/async-semantics.wit`: each export puts an async import
//! call, a stream or future read or write, a wakeup or a `block_on` in one
//! situation of its life and reports what it saw.
//!
//! Compiled against `bindings` and `runtime` from witbind
//! (`semantics-witbind`) and from wit-bindgen 0.63 (`semantics-wit-bindgen`,
//! the reference, with its `async-spawn`, `inter-task-wakeup` and
//! `futures-stream` features); both components must pass the same tests,
//! so this file uses only the API the two share.

use std::future::{poll_fn, Future, IntoFuture};
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;
use std::task::{Poll, Waker};

use crate::bindings::exports::witbind_fixtures::async_semantics::api::Guest;
use crate::bindings::witbind_fixtures::async_semantics::host;
use crate::bindings::witbind_fixtures::async_semantics::types::{Outcome, Report};
use crate::bindings::{wit_future, wit_stream};
use crate::runtime::{
    block_on, spawn_local, yield_async, yield_blocking, FutureReader, FutureWriteCancel,
    JoinHandle, StreamReader, StreamResult,
};

struct Component;

crate::bindings::export!(Component with_types_in crate::bindings);

/// Polls `future` once, in the current task: whether it finished.
async fn poll_once<F: Future + ?Sized>(mut future: Pin<&mut F>) -> Poll<F::Output> {
    poll_fn(|cx| Poll::Ready(future.as_mut().poll(cx))).await
}

/// Lets the host run (its event loop turns) before this task goes on,
/// without letting this task's other futures run.
fn let_the_host_run() {
    for _ in 0..8 {
        assert!(yield_blocking(), "the task was cancelled");
    }
}

fn report(result: StreamResult, remaining: usize) -> Report {
    Report {
        outcome: match result {
            StreamResult::Complete(n) => Outcome::Complete(n as u32),
            StreamResult::Dropped => Outcome::Dropped,
            StreamResult::Cancelled => Outcome::Cancelled,
        },
        remaining: remaining as u32,
    }
}

/// A value and a waker shared by two export calls.
static SIGNAL: Mutex<(Option<u32>, Option<Waker>)> = Mutex::new((None, None));
/// The task `spawn-job` spawned.
static JOB: Mutex<Option<JoinHandle<String>>> = Mutex::new(None);
/// The task `stream-writes` spawned.
static WRITES: Mutex<Option<JoinHandle<Vec<Report>>>> = Mutex::new(None);

async fn wait_signal() -> u32 {
    poll_fn(|cx| {
        let mut signal = SIGNAL.lock().unwrap();
        match signal.0.take() {
            Some(value) => Poll::Ready(value),
            None => {
                signal.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    })
    .await
}

impl Guest for Component {
    async fn import_dropped_unpolled() -> String {
        drop(host::delayed("never".to_string(), 0));
        host::step("dropped");
        host::delayed("after".to_string(), 1).await
    }

    async fn import_dropped_pending() -> String {
        {
            let mut call = pin!(host::gated(7));
            assert!(poll_once(call.as_mut()).await.is_pending());
            host::step("started");
        }
        host::step("dropped");
        host::delayed("after".to_string(), 1).await
    }

    async fn import_dropped_returned() -> String {
        {
            let mut call = pin!(host::delayed("returned".to_string(), 1));
            assert!(poll_once(call.as_mut()).await.is_pending());
            let_the_host_run();
            host::step("dropping");
        }
        host::delayed("after".to_string(), 1).await
    }

    async fn import_dropped_delivered() -> String {
        let mut first = pin!(host::delayed("first".to_string(), 1));
        assert!(poll_once(first.as_mut()).await.is_pending());
        // `first` returns while this waits: its event reaches the task and
        // wakes this future, which only polls `second`.
        let second = host::delayed("second".to_string(), 20).await;
        host::step("dropping");
        drop(first);
        second
    }

    async fn token_dropped_returned() -> u32 {
        {
            let mut call = pin!(host::delayed_token(1, 1));
            assert!(poll_once(call.as_mut()).await.is_pending());
            let_the_host_run();
            host::step("dropping");
        }
        host::Token::new(2).id()
    }

    async fn token_dropped_delivered() -> u32 {
        let mut first = pin!(host::delayed_token(1, 1));
        assert!(poll_once(first.as_mut()).await.is_pending());
        let second = host::delayed_token(2, 20).await;
        host::step("dropping");
        drop(first);
        second.id()
    }

    async fn read_cancelled_unpolled(future: FutureReader<String>) -> String {
        let mut read = pin!(future.into_future());
        let reader = match read.as_mut().cancel() {
            Ok(value) => panic!("read {value:?} without polling"),
            Err(reader) => reader,
        };
        reader.await
    }

    async fn read_cancelled_pending(value: String) -> String {
        let future = host::held_future(&value);
        let mut read = pin!(future.into_future());
        assert!(poll_once(read.as_mut()).await.is_pending());
        let reader = match read.as_mut().cancel() {
            Ok(value) => panic!("read {value:?} before the release"),
            Err(reader) => reader,
        };
        host::release();
        reader.await
    }

    async fn read_cancelled_written(value: String) -> String {
        let future = host::held_future(&value);
        let mut read = pin!(future.into_future());
        assert!(poll_once(read.as_mut()).await.is_pending());
        host::release();
        let_the_host_run();
        host::step("cancelling");
        read.as_mut().cancel().expect("the value was written")
    }

    async fn read_cancelled_delivered(value: String) -> String {
        let future = host::held_future(&value);
        let mut read = pin!(future.into_future());
        assert!(poll_once(read.as_mut()).await.is_pending());
        host::release();
        host::delayed(String::new(), 20).await;
        host::step("cancelling");
        read.as_mut().cancel().expect("the value arrived")
    }

    async fn read_dropped_written(value: String) -> String {
        let future = host::held_future(&value);
        {
            let mut read = pin!(future.into_future());
            assert!(poll_once(read.as_mut()).await.is_pending());
            host::release();
            host::delayed(String::new(), 20).await;
            host::step("dropping");
        }
        "dropped".to_string()
    }

    async fn writer_dropped() -> FutureReader<String> {
        let (writer, reader) = wit_future::new::<String>(|| "default".to_string());
        drop(writer);
        reader
    }

    async fn write_dropped_unpolled() -> FutureReader<String> {
        let (writer, reader) = wit_future::new::<String>(|| "default".to_string());
        drop(writer.write("value".to_string()));
        reader
    }

    fn writer_dropped_sync() -> FutureReader<String> {
        let (writer, reader) = wit_future::new::<String>(|| "default".to_string());
        drop(writer);
        reader
    }

    async fn noop() {}

    async fn write_dropped() -> FutureReader<String> {
        let (writer, reader) = wit_future::new::<String>(|| "default".to_string());
        {
            let mut write = pin!(writer.write("value".to_string()));
            assert!(poll_once(write.as_mut()).await.is_pending());
        }
        reader
    }

    async fn write_cancelled_rewritten() -> FutureReader<String> {
        let (writer, reader) = wit_future::new::<String>(|| "default".to_string());
        let mut write = pin!(writer.write("value".to_string()));
        assert!(poll_once(write.as_mut()).await.is_pending());
        match write.as_mut().cancel() {
            FutureWriteCancel::Cancelled(value, writer) => {
                spawn_local(async move {
                    writer
                        .write(format!("{value} again"))
                        .await
                        .expect("the host reads the future");
                });
            }
            FutureWriteCancel::AlreadySent => panic!("sent before anyone read"),
            FutureWriteCancel::Dropped(_) => panic!("the reader is here"),
        }
        reader
    }

    async fn write_spawned(value: String) -> FutureReader<String> {
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

    async fn stream_writes(writes: Vec<Vec<u8>>) -> StreamReader<u8> {
        let (mut writer, reader) = wit_stream::new::<u8>();
        let job = spawn_local(async move {
            let mut reports = Vec::new();
            'writes: for values in writes {
                let (mut result, mut buf) = writer.write(values).await;
                reports.push(report(result, buf.remaining()));
                while let StreamResult::Complete(_) = result {
                    if buf.remaining() == 0 {
                        continue 'writes;
                    }
                    (result, buf) = writer.write_buf(buf).await;
                    reports.push(report(result, buf.remaining()));
                }
                break;
            }
            reports
        });
        *WRITES.lock().unwrap() = Some(job);
        reader
    }

    async fn write_reports() -> Vec<Report> {
        let job = WRITES.lock().unwrap().take().expect("stream-writes ran");
        job.await.expect("the writing task finished")
    }

    async fn stream_reads(mut stream: StreamReader<u8>, chunk: u32) -> Vec<Report> {
        let mut reports = Vec::new();
        loop {
            let (result, values) = stream.read(Vec::with_capacity(chunk as usize)).await;
            reports.push(report(result, values.len()));
            if result == StreamResult::Dropped {
                return reports;
            }
        }
    }

    async fn stream_read_cancelled(values: Vec<u8>, write_chunk: u32, read_chunk: u32) -> Vec<u8> {
        let mut stream = host::write_stream(&values, write_chunk);
        let mut got = Vec::new();
        let (_, first) = stream.read(Vec::with_capacity(read_chunk as usize)).await;
        got.extend(first);
        {
            let mut read = pin!(stream.read(Vec::with_capacity(read_chunk as usize)));
            match poll_once(read.as_mut()).await {
                Poll::Ready((_, values)) => got.extend(values),
                Poll::Pending => {
                    let_the_host_run();
                    let (_, values) = read.as_mut().cancel();
                    got.extend(values);
                }
            }
        }
        loop {
            let (result, values) = stream.read(Vec::with_capacity(read_chunk as usize)).await;
            got.extend(values);
            if result == StreamResult::Dropped {
                return got;
            }
        }
    }

    async fn stream_write_cancelled(values: Vec<u8>) -> (Vec<Report>, Vec<u8>) {
        let (mut writer, reader) = wit_stream::new::<u8>();
        let mut read = Box::pin(host::read_stream(reader, 2, u32::MAX, 3));
        assert!(poll_once(read.as_mut()).await.is_pending());
        let mut reports = Vec::new();
        // Never polled: nothing is sent.
        drop(writer.write(vec![0xee, 0xee]));
        // Cancelled while the host waits before reading.
        let buf = {
            let mut write = pin!(writer.write(values));
            let _ = poll_once(write.as_mut()).await;
            let (result, buf) = write.as_mut().cancel();
            reports.push(report(result, buf.remaining()));
            buf
        };
        // Cancelled after the host took some.
        let buf = {
            let mut write = pin!(writer.write_buf(buf));
            if let Poll::Pending = poll_once(write.as_mut()).await {
                let_the_host_run();
            }
            let (result, buf) = match poll_once(write.as_mut()).await {
                Poll::Ready(ended) => ended,
                Poll::Pending => write.as_mut().cancel(),
            };
            reports.push(report(result, buf.remaining()));
            buf
        };
        assert!(writer.write_all(buf.into_vec()).await.is_empty());
        drop(writer);
        (reports, read.await)
    }

    #[cfg(feature = "witbind")]
    async fn sink_write(values: Vec<u8>) -> StreamReader<u8> {
        use futures::SinkExt;
        let (writer, reader) = wit_stream::new::<u8>();
        spawn_local(async move {
            let mut sink = writer.into_sink();
            for value in values {
                sink.send(value).await.expect("the host reads");
            }
            sink.close().await.expect("the host reads");
        });
        reader
    }

    #[cfg(not(feature = "witbind"))]
    async fn sink_write(_: Vec<u8>) -> StreamReader<u8> {
        unreachable!("wit-bindgen 0.63 has no `into_sink`")
    }

    async fn write_across_block_on() -> Vec<u8> {
        let (mut writer, reader) = wit_stream::new::<u8>();
        let (read, unsent) = {
            let mut write = pin!(writer.write(vec![1, 2, 3]));
            // Nobody reads yet: the write waits, registered with this task.
            assert!(poll_once(write.as_mut()).await.is_pending());
            let mut read = Box::pin(host::read_stream(reader, 2, u32::MAX, 0));
            assert!(poll_once(read.as_mut()).await.is_pending());
            // The host reads now; the write ends inside `block_on`.
            let (result, buf) = block_on(write.as_mut());
            assert!(matches!(result, StreamResult::Complete(_)), "{result:?}");
            (read, buf.into_vec())
        };
        // A stale registration of the first write would swallow this one's
        // events (or keep the task from ending).
        let mut rest = unsent;
        rest.extend([4, 5, 6]);
        assert!(writer.write_all(rest).await.is_empty());
        drop(writer);
        read.await
    }

    async fn wait_signal() -> u32 {
        host::step("waiting");
        wait_signal().await
    }

    fn send_signal(value: u32) -> bool {
        let mut signal = SIGNAL.lock().unwrap();
        signal.0 = Some(value);
        let waiter = signal.1.take();
        drop(signal);
        match waiter {
            Some(waker) => {
                waker.wake();
                true
            }
            None => false,
        }
    }

    async fn wait_signal_or_timeout(yields: u32) -> Option<u32> {
        let mut signal = pin!(wait_signal());
        let mut timeout = pin!(host::delayed(String::new(), yields));
        poll_fn(|cx| {
            if let Poll::Ready(value) = signal.as_mut().poll(cx) {
                return Poll::Ready(Some(value));
            }
            timeout.as_mut().poll(cx).map(|_| None)
        })
        .await
    }

    async fn spawn_job(value: String) -> bool {
        let job = spawn_local(async move { host::delayed(value, 5).await });
        JOB.lock().unwrap().replace(job).is_none()
    }

    async fn await_job() -> Option<String> {
        let job = JOB.lock().unwrap().take()?;
        job.await
    }

    async fn nested_block_on(label: String) -> String {
        let len = block_on(async { label.as_str().len() });
        let echoed = block_on(host::delayed(label.clone(), 2));
        host::step("inner done");
        let after = host::delayed(format!("{echoed}:{len}"), 1).await;
        after
    }

    fn sync_block_on(value: String) -> String {
        // A synchronous task may not wait for the host before it returns
        // (wasmtime traps): only what finishes at once works here.
        let len = block_on(async { value.as_str().len() });
        let echoed = block_on(host::delayed(value.clone(), 0));
        format!("{echoed}:{len}")
    }

    async fn futures_stream(values: Vec<u8>, chunk: u32) -> Vec<u8> {
        use futures::StreamExt;
        let stream = host::write_stream(&values, chunk);
        stream.into_stream().collect::<Vec<u8>>().await
    }

    fn handle_probe() -> u32 {
        // The handle table is dense with a free list: once more handles are
        // made than there are free slots, the largest is the number of live
        // handles plus the number made.
        const PAIRS: u32 = 64;
        let streams: Vec<_> = (0..PAIRS).map(|_| wit_stream::new::<u8>()).collect();
        let largest = streams
            .iter()
            .map(|(writer, reader)| writer.handle().max(reader.handle()))
            .max()
            .unwrap_or(0);
        drop(streams);
        largest - 2 * PAIRS
    }

    fn heap_balance() -> i64 {
        LIVE_BYTES.load(Ordering::Relaxed)
    }
}

/// The futures and ends of both runtimes are `Send` where their payload
/// is (checked at compile time, never run).
#[allow(dead_code)]
fn futures_are_send() {
    fn require_send<T: Send>(_: &T) {}
    let call = host::delayed(String::new(), 0);
    require_send(&call);
    let token = host::delayed_token(0, 0);
    require_send(&token);
    let (mut writer, mut reader) = wit_stream::new::<u8>();
    require_send(&writer.write(Vec::new()));
    require_send(&reader.read(Vec::new()));
    require_send(&writer);
    require_send(&reader);
    let (writer, reader) = wit_future::new::<String>(String::new);
    require_send(&writer);
    require_send(&reader);
    require_send(&writer.write(String::new()));
    require_send(&reader.into_future());
    require_send(&async { host::delayed("hello".to_string(), 0).await });
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
