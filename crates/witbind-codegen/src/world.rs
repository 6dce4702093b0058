//! The world: the module tree (`ns::pkg::iface`), world-level functions and
//! types, and the component-type custom section that lets the linker type
//! every import and export.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;
use wit_bindgen_core::abi::AbiVariant;
use wit_bindgen_core::wit_parser::{
    Function, FunctionKind, InterfaceId, Type, TypeDefKind, TypeId, WorldItem, WorldKey,
};

use crate::context::{Cx, ModulePath};
use crate::encode::Contents;
use crate::error::{Error, Errors};

/// Nested `pub mod`s, in the order items were added (WIT order), so output
/// is stable.
#[derive(Default)]
pub(crate) struct ModuleTree {
    docs: TokenStream,
    items: TokenStream,
    children: Vec<(Ident, ModuleTree)>,
}

impl ModuleTree {
    pub(crate) fn insert(&mut self, path: &ModulePath, docs: TokenStream, items: TokenStream) {
        let mut node = self;
        for segment in &path.0 {
            let index = match node.children.iter().position(|(name, _)| name == segment) {
                Some(index) => index,
                None => {
                    node.children.push((segment.clone(), ModuleTree::default()));
                    node.children.len() - 1
                }
            };
            node = &mut node.children[index].1;
        }
        node.docs.extend(docs);
        node.items.extend(items);
    }

    /// The tree as items. Top-level modules allow `module_inception` (the
    /// bindings may be placed in a module of the same name, `mod wasi`) and
    /// `type_complexity` (WIT decides the shape of signatures and fields).
    /// Every module with items references the root's
    /// `__link_custom_section_describing_imports`: the linker takes a
    /// library's object files only when something in them is used, and
    /// this pulls in the component type with any module of the bindings.
    pub(crate) fn render(self) -> TokenStream {
        self.render_level(0)
    }

    fn render_level(self, depth: usize) -> TokenStream {
        let ModuleTree {
            items, children, ..
        } = self;
        let children = children.into_iter().map(|(name, child)| {
            let docs = child.docs.clone();
            let inception = if depth == 0 {
                quote!(#[allow(clippy::module_inception, clippy::type_complexity)])
            } else if child
                .children
                .iter()
                .any(|(grandchild, _)| *grandchild == name)
            {
                quote!(#[allow(clippy::module_inception)])
            } else {
                TokenStream::new()
            };
            let section_ref = (!child.items.is_empty()).then(|| {
                let root = (0..=depth).map(|_| quote!(super::));
                quote! {
                    #[used]
                    #[doc(hidden)]
                    static __FORCE_SECTION_REF: fn() = #(#root)* __link_custom_section_describing_imports;
                }
            });
            let body = child.render_level(depth + 1);
            quote! {
                #docs
                #inception
                pub mod #name { #section_ref #body }
            }
        });
        quote!(#items #(#children)*)
    }
}

impl Cx<'_> {
    /// The key under which interface `id` is imported or exported.
    pub(crate) fn world_key_of(&self, id: InterfaceId) -> Option<WorldKey> {
        let world = &self.resolve.worlds[self.world];
        world
            .imports
            .iter()
            .chain(world.exports.iter())
            .find(|(_, item)| matches!(item, WorldItem::Interface { id: i, .. } if *i == id))
            .map(|(key, _)| key.clone())
    }

    /// Rejects what witbind cannot generate yet, with every offending item
    /// named, before any code is produced.
    pub(crate) fn check_supported(&self) -> Result<(), Error> {
        let mut errors = Errors::default();
        let world = &self.resolve.worlds[self.world];
        let check_fn = |func: &Function, place: &str, errors: &mut Errors| {
            if func.kind.is_async() {
                errors.push(format!(
                    "`{place}`: async functions (WASI 0.3) are not supported by witbind yet\n  help: target a WASI 0.2 world, or leave the function out with `skip: [\"{}\"]` (CLI: `--skip`)",
                    func.name
                ));
            }
        };
        for (key, item) in world.imports.iter().chain(world.exports.iter()) {
            match item {
                WorldItem::Function(func) if self.skipped(func) => {}
                WorldItem::Function(func) => check_fn(func, &func.name, &mut errors),
                WorldItem::Interface { id, .. } => {
                    let iface = &self.resolve.interfaces[*id];
                    for func in iface.functions.values().filter(|f| !self.skipped(f)) {
                        let place = format!("{}#{}", self.resolve.name_world_key(key), func.name);
                        check_fn(func, &place, &mut errors);
                    }
                    for (name, ty) in &iface.types {
                        self.check_type(
                            *ty,
                            &format!("{}#{name}", self.resolve.name_world_key(key)),
                            &mut errors,
                        );
                    }
                }
                WorldItem::Type { id, .. } => self.check_type(*id, &world.name, &mut errors),
            }
        }
        errors.propagate()
    }

    fn check_type(&self, id: TypeId, place: &str, errors: &mut Errors) {
        let unsupported = match &self.resolve.types[id].kind {
            TypeDefKind::Future(_) => Some("future"),
            TypeDefKind::Stream(_) => Some("stream"),
            TypeDefKind::Map(..) => Some("map"),
            TypeDefKind::FixedLengthList(..) => Some("fixed-length list"),
            TypeDefKind::Unknown => Some("unknown"),
            TypeDefKind::Type(Type::ErrorContext) => Some("error-context"),
            _ => None,
        };
        if let Some(what) = unsupported {
            errors.push(format!(
                "`{place}`: `{what}` types are not supported by witbind yet\n  help: these are WASI 0.3 / unstable features; use a WASI 0.2 world"
            ));
        }
    }

    /// Everything the world imports.
    pub(crate) fn expand_imports(&self, tree: &mut ModuleTree) {
        let world = &self.resolve.worlds[self.world];
        let root = ModulePath::root();
        tree.insert(&root, TokenStream::new(), self.expand_with_aliases());
        for (key, item) in &world.imports {
            match item {
                WorldItem::Interface { id, .. }
                    if matches!(key, WorldKey::Interface(_)) && self.is_remapped(*id) => {}
                WorldItem::Interface { id, .. } => {
                    let docs = self.docs(&self.resolve.interfaces[*id].docs);
                    let (module, items) = self.in_scope(*id, key, false, |module| {
                        (
                            module.clone(),
                            self.expand_imported_interface(*id, key, module),
                        )
                    });
                    tree.insert(&module, docs, items);
                }
                WorldItem::Function(func) if !matches!(func.kind, FunctionKind::Freestanding) => {
                    // Methods of world-level resources are emitted with them.
                }
                WorldItem::Function(func) => {
                    let items = self.expand_import_fn(func, "$root", &root);
                    tree.insert(&root, TokenStream::new(), items);
                }
                WorldItem::Type { id, .. } => {
                    let mut items = self.expand_typedef(*id, &root);
                    if matches!(self.resolve.types[*id].kind, TypeDefKind::Resource) {
                        let name = crate::names::camel(
                            self.resolve.types[*id].name.as_deref().unwrap_or_default(),
                        );
                        let methods = world.imports.values().filter_map(|item| match item {
                            WorldItem::Function(f) if f.kind.resource() == Some(*id) => {
                                Some(self.expand_import_fn(f, "$root", &root))
                            }
                            _ => None,
                        });
                        items.extend(quote! { impl #name { #(#methods)* } });
                    }
                    tree.insert(&root, TokenStream::new(), items);
                }
            }
        }
    }

    /// `cabi_realloc`, the allocator the host calls to place arguments of
    /// exports and results of imports in this component's memory.
    ///
    /// The generated code frees that memory through the Rust global
    /// allocator, so the exported `cabi_realloc` must allocate through it
    /// too. On `wasm32-wasip2` two definitions reach the linker: std's
    /// (Rust allocator) and wasi-libc's (`malloc`), and the first one the
    /// linker loads wins. A reference from the bindings' own object file,
    /// which precedes std and libc on the link line, makes that std's (or
    /// the one `with_cabi_realloc` defines here). With `with_cabi_realloc`
    /// the definition itself is emitted, for `no_std` guests without std.
    pub(crate) fn expand_cabi_realloc(&self) -> TokenStream {
        let rt = &self.rt;
        let definition = self.opts.with_cabi_realloc.then(|| {
            quote! {
                /// The allocator the host calls to place lists and strings in
                /// this component's memory.
                ///
                /// # Safety
                /// Called by the host following the canonical ABI.
                #[cfg(target_arch = "wasm32")]
                #[unsafe(no_mangle)]
                pub unsafe extern "C" fn cabi_realloc(old_ptr: *mut u8, old_len: usize, align: usize, new_len: usize) -> *mut u8 {
                    unsafe { #rt::realloc(old_ptr, old_len, align, new_len) }
                }
            }
        });
        let link = self.host_allocates().then(|| {
            quote! {
                #[cfg(target_arch = "wasm32")]
                const _: () = {
                    #[used]
                    static CABI_REALLOC: #rt::CabiRealloc = #rt::cabi_realloc;
                };
            }
        });
        quote!(#definition #link)
    }

    /// Whether the host ever calls `cabi_realloc`: to pass lists or strings
    /// (or more than 16 flat values) to an export, or to return lists or
    /// strings from an import.
    fn host_allocates(&self) -> bool {
        let world = &self.resolve.worlds[self.world];
        let has_list = |ty: &Type| self.type_info(ty).has_list;
        let exported = |func: &Function| {
            func.params.iter().any(|p| has_list(&p.ty))
                || self
                    .resolve
                    .wasm_signature(AbiVariant::GuestExport, func)
                    .indirect_params
        };
        let imported = |func: &Function| func.result.as_ref().is_some_and(has_list);
        let in_item = |item: &WorldItem, check: &dyn Fn(&Function) -> bool| match item {
            WorldItem::Function(func) => !self.skipped(func) && check(func),
            WorldItem::Interface { id, .. } => self.resolve.interfaces[*id]
                .functions
                .values()
                .any(|func| !self.skipped(func) && check(func)),
            WorldItem::Type { .. } => false,
        };
        world.imports.values().any(|item| in_item(item, &imported))
            || world.exports.values().any(|item| in_item(item, &exported))
    }

    /// The world's component type, encoded by `wit-component`, in a custom
    /// section whose name is unique per world so several bindings can share
    /// a binary; and `__link_custom_section_describing_imports`, which every
    /// module of the bindings references (see [`ModuleTree::render`]) so
    /// that the section is linked whenever the bindings are used, also from
    /// a library crate.
    ///
    /// With `pub_export_macro` the bindings may live in a library whose
    /// exports another crate implements (or no crate at all, when only the
    /// imports are used), so this section describes the imports only, and
    /// the `export!` macro embeds the whole world
    /// ([`Cx::expand_export_component_type`]) in the crate that exports.
    pub(crate) fn expand_component_type(&self) -> Result<TokenStream, Error> {
        let section = if self.opts.pub_export_macro {
            self.component_type_section(Contents::ImportsOnly, "imports")?
        } else {
            self.component_type_section(Contents::World, "encoded world")?
        };
        Ok(quote! {
            #section

            /// Referenced from every module of the bindings, so that the
            /// linker keeps the component type above whenever any of them is
            /// used.
            #[inline(never)]
            #[doc(hidden)]
            pub fn __link_custom_section_describing_imports() {}
        })
    }

    /// The whole world's component type, for the `export!` macro when the
    /// bindings' own section holds only the imports (`pub_export_macro`).
    pub(crate) fn expand_export_component_type(&self) -> Result<TokenStream, Error> {
        if !self.opts.pub_export_macro {
            return Ok(TokenStream::new());
        }
        let section = self.component_type_section(Contents::World, "exports")?;
        Ok(quote!(const _: () = { #section };))
    }

    /// A `#[used]` static holding the encoded type of the world (or of its
    /// imports), in a `component-type:` custom section named after the world
    /// and `suffix`.
    fn component_type_section(
        &self,
        contents: Contents,
        suffix: &str,
    ) -> Result<TokenStream, Error> {
        let bytes = crate::encode::component_type(self.resolve, self.world, contents)?;
        let world = &self.resolve.worlds[self.world];
        let id = match world.package {
            Some(pkg) => self.resolve.id_of_name(pkg, &world.name),
            None => world.name.clone(),
        };
        let section = format!(
            "component-type:witbind:{}:{id}:{suffix}",
            env!("CARGO_PKG_VERSION")
        );
        let len = Literal::usize_unsuffixed(bytes.len());
        let bytes = Literal::byte_string(&bytes);
        Ok(quote! {
            #[cfg(target_arch = "wasm32")]
            #[unsafe(link_section = #section)]
            #[used]
            #[doc(hidden)]
            #[allow(clippy::octal_escapes)]
            static __WITBIND_COMPONENT_TYPE: [u8; #len] = *#bytes;
        })
    }
}
