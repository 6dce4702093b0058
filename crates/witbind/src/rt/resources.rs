//! Resource support for generated bindings: the handle an imported or
//! exported resource type owns ([`ResourceHandle`], dropped through
//! [`WasmResource`]), the representations of exported resources
//! ([`rep_ref`], [`rep_mut`], [`rep_take`]) and the guard that keeps one
//! Rust type per exported resource type ([`TypeGuard`]).

use core::fmt;
use core::marker::PhantomData;
use core::sync::atomic::{AtomicU32, Ordering};

#[doc(hidden)]
pub use crate::resource::Resource as GuestResource;
pub use crate::resource::{Resource, ResourceRep};

/// A core value holding the representation of an exported resource: a
/// pointer, or the same 32-bit address as an `i32`.
pub trait RepValue {
    /// The representation as a pointer.
    fn into_rep(self) -> *const u8;
}

impl RepValue for *mut u8 {
    #[inline]
    fn into_rep(self) -> *const u8 {
        self.cast_const()
    }
}

impl RepValue for i32 {
    #[inline]
    fn into_rep(self) -> *const u8 {
        // An unsigned 32-bit address (also when built for a 64-bit host).
        core::ptr::with_exposed_provenance(self as u32 as usize)
    }
}

/// The representation of an exported resource received from the host.
#[inline]
pub fn rep(value: impl RepValue) -> *const u8 {
    value.into_rep()
}

/// The drop function of an imported or exported resource type, called with
/// the handle when a [`ResourceHandle`] that still owns it is dropped.
pub trait WasmResource {
    /// Drops the handle (`[resource-drop]`).
    ///
    /// # Safety
    /// `handle` must be an owned handle of this resource type.
    unsafe fn drop(handle: u32);
}

/// An owned handle to a resource. Dropping it drops the handle in the host,
/// unless ownership was moved out with [`ResourceHandle::take_handle`].
#[repr(transparent)]
pub struct ResourceHandle<T: WasmResource> {
    // `u32::MAX` marks a handle whose ownership was taken.
    handle: AtomicU32,
    _marker: PhantomData<T>,
}

const TAKEN: u32 = u32::MAX;

impl<T: WasmResource> ResourceHandle<T> {
    /// Wraps an owned handle.
    ///
    /// # Safety
    /// `handle` must be an owned handle of `T` that nothing else will drop.
    pub unsafe fn from_handle(handle: u32) -> Self {
        debug_assert!(handle != TAKEN);
        ResourceHandle {
            handle: AtomicU32::new(handle),
            _marker: PhantomData,
        }
    }

    /// Moves ownership of the handle out (e.g. to pass it to the host); the
    /// value is left empty and its drop does nothing.
    pub fn take_handle(resource: &ResourceHandle<T>) -> u32 {
        let handle = resource.handle.swap(TAKEN, Ordering::Relaxed);
        assert!(
            handle != TAKEN,
            "the resource's handle was already moved out"
        );
        handle
    }

    /// The handle, still owned by this value.
    pub fn handle(resource: &ResourceHandle<T>) -> u32 {
        resource.handle.load(Ordering::Relaxed)
    }
}

impl<T: WasmResource> fmt::Debug for ResourceHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResourceHandle")
            .field("handle", &self.handle.load(Ordering::Relaxed))
            .finish()
    }
}

impl<T: WasmResource> Drop for ResourceHandle<T> {
    fn drop(&mut self) {
        let handle = *self.handle.get_mut();
        if handle != TAKEN {
            // SAFETY: this value owns `handle`.
            unsafe { T::drop(handle) }
        }
    }
}

/// The value behind a representation (an `Option<T>` made by the
/// resource's `resource_into_raw_`).
///
/// # Safety
/// `rep` must point at the live representation of a `T`.
pub unsafe fn rep_ref<'a, T>(rep: *const u8) -> &'a T {
    // SAFETY: guaranteed by the caller.
    let slot = unsafe { &*rep.cast::<Option<T>>() };
    slot.as_ref()
        .expect("the resource's value was moved out with `into_inner`")
}

/// The value behind a representation, mutably.
///
/// # Safety
/// `rep` must point at the live representation of a `T`, not borrowed
/// elsewhere.
pub unsafe fn rep_mut<'a, T>(rep: *mut u8) -> &'a mut T {
    // SAFETY: guaranteed by the caller.
    let slot = unsafe { &mut *rep.cast::<Option<T>>() };
    slot.as_mut()
        .expect("the resource's value was moved out with `into_inner`")
}

/// Moves the value out of a representation; the representation stays
/// (holding `None`) until the host drops the resource.
///
/// # Safety
/// As for [`rep_mut`].
pub unsafe fn rep_take<T>(rep: *mut u8) -> T {
    // SAFETY: guaranteed by the caller.
    let slot = unsafe { &mut *rep.cast::<Option<T>>() };
    slot.take()
        .expect("the resource's value was moved out with `into_inner`")
}

/// Remembers which Rust type implements an exported resource, so that a
/// representation is never read as another type. On wasm32 without the
/// `atomics` target feature (one thread) it holds the first type's
/// `TypeId`, which the compiler reduces to a flag; elsewhere it is
/// thread-safe: it holds the `TypeId::of` function of the first type and
/// compares `TypeId`s exactly.
pub struct TypeGuard {
    #[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
    recorded: core::cell::Cell<Option<core::any::TypeId>>,
    #[cfg(not(all(target_arch = "wasm32", not(target_feature = "atomics"))))]
    type_id_of: core::sync::atomic::AtomicPtr<()>,
}

// SAFETY: without the `atomics` target feature a wasm32 module runs on one
// thread: the cell is never used from two threads.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
unsafe impl Sync for TypeGuard {}

const TWO_TYPES: &str = "an exported resource type was used with two different Rust types";

#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
impl TypeGuard {
    /// An unset guard.
    pub const fn new() -> Self {
        TypeGuard {
            recorded: core::cell::Cell::new(None),
        }
    }

    /// Records `T` on first use; panics if another type is used later.
    #[inline]
    pub fn check<T: 'static>(&self) {
        let mine = core::any::TypeId::of::<T>();
        match self.recorded.get() {
            Some(recorded) => assert!(recorded == mine, "{}", TWO_TYPES),
            None => self.recorded.set(Some(mine)),
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", not(target_feature = "atomics"))))]
impl TypeGuard {
    /// An unset guard.
    pub const fn new() -> Self {
        TypeGuard {
            type_id_of: core::sync::atomic::AtomicPtr::new(core::ptr::null_mut()),
        }
    }

    /// Records `T` on first use; panics if another type is used later.
    #[inline]
    pub fn check<T: 'static>(&self) {
        let mine = core::any::TypeId::of::<T> as fn() -> core::any::TypeId;
        // The usual case, without a call: `T`'s function was recorded.
        if self.type_id_of.load(Ordering::Acquire) == mine as *mut () {
            return;
        }
        self.check_recorded::<T>(mine);
    }

    /// [`TypeGuard::check`] when the recorded function is not `mine`
    /// (another type's, or `T`'s through another address).
    #[cold]
    fn check_recorded<T: 'static>(&self, mine: fn() -> core::any::TypeId) {
        let recorded = match self.type_id_of.compare_exchange(
            core::ptr::null_mut(),
            mine as *mut (),
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => return,
            Err(recorded) => recorded,
        };
        // SAFETY: the only non-null value ever stored is a
        // `fn() -> TypeId` cast to a pointer (above).
        let recorded: fn() -> core::any::TypeId = unsafe { core::mem::transmute(recorded) };
        assert!(recorded() == core::any::TypeId::of::<T>(), "{}", TWO_TYPES);
    }
}

impl Default for TypeGuard {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod type_guard_tests {
    use super::TypeGuard;

    #[test]
    fn the_first_type_is_kept() {
        static GUARD: TypeGuard = TypeGuard::new();
        GUARD.check::<u32>();
        GUARD.check::<u32>();
    }

    #[test]
    #[should_panic(expected = "two different Rust types")]
    fn another_type_panics() {
        static GUARD: TypeGuard = TypeGuard::new();
        GUARD.check::<u32>();
        GUARD.check::<u64>();
    }
}
