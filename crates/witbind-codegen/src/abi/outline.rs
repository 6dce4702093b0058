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

use std::collections::{BTreeMap, HashMap};

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use wit_bindgen_core::abi::{self, AbiVariant, LiftLower, WasmType};
use wit_bindgen_core::wit_parser::{Function, FunctionKind, Param, Type, TypeDefKind, TypeId};

use super::memory::at_bytes;
use super::{is_simple, strip_borrow, wasm_type, Callee, FnBindgen};
use crate::context::Cx;
use crate::ident::snake;
use crate::info::Forms;
use crate::names::Scope;

/// What an out-of-line function does with its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Dir {
    /// Reads a value out of memory: `_lift_name(ptr) -> Name`.
    Lift,
    /// Writes a lent value into memory: `_lower_name(&value, ptr)`.
    LowerLent,
    /// Writes a value handed over into memory:
    /// `_lower_owned_name(value, ptr)`.
    LowerOwned,
    /// A lent value as core values: `_lower_flat_name(&value) -> (..)`.
    LowerFlat,
    /// Frees what a value in memory owns: `_free_name(ptr)` (`free.rs`).
    Free,
    /// Reads a value out of its core values (an export's arguments):
    /// `_lift_flat_name(arg0, ..) -> Name`.
    LiftFlat,
}

impl Dir {
    fn prefix(self) -> &'static str {
        match self {
            Dir::Lift => "_lift",
            Dir::LowerLent => "_lower",
            Dir::LowerOwned => "_lower_owned",
            Dir::LowerFlat => "_lower_flat",
            Dir::Free => "_free",
            Dir::LiftFlat => "_lift_flat",
        }
    }
}

/// A function to generate.
struct Pending {
    home: Scope,
    id: TypeId,
    dir: Dir,
    name: Ident,
    flat: Vec<WasmType>,
    /// A lent lowering whose lists live until the caller's import call
    /// returns: it takes the caller's `_cleanup_list` and registers them.
    takes_list: bool,
}

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

/// Lifted values whose cost (about one per load) is at most this stay
/// inline: a call would be as long as the code it replaces.
const INLINE_COST: usize = 4;

/// The out-of-line lifting functions of the bindings: registered as uses
/// are generated, their bodies generated at the end.
#[derive(Default)]
pub(crate) struct Outlined {
    /// The function of each (module, type, direction).
    names: HashMap<(Scope, TypeId, Dir), Ident>,
    /// Functions registered but not generated yet, with the core types of
    /// a flat lowering and whether it takes the caller's cleanup list.
    pending: Vec<Pending>,
    /// Generated functions, by module and name (a stable order).
    done: BTreeMap<Scope, BTreeMap<String, TokenStream>>,
    /// The lifting cost of each type (see [`Outlined::cost`]).
    costs: HashMap<TypeId, usize>,
}

impl Outlined {
    /// The path, from `scope`, to the function doing `dir` for `id`,
    /// registered on first use (with the core types of a flat lowering).
    /// The function lives in the module that defines the type (once for
    /// the whole bindings), or in `scope` when that module is not
    /// generated here (an interface taken from elsewhere, `with`).
    fn name(
        &mut self,
        cx: &Cx,
        scope: Scope,
        id: TypeId,
        dir: Dir,
        flat: &[WasmType],
        takes_list: bool,
    ) -> TokenStream {
        let home = match cx.names.scope_of_type(cx.resolve, id, scope) {
            Scope::Module(module) if cx.names.module(module).remapped.is_some() => scope,
            home => home,
        };
        let name = match self.names.get(&(home, id, dir)) {
            Some(name) => name.clone(),
            None => {
                let wit_name = cx.resolve.types[id].name.as_deref().unwrap_or("value");
                let mut name = format_ident!("{}_{}", dir.prefix(), snake(wit_name).to_string());
                // Two types of one name (from two interfaces) in one module.
                if self
                    .names
                    .iter()
                    .any(|((s, _, _), n)| *s == home && *n == name)
                {
                    name = format_ident!("{}_{}", name, id.index());
                }
                self.names.insert((home, id, dir), name.clone());
                self.pending.push(Pending {
                    home,
                    id,
                    dir,
                    name: name.clone(),
                    flat: flat.to_vec(),
                    takes_list,
                });
                name
            }
        };
        if home == scope {
            quote!(#name)
        } else {
            cx.names.path(scope).path_to(&cx.names.path(home), &name)
        }
    }

    /// The function freeing a `id` in `scope`, when it is worth one.
    pub(super) fn free_fn(&mut self, cx: &Cx, scope: Scope, id: TypeId) -> Option<TokenStream> {
        if self.cost(cx, &Type::Id(id)) <= INLINE_COST {
            return None;
        }
        Some(self.name(cx, scope, id, Dir::Free, &[], false))
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
        let Some(pending) = next else {
            break;
        };
        let function = expand_fn(cx, &pending);
        cx.outlined
            .borrow_mut()
            .done
            .entry(pending.home)
            .or_default()
            .insert(pending.name.to_string(), function);
    }
    let done = std::mem::take(&mut cx.outlined.borrow_mut().done);
    done.into_iter()
        .map(|(scope, functions)| (scope, functions.into_values().collect()))
        .collect()
}

/// The function of `pending`.
fn expand_fn(cx: &Cx, pending: &Pending) -> TokenStream {
    let Pending {
        home: scope,
        id,
        dir,
        ref name,
        ref flat,
        takes_list,
    } = *pending;
    let wit_name = cx.resolve.types[id].name.as_deref().unwrap_or_default();
    if dir == Dir::Free {
        let body =
            super::free::Freer::new(cx, scope, Some(id)).free(&Type::Id(id), &quote!(ptr), 0);
        let doc = format!(" Frees what a `{wit_name}` in canonical ABI memory owns.");
        return quote! {
            #[doc = #doc]
            ///
            /// # Safety
            ///
            /// `ptr` points at a value of this type that our lowering wrote and the
            /// receiver has copied; its lists and strings are freed and must not be
            /// used again.
            #[allow(clippy::collapsible_if, clippy::collapsible_match)]
            pub(crate) unsafe fn #name(ptr: *mut u8) {
                #body
            }
        };
    }
    if dir == Dir::LiftFlat {
        return expand_lift_flat_fn(cx, scope, id, name, flat);
    }
    let callee = match dir {
        Dir::Free | Dir::LiftFlat => unreachable!("handled above"),
        Dir::Lift => Callee::Memory,
        Dir::LowerOwned => Callee::OwnedLowering,
        Dir::LowerLent | Dir::LowerFlat => Callee::BorrowedLowering,
    };
    let mut bindgen = FnBindgen::new(cx, scope, callee, Vec::new());
    bindgen.outlining = Some(id);
    let ty = Type::Id(id);
    let rt = &cx.rt;
    // The caller's list, as a parameter (the body registers into it).
    let list_param =
        takes_list.then(|| quote!(, _cleanup_list: &mut #rt::Vec<(*mut u8, usize, usize)>));
    let path = bindgen.type_path(id);
    let (function, lints) = match dir {
        Dir::Free | Dir::LiftFlat => unreachable!("handled above"),
        Dir::Lift => {
            let value = abi::lift_from_memory(cx.resolve, &mut bindgen, quote!(ptr), &ty);
            let lints = bindgen.body_lints();
            let body = bindgen.into_body_returning(value);
            let doc = format!(" Lifts a `{wit_name}` out of canonical ABI memory.");
            let function = quote! {
                #[doc = #doc]
                ///
                /// # Safety
                ///
                /// `ptr` points at a valid value of this type in canonical layout
                /// (aligned, initialized, cases and discriminants in range), whose
                /// lists, strings and handles are handed over to the result.
                pub(crate) unsafe fn #name(ptr: *mut u8) -> #path {
                    #body
                }
            };
            (function, lints)
        }
        Dir::LowerLent | Dir::LowerOwned => {
            let value = quote!(value);
            abi::lower_to_memory(cx.resolve, &mut bindgen, quote!(ptr), value, &ty);
            let lints = bindgen.body_lints();
            bindgen.needs_cleanup_list = false;
            let body = bindgen.into_body();
            let (param, doc, handed) = if dir == Dir::LowerOwned {
                (
                    quote!(#path),
                    format!(" Lowers a `{wit_name}` into canonical ABI memory, handing it over."),
                    "the receiver now owns what the value's lists and strings point at",
                )
            } else {
                (
                    quote!(&#path),
                    format!(" Lowers a lent `{wit_name}` into canonical ABI memory."),
                    "its lists and strings point into `value`, which must outlive their use",
                )
            };
            let contract = format!(
                " `ptr` points at writable memory with room for this type in canonical \
                 layout, aligned for it; {handed}."
            );
            let function = quote! {
                #[doc = #doc]
                ///
                /// # Safety
                ///
                #[doc = #contract]
                pub(crate) unsafe fn #name(value: #param, ptr: *mut u8 #list_param) {
                    #body
                }
            };
            (function, lints)
        }
        Dir::LowerFlat => {
            let values = abi::lower_flat(cx.resolve, &mut bindgen, quote!(value), &ty);
            let lints = bindgen.body_lints();
            bindgen.needs_cleanup_list = false;
            let body = bindgen.into_body();
            let types: Vec<TokenStream> = flat.iter().map(|t| wasm_type(*t)).collect();
            let (types, values) = match (types.as_slice(), values.as_slice()) {
                ([ty], [value]) => (ty.clone(), value.clone()),
                _ => (quote!((#(#types),*)), quote!((#(#values),*))),
            };
            let doc = format!(
                " A lent `{wit_name}` as its core values (its lists and strings point into `value`)."
            );
            let function = quote! {
                #[doc = #doc]
                pub(crate) fn #name(value: &#path #list_param) -> #types {
                    #body
                    #values
                }
            };
            (function, lints)
        }
    };
    if lints.is_empty() {
        function
    } else {
        quote!(#[allow(#(#lints),*)] #function)
    }
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
        let name = {
            let mut outlined = self.cx.outlined.borrow_mut();
            if outlined.cost(self.cx, &Type::Id(id)) <= INLINE_COST {
                return None;
            }
            outlined.name(self.cx, self.scope, id, Dir::Lift, &[], false)
        };
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
        let name = {
            let mut outlined = self.cx.outlined.borrow_mut();
            if outlined.cost(self.cx, &Type::Id(id)) <= INLINE_COST {
                return None;
            }
            outlined.name(self.cx, self.scope, id, dir, flat, takes_list)
        };
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

/// `unsafe fn _lift_flat_name(arg0: .., ..) -> Name`: the lifting of an
/// export's one argument of type `id`, from its core values.
fn expand_lift_flat_fn(
    cx: &Cx,
    scope: Scope,
    id: TypeId,
    name: &Ident,
    flat: &[WasmType],
) -> TokenStream {
    let (params, args) = super::core_params(flat);
    let mut bindgen = FnBindgen::new(cx, scope, Callee::LiftFlat, args);
    bindgen.outlining = Some(id);
    let func = Function {
        name: "lift".to_string(),
        kind: FunctionKind::Freestanding,
        params: vec![Param {
            name: "value".to_string(),
            ty: Type::Id(id),
            span: Default::default(),
        }],
        result: None,
        docs: Default::default(),
        stability: Default::default(),
        span: Default::default(),
        external_id: None,
    };
    abi::call(
        cx.resolve,
        AbiVariant::GuestExport,
        LiftLower::LiftArgsLowerResults,
        &func,
        &mut bindgen,
        false,
    );
    let value = std::mem::take(&mut bindgen.ret);
    let path = bindgen.type_path(id);
    let mut lints = bindgen.body_lints();
    if params.len() > 7 {
        lints.push(quote!(clippy::too_many_arguments));
    }
    let body = bindgen.into_body_returning(quote!(#(#value)*));
    let wit_name = cx.resolve.types[id].name.as_deref().unwrap_or_default();
    let doc = format!(" Lifts a `{wit_name}` out of its core values.");
    let allow = (!lints.is_empty()).then(|| quote!(#[allow(#(#lints),*)]));
    quote! {
        #[doc = #doc]
        ///
        /// # Safety
        ///
        /// The arguments are the canonical ABI lowering of a valid value of this
        /// type (cases and discriminants in range), whose lists, strings and
        /// handles are handed over to the result.
        #allow
        pub(crate) unsafe fn #name(#(#params),*) -> #path {
            #body
        }
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
        let name = {
            let mut outlined = self.cx.outlined.borrow_mut();
            if outlined.cost(self.cx, &Type::Id(id)) <= INLINE_COST {
                return None;
            }
            outlined.name(self.cx, self.scope, id, Dir::LiftFlat, &flat, false)
        };
        self.pop_blocks(cases);
        // SAFETY: the arguments are the core values of this variant as the host lowered them (the
        // export's arguments, or a case of an enclosing variant cast back to its types), which is
        // `#name`'s contract; the code this call replaces lifted the same values.
        Some(self.bind_unsafe("v", quote!(#name(#(#values),*))))
    }
}
