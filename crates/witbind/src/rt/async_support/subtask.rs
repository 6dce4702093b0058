//! Calls of async imports (subtasks): lower the arguments, call the
//! `[async-lower]` import, wait for the host to start and finish the call,
//! lift the results; dropping the call while it runs cancels it.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::abi;
use super::waitable::Wait;
use crate::rt::{alloc, cabi_dealloc};

/// One async import, as generated code describes it to [`ImportCall`].
///
/// # Safety
/// Implementations follow the canonical ABI of the import: `lower` writes
/// what `call` passes, `lift` reads what the host wrote, and the two
/// `free_*`/`reclaim` functions release exactly what `lower` made.
#[doc(hidden)]
pub unsafe trait AsyncImport {
    /// The Rust parameters, as a tuple.
    type Params;
    /// The lowered parameters (core values), as a tuple.
    type Lowered: Copy;
    /// The Rust result (`()` when there is none).
    type Results;
    /// Size and alignment of the call's memory: the parameters when they
    /// are passed indirectly, then the results.
    const AREA: (usize, usize);
    /// Where the results start in that memory.
    const RESULTS_OFFSET: usize;

    /// Lowers `params` (into `area` when they are passed indirectly),
    /// moving what they own (lists, handles) to the callee.
    ///
    /// # Safety
    /// `area` is this call's memory.
    unsafe fn lower(params: Self::Params, area: *mut u8) -> Self::Lowered;

    /// Calls the import; returns its packed status and subtask.
    ///
    /// # Safety
    /// `lowered` comes from `lower`, `results` points into the area.
    unsafe fn call(lowered: Self::Lowered, results: *mut u8) -> u32;

    /// Frees the lists `lower` allocated, once the callee has its copy.
    ///
    /// # Safety
    /// Once per call, after the callee started.
    unsafe fn free_lists(lowered: Self::Lowered);

    /// Takes back everything `lower` gave away (the call was cancelled
    /// before it started): frees the lists and drops the owned handles.
    ///
    /// # Safety
    /// Once per call, instead of `free_lists`.
    unsafe fn reclaim(lowered: Self::Lowered);

    /// Lifts the results the host wrote.
    ///
    /// # Safety
    /// Once, after the call returned.
    unsafe fn lift(results: *mut u8) -> Self::Results;
}

/// Calls the async import `C` with `params`.
#[doc(hidden)]
pub fn call_import<C: AsyncImport>(params: C::Params) -> ImportCall<C> {
    ImportCall {
        state: State::Start(Some(params)),
    }
}

enum State<C: AsyncImport> {
    Start(Option<C::Params>),
    Running(Running<C>),
    Done,
}

/// A call the host has not finished.
struct Running<C: AsyncImport> {
    subtask: u32,
    area: *mut u8,
    lowered: C::Lowered,
    /// Whether the callee started (has its copy of the arguments).
    started: bool,
    wait: Wait,
}

/// The future of an async import call.
#[doc(hidden)]
pub struct ImportCall<C: AsyncImport> {
    state: State<C>,
}

impl<C: AsyncImport> Unpin for ImportCall<C> {}

impl<C: AsyncImport> Future for ImportCall<C> {
    type Output = C::Results;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<C::Results> {
        let mut code = match &mut self.state {
            State::Start(params) => {
                let params = params
                    .take()
                    .unwrap_or_else(|| unreachable!("a call starts once"));
                let (size, align) = C::AREA;
                // SAFETY: `align` is a power of two (the canonical ABI's).
                let area = unsafe { alloc(size, align) };
                // SAFETY: as `AsyncImport` requires; `area` is the call's memory.
                let (lowered, packed) = unsafe {
                    let lowered = C::lower(params, area);
                    (lowered, C::call(lowered, area.add(C::RESULTS_OFFSET)))
                };
                self.state = State::Running(Running {
                    subtask: packed >> 4,
                    area,
                    lowered,
                    started: false,
                    wait: Wait::new(packed >> 4),
                });
                packed & 0xf
            }
            State::Running(running) => match running.wait.poll(cx) {
                Poll::Ready(code) => code,
                Poll::Pending => return Poll::Pending,
            },
            State::Done => panic!("an async import call was polled after it finished"),
        };
        loop {
            let State::Running(running) = &mut self.state else {
                unreachable!("the call is running")
            };
            match code {
                abi::STATUS_STARTING => {}
                abi::STATUS_STARTED => running.started(),
                abi::STATUS_RETURNED => {
                    running.started();
                    break;
                }
                other => unreachable!("unexpected status {other} of an async import call"),
            }
            // Wait for the next step of the call.
            match running.wait.poll(cx) {
                Poll::Ready(next) => code = next,
                Poll::Pending => return Poll::Pending,
            }
        }
        let State::Running(running) = core::mem::replace(&mut self.state, State::Done) else {
            unreachable!("the call is running")
        };
        Poll::Ready(running.finish())
    }
}

impl<C: AsyncImport> Running<C> {
    /// The callee has its arguments: free their lists (once).
    fn started(&mut self) {
        if !self.started {
            self.started = true;
            // SAFETY: the callee started; only once.
            unsafe { C::free_lists(self.lowered) };
        }
    }

    /// The call returned: lift the results, release the call.
    fn finish(mut self) -> C::Results {
        // SAFETY: the host wrote the results.
        let results = unsafe { C::lift(self.area.add(C::RESULTS_OFFSET)) };
        self.release();
        results
    }

    /// Frees the call's memory and drops the subtask.
    fn release(&mut self) {
        let (size, align) = C::AREA;
        // SAFETY: allocated in `poll` with this layout, freed once.
        unsafe { cabi_dealloc(self.area, size, align) };
        self.area = core::ptr::null_mut();
        if self.subtask != 0 {
            // SAFETY: the subtask has resolved.
            unsafe { abi::subtask_drop(self.subtask) };
            self.subtask = 0;
        }
    }
}

impl<C: AsyncImport> Drop for ImportCall<C> {
    fn drop(&mut self) {
        let State::Running(mut running) = core::mem::replace(&mut self.state, State::Done) else {
            return;
        };
        // Dropped before the call returned: cancel it, and release what
        // it leaves behind.
        running.wait.cancel();
        // SAFETY: the subtask is live; the synchronous cancel returns its
        // final status.
        let status = unsafe { abi::subtask_cancel(running.subtask) };
        match status {
            abi::STATUS_RETURNED => {
                running.started();
                drop(running.finish());
            }
            abi::STATUS_CANCELLED_BEFORE_STARTED => {
                if !running.started {
                    running.started = true;
                    // SAFETY: the callee never got the arguments.
                    unsafe { C::reclaim(running.lowered) };
                }
                running.release();
            }
            abi::STATUS_CANCELLED_BEFORE_RETURNED => {
                running.started();
                running.release();
            }
            other => unreachable!("unexpected status {other} of a cancelled import call"),
        }
    }
}
