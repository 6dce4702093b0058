//! Waiting for a waitable (a subtask, or a stream or future end): the
//! current task registers it in its waitable set, and the host's event for
//! it wakes the waiting future with the event's code.

use alloc::sync::Arc;
use core::task::{Context, Poll};

use super::task::{EventSlot, Task};

/// A wait for the next event of one waitable. Poll it until it gives the
/// event's code; dropping it before then stops waiting.
pub(crate) struct Wait {
    waitable: u32,
    slot: Option<Arc<EventSlot>>,
}

impl Wait {
    /// A wait for `waitable`'s next event.
    pub(crate) fn new(waitable: u32) -> Wait {
        Wait {
            waitable,
            slot: None,
        }
    }

    /// The event's code once it has arrived; registers (once) otherwise.
    pub(crate) fn poll(&mut self, cx: &mut Context<'_>) -> Poll<u32> {
        if let Some(code) = self.slot.as_ref().and_then(|slot| slot.code()) {
            self.slot = None;
            return Poll::Ready(code);
        }
        let slot = self.slot.get_or_insert_with(Default::default).clone();
        // Registering again only refreshes the waker.
        Task::current().register(self.waitable, slot, cx.waker().clone());
        Poll::Pending
    }

    /// The result of an operation on the waitable that just started with
    /// `code`: that code, unless the operation is blocked, in which case
    /// its event's code once it has arrived.
    pub(crate) fn started(&mut self, code: u32, cx: &mut Context<'_>) -> Poll<u32> {
        if code == super::abi::BLOCKED {
            self.poll(cx)
        } else {
            Poll::Ready(code)
        }
    }

    /// Whether the wait is registered and its event has not arrived.
    pub(crate) fn pending(&self) -> bool {
        self.slot.as_ref().is_some_and(|slot| slot.code().is_none())
    }

    /// Stops waiting, if it was.
    pub(crate) fn cancel(&mut self) {
        if self.pending() {
            Task::current().unregister(self.waitable);
        }
        self.slot = None;
    }
}

impl Drop for Wait {
    fn drop(&mut self) {
        self.cancel();
    }
}
