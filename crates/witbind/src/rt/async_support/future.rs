//! `future<T>`: [`FutureReader`] and [`FutureWriter`], the two ends of a
//! component-model future, which carries exactly one value.
//!
//! Awaiting the reader gives the value. The component model traps when a
//! writable end is dropped before a value went through it, so a
//! [`FutureWriter`] dropped without writing (or whose write was cancelled)
//! writes the default value it was created with, in the background: the
//! task it is dropped in does not end before the reader took it (or was
//! dropped).

use alloc::boxed::Box;
use core::alloc::Layout;
use core::future::{Future, IntoFuture};
use core::mem::ManuallyDrop;
use core::pin::Pin;
use core::sync::atomic::{AtomicU32, Ordering};
use core::task::{Context, Poll};

use super::abi::Copy;
use super::task::spawn_background;
use super::waitable::{Op, Operation};
use crate::rt::Cleanup;

/// What a future needs of its payload type and intrinsics. Implemented by
/// `&FutureVtable<T>`, what generated code makes.
pub trait FutureOps {
    /// The Rust type of the value.
    type Payload;

    /// `future.new`: the readable end (low bits) and the writable end.
    #[allow(clippy::new_ret_no_self, clippy::wrong_self_convention)]
    fn new(&mut self) -> u64;
    /// The canonical ABI layout of the value.
    fn elem_layout(&mut self) -> Layout;
    /// Lowers the value into `dst`, moving what it owns.
    ///
    /// # Safety
    /// `dst` has room for the value.
    unsafe fn lower(&mut self, payload: Self::Payload, dst: *mut u8);
    /// Frees the lists of a lowered value that was sent.
    ///
    /// # Safety
    /// `dst` holds a lowered value, whose lists are freed once.
    unsafe fn dealloc_lists(&mut self, dst: *mut u8);
    /// Lifts the value from `dst`, taking what it owns.
    ///
    /// # Safety
    /// `dst` holds a lowered value, lifted once.
    unsafe fn lift(&mut self, dst: *mut u8) -> Self::Payload;
    /// `future.write` (async).
    ///
    /// # Safety
    /// `val` holds the lowered value until the write ends.
    unsafe fn start_write(&mut self, future: u32, val: *const u8) -> u32;
    /// `future.read` (async).
    ///
    /// # Safety
    /// `val` has room for the value until the read ends.
    unsafe fn start_read(&mut self, future: u32, val: *mut u8) -> u32;
    /// `future.cancel-read`.
    ///
    /// # Safety
    /// A read is in flight on `future`, which is in no waitable set.
    unsafe fn cancel_read(&mut self, future: u32) -> u32;
    /// `future.cancel-write`.
    ///
    /// # Safety
    /// A write is in flight on `future`, which is in no waitable set.
    unsafe fn cancel_write(&mut self, future: u32) -> u32;
    /// `future.drop-readable`.
    ///
    /// # Safety
    /// `future` is an owned readable end with nothing in flight.
    unsafe fn drop_readable(&mut self, future: u32);
    /// `future.drop-writable`.
    ///
    /// # Safety
    /// `future` is an owned writable end that a value went through.
    unsafe fn drop_writable(&mut self, future: u32);
}

/// How generated code describes the futures of one payload type: the
/// payload's layout, lowering and lifting, and the future intrinsics of
/// one function that has such a future.
#[doc(hidden)]
pub struct FutureVtable<T> {
    /// The canonical ABI layout of the value.
    pub layout: Layout,
    /// Lowers the value, moving what it owns.
    pub lower: unsafe fn(value: T, dst: *mut u8),
    /// Frees the lists of a lowered value that was sent.
    pub dealloc_lists: unsafe fn(dst: *mut u8),
    /// Lifts the value, taking what it owns.
    pub lift: unsafe fn(dst: *mut u8) -> T,
    /// `future.write` (async).
    pub start_write: unsafe extern "C" fn(future: u32, val: *const u8) -> u32,
    /// `future.read` (async).
    pub start_read: unsafe extern "C" fn(future: u32, val: *mut u8) -> u32,
    /// `future.cancel-write`.
    pub cancel_write: unsafe extern "C" fn(future: u32) -> u32,
    /// `future.cancel-read`.
    pub cancel_read: unsafe extern "C" fn(future: u32) -> u32,
    /// `future.drop-writable`.
    pub drop_writable: unsafe extern "C" fn(future: u32),
    /// `future.drop-readable`.
    pub drop_readable: unsafe extern "C" fn(future: u32),
    /// `future.new`.
    pub new: unsafe extern "C" fn() -> u64,
}

impl<T> FutureOps for &FutureVtable<T> {
    type Payload = T;

    fn new(&mut self) -> u64 {
        // SAFETY: `future.new` has no preconditions.
        unsafe { (self.new)() }
    }
    fn elem_layout(&mut self) -> Layout {
        self.layout
    }
    // SAFETY: contract: `FutureOps::lower`'s.
    unsafe fn lower(&mut self, payload: T, dst: *mut u8) {
        // SAFETY: the caller's contract.
        unsafe { (self.lower)(payload, dst) }
    }
    // SAFETY: contract: `FutureOps::dealloc_lists`'s.
    unsafe fn dealloc_lists(&mut self, dst: *mut u8) {
        // SAFETY: the caller's contract.
        unsafe { (self.dealloc_lists)(dst) }
    }
    // SAFETY: contract: `FutureOps::lift`'s.
    unsafe fn lift(&mut self, dst: *mut u8) -> T {
        // SAFETY: the caller's contract.
        unsafe { (self.lift)(dst) }
    }
    // SAFETY: contract: `FutureOps::start_write`'s.
    unsafe fn start_write(&mut self, future: u32, val: *const u8) -> u32 {
        // SAFETY: the caller's contract.
        unsafe { (self.start_write)(future, val) }
    }
    // SAFETY: contract: `FutureOps::start_read`'s.
    unsafe fn start_read(&mut self, future: u32, val: *mut u8) -> u32 {
        // SAFETY: the caller's contract.
        unsafe { (self.start_read)(future, val) }
    }
    // SAFETY: contract: `FutureOps::cancel_read`'s.
    unsafe fn cancel_read(&mut self, future: u32) -> u32 {
        // SAFETY: the caller's contract.
        unsafe { (self.cancel_read)(future) }
    }
    // SAFETY: contract: `FutureOps::cancel_write`'s.
    unsafe fn cancel_write(&mut self, future: u32) -> u32 {
        // SAFETY: the caller's contract.
        unsafe { (self.cancel_write)(future) }
    }
    // SAFETY: contract: `FutureOps::drop_readable`'s.
    unsafe fn drop_readable(&mut self, future: u32) {
        // SAFETY: the caller's contract.
        unsafe { (self.drop_readable)(future) }
    }
    // SAFETY: contract: `FutureOps::drop_writable`'s.
    unsafe fn drop_writable(&mut self, future: u32) {
        // SAFETY: the caller's contract.
        unsafe { (self.drop_writable)(future) }
    }
}

/// A new future of `T`: its writable and readable ends. A writer dropped
/// without writing sends `default()`.
///
/// # Safety
/// `vtable` describes futures of `T` (generated code passes its own).
#[doc(hidden)]
pub unsafe fn future_new<T>(
    default: fn() -> T,
    vtable: &'static FutureVtable<T>,
) -> (FutureWriter<T>, FutureReader<T>) {
    // SAFETY: the caller's contract.
    let (writer, reader) = unsafe { raw_future_new(vtable) };
    (FutureWriter::new(writer, default), reader)
}

/// A new future with the operations `ops`: its writable and readable ends.
///
/// # Safety
/// `ops` describes one future type correctly.
pub unsafe fn raw_future_new<O: FutureOps + Clone>(
    mut ops: O,
) -> (RawFutureWriter<O>, RawFutureReader<O>) {
    let handles = ops.new();
    // SAFETY: `future.new` made both ends; they are owned here.
    unsafe {
        (
            RawFutureWriter::new((handles >> 32) as u32, ops.clone()),
            RawFutureReader::new(handles as u32, ops),
        )
    }
}

/// The writable end of a future of `T`: [`write`](FutureWriter::write)
/// sends the value. Dropped without writing, it sends the default value it
/// was created with (in the background).
pub struct FutureWriter<T: 'static> {
    raw: ManuallyDrop<RawFutureWriter<&'static FutureVtable<T>>>,
    default: fn() -> T,
}

impl<T: 'static> FutureWriter<T> {
    fn new(raw: RawFutureWriter<&'static FutureVtable<T>>, default: fn() -> T) -> Self {
        FutureWriter {
            raw: ManuallyDrop::new(raw),
            default,
        }
    }

    fn into_raw(self) -> (RawFutureWriter<&'static FutureVtable<T>>, fn() -> T) {
        let mut this = ManuallyDrop::new(self);
        // SAFETY: `this` is not used (or dropped) again.
        (unsafe { ManuallyDrop::take(&mut this.raw) }, this.default)
    }

    /// Sends `value`: the write ends when the reader took it (`Ok`) or
    /// when the reader was dropped (`Err`, with the value). Dropping the
    /// write cancels it, and the default value is sent instead
    /// ([`FutureWrite::cancel`] gives back the value and the writer).
    pub fn write(self, value: T) -> FutureWrite<T> {
        let (raw, default) = self.into_raw();
        FutureWrite {
            raw: raw.write(value),
            default,
        }
    }
}

impl<T: 'static> Drop for FutureWriter<T> {
    fn drop(&mut self) {
        // SAFETY: not used again.
        let raw = unsafe { ManuallyDrop::take(&mut self.raw) };
        raw.write_and_forget((self.default)());
    }
}

impl<T> core::fmt::Debug for FutureWriter<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FutureWriter")
            .field("handle", &self.raw.handle)
            .finish()
    }
}

/// A write of a [`FutureWriter`].
pub struct FutureWrite<T: 'static> {
    raw: RawFutureWrite<&'static FutureVtable<T>>,
    default: fn() -> T,
}

/// How a cancelled write of a future ended.
#[derive(Debug)]
pub enum FutureWriteCancel<T: 'static> {
    /// The reader took the value before the cancel.
    AlreadySent,
    /// The reader was dropped: the value is back, the writer is gone.
    Dropped(T),
    /// Cancelled: the value and the writer are back, to write later.
    Cancelled(T, FutureWriter<T>),
}

impl<T: 'static> FutureWrite<T> {
    fn raw(self: Pin<&mut Self>) -> Pin<&mut RawFutureWrite<&'static FutureVtable<T>>> {
        // SAFETY: `raw` is structurally pinned.
        unsafe { self.map_unchecked_mut(|write| &mut write.raw) }
    }

    /// Cancels the write and says how it ended.
    ///
    /// # Panics
    /// If the write had already ended (its future returned).
    pub fn cancel(mut self: Pin<&mut Self>) -> FutureWriteCancel<T> {
        let default = self.default;
        match self.as_mut().raw().cancel() {
            RawFutureWriteCancel::AlreadySent => FutureWriteCancel::AlreadySent,
            RawFutureWriteCancel::Dropped(value) => FutureWriteCancel::Dropped(value),
            RawFutureWriteCancel::Cancelled(value, raw) => {
                FutureWriteCancel::Cancelled(value, FutureWriter::new(raw, default))
            }
        }
    }
}

impl<T: 'static> Future for FutureWrite<T> {
    type Output = Result<(), FutureWriteError<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.raw().poll(cx)
    }
}

impl<T: 'static> Drop for FutureWrite<T> {
    fn drop(&mut self) {
        if self.raw.op.is_done() {
            return;
        }
        // A write that did not end leaves the writer unwritten: cancelling
        // gives it back as a `FutureWriter`, whose drop sends the default.
        // SAFETY: `self` is being dropped: it is not moved again.
        let this = unsafe { Pin::new_unchecked(self) };
        drop(this.cancel());
    }
}

/// The writable end of a future with the operations `O`, without a
/// default value: dropping it before a value went through traps.
pub struct RawFutureWriter<O: FutureOps> {
    handle: u32,
    ops: O,
}

impl<O: FutureOps> RawFutureWriter<O> {
    /// # Safety
    /// `handle` is an owned writable end of a future that `ops` describes.
    unsafe fn new(handle: u32, ops: O) -> Self {
        RawFutureWriter { handle, ops }
    }

    /// Sends `value`, as [`FutureWriter::write`].
    pub fn write(self, value: O::Payload) -> RawFutureWrite<O> {
        RawFutureWrite {
            op: Op::new(FutureWriteOp(core::marker::PhantomData), (self, value)),
        }
    }

    /// Sends `value` in the background: in the current task (which does
    /// not end before the write does), or, outside of any, in the next
    /// task witbind runs.
    pub fn write_and_forget(self, value: O::Payload)
    where
        O: 'static,
        O::Payload: 'static,
    {
        let write = self.write(value);
        spawn_background(Box::pin(async move {
            // How it ends does not matter: the writer is done either way.
            let _ = write.await;
        }));
    }
}

impl<O: FutureOps> Drop for RawFutureWriter<O> {
    fn drop(&mut self) {
        // SAFETY: this value owns the writable end.
        unsafe { self.ops.drop_writable(self.handle) }
    }
}

impl<O: FutureOps> core::fmt::Debug for RawFutureWriter<O> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RawFutureWriter")
            .field("handle", &self.handle)
            .finish()
    }
}

/// A write of a [`RawFutureWriter`].
pub struct RawFutureWrite<O: FutureOps> {
    op: Op<FutureWriteOp<O>>,
}

impl<O: FutureOps> RawFutureWrite<O> {
    fn op(self: Pin<&mut Self>) -> Pin<&mut Op<FutureWriteOp<O>>> {
        // SAFETY: the operation is structurally pinned.
        unsafe { self.map_unchecked_mut(|write| &mut write.op) }
    }

    /// Cancels the write and says how it ended, as [`FutureWrite::cancel`].
    ///
    /// # Panics
    /// If the write had already ended (its future returned).
    pub fn cancel(self: Pin<&mut Self>) -> RawFutureWriteCancel<O> {
        self.op().cancel()
    }
}

impl<O: FutureOps> Future for RawFutureWrite<O> {
    type Output = Result<(), FutureWriteError<O::Payload>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.op().poll_op(cx).map(|ended| match ended {
            WriteEnd::Written => Ok(()),
            WriteEnd::Dropped(value) | WriteEnd::Cancelled(value, _) => {
                Err(FutureWriteError { value })
            }
        })
    }
}

/// The error of a write whose reader was dropped: the value is back.
pub struct FutureWriteError<T> {
    /// The value that was not sent.
    pub value: T,
}

impl<T> core::fmt::Debug for FutureWriteError<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FutureWriteError").finish_non_exhaustive()
    }
}

impl<T> core::fmt::Display for FutureWriteError<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("the future's reader was dropped")
    }
}

impl<T> core::error::Error for FutureWriteError<T> {}

/// How a cancelled write of a [`RawFutureWriter`] ended.
#[derive(Debug)]
pub enum RawFutureWriteCancel<O: FutureOps> {
    /// The reader took the value before the cancel.
    AlreadySent,
    /// The reader was dropped: the value is back, the writer is gone.
    Dropped(O::Payload),
    /// Cancelled: the value and the writer are back.
    Cancelled(O::Payload, RawFutureWriter<O>),
}

enum WriteEnd<O: FutureOps> {
    Written,
    Dropped(O::Payload),
    Cancelled(O::Payload, RawFutureWriter<O>),
}

struct FutureWriteOp<O>(core::marker::PhantomData<O>);

// SAFETY: the waitable is the writer's handle for the whole write, and
// `cancel-write` gives the final code.
unsafe impl<O: FutureOps> Operation for FutureWriteOp<O> {
    type Start = (RawFutureWriter<O>, O::Payload);
    type InFlight = (RawFutureWriter<O>, Option<Cleanup>);
    type Output = WriteEnd<O>;
    type Cancelled = RawFutureWriteCancel<O>;

    fn start(&mut self, (mut writer, value): Self::Start) -> (u32, Self::InFlight) {
        let (cell, cleanup) = Cleanup::new(writer.ops.elem_layout());
        // SAFETY: `cell` has room for the value and stays (in `cleanup`)
        // until the write ends.
        let code = unsafe {
            writer.ops.lower(value, cell);
            writer.ops.start_write(writer.handle, cell)
        };
        (code, (writer, cleanup))
    }

    fn update(
        &mut self,
        (mut writer, cell): Self::InFlight,
        code: u32,
    ) -> Result<WriteEnd<O>, Self::InFlight> {
        let ptr = cell.as_ref().map_or(core::ptr::null_mut(), Cleanup::ptr);
        match Copy::decode(code) {
            Copy::Blocked => Err((writer, cell)),
            Copy::Completed(_) => {
                // SAFETY: the reader has its copy: the lists are ours to
                // free, once.
                unsafe { writer.ops.dealloc_lists(ptr) };
                Ok(WriteEnd::Written)
            }
            Copy::Dropped(_) => {
                // SAFETY: the value was not taken; it is lifted back once.
                Ok(WriteEnd::Dropped(unsafe { writer.ops.lift(ptr) }))
            }
            Copy::Cancelled(_) => {
                // SAFETY: the value was not taken; it is lifted back once.
                let value = unsafe { writer.ops.lift(ptr) };
                Ok(WriteEnd::Cancelled(value, writer))
            }
        }
    }

    fn waitable(&self, (writer, _): &Self::InFlight) -> u32 {
        writer.handle
    }

    fn cancel(&mut self, (writer, _): &mut Self::InFlight) -> u32 {
        // SAFETY: a write is in flight on the handle, out of every set.
        unsafe { writer.ops.cancel_write(writer.handle) }
    }

    fn cancelled_before_start(&mut self, (writer, value): Self::Start) -> RawFutureWriteCancel<O> {
        RawFutureWriteCancel::Cancelled(value, writer)
    }

    fn cancelled_after_end(&mut self, ended: WriteEnd<O>) -> RawFutureWriteCancel<O> {
        match ended {
            WriteEnd::Written => RawFutureWriteCancel::AlreadySent,
            WriteEnd::Dropped(value) => RawFutureWriteCancel::Dropped(value),
            WriteEnd::Cancelled(value, writer) => RawFutureWriteCancel::Cancelled(value, writer),
        }
    }
}

/// The readable end of a future of `T`.
pub type FutureReader<T> = RawFutureReader<&'static FutureVtable<T>>;

/// The readable end of a future: `.await` it for the value. Dropping it
/// tells the writer the value is not wanted.
pub struct RawFutureReader<O: FutureOps> {
    handle: AtomicU32,
    ops: O,
}

/// A handle whose ownership was moved out.
const TAKEN: u32 = u32::MAX;

impl<O: FutureOps> RawFutureReader<O> {
    /// Takes ownership of the readable end `handle`.
    ///
    /// # Safety
    /// `handle` is an owned readable end of a future that `ops` describes.
    pub unsafe fn new(handle: u32, ops: O) -> Self {
        RawFutureReader {
            handle: AtomicU32::new(handle),
            ops,
        }
    }

    /// Moves ownership of the raw handle out (to pass it to the host).
    #[doc(hidden)]
    pub fn take_handle(&self) -> u32 {
        let handle = self.handle.swap(TAKEN, Ordering::Relaxed);
        assert!(handle != TAKEN, "the future's handle was already moved out");
        handle
    }

    /// The raw handle, still owned by this value.
    pub fn handle(&self) -> u32 {
        let handle = self.handle.load(Ordering::Relaxed);
        assert!(handle != TAKEN, "the future's handle was moved out");
        handle
    }
}

impl<O: FutureOps> IntoFuture for RawFutureReader<O> {
    type Output = O::Payload;
    type IntoFuture = RawFutureRead<O>;

    fn into_future(self) -> RawFutureRead<O> {
        RawFutureRead {
            op: Op::new(FutureReadOp(core::marker::PhantomData), self),
        }
    }
}

impl<O: FutureOps> Drop for RawFutureReader<O> {
    fn drop(&mut self) {
        let handle = *self.handle.get_mut();
        if handle != TAKEN {
            // SAFETY: this value owns the readable end; reads own the
            // reader, so none is in flight.
            unsafe { self.ops.drop_readable(handle) }
        }
    }
}

impl<O: FutureOps> core::fmt::Debug for RawFutureReader<O> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FutureReader")
            .field("handle", &self.handle.load(Ordering::Relaxed))
            .finish()
    }
}

/// A read of a [`FutureReader`] (its `.await`).
pub type FutureRead<T> = RawFutureRead<&'static FutureVtable<T>>;

/// A read of a [`RawFutureReader`]: gives the value. Dropping it cancels
/// it (a value that arrived first is dropped; [`RawFutureRead::cancel`]
/// gives it back).
pub struct RawFutureRead<O: FutureOps> {
    op: Op<FutureReadOp<O>>,
}

impl<O: FutureOps> RawFutureRead<O> {
    fn op(self: Pin<&mut Self>) -> Pin<&mut Op<FutureReadOp<O>>> {
        // SAFETY: the operation is structurally pinned.
        unsafe { self.map_unchecked_mut(|read| &mut read.op) }
    }

    /// Cancels the read: `Ok(value)` when the value arrived first (also if
    /// the read was never polled since), `Err(reader)` when it did not,
    /// to read again later.
    ///
    /// # Panics
    /// If the read had already ended (its future returned the value).
    pub fn cancel(self: Pin<&mut Self>) -> Result<O::Payload, RawFutureReader<O>> {
        self.op().cancel()
    }
}

impl<O: FutureOps> Future for RawFutureRead<O> {
    type Output = O::Payload;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<O::Payload> {
        self.op().poll_op(cx).map(|ended| match ended {
            ReadEnd::Value(value) => value,
            ReadEnd::Cancelled(_) => unreachable!("only a cancel cancels a read"),
        })
    }
}

enum ReadEnd<O: FutureOps> {
    Value(O::Payload),
    Cancelled(RawFutureReader<O>),
}

struct FutureReadOp<O>(core::marker::PhantomData<O>);

// SAFETY: the waitable is the reader's handle for the whole read, and
// `cancel-read` gives the final code.
unsafe impl<O: FutureOps> Operation for FutureReadOp<O> {
    type Start = RawFutureReader<O>;
    type InFlight = (RawFutureReader<O>, Option<Cleanup>);
    type Output = ReadEnd<O>;
    type Cancelled = Result<O::Payload, RawFutureReader<O>>;

    fn start(&mut self, mut reader: RawFutureReader<O>) -> (u32, Self::InFlight) {
        let (cell, cleanup) = Cleanup::new(reader.ops.elem_layout());
        let handle = reader.handle();
        // SAFETY: `cell` has room for the value and stays (in `cleanup`)
        // until the read ends.
        let code = unsafe { reader.ops.start_read(handle, cell) };
        (code, (reader, cleanup))
    }

    fn update(
        &mut self,
        (mut reader, cell): Self::InFlight,
        code: u32,
    ) -> Result<ReadEnd<O>, Self::InFlight> {
        match Copy::decode(code) {
            Copy::Blocked => Err((reader, cell)),
            Copy::Completed(_) => {
                let ptr = cell.as_ref().map_or(core::ptr::null_mut(), Cleanup::ptr);
                // SAFETY: the host wrote the value; it is lifted once.
                Ok(ReadEnd::Value(unsafe { reader.ops.lift(ptr) }))
            }
            Copy::Cancelled(_) => Ok(ReadEnd::Cancelled(reader)),
            Copy::Dropped(_) => panic!("a future's writer was dropped without writing"),
        }
    }

    fn waitable(&self, (reader, _): &Self::InFlight) -> u32 {
        reader.handle()
    }

    fn cancel(&mut self, (reader, _): &mut Self::InFlight) -> u32 {
        let handle = reader.handle();
        // SAFETY: a read is in flight on the handle, out of every set.
        unsafe { reader.ops.cancel_read(handle) }
    }

    fn cancelled_before_start(
        &mut self,
        reader: RawFutureReader<O>,
    ) -> Result<O::Payload, RawFutureReader<O>> {
        Err(reader)
    }

    fn cancelled_after_end(&mut self, ended: ReadEnd<O>) -> Result<O::Payload, RawFutureReader<O>> {
        match ended {
            ReadEnd::Value(value) => Ok(value),
            ReadEnd::Cancelled(reader) => Err(reader),
        }
    }
}
