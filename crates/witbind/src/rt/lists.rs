//! Strings and lists across the component boundary: what generated code
//! calls to lend them to the host, hand them over, take them over, and to
//! lift, lower and free lists element by element. A list is its array's
//! address and its length; in canonical ABI memory those are two 32-bit
//! words, the address first.

use alloc::string::String;
use alloc::vec::Vec;

use super::{alloc_list, cabi_dealloc, string_lift};

/// A string lent to the host for a call: its bytes' address and length,
/// valid while `s` is.
#[inline]
pub fn lend_str(s: &str) -> (*mut u8, usize) {
    (s.as_ptr().cast_mut(), s.len())
}

/// A list lent to the host for a call (its elements' Rust layout is the
/// canonical one): its address and length, valid while `s` is.
#[inline]
pub fn lend_list<T>(s: &[T]) -> (*mut u8, usize) {
    (s.as_ptr().cast::<u8>().cast_mut(), s.len())
}

/// A string handed over: its bytes' address and length, which the
/// receiver frees with `cabi_dealloc(ptr, len, 1)`.
#[inline]
pub fn give_string(s: String) -> (*mut u8, usize) {
    give_list(s.into_bytes())
}

/// A list handed over (its elements' Rust layout is the canonical one):
/// its address and length, which the receiver frees with
/// `cabi_dealloc(ptr, len * size, align)` of the element.
#[inline]
pub fn give_list<T>(v: Vec<T>) -> (*mut u8, usize) {
    let boxed = v.into_boxed_slice();
    let len = boxed.len();
    // `Box::into_raw`, not `as_ptr` and `forget`: moving the box into
    // `forget` would invalidate a pointer borrowed from it (Stacked
    // Borrows, as Miri checks).
    (alloc::boxed::Box::into_raw(boxed).cast::<u8>(), len)
}

/// Takes over a string the host wrote: `len` bytes at `ptr`, in memory it
/// allocated through `cabi_realloc` (the Rust global allocator).
///
/// # Safety
/// `ptr` must come from an allocation of exactly `len` bytes with
/// alignment 1 (or be dangling for `len == 0`) holding valid UTF-8, handed
/// over to the caller.
#[inline]
pub unsafe fn take_string(ptr: *mut u8, len: usize) -> String {
    // SAFETY: guaranteed by the caller: `from_raw_parts`'s contract for a
    // `Vec<u8>` of capacity `len`, and `string_lift`'s.
    unsafe { string_lift(Vec::from_raw_parts(ptr, len, len)) }
}

/// Takes over a list the host wrote: `len` elements at `ptr`, in memory it
/// allocated through `cabi_realloc` with the elements' layout.
///
/// # Safety
/// `T`'s Rust layout must be its canonical one with every bit pattern
/// valid, and `ptr` must come from an allocation of exactly
/// `len * size_of::<T>()` bytes aligned for `T` (non-null and aligned for
/// `len == 0`), handed over to the caller.
#[inline]
pub unsafe fn take_list<T>(ptr: *mut u8, len: usize) -> Vec<T> {
    // SAFETY: guaranteed by the caller: the layout of a `Vec<T>` of
    // capacity `len`.
    unsafe { Vec::from_raw_parts(ptr.cast::<T>(), len, len) }
}

/// The address and length of the list at `at` in canonical ABI memory.
///
/// # Safety
/// `at` must point at a list (two aligned 32-bit words) that is
/// initialized.
#[inline]
pub unsafe fn list_at(at: *mut u8) -> (*mut u8, usize) {
    // SAFETY: guaranteed by the caller.
    unsafe { (*at.cast::<*mut u8>(), *at.add(4).cast::<usize>()) }
}

/// Writes a list's address and length at `at` in canonical ABI memory.
///
/// # Safety
/// `at` must point at room for a list (two aligned 32-bit words).
#[inline]
pub unsafe fn store_list(at: *mut u8, (ptr, len): (*mut u8, usize)) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        *at.cast::<*mut u8>() = ptr;
        *at.add(4).cast::<usize>() = len;
    }
}

/// Takes over the string at `at` in canonical ABI memory (see
/// [`take_string`]).
///
/// # Safety
/// As for [`list_at`] and [`take_string`].
#[inline]
pub unsafe fn take_string_at(at: *mut u8) -> String {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let (ptr, len) = list_at(at);
        take_string(ptr, len)
    }
}

/// Takes over the list at `at` in canonical ABI memory (see
/// [`take_list`]).
///
/// # Safety
/// As for [`list_at`] and [`take_list`].
#[inline]
pub unsafe fn take_list_at<T>(at: *mut u8) -> Vec<T> {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let (ptr, len) = list_at(at);
        take_list(ptr, len)
    }
}

/// Lifts a list the host wrote element by element: `lift` reads the
/// element at each address; then the host's array is freed.
///
/// # Safety
/// `ptr` must point at `len` elements of `size` bytes that `lift` may read
/// (and take over), in an allocation of exactly `len * size` bytes aligned
/// to `align` made through `cabi_realloc` and handed over.
#[inline]
pub unsafe fn lift_list<T>(
    (ptr, len): (*mut u8, usize),
    size: usize,
    align: usize,
    mut lift: impl FnMut(*mut u8) -> T,
) -> Vec<T> {
    // From a range: `collect` allocates once and writes each element
    // without checking the capacity again.
    let list = (0..len)
        // SAFETY: `i < len`, so element `i` starts inside the array.
        .map(|i| lift(unsafe { ptr.add(i * size) }))
        .collect();
    // SAFETY: the array is the caller's to free (this function's contract),
    // and every element was taken out above.
    unsafe { cabi_dealloc(ptr, len * size, align) };
    list
}

/// Lowers a list element by element into a new array in canonical layout:
/// `lower` writes each element at its address (`size` bytes there are
/// its). The array's address and length; the caller frees it
/// (`cabi_dealloc(ptr, len * size, align)`) or hands it over.
///
/// Panics if `align` is not a power of two.
#[inline]
pub fn lower_list<E>(
    elements: impl ExactSizeIterator<Item = E>,
    size: usize,
    align: usize,
    mut lower: impl FnMut(E, *mut u8),
) -> (*mut u8, usize) {
    assert!(align.is_power_of_two(), "a canonical ABI alignment");
    let len = elements.len();
    // SAFETY: a power-of-two alignment (checked above).
    let array = unsafe { alloc_list(len, size, align) };
    let mut written = 0;
    // At most `len` elements, whatever the iterator says: it is a safe
    // trait.
    for element in elements.take(len) {
        // `written < len`: element `written` starts inside the array.
        lower(element, array.wrapping_add(written * size));
        written += 1;
    }
    // Fewer elements than `len` said would leave some uninitialized.
    super::assert_entries(written, len);
    (array, len)
}

/// Frees a list that a handed-over lowering allocated, once the receiver
/// has copied it: `free` releases what the element at each address owns,
/// then the array is freed.
///
/// # Safety
/// `ptr` must point at `len` elements of `size` bytes in an allocation of
/// exactly `len * size` bytes aligned to `align` (or a boxed slice of that
/// layout) that the caller owns, and `free` must release each element
/// once.
#[inline]
pub unsafe fn free_list(
    (ptr, len): (*mut u8, usize),
    size: usize,
    align: usize,
    mut free: impl FnMut(*mut u8),
) {
    for i in 0..len {
        // SAFETY: `i < len`, so element `i` starts inside the array.
        free(unsafe { ptr.add(i * size) });
    }
    // SAFETY: guaranteed by the caller.
    unsafe { cabi_dealloc(ptr, len * size, align) };
}

/// Frees the array of a list whose elements own nothing (see
/// [`free_list`]).
///
/// # Safety
/// As for [`free_list`].
#[inline]
pub unsafe fn free_array((ptr, len): (*mut u8, usize), size: usize, align: usize) {
    // SAFETY: guaranteed by the caller.
    unsafe { cabi_dealloc(ptr, len * size, align) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowered_lists_lift_back_and_free_their_arrays() {
        let words = [1u16, 0xbeef, 7];
        let lowered = lower_list(words.iter(), 4, 2, |word, at| {
            // SAFETY: `at` is the start of an element's 4 bytes, aligned to
            // 2: room for two `u16`s.
            unsafe {
                *at.cast::<u16>() = *word;
                *at.add(2).cast::<u16>() = !*word;
            }
        });
        assert_eq!(lowered.1, 3);
        // SAFETY: the array `lower_list` made, of 3 elements of 4 bytes
        // aligned to 2, each written above; ours to free.
        let lifted = unsafe {
            lift_list(lowered, 4, 2, |at| {
                (*at.cast::<u16>(), *at.add(2).cast::<u16>())
            })
        };
        assert_eq!(lifted, [(1, !1), (0xbeef, !0xbeef), (7, !7)]);
    }

    #[test]
    fn empty_lists_round_trip() {
        let lowered = lower_list(core::iter::empty::<u8>(), 8, 8, |_, _| unreachable!());
        assert_eq!(lowered.1, 0);
        // SAFETY: the (dangling, empty) array `lower_list` made.
        unsafe { free_list(lowered, 8, 8, |_| unreachable!()) };
    }

    #[test]
    fn handed_over_strings_are_taken_back() {
        let (ptr, len) = give_string(String::from("héllo"));
        // SAFETY: `give_string`'s array of `len` bytes, handed to us.
        assert_eq!(unsafe { take_string(ptr, len) }, "héllo");
        let (ptr, len) = give_list(alloc::vec![1u32, 2, 3]);
        // SAFETY: `give_list`'s array of `len` `u32`s, handed to us.
        assert_eq!(unsafe { take_list::<u32>(ptr, len) }, [1, 2, 3]);
    }

    #[test]
    #[should_panic(expected = "a canonical ABI alignment")]
    fn alignments_must_be_powers_of_two() {
        lower_list(core::iter::once(1u8), 1, 3, |_, _| {});
    }
}
