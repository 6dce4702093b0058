//! Types: how WIT types are spelled in Rust (owned, or borrowed for
//! parameters of imports) and the definitions of named WIT types: records,
//! variants, enums, flags, aliases.
//!
//! Spelling follows wit-bindgen 0.63's default "owning" mode, so signatures
//! match: parameters of imported functions borrow their top layer (`&str`,
//! `&[T]`, `&Record`, `Option<&str>`), everything else is owned.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;
use wit_bindgen_core::dealias;
use wit_bindgen_core::wit_parser::{
    Enum, Flags, Handle, Int, Record, Type, TypeDefKind, TypeId, Variant,
};

use crate::context::{Cx, ModulePath};
use crate::names;

/// How one layer of a type is spelled (wit-bindgen's "type mode").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// `String`, `Vec<T>`, `Record`.
    Owned,
    /// Only the top layer borrowed: `&str`, `&[T]`, `&Record`; what lies
    /// beneath is owned. Used for parameters of imported functions.
    TopBorrowed,
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

impl Cx<'_> {
    /// The Rust spelling of `ty`, as seen from module `from`.
    pub(crate) fn ty(&self, ty: &Type, style: Style, from: &ModulePath) -> TokenStream {
        let mode = self.mode_for(ty, style);
        self.print_ty(ty, mode, from)
    }

    /// Whether a parameter requested in `style` comes out owned because it
    /// holds an `own` handle (which can only be passed by value). Its
    /// lowering then works through a reference, so that values inside it
    /// (strings, lists) stay alive until the call returns.
    pub(crate) fn param_is_forced_owned(&self, ty: &Type, style: Style) -> bool {
        style != Style::Owned
            && self.type_info(ty).has_own_handle
            && self.mode_for(ty, style).style != style
    }

    fn mode_for(&self, ty: &Type, style: Style) -> Mode {
        match ty {
            Type::Id(id) => self.mode_for_id(*id, style),
            Type::String if style != Style::Owned => Mode {
                borrowed: true,
                style,
                definition: false,
            },
            _ => OWNED,
        }
    }

    fn mode_for_id(&self, id: TypeId, style: Style) -> Mode {
        let info = self.info(id);
        let borrowed = info.has_borrow_handle
            || (style != Style::Owned && !info.has_own_handle && info.has_list);
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
    fn inner_mode(&self, ty: &Type, mode: Mode) -> Mode {
        let inner = if mode.borrowed {
            self.mode_for(ty, Style::Owned)
        } else {
            OWNED
        };
        Mode {
            definition: mode.definition,
            ..inner
        }
    }

    /// Like `inner_mode`, but options, results and tuples keep a borrowed
    /// top layer for their payloads (`Option<&str>` rather than `&Option<String>`).
    fn payload_mode(&self, ty: &Type, mode: Mode) -> Mode {
        if mode.style == Style::TopBorrowed {
            mode
        } else {
            self.inner_mode(ty, mode)
        }
    }

    fn print_ty(&self, ty: &Type, mode: Mode, from: &ModulePath) -> TokenStream {
        let rt = &self.rt;
        if let Type::Id(id) = ty {
            let target = dealias(self.resolve, *id);
            match &self.resolve.types[target].kind {
                TypeDefKind::Type(Type::String) if mode.borrowed => return quote!(&str),
                TypeDefKind::List(element) if mode.borrowed => {
                    return self.print_list(element, mode, from)
                }
                _ => {}
            }
        }
        match ty {
            Type::Id(id) => self.print_type_id(*id, mode, from),
            Type::Bool => quote!(bool),
            Type::U8 => quote!(u8),
            Type::U16 => quote!(u16),
            Type::U32 => quote!(u32),
            Type::U64 => quote!(u64),
            Type::S8 => quote!(i8),
            Type::S16 => quote!(i16),
            Type::S32 => quote!(i32),
            Type::S64 => quote!(i64),
            Type::F32 => quote!(f32),
            Type::F64 => quote!(f64),
            Type::Char => quote!(char),
            Type::String if mode.borrowed => quote!(&str),
            Type::String => quote!(#rt::String),
            // Rejected before generation starts (see `world::check_supported`).
            Type::ErrorContext => quote!(()),
        }
    }

    fn print_list(&self, element: &Type, mode: Mode, from: &ModulePath) -> TokenStream {
        let inner = self.print_ty(element, self.inner_mode(element, mode), from);
        if mode.borrowed && mode.style != Style::Owned {
            quote!(&[#inner])
        } else {
            let rt = &self.rt;
            quote!(#rt::Vec<#inner>)
        }
    }

    fn print_type_id(&self, id: TypeId, mode: Mode, from: &ModulePath) -> TokenStream {
        let def = &self.resolve.types[id];
        if def.name.is_some() {
            let (reference, mode) = if mode.style == Style::TopBorrowed && mode.borrowed {
                (quote!(&), self.mode_for_id(id, Style::Owned))
            } else {
                (TokenStream::new(), mode)
            };
            let path = self.type_path(id, from);
            let lifetime = match (mode.borrowed, mode.definition) {
                (false, _) => None,
                (true, false) => Some(quote!(<'_>)),
                (true, true) => Some(quote!(<'a>)),
            };
            return quote!(#reference #path #lifetime);
        }
        self.print_anonymous_kind(&def.kind, mode, from, None)
    }

    fn print_optional(&self, ty: Option<&Type>, mode: Mode, from: &ModulePath) -> TokenStream {
        match ty {
            Some(t) => self.print_ty(t, self.payload_mode(t, mode), from),
            None => quote!(()),
        }
    }

    /// Path to the named type `id` from module `from`.
    pub(crate) fn type_path(&self, id: TypeId, from: &ModulePath) -> TokenStream {
        let def = &self.resolve.types[id];
        let name = names::camel(def.name.as_deref().unwrap_or_default());
        let module = self.module_of_type(id);
        if module != *from {
            if let Some(alias) = self.local_alias(from, id) {
                return quote!(#alias);
            }
        }
        from.path_to(&module, &name)
    }

    /// The definition of the named type `id`, emitted in module `module`.
    pub(crate) fn expand_typedef(&self, id: TypeId, module: &ModulePath) -> TokenStream {
        let def = &self.resolve.types[id];
        let name = names::camel(def.name.as_deref().unwrap_or_default());
        let docs = self.docs(&def.docs);
        match &def.kind {
            TypeDefKind::Record(record) => self.expand_record(id, &name, record, &docs, module),
            TypeDefKind::Variant(variant) => self.expand_variant(id, &name, variant, &docs, module),
            TypeDefKind::Enum(enum_) => self.expand_enum(id, &name, enum_, &docs),
            TypeDefKind::Flags(flags) => self.expand_flags(&name, flags, &docs),
            TypeDefKind::Resource => self.expand_resource(id),
            TypeDefKind::Option(_)
            | TypeDefKind::Result(_)
            | TypeDefKind::Tuple(_)
            | TypeDefKind::List(_)
            | TypeDefKind::FixedLengthList(..)
            | TypeDefKind::Handle(_)
            | TypeDefKind::Type(_) => {
                let lifetime = self.lifetime_param(id);
                // Spell the right-hand side through its anonymous kind so
                // that `type a = list<u8>` is `Vec<u8>`, not `A`; a `use` or
                // alias of a named type is its full path (never itself).
                let target = match &def.kind {
                    TypeDefKind::Type(Type::Id(target))
                        if self.resolve.types[*target].name.is_some() =>
                    {
                        let target_name = names::camel(
                            self.resolve.types[*target]
                                .name
                                .as_deref()
                                .unwrap_or_default(),
                        );
                        let path = module.path_to(&self.module_of_type(*target), &target_name);
                        let generics = self.lifetime_param(*target);
                        quote!(#path #generics)
                    }
                    _ => self.print_anonymous(id, module),
                };
                quote! { #docs pub type #name #lifetime = #target; }
            }
            // Rejected before generation starts (see `world::check_supported`).
            _ => TokenStream::new(),
        }
    }

    /// The right-hand side of `type X = ...;` for a named non-nominal type:
    /// spelled through its kind so that `type a = list<u8>` is `Vec<u8>`,
    /// not `A`.
    fn print_anonymous(&self, id: TypeId, from: &ModulePath) -> TokenStream {
        let mode = Mode {
            borrowed: self.info(id).has_borrow_handle,
            style: Style::Owned,
            definition: true,
        };
        self.print_anonymous_kind(&self.resolve.types[id].kind, mode, from, None)
    }

    /// An anonymous type: tuple, option, result, list, handle or alias.
    /// `lifetime` names the lifetime of borrowed handles (elided when `None`).
    fn print_anonymous_kind(
        &self,
        kind: &TypeDefKind,
        mode: Mode,
        from: &ModulePath,
        lifetime: Option<TokenStream>,
    ) -> TokenStream {
        let lifetime = lifetime.or_else(|| mode.definition.then(|| quote!('a)));
        match kind {
            TypeDefKind::Type(t) => self.print_ty(t, mode, from),
            TypeDefKind::Handle(Handle::Own(resource)) => {
                self.print_ty(&Type::Id(*resource), mode, from)
            }
            TypeDefKind::Handle(Handle::Borrow(resource)) => {
                if self.is_exported_resource(*resource) {
                    let resource = self.resource_of(*resource);
                    let name = self.resolve.types[resource]
                        .name
                        .as_deref()
                        .unwrap_or_default();
                    let borrow = names::resource_borrow(name);
                    let path = from.path_to(&self.module_of_type(resource), &borrow);
                    let lifetime = lifetime.unwrap_or_else(|| quote!('_));
                    quote!(#path<#lifetime>)
                } else {
                    let inner = Type::Id(*resource);
                    let inner = self.print_ty(&inner, self.inner_mode(&inner, mode), from);
                    quote!(& #lifetime #inner)
                }
            }
            TypeDefKind::Tuple(tuple) => {
                let types = tuple
                    .types
                    .iter()
                    .map(|t| self.print_ty(t, self.payload_mode(t, mode), from));
                quote!((#(#types,)*))
            }
            TypeDefKind::Option(t) => {
                let inner = self.print_ty(t, self.payload_mode(t, mode), from);
                quote!(::core::option::Option<#inner>)
            }
            TypeDefKind::Result(r) => {
                let ok = self.print_optional(r.ok.as_ref(), mode, from);
                let err = self.print_optional(r.err.as_ref(), mode, from);
                quote!(::core::result::Result<#ok, #err>)
            }
            TypeDefKind::List(element) => self.print_list(element, mode, from),
            TypeDefKind::FixedLengthList(element, size) => {
                let inner = self.print_ty(element, OWNED, from);
                let size = Literal::usize_unsuffixed(*size as usize);
                quote!([#inner; #size])
            }
            // Rejected before generation starts (see `world::check_supported`).
            _ => quote!(()),
        }
    }

    /// `<'a>` on types that (transitively) hold a borrowed handle.
    pub(crate) fn lifetime_param(&self, id: TypeId) -> Option<TokenStream> {
        self.info(id).has_borrow_handle.then(|| quote!(<'a>))
    }

    /// `#[derive(..)]` for a generated record or variant.
    fn derives(&self, id: TypeId) -> TokenStream {
        let info = self.info(id);
        let mut derives = Vec::new();
        if info.is_clone() {
            derives.push(quote!(Clone));
        }
        if info.is_copy() {
            derives.push(quote!(Copy));
        }
        derives.push(quote!(Debug));
        if self.opts.derive_eq && info.is_clone() {
            derives.push(quote!(PartialEq));
        }
        self.derive_attr(derives)
    }

    /// `#[derive(..)]` of `base` plus the configured additional derives
    /// that `base` does not already have.
    pub(crate) fn derive_attr(&self, mut derives: Vec<TokenStream>) -> TokenStream {
        let last_segment = |tokens: &TokenStream| {
            tokens
                .to_string()
                .rsplit("::")
                .next()
                .unwrap_or_default()
                .trim()
                .to_string()
        };
        for extra in &self.opts.additional_derives {
            // Validated when the context is created.
            let Ok(path) = syn::parse_str::<syn::Path>(extra) else {
                continue;
            };
            let path = quote!(#path);
            if !derives
                .iter()
                .any(|d| last_segment(d) == last_segment(&path))
            {
                derives.push(path);
            }
        }
        quote!(#[derive(#(#derives),*)])
    }

    fn field_ty(&self, ty: &Type, module: &ModulePath) -> TokenStream {
        let mode = Mode {
            borrowed: self.type_info(ty).has_borrow_handle,
            style: Style::Owned,
            definition: true,
        };
        self.print_ty(ty, mode, module)
    }

    fn has_floats(&self, ty: &Type) -> bool {
        match ty {
            Type::F32 | Type::F64 => true,
            Type::Id(id) => match &self.resolve.types[*id].kind {
                TypeDefKind::Record(r) => r.fields.iter().any(|f| self.has_floats(&f.ty)),
                TypeDefKind::Variant(v) => v
                    .cases
                    .iter()
                    .filter_map(|c| c.ty.as_ref())
                    .any(|t| self.has_floats(t)),
                TypeDefKind::Tuple(t) => t.types.iter().any(|t| self.has_floats(t)),
                TypeDefKind::Option(t) | TypeDefKind::List(t) | TypeDefKind::Type(t) => {
                    self.has_floats(t)
                }
                TypeDefKind::FixedLengthList(t, _) => self.has_floats(t),
                TypeDefKind::Result(r) => {
                    r.ok.iter().chain(r.err.iter()).any(|t| self.has_floats(t))
                }
                _ => false,
            },
            _ => false,
        }
    }

    fn expand_record(
        &self,
        id: TypeId,
        name: &Ident,
        record: &Record,
        docs: &TokenStream,
        module: &ModulePath,
    ) -> TokenStream {
        let fields = record.fields.iter().map(|field| {
            let docs = self.docs(&field.docs);
            let name = names::snake(&field.name);
            let ty = self.field_ty(&field.ty, module);
            quote! { #docs pub #name: #ty }
        });
        let has_floats = record.fields.iter().any(|f| self.has_floats(&f.ty));
        let lifetime = self.lifetime_param(id);
        let definition = quote!(pub struct #name #lifetime { #(#fields,)* });
        self.expand_data_type(id, name, docs, definition, has_floats)
    }

    /// A record or variant `definition` with its docs, derives, and the
    /// `Eq` and error impls it qualifies for.
    fn expand_data_type(
        &self,
        id: TypeId,
        name: &Ident,
        docs: &TokenStream,
        definition: TokenStream,
        has_floats: bool,
    ) -> TokenStream {
        let derives = self.derives(id);
        let eq = self.eq_impl(id, name, !has_floats);
        let lifetime = self.lifetime_param(id);
        let error_impl = self.error_impl(id, name, lifetime.as_ref());
        quote! {
            #docs
            #derives
            #definition
            #eq
            #error_impl
        }
    }

    fn expand_variant(
        &self,
        id: TypeId,
        name: &Ident,
        variant: &Variant,
        docs: &TokenStream,
        module: &ModulePath,
    ) -> TokenStream {
        let cases = variant.cases.iter().map(|case| {
            let docs = self.docs(&case.docs);
            let case_name = names::camel(&case.name);
            match &case.ty {
                Some(ty) => {
                    let ty = self.field_ty(ty, module);
                    quote! { #docs #case_name(#ty) }
                }
                None => quote! { #docs #case_name },
            }
        });
        let has_floats = variant
            .cases
            .iter()
            .filter_map(|c| c.ty.as_ref())
            .any(|t| self.has_floats(t));
        let lifetime = self.lifetime_param(id);
        let definition = quote!(pub enum #name #lifetime { #(#cases,)* });
        self.expand_data_type(id, name, docs, definition, has_floats)
    }

    fn eq_impl(&self, id: TypeId, name: &Ident, can_eq: bool) -> TokenStream {
        if self.opts.derive_eq && can_eq && self.info(id).is_clone() {
            quote! { impl ::core::cmp::Eq for #name {} }
        } else {
            TokenStream::new()
        }
    }

    /// Types used as the error of a `result` get `Display` (via `Debug`) and
    /// `core::error::Error`, so `?` into `Box<dyn Error>`/anyhow works.
    fn error_impl(&self, id: TypeId, name: &Ident, lifetime: Option<&TokenStream>) -> TokenStream {
        if !self.info(id).error || lifetime.is_some() {
            return TokenStream::new();
        }
        quote! {
            impl ::core::fmt::Display for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    ::core::fmt::Debug::fmt(self, f)
                }
            }
            impl ::core::error::Error for #name {}
        }
    }

    fn expand_enum(
        &self,
        id: TypeId,
        name: &Ident,
        enum_: &Enum,
        docs: &TokenStream,
    ) -> TokenStream {
        let repr = int_repr(enum_.tag());
        let cases: Vec<Ident> = enum_.cases.iter().map(|c| names::camel(&c.name)).collect();
        let case_docs = enum_.cases.iter().map(|c| self.docs(&c.docs));
        let lift_arms = cases.iter().enumerate().map(|(i, case)| {
            let i = Literal::usize_unsuffixed(i);
            quote!(#i => #name::#case)
        });
        let rt = &self.rt;
        let is_error = self.info(id).error;
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
        let derives = self.derive_attr(derives);
        let error_impls = is_error.then(|| self.expand_error_enum(name, enum_, &cases));
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
                        _ => unsafe { #rt::invalid_discriminant() },
                    }
                }
            }
            #error_impls
        }
    }

    /// An enum used as an error: `name()`, `message()` (its WIT docs), and
    /// `Debug`/`Display`/`Error` built on them, as wit-bindgen provides.
    fn expand_error_enum(&self, name: &Ident, enum_: &Enum, cases: &[Ident]) -> TokenStream {
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
            impl ::core::error::Error for #name {}
        }
    }

    fn expand_flags(&self, name: &Ident, flags: &Flags, docs: &TokenStream) -> TokenStream {
        let rt = &self.rt;
        let repr = match flags.flags.len() {
            0..=8 => quote!(u8),
            9..=16 => quote!(u16),
            _ => quote!(u32),
        };
        let derives = self.derive_attr(vec![
            quote!(PartialEq),
            quote!(Eq),
            quote!(PartialOrd),
            quote!(Ord),
            quote!(Hash),
            quote!(Debug),
            quote!(Clone),
            quote!(Copy),
        ]);
        let members = flags.flags.iter().enumerate().map(|(i, flag)| {
            let docs = self.docs(&flag.docs);
            let constant = names::shouty(&flag.name);
            let bit = Literal::usize_unsuffixed(i);
            quote! { #docs const #constant = 1 << #bit; }
        });
        quote! {
            #rt::bitflags::bitflags! {
                #docs
                #derives
                pub struct #name: #repr {
                    #(#members)*
                }
            }
        }
    }
}

/// The Rust integer type of an enum or variant tag.
pub(crate) fn int_repr(int: Int) -> TokenStream {
    match int {
        Int::U8 => quote!(u8),
        Int::U16 => quote!(u16),
        Int::U32 => quote!(u32),
        Int::U64 => quote!(u64),
    }
}
