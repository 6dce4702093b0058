//! Maps (`map<K, V>`, a list of key-value entries in canonical layout) and
//! fixed-length lists (`list<T, N>`, Rust arrays) in memory.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use wit_bindgen_core::wit_parser::{Type, TypeId};

use super::{scaled, Block, FnBindgen};

impl FnBindgen<'_, '_> {
    /// The size and alignment of one entry of a map.
    fn entry_layout(&self, key: &Type, value: &Type) -> (usize, usize) {
        let entry = self.cx.info.sizes.record([key, value]);
        (entry.size.size_wasm32(), entry.align.align_wasm32())
    }

    /// A map as an array of entries, each written by the block's code;
    /// freed after the call unless it is handed over (`owned`).
    pub(super) fn lower_map(
        &mut self,
        key: &Type,
        value: &Type,
        map: &TokenStream,
        owned: bool,
        results: &mut Vec<TokenStream>,
    ) {
        let block = self.pop_block();
        let rt = self.rt();
        let (size, align) = self.entry_layout(key, value);
        let [entries, len, array] = self.tmps(&["entries", "len", "array"]);
        let align_lit = Literal::usize_unsuffixed(align);
        let bytes = scaled(&quote!(#len), size);
        let offset = scaled(&quote!(i), size);
        let Block {
            body,
            base,
            key,
            value,
            ..
        } = block;
        self.push(quote! {
            let #entries = ::core::iter::IntoIterator::into_iter(#map);
            let #len = ::core::iter::ExactSizeIterator::len(&#entries);
            let #array = unsafe { #rt::alloc(#bytes, #align_lit) };
            for (i, (#key, #value)) in #entries.enumerate() {
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

    /// A map from an array of entries, each lifted by the block's code;
    /// the array is freed.
    pub(super) fn lift_map(
        &mut self,
        key: &Type,
        value: &Type,
        ty: TypeId,
        ops: &[TokenStream],
        results: &mut Vec<TokenStream>,
    ) {
        let block = self.pop_block();
        let rt = self.rt();
        let (size, align) = self.entry_layout(key, value);
        let map_type = self.ty(&Type::Id(ty));
        let [array, len, map] = self.tmps(&["array", "len", "map"]);
        let (ptr, count) = (&ops[0], &ops[1]);
        let offset = scaled(&quote!(i), size);
        let bytes = scaled(&quote!(#len), size);
        let align = Literal::usize_unsuffixed(align);
        let Block {
            body,
            results: entry,
            base,
            ..
        } = block;
        let (key, value) = (&entry[0], &entry[1]);
        self.push(quote! {
            let #array = #ptr;
            let #len = #count;
            let #map: #map_type = ::core::iter::FromIterator::from_iter((0..#len).map(|i| {
                let #base = unsafe { #array.add(#offset) };
                #body
                (#key, #value)
            }));
            unsafe { #rt::cabi_dealloc(#array, #bytes, #align) };
        });
        results.push(quote!(#map));
    }

    /// Frees what each entry of a map owns, then the entries.
    pub(super) fn free_map(
        &mut self,
        key: &Type,
        value: &Type,
        ptr: &TokenStream,
        len: &TokenStream,
    ) {
        let block = self.pop_block();
        let rt = self.rt();
        let (size, align) = self.entry_layout(key, value);
        let [array, len_var] = self.tmps(&["base", "len"]);
        let Block { body, base, .. } = block;
        let offset = scaled(&quote!(i), size);
        let bytes = scaled(&quote!(#len_var), size);
        let align = Literal::usize_unsuffixed(align);
        self.push(quote! {
            let #array = #ptr;
            let #len_var = #len;
            for i in 0..#len_var {
                let #base = unsafe { #array.add(#offset) };
                #body
            }
            unsafe { #rt::cabi_dealloc(#array, #bytes, #align) };
        });
    }

    /// Writes each element of an array at `addr`, with the block's code.
    pub(super) fn lower_array_to_memory(
        &mut self,
        element: &Type,
        array: &TokenStream,
        addr: &TokenStream,
    ) {
        let block = self.pop_block();
        let size = self.cx.info.size(element);
        let offset = scaled(&quote!(i), size);
        let Block {
            body, elem, base, ..
        } = block;
        self.push(quote! {
            for (i, #elem) in ::core::iter::IntoIterator::into_iter(#array).enumerate() {
                let #base = unsafe { #addr.add(#offset) };
                #body
            }
        });
    }

    /// An array of `len` elements read at `addr`, each by the block's code.
    pub(super) fn lift_array_from_memory(
        &mut self,
        element: &Type,
        len: u32,
        addr: &TokenStream,
        results: &mut Vec<TokenStream>,
    ) {
        let block = self.pop_block();
        let size = self.cx.info.size(element);
        let offset = scaled(&quote!(i), size);
        let len = Literal::usize_unsuffixed(len as usize);
        let Block {
            body,
            results: values,
            base,
            ..
        } = block;
        let array = self.bind(
            "array",
            quote! {
                ::core::array::from_fn::<_, #len, _>(|i| {
                    let #base = unsafe { #addr.add(#offset) };
                    #body
                    #(#values)*
                })
            },
        );
        results.push(array);
    }
}
