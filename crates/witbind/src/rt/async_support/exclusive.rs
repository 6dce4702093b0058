//! [`Exclusive`]: interior mutability for state that one thread uses at a
//! time and that must still be `Sync` (it is reachable from wakers).
//! Nested or concurrent use is a bug of the runtime and panics.

use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicBool, Ordering};

/// A value that is borrowed mutably by one user at a time.
pub(crate) struct Exclusive<T> {
    taken: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: access goes through `lock`, which hands out one guard at a time
// (the flag is taken atomically), so the value is never shared.
unsafe impl<T: Send> Sync for Exclusive<T> {}
// SAFETY: as above; moving it moves the value.
unsafe impl<T: Send> Send for Exclusive<T> {}

impl<T> Exclusive<T> {
    pub(crate) const fn new(value: T) -> Exclusive<T> {
        Exclusive {
            taken: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    /// The value, mutably, until the guard is dropped; `None` while it is
    /// borrowed.
    pub(crate) fn try_lock(&self) -> Option<Guard<'_, T>> {
        (!self.taken.swap(true, Ordering::Acquire)).then_some(Guard { exclusive: self })
    }

    /// The value, mutably, until the guard is dropped.
    ///
    /// # Panics
    /// If it is already borrowed.
    pub(crate) fn lock(&self) -> Guard<'_, T> {
        let was_taken = self.taken.swap(true, Ordering::Acquire);
        assert!(
            !was_taken,
            "witbind's async runtime reentered its own state"
        );
        Guard { exclusive: self }
    }
}

pub(crate) struct Guard<'a, T> {
    exclusive: &'a Exclusive<T>,
}

impl<T> Deref for Guard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: this guard holds the only borrow (`lock`).
        unsafe { &*self.exclusive.value.get() }
    }
}

impl<T> DerefMut for Guard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: this guard holds the only borrow (`lock`).
        unsafe { &mut *self.exclusive.value.get() }
    }
}

impl<T> Drop for Guard<'_, T> {
    fn drop(&mut self) {
        self.exclusive.taken.store(false, Ordering::Release);
    }
}
