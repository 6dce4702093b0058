//! The world: assembles the bindings. Every import and export of an
//! interface goes into its module of the tree (`ns::pkg::iface`,
//! `exports::...`, or a label), world-level items go to the root, then
//! come the `export!` macro, `cabi_realloc` and the component type.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use wit_bindgen_core::wit_parser::{TypeDefKind, WorldItem};

use crate::abi::Outlined;
use crate::context::Cx;
use crate::docs::docs;
use crate::encode::{component_type_section, Contents};
use crate::error::Error;
use crate::export_macro::{expand_export_macro, expand_interface_stubs, expand_stubs};
use crate::names::{ModulePath, Scope, Side};
use crate::payloads::Payloads;
use crate::tokens::with_block;
use crate::{exports, imports, typedefs};

/// Nested `pub mod`s, in the order items were added (WIT order), so output
/// is stable.
#[derive(Default)]
struct ModuleTree {
    docs: TokenStream,
    items: TokenStream,
    children: Vec<(Ident, ModuleTree)>,
}

impl ModuleTree {
    fn insert(&mut self, path: &ModulePath, docs: TokenStream, items: TokenStream) {
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

    /// The tree as items. Top-level modules allow `dead_code` (a guest
    /// uses what it needs of an interface; as with wit-bindgen, the
    /// bindings may sit in a private module), `module_inception` (the
    /// bindings may be placed in a module of the same name, `mod wasi`) and
    /// `type_complexity` (WIT decides the shape of signatures and fields).
    /// Every module with items references the root's
    /// `__link_custom_section_describing_imports`: the linker takes a
    /// library's object files only when something in them is used, and
    /// this pulls in the component type with any module of the bindings.
    /// (Not with `link_helpers` off: `disable_custom_section_link_helpers`.)
    fn render(self, link_helpers: bool) -> TokenStream {
        self.render_level(0, link_helpers)
    }

    fn render_level(self, depth: usize, link_helpers: bool) -> TokenStream {
        let ModuleTree {
            items, children, ..
        } = self;
        let children = children.into_iter().map(|(name, child)| {
            let docs = child.docs.clone();
            let inception = if depth == 0 {
                quote!(#[allow(dead_code, clippy::module_inception, clippy::type_complexity)])
            } else if child
                .children
                .iter()
                .any(|(grandchild, _)| *grandchild == name)
            {
                quote!(#[allow(clippy::module_inception)])
            } else {
                TokenStream::new()
            };
            let section_ref = (!child.items.is_empty() && link_helpers).then(|| {
                let root = (0..=depth).map(|_| quote!(super::));
                quote! {
                    #[used]
                    #[doc(hidden)]
                    static __FORCE_SECTION_REF: fn() = #(#root)* __link_custom_section_describing_imports;
                }
            });
            let mut body = section_ref.unwrap_or_default();
            body.extend(child.render_level(depth + 1, link_helpers));
            with_block(quote!(#docs #inception pub mod #name), body)
        });
        let mut items = if depth == 0 {
            crate::lints::allow_complex_root_items(items)
        } else {
            items
        };
        items.extend(children);
        items
    }
}

/// The bindings of the world, as items.
///
/// The order: root-level imports, the stream and future vtables, each
/// interface's module, the world's exports and `export!` macro; then the
/// out-of-line functions all of those used (`out`, which they filled), the
/// allocator and the component type.
pub(crate) fn expand_world(cx: &Cx) -> Result<TokenStream, Error> {
    let mut out = Outlined::default();
    let out = &mut out;
    let mut tree = ModuleTree::default();
    let root = ModulePath::root();
    tree.insert(&root, TokenStream::new(), expand_with_aliases(cx));
    expand_root_imports(cx, out, &mut tree);
    let payloads = Payloads::collect(cx);
    tree.insert(&root, TokenStream::new(), payloads.expand_modules(cx));
    tree.insert(
        &root,
        TokenStream::new(),
        payloads.expand_vtables(cx, out, Scope::Root),
    );
    let mut exported = Vec::new();
    for (module, info) in cx.names.modules.iter().enumerate() {
        let iface_docs = docs(&cx.resolve.interfaces[info.interface].docs);
        match info.side {
            Side::Import if info.remapped.is_some() => {}
            Side::Import => {
                let mut items = imports::expand_interface(cx, out, module);
                items.extend(payloads.expand_vtables(cx, out, Scope::Module(module)));
                tree.insert(&info.path, iface_docs, items);
            }
            Side::Export => {
                let (mut items, has_macro) = exports::expand_interface(cx, out, module);
                items.extend(payloads.expand_vtables(cx, out, Scope::Module(module)));
                tree.insert(&info.path, iface_docs, items);
                if has_macro {
                    exported.push(module);
                    if cx.opts.stubs {
                        let stubs = expand_interface_stubs(cx, module);
                        tree.insert(&info.path, TokenStream::new(), stubs);
                    }
                }
            }
        }
    }
    let world_exports = exports::expand_world(cx, out);
    let exports_world = world_exports.is_some();
    tree.insert(&root, TokenStream::new(), world_exports.unwrap_or_default());
    if !exported.is_empty() || exports_world {
        let component_type = expand_export_component_type(cx)?;
        let export_macro = expand_export_macro(cx, &exported, exports_world, &component_type);
        tree.insert(&root, TokenStream::new(), export_macro);
        if cx.opts.stubs {
            tree.insert(&root, TokenStream::new(), expand_stubs(cx));
        }
    }
    for (scope, functions) in crate::abi::expand_outlined(cx, out) {
        tree.insert(&cx.names.path(scope), TokenStream::new(), functions);
    }
    let mut tokens = tree.render(!cx.opts.disable_custom_section_link_helpers);
    tokens.extend(expand_cabi_realloc(cx));
    tokens.extend(expand_component_type(cx)?);
    Ok(tokens)
}

/// World-level imports: types (resources with their functions) and
/// functions, at the root.
fn expand_root_imports(cx: &Cx, out: &mut Outlined, tree: &mut ModuleTree) {
    let world = &cx.resolve.worlds[cx.world];
    let root = ModulePath::root();
    for item in world.imports.values() {
        let items = match item {
            WorldItem::Interface { .. } => continue,
            // Functions of world-level resources are emitted with them.
            WorldItem::Function(func) if func.kind.resource().is_some() => continue,
            WorldItem::Function(func) => imports::expand_import_fn(cx, out, func, Scope::Root),
            WorldItem::Type { id, .. } => {
                let mut items = typedefs::expand_typedef(cx, *id, Scope::Root);
                if matches!(cx.resolve.types[*id].kind, TypeDefKind::Resource) {
                    items.extend(imports::expand_resource_functions(
                        cx,
                        out,
                        *id,
                        Scope::Root,
                    ));
                }
                items
            }
        };
        tree.insert(&root, TokenStream::new(), items);
    }
    let mut native = crate::native::expand_host(cx, Scope::Root);
    native.extend(crate::native_wasi::expand_install(cx));
    tree.insert(&root, TokenStream::new(), native);
}

/// `use path as __with_name0;` for every interface taken from elsewhere.
fn expand_with_aliases(cx: &Cx) -> TokenStream {
    let mut aliases: Vec<(&Ident, &syn::Path)> = cx
        .names
        .modules
        .iter()
        .filter_map(|module| module.remapped.as_ref())
        .chain(cx.names.remapped_types.iter().map(|(_, remap)| remap))
        .map(|remap| (&remap.alias, &remap.path))
        .collect();
    aliases.sort_by_key(|(alias, _)| alias.to_string());
    let aliases = aliases.into_iter().map(|(alias, path)| {
        quote! {
            #[allow(unused_imports)]
            use #path as #alias;
        }
    });
    quote!(#(#aliases)*)
}

/// `cabi_realloc`, the allocator the host calls to place arguments of
/// exports and results of imports in this component's memory.
///
/// The generated code frees that memory through the Rust global
/// allocator, so the exported `cabi_realloc` must allocate through it
/// too. On `wasm32-wasip2` several definitions reach the linker: std's
/// (Rust allocator), wasi-libc's (`malloc`), the weak one of each
/// wit-bindgen runtime, and the first archive the linker asks for one
/// wins. A reference from the bindings' own object file to
/// `rt::link_cabi_realloc` makes the linker take the runtime's weak
/// `cabi_realloc` (Rust allocator) first, which only a strong definition
/// replaces: std's, or the one `with_cabi_realloc` defines here (for
/// `no_std` guests without std).
fn expand_cabi_realloc(cx: &Cx) -> TokenStream {
    let rt = &cx.rt;
    let definition = cx.opts.with_cabi_realloc.then(|| {
        quote! {
            /// The allocator the host calls to place lists and strings in
            /// this component's memory.
            ///
            /// # Safety
            /// Called by the host following the canonical ABI.
            #[cfg(target_arch = "wasm32")]
            // SAFETY: `cabi_realloc` is the canonical ABI's allocator, which the host looks up by
            // this name; this definition has its signature and allocates with the Rust global
            // allocator, as the bindings expect. The option is for guests whose std does not define
            // it (a second definition would fail to link).
            #[unsafe(no_mangle)]
            pub unsafe extern "C" fn cabi_realloc(old_ptr: *mut u8, old_len: usize, align: usize, new_len: usize) -> *mut u8 {
                // SAFETY: the host calls `cabi_realloc` as the canonical ABI prescribes: a
                // power-of-two `align`, and a non-null `old_ptr` only with the `old_len` and
                // `align` it was allocated with, which is `rt::realloc`'s contract.
                unsafe { #rt::realloc(old_ptr, old_len, align, new_len) }
            }
        }
    });
    // Always: even where the host never allocates, `cabi_realloc` is
    // exported and must resolve to a definition that links.
    quote! {
        #definition

        #[cfg(target_arch = "wasm32")]
        const _: () = {
            #[used]
            static LINK_CABI_REALLOC: unsafe extern "C" fn() = #rt::link_cabi_realloc;
        };
    }
}

/// The world's component type in a custom section, and
/// `__link_custom_section_describing_imports`, which every module of the
/// bindings references (see [`ModuleTree::render`]) so that the section
/// is linked whenever the bindings are used, also from a library crate.
///
/// With `pub_export_macro` the bindings may live in a library whose
/// exports another crate implements (or no crate at all, when only the
/// imports are used), so this section describes the imports only, and the
/// `export!` macro embeds the whole world ([`expand_export_component_type`])
/// in the crate that exports.
fn expand_component_type(cx: &Cx) -> Result<TokenStream, Error> {
    let suffix = &cx.opts.type_section_suffix;
    let section = if cx.opts.pub_export_macro {
        let name = format!("imports{suffix}");
        component_type_section(cx.resolve, cx.world, Contents::ImportsOnly, &name)?
    } else {
        let name = format!("encoded world{suffix}");
        component_type_section(cx.resolve, cx.world, Contents::World, &name)?
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
fn expand_export_component_type(cx: &Cx) -> Result<TokenStream, Error> {
    if !cx.opts.pub_export_macro {
        return Ok(TokenStream::new());
    }
    let name = format!("exports{}", cx.opts.type_section_suffix);
    let section = component_type_section(cx.resolve, cx.world, Contents::World, &name)?;
    Ok(quote!(const _: () = { #section };))
}
