//! Lifting: core wasm values and guest memory → Rust values.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use wit_bindgen_core::abi::Instruction;
use wit_bindgen_core::wit_parser::{Handle, Type};

use super::{Block, FnBindgen};
use crate::names;
use crate::types::int_repr;

impl FnBindgen<'_, '_> {
    /// Emits `inst` if it is a lifting instruction; returns whether it was.
    pub(super) fn emit_lift(
        &mut self,
        inst: &Instruction<'_>,
        operands: &mut [TokenStream],
        results: &mut Vec<TokenStream>,
    ) -> bool {
        let rt = self.rt().clone();
        let op = operands.first().cloned().unwrap_or_default();
        match inst {
            Instruction::S8FromI32 => results.push(quote!(#op as i8)),
            Instruction::U8FromI32 => results.push(quote!(#op as u8)),
            Instruction::S16FromI32 => results.push(quote!(#op as i16)),
            Instruction::U16FromI32 => results.push(quote!(#op as u16)),
            Instruction::S32FromI32
            | Instruction::S64FromI64
            | Instruction::F32FromCoreF32
            | Instruction::F64FromCoreF64 => results.push(op),
            Instruction::U32FromI32 => results.push(quote!(#op as u32)),
            Instruction::U64FromI64 => results.push(quote!(#op as u64)),
            Instruction::CharFromI32 => results.push(quote!(#rt::char_lift(#op as u32))),
            Instruction::BoolFromI32 => results.push(quote!(#rt::bool_lift(#op as u8))),
            Instruction::ListCanonLift { element, .. } => {
                let element = self.ty(element);
                let len = self.simple("len", &operands[1]);
                let list = self.bind(
                    "list",
                    quote!(#rt::Vec::from_raw_parts(#op.cast::<#element>(), #len, #len)),
                );
                results.push(list);
            }
            Instruction::StringLift => {
                let len = self.simple("len", &operands[1]);
                let bytes = quote!(#rt::Vec::from_raw_parts(#op.cast::<u8>(), #len, #len));
                let string = self.bind("string", quote!(#rt::string_lift(#bytes)));
                results.push(string);
            }
            Instruction::ListLift { element, .. } => {
                self.lift_list(element, &op, &operands[1], results)
            }
            Instruction::RecordLift { record, ty, .. } => {
                let path = self.cx.type_path(*ty, self.module);
                let fields = record.fields.iter().map(|f| names::snake(&f.name));
                let values = operands.iter();
                results.push(quote!(#path { #(#fields: #values),* }));
            }
            Instruction::TupleLift { .. } => {
                let values = operands.iter();
                results.push(quote!((#(#values,)*)));
            }
            Instruction::FlagsLift { flags, ty, .. } => {
                let path = self.cx.type_path(*ty, self.module);
                let repr = match flags.flags.len() {
                    0..=8 => quote!(u8),
                    9..=16 => quote!(u16),
                    _ => quote!(u32),
                };
                results.push(quote!(#path::from_bits_retain(#op as #repr)));
            }
            Instruction::HandleLift { handle, .. } => {
                let lifted = self.lift_handle(handle, &op);
                results.push(lifted);
            }
            Instruction::EnumLift { enum_, ty, .. } => {
                let path = self.cx.type_path(*ty, self.module);
                let repr = int_repr(enum_.tag());
                results.push(quote!(#path::_lift(#op as #repr)));
            }
            Instruction::VariantLift { variant, ty, .. } => {
                let path = self.cx.type_path(*ty, self.module);
                let blocks = self.pop_blocks(variant.cases.len());
                let arms: Vec<TokenStream> = variant
                    .cases
                    .iter()
                    .zip(blocks)
                    .map(|(case, block)| {
                        let name = names::camel(&case.name);
                        let Block { body, results, .. } = block;
                        match case.ty {
                            Some(_) => quote!({ #body #path::#name(#(#results)*) }),
                            None => quote!({ #body #path::#name }),
                        }
                    })
                    .collect();
                self.lift_match(&op, arms, results);
            }
            Instruction::OptionLift { .. } => {
                let mut blocks = self.pop_blocks(2);
                let some = blocks.pop().expect("two blocks");
                let none = blocks.pop().expect("two blocks");
                let (none_body, some_body, some_value) = (none.body, some.body, some.results);
                let arms = vec![
                    quote!({ #none_body ::core::option::Option::None }),
                    quote!({ #some_body ::core::option::Option::Some(#(#some_value)*) }),
                ];
                self.lift_match(&op, arms, results);
            }
            Instruction::ResultLift { .. } => {
                let mut blocks = self.pop_blocks(2);
                let err = blocks.pop().expect("two blocks");
                let ok = blocks.pop().expect("two blocks");
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
                self.lift_match(&op, arms, results);
            }
            _ => return false,
        }
        true
    }

    /// `match discriminant { 0 => arm0, 1 => arm1, .., _ => invalid }`.
    fn lift_match(
        &mut self,
        discriminant: &TokenStream,
        arms: Vec<TokenStream>,
        results: &mut Vec<TokenStream>,
    ) {
        let rt = self.rt().clone();
        let arms = arms.into_iter().enumerate().map(|(i, arm)| {
            let i = Literal::i32_unsuffixed(i as i32);
            quote!(#i => #arm)
        });
        let value = self.bind(
            "v",
            quote! {
                match #discriminant {
                    #(#arms)*
                    _ => #rt::invalid_discriminant(),
                }
            },
        );
        results.push(value);
    }

    fn lift_list(
        &mut self,
        element: &Type,
        ptr: &TokenStream,
        len: &TokenStream,
        results: &mut Vec<TokenStream>,
    ) {
        let rt = self.rt().clone();
        let block = self.pop_blocks(1).remove(0);
        let (size, align) = (self.size(element), self.align(element));
        let align = Literal::usize_unsuffixed(align);
        let [array, len_var, list] = self.tmps(&["array", "len", "list"]);
        let offset = super::scaled(&quote!(i), size);
        let bytes = super::scaled(&quote!(#len_var), size);
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
                let #base = #array.add(#offset);
                #body
                #list.push(#(#values)*);
            }
            #rt::cabi_dealloc(#array, #bytes, #align);
        });
        results.push(quote!(#list));
    }

    fn lift_handle(&mut self, handle: &Handle, op: &TokenStream) -> TokenStream {
        let (Handle::Own(resource) | Handle::Borrow(resource)) = handle;
        let resource = self.cx.resource_of(*resource);
        let path = self.cx.type_path(resource, self.module);
        let rt = self.rt().clone();
        // Types from elsewhere (`with`) only offer wit-bindgen's methods.
        let value = if self.cx.is_remapped_type(resource) {
            quote!(#path::from_handle(#op as u32))
        } else {
            quote!(#path { handle: #rt::Resource::from_handle(#op as u32) })
        };
        match handle {
            Handle::Own(_) => value,
            Handle::Borrow(_) if self.cx.is_exported_resource(resource) => {
                let def = &self.cx.resolve.types[resource];
                let borrow = names::resource_borrow(def.name.as_deref().unwrap_or_default());
                let module = self.cx.module_of_type(resource);
                let path = self.module.path_to(&module, &borrow);
                quote!(#path::lift(::core::ptr::with_exposed_provenance(#op as u32 as usize)))
            }
            Handle::Borrow(_) => self.lift_imported_borrow(&path, value),
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
        let rt = self.rt().clone();
        if self.in_loop() {
            let [arena, boxed, ptr] = self.tmps(&["borrows", "box", "ptr"]);
            self.declare(quote!(let mut #arena = #rt::Vec::<#rt::Box<#path>>::new();));
            self.push(quote! {
                let #boxed = #rt::Box::new(#value);
                let #ptr: *const #path = &*#boxed;
                #arena.push(#boxed);
            });
            quote!(&*#ptr)
        } else {
            let slot = self.tmp("handle");
            self.declare(quote!(let #slot: #path;));
            self.push(quote!(#slot = #value;));
            quote!(&#slot)
        }
    }
}
