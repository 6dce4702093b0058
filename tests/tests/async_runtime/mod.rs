//! The async round trip of `wit/fixtures/async-runtime.wit`, in wasmtime
//! with the component model's async ABI: the `async-*` guests (one source,
//! `tests/guests/async-common.rs`, built with witbind's bindings and with
//! wit-bindgen 0.63's) call async host imports from async exports, move
//! streams and futures both ways, run concurrent calls and cancel calls.
//! Every test runs against both builds, so witbind is held to what the
//! reference does, and checks the guest's heap is back where it was.

use std::collections::HashMap;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::{mpsc, oneshot};
use wasmtime::component::{
    Access, Accessor, FutureConsumer, FutureReader, HasSelf, Source, StreamConsumer, StreamReader,
    StreamResult,
};
use wasmtime::{Result, StoreContextMut};
use witbind_tests::{build_guests, Guest, Host, Run};

mod bindings {
    wasmtime::component::bindgen!({
        path: "../wit/fixtures/async-runtime.wit",
        world: "async-runtime",
        imports: {
            "witbind-fixtures:async-runtime/host.bytes": store,
            "witbind-fixtures:async-runtime/host.items": store,
            "witbind-fixtures:async-runtime/host.later": store,
        },
        // The store has async support: sync exports are called with
        // `call_async`.
        exports: { default: async },
        additional_derives: [PartialEq],
    });
}

use bindings::exports::witbind_fixtures::async_runtime::api;
use bindings::witbind_fixtures::async_runtime::{host, types};
use bindings::AsyncRuntime;
use types::Item;

/// The two builds of the guest.
const GUESTS: [&str; 2] = ["async_witbind", "async_wit_bindgen"];

/// The store data of the test's own imports.
#[derive(Default)]
pub struct State;

type Data = Host<State>;

impl types::Host for Data {}
impl host::Host for Data {}

/// Byte `i` of a test stream.
fn pattern(len: u64) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// What `read_all` of `pattern(len)` gives: (count, sum).
fn pattern_summary(len: u64) -> (u64, u64) {
    (len, pattern(len).iter().map(|b| u64::from(*b)).sum())
}

/// The `i`th item, as the guest makes it.
fn item(i: u32) -> Item {
    Item {
        id: i,
        name: format!("item {i}"),
        tags: (0..i % 4).map(|t| format!("tag {t} of {i}")).collect(),
    }
}

/// Lets the host's event loop (and so the guest) run `n` times.
async fn yield_times(n: u32) {
    for _ in 0..n {
        tokio::task::yield_now().await;
    }
}

impl host::HostWithStore<Data> for HasSelf<Data> {
    async fn slow_add(_: &Accessor<Data, Self>, a: u32, b: u32) -> u32 {
        yield_times(3).await;
        a + b
    }

    async fn echo(_: &Accessor<Data, Self>, s: String, yields: u32) -> String {
        yield_times(yields).await;
        s
    }

    fn bytes(mut host: Access<'_, Data, Self>, len: u64) -> StreamReader<u8> {
        StreamReader::new(&mut host, pattern(len)).expect("creating a stream")
    }

    async fn sink(accessor: &Accessor<Data, Self>, stream: StreamReader<u8>) -> (u64, u64) {
        let mut batches = collect(accessor, stream, 4096);
        let (mut count, mut sum) = (0, 0);
        while let Some(batch) = batches.recv().await {
            count += batch.len() as u64;
            sum += batch.iter().map(|b| u64::from(*b)).sum::<u64>();
        }
        (count, sum)
    }

    fn items(mut host: Access<'_, Data, Self>, n: u32) -> StreamReader<Item> {
        StreamReader::new(&mut host, (0..n).map(item).collect::<Vec<_>>())
            .expect("creating a stream")
    }

    fn later(mut host: Access<'_, Data, Self>, v: String) -> FutureReader<String> {
        FutureReader::new(&mut host, async move { Ok::<_, wasmtime::Error>(v) })
            .expect("creating a future")
    }

    async fn await_future(accessor: &Accessor<Data, Self>, f: FutureReader<u32>) -> u32 {
        read_future(accessor, f)
            .await
            .expect("the guest writes the future")
            + 1
    }
}

/// Takes what a stream's writer writes, at most `max` items per write, and
/// passes each batch on; the channel closes when the writer is done.
struct Batches<T> {
    max: usize,
    sender: mpsc::UnboundedSender<Vec<T>>,
}

impl<T: wasmtime::component::Lift + Send + Sync + 'static, D> StreamConsumer<D> for Batches<T> {
    type Item = T;

    fn poll_consume(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        mut store: StoreContextMut<D>,
        mut source: Source<'_, T>,
        _finish: bool,
    ) -> Poll<Result<StreamResult>> {
        let take = source.remaining(&mut store).min(self.max);
        let mut batch = Vec::with_capacity(take);
        source.read(&mut store, &mut batch)?;
        if !batch.is_empty() && self.sender.send(batch).is_err() {
            return Poll::Ready(Ok(StreamResult::Dropped));
        }
        Poll::Ready(Ok(StreamResult::Completed))
    }
}

/// The batches of `stream`, read `max` items at a time.
fn collect<T, D>(
    accessor: &Accessor<Data, D>,
    stream: StreamReader<T>,
    max: usize,
) -> mpsc::UnboundedReceiver<Vec<T>>
where
    T: wasmtime::component::Lift + wasmtime::component::ComponentType + Send + Sync + 'static,
    D: wasmtime::component::HasData,
{
    let (sender, receiver) = mpsc::unbounded_channel();
    accessor
        .with(|mut access| stream.pipe(&mut access, Batches { max, sender }))
        .expect("piping a stream");
    receiver
}

/// Everything `stream` carries.
async fn read_stream<T, D>(accessor: &Accessor<Data, D>, stream: StreamReader<T>) -> Vec<T>
where
    T: wasmtime::component::Lift + wasmtime::component::ComponentType + Send + Sync + 'static,
    D: wasmtime::component::HasData,
{
    let mut batches = collect(accessor, stream, usize::MAX);
    let mut all = Vec::new();
    while let Some(batch) = batches.recv().await {
        all.extend(batch);
    }
    all
}

/// Takes the value of a future written by the guest.
struct Once<T>(Option<oneshot::Sender<T>>);

impl<T: wasmtime::component::Lift + Send + Sync + 'static, D> FutureConsumer<D> for Once<T> {
    type Item = T;

    fn poll_consume(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        mut store: StoreContextMut<D>,
        mut source: Source<'_, T>,
        _finish: bool,
    ) -> Poll<Result<()>> {
        let mut slot = None;
        source.read(&mut store, &mut slot)?;
        if let (Some(value), Some(sender)) = (slot, self.0.take()) {
            let _ = sender.send(value);
        }
        Poll::Ready(Ok(()))
    }
}

/// The value of `future`; `None` when its writer went away without one.
async fn read_future<T, D>(accessor: &Accessor<Data, D>, future: FutureReader<T>) -> Option<T>
where
    T: wasmtime::component::Lift + wasmtime::component::ComponentType + Send + Sync + 'static,
    D: wasmtime::component::HasData,
{
    let (sender, receiver) = oneshot::channel();
    accessor
        .with(|mut access| future.pipe(&mut access, Once(Some(sender))))
        .expect("piping a future");
    receiver.await.ok()
}

/// A guest instance, ready for async calls.
struct Instance {
    guest: Guest<State>,
    bindings: AsyncRuntime,
    name: &'static str,
}

impl Instance {
    fn new(name: &'static str) -> Instance {
        let wasm = build_guests().wasm(name);
        let mut guest = Guest::load_async(wasm, &Run::new(name), State)
            .unwrap_or_else(|e| panic!("loading {name}: {e:?}"));
        AsyncRuntime::add_to_linker::<_, HasSelf<Data>>(&mut guest.linker, |host| host)
            .expect("adding the test's imports");
        let bindings = runtime()
            .block_on(AsyncRuntime::instantiate_async(
                &mut guest.store,
                &guest.component,
                &guest.linker,
            ))
            .unwrap_or_else(|e| panic!("instantiating {name}: {e:?}"));
        Instance {
            guest,
            bindings,
            name,
        }
    }

    /// Runs `f` with an accessor to the store (inside `run_concurrent`).
    fn run<R: Send + 'static>(
        &mut self,
        f: impl AsyncFnOnce(&Accessor<Data>, &api::Guest) -> Result<R> + Send,
    ) -> R {
        let api = self.bindings.witbind_fixtures_async_runtime_api();
        let result = runtime().block_on(
            self.guest
                .store
                .run_concurrent(async |accessor| f(accessor, api).await),
        );
        match result {
            Ok(Ok(value)) => value,
            Ok(Err(e)) | Err(e) => panic!(
                "{}: {e:?}\n--- stderr ---\n{}",
                self.name,
                self.guest.stderr()
            ),
        }
    }

    fn heap_balance(&mut self) -> i64 {
        let api = self.bindings.witbind_fixtures_async_runtime_api();
        runtime()
            .block_on(api.call_heap_balance(&mut self.guest.store))
            .unwrap_or_else(|e| panic!("{}: heap-balance: {e:?}", self.name))
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("building a tokio runtime")
}

/// For each guest build: `check`, then the guest's heap is where it was
/// before (after a warm-up call of `check`, which may allocate lazily
/// created state).
fn for_each_guest(check: impl Fn(&mut Instance)) {
    for name in GUESTS {
        let mut instance = Instance::new(name);
        check(&mut instance);
        let before = instance.heap_balance();
        check(&mut instance);
        let after = instance.heap_balance();
        assert_eq!(
            before,
            after,
            "{name}: the guest's heap grew by {} bytes",
            after - before
        );
    }
}

#[test]
fn async_exports_await_async_imports() {
    for_each_guest(|instance| {
        let got = instance
            .run(async |accessor, api| api.call_compute(accessor, 40, 2, "sum".into()).await);
        assert_eq!(got, "sum=42", "{}", instance.name);
    });
}

#[test]
fn concurrent_calls_finish_in_any_order() {
    for_each_guest(|instance| {
        let got = instance.run(async |accessor, api| {
            // Eight calls waiting on futures only the host can write.
            let mut senders = Vec::new();
            let mut calls = Vec::new();
            for i in 0..8 {
                let (sender, receiver) = oneshot::channel::<String>();
                let future = accessor.with(|mut access| {
                    FutureReader::new(&mut access, async move {
                        receiver.await.map_err(wasmtime::Error::from)
                    })
                })?;
                senders.push((i, sender));
                calls.push(api.call_wait(accessor, future));
            }
            // Meanwhile, another call runs to its end.
            let computed = api.call_compute(accessor, 1, 2, "meanwhile".into()).await?;
            // Released in reverse order.
            for (i, sender) in senders.into_iter().rev() {
                let _ = sender.send(format!("value {i}"));
            }
            let mut waited = Vec::new();
            for call in calls {
                waited.push(call.await?);
            }
            Ok((computed, waited))
        });
        let expected: Vec<String> = (0..8).map(|i| format!("value {i}")).collect();
        assert_eq!(
            got,
            ("meanwhile=3".to_string(), expected),
            "{}",
            instance.name
        );
    });
}

#[test]
fn a_mebibyte_streams_both_ways_under_backpressure() {
    const LEN: u64 = (1 << 20) + 12_345;
    for_each_guest(|instance| {
        let name = instance.name;
        // Guest to host: the host takes at most 4 KiB per write.
        let produced = instance.run(async |accessor, api| {
            let stream = api.call_produce(accessor, LEN).await?;
            let mut batches = collect(accessor, stream, 4096);
            let mut bytes = Vec::new();
            let mut writes = 0;
            while let Some(batch) = batches.recv().await {
                assert!(batch.len() <= 4096);
                bytes.extend(batch);
                writes += 1;
            }
            Ok((bytes, writes))
        });
        assert!(
            produced.0 == pattern(LEN),
            "{name}: the produced bytes differ"
        );
        assert!(produced.1 >= LEN / 4096, "{name}: {} writes", produced.1);
        // Host to guest.
        let consumed = instance.run(async |accessor, api| {
            let stream =
                accessor.with(|mut access| StreamReader::new(&mut access, pattern(LEN)))?;
            api.call_consume(accessor, stream).await
        });
        assert_eq!(consumed, pattern_summary(LEN), "{name}");
        // Host stream through the guest into a host import.
        let relayed = instance.run(async |accessor, api| api.call_relay(accessor, LEN).await);
        assert_eq!(relayed, pattern_summary(LEN), "{name}");
    });
}

#[test]
fn streams_of_records_and_strings() {
    for_each_guest(|instance| {
        let name = instance.name;
        let items = instance.run(async |accessor, api| {
            let stream = api.call_items(accessor, 300).await?;
            Ok(read_stream(accessor, stream).await)
        });
        assert!(
            items == (0..300).map(item).collect::<Vec<_>>(),
            "{name}: items differ"
        );
        let collected =
            instance.run(async |accessor, api| api.call_collect_items(accessor, 250).await);
        assert!(
            collected == (0..250).map(item).collect::<Vec<_>>(),
            "{name}: collected items differ"
        );
        let words: Vec<String> = (0..500).map(|i| format!("word {i} ünïcödé")).collect();
        let upper = instance.run(async |accessor, api| {
            let input =
                accessor.with(|mut access| StreamReader::new(&mut access, words.clone()))?;
            let output = api.call_upper(accessor, input).await?;
            Ok(read_stream(accessor, output).await)
        });
        let expected: Vec<String> = words.iter().map(|w| w.to_uppercase()).collect();
        assert_eq!(upper, expected, "{name}");
    });
}

#[test]
fn futures_both_ways() {
    for_each_guest(|instance| {
        let name = instance.name;
        let got = instance.run(async |accessor, api| {
            let future = api.call_later(accessor, "from the guest".into()).await?;
            let later = read_future(accessor, future).await;
            let host_later = api
                .call_await_host_later(accessor, "from the host".into())
                .await?;
            let passed = api.call_pass_future(accessor, 41).await?;
            Ok((later, host_later, passed))
        });
        assert_eq!(
            got,
            (
                Some("from the guest".to_string()),
                "from the host".to_string(),
                42
            ),
            "{name}"
        );
    });
}

#[test]
fn early_drops_and_cancelled_calls() {
    for_each_guest(|instance| {
        let name = instance.name;
        let got = instance.run(async |accessor, api| {
            // The guest reads 10 000 of 100 000 bytes and drops the stream.
            let stream =
                accessor.with(|mut access| StreamReader::new(&mut access, pattern(100_000)))?;
            let read = api.call_read_some(accessor, stream, 10_000).await?;
            // Both ends dropped unread.
            let stream =
                accessor.with(|mut access| StreamReader::new(&mut access, pattern(1000)))?;
            let future = accessor.with(|mut access| {
                FutureReader::new(&mut access, async { Ok::<_, wasmtime::Error>(7u32) })
            })?;
            api.call_drop_early(accessor, stream, future).await?;
            // An import call dropped while in flight.
            let after_cancel = api.call_cancel_import(accessor).await?;
            Ok((read, after_cancel))
        });
        assert_eq!(got, (10_000, 42), "{name}");
    });
}

#[test]
fn error_contexts_cross_the_boundary() {
    for_each_guest(|instance| {
        let name = instance.name;
        let (ok, err) = instance.run(async |accessor, api| {
            let ok = api.call_fail(accessor, "ok:a message".into()).await?;
            let err = api.call_fail(accessor, "failed".into()).await?;
            Ok((ok, err.is_err()))
        });
        assert_eq!(ok.ok(), Some("a message".to_string()), "{name}");
        assert!(err, "{name}: no error context");
    });
}

/// A sync export returning an error context: witbind keeps the error
/// context alive until the host has taken it (wit-bindgen 0.63 drops it
/// first, and the call traps with "unknown handle index", so only the
/// witbind build is checked).
#[test]
fn sync_exports_return_error_contexts() {
    let mut instance = Instance::new("async_witbind");
    let api = instance.bindings.witbind_fixtures_async_runtime_api();
    let store = &mut instance.guest.store;
    for _ in 0..100 {
        let ok = runtime()
            .block_on(api.call_sync_fail(&mut *store, "ok then"))
            .unwrap_or_else(|e| panic!("sync-fail: {e:?}"));
        assert!(matches!(ok, Ok(7)));
        let err = runtime()
            .block_on(api.call_sync_fail(&mut *store, "failed"))
            .unwrap_or_else(|e| panic!("sync-fail: {e:?}"));
        assert!(err.is_err());
    }
}

#[test]
fn maps_and_fixed_length_lists_round_trip() {
    for_each_guest(|instance| {
        let name = instance.name;
        let api = instance.bindings.witbind_fixtures_async_runtime_api();
        let store = &mut instance.guest.store;
        let map = runtime()
            .block_on(api.call_maps(&mut *store, HashMap::from([("a", 1), ("ünï", 2)])))
            .unwrap_or_else(|e| panic!("{name}: maps: {e:?}"));
        let expected = HashMap::from([
            ("a".to_string(), 1),
            ("ünï".to_string(), 2),
            ("guest".to_string(), 1),
        ]);
        assert_eq!(map, expected, "{name}");
        let array = runtime()
            .block_on(api.call_arrays(&mut *store, [1, 2, 3, 4]))
            .unwrap_or_else(|e| panic!("{name}: arrays: {e:?}"));
        assert_eq!(array, [4, 3, 2, 1], "{name}");
    });
}

/// Ten thousand async calls and ten thousand stream transfers leave the
/// guest's heap as it was.
#[test]
fn ten_thousand_calls_and_transfers_keep_memory_stable() {
    for name in GUESTS {
        let mut instance = Instance::new(name);
        let round = |instance: &mut Instance, calls: u32| {
            instance.run(async |accessor, api| {
                for i in 0..calls {
                    let got = api.call_compute(accessor, i, 1, "n".into()).await?;
                    assert_eq!(got, format!("n={}", i + 1));
                    let stream =
                        accessor.with(|mut access| StreamReader::new(&mut access, pattern(64)))?;
                    assert_eq!(
                        api.call_consume(accessor, stream).await?,
                        pattern_summary(64)
                    );
                }
                Ok(())
            })
        };
        round(&mut instance, 100);
        let before = instance.heap_balance();
        round(&mut instance, 10_000);
        let after = instance.heap_balance();
        assert_eq!(
            before,
            after,
            "{name}: the guest's heap grew by {} bytes",
            after - before
        );
    }
}
