//! Out-of-line lifting and lowering: one function per named type.
//!
//! `wit_bindgen_core::abi` lifts a value out of memory by walking its type
//! and emitting the loads of every field and case inline, at every use: a
//! `result<_, error-code>` returned by forty functions gets the forty-case
//! `error-code` read forty times, and a variant whose cases hold another
//! variant gets that variant's code once per case, so the generated code
//! grows with the product of the type tree's widths. Here a named record or
//! variant worth it is read by a function of its own, `_lift_name(ptr)`,
//! emitted once, in the module that defines the type, and every use is a
//! call: generated code grows with the WIT. The same goes for the other
//! directions below, and for freeing (`free.rs`, `_free_name(ptr)`).
//!
//! The walk itself cannot be told to stop at a named type, so the code is
//! taken back after the fact: every load records where it read
//! ([`Mark`]: the address, the offset, the block and the statement it
//! started at), lifted values inherit the mark of the first value they are
//! made of, and when a record or variant is complete and its first load
//! starts it (in the same block, with no other effect since), the
//! statements from that load on and the variant's case blocks are dropped
//! for one call at the mark's address. Anything else (a flat value, a
//! borrowed handle, a type too small to be worth a call) stays inline.
//!
//! Lowering a variant ends with the instruction that matches on it, after
//! the code of its cases (blocks): when the cases had no effect beyond
//! their own code, the blocks are dropped for a call that returns the
//! variant's core values (`_lower_flat_name(&value)`, import arguments) or
//! writes it at the address its cases store the discriminant at
//! (`_lower_name(&value, ptr)` for import arguments, where lists stay the
//! caller's; `_lower_owned_name(value, ptr)` for the results of
//! synchronous exports, handed to the host). Other lowerings (async
//! exports, which lend their results; stream and future payloads) stay
//! inline, as do records, which lowering takes apart before their fields.
//!
//! Lifting a variant from core values (an export's arguments) reads values
//! the walk took off its stack without an instruction: the arguments come
//! in order (`GetArg`), and a case casts the values it reads (`Bitcasts`).
//! Each such run of values is kept with the block it was made in; the
//! variant's values are its discriminant and those after it in the latest
//! run holding the discriminant that was made in a block still open, and
//! `_lift_flat_name(arg0, ..)` replaces the cases' blocks. Its body is the
//! walk of an export taking one argument of the type, whose "call" returns
//! the lifted argument (`Callee::LiftFlat`).

use proc_macro2::TokenStream;
use quote::quote;
use wit_bindgen_core::abi::{self, Instruction, WasmType};
use wit_bindgen_core::wit_parser::{Type, TypeId};

use super::memory::at_bytes;
use super::outlined::Dir;
use super::{is_simple, strip_borrow, Callee, FnBindgen};
use crate::info::Forms;
/// The first store of a block: its address operand and offset.
#[derive(Clone)]
pub(super) struct Store {
    addr: TokenStream,
    key: String,
    offset: usize,
}

/// Where a lifted value was read from: its first load.
#[derive(Clone)]
pub(super) struct Mark {
    /// The base address operand of the load.
    addr: TokenStream,
    /// The load's offset from `addr`.
    offset: usize,
    /// The serial number of the load's block.
    block: usize,
    /// The number of statements the block had before the load.
    stmt: usize,
    /// The function's other effects at the time (see [`Effects`]).
    effects: Effects,
}

/// Effects of the emitted code outside the current block's statements;
/// code that changed them cannot be dropped.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Effects {
    decls: usize,
    cleanup: usize,
    cleanup_list: usize,
}

impl FnBindgen<'_, '_> {
    pub(super) fn effects(&self) -> Effects {
        Effects {
            decls: self.decls.len(),
            cleanup: self.cleanup.len(),
            cleanup_list: self.cleanup_list_entries,
        }
    }

    /// Where a load at `addr + offset` about to be emitted starts.
    pub(super) fn mark_here(&self, addr: &TokenStream, offset: usize) -> Mark {
        Mark {
            addr: addr.clone(),
            offset,
            block: self.open.last().map_or(0, |block| block.serial),
            stmt: self.open.last().map_or(0, |block| block.stmts.len()),
            effects: self.effects(),
        }
    }

    /// Records that `value` was read starting at `mark`.
    pub(super) fn set_mark(&mut self, value: &TokenStream, mark: Mark) {
        self.marks.insert(value.to_string(), mark);
    }

    /// The mark of operand `op`, if it was read from memory.
    pub(super) fn mark_of(&self, op: &TokenStream) -> Option<Mark> {
        if self.marks.is_empty() {
            return None;
        }
        self.marks.get(&op.to_string()).cloned()
    }

    /// A call to the out-of-line lifting function of `id`, in place of the
    /// code read from `mark` on (and of the `blocks` finished blocks of a
    /// variant's cases), when that code is all of the value's and is worth
    /// a call.
    pub(super) fn outline_lift(
        &mut self,
        id: TypeId,
        mark: Option<Mark>,
        blocks: usize,
    ) -> Option<TokenStream> {
        let mark = mark?;
        if self.outlining == Some(id)
            || mark.block != self.block().serial
            || mark.effects != self.effects()
            || mark.stmt > self.block().stmts.len()
            || self.finished.len() < blocks
            || self.cx.resolve.types[id].name.is_none()
            || self.cx.info.of(id).has_borrow_handle
        {
            return None;
        }
        let name = self.cx.outlined.borrow_mut().function(
            self.cx,
            self.scope,
            id,
            Dir::Lift,
            &[],
            false,
        )?;
        self.block().stmts.truncate(mark.stmt);
        self.pop_blocks(blocks);
        let addr = &mark.addr;
        let at = at_bytes(addr, mark.offset);
        // SAFETY: the value at `#at` is the one the code this call replaces read: a value of the type
        // in canonical layout that the host (or our own lowering) wrote and hands over, as for every
        // load (`FnBindgen::load`): `#name`'s contract.
        let value = self.bind_unsafe("v", quote!(#name(#at)));
        self.set_mark(&value, mark);
        Some(value)
    }
}

impl FnBindgen<'_, '_> {
    /// Notes a store at `addr + offset` as its block's first.
    pub(super) fn note_store(&mut self, addr: &TokenStream, offset: usize) {
        let block = self.block();
        if block.first_store.is_none() {
            block.first_store = Some(Store {
                key: addr.to_string(),
                addr: addr.clone(),
                offset,
            });
        }
    }

    /// A call to the out-of-line lowering function of variant `id`, in
    /// place of the blocks of its `cases`, for value `op`: its core values
    /// (`flat`), or none when it is written to memory (`flat` empty).
    pub(super) fn outline_lower(
        &mut self,
        id: TypeId,
        op: &TokenStream,
        flat: &[WasmType],
        cases: usize,
    ) -> Option<Vec<TokenStream>> {
        let dir = match (&self.callee, flat.is_empty()) {
            (Callee::Export { async_: false, .. } | Callee::OwnedLowering, true) => Dir::LowerOwned,
            (Callee::Import { .. } | Callee::BorrowedLowering, true) => Dir::LowerLent,
            (Callee::Import { .. } | Callee::BorrowedLowering, false) => Dir::LowerFlat,
            _ => return None,
        };
        if self.outlining == Some(id)
            || self.finished.len() < cases
            || cases == 0
            || self.cx.resolve.types[id].name.is_none()
            || self.cx.info.of(id).has_borrow_handle
            || (dir != Dir::LowerOwned && self.cx.forms(id) != Forms::Owned)
            || !is_simple(&strip_borrow(op))
        {
            return None;
        }
        let blocks = &self.finished[self.finished.len() - cases..];
        let (before, now) = (blocks[0].effects, self.effects());
        // Arrays lent to an import (in the caller's cleanup list) are fine:
        // the function registers them in the list it is given.
        let takes_list = now.cleanup_list != before.cleanup_list;
        if before.decls != now.decls
            || before.cleanup != now.cleanup
            || (takes_list && dir == Dir::LowerOwned)
        {
            return None;
        }
        let store = match dir {
            Dir::LowerFlat => None,
            _ => {
                let first = blocks[0].first_store.clone()?;
                let same = blocks.iter().all(|block| {
                    block
                        .first_store
                        .as_ref()
                        .is_some_and(|s| s.key == first.key && s.offset == first.offset)
                });
                if !same {
                    return None;
                }
                Some(first)
            }
        };
        let name = self
            .cx
            .outlined
            .borrow_mut()
            .function(self.cx, self.scope, id, dir, flat, takes_list)?;
        self.pop_blocks(cases);
        let list = takes_list.then(|| {
            self.needs_cleanup_list = true;
            self.cleanup_list_entries += 1;
            if matches!(self.callee, Callee::BorrowedLowering) {
                // Already the caller's `&mut` list (reborrowed).
                quote!(, _cleanup_list)
            } else {
                quote!(, &mut _cleanup_list)
            }
        });
        let value = if dir == Dir::LowerOwned {
            op.clone()
        } else {
            self.lends = true;
            quote!(&#op)
        };
        let Some(store) = store else {
            let vars: Vec<TokenStream> = flat
                .iter()
                .map(|_| {
                    let var = self.tmp("v");
                    quote!(#var)
                })
                .collect();
            let pattern = match vars.as_slice() {
                [one] => one.clone(),
                _ => quote!((#(#vars),*)),
            };
            self.push(quote!(let #pattern = #name(#value #list);));
            return Some(vars);
        };
        let addr = &store.addr;
        let at = at_bytes(addr, store.offset);
        // SAFETY: `#at` is where the code this call replaces wrote the value (each case's discriminant
        // store): memory with room for the type in canonical layout, aligned for it (a return area,
        // an array allocated for a list, or an indirect arguments area); what the value lends stays
        // alive as long as the inline code's loans did (the value is the same place): `#name`'s
        // contract.
        self.push(quote!(unsafe { #name(#value, #at #list) };));
        Some(Vec::new())
    }
}

impl FnBindgen<'_, '_> {
    /// Notes argument `nth` as core value `nth` of the arguments' run.
    pub(super) fn note_arg(&mut self, nth: usize, arg: &TokenStream) {
        let serial = self.open.first().map_or(0, |block| block.serial);
        if self.runs.is_empty() {
            self.runs.push((serial, Vec::new()));
        }
        let args = &mut self.runs[0].1;
        if args.len() <= nth {
            args.resize(nth + 1, TokenStream::new());
        }
        args[nth] = arg.clone();
        self.run_positions
            .entry(arg.to_string())
            .or_default()
            .push((0, nth));
    }

    /// Notes `values` (the results of one `Bitcasts`) as a run.
    pub(super) fn note_run(&mut self, values: &[TokenStream]) {
        if self.runs.is_empty() {
            // Not lifting arguments: runs only matter after `GetArg`s.
            return;
        }
        let serial = self.block().serial;
        let run = self.runs.len();
        for (i, value) in values.iter().enumerate() {
            self.run_positions
                .entry(value.to_string())
                .or_default()
                .push((run, i));
        }
        self.runs.push((serial, values.to_vec()));
    }

    /// A call to the out-of-line function lifting variant `id` from its
    /// core values, in place of the blocks of its `cases`: `discriminant`
    /// and the core values after it in the latest run that holds it and
    /// was made in a block still open (the values the cases read, which
    /// `wit_bindgen_core` takes from the same run).
    pub(super) fn outline_lift_flat(
        &mut self,
        id: TypeId,
        discriminant: &TokenStream,
        cases: usize,
    ) -> Option<TokenStream> {
        if self.runs.is_empty()
            || self.outlining == Some(id)
            || cases == 0
            || self.finished.len() < cases
            || self.cx.resolve.types[id].name.is_none()
            || self.cx.info.of(id).has_borrow_handle
        {
            return None;
        }
        let blocks = &self.finished[self.finished.len() - cases..];
        if blocks[0].effects != self.effects() {
            return None;
        }
        let flat = abi::flat_types(self.cx.resolve, &Type::Id(id), None)?;
        let open: Vec<usize> = self.open.iter().map(|block| block.serial).collect();
        let (run, at) = self
            .run_positions
            .get(&discriminant.to_string())?
            .iter()
            .rev()
            .copied()
            .find(|(run, _)| open.contains(&self.runs[*run].0))?;
        let values = self.runs[run].1.get(at..at + flat.len())?.to_vec();
        let name = self.cx.outlined.borrow_mut().function(
            self.cx,
            self.scope,
            id,
            Dir::LiftFlat,
            &flat,
            false,
        )?;
        self.pop_blocks(cases);
        // SAFETY: the arguments are the core values of this variant as the host lowered them (the
        // export's arguments, or a case of an enclosing variant cast back to its types), which is
        // `#name`'s contract; the code this call replaces lifted the same values.
        Some(self.bind_unsafe("v", quote!(#name(#(#values),*))))
    }
}

/// Whether `inst` makes a Rust value out of core values (which keeps the
/// mark of its first operand, `outline.rs`).
pub(super) fn is_lift(inst: &Instruction<'_>) -> bool {
    use Instruction as I;
    matches!(
        inst,
        I::S8FromI32
            | I::U8FromI32
            | I::S16FromI32
            | I::U16FromI32
            | I::S32FromI32
            | I::U32FromI32
            | I::S64FromI64
            | I::U64FromI64
            | I::CharFromI32
            | I::BoolFromI32
            | I::F32FromCoreF32
            | I::F64FromCoreF64
            | I::ListCanonLift { .. }
            | I::StringLift
            | I::ListLift { .. }
            | I::MapLift { .. }
            | I::RecordLift { .. }
            | I::TupleLift { .. }
            | I::FlagsLift { .. }
            | I::EnumLift { .. }
            | I::HandleLift { .. }
            | I::VariantLift { .. }
            | I::OptionLift { .. }
            | I::ResultLift { .. }
            | I::FutureLift { .. }
            | I::StreamLift { .. }
            | I::ErrorContextLift
    )
}
