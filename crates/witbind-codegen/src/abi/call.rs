//! The call in the middle of a shim: the core wasm import an import
//! wrapper calls (then frees what it lent the host), or the user's trait
//! method an export shim calls; and the values the function returns. Also
//! the core signatures: core wasm types in Rust, and import declarations.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use wit_bindgen_core::abi::WasmType;
use wit_bindgen_core::wit_parser::Function;

use super::{receiver, Callee, FnBindgen};

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
        self.import_decl = extern_import(&self.rt(), wasm_module, name, params, results);
        // SAFETY: `_wit_import` is declared just above (`import_decl`) with this import's core
        // signature, and the arguments are its canonical ABI lowering: lent lists and strings point
        // at memory that lives until the call returns (freed only afterwards), and a return pointer
        // at a return area sized and aligned for the results.
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
                    // SAFETY: each entry is an array that `rt::alloc` made for this call's
                    // arguments, with its exact size and alignment (`free_after_call`); the call
                    // has returned, so the host no longer reads it, and each is freed once.
                    unsafe { #rt::cabi_dealloc(ptr, size, align) };
                }
            });
        }
        ret
    }

    /// Calls the user's implementation of an export with the lifted
    /// arguments; its result, if any, as a local. An async export's call
    /// is awaited inside a block that also holds the lifted arguments, so
    /// that borrowed handles are dropped before the result is returned.
    pub(super) fn call_interface(
        &mut self,
        func: &Function,
        args: &[TokenStream],
    ) -> Option<TokenStream> {
        let mut args = args.to_vec();
        if let Callee::Export {
            method_mut: true, ..
        } = self.callee
        {
            let this = self.bind("this", args[0].clone());
            // The call has the resource to itself (see `get_mut`).
            // SAFETY: `get_mut` needs the value to be used by nothing else while the reference
            // lives. `method_mut` is only set for synchronous methods (`takes_mut_self`), and the
            // component is not re-entered during a synchronous call. (Not covered: the host passing
            // this same resource again in another `borrow` argument, whose `get` would alias the
            // `&mut self`.)
            args[0] = quote!(unsafe { #this.get_mut() });
        }
        let Callee::Export {
            call,
            method,
            method_mut,
            constructor,
            async_,
            ..
        } = &self.callee
        else {
            unreachable!("only exports call the user's implementation")
        };
        if *method && !*method_mut {
            let this = receiver(&args[0]);
            args[0] = quote!(#this.get());
        }
        let mut call = quote!(#call(#(#args),*));
        if *async_ {
            call = quote!(#call.await);
        }
        if let Some((resource, fallible)) = constructor {
            call = if *fallible {
                quote!(#call.map(#resource::new))
            } else {
                quote!(#resource::new(#call))
            };
        }
        if *async_ {
            if let Callee::Export {
                indirect_params: Some((size, align)),
                ..
            } = &self.callee
            {
                let (rt, arg) = (self.rt(), self.params[0].clone());
                let (size, align) = (
                    Literal::usize_unsuffixed(*size),
                    Literal::usize_unsuffixed(*align),
                );
                // SAFETY: the host passed the async export's parameters indirectly, in memory it
                // allocated through `cabi_realloc` with exactly this record's size and alignment
                // and handed to us; every argument was lifted out of it above (taking what it
                // owns), so it is freed once, here.
                self.push(quote!(unsafe { #rt::cabi_dealloc(#arg, #size, #align) };));
            }
            let stmts = std::mem::take(&mut self.block().stmts);
            let decls = std::mem::take(&mut self.decls);
            let ret = self.tmp("ret");
            self.push(quote! {
                let #ret = {
                    #(#decls)*
                    #(#stmts)*
                    #call
                };
            });
            // Lowered by reference (the lowering then takes handles out
            // and points at the strings and lists in place): the value
            // lives until after `task.return` has copied it.
            return func.result.is_some().then(|| quote!(&#ret));
        }
        if func.result.is_some() {
            Some(self.bind("ret", call))
        } else {
            self.push(quote!(#call;));
            None
        }
    }

    /// Returns an async export's result with `task.return` (`name`, taking
    /// `params`), after which the task no longer reports cancellation.
    pub(super) fn task_return(&mut self, name: &str, params: &[WasmType], args: &[TokenStream]) {
        let Callee::Export {
            task_return_module, ..
        } = &self.callee
        else {
            unreachable!("only async exports return with `task.return`")
        };
        let import = extern_import(&self.rt(), task_return_module, name, params, &[]);
        self.push(quote! {
            #import
            _task_cancel.forget();
            // SAFETY: `_wit_import` is this export's `task.return`, declared just above with its
            // core signature; the arguments are the result's canonical ABI lowering, pointing at
            // `#ret` and the return area, which live until it returns (it copies the value).
            unsafe { _wit_import(#(#args),*) };
        });
        for stmt in std::mem::take(&mut self.cleanup) {
            self.push(stmt);
        }
        if self.needs_cleanup_list {
            let rt = self.rt();
            self.push(quote! {
                for (ptr, size, align) in _cleanup_list {
                    // SAFETY: each entry is an array that `rt::alloc` made for the result, with its
                    // exact size and alignment (`free_after_call`); `task.return` has copied the
                    // result, so nothing reads it any more, and each is freed once.
                    unsafe { #rt::cabi_dealloc(ptr, size, align) };
                }
            });
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
    quote!(#rt::wit_import!(#wasm_module, #name, (#(#params),*) #result);)
}
