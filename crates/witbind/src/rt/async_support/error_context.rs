//! `error-context`: [`ErrorContext`], an opaque error value with a debug
//! message, passed between components.

use alloc::string::String;
use alloc::vec::Vec;

use super::abi;

/// An `error-context`: an error's debug message, owned by the host and
/// shared between components. Dropping it drops the handle.
#[derive(PartialEq, Eq)]
pub struct ErrorContext {
    handle: u32,
}

impl ErrorContext {
    /// A new error context with `debug_message`.
    pub fn new(debug_message: &str) -> ErrorContext {
        // SAFETY: the message is valid UTF-8 in our memory.
        let handle = unsafe { abi::error_context_new(debug_message.as_ptr(), debug_message.len()) };
        ErrorContext { handle }
    }

    /// Takes ownership of a raw handle.
    #[doc(hidden)]
    pub fn from_handle(handle: u32) -> ErrorContext {
        ErrorContext { handle }
    }

    /// The raw handle, still owned by this value.
    #[doc(hidden)]
    pub fn handle(&self) -> u32 {
        self.handle
    }

    /// The raw handle, no longer dropped by this value (for the result of
    /// a synchronous export, which the caller reads after the export has
    /// returned).
    #[doc(hidden)]
    pub fn into_handle(self) -> u32 {
        core::mem::ManuallyDrop::new(self).handle
    }

    /// The debug message (what the host chooses to show, possibly empty).
    pub fn debug_message(&self) -> String {
        let mut out = [0usize; 2];
        // SAFETY: `out` has room for the pointer and length the host writes;
        // it allocates the string with `cabi_realloc` (the global allocator).
        unsafe {
            abi::error_context_debug_message(self.handle, out.as_mut_ptr().cast());
            let bytes = Vec::from_raw_parts(out[0] as *mut u8, out[1], out[1]);
            crate::rt::string_lift(bytes)
        }
    }
}

impl Drop for ErrorContext {
    fn drop(&mut self) {
        // SAFETY: this value owns the handle.
        unsafe { abi::error_context_drop(self.handle) }
    }
}

impl core::fmt::Debug for ErrorContext {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ErrorContext")
            .field("debug_message", &self.debug_message())
            .finish()
    }
}

impl core::fmt::Display for ErrorContext {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.debug_message())
    }
}

impl core::error::Error for ErrorContext {}
