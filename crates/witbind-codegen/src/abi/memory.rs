//! Memory: loads and stores at offsets, zero values, the return area, and
//! allocations and frees (which always go through the Rust global
//! allocator, like the exported `cabi_realloc`).

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use wit_bindgen_core::abi::WasmType;
use wit_bindgen_core::wit_parser::{ArchitectureSize, Type};

use super::{scaled, Block, FnBindgen};

/// The zero value of a core wasm type.
pub(super) fn zero(ty: WasmType) -> TokenStream {
    match ty {
        WasmType::I32 => quote!(0i32),
        WasmType::I64 => quote!(0i64),
        WasmType::F32 => quote!(0.0f32),
        WasmType::F64 => quote!(0.0f64),
        WasmType::Pointer => quote!(::core::ptr::null_mut::<u8>()),
        WasmType::Length => quote!(0usize),
        WasmType::PointerOrI64 => quote!(::core::mem::MaybeUninit::<u64>::zeroed()),
    }
}

/// `ptr.add(offset)`, or just `ptr` at offset zero (used inside `unsafe`).
fn at(ptr: &TokenStream, offset: ArchitectureSize) -> TokenStream {
    at_bytes(ptr, offset.size_wasm32())
}

/// `ptr.add(offset)`, or just `ptr` at offset zero (an offset in bytes on
/// wasm32).
pub(super) fn at_bytes(ptr: &TokenStream, offset: usize) -> TokenStream {
    match offset {
        0 => quote!(#ptr),
        n => {
            let n = Literal::usize_unsuffixed(n);
            quote!(#ptr.add(#n))
        }
    }
}

impl FnBindgen<'_, '_> {
    /// A value of type `ty` read at `ptr + offset`.
    pub(super) fn load(
        &mut self,
        ptr: &TokenStream,
        offset: ArchitectureSize,
        ty: TokenStream,
    ) -> TokenStream {
        let mark = self.mark_here(ptr, offset.size_wasm32());
        let at = at(ptr, offset);
        // SAFETY: `#ptr` points at a value in canonical layout that holds a `#ty` at this offset:
        // import results in the return area or async call memory, arguments passed indirectly, list
        // elements and payloads (written by the host), or what our own lowering wrote (post-return,
        // freeing lists). The canonical ABI aligns each field for its type and only the fields of
        // the value's actual case are read, so the read is in bounds, aligned and initialized;
        // `#ty` is a number or pointer, valid for any bits.
        let value = self.bind("l", quote!(unsafe { *#at.cast::<#ty>() }));
        self.set_mark(&value, mark);
        value
    }

    /// A narrow integer of type `ty` read at `ptr + offset`, as an `i32`.
    pub(super) fn load_widened(
        &mut self,
        ptr: &TokenStream,
        offset: ArchitectureSize,
        ty: TokenStream,
    ) -> TokenStream {
        let narrow = ty.to_string();
        let loaded = self.load(ptr, offset, ty);
        let widened = quote!(i32::from(#loaded));
        if let Some(mark) = self.mark_of(&loaded) {
            self.set_mark(&widened, mark);
        }
        self.widened.insert(widened.to_string(), (loaded, narrow));
        widened
    }

    /// Writes `value` of type `ty` at `ptr + offset`.
    pub(super) fn store(
        &mut self,
        ptr: &TokenStream,
        offset: ArchitectureSize,
        ty: TokenStream,
        value: TokenStream,
    ) {
        self.note_store(ptr, offset.size_wasm32());
        let at = at(ptr, offset);
        // SAFETY: `#ptr` points at memory with room for the value being lowered in canonical layout
        // (a return area or async call memory sized for it, an array allocated for a list, a
        // payload cell, or an indirect parameters area), and the field at this offset is aligned
        // for `#ty`, a number or pointer that needs no drop.
        self.push(quote!(unsafe { *#at.cast::<#ty>() = #value };));
    }

    /// A fresh allocation of `size` bytes aligned to `align`.
    pub(super) fn malloc(&mut self, size: usize, align: usize) -> TokenStream {
        let rt = self.rt();
        let size = Literal::usize_unsuffixed(size);
        let align = Literal::usize_unsuffixed(align);
        // SAFETY: `#align` is a canonical ABI alignment, a power of two (`rt::alloc`'s only
        // requirement).
        self.bind("ptr", quote!(unsafe { #rt::alloc(#size, #align) }))
    }

    /// Frees `size` bytes at `ptr`.
    pub(super) fn free(&mut self, ptr: &TokenStream, size: usize, align: usize) {
        let rt = self.rt();
        let size = Literal::usize_unsuffixed(size);
        let align = Literal::usize_unsuffixed(align);
        // SAFETY: wit-bindgen-core frees this way only the parameters a synchronous export received
        // indirectly: the host allocated them through `cabi_realloc` with exactly this record's
        // size and alignment and handed them to us, and every argument was lifted out above (taking
        // what it owns), so they are freed once, here.
        self.push(quote!(unsafe { #rt::cabi_dealloc(#ptr, #size, #align) };));
    }

    /// Frees the bytes of a string.
    pub(super) fn free_string(&mut self, ptr: &TokenStream, len: &TokenStream) {
        let rt = self.rt();
        // SAFETY: the string's bytes were allocated with exactly `#len` bytes and alignment 1 by
        // our lowering (`Box::into_raw` of a boxed `[u8]`), handed to the host and given back; the
        // host has copied them, so they are freed once, here.
        self.push(quote!(unsafe { #rt::cabi_dealloc(#ptr, #len, 1) };));
    }

    /// Frees what each element of a list owns (the finished block), then
    /// the list's array.
    pub(super) fn free_list(&mut self, element: &Type, ptr: &TokenStream, len: &TokenStream) {
        let block = self.pop_block();
        let rt = self.rt();
        let (size, align) = (self.cx.info.size(element), self.cx.info.align(element));
        let [base, len_var] = self.tmps(&["base", "len"]);
        let Block {
            body,
            base: elem_base,
            ..
        } = block;
        let offset = scaled(&quote!(i), size);
        let bytes = scaled(&quote!(#len_var), size);
        let align = Literal::usize_unsuffixed(align);
        // Elements that own nothing (numbers, enums) need no loop.
        let each = (!body.is_empty()).then(|| {
            quote! {
                for i in 0..#len_var {
                    // SAFETY: `i < #len_var`, so element `i` starts inside the list's array of
                    // `#len_var` elements of `size` bytes.
                    let #elem_base = unsafe { #base.add(#offset) };
                    #body
                }
            }
        });
        self.push(quote! {
            let #base = #ptr;
            let #len_var = #len;
            #each
            // SAFETY: the list's array was allocated by our lowering with exactly `#len_var * size`
            // bytes and the element's alignment (`rt::alloc`, or for number elements a boxed slice,
            // whose Rust layout is the canonical one); what its elements own was freed above, and
            // the host has its copy, so the array is freed once, here.
            unsafe { #rt::cabi_dealloc(#base, #bytes, #align) };
        });
    }

    /// Frees what the case of a variant with discriminant `op` owns.
    pub(super) fn free_variant(&mut self, blocks: usize, op: &TokenStream) {
        let blocks = self.pop_blocks(blocks);
        let arms = blocks.into_iter().enumerate().map(|(i, block)| {
            let i = Literal::i32_unsuffixed(i as i32);
            let body = block.body;
            quote!(#i => { #body })
        });
        self.push(quote! {
            match #op {
                #(#arms)*
                _ => {}
            }
        });
    }

    /// A pointer to this function's return area, at least `size` bytes
    /// aligned to `align`: static for exports (results stay valid until
    /// post-return), on the stack otherwise.
    pub(super) fn return_area(&mut self, size: usize, align: usize) -> TokenStream {
        let (old_size, old_align) = self.ret_area.unwrap_or((0, 1));
        self.ret_area = Some((old_size.max(size), old_align.max(align)));
        let ptr = self.tmp("ptr");
        if self.static_ret_area {
            // SAFETY: only the address of the static is taken, no reference. Its one user is this
            // export: the host copies a synchronous export's results before anything else runs in
            // the component (then post-return), and an async export writes its results and calls
            // `task.return` without awaiting in between, so no two uses overlap (wasm32 guests are
            // single-threaded).
            self.push(quote!(let #ptr = unsafe { (&raw mut _RET_AREA.0).cast::<u8>() };));
        } else {
            self.push(quote!(let #ptr = _ret_area.0.as_mut_ptr().cast::<u8>();));
        }
        quote!(#ptr)
    }

    /// The declaration of the return area, if one was requested.
    pub(super) fn return_area_decl(&self) -> TokenStream {
        let Some((size, align)) = self.ret_area else {
            return TokenStream::new();
        };
        let size = Literal::usize_unsuffixed(size);
        let align = Literal::usize_unsuffixed(align);
        let declare = quote! {
            #[repr(align(#align))]
            struct _RetArea([::core::mem::MaybeUninit<u8>; #size]);
        };
        if self.static_ret_area {
            quote! {
                #declare
                static mut _RET_AREA: _RetArea = _RetArea([::core::mem::MaybeUninit::uninit(); #size]);
            }
        } else {
            quote! {
                #declare
                let mut _ret_area = _RetArea([::core::mem::MaybeUninit::uninit(); #size]);
            }
        }
    }
}
