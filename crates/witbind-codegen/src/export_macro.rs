//! The export macros. Each exported interface (and the world's own
//! functions) gets a hidden macro that defines the `#[export_name]` entry
//! points for a user's type, calling the shims of `exports.rs`; the
//! world's `export!` calls them all. With `stubs`, a `Stub` type
//! implementing every export, exported. The entry points exist on wasm32
//! (and under Miri, whose tests call them): natively a test calls the
//! `Guest` impls directly, and core export names (`ns:pkg/iface#f`, or a
//! world-level `free`) are no symbols a native library can have.

use proc_macro2::TokenStream;
use quote::quote;
use wit_bindgen_core::abi::AbiVariant;
use wit_bindgen_core::wit_parser::{
    Function, LiftLowerAbi, ManglingAndAbi, TypeId, WasmExport, WasmExportKind,
};

use crate::abi::{core_params, wasm_type};
use crate::context::Cx;
use crate::names::{dtor_entry, export_fn, ModuleId, Scope};
use crate::native::abi_cfg;
use crate::signatures::{exported_resources, trait_fn_signature, world_functions};

/// The entry points one export macro defines.
#[derive(Default)]
pub(crate) struct EntryPoints {
    items: Vec<TokenStream>,
}

impl EntryPoints {
    /// The entry point of exported function `func` of `scope` (and its
    /// post-return entry point).
    pub(crate) fn add_function(
        &mut self,
        cx: &Cx,
        func: &Function,
        scope: Scope,
        post_return: bool,
    ) {
        let names = export_fn(func);
        let wasm_module = match scope {
            Scope::Module(module) => Some(cx.names.module(module).wasm_name.as_str()),
            Scope::Root => None,
        };
        let ty = self.implementor(cx, func, scope);
        let prefix = &cx.opts.export_prefix;
        let export_name = format!("{prefix}{}", func.legacy_core_export_name(wasm_module));
        let abi = abi_cfg();
        let sig = cx.resolve.wasm_signature(AbiVariant::GuestExport, func);
        let (params, args) = core_params(&sig.params);
        let result = sig.results.first().map(|t| {
            let t = wasm_type(*t);
            quote!(-> #t)
        });
        let (entry, shim) = (&names.entry, &names.shim);
        self.items.push(quote! {
            // SAFETY: `#export_name` is the function's canonical ABI core export name, after the
            // user's `export_prefix`, and this macro defines it once. For an interface function it
            // is `<interface>#<function>`, which no Rust or C symbol can be; a world-level
            // function's is its bare WIT name, which must not be a symbol the component links (not
            // checked: a function named `free` would replace libc's; `export_prefix` avoids that).
            #[cfg(#abi)]
            #[unsafe(export_name = #export_name)]
            // SAFETY: contract: only the host calls it, as the canonical ABI prescribes for this
            // export.
            unsafe extern "C" fn #entry(#(#params),*) #result {
                // SAFETY: the host calls this entry point with the export's core arguments under
                // the canonical ABI, which is the shim's contract; they are passed on unchanged.
                unsafe { $($path_to_types)*::#shim::<#ty>(#(#args),*) }
            }
        });
        if post_return {
            let post_name = format!(
                "{prefix}cabi_post_{}",
                func.legacy_core_export_name(wasm_module)
            );
            let (params, args) = core_params(&sig.results);
            let (entry, shim) = (&names.post_return_entry, &names.post_return);
            self.items.push(quote! {
                // SAFETY: `#post_name` is the canonical ABI's `cabi_post_<export>` name for this
                // export's post-return function, which no Rust or C symbol uses; defined once.
                #[cfg(#abi)]
                #[unsafe(export_name = #post_name)]
                // SAFETY: contract: only the host calls it, once after each call of the export,
                // with that call's core results.
                unsafe extern "C" fn #entry(#(#params),*) {
                    // SAFETY: the host passes back the results of the shim's last call, once, after
                    // copying them: the post-return shim's contract.
                    unsafe { $($path_to_types)*::#shim::<#ty>(#(#args),*) }
                }
            });
        }
    }

    /// The entry points of async export `func` of `scope`: its
    /// `[async-lift]` function and its callback.
    pub(crate) fn add_async_function(&mut self, cx: &Cx, func: &Function, scope: Scope) {
        let names = export_fn(func);
        let interface = match scope {
            Scope::Module(module) => Some(&cx.names.module(module).key),
            Scope::Root => None,
        };
        let mangling = ManglingAndAbi::Legacy(LiftLowerAbi::AsyncCallback);
        let export_name = |kind| {
            cx.resolve.wasm_export_name(
                mangling,
                WasmExport::Func {
                    interface,
                    func,
                    kind,
                },
            )
        };
        let prefix = &cx.opts.export_prefix;
        let (lift_name, callback_name) = (
            format!("{prefix}{}", export_name(WasmExportKind::Normal)),
            format!("{prefix}{}", export_name(WasmExportKind::Callback)),
        );
        let ty = self.implementor(cx, func, scope);
        let sig = cx
            .resolve
            .wasm_signature(AbiVariant::GuestExportAsync, func);
        let (params, args) = core_params(&sig.params);
        let (entry, shim) = (&names.entry, &names.shim);
        let (callback_entry, callback) = (&names.callback_entry, &names.callback);
        let abi = abi_cfg();
        self.items.push(quote! {
            // SAFETY: `#lift_name` is the canonical ABI's `[async-lift]` core export name of this
            // function (with the `export_prefix`), which no Rust or C symbol uses; defined once.
            #[cfg(#abi)]
            #[unsafe(export_name = #lift_name)]
            // SAFETY: contract: only the host calls it, as the canonical ABI prescribes for this
            // async export.
            unsafe extern "C" fn #entry(#(#params),*) -> i32 {
                // SAFETY: the host calls this entry point with the export's core arguments under
                // the canonical ABI, the async shim's contract; they are passed on unchanged.
                unsafe { $($path_to_types)*::#shim::<#ty>(#(#args),*) }
            }
            // SAFETY: `#callback_name` is the canonical ABI's `[callback]` core export name of this
            // function, which no Rust or C symbol uses; defined once.
            #[cfg(#abi)]
            #[unsafe(export_name = #callback_name)]
            // SAFETY: contract: only the host calls it, with events of a task the `[async-lift]`
            // entry point started.
            unsafe extern "C" fn #callback_entry(event: u32, waitable: u32, code: u32) -> u32 {
                // SAFETY: only the host calls this callback, for a task the `[async-lift]` entry
                // point started: the shim callback's contract; the arguments are passed on
                // unchanged.
                unsafe { $($path_to_types)*::#callback(event, waitable, code) }
            }
        });
    }

    /// The type implementing `func`: the user's type, or its associated
    /// resource type for resource functions.
    fn implementor(&self, cx: &Cx, func: &Function, scope: Scope) -> TokenStream {
        match (func.kind.resource(), scope) {
            (Some(resource), Scope::Module(_)) => {
                let name = cx.names.type_ident(scope, resource);
                quote!(<$ty as $($path_to_types)*::Guest>::#name)
            }
            (Some(_), Scope::Root) | (None, _) => quote!($ty),
        }
    }

    /// The destructor entry point of exported resource `resource`.
    pub(crate) fn add_destructor(&mut self, cx: &Cx, module: ModuleId, resource: TypeId) {
        let scope = Scope::Module(module);
        let wit_name = cx.resolve.types[resource]
            .name
            .as_deref()
            .unwrap_or_default();
        let name = cx.names.type_ident(scope, resource);
        let export_name = format!(
            "{}{}#[dtor]{wit_name}",
            cx.opts.export_prefix,
            cx.names.module(module).wasm_name
        );
        let entry = dtor_entry(wit_name);
        let abi = abi_cfg();
        self.items.push(quote! {
            // SAFETY: `#export_name` is the canonical ABI's `<interface>#[dtor]<resource>` name of
            // this resource's destructor, which no Rust or C symbol uses; defined once.
            #[cfg(#abi)]
            #[unsafe(export_name = #export_name)]
            // SAFETY: contract: only the host calls it, once per resource, with the representation
            // given to `[resource-new]`.
            unsafe extern "C" fn #entry(rep: *mut u8) {
                // SAFETY: the host runs the destructor once, after the last handle was dropped,
                // with the representation `new` gave `[resource-new]`, made with the implementing
                // type `$ty` names (`dtor`'s type guard panics if `new` used another): `dtor`'s
                // contract.
                unsafe {
                    $($path_to_types)*::#name::dtor::<<$ty as $($path_to_types)*::Guest>::#name>(rep)
                }
            }
        });
    }
}

/// `#[macro_export]` and `pub` for public export macros
/// (`pub_export_macro`), else nothing and `pub(crate)`.
fn visibility(cx: &Cx) -> (TokenStream, TokenStream) {
    if cx.opts.pub_export_macro {
        (quote!(#[macro_export]), quote!(pub))
    } else {
        (TokenStream::new(), quote!(pub(crate)))
    }
}

/// The macro of `scope` (an exported interface, or the world's own
/// functions) that defines `entry_points` for a user's type.
pub(crate) fn expand_entry_macro(cx: &Cx, scope: Scope, entry_points: &EntryPoints) -> TokenStream {
    let name = match scope {
        Scope::Module(module) => &cx.names.module(module).export_macro,
        Scope::Root => &cx.names.world_export_macro,
    };
    let (macro_export, visibility) = visibility(cx);
    let entry_points = &entry_points.items;
    quote! {
        #[doc(hidden)]
        #[allow(unused_macros)]
        #macro_export
        macro_rules! #name {
            ($ty:ident with_types_in $($path_to_types:tt)*) => (const _: () = {
                #(#entry_points)*
            };);
        }
        #[doc(hidden)]
        #[allow(unused_imports)]
        #visibility use #name;
    }
}

/// The world's `export!(MyType)`: calls the export macro of every exported
/// interface (`modules`) and of the world's own functions (`world`), and
/// embeds `component_type` in the crate that exports.
pub(crate) fn expand_export_macro(
    cx: &Cx,
    modules: &[ModuleId],
    world: bool,
    component_type: &TokenStream,
) -> TokenStream {
    let impl_name = &cx.names.export_impl_macro;
    let export_name = &cx.names.export_macro;
    let (macro_export, visibility) = visibility(cx);
    let bindings = match &cx.opts.default_bindings_module {
        // A public macro runs in other crates: `crate` there would be
        // theirs, `$crate` is the one with the bindings.
        Some(path)
            if cx.opts.pub_export_macro
                && path.leading_colon.is_none()
                && path.segments.first().is_some_and(|s| s.ident == "crate") =>
        {
            let rest = path.segments.iter().skip(1);
            quote!($crate #(::#rest)*)
        }
        Some(path) => quote!(#path),
        None => quote!(self),
    };
    let targets = modules
        .iter()
        .map(|module| {
            let module = cx.names.module(*module);
            (&module.export_macro, module.path.0.clone())
        })
        .chain(world.then(|| (&cx.names.world_export_macro, Vec::new())));
    let calls = targets.map(|(name, segments)| {
        quote!($($path_to_types_root)*#(::#segments)*::#name!(__WitbindExported with_types_in $($path_to_types_root)*#(::#segments)*);)
    });
    // A world named `unsafe` names the macro `__export_unsafe_impl`, which
    // clippy would rather not see renamed to something without `unsafe`.
    let unsafe_name = impl_name
        .to_string()
        .contains("unsafe")
        .then(|| quote!(, clippy::unsafe_removed_from_name));
    quote! {
        /// Exports the world's interfaces, implemented by `$ty`:
        /// `export!(MyComponent);` where `MyComponent` implements every
        /// exported `Guest` trait. The type may be a path
        /// (`export!(crate::component::Component)`).
        #[allow(unused_macros)]
        #[doc(hidden)]
        #macro_export
        macro_rules! #impl_name {
            ($($ty:ident)::+) => (#bindings::#export_name!($($ty)::+ with_types_in #bindings););
            ($($ty:ident)::+ with_types_in $($path_to_types_root:tt)*) => (
                const _: () = {
                    type __WitbindExported = $($ty)::+;
                    #(#calls)*
                    #component_type
                };
            );
        }
        #[doc(inline)]
        #[allow(unused_imports #unsafe_name)]
        #visibility use #impl_name as #export_name;
    }
}

/// A stub implementation of `func`, spelled in `scope`: panics.
fn stub_fn(cx: &Cx, func: &Function, scope: Scope) -> TokenStream {
    let signature = trait_fn_signature(cx, func, scope, true);
    // Say which export the guest still has to implement.
    let message = format!("`{}` is a generated stub: implement it", func.name);
    quote!(#signature { ::core::panic!(#message) })
}

/// `Stub`, implementing every export with functions that panic, and
/// exported with `export!` (the `stubs` option): a starting point that
/// builds. This is the root's part: the type, the world's own functions,
/// the `export!` call; each interface's impls are in its module
/// ([`expand_interface_stubs`]), where its types are in scope.
pub(crate) fn expand_stubs(cx: &Cx) -> TokenStream {
    let stub = &cx.names.stub;
    let world_funcs = world_functions(cx);
    let world_impl = (!world_funcs.is_empty()).then(|| {
        let world_trait = &cx.names.world_trait;
        let fns = world_funcs.iter().map(|f| stub_fn(cx, f, Scope::Root));
        quote!(impl #world_trait for #stub { #(#fns)* })
    });
    let export_name = &cx.names.export_macro;
    quote! {
        /// Implements every export with functions that panic (`stubs`).
        #[derive(Debug)]
        pub struct #stub;
        #world_impl
        #export_name!(#stub with_types_in self);
    }
}

/// The `Guest` and `GuestX` impls of `Stub` for export module `module`.
pub(crate) fn expand_interface_stubs(cx: &Cx, module: ModuleId) -> TokenStream {
    let scope = Scope::Module(module);
    let info = cx.names.module(module);
    let iface = &cx.resolve.interfaces[info.interface];
    let stub = info
        .path
        .path_to(&crate::names::ModulePath::root(), &cx.names.stub);
    let resources = exported_resources(cx, module);
    let types = resources.iter().map(|r| {
        let name = cx.names.type_ident(scope, *r);
        quote!(type #name = #stub;)
    });
    let fns = iface
        .functions
        .values()
        .filter(|f| !cx.skipped(f) && f.kind.resource().is_none())
        .map(|f| stub_fn(cx, f, scope));
    let mut impls = quote!(impl Guest for #stub { #(#types)* #(#fns)* });
    for resource in &resources {
        let guest = &cx.names.resource(module, *resource).guest_trait;
        let fns = iface
            .functions
            .values()
            .filter(|f| !cx.skipped(f) && f.kind.resource() == Some(*resource))
            .map(|f| stub_fn(cx, f, scope));
        impls.extend(quote!(impl #guest for #stub { #(#fns)* }));
    }
    impls
}
