//! What exported resources are built on: how the value behind a handle is
//! stored (wit-bindgen's `resource` module, with the same items).

/// A type that implements an exported resource. Every type is one, stored
/// as `Option<Self>` (`None` once the value was moved out).
pub trait Resource: Sized + 'static {
    /// How a value of the resource is stored.
    type Rep: ResourceRep<Self>;
}

impl<T: 'static> Resource for T {
    type Rep = Option<T>;
}

/// How the value `T` of a resource is stored and reached.
///
/// # Safety
/// The functions keep the value where `rep_new` put it, and `rep_take`
/// moves it out once (the `rep_as_*` functions are not called after).
pub unsafe trait ResourceRep<T> {
    /// Stores `inner`.
    fn rep_new(inner: T) -> Self;

    /// The value, from a pointer to its storage.
    ///
    /// # Safety
    /// `ptr` points at live storage whose value was not taken.
    unsafe fn rep_as_ref<'a>(ptr: *const Self) -> &'a T;

    /// The value, mutably, from a pointer to its storage.
    ///
    /// # Safety
    /// As for `rep_as_ref`, and nothing else borrows the value.
    unsafe fn rep_as_mut<'a>(ptr: *mut Self) -> &'a mut T;

    /// Moves the value out; the storage is freed later without dropping
    /// it again.
    ///
    /// # Safety
    /// As for `rep_as_mut`; once per value.
    unsafe fn rep_take(ptr: *mut Self) -> T;
}

// SAFETY: the value stays in the `Option` until `rep_take` moves it out.
unsafe impl<T> ResourceRep<T> for Option<T> {
    fn rep_new(inner: T) -> Option<T> {
        Some(inner)
    }

    // SAFETY: contract: `ResourceRep::rep_as_ref`'s.
    unsafe fn rep_as_ref<'a>(ptr: *const Option<T>) -> &'a T {
        // SAFETY: the caller's contract.
        unsafe { &*ptr }
            .as_ref()
            .expect("the resource's value was moved out with `into_inner`")
    }

    // SAFETY: contract: `ResourceRep::rep_as_mut`'s.
    unsafe fn rep_as_mut<'a>(ptr: *mut Option<T>) -> &'a mut T {
        // SAFETY: the caller's contract.
        unsafe { &mut *ptr }
            .as_mut()
            .expect("the resource's value was moved out with `into_inner`")
    }

    // SAFETY: contract: `ResourceRep::rep_take`'s.
    unsafe fn rep_take(ptr: *mut Option<T>) -> T {
        // SAFETY: the caller's contract.
        unsafe { &mut *ptr }
            .take()
            .expect("the resource's value was moved out with `into_inner`")
    }
}
