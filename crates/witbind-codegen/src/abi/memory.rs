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
    match offset.size_wasm32() {
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
        let at = at(ptr, offset);
        self.bind("l", quote!(unsafe { *#at.cast::<#ty>() }))
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
        let at = at(ptr, offset);
        self.push(quote!(unsafe { *#at.cast::<#ty>() = #value };));
    }

    /// A fresh allocation of `size` bytes aligned to `align`.
    pub(super) fn malloc(&mut self, size: usize, align: usize) -> TokenStream {
        let rt = self.rt();
        let size = Literal::usize_unsuffixed(size);
        let align = Literal::usize_unsuffixed(align);
        self.bind("ptr", quote!(unsafe { #rt::alloc(#size, #align) }))
    }

    /// Frees `size` bytes at `ptr`.
    pub(super) fn free(&mut self, ptr: &TokenStream, size: usize, align: usize) {
        let rt = self.rt();
        let size = Literal::usize_unsuffixed(size);
        let align = Literal::usize_unsuffixed(align);
        self.push(quote!(unsafe { #rt::cabi_dealloc(#ptr, #size, #align) };));
    }

    /// Frees the bytes of a string.
    pub(super) fn free_string(&mut self, ptr: &TokenStream, len: &TokenStream) {
        let rt = self.rt();
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
        self.push(quote! {
            let #base = #ptr;
            let #len_var = #len;
            for i in 0..#len_var {
                let #elem_base = unsafe { #base.add(#offset) };
                #body
            }
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
