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
        let [entries, len, array, written] = self.tmps(&["entries", "len", "array", "written"]);
        let align_lit = Literal::usize_unsuffixed(align);
        let size_lit = Literal::usize_unsuffixed(size);
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
            // SAFETY: `#align_lit` is the entry's canonical ABI alignment, a power of two
            // (`rt::alloc_list`'s only requirement).
            let #array = unsafe { #rt::alloc_list(#len, #size_lit, #align_lit) };
            let mut #written = 0;
            // At most `#len` entries, whatever the iterator says: it is a safe trait.
            for (#key, #value) in #entries.take(#len) {
                let i = #written;
                // SAFETY: `i < #len` (the `take` above), so entry `i` starts inside the
                // `#len * size`-byte array allocated above.
                let #base = unsafe { #array.add(#offset) };
                #body
                #written += 1;
            }
            // Fewer entries than `len` said would leave some uninitialized.
            #rt::assert_entries(#written, #len);
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
                // SAFETY: `i < #len`, so entry `i` starts inside the host's array of `#len` entries
                // of `size` bytes.
                let #base = unsafe { #array.add(#offset) };
                #body
                (#key, #value)
            }));
            // SAFETY: the host allocated the entries through `cabi_realloc` with exactly `#len *
            // size` bytes and the entry's alignment and handed them to us; every entry was lifted
            // out above (taking what it owns), so they are freed once, here.
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
        // Entries that own nothing need no loop.
        let each = (!body.is_empty()).then(|| {
            quote! {
                for i in 0..#len_var {
                    // SAFETY: `i < #len_var`, so entry `i` starts inside the map's array of
                    // `#len_var` entries of `size` bytes.
                    let #base = unsafe { #array.add(#offset) };
                    #body
                }
            }
        });
        self.push(quote! {
            let #array = #ptr;
            let #len_var = #len;
            #each
            // SAFETY: the entries were allocated by `lower_map` with `rt::alloc(#len_var * size,
            // align)`, exactly this layout; what they own was freed above and the host has its
            // copy, so they are freed once, here.
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
                // SAFETY: a `[T; N]` yields `N` elements and `#addr` points at room for the `N`
                // elements of a `list<T, N>` in canonical layout, so element `i < N` starts inside
                // it.
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
                    // SAFETY: `from_fn` passes `i < #len`, and `#addr` points at the `#len`
                    // elements of a `list<T, #len>` in canonical layout, so element `i` starts
                    // inside them.
                    let #base = unsafe { #addr.add(#offset) };
                    #body
                    #(#values)*
                })
            },
        );
        results.push(array);
    }
}
