//! Exports: the `Guest` traits the user implements (one per exported
//! interface, `GuestX` per exported resource, one for the world's own
//! functions) and the canonical-ABI shims that lift the arguments, call the
//! user's type and lower the result, with their post-return cleanup. The
//! macros that define the entry points for a user's type are in
//! `export_macro.rs`.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use wit_bindgen_core::abi::{self, AbiVariant, LiftLower};
use wit_bindgen_core::wit_parser::{
    Function, FunctionKind, Mangling, TypeDefKind, TypeId, WorldItem,
};

use crate::abi::{core_params, wasm_type, Callee, FnBindgen};
use crate::context::Cx;
use crate::docs::docs;
use crate::export_macro::{expand_entry_macro, EntryPoints};
use crate::ident::snake;
use crate::imports::{constructor_error, takes_self};
use crate::lints::fn_allows;
use crate::names::{export_fn, ModuleId, Scope};
use crate::typedefs::expand_typedef;
use crate::types::{ty, Style};

/// Types, resources, traits, shims and export macro of one export of an
/// interface; whether it has an export macro (anything callable).
pub(crate) fn expand_interface(cx: &Cx, module: ModuleId) -> (TokenStream, bool) {
    let scope = Scope::Module(module);
    let iface = &cx.resolve.interfaces[cx.names.module(module).interface];
    let mut items = TokenStream::new();
    for id in iface.types.values() {
        items.extend(expand_typedef(cx, *id, scope));
    }
    let resources = exported_resources(cx, module);
    let funcs: Vec<&Function> = iface
        .functions
        .values()
        .filter(|f| !cx.skipped(f))
        .collect();
    if funcs.is_empty() && resources.is_empty() {
        return (items, false);
    }
    let resource_types = resources.iter().map(|r| {
        let name = cx.names.type_ident(scope, *r);
        let guest = &cx.names.resource(module, *r).guest_trait;
        quote!(type #name: #guest;)
    });
    let free = funcs
        .iter()
        .filter(|f| f.kind.resource().is_none())
        .map(|f| expand_trait_fn(cx, f, scope));
    let docs = docs(&iface.docs);
    items.extend(quote! {
        #docs
        pub trait Guest {
            #(#resource_types)*
            #(#free)*
        }
    });
    for resource in &resources {
        let guest = &cx.names.resource(module, *resource).guest_trait;
        let methods = funcs
            .iter()
            .filter(|f| f.kind.resource() == Some(*resource))
            .map(|f| expand_trait_fn(cx, f, scope));
        let rt = &cx.rt;
        let allow = crate::lints::resource_allows(
            cx,
            scope,
            funcs
                .iter()
                .copied()
                .filter(|f| f.kind.resource() == Some(*resource)),
        );
        items.extend(quote! {
            #allow
            pub trait #guest: #rt::GuestResource<Rep = ::core::option::Option<Self>> {
                /// Moves the value of a new resource into memory where it
                /// stays until the host drops the resource; the pointer is
                /// the representation the host keeps. Override it, with
                /// `resource_from_raw_`, to keep values elsewhere (an arena).
                ///
                /// # Safety
                /// The pointer must stay valid until `resource_from_raw_`
                /// is called with it. Override both methods or neither:
                /// each one's default expects the other's.
                #[doc(hidden)]
                unsafe fn resource_into_raw_(value: Self::Rep) -> *mut Self::Rep {
                    #rt::Box::into_raw(#rt::Box::new(value))
                }

                /// Takes back a representation made by `resource_into_raw_`
                /// when the host drops the resource.
                ///
                /// # Safety
                /// `rep` must come from `resource_into_raw_`, once.
                #[doc(hidden)]
                unsafe fn resource_from_raw_(rep: *mut Self::Rep) -> Self::Rep {
                    // SAFETY: by this method's contract `rep` comes from `resource_into_raw_`,
                    // once. The default one makes it with `Box::into_raw` of a `Box<Self::Rep>`,
                    // and the two methods are overridden together or not at all (their documented
                    // contract; the trait cannot enforce it, as it is safe to implement).
                    *unsafe { #rt::Box::from_raw(rep) }
                }

                #(#methods)*
            }
        });
    }
    items.extend(expand_shims(cx, &funcs, scope));
    (items, true)
}

/// The resources exported by export module `module`, in WIT order.
pub(crate) fn exported_resources(cx: &Cx, module: ModuleId) -> Vec<TypeId> {
    let iface = &cx.resolve.interfaces[cx.names.module(module).interface];
    iface
        .types
        .values()
        .copied()
        .filter(|ty| matches!(cx.resolve.types[*ty].kind, TypeDefKind::Resource))
        .collect()
}

/// The world's exported functions that are generated (not skipped).
pub(crate) fn world_functions<'a>(cx: &'a Cx) -> Vec<&'a Function> {
    cx.resolve.worlds[cx.world]
        .exports
        .values()
        .filter_map(|item| match item {
            WorldItem::Function(func) if !cx.skipped(func) => Some(func),
            WorldItem::Function(_) | WorldItem::Interface { .. } | WorldItem::Type { .. } => None,
        })
        .collect()
}

/// The world-level `Guest` trait, its shims and export macro, when the
/// world exports functions of its own.
pub(crate) fn expand_world(cx: &Cx) -> Option<TokenStream> {
    let funcs = world_functions(cx);
    if funcs.is_empty() {
        return None;
    }
    let methods = funcs.iter().map(|f| expand_trait_fn(cx, f, Scope::Root));
    let world_trait = &cx.names.world_trait;
    let mut items = quote! {
        /// The functions this world exports, implemented by the type
        /// given to `export!`.
        pub trait #world_trait {
            #(#methods)*
        }
    };
    items.extend(expand_shims(cx, &funcs, Scope::Root));
    Some(items)
}

/// The trait method a user implements for `func`.
fn expand_trait_fn(cx: &Cx, func: &Function, scope: Scope) -> TokenStream {
    let signature = trait_fn_signature(cx, func, scope, false);
    let docs = docs(&func.docs);
    quote! {
        #docs
        #signature;
    }
}

/// Whether exported method `func` takes `&mut self`: a synchronous method
/// with `mutable_resources` (a synchronous call has the resource to
/// itself; concurrent async calls could not).
pub(crate) fn takes_mut_self(cx: &Cx, scope: Scope, func: &Function) -> bool {
    cx.opts.mutable_resources && takes_self(func) && !cx.is_async(scope, func)
}

/// `fn name(params) -> ret` of a trait method; `stub` prefixes the
/// parameters with `_`, for bodies that ignore them.
pub(crate) fn trait_fn_signature(
    cx: &Cx,
    func: &Function,
    scope: Scope,
    stub: bool,
) -> TokenStream {
    let name = cx.names.function(scope, func);
    let mut params = Vec::new();
    for (i, param) in func.params.iter().enumerate() {
        if i == 0 && takes_self(func) {
            params.push(if takes_mut_self(cx, scope, func) {
                quote!(&mut self)
            } else {
                quote!(&self)
            });
            continue;
        }
        let ident = snake(&param.name);
        let ident = if stub {
            crate::ident::ident(&format!("_{}", ident.to_string().trim_start_matches("r#")))
        } else {
            ident
        };
        let param_ty = ty(cx, &param.ty, Style::Owned, scope);
        params.push(quote!(#ident: #param_ty));
    }
    let ret = match (&func.kind, &func.result) {
        (FunctionKind::Constructor(_), Some(result)) => match constructor_error(cx, result) {
            Some(err) => {
                let err = err
                    .map(|e| ty(cx, &e, Style::Owned, scope))
                    .unwrap_or_else(|| quote!(()));
                quote!(-> ::core::result::Result<Self, #err> where Self: Sized)
            }
            None => quote!(-> Self where Self: Sized),
        },
        (_, Some(result)) => {
            let result = ty(cx, result, Style::Owned, scope);
            quote!(-> #result)
        }
        (_, None) => TokenStream::new(),
    };
    let allow = fn_allows(cx, func, name, params.len(), Vec::new());
    if cx.is_async(scope, func) {
        return quote! {
            #allow
            #[allow(async_fn_in_trait)]
            async fn #name(#(#params),*) #ret
        };
    }
    quote! {
        #allow
        fn #name(#(#params),*) #ret
    }
}

/// The shims (and post-return functions) of `funcs` in `scope`, and the
/// macro that defines their entry points for a user's type.
fn expand_shims(cx: &Cx, funcs: &[&Function], scope: Scope) -> TokenStream {
    let mut items = TokenStream::new();
    let mut entry_points = EntryPoints::default();
    for func in funcs {
        let names = export_fn(func);
        let trait_path = match (func.kind.resource(), scope) {
            (Some(resource), Scope::Module(module)) => {
                let guest = &cx.names.resource(module, resource).guest_trait;
                quote!(#guest)
            }
            (None, Scope::Module(_)) => quote!(Guest),
            (_, Scope::Root) => {
                let world_trait = &cx.names.world_trait;
                quote!(#world_trait)
            }
        };
        if cx.is_async(scope, func) {
            items.extend(expand_async_shim(cx, func, scope, &trait_path));
            entry_points.add_async_function(cx, func, scope);
            continue;
        }
        items.extend(expand_shim(cx, func, scope, &names.shim, &trait_path));
        // Results that need cleaning up are returned through memory; a
        // lone `error-context` (which wit-bindgen-core counts) is not.
        let needs_post_return = abi::guest_export_needs_post_return(cx.resolve, func)
            && cx
                .resolve
                .wasm_signature(AbiVariant::GuestExport, func)
                .retptr;
        if needs_post_return {
            items.extend(expand_post_return(
                cx,
                func,
                scope,
                &names.post_return,
                &trait_path,
            ));
        }
        entry_points.add_function(cx, func, scope, needs_post_return);
    }
    if let Scope::Module(module) = scope {
        for resource in exported_resources(cx, module) {
            entry_points.add_destructor(cx, module, resource);
        }
    }
    items.extend(expand_entry_macro(cx, scope, &entry_points));
    items
}

/// `_export_f_cabi::<__T>`: lifts the arguments, calls the user's
/// implementation, lowers the result. (The generic parameter's name
/// cannot be a WIT type's, which would shadow it in the body.)
fn expand_shim(
    cx: &Cx,
    func: &Function,
    scope: Scope,
    shim: &Ident,
    trait_path: &TokenStream,
) -> TokenStream {
    let sig = cx.resolve.wasm_signature(AbiVariant::GuestExport, func);
    let (params, args) = core_params(&sig.params);
    let result = sig.results.first().map(|t| {
        let t = wasm_type(*t);
        quote!(-> #t)
    });
    let callee = export_callee(cx, func, scope, None);
    let mut bindgen = FnBindgen::new(cx, scope, callee, args);
    bindgen.static_ret_area = true;
    abi::call(
        cx.resolve,
        AbiVariant::GuestExport,
        LiftLower::LiftArgsLowerResults,
        func,
        &mut bindgen,
        false,
    );
    let value = bindgen.ret.clone();
    let body = bindgen.into_body();
    let run_ctors = run_ctors_once(cx);
    quote! {
        #[doc(hidden)]
        #[allow(non_snake_case, clippy::all)]
        // SAFETY: contract: only the export's entry point (`export!`) calls this, with the core
        // arguments the host passes under the canonical ABI for this function, and the results left
        // in the static return area are copied by the host before the next call.
        pub unsafe fn #shim<__T: #trait_path>(#(#params),*) #result {
            #run_ctors
            #body
            #(#value)*
        }
    }
}

/// How an export shim calls the user's implementation of `func`;
/// `task_return_module` for async exports.
fn export_callee(
    cx: &Cx,
    func: &Function,
    scope: Scope,
    task_return_module: Option<String>,
) -> Callee {
    let name = cx.names.function(scope, func);
    let constructor = match func.kind {
        FunctionKind::Constructor(resource) => {
            let fallible = func
                .result
                .as_ref()
                .and_then(|r| constructor_error(cx, r))
                .is_some();
            let path = cx.names.type_path(cx.resolve, resource, scope);
            Some((path, fallible))
        }
        FunctionKind::Freestanding
        | FunctionKind::AsyncFreestanding
        | FunctionKind::Getter
        | FunctionKind::Setter
        | FunctionKind::Method(_)
        | FunctionKind::AsyncMethod(_)
        | FunctionKind::MethodGetter(_)
        | FunctionKind::MethodSetter(_)
        | FunctionKind::Static(_)
        | FunctionKind::AsyncStatic(_)
        | FunctionKind::StaticGetter(_)
        | FunctionKind::StaticSetter(_) => None,
    };
    let async_ = task_return_module.is_some();
    let indirect_params = (async_
        && cx
            .resolve
            .wasm_signature(AbiVariant::GuestExportAsync, func)
            .indirect_params)
        .then(|| {
            let params = cx.info.sizes.record(func.params.iter().map(|p| &p.ty));
            (params.size.size_wasm32(), params.align.align_wasm32())
        });
    Callee::Export {
        call: quote!(__T::#name),
        async_,
        task_return_module: task_return_module.unwrap_or_default(),
        indirect_params,
        method: takes_self(func),
        method_mut: takes_mut_self(cx, scope, func),
        constructor,
    }
}

/// `_export_f_cabi::<__T>` of an async export: starts a task whose future
/// lifts the arguments, awaits the user's implementation, and returns the
/// result with `task.return`; and `__callback_f`, through which the host
/// drives the task.
fn expand_async_shim(
    cx: &Cx,
    func: &Function,
    scope: Scope,
    trait_path: &TokenStream,
) -> TokenStream {
    let names = export_fn(func);
    let sig = cx
        .resolve
        .wasm_signature(AbiVariant::GuestExportAsync, func);
    let (params, args) = core_params(&sig.params);
    let key = match scope {
        Scope::Module(module) => Some(&cx.names.module(module).key),
        Scope::Root => None,
    };
    let (task_return_module, _, _) = func.task_return_import(cx.resolve, key, Mangling::Legacy);
    let callee = export_callee(cx, func, scope, Some(task_return_module));
    let mut bindgen = FnBindgen::new(cx, scope, callee, args);
    bindgen.static_ret_area = true;
    abi::call(
        cx.resolve,
        AbiVariant::GuestExportAsync,
        LiftLower::LiftArgsLowerResults,
        func,
        &mut bindgen,
        true,
    );
    let body = bindgen.into_body();
    let rt = &cx.rt;
    let run_ctors = run_ctors_once(cx);
    let (shim, callback) = (&names.shim, &names.callback);
    quote! {
        #[doc(hidden)]
        #[allow(non_snake_case, clippy::all)]
        // SAFETY: contract: only the export's `[async-lift]` entry point (`export!`) calls this,
        // with the core arguments the host passes under the canonical ABI for this function.
        pub unsafe fn #shim<__T: #trait_path>(#(#params),*) -> i32 {
            #run_ctors
            #rt::async_support::start_task(async move {
                let _task_cancel = #rt::async_support::TaskCancelOnDrop::new();
                #body
            })
        }
        #[doc(hidden)]
        // SAFETY: contract: `rt::async_support::callback`'s (only the host calls it, through the
        // `[callback]` entry point, for a task `start_task` started).
        pub unsafe fn #callback(event: u32, waitable: u32, code: u32) -> u32 {
            // SAFETY: this function has `callback`'s contract and passes its arguments on
            // unchanged.
            unsafe { #rt::async_support::callback(event, waitable, code) }
        }
    }
}

/// `__post_return_f::<__T>`: frees what the shim handed to the host.
fn expand_post_return(
    cx: &Cx,
    func: &Function,
    scope: Scope,
    post: &Ident,
    trait_path: &TokenStream,
) -> TokenStream {
    let sig = cx.resolve.wasm_signature(AbiVariant::GuestExport, func);
    let (params, args) = core_params(&sig.results);
    // Results in memory (always, when they own lists) are freed by our own
    // walk, with a function per named type (`abi/free.rs`).
    let body = match (&func.result, sig.retptr, args.as_slice()) {
        (Some(result), true, [ptr]) => crate::abi::post_return_body(cx, scope, result, ptr),
        _ => {
            let mut bindgen = FnBindgen::new(cx, scope, Callee::PostReturn, args);
            abi::post_return(cx.resolve, func, &mut bindgen);
            bindgen.into_body()
        }
    };
    quote! {
        #[doc(hidden)]
        #[allow(non_snake_case, clippy::all)]
        // SAFETY: contract: only the `cabi_post_` entry point calls this, once per call of the
        // shim, with exactly the core results the shim returned, after the host copied them.
        pub unsafe fn #post<__T: #trait_path>(#(#params),*) {
            #body
        }
    }
}

/// The call of `run_ctors_once` an export begins with: static
/// constructors run before the first export (nothing with
/// `disable_run_ctors_once_workaround`).
fn run_ctors_once(cx: &Cx) -> Option<TokenStream> {
    let rt = &cx.rt;
    (!cx.opts.disable_run_ctors_once_workaround).then(|| {
        quote! {
            #[cfg(target_arch = "wasm32")]
            #rt::run_ctors_once();
        }
    })
}
