//! Lifting: canonical ABI memory or core values → Rust values. A lifted
//! value takes what the lowered one owned: lists and strings (memory the
//! host allocated through our `cabi_realloc`), handles.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;
use wit_bindgen_core::dealias;
use wit_bindgen_core::wit_parser::{Handle, Int, Type, TypeDefKind, TypeId};

use super::flat::{cast, flat_types_of, Flat};
use super::{at, scaled, Gen};
use crate::ident::{camel, snake};
use crate::names::Outline;
use crate::prim::{class, flags_repr, int_repr, Class, Prim};

/// Where a list's address and length are: at an address in canonical ABI
/// memory, or in two core values.
enum ListAt<'a> {
    Mem(TokenStream),
    Flat(&'a TokenStream, &'a TokenStream),
}

/// One case of a variant, option or result.
pub(super) struct Case<'t> {
    /// The Rust path of the case (`Shape::Circle`, `Option::Some`).
    path: TokenStream,
    pub(super) ty: Option<&'t Type>,
    /// Whether Rust's case takes a value even without a WIT payload (the
    /// cases of `Result`: `Ok(())`).
    unit: bool,
}

/// The cases of a variant, option or result, and its tag.
pub(super) struct Cases<'t> {
    pub(super) tag: Int,
    pub(super) cases: Vec<Case<'t>>,
    /// The runtime's lift of an option or result (`lift_option`,
    /// `lift_result`), which takes a closure per payload.
    lift_fn: Option<&'static str>,
}

impl<'t> Cases<'t> {
    /// The cases of `kind` (whose named type is spelled `path` where the
    /// code is), if it is a variant, option or result.
    pub(super) fn of(kind: &'t TypeDefKind, path: &TokenStream) -> Option<Cases<'t>> {
        let case = |path: TokenStream, ty: Option<&'t Type>, unit: bool| Case { path, ty, unit };
        let mut lift_fn = None;
        let (tag, cases) = match kind {
            TypeDefKind::Variant(variant) => {
                let cases = variant
                    .cases
                    .iter()
                    .map(|c| {
                        let name = camel(&c.name);
                        case(quote!(#path::#name), c.ty.as_ref(), false)
                    })
                    .collect();
                (variant.tag(), cases)
            }
            TypeDefKind::Option(payload) => (Int::U8, {
                lift_fn = Some("lift_option");
                vec![
                    case(quote!(::core::option::Option::None), None, false),
                    case(quote!(::core::option::Option::Some), Some(payload), false),
                ]
            }),
            TypeDefKind::Result(result) => (Int::U8, {
                lift_fn = Some("lift_result");
                vec![
                    case(quote!(::core::result::Result::Ok), result.ok.as_ref(), true),
                    case(
                        quote!(::core::result::Result::Err),
                        result.err.as_ref(),
                        true,
                    ),
                ]
            }),
            TypeDefKind::Record(_)
            | TypeDefKind::Resource
            | TypeDefKind::Handle(_)
            | TypeDefKind::Flags(_)
            | TypeDefKind::Tuple(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::List(_)
            | TypeDefKind::Map(..)
            | TypeDefKind::FixedLengthList(..)
            | TypeDefKind::Future(_)
            | TypeDefKind::Stream(_)
            | TypeDefKind::Type(_)
            | TypeDefKind::Unknown => return None,
        };
        Some(Cases {
            tag,
            cases,
            lift_fn,
        })
    }

    /// The types of the payloads, for layout.
    pub(super) fn payloads(&self) -> impl Iterator<Item = Option<&'t Type>> + '_ {
        self.cases.iter().map(|case| case.ty)
    }

    /// Case `i` as a value, with its lifted `payload` (if it has one).
    pub(super) fn value(&self, i: usize, payload: Option<TokenStream>) -> TokenStream {
        let Case { path, unit, .. } = &self.cases[i];
        match payload {
            Some(payload) => quote!(#path(#payload)),
            None if *unit => quote!(#path(())),
            None => quote!(#path),
        }
    }

    /// Case `i` as a pattern binding its payload (if it has one) to
    /// `binding`.
    pub(super) fn pattern(&self, i: usize, binding: &TokenStream) -> TokenStream {
        let Case { path, ty, unit } = &self.cases[i];
        match ty {
            Some(_) => quote!(#path(#binding)),
            None if *unit => quote!(#path(_)),
            None => quote!(#path),
        }
    }
}

impl Gen<'_, '_> {
    /// The value of type `ty` at `base + offset`, lifted.
    pub(crate) fn lift_mem(&mut self, ty: &Type, base: &TokenStream, offset: usize) -> TokenStream {
        match class(ty) {
            Class::Prim(prim) => {
                let value = self.load(base, offset, prim.memory());
                self.lift_prim(prim, value, false)
            }
            Class::String => self.lift_string(ListAt::Mem(at(base, offset))),
            Class::ErrorContext => {
                let handle = self.load(base, offset, quote!(u32));
                self.lift_error_context(handle)
            }
            Class::Id(id) => self.lift_mem_id(id, base, offset),
        }
    }

    fn lift_mem_id(&mut self, id: TypeId, base: &TokenStream, offset: usize) -> TokenStream {
        let resolve = self.cx.resolve;
        let kind = &resolve.types[id].kind;
        if let TypeDefKind::Type(target) = kind {
            return self.lift_mem(target, base, offset);
        }
        if let Some(function) = self.outlined(id, Outline::Lift) {
            let at = at(base, offset);
            // SAFETY: `#at` holds a value of this type in canonical layout that the host (or our own
            // lowering) wrote and hands over, as for every load here (`Gen::load`): `#function`'s
            // contract.
            return self.bind_unsafe("v", quote!(#function(#at)));
        }
        let sizes = &self.cx.info.sizes;
        let rt = self.rt();
        let path = self.owned_path_of(id);
        if let Some(cases) = Cases::of(kind, &path) {
            let discriminant = self.load(base, offset, int_repr(cases.tag));
            let payload = offset
                + sizes
                    .payload_offset(cases.tag, cases.payloads())
                    .size_wasm32();
            return self.lift_cases(&cases, &discriminant, |g, ty| g.lift_mem(ty, base, payload));
        }
        match kind {
            TypeDefKind::Record(record) => {
                let offsets = sizes.field_offsets(record.fields.iter().map(|f| &f.ty));
                let values: Vec<TokenStream> = offsets
                    .into_iter()
                    .map(|(field, ty)| self.lift_mem(ty, base, offset + field.size_wasm32()))
                    .collect();
                let fields = record.fields.iter().map(|f| snake(&f.name));
                quote!(#path { #(#fields: #values),* })
            }
            TypeDefKind::Tuple(tuple) => {
                let offsets = sizes.field_offsets(tuple.types.iter());
                let values = offsets
                    .into_iter()
                    .map(|(field, ty)| self.lift_mem(ty, base, offset + field.size_wasm32()))
                    .collect::<Vec<_>>();
                quote!((#(#values,)*))
            }
            TypeDefKind::FixedLengthList(element, len) => {
                self.lift_array(element, *len, base, offset)
            }
            TypeDefKind::Enum(enum_) => {
                let discriminant = self.load(base, offset, int_repr(enum_.tag()));
                self.lift_enum(id, &discriminant)
            }
            TypeDefKind::Flags(flags) => {
                let bits = self.load(base, offset, flags_repr(flags));
                quote!(#path::from_bits_retain(#bits))
            }
            TypeDefKind::List(element) => self.lift_list(element, ListAt::Mem(at(base, offset))),
            TypeDefKind::Map(key, value) => {
                let at = at(base, offset);
                // SAFETY: `#at` holds a map (a list of entries) in canonical layout, as for every
                // load here (`Gen::load`): `list_at`'s contract.
                let list = self.bind_unsafe("list", quote!(#rt::list_at(#at)));
                self.lift_map(id, key, value, &quote!(#list.0), &quote!(#list.1))
            }
            TypeDefKind::Handle(handle) => {
                let value = self.load(base, offset, quote!(i32));
                self.lift_handle(handle, &value)
            }
            TypeDefKind::Future(payload) => {
                let value = self.load(base, offset, quote!(u32));
                self.lift_future_or_stream(payload.as_ref(), false, &value)
            }
            TypeDefKind::Stream(payload) => {
                let value = self.load(base, offset, quote!(u32));
                self.lift_future_or_stream(payload.as_ref(), true, &value)
            }
            TypeDefKind::Variant(_) | TypeDefKind::Option(_) | TypeDefKind::Result(_) => {
                unreachable!("cases are lifted above")
            }
            TypeDefKind::Type(_) => unreachable!("aliases are followed above"),
            TypeDefKind::Resource => unreachable!("resources are values only through handles"),
            TypeDefKind::Unknown => unreachable!("rejected by `check`"),
        }
    }

    /// The path of the owned definition of `id` (anonymous types have
    /// none: their cases are spelled through `Option`/`Result`).
    fn owned_path_of(&self, id: TypeId) -> TokenStream {
        if self.cx.resolve.types[id].name.is_some() {
            self.owned_path(id)
        } else {
            TokenStream::new()
        }
    }

    /// The value of type `ty` from its core values `values` (exactly its
    /// flat types' count, of those types or of a variant's joined slots).
    pub(crate) fn lift_flat(&mut self, ty: &Type, values: &[Flat]) -> TokenStream {
        let types = flat_types_of(self.cx.resolve, ty);
        let values: Vec<TokenStream> = values
            .iter()
            .zip(&types)
            .map(|(value, ty)| self.cast_value(value, *ty))
            .collect();
        let values: Vec<Flat> = values
            .into_iter()
            .zip(types)
            .map(|(expr, ty)| Flat::new(expr, ty))
            .collect();
        match class(ty) {
            Class::Prim(prim) => self.lift_prim(prim, values[0].expr.clone(), true),
            Class::String => self.lift_string(ListAt::Flat(&values[0].expr, &values[1].expr)),
            Class::ErrorContext => {
                let handle = &values[0].expr;
                self.lift_error_context(quote!(#handle as u32))
            }
            Class::Id(id) => self.lift_flat_id(id, &values),
        }
    }

    /// `value` as core type `to` (out of a variant's joined slot), bound to
    /// a local when that takes `unsafe`.
    pub(super) fn cast_value(
        &mut self,
        value: &Flat,
        to: wit_bindgen_core::abi::WasmType,
    ) -> TokenStream {
        let rt = self.rt();
        let (expr, is_unsafe) = cast(value.ty, to, value.expr.clone(), &rt);
        if is_unsafe {
            self.bind("c", expr)
        } else {
            expr
        }
    }

    fn lift_flat_id(&mut self, id: TypeId, values: &[Flat]) -> TokenStream {
        let resolve = self.cx.resolve;
        let kind = &resolve.types[id].kind;
        if let TypeDefKind::Type(target) = kind {
            return self.lift_flat(target, values);
        }
        if let Some(function) = self.outlined(id, Outline::LiftFlat) {
            let args = values.iter().map(|value| &value.expr);
            // SAFETY: the arguments are the core values of this type as the host lowered them (an
            // export's arguments, or a case of an enclosing variant cast back to the case's types),
            // which is `#function`'s contract.
            return self.bind_unsafe("v", quote!(#function(#(#args),*)));
        }
        let path = self.owned_path_of(id);
        if let Some(cases) = Cases::of(kind, &path) {
            let discriminant = values[0].expr.clone();
            let slots = &values[1..];
            return self.lift_cases(&cases, &discriminant, |g, ty| {
                let count = flat_types_of(g.cx.resolve, ty).len();
                g.lift_flat(ty, &slots[..count])
            });
        }
        let first = &values[0].expr;
        match kind {
            TypeDefKind::Record(record) => {
                let types = record.fields.iter().map(|f| &f.ty);
                let lifted = self.lift_flat_fields(types, values);
                let fields = record.fields.iter().map(|f| snake(&f.name));
                quote!(#path { #(#fields: #lifted),* })
            }
            TypeDefKind::Tuple(tuple) => {
                let lifted = self.lift_flat_fields(tuple.types.iter(), values);
                quote!((#(#lifted,)*))
            }
            TypeDefKind::FixedLengthList(element, len) => {
                let elements = std::iter::repeat_n(element, *len as usize);
                let lifted = self.lift_flat_fields(elements, values);
                quote!([#(#lifted),*])
            }
            TypeDefKind::Enum(enum_) => {
                let repr = int_repr(enum_.tag());
                self.lift_enum(id, &quote!(#first as #repr))
            }
            TypeDefKind::Flags(flags) => {
                let repr = flags_repr(flags);
                quote!(#path::from_bits_retain(#first as #repr))
            }
            TypeDefKind::List(element) => {
                self.lift_list(element, ListAt::Flat(first, &values[1].expr))
            }
            TypeDefKind::Map(key, value) => self.lift_map(id, key, value, first, &values[1].expr),
            TypeDefKind::Handle(handle) => self.lift_handle(handle, first),
            TypeDefKind::Future(payload) => {
                self.lift_future_or_stream(payload.as_ref(), false, &quote!(#first as u32))
            }
            TypeDefKind::Stream(payload) => {
                self.lift_future_or_stream(payload.as_ref(), true, &quote!(#first as u32))
            }
            TypeDefKind::Variant(_) | TypeDefKind::Option(_) | TypeDefKind::Result(_) => {
                unreachable!("cases are lifted above")
            }
            TypeDefKind::Type(_) => unreachable!("aliases are followed above"),
            TypeDefKind::Resource => unreachable!("resources are values only through handles"),
            TypeDefKind::Unknown => unreachable!("rejected by `check`"),
        }
    }

    /// Each of `types` lifted from its run of `values`, in order.
    fn lift_flat_fields<'t>(
        &mut self,
        types: impl Iterator<Item = &'t Type>,
        values: &[Flat],
    ) -> Vec<TokenStream> {
        let mut rest = values;
        let mut lifted = Vec::new();
        for ty in types {
            let count = flat_types_of(self.cx.resolve, ty).len();
            let (these, others) = rest.split_at(count);
            lifted.push(self.lift_flat(ty, these));
            rest = others;
        }
        lifted
    }

    /// `match discriminant { 0 => Case0(payload), .., _ => invalid }`, each
    /// payload lifted by `payload`, bound to a local.
    fn lift_cases(
        &mut self,
        cases: &Cases<'_>,
        discriminant: &TokenStream,
        mut payload: impl FnMut(&mut Self, &Type) -> TokenStream,
    ) -> TokenStream {
        let rt = self.rt();
        if let Some(lift_fn) = cases.lift_fn {
            let borrows = cases
                .payloads()
                .flatten()
                .any(|ty| self.cx.info.of_type(ty).has_borrow_handle);
            // A borrowed handle is kept in a local of the function, which a
            // closure cannot initialize (`lift_imported_borrow`).
            if !borrows {
                return self.lift_option_or_result(lift_fn, cases, discriminant, payload);
            }
        }
        let arms: Vec<TokenStream> = (0..cases.cases.len())
            .map(|i| {
                let ty = cases.cases[i].ty;
                let value = self.block_value(false, |g| {
                    let lifted = ty.map(|ty| payload(g, ty));
                    cases.value(i, lifted)
                });
                let i = Literal::usize_unsuffixed(i);
                quote!(#i => #value,)
            })
            .collect();
        self.bind(
            "v",
            quote! {
                match #discriminant {
                    #(#arms)*
                    // SAFETY: discriminants `0..n` of every case are matched above, and the
                    // canonical ABI only lets the host pass those (hosts validate variants, options
                    // and results), so this arm is only reached on a host ABI violation:
                    // `invalid_discriminant`'s contract (debug builds panic).
                    _ => unsafe { #rt::invalid_discriminant() },
                }
            },
        )
    }

    /// An option or result through the runtime's `lift_option` or
    /// `lift_result`, with a closure lifting each payload (`()` for none).
    fn lift_option_or_result(
        &mut self,
        lift_fn: &str,
        cases: &Cases<'_>,
        discriminant: &TokenStream,
        mut payload: impl FnMut(&mut Self, &Type) -> TokenStream,
    ) -> TokenStream {
        let rt = self.rt();
        let lift_fn = Ident::new(lift_fn, Span::call_site());
        // An option's `none` has no closure.
        let skip = usize::from(lift_fn == "lift_option");
        // Closures with unsafe code are bound first: inside the `unsafe`
        // call, their own `unsafe` blocks would be unused.
        let closures: Vec<TokenStream> = cases.cases[skip..]
            .iter()
            .map(|case| {
                let Some(ty) = case.ty else {
                    return quote!(|| ());
                };
                let body = self.block_value(false, |g| payload(g, ty));
                let closure = self.tmp("case");
                self.push(quote!(let #closure = || #body;));
                quote!(#closure)
            })
            .collect();
        // SAFETY: the discriminant is one the host lowered for this option or result, which the
        // canonical ABI keeps in range (hosts validate values): `#lift_fn`'s contract.
        self.bind_unsafe("v", quote!(#rt::#lift_fn(#discriminant, #(#closures),*)))
    }

    /// A number, `bool` or `char` from its memory representation
    /// (`flat`: from its core value).
    fn lift_prim(&mut self, prim: Prim, value: TokenStream, flat: bool) -> TokenStream {
        let rt = self.rt();
        let narrow = |ty: TokenStream| {
            if flat {
                quote!(#value as #ty)
            } else {
                value.clone()
            }
        };
        match prim {
            Prim::Bool => {
                let byte = narrow(quote!(u8));
                quote!(#rt::bool_lift(#byte))
            }
            Prim::Char => {
                let scalar = narrow(quote!(u32));
                // SAFETY: the canonical ABI only transfers Unicode scalar values as `char` (the
                // host validates them), which is `char_lift`'s contract; debug builds check it.
                quote!(unsafe { #rt::char_lift(#scalar) })
            }
            Prim::U8 | Prim::S8 | Prim::U16 | Prim::S16 | Prim::U32 | Prim::U64 => {
                narrow(prim.rust())
            }
            Prim::S32 | Prim::S64 | Prim::F32 | Prim::F64 => value,
        }
    }

    /// A string, taken over as a `String` without copying.
    fn lift_string(&mut self, list: ListAt<'_>) -> TokenStream {
        let rt = self.rt();
        if self.cx.opts.raw_strings {
            return self.take_list(quote!(u8), list);
        }
        match list {
            ListAt::Mem(at) => {
                // SAFETY: `#at` holds a string the host wrote in canonical layout, in memory it
                // allocated through our `cabi_realloc` (the Rust global allocator) and hands over;
                // the canonical ABI only transfers valid UTF-8 (the host validates it; debug
                // builds check it): `take_string_at`'s contract.
                quote!(unsafe { #rt::take_string_at(#at) })
            }
            ListAt::Flat(ptr, len) => {
                // SAFETY: as above, for the string's address and length: `take_string`'s
                // contract.
                quote!(unsafe { #rt::take_string(#ptr, #len) })
            }
        }
    }

    /// A list of `element` (its Rust type) taken over as it is, without
    /// copying: its elements' layout is the canonical one.
    fn take_list(&mut self, element: TokenStream, list: ListAt<'_>) -> TokenStream {
        let rt = self.rt();
        match list {
            ListAt::Mem(at) => {
                // SAFETY: `#at` holds a list the host wrote, in memory it allocated through our
                // `cabi_realloc` (the Rust global allocator) with the elements' size and alignment,
                // and hands over. The element is plain (`Cx::is_plain`: a number, or a
                // `#[repr(C)]` record of them whose size and alignment are checked at compile time
                // to be its canonical ones), so every bit pattern is valid: `take_list_at`'s
                // contract.
                quote!(unsafe { #rt::take_list_at::<#element>(#at) })
            }
            ListAt::Flat(ptr, len) => {
                // SAFETY: as above, for the list's address and length: `take_list`'s contract.
                quote!(unsafe { #rt::take_list::<#element>(#ptr, #len) })
            }
        }
    }

    /// A list: taken over as it is when its elements' Rust layout is the
    /// canonical one, else each element lifted into a new `Vec` and the
    /// host's array freed.
    fn lift_list(&mut self, element: &Type, list: ListAt<'_>) -> TokenStream {
        if self.cx.is_plain(element, self.scope) {
            let element = self.ty(element);
            return self.take_list(element, list);
        }
        let rt = self.rt();
        let (size, align) = (self.cx.info.size(element), self.cx.info.align(element));
        let list = match list {
            ListAt::Mem(at) => {
                // SAFETY: `#at` holds a list in canonical layout, as for every load here
                // (`Gen::load`): `list_at`'s contract.
                self.bind_unsafe("list", quote!(#rt::list_at(#at)))
            }
            ListAt::Flat(ptr, len) => quote!((#ptr, #len)),
        };
        let [base, lift] = self.tmps(["base", "lift"]);
        let base_tokens = quote!(#base);
        let value = self.block_value(true, |g| g.lift_mem(element, &base_tokens, 0));
        // Bound outside the `unsafe` call, where its own `unsafe` blocks are
        // not nested in another.
        self.push(quote!(let #lift = |#base: *mut u8| #value;));
        let (size, align) = (
            Literal::usize_unsuffixed(size),
            Literal::usize_unsuffixed(align),
        );
        // SAFETY: the host wrote the list's elements in canonical layout (`#size` bytes each), in
        // an array it allocated through `cabi_realloc` with exactly that many bytes and the
        // element's alignment (`#align`) and hands over; `#lift` lifts (and takes) each element
        // once: `lift_list`'s contract.
        self.bind_unsafe("list", quote!(#rt::lift_list(#list, #size, #align, #lift)))
    }

    /// A map from its array of entries, each lifted; the array is freed.
    fn lift_map(
        &mut self,
        id: TypeId,
        key: &Type,
        value: &Type,
        ptr: &TokenStream,
        len: &TokenStream,
    ) -> TokenStream {
        let rt = self.rt();
        let entry = self.cx.info.sizes.record([key, value]);
        let (size, align) = (entry.size.size_wasm32(), entry.align.align_wasm32());
        let value_offset = self.cx.info.sizes.field_offsets([key, value])[1]
            .0
            .size_wasm32();
        let map_type = self.ty(&Type::Id(id));
        let [array, count, map, base] = self.tmps(["array", "len", "map", "base"]);
        let base_tokens = quote!(#base);
        let (body, (k, v)) = self.block(true, |g| {
            let k = g.lift_mem(key, &base_tokens, 0);
            let v = g.lift_mem(value, &base_tokens, value_offset);
            (k, v)
        });
        let offset = scaled(&quote!(i), size);
        let bytes = scaled(&quote!(#count), size);
        let align = Literal::usize_unsuffixed(align);
        self.push(quote! {
            let #array = #ptr;
            let #count = #len;
            let #map: #map_type = ::core::iter::FromIterator::from_iter((0..#count).map(|i| {
                // SAFETY: `i < #count`, so entry `i` starts inside the host's array of `#count`
                // entries of `size` bytes.
                let #base = unsafe { #array.add(#offset) };
                #body
                (#k, #v)
            }));
            // SAFETY: the host allocated the entries through `cabi_realloc` with exactly `#count *
            // size` bytes and the entry's alignment and handed them to us; every entry was lifted
            // out above (taking what it owns), so they are freed once, here.
            unsafe { #rt::cabi_dealloc(#array, #bytes, #align) };
        });
        quote!(#map)
    }

    /// An array of `len` elements at `base + offset`.
    fn lift_array(
        &mut self,
        element: &Type,
        len: u32,
        base: &TokenStream,
        offset: usize,
    ) -> TokenStream {
        let size = self.cx.info.size(element);
        let addr = self.offset_base(base, offset);
        let elem_base = self.tmp("base");
        let elem_tokens = quote!(#elem_base);
        let value = self.block_value(true, |g| g.lift_mem(element, &elem_tokens, 0));
        let index = scaled(&quote!(i), size);
        let len = Literal::usize_unsuffixed(len as usize);
        self.bind(
            "array",
            quote! {
                ::core::array::from_fn::<_, #len, _>(|i| {
                    // SAFETY: `from_fn` passes `i < #len`, and `#addr` points at the `#len`
                    // elements of a `list<T, #len>` in canonical layout, so element `i` starts
                    // inside them.
                    let #elem_base = unsafe { #addr.add(#index) };
                    #value
                })
            },
        )
    }

    /// The enum `id` with discriminant `value` (of its repr type).
    fn lift_enum(&mut self, id: TypeId, value: &TokenStream) -> TokenStream {
        let path = self.owned_path(id);
        let TypeDefKind::Enum(enum_) = &self.cx.resolve.types[id].kind else {
            unreachable!("an enum")
        };
        if self.cx.names.remapped_type(self.cx.resolve, id).is_none() {
            // SAFETY: `#value` is an enum discriminant the host lowered, which the canonical ABI
            // keeps in range (hosts validate enum values): `_lift`'s contract. Out of range only on
            // a host ABI violation, which `_lift` hands to `invalid_discriminant` (a panic in debug
            // builds).
            return quote!(unsafe { #path::_lift(#value) });
        }
        // A type taken from elsewhere (`with`) has its cases, not `_lift`.
        let rt = self.rt();
        let arms = enum_.cases.iter().enumerate().map(|(i, case)| {
            let i = Literal::usize_unsuffixed(i);
            let case = camel(&case.name);
            quote!(#i => #path::#case)
        });
        quote! {
            match #value {
                #(#arms,)*
                // SAFETY: every case of the enum is matched above, and the host only passes
                // discriminants of the type (the canonical ABI; hosts validate values), so this arm
                // is only reached on a host ABI violation: `invalid_discriminant`'s contract (debug
                // builds panic).
                _ => unsafe { #rt::invalid_discriminant() },
            }
        }
    }

    /// An error context from its handle.
    fn lift_error_context(&mut self, handle: TokenStream) -> TokenStream {
        let rt = self.rt();
        quote!(#rt::async_support::ErrorContext::from_handle(#handle))
    }

    /// A stream or future's readable end: the reader type of its payload,
    /// whose vtable comes through the bindings' payload traits.
    fn lift_future_or_stream(
        &mut self,
        payload: Option<&Type>,
        stream: bool,
        handle: &TokenStream,
    ) -> TokenStream {
        let rt = self.rt();
        let payload = crate::types::payload_ty(self.cx, payload, self.scope);
        let here = self.cx.names.path(self.scope);
        let (module, trait_, reader) = if stream {
            ("wit_stream", "StreamPayload", "StreamReader")
        } else {
            ("wit_future", "FuturePayload", "FutureReader")
        };
        let module = here.path_to(
            &crate::names::ModulePath::root(),
            &crate::ident::ident(module),
        );
        let trait_ = crate::ident::ident(trait_);
        let reader = crate::ident::ident(reader);
        let vtable = quote!(<#payload as #module::#trait_>::VTABLE);
        if stream {
            // A lifted readable end is owned by the receiver (the canonical ABI transfers it),
            // and `VTABLE` is the one `payloads.rs` generates for exactly this payload.
            return quote!(#rt::async_support::#reader::new(#handle, #vtable));
        }
        quote! {
            // SAFETY: a lifted `future` handle is owned by the receiver (the canonical ABI
            // transfers the readable end to us), its payload type is `#payload`, and `VTABLE` is
            // the vtable `payloads.rs` generates for exactly that payload (its intrinsics and
            // layout): the reader's `new` contract.
            unsafe { #rt::async_support::#reader::new(#handle, #vtable) }
        }
    }

    /// A handle from its core value `raw` (an `i32`, or the pointer an
    /// exported method receives itself as): an `own` as the resource value;
    /// a `borrow` as a reference to one (or the borrow type of a resource
    /// exported here, from its representation).
    pub(super) fn lift_handle(&mut self, handle: &Handle, raw: &TokenStream) -> TokenStream {
        let value = quote!(#raw as u32);
        let (Handle::Own(resource) | Handle::Borrow(resource)) = handle;
        let resource = dealias(self.cx.resolve, *resource);
        let path = self.owned_path(resource);
        let rt = self.rt();
        // Types from elsewhere (`with`) only offer wit-bindgen's methods;
        // ours do unless WIT functions of the same name shadow them.
        let owned = if self
            .cx
            .names
            .is_remapped(self.cx.resolve, resource, self.scope)
            || self.cx.names.has_handle_api(self.cx.resolve, resource)
        {
            // SAFETY: the handle is now in our table and ours to drop: an `own` handle transferred
            // to us, or a `borrow` lent for this call, which the callee must drop before it returns
            // (the wrapper's drop does) — the `from_handle` contract.
            quote!(unsafe { #path::from_handle(#value) })
        } else {
            // SAFETY: as above: an `own` handle transferred to us, or a `borrow` lent for this call
            // that we must drop before returning; nothing else drops it (`Resource::from_handle`).
            quote!(#path { handle: unsafe { #rt::ResourceHandle::from_handle(#value) } })
        };
        match handle {
            Handle::Own(_) => owned,
            Handle::Borrow(_) => {
                match self
                    .cx
                    .names
                    .exported_resource(self.cx.resolve, resource, self.scope)
                {
                    Some((_, names)) => {
                        let path = self.cx.names.path_next_to_type(
                            self.cx.resolve,
                            resource,
                            self.scope,
                            &names.borrow,
                        );
                        // SAFETY: a `borrow` of a resource this component implements arrives as its
                        // representation (the canonical ABI's `resource.rep` of the lent handle),
                        // which the host keeps alive while the loan lasts: for the whole export
                        // call (`lift`'s contract).
                        quote!(unsafe { #path::lift(#rt::rep(#raw)) })
                    }
                    None => self.lift_imported_borrow(&path, owned),
                }
            }
        }
    }

    /// `&R` for a borrowed handle of an imported resource, received by an
    /// export. The handle value lives in a local of the whole function, so
    /// the reference stays valid for the call, and is dropped when the
    /// shim returns: dropping a borrowed handle is how the callee ends the
    /// loan (the host traps when borrows remain at the end of the call).
    /// Inside a list's loop (several handles) they are boxed, for stable
    /// addresses.
    fn lift_imported_borrow(&mut self, path: &TokenStream, value: TokenStream) -> TokenStream {
        let rt = self.rt();
        if self.loops > 0 {
            let [arena, ptr] = self.tmps(["borrows", "ptr"]);
            self.declare(quote!(let mut #arena = #rt::Vec::<#rt::Box<#path>>::new();));
            // The pointer is taken once the box is in the arena: moving a
            // box would invalidate pointers taken from it before (Stacked
            // Borrows). The arena growing copies boxes, not their values.
            self.push(quote! {
                #arena.push(#rt::Box::new(#value));
                let #ptr: *const #path = #rt::last_boxed(&#arena);
            });
            // SAFETY: `#ptr` points at the value in the heap allocation of the arena's last box,
            // which `#arena` keeps alive, unmoved and unmodified until the shim returns, past every
            // use of the reference (the call).
            quote!(unsafe { &*#ptr })
        } else {
            let slot = self.tmp("handle");
            self.declare(quote!(let #slot: #path;));
            self.push(quote!(#slot = #value;));
            quote!(&#slot)
        }
    }
}
