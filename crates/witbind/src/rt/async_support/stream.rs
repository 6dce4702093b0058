//! `stream<T>`: [`StreamReader`] and [`StreamWriter`], the two ends of a
//! component-model stream, and their reads and writes (futures).
//!
//! A read or write says how it ended with a [`StreamResult`]:
//! `Complete(n)` when `n` values went through (also when the other end was
//! dropped or the operation cancelled after some did), `Dropped` when the
//! other end is gone and nothing went through, `Cancelled` when it was
//! cancelled before anything went through. Dropping a read or write
//! cancels it; [`RawStreamRead::cancel`] and [`RawStreamWrite::cancel`]
//! also say what went through first. Dropping an end closes the stream.

use alloc::vec::Vec;
use core::alloc::Layout;
use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::{AtomicU32, Ordering};
use core::task::{Context, Poll};

use super::abi::{self, Copy};
use super::buffer::AbiBuffer;
use super::waitable::{Op, Operation};
use crate::rt::Cleanup;

/// The most values one read or write may ask for (the count has 28 bits).
const MAX_COUNT: usize = (1 << 28) - 1;

/// A handle whose ownership was moved out.
const TAKEN: u32 = u32::MAX;

/// What a stream needs of its payload type and intrinsics. Implemented by
/// `&StreamVtable<T>` (what generated code makes) and [`UnitStreamOps`](super::UnitStreamOps).
///
/// # Safety
/// The functions are the stream intrinsics of one stream type and the
/// canonical ABI lowering and lifting of its payload.
#[doc(hidden)]
pub unsafe trait StreamOps: Clone {
    /// The Rust type of the values.
    type Payload: 'static;

    /// `stream.new`: the readable end (low bits) and the writable end.
    #[allow(clippy::new_ret_no_self, clippy::wrong_self_convention)]
    fn new(&mut self) -> u64;
    /// The canonical ABI layout of one value.
    fn elem_layout(&self) -> Layout;
    /// Whether a value's Rust layout is its canonical layout (no lowering
    /// or lifting).
    fn native_abi_matches_canonical_abi(&self) -> bool;
    /// Whether a lowered value holds lists to free once it was sent.
    fn contains_lists(&self) -> bool;
    /// Lowers a value into `dst`, moving what it owns.
    ///
    /// # Safety
    /// `dst` has room for one value.
    unsafe fn lower(&mut self, payload: Self::Payload, dst: *mut u8);
    /// Frees the lists of a lowered value that was sent.
    ///
    /// # Safety
    /// `dst` holds a lowered value, whose lists are freed once.
    unsafe fn dealloc_lists(&mut self, dst: *mut u8);
    /// Lifts a value from `dst`, taking what it owns.
    ///
    /// # Safety
    /// `dst` holds a lowered value, lifted once.
    unsafe fn lift(&mut self, dst: *mut u8) -> Self::Payload;
    /// `stream.write` (async).
    ///
    /// # Safety
    /// `val` holds `amt` lowered values that stay until the write ends.
    unsafe fn start_write(&mut self, stream: u32, val: *const u8, amt: usize) -> u32;
    /// `stream.read` (async).
    ///
    /// # Safety
    /// `val` has room for `amt` values and stays until the read ends.
    unsafe fn start_read(&mut self, stream: u32, val: *mut u8, amt: usize) -> u32;
    /// `stream.cancel-read`.
    ///
    /// # Safety
    /// A read is in flight on `stream`, which is in no waitable set.
    unsafe fn cancel_read(&mut self, stream: u32) -> u32;
    /// `stream.cancel-write`.
    ///
    /// # Safety
    /// A write is in flight on `stream`, which is in no waitable set.
    unsafe fn cancel_write(&mut self, stream: u32) -> u32;
    /// `stream.drop-readable`.
    ///
    /// # Safety
    /// `stream` is an owned readable end with nothing in flight.
    unsafe fn drop_readable(&mut self, stream: u32);
    /// `stream.drop-writable`.
    ///
    /// # Safety
    /// `stream` is an owned writable end with nothing in flight.
    unsafe fn drop_writable(&mut self, stream: u32);
}

/// How generated code describes the streams of one payload type: the
/// payload's layout, lowering and lifting, and the stream intrinsics of
/// one function that has such a stream.
#[doc(hidden)]
pub struct StreamVtable<T> {
    /// The canonical ABI layout of one value.
    pub layout: Layout,
    /// Lowers a value, moving what it owns. `None`: the Rust layout is the
    /// canonical one (numbers), values are copied as they are.
    pub lower: Option<unsafe fn(value: T, dst: *mut u8)>,
    /// Frees the lists of a lowered value that was sent. `None`: the
    /// payload has no lists.
    pub dealloc_lists: Option<unsafe fn(dst: *mut u8)>,
    /// Lifts a value, taking what it owns. `None` when `lower` is.
    pub lift: Option<unsafe fn(dst: *mut u8) -> T>,
    /// `stream.write` (async).
    pub start_write: unsafe extern "C" fn(stream: u32, val: *const u8, amt: usize) -> u32,
    /// `stream.read` (async).
    pub start_read: unsafe extern "C" fn(stream: u32, val: *mut u8, amt: usize) -> u32,
    /// `stream.cancel-write`.
    pub cancel_write: unsafe extern "C" fn(stream: u32) -> u32,
    /// `stream.cancel-read`.
    pub cancel_read: unsafe extern "C" fn(stream: u32) -> u32,
    /// `stream.drop-writable`.
    pub drop_writable: unsafe extern "C" fn(stream: u32),
    /// `stream.drop-readable`.
    pub drop_readable: unsafe extern "C" fn(stream: u32),
    /// `stream.new`.
    pub new: unsafe extern "C" fn() -> u64,
}

// SAFETY: a vtable holds the intrinsics of one stream type and its
// payload's functions (generated code's contract).
unsafe impl<T: 'static> StreamOps for &StreamVtable<T> {
    type Payload = T;

    fn new(&mut self) -> u64 {
        // SAFETY: `stream.new` has no preconditions.
        unsafe { (self.new)() }
    }
    fn elem_layout(&self) -> Layout {
        self.layout
    }
    fn native_abi_matches_canonical_abi(&self) -> bool {
        self.lift.is_none()
    }
    fn contains_lists(&self) -> bool {
        self.dealloc_lists.is_some()
    }
    // SAFETY: contract: `StreamOps::lower`'s.
    unsafe fn lower(&mut self, payload: T, dst: *mut u8) {
        if let Some(lower) = self.lower {
            // SAFETY: the caller's contract.
            unsafe { lower(payload, dst) }
        }
    }
    // SAFETY: contract: `StreamOps::dealloc_lists`'s.
    unsafe fn dealloc_lists(&mut self, dst: *mut u8) {
        if let Some(dealloc_lists) = self.dealloc_lists {
            // SAFETY: the caller's contract.
            unsafe { dealloc_lists(dst) }
        }
    }
    // SAFETY: contract: `StreamOps::lift`'s.
    unsafe fn lift(&mut self, dst: *mut u8) -> T {
        let lift = self
            .lift
            .expect("values of a stream in canonical layout are never lifted");
        // SAFETY: the caller's contract.
        unsafe { lift(dst) }
    }
    // SAFETY: contract: `StreamOps::start_write`'s.
    unsafe fn start_write(&mut self, stream: u32, val: *const u8, amt: usize) -> u32 {
        // SAFETY: the caller's contract.
        unsafe { (self.start_write)(stream, val, amt) }
    }
    // SAFETY: contract: `StreamOps::start_read`'s.
    unsafe fn start_read(&mut self, stream: u32, val: *mut u8, amt: usize) -> u32 {
        // SAFETY: the caller's contract.
        unsafe { (self.start_read)(stream, val, amt) }
    }
    // SAFETY: contract: `StreamOps::cancel_read`'s.
    unsafe fn cancel_read(&mut self, stream: u32) -> u32 {
        // SAFETY: the caller's contract.
        unsafe { (self.cancel_read)(stream) }
    }
    // SAFETY: contract: `StreamOps::cancel_write`'s.
    unsafe fn cancel_write(&mut self, stream: u32) -> u32 {
        // SAFETY: the caller's contract.
        unsafe { (self.cancel_write)(stream) }
    }
    // SAFETY: contract: `StreamOps::drop_readable`'s.
    unsafe fn drop_readable(&mut self, stream: u32) {
        // SAFETY: the caller's contract.
        unsafe { (self.drop_readable)(stream) }
    }
    // SAFETY: contract: `StreamOps::drop_writable`'s.
    unsafe fn drop_writable(&mut self, stream: u32) {
        // SAFETY: the caller's contract.
        unsafe { (self.drop_writable)(stream) }
    }
}

/// A new stream of `T`: its writable and readable ends.
///
/// # Safety
/// `vtable` describes streams of `T` (generated code passes its own).
#[doc(hidden)]
pub unsafe fn stream_new<T: 'static>(
    vtable: &'static StreamVtable<T>,
) -> (StreamWriter<T>, StreamReader<T>) {
    // SAFETY: the caller's contract.
    unsafe { raw_stream_new(vtable) }
}

/// A new stream with the operations `ops`: its writable and readable
/// ends.
///
/// # Safety
/// `ops` describes one stream type correctly.
pub unsafe fn raw_stream_new<O: StreamOps>(mut ops: O) -> (RawStreamWriter<O>, RawStreamReader<O>) {
    let handles = ops.new();
    let reader = handles as u32;
    let writer = (handles >> 32) as u32;
    (
        // SAFETY: `stream.new` made the writable end; it is owned here.
        unsafe { RawStreamWriter::new(writer, ops.clone()) },
        RawStreamReader::new(reader, ops),
    )
}

/// How a stream read or write ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamResult {
    /// This many values went through. The other end may have been dropped
    /// (or the operation cancelled) right after: the next operation says.
    Complete(usize),
    /// The other end was dropped; nothing went through. Later operations
    /// end the same way at once.
    Dropped,
    /// Cancelled before anything went through.
    Cancelled,
}

/// The result of a copy that ended with `copy`; marks the end `done` once
/// the other end is gone.
fn stream_result(copy: Copy, done: &mut bool) -> StreamResult {
    match copy {
        Copy::Dropped(0) => {
            *done = true;
            StreamResult::Dropped
        }
        Copy::Dropped(count) => {
            *done = true;
            StreamResult::Complete(count)
        }
        Copy::Cancelled(0) => StreamResult::Cancelled,
        Copy::Completed(count) | Copy::Cancelled(count) => StreamResult::Complete(count),
        Copy::Blocked => unreachable!("a copy that ended is not blocked"),
    }
}

/// The writable end of a stream of `T`.
pub type StreamWriter<T> = RawStreamWriter<&'static StreamVtable<T>>;

/// The writable end of a stream. Dropping it closes the stream: the
/// reader gets what was written before, then [`StreamResult::Dropped`].
pub struct RawStreamWriter<O: StreamOps> {
    handle: u32,
    ops: O,
    /// The reader is gone.
    done: bool,
}

impl<O: StreamOps> RawStreamWriter<O> {
    /// Takes ownership of the writable end `handle`.
    ///
    /// # Safety
    /// `handle` is an owned writable end of a stream that `ops` describes.
    #[doc(hidden)]
    pub unsafe fn new(handle: u32, ops: O) -> Self {
        RawStreamWriter {
            handle,
            ops,
            done: false,
        }
    }

    /// The raw handle, still owned by this value.
    pub fn handle(&self) -> u32 {
        self.handle
    }

    /// Writes `values` once: the reader may take only some of them. The
    /// write gives back how it ended and a buffer with the values not
    /// sent. Dropping it cancels it (values the reader took stay taken;
    /// [`RawStreamWrite::cancel`] says how many).
    pub fn write(&mut self, values: Vec<O::Payload>) -> RawStreamWrite<'_, O> {
        let buf = AbiBuffer::new(values, self.ops.clone());
        self.write_buf(buf)
    }

    /// Writes what is left in `values` (from an earlier write) once.
    pub fn write_buf(&mut self, values: AbiBuffer<O>) -> RawStreamWrite<'_, O> {
        RawStreamWrite {
            op: Op::new(StreamWriteOp { writer: self }, values),
        }
    }

    /// Writes every value, as the reader takes them. Gives back the values
    /// not sent because the reader was dropped (none when all went).
    pub async fn write_all(&mut self, values: Vec<O::Payload>) -> Vec<O::Payload> {
        let mut buf = AbiBuffer::new(values, self.ops.clone());
        while buf.remaining() > 0 {
            let (result, rest) = self.write_buf(buf).await;
            buf = rest;
            if result == StreamResult::Dropped {
                break;
            }
        }
        buf.into_vec()
    }

    /// Writes one value; gives it back if the reader was dropped.
    pub async fn write_one(&mut self, value: O::Payload) -> Option<O::Payload> {
        self.write_all(alloc::vec![value]).await.pop()
    }
}

impl<O: StreamOps> Drop for RawStreamWriter<O> {
    fn drop(&mut self) {
        // SAFETY: this value owns the writable end; writes borrow it, so
        // none is in flight.
        unsafe { self.ops.drop_writable(self.handle) }
    }
}

impl<O: StreamOps> core::fmt::Debug for RawStreamWriter<O> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StreamWriter")
            .field("handle", &self.handle)
            .finish()
    }
}

/// A write of a [`StreamWriter`].
pub type StreamWrite<'a, T> = RawStreamWrite<'a, &'static StreamVtable<T>>;

/// A write of a [`RawStreamWriter`]: gives how it ended and the values not
/// sent. Dropping it cancels it.
pub struct RawStreamWrite<'a, O: StreamOps> {
    op: Op<StreamWriteOp<'a, O>>,
}

impl<'a, O: StreamOps> RawStreamWrite<'a, O> {
    fn op(self: Pin<&mut Self>) -> Pin<&mut Op<StreamWriteOp<'a, O>>> {
        // SAFETY: the operation is structurally pinned.
        unsafe { self.map_unchecked_mut(|write| &mut write.op) }
    }

    /// Cancels the write and says how it ended: values the reader took
    /// before the cancel count as sent (`Complete(n)`), the rest are in
    /// the buffer.
    ///
    /// # Panics
    /// If the write had already ended (its future returned).
    pub fn cancel(self: Pin<&mut Self>) -> (StreamResult, AbiBuffer<O>) {
        self.op().cancel()
    }
}

impl<O: StreamOps> Future for RawStreamWrite<'_, O> {
    type Output = (StreamResult, AbiBuffer<O>);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.op().poll_op(cx)
    }
}

struct StreamWriteOp<'a, O: StreamOps> {
    writer: &'a mut RawStreamWriter<O>,
}

// SAFETY: the waitable is the writer's handle for the whole write, and
// `cancel-write` gives the final code.
unsafe impl<O: StreamOps> Operation for StreamWriteOp<'_, O> {
    type Start = AbiBuffer<O>;
    type InFlight = AbiBuffer<O>;
    type Output = (StreamResult, AbiBuffer<O>);
    type Cancelled = (StreamResult, AbiBuffer<O>);

    fn start(&mut self, buf: AbiBuffer<O>) -> (u32, AbiBuffer<O>) {
        let writer = &mut *self.writer;
        if writer.done {
            return (abi::COPY_DROPPED, buf);
        }
        let (ptr, len) = buf.abi_ptr_and_len();
        // SAFETY: `ptr` holds `len` values in canonical layout, owned by
        // the buffer, which the operation keeps until the write ends.
        let code = unsafe {
            writer
                .ops
                .start_write(writer.handle, ptr, len.min(MAX_COUNT))
        };
        (code, buf)
    }

    fn update(
        &mut self,
        mut buf: AbiBuffer<O>,
        code: u32,
    ) -> Result<(StreamResult, AbiBuffer<O>), AbiBuffer<O>> {
        let copy = Copy::decode(code);
        let sent = match copy {
            Copy::Blocked => return Err(buf),
            Copy::Completed(count) | Copy::Dropped(count) | Copy::Cancelled(count) => count,
        };
        buf.advance(sent);
        Ok((stream_result(copy, &mut self.writer.done), buf))
    }

    fn waitable(&self, _: &AbiBuffer<O>) -> u32 {
        self.writer.handle
    }

    fn cancel(&mut self, _: &mut AbiBuffer<O>) -> u32 {
        let writer = &mut *self.writer;
        // SAFETY: a write is in flight on the handle, out of every set.
        unsafe { writer.ops.cancel_write(writer.handle) }
    }

    fn cancelled_before_start(&mut self, buf: AbiBuffer<O>) -> (StreamResult, AbiBuffer<O>) {
        (StreamResult::Cancelled, buf)
    }

    fn cancelled_after_end(
        &mut self,
        ended: (StreamResult, AbiBuffer<O>),
    ) -> (StreamResult, AbiBuffer<O>) {
        ended
    }
}

/// The readable end of a stream of `T`.
pub type StreamReader<T> = RawStreamReader<&'static StreamVtable<T>>;

/// The readable end of a stream. Dropping it closes the stream: later
/// writes end with [`StreamResult::Dropped`].
pub struct RawStreamReader<O: StreamOps> {
    handle: AtomicU32,
    ops: O,
    /// The writer is gone.
    done: bool,
}

impl<O: StreamOps> RawStreamReader<O> {
    /// Takes ownership of the readable end `handle` (described by `ops`).
    #[doc(hidden)]
    pub fn new(handle: u32, ops: O) -> Self {
        RawStreamReader {
            handle: AtomicU32::new(handle),
            ops,
            done: false,
        }
    }

    /// The operations of the stream.
    #[cfg(feature = "futures-stream")]
    pub(crate) fn ops(&self) -> &O {
        &self.ops
    }

    /// Moves ownership of the raw handle out (to pass it to the host).
    #[doc(hidden)]
    pub fn take_handle(&self) -> u32 {
        let handle = self.handle.swap(TAKEN, Ordering::Relaxed);
        assert!(handle != TAKEN, "the stream's handle was already moved out");
        handle
    }

    /// The raw handle, still owned by this value.
    pub fn handle(&self) -> u32 {
        let handle = self.handle.load(Ordering::Relaxed);
        assert!(handle != TAKEN, "the stream's handle was moved out");
        handle
    }

    /// Reads into the spare capacity of `buf` (no capacity: a read of zero
    /// values, which waits until the writer writes); gives back `buf`
    /// with the values read appended, and how the read ended. Dropping it
    /// cancels it ([`RawStreamRead::cancel`] keeps what arrived first).
    pub fn read(&mut self, buf: Vec<O::Payload>) -> RawStreamRead<'_, O> {
        RawStreamRead {
            op: Op::new(StreamReadOp { reader: self }, buf),
        }
    }

    /// The next value; `None` once the writer is gone.
    pub async fn next(&mut self) -> Option<O::Payload> {
        loop {
            let (result, mut buf) = self.read(Vec::with_capacity(1)).await;
            if let Some(value) = buf.pop() {
                return Some(value);
            }
            if result == StreamResult::Dropped {
                return None;
            }
        }
    }

    /// Every value until the writer is gone.
    pub async fn collect(mut self) -> Vec<O::Payload> {
        let chunk = (8192 / self.ops.elem_layout().size().max(1)).max(1);
        let mut values = Vec::new();
        loop {
            values.reserve(chunk);
            let (result, read) = self.read(values).await;
            values = read;
            if result == StreamResult::Dropped {
                return values;
            }
        }
    }
}

impl<O: StreamOps> Drop for RawStreamReader<O> {
    fn drop(&mut self) {
        let handle = *self.handle.get_mut();
        if handle != TAKEN {
            // SAFETY: this value owns the readable end; reads borrow it, so
            // none is in flight.
            unsafe { self.ops.drop_readable(handle) }
        }
    }
}

impl<O: StreamOps> core::fmt::Debug for RawStreamReader<O> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StreamReader")
            .field("handle", &self.handle.load(Ordering::Relaxed))
            .finish()
    }
}

/// A read of a [`StreamReader`].
pub type StreamRead<'a, T> = RawStreamRead<'a, &'static StreamVtable<T>>;

/// A read of a [`RawStreamReader`]: gives back the buffer with the values
/// read, and how the read ended. Dropping it cancels it.
pub struct RawStreamRead<'a, O: StreamOps> {
    op: Op<StreamReadOp<'a, O>>,
}

impl<'a, O: StreamOps> RawStreamRead<'a, O> {
    fn op(self: Pin<&mut Self>) -> Pin<&mut Op<StreamReadOp<'a, O>>> {
        // SAFETY: the operation is structurally pinned.
        unsafe { self.map_unchecked_mut(|read| &mut read.op) }
    }

    /// Cancels the read and says how it ended: values that arrived before
    /// the cancel are in the buffer (`Complete(n)`).
    ///
    /// # Panics
    /// If the read had already ended (its future returned).
    pub fn cancel(self: Pin<&mut Self>) -> (StreamResult, Vec<O::Payload>) {
        self.op().cancel()
    }
}

impl<O: StreamOps> Future for RawStreamRead<'_, O> {
    type Output = (StreamResult, Vec<O::Payload>);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.op().poll_op(cx)
    }
}

struct StreamReadOp<'a, O: StreamOps> {
    reader: &'a mut RawStreamReader<O>,
}

/// A read in flight: the buffer, and where the host writes when values
/// must be lifted.
struct Reading<T> {
    buf: Vec<T>,
    lowered: Option<Cleanup>,
}

// SAFETY: the waitable is the reader's handle for the whole read, and
// `cancel-read` gives the final code.
unsafe impl<O: StreamOps> Operation for StreamReadOp<'_, O> {
    type Start = Vec<O::Payload>;
    type InFlight = Reading<O::Payload>;
    type Output = (StreamResult, Vec<O::Payload>);
    type Cancelled = (StreamResult, Vec<O::Payload>);

    fn start(&mut self, mut buf: Vec<O::Payload>) -> (u32, Reading<O::Payload>) {
        let reader = &mut *self.reader;
        if reader.done {
            return (abi::COPY_DROPPED, Reading { buf, lowered: None });
        }
        let count = (buf.capacity() - buf.len()).min(MAX_COUNT);
        let (ptr, lowered) = if reader.ops.native_abi_matches_canonical_abi() {
            (buf.spare_capacity_mut().as_mut_ptr().cast::<u8>(), None)
        } else {
            let layout = reader.ops.elem_layout();
            let layout = Layout::from_size_align(layout.size() * count, layout.align())
                .expect("a stream read too large for memory");
            Cleanup::new(layout)
        };
        // SAFETY: `ptr` has room for `count` values and stays (in the
        // buffer's spare capacity or in `lowered`) until the read ends.
        let code = unsafe { reader.ops.start_read(reader.handle(), ptr, count) };
        (code, Reading { buf, lowered })
    }

    fn update(
        &mut self,
        mut reading: Reading<O::Payload>,
        code: u32,
    ) -> Result<(StreamResult, Vec<O::Payload>), Reading<O::Payload>> {
        let copy = Copy::decode(code);
        let read = match copy {
            Copy::Blocked => return Err(reading),
            Copy::Completed(count) | Copy::Dropped(count) | Copy::Cancelled(count) => count,
        };
        let reader = &mut *self.reader;
        let buf = &mut reading.buf;
        assert!(
            read <= buf.capacity() - buf.len(),
            "the host wrote past the read's buffer"
        );
        match &reading.lowered {
            None if reader.ops.native_abi_matches_canonical_abi() => {
                // SAFETY: the host initialized `read` values in the spare
                // capacity.
                unsafe { buf.set_len(buf.len() + read) }
            }
            lowered => {
                let base = lowered.as_ref().map_or(core::ptr::null_mut(), Cleanup::ptr);
                let size = reader.ops.elem_layout().size();
                for i in 0..read {
                    // SAFETY: the host wrote `read` lowered values; each is
                    // lifted once.
                    buf.push(unsafe { reader.ops.lift(base.wrapping_add(i * size)) });
                }
            }
        }
        let result = stream_result(copy, &mut reader.done);
        Ok((result, reading.buf))
    }

    fn waitable(&self, _: &Reading<O::Payload>) -> u32 {
        self.reader.handle()
    }

    fn cancel(&mut self, _: &mut Reading<O::Payload>) -> u32 {
        let reader = &mut *self.reader;
        // SAFETY: a read is in flight on the handle, out of every set.
        unsafe { reader.ops.cancel_read(reader.handle()) }
    }

    fn cancelled_before_start(&mut self, buf: Vec<O::Payload>) -> (StreamResult, Vec<O::Payload>) {
        (StreamResult::Cancelled, buf)
    }

    fn cancelled_after_end(
        &mut self,
        ended: (StreamResult, Vec<O::Payload>),
    ) -> (StreamResult, Vec<O::Payload>) {
        ended
    }
}
