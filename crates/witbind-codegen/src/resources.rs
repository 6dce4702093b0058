//! Resources, imported and exported. Both are a struct owning a handle
//! (dropping it drops the handle) with wit-bindgen's raw-handle API. An
//! imported resource's constructor, methods and statics are added to its
//! `impl` by `imports.rs`; an exported resource gets `X::new(value)`,
//! `get`, `get_mut`, `into_inner`, a borrow type `XBorrow<'_>`, and the
//! destructor the host calls (its trait, `GuestX`, is in `exports.rs`).

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use wit_bindgen_core::wit_parser::{Function, TypeId, WorldItem};

use crate::context::Cx;
use crate::docs::docs;
use crate::names::{Scope, Side};

/// The definition of resource `id` in `scope`: exported when `scope` is an
/// export module, imported otherwise.
pub(crate) fn expand_resource(cx: &Cx, id: TypeId, scope: Scope) -> TokenStream {
    match scope {
        Scope::Module(module) if cx.names.module(module).side == Side::Export => {
            expand_exported_resource(cx, id, scope)
        }
        Scope::Module(_) | Scope::Root => expand_imported_resource(cx, id, scope),
    }
}

/// An imported resource: the handle type, whose drop calls the host's
/// `[resource-drop]`, and the raw-handle helpers (the runtime's
/// `resource_handle!`).
fn expand_imported_resource(cx: &Cx, id: TypeId, scope: Scope) -> TokenStream {
    let name = cx.names.type_ident(scope, id);
    let rt = &cx.rt;
    let module = cx.names.wasm_module(scope);
    let drop = format!("[resource-drop]{}", wit_name(cx, id));
    let api = handle_api(cx, id);
    let handle_type = expand_handle_type(cx, id, name);
    quote! {
        #handle_type
        #rt::resource_handle!(#name, #module, #drop #api);
    }
}

/// The resource's WIT name.
fn wit_name<'a>(cx: &Cx<'a>, id: TypeId) -> &'a str {
    cx.resolve.types[id].name.as_deref().unwrap_or_default()
}

/// The struct of resource `id`, owning its handle.
fn expand_handle_type(cx: &Cx, id: TypeId, name: &Ident) -> TokenStream {
    let docs = docs(&cx.resolve.types[id].docs);
    let rt = &cx.rt;
    quote! {
        #docs
        #[derive(Debug)]
        #[repr(transparent)]
        pub struct #name {
            // Generated code reaches the handle through this field, or
            // through wit-bindgen's raw-handle methods where no WIT function
            // of the same name shadows them.
            pub(crate) handle: #rt::ResourceHandle<#name>,
        }
    }
}

/// The runtime macros' list of wit-bindgen's raw-handle methods to write
/// (`from_handle`, `take_handle`, `handle`) when a WIT function of the
/// resource takes one of their names; none (all three) otherwise.
fn handle_api(cx: &Cx, id: TypeId) -> Option<TokenStream> {
    if cx.names.has_handle_api(cx.resolve, id) {
        return None;
    }
    let helpers = cx
        .names
        .free_handle_api(cx.resolve, id)
        .map(|helper| Ident::new(helper, Span::call_site()));
    Some(quote!(, [#(#helpers),*]))
}

/// The functions of resource `id`, defined in `scope` (its interface, or
/// the world for world-level resources).
pub(crate) fn resource_functions<'a>(
    cx: &'a Cx,
    id: TypeId,
    scope: Scope,
) -> Box<dyn Iterator<Item = &'a Function> + 'a> {
    let functions: Box<dyn Iterator<Item = &Function>> = match scope {
        Scope::Module(module) => {
            let iface = cx.names.module(module).interface;
            Box::new(cx.resolve.interfaces[iface].functions.values())
        }
        Scope::Root => {
            let world = &cx.resolve.worlds[cx.world];
            Box::new(
                world
                    .imports
                    .values()
                    .chain(world.exports.values())
                    .filter_map(|item| match item {
                        WorldItem::Function(f) => Some(f),
                        WorldItem::Interface { .. } | WorldItem::Type { .. } => None,
                    }),
            )
        }
    };
    Box::new(functions.filter(move |f| f.kind.resource() == Some(id)))
}

/// An exported resource: a handle type the guest creates with
/// `X::new(value)`, its borrow `XBorrow<'_>`, and their plumbing (the
/// runtime's `exported_resource!`).
fn expand_exported_resource(cx: &Cx, id: TypeId, scope: Scope) -> TokenStream {
    let Scope::Module(module) = scope else {
        unreachable!("exported resources belong to export modules")
    };
    let wit_name = wit_name(cx, id);
    let name = cx.names.type_ident(scope, id);
    let names = cx.names.resource(module, id);
    let (borrow, guest) = (&names.borrow, &names.guest_trait);
    let rt = &cx.rt;
    let export_module = format!("[export]{}", cx.names.module(module).wasm_name);
    let [new, rep, drop] =
        ["new", "rep", "drop"].map(|what| format!("[resource-{what}]{wit_name}"));
    let api = handle_api(cx, id);
    let handle_type = expand_handle_type(cx, id, name);
    quote! {
        #handle_type
        #rt::exported_resource!(
            #name, #borrow, #guest, #export_module, #new, #rep, #drop #api
        );
    }
}
