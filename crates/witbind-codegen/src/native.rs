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
//! An async import's method returns a boxed future
//! (`rt::native::BoxFuture`), awaited by the import function; its
//! arguments are owned, as the import function's are. Streams and futures
//! natively are the runtime's (`rt::async_support::native_host`, with the
//! vtables `payloads.rs` generates for it). The macro leaves all of it out
//! when rustc compiles for wasm32 (`disable_native`).

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use wit_bindgen_core::wit_parser::{Function, TypeDefKind, TypeId, WorldItem};

use crate::context::{takes_self, Cx};
use crate::ident::snake;
use crate::imports::{import_params, return_type};
use crate::lints::fn_allows;
use crate::names::Scope;
use crate::types::{ty, Style};

/// The condition under which the canonical ABI is used: wasm32, and Miri,
/// whose tests play the host of the core imports and exports.
pub(crate) fn abi_cfg() -> TokenStream {
    quote!(any(target_arch = "wasm32", miri))
}

/// The condition under which imports are native: the others.
pub(crate) fn native_cfg() -> TokenStream {
    let abi = abi_cfg();
    quote!(not(#abi))
}

/// The first statement of imported function `func`: the call of the
/// installed implementation (the runtime's `native_import!`/
/// `native_method!`, nothing on wasm32): `Host`'s method for a function,
/// constructor or static, the resource object's for a method; nothing with
/// `disable_native`. The macros call it by the trait's path
/// (`Host::f(&*object, ..)`): a WIT function may be named like a method of
/// `Rc` or `Box` (`clone`, `drop`).
pub(crate) fn native_call(cx: &Cx, scope: Scope, func: &Function) -> TokenStream {
    if cx.opts.disable_native {
        return TokenStream::new();
    }
    let rt = &cx.rt;
    let names = cx.names.native(scope);
    let args = native_params(cx, func, scope)
        .into_iter()
        .map(|(ident, _)| ident);
    let is_async = cx.is_async(scope, func).then(|| quote!(async));
    match func.kind.resource() {
        Some(resource) if takes_self(func) => {
            let method = cx.names.function(scope, func);
            let host = names.resource(resource);
            let chain = cx.chain(scope, func).map(|_| quote!(=> self));
            quote!(#rt::native_method!(#is_async #host, self, #method(#(#args),*) #chain);)
        }
        Some(_) | None => {
            let method = host_method(cx, scope, func);
            let host = &names.host;
            let wit = &func.name;
            quote!(#rt::native_import!(#is_async #host, #wit, #method(#(#args),*));)
        }
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

/// The native items of imports `scope`: `Host` and `install` (when the
/// scope has functions, constructors or statics a test implements), and
/// each imported resource's `HostX` trait and `From` impl.
pub(crate) fn expand_host(cx: &Cx, scope: Scope) -> TokenStream {
    if cx.opts.disable_native {
        return TokenStream::new();
    }
    let (functions, resources) = native_imports(cx, scope);
    let host_fns: Vec<&Function> = functions
        .iter()
        .copied()
        .filter(|func| !takes_self(func))
        .collect();
    if host_fns.is_empty() && resources.is_empty() {
        return TokenStream::new();
    }
    let rt = &cx.rt;
    let names = cx.names.native(scope);
    let iface = interface_name(cx, scope);
    let install = &names.install;
    let host = &names.host;
    let mut items = quote!(#rt::native_scope!(#iface););
    if !host_fns.is_empty() {
        items = quote!(#rt::native_scope!(#iface, #host, #install););
        let methods = host_fns.iter().map(|func| {
            let method = host_method(cx, scope, func);
            let this = match func.kind.resource() {
                Some(resource) => {
                    let ident = cx.names.type_ident(scope, resource);
                    quote!(#ident)
                }
                None => quote!(Self),
            };
            trait_method(cx, scope, func, method, &this, host)
        });
        let doc = format!(
            " Natively (`cargo test` on the host): the imports of `{iface}`, each with the \
             signature of its function here, as a test implements them; [`{install}`] makes \
             an implementation this thread's. A method left out panics when the guest calls \
             it, naming it."
        );
        items.extend(native_trait(&doc, host, methods));
    }
    for resource in resources {
        let host = names.resource(resource);
        let name = cx.names.type_ident(scope, resource);
        let methods = functions
            .iter()
            .filter(|func| takes_self(func) && func.kind.resource() == Some(resource))
            .map(|func| {
                let method = cx.names.function(scope, func);
                trait_method(cx, scope, func, method, &quote!(Self), host)
            });
        let doc = format!(
            " Natively (`cargo test` on the host): a test's object behind an imported \
             [`{name}`], with its methods; `{name}::from(object)` hands it to the guest. A \
             method left out panics when the guest calls it, naming it."
        );
        items.extend(native_trait(&doc, host, methods));
        items.extend(quote! {
            #rt::native_resource!(#name, #host);
        });
    }
    items.extend(crate::native_wasi::expand_impls(cx, scope));
    items
}

/// A native trait: `Host` or `HostX`, with `methods`.
fn native_trait(
    doc: &str,
    host: &Ident,
    methods: impl Iterator<Item = TokenStream>,
) -> TokenStream {
    let native = native_cfg();
    quote! {
        #[doc = #doc]
        #[cfg(#native)]
        #[allow(unused_variables, clippy::len_without_is_empty)]
        pub trait #host: 'static {
            #(#methods)*
        }
    }
}

/// One method of native trait `host`: `func`'s signature with
/// `&self`, and a default body that panics naming it. `this` stands for
/// `Self` in a constructor's result.
fn trait_method(
    cx: &Cx,
    scope: Scope,
    func: &Function,
    method: &Ident,
    this: &TokenStream,
    host: &Ident,
) -> TokenStream {
    let rt = &cx.rt;
    let signature = method_signature(cx, scope, func, method, this);
    quote! {
        #signature {
            #rt::native_missing!(#host, #method)
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
    let params: Vec<TokenStream> = native_params(cx, func, scope)
        .into_iter()
        .map(|(ident, ty)| quote!(#ident: #ty))
        .collect();
    let allow = fn_allows(cx, func, method, params.len() + 1, Vec::new());
    let ret = if cx.is_async(scope, func) {
        let rt = &cx.rt;
        let result = match &func.result {
            Some(result) => ty(cx, result, Style::Owned, scope),
            None => quote!(()),
        };
        quote!(-> #rt::native::BoxFuture<'_, #result>)
    } else {
        return_type(cx, func, scope, this)
    };
    quote!(#allow fn #method(&self, #(#params),*) #ret)
}

/// The parameters of imported function `func` (not `self`) as its
/// import function takes them: lent where a synchronous one lends, owned
/// for an async one.
fn native_params(cx: &Cx, func: &Function, scope: Scope) -> Vec<(Ident, TokenStream)> {
    if !cx.is_async(scope, func) {
        let params = import_params(cx, func, scope).into_iter();
        return params.map(|p| (p.ident, p.ty)).collect();
    }
    let skip = usize::from(takes_self(func));
    let params = func.params.iter().skip(skip);
    let params = params.map(|p| (snake(&p.name), ty(cx, &p.ty, Style::Owned, scope)));
    params.collect()
}

/// The functions of imports `scope` a test implements natively (those
/// not skipped), and its resources.
pub(crate) fn native_imports<'a>(cx: &Cx<'a>, scope: Scope) -> (Vec<&'a Function>, Vec<TypeId>) {
    let (functions, resources) = scope_imports(cx, scope);
    let functions = functions.into_iter().filter(|func| !cx.skipped(func));
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
