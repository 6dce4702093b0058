//! One operation on a waitable (an async import call, a stream or future
//! read or write) as a Rust future: start it, wait for the host's event
//! through the current task, and cancel it when it is dropped.
//!
//! Every operation goes through the same life: *not started*, *in flight*
//! (the host has it; an event will tell how it ended), *done*. The
//! operation itself (an [`Operation`]) says how to start, how to read an
//! event's code, and how to cancel; [`Op`] drives it. The rules it keeps,
//! from the canonical ABI:
//!
//! - an event that was delivered must be processed, never answered with a
//!   cancel (cancelling what the host already reported done traps);
//! - a waitable leaves the task's waitable set before a synchronous cancel
//!   (cancelling a member of a set traps);
//! - the memory the host reads or writes stays alive, at the same address,
//!   until the operation is done: [`Op`] is pinned while in flight, and its
//!   drop finishes (by cancelling) what is still in flight.

use core::ffi::c_void;
use core::marker::PhantomPinned;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use super::cabi;

/// How one kind of operation starts, ends and is cancelled.
///
/// # Safety
/// `waitable` returns the same handle for the whole flight, and `cancel`
/// returns the final code of the operation (it does not return
/// `BLOCKED`).
pub(crate) unsafe trait Operation {
    /// What the operation starts from.
    type Start;
    /// What it holds while in flight.
    type InFlight;
    /// What it ends with.
    type Output;
    /// What [`Op::cancel`] gives back.
    type Cancelled;

    /// Starts the operation: the intrinsic's code and the in-flight state.
    fn start(&mut self, start: Self::Start) -> (u32, Self::InFlight);

    /// The operation reached `code`: its output, or the in-flight state
    /// when it goes on (a subtask that only started).
    fn update(
        &mut self,
        in_flight: Self::InFlight,
        code: u32,
    ) -> Result<Self::Output, Self::InFlight>;

    /// The waitable whose events tell how the operation goes.
    fn waitable(&self, in_flight: &Self::InFlight) -> u32;

    /// Cancels the operation in flight, synchronously: its final code.
    fn cancel(&mut self, in_flight: &mut Self::InFlight) -> u32;

    /// Cancelled before it started.
    fn cancelled_before_start(&mut self, start: Self::Start) -> Self::Cancelled;

    /// Cancelled, but it had ended (or ended during the cancel).
    fn cancelled_after_end(&mut self, output: Self::Output) -> Self::Cancelled;
}

/// Where the task delivers the event of the waitable an [`Op`] waits for.
/// Its address is registered with the task, so it must not move while
/// registered (it lives in a pinned [`Op`]).
struct Delivery {
    code: Option<u32>,
    waker: Option<Waker>,
    _pinned: PhantomPinned,
}

/// The function a task calls with an event's code.
// SAFETY: contract: `delivery` is a registered, live `Delivery`.
unsafe extern "C" fn deliver(delivery: *mut c_void, code: u32) {
    // SAFETY: registered by `Op::register` with the address of its pinned
    // `Delivery`, which stays registered only while it is alive.
    let delivery = unsafe { &mut *delivery.cast::<Delivery>() };
    delivery.code = Some(code);
    if let Some(waker) = delivery.waker.take() {
        waker.wake();
    }
}

/// A counted reference to a task (protocol version 2 and later).
struct TaskRef {
    ptr: *mut c_void,
    vtable: &'static cabi::wasip3_task_vtable,
}

impl Drop for TaskRef {
    fn drop(&mut self) {
        // SAFETY: made by the vtable's `clone`.
        unsafe { (self.vtable.drop)(self.ptr) }
    }
}

/// The task an [`Op`] is registered with, and for which waitable.
#[derive(Default)]
struct Registration {
    /// The task, when it can be referenced (version 2 and later); an
    /// older task is the current one whenever the operation runs.
    task: Option<TaskRef>,
    waitable: Option<u32>,
}

impl Registration {
    /// Waits for `waitable`'s next event in the current task: it is
    /// delivered to `delivery`. Moves the registration from the task it
    /// was in, if another one runs now.
    fn register(&mut self, waitable: u32, delivery: *mut Delivery) {
        let current = cabi::current();
        assert!(
            !current.is_null(),
            "a component-model async operation was polled outside of any task: await it in an \
             async export, or run it with `block_on`"
        );
        // SAFETY: a published task stays valid while it is current, and
        // its `version` says which fields exist.
        unsafe {
            let version = (*current).version;
            assert!(version >= cabi::WASIP3_TASK_V1, "unknown task structure");
            let ptr = (*current).ptr;
            let registered_elsewhere = match &self.task {
                Some(task) => task.ptr != ptr,
                None => false,
            };
            if registered_elsewhere {
                self.unregister();
                self.task = None;
            }
            if version >= cabi::WASIP3_TASK_V2 && self.task.is_none() {
                let vtable = (*current.cast::<cabi::wasip3_task_v2>()).vtable;
                self.task = Some(TaskRef {
                    ptr: (vtable.clone)(ptr),
                    vtable,
                });
            }
            let previous =
                ((*current).waitable_register)(ptr, waitable, deliver, delivery.cast::<c_void>());
            assert!(
                previous.is_null() || previous == delivery.cast::<c_void>(),
                "two operations wait for the same waitable"
            );
        }
        self.waitable = Some(waitable);
    }

    /// Stops waiting (the waitable leaves the task's waitable set).
    fn unregister(&mut self) {
        let Some(waitable) = self.waitable.take() else {
            return;
        };
        // SAFETY: the registration was made with this task (a referenced
        // one, or the current one for version 1 tasks, which only exist
        // while they are current).
        unsafe {
            match &self.task {
                Some(task) => {
                    (task.vtable.waitable_unregister)(task.ptr, waitable);
                }
                None => {
                    let current = cabi::current();
                    assert!(
                        !current.is_null(),
                        "an async operation was dropped outside of the task it waited in"
                    );
                    ((*current).waitable_unregister)((*current).ptr, waitable);
                }
            }
        }
    }

    /// The task delivered the event: nothing is registered any more.
    fn delivered(&mut self) {
        self.waitable = None;
    }
}

enum State<O: Operation> {
    NotStarted(O::Start),
    InFlight(O::InFlight),
    Done,
}

/// An [`Operation`] as a future. Dropping it in flight cancels it.
pub(crate) struct Op<O: Operation> {
    operation: O,
    state: State<O>,
    registration: Registration,
    delivery: Delivery,
}

// SAFETY: the raw pointers inside (the task reference) are only used
// through the task protocol, which runs on the component's one thread;
// everything else is as `Send` as the operation's own states.
unsafe impl<O: Operation + Send> Send for Op<O>
where
    O::Start: Send,
    O::InFlight: Send,
{
}

impl<O: Operation> Op<O> {
    pub(crate) fn new(operation: O, start: O::Start) -> Op<O> {
        Op {
            operation,
            state: State::NotStarted(start),
            registration: Registration::default(),
            delivery: Delivery {
                code: None,
                waker: None,
                _pinned: PhantomPinned,
            },
        }
    }

    /// Whether the operation ended (its output was returned or it was
    /// cancelled).
    pub(crate) fn is_done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    /// Polls the operation: starts it on the first poll, then waits for
    /// the events of its waitable.
    ///
    /// # Panics
    /// If polled again after it returned its output or was cancelled.
    pub(crate) fn poll_op(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<O::Output> {
        // SAFETY: `delivery` is the only structurally pinned field; it is
        // not moved here.
        let this = unsafe { self.get_unchecked_mut() };
        let code = match &mut this.state {
            State::NotStarted(_) => {
                let State::NotStarted(start) = core::mem::replace(&mut this.state, State::Done)
                else {
                    unreachable!("just matched")
                };
                let (code, in_flight) = this.operation.start(start);
                this.state = State::InFlight(in_flight);
                code
            }
            State::InFlight(_) => match this.delivery.code.take() {
                Some(code) => {
                    this.registration.delivered();
                    code
                }
                None => {
                    this.wait(cx.waker());
                    return Poll::Pending;
                }
            },
            State::Done => panic!("an async operation was polled after it ended"),
        };
        match this.advance(code) {
            Some(output) => Poll::Ready(output),
            None => {
                this.wait(cx.waker());
                Poll::Pending
            }
        }
    }

    /// Gives `code` to the operation in flight: its output when it ended.
    fn advance(&mut self, code: u32) -> Option<O::Output> {
        let State::InFlight(in_flight) = core::mem::replace(&mut self.state, State::Done) else {
            unreachable!("only operations in flight receive codes")
        };
        if code == super::abi::BLOCKED {
            self.state = State::InFlight(in_flight);
            return None;
        }
        match self.operation.update(in_flight, code) {
            Ok(output) => Some(output),
            Err(in_flight) => {
                self.state = State::InFlight(in_flight);
                None
            }
        }
    }

    /// Waits (again) for the next event of the waitable in flight.
    fn wait(&mut self, waker: &Waker) {
        let State::InFlight(in_flight) = &self.state else {
            unreachable!("only operations in flight wait")
        };
        let waitable = self.operation.waitable(in_flight);
        match &mut self.delivery.waker {
            Some(registered) => registered.clone_from(waker),
            None => self.delivery.waker = Some(waker.clone()),
        }
        self.registration
            .register(waitable, core::ptr::from_mut(&mut self.delivery));
    }

    /// Cancels the operation and says how it ended: an event that already
    /// arrived is processed first; otherwise the operation is taken out of
    /// the task and cancelled with the intrinsic, whose final code is
    /// processed.
    ///
    /// # Panics
    /// If it ended already (its output was returned, or it was
    /// cancelled).
    pub(crate) fn cancel(self: Pin<&mut Self>) -> O::Cancelled {
        // SAFETY: as in `poll_op`.
        let this = unsafe { self.get_unchecked_mut() };
        match core::mem::replace(&mut this.state, State::Done) {
            State::NotStarted(start) => return this.operation.cancelled_before_start(start),
            State::Done => panic!("an async operation was cancelled after it ended"),
            State::InFlight(in_flight) => this.state = State::InFlight(in_flight),
        }
        if let Some(code) = this.delivery.code.take() {
            this.registration.delivered();
            if let Some(output) = this.advance(code) {
                return this.operation.cancelled_after_end(output);
            }
        }
        this.registration.unregister();
        this.delivery.waker = None;
        let State::InFlight(in_flight) = &mut this.state else {
            unreachable!("still in flight")
        };
        let code = this.operation.cancel(in_flight);
        match this.advance(code) {
            Some(output) => this.operation.cancelled_after_end(output),
            None => unreachable!("a cancel gives the final code of an operation"),
        }
    }
}

impl<O: Operation> core::future::Future for Op<O> {
    type Output = O::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<O::Output> {
        self.poll_op(cx)
    }
}

impl<O: Operation> Drop for Op<O> {
    fn drop(&mut self) {
        if let State::InFlight(_) = self.state {
            // SAFETY: the value is being dropped: it is not moved again.
            let pinned = unsafe { Pin::new_unchecked(self) };
            drop(pinned.cancel());
        }
    }
}
