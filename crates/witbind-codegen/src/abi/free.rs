//! Freeing what a handed-over lowering allocated ([`Lower::Owned`]): the
//! strings and lists of a value in memory or in core values, at every
//! depth, once the receiver has copied it (post-return of synchronous
//! exports, the arguments of async imports once the callee has them,
//! stream and future payloads once written). With `own`, also the handles
//! the value holds, taken back and dropped (the arguments of an async
//! import call that never started).
//!
//! [`Lower::Owned`]: super::Lower::Owned

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use wit_bindgen_core::wit_parser::{Type, TypeDefKind, TypeId};

use super::flat::{flat_types_of, Flat};
use super::lift::Cases;
use super::{at, Gen};
use crate::names::Outline;
use crate::prim::{class, Class};

impl Gen<'_, '_> {
    /// Whether freeing a `ty` does anything.
    pub(crate) fn needs_free(&self, ty: &Type, own: bool) -> bool {
        let info = self.cx.info.of_type(ty);
        info.has_list || (own && info.has_own_handle)
    }

    /// Frees what the `ty` at `base + offset` owns.
    pub(crate) fn free_mem(&mut self, ty: &Type, base: &TokenStream, offset: usize, own: bool) {
        if !self.needs_free(ty, own) {
            return;
        }
        match class(ty) {
            Class::String => self.free_list_at(None, base, offset, own),
            Class::Prim(_) | Class::ErrorContext => {}
            Class::Id(id) => self.free_mem_id(id, base, offset, own),
        }
    }

    fn free_mem_id(&mut self, id: TypeId, base: &TokenStream, offset: usize, own: bool) {
        let kind = &self.cx.resolve.types[id].kind;
        if let TypeDefKind::Type(target) = kind {
            return self.free_mem(target, base, offset, own);
        }
        if !own {
            if let Some(function) = self.outlined(id, Outline::Free) {
                let at = at(base, offset);
                // SAFETY: `#at` holds a value of this type that our lowering wrote and handed over,
                // which the receiver has copied and no one uses any more: `#function`'s contract.
                self.push_unsafe(quote!(#function(#at)));
                return;
            }
        }
        let sizes = &self.cx.info.sizes;
        if let Some(cases) = Cases::of(kind, &TokenStream::new()) {
            let payload = offset
                + sizes
                    .payload_offset(cases.tag, cases.payloads())
                    .size_wasm32();
            let discriminant = self.load(base, offset, crate::prim::int_repr(cases.tag));
            return self.free_cases(&cases, &discriminant, |g, ty| {
                g.free_mem(ty, base, payload, own)
            });
        }
        match kind {
            TypeDefKind::Record(record) => {
                let offsets = sizes.field_offsets(record.fields.iter().map(|f| &f.ty));
                for (field, ty) in offsets {
                    self.free_mem(ty, base, offset + field.size_wasm32(), own);
                }
            }
            TypeDefKind::Tuple(tuple) => {
                for (field, ty) in sizes.field_offsets(tuple.types.iter()) {
                    self.free_mem(ty, base, offset + field.size_wasm32(), own);
                }
            }
            TypeDefKind::FixedLengthList(element, len) => {
                let size = self.cx.info.size(element);
                for i in 0..*len as usize {
                    self.free_mem(element, base, offset + i * size, own);
                }
            }
            TypeDefKind::List(element) => self.free_list_at(Some(&[*element]), base, offset, own),
            TypeDefKind::Map(key, value) => {
                self.free_list_at(Some(&[*key, *value]), base, offset, own)
            }
            TypeDefKind::Handle(_) | TypeDefKind::Future(_) | TypeDefKind::Stream(_) => {
                // Only with `own`: take the handle back and drop it.
                let value = self.lift_mem(&Type::Id(id), base, offset);
                self.push(quote!(::core::mem::drop(#value);));
            }
            TypeDefKind::Enum(_) | TypeDefKind::Flags(_) | TypeDefKind::Resource => {}
            TypeDefKind::Variant(_) | TypeDefKind::Option(_) | TypeDefKind::Result(_) => {
                unreachable!("cases are freed above")
            }
            TypeDefKind::Type(_) => unreachable!("aliases are followed above"),
            TypeDefKind::Unknown => unreachable!("rejected by `check`"),
        }
    }

    /// Frees what the `ty` in core values `values` owns.
    pub(crate) fn free_flat(&mut self, ty: &Type, values: &[Flat], own: bool) {
        if !self.needs_free(ty, own) {
            return;
        }
        match class(ty) {
            Class::String => {
                let list = list_of(values);
                self.free_list(None, list, own)
            }
            Class::Prim(_) | Class::ErrorContext => {}
            Class::Id(id) => self.free_flat_id(id, values, own),
        }
    }

    fn free_flat_id(&mut self, id: TypeId, values: &[Flat], own: bool) {
        let kind = &self.cx.resolve.types[id].kind;
        if let TypeDefKind::Type(target) = kind {
            return self.free_flat(target, values, own);
        }
        if let Some(cases) = Cases::of(kind, &TokenStream::new()) {
            let discriminant = values[0].expr.clone();
            let slots = &values[1..];
            return self.free_cases(&cases, &discriminant, |g, ty| {
                let count = flat_types_of(g.cx.resolve, ty).len();
                let cast: Vec<Flat> = slots[..count]
                    .iter()
                    .zip(flat_types_of(g.cx.resolve, ty))
                    .map(|(slot, ty)| Flat::new(g.cast_value(slot, ty), ty))
                    .collect();
                g.free_flat(ty, &cast, own)
            });
        }
        let fields = |g: &mut Self, types: Vec<Type>| {
            let mut rest = values;
            for ty in types {
                let count = flat_types_of(g.cx.resolve, &ty).len();
                let (these, others) = rest.split_at(count);
                g.free_flat(&ty, these, own);
                rest = others;
            }
        };
        match kind {
            TypeDefKind::Record(record) => {
                fields(self, record.fields.iter().map(|f| f.ty).collect());
            }
            TypeDefKind::Tuple(tuple) => fields(self, tuple.types.clone()),
            TypeDefKind::FixedLengthList(element, len) => {
                fields(self, vec![*element; *len as usize]);
            }
            TypeDefKind::List(element) => self.free_list(Some(&[*element]), list_of(values), own),
            TypeDefKind::Map(key, value) => {
                self.free_list(Some(&[*key, *value]), list_of(values), own)
            }
            TypeDefKind::Handle(_) | TypeDefKind::Future(_) | TypeDefKind::Stream(_) => {
                // Only with `own`: take the handle back and drop it.
                let value = self.lift_flat(&Type::Id(id), values);
                self.push(quote!(::core::mem::drop(#value);));
            }
            TypeDefKind::Enum(_) | TypeDefKind::Flags(_) | TypeDefKind::Resource => {}
            TypeDefKind::Variant(_) | TypeDefKind::Option(_) | TypeDefKind::Result(_) => {
                unreachable!("cases are freed above")
            }
            TypeDefKind::Type(_) => unreachable!("aliases are followed above"),
            TypeDefKind::Unknown => unreachable!("rejected by `check`"),
        }
    }

    /// A variant, option or result: frees the case's payload, with `free`.
    fn free_cases(
        &mut self,
        cases: &Cases<'_>,
        discriminant: &TokenStream,
        mut free: impl FnMut(&mut Self, &Type),
    ) {
        let mut arms = Vec::new();
        for (i, case) in cases.cases.iter().enumerate() {
            let Some(ty) = case.ty else {
                continue;
            };
            let (body, ()) = self.block(false, |g| free(g, ty));
            if !body.is_empty() {
                arms.push((Literal::usize_unsuffixed(i), body));
            }
        }
        match arms.as_slice() {
            [] => {}
            [(i, body)] => self.push(quote! {
                if #discriminant == #i {
                    #body
                }
            }),
            arms => {
                let arms = arms.iter().map(|(i, body)| quote!(#i => { #body }));
                self.push(quote! {
                    match #discriminant {
                        #(#arms)*
                        _ => {}
                    }
                });
            }
        }
    }

    /// A list (of a record of `fields`, with them) or, without fields, a
    /// string at `base + offset`: what its elements own, then its array.
    fn free_list_at(
        &mut self,
        fields: Option<&[Type]>,
        base: &TokenStream,
        offset: usize,
        own: bool,
    ) {
        let rt = self.rt();
        let at = at(base, offset);
        // SAFETY: `#at` holds a list our lowering wrote, as for every load here (`Gen::load`):
        // `list_at`'s contract.
        let list = self.bind_unsafe("list", quote!(#rt::list_at(#at)));
        self.free_list(fields, list, own);
    }

    /// A list (of a record of `fields`: one field, or a map's key and
    /// value) or, without fields, a string, given as its address and
    /// length (a tuple expression): what its elements own, then its array.
    fn free_list(&mut self, fields: Option<&[Type]>, list: TokenStream, own: bool) {
        let rt = self.rt();
        let Some(fields) = fields else {
            // SAFETY: the string's bytes were allocated with exactly its length and alignment 1 by
            // our lowering (`give_string`, a boxed `[u8]`) and handed over; the receiver has
            // copied them, so they are freed once, here: `free_array`'s contract.
            self.push_unsafe(quote!(#rt::free_array(#list, 1, 1)));
            return;
        };
        // A map's entry is laid out as a record of key and value.
        let element = self.cx.info.sizes.record(fields.iter());
        let (size, align) = (element.size.size_wasm32(), element.align.align_wasm32());
        let offsets: Vec<usize> = self
            .cx
            .info
            .sizes
            .field_offsets(fields.iter())
            .iter()
            .map(|(offset, _)| offset.size_wasm32())
            .collect();
        let [base, free] = self.tmps(["elem", "free"]);
        let base_tokens = quote!(#base);
        let (body, ()) = self.block(true, |g| {
            for (ty, offset) in fields.iter().zip(&offsets) {
                g.free_mem(ty, &base_tokens, *offset, own);
            }
        });
        let (size, align) = (
            Literal::usize_unsuffixed(size),
            Literal::usize_unsuffixed(align),
        );
        if body.is_empty() {
            // SAFETY: our lowering allocated the array with exactly this many elements of `#size`
            // bytes aligned to `#align` (`rt::lower_list`, or for plain elements a boxed slice,
            // whose Rust layout is the canonical one) and handed it over; the receiver has copied
            // it and its elements own nothing, so it is freed once, here: `free_array`'s contract.
            self.push_unsafe(quote!(#rt::free_array(#list, #size, #align)));
            return;
        }
        // Bound outside the `unsafe` call, where its own `unsafe` blocks are
        // not nested in another.
        self.push(quote!(let #free = |#base: *mut u8| { #body };));
        // SAFETY: as above, and `#free` releases what each element owns, once: `free_list`'s
        // contract.
        self.push_unsafe(quote!(#rt::free_list(#list, #size, #align, #free)));
    }
}

/// A list's core values (address, length) as a tuple expression.
fn list_of(values: &[Flat]) -> TokenStream {
    let (ptr, len) = (&values[0].expr, &values[1].expr);
    quote!((#ptr, #len))
}
