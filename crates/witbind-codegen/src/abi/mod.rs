//! The canonical ABI: a walk over the WIT type tree that writes the Rust
//! code moving values across the component boundary, in every direction.
//!
//! [`Gen`] holds the body of one function being written (statements,
//! fresh locals, what to free after a call, the return area). The walk is
//! four functions of it, each a match over the kind of a type:
//! `lift_mem` and `lift_flat` (`lift.rs`: memory or core values → a Rust
//! value, taking what it owns), `lower_flat` and `lower_mem` (`lower.rs`:
//! a Rust value → core values or memory, lent for a call or handed over),
//! and `free_mem`/`free_flat` (`free.rs`: what a lowering allocated,
//! released). At each named type worth it, the walk calls the type's own
//! function instead of going inside (`outlined.rs`: `_lift_name(ptr)`,
//! `_lower_name(&value, ptr)`, ...), which is written once, in the module
//! that defines the type, by the same walk. `call.rs` puts walks together
//! into whole functions: import wrappers, export shims, post-return, the
//! pieces of an async import call, stream and future payloads. `flat.rs`
//! has the core wasm values and types.
//!
//! wit-bindgen-core still provides the core signatures
//! (`Resolve::wasm_signature`), flat types and sizes.

mod call;
mod flat;
mod free;
mod lift;
mod lower;
mod outlined;

pub(crate) use call::{
    async_import_parts, export_shim, import_body, needs_post_return, payload_fns, post_return,
    AsyncImportParts, ExportCall, PayloadFns, Shim,
};
pub(crate) use flat::{core_params, extern_import, module_import_macro, wasm_type};
pub(crate) use outlined::{expand as expand_outlined, Outlined};

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use wit_bindgen_core::wit_parser::{Type, TypeId};

use crate::context::Cx;
use crate::names::{Outline, Scope};

/// How a value is lowered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lower {
    /// Lent to a synchronous import (its arguments): lists and strings
    /// point into the value, arrays made for it are freed after the call.
    /// Named types are spelled as parameters spell them (`NameParam` when
    /// a type has two definitions).
    Args,
    /// Lent until a call returns, as [`Lower::Args`], through the owned
    /// definitions: the result of an async export (`task.return`).
    Lent,
    /// Handed over: what the value owns moves into the lowered form, which
    /// a `free` walk releases later (results of synchronous exports, the
    /// arguments of async imports, stream and future payloads).
    Owned,
}

impl Lower {
    fn lends(self) -> bool {
        match self {
            Lower::Args | Lower::Lent => true,
            Lower::Owned => false,
        }
    }
}

/// Where the arrays a lent lowering allocates are registered, to be freed
/// after the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum List {
    /// No `_cleanup_list` (yet).
    Unused,
    /// `let mut _cleanup_list` of this function.
    Local,
    /// The caller's, a parameter of this out-of-line lowering.
    Param,
}

/// Lints the generated body needs allowed.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Lints {
    /// An enum was lowered with `.clone()`, which copies out of a
    /// reference or a value alike.
    pub(crate) clone_on_copy: bool,
    /// A value was lent to an out-of-line lowering as `&value`, which may
    /// already be a reference.
    pub(crate) needless_borrow: bool,
}

impl Lints {
    /// The lints as paths for `#[allow(..)]`.
    pub(crate) fn paths(self) -> Vec<TokenStream> {
        let mut lints = Vec::new();
        if self.clone_on_copy {
            lints.push(quote!(clippy::clone_on_copy));
        }
        if self.needless_borrow {
            lints.push(quote!(clippy::needless_borrow));
        }
        lints
    }
}

/// A statement; `let`s are kept apart so a trailing `let x = e; x` can be
/// folded into `e`, and consecutive unsafe statements share one block.
enum Stmt {
    Let(Ident, TokenStream),
    Other(TokenStream),
    /// Statements (without their `;`) inside `unsafe { .. }`.
    Unsafe(Vec<TokenStream>),
}

impl Stmt {
    /// Appends the statement to `tokens`, moving its tokens (no copy).
    fn append_to(self, tokens: &mut TokenStream) {
        match self {
            Stmt::Let(name, expr) => {
                tokens.extend(quote!(let #name =));
                tokens.extend(expr);
                tokens.extend(quote!(;));
            }
            Stmt::Other(stmt) => tokens.extend(stmt),
            Stmt::Unsafe(stmts) => {
                let single = stmts.len() == 1;
                let mut body = TokenStream::new();
                for stmt in stmts {
                    body.extend(stmt);
                    if !single {
                        body.extend(quote!(;));
                    }
                }
                tokens.extend(crate::tokens::with_block(quote!(unsafe), body));
                if single {
                    tokens.extend(quote!(;));
                }
            }
        }
    }
}

/// The body of one generated function being written.
pub(crate) struct Gen<'a, 'b> {
    pub(crate) cx: &'a Cx<'b>,
    /// The module the code is in, for paths.
    pub(crate) scope: Scope,
    /// The out-of-line functions the bindings use.
    out: &'a mut Outlined,
    counter: usize,
    /// The statements of the block being written.
    stmts: Vec<Stmt>,
    /// How many blocks (match arms, loop bodies) the code is inside.
    depth: usize,
    /// How many of them are loop bodies.
    loops: usize,
    /// Locals of the whole function (borrowed handles an export lends).
    decls: Vec<TokenStream>,
    /// Statements freeing what a lent lowering allocated, for after the
    /// call.
    after_call: Vec<TokenStream>,
    list: List,
    /// The largest return area asked for (size, align).
    ret_area: Option<(usize, usize)>,
    /// Whether the return area is a `static` (exports: the results must
    /// outlive the shim) rather than on the stack.
    pub(crate) static_ret_area: bool,
    pub(crate) lints: Lints,
    /// The type (and direction) whose out-of-line function this is: its top
    /// is written inline, not as a call to itself.
    outlining: Option<(TypeId, Outline)>,
}

impl<'a, 'b> Gen<'a, 'b> {
    pub(crate) fn new(cx: &'a Cx<'b>, scope: Scope, out: &'a mut Outlined) -> Self {
        Gen {
            cx,
            scope,
            out,
            counter: 0,
            stmts: Vec::new(),
            depth: 0,
            loops: 0,
            decls: Vec::new(),
            after_call: Vec::new(),
            list: List::Unused,
            ret_area: None,
            static_ret_area: false,
            lints: Lints::default(),
            outlining: None,
        }
    }

    fn rt(&self) -> TokenStream {
        self.cx.rt.clone()
    }

    /// Fresh locals that belong together (`_vec3`, `_ptr3`, `_len3`): one
    /// number, one prefix each.
    fn tmps<const N: usize>(&mut self, prefixes: [&str; N]) -> [Ident; N] {
        self.counter += 1;
        let n = self.counter;
        prefixes.map(|prefix| format_ident!("_{}{}", prefix, n))
    }

    fn tmp(&mut self, prefix: &str) -> Ident {
        let [name] = self.tmps([prefix]);
        name
    }

    /// Appends a statement.
    fn push(&mut self, stmt: TokenStream) {
        self.stmts.push(Stmt::Other(stmt));
    }

    /// Appends a statement that needs `unsafe` (without its `;`; with no
    /// `unsafe` block of its own), in the block of the statement before
    /// when that one needs it too. The SAFETY comment is the caller's.
    fn push_unsafe(&mut self, stmt: TokenStream) {
        if let Some(Stmt::Unsafe(stmts)) = self.stmts.last_mut() {
            stmts.push(stmt);
        } else {
            self.stmts.push(Stmt::Unsafe(vec![stmt]));
        }
    }

    /// Binds `expr` to a fresh local and returns the local.
    pub(crate) fn bind(&mut self, prefix: &str, expr: TokenStream) -> TokenStream {
        let name = self.tmp(prefix);
        self.stmts.push(Stmt::Let(name.clone(), expr));
        quote!(#name)
    }

    /// Binds the `unsafe` expression `expr` to a fresh local (so that it is
    /// never nested in the `unsafe` block of its user).
    pub(crate) fn bind_unsafe(&mut self, prefix: &str, expr: TokenStream) -> TokenStream {
        // SAFETY: every caller justifies its `expr` with a `// SAFETY:` comment at its
        // `bind_unsafe` call (enforced by `safety_comments.rs`); the block only wraps it.
        self.bind(prefix, quote!(unsafe { #expr }))
    }

    /// Writes a nested block (a match arm, a loop body) with `f`: its
    /// statements and what `f` returned.
    fn block<R>(&mut self, in_loop: bool, f: impl FnOnce(&mut Self) -> R) -> (TokenStream, R) {
        let outer = std::mem::take(&mut self.stmts);
        self.depth += 1;
        self.loops += usize::from(in_loop);
        let value = f(self);
        self.depth -= 1;
        self.loops -= usize::from(in_loop);
        let stmts = std::mem::replace(&mut self.stmts, outer);
        (stmts_tokens(stmts), value)
    }

    /// Like [`Gen::block`], for a block whose value is the expression `f`
    /// returns: `{ stmts value }` (a trailing `let x = e; x` folded).
    fn block_value(
        &mut self,
        in_loop: bool,
        f: impl FnOnce(&mut Self) -> TokenStream,
    ) -> TokenStream {
        let outer = std::mem::take(&mut self.stmts);
        self.depth += 1;
        self.loops += usize::from(in_loop);
        let value = f(self);
        let value = self.take_trailing_let(value);
        self.depth -= 1;
        self.loops -= usize::from(in_loop);
        let stmts = std::mem::replace(&mut self.stmts, outer);
        if stmts.is_empty() {
            value
        } else {
            let mut body = stmts_tokens(stmts);
            body.extend(value);
            crate::tokens::with_block(TokenStream::new(), body)
        }
    }

    /// `value`, or the expression of the last `let` when that `let` only
    /// names `value` (avoids `let x = e; x`).
    fn take_trailing_let(&mut self, value: TokenStream) -> TokenStream {
        if let Some(Stmt::Let(name, _)) = self.stmts.last() {
            if is_ident(&value, name) {
                if let Some(Stmt::Let(_, expr)) = self.stmts.pop() {
                    return expr;
                }
            }
        }
        value
    }

    /// Declares a local of the whole function.
    fn declare(&mut self, decl: TokenStream) {
        self.decls.push(decl);
    }

    /// Takes the statements written so far (to wrap them in a block of the
    /// caller's, with the function's declarations first).
    fn take_stmts(&mut self) -> TokenStream {
        let mut tokens: TokenStream = std::mem::take(&mut self.decls).into_iter().collect();
        tokens.extend(stmts_tokens(std::mem::take(&mut self.stmts)));
        tokens
    }

    /// The statements freeing what lent lowerings allocated, for after the
    /// call (the runtime cleanup list last).
    fn take_after_call(&mut self) -> TokenStream {
        let stmts = std::mem::take(&mut self.after_call);
        let rt = self.rt();
        let list = (self.list == List::Local).then(|| {
            quote! {
                for (ptr, size, align) in _cleanup_list {
                    // SAFETY: each entry is an array that `rt::alloc_list` made for this call's
                    // lent values, with its exact size and alignment (`free_after_call`); the call
                    // has returned, so the host no longer reads it, and each is freed once.
                    unsafe { #rt::cabi_dealloc(ptr, size, align) };
                }
            }
        });
        quote!(#(#stmts)* #list)
    }

    /// The generated statements, with the return area and the cleanup
    /// list declared first, then `tail` (a trailing `let x = e; x` folded).
    pub(crate) fn finish(mut self, tail: TokenStream) -> TokenStream {
        let tail = self.take_trailing_let(tail);
        let area = self.return_area_decl();
        let rt = self.rt();
        let list = (self.list == List::Local)
            .then(|| quote!(let mut _cleanup_list = #rt::Vec::<(*mut u8, usize, usize)>::new();));
        let mut body = TokenStream::new();
        body.extend(area);
        body.extend(list);
        body.extend(self.decls);
        body.extend(stmts_tokens(self.stmts));
        body.extend(tail);
        body
    }

    /// The owned Rust spelling of `ty` here.
    fn ty(&self, ty: &Type) -> TokenStream {
        crate::types::ty(self.cx, ty, crate::types::Style::Owned, self.scope)
    }

    /// The path to the named type `id` from here, as `mode` spells it.
    fn type_path(&self, id: TypeId, mode: Lower) -> TokenStream {
        match mode {
            Lower::Args => self
                .cx
                .names
                .type_param_path(self.cx.resolve, id, self.scope),
            Lower::Lent | Lower::Owned => self.cx.names.type_path(self.cx.resolve, id, self.scope),
        }
    }

    /// The path to the owned definition of named type `id` from here.
    fn owned_path(&self, id: TypeId) -> TokenStream {
        self.cx.names.type_path(self.cx.resolve, id, self.scope)
    }

    /// Frees `array` (`bytes` bytes aligned to `align`), which a lent
    /// lowering allocated, once the call has returned.
    fn free_after_call(&mut self, array: &Ident, bytes: TokenStream, align: Literal) {
        let rt = self.rt();
        if self.depth > 0 || self.list == List::Param {
            // Inside a match arm or a loop (or an out-of-line lowering): the
            // array's local is gone when the call returns, so it is
            // registered at run time.
            if self.list == List::Unused {
                self.list = List::Local;
            }
            self.push(quote!(_cleanup_list.push((#array, #bytes, #align));));
        } else {
            self.after_call.push(quote! {
                // SAFETY: `#array` was allocated for this call by `rt::alloc_list` with `#bytes`
                // bytes aligned to `#align` (the same expressions) and lent to the host; the call
                // has returned, so nothing uses it any more, and it is freed once.
                unsafe { #rt::cabi_dealloc(#array, #bytes, #align) };
            });
        }
    }

    /// The cleanup list to hand to an out-of-line lowering that registers
    /// arrays in it.
    fn list_arg(&mut self) -> TokenStream {
        match self.list {
            List::Param => quote!(_cleanup_list),
            List::Unused | List::Local => {
                self.list = List::Local;
                quote!(&mut _cleanup_list)
            }
        }
    }

    /// A pointer to this function's return area, at least `size` bytes
    /// aligned to `align`: static for exports (results stay valid until
    /// post-return), on the stack otherwise.
    pub(crate) fn return_area(&mut self, size: usize, align: usize) -> TokenStream {
        let (old_size, old_align) = self.ret_area.unwrap_or((0, 1));
        self.ret_area = Some((old_size.max(size), old_align.max(align)));
        if self.static_ret_area {
            // Only the address of the static is taken, no reference. Its one
            // user is this export: the host copies a synchronous export's
            // results before anything else runs in the component (then
            // post-return), and an async export writes its results and calls
            // `task.return` without awaiting in between, so no two uses
            // overlap (wasm32 guests are single-threaded).
            self.bind("ptr", quote!((&raw mut _RET_AREA).cast::<u8>()))
        } else {
            self.bind("ptr", quote!(_ret_area.as_mut_ptr().cast::<u8>()))
        }
    }

    /// The declaration of the return area, if one was asked for: an array
    /// of the unsigned integer as aligned as it must be, uninitialized.
    fn return_area_decl(&self) -> TokenStream {
        let Some((size, align)) = self.ret_area else {
            return TokenStream::new();
        };
        let words = Literal::usize_unsuffixed(size.div_ceil(align));
        let word = match align {
            1 => quote!(u8),
            2 => quote!(u16),
            4 => quote!(u32),
            _ => quote!(u64),
        };
        let array = quote!([#word; #words]);
        if self.static_ret_area {
            quote! {
                static mut _RET_AREA: ::core::mem::MaybeUninit<#array> =
                    ::core::mem::MaybeUninit::uninit();
            }
        } else {
            quote!(let mut _ret_area = ::core::mem::MaybeUninit::<#array>::uninit();)
        }
    }

    /// A value of memory type `ty` (a number or pointer) read at
    /// `base + offset`.
    fn load(&mut self, base: &TokenStream, offset: usize, ty: TokenStream) -> TokenStream {
        let at = at(base, offset);
        // SAFETY: `#base` points at a value in canonical layout that holds a `#ty` at this offset:
        // import results in the return area or async call memory, arguments passed indirectly, list
        // elements and payloads (written by the host), or what our own lowering wrote (post-return,
        // freeing lists). The canonical ABI aligns each field for its type and only the fields of
        // the value's actual case are read, so the read is in bounds, aligned and initialized;
        // `#ty` is a number or pointer, valid for any bits.
        self.bind("l", quote!(unsafe { *#at.cast::<#ty>() }))
    }

    /// Writes `value` of memory type `ty` at `base + offset`.
    fn store(&mut self, base: &TokenStream, offset: usize, ty: TokenStream, value: TokenStream) {
        let at = at(base, offset);
        // SAFETY: `#base` points at memory with room for the value being lowered in canonical layout
        // (a return area or async call memory sized for it, an array allocated for a list, a
        // payload cell, or an indirect parameters area), and the field at this offset is aligned
        // for `#ty`, a number or pointer that needs no drop.
        self.push_unsafe(quote!(*#at.cast::<#ty>() = #value));
    }

    /// `base + offset` as a local (the base of a value's fields), or
    /// `base` itself at offset zero.
    fn offset_base(&mut self, base: &TokenStream, offset: usize) -> TokenStream {
        if offset == 0 {
            return base.clone();
        }
        let at = at(base, offset);
        // SAFETY: `#at` is the start of a value inside the memory `#base` points at (a field's
        // offset within the enclosing value), so the pointer stays inside that memory.
        self.bind_unsafe("base", quote!(#at))
    }
}

/// The statements as tokens, moved (not copied).
fn stmts_tokens(stmts: Vec<Stmt>) -> TokenStream {
    let mut tokens = TokenStream::new();
    for stmt in stmts {
        stmt.append_to(&mut tokens);
    }
    tokens
}

/// Whether `tokens` is just the identifier `name` (without formatting
/// the tokens: they may be a long expression).
fn is_ident(tokens: &TokenStream, name: &Ident) -> bool {
    let mut tokens = tokens.clone().into_iter();
    match (tokens.next(), tokens.next()) {
        (Some(proc_macro2::TokenTree::Ident(ident)), None) => ident == *name,
        _ => false,
    }
}

/// `ptr.add(offset)`, or just `ptr` at offset zero (used inside `unsafe`).
pub(crate) fn at(ptr: &TokenStream, offset: usize) -> TokenStream {
    match offset {
        0 => quote!(#ptr),
        n => {
            let n = Literal::usize_unsuffixed(n);
            quote!(#ptr.add(#n))
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
fn strip_borrow(tokens: &TokenStream) -> TokenStream {
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
fn receiver(tokens: &TokenStream) -> TokenStream {
    if is_simple(tokens) {
        tokens.clone()
    } else {
        quote!((#tokens))
    }
}

/// `count * size` in bytes, without a no-op `* 1`.
fn scaled(count: &TokenStream, size: usize) -> TokenStream {
    if size == 1 {
        count.clone()
    } else {
        let size = Literal::usize_unsuffixed(size);
        quote!(#count * #size)
    }
}
