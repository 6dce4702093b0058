//! Calls of async imports (subtasks): generated code describes one import
//! with [`Subtask`] (how to lower the arguments, call the `[async-lower]`
//! import, free or take back what was lowered, lift the results) and
//! awaits [`Subtask::call`].
//!
//! Dropping the call's future at any point is harmless: before it started
//! nothing happened; while the host runs it, it is cancelled (and what the
//! callee had not received is taken back, what it returned is lifted and
//! dropped); after the host finished it, even if the event saying so was
//! not seen yet, the results are lifted and dropped. Arguments and results
//! are owned by the future, so leaking it leaks them rather than leaving
//! the host pointers to freed memory.

use core::alloc::Layout;
use core::future::Future;
use core::pin::pin;

use super::abi;
use super::waitable::{Op, Operation};
use crate::rt::Cleanup;

/// One async import, as generated code describes it. The layout of the
/// call's memory is the parameters (when they are passed in memory)
/// followed by the results.
///
/// # Safety
/// Every function follows the canonical ABI of the import: `params_lower`
/// writes what `call_import` passes, `results_lift` reads what the host
/// wrote at `results_offset`, the two `params_dealloc_*` release exactly
/// what `params_lower` made, and `abi_layout` covers all of it.
#[doc(hidden)]
pub unsafe trait Subtask {
    /// The Rust parameters, as a tuple.
    type Params;
    /// The lowered parameters: the core values passed to the import.
    type ParamsLower: Copy;
    /// The Rust result (`()` when there is none).
    type Results;

    /// Size and alignment of the call's memory.
    fn abi_layout(&mut self) -> Layout;

    /// Where the results start in the call's memory.
    fn results_offset(&mut self) -> usize;

    /// Calls the `[async-lower]` import; returns its packed status and
    /// subtask handle.
    ///
    /// # Safety
    /// `params` come from `params_lower`; `results` points into the call's
    /// memory at `results_offset`.
    unsafe fn call_import(&mut self, params: Self::ParamsLower, results: *mut u8) -> u32;

    /// Lowers `params` (into `dst`, the call's memory, when they are passed
    /// there), moving what they own to the callee.
    ///
    /// # Safety
    /// `dst` is the call's memory.
    unsafe fn params_lower(&mut self, params: Self::Params, dst: *mut u8) -> Self::ParamsLower;

    /// Frees the lists `params_lower` allocated, once the callee has its
    /// copy.
    ///
    /// # Safety
    /// Once per call, after the callee started.
    unsafe fn params_dealloc_lists(&mut self, lower: Self::ParamsLower);

    /// Takes back everything `params_lower` gave away (the call was
    /// cancelled before it started): frees the lists, drops the owned
    /// handles.
    ///
    /// # Safety
    /// Once per call, instead of `params_dealloc_lists`.
    unsafe fn params_dealloc_lists_and_own(&mut self, lower: Self::ParamsLower);

    /// Lifts the results the host wrote at `src`.
    ///
    /// # Safety
    /// Once, after the call returned.
    unsafe fn results_lift(&mut self, src: *mut u8) -> Self::Results;

    /// Calls the import with `params`.
    fn call(&mut self, params: Self::Params) -> impl Future<Output = Self::Results>
    where
        Self: Sized,
    {
        async move {
            let op = pin!(Op::new(Call(self), params));
            match op.await {
                Some(results) => results,
                None => unreachable!("the host ended the call without cancelling it"),
            }
        }
    }
}

/// The [`Operation`] of one call.
pub(crate) struct Call<'a, S>(&'a mut S);

/// A call the host has.
pub(crate) struct Running<S: Subtask> {
    /// The call's memory.
    memory: Option<Cleanup>,
    lowered: S::ParamsLower,
    /// The subtask, unless the call returned at once.
    subtask: Option<u32>,
    /// Whether the callee has its arguments (their lists were freed).
    started: bool,
}

impl<S: Subtask> Running<S> {
    /// The callee has its arguments: free their lists, once.
    fn start(&mut self, call: &mut S) {
        if !self.started {
            self.started = true;
            // SAFETY: the callee started: it has its copy.
            unsafe { call.params_dealloc_lists(self.lowered) };
        }
    }

    fn results(&self, call: &mut S) -> *mut u8 {
        let base = self
            .memory
            .as_ref()
            .map_or(core::ptr::null_mut(), Cleanup::ptr);
        base.wrapping_add(call.results_offset())
    }
}

impl<S: Subtask> Drop for Running<S> {
    fn drop(&mut self) {
        if let Some(subtask) = self.subtask.take() {
            // SAFETY: the call resolved and its resolution was seen (this
            // state is only dropped then).
            unsafe { abi::subtask_drop(subtask) };
        }
    }
}

// SAFETY: `waitable` is the call's subtask for its whole flight, and the
// subtask intrinsics give the final status on cancel.
unsafe impl<S: Subtask> Operation for Call<'_, S> {
    type Start = S::Params;
    type InFlight = Running<S>;
    /// `None`: the call was cancelled.
    type Output = Option<S::Results>;
    type Cancelled = Option<S::Results>;

    fn start(&mut self, params: S::Params) -> (u32, Running<S>) {
        let call = &mut *self.0;
        let (memory, cleanup) = Cleanup::new(call.abi_layout());
        let results = memory.wrapping_add(call.results_offset());
        // SAFETY: `memory` is the call's memory, laid out as `abi_layout`
        // says; the results go at their offset in it.
        let (packed, lowered) = unsafe {
            let lowered = call.params_lower(params, memory);
            (call.call_import(lowered, results), lowered)
        };
        let subtask = packed >> 4;
        (
            packed & 0xf,
            Running {
                memory: cleanup,
                lowered,
                subtask: (subtask != 0).then_some(subtask),
                started: false,
            },
        )
    }

    fn update(
        &mut self,
        mut running: Running<S>,
        status: u32,
    ) -> Result<Option<S::Results>, Running<S>> {
        let call = &mut *self.0;
        match status {
            abi::STATUS_STARTING => Err(running),
            abi::STATUS_STARTED => {
                running.start(call);
                Err(running)
            }
            abi::STATUS_RETURNED => {
                running.start(call);
                let src = running.results(call);
                // SAFETY: the host wrote the results at `src`; lifted once.
                let results = unsafe { call.results_lift(src) };
                Ok(Some(results))
            }
            abi::STATUS_CANCELLED_BEFORE_STARTED => {
                // The callee never got the arguments: take them back.
                running.started = true;
                // SAFETY: nothing was handed over.
                unsafe { call.params_dealloc_lists_and_own(running.lowered) };
                Ok(None)
            }
            abi::STATUS_CANCELLED_BEFORE_RETURNED => {
                running.start(call);
                Ok(None)
            }
            other => panic!("unknown status {other} of an async import call"),
        }
    }

    fn waitable(&self, running: &Running<S>) -> u32 {
        running
            .subtask
            .unwrap_or_else(|| unreachable!("a call in flight has a subtask"))
    }

    fn cancel(&mut self, running: &mut Running<S>) -> u32 {
        let subtask = self.waitable(running);
        // SAFETY: the subtask is live, unresolved as far as this call has
        // seen, and out of every waitable set.
        unsafe { abi::subtask_cancel(subtask) }
    }

    fn cancelled_before_start(&mut self, params: S::Params) -> Option<S::Results> {
        drop(params);
        None
    }

    fn cancelled_after_end(&mut self, results: Option<S::Results>) -> Option<S::Results> {
        results
    }
}

/// The lowered parameters of an async import call (generated code's
/// [`Subtask::ParamsLower`]): a tuple of core wasm values. It is `Send`
/// although it may hold pointers: they point into memory the call owns.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct Lowered<T: CoreValues>(pub T);

// SAFETY: the values are numbers and pointers to memory owned by the call
// (its lowered lists and parameter area), which moves with it.
unsafe impl<T: CoreValues> Send for Lowered<T> {}

/// Tuples of core wasm values (at most four: more are passed in memory).
#[doc(hidden)]
pub trait CoreValues: Copy + sealed::Sealed {}

mod sealed {
    pub trait Sealed {}
}

/// One core wasm value, as generated code spells it.
#[doc(hidden)]
pub trait CoreValue: Copy {}

impl CoreValue for i32 {}
impl CoreValue for i64 {}
impl CoreValue for f32 {}
impl CoreValue for f64 {}
impl CoreValue for usize {}
impl CoreValue for *mut u8 {}
impl CoreValue for core::mem::MaybeUninit<u64> {}

macro_rules! core_values {
    ($(($($t:ident),*))*) => {$(
        impl<$($t: CoreValue),*> sealed::Sealed for ($($t,)*) {}
        impl<$($t: CoreValue),*> CoreValues for ($($t,)*) {}
    )*};
}

core_values! {
    ()
    (A)
    (A, B)
    (A, B, C)
    (A, B, C, D)
}
