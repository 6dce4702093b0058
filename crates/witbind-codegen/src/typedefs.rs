//! Definitions of named WIT types: records (structs), variants (enums
//! with payloads), enums, flags (`bitflags`), and aliases and other named
//! non-nominal types (`pub type`). Resources are defined in `resources.rs`.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;
use wit_bindgen_core::wit_parser::{
    Enum, Flags, Record, Type, TypeDefKind, TypeId, Variant, WorldItem,
};

use crate::context::Cx;
use crate::docs::docs;
use crate::ident::{camel, shouty, snake};
use crate::info::has_floats;
use crate::info::Forms;
use crate::names::{Scope, Side};
use crate::prim::{flags_repr, int_repr};
use crate::resources;
use crate::types::{alias_target, borrowed_field_ty, field_ty, lifetime_param};

/// The types the bindings define that attribute options can name, each
/// with its members (fields and cases): what `expand_typedef` defines for
/// every type of every module of the bindings.
pub(crate) fn attr_targets<'r>(cx: &Cx<'r>) -> Vec<(TypeId, Vec<&'r str>)> {
    let mut defined: Vec<(Scope, TypeId)> = Vec::new();
    for (index, module) in cx.names.modules.iter().enumerate() {
        if module.remapped.is_none() {
            let types = cx.resolve.interfaces[module.interface].types.values();
            defined.extend(types.map(|id| (Scope::Module(index), *id)));
        }
    }
    for item in cx.resolve.worlds[cx.world].imports.values() {
        if let WorldItem::Type { id, .. } = item {
            defined.push((Scope::Root, *id));
        }
    }
    defined
        .into_iter()
        .filter(|(scope, id)| defines(cx, *id, *scope))
        .filter_map(|(_, id)| {
            let members = match &cx.resolve.types[id].kind {
                TypeDefKind::Record(record) => {
                    record.fields.iter().map(|f| f.name.as_str()).collect()
                }
                TypeDefKind::Variant(variant) => {
                    variant.cases.iter().map(|c| c.name.as_str()).collect()
                }
                TypeDefKind::Enum(enum_) => enum_.cases.iter().map(|c| c.name.as_str()).collect(),
                TypeDefKind::Flags(_) => Vec::new(),
                TypeDefKind::Resource
                | TypeDefKind::Handle(_)
                | TypeDefKind::Tuple(_)
                | TypeDefKind::Option(_)
                | TypeDefKind::Result(_)
                | TypeDefKind::List(_)
                | TypeDefKind::Map(..)
                | TypeDefKind::FixedLengthList(..)
                | TypeDefKind::Future(_)
                | TypeDefKind::Stream(_)
                | TypeDefKind::Type(_)
                | TypeDefKind::Unknown => return None,
            };
            Some((id, members))
        })
        .collect()
}

/// Whether `expand_typedef` defines type `id` in `scope` (rather than
/// naming a definition made elsewhere).
fn defines(cx: &Cx, id: TypeId, scope: Scope) -> bool {
    cx.names.remapped_type(cx.resolve, id).is_none()
        && cx.info.representative(id).is_none()
        && merged_import_copy(cx, id, scope).is_none()
}

/// The definition of the named type `id` in `scope`.
pub(crate) fn expand_typedef(cx: &Cx, id: TypeId, scope: Scope) -> TokenStream {
    let def = &cx.resolve.types[id];
    let name = cx.names.type_ident(scope, id);
    let docs = docs(&def.docs);
    if cx.names.remapped_type(cx.resolve, id).is_some() {
        // `with` takes the type from elsewhere; the name stays usable here.
        let path = cx.names.type_path(cx.resolve, id, scope);
        let lifetime = lifetime_param(cx, id);
        return quote! { #docs pub type #name #lifetime = #path #lifetime; };
    }
    if let Some(representative) = cx.info.representative(id) {
        // `merge_structurally_equal_types`: one Rust type for equal types.
        let path = cx.names.type_path_direct(cx.resolve, representative, scope);
        let lifetime = lifetime_param(cx, id);
        let generics = lifetime_param(cx, representative);
        return quote! { #docs pub type #name #lifetime = #path #generics; };
    }
    if let Some(import) = merged_import_copy(cx, id, scope) {
        // The export of an interface the world also imports: its types
        // (those without handles, which differ between the two) are the
        // import's.
        let path = cx.names.path(scope).path_to(&cx.names.path(import), name);
        let lifetime = lifetime_param(cx, id);
        return quote! { #docs pub type #name #lifetime = #path #lifetime; };
    }
    match &def.kind {
        TypeDefKind::Record(record) => each_form(cx, id, scope, |name, borrowed| {
            expand_record(cx, id, name, record, &docs, scope, borrowed)
        }),
        TypeDefKind::Variant(variant) => each_form(cx, id, scope, |name, borrowed| {
            expand_variant(cx, id, name, variant, &docs, scope, borrowed)
        }),
        TypeDefKind::Enum(enum_) => expand_enum(cx, id, name, enum_, &docs),
        TypeDefKind::Flags(flags) => expand_flags(cx, id, name, flags, &docs),
        TypeDefKind::Resource => resources::expand_resource(cx, id, scope),
        TypeDefKind::Option(_)
        | TypeDefKind::Result(_)
        | TypeDefKind::Tuple(_)
        | TypeDefKind::List(_)
        | TypeDefKind::FixedLengthList(..)
        | TypeDefKind::Handle(_)
        | TypeDefKind::Map(..)
        | TypeDefKind::Future(_)
        | TypeDefKind::Stream(_)
        | TypeDefKind::Type(_) => each_form(cx, id, scope, |name, borrowed| {
            expand_alias(cx, id, name, &docs, scope, borrowed)
        }),
        TypeDefKind::Unknown => unreachable!("rejected by `check`"),
    }
}

/// The definitions of type `id` (see [`Forms`]): `define(name, borrowed)`
/// for its owned one, its borrowed one, or both (`NameResult`,
/// `NameParam`).
fn each_form(
    cx: &Cx,
    id: TypeId,
    scope: Scope,
    define: impl Fn(&Ident, bool) -> TokenStream,
) -> TokenStream {
    let name = cx.names.type_ident(scope, id);
    match cx.forms(id) {
        Forms::Owned => define(name, false),
        Forms::Borrowed => define(name, true),
        Forms::Both => {
            let param = cx.names.type_param_ident(scope, id);
            let mut items = define(name, false);
            items.extend(define(param, true));
            items
        }
    }
}

/// `<'a>` on a definition: borrowed ones always (they hold `&'a`), owned
/// ones with borrowed handles.
fn definition_lifetime(cx: &Cx, id: TypeId, borrowed: bool) -> Option<TokenStream> {
    (borrowed || cx.info.of(id).has_borrow_handle).then(|| quote!(<'a>))
}

/// With `merge_structurally_equal_types`, for a type of an exported
/// interface that the world imports too: the scope of the import, when the
/// type holds no handles (those refer to different resources on each side).
pub(crate) fn merged_import_copy(cx: &Cx, id: TypeId, scope: Scope) -> Option<Scope> {
    let Scope::Module(module) = scope else {
        return None;
    };
    let info = cx.names.module(module);
    let typedef = &cx.resolve.types[id];
    let type_info = cx.info.of(id);
    let mergeable = cx.opts.merge_structurally_equal_types
        && info.side == Side::Export
        && !matches!(typedef.kind, TypeDefKind::Resource)
        && !type_info.has_resource
        && !type_info.has_own_handle
        && !type_info.has_borrow_handle;
    if !mergeable {
        return None;
    }
    let import = cx.names.modules.iter().position(|other| {
        other.side == Side::Import && other.interface == info.interface && other.remapped.is_none()
    })?;
    Some(Scope::Module(import))
}

/// `pub type X = ...;`. A `use` or alias of a named type is its full path
/// (never the alias itself); anything else is spelled through its kind, so
/// that `type a = list<u8>` is `Vec<u8>`.
fn expand_alias(
    cx: &Cx,
    id: TypeId,
    name: &Ident,
    docs: &TokenStream,
    scope: Scope,
    borrowed: bool,
) -> TokenStream {
    let lifetime = definition_lifetime(cx, id, borrowed);
    let named_target = match &cx.resolve.types[id].kind {
        TypeDefKind::Type(Type::Id(target)) => Some(*target),
        TypeDefKind::Type(_)
        | TypeDefKind::Option(_)
        | TypeDefKind::Result(_)
        | TypeDefKind::Tuple(_)
        | TypeDefKind::List(_)
        | TypeDefKind::FixedLengthList(..)
        | TypeDefKind::Handle(_)
        | TypeDefKind::Map(..)
        | TypeDefKind::Future(_)
        | TypeDefKind::Stream(_)
        | TypeDefKind::Record(_)
        | TypeDefKind::Resource
        | TypeDefKind::Flags(_)
        | TypeDefKind::Variant(_)
        | TypeDefKind::Enum(_)
        | TypeDefKind::Unknown => None,
    };
    let target = match named_target.filter(|target| cx.resolve.types[*target].name.is_some()) {
        Some(target) if borrowed => {
            let path = cx.names.type_param_path(cx.resolve, target, scope);
            quote!(#path<'a>)
        }
        Some(target) => {
            let path = cx.names.type_path_direct(cx.resolve, target, scope);
            let generics = lifetime_param(cx, target);
            quote!(#path #generics)
        }
        None => alias_target(cx, id, scope, borrowed),
    };
    quote! { #docs pub type #name #lifetime = #target; }
}

/// The spelling of a field in an owned or borrowed definition.
fn member_ty(cx: &Cx, ty: &Type, scope: Scope, borrowed: bool) -> TokenStream {
    if borrowed {
        borrowed_field_ty(cx, ty, scope)
    } else {
        field_ty(cx, ty, scope)
    }
}

fn expand_record(
    cx: &Cx,
    id: TypeId,
    name: &Ident,
    record: &Record,
    docs: &TokenStream,
    scope: Scope,
    borrowed: bool,
) -> TokenStream {
    let fields = record.fields.iter().map(|field| {
        let docs = crate::docs::docs(&field.docs);
        let attrs = cx.member_attrs(id, &field.name);
        let name = snake(&field.name);
        let ty = member_ty(cx, &field.ty, scope, borrowed);
        quote! { #docs #(#attrs)* pub #name: #ty }
    });
    let floats = record.fields.iter().any(|f| has_floats(cx.resolve, &f.ty));
    let lifetime = definition_lifetime(cx, id, borrowed);
    // Records of numbers get the canonical ABI layout (C's, where numbers
    // are aligned to their size, as on wasm32): lists of them cross the
    // boundary as one block. Checked at compile time, for targets whose C
    // layout differs.
    let plain = cx.is_plain(&Type::Id(id), scope);
    let repr = plain.then(|| quote!(#[repr(C)]));
    let definition = quote!(#repr pub struct #name #lifetime { #(#fields,)* });
    let data_type = expand_data_type(cx, id, name, docs, definition, floats, borrowed);
    if !plain {
        return data_type;
    }
    let size = Literal::usize_unsuffixed(cx.info.size(&Type::Id(id)));
    let align = Literal::usize_unsuffixed(cx.info.align(&Type::Id(id)));
    let message = format!("the layout of `{name}` on this target is not its canonical ABI layout");
    quote! {
        #data_type
        const _: () = {
            if ::core::mem::size_of::<#name>() != #size || ::core::mem::align_of::<#name>() != #align {
                ::core::panic!(#message);
            }
        };
    }
}

fn expand_variant(
    cx: &Cx,
    id: TypeId,
    name: &Ident,
    variant: &Variant,
    docs: &TokenStream,
    scope: Scope,
    borrowed: bool,
) -> TokenStream {
    let cases = variant.cases.iter().map(|case| {
        let docs = crate::docs::docs(&case.docs);
        let attrs = cx.member_attrs(id, &case.name);
        let case_name = camel(&case.name);
        match &case.ty {
            Some(ty) => {
                let ty = member_ty(cx, ty, scope, borrowed);
                quote! { #docs #(#attrs)* #case_name(#ty) }
            }
            None => quote! { #docs #(#attrs)* #case_name },
        }
    });
    let floats = variant
        .cases
        .iter()
        .filter_map(|c| c.ty.as_ref())
        .any(|t| has_floats(cx.resolve, t));
    let lifetime = definition_lifetime(cx, id, borrowed);
    let allow = has_large_case(cx, variant).then(|| quote!(#[allow(clippy::large_enum_variant)]));
    let definition = quote!(#allow pub enum #name #lifetime { #(#cases,)* });
    expand_data_type(cx, id, name, docs, definition, floats, borrowed)
}

/// Whether one case's payload is much larger than the others' (a
/// `list<T, N>` in it, typically), which clippy's `large_enum_variant`
/// reports above 200 bytes of difference. Canonical ABI sizes are a lower
/// bound of the Rust sizes (a `String` is 8 bytes in the ABI, 12 in Rust
/// on wasm32), hence the lower threshold.
fn has_large_case(cx: &Cx, variant: &Variant) -> bool {
    let mut sizes: Vec<usize> = variant
        .cases
        .iter()
        .map(|case| case.ty.as_ref().map_or(0, |ty| cx.info.size(ty)))
        .collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    match sizes.as_slice() {
        [largest, second, ..] => largest - second > 128,
        _ => false,
    }
}

/// A record or variant `definition` with its docs, derives, and the `Eq`
/// and error impls it qualifies for.
fn expand_data_type(
    cx: &Cx,
    id: TypeId,
    name: &Ident,
    docs: &TokenStream,
    definition: TokenStream,
    has_floats: bool,
    borrowed: bool,
) -> TokenStream {
    let info = cx.info.of(id);
    let mut derives = Vec::new();
    // Borrowed definitions hold references and copies only (and, if any,
    // borrowed handles, which an exported resource's `XBorrow` does not
    // let copy).
    let copies = borrowed && !info.has_borrow_handle;
    if info.is_clone() || copies {
        derives.push(quote!(Clone));
    }
    if info.is_copy() || copies {
        derives.push(quote!(Copy));
    }
    derives.push(quote!(Debug));
    if cx.opts.derive_eq && (info.is_clone() || copies) {
        derives.push(quote!(PartialEq));
    }
    let derives = derive_attr(cx, id, derives);
    let lifetime = definition_lifetime(cx, id, borrowed);
    let eq = (cx.opts.derive_eq && !has_floats && (info.is_clone() || copies)).then(|| {
        let generics = lifetime.as_ref().map(|_| quote!(<'a>));
        quote! { impl #generics ::core::cmp::Eq for #name #lifetime {} }
    });
    // Types used as the error of a `result` get `Display` (via `Debug`) and
    // `core::error::Error`, so `?` into `Box<dyn Error>` or anyhow works.
    let error = (info.error && lifetime.is_none()).then(|| {
        let std_gate = std_gate(cx);
        quote! {
            impl ::core::fmt::Display for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    ::core::fmt::Debug::fmt(self, f)
                }
            }
            #std_gate
            impl ::core::error::Error for #name {}
        }
    });
    quote! {
        #docs
        #derives
        #definition
        #eq
        #error
    }
}

/// `#[derive(..)]` of `derives` plus the configured additional derives
/// that are not among them already (none for a type that
/// `additional_derives_ignore` names), then the type's
/// `additional_type_attributes`.
fn derive_attr(cx: &Cx, id: TypeId, mut derives: Vec<TokenStream>) -> TokenStream {
    let attrs = cx.type_attrs(id);
    let wit_name = cx.resolve.types[id].name.as_deref().unwrap_or_default();
    if cx
        .opts
        .additional_derives_ignore
        .iter()
        .any(|ignored| ignored == wit_name)
    {
        return quote!(#[derive(#(#derives),*)] #(#attrs)*);
    }
    let last_segment = |tokens: &TokenStream| {
        tokens
            .to_string()
            .rsplit("::")
            .next()
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    for extra in &cx.opts.additional_derives {
        let extra = quote!(#extra);
        if !derives
            .iter()
            .any(|d| last_segment(d) == last_segment(&extra))
        {
            derives.push(extra);
        }
    }
    quote!(#[derive(#(#derives),*)] #(#attrs)*)
}

fn expand_enum(cx: &Cx, id: TypeId, name: &Ident, enum_: &Enum, docs: &TokenStream) -> TokenStream {
    let repr = int_repr(enum_.tag());
    let cases: Vec<Ident> = enum_.cases.iter().map(|c| camel(&c.name)).collect();
    let case_docs = enum_.cases.iter().map(|c| {
        let docs = crate::docs::docs(&c.docs);
        let attrs = cx.member_attrs(id, &c.name);
        quote!(#docs #(#attrs)*)
    });
    let lift_arms = cases.iter().enumerate().map(|(i, case)| {
        let i = Literal::usize_unsuffixed(i);
        quote!(#i => #name::#case)
    });
    let rt = &cx.rt;
    let is_error = cx.info.of(id).error;
    let mut derives = vec![quote!(Clone), quote!(Copy)];
    if !is_error {
        derives.push(quote!(Debug));
    }
    derives.extend([
        quote!(PartialEq),
        quote!(Eq),
        quote!(PartialOrd),
        quote!(Ord),
        quote!(Hash),
    ]);
    let derives = derive_attr(cx, id, derives);
    let error_impls = is_error.then(|| expand_error_enum(cx, name, enum_, &cases));
    quote! {
        #docs
        #[repr(#repr)]
        #derives
        pub enum #name { #(#case_docs #cases,)* }

        impl #name {
            /// The case with discriminant `val`.
            ///
            /// # Safety
            /// `val` must be a discriminant of this enum.
            #[doc(hidden)]
            pub unsafe fn _lift(val: #repr) -> #name {
                match val {
                    #(#lift_arms,)*
                    // SAFETY: every case's discriminant is matched above, and this function's
                    // contract is that `val` is one of them, so this arm is unreachable:
                    // `invalid_discriminant`'s contract (debug builds panic). Callers pass
                    // discriminants from the host, which the canonical ABI keeps in range.
                    _ => unsafe { #rt::invalid_discriminant() },
                }
            }
        }
        #error_impls
    }
}

/// `#[cfg(feature = "std")]` for `core::error::Error` impls, with
/// `std_feature`.
fn std_gate(cx: &Cx) -> Option<TokenStream> {
    cx.opts.std_feature.then(|| quote!(#[cfg(feature = "std")]))
}

/// An enum used as an error: `name()`, `message()` (its WIT docs), and
/// `Debug`/`Display`/`Error` built on them, as wit-bindgen provides.
fn expand_error_enum(cx: &Cx, name: &Ident, enum_: &Enum, cases: &[Ident]) -> TokenStream {
    let std_gate = std_gate(cx);
    let wit_names = enum_.cases.iter().map(|c| c.name.as_str());
    let messages = enum_
        .cases
        .iter()
        .map(|c| c.docs.contents.as_deref().unwrap_or_default().trim());
    let name_str = name.to_string();
    quote! {
        impl #name {
            /// The case's name in WIT.
            pub fn name(&self) -> &'static str {
                match self { #(#name::#cases => #wit_names,)* }
            }
            /// The case's documentation in WIT.
            pub fn message(&self) -> &'static str {
                match self { #(#name::#cases => #messages,)* }
            }
        }
        impl ::core::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(#name_str)
                    .field("code", &(*self as i32))
                    .field("name", &self.name())
                    .field("message", &self.message())
                    .finish()
            }
        }
        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                write!(f, "{} (error {})", self.name(), *self as i32)
            }
        }
        #std_gate
        impl ::core::error::Error for #name {}
    }
}

fn expand_flags(
    cx: &Cx,
    id: TypeId,
    name: &Ident,
    flags: &Flags,
    docs: &TokenStream,
) -> TokenStream {
    let rt = &cx.rt;
    let bitflags = match &cx.opts.bitflags_path {
        Some(path) => quote!(#path),
        None => quote!(#rt::bitflags),
    };
    let repr = flags_repr(flags);
    let derives = derive_attr(
        cx,
        id,
        vec![
            quote!(PartialEq),
            quote!(Eq),
            quote!(PartialOrd),
            quote!(Ord),
            quote!(Hash),
            quote!(Debug),
            quote!(Clone),
            quote!(Copy),
        ],
    );
    let members = flags.flags.iter().enumerate().map(|(i, flag)| {
        let docs = crate::docs::docs(&flag.docs);
        let constant = shouty(&flag.name);
        let bit = Literal::usize_unsuffixed(i);
        quote! { #docs const #constant = 1 << #bit; }
    });
    quote! {
        #bitflags::bitflags! {
            #docs
            #derives
            pub struct #name: #repr {
                #(#members)*
            }
        }
    }
}
