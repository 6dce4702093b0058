//! `stream<T>`: [`StreamReader`] and [`StreamWriter`], the two ends of a
//! component-model stream. Reads and writes are futures; dropping an end
//! closes it (the other end sees [`StreamResult::Dropped`]).

use alloc::vec::Vec;
use core::cell::Cell;
use core::future::Future;
use core::pin::Pin;
use core::task::{ready, Context, Poll};

use super::abi;
use super::buffer::AbiBuffer;
use super::waitable::Wait;
use crate::rt::{alloc, cabi_dealloc};

/// How generated code moves values of one payload type through streams:
/// the payload's layout, its lowering and lifting, and the stream
/// intrinsics of one function that has a stream of it.
#[doc(hidden)]
pub struct StreamVtable<T> {
    /// The canonical ABI size and alignment of one value.
    pub layout: (usize, usize),
    /// Lowers a value into memory, moving what it owns. `None`: the Rust
    /// representation is the canonical one (numbers).
    pub lower: Option<unsafe fn(T, *mut u8)>,
    /// Lifts a value from memory, taking what it owns.
    pub lift: Option<unsafe fn(*mut u8) -> T>,
    /// Frees the lists of a lowered value that was sent (the receiver has
    /// a copy).
    pub dealloc_lists: Option<unsafe fn(*mut u8)>,
    /// `stream.new`: the readable end (low bits) and the writable end.
    pub new: unsafe fn() -> u64,
    /// `stream.read` (async): handle, destination, count.
    pub start_read: unsafe fn(u32, *mut u8, usize) -> u32,
    /// `stream.write` (async): handle, source, count.
    pub start_write: unsafe fn(u32, *const u8, usize) -> u32,
    /// `stream.cancel-read`.
    pub cancel_read: unsafe fn(u32) -> u32,
    /// `stream.cancel-write`.
    pub cancel_write: unsafe fn(u32) -> u32,
    /// `stream.drop-readable`.
    pub drop_readable: unsafe fn(u32),
    /// `stream.drop-writable`.
    pub drop_writable: unsafe fn(u32),
}

/// A handle whose ownership was moved out.
const TAKEN: u32 = u32::MAX;

/// The most values one read asks for (the count has 28 bits).
const MAX_COUNT: usize = (1 << 28) - 1;

/// How a read or write of a stream ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamResult {
    /// This many values went through; the stream is still open.
    Complete(usize),
    /// The other end was dropped (values that went through before are
    /// still delivered); later operations do nothing.
    Dropped,
    /// The operation was cancelled.
    Cancelled,
}

/// A new stream of `T`: its writable and readable ends.
///
/// # Safety
/// `vtable` describes `T` (generated code passes the payload's own).
#[doc(hidden)]
pub unsafe fn stream_new<T: 'static>(
    vtable: &'static StreamVtable<T>,
) -> (StreamWriter<T>, StreamReader<T>) {
    // SAFETY: as the caller guarantees.
    let handles = unsafe { (vtable.new)() };
    // SAFETY: `stream.new` made both ends; they are now owned here.
    unsafe {
        (
            StreamWriter::new((handles >> 32) as u32, vtable),
            StreamReader::new(handles as u32, vtable),
        )
    }
}

/// The end of a stream that values are read from. Dropping it closes the
/// stream for the writer.
pub struct StreamReader<T: 'static> {
    handle: Cell<u32>,
    vtable: &'static StreamVtable<T>,
    done: bool,
}

impl<T: 'static> StreamReader<T> {
    /// Takes ownership of the readable end `handle`.
    ///
    /// # Safety
    /// `handle` is an owned readable end of a stream of `T` described by
    /// `vtable`.
    #[doc(hidden)]
    pub unsafe fn new(handle: u32, vtable: &'static StreamVtable<T>) -> Self {
        StreamReader {
            handle: Cell::new(handle),
            vtable,
            done: false,
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
        assert!(handle != TAKEN, "the stream's handle was already moved out");
        handle
    }

    /// Reads into the spare capacity of `buf` (at least one value's worth
    /// is asked for when there is none); gives back `buf` with the values
    /// read appended, and how the read ended.
    pub fn read(&mut self, buf: Vec<T>) -> StreamRead<'_, T> {
        StreamRead {
            reader: self,
            state: ReadState::Start(buf),
        }
    }

    /// The next value; `None` once the writer is gone.
    pub async fn next(&mut self) -> Option<T> {
        loop {
            let (result, mut buf) = self.read(Vec::with_capacity(1)).await;
            if let Some(value) = buf.pop() {
                return Some(value);
            }
            match result {
                StreamResult::Dropped => return None,
                StreamResult::Complete(_) | StreamResult::Cancelled => {}
            }
        }
    }

    /// Every value until the writer is gone.
    pub async fn collect(mut self) -> Vec<T> {
        let (size, _) = self.vtable.layout;
        let chunk = (8192 / size.max(1)).max(1);
        let mut values = Vec::new();
        loop {
            values.reserve(chunk);
            let (result, read) = self.read(values).await;
            values = read;
            if let StreamResult::Dropped = result {
                return values;
            }
        }
    }
}

impl<T: 'static> Drop for StreamReader<T> {
    fn drop(&mut self) {
        let handle = self.handle.get();
        if handle != TAKEN {
            // SAFETY: this value owns the readable end.
            unsafe { (self.vtable.drop_readable)(handle) }
        }
    }
}

impl<T: 'static> core::fmt::Debug for StreamReader<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StreamReader")
            .field("handle", &self.handle.get())
            .finish()
    }
}

enum ReadState<T> {
    Start(Vec<T>),
    Waiting {
        buf: Vec<T>,
        /// Where the host writes: `buf`'s spare capacity, or a buffer of
        /// `count` lowered values.
        dest: *mut u8,
        count: usize,
        wait: Wait,
    },
    Done,
}

/// A read of a [`StreamReader`]: gives back the buffer with the values
/// read, and how the read ended. Dropping it cancels the read.
pub struct StreamRead<'a, T: 'static> {
    reader: &'a mut StreamReader<T>,
    state: ReadState<T>,
}

impl<T: 'static> Unpin for StreamRead<'_, T> {}

impl<T: 'static> StreamRead<'_, T> {
    /// Cancels the read; values that arrived first are in the buffer.
    pub fn cancel(mut self: Pin<&mut Self>) -> (StreamResult, Vec<T>) {
        match core::mem::replace(&mut self.state, ReadState::Done) {
            ReadState::Start(buf) => (StreamResult::Cancelled, buf),
            ReadState::Waiting {
                buf,
                dest,
                count,
                mut wait,
            } => {
                wait.cancel();
                // SAFETY: a read is in flight on this handle.
                let code = unsafe { (self.reader.vtable.cancel_read)(self.reader.handle()) };
                self.finish(buf, dest, count, code)
            }
            ReadState::Done => panic!("a stream read was cancelled after it finished"),
        }
    }

    /// The read ended with `code`: takes the values the host wrote.
    fn finish(
        &mut self,
        mut buf: Vec<T>,
        dest: *mut u8,
        count: usize,
        code: u32,
    ) -> (StreamResult, Vec<T>) {
        let read = (code >> 4) as usize;
        let vtable = self.reader.vtable;
        let (size, align) = vtable.layout;
        match vtable.lift {
            // SAFETY: the host initialized `read` values in the spare capacity.
            None => unsafe { buf.set_len(buf.len() + read) },
            Some(lift) => {
                // SAFETY: the host wrote `read` lowered values at `dest`,
                // which was allocated for `count` of them.
                unsafe {
                    buf.extend((0..read).map(|i| lift(dest.add(i * size))));
                    cabi_dealloc(dest, size * count, align);
                }
            }
        }
        (copy_result(code, &mut self.reader.done), buf)
    }
}

impl<T: 'static> Future for StreamRead<'_, T> {
    type Output = (StreamResult, Vec<T>);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let code = match &mut this.state {
            ReadState::Start(_) if this.reader.done => {
                let ReadState::Start(buf) = core::mem::replace(&mut this.state, ReadState::Done)
                else {
                    unreachable!("just matched")
                };
                return Poll::Ready((StreamResult::Dropped, buf));
            }
            ReadState::Start(buf) => {
                let mut buf = core::mem::take(buf);
                let vtable = this.reader.vtable;
                let (size, align) = vtable.layout;
                if buf.capacity() == buf.len() {
                    buf.reserve(1);
                }
                let count = (buf.capacity() - buf.len()).min(MAX_COUNT);
                let dest = match vtable.lift {
                    // SAFETY: within the capacity.
                    None => unsafe { buf.as_mut_ptr().add(buf.len()).cast::<u8>() },
                    // SAFETY: the canonical ABI's alignment is a power of two.
                    Some(_) => unsafe { alloc(size * count, align) },
                };
                let handle = this.reader.handle();
                // SAFETY: `dest` has room for `count` values of the payload.
                let code = unsafe { (vtable.start_read)(handle, dest, count) };
                this.state = ReadState::Waiting {
                    buf,
                    dest,
                    count,
                    wait: Wait::new(handle),
                };
                let ReadState::Waiting { wait, .. } = &mut this.state else {
                    unreachable!("just set")
                };
                ready!(wait.started(code, cx))
            }
            ReadState::Waiting { wait, .. } => ready!(wait.poll(cx)),
            ReadState::Done => panic!("a stream read was polled after it finished"),
        };
        let ReadState::Waiting {
            buf, dest, count, ..
        } = core::mem::replace(&mut this.state, ReadState::Done)
        else {
            unreachable!("the read is in flight")
        };
        Poll::Ready(this.finish(buf, dest, count, code))
    }
}

impl<T: 'static> Drop for StreamRead<'_, T> {
    fn drop(&mut self) {
        if let ReadState::Waiting { .. } = self.state {
            drop(Pin::new(self).cancel());
        }
    }
}

/// The end of a stream that values are written to. Dropping it closes the
/// stream: the reader sees [`StreamResult::Dropped`] after the values
/// written before.
pub struct StreamWriter<T: 'static> {
    handle: u32,
    vtable: &'static StreamVtable<T>,
    done: bool,
}

impl<T: 'static> StreamWriter<T> {
    /// Takes ownership of the writable end `handle`.
    ///
    /// # Safety
    /// `handle` is an owned writable end of a stream of `T` described by
    /// `vtable`.
    #[doc(hidden)]
    pub unsafe fn new(handle: u32, vtable: &'static StreamVtable<T>) -> Self {
        StreamWriter {
            handle,
            vtable,
            done: false,
        }
    }

    /// The raw handle, still owned by this value.
    pub fn handle(&self) -> u32 {
        self.handle
    }

    /// Writes `values` once: the reader may take only some of them. Gives
    /// back how the write ended and a buffer with the values not sent.
    pub fn write(&mut self, values: Vec<T>) -> StreamWrite<'_, T> {
        let buf = AbiBuffer::new(values, self.vtable);
        self.write_buf(buf)
    }

    /// Writes what is left in `buf` (from an earlier write) once.
    pub fn write_buf(&mut self, buf: AbiBuffer<T>) -> StreamWrite<'_, T> {
        StreamWrite {
            writer: self,
            state: WriteState::Start(buf),
        }
    }

    /// Writes every value, as the reader takes them. Gives back the values
    /// not sent because the reader was dropped (none when all went).
    pub async fn write_all(&mut self, values: Vec<T>) -> Vec<T> {
        let mut buf = AbiBuffer::new(values, self.vtable);
        while buf.remaining() > 0 {
            let (result, rest) = self.write_buf(buf).await;
            buf = rest;
            if let StreamResult::Dropped = result {
                break;
            }
        }
        buf.into_vec()
    }

    /// Writes one value; gives it back if the reader was dropped.
    pub async fn write_one(&mut self, value: T) -> Option<T> {
        self.write_all(alloc::vec![value]).await.pop()
    }
}

impl<T: 'static> Drop for StreamWriter<T> {
    fn drop(&mut self) {
        // SAFETY: this value owns the writable end.
        unsafe { (self.vtable.drop_writable)(self.handle) }
    }
}

impl<T: 'static> core::fmt::Debug for StreamWriter<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StreamWriter")
            .field("handle", &self.handle)
            .finish()
    }
}

enum WriteState<T: 'static> {
    Start(AbiBuffer<T>),
    Waiting { buf: AbiBuffer<T>, wait: Wait },
    Done,
}

/// A write to a [`StreamWriter`]: gives back how it ended and the values
/// not sent. Dropping it cancels the write.
pub struct StreamWrite<'a, T: 'static> {
    writer: &'a mut StreamWriter<T>,
    state: WriteState<T>,
}

impl<T: 'static> Unpin for StreamWrite<'_, T> {}

impl<T: 'static> StreamWrite<'_, T> {
    /// Cancels the write; values the reader took before count as sent.
    pub fn cancel(mut self: Pin<&mut Self>) -> (StreamResult, AbiBuffer<T>) {
        match core::mem::replace(&mut self.state, WriteState::Done) {
            WriteState::Start(buf) => (StreamResult::Cancelled, buf),
            WriteState::Waiting { buf, mut wait } => {
                wait.cancel();
                // SAFETY: a write is in flight on this handle.
                let code = unsafe { (self.writer.vtable.cancel_write)(self.writer.handle) };
                self.finish(buf, code)
            }
            WriteState::Done => panic!("a stream write was cancelled after it finished"),
        }
    }

    fn finish(&mut self, mut buf: AbiBuffer<T>, code: u32) -> (StreamResult, AbiBuffer<T>) {
        let written = (code >> 4) as usize;
        buf.advance(written);
        (copy_result(code, &mut self.writer.done), buf)
    }
}

impl<T: 'static> Future for StreamWrite<'_, T> {
    type Output = (StreamResult, AbiBuffer<T>);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let code = match &mut this.state {
            WriteState::Start(_) => {
                let WriteState::Start(buf) = core::mem::replace(&mut this.state, WriteState::Done)
                else {
                    unreachable!("just matched")
                };
                if this.writer.done {
                    return Poll::Ready((StreamResult::Dropped, buf));
                }
                let count = buf.remaining().min(MAX_COUNT);
                // SAFETY: the buffer holds `count` values in canonical layout
                // and stays alive (in the state) until the write ends.
                let code = unsafe {
                    (this.writer.vtable.start_write)(this.writer.handle, buf.as_ptr(), count)
                };
                this.state = WriteState::Waiting {
                    buf,
                    wait: Wait::new(this.writer.handle),
                };
                let WriteState::Waiting { wait, .. } = &mut this.state else {
                    unreachable!("just set")
                };
                ready!(wait.started(code, cx))
            }
            WriteState::Waiting { wait, .. } => ready!(wait.poll(cx)),
            WriteState::Done => panic!("a stream write was polled after it finished"),
        };
        let WriteState::Waiting { buf, .. } = core::mem::replace(&mut this.state, WriteState::Done)
        else {
            unreachable!("the write is in flight")
        };
        Poll::Ready(this.finish(buf, code))
    }
}

impl<T: 'static> Drop for StreamWrite<'_, T> {
    fn drop(&mut self) {
        if let WriteState::Waiting { .. } = self.state {
            drop(Pin::new(self).cancel());
        }
    }
}

/// The result of a stream read or write that ended with `code` (a copy
/// result and, above it, the number of values copied); a dropped other end
/// marks this one `done`.
fn copy_result(code: u32, done: &mut bool) -> StreamResult {
    match code & 0xf {
        abi::COPY_COMPLETED => StreamResult::Complete((code >> 4) as usize),
        abi::COPY_DROPPED => {
            *done = true;
            StreamResult::Dropped
        }
        abi::COPY_CANCELLED => StreamResult::Cancelled,
        other => unreachable!("unexpected stream copy result {other}"),
    }
}
