//! `future<T>`: [`FutureReader`] and [`FutureWriter`], the two ends of a
//! component-model future, which carries exactly one value. Awaiting the
//! reader gives the value; a writer dropped without writing sends the
//! default value its creator chose.

use core::cell::Cell;
use core::future::{Future, IntoFuture};
use core::pin::Pin;
use core::task::{ready, Context, Poll};

use super::abi;
use super::waitable::Wait;
use crate::rt::{alloc, cabi_dealloc};

/// How generated code moves values of one payload type through futures.
#[doc(hidden)]
pub struct FutureVtable<T> {
    /// The canonical ABI size and alignment of the value.
    pub layout: (usize, usize),
    /// Lowers the value into memory, moving what it owns.
    pub lower: unsafe fn(T, *mut u8),
    /// Lifts the value from memory, taking what it owns.
    pub lift: unsafe fn(*mut u8) -> T,
    /// Frees the lists of a lowered value that was sent.
    pub dealloc_lists: unsafe fn(*mut u8),
    /// `future.new`: the readable end (low bits) and the writable end.
    pub new: unsafe fn() -> u64,
    /// `future.read` (async): handle, destination.
    pub start_read: unsafe fn(u32, *mut u8) -> u32,
    /// `future.write` (async): handle, source.
    pub start_write: unsafe fn(u32, *const u8) -> u32,
    /// `future.cancel-read`.
    pub cancel_read: unsafe fn(u32) -> u32,
    /// `future.cancel-write`.
    pub cancel_write: unsafe fn(u32) -> u32,
    /// `future.drop-readable`.
    pub drop_readable: unsafe fn(u32),
    /// `future.drop-writable`.
    pub drop_writable: unsafe fn(u32),
}

const TAKEN: u32 = u32::MAX;

/// A new future of `T`: its writable and readable ends. A writer dropped
/// without writing sends `default()`.
///
/// # Safety
/// `vtable` describes `T` (generated code passes the payload's own).
#[doc(hidden)]
pub unsafe fn future_new<T: 'static>(
    default: fn() -> T,
    vtable: &'static FutureVtable<T>,
) -> (FutureWriter<T>, FutureReader<T>) {
    // SAFETY: as the caller guarantees.
    let handles = unsafe { (vtable.new)() };
    // SAFETY: `future.new` made both ends; they are now owned here.
    unsafe {
        (
            FutureWriter::new((handles >> 32) as u32, vtable, default),
            FutureReader::new(handles as u32, vtable),
        )
    }
}

/// A cell of the payload's layout, for one read or write.
fn cell<T>(vtable: &FutureVtable<T>) -> *mut u8 {
    let (size, align) = vtable.layout;
    // SAFETY: the canonical ABI's alignment is a power of two.
    unsafe { alloc(size, align) }
}

fn free_cell<T>(vtable: &FutureVtable<T>, cell: *mut u8) {
    let (size, align) = vtable.layout;
    // SAFETY: made by `cell` for the same payload.
    unsafe { cabi_dealloc(cell, size, align) }
}

/// The end of a future that its value is read from: `.await` it.
/// Dropping it tells the writer the value is not wanted.
pub struct FutureReader<T: 'static> {
    handle: Cell<u32>,
    vtable: &'static FutureVtable<T>,
}

impl<T: 'static> FutureReader<T> {
    /// Takes ownership of the readable end `handle`.
    ///
    /// # Safety
    /// `handle` is an owned readable end of a future of `T` described by
    /// `vtable`.
    #[doc(hidden)]
    pub unsafe fn new(handle: u32, vtable: &'static FutureVtable<T>) -> Self {
        FutureReader {
            handle: Cell::new(handle),
            vtable,
        }
    }

    /// The raw handle, still owned by this value.
    pub fn handle(&self) -> u32 {
        self.handle.get()
    }

    /// Moves ownership of the raw handle out (to pass it to the host).
    #[doc(hidden)]
    pub fn take_handle(&self) -> u32 {
        let handle = self.handle.replace(TAKEN);
        assert!(handle != TAKEN, "the future's handle was already moved out");
        handle
    }
}

impl<T: 'static> Drop for FutureReader<T> {
    fn drop(&mut self) {
        let handle = self.handle.get();
        if handle != TAKEN {
            // SAFETY: this value owns the readable end.
            unsafe { (self.vtable.drop_readable)(handle) }
        }
    }
}

impl<T: 'static> core::fmt::Debug for FutureReader<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FutureReader")
            .field("handle", &self.handle.get())
            .finish()
    }
}

impl<T: 'static> IntoFuture for FutureReader<T> {
    type Output = T;
    type IntoFuture = FutureRead<T>;

    fn into_future(self) -> FutureRead<T> {
        FutureRead {
            reader: Some(self),
            state: ReadState::Start,
        }
    }
}

enum ReadState {
    Start,
    Waiting { cell: *mut u8, wait: Wait },
    Done,
}

/// The read of a [`FutureReader`]'s value. Dropping it cancels the read.
pub struct FutureRead<T: 'static> {
    reader: Option<FutureReader<T>>,
    state: ReadState,
}

impl<T: 'static> Unpin for FutureRead<T> {}

impl<T: 'static> FutureRead<T> {
    fn reader(&self) -> &FutureReader<T> {
        self.reader
            .as_ref()
            .unwrap_or_else(|| unreachable!("the reader stays until the read ends"))
    }

    /// Cancels the read: `Ok` with the value if it had arrived, else the
    /// reader back (to read again later).
    pub fn cancel(mut self: Pin<&mut Self>) -> Result<T, FutureReader<T>> {
        let reader = self
            .reader
            .take()
            .unwrap_or_else(|| panic!("a future read was cancelled after it finished"));
        match core::mem::replace(&mut self.state, ReadState::Done) {
            ReadState::Start | ReadState::Done => Err(reader),
            ReadState::Waiting { cell, mut wait } => {
                wait.cancel();
                // SAFETY: a read is in flight on this handle.
                let code = unsafe { (reader.vtable.cancel_read)(reader.handle()) };
                let value = (code & 0xf == abi::COPY_COMPLETED).then(|| {
                    // SAFETY: the host wrote the value.
                    unsafe { (reader.vtable.lift)(cell) }
                });
                free_cell(reader.vtable, cell);
                value.ok_or(reader)
            }
        }
    }
}

impl<T: 'static> Future for FutureRead<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = &mut *self;
        let code = match &mut this.state {
            ReadState::Start => {
                let reader = this.reader();
                let cell = cell(reader.vtable);
                // SAFETY: `cell` has room for the payload.
                let code = unsafe { (reader.vtable.start_read)(reader.handle(), cell) };
                let handle = reader.handle();
                this.state = ReadState::Waiting {
                    cell,
                    wait: Wait::new(handle),
                };
                let ReadState::Waiting { wait, .. } = &mut this.state else {
                    unreachable!("just set")
                };
                ready!(wait.started(code, cx))
            }
            ReadState::Waiting { wait, .. } => ready!(wait.poll(cx)),
            ReadState::Done => panic!("a future read was polled after it finished"),
        };
        let ReadState::Waiting { cell, .. } = core::mem::replace(&mut this.state, ReadState::Done)
        else {
            unreachable!("the read is in flight")
        };
        let reader = this
            .reader
            .take()
            .unwrap_or_else(|| unreachable!("the reader stays until the read ends"));
        let vtable = reader.vtable;
        assert!(
            code & 0xf == abi::COPY_COMPLETED,
            "the writer of a future was dropped without writing its value"
        );
        // SAFETY: the host wrote the value.
        let value = unsafe { (vtable.lift)(cell) };
        free_cell(vtable, cell);
        Poll::Ready(value)
    }
}

impl<T: 'static> Drop for FutureRead<T> {
    fn drop(&mut self) {
        if let ReadState::Waiting { .. } = self.state {
            // A value that arrived first is dropped with the result.
            drop(Pin::new(self).cancel());
        }
    }
}

/// The end of a future that its value is written to, once. Dropped
/// without writing, it writes the default value its creator chose.
pub struct FutureWriter<T: 'static> {
    handle: u32,
    vtable: &'static FutureVtable<T>,
    default: fn() -> T,
    written: bool,
}

impl<T: 'static> FutureWriter<T> {
    /// Takes ownership of the writable end `handle`.
    ///
    /// # Safety
    /// `handle` is an owned writable end of a future of `T` described by
    /// `vtable`.
    #[doc(hidden)]
    pub unsafe fn new(handle: u32, vtable: &'static FutureVtable<T>, default: fn() -> T) -> Self {
        FutureWriter {
            handle,
            vtable,
            default,
            written: false,
        }
    }

    /// The raw handle, still owned by this value.
    pub fn handle(&self) -> u32 {
        self.handle
    }

    /// Writes the value; completes when the reader has it, or gives it
    /// back if the reader was dropped.
    pub fn write(mut self, value: T) -> FutureWrite<T> {
        self.written = true;
        FutureWrite {
            writer: Some(self),
            state: WriteState::Start(value),
        }
    }
}

impl<T: 'static> Drop for FutureWriter<T> {
    fn drop(&mut self) {
        if !self.written {
            self.written = true;
            let writer = FutureWriter {
                handle: self.handle,
                vtable: self.vtable,
                default: self.default,
                written: false,
            };
            // The writable end moved to `writer`, which writes the default.
            self.handle = TAKEN;
            write_default(writer);
            return;
        }
        if self.handle != TAKEN {
            // SAFETY: this value owns the writable end, whose value was written.
            unsafe { (self.vtable.drop_writable)(self.handle) }
        }
    }
}

/// Writes `writer`'s default value: in the background of the current
/// task, or (without one) by starting the write and leaving it to the
/// host, which completes it when the reader reads.
fn write_default<T: 'static>(writer: FutureWriter<T>) {
    let value = (writer.default)();
    // SAFETY: reading the context slot has no preconditions.
    let in_task = !unsafe { abi::context_get() }.is_null();
    if in_task {
        super::spawn_local(async move {
            drop(writer.write(value).await);
        });
        return;
    }
    let mut writer = core::mem::ManuallyDrop::new(writer);
    writer.written = true;
    let cell = cell(writer.vtable);
    // SAFETY: `cell` has room for the payload; it stays (leaked) until the
    // host has copied the value.
    unsafe {
        (writer.vtable.lower)(value, cell);
        let code = (writer.vtable.start_write)(writer.handle, cell);
        if code != abi::BLOCKED {
            (writer.vtable.dealloc_lists)(cell);
            free_cell(writer.vtable, cell);
            (writer.vtable.drop_writable)(writer.handle);
        }
    }
}

impl<T: 'static> core::fmt::Debug for FutureWriter<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FutureWriter")
            .field("handle", &self.handle)
            .finish()
    }
}

/// A write to a future whose reader was dropped: the value, given back.
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
        f.write_str("the reader of the future was dropped")
    }
}

impl<T> core::error::Error for FutureWriteError<T> {}

/// What cancelling a [`FutureWrite`] found.
pub enum FutureWriteCancel<T: 'static> {
    /// The reader had the value already.
    AlreadySent,
    /// The reader was dropped: the value, given back.
    Dropped(T),
    /// The write was cancelled: the value and the writer, to write again.
    Cancelled(T, FutureWriter<T>),
}

impl<T: 'static> core::fmt::Debug for FutureWriteCancel<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            FutureWriteCancel::AlreadySent => f.write_str("AlreadySent"),
            FutureWriteCancel::Dropped(_) => f.write_str("Dropped(..)"),
            FutureWriteCancel::Cancelled(..) => f.write_str("Cancelled(..)"),
        }
    }
}

enum WriteState<T> {
    Start(T),
    Waiting { cell: *mut u8, wait: Wait },
    Done,
}

/// The write of a [`FutureWriter`]'s value. Dropping it cancels the write
/// (the writer then sends its default value).
pub struct FutureWrite<T: 'static> {
    writer: Option<FutureWriter<T>>,
    state: WriteState<T>,
}

impl<T: 'static> Unpin for FutureWrite<T> {}

impl<T: 'static> FutureWrite<T> {
    /// Cancels the write.
    pub fn cancel(mut self: Pin<&mut Self>) -> FutureWriteCancel<T> {
        let mut writer = self
            .writer
            .take()
            .unwrap_or_else(|| panic!("a future write was cancelled after it finished"));
        match core::mem::replace(&mut self.state, WriteState::Done) {
            WriteState::Start(value) => {
                writer.written = false;
                FutureWriteCancel::Cancelled(value, writer)
            }
            WriteState::Waiting { cell, mut wait } => {
                wait.cancel();
                // SAFETY: a write is in flight on this handle.
                let code = unsafe { (writer.vtable.cancel_write)(writer.handle) };
                match code & 0xf {
                    abi::COPY_COMPLETED => {
                        sent(&writer, cell);
                        FutureWriteCancel::AlreadySent
                    }
                    abi::COPY_DROPPED => FutureWriteCancel::Dropped(take_back(&writer, cell)),
                    _ => {
                        let value = take_back(&writer, cell);
                        writer.written = false;
                        FutureWriteCancel::Cancelled(value, writer)
                    }
                }
            }
            WriteState::Done => unreachable!("a finished write has no writer"),
        }
    }
}

/// The value in `cell` was sent: free its lists and the cell.
fn sent<T>(writer: &FutureWriter<T>, cell: *mut u8) {
    // SAFETY: the reader has its copy.
    unsafe { (writer.vtable.dealloc_lists)(cell) };
    free_cell(writer.vtable, cell);
}

/// The value in `cell` was not sent: lift it back.
fn take_back<T>(writer: &FutureWriter<T>, cell: *mut u8) -> T {
    // SAFETY: the lowered value is still ours.
    let value = unsafe { (writer.vtable.lift)(cell) };
    free_cell(writer.vtable, cell);
    value
}

impl<T: 'static> Future for FutureWrite<T> {
    type Output = Result<(), FutureWriteError<T>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let writer = this
            .writer
            .as_ref()
            .unwrap_or_else(|| panic!("a future write was polled after it finished"));
        let code = match &mut this.state {
            WriteState::Start(_) => {
                let WriteState::Start(value) =
                    core::mem::replace(&mut this.state, WriteState::Done)
                else {
                    unreachable!("just matched")
                };
                let cell = cell(writer.vtable);
                // SAFETY: `cell` has room for the payload; it stays until
                // the write ends.
                let code = unsafe {
                    (writer.vtable.lower)(value, cell);
                    (writer.vtable.start_write)(writer.handle, cell)
                };
                this.state = WriteState::Waiting {
                    cell,
                    wait: Wait::new(writer.handle),
                };
                let WriteState::Waiting { wait, .. } = &mut this.state else {
                    unreachable!("just set")
                };
                ready!(wait.started(code, cx))
            }
            WriteState::Waiting { wait, .. } => ready!(wait.poll(cx)),
            WriteState::Done => panic!("a future write was polled after it finished"),
        };
        let WriteState::Waiting { cell, .. } =
            core::mem::replace(&mut this.state, WriteState::Done)
        else {
            unreachable!("the write is in flight")
        };
        let writer = this
            .writer
            .take()
            .unwrap_or_else(|| unreachable!("the writer stays until the write ends"));
        Poll::Ready(match code & 0xf {
            abi::COPY_COMPLETED => {
                sent(&writer, cell);
                Ok(())
            }
            _ => Err(FutureWriteError {
                value: take_back(&writer, cell),
            }),
        })
    }
}

impl<T: 'static> Drop for FutureWrite<T> {
    fn drop(&mut self) {
        if let WriteState::Waiting { .. } = self.state {
            // A cancelled writer is dropped unwritten: it sends the default.
            drop(Pin::new(self).cancel());
        }
    }
}
