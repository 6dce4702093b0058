//! Rust signatures shared by imports and exports: receivers
//! (`&self`, `&mut self`, chained `self`), constructors' results, the
//! `Guest` traits' methods, and which functions and resources a module
//! exports.

use proc_macro2::TokenStream;
use quote::quote;
use wit_bindgen_core::wit_parser::{Function, FunctionKind, Type, TypeDefKind, TypeId, WorldItem};

use crate::context::{takes_self, Chain, Cx};
use crate::ident::snake;
use crate::lints::fn_allows;
use crate::names::{ModuleId, Scope};
use crate::types::{ty, Style};

/// The receiver of an import method: `&self`, or `self` when it is
/// chained by value.
pub(crate) fn self_param(chain: Option<Chain>) -> TokenStream {
    match chain {
        Some(Chain::Owned) => quote!(self),
        Some(Chain::Borrowed) | None => quote!(&self),
    }
}

/// `-> Self` or `-> &Self` of a chained method.
pub(crate) fn chain_return(chain: Chain) -> TokenStream {
    match chain {
        Chain::Owned => quote!(-> Self),
        Chain::Borrowed => quote!(-> &Self),
    }
}

/// `Some(err)` when a constructor returns `result<own<r>, err>`.
pub(crate) fn constructor_error(cx: &Cx, result: &Type) -> Option<Option<Type>> {
    let Type::Id(id) = result else {
        return None;
    };
    if let TypeDefKind::Result(r) = &cx.resolve.types[*id].kind {
        Some(r.err)
    } else {
        None
    }
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
