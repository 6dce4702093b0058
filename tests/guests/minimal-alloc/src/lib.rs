//! A guest whose only use of std is its global allocator, which counts
//! bytes. The memory the host allocates for arguments (and for results of
//! imports) comes from the exported `cabi_realloc`; the bindings free it
//! through the global allocator. Both must be the same allocator, or the
//! count goes negative (and with any allocator other than `System`, memory
//! is corrupted). With nothing else pulling in std's `cabi_realloc`, the
//! linker used to keep wasi-libc's `malloc`-based one.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicI64, Ordering};

// Through the crate's directory: `minimal-alloc-wasip3` includes this file.
witbind::generate!({ path: "../minimal-alloc/wit" });

struct Component;

impl Guest for Component {
    fn take_string(s: String) -> u32 {
        s.len() as u32
    }

    fn take_list(l: Vec<u32>) -> u32 {
        l.iter().sum()
    }

    #[allow(clippy::too_many_arguments)]
    fn take_many(
        a0: u8,
        a1: u8,
        a2: u8,
        a3: u8,
        a4: u8,
        a5: u8,
        a6: u8,
        a7: u8,
        a8: u8,
        a9: u8,
        a10: u8,
        a11: u8,
        a12: u8,
        a13: u8,
        a14: u8,
        a15: u8,
        a16: u8,
    ) -> u32 {
        [
            a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16,
        ]
        .iter()
        .map(|&a| u32::from(a))
        .sum()
    }

    fn call_imports() -> u32 {
        let text = give_string();
        let texts = give_strings();
        (text.len() + texts.iter().map(String::len).sum::<usize>()) as u32
    }

    fn heap_balance() -> i64 {
        LIVE_BYTES.load(Ordering::Relaxed)
    }
}

export!(Component);

static LIVE_BYTES: AtomicI64 = AtomicI64::new(0);

struct CountingAllocator;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

// SAFETY: every call is forwarded to `System` with the same arguments.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as i64, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as i64, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}
