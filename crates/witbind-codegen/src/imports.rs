//! Imports: each imported function becomes a safe Rust function (or a
//! method of its resource) that lowers its arguments, calls the core wasm
//! import and lifts the result.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use wit_bindgen_core::wit_parser::{Function, FunctionKind, TypeDefKind, TypeId};

use crate::abi::Outlined;
use crate::context::takes_self;
use crate::context::Cx;
use crate::docs::docs;
use crate::ident::snake;
use crate::lints::fn_allows;
use crate::names::{ModuleId, Scope};
use crate::resources::resource_functions;
use crate::signatures::{chain_return, constructor_error, self_param};
use crate::tokens::with_block;
use crate::typedefs::expand_typedef;
use crate::types::{param_is_forced_owned, ty, Style};

/// Types, resources (with their methods) and free functions of one import
/// of an interface, in WIT order.
pub(crate) fn expand_interface(cx: &Cx, out: &mut Outlined, module: ModuleId) -> TokenStream {
    let scope = Scope::Module(module);
    let iface = &cx.resolve.interfaces[cx.names.module(module).interface];
    let mut items = TokenStream::new();
    if !iface.functions.is_empty() {
        let wasm_module = cx.names.wasm_module(scope);
        items.extend(crate::abi::module_import_macro(&cx.rt, wasm_module));
    }
    for id in iface.types.values() {
        items.extend(expand_typedef(cx, *id, scope));
        if matches!(cx.resolve.types[*id].kind, TypeDefKind::Resource) {
            items.extend(expand_resource_functions(cx, out, *id, scope));
        }
    }
    let free = iface
        .functions
        .values()
        .filter(|f| f.kind.resource().is_none());
    for func in free {
        items.extend(expand_import_fn(cx, out, func, scope));
    }
    items.extend(crate::native::expand_host(cx, scope));
    items
}

/// `impl R { .. }` with the constructor, methods and statics of imported
/// resource `id`.
pub(crate) fn expand_resource_functions(
    cx: &Cx,
    out: &mut Outlined,
    id: TypeId,
    scope: Scope,
) -> TokenStream {
    let name = cx.names.type_ident(scope, id);
    let methods: Vec<TokenStream> = resource_functions(cx, id, scope)
        .map(|f| expand_import_fn(cx, out, f, scope))
        .collect();
    let allow = crate::lints::resource_allows(cx, scope, resource_functions(cx, id, scope));
    with_block(quote!(#allow impl #name), methods.into_iter().collect())
}

/// One imported function as a safe wrapper; natively, it calls the
/// implementation the test installed (`native.rs`).
pub(crate) fn expand_import_fn(
    cx: &Cx,
    out: &mut Outlined,
    func: &Function,
    scope: Scope,
) -> TokenStream {
    if cx.skipped(func) {
        return TokenStream::new();
    }
    if cx.is_async(scope, func) {
        return crate::async_imports::expand_async_import_fn(cx, out, func, scope);
    }
    let docs = docs(&func.docs);
    let name = cx.names.function(scope, func);
    let chain = cx.chain(scope, func);
    let mut params = Vec::new();
    let mut operands = Vec::new();
    if takes_self(func) {
        params.push(self_param(chain));
        operands.push(quote!(self));
    }
    for param in import_params(cx, func, scope) {
        let ImportParam { ident, ty, .. } = &param;
        params.push(quote!(#ident: #ty));
        operands.push(if param.forced_owned {
            quote!(&#ident)
        } else {
            quote!(#ident)
        });
    }
    let ret = match chain {
        Some(chain) => chain_return(chain),
        None => return_type(cx, func, scope, &quote!(Self)),
    };
    let (body, lints) = crate::abi::import_body(cx, out, scope, func, &operands);
    let allow = fn_allows(cx, func, name, params.len(), lints.paths());
    let mut body = body;
    body.extend(chain.map(|_| quote!(self)));
    let mut native = crate::native::native_call(cx, scope, func);
    native.extend(body);
    with_block(quote!(#docs #allow pub fn #name(#(#params),*) #ret), native)
}

/// A parameter of an imported function (not its `self`), as the wrapper
/// takes it.
pub(crate) struct ImportParam {
    pub(crate) ident: Ident,
    pub(crate) ty: TokenStream,
    /// Taken by value where the WIT type would let it be lent (the
    /// ownership options), lowered from a reference.
    pub(crate) forced_owned: bool,
}

/// The parameters of imported function `func` other than `self`.
pub(crate) fn import_params(cx: &Cx, func: &Function, scope: Scope) -> Vec<ImportParam> {
    let style = Style::import_param(cx);
    let skip = usize::from(takes_self(func));
    let params = func.params.iter().skip(skip).map(|param| ImportParam {
        ident: snake(&param.name),
        ty: ty(cx, &param.ty, style, scope),
        forced_owned: param_is_forced_owned(cx, &param.ty, style),
    });
    params.collect()
}

/// `-> T`, `-> Self` for constructors, `-> Result<Self, E>` for fallible
/// constructors (`this` in place of `Self`); nothing without a result.
pub(crate) fn return_type(
    cx: &Cx,
    func: &Function,
    scope: Scope,
    this: &TokenStream,
) -> TokenStream {
    let Some(result) = &func.result else {
        return TokenStream::new();
    };
    if let FunctionKind::Constructor(_) = func.kind {
        return match constructor_error(cx, result) {
            Some(err) => {
                let err = err
                    .map(|e| ty(cx, &e, Style::Owned, scope))
                    .unwrap_or_else(|| quote!(()));
                quote!(-> ::core::result::Result<#this, #err>)
            }
            None => quote!(-> #this),
        };
    }
    let result = ty(cx, result, Style::Owned, scope);
    quote!(-> #result)
}
