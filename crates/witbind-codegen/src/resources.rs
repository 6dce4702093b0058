//! Resources, imported and exported. Both are a struct owning a handle
//! (dropping it drops the handle) with wit-bindgen's raw-handle API. An
//! imported resource's constructor, methods and statics are added to its
//! `impl` by `imports.rs`; an exported resource gets `X::new(value)`,
//! `get`, `get_mut`, `into_inner`, a borrow type `XBorrow<'_>`, and the
//! destructor the host calls (its trait, `GuestX`, is in `exports.rs`).

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use wit_bindgen_core::abi::WasmType;
use wit_bindgen_core::wit_parser::{Function, TypeId, WorldItem};

use crate::abi::extern_import;
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
/// `[resource-drop]`, and the raw-handle helpers.
fn expand_imported_resource(cx: &Cx, id: TypeId, scope: Scope) -> TokenStream {
    let name = cx.names.type_ident(scope, id);
    let handle_type = expand_handle_type(cx, id, scope, cx.names.wasm_module(scope));
    let helpers = expand_handle_helpers(cx, id, scope);
    quote! {
        #handle_type
        impl #name {
            #helpers
        }
    }
}

/// The handle type of resource `id` with its `WasmResource` drop through
/// `[resource-drop]` in `wasm_module`.
fn expand_handle_type(cx: &Cx, id: TypeId, scope: Scope, wasm_module: &str) -> TokenStream {
    let def = &cx.resolve.types[id];
    let wit_name = def.name.as_deref().unwrap_or_default();
    let name = cx.names.type_ident(scope, id);
    let docs = docs(&def.docs);
    let rt = &cx.rt;
    let drop = extern_import(
        rt,
        wasm_module,
        &format!("[resource-drop]{wit_name}"),
        &[WasmType::I32],
        &[],
    );
    quote! {
        #docs
        #[derive(Debug)]
        #[repr(transparent)]
        pub struct #name {
            // Generated code reaches the handle through this field, never
            // through methods, which WIT methods of the same name could shadow.
            pub(crate) handle: #rt::ResourceHandle<#name>,
        }

        impl #rt::WasmResource for #name {
            // SAFETY: contract: `WasmResource::drop`'s, `handle` is an owned handle of this
            // resource type (or a borrow handle lent to us, which we must drop).
            unsafe fn drop(handle: u32) {
                #drop
                // SAFETY: `_wit_import` is this resource's `[resource-drop]`, declared just above
                // with its core signature; by this function's contract `handle` is a handle of this
                // type in our table that is ours to drop, dropped once (`Resource` drops it only if
                // not taken).
                unsafe { _wit_import(handle as i32) }
            }
        }
    }
}

/// `from_handle`, `take_handle` and `handle` (wit-bindgen's raw-handle
/// API), each unless a WIT function of the resource has that name.
fn expand_handle_helpers(cx: &Cx, id: TypeId, scope: Scope) -> TokenStream {
    let rt = &cx.rt;
    let taken: Vec<String> = resource_functions(cx, id, scope)
        .map(|f| cx.names.function(scope, f).to_string())
        .collect();
    let free = |helper: &str| !taken.iter().any(|name| name == helper);
    let from_handle = free("from_handle").then(|| {
        quote! {
            /// Takes ownership of a raw handle.
            ///
            /// # Safety
            /// `handle` must be an owned handle of this resource type that
            /// nothing else drops.
            #[doc(hidden)]
            pub unsafe fn from_handle(handle: u32) -> Self {
                Self {
                    // SAFETY: this function's contract is `Resource::from_handle`'s: an owned
                    // handle of this resource type that nothing else drops.
                    handle: unsafe { #rt::ResourceHandle::from_handle(handle) },
                }
            }
        }
    });
    let take_handle = free("take_handle").then(|| {
        quote! {
            /// Moves ownership of the raw handle out of this value.
            #[doc(hidden)]
            pub fn take_handle(&self) -> u32 {
                #rt::ResourceHandle::take_handle(&self.handle)
            }
        }
    });
    let handle = free("handle").then(|| {
        quote! {
            /// The raw handle, still owned by this value.
            #[doc(hidden)]
            pub fn handle(&self) -> u32 {
                #rt::ResourceHandle::handle(&self.handle)
            }
        }
    });
    quote!(#from_handle #take_handle #handle)
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
/// `X::new(value)`, its borrow `XBorrow<'_>`, and their plumbing.
fn expand_exported_resource(cx: &Cx, id: TypeId, scope: Scope) -> TokenStream {
    let Scope::Module(module) = scope else {
        unreachable!("exported resources belong to export modules")
    };
    let def = &cx.resolve.types[id];
    let wit_name = def.name.as_deref().unwrap_or_default();
    let name = cx.names.type_ident(scope, id);
    let names = cx.names.resource(module, id);
    let (borrow, guest) = (&names.borrow, &names.guest_trait);
    let rt = &cx.rt;
    let borrow_doc = format!(" A borrow of a [`{name}`], lent to the guest for one call.");
    let export_module = format!("[export]{}", cx.names.module(module).wasm_name);
    let new = extern_import(
        rt,
        &export_module,
        &format!("[resource-new]{wit_name}"),
        &[WasmType::Pointer],
        &[WasmType::I32],
    );
    let rep = extern_import(
        rt,
        &export_module,
        &format!("[resource-rep]{wit_name}"),
        &[WasmType::I32],
        &[WasmType::Pointer],
    );
    let handle_type = expand_handle_type(cx, id, scope, &export_module);
    let handle_helpers = expand_handle_helpers(cx, id, scope);
    let borrow_type = expand_borrow_type(cx, name, borrow, guest, &borrow_doc);
    quote! {
        #handle_type

        impl #name {
            /// Creates a resource owning `value`; the host sees a new handle.
            pub fn new<T: #guest>(value: T) -> Self {
                Self::type_guard::<T>();
                // SAFETY: `resource_into_raw_` asks nothing of its caller (its contract binds
                // implementations: the pointer stays valid until `resource_from_raw_`); the value
                // moves in and the pointer becomes the resource's representation below.
                let rep = unsafe { T::resource_into_raw_(::core::option::Option::Some(value)) };
                #new
                // SAFETY: `_wit_import` is this resource's `[resource-new]`, declared just above
                // with its core signature; it takes the representation (kept until the destructor,
                // which `resource_from_raw_` frees) and returns a new `own` handle, which nothing
                // else drops: `Resource::from_handle`'s contract.
                unsafe {
                    Self {
                        handle: #rt::ResourceHandle::from_handle(_wit_import(rep.cast()) as u32),
                    }
                }
            }

            /// The value behind this handle.
            pub fn get<T: #guest>(&self) -> &T {
                // SAFETY: `self.rep::<T>()` is the representation of the handle `self` owns, made
                // by `resource_into_raw_` for `T` (the type guard panics for any other type) and
                // live while the handle is; `&self` keeps `get_mut` and `into_inner` away
                // meanwhile. (A borrow the host lends back to an export during an async call of
                // ours could alias it with `mutable_resources`; synchronous calls are not
                // re-entered.)
                unsafe { #rt::rep_ref(self.rep::<T>()) }
            }

            /// The value behind this handle, mutably.
            pub fn get_mut<T: #guest>(&mut self) -> &mut T {
                // SAFETY: as for `get`; and no other reference to the value can exist: those made
                // through this handle are excluded by `&mut self`, and a borrow the host lends to
                // one of our exports needs the host to hold a handle to it, which it only does
                // while we lend it this one, which `&mut self` excludes too.
                unsafe { #rt::rep_mut(self.rep::<T>()) }
            }

            /// Moves the value out; the handle is dropped.
            pub fn into_inner<T: #guest>(self) -> T {
                // SAFETY: as for `get_mut`, with `self` consumed: the value moves out and the slot,
                // now `None`, stays until the host runs the destructor.
                unsafe { #rt::rep_take(self.rep::<T>()) }
            }

            #handle_helpers

            /// Runs when the host drops the last handle.
            ///
            /// # Safety
            /// `rep` must be this resource's representation, created
            /// with `T`.
            #[doc(hidden)]
            pub unsafe fn dtor<T: #guest>(rep: *mut u8) {
                Self::type_guard::<T>();
                // SAFETY: by this function's contract `rep` is this resource's representation, made
                // by `resource_into_raw_` with `T` (checked by the type guard above); the host runs
                // the destructor once, after the last handle is gone: `resource_from_raw_`'s
                // contract.
                drop(unsafe { T::resource_from_raw_(rep.cast()) });
            }

            fn rep<T: #guest>(&self) -> *mut u8 {
                Self::type_guard::<T>();
                #rep
                // SAFETY: `_wit_import` is this resource's `[resource-rep]`, declared just above
                // with its core signature; it only reads the handle table (a handle moved out with
                // `take_handle` makes the host trap).
                unsafe { _wit_import(#rt::ResourceHandle::handle(&self.handle) as i32) }
            }

            fn type_guard<T: 'static>() {
                static GUARD: #rt::TypeGuard = #rt::TypeGuard::new();
                GUARD.check::<T>();
            }
        }

        #borrow_type
    }
}

/// `XBorrow<'a>`: the representation of an exported resource lent to the
/// guest for one call.
fn expand_borrow_type(
    cx: &Cx,
    name: &Ident,
    borrow: &Ident,
    guest: &Ident,
    doc: &str,
) -> TokenStream {
    let rt = &cx.rt;
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        #[repr(transparent)]
        pub struct #borrow<'a> {
            rep: *mut u8,
            _marker: ::core::marker::PhantomData<&'a #name>,
        }

        impl<'a> #borrow<'a> {
            /// Wraps a representation received from the host.
            ///
            /// # Safety
            /// `rep` must be a live representation of this resource.
            #[doc(hidden)]
            pub unsafe fn lift(rep: *const u8) -> Self {
                Self {
                    rep: rep.cast_mut(),
                    _marker: ::core::marker::PhantomData,
                }
            }

            /// The value behind this borrow.
            pub fn get<T: #guest>(&self) -> &'a T {
                #name::type_guard::<T>();
                // SAFETY: `self.rep` is a live representation of this resource (`lift`'s contract),
                // which the host keeps alive while it lends it, past `'a`; `T` is the type it was
                // made with (the type guard above panics otherwise).
                unsafe { #rt::rep_ref(self.rep) }
            }

            /// The value behind this borrow, mutably: the `&mut self` of a
            /// method with `mutable_resources`.
            ///
            /// # Safety
            /// Nothing else may use the value while the reference lives
            /// (true for the duration of a synchronous export call).
            #[doc(hidden)]
            pub unsafe fn get_mut<T: #guest>(&self) -> &'a mut T {
                #name::type_guard::<T>();
                // SAFETY: the representation is live and of `T` (as for `get`), and this function's
                // contract gives the reference exclusive use of the value: `rep_mut`'s contract.
                unsafe { #rt::rep_mut(self.rep) }
            }
        }
    }
}
