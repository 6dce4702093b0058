//! [`AbiBuffer`]: values on their way into a stream, in the layout the
//! host copies from. When a value's Rust layout is its canonical ABI
//! layout (numbers), that is the `Vec` itself; otherwise every value is
//! lowered into a buffer of its own when the `AbiBuffer` is made, which
//! moves what it owns (strings, lists, handles) there.

use alloc::vec::Vec;
use core::alloc::Layout;
use core::mem::MaybeUninit;

use super::stream::StreamOps;
use crate::rt::Cleanup;

/// Values being written to a stream. A write may send only some of them:
/// what it did not send stays here, to be written again with
/// [`write_buf`](super::RawStreamWriter::write_buf) or taken back with
/// [`into_vec`](AbiBuffer::into_vec).
pub struct AbiBuffer<O: StreamOps> {
    /// The values. Those before `sent` went to the host; when `lowered`
    /// is there, every slot was moved into it and is uninitialized here.
    values: Vec<MaybeUninit<O::Payload>>,
    /// The lowered values, when the layouts differ.
    lowered: Option<Cleanup>,
    sent: usize,
    ops: O,
}

impl<O: StreamOps> AbiBuffer<O> {
    pub(crate) fn new(values: Vec<O::Payload>, mut ops: O) -> AbiBuffer<O> {
        let mut values = core::mem::ManuallyDrop::new(values);
        // SAFETY: `MaybeUninit<T>` has the layout of `T`; the allocation
        // moves to the new `Vec`.
        let mut values = unsafe {
            Vec::from_raw_parts(
                values.as_mut_ptr().cast::<MaybeUninit<O::Payload>>(),
                values.len(),
                values.capacity(),
            )
        };
        let lowered = if ops.native_abi_matches_canonical_abi() {
            None
        } else {
            let size = ops.elem_layout().size();
            let layout = Layout::from_size_align(size * values.len(), ops.elem_layout().align())
                .expect("a stream write too large for memory");
            let (ptr, cleanup) = Cleanup::new(layout);
            for (i, value) in values.iter_mut().enumerate() {
                // SAFETY: each value is initialized and read once (its slot
                // counts as moved from now on); `ptr` has room for all.
                unsafe {
                    let value = value.assume_init_read();
                    ops.lower(value, ptr.add(i * size));
                }
            }
            cleanup
        };
        AbiBuffer {
            values,
            lowered,
            sent: 0,
            ops,
        }
    }

    /// The values not sent, in canonical layout: where they start, and
    /// how many.
    pub(crate) fn abi_ptr_and_len(&self) -> (*const u8, usize) {
        let remaining = self.remaining();
        let ptr = match &self.lowered {
            Some(lowered) => lowered
                .ptr()
                .wrapping_add(self.sent * self.ops.elem_layout().size()),
            None if self.lowered_layout() => core::ptr::null_mut(),
            None => self
                .values
                .as_ptr()
                .wrapping_add(self.sent)
                .cast_mut()
                .cast(),
        };
        (ptr.cast_const(), remaining)
    }

    /// Whether the values were lowered (an empty lowered buffer has no
    /// allocation).
    fn lowered_layout(&self) -> bool {
        !self.ops.native_abi_matches_canonical_abi()
    }

    /// How many values have not been sent.
    pub fn remaining(&self) -> usize {
        self.values.len() - self.sent
    }

    /// Records that the host took `count` more values: the lists of the
    /// lowered ones are freed (the reader has copies; handles moved to it).
    pub(crate) fn advance(&mut self, count: usize) {
        assert!(
            count <= self.remaining(),
            "the host took more than was written"
        );
        if self.ops.contains_lists() {
            if let Some(lowered) = &self.lowered {
                let size = self.ops.elem_layout().size();
                for i in self.sent..self.sent + count {
                    // SAFETY: each sent value is freed once (`sent` moves
                    // past it below).
                    unsafe { self.ops.dealloc_lists(lowered.ptr().add(i * size)) };
                }
            }
        }
        self.sent += count;
    }

    /// The values not sent, in a `Vec` (the one the buffer was made from,
    /// with the sent values removed from its front).
    pub fn into_vec(mut self) -> Vec<O::Payload> {
        self.take_unsent()
    }

    fn take_unsent(&mut self) -> Vec<O::Payload> {
        let sent = self.sent;
        let remaining = self.remaining();
        if let Some(lowered) = self.lowered.take() {
            let size = self.ops.elem_layout().size();
            for i in 0..remaining {
                // SAFETY: the unsent lowered values are still owned here;
                // each is lifted once, into a slot whose value moved out.
                unsafe {
                    let value = self.ops.lift(lowered.ptr().add((sent + i) * size));
                    self.values[i].write(value);
                }
            }
        } else if sent > 0 {
            // SAFETY: the unsent values move to the front; the slots they
            // leave are uninitialized.
            unsafe {
                let base = self.values.as_mut_ptr();
                core::ptr::copy(base.add(sent), base, remaining);
            }
        }
        let mut values = core::mem::take(&mut self.values);
        // SAFETY: the first `remaining` slots are initialized, the rest
        // are not read.
        unsafe { values.set_len(remaining) };
        self.sent = 0;
        let mut values = core::mem::ManuallyDrop::new(values);
        // SAFETY: the inverse of the conversion in `new`.
        unsafe {
            Vec::from_raw_parts(
                values.as_mut_ptr().cast::<O::Payload>(),
                values.len(),
                values.capacity(),
            )
        }
    }
}

impl<O: StreamOps> Drop for AbiBuffer<O> {
    fn drop(&mut self) {
        // The unsent values are dropped (lifted first when lowered, so
        // that what they own is freed).
        if self.remaining() > 0 {
            drop(self.take_unsent());
        }
    }
}

impl<O: StreamOps> core::fmt::Debug for AbiBuffer<O> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AbiBuffer")
            .field("remaining", &self.remaining())
            .finish()
    }
}
