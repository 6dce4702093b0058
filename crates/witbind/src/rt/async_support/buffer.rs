//! [`AbiBuffer`]: values on their way into a stream, kept in the layout the
//! host copies from: the `Vec` itself when a value's Rust layout is its
//! canonical ABI layout (numbers), otherwise lowered into a buffer of
//! their own, which moves what they own (strings, lists, handles).

use alloc::vec::Vec;

use super::stream::StreamVtable;
use crate::rt::{alloc, cabi_dealloc};

enum Storage<T> {
    /// Values whose layout is canonical; the first `start` were sent.
    Native { values: Vec<T>, start: usize },
    /// Lowered values: `len` of them at `ptr` (room for as many); the
    /// first `start` were sent.
    Lowered {
        ptr: *mut u8,
        len: usize,
        start: usize,
    },
}

/// Values being written to a stream. What a write did not send stays in
/// the buffer: write it again with
/// [`StreamWriter::write_buf`](super::StreamWriter::write_buf), or take it
/// back with [`AbiBuffer::into_vec`].
pub struct AbiBuffer<T: 'static> {
    storage: Storage<T>,
    vtable: &'static StreamVtable<T>,
}

impl<T: 'static> AbiBuffer<T> {
    pub(crate) fn new(values: Vec<T>, vtable: &'static StreamVtable<T>) -> Self {
        let Some(lower) = vtable.lower else {
            return AbiBuffer {
                storage: Storage::Native { values, start: 0 },
                vtable,
            };
        };
        let (size, align) = vtable.layout;
        let len = values.len();
        // SAFETY: the canonical ABI's alignment is a power of two.
        let ptr = unsafe { alloc(size * len, align) };
        for (i, value) in values.into_iter().enumerate() {
            // SAFETY: `ptr` has room for `len` values.
            unsafe { lower(value, ptr.add(i * size)) };
        }
        AbiBuffer {
            storage: Storage::Lowered { ptr, len, start: 0 },
            vtable,
        }
    }

    /// How many values have not been sent.
    pub fn remaining(&self) -> usize {
        match &self.storage {
            Storage::Native { values, start } => values.len() - start,
            Storage::Lowered { len, start, .. } => len - start,
        }
    }

    /// The first value not sent, in canonical layout.
    pub(crate) fn as_ptr(&self) -> *const u8 {
        let (size, _) = self.vtable.layout;
        match &self.storage {
            // SAFETY: `start` is at most the length.
            Storage::Native { values, start } => unsafe { values.as_ptr().add(*start).cast() },
            // SAFETY: as above, in the lowered buffer.
            Storage::Lowered { ptr, start, .. } => unsafe { ptr.add(start * size).cast_const() },
        }
    }

    /// Records that `count` more values were sent: the host copied them,
    /// so the lists of lowered values are freed (handles moved to the
    /// reader).
    pub(crate) fn advance(&mut self, count: usize) {
        let (size, _) = self.vtable.layout;
        match &mut self.storage {
            Storage::Native { start, .. } => *start += count,
            Storage::Lowered { ptr, start, .. } => {
                if let Some(dealloc_lists) = self.vtable.dealloc_lists {
                    for i in *start..*start + count {
                        // SAFETY: a sent value's lists are ours to free.
                        unsafe { dealloc_lists(ptr.add(i * size)) };
                    }
                }
                *start += count;
            }
        }
    }

    /// The values not sent.
    pub fn into_vec(mut self) -> Vec<T> {
        self.take_unsent()
    }

    fn take_unsent(&mut self) -> Vec<T> {
        let (size, align) = self.vtable.layout;
        match &mut self.storage {
            Storage::Native { values, start } => {
                values.drain(..*start);
                *start = 0;
                core::mem::take(values)
            }
            Storage::Lowered { ptr, len, start } => {
                let lift = self
                    .vtable
                    .lift
                    .unwrap_or_else(|| unreachable!("lowered values can be lifted"));
                let values = (*start..*len)
                    // SAFETY: the unsent values are lowered and still owned here.
                    .map(|i| unsafe { lift(ptr.add(i * size)) })
                    .collect();
                // SAFETY: allocated in `new` with this layout.
                unsafe { cabi_dealloc(*ptr, size * *len, align) };
                *len = 0;
                *start = 0;
                values
            }
        }
    }
}

impl<T: 'static> Drop for AbiBuffer<T> {
    fn drop(&mut self) {
        // Unsent lowered values are lifted so that what they own is freed.
        if let Storage::Lowered { len, .. } = self.storage {
            if len > 0 {
                drop(self.take_unsent());
            }
        }
    }
}

impl<T: 'static> core::fmt::Debug for AbiBuffer<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AbiBuffer")
            .field("remaining", &self.remaining())
            .finish()
    }
}
