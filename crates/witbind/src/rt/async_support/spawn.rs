//! [`spawn_local`]: futures that run next to the current task's own, and
//! [`JoinHandle`], which gives their output.

use alloc::boxed::Box;
use alloc::sync::Arc;
use core::future::Future;
use core::pin::{pin, Pin};
use core::task::{Context, Poll, Waker};

use super::exclusive::Exclusive;
use super::task::spawn_in_current;

/// What a spawned future and its handle share.
struct Join<T> {
    /// The output, until the handle takes it.
    output: Option<T>,
    /// The spawned future is gone (finished, cancelled, or dropped with its
    /// task).
    finished: bool,
    cancelled: bool,
    /// The handle's waker, while it waits.
    waiter: Option<Waker>,
    /// The spawned future's waker, to stop it promptly when cancelled.
    runner: Option<Waker>,
}

type Shared<T> = Arc<Exclusive<Join<T>>>;

/// Runs `future` in the current task, next to its other futures: it makes
/// progress whenever the task runs, and the task (an async export call, or
/// `block_on`) does not end before it does, so work can go on after an
/// export returned its result. Awaiting the returned [`JoinHandle`] gives
/// its output; dropping the handle lets the future run on.
///
/// # Panics
/// Outside of any task (a synchronous export, not inside `block_on`), or
/// in a task run by a runtime that cannot spawn.
pub fn spawn_local<T: 'static>(future: impl Future<Output = T> + 'static) -> JoinHandle<T> {
    let shared: Shared<T> = Arc::new(Exclusive::new(Join {
        output: None,
        finished: false,
        cancelled: false,
        waiter: None,
        runner: None,
    }));
    let runner = Runner {
        shared: shared.clone(),
    };
    let spawned = Box::new(async move {
        let future = pin!(future);
        if let Some(output) = (Cancellable {
            future,
            shared: &runner.shared,
        })
        .await
        {
            runner.shared.lock().output = Some(output);
        }
        // `runner`'s drop marks the end and wakes the handle.
        drop(runner);
    });
    if spawn_in_current(spawned).is_err() {
        panic!(
            "`spawn_local` needs a running task: call it in an async export or inside `block_on` \
             (or the runtime running the task cannot spawn: an older wit-bindgen, or one \
             without its `async-spawn` feature)"
        );
    }
    JoinHandle { shared }
}

/// [`spawn_local`], under the name other executors use.
pub fn spawn<T: 'static>(future: impl Future<Output = T> + 'static) -> JoinHandle<T> {
    spawn_local(future)
}

/// Marks the spawned future's end when it is dropped, however it ends.
struct Runner<T> {
    shared: Shared<T>,
}

impl<T> Drop for Runner<T> {
    fn drop(&mut self) {
        let waiter = {
            let mut join = self.shared.lock();
            join.finished = true;
            join.runner = None;
            join.waiter.take()
        };
        if let Some(waiter) = waiter {
            waiter.wake();
        }
    }
}

/// The spawned future, stopped when its handle cancels it.
struct Cancellable<'a, F, T> {
    future: Pin<&'a mut F>,
    shared: &'a Shared<T>,
}

impl<F: Future<Output = T>, T> Future for Cancellable<'_, F, T> {
    type Output = Option<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        {
            let mut join = self.shared.lock();
            if join.cancelled {
                return Poll::Ready(None);
            }
            match &mut join.runner {
                Some(runner) => runner.clone_from(cx.waker()),
                None => join.runner = Some(cx.waker().clone()),
            }
        }
        self.future.as_mut().poll(cx).map(Some)
    }
}

/// A future spawned with [`spawn_local`]: awaiting the handle gives its
/// output, or `None` when it was cancelled (or its task ended) before it
/// finished. Dropping the handle lets the future run on.
pub struct JoinHandle<T> {
    shared: Shared<T>,
}

impl<T> JoinHandle<T> {
    /// Stops the spawned future (it is dropped the next time its task
    /// runs). If it finished first, awaiting the handle still gives its
    /// output.
    pub fn cancel(&mut self) {
        let runner = {
            let mut join = self.shared.lock();
            join.cancelled = true;
            join.runner.take()
        };
        if let Some(runner) = runner {
            runner.wake();
        }
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Option<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut join = self.shared.lock();
        if let Some(output) = join.output.take() {
            return Poll::Ready(Some(output));
        }
        if join.finished || join.cancelled {
            return Poll::Ready(None);
        }
        match &mut join.waiter {
            Some(waiter) => waiter.clone_from(cx.waker()),
            None => join.waiter = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl<T> core::fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("JoinHandle").finish_non_exhaustive()
    }
}
