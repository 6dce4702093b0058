//! Natively (off wasm32, outside Miri): the component model's async
//! intrinsics played in-process, so that `block_on`, spawned futures, and
//! streams and futures between a test and the guest's code work in
//! `cargo test` on the host.
//!
//! One thread is one component instance with one task: a per-thread table
//! holds stream and future ends and waitable sets. A read and a write of
//! the two ends of one stream meet here: the values are copied from the
//! writer's buffer to the reader's (the vtables natively use the payload's
//! Rust layout, so a copy is a move: the writer's buffer forgets the values
//! sent, the reader's takes them), the second operation completes at once
//! and the first gets an event, delivered by `waitable-set.wait` or
//! `.poll` once its end is in a set. Waiting when no event can come (every
//! future waits for something no one will do) panics: natively that is a
//! deadlock.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use core::cell::{Cell, RefCell};
use std::thread_local;

use super::abi::{
    BLOCKED, COPY_CANCELLED, COPY_COMPLETED, COPY_DROPPED, EVENT_FUTURE_READ, EVENT_FUTURE_WRITE,
    EVENT_NONE, EVENT_STREAM_READ, EVENT_STREAM_WRITE,
};
use super::future::FutureVtable;
use super::stream::StreamVtable;

/// One end of a stream or future.
struct End {
    /// The other end's handle.
    peer: u32,
    /// The readable end (else the writable one).
    readable: bool,
    future: bool,
    /// The operation in flight: the buffer and how many values it has
    /// room for (read) or holds (write).
    pending: Option<(*mut u8, usize)>,
    /// The waitable set it is in (0: none).
    set: u32,
    /// Its event, not delivered yet: (event, code).
    event: Option<(u32, u32)>,
    /// The other end was dropped.
    peer_dropped: bool,
}

#[derive(Default)]
struct Host {
    ends: BTreeMap<u32, End>,
    sets: BTreeMap<u32, ()>,
    errors: BTreeMap<u32, String>,
    next: u32,
}

thread_local! {
    static HOST: RefCell<Host> = RefCell::new(Host { next: 1 << 20, ..Host::default() });
    static CONTEXT: Cell<*mut u8> = const { Cell::new(core::ptr::null_mut()) };
}

impl Host {
    fn handle(&mut self) -> u32 {
        self.next += 1;
        self.next
    }

    fn end(&mut self, handle: u32) -> &mut End {
        self.ends
            .get_mut(&handle)
            .unwrap_or_else(|| panic!("natively, {handle} is not a live stream or future end"))
    }

    fn new_pair(&mut self, future: bool) -> u64 {
        let (reader, writer) = (self.handle(), self.handle());
        for (handle, peer, readable) in [(reader, writer, true), (writer, reader, false)] {
            let end = End {
                peer,
                readable,
                future,
                pending: None,
                set: 0,
                event: None,
                peer_dropped: false,
            };
            self.ends.insert(handle, end);
        }
        u64::from(reader) | (u64::from(writer) << 32)
    }

    /// Starts a read or write of `count` values of `size` bytes at `buffer`
    /// on end `handle`: meets an operation in flight on the other end, or
    /// waits for one.
    fn start(&mut self, handle: u32, buffer: *mut u8, count: usize, size: usize) -> u32 {
        let end = self.end(handle);
        assert!(
            end.pending.is_none(),
            "natively, a second operation on one end"
        );
        if end.peer_dropped {
            return COPY_DROPPED;
        }
        let (peer, readable) = (end.peer, end.readable);
        let Some((peer_buffer, peer_count)) = self.end(peer).pending.take() else {
            self.end(handle).pending = Some((buffer, count));
            return BLOCKED;
        };
        let moved = count.min(peer_count);
        let (from, to) = if readable {
            (peer_buffer, buffer)
        } else {
            (buffer, peer_buffer)
        };
        // SAFETY: both buffers hold (or have room for) their operation's
        // count of values of `size` bytes (the intrinsics' contracts), and
        // belong to different operations, so they do not overlap.
        unsafe { core::ptr::copy_nonoverlapping(from, to, moved * size) };
        let code = COPY_COMPLETED | ((moved as u32) << 4);
        let peer_end = self.end(peer);
        peer_end.event = Some((event_of(peer_end), code));
        code
    }

    /// Cancels the operation in flight on `handle`: its result, and no
    /// event.
    fn cancel(&mut self, handle: u32) -> u32 {
        let end = self.end(handle);
        if let Some((_, code)) = end.event.take() {
            return code;
        }
        end.pending = None;
        COPY_CANCELLED
    }

    fn drop_end(&mut self, handle: u32) {
        let Some(end) = self.ends.remove(&handle) else {
            return;
        };
        if let Some(peer) = self.ends.get_mut(&end.peer) {
            peer.peer_dropped = true;
            if peer.pending.take().is_some() {
                peer.event = Some((event_of(peer), COPY_DROPPED));
            }
        }
    }

    /// The next event of `set`: (event, waitable, code).
    fn poll(&mut self, set: u32) -> Option<(u32, u32, u32)> {
        let (handle, end) = self
            .ends
            .iter_mut()
            .find(|(_, end)| end.set == set && end.event.is_some())?;
        let (event, code) = end.event.take()?;
        Some((event, *handle, code))
    }
}

/// The event a completed operation on `end` delivers.
fn event_of(end: &End) -> u32 {
    match (end.future, end.readable) {
        (false, true) => EVENT_STREAM_READ,
        (false, false) => EVENT_STREAM_WRITE,
        (true, true) => EVENT_FUTURE_READ,
        (true, false) => EVENT_FUTURE_WRITE,
    }
}

fn with<R>(f: impl FnOnce(&mut Host) -> R) -> R {
    HOST.with(|host| f(&mut host.borrow_mut()))
}

pub(crate) fn waitable_set_new() -> u32 {
    with(|host| {
        let set = host.handle();
        host.sets.insert(set, ());
        set
    })
}

pub(crate) fn waitable_set_drop(set: u32) {
    with(|host| host.sets.remove(&set));
}

pub(crate) fn waitable_join(waitable: u32, set: u32) {
    with(|host| host.end(waitable).set = set);
}

/// # Safety
/// `out` has room for two `u32`s.
pub(crate) unsafe fn waitable_set_poll(set: u32, out: *mut u32) -> u32 {
    match with(|host| host.poll(set)) {
        Some((event, waitable, code)) => {
            // SAFETY: the caller's contract.
            unsafe { out.write(waitable) };
            // SAFETY: the caller's contract.
            unsafe { out.add(1).write(code) };
            event
        }
        None => EVENT_NONE,
    }
}

/// # Safety
/// `out` has room for two `u32`s.
pub(crate) unsafe fn waitable_set_wait(set: u32, out: *mut u32) -> u32 {
    // SAFETY: the caller's contract.
    match unsafe { waitable_set_poll(set, out) } {
        EVENT_NONE => panic!(
            "natively, every future waits for something that nothing will do: a stream or \
             future read or write whose other end no future serves (a deadlock)"
        ),
        event => event,
    }
}

pub(crate) fn context_get() -> *mut u8 {
    CONTEXT.with(Cell::get)
}

pub(crate) fn context_set(value: *mut u8) {
    CONTEXT.with(|context| context.set(value));
}

pub(crate) fn stream_new() -> u64 {
    with(|host| host.new_pair(false))
}

pub(crate) fn future_new() -> u64 {
    with(|host| host.new_pair(true))
}

/// # Safety
/// `buffer` holds or has room for `count` values of `size` bytes, until
/// the operation ends.
pub(crate) unsafe fn start(handle: u32, buffer: *mut u8, count: usize, size: usize) -> u32 {
    with(|host| host.start(handle, buffer, count, size))
}

pub(crate) fn cancel(handle: u32) -> u32 {
    with(|host| host.cancel(handle))
}

pub(crate) fn drop_end(handle: u32) {
    with(|host| host.drop_end(handle));
}

pub(crate) fn error_context_new(message: &str) -> u32 {
    with(|host| {
        let handle = host.handle();
        host.errors.insert(handle, message.into());
        handle
    })
}

/// # Safety
/// `out` has room for two `usize`s; the caller takes the string written
/// there (allocated with the global allocator, capacity = length).
pub(crate) unsafe fn error_context_debug_message(handle: u32, out: *mut usize) {
    let message = with(|host| host.errors.get(&handle).cloned()).unwrap_or_default();
    let bytes: Box<[u8]> = message.into_bytes().into_boxed_slice();
    let len = bytes.len();
    let ptr = Box::into_raw(bytes).cast::<u8>();
    // SAFETY: the caller's contract.
    unsafe { out.write(ptr as usize) };
    // SAFETY: the caller's contract.
    unsafe { out.add(1).write(len) };
}

pub(crate) fn error_context_drop(handle: u32) {
    with(|host| host.errors.remove(&handle));
}

// SAFETY: contract: `stream.write`'s (`amt` values of `T` at `val`,
// until the write ends); `unsafe` to fit the vtable.
unsafe extern "C" fn stream_write<T>(stream: u32, val: *const u8, amt: usize) -> u32 {
    // SAFETY: `stream.write`'s contract, which is `start`'s.
    unsafe { start(stream, val.cast_mut(), amt, core::mem::size_of::<T>()) }
}

// SAFETY: contract: `stream.read`'s (room for `amt` values of `T` at
// `val`, until the read ends).
unsafe extern "C" fn stream_read<T>(stream: u32, val: *mut u8, amt: usize) -> u32 {
    // SAFETY: `stream.read`'s contract, which is `start`'s.
    unsafe { start(stream, val, amt, core::mem::size_of::<T>()) }
}

// SAFETY: contract: `future.write`'s (a value of `T` at `val`).
unsafe extern "C" fn future_write<T>(future: u32, val: *const u8) -> u32 {
    // SAFETY: `future.write`'s contract: one value at `val`.
    unsafe { start(future, val.cast_mut(), 1, core::mem::size_of::<T>()) }
}

// SAFETY: contract: `future.read`'s (room for a value of `T` at `val`).
unsafe extern "C" fn future_read<T>(future: u32, val: *mut u8) -> u32 {
    // SAFETY: `future.read`'s contract: room for one value at `val`.
    unsafe { start(future, val, 1, core::mem::size_of::<T>()) }
}

// SAFETY: contract: none (`unsafe` to fit the vtable).
unsafe extern "C" fn cancel_op(handle: u32) -> u32 {
    cancel(handle)
}

// SAFETY: contract: none (`unsafe` to fit the vtable).
unsafe extern "C" fn drop_op(handle: u32) {
    drop_end(handle);
}

// SAFETY: contract: none (`unsafe` to fit the vtable).
unsafe extern "C" fn new_stream() -> u64 {
    stream_new()
}

// SAFETY: contract: none (`unsafe` to fit the vtable).
unsafe extern "C" fn new_future() -> u64 {
    future_new()
}

/// Lowers a future's value natively: moves it into the buffer as it is.
// SAFETY: contract: `dst` has room for a `T`.
unsafe fn move_in<T>(value: T, dst: *mut u8) {
    // SAFETY: the buffer has the layout of `T` (`future_vtable`'s).
    unsafe { dst.cast::<T>().write_unaligned(value) }
}

/// Lifts a future's value natively: moves it out of the buffer.
// SAFETY: contract: `src` holds a `T` that is not read again.
unsafe fn move_out<T>(src: *mut u8) -> T {
    // SAFETY: a value moved in by `move_in` (or copied from one).
    unsafe { src.cast::<T>().read_unaligned() }
}

/// A sent value's lists went to the reader with it natively.
// SAFETY: contract: none (`unsafe` to fit the vtable).
unsafe fn keep(_: *mut u8) {}

/// The native vtable of streams of `T`: values in their Rust layout,
/// moved by the in-process host.
#[doc(hidden)]
pub const fn stream_vtable<T>() -> StreamVtable<T> {
    StreamVtable {
        layout: core::alloc::Layout::new::<T>(),
        lower: None,
        dealloc_lists: None,
        lift: None,
        start_write: stream_write::<T>,
        start_read: stream_read::<T>,
        cancel_write: cancel_op,
        cancel_read: cancel_op,
        drop_writable: drop_op,
        drop_readable: drop_op,
        new: new_stream,
    }
}

/// The native vtable of futures of `T`: the value in its Rust layout,
/// moved by the in-process host.
#[doc(hidden)]
pub const fn future_vtable<T>() -> FutureVtable<T> {
    FutureVtable {
        layout: core::alloc::Layout::new::<T>(),
        lower: move_in::<T>,
        dealloc_lists: keep,
        lift: move_out::<T>,
        start_write: future_write::<T>,
        start_read: future_read::<T>,
        cancel_write: cancel_op,
        cancel_read: cancel_op,
        drop_writable: drop_op,
        drop_readable: drop_op,
        new: new_future,
    }
}
