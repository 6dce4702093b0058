//! The host of `wit/fixtures/async-semantics.wit` (wasmtime's `bindgen!`
//! with the component model's async ABI), for the `semantics-*` guests:
//! the `host` imports, which record what happened (steps, cancelled calls,
//! live tokens) for the tests to check, and [`Instance`], one guest ready
//! for async calls.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::sync::{mpsc, oneshot};
use wasmtime::component::{
    Access, Accessor, Destination, FutureReader, HasSelf, Resource, Source, StreamConsumer,
    StreamProducer, StreamReader, StreamResult, VecBuffer,
};
use wasmtime::{Result, StoreContextMut};

use crate::async_host::runtime;
use crate::{Guest, Host, Run};

#[allow(missing_docs, clippy::all)]
pub mod bindings {
    wasmtime::component::bindgen!({
        path: "../wit/fixtures/async-semantics.wit",
        world: "async-semantics",
        imports: {
            "witbind-fixtures:async-semantics/host.held-future": store | trappable,
            "witbind-fixtures:async-semantics/host.write-stream": store | trappable,
            "witbind-fixtures:async-semantics/host.delayed-token": store | trappable,
            default: trappable,
        },
        exports: {
            default: async,
            // Sync exports the tests call concurrently with others.
            "witbind-fixtures:async-semantics/api.send-signal": async | store,
            "witbind-fixtures:async-semantics/api.sync-block-on": async | store,
            "witbind-fixtures:async-semantics/api.writer-dropped-sync": async | store,
        },
        with: {
            "witbind-fixtures:async-semantics/host.token": super::Token,
        },
        additional_derives: [PartialEq],
    });
}

pub use bindings::exports::witbind_fixtures::async_semantics::api;
use bindings::witbind_fixtures::async_semantics::{host, types};
use bindings::AsyncSemantics;
pub use types::{Outcome, Report};

/// The two builds of the guest: witbind's and wit-bindgen 0.63's.
pub const GUESTS: [&str; 2] = ["semantics_witbind", "semantics_wit_bindgen"];

/// A host token.
pub struct Token {
    id: u32,
}

/// What the host saw.
#[derive(Default)]
pub struct State {
    /// The guest's `step`s and the host's own events, in order.
    pub steps: Vec<String>,
    /// Calls of `gated` whose future the guest dropped (cancelled).
    pub gated_cancelled: Arc<AtomicU32>,
    /// Tokens created and not dropped.
    pub live_tokens: i64,
    /// Releases the value of the last `held-future`.
    release: Option<oneshot::Sender<()>>,
}

/// The store data of a semantics guest.
pub type Data = Host<State>;

impl types::Host for Data {}

impl host::HostToken for Data {
    fn new(&mut self, id: u32) -> Result<Resource<Token>> {
        self.data.live_tokens += 1;
        Ok(self.table_mut().push(Token { id })?)
    }

    fn id(&mut self, token: Resource<Token>) -> Result<u32> {
        Ok(self.table_mut().get(&token)?.id)
    }

    fn drop(&mut self, token: Resource<Token>) -> Result<()> {
        self.data.live_tokens -= 1;
        self.table_mut().delete(token)?;
        Ok(())
    }
}

impl host::Host for Data {
    fn release(&mut self) -> Result<()> {
        self.data.steps.push("release".to_string());
        if let Some(release) = self.data.release.take() {
            let _ = release.send(());
        }
        Ok(())
    }

    fn step(&mut self, step: String) -> Result<()> {
        self.data.steps.push(step);
        Ok(())
    }
}

/// Lets the host's event loop (and so the guest) run `n` times.
async fn yield_times(n: u32) {
    for _ in 0..n {
        tokio::task::yield_now().await;
    }
}

/// Records `step` in the store's state.
fn record<D>(accessor: &Accessor<Data, D>, step: String)
where
    D: wasmtime::component::HasData,
{
    accessor.with(|mut access| access.data_mut().data.steps.push(step));
}

/// Counts a `gated` call whose future is dropped before it returns.
struct CountCancel(Arc<AtomicU32>);

impl Drop for CountCancel {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl host::HostWithStore<Data> for HasSelf<Data> {
    async fn delayed(accessor: &Accessor<Data, Self>, v: String, yields: u32) -> Result<String> {
        yield_times(yields).await;
        record(accessor, format!("delayed({v}) returned"));
        Ok(v)
    }

    async fn delayed_token(
        accessor: &Accessor<Data, Self>,
        id: u32,
        yields: u32,
    ) -> Result<Resource<Token>> {
        yield_times(yields).await;
        record(accessor, format!("delayed-token({id}) returned"));
        accessor.with(|mut access| {
            let data = access.data_mut();
            data.data.live_tokens += 1;
            Ok(data.table_mut().push(Token { id })?)
        })
    }

    async fn gated(accessor: &Accessor<Data, Self>, _v: u32) -> Result<u32> {
        let counter = accessor.with(|mut access| access.data_mut().data.gated_cancelled.clone());
        let _cancelled = CountCancel(counter);
        // The gate never opens: only a cancel ends the call.
        std::future::pending::<()>().await;
        unreachable!("the gate never opens")
    }

    async fn read_stream(
        accessor: &Accessor<Data, Self>,
        stream: StreamReader<u8>,
        chunk: u32,
        limit: u32,
        yields: u32,
    ) -> Result<Vec<u8>> {
        read_stream(accessor, stream, chunk, limit, yields).await
    }

    fn held_future(mut host: Access<'_, Data, Self>, v: String) -> Result<FutureReader<String>> {
        let (release, released) = oneshot::channel();
        host.data_mut().data.release = Some(release);
        let value = async move {
            let _ = released.await;
            Ok::<_, wasmtime::Error>(v)
        };
        FutureReader::new(&mut host, value)
    }

    fn write_stream(
        mut host: Access<'_, Data, Self>,
        v: Vec<u8>,
        chunk: u32,
    ) -> Result<StreamReader<u8>> {
        let writes = Writes {
            values: v.into(),
            chunk: (chunk as usize).max(1),
        };
        StreamReader::new(&mut host, writes)
    }
}

/// Reads `stream` as `host.read-stream` does (at most `chunk` values per
/// read, after `yields` turns of the event loop, dropping it after `limit`
/// values): the values.
pub async fn read_stream<D>(
    accessor: &Accessor<Data, D>,
    stream: StreamReader<u8>,
    chunk: u32,
    limit: u32,
    yields: u32,
) -> Result<Vec<u8>>
where
    D: wasmtime::component::HasData,
{
    let (sender, mut receiver) = mpsc::unbounded_channel();
    let reads = Reads {
        chunk: chunk as usize,
        left: limit as usize,
        yields,
        yielded: 0,
        sender,
    };
    accessor.with(|mut access| stream.pipe(&mut access, reads))?;
    let mut values = Vec::new();
    while let Some(batch) = receiver.recv().await {
        values.extend(batch);
    }
    Ok(values)
}

/// A stream the host writes `values` to, `chunk` values per write.
pub fn host_stream<D>(accessor: &Accessor<Data, D>, values: &[u8], chunk: u32) -> StreamReader<u8>
where
    D: wasmtime::component::HasData,
{
    let writes = Writes {
        values: values.iter().copied().collect(),
        chunk: (chunk as usize).max(1),
    };
    accessor
        .with(|mut access| StreamReader::new(&mut access, writes))
        .expect("creating a stream")
}

/// The host's reads of a guest's stream: at most `chunk` values each,
/// after `yields` turns of the event loop, until `left` values were read
/// (then the host drops its end).
struct Reads {
    chunk: usize,
    left: usize,
    yields: u32,
    yielded: u32,
    sender: mpsc::UnboundedSender<Vec<u8>>,
}

impl<D> StreamConsumer<D> for Reads {
    type Item = u8;

    fn poll_consume(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut store: StoreContextMut<D>,
        mut source: Source<'_, u8>,
        finish: bool,
    ) -> Poll<Result<StreamResult>> {
        if self.left == 0 {
            return Poll::Ready(Ok(StreamResult::Dropped));
        }
        if self.yielded < self.yields && finish {
            // The writer cancels: this read takes nothing.
            return Poll::Ready(Ok(StreamResult::Cancelled));
        }
        if self.yielded < self.yields {
            self.yielded += 1;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.yielded = 0;
        let take = source.remaining(&mut store).min(self.chunk).min(self.left);
        let mut batch = Vec::with_capacity(take);
        source.read(&mut store, &mut batch)?;
        self.left -= batch.len();
        let _ = self.sender.send(batch);
        Poll::Ready(Ok(if self.left == 0 {
            StreamResult::Dropped
        } else {
            StreamResult::Completed
        }))
    }
}

/// The host's writes of a stream: at most `chunk` values each.
struct Writes {
    values: VecDeque<u8>,
    chunk: usize,
}

impl<D> StreamProducer<D> for Writes {
    type Item = u8;
    type Buffer = VecBuffer<u8>;

    fn poll_produce<'a>(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        _: StoreContextMut<'a, D>,
        mut destination: Destination<'a, u8, VecBuffer<u8>>,
        _finish: bool,
    ) -> Poll<Result<StreamResult>> {
        let take = self.chunk.min(self.values.len());
        let batch: Vec<u8> = self.values.drain(..take).collect();
        destination.set_buffer(batch.into());
        Poll::Ready(Ok(if self.values.is_empty() {
            StreamResult::Dropped
        } else {
            StreamResult::Completed
        }))
    }
}

/// A guest instance, ready for async calls.
pub struct Instance {
    /// The store and linker.
    pub guest: Guest<State>,
    /// The instance's exports.
    pub bindings: AsyncSemantics,
    /// The guest's name, for messages.
    pub name: &'static str,
}

impl Instance {
    /// A fresh instance of the guest component `wasm`.
    pub fn new(name: &'static str, wasm: &std::path::Path) -> Instance {
        let mut guest = Guest::load_async(wasm, &Run::new(name), State::default())
            .unwrap_or_else(|e| panic!("loading {name}: {e:?}"));
        AsyncSemantics::add_to_linker::<_, HasSelf<Data>>(&mut guest.linker, |host| host)
            .expect("adding the test's imports");
        let bindings = runtime()
            .block_on(AsyncSemantics::instantiate_async(
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

    /// Runs `f` with an accessor to the store (inside `run_concurrent`),
    /// giving up after ten seconds (a task that never ends).
    pub fn run<R: Send + 'static>(
        &mut self,
        f: impl AsyncFnOnce(&Accessor<Data>, &api::Guest) -> Result<R> + Send,
    ) -> R {
        let api = self.bindings.witbind_fixtures_async_semantics_api();
        let run = self
            .guest
            .store
            .run_concurrent(async |accessor| f(accessor, api).await);
        let result = runtime().block_on(async {
            tokio::time::timeout(std::time::Duration::from_secs(10), run).await
        });
        match result {
            Ok(Ok(Ok(value))) => value,
            Ok(Ok(Err(e)) | Err(e)) => panic!(
                "{}: {e:?}\n--- stderr ---\n{}",
                self.name,
                self.guest.stderr()
            ),
            Err(_) => panic!("{}: timed out (a call or task never ended)", self.name),
        }
    }

    /// The steps recorded since the last call, taken.
    pub fn take_steps(&mut self) -> Vec<String> {
        std::mem::take(&mut self.guest.store.data_mut().data.steps)
    }

    /// The host's own state.
    pub fn state(&mut self) -> &mut State {
        &mut self.guest.store.data_mut().data
    }

    /// What the guest's allocator holds.
    pub fn heap_balance(&mut self) -> i64 {
        let api = self.bindings.witbind_fixtures_async_semantics_api();
        runtime()
            .block_on(api.call_heap_balance(&mut self.guest.store))
            .unwrap_or_else(|e| panic!("{}: heap-balance: {e:?}", self.name))
    }

    /// How many handles the guest's handle table holds.
    pub fn handle_probe(&mut self) -> u32 {
        let api = self.bindings.witbind_fixtures_async_semantics_api();
        runtime()
            .block_on(api.call_handle_probe(&mut self.guest.store))
            .unwrap_or_else(|e| panic!("{}: handle-probe: {e:?}", self.name))
    }

    /// Whether the host's resource table is empty (nothing leaked there).
    pub fn host_table_is_empty(&mut self) -> bool {
        self.guest.store.data_mut().table_mut().is_empty()
    }
}
