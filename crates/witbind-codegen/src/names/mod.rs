//! The naming pass: one walk over the world, before any code is generated,
//! decides every module path and every name the emitters use: the module
//! of each import and export of an interface (a label such as
//! `import primary: store;` is a module of its own), the Rust name of each
//! type in each module it is defined in (collisions with the names the
//! bindings define themselves resolved), the names derived from exported
//! resources (`GuestX`, `XBorrow`), function names, macro names and the
//! core wasm module names. Emitters only look names up. What `with`
//! entries take from elsewhere is in `with`.

mod native;
mod with;

use std::collections::{HashMap, HashSet};

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use wit_bindgen_core::wit_parser::{
    Function, FunctionKind, InterfaceId, Resolve, Type, TypeDefKind, TypeId, TypeOwner, WorldId,
    WorldItem, WorldKey,
};
use wit_bindgen_core::{dealias, name_package_module};

use crate::error::Errors;
use crate::ident::{self, camel, camel_suffixed, fragment, prefixed_camel, snake, suffixed};
use crate::info::{Forms, Info};
use crate::opts::Opts;

pub(crate) use native::NativeNames;

/// Where an item lives in the generated module tree, relative to the root
/// of the bindings (the place `generate!` expands, or the top of the file).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ModulePath(pub(crate) Vec<Ident>);

impl ModulePath {
    pub(crate) fn root() -> Self {
        ModulePath(Vec::new())
    }

    /// A relative path from this module to `item` in module `target`
    /// (`super::super::wasi::io::streams::Item`), so the bindings work
    /// wherever they are placed.
    pub(crate) fn path_to(&self, target: &ModulePath, item: &Ident) -> TokenStream {
        let common = self
            .0
            .iter()
            .zip(&target.0)
            .take_while(|(a, b)| a == b)
            .count();
        let ups = (0..self.0.len() - common).map(|_| quote!(super::));
        let downs = target.0[common..].iter();
        quote!(#(#ups)* #(#downs::)* #item)
    }
}

/// Which way an interface crosses the component boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Side {
    Import,
    Export,
}

/// An index into [`Names::modules`].
pub(crate) type ModuleId = usize;

/// Where code is generated: the root of the bindings (world-level items),
/// or the module of one import or export of an interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Scope {
    Root,
    Module(ModuleId),
}

/// One import or export of an interface, and its module.
pub(crate) struct InterfaceModule {
    pub(crate) key: WorldKey,
    pub(crate) interface: InterfaceId,
    pub(crate) side: Side,
    /// The module, relative to the root; for an interface taken from
    /// elsewhere, the root-level alias of its path.
    pub(crate) path: ModulePath,
    /// The core wasm module name: `ns:pkg/iface@1.0.0`, or the label.
    pub(crate) wasm_name: String,
    /// Set when the interface's bindings come from elsewhere (`with`).
    pub(crate) remapped: Option<Remap>,
    /// The macro that exports this interface for a user's type.
    pub(crate) export_macro: Ident,
}

/// An imported interface taken from existing bindings: `use path as alias;`.
pub(crate) struct Remap {
    pub(crate) alias: Ident,
    pub(crate) path: syn::Path,
}

/// The names derived from an exported resource.
pub(crate) struct ResourceNames {
    /// The trait the guest implements: `GuestCounter`.
    pub(crate) guest_trait: Ident,
    /// The borrow type: `CounterBorrow`.
    pub(crate) borrow: Ident,
}

/// What an out-of-line function of a named type does (`abi/outlined.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Outline {
    /// Reads a value out of memory: `_lift_name(ptr) -> Name`.
    Lift,
    /// Reads a value out of its core values: `_lift_flat_name(arg0, ..)`.
    LiftFlat,
    /// Writes a lent value into memory: `_lower_name(&value, ptr)`.
    Lower,
    /// Writes a value handed over into memory:
    /// `_lower_owned_name(value, ptr)`.
    LowerOwned,
    /// A lent value as its core values: `_lower_flat_name(&value)`.
    LowerFlat,
    /// Frees what a value in memory owns: `_free_name(ptr)`.
    Free,
}

impl Outline {
    pub(crate) const ALL: [Outline; 6] = [
        Outline::Lift,
        Outline::LiftFlat,
        Outline::Lower,
        Outline::LowerOwned,
        Outline::LowerFlat,
        Outline::Free,
    ];

    fn prefix(self) -> &'static str {
        match self {
            Outline::Lift => "_lift",
            Outline::LiftFlat => "_lift_flat",
            Outline::Lower => "_lower",
            Outline::LowerOwned => "_lower_owned",
            Outline::LowerFlat => "_lower_flat",
            Outline::Free => "_free",
        }
    }
}

/// Every name the generator emits that is not a plain function of one WIT
/// name (those are in `ident.rs`).
pub(crate) struct Names {
    pub(crate) modules: Vec<InterfaceModule>,
    canonical: HashMap<(InterfaceId, Side), ModuleId>,
    types: HashMap<(Scope, TypeId), Ident>,
    /// The borrowed definitions' names of types with two
    /// (`NameParam`, `ownership: Borrowing { duplicate_if_necessary: true }`).
    param_types: HashMap<(Scope, TypeId), Ident>,
    functions: HashMap<(Scope, String), Ident>,
    /// Resources (as defined) with WIT functions named like wit-bindgen's
    /// raw-handle methods (`from_handle`, `take_handle`, `handle`): the
    /// names taken, which then are those functions.
    handle_api_shadowed: HashMap<TypeId, Vec<&'static str>>,
    resources: HashMap<(ModuleId, TypeId), ResourceNames>,
    /// Local names of types `use`d into a scope, so that code there says
    /// `Point`, not a long path.
    aliases: HashMap<(Scope, TypeId), Ident>,
    /// The out-of-line functions of each named type, in the module that
    /// holds them (see [`Names::outline_home`]), in [`Outline::ALL`] order.
    outlined: HashMap<(Scope, TypeId), [Ident; 6]>,
    /// What a test implements natively, per scope of imports (`native`).
    native: HashMap<Scope, NativeNames>,
    /// Types taken from elsewhere (`with` entries naming a type): their
    /// root-level alias (`use path as __with_type0;`) and the path.
    pub(crate) remapped_types: Vec<(TypeId, Remap)>,
    /// The world-level exports' trait.
    pub(crate) world_trait: Ident,
    /// The macro exporting the world-level functions.
    pub(crate) world_export_macro: Ident,
    /// The world's export macro under its hidden, unique name.
    pub(crate) export_impl_macro: Ident,
    /// The world's export macro as users call it (`export`).
    pub(crate) export_macro: Ident,
    /// The type the `stubs` option generates.
    pub(crate) stub: Ident,
}

impl Names {
    /// Runs the naming pass. Problems with options (a `with` entry that
    /// matches no import) go to `errors`.
    pub(crate) fn assign(
        resolve: &Resolve,
        world_id: WorldId,
        opts: &Opts,
        info: &Info,
        errors: &mut Errors,
    ) -> Names {
        let world = &resolve.worlds[world_id];
        let world_snake = ident::fragment(&world.name);
        let mut names = Names {
            modules: Vec::new(),
            canonical: HashMap::new(),
            types: HashMap::new(),
            param_types: HashMap::new(),
            remapped_types: Vec::new(),
            functions: HashMap::new(),
            handle_api_shadowed: HashMap::new(),
            resources: HashMap::new(),
            aliases: HashMap::new(),
            outlined: HashMap::new(),
            native: HashMap::new(),
            world_trait: ident::ident("Guest"),
            world_export_macro: ident::ident(&format!("__export_world_{world_snake}_cabi")),
            export_impl_macro: ident::ident(&format!("__export_{world_snake}_impl")),
            export_macro: opts
                .export_macro_name
                .clone()
                .unwrap_or_else(|| ident::ident("export")),
            stub: ident::ident("Stub"),
        };
        names.add_modules(resolve, world_id);
        names.apply_with(resolve, world_id, opts, errors);
        for id in 0..names.modules.len() {
            names.name_module(resolve, info, id);
        }
        names.name_root(resolve, info, world_id, opts);
        names.name_outlined(resolve);
        names
    }

    /// Names the out-of-line functions of every named type (not aliases)
    /// in the module that holds them: `_lift_point`, `_lower_owned_point`,
    /// ...; a collision (`flat-x`'s `_lift_flat_x` and `x`'s) gets a
    /// number.
    fn name_outlined(&mut self, resolve: &Resolve) {
        let mut homes: Vec<(Scope, TypeId)> = Vec::new();
        for (index, module) in self.modules.iter().enumerate() {
            let scope = match module.remapped {
                Some(_) => Scope::Root,
                None => Scope::Module(index),
            };
            for ty in resolve.interfaces[module.interface].types.values() {
                homes.push((scope, *ty));
            }
        }
        let root_types: Vec<TypeId> = self
            .types
            .keys()
            .filter(|(scope, _)| *scope == Scope::Root)
            .map(|(_, id)| *id)
            .collect();
        let mut root_types = root_types;
        root_types.sort();
        homes.extend(root_types.into_iter().map(|id| (Scope::Root, id)));
        let mut taken: HashMap<Scope, HashSet<String>> = HashMap::new();
        for (scope, id) in homes {
            let typedef = &resolve.types[id];
            let Some(name) = typedef.name.as_deref() else {
                continue;
            };
            if matches!(typedef.kind, TypeDefKind::Type(_))
                || self.outlined.contains_key(&(scope, id))
            {
                continue;
            }
            let taken = taken.entry(scope).or_default();
            let names = Outline::ALL.map(|dir| {
                let base = format!("{}_{}", dir.prefix(), ident::snake_fragment(name));
                let mut candidate = base.clone();
                let mut n = 1;
                while !taken.insert(candidate.clone()) {
                    n += 1;
                    candidate = format!("{base}_{n}");
                }
                ident::ident(&candidate)
            });
            self.outlined.insert((scope, id), names);
        }
    }

    fn add_modules(&mut self, resolve: &Resolve, world_id: WorldId) {
        let world = &resolve.worlds[world_id];
        let sides = [
            (Side::Import, &world.imports),
            (Side::Export, &world.exports),
        ];
        for (side, items) in sides {
            for (key, item) in items {
                let WorldItem::Interface { id, .. } = item else {
                    continue;
                };
                let wasm_name = resolve.name_world_key(key);
                let module = InterfaceModule {
                    key: key.clone(),
                    interface: *id,
                    side,
                    path: interface_module_path(resolve, key, side),
                    export_macro: ident::ident(&format!("__export_{}_cabi", fragment(&wasm_name))),
                    wasm_name,
                    remapped: None,
                };
                let index = self.modules.len();
                // References from elsewhere go to the import or export under
                // the interface's own name, else to its first label.
                let own_name = matches!(key, WorldKey::Interface(_));
                if own_name || !self.canonical.contains_key(&(*id, side)) {
                    self.canonical.insert((*id, side), index);
                }
                self.modules.push(module);
            }
        }
    }

    /// The root-level alias of the type `id` if a `with` entry takes it
    /// from elsewhere (an alias of such a type included).
    pub(crate) fn remapped_type(&self, resolve: &Resolve, id: TypeId) -> Option<&Ident> {
        let id = dealias(resolve, id);
        self.remapped_types
            .iter()
            .find(|(remapped, _)| *remapped == id)
            .map(|(_, remap)| &remap.alias)
    }

    /// The path from `from` to the root-level alias `alias`.
    fn root_alias_path(&self, from: Scope, alias: &Ident) -> TokenStream {
        self.path(from).path_to(&ModulePath::root(), alias)
    }

    /// Names the types, resources and functions of one module.
    fn name_module(&mut self, resolve: &Resolve, info: &Info, id: ModuleId) {
        let module = &self.modules[id];
        let iface = &resolve.interfaces[module.interface];
        let scope = Scope::Module(id);
        let mut taken: HashSet<String> = HashSet::new();
        if module.side == Side::Export && module.remapped.is_none() {
            taken.insert("Guest".to_string());
            for (name, ty) in &iface.types {
                if matches!(resolve.types[*ty].kind, TypeDefKind::Resource) {
                    let names = ResourceNames {
                        guest_trait: prefixed_camel("Guest", name),
                        borrow: camel_suffixed(name, "Borrow"),
                    };
                    taken.insert(names.guest_trait.to_string());
                    taken.insert(names.borrow.to_string());
                    self.resources.insert((id, *ty), names);
                }
            }
        }
        let remapped = module.remapped.is_some();
        let import = module.side == Side::Import;
        for (name, ty) in &iface.types {
            self.name_type(resolve, info, scope, name, *ty, remapped, &mut taken);
        }
        for (_, ty) in &iface.types {
            if let TypeDefKind::Type(Type::Id(target)) = resolve.types[*ty].kind {
                let alias = self.types[&(scope, *ty)].clone();
                self.aliases
                    .entry((scope, dealias(resolve, target)))
                    .or_insert(alias);
            }
        }
        self.name_functions(resolve, scope, iface.functions.values());
        if import && !remapped {
            let types = iface.types.values().copied();
            self.name_native(resolve, scope, types, iface.functions.values(), &mut taken);
        }
    }

    /// Names type `ty` (WIT name `name`) of `scope`: `Name`, or
    /// `NameResult` and `NameParam` when it has two definitions. Types of
    /// bindings from elsewhere (`remapped`) keep wit-bindgen's names.
    #[allow(clippy::too_many_arguments)]
    fn name_type(
        &mut self,
        resolve: &Resolve,
        info: &Info,
        scope: Scope,
        name: &str,
        ty: TypeId,
        remapped: bool,
        taken: &mut HashSet<String>,
    ) {
        let mut name_as = |ident: Ident| {
            if remapped {
                ident
            } else {
                unique(ident, taken)
            }
        };
        if info.forms(dealias(resolve, ty)) == Forms::Both {
            let result = name_as(camel_suffixed(name, "Result"));
            let param = name_as(camel_suffixed(name, "Param"));
            self.types.insert((scope, ty), result);
            self.param_types.insert((scope, ty), param);
        } else {
            let ident = name_as(camel(name));
            self.types.insert((scope, ty), ident);
        }
    }

    /// Names the world-level types and functions.
    fn name_root(&mut self, resolve: &Resolve, info: &Info, world_id: WorldId, opts: &Opts) {
        let world = &resolve.worlds[world_id];
        let mut taken: HashSet<String> = HashSet::new();
        let exports_functions = world
            .exports
            .values()
            .any(|item| matches!(item, WorldItem::Function(_)));
        if exports_functions {
            taken.insert(self.world_trait.to_string());
        }
        if opts.stubs {
            taken.insert(self.stub.to_string());
        }
        let types = world.imports.iter().filter_map(|(key, item)| match item {
            WorldItem::Type { id, .. } => Some((resolve.name_world_key(key), *id)),
            WorldItem::Function(_) | WorldItem::Interface { .. } => None,
        });
        let types: Vec<(String, TypeId)> = types.collect();
        for (name, ty) in &types {
            self.name_type(resolve, info, Scope::Root, name, *ty, false, &mut taken);
        }
        for (_, ty) in &types {
            if let TypeDefKind::Type(Type::Id(target)) = resolve.types[*ty].kind {
                let alias = self.types[&(Scope::Root, *ty)].clone();
                self.aliases
                    .entry((Scope::Root, dealias(resolve, target)))
                    .or_insert(alias);
            }
        }
        let functions = world
            .imports
            .values()
            .chain(world.exports.values())
            .filter_map(|item| match item {
                WorldItem::Function(func) => Some(func),
                WorldItem::Interface { .. } | WorldItem::Type { .. } => None,
            });
        let functions: Vec<&Function> = functions.collect();
        self.name_functions(resolve, Scope::Root, functions.into_iter());
        let imported = world.imports.values().filter_map(|item| match item {
            WorldItem::Function(func) => Some(func),
            WorldItem::Interface { .. } | WorldItem::Type { .. } => None,
        });
        let types = types.iter().map(|(_, id)| *id);
        self.name_native(resolve, Scope::Root, types, imported, &mut taken);
    }

    fn name_functions<'a>(
        &mut self,
        resolve: &Resolve,
        scope: Scope,
        functions: impl Iterator<Item = &'a Function> + Clone,
    ) {
        let constructors: HashSet<TypeId> = functions
            .clone()
            .filter_map(|func| {
                let FunctionKind::Constructor(resource) = func.kind else {
                    return None;
                };
                Some(dealias(resolve, resource))
            })
            .collect();
        for func in functions {
            let ident = match func.kind {
                FunctionKind::Constructor(_) => ident::ident("new"),
                FunctionKind::Setter
                | FunctionKind::MethodSetter(_)
                | FunctionKind::StaticSetter(_) => snake(&format!("set-{}", func.item_name())),
                // `new` is the constructor's name in Rust.
                FunctionKind::Static(resource)
                | FunctionKind::AsyncStatic(resource)
                | FunctionKind::Method(resource)
                | FunctionKind::AsyncMethod(resource)
                    if func.item_name() == "new"
                        && constructors.contains(&dealias(resolve, resource)) =>
                {
                    ident::ident("new_")
                }
                FunctionKind::Freestanding
                | FunctionKind::AsyncFreestanding
                | FunctionKind::Getter
                | FunctionKind::Method(_)
                | FunctionKind::AsyncMethod(_)
                | FunctionKind::MethodGetter(_)
                | FunctionKind::Static(_)
                | FunctionKind::AsyncStatic(_)
                | FunctionKind::StaticGetter(_) => snake(func.item_name()),
            };
            if let Some(resource) = func.kind.resource() {
                let name = ident.to_string();
                if let Some(helper) = RAW_HANDLE_API.iter().find(|helper| **helper == name) {
                    self.handle_api_shadowed
                        .entry(dealias(resolve, resource))
                        .or_default()
                        .push(helper);
                }
            }
            self.functions.insert((scope, func.name.clone()), ident);
        }
    }

    /// Whether resource `id`'s raw-handle methods (`from_handle`,
    /// `take_handle`, `handle`) are all there, none taken by a WIT function
    /// of the same name.
    pub(crate) fn has_handle_api(&self, resolve: &Resolve, id: TypeId) -> bool {
        !self.handle_api_shadowed.contains_key(&dealias(resolve, id))
    }

    /// Those of resource `id`'s raw-handle methods that no WIT function of
    /// the resource takes, in [`RAW_HANDLE_API`]'s order.
    pub(crate) fn free_handle_api(
        &self,
        resolve: &Resolve,
        id: TypeId,
    ) -> impl Iterator<Item = &'static str> + '_ {
        let taken = self.handle_api_shadowed.get(&dealias(resolve, id));
        RAW_HANDLE_API
            .into_iter()
            .filter(move |helper| taken.is_none_or(|taken| !taken.contains(helper)))
    }

    /// The import or export module `id`.
    pub(crate) fn module(&self, id: ModuleId) -> &InterfaceModule {
        &self.modules[id]
    }

    /// The module path of `scope`.
    pub(crate) fn path(&self, scope: Scope) -> ModulePath {
        match scope {
            Scope::Root => ModulePath::root(),
            Scope::Module(id) => self.modules[id].path.clone(),
        }
    }

    /// The side code in `scope` is on. World-level code refers to
    /// interfaces the world imports (a `use` in a world imports).
    pub(crate) fn side(&self, scope: Scope) -> Side {
        match scope {
            Scope::Root => Side::Import,
            Scope::Module(id) => self.modules[id].side,
        }
    }

    /// The core wasm module name of `scope`'s imports: the interface's
    /// name or label, `$root` for world-level functions.
    pub(crate) fn wasm_module(&self, scope: Scope) -> &str {
        match scope {
            Scope::Root => "$root",
            Scope::Module(id) => &self.modules[id].wasm_name,
        }
    }

    /// Which copy of interface `iface` code in `from` means: its own
    /// module's, when `from` is that module; else the export under its
    /// name for exports when the world exports it (an exported interface
    /// that uses another exported one refers to that export), else its
    /// import.
    pub(crate) fn scope_of_interface(&self, iface: InterfaceId, from: Scope) -> Scope {
        if let Scope::Module(id) = from {
            if self.modules[id].interface == iface {
                return from;
            }
        }
        let side = self.side(from);
        let found = match side {
            Side::Export => self
                .canonical
                .get(&(iface, Side::Export))
                .or_else(|| self.canonical.get(&(iface, Side::Import))),
            Side::Import => self
                .canonical
                .get(&(iface, Side::Import))
                .or_else(|| self.canonical.get(&(iface, Side::Export))),
        };
        found.map_or(Scope::Root, |id| Scope::Module(*id))
    }

    /// Where the named type `id` is defined, as seen from `from`.
    pub(crate) fn scope_of_type(&self, resolve: &Resolve, id: TypeId, from: Scope) -> Scope {
        match resolve.types[id].owner {
            TypeOwner::Interface(iface) => self.scope_of_interface(iface, from),
            TypeOwner::World(_) | TypeOwner::None => Scope::Root,
        }
    }

    /// The Rust name of the named type `id` where `scope` defines it (of
    /// its owned definition, when it has two).
    pub(crate) fn type_ident(&self, scope: Scope, id: TypeId) -> &Ident {
        self.types
            .get(&(scope, id))
            .unwrap_or_else(|| unreachable!("every named type of the world is named"))
    }

    /// The name of the borrowed definition of type `id` in `scope`: its
    /// `NameParam` when it has two definitions, else its only name.
    pub(crate) fn type_param_ident(&self, scope: Scope, id: TypeId) -> &Ident {
        self.param_types
            .get(&(scope, id))
            .unwrap_or_else(|| self.type_ident(scope, id))
    }

    /// The path from `from` to the borrowed definition of type `id` (see
    /// [`Names::type_param_ident`]).
    pub(crate) fn type_param_path(
        &self,
        resolve: &Resolve,
        id: TypeId,
        from: Scope,
    ) -> TokenStream {
        let target = self.scope_of_type(resolve, id, from);
        if !self.param_types.contains_key(&(target, id)) {
            return self.type_path(resolve, id, from);
        }
        let ident = self.type_param_ident(target, id);
        self.path(from).path_to(&self.path(target), ident)
    }

    /// The path to the named type `id` from `from`: its local alias there,
    /// or a relative path.
    pub(crate) fn type_path(&self, resolve: &Resolve, id: TypeId, from: Scope) -> TokenStream {
        if let Some(alias) = self.remapped_type(resolve, id) {
            return self.root_alias_path(from, alias);
        }
        let target = self.scope_of_type(resolve, id, from);
        if target != from {
            if let Some(alias) = self.aliases.get(&(from, dealias(resolve, id))) {
                return quote!(#alias);
            }
        }
        self.type_path_direct(resolve, id, from)
    }

    /// The relative path to the named type `id` from `from`, never through
    /// a local alias (for the definition of such an alias).
    pub(crate) fn type_path_direct(
        &self,
        resolve: &Resolve,
        id: TypeId,
        from: Scope,
    ) -> TokenStream {
        if let Some(alias) = self.remapped_type(resolve, id) {
            return self.root_alias_path(from, alias);
        }
        let target = self.scope_of_type(resolve, id, from);
        let ident = self.type_ident(target, id);
        self.path(from).path_to(&self.path(target), ident)
    }

    /// The path from `from` to an item named `item` in the scope that
    /// defines type `id` (its borrow type, say).
    pub(crate) fn path_next_to_type(
        &self,
        resolve: &Resolve,
        id: TypeId,
        from: Scope,
        item: &Ident,
    ) -> TokenStream {
        let target = self.scope_of_type(resolve, id, from);
        self.path(from).path_to(&self.path(target), item)
    }

    /// The names derived from the exported resource `id` of module `module`.
    pub(crate) fn resource(&self, module: ModuleId, id: TypeId) -> &ResourceNames {
        self.resources
            .get(&(module, id))
            .unwrap_or_else(|| unreachable!("every exported resource is named"))
    }

    /// The exported resource `id` as defined in its export module seen
    /// from `from`: the module and its names, if `id` is exported there.
    pub(crate) fn exported_resource(
        &self,
        resolve: &Resolve,
        id: TypeId,
        from: Scope,
    ) -> Option<(ModuleId, &ResourceNames)> {
        match self.scope_of_type(resolve, dealias(resolve, id), from) {
            Scope::Module(module) => self
                .resources
                .get(&(module, dealias(resolve, id)))
                .map(|names| (module, names)),
            Scope::Root => None,
        }
    }

    /// Whether the named type `id`, seen from `from`, comes from bindings
    /// made elsewhere (`with`).
    pub(crate) fn is_remapped(&self, resolve: &Resolve, id: TypeId, from: Scope) -> bool {
        match self.scope_of_type(resolve, dealias(resolve, id), from) {
            Scope::Module(module) => self.modules[module].remapped.is_some(),
            Scope::Root => false,
        }
    }

    /// The module that holds the out-of-line functions of named type `id`
    /// used from `from`: the module that defines the type, or the root for
    /// a type of bindings from elsewhere (`with`).
    pub(crate) fn outline_home(&self, resolve: &Resolve, id: TypeId, from: Scope) -> Scope {
        match self.scope_of_type(resolve, id, from) {
            Scope::Module(module) if self.modules[module].remapped.is_some() => Scope::Root,
            home => home,
        }
    }

    /// The out-of-line function doing `dir` for named type `id` (not an
    /// alias) in module `home` (see [`Names::outline_home`]).
    pub(crate) fn outlined_fn(&self, home: Scope, id: TypeId, dir: Outline) -> &Ident {
        let names = self
            .outlined
            .get(&(home, id))
            .unwrap_or_else(|| unreachable!("every named type is named in its home"));
        &names[Outline::ALL
            .iter()
            .position(|d| *d == dir)
            .unwrap_or_else(|| unreachable!("`ALL` lists every direction"))]
    }

    /// The Rust name of function `func` of `scope`.
    pub(crate) fn function(&self, scope: Scope, func: &Function) -> &Ident {
        self.functions
            .get(&(scope, func.name.clone()))
            .unwrap_or_else(|| unreachable!("every function of the world is named"))
    }
}

/// wit-bindgen's raw-handle methods of a resource type.
pub(crate) const RAW_HANDLE_API: [&str; 3] = ["from_handle", "take_handle", "handle"];

/// `ns::pkg::iface` for an interface imported under its own name, `label`
/// for a labelled or world-local one, under `exports::` when exported (as
/// wit-bindgen 0.63 does).
fn interface_module_path(resolve: &Resolve, key: &WorldKey, side: Side) -> ModulePath {
    let mut path = Vec::new();
    if side == Side::Export {
        path.push(ident::ident("exports"));
    }
    match key {
        WorldKey::Name(name) => path.push(snake(name)),
        WorldKey::Interface(id) => {
            let iface = &resolve.interfaces[*id];
            // Interfaces named in a world always belong to a package.
            let pkg = iface
                .package
                .unwrap_or_else(|| unreachable!("a named interface belongs to a package"));
            path.push(snake(&resolve.packages[pkg].name.namespace));
            path.push(snake(&name_package_module(resolve, pkg)));
            path.push(snake(iface.name.as_deref().unwrap_or("interface")));
        }
    }
    ModulePath(path)
}

/// `name`, or `name_`, `name__`, ... until it is not taken; then taken.
fn unique(mut name: Ident, taken: &mut HashSet<String>) -> Ident {
    while taken.contains(&name.to_string()) {
        name = suffixed(&name);
    }
    taken.insert(name.to_string());
    name
}

/// The names of the functions generated for one exported function.
pub(crate) struct ExportFnNames {
    /// The shim that lifts, calls the user's type and lowers:
    /// `_export_f_cabi`.
    pub(crate) shim: Ident,
    /// The post-return shim: `__post_return_f`.
    pub(crate) post_return: Ident,
    /// The `#[export_name]` entry point `export!` defines: `export_f`.
    pub(crate) entry: Ident,
    /// The post-return entry point: `post_return_f`.
    pub(crate) post_return_entry: Ident,
    /// The callback of an async export: `__callback_f`.
    pub(crate) callback: Ident,
    /// The callback's entry point: `callback_f`.
    pub(crate) callback_entry: Ident,
}

/// The generated names for exported function `func` (by its WIT name,
/// `[method]r.f` included).
pub(crate) fn export_fn(func: &Function) -> ExportFnNames {
    let name = fragment(&func.name);
    ExportFnNames {
        shim: ident::ident(&format!("_export_{name}_cabi")),
        post_return: ident::ident(&format!("__post_return_{name}")),
        entry: ident::ident(&format!("export_{name}")),
        post_return_entry: ident::ident(&format!("post_return_{name}")),
        callback: ident::ident(&format!("__callback_{name}")),
        callback_entry: ident::ident(&format!("callback_{name}")),
    }
}

/// The entry point of the destructor of exported resource `name` (WIT).
pub(crate) fn dtor_entry(name: &str) -> Ident {
    ident::ident(&format!("dtor_{}", fragment(name)))
}
