//! The wakeup stream: a `stream` without payload that a sleeping task
//! reads from, so that a wake from outside the task (another task, a
//! synchronous export) can resume it by writing one unit (see `task.rs`).
//! Streams of finished tasks are kept in a pool for the next ones.

use alloc::vec::Vec;

use super::abi;
use super::exclusive::Exclusive;

per_instance! {
    /// Wakeup streams of finished tasks, for the next ones.
    static WAKEUP_POOL: Exclusive<Vec<WakeupStream>> = Exclusive::new(Vec::new());
}

/// A `stream` without payload that a sleeping task reads from.
pub(crate) struct WakeupStream {
    pub(crate) reader: u32,
    pub(crate) writer: u32,
    /// A read is in flight, or its event has not been seen.
    pub(crate) reading: bool,
}

const WAKEUP_POOL_SIZE: usize = 16;

impl WakeupStream {
    pub(crate) fn take() -> WakeupStream {
        if let Some(stream) = WAKEUP_POOL().lock().pop() {
            return stream;
        }
        // SAFETY: no preconditions.
        let handles = unsafe { abi::unit_stream_new() };
        WakeupStream {
            reader: handles as u32,
            writer: (handles >> 32) as u32,
            reading: false,
        }
    }

    /// Back to the pool (its read may stay in flight), or closed.
    pub(crate) fn give_back(self) {
        let mut pool = WAKEUP_POOL().lock();
        if pool.len() < WAKEUP_POOL_SIZE {
            pool.push(self);
            return;
        }
        drop(pool);
        // SAFETY: both ends are ours; a read in flight is cancelled before
        // its end is dropped.
        unsafe {
            if self.reading {
                abi::unit_stream_cancel_read(self.reader);
            }
            abi::unit_stream_drop_readable(self.reader);
            abi::unit_stream_drop_writable(self.writer);
        }
    }
}
