//! Lowering: Rust values → core values or canonical ABI memory, lent for a
//! call or handed over (see [`Lower`]).
//!
//! The value being lowered is an expression that may be a value or a
//! reference to one (lent arguments are references at their top, their
//! parts too once destructured): the code works for both, through
//! destructuring with default binding modes, `rt::as_i32` and friends
//! (implemented for references), auto-deref and `.clone()` for enums.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};
use wit_bindgen_core::abi::WasmType;
use wit_bindgen_core::wit_parser::{Handle, Type, TypeDefKind, TypeId};

use super::flat::{cast, flat_types_of, zero, Flat};
use super::lift::Cases;
use super::{at, receiver, scaled, strip_borrow, Gen, Lower};
use crate::ident::snake;
use crate::info::Forms;
use crate::names::Outline;
use crate::prim::{class, flags_repr, int_repr, Class, Prim};

impl Gen<'_, '_> {
    /// The core values of `value`, of type `ty`.
    pub(crate) fn lower_flat(&mut self, ty: &Type, value: &TokenStream, mode: Lower) -> Vec<Flat> {
        match class(ty) {
            Class::Prim(prim) => {
                let (function, core) = core_of(prim);
                let rt = self.rt();
                vec![Flat::new(quote!(#rt::#function(#value)), core)]
            }
            Class::String => {
                let list = self.lower_canon_list(value, mode, true);
                self.list_values(list)
            }
            Class::ErrorContext => {
                let handle = self.lower_error_context(value, mode);
                vec![Flat::new(handle, WasmType::I32)]
            }
            Class::Id(id) => self.lower_flat_id(id, value, mode),
        }
    }

    fn lower_flat_id(&mut self, id: TypeId, value: &TokenStream, mode: Lower) -> Vec<Flat> {
        let kind = &self.cx.resolve.types[id].kind;
        if let TypeDefKind::Type(target) = kind {
            return self.lower_flat(target, value, mode);
        }
        if let Some(values) = self.lower_flat_outlined(id, value, mode) {
            return values;
        }
        let path = self.path_of(id, mode);
        if let Some(cases) = Cases::of(kind, &path) {
            return self.lower_flat_cases(id, &cases, value, mode);
        }
        let i32 = |expr: TokenStream| vec![Flat::new(expr, WasmType::I32)];
        match kind {
            TypeDefKind::Record(record) => {
                let fields = self.destructure_record(&path, record, value);
                let types = record.fields.iter().map(|f| f.ty);
                self.lower_flat_all(types.zip(fields), mode)
            }
            TypeDefKind::Tuple(tuple) => {
                let elements = self.destructure(tuple.types.len(), "t", value, false);
                self.lower_flat_all(tuple.types.iter().copied().zip(elements), mode)
            }
            TypeDefKind::FixedLengthList(element, len) => {
                // An array argument is passed by value: lent, it is taken
                // apart by reference, so that what it lends stays in place.
                let value = if mode.lends() {
                    quote!(&#value)
                } else {
                    value.clone()
                };
                let elements = self.destructure(*len as usize, "a", &value, true);
                let types = std::iter::repeat_n(*element, elements.len());
                self.lower_flat_all(types.zip(elements), mode)
            }
            TypeDefKind::Enum(_) => i32(self.lower_enum(value, quote!(i32))),
            TypeDefKind::Flags(_) => {
                let op = receiver(value);
                i32(quote!(#op.bits() as i32))
            }
            TypeDefKind::List(element) => {
                let list = self.lower_any_list(element, value, mode);
                self.list_values(list)
            }
            TypeDefKind::Map(key, map_value) => {
                let list = self.lower_map(key, map_value, value, mode);
                self.list_values(list)
            }
            TypeDefKind::Handle(handle) => i32(self.lower_handle(handle, value)),
            TypeDefKind::Future(_) | TypeDefKind::Stream(_) => {
                let op = receiver(&strip_borrow(value));
                i32(quote!(#op.take_handle() as i32))
            }
            TypeDefKind::Variant(_) | TypeDefKind::Option(_) | TypeDefKind::Result(_) => {
                unreachable!("cases are lowered above")
            }
            TypeDefKind::Type(_) => unreachable!("aliases are followed above"),
            TypeDefKind::Resource => unreachable!("resources are values only through handles"),
            TypeDefKind::Unknown => unreachable!("rejected by `check`"),
        }
    }

    /// The core values of each (type, value) pair, in order.
    fn lower_flat_all(
        &mut self,
        parts: impl Iterator<Item = (Type, TokenStream)>,
        mode: Lower,
    ) -> Vec<Flat> {
        let mut values = Vec::new();
        for (ty, value) in parts {
            values.extend(self.lower_flat(&ty, &value, mode));
        }
        values
    }

    /// `(_v1, _v2, ..) = _lower_flat_name(&value)` when the type has that
    /// function and `mode` lends.
    fn lower_flat_outlined(
        &mut self,
        id: TypeId,
        value: &TokenStream,
        mode: Lower,
    ) -> Option<Vec<Flat>> {
        if !self.lends_outlined(id, mode) {
            return None;
        }
        let function = self.outlined(id, Outline::LowerFlat)?;
        let list = self
            .out
            .lent_allocates(self.cx, &Type::Id(id))
            .then(|| self.list_arg());
        self.lints.needless_borrow = true;
        let types = flat_types_of(self.cx.resolve, &Type::Id(id));
        let vars: Vec<Ident> = (0..types.len()).map(|_| self.tmp("v")).collect();
        let pattern = match vars.as_slice() {
            [one] => quote!(#one),
            vars => quote!((#(#vars),*)),
        };
        let list = list.map(|list| quote!(, #list));
        self.push(quote!(let #pattern = #function(&#value #list);));
        Some(
            vars.into_iter()
                .zip(types)
                .map(|(var, ty)| Flat::new(quote!(#var), ty))
                .collect(),
        )
    }

    /// Whether a lent lowering of `id` in `mode` may call the type's
    /// function, which takes its owned definition by reference. Arguments
    /// of imports are spelled differently when the type has two
    /// definitions (or a borrowed one), and a named list, option, result
    /// or tuple is spelled through its kind (`&[T]`, `Option<&str>`).
    fn lends_outlined(&self, id: TypeId, mode: Lower) -> bool {
        match mode {
            Lower::Args => {
                let nominal = matches!(
                    self.cx.resolve.types[id].kind,
                    TypeDefKind::Record(_) | TypeDefKind::Variant(_)
                );
                nominal && self.cx.forms(id) == Forms::Owned
            }
            Lower::Lent => true,
            Lower::Owned => false,
        }
    }

    /// A variant, option or result as its discriminant and joined slots:
    /// `let (_v1, _v2) = match value { Case(e) => (0i32, ..), .. };`.
    fn lower_flat_cases(
        &mut self,
        id: TypeId,
        cases: &Cases<'_>,
        value: &TokenStream,
        mode: Lower,
    ) -> Vec<Flat> {
        let rt = self.rt();
        let types = flat_types_of(self.cx.resolve, &Type::Id(id));
        let slots = &types[1..];
        let mut arms = Vec::new();
        for i in 0..cases.cases.len() {
            let binding = self.tmp("e");
            let binding = quote!(#binding);
            let pattern = cases.pattern(i, &binding);
            let ty = cases.cases[i].ty;
            let (body, values) = self.block(false, |g| {
                let lowered = match ty {
                    Some(ty) => g.lower_flat(ty, &binding, mode),
                    None => Vec::new(),
                };
                let mut values = vec![discriminant(i, types[0])];
                for (j, slot) in slots.iter().enumerate() {
                    values.push(match lowered.get(j) {
                        Some(part) => {
                            let (expr, is_unsafe) = cast(part.ty, *slot, part.expr.clone(), &rt);
                            if is_unsafe {
                                g.bind("c", expr)
                            } else {
                                expr
                            }
                        }
                        None => zero(*slot),
                    });
                }
                values
            });
            let tuple = match values.as_slice() {
                [one] => one.clone(),
                values => quote!((#(#values),*)),
            };
            let arm = if body.is_empty() {
                quote!(#pattern => #tuple,)
            } else {
                quote!(#pattern => { #body #tuple })
            };
            arms.push(arm);
        }
        let vars: Vec<Ident> = types.iter().map(|_| self.tmp("v")).collect();
        let pattern = match vars.as_slice() {
            [one] => quote!(#one),
            vars => quote!((#(#vars),*)),
        };
        self.push(quote!(let #pattern = match #value { #(#arms)* };));
        vars.into_iter()
            .zip(types)
            .map(|(var, ty)| Flat::new(quote!(#var), ty))
            .collect()
    }

    /// Writes `value`, of type `ty`, at `base + offset`.
    pub(crate) fn lower_mem(
        &mut self,
        ty: &Type,
        value: &TokenStream,
        base: &TokenStream,
        offset: usize,
        mode: Lower,
    ) {
        match class(ty) {
            Class::Prim(prim) => {
                let (memory, stored) = self.prim_to_memory(prim, value);
                self.store(base, offset, memory, stored);
            }
            Class::String => {
                let list = self.lower_canon_list(value, mode, true);
                self.store_list(base, offset, list);
            }
            Class::ErrorContext => {
                let handle = self.lower_error_context(value, mode);
                self.store(base, offset, quote!(i32), handle);
            }
            Class::Id(id) => self.lower_mem_id(id, value, base, offset, mode),
        }
    }

    /// A list's pointer and length at `base + offset`.
    fn store_list(&mut self, base: &TokenStream, offset: usize, list: TokenStream) {
        let rt = self.rt();
        let at = at(base, offset);
        // SAFETY: `#base` points at memory with room for the value being lowered in canonical layout
        // (as for every store, `Gen::store`), and a list at this offset: `store_list`'s contract.
        self.push_unsafe(quote!(#rt::store_list(#at, #list)));
    }

    fn lower_mem_id(
        &mut self,
        id: TypeId,
        value: &TokenStream,
        base: &TokenStream,
        offset: usize,
        mode: Lower,
    ) {
        let kind = &self.cx.resolve.types[id].kind;
        if let TypeDefKind::Type(target) = kind {
            return self.lower_mem(target, value, base, offset, mode);
        }
        if self.lower_mem_outlined(id, value, base, offset, mode) {
            return;
        }
        let sizes = &self.cx.info.sizes;
        let path = self.path_of(id, mode);
        if let Some(cases) = Cases::of(kind, &path) {
            let payload = offset
                + sizes
                    .payload_offset(cases.tag, cases.payloads())
                    .size_wasm32();
            return self.lower_mem_cases(&cases, value, base, offset, payload, mode);
        }
        match kind {
            TypeDefKind::Record(record) => {
                let fields = self.destructure_record(&path, record, value);
                let offsets = sizes.field_offsets(record.fields.iter().map(|f| &f.ty));
                for ((field, ty), value) in offsets.into_iter().zip(fields) {
                    self.lower_mem(ty, &value, base, offset + field.size_wasm32(), mode);
                }
            }
            TypeDefKind::Tuple(tuple) => {
                let elements = self.destructure(tuple.types.len(), "t", value, false);
                let offsets = sizes.field_offsets(tuple.types.iter());
                for ((field, ty), value) in offsets.into_iter().zip(elements) {
                    self.lower_mem(ty, &value, base, offset + field.size_wasm32(), mode);
                }
            }
            TypeDefKind::FixedLengthList(element, _) => {
                self.lower_array(element, value, base, offset, mode)
            }
            TypeDefKind::Enum(enum_) => {
                let repr = int_repr(enum_.tag());
                let discriminant = self.lower_enum(value, repr.clone());
                self.store(base, offset, repr, discriminant);
            }
            TypeDefKind::Flags(flags) => {
                let op = receiver(value);
                self.store(base, offset, flags_repr(flags), quote!(#op.bits()));
            }
            TypeDefKind::List(element) => {
                let list = self.lower_any_list(element, value, mode);
                self.store_list(base, offset, list);
            }
            TypeDefKind::Map(key, map_value) => {
                let list = self.lower_map(key, map_value, value, mode);
                self.store_list(base, offset, list);
            }
            TypeDefKind::Handle(handle) => {
                let handle = self.lower_handle(handle, value);
                self.store(base, offset, quote!(i32), handle);
            }
            TypeDefKind::Future(_) | TypeDefKind::Stream(_) => {
                let op = receiver(&strip_borrow(value));
                self.store(base, offset, quote!(i32), quote!(#op.take_handle() as i32));
            }
            TypeDefKind::Variant(_) | TypeDefKind::Option(_) | TypeDefKind::Result(_) => {
                unreachable!("cases are lowered above")
            }
            TypeDefKind::Type(_) => unreachable!("aliases are followed above"),
            TypeDefKind::Resource => unreachable!("resources are values only through handles"),
            TypeDefKind::Unknown => unreachable!("rejected by `check`"),
        }
    }

    /// A call to the type's function writing `value` at `base + offset`,
    /// when it has one for `mode`: `_lower_name(&value, ptr)` lends,
    /// `_lower_owned_name(value, ptr)` hands over.
    fn lower_mem_outlined(
        &mut self,
        id: TypeId,
        value: &TokenStream,
        base: &TokenStream,
        offset: usize,
        mode: Lower,
    ) -> bool {
        let dir = if mode.lends() {
            if !self.lends_outlined(id, mode) {
                return false;
            }
            Outline::Lower
        } else {
            Outline::LowerOwned
        };
        let Some(function) = self.outlined(id, dir) else {
            return false;
        };
        let at = at(base, offset);
        let (value, list) = if mode.lends() {
            self.lints.needless_borrow = true;
            let list = self
                .out
                .lent_allocates(self.cx, &Type::Id(id))
                .then(|| self.list_arg());
            (quote!(&#value), list.map(|list| quote!(, #list)))
        } else {
            (value.clone(), None)
        };
        // SAFETY: `#at` has room for this type in canonical layout, aligned for it: the memory this
        // lowering writes (a return area or async call memory sized for the value, an array
        // allocated for a list, or an indirect arguments area). What a lent value's lists point at
        // lives as long as the inline code's would (the value is the same place), and what an
        // owned one hands over is freed by the matching `free`: `#function`'s contract.
        self.push_unsafe(quote!(#function(#value, #at #list)));
        true
    }

    /// `match value { Case(e) => { discriminant; payload }, .. }`.
    fn lower_mem_cases(
        &mut self,
        cases: &Cases<'_>,
        value: &TokenStream,
        base: &TokenStream,
        offset: usize,
        payload: usize,
        mode: Lower,
    ) {
        let repr = int_repr(cases.tag);
        let mut arms = Vec::new();
        for i in 0..cases.cases.len() {
            let binding = self.tmp("e");
            let binding = quote!(#binding);
            let pattern = cases.pattern(i, &binding);
            let ty = cases.cases[i].ty;
            let (body, ()) = self.block(false, |g| {
                let index = Literal::usize_unsuffixed(i);
                g.store(base, offset, repr.clone(), quote!(#index));
                if let Some(ty) = ty {
                    g.lower_mem(ty, &binding, base, payload, mode);
                }
            });
            arms.push(quote!(#pattern => { #body }));
        }
        self.push(quote!(match #value { #(#arms)* }));
    }

    /// A `list<T, N>` at `base + offset`, element by element.
    fn lower_array(
        &mut self,
        element: &Type,
        value: &TokenStream,
        base: &TokenStream,
        offset: usize,
        mode: Lower,
    ) {
        let size = self.cx.info.size(element);
        let addr = self.offset_base(base, offset);
        let [elem, elem_base] = self.tmps(["e", "base"]);
        let (elem_tokens, base_tokens) = (quote!(#elem), quote!(#elem_base));
        let (body, ()) = self.block(true, |g| {
            g.lower_mem(element, &elem_tokens, &base_tokens, 0, mode);
        });
        let index = scaled(&quote!(i), size);
        // An array argument is passed by value: lent, its elements are
        // written by reference, so that what they lend stays in place.
        let elements = if mode.lends() {
            let value = receiver(&strip_borrow(value));
            quote!(#value.iter())
        } else {
            quote!(::core::iter::IntoIterator::into_iter(#value))
        };
        self.push(quote! {
            for (i, #elem) in #elements.enumerate() {
                // SAFETY: a `[T; N]` yields `N` elements and `#addr` points at room for the `N`
                // elements of a `list<T, N>` in canonical layout, so element `i < N` starts inside
                // it.
                let #elem_base = unsafe { #addr.add(#index) };
                #body
            }
        });
    }

    /// The path of named type `id` as `mode` spells it (anonymous types
    /// have none).
    fn path_of(&self, id: TypeId, mode: Lower) -> TokenStream {
        if self.cx.resolve.types[id].name.is_some() {
            self.type_path(id, mode)
        } else {
            TokenStream::new()
        }
    }

    /// `let Path { a: _f1, b: _f2 } = value;`: one local per field.
    fn destructure_record(
        &mut self,
        path: &TokenStream,
        record: &wit_bindgen_core::wit_parser::Record,
        value: &TokenStream,
    ) -> Vec<TokenStream> {
        let fields: Vec<Ident> = record.fields.iter().map(|f| snake(&f.name)).collect();
        let vars: Vec<Ident> = fields.iter().map(|_| self.tmp("f")).collect();
        self.push(quote!(let #path { #(#fields: #vars),* } = #value;));
        vars.iter().map(|var| quote!(#var)).collect()
    }

    /// `let (_t1, _t2,) = value;` (or `[..]` for an `array`): one local per
    /// element.
    fn destructure(
        &mut self,
        len: usize,
        prefix: &str,
        value: &TokenStream,
        array: bool,
    ) -> Vec<TokenStream> {
        let [name] = self.tmps([prefix]);
        let vars: Vec<Ident> = (0..len).map(|i| format_ident!("{}_{}", name, i)).collect();
        let pattern = if array {
            quote!([#(#vars),*])
        } else {
            quote!((#(#vars,)*))
        };
        self.push(quote!(let #pattern = #value;));
        vars.iter().map(|var| quote!(#var)).collect()
    }

    /// An enum's discriminant as the integer `ty`.
    fn lower_enum(&mut self, value: &TokenStream, ty: TokenStream) -> TokenStream {
        // `clone` copies out of a `&Enum` or an `Enum` alike.
        self.lints.clone_on_copy = true;
        let op = receiver(value);
        quote!(#op.clone() as #ty)
    }

    /// A number, `bool` or `char` as the memory type it is stored as, and
    /// the stored expression.
    fn prim_to_memory(&mut self, prim: Prim, value: &TokenStream) -> (TokenStream, TokenStream) {
        let rt = self.rt();
        let (function, core) = core_of(prim);
        let widened = quote!(#rt::#function(#value));
        match prim {
            Prim::Bool | Prim::U8 => (quote!(u8), quote!(#widened as u8)),
            Prim::S8 => (quote!(i8), quote!(#widened as i8)),
            Prim::U16 => (quote!(u16), quote!(#widened as u16)),
            Prim::S16 => (quote!(i16), quote!(#widened as i16)),
            Prim::U32 | Prim::S32 | Prim::Char | Prim::U64 | Prim::S64 | Prim::F32 | Prim::F64 => {
                (super::flat::wasm_type(core), widened)
            }
        }
    }

    /// A list's address and length (a tuple expression) as its two core
    /// values, bound to locals.
    fn list_values(&mut self, list: TokenStream) -> Vec<Flat> {
        let [ptr, len] = self.tmps(["ptr", "len"]);
        self.push(quote!(let (#ptr, #len) = #list;));
        vec![
            Flat::new(quote!(#ptr), WasmType::Pointer),
            Flat::new(quote!(#len), WasmType::Length),
        ]
    }

    /// A list whose Rust layout is its canonical ABI layout (numbers and
    /// plain records, and strings as bytes): its address and length (a
    /// tuple expression), which hands ownership over unless `mode` lends.
    fn lower_canon_list(&mut self, value: &TokenStream, mode: Lower, string: bool) -> TokenStream {
        let rt = self.rt();
        let string = string && !self.cx.opts.raw_strings;
        match (mode.lends(), string) {
            (true, true) => quote!(#rt::lend_str(#value)),
            (true, false) => quote!(#rt::lend_list(#value)),
            (false, true) => quote!(#rt::give_string(#value)),
            (false, false) => quote!(#rt::give_list(#value)),
        }
    }

    /// A list of any element type: as it is when the element is plain,
    /// else an array in canonical layout with each element written into
    /// it. Its address and length (a tuple expression).
    fn lower_any_list(&mut self, element: &Type, value: &TokenStream, mode: Lower) -> TokenStream {
        if self.cx.is_plain(element, self.scope) {
            return self.lower_canon_list(value, mode, false);
        }
        let (size, align) = (self.cx.info.size(element), self.cx.info.align(element));
        // A borrowed list may be behind several references (`&&[&str]`
        // inside a borrowed `list<list<string>>`): `iter` sees through them.
        let elements = if mode.lends() {
            let value = receiver(&strip_borrow(value));
            quote!(#value.iter())
        } else {
            quote!(::core::iter::IntoIterator::into_iter(#value))
        };
        self.lower_elements(elements, size, align, mode, |g, elem, base| {
            g.lower_mem(element, elem, base, 0, mode);
        })
    }

    /// A map as an array of entries, each written into it; freed after the
    /// call unless it is handed over. Its address and length (a tuple
    /// expression).
    fn lower_map(
        &mut self,
        key: &Type,
        value: &Type,
        map: &TokenStream,
        mode: Lower,
    ) -> TokenStream {
        let entry = self.cx.info.sizes.record([key, value]);
        let (size, align) = (entry.size.size_wasm32(), entry.align.align_wasm32());
        let value_offset = self.cx.info.sizes.field_offsets([key, value])[1]
            .0
            .size_wasm32();
        let entries = quote!(::core::iter::IntoIterator::into_iter(#map));
        let [k, v] = self.tmps(["key", "value"]);
        let (k, v) = (quote!(#k), quote!(#v));
        let pattern = quote!((#k, #v));
        self.lower_elements_as(entries, pattern, size, align, mode, |g, _, base| {
            g.lower_mem(key, &k, base, 0, mode);
            g.lower_mem(value, &v, base, value_offset, mode);
        })
    }

    /// `rt::lower_list(elements, size, align, |e, base| ..)`, each element
    /// written by `write`; the array freed after the call when `mode`
    /// lends. The array's address and length (locals, as a tuple).
    fn lower_elements(
        &mut self,
        elements: TokenStream,
        size: usize,
        align: usize,
        mode: Lower,
        write: impl FnOnce(&mut Self, &TokenStream, &TokenStream),
    ) -> TokenStream {
        let elem = self.tmp("e");
        self.lower_elements_as(elements, quote!(#elem), size, align, mode, write)
    }

    /// [`Gen::lower_elements`] with the closure's element pattern given.
    fn lower_elements_as(
        &mut self,
        elements: TokenStream,
        pattern: TokenStream,
        size: usize,
        align: usize,
        mode: Lower,
        write: impl FnOnce(&mut Self, &TokenStream, &TokenStream),
    ) -> TokenStream {
        let rt = self.rt();
        let [array, len, base] = self.tmps(["array", "len", "base"]);
        let base_tokens = quote!(#base);
        let (body, ()) = self.block(true, |g| write(g, &pattern, &base_tokens));
        let (size_lit, align_lit) = (
            Literal::usize_unsuffixed(size),
            Literal::usize_unsuffixed(align),
        );
        self.push(quote! {
            let (#array, #len) = #rt::lower_list(#elements, #size_lit, #align_lit, |#pattern, #base| {
                #body
            });
        });
        if mode.lends() {
            self.free_after_call(&array, scaled(&quote!(#len), size), align_lit);
        }
        quote!((#array, #len))
    }

    /// A handle as an `i32`: moved out for `own`, lent for `borrow`.
    fn lower_handle(&mut self, handle: &Handle, value: &TokenStream) -> TokenStream {
        let rt = self.rt();
        // Field access auto-dereferences: `&value` needs no borrow.
        let op = receiver(&strip_borrow(value));
        let (Handle::Own(resource) | Handle::Borrow(resource)) = handle;
        // Types from elsewhere (`with`) only offer wit-bindgen's methods;
        // ours do unless WIT functions of the same name shadow them.
        let remapped = self
            .cx
            .names
            .is_remapped(self.cx.resolve, *resource, self.scope)
            || self.cx.names.has_handle_api(self.cx.resolve, *resource);
        match (handle, remapped) {
            (Handle::Own(_), false) => quote!(#rt::ResourceHandle::take_handle(&#op.handle) as i32),
            (Handle::Borrow(_), false) => quote!(#rt::ResourceHandle::handle(&#op.handle) as i32),
            (Handle::Own(_), true) => quote!(#op.take_handle() as i32),
            (Handle::Borrow(_), true) => quote!(#op.handle() as i32),
        }
    }

    /// An error context as its handle. Lent, the value stays the caller's
    /// (passing an error context copies it); handed over, the handle is
    /// kept (not dropped with the value), as the lowered form outlives it.
    fn lower_error_context(&mut self, value: &TokenStream, mode: Lower) -> TokenStream {
        let rt = self.rt();
        if mode.lends() {
            let op = receiver(value);
            quote!(#op.handle() as i32)
        } else {
            quote!(#rt::async_support::ErrorContext::into_handle(#value) as i32)
        }
    }
}

/// The runtime function lowering a primitive to its core value, and the
/// core type.
fn core_of(prim: Prim) -> (Ident, WasmType) {
    let (function, core) = match prim.flat() {
        WasmType::I64 => ("as_i64", WasmType::I64),
        WasmType::F32 => ("as_f32", WasmType::F32),
        WasmType::F64 => ("as_f64", WasmType::F64),
        WasmType::I32 | WasmType::Pointer | WasmType::Length | WasmType::PointerOrI64 => {
            ("as_i32", WasmType::I32)
        }
    };
    (format_ident!("{}", function), core)
}

/// Case `i`'s discriminant as a core value of type `ty`.
fn discriminant(i: usize, ty: WasmType) -> TokenStream {
    match ty {
        WasmType::I64 => {
            let i = Literal::i64_suffixed(i as i64);
            quote!(#i)
        }
        WasmType::I32
        | WasmType::F32
        | WasmType::F64
        | WasmType::Pointer
        | WasmType::Length
        | WasmType::PointerOrI64 => {
            let i = Literal::i32_suffixed(i as i32);
            quote!(#i)
        }
    }
}
