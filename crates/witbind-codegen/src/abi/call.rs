//! Whole functions out of walks: the body of an import wrapper (lower the
//! arguments, call the core import, free what was lent, lift the result),
//! of an export shim (lift the arguments, call the user's type, lower the
//! result; for async exports, return it with `task.return`), of
//! post-return, of the pieces of an async import call, and of a stream or
//! future payload's lowering and lifting.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;
use wit_bindgen_core::abi::{AbiVariant, WasmSignature, WasmType};
use wit_bindgen_core::wit_parser::{Function, Mangling, Type, TypeDefKind};

use super::flat::{core_args, core_params, extern_import, module_import, Flat};
use super::{receiver, Gen, Lints, Lower, Outlined};
use crate::context::Cx;
use crate::names::Scope;

/// The body of the wrapper of synchronous import `func`, whose arguments
/// are the expressions `operands` (references, or values the wrapper
/// owns); the value it returns is the body's tail. And the lints to allow.
pub(crate) fn import_body(
    cx: &Cx,
    out: &mut Outlined,
    scope: Scope,
    func: &Function,
    operands: &[TokenStream],
) -> (TokenStream, Lints) {
    let sig = cx.resolve.wasm_signature(AbiVariant::GuestImport, func);
    let mut g = Gen::new(cx, scope, out);
    let mut args: Vec<TokenStream> = Vec::new();
    if sig.indirect_params {
        let types = func.params.iter().map(|p| &p.ty);
        let layout = cx.info.sizes.record(types.clone());
        let area = g.return_area(layout.size.size_wasm32(), layout.align.align_wasm32());
        let offsets = cx.info.sizes.field_offsets(types);
        for ((offset, ty), operand) in offsets.into_iter().zip(operands) {
            g.lower_mem(ty, operand, &area, offset.size_wasm32(), Lower::Args);
        }
        args.push(area);
    } else {
        for (param, operand) in func.params.iter().zip(operands) {
            let values = g.lower_flat(&param.ty, operand, Lower::Args);
            args.extend(values.into_iter().map(|value| value.expr));
        }
    }
    let ret_ptr = match (&func.result, sig.retptr) {
        (Some(result), true) => Some(g.return_area(cx.info.size(result), cx.info.align(result))),
        (Some(_) | None, _) => None,
    };
    args.extend(ret_ptr.clone());
    // An interface module declares its imports through its own
    // `wit_import!` (`module_import_macro`).
    let import = match scope {
        Scope::Module(_) => module_import(&func.name, &sig.params, &sig.results),
        Scope::Root => extern_import(
            &cx.rt,
            cx.names.wasm_module(scope),
            &func.name,
            &sig.params,
            &sig.results,
        ),
    };
    // SAFETY: `_wit_import` is declared just above (`import`) with this import's core signature,
    // and the arguments are its canonical ABI lowering: lent lists and strings point at memory that
    // lives until the call returns (freed only afterwards), and a return pointer at a return area
    // sized and aligned for the results.
    let call = quote!(unsafe { _wit_import(#(#args),*) });
    let ret = if sig.results.is_empty() {
        g.push(quote!(#call;));
        None
    } else {
        Some(g.bind("ret", call))
    };
    let after = g.take_after_call();
    if !after.is_empty() {
        g.push(after);
    }
    let value = match (&func.result, ret_ptr, ret, sig.results.first()) {
        (Some(result), Some(ptr), _, _) => g.lift_mem(result, &ptr, 0),
        (Some(result), None, Some(ret), Some(ty)) => g.lift_flat(result, &[Flat::new(ret, *ty)]),
        (Some(_), None, _, _) | (None, ..) => TokenStream::new(),
    };
    let lints = g.lints;
    let body = g.finish(value);
    (quote!(#import #body), lints)
}

/// How an export shim calls the user's implementation.
pub(crate) struct ExportCall {
    /// The function to call: `__T::name`.
    pub(crate) path: TokenStream,
    /// A method: the first argument is a borrow whose `get()` is `&self`.
    pub(crate) method: bool,
    /// ... and whose `get_mut()` is `&mut self` (`mutable_resources`).
    pub(crate) method_mut: bool,
    /// A constructor of the resource at this path: the user's value is
    /// wrapped into a new handle (`fallible`: inside a `Result`).
    pub(crate) constructor: Option<(TokenStream, bool)>,
}

/// An export shim: its core parameters, core result type and body.
pub(crate) struct Shim {
    pub(crate) params: Vec<TokenStream>,
    pub(crate) result: Option<TokenStream>,
    pub(crate) body: TokenStream,
}

/// The shim of export `func`: lifts the arguments, calls the user's
/// implementation; a synchronous one lowers the result (handed over until
/// post-return), an async one (the body of its task) returns it with
/// `task.return`, lent.
pub(crate) fn export_shim(
    cx: &Cx,
    out: &mut Outlined,
    scope: Scope,
    func: &Function,
    call: &ExportCall,
    async_: bool,
) -> Shim {
    let variant = if async_ {
        AbiVariant::GuestExportAsync
    } else {
        AbiVariant::GuestExport
    };
    let sig = cx.resolve.wasm_signature(variant, func);
    let (params, _) = core_params(&sig.params);
    let result = sig.results.first().map(|ty| super::wasm_type(*ty));
    let mut g = Gen::new(cx, scope, out);
    g.static_ret_area = true;
    let args = g.lift_params(func, &sig, call);
    let body = if async_ {
        g.return_async(func, scope, call, args);
        g.finish(TokenStream::new())
    } else {
        let ret = g.call_user(func, call, args);
        let tail = match (&func.result, ret) {
            (Some(result), Some(ret)) if sig.retptr => {
                let ptr = g.return_area(cx.info.size(result), cx.info.align(result));
                g.lower_mem(result, &ret, &ptr, 0, Lower::Owned);
                ptr
            }
            (Some(result), Some(ret)) => {
                let values = g.lower_flat(result, &ret, Lower::Owned);
                values[0].expr.clone()
            }
            (Some(_), None) | (None, _) => TokenStream::new(),
        };
        g.finish(tail)
    };
    Shim {
        params,
        result,
        body,
    }
}

impl Gen<'_, '_> {
    /// The export's arguments, lifted from the core arguments `arg0..`
    /// (or from the memory `arg0` points at, freed once they are lifted).
    fn lift_params(
        &mut self,
        func: &Function,
        sig: &WasmSignature,
        call: &ExportCall,
    ) -> Vec<TokenStream> {
        let types: Vec<&Type> = func.params.iter().map(|p| &p.ty).collect();
        if sig.indirect_params {
            let sizes = &self.cx.info.sizes;
            let layout = sizes.record(types.iter().copied());
            let arg = quote!(arg0);
            let lifted = sizes
                .field_offsets(types.iter().copied())
                .into_iter()
                .map(|(offset, ty)| self.lift_mem(ty, &arg, offset.size_wasm32()))
                .collect();
            let rt = self.rt();
            let (size, align) = (
                Literal::usize_unsuffixed(layout.size.size_wasm32()),
                Literal::usize_unsuffixed(layout.align.align_wasm32()),
            );
            // SAFETY: the host passed the parameters indirectly, in memory it allocated through
            // `cabi_realloc` with exactly this record's size and alignment and handed to us; every
            // argument was lifted out of it above (taking what it owns), so it is freed once, here.
            self.push_unsafe(quote!(#rt::cabi_dealloc(#arg, #size, #align)));
            return lifted;
        }
        let args = core_args(&sig.params);
        let mut rest = args.as_slice();
        let mut lifted = Vec::new();
        for (i, ty) in types.iter().enumerate() {
            let count = super::flat::flat_types_of(self.cx.resolve, ty).len();
            let (these, others) = rest.split_at(count);
            rest = others;
            let handle = match crate::prim::type_id(ty).map(|id| &self.cx.resolve.types[id].kind) {
                Some(TypeDefKind::Handle(handle)) if i == 0 && call.method => Some(handle),
                Some(_) | None => None,
            };
            lifted.push(match handle {
                // The receiver comes as the resource's representation, a
                // pointer (not the `i32` its flat type says).
                Some(handle) => self.lift_handle(handle, &these[0].expr),
                None => self.lift_flat(ty, these),
            });
        }
        lifted
    }

    /// `__T::f(args)` (a method through the borrow's `get` or `get_mut`, a
    /// constructor wrapped into the new resource); its result bound to a
    /// local, if any.
    fn call_user(
        &mut self,
        func: &Function,
        call: &ExportCall,
        args: Vec<TokenStream>,
    ) -> Option<TokenStream> {
        let expr = self.user_call_expr(call, args, false);
        if func.result.is_some() {
            Some(self.bind("ret", expr))
        } else {
            self.push(quote!(#expr;));
            None
        }
    }

    fn user_call_expr(
        &mut self,
        call: &ExportCall,
        mut args: Vec<TokenStream>,
        async_: bool,
    ) -> TokenStream {
        if call.method_mut {
            let this = self.bind("this", args[0].clone());
            // The call has the resource to itself (see `get_mut`).
            // SAFETY: `get_mut` needs the value to be used by nothing else while the reference
            // lives. `method_mut` is only set for synchronous methods (`takes_mut_self`), and the
            // component is not re-entered during a synchronous call. (Not covered: the host passing
            // this same resource again in another `borrow` argument, whose `get` would alias the
            // `&mut self`.)
            args[0] = quote!(unsafe { #this.get_mut() });
        } else if call.method {
            let this = receiver(&args[0]);
            args[0] = quote!(#this.get());
        }
        let path = &call.path;
        let mut expr = quote!(#path(#(#args),*));
        if async_ {
            expr = quote!(#expr.await);
        }
        match &call.constructor {
            Some((resource, true)) => quote!(#expr.map(#resource::new)),
            Some((resource, false)) => quote!(#resource::new(#expr)),
            None => expr,
        }
    }

    /// The rest of an async export's task: awaits the user's
    /// implementation inside a block that also holds the lifted arguments
    /// (so borrowed handles are dropped before the result goes back), then
    /// returns the result, lent, with `task.return`, after which the task
    /// no longer reports cancellation.
    fn return_async(
        &mut self,
        func: &Function,
        scope: Scope,
        call: &ExportCall,
        args: Vec<TokenStream>,
    ) {
        let expr = self.user_call_expr(call, args, true);
        let stmts = self.take_stmts();
        let ret = self.tmp("ret");
        self.push(quote! {
            let #ret = {
                #stmts
                #expr
            };
        });
        let key = match scope {
            Scope::Module(module) => Some(&self.cx.names.module(module).key),
            Scope::Root => None,
        };
        let (module, name, sig) = func.task_return_import(self.cx.resolve, key, Mangling::Legacy);
        let mut lowered = Vec::new();
        if let Some(result) = &func.result {
            let value = quote!(&#ret);
            if sig.indirect_params {
                let ptr = self.return_area(self.cx.info.size(result), self.cx.info.align(result));
                self.lower_mem(result, &value, &ptr, 0, Lower::Lent);
                lowered.push(ptr);
            } else {
                let values = self.lower_flat(result, &value, Lower::Lent);
                lowered.extend(values.into_iter().map(|value| value.expr));
            }
        }
        let import = extern_import(&self.cx.rt, &module, &name, &sig.params, &[]);
        self.push(quote! {
            #import
            _task_cancel.forget();
            // SAFETY: `_wit_import` is this export's `task.return`, declared just above with its
            // core signature; the arguments are the result's canonical ABI lowering, pointing at
            // `#ret` and the return area, which live until it returns (it copies the value).
            unsafe { _wit_import(#(#lowered),*) };
        });
        let after = self.take_after_call();
        if !after.is_empty() {
            self.push(after);
        }
    }
}

/// Whether synchronous export `func` needs a post-return function: its
/// result goes back in memory and owns lists or strings.
pub(crate) fn needs_post_return(cx: &Cx, func: &Function) -> bool {
    let sig = cx.resolve.wasm_signature(AbiVariant::GuestExport, func);
    sig.retptr
        && func
            .result
            .as_ref()
            .is_some_and(|result| cx.info.of_type(result).has_list)
}

/// The core parameters and body of the post-return function of
/// synchronous export `func` (see [`needs_post_return`]): frees what the
/// shim handed over.
pub(crate) fn post_return(
    cx: &Cx,
    out: &mut Outlined,
    scope: Scope,
    func: &Function,
) -> (Vec<TokenStream>, TokenStream) {
    let sig = cx.resolve.wasm_signature(AbiVariant::GuestExport, func);
    let (params, _) = core_params(&sig.results);
    let mut g = Gen::new(cx, scope, out);
    if let Some(result) = &func.result {
        g.free_mem(result, &quote!(arg0), 0, false);
    }
    (params, g.finish(TokenStream::new()))
}

/// The bodies of the pieces of an async import call (`Subtask`).
pub(crate) struct AsyncImportParts {
    /// `params_lower`: the arguments lowered (into `_area` when they go in
    /// memory), handed over; ends with the `Lowered` core values.
    pub(crate) lower: TokenStream,
    pub(crate) lower_lints: Lints,
    /// `params_dealloc_lists`: what `lower` allocated, freed.
    pub(crate) free_lists: TokenStream,
    /// `params_dealloc_lists_and_own`: the same, and the handles it moved
    /// taken back and dropped (the call never started).
    pub(crate) reclaim: TokenStream,
    /// `results_lift`: the result read from `_results`.
    pub(crate) lift: TokenStream,
}

/// The pieces of async import `func`, whose parameters are bound to
/// `names` in `lower` and whose lowered core values are `lowered`
/// (`arg0..` in the other pieces).
pub(crate) fn async_import_parts(
    cx: &Cx,
    out: &mut Outlined,
    scope: Scope,
    func: &Function,
    names: &[Ident],
    lowered: &[WasmType],
    indirect: bool,
) -> AsyncImportParts {
    let rt = &cx.rt;
    let types: Vec<&Type> = func.params.iter().map(|p| &p.ty).collect();
    let offsets: Vec<usize> = cx
        .info
        .sizes
        .field_offsets(types.iter().copied())
        .into_iter()
        .map(|(offset, _)| offset.size_wasm32())
        .collect();
    let mut g = Gen::new(cx, scope, out);
    let mut flat = Vec::new();
    if indirect {
        for ((ty, name), offset) in types.iter().zip(names).zip(&offsets) {
            let offset_lit = Literal::usize_unsuffixed(*offset);
            // SAFETY: `#offset_lit` is this parameter's offset in the parameters' record, which the
            // call's layout places at the start of the call's memory, and `_area` is that memory
            // (`params_lower`'s contract), so the pointer stays inside it.
            let address = g.bind_unsafe("p", quote!(_area.add(#offset_lit)));
            g.lower_mem(ty, &quote!(#name), &address, 0, Lower::Owned);
        }
        flat.push(quote!(_area));
    } else {
        for (ty, name) in types.iter().zip(names) {
            let values = g.lower_flat(ty, &quote!(#name), Lower::Owned);
            flat.extend(values.into_iter().map(|value| value.expr));
        }
    }
    let lower_lints = g.lints;
    let lower = g.finish(quote!(#rt::async_support::Lowered((#(#flat,)*))));
    let args = core_args(lowered);
    let free = |out: &mut Outlined, own: bool| {
        let mut g = Gen::new(cx, scope, out);
        if indirect {
            for (ty, offset) in types.iter().zip(&offsets) {
                g.free_mem(ty, &args[0].expr, *offset, own);
            }
        } else {
            let mut rest = args.as_slice();
            for ty in &types {
                let count = super::flat::flat_types_of(cx.resolve, ty).len();
                let (these, others) = rest.split_at(count);
                g.free_flat(ty, these, own);
                rest = others;
            }
        }
        g.finish(TokenStream::new())
    };
    let free_lists = free(out, false);
    let reclaim = free(out, true);
    let lift = match &func.result {
        Some(result) => {
            let mut g = Gen::new(cx, scope, out);
            let value = g.lift_mem(result, &quote!(_results), 0);
            g.finish(value)
        }
        None => TokenStream::new(),
    };
    AsyncImportParts {
        lower,
        lower_lints,
        free_lists,
        reclaim,
        lift,
    }
}

/// The bodies of a stream or future payload's functions.
pub(crate) struct PayloadFns {
    /// `lower(value, ptr)`: the value moved into memory, handed over.
    pub(crate) lower: TokenStream,
    pub(crate) lower_lints: Lints,
    /// `lift(ptr)`: the value read back, taking what it owns.
    pub(crate) lift: TokenStream,
    /// `dealloc_lists(ptr)`: what `lower` allocated, freed (the receiver
    /// has copied it).
    pub(crate) dealloc: TokenStream,
}

/// The payload functions of `ty` for code in `scope`.
pub(crate) fn payload_fns(cx: &Cx, out: &mut Outlined, scope: Scope, ty: &Type) -> PayloadFns {
    let ptr = quote!(ptr);
    let mut g = Gen::new(cx, scope, out);
    g.lower_mem(ty, &quote!(value), &ptr, 0, Lower::Owned);
    let lower_lints = g.lints;
    let lower = g.finish(TokenStream::new());
    let mut g = Gen::new(cx, scope, out);
    let value = g.lift_mem(ty, &ptr, 0);
    let lift = g.finish(value);
    let mut g = Gen::new(cx, scope, out);
    g.free_mem(ty, &ptr, 0, false);
    let dealloc = g.finish(TokenStream::new());
    PayloadFns {
        lower,
        lower_lints,
        lift,
        dealloc,
    }
}
