//! [`UnitStreamOps`]: streams without payload (`stream` in WIT, a signal
//! that only counts), made by the component itself without a WIT
//! function that has one. The runtime uses them to wake tasks.

use core::alloc::Layout;

use super::abi;
use super::stream::{raw_stream_new, RawStreamReader, RawStreamWriter, StreamOps};

/// The operations of a stream without payload.
#[derive(Clone, Copy, Debug, Default)]
pub struct UnitStreamOps;

impl UnitStreamOps {
    /// A new stream without payload: its writable and readable ends.
    #[allow(clippy::new_ret_no_self)]
    pub fn new() -> (RawStreamWriter<Self>, RawStreamReader<Self>) {
        // SAFETY: these are the unit stream's intrinsics.
        unsafe { raw_stream_new(UnitStreamOps) }
    }
}

// SAFETY: the `$root` unit stream intrinsics; there are no values to lower
// or lift (nothing is read or written through the pointers).
unsafe impl StreamOps for UnitStreamOps {
    type Payload = ();

    fn new(&mut self) -> u64 {
        // SAFETY: no preconditions.
        unsafe { abi::unit_stream_new() }
    }
    fn elem_layout(&self) -> Layout {
        Layout::new::<()>()
    }
    fn native_abi_matches_canonical_abi(&self) -> bool {
        true
    }
    fn contains_lists(&self) -> bool {
        false
    }
    // SAFETY: contract: `StreamOps::lower`'s.
    unsafe fn lower(&mut self, (): (), _dst: *mut u8) {}
    // SAFETY: contract: `StreamOps::dealloc_lists`'s.
    unsafe fn dealloc_lists(&mut self, _dst: *mut u8) {}
    // SAFETY: contract: `StreamOps::lift`'s.
    unsafe fn lift(&mut self, _dst: *mut u8) {}
    // SAFETY: contract: `StreamOps::start_write`'s.
    unsafe fn start_write(&mut self, stream: u32, val: *const u8, amt: usize) -> u32 {
        // SAFETY: the caller's contract.
        unsafe { abi::unit_stream_write(stream, val, amt) }
    }
    // SAFETY: contract: `StreamOps::start_read`'s.
    unsafe fn start_read(&mut self, stream: u32, val: *mut u8, amt: usize) -> u32 {
        // SAFETY: the caller's contract.
        unsafe { abi::unit_stream_read(stream, val, amt) }
    }
    // SAFETY: contract: `StreamOps::cancel_read`'s.
    unsafe fn cancel_read(&mut self, stream: u32) -> u32 {
        // SAFETY: the caller's contract.
        unsafe { abi::unit_stream_cancel_read(stream) }
    }
    // SAFETY: contract: `StreamOps::cancel_write`'s.
    unsafe fn cancel_write(&mut self, stream: u32) -> u32 {
        // SAFETY: the caller's contract.
        unsafe { abi::unit_stream_cancel_write(stream) }
    }
    // SAFETY: contract: `StreamOps::drop_readable`'s.
    unsafe fn drop_readable(&mut self, stream: u32) {
        // SAFETY: the caller's contract.
        unsafe { abi::unit_stream_drop_readable(stream) }
    }
    // SAFETY: contract: `StreamOps::drop_writable`'s.
    unsafe fn drop_writable(&mut self, stream: u32) {
        // SAFETY: the caller's contract.
        unsafe { abi::unit_stream_drop_writable(stream) }
    }
}
