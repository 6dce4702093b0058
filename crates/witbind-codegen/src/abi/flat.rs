//! Core wasm values: their types in Rust, the flat types of a WIT type,
//! the casts between a variant case's types and the variant's joined
//! slots, and the declarations of core imports.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use wit_bindgen_core::abi::{FlatTypes, WasmType};
use wit_bindgen_core::wit_parser::{Resolve, Type};

/// A core wasm value in generated code: an expression and its type.
#[derive(Clone, Debug)]
pub(crate) struct Flat {
    pub(crate) expr: TokenStream,
    pub(crate) ty: WasmType,
}

impl Flat {
    pub(crate) fn new(expr: TokenStream, ty: WasmType) -> Flat {
        Flat { expr, ty }
    }
}

/// The flat types of `ty`: at most `Resolve::MAX_FLAT_PARAMS`, else
/// `None` (such values only ever travel in memory).
pub(crate) fn flat_types(resolve: &Resolve, ty: &Type) -> Option<Vec<WasmType>> {
    let mut storage = [WasmType::I32; Resolve::MAX_FLAT_PARAMS];
    let mut flat = FlatTypes::new(&mut storage);
    resolve.push_flat(ty, &mut flat).then(|| flat.to_vec())
}

/// The flat types of `ty`, which the caller knows to be flat.
pub(crate) fn flat_types_of(resolve: &Resolve, ty: &Type) -> Vec<WasmType> {
    flat_types(resolve, ty)
        .unwrap_or_else(|| unreachable!("only values with few enough core values travel flat"))
}

/// The Rust type of a core wasm value.
pub(crate) fn wasm_type(ty: WasmType) -> TokenStream {
    match ty {
        WasmType::I32 => quote!(i32),
        WasmType::I64 => quote!(i64),
        WasmType::F32 => quote!(f32),
        WasmType::F64 => quote!(f64),
        WasmType::Pointer => quote!(*mut u8),
        WasmType::Length => quote!(usize),
        WasmType::PointerOrI64 => quote!(::core::mem::MaybeUninit<u64>),
    }
}

/// The zero value of a core wasm type (an unused slot of a variant).
pub(crate) fn zero(ty: WasmType) -> TokenStream {
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

/// `value` of core type `from` as core type `to`: into a variant's joined
/// slot (lowering) or back out of it (lifting). The joined type of two
/// types is wit-parser's `join`: the same type; `i32` for `i32` and `f32`;
/// a length over 32-bit types, a pointer over those and lengths,
/// `pointer-or-i64` for a pointer and a 64-bit type, `i64` otherwise.
/// Also whether the expression is `unsafe` (reading a `pointer-or-i64`).
pub(crate) fn cast(
    from: WasmType,
    to: WasmType,
    value: TokenStream,
    rt: &TokenStream,
) -> (TokenStream, bool) {
    use WasmType::{Length, Pointer, PointerOrI64 as P64, F32, F64, I32, I64};
    let plain = |expr: TokenStream| (expr, false);
    let via = |middle: WasmType| {
        let (inner, first) = cast(from, middle, value.clone(), rt);
        let (outer, second) = cast(middle, to, inner, rt);
        (outer, first || second)
    };
    match (from, to) {
        (from, to) if from == to => plain(value),
        // Into a joined slot.
        (I32, I64) => plain(quote!(i64::from(#value))),
        (F32, I32) => plain(quote!((#value).to_bits() as i32)),
        (F32, I64) => plain(quote!(i64::from((#value).to_bits()))),
        (F64, I64) => plain(quote!((#value).to_bits() as i64)),
        (I32, Pointer) => plain(quote!((#value) as usize as *mut u8)),
        (I32, Length) => plain(quote!((#value) as usize)),
        (Length, Pointer) => plain(quote!((#value) as *mut u8)),
        (Length, I64) => plain(quote!((#value) as i64)),
        (Pointer, P64) => plain(quote!(#rt::ptr_to_p64(#value))),
        (I64, P64) => plain(quote!(::core::mem::MaybeUninit::new((#value) as u64))),
        (F32, Pointer | Length) => via(I32),
        (I32 | F32 | F64 | Length, P64) => via(I64),
        // Out of a joined slot.
        (I64, I32) => plain(quote!((#value) as i32)),
        (I32 | I64, F32) => plain(quote!(f32::from_bits((#value) as u32))),
        (I64, F64) => plain(quote!(f64::from_bits((#value) as u64))),
        (Pointer, I32) => plain(quote!((#value) as usize as i32)),
        (Length, I32) => plain(quote!((#value) as i32)),
        (Pointer | I64, Length) => plain(quote!((#value) as usize)),
        // SAFETY: a joined `pointer-or-i64` slot is always initialized: it is a core `i64` from the
        // host, or our own lowering's `MaybeUninit::new`, `ptr_to_p64` or `MaybeUninit::zeroed`.
        (P64, I64) => (quote!(unsafe { (#value).assume_init() } as i64), true),
        // SAFETY: as above; the slot holds the pointer `ptr_to_p64` made, or a host's (the
        // canonical ABI), which is `p64_to_ptr`'s contract.
        (P64, Pointer) => (quote!(unsafe { #rt::p64_to_ptr(#value) }), true),
        (Pointer | Length, F32) => via(I32),
        (P64, I32 | F32 | F64 | Length) => via(I64),
        (from, to) => unreachable!("no variant joins {from:?} and {to:?}"),
    }
}

/// `arg0: i32, ...` and the matching argument list, for core signatures.
pub(crate) fn core_params(types: &[WasmType]) -> (Vec<TokenStream>, Vec<TokenStream>) {
    types
        .iter()
        .enumerate()
        .map(|(i, ty)| {
            let name = format_ident!("arg{}", i);
            let ty = wasm_type(*ty);
            (quote!(#name: #ty), quote!(#name))
        })
        .unzip()
}

/// The arguments of a core signature as flat values.
pub(crate) fn core_args(types: &[WasmType]) -> Vec<Flat> {
    types
        .iter()
        .enumerate()
        .map(|(i, ty)| {
            let name = format_ident!("arg{}", i);
            Flat::new(quote!(#name), *ty)
        })
        .collect()
}

/// The declaration of one imported core function as `_wit_import`, local
/// to the calling function, through the runtime's `wit_import!` (which
/// also declares what stands in for it off wasm: a panicking stub, or
/// under Miri an external function named `<module>::<name>`).
pub(crate) fn extern_import(
    rt: &TokenStream,
    wasm_module: &str,
    name: &str,
    params: &[WasmType],
    results: &[WasmType],
) -> TokenStream {
    let signature = import_signature(params, results);
    quote!(#rt::wit_import!(#wasm_module, #name, #signature);)
}

/// As [`extern_import`], for a function of the import module of the
/// interface module it is written in: through that module's own
/// `wit_import!` ([`module_import_macro`]), which knows the module name.
pub(crate) fn module_import(name: &str, params: &[WasmType], results: &[WasmType]) -> TokenStream {
    let signature = import_signature(params, results);
    quote!(wit_import!(#name, #signature);)
}

/// An interface module's `wit_import!`: the runtime's, for its import
/// module `wasm_module` (see [`module_import`]).
pub(crate) fn module_import_macro(rt: &TokenStream, wasm_module: &str) -> TokenStream {
    quote! {
        #[allow(unused_macros)]
        macro_rules! wit_import {
            ($($signature:tt)*) => { #rt::wit_import!(#wasm_module, $($signature)*); };
        }
    }
}

/// The core signature in `wit_import!`'s syntax: `(i32, ptr), i32`.
fn import_signature(params: &[WasmType], results: &[WasmType]) -> TokenStream {
    let name_of = |ty: &WasmType| match ty {
        WasmType::I32 => quote!(i32),
        WasmType::I64 => quote!(i64),
        WasmType::F32 => quote!(f32),
        WasmType::F64 => quote!(f64),
        WasmType::Pointer => quote!(ptr),
        WasmType::Length => quote!(len),
        WasmType::PointerOrI64 => quote!(p64),
    };
    let params = params.iter().map(name_of);
    let result = results.first().map(|t| {
        let t = name_of(t);
        quote!(, #t)
    });
    quote!((#(#params),*) #result)
}
