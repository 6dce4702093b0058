// The exports of `wit/fixtures/type-tree.wit`, each calling the matching
// import, and a counting global allocator for `heap-balance`: a crate root
// that declares `mod bindings` includes this (`tests/guests/tree-witbind`,
// and the performance benchmark's minimal guests of that world, which also
// use it with wit-bindgen's bindings).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicI64, Ordering};

use crate::bindings::exports::witbind_fixtures::type_tree::api::{Guest, Leaf, Tree, Trunk};
use crate::bindings::witbind_fixtures::type_tree::api;

struct Component;

impl crate::bindings::Guest for Component {
    fn heap_balance() -> i64 {
        LIVE_BYTES.load(Ordering::Relaxed)
    }
}

/// Bytes allocated minus bytes freed through the global allocator (which
/// `cabi_realloc` and the bindings' frees go through).
static LIVE_BYTES: AtomicI64 = AtomicI64::new(0);

/// The system allocator, counting.
struct Counting;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

// SAFETY: every call is forwarded to `System` with the same arguments.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as i64, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as i64, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

impl Guest for Component {
    fn get() -> Tree {
        api::get()
    }

    fn put(t: Tree) {
        api::put(&t)
    }

    fn echo(t: Tree) -> Result<Tree, String> {
        api::echo(&t)
    }

    fn contains(l: Leaf, t: Trunk) -> bool {
        api::contains(&l, &t)
    }

    fn forest(trees: Vec<Tree>) -> Vec<Tree> {
        api::forest(&trees)
    }
}
