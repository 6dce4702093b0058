//! Async imports: an `async func` import becomes a `pub async fn` whose
//! body describes the call to the runtime (`rt::async_support::Subtask`:
//! how to lower the arguments, call the `[async-lower]` import, free or
//! take back what was lowered, lift the result) and awaits it.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use wit_bindgen_core::abi::{AbiVariant, WasmSignature};
use wit_bindgen_core::wit_parser::{Function, LiftLowerAbi, ManglingAndAbi, WasmImport};

use crate::abi::{extern_import, wasm_type, Outlined};
use crate::context::takes_self;
use crate::context::Chain;
use crate::context::Cx;
use crate::docs::docs;
use crate::ident::snake;
use crate::lints::fn_allows;
use crate::names::Scope;
use crate::signatures::{chain_return, self_param};
use crate::types::{field_ty, ty, Style};

/// One async import function.
pub(crate) fn expand_async_import_fn(
    cx: &Cx,
    out: &mut Outlined,
    func: &Function,
    scope: Scope,
) -> TokenStream {
    let name = cx.names.function(scope, func);
    let rt = &cx.rt;
    let method = takes_self(func);
    let chain = cx.chain(scope, func);
    let mut params = Vec::new();
    let mut args = Vec::new();
    let mut param_types = Vec::new();
    let mut param_names = Vec::new();
    for (i, param) in func.params.iter().enumerate() {
        let ident = snake(&param.name);
        if i == 0 && method {
            params.push(self_param(chain));
            args.push(match chain {
                Some(Chain::Owned) => quote!(&self),
                Some(Chain::Borrowed) | None => quote!(self),
            });
            let resource = func
                .kind
                .resource()
                .unwrap_or_else(|| unreachable!("methods have a resource"));
            let path = cx.names.type_path(cx.resolve, resource, scope);
            param_types.push(quote!(&'a #path));
        } else {
            let owned = ty(cx, &param.ty, Style::Owned, scope);
            params.push(quote!(#ident: #owned));
            args.push(quote!(#ident));
            param_types.push(field_ty(cx, &param.ty, scope));
        }
        param_names.push(ident);
    }
    let result = match &func.result {
        Some(result) => ty(cx, result, Style::Owned, scope),
        None => quote!(()),
    };
    let call = expand_call_impl(cx, out, func, scope, &param_types, &param_names, &result);
    let ret = match chain {
        Some(chain) => Some(chain_return(chain)),
        None => func.result.is_some().then(|| quote!(-> #result)),
    };
    let returns_self = chain.map(|_| quote!(; self));
    let allow = fn_allows(cx, func, name, params.len(), Vec::new());
    let docs = docs(&func.docs);
    let native = crate::native::native_call(cx, scope, func);
    quote! {
        #docs
        #allow
        pub async fn #name(#(#params),*) #ret {
            #native
            #call
            #rt::async_support::Subtask::call(
                &mut _Call(::core::marker::PhantomData),
                (#(#args,)*),
            )
            .await
            #returns_self
        }
    }
}

/// The call's layout: (size, align) of its memory and where the results
/// start. The parameters come first when they are passed in memory.
fn call_layout(cx: &Cx, func: &Function, indirect: bool) -> ((usize, usize), usize) {
    let (params_size, params_align) = if indirect {
        let record = cx.info.sizes.record(func.params.iter().map(|p| &p.ty));
        (record.size.size_wasm32(), record.align.align_wasm32())
    } else {
        (0, 1)
    };
    let (results_size, results_align) = match &func.result {
        Some(result) => (cx.info.size(result), cx.info.align(result)),
        None => (0, 1),
    };
    let offset = params_size.div_ceil(results_align) * results_align;
    let align = params_align.max(results_align);
    let size = (offset + results_size).div_ceil(align) * align;
    ((size, align), offset)
}

/// `struct _Call` and its `AsyncImport` implementation.
fn expand_call_impl(
    cx: &Cx,
    out: &mut Outlined,
    func: &Function,
    scope: Scope,
    param_types: &[TokenStream],
    param_names: &[proc_macro2::Ident],
    result: &TokenStream,
) -> TokenStream {
    let rt = &cx.rt;
    let sig = cx
        .resolve
        .wasm_signature(AbiVariant::GuestImportAsync, func);
    // The core parameters, without the results pointer.
    let mut lowered: Vec<_> = sig.params.clone();
    if func.result.is_some() {
        lowered.pop();
    }
    let lowered_types: Vec<TokenStream> = lowered.iter().map(|t| wasm_type(*t)).collect();
    let lowered_names: Vec<proc_macro2::Ident> = (0..lowered.len())
        .map(|i| format_ident!("arg{}", i))
        .collect();
    let ((size, align), results_offset) = call_layout(cx, func, sig.indirect_params);
    let [size, align, results_offset] =
        [size, align, results_offset].map(Literal::usize_unsuffixed);
    let crate::abi::AsyncImportParts {
        lower,
        lower_lints,
        free_lists,
        reclaim,
        lift,
    } = crate::abi::async_import_parts(
        cx,
        out,
        scope,
        func,
        param_names,
        &lowered,
        sig.indirect_params,
    );
    let lower_lints = lower_lints.paths();
    let lower_allow = quote!(#[allow(unused_variables #(, #lower_lints)*)]);
    let import = async_lower_import(cx, func, scope, &sig);
    let results_arg = func.result.is_some().then(|| quote!(_results));
    quote! {
        struct _Call<'a>(::core::marker::PhantomData<&'a ()>);
        #[allow(unused_parens, clippy::unused_unit)]
        // SAFETY: everything below comes from this import's `GuestImportAsync` signature:
        // `params_lower` writes what `call_import` passes (into the call's memory when the
        // parameters are indirect), `abi_layout` and `results_offset` are `call_layout` of the
        // same parameters and result, `results_lift` reads the result the host wrote there, and
        // the two `params_dealloc_*` are wit-bindgen-core's deallocation of exactly what
        // `params_lower` allocated (and handed over).
        unsafe impl<'a> #rt::async_support::Subtask for _Call<'a> {
            type Params = (#(#param_types,)*);
            type ParamsLower = #rt::async_support::Lowered<(#(#lowered_types,)*)>;
            type Results = #result;

            fn abi_layout(&mut self) -> ::core::alloc::Layout {
                #rt::layout(#size, #align)
            }

            fn results_offset(&mut self) -> usize {
                #results_offset
            }

            #lower_allow
            // SAFETY: contract: `Subtask::params_lower`'s (`_area` is this call's memory).
            unsafe fn params_lower(
                &mut self,
                (#(#param_names,)*): Self::Params,
                _area: *mut u8,
            ) -> Self::ParamsLower {
                #lower
            }

            // SAFETY: contract: `Subtask::call_import`'s (values from `params_lower`, `_results`
            // in the call's memory).
            unsafe fn call_import(
                &mut self,
                #rt::async_support::Lowered((#(#lowered_names,)*)): Self::ParamsLower,
                _results: *mut u8,
            ) -> u32 {
                #import
                // SAFETY: `_wit_import` is this function's `[async-lower]` import, declared just
                // above with its core signature; the arguments are `params_lower`'s, and
                // `_results` points at `results_offset` in the call's memory, sized and aligned
                // for the result, which the runtime keeps until it is lifted (this function's
                // contract).
                unsafe { _wit_import(#(#lowered_names,)* #results_arg) as u32 }
            }

            #[allow(unused_variables)]
            // SAFETY: contract: `Subtask::params_dealloc_lists`'s (once, after the callee
            // started).
            unsafe fn params_dealloc_lists(
                &mut self,
                #rt::async_support::Lowered((#(#lowered_names,)*)): Self::ParamsLower,
            ) {
                #free_lists
            }

            #[allow(unused_variables)]
            // SAFETY: contract: `Subtask::params_dealloc_lists_and_own`'s (once, instead of
            // `params_dealloc_lists`).
            unsafe fn params_dealloc_lists_and_own(
                &mut self,
                #rt::async_support::Lowered((#(#lowered_names,)*)): Self::ParamsLower,
            ) {
                #reclaim
            }

            #[allow(unused_variables)]
            // SAFETY: contract: `Subtask::results_lift`'s (once, after the call returned).
            unsafe fn results_lift(&mut self, _results: *mut u8) -> Self::Results {
                #lift
            }
        }
    }
}

/// The `[async-lower]` core import of `func`, declared as `_wit_import`.
fn async_lower_import(cx: &Cx, func: &Function, scope: Scope, sig: &WasmSignature) -> TokenStream {
    let interface = match scope {
        Scope::Module(module) => Some(&cx.names.module(module).key),
        Scope::Root => None,
    };
    let (module, import_name) = cx.resolve.wasm_import_name(
        ManglingAndAbi::Legacy(LiftLowerAbi::AsyncCallback),
        WasmImport::Func { interface, func },
    );
    extern_import(&cx.rt, &module, &import_name, &sig.params, &sig.results)
}
