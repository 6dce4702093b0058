//! Out-of-line lifting: one function per named type read from memory.
//!
//! `wit_bindgen_core::abi` lifts a value out of memory by walking its type
//! and emitting the loads of every field and case inline, at every use: a
//! `result<_, error-code>` returned by forty functions gets the forty-case
//! `error-code` read forty times, and a variant whose cases hold another
//! variant gets that variant's code once per case, so the generated code
//! grows with the product of the type tree's widths. Here a named record or
//! variant worth it is read by a function of its own, `_lift_name(ptr)`,
//! emitted once in each module that reads it, and every use is a call:
//! generated code grows with the WIT.
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

use std::collections::{BTreeMap, HashMap};

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use wit_bindgen_core::abi;
use wit_bindgen_core::wit_parser::{Type, TypeDefKind, TypeId};

use super::{Callee, FnBindgen};
use crate::context::Cx;
use crate::ident::snake;
use crate::names::Scope;

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
struct Effects {
    decls: usize,
    cleanup: usize,
    cleanup_list: bool,
}

/// Lifted values whose cost (about one per load) is at most this stay
/// inline: a call would be as long as the code it replaces.
const INLINE_COST: usize = 4;

/// The out-of-line lifting functions of the bindings: registered as uses
/// are generated, their bodies generated at the end.
#[derive(Default)]
pub(crate) struct Outlined {
    /// The function of each (module, type).
    names: HashMap<(Scope, TypeId), Ident>,
    /// Functions registered but not generated yet.
    pending: Vec<(Scope, TypeId, Ident)>,
    /// Generated functions, by module and name (a stable order).
    done: BTreeMap<Scope, BTreeMap<String, TokenStream>>,
    /// The lifting cost of each type (see [`Outlined::cost`]).
    costs: HashMap<TypeId, usize>,
}

impl Outlined {
    /// The name of the function lifting `id` in `scope`, registered on
    /// first use.
    fn name(&mut self, cx: &Cx, scope: Scope, id: TypeId) -> Ident {
        if let Some(name) = self.names.get(&(scope, id)) {
            return name.clone();
        }
        let wit_name = cx.resolve.types[id].name.as_deref().unwrap_or("value");
        let mut name = format_ident!("_lift_{}", snake(wit_name).to_string());
        // Two types of one name (from two interfaces) read in one module.
        if self
            .names
            .iter()
            .any(|((s, _), n)| *s == scope && *n == name)
        {
            name = format_ident!("{}_{}", name, id.index());
        }
        self.names.insert((scope, id), name.clone());
        self.pending.push((scope, id, name.clone()));
        name
    }

    /// About how many loads lifting `ty` inline takes (saturating).
    fn cost(&mut self, cx: &Cx, ty: &Type) -> usize {
        let id = match ty {
            Type::String => return 2,
            Type::Id(id) => *id,
            _ => return 1,
        };
        if let Some(cost) = self.costs.get(&id) {
            return *cost;
        }
        let children = crate::info::children(cx.resolve, id);
        let own: usize = match &cx.resolve.types[id].kind {
            TypeDefKind::Variant(_) | TypeDefKind::Option(_) | TypeDefKind::Result(_) => 1,
            TypeDefKind::List(_) | TypeDefKind::Map(..) => 2,
            TypeDefKind::Flags(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Handle(_)
            | TypeDefKind::Future(_)
            | TypeDefKind::Stream(_) => return 1,
            _ => 0,
        };
        let cost = children
            .iter()
            .fold(own, |sum, child| sum.saturating_add(self.cost(cx, child)));
        self.costs.insert(id, cost);
        cost
    }
}

/// The generated functions of each module, once every use has been
/// generated (generating a function may register others).
pub(crate) fn expand(cx: &Cx) -> Vec<(Scope, TokenStream)> {
    loop {
        let next = cx.outlined.borrow_mut().pending.pop();
        let Some((scope, id, name)) = next else { break };
        let function = expand_lift_fn(cx, scope, id, &name);
        cx.outlined
            .borrow_mut()
            .done
            .entry(scope)
            .or_default()
            .insert(name.to_string(), function);
    }
    let done = std::mem::take(&mut cx.outlined.borrow_mut().done);
    done.into_iter()
        .map(|(scope, functions)| (scope, functions.into_values().collect()))
        .collect()
}

/// `unsafe fn _lift_name(ptr: *mut u8) -> Name { .. }`.
fn expand_lift_fn(cx: &Cx, scope: Scope, id: TypeId, name: &Ident) -> TokenStream {
    let mut bindgen = FnBindgen::new(cx, scope, Callee::Memory, Vec::new());
    bindgen.outlining = Some(id);
    let value = abi::lift_from_memory(cx.resolve, &mut bindgen, quote!(ptr), &Type::Id(id));
    let path = bindgen.type_path(id);
    let body = bindgen.into_body_returning(value);
    let wit_name = cx.resolve.types[id].name.as_deref().unwrap_or_default();
    let doc = format!(" Lifts a `{wit_name}` out of canonical ABI memory.");
    quote! {
        #[doc = #doc]
        ///
        /// # Safety
        ///
        /// `ptr` points at a valid value of this type in canonical layout
        /// (aligned, initialized, cases and discriminants in range), whose
        /// lists, strings and handles are handed over to the result.
        unsafe fn #name(ptr: *mut u8) -> #path {
            #body
        }
    }
}

impl FnBindgen<'_, '_> {
    fn effects(&self) -> Effects {
        Effects {
            decls: self.decls.len(),
            cleanup: self.cleanup.len(),
            cleanup_list: self.needs_cleanup_list,
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
        let name = {
            let mut outlined = self.cx.outlined.borrow_mut();
            if outlined.cost(self.cx, &Type::Id(id)) <= INLINE_COST {
                return None;
            }
            outlined.name(self.cx, self.scope, id)
        };
        self.block().stmts.truncate(mark.stmt);
        self.pop_blocks(blocks);
        let addr = &mark.addr;
        let at = match mark.offset {
            0 => quote!(#addr),
            n => {
                let n = Literal::usize_unsuffixed(n);
                quote!(#addr.add(#n))
            }
        };
        // SAFETY: the value at `#at` is the one the code this call replaces read: a value of the type
        // in canonical layout that the host (or our own lowering) wrote and hands over, as for every
        // load (`FnBindgen::load`): `#name`'s contract.
        let value = self.bind_unsafe("v", quote!(#name(#at)));
        self.set_mark(&value, mark);
        Some(value)
    }
}
