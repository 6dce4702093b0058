//! Host-side tests of what runs without the host's intrinsics: the
//! executor with futures that never wait for the host (`block_on`,
//! `spawn_local`, `yield_async`, `JoinHandle`), the buffers of stream
//! writes with a stand-in for the stream's operations, and the decoding of
//! copy results. CI also runs them under Miri.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::alloc::Layout;
use core::cell::{Cell, RefCell};

use super::abi::{self, Copy};
use super::buffer::AbiBuffer;
use super::stream::StreamOps;
use super::{block_on, spawn_local, yield_async};

#[test]
fn block_on_returns_what_a_ready_future_gives() {
    assert_eq!(block_on(async { 40 + 2 }), 42);
}

#[test]
fn block_on_runs_futures_that_yield_and_borrow_from_the_caller() {
    let text = String::from("borrowed");
    let len = block_on(async {
        for _ in 0..3 {
            yield_async().await;
        }
        text.as_str().len()
    });
    assert_eq!(len, 8);
}

#[test]
fn spawned_futures_run_before_block_on_returns_and_give_their_output() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let seen = log.clone();
    let got = block_on(async move {
        let background = seen.clone();
        // Detached: it still runs before `block_on` returns.
        drop(spawn_local(async move {
            yield_async().await;
            background.borrow_mut().push("detached");
        }));
        let joined = spawn_local(async { 7 });
        let value = joined.await;
        seen.borrow_mut().push("joined");
        value
    });
    assert_eq!(got, Some(7));
    let mut log = log.borrow().clone();
    log.sort_unstable();
    assert_eq!(log, ["detached", "joined"]);
}

#[test]
fn a_cancelled_spawned_future_is_dropped_and_its_handle_gives_none() {
    struct Dropped(Rc<Cell<bool>>);
    impl Drop for Dropped {
        fn drop(&mut self) {
            self.0.set(true);
        }
    }
    let dropped = Rc::new(Cell::new(false));
    let flag = dropped.clone();
    let got = block_on(async move {
        let mut handle = spawn_local(async move {
            let _guard = Dropped(flag);
            loop {
                yield_async().await;
            }
        });
        yield_async().await;
        handle.cancel();
        handle.await
    });
    assert_eq!(got, None::<()>);
    assert!(dropped.get());
}

#[test]
fn block_on_nests() {
    let got = block_on(async { block_on(async { "inner".to_string() }) + " outer" });
    assert_eq!(got, "inner outer");
}

#[test]
fn copy_results_decode_with_their_counts() {
    assert_eq!(Copy::decode(abi::BLOCKED), Copy::Blocked);
    assert_eq!(Copy::decode(3 << 4), Copy::Completed(3));
    assert_eq!(Copy::decode((2 << 4) | abi::COPY_DROPPED), Copy::Dropped(2));
    assert_eq!(Copy::decode(abi::COPY_CANCELLED), Copy::Cancelled(0));
}

/// The intrinsics of [`StreamOps`], for operations whose streams the tests
/// never make (only buffers): none is called.
macro_rules! no_stream_intrinsics {
    () => {
        fn new(&mut self) -> u64 {
            unreachable!("no stream is made")
        }
        // SAFETY: never called: no stream is made.
        unsafe fn start_write(&mut self, _: u32, _: *const u8, _: usize) -> u32 {
            unreachable!()
        }
        // SAFETY: never called.
        unsafe fn start_read(&mut self, _: u32, _: *mut u8, _: usize) -> u32 {
            unreachable!()
        }
        // SAFETY: never called.
        unsafe fn cancel_read(&mut self, _: u32) -> u32 {
            unreachable!()
        }
        // SAFETY: never called.
        unsafe fn cancel_write(&mut self, _: u32) -> u32 {
            unreachable!()
        }
        // SAFETY: never called.
        unsafe fn drop_readable(&mut self, _: u32) {
            unreachable!()
        }
        // SAFETY: never called.
        unsafe fn drop_writable(&mut self, _: u32) {
            unreachable!()
        }
    };
}

/// Stream operations for `String` values lowered as (pointer, length) of
/// a leaked box, counting the lowerings, liftings and frees.
#[derive(Clone, Default)]
struct Strings {
    counts: Rc<RefCell<[usize; 3]>>,
}

// SAFETY: `lower`, `lift` and `dealloc_lists` agree on the layout; the
// intrinsics are never called by these tests.
unsafe impl StreamOps for Strings {
    type Payload = String;

    fn elem_layout(&self) -> Layout {
        Layout::new::<(*mut u8, usize)>()
    }
    fn native_abi_matches_canonical_abi(&self) -> bool {
        false
    }
    fn contains_lists(&self) -> bool {
        true
    }
    // SAFETY: the caller gives room for a pair at `dst`.
    unsafe fn lower(&mut self, payload: String, dst: *mut u8) {
        self.counts.borrow_mut()[0] += 1;
        let bytes = Box::into_raw(payload.into_bytes().into_boxed_slice());
        // SAFETY: `dst` has room for the pair (the caller's contract).
        unsafe {
            dst.cast::<(*mut u8, usize)>()
                .write((bytes.cast::<u8>(), bytes.len()))
        };
    }
    // SAFETY: the caller gives a pair `lower` wrote.
    unsafe fn dealloc_lists(&mut self, dst: *mut u8) {
        self.counts.borrow_mut()[2] += 1;
        // SAFETY: `dst` holds a pair `lower` wrote, freed once.
        unsafe {
            let (ptr, len) = dst.cast::<(*mut u8, usize)>().read();
            drop(Box::from_raw(core::ptr::slice_from_raw_parts_mut(ptr, len)));
        }
    }
    // SAFETY: the caller gives a pair `lower` wrote.
    unsafe fn lift(&mut self, dst: *mut u8) -> String {
        self.counts.borrow_mut()[1] += 1;
        // SAFETY: `dst` holds a pair `lower` wrote, lifted once.
        unsafe {
            let (ptr, len) = dst.cast::<(*mut u8, usize)>().read();
            let bytes = Box::from_raw(core::ptr::slice_from_raw_parts_mut(ptr, len));
            String::from_utf8(bytes.into_vec()).expect("UTF-8")
        }
    }
    no_stream_intrinsics!();
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| value.to_string()).collect()
}

#[test]
fn a_lowered_buffer_gives_back_what_was_not_sent_and_frees_what_was() {
    let ops = Strings::default();
    let mut buf = AbiBuffer::new(strings(&["a", "bb", "ccc", "dddd"]), ops.clone());
    assert_eq!(buf.remaining(), 4);
    let (_, len) = buf.abi_ptr_and_len();
    assert_eq!(len, 4);
    buf.advance(1);
    buf.advance(1);
    assert_eq!(buf.remaining(), 2);
    assert_eq!(buf.abi_ptr_and_len().1, 2);
    assert_eq!(buf.into_vec(), strings(&["ccc", "dddd"]));
    // Four lowered, two freed (sent), two lifted back.
    assert_eq!(*ops.counts.borrow(), [4, 2, 2]);
}

#[test]
fn a_dropped_buffer_frees_what_it_holds() {
    let ops = Strings::default();
    let mut buf = AbiBuffer::new(strings(&["x", "y", "z"]), ops.clone());
    buf.advance(2);
    drop(buf);
    assert_eq!(*ops.counts.borrow(), [3, 1, 2]);
    let empty = AbiBuffer::new(Vec::new(), ops.clone());
    assert_eq!(empty.abi_ptr_and_len().1, 0);
    assert!(empty.into_vec().is_empty());
}

/// Stream operations for `u32`, whose layout is canonical.
#[derive(Clone, Copy)]
struct Numbers;

// SAFETY: values are copied as they are; the intrinsics are never called.
unsafe impl StreamOps for Numbers {
    type Payload = u32;

    fn elem_layout(&self) -> Layout {
        Layout::new::<u32>()
    }
    fn native_abi_matches_canonical_abi(&self) -> bool {
        true
    }
    fn contains_lists(&self) -> bool {
        false
    }
    // SAFETY: never called: the layout is canonical, values are copied.
    unsafe fn lower(&mut self, _: u32, _: *mut u8) {
        unreachable!()
    }
    // SAFETY: never called (no lists).
    unsafe fn dealloc_lists(&mut self, _: *mut u8) {
        unreachable!()
    }
    // SAFETY: never called: the layout is canonical, values are copied.
    unsafe fn lift(&mut self, _: *mut u8) -> u32 {
        unreachable!()
    }
    no_stream_intrinsics!();
}

#[test]
fn a_native_buffer_is_the_vec_itself() {
    let values = vec![1u32, 2, 3, 4, 5];
    let data = values.as_ptr();
    let mut buf = AbiBuffer::new(values, Numbers);
    assert_eq!(buf.abi_ptr_and_len(), (data.cast::<u8>(), 5));
    buf.advance(3);
    // SAFETY: the buffer holds five values; the pointer is at the fourth.
    assert_eq!(buf.abi_ptr_and_len().0, unsafe { data.add(3) }.cast::<u8>());
    assert_eq!(buf.into_vec(), [4, 5]);
}
