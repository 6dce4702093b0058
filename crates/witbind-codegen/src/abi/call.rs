//! The call in the middle of a shim: the core wasm import an import
//! wrapper calls (then frees what it lent the host), or the user's trait
//! method an export shim calls; and the values the function returns.

use proc_macro2::TokenStream;
use quote::quote;
use wit_bindgen_core::abi::WasmType;
use wit_bindgen_core::wit_parser::Function;

use super::{extern_import, receiver, Callee, FnBindgen};

impl FnBindgen<'_, '_> {
    /// Calls the core import `name`; afterwards frees the memory lowered
    /// for it. Its results, if any, as locals.
    pub(super) fn call_wasm(
        &mut self,
        name: &str,
        params: &[WasmType],
        results: &[WasmType],
        args: &[TokenStream],
    ) -> Vec<TokenStream> {
        let Callee::Import { wasm_module } = &self.callee else {
            unreachable!("only imports call core wasm functions")
        };
        self.import_decl = extern_import(wasm_module, name, params, results);
        let call = quote!(unsafe { _wit_import(#(#args),*) });
        let ret = if results.is_empty() {
            self.push(quote!(#call;));
            Vec::new()
        } else {
            vec![self.bind("ret", call)]
        };
        for stmt in std::mem::take(&mut self.cleanup) {
            self.push(stmt);
        }
        if self.needs_cleanup_list {
            let rt = self.rt();
            self.push(quote! {
                for (ptr, size, align) in _cleanup_list {
                    unsafe { #rt::cabi_dealloc(ptr, size, align) };
                }
            });
        }
        ret
    }

    /// Calls the user's implementation of an export with the lifted
    /// arguments; its result, if any, as a local.
    pub(super) fn call_interface(
        &mut self,
        func: &Function,
        args: &[TokenStream],
    ) -> Option<TokenStream> {
        let Callee::Export {
            call,
            method,
            constructor,
        } = &self.callee
        else {
            unreachable!("only exports call the user's implementation")
        };
        let mut args = args.to_vec();
        if *method {
            let this = receiver(&args[0]);
            args[0] = quote!(#this.get());
        }
        let mut call = quote!(#call(#(#args),*));
        if let Some((resource, fallible)) = constructor {
            call = if *fallible {
                quote!(#call.map(#resource::new))
            } else {
                quote!(#resource::new(#call))
            };
        }
        if func.result.is_some() {
            Some(self.bind("ret", call))
        } else {
            self.push(quote!(#call;));
            None
        }
    }

    /// Records what the function returns (a trailing `let x = e; x`
    /// becomes `e`).
    pub(super) fn return_values(&mut self, values: &[TokenStream]) {
        let mut values = values.to_vec();
        if let [value] = values.as_mut_slice() {
            *value = self.take_trailing_let(value.clone());
        }
        self.ret = values;
    }
}
