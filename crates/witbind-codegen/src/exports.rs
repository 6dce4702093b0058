//! Exports: the `Guest` traits the user implements (one per exported
//! interface, `GuestX` per exported resource, one for the world's own
//! functions) and the canonical-ABI shims that lift the arguments, call the
//! user's type and lower the result, with their post-return cleanup. The
//! macros that define the entry points for a user's type are in
//! `export_macro.rs`.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use wit_bindgen_core::wit_parser::{Function, FunctionKind};

use crate::abi::{ExportCall, Outlined};
use crate::context::{takes_self, Cx};
use crate::docs::docs;
use crate::export_macro::{expand_entry_macro, EntryPoints};
use crate::names::{export_fn, ModuleId, Scope};
use crate::signatures::{
    constructor_error, exported_resources, takes_mut_self, trait_fn_signature, world_functions,
};
use crate::typedefs::expand_typedef;

/// Types, resources, traits, shims and export macro of one export of an
/// interface; whether it has an export macro (anything callable).
pub(crate) fn expand_interface(
    cx: &Cx,
    out: &mut Outlined,
    module: ModuleId,
) -> (TokenStream, bool) {
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
    items.extend(expand_shims(cx, out, &funcs, scope));
    (items, true)
}

/// The world-level `Guest` trait, its shims and export macro, when the
/// world exports functions of its own.
pub(crate) fn expand_world(cx: &Cx, out: &mut Outlined) -> Option<TokenStream> {
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
    items.extend(expand_shims(cx, out, &funcs, Scope::Root));
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

/// The shims (and post-return functions) of `funcs` in `scope`, and the
/// macro that defines their entry points for a user's type.
fn expand_shims(cx: &Cx, out: &mut Outlined, funcs: &[&Function], scope: Scope) -> TokenStream {
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
            items.extend(expand_async_shim(cx, out, func, scope, &trait_path));
            entry_points.add_async_function(cx, func, scope);
            continue;
        }
        items.extend(expand_shim(cx, out, func, scope, &names.shim, &trait_path));
        let needs_post_return = crate::abi::needs_post_return(cx, func);
        if needs_post_return {
            items.extend(expand_post_return(
                cx,
                out,
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
    out: &mut Outlined,
    func: &Function,
    scope: Scope,
    shim: &Ident,
    trait_path: &TokenStream,
) -> TokenStream {
    let call = export_call(cx, func, scope);
    let crate::abi::Shim {
        params,
        result,
        body,
    } = crate::abi::export_shim(cx, out, scope, func, &call, false);
    let result = result.map(|ty| quote!(-> #ty));
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
        }
    }
}

/// How an export shim calls the user's implementation of `func`.
fn export_call(cx: &Cx, func: &Function, scope: Scope) -> ExportCall {
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
    ExportCall {
        path: quote!(__T::#name),
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
    out: &mut Outlined,
    func: &Function,
    scope: Scope,
    trait_path: &TokenStream,
) -> TokenStream {
    let names = export_fn(func);
    let call = export_call(cx, func, scope);
    let crate::abi::Shim { params, body, .. } =
        crate::abi::export_shim(cx, out, scope, func, &call, true);
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
    out: &mut Outlined,
    func: &Function,
    scope: Scope,
    post: &Ident,
    trait_path: &TokenStream,
) -> TokenStream {
    let (params, body) = crate::abi::post_return(cx, out, scope, func);
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
