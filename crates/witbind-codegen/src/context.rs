//! The generation context shared by every stage: the resolved WIT, the
//! options, the pre-computed type facts and sizes, and the module path of
//! every interface.

use std::cell::RefCell;
use std::collections::HashMap;

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use wit_bindgen_core::wit_parser::{
    Docs, Function, InterfaceId, Resolve, SizeAlign, Type, TypeDefKind, TypeId, TypeOwner, WorldId,
    WorldItem, WorldKey,
};
use wit_bindgen_core::{name_package_module, TypeInfo, Types};

use crate::error::Error;
use crate::names;
use crate::opts::Opts;

/// Where an item lives in the generated module tree, relative to the root
/// of the bindings (the place `generate!` expands or the top of the file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ModulePath(pub(crate) Vec<Ident>);

impl ModulePath {
    pub(crate) fn root() -> Self {
        ModulePath(Vec::new())
    }

    /// A path from this module to `item` in module `target`, relative
    /// (`super::super::wasi::io::streams::Item`) so the bindings work
    /// wherever they are placed.
    pub(crate) fn path_to(&self, target: &ModulePath, item: &Ident) -> TokenStream {
        // Walk up to the common prefix, then down into `target`.
        let common = self
            .0
            .iter()
            .zip(&target.0)
            .take_while(|(a, b)| a == b)
            .count();
        // A target that is an ancestor (or self) is reached by `super`s only
        // when the item is not shadowed; staying at the common prefix and
        // descending keeps paths unambiguous.
        let ups = (0..self.0.len() - common).map(|_| quote!(super::));
        let downs = target.0[common..].iter();
        quote!(#(#ups)* #(#downs::)* #item)
    }
}

pub(crate) struct Cx<'a> {
    pub(crate) resolve: &'a Resolve,
    pub(crate) world: WorldId,
    pub(crate) opts: &'a Opts,
    /// The runtime module path, `::witbind::rt` unless configured.
    pub(crate) rt: TokenStream,
    pub(crate) sizes: SizeAlign,
    types: Types,
    /// Module of every imported interface.
    pub(crate) imports: HashMap<InterfaceId, ModulePath>,
    /// Module of every exported interface (under `exports::`).
    exports: HashMap<InterfaceId, ModulePath>,
    /// Imported interfaces taken from elsewhere (`with`), and the `use`
    /// items that alias them at the root of the bindings.
    pub(crate) remapped: HashMap<InterfaceId, TokenStream>,
    /// Local names of types `use`d into a module: (module, type) → alias,
    /// so that code in that module says `Point`, not a long path.
    local_aliases: HashMap<(Vec<String>, TypeId), Ident>,
    /// The imported or exported interface being generated, if any: in its
    /// module, its own types are that module's copies (an interface may be
    /// both imported and exported, or imported under several names).
    scope: RefCell<Option<Scope>>,
}

/// One import or export of an interface, being generated.
#[derive(Clone)]
struct Scope {
    interface: InterfaceId,
    key: WorldKey,
    module: ModulePath,
    export: bool,
}

impl<'a> Cx<'a> {
    pub(crate) fn new(resolve: &'a Resolve, world: WorldId, opts: &'a Opts) -> Result<Self, Error> {
        let rt = match &opts.runtime_path {
            None => quote!(::witbind::rt),
            Some(path) => syn::parse_str::<syn::Path>(path)
                .map(|p| quote!(#p))
                .map_err(|e| {
                    Error::new(format!(
                        "invalid runtime path `{path}`: {e}\n  help: use a Rust path such as `::witbind::rt`"
                    ))
                })?,
        };
        for derive in &opts.additional_derives {
            if syn::parse_str::<syn::Path>(derive).is_err() {
                return Err(Error::new(format!(
                    "invalid additional derive `{derive}`\n  help: give a trait path such as `serde::Serialize`"
                )));
            }
        }
        if let Some(name) = &opts.export_macro_name {
            if syn::parse_str::<Ident>(name).is_err() {
                return Err(Error::new(format!(
                    "invalid export macro name `{name}`\n  help: give a Rust identifier such as `export_app`"
                )));
            }
        }
        if let Some(path) = &opts.default_bindings_module {
            if syn::parse_str::<syn::Path>(path).is_err() {
                return Err(Error::new(format!(
                    "invalid default bindings module `{path}`\n  help: give a Rust path such as `crate::bindings`"
                )));
            }
        }
        let mut sizes = SizeAlign::default();
        sizes
            .fill(resolve)
            .map_err(|e| Error::from_chain(&e, None))?;
        let mut types = Types::default();
        types.analyze(resolve);
        let mut cx = Cx {
            resolve,
            world,
            opts,
            rt,
            sizes,
            types,
            imports: HashMap::new(),
            exports: HashMap::new(),
            scope: RefCell::new(None),
            remapped: HashMap::new(),
            local_aliases: HashMap::new(),
        };
        cx.assign_modules();
        cx.apply_with()?;
        cx.collect_local_aliases();
        Ok(cx)
    }

    /// The canonical module of every imported and exported interface: its
    /// import or export under its own name, else its first labelled one
    /// (`import primary: store;`), which other modules' references go to.
    fn assign_modules(&mut self) {
        let world = &self.resolve.worlds[self.world];
        for (key, id) in interface_items(&world.imports) {
            let path = self.interface_module(key, false);
            let canonical =
                matches!(key, WorldKey::Interface(_)) || !self.imports.contains_key(&id);
            if canonical {
                self.imports.insert(id, path);
            }
        }
        for (key, id) in interface_items(&world.exports) {
            let path = self.interface_module(key, true);
            let canonical =
                matches!(key, WorldKey::Interface(_)) || !self.exports.contains_key(&id);
            if canonical {
                self.exports.insert(id, path);
            }
        }
    }

    fn collect_local_aliases(&mut self) {
        let world = &self.resolve.worlds[self.world];
        let imports = interface_items(&world.imports)
            .filter(|(key, id)| {
                !matches!(key, WorldKey::Interface(_)) || !self.remapped.contains_key(id)
            })
            .map(|(key, id)| (id, self.interface_module(key, false)));
        let exports =
            interface_items(&world.exports).map(|(key, id)| (id, self.interface_module(key, true)));
        let modules: Vec<(InterfaceId, ModulePath)> = imports.chain(exports).collect();
        for (iface, module) in modules {
            let key: Vec<String> = module.0.iter().map(Ident::to_string).collect();
            for (name, ty) in &self.resolve.interfaces[iface].types {
                if let TypeDefKind::Type(Type::Id(target)) = self.resolve.types[*ty].kind {
                    let target = wit_bindgen_core::dealias(self.resolve, target);
                    self.local_aliases
                        .entry((key.clone(), target))
                        .or_insert_with(|| names::camel(name));
                }
            }
        }
    }

    /// The local alias of type `id` in module `from`, if `from` `use`s it.
    pub(crate) fn local_alias(&self, from: &ModulePath, id: TypeId) -> Option<&Ident> {
        let key: Vec<String> = from.0.iter().map(Ident::to_string).collect();
        self.local_aliases
            .get(&(key, wit_bindgen_core::dealias(self.resolve, id)))
    }

    /// Whether `func` is left out (`skip`).
    pub(crate) fn skipped(&self, func: &Function) -> bool {
        self.opts
            .skip
            .iter()
            .any(|name| names::unescape_wit(name) == func.name)
    }

    /// `ns::pkg::iface` for a named interface, `name` for a world-local
    /// or labelled one, under `exports::` when exported (as wit-bindgen
    /// 0.63 does).
    pub(crate) fn interface_module(&self, key: &WorldKey, export: bool) -> ModulePath {
        let mut path = Vec::new();
        if export {
            path.push(names::ident("exports"));
        }
        match key {
            WorldKey::Name(name) => path.push(names::module(name)),
            WorldKey::Interface(id) => {
                let iface = &self.resolve.interfaces[*id];
                // Interfaces in a world always belong to a package.
                let pkg = iface.package.expect("world interfaces belong to a package");
                path.push(names::module(&self.resolve.packages[pkg].name.namespace));
                path.push(names::module(&name_package_module(self.resolve, pkg)));
                path.push(names::module(iface.name.as_deref().unwrap_or("interface")));
            }
        }
        ModulePath(path)
    }

    /// Runs `f` while generating interface `id`, imported (or, with
    /// `export`, exported) under `key`, into `module`; returns `f`'s result.
    pub(crate) fn in_scope<T>(
        &self,
        id: InterfaceId,
        key: &WorldKey,
        export: bool,
        f: impl FnOnce(&ModulePath) -> T,
    ) -> T {
        let module = self.interface_module(key, export);
        let scope = Scope {
            interface: id,
            key: key.clone(),
            module: module.clone(),
            export,
        };
        let previous = self.scope.replace(Some(scope));
        let result = f(&module);
        *self.scope.borrow_mut() = previous;
        result
    }

    /// The scope being generated, when it is interface `id`'s.
    fn scope_of(&self, id: InterfaceId) -> Option<Scope> {
        self.scope
            .borrow()
            .clone()
            .filter(|scope| scope.interface == id)
    }

    /// Whether references to interface `id` mean its export-side copy: it is
    /// the exported interface being generated, or it is only exported.
    pub(crate) fn export_side(&self, id: InterfaceId) -> bool {
        match self.scope_of(id) {
            Some(scope) => scope.export,
            None => self.exports.contains_key(&id) && !self.imports.contains_key(&id),
        }
    }

    /// Whether interface `id` is generated in the current scope (its types
    /// are then never taken from elsewhere through `with`).
    pub(crate) fn in_own_scope(&self, id: InterfaceId) -> bool {
        self.scope_of(id).is_some()
    }

    /// The module of interface `id` as seen from the code being generated.
    pub(crate) fn module_of_interface(&self, id: InterfaceId) -> ModulePath {
        if let Some(scope) = self.scope_of(id) {
            return scope.module;
        }
        let side = if self.export_side(id) {
            &self.exports
        } else {
            &self.imports
        };
        side.get(&id).cloned().unwrap_or_else(ModulePath::root)
    }

    /// The core wasm module name of interface `id`'s import (or export):
    /// `ns:pkg/iface@1.0.0`, or its label; `$root` for world items.
    pub(crate) fn wasm_module_of_interface(&self, id: InterfaceId) -> String {
        match self.scope_of(id) {
            Some(scope) => self.resolve.name_world_key(&scope.key),
            None => self
                .world_key_of(id)
                .map(|key| self.resolve.name_world_key(&key))
                .unwrap_or_else(|| "$root".to_string()),
        }
    }

    /// The module that defines type `id`.
    pub(crate) fn module_of_type(&self, id: TypeId) -> ModulePath {
        match self.resolve.types[id].owner {
            TypeOwner::Interface(iface) => self.module_of_interface(iface),
            TypeOwner::World(_) | TypeOwner::None => ModulePath::root(),
        }
    }

    pub(crate) fn info(&self, id: TypeId) -> TypeInfo {
        self.types.get(id)
    }

    pub(crate) fn type_info(&self, ty: &Type) -> TypeInfo {
        match ty {
            Type::Id(id) => self.info(*id),
            Type::String => TypeInfo {
                has_list: true,
                ..TypeInfo::default()
            },
            _ => TypeInfo::default(),
        }
    }

    /// Whether a resource type is defined by this guest (exported) rather
    /// than imported.
    pub(crate) fn is_exported_resource(&self, id: TypeId) -> bool {
        let id = wit_bindgen_core::dealias(self.resolve, id);
        match self.resolve.types[id].owner {
            TypeOwner::Interface(iface) => self.export_side(iface),
            TypeOwner::World(_) | TypeOwner::None => false,
        }
    }

    /// `#[doc = "..."]` attributes for WIT docs, one per line.
    pub(crate) fn docs(&self, docs: &Docs) -> TokenStream {
        let Some(contents) = &docs.contents else {
            return TokenStream::new();
        };
        let lines = markdown_lines(contents).into_iter().map(|line| {
            let line = format!(" {line}");
            quote!(#[doc = #line])
        });
        quote!(#(#lines)*)
    }

    /// A resource's own `TypeId`, following aliases (`use` of a resource).
    pub(crate) fn resource_of(&self, id: TypeId) -> TypeId {
        let id = wit_bindgen_core::dealias(self.resolve, id);
        debug_assert!(matches!(self.resolve.types[id].kind, TypeDefKind::Resource));
        id
    }
}

/// The interfaces among a world's imports or exports, with their keys.
fn interface_items(
    items: &wit_bindgen_core::wit_parser::IndexMap<WorldKey, WorldItem>,
) -> impl Iterator<Item = (&WorldKey, InterfaceId)> {
    items.iter().filter_map(|(key, item)| match item {
        WorldItem::Interface { id, .. } => Some((key, *id)),
        WorldItem::Function(_) | WorldItem::Type { .. } => None,
    })
}

/// WIT doc text as rustdoc lines: tabs become spaces, and lines that
/// continue a list item are indented under it, as Markdown (and clippy's
/// `doc_lazy_continuation`) expects.
fn markdown_lines(contents: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut list_indent: Option<usize> = None;
    for line in contents.trim_end().lines() {
        let line = line.trim_end().replace('\t', "    ");
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.is_empty() {
            list_indent = None;
            out.push(String::new());
            continue;
        }
        if let Some(marker) = list_marker_len(trimmed) {
            list_indent = Some(indent + marker);
            out.push(line);
        } else if let Some(needed) = list_indent.filter(|needed| indent < *needed) {
            out.push(format!("{}{trimmed}", " ".repeat(needed)));
        } else {
            out.push(line);
        }
    }
    out
}

/// The width of a Markdown list marker (`- `, `* `, `+ `, `1. `) that
/// starts `line`.
fn list_marker_len(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && (rest.starts_with(". ") || rest.starts_with(") "))).then_some(digits + 2)
}
