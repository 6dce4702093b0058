//! Lowering: Rust values → core wasm values and guest memory.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use wit_bindgen_core::abi::Bitcast;
use wit_bindgen_core::wit_parser::{Handle, Record, Result_, Tuple, Type, TypeId, Variant};

use super::{receiver, scaled, strip_borrow, Block, FnBindgen};
use crate::ident::{camel, snake};

/// `rt::as_i32(op)` and friends: a Rust scalar, or a reference to one, as
/// a core wasm value.
pub(super) fn as_core(rt: &TokenStream, function: &str, op: &TokenStream) -> TokenStream {
    let function = crate::ident::ident(function);
    quote!(#rt::#function(#op))
}

impl FnBindgen<'_, '_> {
    /// Destructures a record into one local per field.
    pub(super) fn lower_record(
        &mut self,
        record: &Record,
        ty: TypeId,
        op: &TokenStream,
        results: &mut Vec<TokenStream>,
    ) {
        let path = self.lowered_type_path(ty);
        let fields: Vec<_> = record.fields.iter().map(|f| snake(&f.name)).collect();
        let vars: Vec<_> = fields.iter().map(|_| self.tmp("f")).collect();
        self.push(quote!(let #path { #(#fields: #vars),* } = #op;));
        results.extend(vars.iter().map(|v| quote!(#v)));
    }

    /// Destructures a tuple into one local per element.
    pub(super) fn lower_tuple(
        &mut self,
        tuple: &Tuple,
        op: &TokenStream,
        results: &mut Vec<TokenStream>,
    ) {
        let vars: Vec<_> = tuple.types.iter().map(|_| self.tmp("t")).collect();
        self.push(quote!(let (#(#vars,)*) = #op;));
        results.extend(vars.iter().map(|v| quote!(#v)));
    }

    /// A handle as an `i32`: moved out for `own`, lent for `borrow`.
    pub(super) fn lower_handle(&mut self, handle: &Handle, op: &TokenStream) -> TokenStream {
        let rt = self.rt();
        // Field access auto-dereferences: `&value` needs no borrow.
        let op = receiver(&strip_borrow(op));
        let (Handle::Own(resource) | Handle::Borrow(resource)) = handle;
        let remapped = self
            .cx
            .names
            .is_remapped(self.cx.resolve, *resource, self.scope);
        match (handle, remapped) {
            (Handle::Own(_), false) => quote!(#rt::ResourceHandle::take_handle(&#op.handle) as i32),
            (Handle::Borrow(_), false) => quote!(#rt::ResourceHandle::handle(&#op.handle) as i32),
            // Types from elsewhere only offer wit-bindgen's methods.
            (Handle::Own(_), true) => quote!(#op.take_handle() as i32),
            (Handle::Borrow(_), true) => quote!(#op.handle() as i32),
        }
    }

    pub(super) fn lower_variant(
        &mut self,
        variant: &Variant,
        ty: TypeId,
        op: &TokenStream,
        flat: usize,
        results: &mut Vec<TokenStream>,
    ) {
        let path = self.lowered_type_path(ty);
        let blocks = self.pop_blocks(variant.cases.len());
        let patterns: Vec<TokenStream> = variant
            .cases
            .iter()
            .zip(&blocks)
            .map(|(case, block)| {
                let name = camel(&case.name);
                let payload = &block.payload;
                match case.ty {
                    Some(_) => quote!(#path::#name(#payload)),
                    None => quote!(#path::#name),
                }
            })
            .collect();
        self.lower_match(op, patterns, blocks, flat, results);
    }

    pub(super) fn lower_option(
        &mut self,
        op: &TokenStream,
        flat: usize,
        results: &mut Vec<TokenStream>,
    ) {
        let blocks = self.pop_blocks(2);
        let some = &blocks[1].payload;
        let patterns = vec![
            quote!(::core::option::Option::None),
            quote!(::core::option::Option::Some(#some)),
        ];
        self.lower_match(op, patterns, blocks, flat, results);
    }

    pub(super) fn lower_result(
        &mut self,
        result: &Result_,
        op: &TokenStream,
        flat: usize,
        results: &mut Vec<TokenStream>,
    ) {
        let blocks = self.pop_blocks(2);
        let ok = match result.ok {
            Some(_) => {
                let p = &blocks[0].payload;
                quote!(::core::result::Result::Ok(#p))
            }
            None => quote!(::core::result::Result::Ok(_)),
        };
        let err = match result.err {
            Some(_) => {
                let p = &blocks[1].payload;
                quote!(::core::result::Result::Err(#p))
            }
            None => quote!(::core::result::Result::Err(_)),
        };
        self.lower_match(op, vec![ok, err], blocks, flat, results);
    }

    /// `match value { pattern => { body; (results) } }` bound to fresh locals.
    fn lower_match(
        &mut self,
        value: &TokenStream,
        patterns: Vec<TokenStream>,
        blocks: Vec<Block>,
        n: usize,
        results: &mut Vec<TokenStream>,
    ) {
        let arms = patterns.into_iter().zip(blocks).map(|(pattern, block)| {
            let body = block.body;
            let values = block.results;
            let value = match values.len() {
                0 => TokenStream::new(),
                1 => quote!(#(#values)*),
                _ => quote!((#(#values),*)),
            };
            quote!(#pattern => { #body #value })
        });
        let matched = quote!(match #value { #(#arms)* });
        let vars: Vec<_> = match n {
            0 => {
                self.push(quote!(#matched;));
                Vec::new()
            }
            1 => vec![self.bind("v", matched)],
            _ => {
                let vars: Vec<_> = (0..n).map(|_| self.tmp("v")).collect();
                self.push(quote!(let (#(#vars),*) = #matched;));
                vars.iter().map(|v| quote!(#v)).collect()
            }
        };
        results.extend(vars);
    }

    /// A list whose Rust layout is its canonical ABI layout (numbers, and
    /// strings as bytes): pass a pointer to it, handing ownership over when
    /// the receiver frees it (`owned`: results of exports).
    pub(super) fn lower_canon_list(
        &mut self,
        value: &TokenStream,
        owned: bool,
        string: bool,
        results: &mut Vec<TokenStream>,
    ) {
        let [vec, ptr, len] = self.tmps(&["vec", "ptr", "len"]);
        if owned {
            let boxed = if string && !self.cx.opts.raw_strings {
                quote!((#value).into_bytes().into_boxed_slice())
            } else {
                quote!((#value).into_boxed_slice())
            };
            // `Box::into_raw`, not `as_ptr` and `forget`: moving the box
            // into `forget` would invalidate a pointer borrowed from it
            // (Stacked Borrows, as Miri checks).
            let rt = self.rt();
            self.push(quote! {
                let #vec = #boxed;
                let #len = #vec.len();
                let #ptr = #rt::Box::into_raw(#vec).cast::<u8>();
            });
        } else {
            self.push(quote! {
                let #vec = #value;
                let #ptr = #vec.as_ptr().cast::<u8>().cast_mut();
                let #len = #vec.len();
            });
        }
        results.push(quote!(#ptr));
        results.push(quote!(#len));
    }

    /// Any other list: allocate an array in canonical layout and write each
    /// element with the block's code.
    pub(super) fn lower_list(
        &mut self,
        element: &Type,
        value: &TokenStream,
        owned: bool,
        results: &mut Vec<TokenStream>,
    ) {
        let block = self.pop_block();
        let rt = self.rt();
        let (size, align) = (self.cx.info.size(element), self.cx.info.align(element));
        let [vec, len, array] = self.tmps(&["vec", "len", "array"]);
        let align_lit = Literal::usize_unsuffixed(align);
        let size_lit = Literal::usize_unsuffixed(size);
        let bytes = scaled(&quote!(#len), size);
        let offset = scaled(&quote!(i), size);
        let Block {
            body, elem, base, ..
        } = block;
        // A borrowed list may be behind several references (`&&[&str]`
        // inside a borrowed `list<list<string>>`): `iter` sees through them.
        let elements = if owned {
            quote!(::core::iter::IntoIterator::into_iter(#vec))
        } else {
            quote!(#vec.iter())
        };
        self.push(quote! {
            let #vec = #value;
            let #len = #vec.len();
            // SAFETY: `#align_lit` is the element's canonical ABI alignment, a power of two
            // (`rt::alloc_list`'s only requirement).
            let #array = unsafe { #rt::alloc_list(#len, #size_lit, #align_lit) };
            for (i, #elem) in #elements.enumerate() {
                // SAFETY: a `Vec` or slice yields exactly its `len()` elements, so `i < #len` and
                // element `i` starts inside the `#len * size`-byte array allocated above.
                let #base = unsafe { #array.add(#offset) };
                #body
            }
        });
        if !owned {
            self.free_after_call(quote!(#array), bytes, align_lit);
        }
        results.push(quote!(#array));
        results.push(quote!(#len));
    }

    /// Frees `array` (`bytes` bytes aligned to `align`) once the call has
    /// returned.
    pub(super) fn free_after_call(
        &mut self,
        array: TokenStream,
        bytes: TokenStream,
        align: Literal,
    ) {
        let rt = self.rt();
        if self.open.len() > 1 || matches!(self.callee, super::Callee::BorrowedLowering) {
            // Inside another list's loop (or an out-of-line lowering): the
            // array's local goes out of scope before the call returns, so
            // register it at run time.
            self.needs_cleanup_list = true;
            self.cleanup_list_entries += 1;
            self.push(quote!(_cleanup_list.push((#array, #bytes, #align));));
        } else {
            self.cleanup
                // SAFETY: `#array` was allocated for this call by `rt::alloc(#bytes, #align)` (the
                // same expressions) and lent to the host; the call has returned, so nothing uses it
                // any more, and it is freed once.
                .push(quote!(unsafe { #rt::cabi_dealloc(#array, #bytes, #align) };));
        }
    }

    /// An error context as its handle. The value stays the caller's
    /// (passing an error context copies it), except in the result of a
    /// synchronous export, where it must outlive the shim: the handle is
    /// kept (not dropped), as there is no later point to drop it at.
    pub(super) fn lower_error_context(&mut self, op: &TokenStream) -> TokenStream {
        let rt = self.rt();
        match &self.callee {
            super::Callee::Export { async_: false, .. } | super::Callee::OwnedLowering => {
                quote!(#rt::async_support::ErrorContext::into_handle(#op) as i32)
            }
            super::Callee::Import { .. }
            | super::Callee::Export { async_: true, .. }
            | super::Callee::PostReturn
            | super::Callee::Memory
            | super::Callee::BorrowedLowering
            | super::Callee::LiftFlat => {
                let op = receiver(op);
                quote!(#op.handle() as i32)
            }
        }
    }
}

/// A reinterpretation between core wasm value types, and whether it is an
/// `unsafe` block.
pub(super) fn bitcast(cast: &Bitcast, op: TokenStream, rt: &TokenStream) -> (TokenStream, bool) {
    let value = match cast {
        Bitcast::None => op,
        Bitcast::F32ToI32 => quote!((#op).to_bits() as i32),
        Bitcast::F64ToI64 => quote!((#op).to_bits() as i64),
        Bitcast::I32ToI64 => quote!(i64::from(#op)),
        Bitcast::F32ToI64 => quote!(i64::from((#op).to_bits())),
        Bitcast::I32ToF32 => quote!(f32::from_bits((#op) as u32)),
        Bitcast::I64ToF64 => quote!(f64::from_bits((#op) as u64)),
        Bitcast::I64ToI32 => quote!((#op) as i32),
        Bitcast::I64ToF32 => quote!(f32::from_bits((#op) as u32)),
        // SAFETY: a joined `pointer-or-i64` slot is always initialized: it is a core `i64` from the
        // host, `MaybeUninit::new` (`I64ToP64`), `ptr_to_p64`, or `MaybeUninit::zeroed`
        // (`ConstZero`).
        Bitcast::P64ToI64 => return (quote!(unsafe { (#op).assume_init() } as i64), true),
        Bitcast::I64ToP64 => quote!(::core::mem::MaybeUninit::new((#op) as u64)),
        // SAFETY: the slot holds a value from the host or our own lowering (`ptr_to_p64`, or an
        // initialized `MaybeUninit` as above): `p64_to_ptr`'s contract.
        Bitcast::P64ToP => return (quote!(unsafe { #rt::p64_to_ptr(#op) }), true),
        Bitcast::PToP64 => quote!(#rt::ptr_to_p64(#op)),
        Bitcast::I32ToP => quote!((#op) as usize as *mut u8),
        Bitcast::PToI32 => quote!((#op) as usize as i32),
        Bitcast::PToL | Bitcast::I32ToL | Bitcast::I64ToL => quote!((#op) as usize),
        Bitcast::LToP => quote!((#op) as *mut u8),
        Bitcast::LToI32 => quote!((#op) as i32),
        Bitcast::LToI64 => quote!((#op) as i64),
        Bitcast::Sequence(pair) => {
            let [first, second] = &**pair;
            let (inner, first_unsafe) = bitcast(first, op, rt);
            let (outer, second_unsafe) = bitcast(second, inner, rt);
            return (outer, first_unsafe || second_unsafe);
        }
    };
    (value, false)
}
