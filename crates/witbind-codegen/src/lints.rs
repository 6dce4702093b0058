//! `#[allow(..)]` for clippy lints that a WIT signature can trigger but the
//! generated API cannot avoid without departing from wit-bindgen's.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use wit_bindgen_core::wit_parser::{Function, FunctionKind, Type, TypeDefKind};

use crate::context::Cx;

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
/// `body_lints`, what its body's code needs (`abi::Lints`).
pub(crate) fn fn_allows(
    cx: &Cx,
    func: &Function,
    name: &Ident,
    params: usize,
    body_lints: Vec<TokenStream>,
) -> TokenStream {
    let mut lints = body_lints;
    if params > 7 {
        lints.push(quote!(clippy::too_many_arguments));
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
    let constructor = matches!(func.kind, FunctionKind::Constructor(_));
    if *name == "new" && !constructor {
        lints.push(quote!(clippy::new_ret_no_self));
    }
    let text = name.to_string();
    if crate::context::takes_self(func) && (text.starts_with("from_") || text.starts_with("into_"))
    {
        lints.push(quote!(clippy::wrong_self_convention));
    }
    if lints.is_empty() {
        TokenStream::new()
    } else {
        quote!(#[allow(#(#lints),*)])
    }
}

/// clippy's `type_complexity` threshold: it warns above this score.
const TYPE_COMPLEXITY_THRESHOLD: u64 = 250;

/// The items at the root of the bindings, each with
/// `#[allow(clippy::type_complexity)]` when clippy would find one of its
/// types too complex. (Modules allow it for everything inside them; the
/// root is the user's module, where the bindings cannot set lints.)
pub(crate) fn allow_complex_root_items(items: TokenStream) -> TokenStream {
    let Ok(file) = syn::parse2::<syn::File>(items.clone()) else {
        return items;
    };
    let items = file.items.into_iter().map(|mut item| {
        if !matches!(item, syn::Item::Mod(_)) && item_is_complex(&item) {
            if let Some(attrs) = item_attrs(&mut item) {
                attrs.push(syn::parse_quote!(#[allow(clippy::type_complexity)]));
            }
        }
        item
    });
    quote!(#(#items)*)
}

fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        syn::Item::Const(item) => Some(&mut item.attrs),
        syn::Item::Enum(item) => Some(&mut item.attrs),
        syn::Item::Fn(item) => Some(&mut item.attrs),
        syn::Item::Impl(item) => Some(&mut item.attrs),
        syn::Item::Static(item) => Some(&mut item.attrs),
        syn::Item::Struct(item) => Some(&mut item.attrs),
        syn::Item::Trait(item) => Some(&mut item.attrs),
        _ => None,
    }
}

/// Whether a type clippy checks in `item` (parameters and results of
/// functions, fields, statics and constants, also in nested items) scores
/// above its threshold.
fn item_is_complex(item: &syn::Item) -> bool {
    let complex = |ty: &syn::Type| type_score(ty, 1) > TYPE_COMPLEXITY_THRESHOLD;
    let sig_is_complex = |sig: &syn::Signature| {
        let inputs = sig.inputs.iter().any(|arg| match arg {
            syn::FnArg::Typed(pat) => complex(&pat.ty),
            syn::FnArg::Receiver(_) => false,
        });
        let output = match &sig.output {
            syn::ReturnType::Type(_, ty) => complex(ty),
            syn::ReturnType::Default => false,
        };
        inputs || output
    };
    let block_is_complex = |block: &syn::Block| {
        block.stmts.iter().any(|stmt| match stmt {
            syn::Stmt::Item(item) => item_is_complex(item),
            _ => false,
        })
    };
    match item {
        syn::Item::Fn(item) => sig_is_complex(&item.sig) || block_is_complex(&item.block),
        syn::Item::Struct(item) => item.fields.iter().any(|f| complex(&f.ty)),
        syn::Item::Enum(item) => item
            .variants
            .iter()
            .any(|v| v.fields.iter().any(|f| complex(&f.ty))),
        syn::Item::Static(item) => complex(&item.ty) || expr_is_complex(&item.expr),
        syn::Item::Const(item) => complex(&item.ty) || expr_is_complex(&item.expr),
        syn::Item::Trait(item) => item.items.iter().any(|item| match item {
            syn::TraitItem::Fn(f) => sig_is_complex(&f.sig),
            syn::TraitItem::Const(c) => complex(&c.ty),
            _ => false,
        }),
        syn::Item::Impl(item) => {
            // clippy does not check the signatures of trait implementations.
            let trait_impl = item.trait_.is_some();
            item.items.iter().any(|item| match item {
                syn::ImplItem::Fn(f) => {
                    (!trait_impl && sig_is_complex(&f.sig)) || block_is_complex(&f.block)
                }
                syn::ImplItem::Const(c) => complex(&c.ty),
                _ => false,
            })
        }
        _ => false,
    }
}

/// Whether `expr` is a block holding a complex item (`const _: () = {..}`).
fn expr_is_complex(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Block(block) => block.block.stmts.iter().any(|stmt| match stmt {
            syn::Stmt::Item(item) => item_is_complex(item),
            _ => false,
        }),
        _ => false,
    }
}

/// clippy's `type_complexity` score of `ty` at nesting `nest` (1 at the
/// top): paths, tuples, arrays and slices cost 10 per level of nesting and
/// nest their parts one level deeper; references and pointers cost 1;
/// function pointers 50 per level; trait objects 20 per level.
fn type_score(ty: &syn::Type, nest: u64) -> u64 {
    let inner = |tys: &mut dyn Iterator<Item = &syn::Type>, nest: u64| -> u64 {
        tys.map(|ty| type_score(ty, nest)).sum()
    };
    match ty {
        syn::Type::Path(path) => {
            let qself = path
                .qself
                .iter()
                .map(|q| type_score(&q.ty, nest + 1))
                .sum::<u64>();
            10 * nest + qself + path_args_score(&path.path, nest + 1)
        }
        syn::Type::Tuple(tuple) => 10 * nest + inner(&mut tuple.elems.iter(), nest + 1),
        syn::Type::Array(array) => 10 * nest + type_score(&array.elem, nest + 1),
        syn::Type::Slice(slice) => 10 * nest + type_score(&slice.elem, nest + 1),
        syn::Type::Reference(reference) => 1 + type_score(&reference.elem, nest),
        syn::Type::Ptr(ptr) => 1 + type_score(&ptr.elem, nest),
        syn::Type::FnPtr(f) => {
            let output = match &f.output {
                syn::ReturnType::Type(_, ty) => type_score(ty, nest),
                syn::ReturnType::Default => 0,
            };
            50 * nest + inner(&mut f.inputs.iter().map(|arg| &arg.ty), nest) + output
        }
        syn::Type::TraitObject(object) => 20 * nest + bounds_score(&object.bounds, nest),
        syn::Type::ImplTrait(object) => bounds_score(&object.bounds, nest),
        syn::Type::Paren(paren) => type_score(&paren.elem, nest),
        syn::Type::Group(group) => type_score(&group.elem, nest),
        syn::Type::Infer(_) => 1,
        _ => 0,
    }
}

/// The score of the type arguments in `path`.
fn path_args_score(path: &syn::Path, nest: u64) -> u64 {
    path.segments
        .iter()
        .map(|segment| match &segment.arguments {
            syn::PathArguments::AngleBracketed(args) => args
                .args
                .iter()
                .map(|arg| match arg {
                    syn::GenericArgument::Type(ty) => type_score(ty, nest),
                    syn::GenericArgument::AssocType(assoc) => type_score(&assoc.ty, nest),
                    _ => 0,
                })
                .sum(),
            syn::PathArguments::Parenthesized(args) => {
                let output = match &args.output {
                    syn::ReturnType::Type(_, ty) => type_score(ty, nest),
                    syn::ReturnType::Default => 0,
                };
                args.inputs
                    .iter()
                    .map(|arg| type_score(&arg.ty, nest))
                    .sum::<u64>()
                    + output
            }
            syn::PathArguments::None => 0,
        })
        .sum()
}

fn bounds_score(
    bounds: &syn::punctuated::Punctuated<syn::TypeParamBound, syn::Token![+]>,
    nest: u64,
) -> u64 {
    bounds
        .iter()
        .map(|bound| match bound {
            syn::TypeParamBound::Trait(t) => path_args_score(&t.path, nest + 1),
            _ => 0,
        })
        .sum()
}

/// `#[allow(clippy::len_without_is_empty)]` for a resource's `impl` or
/// guest trait when one of its methods is called `len` (WIT chose it).
pub(crate) fn resource_allows<'a>(
    cx: &Cx,
    scope: crate::names::Scope,
    mut functions: impl Iterator<Item = &'a Function>,
) -> TokenStream {
    let has_len = functions.any(|f| {
        matches!(
            f.kind,
            wit_bindgen_core::wit_parser::FunctionKind::Method(_)
        ) && *cx.names.function(scope, f) == "len"
    });
    if has_len {
        quote!(#[allow(clippy::len_without_is_empty)])
    } else {
        TokenStream::new()
    }
}
