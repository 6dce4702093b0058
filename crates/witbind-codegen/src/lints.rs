//! `#[allow(..)]` for clippy lints that a WIT signature can trigger but the
//! generated API cannot avoid without departing from wit-bindgen's.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use wit_bindgen_core::wit_parser::{Function, Type, TypeDefKind};

use crate::context::Cx;
use crate::info::nesting;

/// Method names clippy expects to be trait implementations.
const STD_TRAIT_METHODS: &[&str] = &[
    "add",
    "as_mut",
    "as_ref",
    "bitand",
    "bitor",
    "bitxor",
    "borrow",
    "borrow_mut",
    "clone",
    "cmp",
    "default",
    "deref",
    "deref_mut",
    "div",
    "drop",
    "eq",
    "from_iter",
    "from_str",
    "hash",
    "index",
    "index_mut",
    "into_iter",
    "mul",
    "neg",
    "next",
    "not",
    "rem",
    "shl",
    "shr",
    "sub",
];

/// The allows a function `name` with `params` Rust parameters needs;
/// `clones_enums` when its body copies enums with `.clone()`.
pub(crate) fn fn_allows(
    cx: &Cx,
    func: &Function,
    name: &Ident,
    params: usize,
    clones_enums: bool,
) -> TokenStream {
    let mut lints = Vec::new();
    if params > 7 {
        lints.push(quote!(clippy::too_many_arguments));
    }
    // Inside interface modules the module allows it; world-level functions
    // need it themselves.
    let types = func.params.iter().map(|p| &p.ty).chain(func.result.iter());
    if types.map(|ty| nesting(cx.resolve, ty)).max().unwrap_or(0) >= 3 {
        lints.push(quote!(clippy::type_complexity));
    }
    if clones_enums {
        lints.push(quote!(clippy::clone_on_copy));
    }
    if let Some(Type::Id(id)) = &func.result {
        if let TypeDefKind::Result(r) = &cx.resolve.types[*id].kind {
            if r.err.is_none() {
                lints.push(quote!(clippy::result_unit_err));
            }
        }
    }
    let is_resource_fn = func.kind.resource().is_some();
    if is_resource_fn && STD_TRAIT_METHODS.contains(&name.to_string().as_str()) {
        lints.push(quote!(clippy::should_implement_trait));
    }
    if is_resource_fn && *name == "new" && func.params.is_empty() {
        lints.push(quote!(clippy::new_without_default));
    }
    if lints.is_empty() {
        TokenStream::new()
    } else {
        quote!(#[allow(#(#lints),*)])
    }
}
