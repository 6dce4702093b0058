//! The executor of one component-model task: the futures it runs (the
//! export's own, and those spawned with [`spawn_local`]), the waitables
//! they wait for, and the two ways of driving them: the callback ABI of
//! async exports ([`start_task`], [`callback`]) and [`block_on`].

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::rc::Rc;
use alloc::sync::Arc;
use alloc::task::Wake;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use core::future::Future;
use core::pin::{pin, Pin};
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use core::task::{Context, Poll, Waker};

use super::abi::{self, CallbackCode};

/// A waker that only raises a flag; the executor polls the futures whose
/// flag is up.
struct Flag {
    woken: AtomicBool,
}

impl Flag {
    fn new() -> Arc<Flag> {
        // New futures are polled once.
        Arc::new(Flag {
            woken: AtomicBool::new(true),
        })
    }

    fn take(&self) -> bool {
        self.woken.swap(false, Ordering::AcqRel)
    }
}

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.woken.store(true, Ordering::Release);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
    }
}

/// Where the host's event for a waitable is delivered: its code, once it
/// has arrived.
#[derive(Default)]
pub(crate) struct EventSlot {
    arrived: AtomicBool,
    code: AtomicU32,
}

impl EventSlot {
    /// The event's code, if it has arrived.
    pub(crate) fn code(&self) -> Option<u32> {
        self.arrived
            .load(Ordering::Acquire)
            .then(|| self.code.load(Ordering::Acquire))
    }

    fn deliver(&self, code: u32) {
        self.code.store(code, Ordering::Release);
        self.arrived.store(true, Ordering::Release);
    }
}

/// A future waiting for a waitable's event.
struct Registration {
    slot: Arc<EventSlot>,
    waker: Waker,
}

/// A spawned future and its waker's flag.
type Spawned = (Pin<Box<dyn Future<Output = ()>>>, Arc<Flag>);

/// The state of one task, reachable from its futures through the task's
/// context slot (see [`Task::current`]).
pub(crate) struct Task {
    /// The waitables futures wait for.
    waiting: RefCell<BTreeMap<u32, Registration>>,
    /// The waitable set of this task, made on first use.
    set: Cell<Option<u32>>,
    /// Futures spawned while the executor runs, adopted between polls.
    new_spawned: RefCell<Vec<Spawned>>,
    /// Running spawned futures.
    spawned: RefCell<Vec<Spawned>>,
}

impl Task {
    fn new() -> Task {
        Task {
            waiting: RefCell::new(BTreeMap::new()),
            set: Cell::new(None),
            new_spawned: RefCell::new(Vec::new()),
            spawned: RefCell::new(Vec::new()),
        }
    }

    /// The task running the current export call (or [`block_on`]).
    ///
    /// # Panics
    /// Outside of an async export or `block_on`: nothing would ever wake
    /// the caller.
    pub(crate) fn current() -> &'static Task {
        // SAFETY: reading the context slot has no preconditions.
        let task = unsafe { abi::context_get() }.cast::<Task>();
        assert!(
            !task.is_null(),
            "component-model async operations need a running task: await them in an async \
             export, or run them with `block_on`"
        );
        // SAFETY: the slot holds a task while its executor runs, and its
        // futures (the only callers) run only then.
        unsafe { &*task }
    }

    /// Makes this the current task; returns the previous one.
    fn enter(&self) -> *mut u8 {
        // SAFETY: the slot is ours to use; it is restored in `leave`.
        unsafe {
            let previous = abi::context_get();
            abi::context_set(core::ptr::from_ref(self).cast_mut().cast());
            previous
        }
    }

    fn leave(previous: *mut u8) {
        // SAFETY: restores what `enter` found.
        unsafe { abi::context_set(previous) }
    }

    /// Waits for `waitable`'s next event: its code goes to `slot` and
    /// `waker` is woken.
    pub(crate) fn register(&self, waitable: u32, slot: Arc<EventSlot>, waker: Waker) {
        let set = self.set();
        let previous = self
            .waiting
            .borrow_mut()
            .insert(waitable, Registration { slot, waker });
        if previous.is_none() {
            // SAFETY: `waitable` is a live handle of this task.
            unsafe { abi::waitable_join(waitable, set) };
        }
    }

    /// Stops waiting for `waitable`.
    pub(crate) fn unregister(&self, waitable: u32) {
        if self.waiting.borrow_mut().remove(&waitable).is_some() {
            // SAFETY: `waitable` is in this task's set.
            unsafe { abi::waitable_join(waitable, 0) };
        }
    }

    fn set(&self) -> u32 {
        match self.set.get() {
            Some(set) => set,
            None => {
                // SAFETY: no preconditions.
                let set = unsafe { abi::waitable_set_new() };
                self.set.set(Some(set));
                set
            }
        }
    }

    /// Delivers the host's event for `waitable`.
    fn deliver(&self, waitable: u32, code: u32) {
        let registration = self.waiting.borrow_mut().remove(&waitable);
        if let Some(registration) = registration {
            // SAFETY: the waitable was in this task's set.
            unsafe { abi::waitable_join(waitable, 0) };
            registration.slot.deliver(code);
            registration.waker.wake();
        }
    }

    /// Queues `future` to run in this task.
    fn spawn(&self, future: Pin<Box<dyn Future<Output = ()>>>) {
        self.new_spawned.borrow_mut().push((future, Flag::new()));
    }

    /// Polls the spawned futures that were woken; whether any is left.
    fn poll_spawned(&self) -> bool {
        loop {
            let adopted: Vec<Spawned> = core::mem::take(&mut *self.new_spawned.borrow_mut());
            self.spawned.borrow_mut().extend(adopted);
            let mut spawned = core::mem::take(&mut *self.spawned.borrow_mut());
            spawned.retain_mut(|(future, flag)| {
                if !flag.take() {
                    return true;
                }
                let waker = Waker::from(flag.clone());
                future
                    .as_mut()
                    .poll(&mut Context::from_waker(&waker))
                    .is_pending()
            });
            // Futures spawned by the ones just polled run right away.
            let mut current = self.spawned.borrow_mut();
            spawned.append(&mut current);
            *current = spawned;
            if self.new_spawned.borrow().is_empty() {
                return !current.is_empty();
            }
        }
    }

    /// Whether a spawned future was woken and waits to be polled.
    fn spawned_woken(&self) -> bool {
        !self.new_spawned.borrow().is_empty()
            || self
                .spawned
                .borrow()
                .iter()
                .any(|(_, flag)| flag.woken.load(Ordering::Acquire))
    }

    /// Whether any future waits for an event of the host.
    fn waits(&self) -> bool {
        !self.waiting.borrow().is_empty()
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        // Futures may unregister their waitables as they are dropped.
        let spawned = core::mem::take(self.spawned.get_mut());
        let new_spawned = core::mem::take(self.new_spawned.get_mut());
        let previous = self.enter();
        drop(spawned);
        drop(new_spawned);
        Task::leave(previous);
        let waiting = core::mem::take(self.waiting.get_mut());
        for waitable in waiting.keys() {
            // SAFETY: each was joined to this task's set.
            unsafe { abi::waitable_join(*waitable, 0) };
        }
        if let Some(set) = self.set.get() {
            // SAFETY: the set is empty now.
            unsafe { abi::waitable_set_drop(set) };
        }
    }
}

/// An async export's task: the [`Task`] and the export's own future. The
/// context slot holds a pointer to it, which is also a pointer to its
/// `task` (the first field of a `repr(C)` struct) for [`Task::current`].
#[repr(C)]
struct ExportTask {
    task: Task,
    root: Option<Spawned>,
}

impl Drop for ExportTask {
    fn drop(&mut self) {
        // The export's future may unregister waitables: drop it while the
        // task is still there.
        self.root = None;
    }
}

impl ExportTask {
    /// Runs the futures that can make progress, then says what the host
    /// should do.
    fn run(&mut self) -> CallbackCode {
        loop {
            if let Some((future, flag)) = &mut self.root {
                if flag.take() {
                    let waker = Waker::from(flag.clone());
                    if future
                        .as_mut()
                        .poll(&mut Context::from_waker(&waker))
                        .is_ready()
                    {
                        self.root = None;
                    }
                }
            }
            let spawned_left = self.task.poll_spawned();
            let root_woken = self
                .root
                .as_ref()
                .is_some_and(|(_, flag)| flag.woken.load(Ordering::Acquire));
            if self.root.is_none() && !spawned_left {
                return CallbackCode::Exit;
            }
            if root_woken || self.task.spawned_woken() {
                // A future yielded: let the host deliver what is ready,
                // or run other tasks first.
                match self.poll_event() {
                    Some(()) => continue,
                    None => return CallbackCode::Yield,
                }
            }
            assert!(
                self.task.waits(),
                "every future of this task is pending, but none waits for the host: a future \
                 was woken from another task or never will be"
            );
            return CallbackCode::Wait(self.task.set());
        }
    }

    /// Delivers a ready event without blocking; whether there was one.
    fn poll_event(&mut self) -> Option<()> {
        let set = self.task.set.get()?;
        let mut out = [0u32; 2];
        // SAFETY: `out` has room for the waitable and the code.
        let event = unsafe { abi::waitable_set_poll(set, out.as_mut_ptr()) };
        (event != abi::EVENT_NONE).then(|| self.event(event, out[0], out[1]))
    }

    /// Handles one event of the host.
    fn event(&mut self, event: u32, waitable: u32, code: u32) {
        match event {
            abi::EVENT_NONE => {}
            abi::EVENT_CANCEL => {
                // The caller no longer wants the result: drop the export's
                // future, whose guard then reports the cancellation.
                self.root = None;
            }
            abi::EVENT_SUBTASK
            | abi::EVENT_STREAM_READ
            | abi::EVENT_STREAM_WRITE
            | abi::EVENT_FUTURE_READ
            | abi::EVENT_FUTURE_WRITE => self.task.deliver(waitable, code),
            other => unreachable!("unknown event {other} from the host"),
        }
    }
}

/// Starts the task of an async export call running `future`; returns the
/// callback code for the host. Called by generated export shims.
#[doc(hidden)]
pub fn start_task(future: impl Future<Output = ()> + 'static) -> u32 {
    // SAFETY: reading the context slot has no preconditions.
    let running = unsafe { abi::context_get() };
    assert!(
        running.is_null(),
        "an async export started inside a running task"
    );
    step(Box::new(ExportTask {
        task: Task::new(),
        root: Some((Box::pin(future), Flag::new())),
    }))
}

/// The callback of every async export: the host delivers an event of the
/// task started by [`start_task`]; returns the next callback code.
///
/// # Safety
/// Only the host calls it, for a task started by `start_task`.
#[doc(hidden)]
pub unsafe fn callback(event: u32, waitable: u32, code: u32) -> u32 {
    // SAFETY: `step` left the task in the context slot.
    let export = unsafe { abi::context_get() }.cast::<ExportTask>();
    assert!(
        !export.is_null(),
        "an async export's callback ran without its task"
    );
    // SAFETY: made by `step` with `Box::into_raw`; the host delivers one
    // event at a time.
    let mut export = unsafe { Box::from_raw(export) };
    export.event(event, waitable, code);
    step(export)
}

/// Runs the task as far as it goes; keeps it in the context slot for the
/// next callback, or frees it when it exits. Returns the callback code.
fn step(mut export: Box<ExportTask>) -> u32 {
    let this: *mut ExportTask = &mut *export;
    // SAFETY: the slot holds this task while it runs (`Task::current`).
    unsafe { abi::context_set(this.cast()) };
    let code = export.run();
    match code {
        CallbackCode::Exit => {
            drop(export);
            // SAFETY: the task is gone.
            unsafe { abi::context_set(core::ptr::null_mut()) };
        }
        CallbackCode::Yield | CallbackCode::Wait(_) => {
            // Kept for the next callback (the same address as `this`).
            let _ = Box::into_raw(export);
        }
    }
    code.encode()
}

/// Runs `future` to completion, waiting for the host as needed, together
/// with the futures it spawns. Use it to call async imports (or use
/// streams and futures) from synchronous code, such as a synchronous
/// export or `main`.
///
/// # Panics
/// Inside an async export's task, which must `.await` instead.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let task = Task::new();
    let previous = task.enter();
    assert!(
        previous.is_null(),
        "`block_on` cannot run inside an async task: `.await` the future instead"
    );
    let mut future = pin!(future);
    let flag = Flag::new();
    let mut output = None;
    loop {
        if output.is_none() && flag.take() {
            let waker = Waker::from(flag.clone());
            if let Poll::Ready(value) = future.as_mut().poll(&mut Context::from_waker(&waker)) {
                output = Some(value);
            }
        }
        let spawned_left = task.poll_spawned();
        if let (Some(_), false) = (&output, spawned_left) {
            break;
        }
        if flag.woken.load(Ordering::Acquire) || task.spawned_woken() {
            continue;
        }
        assert!(
            task.waits(),
            "every future in `block_on` is pending, but none waits for the host"
        );
        let mut out = [0u32; 2];
        // SAFETY: `out` has room for the waitable and the code.
        let event = unsafe { abi::waitable_set_wait(task.set(), out.as_mut_ptr()) };
        match event {
            abi::EVENT_NONE | abi::EVENT_CANCEL => {}
            _ => task.deliver(out[0], out[1]),
        }
    }
    drop(task);
    Task::leave(core::ptr::null_mut());
    output.unwrap_or_else(|| unreachable!("the loop ends with the output"))
}

/// Runs `future` in the current task, next to the export's own future:
/// it makes progress whenever the task runs, and the task (the export
/// call) does not end before it does. The result is awaited through the
/// returned [`JoinHandle`]; dropping the handle detaches the future.
///
/// # Panics
/// Outside of an async export or `block_on`.
pub fn spawn_local<T: 'static>(future: impl Future<Output = T> + 'static) -> JoinHandle<T> {
    let state = Rc::new(JoinState {
        output: RefCell::new(None),
        waiter: RefCell::new(None),
        cancelled: Cell::new(false),
    });
    let task_state = state.clone();
    Task::current().spawn(Box::pin(async move {
        let value = Cancellable {
            future: pin!(future),
            state: &task_state,
        }
        .await;
        if let Some(value) = value {
            *task_state.output.borrow_mut() = Some(value);
        }
        if let Some(waker) = task_state.waiter.borrow_mut().take() {
            waker.wake();
        }
    }));
    JoinHandle { state }
}

/// `spawn_local` under the name other executors use.
pub fn spawn<T: 'static>(future: impl Future<Output = T> + 'static) -> JoinHandle<T> {
    spawn_local(future)
}

struct JoinState<T> {
    output: RefCell<Option<T>>,
    waiter: RefCell<Option<Waker>>,
    cancelled: Cell<bool>,
}

/// A spawned future that stops when its handle cancels it.
struct Cancellable<'a, F, T> {
    future: Pin<&'a mut F>,
    state: &'a JoinState<T>,
}

impl<F: Future<Output = T>, T> Future for Cancellable<'_, F, T> {
    type Output = Option<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        if self.state.cancelled.get() {
            return Poll::Ready(None);
        }
        self.future.as_mut().poll(cx).map(Some)
    }
}

/// A future spawned with [`spawn_local`]: awaiting it gives its output, or
/// `None` when it was cancelled first.
pub struct JoinHandle<T> {
    state: Rc<JoinState<T>>,
}

impl<T> JoinHandle<T> {
    /// Stops the spawned future at its next poll (it is dropped then).
    pub fn cancel(&mut self) {
        self.state.cancelled.set(true);
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Option<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        if let Some(value) = self.state.output.borrow_mut().take() {
            return Poll::Ready(Some(value));
        }
        if self.state.cancelled.get() {
            return Poll::Ready(None);
        }
        *self.state.waiter.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl<T> core::fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("JoinHandle").finish_non_exhaustive()
    }
}

/// Lets the other futures of this task, and other tasks, run before this
/// one continues.
pub async fn yield_async() {
    let mut yielded = false;
    core::future::poll_fn(|cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
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
/// export shims create one and [`forget`](TaskCancelOnDrop::forget) it
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
