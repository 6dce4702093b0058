//! The executor of one component-model task: the futures it runs (the
//! export's own, or `block_on`'s, and those spawned into it), the
//! waitables they wait for, and how it sleeps and wakes.
//!
//! # One round
//!
//! The host runs a task's executor when the task starts and then once per
//! event ([`start_task`] and [`callback`] for async exports; a loop around
//! `waitable-set.wait` for [`block_on`]). Each time, the executor publishes
//! the task as the current one (see `cabi`), delivers the event to the
//! operation that waits for it, polls the futures that were woken, and
//! tells the host what next: exit (no futures and no waitables left),
//! yield (a future asked to let others run), or wait for the next event of
//! the task's waitable set.
//!
//! # Waking from another task
//!
//! A future may be woken by something outside its task: a channel that
//! another export call sends on, a task spawned by an earlier call, a
//! synchronous export. A task that sleeps can only be resumed by an event
//! of its waitable set, so every sleeping task also waits on a `stream`
//! without payload of its own (the wakeup stream, with a read in flight):
//! a wake that finds the task asleep writes one unit to it, the read
//! completes, and the host runs the task. Wakeup streams are reused across
//! tasks (a pool), so this costs two `waitable.join`s per task, not a new
//! stream.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use alloc::task::Wake;
use alloc::vec::Vec;
use core::ffi::c_void;
use core::future::Future;
use core::pin::Pin;
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use core::task::{Context, Poll, Waker};

use super::abi::{self, CallbackCode, Copy};
use super::cabi;
use super::exclusive::Exclusive;
use super::slot;
use super::wakeup::WakeupStream;

pub(crate) type BoxFuture<'a> = Pin<Box<dyn Future<Output = ()> + 'a>>;

/// The executor is polling the task's futures.
const POLLING: u32 = 0;
/// A future was woken while polling: poll again before sleeping.
const WOKEN: u32 = 1;
/// The task waits for the host: a wake must signal the wakeup stream.
const SLEEPING: u32 = 2;
/// The task is gone: wakes do nothing.
const FINISHED: u32 = 3;

/// How many rounds of wakes inside the task run before the host gets a
/// turn (a yield) anyway.
const ROUNDS_BEFORE_YIELD: u32 = 64;

/// An operation waiting for a waitable's event: what to call with it.
struct Waiter {
    callback: cabi::WakeFn,
    callback_ptr: *mut c_void,
}

// SAFETY: a waiter is only called on the component's thread, from the
// task that holds it; the pointer is the waiting operation's.
unsafe impl Send for Waiter {}

/// Spawned futures waiting to be adopted by their task's executor.
struct Spawned(Vec<BoxFuture<'static>>);

// SAFETY: futures are pushed by code the task runs and adopted by its
// executor, on the component's thread (wasm has one; host-side code runs
// tasks on one thread too).
unsafe impl Send for Spawned {}

/// The part of a task that its wakers, its operations (through the task
/// protocol) and its executor share.
pub(crate) struct Shared {
    state: AtomicU32,
    /// A future asked the host to run others (`yield_async`).
    yield_requested: AtomicBool,
    /// The waitable set, or 0 before one is needed.
    set: AtomicU32,
    /// Who waits for which waitable.
    registry: Exclusive<BTreeMap<u32, Waiter>>,
    /// Futures spawned into the task.
    spawned: Exclusive<Spawned>,
    /// The writable end of the wakeup stream while the task sleeps, or 0.
    wakeup_writer: AtomicU32,
    /// A unit was written to the wakeup stream and its read's event has
    /// not arrived yet.
    signalled: AtomicBool,
}

impl Shared {
    fn new() -> Shared {
        Shared {
            state: AtomicU32::new(POLLING),
            yield_requested: AtomicBool::new(false),
            set: AtomicU32::new(0),
            registry: Exclusive::new(BTreeMap::new()),
            spawned: Exclusive::new(Spawned(Vec::new())),
            wakeup_writer: AtomicU32::new(0),
            signalled: AtomicBool::new(false),
        }
    }

    /// The waitable set, made on first use.
    fn set(&self) -> u32 {
        match self.set.load(Ordering::Relaxed) {
            0 => {
                // SAFETY: no preconditions.
                let set = unsafe { abi::waitable_set_new() };
                self.set.store(set, Ordering::Relaxed);
                set
            }
            set => set,
        }
    }

    /// A future of the task was woken.
    fn notify(&self) {
        let mut state = self.state.load(Ordering::Acquire);
        loop {
            let next = match state {
                POLLING | SLEEPING => WOKEN,
                _ => return,
            };
            match self
                .state
                .compare_exchange(state, next, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) if state == SLEEPING => return self.signal(),
                Ok(_) => return,
                Err(actual) => state = actual,
            }
        }
    }

    /// Wakes the sleeping task: one unit into its wakeup stream.
    fn signal(&self) {
        let writer = self.wakeup_writer.load(Ordering::Acquire);
        if writer == 0 || self.signalled.swap(true, Ordering::AcqRel) {
            return;
        }
        // SAFETY: `writer` is the writable end of this task's wakeup
        // stream, whose read is in flight while the task sleeps.
        let code = unsafe { abi::unit_stream_write(writer, ptr::null(), 1) };
        if Copy::decode(code) == Copy::Blocked {
            // No read in flight: an earlier unit was taken and its event is
            // still on its way, which wakes the task just as well. A write
            // left in flight would make the next one trap.
            // SAFETY: the write just started on this end.
            unsafe { abi::unit_stream_cancel_write(writer) };
        }
    }

    /// Makes `waiter` wait for `waitable`; returns the pointer of the
    /// waiter it replaces, or null.
    fn register(&self, waitable: u32, waiter: Waiter) -> *mut c_void {
        let previous = self.registry.lock().insert(waitable, waiter);
        match previous {
            Some(previous) => previous.callback_ptr,
            None => {
                // SAFETY: `waitable` is a live handle the caller waits for.
                unsafe { abi::waitable_join(waitable, self.set()) };
                ptr::null_mut()
            }
        }
    }

    /// Stops waiting for `waitable`; returns the pointer of its waiter, or
    /// null.
    fn unregister(&self, waitable: u32) -> *mut c_void {
        let removed = self.registry.lock().remove(&waitable);
        match removed {
            Some(waiter) => {
                // SAFETY: the waitable is in this task's set.
                unsafe { abi::waitable_join(waitable, 0) };
                waiter.callback_ptr
            }
            None => ptr::null_mut(),
        }
    }

    /// Delivers the event `code` of `waitable` to its waiter.
    fn deliver(&self, waitable: u32, code: u32) {
        let waiter = self.registry.lock().remove(&waitable);
        if let Some(waiter) = waiter {
            // SAFETY: the waitable is in this task's set.
            unsafe { abi::waitable_join(waitable, 0) };
            // SAFETY: a registered waiter stays valid until it is called or
            // unregistered.
            unsafe { (waiter.callback)(waiter.callback_ptr, code) };
        }
    }

    fn waits(&self) -> bool {
        !self.registry.lock().is_empty()
    }
}

// The task protocol's functions for witbind's tasks: `ptr` is the task's
// `Shared` (its `Arc`'s pointer).

// SAFETY: contract: the protocol's (`ptr` is a live task's `Shared`, the
// waiter stays valid while registered).
unsafe extern "C" fn protocol_register(
    ptr: *mut c_void,
    waitable: u32,
    callback: cabi::WakeFn,
    callback_ptr: *mut c_void,
) -> *mut c_void {
    // SAFETY: `ptr` is a live task's `Shared` (published, or referenced).
    let shared = unsafe { &*ptr.cast::<Shared>() };
    shared.register(
        waitable,
        Waiter {
            callback,
            callback_ptr,
        },
    )
}

// SAFETY: contract: the protocol's (`ptr` is a live task's `Shared`).
unsafe extern "C" fn protocol_unregister(ptr: *mut c_void, waitable: u32) -> *mut c_void {
    // SAFETY: as above.
    let shared = unsafe { &*ptr.cast::<Shared>() };
    shared.unregister(waitable)
}

// SAFETY: contract: the protocol's (`ptr` is a live task's `Shared`).
unsafe extern "C" fn protocol_clone(ptr: *mut c_void) -> *mut c_void {
    // SAFETY: `ptr` is an `Arc<Shared>`'s pointer that is alive.
    unsafe { Arc::increment_strong_count(ptr.cast_const().cast::<Shared>()) };
    ptr
}

// SAFETY: contract: the protocol's (`ptr` is a reference `clone` made).
unsafe extern "C" fn protocol_drop(ptr: *mut c_void) {
    // SAFETY: a reference made by `protocol_clone`.
    unsafe { Arc::decrement_strong_count(ptr.cast_const().cast::<Shared>()) };
}

// SAFETY: contract: the protocol's (`ptr` is the current task's `Shared`).
unsafe fn protocol_spawn(ptr: *mut c_void, future: Box<dyn Future<Output = ()>>) {
    // SAFETY: as for `protocol_register`.
    let shared = unsafe { &*ptr.cast::<Shared>() };
    shared.spawned.lock().0.push(Pin::from(future));
}

static PROTOCOL: cabi::wasip3_task_vtable_v3 = cabi::wasip3_task_vtable_v3 {
    v2: cabi::wasip3_task_vtable {
        waitable_register: protocol_register,
        waitable_unregister: protocol_unregister,
        clone: protocol_clone,
        drop: protocol_drop,
    },
    rust_spawn: Some(protocol_spawn),
};

/// Runs `f` with the `Shared` of the current task, when witbind runs it.
fn with_current_shared(f: impl FnOnce(&Shared)) {
    let current = cabi::current();
    if current.is_null() {
        return;
    }
    // SAFETY: a published task is valid while it is current; the vtable
    // is ours only for our tasks, whose `ptr` is their `Shared`.
    unsafe {
        if (*current).version < cabi::WASIP3_TASK_V3 {
            return;
        }
        let vtable = (*current.cast::<cabi::wasip3_task_v3>()).vtable;
        if ptr::eq(vtable, &PROTOCOL) {
            f(&*(*current).ptr.cast::<Shared>());
        }
    }
}

/// Runs `future` in the current task, next to its other futures, through
/// the task protocol (any runtime that supports it). Whether there was a
/// task that took it.
pub(crate) fn spawn_in_current(
    future: Box<dyn Future<Output = ()>>,
) -> Result<(), Box<dyn Future<Output = ()>>> {
    let current = cabi::current();
    if current.is_null() {
        return Err(future);
    }
    // SAFETY: as in `current_shared`.
    unsafe {
        if (*current).version < cabi::WASIP3_TASK_V3 {
            return Err(future);
        }
        let task = current.cast::<cabi::wasip3_task_v3>();
        match (*task).vtable.rust_spawn {
            Some(spawn) => {
                spawn((*task).v1.ptr, future);
                Ok(())
            }
            None => Err(future),
        }
    }
}

per_instance! {
    /// Work started outside of any task (a future's default value written
    /// by a dropped writer in a synchronous export): each has an executor
    /// of its own, which the next tasks witbind runs drive (they deliver
    /// its events) until it is done.
    static ORPHANS: Exclusive<Orphans> = Exclusive::new(Orphans(Vec::new()));
    static HAS_ORPHANS: AtomicBool = AtomicBool::new(false);
}

struct Orphans(Vec<Executor<'static>>);

// SAFETY: orphans are made and driven on the component's thread (wasm has
// one; host-side code runs tasks on one thread too).
unsafe impl Send for Orphans {}

/// Runs `future` in the background: in the current task, whichever
/// runtime runs it (the task does not end before the future does), or,
/// outside of any task, in an executor of its own that starts it now and
/// that later tasks drive.
pub(crate) fn spawn_background(future: BoxFuture<'static>) {
    if cabi::current().is_null() {
        let mut orphan = Executor::new(future);
        if orphan.run((abi::EVENT_NONE, 0, 0)) != CallbackCode::Exit {
            ORPHANS().lock().0.push(orphan);
            HAS_ORPHANS().store(true, Ordering::Release);
        }
        return;
    }
    // The future is its own waker: each wake polls it, in the task whose
    // event woke it, until it is done. What it waits for is registered
    // with that task, which keeps it running.
    Arc::new(Detached {
        future: Exclusive::new(Spawned(alloc::vec![future])),
        woken_again: AtomicBool::new(false),
    })
    .wake();
}

/// Delivers the ready events of the orphans' executors; drops those that
/// are done.
fn drive_orphans() {
    if !HAS_ORPHANS().swap(false, Ordering::AcqRel) {
        return;
    }
    // Taken out while they run, so that their own runs do not come here.
    let mut orphans = core::mem::take(&mut ORPHANS().lock().0);
    orphans.retain_mut(|orphan| {
        while let Some(event) = orphan.poll_set() {
            if orphan.run(event) == CallbackCode::Exit {
                return false;
            }
        }
        true
    });
    if !orphans.is_empty() {
        ORPHANS().lock().0.extend(orphans);
        HAS_ORPHANS().store(true, Ordering::Release);
    }
}

/// A future that polls itself when woken.
struct Detached {
    future: Exclusive<Spawned>,
    /// Woken while it was being polled: poll again.
    woken_again: AtomicBool,
}

impl Wake for Detached {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let Some(mut future) = self.future.try_lock() else {
            self.woken_again.store(true, Ordering::Release);
            return;
        };
        let waker = Waker::from(self.clone());
        loop {
            let Some(pending) = future.0.first_mut() else {
                return;
            };
            if pending
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_ready()
            {
                future.0.clear();
                return;
            }
            if !self.woken_again.swap(false, Ordering::AcqRel) {
                return;
            }
        }
    }
}

/// The waker of one future of a task: a flag, and the task to notify.
struct FutureWaker {
    woken: AtomicBool,
    shared: Arc<Shared>,
}

impl Wake for FutureWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.woken.swap(true, Ordering::AcqRel) {
            self.shared.notify();
        }
    }
}

/// A future of the task and its waker.
struct Polled<'a> {
    future: BoxFuture<'a>,
    waker: Arc<FutureWaker>,
}

impl<'a> Polled<'a> {
    fn new(future: BoxFuture<'a>, shared: &Arc<Shared>) -> Polled<'a> {
        Polled {
            future,
            // New futures are polled once.
            waker: Arc::new(FutureWaker {
                woken: AtomicBool::new(true),
                shared: shared.clone(),
            }),
        }
    }

    fn woken(&self) -> bool {
        self.waker.woken.load(Ordering::Acquire)
    }

    /// Polls the future if it was woken; whether it finished.
    fn poll_if_woken(&mut self) -> bool {
        if !self.waker.woken.swap(false, Ordering::AcqRel) {
            return false;
        }
        let waker = Waker::from(self.waker.clone());
        self.future
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_ready()
    }
}

/// Drives the futures of one task.
pub(crate) struct Executor<'a> {
    shared: Arc<Shared>,
    /// The export's future, or `block_on`'s.
    root: Option<Polled<'a>>,
    spawned: Vec<Polled<'a>>,
    wakeup: Option<WakeupStream>,
}

impl<'a> Executor<'a> {
    pub(crate) fn new(root: BoxFuture<'a>) -> Executor<'a> {
        let shared = Arc::new(Shared::new());
        Executor {
            root: Some(Polled::new(root, &shared)),
            shared,
            spawned: Vec::new(),
            wakeup: None,
        }
    }

    /// Runs `f` with this task published as the current one.
    fn published<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        struct Restore(*mut cabi::wasip3_task);
        impl Drop for Restore {
            fn drop(&mut self) {
                // SAFETY: puts back what was current before.
                unsafe { cabi::set(self.0) };
            }
        }
        let mut task = cabi::wasip3_task_v3 {
            v1: cabi::wasip3_task {
                version: cabi::WASIP3_TASK_V3,
                ptr: Arc::as_ptr(&self.shared).cast_mut().cast(),
                waitable_register: protocol_register,
                waitable_unregister: protocol_unregister,
            },
            vtable: &PROTOCOL,
        };
        // SAFETY: `task` outlives its publication (restored on return).
        let _restore = Restore(unsafe { cabi::set(ptr::from_mut(&mut task).cast()) });
        f(self)
    }

    /// Handles the host's event, runs the task as far as it goes, and says
    /// what the host should do next.
    pub(crate) fn run(&mut self, event: (u32, u32, u32)) -> CallbackCode {
        drive_orphans();
        self.published(|this| {
            this.shared.state.store(POLLING, Ordering::Release);
            this.event(event);
            this.run_rounds()
        })
    }

    fn run_rounds(&mut self) -> CallbackCode {
        let mut rounds = 0;
        loop {
            self.shared.state.store(POLLING, Ordering::Release);
            self.poll_woken();
            if self.root.is_none() && self.spawned.is_empty() && !self.shared.waits() {
                return CallbackCode::Exit;
            }
            if self.any_woken() {
                rounds += 1;
                let yield_requested = self.shared.yield_requested.swap(false, Ordering::AcqRel);
                if yield_requested || rounds >= ROUNDS_BEFORE_YIELD {
                    // Let the host run others; first take what is ready.
                    match self.poll_set() {
                        Some(event) => {
                            self.event(event);
                            rounds = 0;
                            continue;
                        }
                        None => return CallbackCode::Yield,
                    }
                }
                continue;
            }
            if self
                .shared
                .state
                .compare_exchange(POLLING, SLEEPING, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
            {
                continue;
            }
            if !self.arm_wakeup() {
                continue;
            }
            return CallbackCode::Wait(self.shared.set());
        }
    }

    /// Polls every woken future (and the futures they spawn) once.
    fn poll_woken(&mut self) {
        if let Some(root) = &mut self.root {
            if root.poll_if_woken() {
                self.root = None;
            }
        }
        loop {
            let adopted = core::mem::take(&mut self.shared.spawned.lock().0);
            let any = !adopted.is_empty();
            for future in adopted {
                self.spawned.push(Polled::new(future, &self.shared));
            }
            self.spawned.retain_mut(|future| !future.poll_if_woken());
            if !any && self.shared.spawned.lock().0.is_empty() {
                return;
            }
        }
    }

    fn any_woken(&self) -> bool {
        self.root.as_ref().is_some_and(Polled::woken) || self.spawned.iter().any(Polled::woken)
    }

    /// Handles one event of the host.
    fn event(&mut self, (event, waitable, code): (u32, u32, u32)) {
        match event {
            abi::EVENT_NONE => {}
            abi::EVENT_CANCEL => {
                // The caller no longer wants the result: the export's
                // future is dropped (its guard reports the cancellation);
                // spawned futures go on.
                self.root = None;
            }
            abi::EVENT_SUBTASK
            | abi::EVENT_STREAM_READ
            | abi::EVENT_STREAM_WRITE
            | abi::EVENT_FUTURE_READ
            | abi::EVENT_FUTURE_WRITE => match &mut self.wakeup {
                Some(wakeup) if wakeup.reader == waitable => {
                    wakeup.reading = false;
                    self.shared.signalled.store(false, Ordering::Release);
                }
                _ => self.shared.deliver(waitable, code),
            },
            other => panic!("unknown event {other} from the host"),
        }
    }

    /// A ready event of the task's waitable set, without blocking.
    pub(crate) fn poll_set(&self) -> Option<(u32, u32, u32)> {
        let set = self.shared.set.load(Ordering::Relaxed);
        if set == 0 {
            return None;
        }
        let mut out = [0u32; 2];
        // SAFETY: `out` has room for the waitable and the code.
        let event = unsafe { abi::waitable_set_poll(set, out.as_mut_ptr()) };
        (event != abi::EVENT_NONE).then_some((event, out[0], out[1]))
    }

    /// Makes sure a unit written to the wakeup stream wakes the task;
    /// `false` when one was already waiting (the task is woken).
    fn arm_wakeup(&mut self) -> bool {
        let set = self.shared.set();
        let wakeup = self.wakeup.get_or_insert_with(|| {
            let stream = WakeupStream::take();
            // SAFETY: the reader is ours and in no other set.
            unsafe { abi::waitable_join(stream.reader, set) };
            stream
        });
        if !wakeup.reading {
            // SAFETY: no read is in flight on the reader (unit payload:
            // no memory).
            let code = unsafe { abi::unit_stream_read(wakeup.reader, ptr::null_mut(), 1) };
            match Copy::decode(code) {
                Copy::Blocked => wakeup.reading = true,
                // A unit was waiting: someone woke a task of this stream.
                Copy::Completed(_) | Copy::Cancelled(_) => {
                    self.shared.state.store(POLLING, Ordering::Release);
                    self.wake_all();
                    return false;
                }
                Copy::Dropped(_) => unreachable!("the wakeup stream's writer is never dropped"),
            }
        }
        self.shared
            .wakeup_writer
            .store(wakeup.writer, Ordering::Release);
        true
    }

    /// Polls every future again (after a wake whose target is unknown).
    fn wake_all(&self) {
        for polled in self.root.iter().chain(&self.spawned) {
            polled.waker.woken.store(true, Ordering::Release);
        }
    }
}

impl Drop for Executor<'_> {
    fn drop(&mut self) {
        self.shared.state.store(FINISHED, Ordering::Release);
        self.shared.wakeup_writer.store(0, Ordering::Release);
        // Futures unregister what they wait for as they are dropped, and
        // may use the task to do so.
        self.published(|this| {
            this.root = None;
            this.spawned.clear();
            let spawned = core::mem::take(&mut this.shared.spawned.lock().0);
            drop(spawned);
        });
        let registry = core::mem::take(&mut *self.shared.registry.lock());
        for waitable in registry.keys() {
            // SAFETY: each is in this task's set, which is dropped below.
            unsafe { abi::waitable_join(*waitable, 0) };
        }
        if let Some(wakeup) = self.wakeup.take() {
            // SAFETY: the reader is in this task's set.
            unsafe { abi::waitable_join(wakeup.reader, 0) };
            wakeup.give_back();
        }
        let set = self.shared.set.swap(0, Ordering::Relaxed);
        if set != 0 {
            // SAFETY: the set is empty now.
            unsafe { abi::waitable_set_drop(set) };
        }
    }
}

/// Starts the task of an async export call running `future`; returns the
/// callback code for the host. Called by generated export functions.
#[doc(hidden)]
pub fn start_task(future: impl Future<Output = ()> + 'static) -> i32 {
    assert!(
        slot::get().is_null(),
        "an async export started inside a running task"
    );
    let executor = Box::into_raw(Box::new(Executor::new(Box::pin(future))));
    // The slot keeps the task between callbacks; `callback` takes it back.
    slot::set(executor.cast());
    // SAFETY: the task was just put in the slot.
    unsafe { callback(abi::EVENT_NONE, 0, 0) as i32 }
}

/// The callback of every async export: the host delivers an event of the
/// task started by [`start_task`]; returns the next callback code.
///
/// # Safety
/// Only the host calls it, for a task started by `start_task`.
#[doc(hidden)]
pub unsafe fn callback(event0: u32, event1: u32, event2: u32) -> u32 {
    let executor = slot::get().cast::<Executor<'static>>();
    assert!(
        !executor.is_null(),
        "an async export's callback ran without its task"
    );
    // The slot is cleared while the task runs, so that nothing mistakes it
    // for another task.
    slot::set(ptr::null_mut());
    // SAFETY: `executor` came from `Box::into_raw` in `start_task`, and the
    // host delivers one event at a time.
    let code = unsafe { (*executor).run((event0, event1, event2)) };
    if code == CallbackCode::Exit {
        // SAFETY: as above; the task is done.
        drop(unsafe { Box::from_raw(executor) });
    } else {
        slot::set(executor.cast());
    }
    code.encode()
}

/// Runs `future` to completion, waiting for the host as needed, with the
/// futures it spawns. Use it to run async code (async import calls,
/// streams, futures) from synchronous code: a synchronous export, `main`,
/// or even an async export's future, whose task then waits until
/// `block_on` returns. The future may borrow from the caller.
pub fn block_on<T>(future: impl Future<Output = T>) -> T {
    let mut output = None;
    {
        let root = async {
            output = Some(future.await);
        };
        let mut executor = Executor::new(Box::pin(root));
        let mut event = (abi::EVENT_NONE, 0, 0);
        loop {
            match executor.run(event) {
                CallbackCode::Exit => break,
                CallbackCode::Yield => {
                    event = executor.poll_set().unwrap_or((abi::EVENT_NONE, 0, 0));
                }
                CallbackCode::Wait(set) => {
                    let mut out = [0u32; 2];
                    // SAFETY: `out` has room for the waitable and the code.
                    let code = unsafe { abi::waitable_set_wait(set, out.as_mut_ptr()) };
                    event = (code, out[0], out[1]);
                }
            }
        }
    }
    output.unwrap_or_else(|| unreachable!("the task ends after its root future"))
}

/// Lets the other futures of this task, and other tasks, run before this
/// one continues.
pub async fn yield_async() {
    let mut yielded = false;
    core::future::poll_fn(|cx| {
        if yielded {
            return Poll::Ready(());
        }
        yielded = true;
        with_current_shared(|shared| shared.yield_requested.store(true, Ordering::Release));
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await;
}

/// Lets other tasks run before this (synchronous) code continues; returns
/// whether the current task can go on (`false`: it was cancelled).
pub fn yield_blocking() -> bool {
    // SAFETY: no preconditions.
    unsafe { abi::thread_yield() == 0 }
}

/// Asks the host to stop starting new export calls of this component
/// instance until [`backpressure_dec`] (the calls nest).
pub fn backpressure_inc() {
    // SAFETY: no preconditions.
    unsafe { abi::backpressure_inc() }
}

/// Undoes one [`backpressure_inc`].
pub fn backpressure_dec() {
    // SAFETY: no preconditions.
    unsafe { abi::backpressure_dec() }
}

/// Reports the cancellation of an async export's task when it is dropped
/// before its result was returned (the host cancelled the call). Generated
/// export functions create one and [`forget`](TaskCancelOnDrop::forget) it
/// right before `task.return`.
#[doc(hidden)]
pub struct TaskCancelOnDrop {
    armed: bool,
}

impl TaskCancelOnDrop {
    #[allow(clippy::new_without_default)]
    #[doc(hidden)]
    pub fn new() -> Self {
        TaskCancelOnDrop { armed: true }
    }

    /// The result is being returned: nothing to report.
    #[doc(hidden)]
    pub fn forget(mut self) {
        self.armed = false;
    }
}

impl Drop for TaskCancelOnDrop {
    fn drop(&mut self) {
        if self.armed {
            // SAFETY: the task was cancelled and has not returned.
            unsafe { abi::task_cancel() }
        }
    }
}
