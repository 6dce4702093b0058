//! Exports: `Guest` traits the user implements, exported resources
//! (`X::new(value)`, `XBorrow`, `GuestX`), the canonical-ABI shims with
//! post-return cleanup, and the `export!` macro that emits the
//! `#[export_name]` entry points for a user's type.

use heck::ToSnakeCase;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use wit_bindgen_core::abi::{self, AbiVariant, LiftLower, WasmType};
use wit_bindgen_core::wit_parser::{
    Function, FunctionKind, InterfaceId, Type, TypeDefKind, TypeId, WorldItem, WorldKey,
};

use crate::abi::{extern_import, wasm_type, Callee, FnBindgen};
use crate::context::{Cx, ModulePath};
use crate::error::Error;
use crate::names;
use crate::types::Style;
use crate::world::ModuleTree;

/// An export macro of one interface (or of the world's own functions) and
/// the module it lives in.
struct ExportMacro {
    name: Ident,
    module: ModulePath,
}

impl Cx<'_> {
    /// Everything the world exports, plus the world's `export!` macro.
    pub(crate) fn expand_exports(&self, tree: &mut ModuleTree) -> Result<(), Error> {
        let world = &self.resolve.worlds[self.world];
        let root = ModulePath::root();
        let mut macros = Vec::new();
        let mut world_funcs = Vec::new();
        for (key, item) in &world.exports {
            match item {
                WorldItem::Interface { id, .. } => {
                    let (module, items, macro_name) = self.in_scope(*id, key, true, |module| {
                        let (items, macro_name) = self.expand_exported_interface(*id, key, module);
                        (module.clone(), items, macro_name)
                    });
                    let docs = self.docs(&self.resolve.interfaces[*id].docs);
                    tree.insert(&module, docs, items);
                    if let Some(name) = macro_name {
                        macros.push(ExportMacro { name, module });
                    }
                }
                WorldItem::Function(func) if !self.skipped(func) => world_funcs.push(func),
                WorldItem::Function(_) => {}
                WorldItem::Type { .. } => {}
            }
        }
        if !world_funcs.is_empty() {
            let snake = world.name.to_snake_case();
            let macro_name = format_ident!("__export_world_{}_cabi", snake);
            let methods = world_funcs.iter().map(|f| self.expand_trait_fn(f, &root));
            let mut items = quote! {
                /// The functions this world exports, implemented by the type
                /// given to `export!`.
                pub trait Guest {
                    #(#methods)*
                }
            };
            items.extend(self.expand_export_functions(&world_funcs, None, &root, &macro_name));
            tree.insert(&root, TokenStream::new(), items);
            macros.push(ExportMacro {
                name: macro_name,
                module: root.clone(),
            });
        }
        if !macros.is_empty() {
            let component_type = self.expand_export_component_type()?;
            tree.insert(
                &root,
                TokenStream::new(),
                self.expand_export_macro(&macros, &component_type),
            );
            if self.opts.stubs {
                tree.insert(&root, TokenStream::new(), self.expand_stubs(&world_funcs));
            }
        }
        Ok(())
    }

    /// The world's `export!(MyType)`: forwards to every interface's macro,
    /// and embeds `component_type` in the crate that exports.
    fn expand_export_macro(
        &self,
        macros: &[ExportMacro],
        component_type: &TokenStream,
    ) -> TokenStream {
        let world = &self.resolve.worlds[self.world];
        let impl_name = format_ident!("__export_{}_impl", world.name.to_snake_case());
        let (macro_export, visibility) = self.export_macro_visibility();
        let export_name = names::ident(self.opts.export_macro_name.as_deref().unwrap_or("export"));
        let bindings: TokenStream = match &self.opts.default_bindings_module {
            // Validated when the context is created.
            Some(path) => syn::parse_str::<syn::Path>(path)
                .map(|p| quote!(#p))
                .unwrap_or_else(|_| quote!(self)),
            None => quote!(self),
        };
        let calls = macros.iter().map(|m| {
            let name = &m.name;
            let segments = &m.module.0;
            quote!($($path_to_types_root)*#(::#segments)*::#name!($ty with_types_in $($path_to_types_root)*#(::#segments)*);)
        });
        quote! {
            /// Exports the world's interfaces, implemented by `$ty`:
            /// `export!(MyComponent);` where `MyComponent` implements every
            /// exported `Guest` trait.
            #[allow(unused_macros)]
            #[doc(hidden)]
            #macro_export
            macro_rules! #impl_name {
                ($ty:ident) => (#bindings::#export_name!($ty with_types_in #bindings););
                ($ty:ident with_types_in $($path_to_types_root:tt)*) => (
                    #(#calls)*
                    #component_type
                );
            }
            #[doc(inline)]
            #[allow(unused_imports)]
            #visibility use #impl_name as #export_name;
        }
    }

    /// Types, resources, traits and shims of one exported interface; the
    /// name of its export macro, if it exports anything callable.
    fn expand_exported_interface(
        &self,
        id: InterfaceId,
        key: &WorldKey,
        module: &ModulePath,
    ) -> (TokenStream, Option<Ident>) {
        let iface = &self.resolve.interfaces[id];
        let wasm_module = self.resolve.name_world_key(key);
        let mut items = TokenStream::new();
        let resources: Vec<TypeId> = iface
            .types
            .values()
            .copied()
            .filter(|ty| matches!(self.resolve.types[*ty].kind, TypeDefKind::Resource))
            .collect();
        for ty in iface.types.values() {
            if resources.contains(ty) {
                items.extend(self.expand_exported_resource(*ty, &wasm_module));
            } else {
                items.extend(self.expand_typedef(*ty, module));
            }
        }
        let funcs: Vec<&Function> = iface
            .functions
            .values()
            .filter(|f| !self.skipped(f))
            .collect();
        if funcs.is_empty() && resources.is_empty() {
            return (items, None);
        }
        // Resource traits and the interface's `Guest` trait.
        let resource_types = resources.iter().map(|r| {
            let name = self.resource_ident(*r);
            let guest = self.guest_trait(*r);
            quote!(type #name: #guest;)
        });
        let free: Vec<TokenStream> = funcs
            .iter()
            .filter(|f| f.kind.resource().is_none())
            .map(|f| self.expand_trait_fn(f, module))
            .collect();
        let docs = self.docs(&iface.docs);
        items.extend(quote! {
            #docs
            pub trait Guest {
                #(#resource_types)*
                #(#free)*
            }
        });
        for resource in &resources {
            let guest = self.guest_trait(*resource);
            let methods = funcs
                .iter()
                .filter(|f| f.kind.resource() == Some(*resource))
                .map(|f| self.expand_trait_fn(f, module));
            items.extend(quote! {
                pub trait #guest: 'static {
                    #(#methods)*
                }
            });
        }
        let macro_name = format_ident!(
            "__export_{}_cabi",
            wasm_module
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect::<String>()
                .to_snake_case()
        );
        items.extend(self.expand_export_functions(
            &funcs,
            Some((key, &resources)),
            module,
            &macro_name,
        ));
        (items, Some(macro_name))
    }

    /// `#[macro_export]` and `pub` for public export macros
    /// (`pub_export_macro`), else nothing and `pub(crate)`.
    fn export_macro_visibility(&self) -> (TokenStream, TokenStream) {
        if self.opts.pub_export_macro {
            (quote!(#[macro_export]), quote!(pub))
        } else {
            (TokenStream::new(), quote!(pub(crate)))
        }
    }

    /// The trait method a user implements for `func`.
    fn expand_trait_fn(&self, func: &Function, module: &ModulePath) -> TokenStream {
        let signature = self.trait_fn_signature(func, module, false);
        let docs = self.docs(&func.docs);
        quote! {
            #docs
            #signature;
        }
    }

    /// `fn name(params) -> ret` of a trait method; `stub` prefixes the
    /// parameters with `_`, for bodies that ignore them.
    fn trait_fn_signature(&self, func: &Function, module: &ModulePath, stub: bool) -> TokenStream {
        let name = self.func_name(func);
        let mut params = Vec::new();
        for (i, param) in func.params.iter().enumerate() {
            if i == 0 && crate::imports::takes_self(func) {
                params.push(quote!(&self));
                continue;
            }
            let ident = names::snake(&param.name);
            let ident = if stub {
                format_ident!("_{}", ident.to_string().trim_start_matches("r#"))
            } else {
                ident
            };
            let ty = self.ty(&param.ty, Style::Owned, module);
            params.push(quote!(#ident: #ty));
        }
        let ret = match (&func.kind, &func.result) {
            (FunctionKind::Constructor(_), Some(result)) => match self.constructor_error(result) {
                Some(err) => {
                    let err = err
                        .map(|e| self.ty(&e, Style::Owned, module))
                        .unwrap_or_else(|| quote!(()));
                    quote!(-> ::core::result::Result<Self, #err> where Self: Sized)
                }
                None => quote!(-> Self where Self: Sized),
            },
            (_, Some(result)) => {
                let ty = self.ty(result, Style::Owned, module);
                quote!(-> #ty)
            }
            (_, None) => TokenStream::new(),
        };
        let allow = self.fn_lint_allows(func, &name, params.len(), false);
        quote! {
            #allow
            fn #name(#(#params),*) #ret
        }
    }

    /// `Stub`, implementing every export with functions that panic, and
    /// exported with `export!` (the `stubs` option): a starting point that
    /// builds.
    fn expand_stubs(&self, world_funcs: &[&Function]) -> TokenStream {
        let world = &self.resolve.worlds[self.world];
        let root = ModulePath::root();
        let stub_fn = |func: &Function, module: &ModulePath| {
            let signature = self.trait_fn_signature(func, module, true);
            // Say which export the guest still has to implement.
            let message = format!("`{}` is a generated stub: implement it", func.name);
            quote!(#signature { ::core::panic!(#message) })
        };
        let mut impls = TokenStream::new();
        if !world_funcs.is_empty() {
            let fns = world_funcs.iter().map(|f| stub_fn(f, &root));
            impls.extend(quote!(impl Guest for Stub { #(#fns)* }));
        }
        for (key, item) in &world.exports {
            let WorldItem::Interface { id, .. } = item else {
                continue;
            };
            let iface = &self.resolve.interfaces[*id];
            if iface.functions.is_empty()
                && !iface
                    .types
                    .values()
                    .any(|t| matches!(self.resolve.types[*t].kind, TypeDefKind::Resource))
            {
                continue;
            }
            impls.extend(self.in_scope(*id, key, true, |module| {
                let segments = &module.0;
                let resources: Vec<TypeId> = iface
                    .types
                    .values()
                    .copied()
                    .filter(|t| matches!(self.resolve.types[*t].kind, TypeDefKind::Resource))
                    .collect();
                let types = resources.iter().map(|r| {
                    let name = self.resource_ident(*r);
                    quote!(type #name = Stub;)
                });
                let fns = iface
                    .functions
                    .values()
                    .filter(|f| !self.skipped(f) && f.kind.resource().is_none())
                    .map(|f| stub_fn(f, &root));
                let mut out = quote!(impl #(#segments::)* Guest for Stub { #(#types)* #(#fns)* });
                for r in &resources {
                    let guest = self.guest_trait(*r);
                    let fns = iface
                        .functions
                        .values()
                        .filter(|f| !self.skipped(f) && f.kind.resource() == Some(*r))
                        .map(|f| stub_fn(f, &root));
                    out.extend(quote!(impl #(#segments::)* #guest for Stub { #(#fns)* }));
                }
                out
            }));
        }
        let export_name = names::ident(self.opts.export_macro_name.as_deref().unwrap_or("export"));
        quote! {
            /// Implements every export with functions that panic (`stubs`).
            #[derive(Debug)]
            pub struct Stub;
            #impls
            #export_name!(Stub with_types_in self);
        }
    }

    /// `Some(err)` when a constructor returns `result<own<r>, err>`.
    fn constructor_error(&self, result: &Type) -> Option<Option<Type>> {
        match result {
            Type::Id(id) => match &self.resolve.types[*id].kind {
                TypeDefKind::Result(r) => Some(r.err),
                _ => None,
            },
            _ => None,
        }
    }

    fn resource_ident(&self, id: TypeId) -> Ident {
        names::camel(self.resource_wit_name(id))
    }

    fn resource_wit_name(&self, id: TypeId) -> &str {
        self.resolve.types[id].name.as_deref().unwrap_or_default()
    }

    fn guest_trait(&self, id: TypeId) -> Ident {
        names::guest_trait(self.resource_wit_name(id))
    }

    /// The `_export_*_cabi` shims (and post-return functions) in `module`,
    /// and the macro `macro_name` that exports them for a user's type.
    fn expand_export_functions(
        &self,
        funcs: &[&Function],
        interface: Option<(&WorldKey, &[TypeId])>,
        module: &ModulePath,
        macro_name: &Ident,
    ) -> TokenStream {
        let mut items = TokenStream::new();
        let mut entry_points = Vec::new();
        let wasm_module = interface.map(|(key, _)| self.resolve.name_world_key(key));
        let (macro_export, visibility) = self.export_macro_visibility();
        for func in funcs {
            let snake = cabi_snake(&func.name);
            let cabi = format_ident!("_export_{}_cabi", snake);
            let post = format_ident!("__post_return_{}", snake);
            let trait_path = match func.kind.resource() {
                Some(resource) => {
                    let guest = self.guest_trait(resource);
                    quote!(#guest)
                }
                None => quote!(Guest),
            };
            items.extend(self.expand_export_shim(func, module, &cabi, &trait_path));
            let needs_post_return = abi::guest_export_needs_post_return(self.resolve, func);
            if needs_post_return {
                items.extend(self.expand_post_return(func, module, &post, &trait_path));
            }
            // The entry points, emitted by the macro for the user's type.
            let ty = match func.kind.resource() {
                Some(resource) => {
                    let name = self.resource_ident(resource);
                    quote!(<$ty as $($path_to_types)*::Guest>::#name)
                }
                None => quote!($ty),
            };
            let export_name = func
                .legacy_core_export_name(wasm_module.as_deref())
                .into_owned();
            let sig = self.resolve.wasm_signature(AbiVariant::GuestExport, func);
            let (params, args) = core_params(&sig.params);
            let result = sig.results.first().map(|t| {
                let t = wasm_type(*t);
                quote!(-> #t)
            });
            let entry = format_ident!("export_{}", snake);
            entry_points.push(quote! {
                #[unsafe(export_name = #export_name)]
                unsafe extern "C" fn #entry(#(#params),*) #result {
                    unsafe { $($path_to_types)*::#cabi::<#ty>(#(#args),*) }
                }
            });
            if needs_post_return {
                let post_name = format!("cabi_post_{export_name}");
                let (params, args) = core_params(&sig.results);
                let entry = format_ident!("post_return_{}", snake);
                entry_points.push(quote! {
                    #[unsafe(export_name = #post_name)]
                    unsafe extern "C" fn #entry(#(#params),*) {
                        unsafe { $($path_to_types)*::#post::<#ty>(#(#args),*) }
                    }
                });
            }
        }
        if let Some((key, resources)) = interface {
            let module_name = self.resolve.name_world_key(key);
            for resource in resources {
                let wit_name = self.resolve.types[*resource]
                    .name
                    .as_deref()
                    .unwrap_or_default();
                let name = self.resource_ident(*resource);
                let export_name = format!("{module_name}#[dtor]{wit_name}");
                let entry = format_ident!("dtor_{}", wit_name.to_snake_case());
                entry_points.push(quote! {
                    #[unsafe(export_name = #export_name)]
                    unsafe extern "C" fn #entry(rep: *mut u8) {
                        unsafe {
                            $($path_to_types)*::#name::dtor::<<$ty as $($path_to_types)*::Guest>::#name>(rep)
                        }
                    }
                });
            }
        }
        items.extend(quote! {
            #[doc(hidden)]
            #[allow(unused_macros)]
            #macro_export
            macro_rules! #macro_name {
                ($ty:ident with_types_in $($path_to_types:tt)*) => (const _: () = {
                    #(#entry_points)*
                };);
            }
            #[doc(hidden)]
            #[allow(unused_imports)]
            #visibility use #macro_name;
        });
        items
    }

    /// `_export_f_cabi::<__T>`: lifts the arguments, calls the user's
    /// implementation, lowers the result. (The generic parameter's name
    /// cannot be a WIT type's, which would shadow it in the body.)
    fn expand_export_shim(
        &self,
        func: &Function,
        module: &ModulePath,
        cabi: &Ident,
        trait_path: &TokenStream,
    ) -> TokenStream {
        let sig = self.resolve.wasm_signature(AbiVariant::GuestExport, func);
        let (params, args) = core_params(&sig.params);
        let result = sig.results.first().map(|t| {
            let t = wasm_type(*t);
            quote!(-> #t)
        });
        let name = self.func_name(func);
        let constructor = match func.kind {
            FunctionKind::Constructor(resource) => {
                let fallible = func
                    .result
                    .as_ref()
                    .and_then(|r| self.constructor_error(r))
                    .is_some();
                let path = self.type_path(resource, module);
                Some((path, fallible))
            }
            _ => None,
        };
        let callee = Callee::Export {
            call: quote!(__T::#name),
            method: crate::imports::takes_self(func),
            constructor,
        };
        let mut bindgen = FnBindgen::new(self, module, callee, args);
        bindgen.static_ret_area = true;
        abi::call(
            self.resolve,
            AbiVariant::GuestExport,
            LiftLower::LiftArgsLowerResults,
            func,
            &mut bindgen,
            false,
        );
        let value = bindgen.ret.clone();
        let body = bindgen.into_body();
        let rt = &self.rt;
        quote! {
            #[doc(hidden)]
            #[allow(non_snake_case, unused_unsafe, clippy::all)]
            pub unsafe fn #cabi<__T: #trait_path>(#(#params),*) #result {
                unsafe {
                    #[cfg(target_arch = "wasm32")]
                    #rt::run_ctors_once();
                    #body
                    #(#value)*
                }
            }
        }
    }

    /// `__post_return_f::<__T>`: frees what the shim handed to the host.
    fn expand_post_return(
        &self,
        func: &Function,
        module: &ModulePath,
        post: &Ident,
        trait_path: &TokenStream,
    ) -> TokenStream {
        let sig = self.resolve.wasm_signature(AbiVariant::GuestExport, func);
        let (params, args) = core_params(&sig.results);
        let mut bindgen = FnBindgen::new(self, module, Callee::PostReturn, args);
        abi::post_return(self.resolve, func, &mut bindgen);
        let body = bindgen.into_body();
        quote! {
            #[doc(hidden)]
            #[allow(non_snake_case, unused_unsafe, clippy::all)]
            pub unsafe fn #post<__T: #trait_path>(#(#params),*) {
                unsafe { #body }
            }
        }
    }

    /// An exported resource: a handle type the guest creates with
    /// `X::new(value)`, its borrow `XBorrow<'_>`, and their plumbing.
    fn expand_exported_resource(&self, id: TypeId, wasm_module: &str) -> TokenStream {
        let def = &self.resolve.types[id];
        let wit_name = def.name.as_deref().unwrap_or_default();
        let name = self.resource_ident(id);
        let borrow = names::resource_borrow(wit_name);
        let guest = self.guest_trait(id);
        let rt = &self.rt;
        let borrow_doc = format!(" A borrow of a [`{name}`], lent to the guest for one call.");
        let export_module = format!("[export]{wasm_module}");
        let new = extern_import(
            &export_module,
            &format!("[resource-new]{wit_name}"),
            &[WasmType::Pointer],
            &[WasmType::I32],
        );
        let rep = extern_import(
            &export_module,
            &format!("[resource-rep]{wit_name}"),
            &[WasmType::I32],
            &[WasmType::Pointer],
        );
        let handle_type = self.expand_handle_type(id, &export_module);
        let handle_helpers = self.expand_handle_helpers(id);
        quote! {
            #handle_type

            impl #name {
                /// Creates a resource owning `value`; the host sees a new handle.
                pub fn new<T: #guest>(value: T) -> Self {
                    Self::type_guard::<T>();
                    let rep = #rt::rep_new(value);
                    #new
                    unsafe {
                        Self {
                            handle: #rt::Resource::from_handle(_wit_import(rep) as u32),
                        }
                    }
                }

                /// The value behind this handle.
                pub fn get<T: #guest>(&self) -> &T {
                    unsafe { #rt::rep_ref(self.rep::<T>()) }
                }

                /// The value behind this handle, mutably.
                pub fn get_mut<T: #guest>(&mut self) -> &mut T {
                    unsafe { #rt::rep_mut(self.rep::<T>()) }
                }

                /// Moves the value out; the handle is dropped.
                pub fn into_inner<T: #guest>(self) -> T {
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
                    unsafe { #rt::rep_drop::<T>(rep) }
                }

                fn rep<T: #guest>(&self) -> *mut u8 {
                    Self::type_guard::<T>();
                    #rep
                    unsafe { _wit_import(#rt::Resource::handle(&self.handle) as i32) }
                }

                fn type_guard<T: 'static>() {
                    static GUARD: #rt::TypeGuard = #rt::TypeGuard::new();
                    GUARD.check::<T>();
                }
            }

            #[doc = #borrow_doc]
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
                    unsafe { #rt::rep_ref(self.rep) }
                }
            }
        }
    }
}

/// `arg0: i32, ...` and the matching argument list.
fn core_params(types: &[WasmType]) -> (Vec<TokenStream>, Vec<TokenStream>) {
    types
        .iter()
        .enumerate()
        .map(|(i, ty)| {
            let name = format_ident!("arg{}", i);
            let ty = wasm_type(*ty);
            (quote!(#name: #ty), quote!(#name))
        })
        .unzip()
}

/// A function's WIT name (`[method]r.f`) as a Rust identifier fragment.
fn cabi_snake(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .to_snake_case()
}
