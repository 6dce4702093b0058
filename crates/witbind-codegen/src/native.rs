//! Imports implemented by a test, natively (`cargo test` on the host, off
//! wasm32 and outside Miri, which tests the canonical ABI glue itself).
//!
//! For each scope of imports (an interface, or the world's own imports)
//! the bindings define, under `cfg(not(any(target_arch = "wasm32",
//! miri)))`: a `Host` trait with one method per function (the same
//! signature, `&self` added; constructors and statics of resources as
//! `bucket_new`, `bucket_open`), a `HostX` trait per imported resource
//! with its methods, `From<T: HostX> for X` to hand the test's objects to
//! the guest as resources, and `install`, which makes an implementation
//! of `Host` the current thread's. Each imported function's body then
//! starts with the native call (the runtime's `rt::native` finds the
//! implementation); on wasm32 it is the canonical ABI call, unchanged.
//! Async imports are not implemented natively yet: they keep the stub that
//! panics.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use wit_bindgen_core::wit_parser::{Function, TypeDefKind, TypeId, WorldItem};

use crate::context::{takes_self, Cx};
use crate::docs::docs;
use crate::imports::{import_params, return_type};
use crate::lints::fn_allows;
use crate::names::Scope;

/// The condition under which imports are native.
pub(crate) fn native_cfg() -> TokenStream {
    quote!(not(any(target_arch = "wasm32", miri)))
}

/// The body of imported function `func`: the native call, then `abi`,
/// the canonical ABI call, each under its `cfg`.
pub(crate) fn with_native_call(
    cx: &Cx,
    scope: Scope,
    func: &Function,
    abi: TokenStream,
) -> TokenStream {
    let native = native_cfg();
    let call = native_call(cx, scope, func);
    quote! {
        #[cfg(#native)]
        {
            #call
        }
        #[cfg(any(target_arch = "wasm32", miri))]
        {
            #abi
        }
    }
}

/// The call of the installed implementation: `Host`'s method for a
/// function, constructor or static, the resource object's for a method.
/// Called by the trait's path (`Host::f(&**object, ..)`): a WIT function
/// may be named like a method of `Rc` or `Box` (`clone`, `drop`).
fn native_call(cx: &Cx, scope: Scope, func: &Function) -> TokenStream {
    let rt = &cx.rt;
    let names = cx.names.native(scope);
    let args = import_params(cx, func, scope).into_iter().map(|p| p.ident);
    let call = match func.kind.resource() {
        Some(resource) if takes_self(func) => {
            let method = cx.names.function(scope, func);
            let host = names.resource(resource);
            let wit = format!("{}#{}", interface_name(cx, scope), wit_name(cx, resource));
            let object = quote! {
                #rt::native::resource::<dyn #host>(#rt::ResourceHandle::handle(&self.handle), #wit)
            };
            quote!(#host::#method(&**#object, #(#args),*))
        }
        Some(_) | None => {
            let method = host_method(cx, scope, func);
            let host = &names.host;
            let iface = interface_name(cx, scope);
            let wit = &func.name;
            let trait_path = rust_path(cx, scope, host);
            let install = rust_path(cx, scope, &names.install);
            let object = quote! {
                #rt::native::host::<dyn #host>(#iface, #wit, #trait_path, #install)
            };
            quote!(#host::#method(&**#object, #(#args),*))
        }
    };
    match cx.chain(scope, func) {
        Some(_) => quote!(#call; self),
        None => call,
    }
}

/// `Host`'s method for `func` (not a method of a resource): the
/// function's own name, or `bucket_open` for a resource's static.
pub(crate) fn host_method<'a>(cx: &'a Cx, scope: Scope, func: &Function) -> &'a Ident {
    match func.kind.resource() {
        None => cx.names.function(scope, func),
        Some(_) => cx.names.native(scope).static_fn(func),
    }
}

/// The interface's WIT name, or the world's for its own imports.
fn interface_name(cx: &Cx, scope: Scope) -> String {
    match scope {
        Scope::Module(module) => cx.names.module(module).wasm_name.clone(),
        Scope::Root => {
            let world = &cx.resolve.worlds[cx.world];
            match world.package {
                Some(pkg) => format!("{}/{}", cx.resolve.packages[pkg].name, world.name),
                None => world.name.clone(),
            }
        }
    }
}

/// `item` of `scope` as a path from the root of the bindings, for
/// messages: `wasi::cli::environment::Host`.
fn rust_path(cx: &Cx, scope: Scope, item: &Ident) -> String {
    let mut path: Vec<String> = cx
        .names
        .path(scope)
        .0
        .iter()
        .map(|s| s.to_string())
        .collect();
    path.push(item.to_string());
    path.join("::")
}

/// A type's WIT name.
fn wit_name<'a>(cx: &Cx<'a>, id: TypeId) -> &'a str {
    cx.resolve.types[id].name.as_deref().unwrap_or_default()
}

/// The native items of imports `scope`: `Host` and `install` (when the
/// scope has functions, constructors or statics a test implements), and
/// each imported resource's `HostX` trait and `From` impl.
pub(crate) fn expand_host(cx: &Cx, scope: Scope) -> TokenStream {
    let (functions, resources) = native_imports(cx, scope);
    let native = native_cfg();
    let rt = &cx.rt;
    let names = cx.names.native(scope);
    let iface = interface_name(cx, scope);
    let allow = quote!(#[allow(unused_variables, clippy::len_without_is_empty)]);
    let mut items = TokenStream::new();
    let host_fns: Vec<&Function> = functions
        .iter()
        .copied()
        .filter(|func| !takes_self(func))
        .collect();
    if !host_fns.is_empty() {
        let host = &names.host;
        let install = &names.install;
        let trait_path = rust_path(cx, scope, host);
        let methods = host_fns.iter().map(|func| {
            let method = host_method(cx, scope, func);
            let this = match func.kind.resource() {
                Some(resource) => {
                    let ident = cx.names.type_ident(scope, resource);
                    quote!(#ident)
                }
                None => quote!(Self),
            };
            trait_method(cx, scope, func, method, &this, &iface, &trait_path)
        });
        let doc = format!(
            " Natively (`cargo test` on the host): the imports of `{iface}` as a test \
             implements them; make an implementation this thread's with [`{install}`]. \
             A method left out panics when the guest calls it, naming it."
        );
        let install_doc = format!(
            " Natively: makes `host` this thread's implementation of `{iface}` until the \
             returned guard is dropped (the one installed before comes back then)."
        );
        items.extend(quote! {
            #[doc = #doc]
            #[cfg(#native)]
            #allow
            pub trait #host: 'static {
                #(#methods)*
            }

            #[doc = #install_doc]
            #[cfg(#native)]
            pub fn #install(host: impl #host) -> #rt::native::Installed {
                #rt::native::install::<dyn #host>(#rt::Box::new(host))
            }
        });
    }
    for resource in resources {
        let host = names.resource(resource);
        let name = cx.names.type_ident(scope, resource);
        let trait_path = rust_path(cx, scope, host);
        let wit = format!("{iface}#{}", wit_name(cx, resource));
        let methods = functions
            .iter()
            .filter(|func| takes_self(func) && func.kind.resource() == Some(resource))
            .map(|func| {
                let method = cx.names.function(scope, func);
                trait_method(cx, scope, func, method, &quote!(Self), &wit, &trait_path)
            });
        let doc = format!(
            " Natively (`cargo test` on the host): a test's object behind an imported \
             [`{name}`] (`{wit}`); `{name}::from(object)` hands it to the guest. A method \
             left out panics when the guest calls it, naming it."
        );
        items.extend(quote! {
            #[doc = #doc]
            #[cfg(#native)]
            #allow
            pub trait #host: 'static {
                #(#methods)*
            }

            #[cfg(#native)]
            impl<T: #host> ::core::convert::From<T> for #name {
                fn from(object: T) -> Self {
                    let handle = #rt::native::new_resource::<dyn #host>(#rt::Box::new(object));
                    Self {
                        // SAFETY: a new handle of this type in this thread's
                        // table, which nothing else drops.
                        handle: unsafe { #rt::ResourceHandle::from_handle(handle) },
                    }
                }
            }
        });
    }
    items.extend(crate::native_wasi::expand_impls(cx, scope));
    items
}

/// One method of a native trait: `func`'s signature with `&self`, and a
/// default body that panics naming it (`interface`, the trait at
/// `trait_path`). `this` stands for `Self` in a constructor's result.
fn trait_method(
    cx: &Cx,
    scope: Scope,
    func: &Function,
    method: &Ident,
    this: &TokenStream,
    interface: &str,
    trait_path: &str,
) -> TokenStream {
    let rt = &cx.rt;
    let docs = docs(&func.docs);
    let signature = method_signature(cx, scope, func, method, this);
    let wit = &func.name;
    let method_name = method.to_string();
    quote! {
        #docs
        #signature {
            #rt::native::not_implemented(#interface, #wit, #trait_path, #method_name)
        }
    }
}

/// `fn method(&self, ..) -> T` of imported function `func` in a native
/// trait, with the allows it needs.
pub(crate) fn method_signature(
    cx: &Cx,
    scope: Scope,
    func: &Function,
    method: &Ident,
    this: &TokenStream,
) -> TokenStream {
    let params: Vec<TokenStream> = import_params(cx, func, scope)
        .into_iter()
        .map(|p| {
            let (ident, ty) = (p.ident, p.ty);
            quote!(#ident: #ty)
        })
        .collect();
    let allow = fn_allows(cx, func, method, params.len() + 1, Vec::new());
    let ret = return_type(cx, func, scope, this);
    quote!(#allow fn #method(&self, #(#params),*) #ret)
}

/// The functions of imports `scope` a test implements natively
/// (synchronous, not skipped), and its resources.
pub(crate) fn native_imports<'a>(cx: &Cx<'a>, scope: Scope) -> (Vec<&'a Function>, Vec<TypeId>) {
    let (functions, resources) = scope_imports(cx, scope);
    let functions = functions
        .into_iter()
        .filter(|func| !cx.skipped(func) && !cx.is_async(scope, func));
    (functions.collect(), resources)
}

/// The functions and resources a scope imports.
fn scope_imports<'a>(cx: &Cx<'a>, scope: Scope) -> (Vec<&'a Function>, Vec<TypeId>) {
    let is_resource = |id: &TypeId| matches!(cx.resolve.types[*id].kind, TypeDefKind::Resource);
    match scope {
        Scope::Module(module) => {
            let iface = &cx.resolve.interfaces[cx.names.module(module).interface];
            let resources = iface.types.values().copied().filter(is_resource);
            (iface.functions.values().collect(), resources.collect())
        }
        Scope::Root => {
            let world = &cx.resolve.worlds[cx.world];
            let mut functions = Vec::new();
            let mut resources = Vec::new();
            for item in world.imports.values() {
                match item {
                    WorldItem::Function(func) => functions.push(func),
                    WorldItem::Type { id, .. } if is_resource(id) => resources.push(*id),
                    WorldItem::Type { .. } | WorldItem::Interface { .. } => {}
                }
            }
            (functions, resources)
        }
    }
}
