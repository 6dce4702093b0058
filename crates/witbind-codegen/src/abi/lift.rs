//! Lifting: core wasm values and guest memory → Rust values.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use wit_bindgen_core::dealias;
use wit_bindgen_core::wit_parser::{Enum, Flags, Handle, Record, Type, TypeId, Variant};

use super::{scaled, Block, FnBindgen};
use crate::ident::{camel, snake};
use crate::typedefs::{flags_repr, int_repr};

impl FnBindgen<'_, '_> {
    /// A stream or future's readable end: the reader type of its payload,
    /// whose vtable comes through the bindings' payload traits.
    pub(super) fn lift_future_or_stream(
        &mut self,
        payload: Option<&Type>,
        stream: bool,
        op: &TokenStream,
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
        let op = self.narrow(op, "u32");
        let vtable = quote!(<#payload as #module::#trait_>::VTABLE);
        if stream {
            // A lifted readable end is owned by the receiver (the canonical ABI transfers it),
            // and `VTABLE` is the one `payloads.rs` generates for exactly this payload.
            return quote!(#rt::async_support::#reader::new(#op, #vtable));
        }
        quote! {
            // SAFETY: a lifted `future` handle is owned by the receiver (the canonical ABI
            // transfers the readable end to us), its payload type is `#payload`, and `VTABLE` is
            // the vtable `payloads.rs` generates for exactly that payload (its intrinsics and
            // layout): the reader's `new` contract.
            unsafe { #rt::async_support::#reader::new(#op, #vtable) }
        }
    }

    pub(super) fn lift_char(&mut self, op: &TokenStream) -> TokenStream {
        let rt = self.rt();
        let op = self.narrow(op, "u32");
        // SAFETY: the canonical ABI only transfers Unicode scalar values as `char` (the host
        // validates them), which is `char_lift`'s contract; debug builds check it anyway.
        quote!(unsafe { #rt::char_lift(#op) })
    }

    pub(super) fn lift_bool(&mut self, op: &TokenStream) -> TokenStream {
        let rt = self.rt();
        let op = self.narrow(op, "u8");
        quote!(#rt::bool_lift(#op))
    }

    /// A list in canonical layout, taken over as a `Vec` without copying.
    pub(super) fn lift_canon_list(
        &mut self,
        element: &Type,
        ops: &[TokenStream],
        results: &mut Vec<TokenStream>,
    ) {
        let rt = self.rt();
        let element = self.ty(element);
        let op = &ops[0];
        let len = self.simple("len", &ops[1]);
        let list = self.bind(
            "list",
            // SAFETY: the host wrote `#len` elements at `#op`, in memory it allocated through our
            // `cabi_realloc` (the Rust global allocator) with exactly `#len * size` bytes and the
            // element's alignment, and the list is now ours. The element is plain (`Cx::is_plain`:
            // a number, or a `#[repr(C)]` record of them whose size and alignment are checked at
            // compile time to be its canonical ones), so this is the layout of a `Vec` of capacity
            // `#len`, and every bit pattern is a valid element; an empty list still gets a
            // non-null, aligned pointer from `cabi_realloc`.
            quote!(unsafe { #rt::Vec::from_raw_parts(#op.cast::<#element>(), #len, #len) }),
        );
        results.push(list);
    }

    /// A string, taken over as a `String` without copying.
    pub(super) fn lift_string(&mut self, ops: &[TokenStream], results: &mut Vec<TokenStream>) {
        let rt = self.rt();
        let op = &ops[0];
        let len = self.simple("len", &ops[1]);
        let bytes = quote!(#rt::Vec::from_raw_parts(#op.cast::<u8>(), #len, #len));
        let string = if self.cx.opts.raw_strings {
            // SAFETY: the host wrote `#len` bytes at `#op`, in memory it allocated through our
            // `cabi_realloc` (the Rust global allocator) with exactly `#len` bytes and alignment 1,
            // and the string is now ours: the layout of a `Vec<u8>` of capacity `#len`.
            self.bind("bytes", quote!(unsafe { #bytes }))
        } else {
            // SAFETY: as above for the bytes (`from_raw_parts`); and the canonical ABI only
            // transfers valid UTF-8 as `string` (the host validates it), `string_lift`'s contract
            // (debug builds check it anyway).
            self.bind("string", quote!(unsafe { #rt::string_lift(#bytes) }))
        };
        results.push(string);
    }

    pub(super) fn lift_record(
        &mut self,
        record: &Record,
        ty: TypeId,
        ops: &[TokenStream],
        results: &mut Vec<TokenStream>,
    ) {
        let path = self.type_path(ty);
        let fields = record.fields.iter().map(|f| snake(&f.name));
        let values = ops.iter();
        results.push(quote!(#path { #(#fields: #values),* }));
    }

    pub(super) fn lift_flags(
        &mut self,
        flags: &Flags,
        ty: TypeId,
        op: &TokenStream,
    ) -> TokenStream {
        let path = self.type_path(ty);
        let repr = flags_repr(flags);
        let op = self.narrow(op, &repr.to_string());
        quote!(#path::from_bits_retain(#op))
    }

    pub(super) fn lift_enum(&mut self, enum_: &Enum, ty: TypeId, op: &TokenStream) -> TokenStream {
        let path = self.type_path(ty);
        let repr = int_repr(enum_.tag());
        let op = self.narrow(op, &repr.to_string());
        if self.cx.names.remapped_type(self.cx.resolve, ty).is_none() {
            // SAFETY: `#op` is an enum discriminant the host lowered, which the canonical ABI keeps
            // in range (hosts validate enum values): `_lift`'s contract. Out of range only on a
            // host ABI violation, which `_lift` hands to `invalid_discriminant` (a panic in debug
            // builds).
            return quote!(unsafe { #path::_lift(#op) });
        }
        // A type taken from elsewhere (`with`) has its cases, not `_lift`.
        let rt = self.rt();
        let arms = enum_.cases.iter().enumerate().map(|(i, case)| {
            let i = Literal::usize_unsuffixed(i);
            let case = crate::ident::camel(&case.name);
            quote!(#i => #path::#case)
        });
        quote! {
            match #op {
                #(#arms,)*
                // SAFETY: every case of the enum is matched above, and the host only passes
                // discriminants of the type (the canonical ABI; hosts validate values), so this arm
                // is only reached on a host ABI violation: `invalid_discriminant`'s contract (debug
                // builds panic).
                _ => unsafe { #rt::invalid_discriminant() },
            }
        }
    }

    pub(super) fn lift_variant(
        &mut self,
        variant: &Variant,
        ty: TypeId,
        op: &TokenStream,
        results: &mut Vec<TokenStream>,
    ) {
        let path = self.type_path(ty);
        let blocks = self.pop_blocks(variant.cases.len());
        let arms: Vec<TokenStream> = variant
            .cases
            .iter()
            .zip(blocks)
            .map(|(case, block)| {
                let name = camel(&case.name);
                let Block { body, results, .. } = block;
                match case.ty {
                    Some(_) => quote!({ #body #path::#name(#(#results)*) }),
                    None => quote!({ #body #path::#name }),
                }
            })
            .collect();
        self.lift_match(op, arms, results);
    }

    pub(super) fn lift_option(&mut self, op: &TokenStream, results: &mut Vec<TokenStream>) {
        let mut blocks = self.pop_blocks(2);
        let some = blocks.pop().unwrap_or_else(|| unreachable!("two blocks"));
        let none = blocks.pop().unwrap_or_else(|| unreachable!("two blocks"));
        let (none_body, some_body, some_value) = (none.body, some.body, some.results);
        let arms = vec![
            quote!({ #none_body ::core::option::Option::None }),
            quote!({ #some_body ::core::option::Option::Some(#(#some_value)*) }),
        ];
        self.lift_match(op, arms, results);
    }

    pub(super) fn lift_result(&mut self, op: &TokenStream, results: &mut Vec<TokenStream>) {
        let mut blocks = self.pop_blocks(2);
        let err = blocks.pop().unwrap_or_else(|| unreachable!("two blocks"));
        let ok = blocks.pop().unwrap_or_else(|| unreachable!("two blocks"));
        let value = |values: &[TokenStream]| match values {
            [] => quote!(()),
            values => quote!(#(#values)*),
        };
        let (ok_body, ok_value) = (ok.body, value(&ok.results));
        let (err_body, err_value) = (err.body, value(&err.results));
        let arms = vec![
            quote!({ #ok_body ::core::result::Result::Ok(#ok_value) }),
            quote!({ #err_body ::core::result::Result::Err(#err_value) }),
        ];
        self.lift_match(op, arms, results);
    }

    /// `match discriminant { 0 => arm0, 1 => arm1, .., _ => invalid }`.
    fn lift_match(
        &mut self,
        discriminant: &TokenStream,
        arms: Vec<TokenStream>,
        results: &mut Vec<TokenStream>,
    ) {
        let rt = self.rt();
        let arms = arms.into_iter().enumerate().map(|(i, arm)| {
            let i = Literal::i32_unsuffixed(i as i32);
            quote!(#i => #arm)
        });
        let discriminant = self.unwiden(discriminant);
        let value = self.bind(
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
        );
        results.push(value);
    }

    /// A list of any other element type: each element lifted by the
    /// block's code into a new `Vec`, then the array freed.
    pub(super) fn lift_list(
        &mut self,
        element: &Type,
        ptr: &TokenStream,
        len: &TokenStream,
        results: &mut Vec<TokenStream>,
    ) {
        let rt = self.rt();
        let block = self.pop_block();
        let (size, align) = (self.cx.info.size(element), self.cx.info.align(element));
        let align = Literal::usize_unsuffixed(align);
        let [array, len_var, list] = self.tmps(&["array", "len", "list"]);
        let offset = scaled(&quote!(i), size);
        let bytes = scaled(&quote!(#len_var), size);
        let Block {
            body,
            results: values,
            base,
            ..
        } = block;
        self.push(quote! {
            let #array = #ptr;
            let #len_var = #len;
            let mut #list = #rt::Vec::with_capacity(#len_var);
            for i in 0..#len_var {
                // SAFETY: `i < #len_var`, so element `i` starts inside the host's array of
                // `#len_var` elements of `size` bytes.
                let #base = unsafe { #array.add(#offset) };
                #body
                #list.push(#(#values)*);
            }
            // SAFETY: the host allocated the array through `cabi_realloc` with exactly `#len_var *
            // size` bytes and the element's alignment and handed it to us; every element was lifted
            // out above (taking what it owns), so it is freed once, here.
            unsafe { #rt::cabi_dealloc(#array, #bytes, #align) };
        });
        results.push(quote!(#list));
    }

    pub(super) fn lift_handle(&mut self, handle: &Handle, op: &TokenStream) -> TokenStream {
        let (Handle::Own(resource) | Handle::Borrow(resource)) = handle;
        let resource = dealias(self.cx.resolve, *resource);
        let path = self.type_path(resource);
        let rt = self.rt();
        // Types from elsewhere (`with`) only offer wit-bindgen's methods.
        let value = if self
            .cx
            .names
            .is_remapped(self.cx.resolve, resource, self.scope)
        {
            let op = self.narrow(op, "u32");
            // SAFETY: the handle is now in our table and ours to drop: an `own` handle transferred
            // to us, or a `borrow` lent for this call, which the callee must drop before it returns
            // (the wrapper's drop does) — the `from_handle` contract, for a resource type taken
            // from elsewhere (`with`).
            quote!(unsafe { #path::from_handle(#op) })
        } else {
            let op = self.narrow(op, "u32");
            // SAFETY: as above: an `own` handle transferred to us, or a `borrow` lent for this call
            // that we must drop before returning; nothing else drops it (`Resource::from_handle`).
            quote!(#path { handle: unsafe { #rt::ResourceHandle::from_handle(#op) } })
        };
        match handle {
            Handle::Own(_) => value,
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
                        quote!(unsafe { #path::lift(#rt::rep(#op)) })
                    }
                    None => self.lift_imported_borrow(&path, value),
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
        if self.in_loop() {
            let [arena, ptr] = self.tmps(&["borrows", "ptr"]);
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
