//! Type spellings: how a WIT type is written in Rust at a given place
//! (owned, or borrowed for parameters of imports), relative to the module
//! the code is in. Definitions of named types are in `typedefs.rs`.
//!
//! Spelling follows wit-bindgen 0.63's, so signatures match: in the
//! default `Owning` mode parameters of imported functions borrow their top
//! layer (`&str`, `&[T]`, `&Record`, `Option<&str>`), everything else is
//! owned; with `ownership: Borrowing` they borrow throughout, and the types
//! only they use have borrowed definitions (`Record<'a>`).

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use wit_bindgen_core::dealias;
use wit_bindgen_core::wit_parser::{Handle, Type, TypeDefKind, TypeId};

use crate::context::Cx;
use crate::info::Forms;
use crate::names::Scope;
use crate::prim::{class, Class};
use crate::values::Ownership;

/// How one layer of a type is spelled (wit-bindgen's "type mode").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// `String`, `Vec<T>`, `Record`.
    Owned,
    /// Only the top layer borrowed: `&str`, `&[T]`, `&Record`; what lies
    /// beneath is owned. Used for parameters of imported functions.
    TopBorrowed,
    /// Borrowed throughout: `&[&str]`, `Record<'_>` (borrowed
    /// definitions). Parameters of imported functions with
    /// `ownership: Borrowing`.
    Borrowed,
}

impl Style {
    /// The style of the layers below one in this style.
    fn next(self) -> Style {
        match self {
            Style::Owned | Style::TopBorrowed => Style::Owned,
            Style::Borrowed => Style::Borrowed,
        }
    }

    /// The style of parameters of imported (synchronous) functions.
    pub(crate) fn import_param(cx: &Cx) -> Style {
        match cx.info.ownership() {
            Ownership::Owning => Style::TopBorrowed,
            Ownership::Borrowing { .. } => Style::Borrowed,
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Mode {
    /// Whether a lifetime is threaded through this layer.
    borrowed: bool,
    style: Style,
    /// Inside a type definition, where borrows name the lifetime `'a`
    /// (elided elsewhere).
    definition: bool,
}

const OWNED: Mode = Mode {
    borrowed: false,
    style: Style::Owned,
    definition: false,
};

/// The Rust spelling of `ty` in `style`, as seen from `scope`.
pub(crate) fn ty(cx: &Cx, ty: &Type, style: Style, scope: Scope) -> TokenStream {
    let mode = mode_for(cx, ty, style);
    print_ty(cx, ty, mode, scope)
}

/// The spelling of a field or case payload of type `ty` inside a type
/// definition: owned, borrows named `'a`.
pub(crate) fn field_ty(cx: &Cx, ty: &Type, scope: Scope) -> TokenStream {
    let mode = Mode {
        borrowed: cx.info.of_type(ty).has_borrow_handle,
        style: Style::Owned,
        definition: true,
    };
    print_ty(cx, ty, mode, scope)
}

/// Like [`field_ty`], in a borrowed definition (`Record<'a>`): strings
/// and lists are `&'a str` and `&'a [T]`.
pub(crate) fn borrowed_field_ty(cx: &Cx, ty: &Type, scope: Scope) -> TokenStream {
    let mode = Mode {
        definition: true,
        ..mode_for(cx, ty, Style::Borrowed)
    };
    print_ty(cx, ty, mode, scope)
}

/// The right-hand side of `type X = ...;` for the named type `id` that is
/// not nominal (an alias, list, option, ...): spelled through its kind, so
/// that `type a = list<u8>` is `Vec<u8>`, not `A`.
pub(crate) fn alias_target(cx: &Cx, id: TypeId, scope: Scope, borrowed: bool) -> TokenStream {
    let mode = if borrowed {
        Mode {
            definition: true,
            ..mode_for_id(cx, id, Style::Borrowed)
        }
    } else {
        Mode {
            borrowed: cx.info.of(id).has_borrow_handle,
            style: Style::Owned,
            definition: true,
        }
    };
    print_anonymous_kind(cx, &cx.resolve.types[id].kind, mode, scope)
}

/// Whether a parameter requested in `style` comes out owned because it
/// holds an `own` handle (which can only be passed by value). Its lowering
/// then works through a reference, so that values inside it (strings,
/// lists) stay alive until the call returns.
pub(crate) fn param_is_forced_owned(cx: &Cx, ty: &Type, style: Style) -> bool {
    style != Style::Owned
        && cx.info.of_type(ty).has_own_handle
        && mode_for(cx, ty, style).style != style
}

/// `<'a>` on types that (transitively) hold a borrowed handle, and on
/// borrowed definitions (of types only parameters of imports use, with
/// `ownership: Borrowing`). For the owned definition when there are two.
pub(crate) fn lifetime_param(cx: &Cx, id: TypeId) -> Option<TokenStream> {
    let borrowed = cx.forms(id) == Forms::Borrowed;
    (cx.info.of(id).has_borrow_handle || borrowed).then(|| quote!(<'a>))
}

fn mode_for(cx: &Cx, ty: &Type, style: Style) -> Mode {
    match class(ty) {
        Class::Id(id) => mode_for_id(cx, id, style),
        Class::String if style != Style::Owned => Mode {
            borrowed: true,
            style,
            definition: false,
        },
        Class::String | Class::Prim(_) | Class::ErrorContext => OWNED,
    }
}

/// The mode of a layer of type `id` requested in `style`. A lifetime is
/// threaded through types with borrowed handles, and through borrowed
/// layers of types with lists (not with `own` handles, which parameters
/// take by value). Under `Borrowing`, a type with an owned definition
/// only is borrowed at its top (`&Record`).
fn mode_for_id(cx: &Cx, id: TypeId, style: Style) -> Mode {
    let info = cx.info.of(id);
    let borrowed = if info.has_borrow_handle {
        true
    } else if style == Style::Owned || info.has_own_handle || !info.has_list {
        false
    } else if !info.owned || cx.forms(id) == Forms::Both {
        true
    } else if let Ownership::Borrowing { .. } = cx.info.ownership() {
        return Mode {
            borrowed: true,
            style: Style::TopBorrowed,
            definition: false,
        };
    } else {
        true
    };
    Mode {
        borrowed,
        style: if info.has_own_handle {
            Style::Owned
        } else {
            style
        },
        definition: false,
    }
}

/// The mode of an inner layer: below the top, `TopBorrowed` turns owned.
fn inner_mode(cx: &Cx, ty: &Type, mode: Mode) -> Mode {
    let inner = if mode.borrowed {
        mode_for(cx, ty, mode.style.next())
    } else {
        OWNED
    };
    Mode {
        definition: mode.definition,
        ..inner
    }
}

/// Like `inner_mode`, but options, results and tuples keep a borrowed top
/// layer for their payloads (`Option<&str>` rather than `&Option<String>`).
fn payload_mode(cx: &Cx, ty: &Type, mode: Mode) -> Mode {
    if mode.style == Style::TopBorrowed {
        mode
    } else {
        inner_mode(cx, ty, mode)
    }
}

fn print_ty(cx: &Cx, ty: &Type, mode: Mode, scope: Scope) -> TokenStream {
    let rt = &cx.rt;
    match class(ty) {
        Class::Id(id) => {
            // A borrowed string or list is a slice even behind an alias.
            let target = dealias(cx.resolve, id);
            if mode.borrowed {
                if let TypeDefKind::Type(Type::String) = cx.resolve.types[target].kind {
                    return borrowed_string(cx, mode);
                }
                if let TypeDefKind::List(element) = &cx.resolve.types[target].kind {
                    return print_list(cx, element, mode, scope);
                }
            }
            print_type_id(cx, id, mode, scope)
        }
        Class::Prim(prim) => prim.rust(),
        Class::String if mode.borrowed => borrowed_string(cx, mode),
        Class::String if cx.opts.raw_strings => quote!(#rt::Vec<u8>),
        Class::String => quote!(#rt::String),
        Class::ErrorContext => quote!(#rt::async_support::ErrorContext),
    }
}

/// A borrowed WIT `string`: `&str`, or `&[u8]` with `raw_strings`
/// (`&'a str` in a definition).
fn borrowed_string(cx: &Cx, mode: Mode) -> TokenStream {
    let lifetime = reference_lifetime(mode);
    if cx.opts.raw_strings {
        quote!(&#lifetime [u8])
    } else {
        quote!(&#lifetime str)
    }
}

/// `'a` in a definition, nothing elsewhere.
fn reference_lifetime(mode: Mode) -> Option<TokenStream> {
    mode.definition.then(|| quote!('a))
}

fn print_list(cx: &Cx, element: &Type, mode: Mode, scope: Scope) -> TokenStream {
    let inner = print_ty(cx, element, inner_mode(cx, element, mode), scope);
    if mode.borrowed && mode.style != Style::Owned {
        let lifetime = reference_lifetime(mode);
        quote!(&#lifetime [#inner])
    } else {
        let rt = &cx.rt;
        quote!(#rt::Vec<#inner>)
    }
}

fn print_type_id(cx: &Cx, id: TypeId, mode: Mode, scope: Scope) -> TokenStream {
    let def = &cx.resolve.types[id];
    if def.name.is_none() {
        return print_anonymous_kind(cx, &def.kind, mode, scope);
    }
    let (reference, mode) = if mode.style == Style::TopBorrowed && mode.borrowed {
        let lifetime = reference_lifetime(mode);
        let owned = Mode {
            definition: mode.definition,
            ..mode_for_id(cx, id, Style::Owned)
        };
        (quote!(& #lifetime), owned)
    } else {
        (TokenStream::new(), mode)
    };
    let path = if mode.style == Style::Owned {
        cx.names.type_path(cx.resolve, id, scope)
    } else {
        cx.names.type_param_path(cx.resolve, id, scope)
    };
    let lifetime = match (mode.borrowed, mode.definition) {
        (false, _) => None,
        (true, false) => Some(quote!(<'_>)),
        (true, true) => Some(quote!(<'a>)),
    };
    quote!(#reference #path #lifetime)
}

fn print_optional(cx: &Cx, ty: Option<&Type>, mode: Mode, scope: Scope) -> TokenStream {
    match ty {
        Some(t) => print_ty(cx, t, payload_mode(cx, t, mode), scope),
        None => quote!(()),
    }
}

/// An anonymous type: tuple, option, result, list, handle or alias.
fn print_anonymous_kind(cx: &Cx, kind: &TypeDefKind, mode: Mode, scope: Scope) -> TokenStream {
    let lifetime = mode.definition.then(|| quote!('a));
    match kind {
        TypeDefKind::Type(t) => print_ty(cx, t, mode, scope),
        TypeDefKind::Handle(Handle::Own(resource)) => {
            print_ty(cx, &Type::Id(*resource), mode, scope)
        }
        TypeDefKind::Handle(Handle::Borrow(resource)) => {
            match cx.names.exported_resource(cx.resolve, *resource, scope) {
                Some((_, names)) => {
                    let resource = dealias(cx.resolve, *resource);
                    let path =
                        cx.names
                            .path_next_to_type(cx.resolve, resource, scope, &names.borrow);
                    let lifetime = lifetime.unwrap_or_else(|| quote!('_));
                    quote!(#path<#lifetime>)
                }
                None => {
                    let inner = Type::Id(*resource);
                    let inner = print_ty(cx, &inner, inner_mode(cx, &inner, mode), scope);
                    quote!(& #lifetime #inner)
                }
            }
        }
        TypeDefKind::Tuple(tuple) => {
            let types = tuple
                .types
                .iter()
                .map(|t| print_ty(cx, t, payload_mode(cx, t, mode), scope));
            quote!((#(#types,)*))
        }
        TypeDefKind::Option(t) => {
            let inner = print_ty(cx, t, payload_mode(cx, t, mode), scope);
            quote!(::core::option::Option<#inner>)
        }
        TypeDefKind::Result(r) => {
            let ok = print_optional(cx, r.ok.as_ref(), mode, scope);
            let err = print_optional(cx, r.err.as_ref(), mode, scope);
            quote!(::core::result::Result<#ok, #err>)
        }
        TypeDefKind::List(element) => print_list(cx, element, mode, scope),
        TypeDefKind::FixedLengthList(element, size) => {
            let inner = print_ty(cx, element, OWNED, scope);
            let size = Literal::usize_unsuffixed(*size as usize);
            quote!([#inner; #size])
        }
        TypeDefKind::Record(_)
        | TypeDefKind::Resource
        | TypeDefKind::Flags(_)
        | TypeDefKind::Variant(_)
        | TypeDefKind::Enum(_) => {
            unreachable!("records, resources, flags, variants and enums are named")
        }
        TypeDefKind::Map(key, value) => {
            let map = map_type(cx);
            let key = print_ty(cx, key, inner_mode(cx, key, mode), scope);
            let value = print_ty(cx, value, inner_mode(cx, value, mode), scope);
            if mode.borrowed && mode.style != Style::Owned {
                let lifetime = reference_lifetime(mode);
                quote!(&#lifetime #map<#key, #value>)
            } else {
                quote!(#map<#key, #value>)
            }
        }
        TypeDefKind::Future(payload) => {
            let payload = payload_ty(cx, payload.as_ref(), scope);
            let rt = &cx.rt;
            quote!(#rt::async_support::FutureReader<#payload>)
        }
        TypeDefKind::Stream(payload) => {
            let payload = payload_ty(cx, payload.as_ref(), scope);
            let rt = &cx.rt;
            quote!(#rt::async_support::StreamReader<#payload>)
        }
        TypeDefKind::Unknown => unreachable!("rejected by `check`"),
    }
}

/// The Rust type of WIT maps: the `map_type` option, else the runtime's.
pub(crate) fn map_type(cx: &Cx) -> TokenStream {
    match &cx.opts.map_type {
        Some(path) => quote!(#path),
        None => {
            let rt = &cx.rt;
            quote!(#rt::Map)
        }
    }
}

/// The payload of a stream or future, always owned (`()` without one).
pub(crate) fn payload_ty(cx: &Cx, payload: Option<&Type>, scope: Scope) -> TokenStream {
    match payload {
        Some(payload) => ty(cx, payload, Style::Owned, scope),
        None => quote!(()),
    }
}
