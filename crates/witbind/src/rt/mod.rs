//! Runtime support for generated bindings. Everything here is used by
//! generated code; it is public so that code can name it, not as an API to
//! build on directly (items may change between minor versions).

use core::alloc::Layout;

pub use alloc::boxed::Box;
pub use alloc::string::String;
pub use alloc::vec::Vec;
pub use bitflags;

#[cfg(feature = "async")]
pub mod async_support;
mod lists;
#[cfg(not(any(target_arch = "wasm32", miri)))]
pub mod native;
mod native_macros;
pub use native_macros::{
    native_import, native_method, native_missing, native_resource, native_scope,
};
mod resource_macros;
mod resources;
pub use lists::{
    free_array, free_list, give_list, give_string, lend_list, lend_str, lift_list, list_at,
    lower_list, store_list, take_list, take_list_at, take_string, take_string_at,
};
pub use resource_macros::{exported_resource, resource_handle};
#[doc(hidden)]
pub use resources::GuestResource;
pub use resources::{
    rep, rep_mut, rep_ref, rep_take, RepValue, Resource, ResourceHandle, ResourceRep, TypeGuard,
    WasmResource,
};

/// The Rust type of WIT `map<K, V>` unless the `map_type` option names
/// another.
pub type Map<K, V> = alloc::collections::BTreeMap<K, V>;

/// What generated code needs of the Rust type of a WIT `map<K, V>` (the
/// `map_type` option): build one entry at a time, and know its length.
pub trait WitMap<K, V>: Sized {
    /// An empty map with room for `capacity` entries.
    fn wit_map_new(capacity: usize) -> Self;
    /// Adds an entry.
    fn wit_map_push(&mut self, key: K, value: V);
    /// The number of entries.
    fn wit_map_len(&self) -> usize;
}

impl<K: Ord, V> WitMap<K, V> for alloc::collections::BTreeMap<K, V> {
    fn wit_map_new(_capacity: usize) -> Self {
        alloc::collections::BTreeMap::new()
    }

    fn wit_map_push(&mut self, key: K, value: V) {
        self.insert(key, value);
    }

    fn wit_map_len(&self) -> usize {
        self.len()
    }
}

#[cfg(feature = "std")]
impl<K, V, S> WitMap<K, V> for std::collections::HashMap<K, V, S>
where
    K: core::hash::Hash + Eq,
    S: core::hash::BuildHasher + Default,
{
    fn wit_map_new(capacity: usize) -> Self {
        std::collections::HashMap::with_capacity_and_hasher(capacity, S::default())
    }

    fn wit_map_push(&mut self, key: K, value: V) {
        self.insert(key, value);
    }

    fn wit_map_len(&self) -> usize {
        self.len()
    }
}

/// Allocates `size` bytes aligned to `align` for data handed to the host
/// (a lowered list or return area). A zero size gives a dangling, aligned,
/// non-null pointer that must not be freed.
///
/// # Safety
/// `align` must be a power of two.
#[inline]
pub unsafe fn alloc(size: usize, align: usize) -> *mut u8 {
    if size == 0 {
        return core::ptr::without_provenance_mut(align);
    }
    // SAFETY: callers pass a power-of-two alignment, and sizes no larger
    // than `isize::MAX`: constant return areas and arrays from
    // `alloc_list`, which checks.
    let layout = unsafe { Layout::from_size_align_unchecked(size, align) };
    // SAFETY: `layout`'s size is not zero (zero sizes returned above).
    let ptr = unsafe { alloc::alloc::alloc(layout) };
    if ptr.is_null() {
        alloc::alloc::handle_alloc_error(layout);
    }
    ptr
}

/// Allocates the array of a lowered list or map: `len` elements of
/// `size` bytes aligned to `align` (see [`alloc()`]), panicking if the
/// array would not fit in memory rather than letting `len * size` wrap.
///
/// # Safety
/// `align` must be a power of two.
#[inline]
pub unsafe fn alloc_list(len: usize, size: usize, align: usize) -> *mut u8 {
    match len.checked_mul(size) {
        // SAFETY: the caller passes a power-of-two alignment.
        Some(bytes) if bytes <= isize::MAX as usize => unsafe { alloc(bytes, align) },
        _ => list_too_large(len, size),
    }
}

#[cold]
#[inline(never)]
fn list_too_large(len: usize, size: usize) -> ! {
    panic!("a list of {len} elements of {size} bytes does not fit in memory")
}

/// Frees memory that was allocated by [`alloc()`] or by `cabi_realloc` on
/// behalf of the host. Zero sizes are a no-op.
///
/// # Safety
/// `ptr` must come from an allocation of exactly `size` bytes and `align`.
#[inline]
pub unsafe fn cabi_dealloc(ptr: *mut u8, size: usize, align: usize) {
    if size == 0 {
        return;
    }
    // SAFETY: guaranteed by the caller.
    unsafe {
        let layout = Layout::from_size_align_unchecked(size, align);
        alloc::alloc::dealloc(ptr, layout);
    }
}

/// An allocation for data handed to the host (a lowered list, an async
/// call's parameters and results), freed when dropped unless
/// [`forget`](Cleanup::forget)ten.
pub struct Cleanup {
    ptr: core::ptr::NonNull<u8>,
    layout: Layout,
}

// SAFETY: it only owns the allocation; what is stored there is the
// concern of the code that uses the pointer.
unsafe impl Send for Cleanup {}
// SAFETY: as above; `&Cleanup` gives no access to the memory.
unsafe impl Sync for Cleanup {}

impl Cleanup {
    /// Allocates `layout`: the pointer, and what frees it. A zero size
    /// allocates nothing: a null pointer and no `Cleanup`.
    pub fn new(layout: Layout) -> (*mut u8, Option<Cleanup>) {
        if layout.size() == 0 {
            return (core::ptr::null_mut(), None);
        }
        // SAFETY: the size is not zero.
        let ptr = unsafe { alloc::alloc::alloc(layout) };
        match core::ptr::NonNull::new(ptr) {
            Some(ptr) => (ptr.as_ptr(), Some(Cleanup { ptr, layout })),
            None => alloc::alloc::handle_alloc_error(layout),
        }
    }

    /// Leaves the memory allocated (its ownership moved elsewhere).
    pub fn forget(self) {
        core::mem::forget(self);
    }

    /// The allocation.
    pub(crate) fn ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { alloc::alloc::dealloc(self.ptr.as_ptr(), self.layout) }
    }
}

/// The layout of `size` bytes aligned to `align`, for generated statics.
///
/// # Panics
/// If `align` is not a power of two or the size overflows (never for the
/// canonical ABI's layouts).
pub const fn layout(size: usize, align: usize) -> Layout {
    match Layout::from_size_align(size, align) {
        Ok(layout) => layout,
        Err(_) => panic!("not a canonical ABI layout"),
    }
}

/// Turns the bytes of a lifted `string` into a `String`. The canonical ABI
/// guarantees valid UTF-8; debug builds check it anyway.
///
/// # Safety
/// `bytes` must be valid UTF-8.
#[inline]
pub unsafe fn string_lift(bytes: Vec<u8>) -> String {
    if cfg!(debug_assertions) {
        String::from_utf8(bytes).expect("the host passed a string that is not valid UTF-8")
    } else {
        // SAFETY: the canonical ABI only transfers valid UTF-8.
        unsafe { String::from_utf8_unchecked(bytes) }
    }
}

/// Lifts a `char`; the canonical ABI guarantees a valid Unicode scalar value.
///
/// # Safety
/// `value` must be a Unicode scalar value.
#[inline]
pub unsafe fn char_lift(value: u32) -> char {
    if cfg!(debug_assertions) {
        char::from_u32(value).expect("the host passed an invalid `char`")
    } else {
        // SAFETY: the canonical ABI only transfers valid scalar values.
        unsafe { char::from_u32_unchecked(value) }
    }
}

/// Lifts a `bool` (0 or 1; debug builds check it).
#[inline]
pub fn bool_lift(value: u8) -> bool {
    if cfg!(debug_assertions) {
        match value {
            0 => false,
            1 => true,
            _ => panic!("the host passed an invalid `bool`"),
        }
    } else {
        value != 0
    }
}

/// The value in the last box of `arena` (which generated code has just
/// pushed), as a pointer that stays valid while the box is not dropped.
#[inline]
pub fn last_boxed<T>(arena: &[Box<T>]) -> *const T {
    match arena.last() {
        Some(last) => &**last,
        None => unreachable!("a value was just pushed"),
    }
}

/// Checks that a map's iterator yielded as many entries as its
/// `ExactSizeIterator::len` promised (lowering wrote that many slots).
#[inline]
pub fn assert_entries(written: usize, len: usize) {
    if written != len {
        entries_mismatch(written, len)
    }
}

#[cold]
#[inline(never)]
fn entries_mismatch(written: usize, len: usize) -> ! {
    panic!("a map's iterator yielded {written} entries but its `len()` said {len}")
}

/// Called when a lifted variant, enum, option or result carries a
/// discriminant its type does not have. The canonical ABI rules that out
/// (hosts validate values), so release builds treat it as unreachable,
/// which lets the compiler turn lifts into plain loads; debug builds panic.
///
/// # Safety
/// Must only be reached if the host broke the canonical ABI.
#[cold]
pub unsafe fn invalid_discriminant<T>() -> T {
    if cfg!(debug_assertions) {
        panic!("invalid discriminant received from the component boundary")
    } else {
        // SAFETY: guaranteed by the caller.
        unsafe { core::hint::unreachable_unchecked() }
    }
}

/// The discriminant of a lifted option or result: a byte in memory, an
/// `i32` (or a wider joined type) as a core value.
pub trait Discriminant: Copy {
    /// The discriminant as a case index.
    fn case(self) -> u32;
}

macro_rules! discriminant {
    ($($ty:ty),*) => {$(
        impl Discriminant for $ty {
            #[inline]
            fn case(self) -> u32 {
                // Out of range only on a host ABI violation, and then not
                // 0 or 1 either (all that callers match).
                u32::try_from(self).unwrap_or(u32::MAX)
            }
        }
    )*};
}
discriminant!(u8, u16, u32, i32, i64);

/// Lifts an `option<T>`: `none` for discriminant 0, `some` lifts the
/// payload for 1.
///
/// # Safety
/// `discriminant` must be 0 or 1 (as for [`invalid_discriminant`]).
#[inline]
pub unsafe fn lift_option<T>(
    discriminant: impl Discriminant,
    some: impl FnOnce() -> T,
) -> Option<T> {
    match discriminant.case() {
        0 => None,
        1 => Some(some()),
        // SAFETY: guaranteed by the caller.
        _ => unsafe { invalid_discriminant() },
    }
}

/// Lifts a `result<T, E>`: `ok` lifts the payload for discriminant 0,
/// `err` for 1.
///
/// # Safety
/// `discriminant` must be 0 or 1 (as for [`invalid_discriminant`]).
#[inline]
pub unsafe fn lift_result<T, E>(
    discriminant: impl Discriminant,
    ok: impl FnOnce() -> T,
    err: impl FnOnce() -> E,
) -> Result<T, E> {
    match discriminant.case() {
        0 => Ok(ok()),
        1 => Err(err()),
        // SAFETY: guaranteed by the caller.
        _ => unsafe { invalid_discriminant() },
    }
}

/// Values that lower to a core wasm `i32`; implemented for values and
/// references so generated code can lower borrowed and owned data alike.
pub trait AsI32 {
    /// The canonical ABI representation.
    fn into_i32(self) -> i32;
}

/// Values that lower to a core wasm `i64`.
pub trait AsI64 {
    /// The canonical ABI representation.
    fn into_i64(self) -> i64;
}

/// Values that lower to a core wasm `f32`.
pub trait AsF32 {
    /// The canonical ABI representation.
    fn into_f32(self) -> f32;
}

/// Values that lower to a core wasm `f64`.
pub trait AsF64 {
    /// The canonical ABI representation.
    fn into_f64(self) -> f64;
}

macro_rules! lower_as {
    ($trait:ident $method:ident $target:ty: $($ty:ty),*) => {$(
        impl $trait for $ty {
            #[inline]
            fn $method(self) -> $target {
                self as $target
            }
        }
        impl $trait for &$ty {
            #[inline]
            fn $method(self) -> $target {
                *self as $target
            }
        }
    )*};
}

lower_as!(AsI32 into_i32 i32: i8, u8, i16, u16, i32, u32, char, bool);
lower_as!(AsI64 into_i64 i64: i64, u64);
lower_as!(AsF32 into_f32 f32: f32);
lower_as!(AsF64 into_f64 f64: f64);

/// Lowers a value to an `i32` (see [`AsI32`]).
#[inline]
pub fn as_i32(value: impl AsI32) -> i32 {
    value.into_i32()
}

/// Lowers a value to an `i64` (see [`AsI64`]).
#[inline]
pub fn as_i64(value: impl AsI64) -> i64 {
    value.into_i64()
}

/// Lowers a value to an `f32` (see [`AsF32`]).
#[inline]
pub fn as_f32(value: impl AsF32) -> f32 {
    value.into_f32()
}

/// Lowers a value to an `f64` (see [`AsF64`]).
#[inline]
pub fn as_f64(value: impl AsF64) -> f64 {
    value.into_f64()
}

/// A pointer stored in a joined `pointer-or-i64` flat slot.
#[inline]
pub fn ptr_to_p64(ptr: *mut u8) -> core::mem::MaybeUninit<u64> {
    core::mem::MaybeUninit::new(ptr as usize as u64)
}

/// A pointer read back from a joined `pointer-or-i64` flat slot.
///
/// # Safety
/// The slot must hold a value written by [`ptr_to_p64`] or from the host.
#[inline]
pub unsafe fn p64_to_ptr(value: core::mem::MaybeUninit<u64>) -> *mut u8 {
    // SAFETY: guaranteed by the caller.
    unsafe { value.assume_init() as usize as *mut u8 }
}

/// The body of `cabi_realloc`, the allocator the host calls to place lists
/// and strings in guest memory.
///
/// # Safety
/// The canonical ABI's contract: `align` is a power of two and a non-null
/// `old_ptr` was allocated with `old_len` bytes and `align`.
pub unsafe fn realloc(old_ptr: *mut u8, old_len: usize, align: usize, new_len: usize) -> *mut u8 {
    // Each branch checks its own result: the usual path is then a call,
    // a test and a return.
    if old_len == 0 {
        if new_len == 0 {
            return core::ptr::without_provenance_mut(align);
        }
        // SAFETY: a non-zero size, and the caller's power-of-two alignment.
        let ptr = unsafe { alloc::alloc::alloc(Layout::from_size_align_unchecked(new_len, align)) };
        if ptr.is_null() {
            host_alloc_failed(new_len, align);
        }
        return ptr;
    }
    // SAFETY: guaranteed by the caller: `old_ptr` was allocated with
    // `old_len` bytes and `align`.
    let ptr = unsafe {
        let layout = Layout::from_size_align_unchecked(old_len, align);
        alloc::alloc::realloc(old_ptr, layout, new_len)
    };
    if ptr.is_null() {
        host_alloc_failed(new_len, align);
    }
    ptr
}

/// The host's allocation failed. On wasm32 a trap, as std's
/// `cabi_realloc` does: `handle_alloc_error` would bring std's whole
/// panic and formatting machinery (about 24 KB) into every component,
/// since `cabi_realloc` is always exported.
#[cold]
#[inline(never)]
fn host_alloc_failed(size: usize, align: usize) -> ! {
    #[cfg(target_arch = "wasm32")]
    {
        let _ = (size, align);
        core::arch::wasm32::unreachable()
    }
    #[cfg(not(target_arch = "wasm32"))]
    // SAFETY: `realloc`'s caller passed a power-of-two alignment, and the
    // allocator was asked for this size with it.
    alloc::alloc::handle_alloc_error(unsafe { Layout::from_size_align_unchecked(size, align) })
}

/// What the weak `cabi_realloc` of `libwitbind_weak.a` (linked by the
/// crate's build script) calls: the Rust global allocator. Weak, because
/// std on `wasm32-wasip2` defines `cabi_realloc` too (allocating the same
/// way) and a second strong definition would not link; but present on
/// every wasm32 target, and taken before wasi-libc's `malloc`-based one
/// or wit-bindgen's (see [`link_cabi_realloc`]).
///
/// # Safety
/// As for [`realloc`]; only `cabi_realloc` calls it.
#[cfg(target_arch = "wasm32")]
// SAFETY: a symbol of this name and signature is what the archive's `cabi_realloc` calls (the name
// carries this crate's version, so versions never clash); it only forwards to `realloc`.
#[unsafe(export_name = concat!("witbind_cabi_realloc_", env!("CARGO_PKG_VERSION")))]
pub unsafe extern "C" fn weak_cabi_realloc(
    old_ptr: *mut u8,
    old_len: usize,
    align: usize,
    new_len: usize,
) -> *mut u8 {
    // SAFETY: the host follows the canonical ABI.
    unsafe { realloc(old_ptr, old_len, align, new_len) }
}

#[cfg(target_family = "wasm")]
unsafe extern "C" {
    /// The `cabi_realloc` this component exports: std's on `wasm32-wasip2`
    /// (which allocates with the Rust global allocator), the weak one of
    /// this crate (the same), or the one the `with_cabi_realloc` option
    /// generates.
    pub fn cabi_realloc(old_ptr: *mut u8, old_len: usize, align: usize, new_len: usize) -> *mut u8;

    /// An empty function of `libwitbind_weak.a`, in the object that defines
    /// the weak `cabi_realloc`.
    ///
    /// Generated code takes its address in a `#[used]` static. That
    /// reference, in the guest's own object file, makes the linker take
    /// that object, and with it a `cabi_realloc` that allocates with the
    /// Rust global allocator, before it reads any other archive: otherwise
    /// the first archive on the link line offering `cabi_realloc` would
    /// win, wasi-libc's (`malloc`: memory the host allocated would be freed
    /// through the wrong allocator) or the weak one of wit-bindgen 0.57,
    /// which calls a function missing on `wasm32-wasip2` (the component
    /// fails to link). A strong `cabi_realloc` (std's, or the
    /// `with_cabi_realloc` option's) still replaces the weak one.
    #[link_name = concat!("witbind_link_cabi_realloc_", env!("CARGO_PKG_VERSION"))]
    pub fn link_cabi_realloc();
}

/// Keeps `cabi_realloc` linked and exported: called (by code that
/// wit-bindgen generated) from a function the linker keeps, it references
/// [`link_cabi_realloc`] from the guest's own object files.
pub fn maybe_link_cabi_realloc() {
    #[cfg(target_family = "wasm")]
    {
        #[used]
        static LINK_CABI_REALLOC: unsafe extern "C" fn() = link_cabi_realloc;
    }
}

/// Runs the module's static constructors once, before the first export
/// runs: a reactor component has no `_start` to run them.
#[cfg(target_arch = "wasm32")]
#[inline]
pub fn run_ctors_once() {
    use core::sync::atomic::{AtomicBool, Ordering};
    static RAN: AtomicBool = AtomicBool::new(false);
    // A load on the path every export call takes; a store only once.
    if !RAN.load(Ordering::Relaxed) {
        RAN.store(true, Ordering::Relaxed);
        unsafe extern "C" {
            fn __wasm_call_ctors();
        }
        // SAFETY: the linker defines `__wasm_call_ctors`; the flag, set
        // first, makes this the only call.
        unsafe { __wasm_call_ctors() }
    }
}

/// Declares `_wit_import`, the core wasm function `$name` imported from
/// `$module`, in the calling scope (generated code calls it right after).
/// The core types are `i32`, `i64`, `f32`, `f64`, `ptr` (`*mut u8`), `len`
/// (`usize`) and `p64` (a pointer or an `i64`).
///
/// Off wasm32 there is no host to import from: `_wit_import` is a stub
/// that panics, so that generated code still builds and links for
/// host-side `cargo test` and docs. Under Miri it is instead an external
/// function named `$module::$name`, so that a test can play the host by
/// defining it with `#[unsafe(export_name = ...)]`.
#[doc(hidden)]
#[macro_export]
macro_rules! __wit_import {
    ($module:literal, $name:literal, ($($param:ident),*) $(, $result:ident)?) => {
        #[cfg(target_arch = "wasm32")]
        #[link(wasm_import_module = $module)]
        unsafe extern "C" {
            #[link_name = $name]
            fn _wit_import($(_: $crate::__wasm_type!($param)),*) $(-> $crate::__wasm_type!($result))?;
        }
        #[cfg(all(not(target_arch = "wasm32"), miri))]
        unsafe extern "C" {
            #[link_name = concat!($module, "::", $name)]
            fn _wit_import($(_: $crate::__wasm_type!($param)),*) $(-> $crate::__wasm_type!($result))?;
        }
        // SAFETY: (of calling it) none needed: the stub only panics; it is
        // `unsafe` to have the signature of the import it stands for.
        #[cfg(all(not(target_arch = "wasm32"), not(miri)))]
        unsafe extern "C" fn _wit_import(
            $(_: $crate::__wasm_type!($param)),*
        ) $(-> $crate::__wasm_type!($result))? {
            ::core::unreachable!(concat!("`", $module, "#", $name, "` is only available on wasm32"))
        }
    };
}

/// The Rust type of a core wasm type of [`wit_import!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __wasm_type {
    (i32) => { i32 };
    (i64) => { i64 };
    (f32) => { f32 };
    (f64) => { f64 };
    (ptr) => { *mut u8 };
    (len) => { usize };
    (p64) => { ::core::mem::MaybeUninit<u64> };
}

#[doc(hidden)]
pub use crate::__wit_import as wit_import;
