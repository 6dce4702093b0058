//! Streams and futures: every payload type of the world's streams and
//! futures gets a vtable (its layout, lowering and lifting, and the
//! `stream.*`/`future.*` intrinsics of the first function that has such a
//! stream or future), implementing the bindings' `wit_stream::StreamPayload`
//! or `wit_future::FuturePayload` trait; `wit_stream::new` and
//! `wit_future::new` create streams and futures of any of them.

use std::collections::HashSet;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;
use wit_bindgen_core::abi::WasmType;
use wit_bindgen_core::dealias;
use wit_bindgen_core::wit_parser::{
    FutureIntrinsic, Handle, LiftLowerAbi, ManglingAndAbi, StreamIntrinsic, Type, TypeDefKind,
    TypeId, WasmImport, WorldItem,
};

use crate::abi::{extern_import, Outlined};
use crate::context::Cx;
use crate::names::{ModulePath, Scope, Side};
use crate::types::payload_ty;

/// A stream or a future.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Stream,
    Future,
}

/// The vtable of one payload type.
struct Vtable {
    kind: Kind,
    payload: Option<Type>,
    /// Where the vtable is defined: the scope of the function whose
    /// intrinsics it uses.
    scope: Scope,
    /// That function, by its WIT name, and whether it is exported.
    func: String,
    exported: bool,
    /// The stream or future type in that function.
    ty: TypeId,
}

/// Every vtable the world needs, in the order their payloads are first
/// met (imports, then exports; functions in WIT order).
pub(crate) struct Payloads {
    vtables: Vec<Vtable>,
}

impl Payloads {
    pub(crate) fn collect(cx: &Cx) -> Payloads {
        let mut payloads = Payloads {
            vtables: Vec::new(),
        };
        let mut seen = HashSet::new();
        let world = &cx.resolve.worlds[cx.world];
        let mut visit =
            |scope: Scope, side: Side, func: &wit_bindgen_core::wit_parser::Function| {
                if cx.skipped(func) {
                    return;
                }
                for ty in func.find_futures_and_streams(cx.resolve) {
                    let kind = &cx.resolve.types[ty].kind;
                    let (kind, payload) = if let TypeDefKind::Stream(payload) = kind {
                        (Kind::Stream, *payload)
                    } else if let TypeDefKind::Future(payload) = kind {
                        (Kind::Future, *payload)
                    } else {
                        unreachable!("`find_futures_and_streams` finds streams and futures")
                    };
                    let key = (
                        kind == Kind::Stream,
                        payload_key(cx, payload.as_ref(), scope),
                    );
                    if seen.insert(key) {
                        payloads.vtables.push(Vtable {
                            kind,
                            payload,
                            scope,
                            func: func.name.clone(),
                            exported: side == Side::Export,
                            ty,
                        });
                    }
                }
            };
        let root_functions = |items: &wit_bindgen_core::wit_parser::IndexMap<_, WorldItem>| {
            items
                .values()
                .filter_map(|item| match item {
                    WorldItem::Function(func) => Some(func.clone()),
                    WorldItem::Interface { .. } | WorldItem::Type { .. } => None,
                })
                .collect::<Vec<_>>()
        };
        for func in root_functions(&world.imports) {
            visit(Scope::Root, Side::Import, &func);
        }
        for (id, module) in cx.names.modules.iter().enumerate() {
            if module.remapped.is_some() {
                continue;
            }
            for func in cx.resolve.interfaces[module.interface].functions.values() {
                visit(Scope::Module(id), module.side, func);
            }
        }
        for func in root_functions(&world.exports) {
            visit(Scope::Root, Side::Export, &func);
        }
        payloads
    }

    /// The vtables defined in `scope`.
    pub(crate) fn expand_vtables(&self, cx: &Cx, out: &mut Outlined, scope: Scope) -> TokenStream {
        self.vtables
            .iter()
            .filter(|vtable| vtable.scope == scope)
            .map(|vtable| expand_vtable(cx, out, vtable))
            .collect()
    }

    /// The root's `wit_stream` and `wit_future` modules, for the kinds the
    /// world has.
    pub(crate) fn expand_modules(&self, cx: &Cx) -> TokenStream {
        let rt = &cx.rt;
        let streams = self
            .vtables
            .iter()
            .any(|v| v.kind == Kind::Stream)
            .then(|| {
                quote! {
                    /// Streams: `new` creates one, of any payload type the
                    /// world's streams carry.
                    pub mod wit_stream {
                        /// A type the world's streams carry.
                        ///
                        /// # Safety
                        /// `VTABLE` must be the one the bindings generate for
                        /// the type: only they implement this trait.
                        // clippy reports the `# Safety` section above as missing when
                        // the bindings come from the macro (the formatted output of the
                        // CLI passes without this allow).
                        #[allow(clippy::missing_safety_doc)]
                        pub unsafe trait StreamPayload: Unpin + Sized + 'static {
                            #[doc(hidden)]
                            const VTABLE: &'static #rt::async_support::StreamVtable<Self>;
                        }

                        /// A new stream: its writable and readable ends.
                        pub fn new<T: StreamPayload>() -> (
                            #rt::async_support::StreamWriter<T>,
                            #rt::async_support::StreamReader<T>,
                        ) {
                            // SAFETY: `T::VTABLE` is the vtable `expand_vtable` generates for `T`:
                            // its intrinsics are those of a stream of `T` and its layout and
                            // functions `T`'s canonical ones (`stream_new`'s contract), as
                            // `StreamPayload`, an `unsafe trait`, requires of its implementations.
                            unsafe { #rt::async_support::stream_new::<T>(T::VTABLE) }
                        }
                    }
                }
            });
        let futures = self
            .vtables
            .iter()
            .any(|v| v.kind == Kind::Future)
            .then(|| {
                quote! {
                    /// Futures: `new` creates one, of any payload type the
                    /// world's futures carry.
                    pub mod wit_future {
                        /// A type the world's futures carry.
                        ///
                        /// # Safety
                        /// `VTABLE` must be the one the bindings generate for
                        /// the type: only they implement this trait.
                        // clippy reports the `# Safety` section above as missing when
                        // the bindings come from the macro (the formatted output of the
                        // CLI passes without this allow).
                        #[allow(clippy::missing_safety_doc)]
                        pub unsafe trait FuturePayload: Unpin + Sized + 'static {
                            #[doc(hidden)]
                            const VTABLE: &'static #rt::async_support::FutureVtable<Self>;
                        }

                        /// A new future: its writable and readable ends. A writer
                        /// dropped without writing sends `default()`.
                        pub fn new<T: FuturePayload>(default: fn() -> T) -> (
                            #rt::async_support::FutureWriter<T>,
                            #rt::async_support::FutureReader<T>,
                        ) {
                            // SAFETY: `T::VTABLE` is the vtable `expand_vtable` generates for `T`:
                            // its intrinsics are those of a future of `T` and its layout and
                            // functions `T`'s canonical ones (`future_new`'s contract), as
                            // `FuturePayload`, an `unsafe trait`, requires of its implementations.
                            unsafe { #rt::async_support::future_new::<T>(default, T::VTABLE) }
                        }
                    }
                }
            });
        quote!(#streams #futures)
    }
}

/// What makes two payloads the same Rust type: named types by the copy
/// `scope` refers to, anonymous ones by structure.
fn payload_key(cx: &Cx, payload: Option<&Type>, scope: Scope) -> String {
    match payload {
        None => "()".to_string(),
        Some(Type::Id(id)) => {
            let id = dealias(cx.resolve, *id);
            let def = &cx.resolve.types[id];
            // A named alias of a primitive (`type n = u8`) is that
            // primitive in Rust (`pub type N = u8`).
            if let TypeDefKind::Type(inner) = &def.kind {
                return payload_key(cx, Some(inner), scope);
            }
            if def.name.is_some() {
                return named_type_key(cx, id, scope);
            }
            let inner = |ty: Option<&Type>| payload_key(cx, ty, scope);
            let children = || {
                let children = crate::info::children(cx.resolve, id);
                let children: Vec<String> = children.iter().map(|t| inner(Some(t))).collect();
                format!("{}({})", def.kind.as_str(), children.join(","))
            };
            match &def.kind {
                TypeDefKind::Handle(Handle::Own(r)) => {
                    format!("own({})", inner(Some(&Type::Id(*r))))
                }
                TypeDefKind::Handle(Handle::Borrow(r)) => {
                    format!("borrow({})", inner(Some(&Type::Id(*r))))
                }
                TypeDefKind::Stream(t) => format!("stream({})", inner(t.as_ref())),
                TypeDefKind::Future(t) => format!("future({})", inner(t.as_ref())),
                TypeDefKind::FixedLengthList(t, n) => format!("[{}; {n}]", inner(Some(t))),
                TypeDefKind::Result(r) => {
                    format!("result({},{})", inner(r.ok.as_ref()), inner(r.err.as_ref()))
                }
                TypeDefKind::Record(_)
                | TypeDefKind::Resource
                | TypeDefKind::Flags(_)
                | TypeDefKind::Tuple(_)
                | TypeDefKind::Variant(_)
                | TypeDefKind::Enum(_)
                | TypeDefKind::Option(_)
                | TypeDefKind::List(_)
                | TypeDefKind::Map(..)
                | TypeDefKind::Type(_)
                | TypeDefKind::Unknown => children(),
            }
        }
        Some(primitive) => format!("{primitive:?}"),
    }
}

/// What makes two named types the same Rust type: the definition their
/// Rust names lead to, through `with`, `merge_structurally_equal_types`
/// (a representative, or the import's copy of an exported interface's
/// type).
fn named_type_key(cx: &Cx, id: TypeId, scope: Scope) -> String {
    if let Some(alias) = cx.names.remapped_type(cx.resolve, id) {
        return format!("with:{alias}");
    }
    if let Some(representative) = cx.info.representative(id) {
        return named_type_key(cx, representative, scope);
    }
    let owner = cx.names.scope_of_type(cx.resolve, id, scope);
    let owner = crate::typedefs::merged_import_copy(cx, id, owner).unwrap_or(owner);
    format!("{owner:?}:{}", id.index())
}

/// Whether values of `payload` are laid out in Rust as in the canonical
/// ABI, so that streams move them without lowering or lifting.
fn is_canonical(payload: Option<&Type>) -> bool {
    payload.is_none_or(crate::prim::is_number)
}

/// One vtable: the intrinsics, the payload's lowering and lifting, the
/// static, and the payload trait's implementation.
fn expand_vtable(cx: &Cx, out: &mut Outlined, vtable: &Vtable) -> TokenStream {
    let rt = &cx.rt;
    let payload = payload_ty(cx, vtable.payload.as_ref(), vtable.scope);
    let (size, align) = match &vtable.payload {
        Some(ty) => (cx.info.size(ty), cx.info.align(ty)),
        None => (0, 1),
    };
    let (size, align) = (
        Literal::usize_unsuffixed(size),
        Literal::usize_unsuffixed(align),
    );
    let intrinsics = expand_intrinsics(cx, vtable);
    let payload_fns = expand_payload_fns(cx, out, vtable, &payload);
    let here = cx.names.path(vtable.scope);
    let canonical = vtable.kind == Kind::Stream && is_canonical(vtable.payload.as_ref());
    let optional = |name: &str| {
        let name = crate::ident::ident(name);
        match (vtable.kind, canonical) {
            (Kind::Stream, true) => quote!(#name: ::core::option::Option::None),
            (Kind::Stream, false) => quote!(#name: ::core::option::Option::Some(#name)),
            (Kind::Future, _) => quote!(#name),
        }
    };
    let (lower, lift, dealloc_lists) = (
        optional("lower"),
        optional("lift"),
        optional("dealloc_lists"),
    );
    let (module, trait_, vtable_type, what) = match vtable.kind {
        Kind::Stream => ("wit_stream", "StreamPayload", "StreamVtable", "stream"),
        Kind::Future => ("wit_future", "FuturePayload", "FutureVtable", "future"),
    };
    let trait_path = here.path_to(&ModulePath::root(), &crate::ident::ident(module));
    let trait_ = crate::ident::ident(trait_);
    let vtable_type = crate::ident::ident(vtable_type);
    let doc = format!(
        " The `{what}` vtable of `{payload}`, with the intrinsics of `{}`.",
        vtable.func
    )
    .replace("  ", " ");
    let payload_impl = quote! {
        // SAFETY: `VTABLE` next to it is this payload type's: its intrinsics are those of this
        // stream or future type, its layout and functions the payload's canonical ones
        // (natively: the in-process host's, and the payload's Rust layout).
        unsafe impl #trait_path::#trait_ for #payload {
            const VTABLE: &'static #rt::async_support::#vtable_type<Self> = &VTABLE;
        }
    };
    // Natively, the in-process host's vtable: values moved in their Rust
    // layout (`rt::async_support::native_host`).
    let (abi_cfg, native) = if cx.opts.disable_native {
        (TokenStream::new(), TokenStream::new())
    } else {
        let native_cfg = crate::native::native_cfg();
        let abi_cfg = crate::native::abi_cfg();
        let native_vtable = match vtable.kind {
            Kind::Stream => quote!(stream_vtable),
            Kind::Future => quote!(future_vtable),
        };
        (
            quote!(#[cfg(#abi_cfg)]),
            quote! {
                #[cfg(#native_cfg)]
                const _: () = {
                    static VTABLE: #rt::async_support::#vtable_type<#payload> =
                        #rt::async_support::native_host::#native_vtable();
                    #payload_impl
                };
            },
        )
    };
    quote! {
        #[doc = #doc]
        #abi_cfg
        const _: () = {
            #intrinsics
            #payload_fns
            static VTABLE: #rt::async_support::#vtable_type<#payload> = #rt::async_support::#vtable_type {
                layout: #rt::layout(#size, #align),
                #lower,
                #lift,
                #dealloc_lists,
                new,
                start_read,
                start_write,
                cancel_read,
                cancel_write,
                drop_readable,
                drop_writable,
            };
            #payload_impl
        };
        #native
    }
}

/// The seven intrinsics of a vtable, each as a Rust function calling the
/// core import (imported functions are not taken by address, which the
/// linker handles poorly).
fn expand_intrinsics(cx: &Cx, vtable: &Vtable) -> TokenStream {
    let interface = match vtable.scope {
        Scope::Module(module) => Some(&cx.names.module(module).key),
        Scope::Root => None,
    };
    let func = find_function(cx, vtable);
    let stream = vtable.kind == Kind::Stream;
    let name = |intrinsic: usize, async_: bool| {
        let mangling = ManglingAndAbi::Legacy(LiftLowerAbi::Sync);
        let import = if stream {
            let intrinsic = [
                StreamIntrinsic::New,
                StreamIntrinsic::Read,
                StreamIntrinsic::Write,
                StreamIntrinsic::CancelRead,
                StreamIntrinsic::CancelWrite,
                StreamIntrinsic::DropReadable,
                StreamIntrinsic::DropWritable,
            ]
            .into_iter()
            .nth(intrinsic)
            .unwrap_or_else(|| unreachable!("seven intrinsics"));
            WasmImport::StreamIntrinsic {
                interface,
                func,
                ty: Some(vtable.ty),
                intrinsic,
                exported: vtable.exported,
                async_,
            }
        } else {
            let intrinsic = [
                FutureIntrinsic::New,
                FutureIntrinsic::Read,
                FutureIntrinsic::Write,
                FutureIntrinsic::CancelRead,
                FutureIntrinsic::CancelWrite,
                FutureIntrinsic::DropReadable,
                FutureIntrinsic::DropWritable,
            ]
            .into_iter()
            .nth(intrinsic)
            .unwrap_or_else(|| unreachable!("seven intrinsics"));
            WasmImport::FutureIntrinsic {
                interface,
                func,
                ty: Some(vtable.ty),
                intrinsic,
                exported: vtable.exported,
                async_,
            }
        };
        cx.resolve.wasm_import_name(mangling, import)
    };
    use WasmType::{Length, Pointer, I32, I64};
    let count: &[WasmType] = if stream { &[Length] } else { &[] };
    let read_params: Vec<WasmType> = [I32, Pointer].iter().chain(count).copied().collect();
    let intrinsics: [(&str, Vec<WasmType>, &[WasmType], bool); 7] = [
        ("new", Vec::new(), &[I64], false),
        ("start_read", read_params.clone(), &[I32], true),
        ("start_write", read_params, &[I32], true),
        ("cancel_read", vec![I32], &[I32], false),
        ("cancel_write", vec![I32], &[I32], false),
        ("drop_readable", vec![I32], &[], false),
        ("drop_writable", vec![I32], &[], false),
    ];
    let fns = intrinsics
        .into_iter()
        .enumerate()
        .map(|(i, (rust, params, results, async_))| {
            let (module, link_name) = name(i, async_);
            let import = extern_import(&cx.rt, &module, &link_name, &params, results);
            let rust = crate::ident::ident(rust);
            let (decl, call) = intrinsic_signature(rust.clone(), &params, results, stream);
            quote! {
                #decl {
                    #import
                    #call
                }
            }
        });
    quote!(#(#fns)*)
}

/// The Rust signature of an intrinsic wrapper (the vtable's types) and the
/// call of `_wit_import` in its body.
fn intrinsic_signature(
    name: Ident,
    params: &[WasmType],
    results: &[WasmType],
    stream: bool,
) -> (TokenStream, TokenStream) {
    match (params, results) {
        ([], [_]) => (
            // SAFETY: contract: none beyond the vtable's (`new` takes no arguments).
            quote!(unsafe extern "C" fn #name() -> u64),
            // SAFETY: `_wit_import` is the `stream.new`/`future.new` intrinsic declared in the same
            // body with its core signature; it takes no arguments.
            quote!(unsafe { _wit_import() as u64 }),
        ),
        ([_], [_]) => (
            // SAFETY: contract: the vtable's, `handle` is an end of this type with a read or write
            // in flight, to cancel.
            quote!(unsafe extern "C" fn #name(handle: u32) -> u32),
            // SAFETY: `_wit_import` is the `cancel-read`/`cancel-write` intrinsic of this type,
            // declared in the same body with its core signature; the caller passes a handle as it
            // requires (this function's contract).
            quote!(unsafe { _wit_import(handle as i32) as u32 }),
        ),
        ([_], []) => (
            // SAFETY: contract: the vtable's, `handle` is an owned end of this type, dropped once.
            quote!(unsafe extern "C" fn #name(handle: u32)),
            // SAFETY: `_wit_import` is the `drop-readable`/`drop-writable` intrinsic of this type,
            // declared in the same body with its core signature; `handle` is an owned end, dropped
            // once (this function's contract).
            quote!(unsafe { _wit_import(handle as i32) }),
        ),
        _ => {
            let (pointer, arg) = if name == "start_write" {
                (quote!(*const u8), quote!(ptr.cast_mut()))
            } else {
                (quote!(*mut u8), quote!(ptr))
            };
            if stream {
                (
                    // SAFETY: contract: the vtable's, `handle` is an end of this type without an
                    // operation in flight, and `ptr` a buffer of `count` values in the payload's
                    // canonical layout that stays valid and untouched until the operation completes
                    // or is cancelled.
                    quote!(unsafe extern "C" fn #name(handle: u32, ptr: #pointer, count: usize) -> u32),
                    // SAFETY: `_wit_import` is the `stream.read`/`stream.write` intrinsic of this
                    // type, declared in the same body with its core signature; the handle and
                    // buffer are as it requires (this function's contract; a write's buffer is only
                    // read).
                    quote!(unsafe { _wit_import(handle as i32, #arg, count) as u32 }),
                )
            } else {
                (
                    // SAFETY: contract: the vtable's, `handle` is an end of this type without an
                    // operation in flight, and `ptr` a cell of the payload's canonical size and
                    // alignment that stays valid and untouched until the operation completes or is
                    // cancelled.
                    quote!(unsafe extern "C" fn #name(handle: u32, ptr: #pointer) -> u32),
                    // SAFETY: `_wit_import` is the `future.read`/`future.write` intrinsic of this
                    // type, declared in the same body with its core signature; the handle and cell
                    // are as it requires (this function's contract; a write's cell is only read).
                    quote!(unsafe { _wit_import(handle as i32, #arg) as u32 }),
                )
            }
        }
    }
}

/// The function of `vtable`, from its scope.
fn find_function<'a>(cx: &'a Cx, vtable: &Vtable) -> &'a wit_bindgen_core::wit_parser::Function {
    let world = &cx.resolve.worlds[cx.world];
    let found = match vtable.scope {
        Scope::Module(module) => cx.resolve.interfaces[cx.names.module(module).interface]
            .functions
            .get(&vtable.func),
        Scope::Root => {
            let items = if vtable.exported {
                &world.exports
            } else {
                &world.imports
            };
            items.values().find_map(|item| match item {
                WorldItem::Function(func) if func.name == vtable.func => Some(func),
                WorldItem::Function(_) | WorldItem::Interface { .. } | WorldItem::Type { .. } => {
                    None
                }
            })
        }
    };
    found.unwrap_or_else(|| unreachable!("the vtable's function is in its scope"))
}

/// `lower`, `lift` and `dealloc_lists` for the payload.
fn expand_payload_fns(
    cx: &Cx,
    out: &mut Outlined,
    vtable: &Vtable,
    payload: &TokenStream,
) -> TokenStream {
    if vtable.kind == Kind::Stream && is_canonical(vtable.payload.as_ref()) {
        return TokenStream::new();
    }
    let Some(ty) = &vtable.payload else {
        return quote! {
            // SAFETY: contract: none; a `()` payload occupies no memory, so these do nothing
            // (`unsafe fn` only to match the vtable's types).
            unsafe fn lower(_value: (), _ptr: *mut u8) {}
            // SAFETY: contract: none, as for `lower`.
            unsafe fn lift(_ptr: *mut u8) {}
            // SAFETY: contract: none, as for `lower`.
            unsafe fn dealloc_lists(_ptr: *mut u8) {}
        };
    };
    let crate::abi::PayloadFns {
        lower,
        lower_lints,
        lift,
        dealloc,
    } = crate::abi::payload_fns(cx, out, vtable.scope, ty);
    let lower_lints = lower_lints.paths();
    let lower_allow = quote!(#[allow(unused_variables #(, #lower_lints)*)]);
    quote! {
        #lower_allow
        // SAFETY: contract: `ptr` has room for a `#payload` in canonical layout (size and
        // alignment); the value moves there, with what it owns.
        unsafe fn lower(value: #payload, ptr: *mut u8) {
            #lower
        }
        // SAFETY: contract: `ptr` holds a lowered `#payload` (written by the host or `lower`),
        // whose ownership (lists, handles) this takes, once.
        unsafe fn lift(ptr: *mut u8) -> #payload {
            #lift
        }
        #[allow(unused_variables)]
        // SAFETY: contract: `ptr` holds a `#payload` `lower` wrote, which the host has copied
        // (handles moved with it); frees its lists, once.
        unsafe fn dealloc_lists(ptr: *mut u8) {
            #dealloc
        }
    }
}
