//! Post-return: freeing what the result of a synchronous export owns (its
//! strings and lists, at every depth) once the host has copied it.
//!
//! The walk is ours rather than `wit_bindgen_core::abi::post_return`, so
//! that a named record or variant is freed by one function of its own,
//! `_free_name(ptr)`, called wherever it occurs (`outline.rs`), instead of
//! inline once per path to it; small types stay inline. It frees exactly
//! what the export's lowering allocated: handles and other values own no
//! memory.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use wit_bindgen_core::wit_parser::{Int, Type, TypeDefKind, TypeId};

use super::memory::at_bytes as at;
use super::outlined::Dir;
use crate::context::Cx;
use crate::names::Scope;

/// Emits the statements freeing values in one function.
pub(super) struct Freer<'a, 'b> {
    cx: &'a Cx<'b>,
    scope: Scope,
    counter: usize,
    /// The type whose `_free_name` function this is.
    outlining: Option<TypeId>,
}

impl<'a, 'b> Freer<'a, 'b> {
    pub(super) fn new(cx: &'a Cx<'b>, scope: Scope, outlining: Option<TypeId>) -> Self {
        Freer {
            cx,
            scope,
            counter: 0,
            outlining,
        }
    }

    fn tmp(&mut self, prefix: &str) -> Ident {
        self.counter += 1;
        format_ident!("_{}{}", prefix, self.counter)
    }

    /// Statements freeing what the `ty` at `ptr + offset` owns.
    pub(super) fn free(&mut self, ty: &Type, ptr: &TokenStream, offset: usize) -> TokenStream {
        if !owns_memory(self.cx, ty) {
            return TokenStream::new();
        }
        let at = at(ptr, offset);
        let id = match ty {
            Type::String => return self.free_list(None, ptr, offset),
            Type::Id(id) => *id,
            _ => return TokenStream::new(),
        };
        if self.outlining != Some(id) && self.cx.resolve.types[id].name.is_some() {
            if let Some(name) = self.cx.outlined.borrow_mut().function(
                self.cx,
                self.scope,
                id,
                Dir::Free,
                &[],
                false,
            ) {
                return quote! {
                    // SAFETY: `#at` holds a value of this type that our lowering wrote (the export's
                    // result), which the host has copied and no one uses any more: `#name`'s
                    // contract.
                    unsafe { #name(#at) };
                };
            }
        }
        let sizes = &self.cx.info.sizes;
        match &self.cx.resolve.types[id].kind {
            TypeDefKind::Type(t) => self.free(t, ptr, offset),
            TypeDefKind::Record(r) => {
                let fields = sizes.field_offsets(r.fields.iter().map(|f| &f.ty));
                self.free_fields(
                    fields.iter().map(|(o, t)| (o.size_wasm32(), *t)),
                    ptr,
                    offset,
                )
            }
            TypeDefKind::Tuple(t) => {
                let fields = sizes.field_offsets(t.types.iter());
                self.free_fields(
                    fields.iter().map(|(o, t)| (o.size_wasm32(), *t)),
                    ptr,
                    offset,
                )
            }
            TypeDefKind::FixedLengthList(elem, n) => {
                let size = self.cx.info.size(elem);
                let fields = (0..*n as usize).map(|i| (i * size, elem));
                self.free_fields(fields, ptr, offset)
            }
            TypeDefKind::Variant(v) => {
                let cases: Vec<Option<&Type>> = v.cases.iter().map(|c| c.ty.as_ref()).collect();
                self.free_cases(v.tag(), &cases, ptr, offset)
            }
            TypeDefKind::Option(t) => self.free_cases(Int::U8, &[None, Some(t)], ptr, offset),
            TypeDefKind::Result(r) => {
                self.free_cases(Int::U8, &[r.ok.as_ref(), r.err.as_ref()], ptr, offset)
            }
            TypeDefKind::List(elem) => self.free_list(Some(&[*elem]), ptr, offset),
            TypeDefKind::Map(key, value) => self.free_list(Some(&[*key, *value]), ptr, offset),
            TypeDefKind::Resource
            | TypeDefKind::Handle(_)
            | TypeDefKind::Flags(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Future(_)
            | TypeDefKind::Stream(_)
            | TypeDefKind::Unknown => TokenStream::new(),
        }
    }

    fn free_fields<'t>(
        &mut self,
        fields: impl Iterator<Item = (usize, &'t Type)>,
        ptr: &TokenStream,
        offset: usize,
    ) -> TokenStream {
        let mut code = TokenStream::new();
        for (field, ty) in fields {
            code.extend(self.free(ty, ptr, offset + field));
        }
        code
    }

    /// A variant, option or result: the owned memory of its case.
    fn free_cases(
        &mut self,
        tag: Int,
        cases: &[Option<&Type>],
        ptr: &TokenStream,
        offset: usize,
    ) -> TokenStream {
        let payload = offset
            + self
                .cx
                .info
                .sizes
                .payload_offset(tag, cases.iter().copied())
                .size_wasm32();
        let arms: Vec<(Literal, TokenStream)> = cases
            .iter()
            .enumerate()
            .filter_map(|(i, case)| {
                let body = self.free((*case)?, ptr, payload);
                (!body.is_empty()).then(|| (Literal::usize_unsuffixed(i), body))
            })
            .collect();
        let repr = match tag {
            Int::U8 => quote!(u8),
            Int::U16 => quote!(u16),
            Int::U32 => quote!(u32),
            Int::U64 => quote!(u64),
        };
        let at = at(ptr, offset);
        // SAFETY: the discriminant our lowering wrote at `#at`, aligned for its type.
        let discriminant = quote!(unsafe { *#at.cast::<#repr>() });
        match arms.as_slice() {
            [] => TokenStream::new(),
            [(i, body)] => quote! {
                if #discriminant == #i {
                    #body
                }
            },
            // (`if`s nested in these are left as they are: `_free_name`
            // functions allow clippy's `collapsible_if`.)
            arms => {
                let arms = arms.iter().map(|(i, body)| quote!(#i => { #body }));
                quote! {
                    match #discriminant {
                        #(#arms)*
                        _ => {}
                    }
                }
            }
        }
    }

    /// A list (of a record of `fields`) or, without fields, a string: what
    /// its elements own, then its array.
    fn free_list(
        &mut self,
        fields: Option<&[Type]>,
        ptr: &TokenStream,
        offset: usize,
    ) -> TokenStream {
        let rt = &self.cx.rt;
        let [base, len] = [self.tmp("base"), self.tmp("len")];
        let (size, align, each) = match fields {
            None => (1, 1, TokenStream::new()),
            Some(fields) => {
                let offsets = self.cx.info.sizes.field_offsets(fields.iter());
                // A map's entry is laid out as a record of key and value.
                let element = self.cx.info.sizes.record(fields.iter());
                let (size, align) = (element.size.size_wasm32(), element.align.align_wasm32());
                let elem = self.tmp("elem");
                let elem_ptr = quote!(#elem);
                let body = self.free_fields(
                    offsets.iter().map(|(o, t)| (o.size_wasm32(), *t)),
                    &elem_ptr,
                    0,
                );
                let offset = super::scaled(&quote!(i), size);
                let each = (!body.is_empty()).then(|| {
                    quote! {
                        for i in 0..#len {
                            // SAFETY: `i < #len`, so element `i` starts inside the list's array.
                            let #elem = unsafe { #base.add(#offset) };
                            #body
                        }
                    }
                });
                (size, align, each.unwrap_or_default())
            }
        };
        let bytes = super::scaled(&quote!(#len), size);
        let align = Literal::usize_unsuffixed(align);
        let (at, at_len) = (at(ptr, offset), at(ptr, offset + 4));
        quote! {
            // SAFETY: the list's pointer and length our lowering wrote at `#at` (aligned).
            let #base = unsafe { *#at.cast::<*mut u8>() };
            // SAFETY: as above, the length after the pointer.
            let #len = unsafe { *#at_len.cast::<usize>() };
            #each
            // SAFETY: our lowering allocated the array with exactly `#len` elements of this size and
            // the element's alignment and handed it to the host, which has copied it; what its
            // elements own was freed above, so it is freed once, here.
            unsafe { #rt::cabi_dealloc(#base, #bytes, #align) };
        }
    }
}

/// The body of the post-return function of an export whose result `ty`
/// the host received at `ptr` (in memory).
pub(crate) fn post_return_body(cx: &Cx, scope: Scope, ty: &Type, ptr: &TokenStream) -> TokenStream {
    let body = Freer::new(cx, scope, None).free(ty, ptr, 0);
    if body.is_empty() {
        // Nothing to free (wit-bindgen-core counts `error-context` as
        // needing a post-return); the entry point stays.
        quote!(let _ = #ptr;)
    } else {
        body
    }
}

/// Whether a value of `ty` owns memory (a string or a list somewhere).
pub(super) fn owns_memory(cx: &Cx, ty: &Type) -> bool {
    match ty {
        Type::String => true,
        Type::Id(id) => match &cx.resolve.types[*id].kind {
            TypeDefKind::List(_) | TypeDefKind::Map(..) => true,
            TypeDefKind::Handle(_)
            | TypeDefKind::Resource
            | TypeDefKind::Future(_)
            | TypeDefKind::Stream(_) => false,
            _ => crate::info::children(cx.resolve, *id)
                .iter()
                .any(|child| owns_memory(cx, child)),
        },
        _ => false,
    }
}
