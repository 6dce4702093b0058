//! The canonical ABI, driven by `wit_bindgen_core::abi::call`: it walks a
//! function's signature and feeds [`FnBindgen`] a stack machine of
//! instructions; each instruction becomes Rust tokens. `lower.rs` turns
//! Rust values into core wasm values and memory, `lift.rs` does the way
//! back, `memory.rs` loads, stores, allocates and frees, `call.rs` makes
//! the calls; this file holds the plumbing (blocks, temporaries, the
//! function body) and the one match over every instruction.

mod call;
mod free;
mod lift;
mod lower;
mod maps;
mod memory;
mod outline;
mod outlined;

pub(crate) use call::{core_params, extern_import, wasm_type};
pub(crate) use free::post_return_body;
pub(crate) use outlined::{expand as expand_outlined, Outlined};

use std::collections::HashMap;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use wit_bindgen_core::abi::{Bindgen, Instruction};
use wit_bindgen_core::wit_parser::{Alignment, ArchitectureSize, Resolve, SizeAlign, Type};

use crate::context::Cx;
use crate::names::Scope;

/// What the generated code is a shim for.
pub(crate) enum Callee {
    /// A call out of the guest to an imported function.
    Import {
        /// The import's module name (`wasi:io/streams@0.2.12` or `$root`).
        wasm_module: String,
    },
    /// A call from the host into the guest's implementation `call(args)`.
    Export {
        call: TokenStream,
        /// An async export: the call is awaited, and the result goes back
        /// with `task.return` (imported from `task_return_module`).
        async_: bool,
        task_return_module: String,
        /// The size and alignment of the parameters when an async export
        /// receives them in memory, which it frees once they are lifted.
        indirect_params: Option<(usize, usize)>,
        /// A method: the first argument is a borrow whose `get()` is `&self`.
        method: bool,
        /// ... and whose `get_mut()` is `&mut self` (`mutable_resources`).
        method_mut: bool,
        /// A constructor of the resource at this path: the user's value is
        /// wrapped into a new handle (`fallible`: inside a `Result`).
        constructor: Option<(TokenStream, bool)>,
    },
    /// Only deallocation code (`cabi_post_*`), no call.
    PostReturn,
    /// Code that moves values to or from memory without a call: the
    /// payload functions of streams and futures, the pieces of an async
    /// import call, out-of-line lifting functions.
    Memory,
    /// An out-of-line lowering function (`outline.rs`) for the results of
    /// synchronous exports: what it lowers passes to the host.
    OwnedLowering,
    /// An out-of-line lowering function for the arguments of synchronous
    /// imports: what it lowers stays the caller's (lent for the call).
    BorrowedLowering,
    /// An out-of-line function lifting a value from its core values (the
    /// arguments of a synchronous export), run as an export of one
    /// parameter whose "call" returns the lifted argument.
    LiftFlat,
}

/// A finished block: its statements and the operands it left.
struct Block {
    body: TokenStream,
    /// The first store of the block (`outline.rs`).
    first_store: Option<outline::Store>,
    /// The function's effects when the block was opened.
    effects: outline::Effects,
    results: Vec<TokenStream>,
    elem: Ident,
    base: Ident,
    payload: Ident,
    key: Ident,
    value: Ident,
}

/// A statement; `let`s are kept apart so a trailing `let x = e; x` can be
/// folded into `e`.
enum Stmt {
    Let(Ident, TokenStream),
    Other(TokenStream),
}

impl quote::ToTokens for Stmt {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Stmt::Let(name, expr) => tokens.extend(quote!(let #name = #expr;)),
            Stmt::Other(stmt) => tokens.extend(stmt.clone()),
        }
    }
}

/// A block being written.
struct OpenBlock {
    stmts: Vec<Stmt>,
    /// A number no other block of the function has.
    serial: usize,
    first_store: Option<outline::Store>,
    effects: outline::Effects,
    /// The block is the body of a list's loop.
    in_loop: bool,
    elem: Ident,
    base: Ident,
    payload: Ident,
    /// A map entry's key and value, in a map's loop.
    key: Ident,
    value: Ident,
}

/// The body of one import wrapper, export shim or post-return function.
pub(crate) struct FnBindgen<'a, 'b> {
    cx: &'a Cx<'b>,
    /// Where the code is emitted, for type paths.
    scope: Scope,
    callee: Callee,
    params: Vec<TokenStream>,
    open: Vec<OpenBlock>,
    finished: Vec<Block>,
    counter: usize,
    /// Deallocations to run right after an import call returns.
    cleanup: Vec<TokenStream>,
    /// Whether nested blocks registered allocations at run time.
    needs_cleanup_list: bool,
    /// How many places register allocations at run time (`outline.rs`
    /// keeps code that adds one inline: the list is the caller's).
    cleanup_list_entries: usize,
    /// Largest return area requested (size, align) on wasm32.
    ret_area: Option<(usize, usize)>,
    /// The `_wit_import` declaration, emitted first in the function body.
    import_decl: TokenStream,
    /// Locals that must live for the whole function (borrowed handles).
    decls: Vec<TokenStream>,
    /// Whether exports need a static return area instead of a stack one.
    pub(crate) static_ret_area: bool,
    pub(crate) ret: Vec<TokenStream>,
    /// Whether an enum was lowered with `.clone()` (which copies out of a
    /// reference or a value alike); the caller then allows
    /// `clippy::clone_on_copy`.
    pub(crate) clones_enums: bool,
    /// Whether a value was lent to an out-of-line lowering function as
    /// `&value`, which may already be a reference (`outline.rs`); the
    /// caller then allows `clippy::needless_borrow`.
    lends: bool,
    /// Narrow integers widened to the `i32` the ABI works with (loads from
    /// memory, flags' bits): `i32::from(_l4)` → (`_l4`, its type), so that
    /// narrowing them again uses the narrow value instead of a second cast.
    widened: HashMap<String, (TokenStream, String)>,
    /// Where values lifted from memory were read (`outline.rs`).
    marks: HashMap<String, outline::Mark>,
    /// The type whose out-of-line lifting function this is.
    outlining: Option<wit_bindgen_core::wit_parser::TypeId>,
    /// Runs of core values in order (the arguments, the results of one
    /// `Bitcasts`), with the block they were made in (`outline.rs`).
    runs: Vec<(usize, Vec<TokenStream>)>,
    /// Where each core value is in `runs` (latest last).
    run_positions: HashMap<String, Vec<(usize, usize)>>,
}

impl<'a, 'b> FnBindgen<'a, 'b> {
    pub(crate) fn new(
        cx: &'a Cx<'b>,
        scope: Scope,
        callee: Callee,
        params: Vec<TokenStream>,
    ) -> Self {
        let mut bindgen = FnBindgen {
            cx,
            scope,
            callee,
            params,
            open: Vec::new(),
            finished: Vec::new(),
            counter: 0,
            cleanup: Vec::new(),
            needs_cleanup_list: false,
            cleanup_list_entries: 0,
            ret_area: None,
            import_decl: TokenStream::new(),
            decls: Vec::new(),
            static_ret_area: false,
            ret: Vec::new(),
            clones_enums: false,
            lends: false,
            widened: HashMap::new(),
            marks: HashMap::new(),
            outlining: None,
            runs: Vec::new(),
            run_positions: HashMap::new(),
        };
        bindgen.push_block();
        bindgen
    }

    /// The lints the generated code needs allowed (see `clones_enums`,
    /// `lends`).
    pub(crate) fn body_lints(&self) -> Vec<TokenStream> {
        let mut lints = Vec::new();
        if self.clones_enums {
            lints.push(quote!(clippy::clone_on_copy));
        }
        if self.lends {
            lints.push(quote!(clippy::needless_borrow));
        }
        lints
    }

    /// The generated statements, with the return area and cleanup list
    /// declared first; the returned value (if any) is in `self.ret`.
    pub(crate) fn into_body(mut self) -> TokenStream {
        let block = self
            .open
            .pop()
            .unwrap_or_else(|| unreachable!("the function block is open"));
        let stmts = block.stmts;
        let area = self.return_area_decl();
        let rt = &self.cx.rt;
        let cleanup_list = self
            .needs_cleanup_list
            .then(|| quote!(let mut _cleanup_list = #rt::Vec::<(*mut u8, usize, usize)>::new();));
        let import_decl = &self.import_decl;
        let decls = &self.decls;
        quote!(#import_decl #area #cleanup_list #(#decls)* #(#stmts)*)
    }

    /// The generated statements followed by `value` as the block's tail
    /// expression (a trailing `let value = e;` folded into `e`).
    pub(crate) fn into_body_returning(mut self, value: TokenStream) -> TokenStream {
        let value = self.take_trailing_let(value);
        let body = self.into_body();
        quote!(#body #value)
    }

    /// Binds the `unsafe` expression `expr` to a fresh local.
    pub(crate) fn bind_unsafe(&mut self, prefix: &str, expr: TokenStream) -> TokenStream {
        // SAFETY: every caller justifies its `expr` with a `// SAFETY:` comment at its
        // `bind_unsafe` call (enforced by `safety_comments.rs`); the block only wraps it.
        self.bind(prefix, quote!(unsafe { #expr }))
    }

    fn tmp(&mut self, prefix: &str) -> Ident {
        let [name] = self.tmps(&[prefix]);
        name
    }

    /// Fresh locals that belong together (`_vec3`, `_ptr3`, `_len3`):
    /// one number, one prefix each.
    fn tmps<const N: usize>(&mut self, prefixes: &[&str; N]) -> [Ident; N] {
        self.counter += 1;
        let n = self.counter;
        prefixes.map(|prefix| format_ident!("_{}{}", prefix, n))
    }

    fn block(&mut self) -> &mut OpenBlock {
        self.open
            .last_mut()
            .unwrap_or_else(|| unreachable!("a block is open"))
    }

    fn push(&mut self, stmt: TokenStream) {
        self.block().stmts.push(Stmt::Other(stmt));
    }

    /// Binds `expr` to a fresh local and returns the local.
    fn bind(&mut self, prefix: &str, expr: TokenStream) -> TokenStream {
        let name = self.tmp(prefix);
        self.block().stmts.push(Stmt::Let(name.clone(), expr));
        quote!(#name)
    }

    /// `value` itself when it can be repeated, else a local bound to it.
    fn simple(&mut self, prefix: &str, value: &TokenStream) -> TokenStream {
        if is_simple(value) {
            value.clone()
        } else {
            self.bind(prefix, value.clone())
        }
    }

    /// `value`, or the expression of the block's last `let` when that `let`
    /// only names `value` (avoids `let x = e; x`).
    fn take_trailing_let(&mut self, value: TokenStream) -> TokenStream {
        let block = self.block();
        if let Some(Stmt::Let(name, _)) = block.stmts.last() {
            if *name == value.to_string() {
                if let Some(Stmt::Let(_, expr)) = block.stmts.pop() {
                    return expr;
                }
            }
        }
        value
    }

    /// Declares a local at the top of the function.
    fn declare(&mut self, decl: TokenStream) {
        self.decls.push(decl);
    }

    /// Marks the current block as a list's loop body.
    fn mark_loop(&mut self) {
        self.block().in_loop = true;
    }

    /// Whether code is being emitted inside a list's loop.
    fn in_loop(&self) -> bool {
        self.open.iter().any(|block| block.in_loop)
    }

    fn pop_blocks(&mut self, n: usize) -> Vec<Block> {
        let at = self.finished.len() - n;
        self.finished.split_off(at)
    }

    fn pop_block(&mut self) -> Block {
        self.pop_blocks(1)
            .pop()
            .unwrap_or_else(|| unreachable!("the instruction's block was finished"))
    }

    /// The owned Rust spelling of `ty` in this function's scope.
    fn ty(&self, ty: &Type) -> TokenStream {
        crate::types::ty(self.cx, ty, crate::types::Style::Owned, self.scope)
    }

    /// The path to the named type `id` from this function's scope.
    fn type_path(&self, id: wit_bindgen_core::wit_parser::TypeId) -> TokenStream {
        self.cx.names.type_path(self.cx.resolve, id, self.scope)
    }

    /// The path to the definition of type `id` that is lowered here: the
    /// borrowed one for parameters of a (synchronous) import, which take
    /// `NameParam` when a type has two definitions.
    fn lowered_type_path(&self, id: wit_bindgen_core::wit_parser::TypeId) -> TokenStream {
        match self.callee {
            Callee::Import { .. } | Callee::BorrowedLowering => {
                self.cx
                    .names
                    .type_param_path(self.cx.resolve, id, self.scope)
            }
            Callee::Export { .. }
            | Callee::PostReturn
            | Callee::Memory
            | Callee::OwnedLowering
            | Callee::LiftFlat => self.type_path(id),
        }
    }

    fn rt(&self) -> TokenStream {
        self.cx.rt.clone()
    }

    /// Whether a list lowered with (`realloc`) or without a `realloc` is
    /// handed over: never in out-of-line code lowering import arguments
    /// (which `wit_bindgen_core::abi::lower_flat` runs with a `realloc`).
    fn passes_ownership(&self, realloc: bool) -> bool {
        realloc && !matches!(self.callee, Callee::BorrowedLowering)
    }

    /// The core value `op` as the integer type `target`, without a cast
    /// that undoes another: a widened load is used as loaded, `x as i32`
    /// becomes `x as target`, and an `i32` literal gets `target`'s suffix.
    fn narrow(&self, op: &TokenStream, target: &str) -> TokenStream {
        let target_ty = crate::ident::ident(target);
        if let Some((inner, ty)) = self.widened.get(&op.to_string()) {
            return if ty == target {
                inner.clone()
            } else {
                quote!(#inner as #target_ty)
            };
        }
        let tokens: Vec<proc_macro2::TokenTree> = op.clone().into_iter().collect();
        if let [proc_macro2::TokenTree::Literal(literal)] = tokens.as_slice() {
            if let Some(digits) = literal.to_string().strip_suffix("i32") {
                if let Ok(value) = digits.parse::<u64>() {
                    let text = format!("{value}{target}");
                    if let Ok(literal) = text.parse::<TokenStream>() {
                        return literal;
                    }
                }
            }
        }
        if let [init @ .., proc_macro2::TokenTree::Ident(as_), proc_macro2::TokenTree::Ident(i32_)] =
            tokens.as_slice()
        {
            if as_ == "as" && i32_ == "i32" && target != "u64" {
                let init: TokenStream = init.iter().cloned().collect();
                return quote!(#init as #target_ty);
            }
        }
        quote!(#op as #target_ty)
    }

    /// A widened load as its loaded value (a discriminant to match on).
    fn unwiden(&self, op: &TokenStream) -> TokenStream {
        match self.widened.get(&op.to_string()) {
            Some((inner, _)) => inner.clone(),
            None => op.clone(),
        }
    }
}

/// Whether `tokens` is a single identifier or literal, which can be used
/// repeatedly and needs no parentheses.
pub(crate) fn is_simple(tokens: &TokenStream) -> bool {
    let mut iter = tokens.clone().into_iter();
    matches!(
        (iter.next(), iter.next()),
        (
            Some(proc_macro2::TokenTree::Ident(_) | proc_macro2::TokenTree::Literal(_)),
            None
        )
    )
}

/// `x` for `&x`, anything else unchanged.
pub(crate) fn strip_borrow(tokens: &TokenStream) -> TokenStream {
    let mut iter = tokens.clone().into_iter();
    match (iter.next(), iter.next(), iter.next()) {
        (
            Some(proc_macro2::TokenTree::Punct(p)),
            Some(ident @ proc_macro2::TokenTree::Ident(_)),
            None,
        ) if p.as_char() == '&' => ident.into(),
        _ => tokens.clone(),
    }
}

/// `tokens`, parenthesized unless simple: the receiver of a method call.
pub(crate) fn receiver(tokens: &TokenStream) -> TokenStream {
    if is_simple(tokens) {
        tokens.clone()
    } else {
        quote!((#tokens))
    }
}

/// `count * size` in bytes, without a no-op `* 1`.
pub(crate) fn scaled(count: &TokenStream, size: usize) -> TokenStream {
    if size == 1 {
        count.clone()
    } else {
        let size = Literal::usize_unsuffixed(size);
        quote!(#count * #size)
    }
}

impl Bindgen for FnBindgen<'_, '_> {
    type Operand = TokenStream;

    fn emit(
        &mut self,
        _resolve: &Resolve,
        inst: &Instruction<'_>,
        operands: &mut Vec<TokenStream>,
        results: &mut Vec<TokenStream>,
    ) {
        use Instruction as I;
        let ops = operands.as_slice();
        let mark = match ops.first() {
            Some(first) if outline::is_lift(inst) => self.mark_of(first),
            _ => None,
        };
        match inst {
            I::GetArg { nth } => {
                let arg = self.params[*nth].clone();
                self.note_arg(*nth, &arg);
                results.push(arg);
            }
            I::I32Const { val } => {
                let val = Literal::i32_suffixed(*val);
                results.push(quote!(#val));
            }
            I::Bitcasts { casts } => {
                let rt = self.rt();
                for (cast, op) in casts.iter().zip(operands.drain(..)) {
                    let (value, is_unsafe) = lower::bitcast(cast, op, &rt);
                    // An `unsafe` value gets its own local, so that it is
                    // never nested in the `unsafe` block of its user.
                    results.push(if is_unsafe {
                        self.bind("c", value)
                    } else {
                        value
                    });
                }
                self.note_run(results);
            }
            I::ConstZero { tys } => results.extend(tys.iter().map(|ty| memory::zero(*ty))),
            I::I32Load { offset } => results.push(self.load(&ops[0], *offset, quote!(i32))),
            I::I32Load8U { offset } => {
                results.push(self.load_widened(&ops[0], *offset, quote!(u8)))
            }
            I::I32Load8S { offset } => {
                results.push(self.load_widened(&ops[0], *offset, quote!(i8)))
            }
            I::I32Load16U { offset } => {
                results.push(self.load_widened(&ops[0], *offset, quote!(u16)))
            }
            I::I32Load16S { offset } => {
                results.push(self.load_widened(&ops[0], *offset, quote!(i16)))
            }
            I::I64Load { offset } => results.push(self.load(&ops[0], *offset, quote!(i64))),
            I::F32Load { offset } => results.push(self.load(&ops[0], *offset, quote!(f32))),
            I::F64Load { offset } => results.push(self.load(&ops[0], *offset, quote!(f64))),
            I::PointerLoad { offset } => results.push(self.load(&ops[0], *offset, quote!(*mut u8))),
            I::LengthLoad { offset } => results.push(self.load(&ops[0], *offset, quote!(usize))),
            I::I32Store { offset } => self.store(&ops[1], *offset, quote!(i32), ops[0].clone()),
            I::I32Store8 { offset } => {
                let v = self.narrow(&ops[0], "u8");
                self.store(&ops[1], *offset, quote!(u8), v);
            }
            I::I32Store16 { offset } => {
                let v = self.narrow(&ops[0], "u16");
                self.store(&ops[1], *offset, quote!(u16), v);
            }
            I::I64Store { offset } => self.store(&ops[1], *offset, quote!(i64), ops[0].clone()),
            I::F32Store { offset } => self.store(&ops[1], *offset, quote!(f32), ops[0].clone()),
            I::F64Store { offset } => self.store(&ops[1], *offset, quote!(f64), ops[0].clone()),
            I::PointerStore { offset } => {
                self.store(&ops[1], *offset, quote!(*mut u8), ops[0].clone())
            }
            I::LengthStore { offset } => {
                self.store(&ops[1], *offset, quote!(usize), ops[0].clone())
            }
            I::I32FromChar
            | I::I32FromBool
            | I::I32FromU8
            | I::I32FromS8
            | I::I32FromU16
            | I::I32FromS16
            | I::I32FromU32
            | I::I32FromS32 => results.push(lower::as_core(&self.rt(), "as_i32", &ops[0])),
            I::I64FromU64 | I::I64FromS64 => {
                results.push(lower::as_core(&self.rt(), "as_i64", &ops[0]))
            }
            I::CoreF32FromF32 => results.push(lower::as_core(&self.rt(), "as_f32", &ops[0])),
            I::CoreF64FromF64 => results.push(lower::as_core(&self.rt(), "as_f64", &ops[0])),
            I::S8FromI32 => results.push(self.narrow(&ops[0], "i8")),
            I::U8FromI32 => results.push(self.narrow(&ops[0], "u8")),
            I::S16FromI32 => results.push(self.narrow(&ops[0], "i16")),
            I::U16FromI32 => results.push(self.narrow(&ops[0], "u16")),
            I::U32FromI32 => results.push(self.narrow(&ops[0], "u32")),
            I::U64FromI64 => results.push(self.narrow(&ops[0], "u64")),
            I::S32FromI32 | I::S64FromI64 | I::F32FromCoreF32 | I::F64FromCoreF64 => {
                results.push(ops[0].clone())
            }
            I::CharFromI32 => results.push(self.lift_char(&ops[0])),
            I::BoolFromI32 => results.push(self.lift_bool(&ops[0])),
            I::ListCanonLower { realloc, .. } => {
                let owned = self.passes_ownership(realloc.is_some());
                self.lower_canon_list(&ops[0], owned, false, results)
            }
            I::StringLower { realloc } => {
                let owned = self.passes_ownership(realloc.is_some());
                self.lower_canon_list(&ops[0], owned, true, results)
            }
            I::ListLower { element, realloc } => {
                let owned = self.passes_ownership(realloc.is_some());
                self.lower_list(element, &ops[0], owned, results)
            }
            I::ListCanonLift { element, .. } => self.lift_canon_list(element, ops, results),
            I::StringLift => self.lift_string(ops, results),
            I::ListLift { element, .. } => self.lift_list(element, &ops[0], &ops[1], results),
            I::IterElem { .. } => {
                self.mark_loop();
                let elem = self.block().elem.clone();
                results.push(quote!(#elem));
            }
            I::IterBasePointer => {
                self.mark_loop();
                let base = self.block().base.clone();
                results.push(quote!(#base));
            }
            I::RecordLower { record, ty, .. } => self.lower_record(record, *ty, &ops[0], results),
            I::RecordLift { record, ty, .. } => match self.outline_lift(*ty, mark.clone(), 0) {
                Some(value) => results.push(value),
                None => self.lift_record(record, *ty, ops, results),
            },
            I::HandleLower { handle, .. } => results.push(self.lower_handle(handle, &ops[0])),
            I::HandleLift { handle, .. } => {
                let lifted = self.lift_handle(handle, &ops[0]);
                results.push(lifted);
            }
            I::TupleLower { tuple, .. } => self.lower_tuple(tuple, &ops[0], results),
            I::TupleLift { .. } => {
                let values = ops.iter();
                results.push(quote!((#(#values,)*)));
            }
            I::FlagsLower { flags, .. } => {
                let op = receiver(&ops[0]);
                let bits = quote!(#op.bits());
                let widened = quote!(#bits as i32);
                let repr = crate::typedefs::flags_repr(flags).to_string();
                self.widened.insert(widened.to_string(), (bits, repr));
                results.push(widened);
            }
            I::FlagsLift { flags, ty, .. } => results.push(self.lift_flags(flags, *ty, &ops[0])),
            I::VariantPayloadName => {
                let payload = self.block().payload.clone();
                results.push(quote!(#payload));
            }
            I::VariantLower {
                variant,
                ty,
                results: flat,
                ..
            } => match self.outline_lower(*ty, &ops[0], flat, variant.cases.len()) {
                Some(values) => results.extend(values),
                None => self.lower_variant(variant, *ty, &ops[0], flat.len(), results),
            },
            I::VariantLift { variant, ty, .. } => {
                let cases = variant.cases.len();
                let outlined = match &mark {
                    Some(_) => self.outline_lift(*ty, mark.clone(), cases),
                    None => self.outline_lift_flat(*ty, &ops[0], cases),
                };
                match outlined {
                    Some(value) => results.push(value),
                    None => self.lift_variant(variant, *ty, &ops[0], results),
                }
            }
            I::EnumLower { .. } => {
                // `clone` copies out of a `&Enum` or an `Enum` alike.
                let op = receiver(&ops[0]);
                self.clones_enums = true;
                results.push(quote!(#op.clone() as i32));
            }
            I::EnumLift { enum_, ty, .. } => results.push(self.lift_enum(enum_, *ty, &ops[0])),
            I::OptionLower { results: flat, .. } => self.lower_option(&ops[0], flat.len(), results),
            I::OptionLift { .. } => self.lift_option(&ops[0], results),
            I::ResultLower {
                result,
                results: flat,
                ..
            } => self.lower_result(result, &ops[0], flat.len(), results),
            I::ResultLift { .. } => self.lift_result(&ops[0], results),
            I::CallWasm { name, sig } => {
                let ret = self.call_wasm(name, &sig.params, &sig.results, ops);
                results.extend(ret);
            }
            I::CallInterface { .. } if matches!(self.callee, Callee::LiftFlat) => {
                self.ret = vec![ops[0].clone()];
            }
            I::CallInterface { func, .. } => {
                if let Some(ret) = self.call_interface(func, ops) {
                    results.push(ret);
                }
            }
            I::Return { .. } if matches!(self.callee, Callee::LiftFlat) => {}
            I::Return { amt, .. } => self.return_values(&ops[..*amt]),
            I::Malloc { size, align, .. } => {
                let ptr = self.malloc(size.size_wasm32(), align.align_wasm32());
                results.push(ptr);
            }
            I::GuestDeallocate { size, align } => {
                self.free(&ops[0], size.size_wasm32(), align.align_wasm32())
            }
            I::GuestDeallocateString => self.free_string(&ops[0], &ops[1]),
            I::GuestDeallocateList { element } => self.free_list(element, &ops[0], &ops[1]),
            I::GuestDeallocateVariant { blocks } => self.free_variant(*blocks, &ops[0]),
            I::Flush { amt } => {
                for op in ops.iter().take(*amt) {
                    let flushed = self.simple("f", op);
                    results.push(flushed);
                }
            }
            I::MapLower {
                key,
                value,
                realloc,
            } => {
                let owned = self.passes_ownership(realloc.is_some());
                self.lower_map(key, value, &ops[0], owned, results)
            }
            I::MapLift { key, value, ty } => self.lift_map(key, value, *ty, ops, results),
            I::IterMapKey { .. } => {
                self.mark_loop();
                let key = self.block().key.clone();
                results.push(quote!(#key));
            }
            I::IterMapValue { .. } => {
                self.mark_loop();
                let value = self.block().value.clone();
                results.push(quote!(#value));
            }
            I::GuestDeallocateMap { key, value } => self.free_map(key, value, &ops[0], &ops[1]),
            I::FixedLengthListLift { .. } => {
                let elements = ops.iter();
                results.push(quote!([#(#elements),*]));
            }
            I::FixedLengthListLower { size, .. } => {
                let [array] = self.tmps(&["a"]);
                let elements: Vec<Ident> = (0..*size)
                    .map(|i| format_ident!("{}_{}", array, i))
                    .collect();
                let op = &ops[0];
                self.push(quote!(let [#(#elements),*] = #op;));
                results.extend(elements.iter().map(|e| quote!(#e)));
            }
            I::FixedLengthListLowerToMemory { element, .. } => {
                self.lower_array_to_memory(element, &ops[0], &ops[1])
            }
            I::FixedLengthListLiftFromMemory { element, size, .. } => {
                self.lift_array_from_memory(element, *size, &ops[0], results)
            }
            I::FutureLower { .. } | I::StreamLower { .. } => {
                let op = receiver(&strip_borrow(&ops[0]));
                results.push(quote!(#op.take_handle() as i32));
            }
            I::FutureLift { payload, .. } => {
                results.push(self.lift_future_or_stream(payload.as_ref(), false, &ops[0]))
            }
            I::StreamLift { payload, .. } => {
                results.push(self.lift_future_or_stream(payload.as_ref(), true, &ops[0]))
            }
            I::ErrorContextLower => results.push(self.lower_error_context(&ops[0])),
            I::ErrorContextLift => {
                let rt = self.rt();
                let op = self.narrow(&ops[0], "u32");
                results.push(quote!(#rt::async_support::ErrorContext::from_handle(#op)));
            }
            I::DropHandle { .. } => {
                let op = &ops[0];
                self.push(quote!(::core::mem::drop(#op);));
            }
            I::AsyncTaskReturn { name, params } => self.task_return(name, params, ops),
        }
        if let (Some(mark), Some(first)) = (mark, results.first()) {
            let first = first.clone();
            self.set_mark(&first, mark);
        }
    }

    fn return_pointer(&mut self, size: ArchitectureSize, align: Alignment) -> TokenStream {
        self.return_area(size.size_wasm32(), align.align_wasm32())
    }

    fn push_block(&mut self) {
        let [elem, base, key, value] = self.tmps(&["e", "base", "key", "value"]);
        let payload = elem.clone();
        let serial = self.counter;
        let effects = self.effects();
        self.open.push(OpenBlock {
            stmts: Vec::new(),
            serial,
            first_store: None,
            effects,
            in_loop: false,
            elem,
            base,
            payload,
            key,
            value,
        });
    }

    fn finish_block(&mut self, operands: &mut Vec<TokenStream>) {
        if let [value] = operands.as_mut_slice() {
            *value = self.take_trailing_let(value.clone());
        }
        let block = self
            .open
            .pop()
            .unwrap_or_else(|| unreachable!("a block is open"));
        let stmts = block.stmts;
        self.finished.push(Block {
            body: quote!(#(#stmts)*),
            first_store: block.first_store,
            effects: block.effects,
            results: std::mem::take(operands),
            elem: block.elem,
            base: block.base,
            payload: block.payload,
            key: block.key,
            value: block.value,
        });
    }

    fn sizes(&self) -> &SizeAlign {
        &self.cx.info.sizes
    }

    fn is_list_canonical(&self, _resolve: &Resolve, element: &Type) -> bool {
        self.cx.is_plain(element, self.scope)
    }
}

/// Whether values of `ty` are laid out in Rust as in the canonical ABI
/// (numbers), so that lists and streams of them are copied as they are.
pub(crate) fn is_canonical_element(ty: &Type) -> bool {
    match ty {
        Type::U8
        | Type::S8
        | Type::U16
        | Type::S16
        | Type::U32
        | Type::S32
        | Type::U64
        | Type::S64
        | Type::F32
        | Type::F64 => true,
        Type::Bool | Type::Char | Type::String | Type::ErrorContext | Type::Id(_) => false,
    }
}
