//! The host of `wit/fixtures/async-runtime.wit` (wasmtime's `bindgen!`
//! with the component model's async ABI), for the `async-*` guests: the
//! `host` imports, helpers to move streams and futures, and [`Instance`],
//! one guest ready for async calls. Used by the async runtime tests and the
//! async benchmark.

use std::pin::Pin;
use std::task::{Context, Poll};

use crate::{Guest, Host, Run};
use tokio::sync::{mpsc, oneshot};
use wasmtime::component::{
    Access, Accessor, FutureConsumer, FutureReader, HasSelf, Source, StreamConsumer, StreamReader,
    StreamResult,
};
use wasmtime::{Result, StoreContextMut};

#[allow(missing_docs, clippy::all)]
pub mod bindings {
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

pub use bindings::exports::witbind_fixtures::async_runtime::api;
use bindings::witbind_fixtures::async_runtime::{host, types};
use bindings::AsyncRuntime;
pub use types::Item;

/// The two builds of the guest: witbind's and wit-bindgen 0.63's.
pub const GUESTS: [&str; 2] = ["async_witbind", "async_wit_bindgen"];

/// The store data of the test's own imports.
#[derive(Default)]
pub struct State;

/// The store data of an async guest.
pub type Data = Host<State>;

impl types::Host for Data {}
impl host::Host for Data {}

/// Byte `i` of a test stream.
pub fn pattern(len: u64) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// What `read_all` of `pattern(len)` gives: (count, sum).
pub fn pattern_summary(len: u64) -> (u64, u64) {
    (len, pattern(len).iter().map(|b| u64::from(*b)).sum())
}

/// The `i`th item, as the guest makes it.
pub fn item(i: u32) -> Item {
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

    async fn add(_: &Accessor<Data, Self>, a: u32, b: u32) -> u32 {
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
        // The test stopped reading: close this end.
        if self.sender.is_closed() {
            return Poll::Ready(Ok(StreamResult::Dropped));
        }
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
pub fn collect<T, S, D>(
    accessor: &Accessor<S, D>,
    stream: StreamReader<T>,
    max: usize,
) -> mpsc::UnboundedReceiver<Vec<T>>
where
    T: wasmtime::component::Lift + wasmtime::component::ComponentType + Send + Sync + 'static,
    S: 'static,
    D: wasmtime::component::HasData,
{
    let (sender, receiver) = mpsc::unbounded_channel();
    accessor
        .with(|mut access| stream.pipe(&mut access, Batches { max, sender }))
        .expect("piping a stream");
    receiver
}

/// Everything `stream` carries.
pub async fn read_stream<T, S, D>(accessor: &Accessor<S, D>, stream: StreamReader<T>) -> Vec<T>
where
    T: wasmtime::component::Lift + wasmtime::component::ComponentType + Send + Sync + 'static,
    S: 'static,
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
pub async fn read_future<T, S, D>(accessor: &Accessor<S, D>, future: FutureReader<T>) -> Option<T>
where
    T: wasmtime::component::Lift + wasmtime::component::ComponentType + Send + Sync + 'static,
    S: 'static,
    D: wasmtime::component::HasData,
{
    let (sender, receiver) = oneshot::channel();
    accessor
        .with(|mut access| future.pipe(&mut access, Once(Some(sender))))
        .expect("piping a future");
    receiver.await.ok()
}

/// A guest instance, ready for async calls.
pub struct Instance {
    /// The store and linker.
    pub guest: Guest<State>,
    /// The instance's exports.
    pub bindings: AsyncRuntime,
    /// The guest's name, for messages.
    pub name: &'static str,
}

impl Instance {
    /// A fresh instance of the guest component `wasm`.
    pub fn new(name: &'static str, wasm: &std::path::Path) -> Instance {
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
    pub fn run<R: Send + 'static>(
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

    /// What the guest's allocator holds.
    pub fn heap_balance(&mut self) -> i64 {
        let api = self.bindings.witbind_fixtures_async_runtime_api();
        runtime()
            .block_on(api.call_heap_balance(&mut self.guest.store))
            .unwrap_or_else(|e| panic!("{}: heap-balance: {e:?}", self.name))
    }
}

/// A single-threaded tokio runtime.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("building a tokio runtime")
}
