//! The generation context: what every emitter reads and none changes. The
//! resolved WIT and the world, the options, the names (`names.rs`), the
//! type facts (`info.rs`) and the runtime path. Emitters are free functions
//! of the modules that own their concept, taking a `&Cx`.

use std::collections::{HashMap, HashSet};

use proc_macro2::TokenStream;
use wit_bindgen_core::wit_parser::{
    Function, FunctionKind, Resolve, TypeDefKind, TypeId, TypeOwner, WorldId, WorldItem,
};

use crate::error::{Blame, Error, Errors};
use crate::info::{Forms, Info};
use crate::names::{Names, Scope, Side};
use crate::opts::{AttrEntry, Opts};

pub(crate) struct Cx<'a> {
    pub(crate) resolve: &'a Resolve,
    pub(crate) world: WorldId,
    pub(crate) opts: &'a Opts,
    pub(crate) names: Names,
    pub(crate) info: Info,
    /// The runtime module path, `::witbind::rt` unless configured.
    pub(crate) rt: TokenStream,
    /// Async WIT functions bound synchronously (`sync`): (scope, name).
    sync: HashSet<(Scope, String)>,
    /// Imported methods that return their receiver (`chainable_methods`).
    chains: HashMap<(Scope, String), Chain>,
}

impl<'a> Cx<'a> {
    /// Analyses the world and runs the naming pass; option problems found
    /// on the way are reported together.
    pub(crate) fn new(resolve: &'a Resolve, world: WorldId, opts: &'a Opts) -> Result<Self, Error> {
        let mut errors = Errors::default();
        let info = Info::new(
            resolve,
            world,
            opts.merge_structurally_equal_types,
            opts.ownership,
        )?;
        let names = Names::assign(resolve, world, opts, &info, &mut errors);
        let sync = sync_functions(resolve, world, opts, &names, &mut errors);
        let chains = chainable_methods(resolve, world, opts, &names, &mut errors);
        errors.propagate()?;
        Ok(Cx {
            resolve,
            world,
            opts,
            names,
            info,
            rt: opts.runtime(),
            sync,
            chains,
        })
    }

    /// How the named type `id` is defined (see [`Info::forms`]); an alias
    /// as what it names.
    pub(crate) fn forms(&self, id: TypeId) -> Forms {
        self.info.forms(wit_bindgen_core::dealias(self.resolve, id))
    }

    /// The extra attributes of type `id` (`additional_type_attributes`).
    pub(crate) fn type_attrs(&self, id: TypeId) -> Vec<&syn::Attribute> {
        let Some(selector) = self.type_selector(id) else {
            return Vec::new();
        };
        select_attrs(&self.opts.additional_type_attributes, &selector)
    }

    /// The extra attributes of member `member` (a WIT field or case name)
    /// of type `id` (`additional_member_attributes`).
    pub(crate) fn member_attrs(&self, id: TypeId, member: &str) -> Vec<&syn::Attribute> {
        let Some(selector) = self.type_selector(id) else {
            return Vec::new();
        };
        let selector = format!("{selector}.{member}");
        select_attrs(&self.opts.additional_member_attributes, &selector)
    }

    /// `ns:pkg/iface@version/name` (or `world/name`) of type `id`.
    fn type_selector(&self, id: TypeId) -> Option<String> {
        let typedef = &self.resolve.types[id];
        let name = typedef.name.as_deref()?;
        let owner = match typedef.owner {
            TypeOwner::Interface(iface) => self.resolve.id_of(iface)?,
            TypeOwner::World(world) => self.resolve.worlds[world].name.clone(),
            TypeOwner::None => return None,
        };
        Some(format!("{owner}/{name}"))
    }

    /// An error for each attribute selector that names none of `targets`:
    /// the types the bindings define (records, variants, enums and flags),
    /// each with the names of its members (fields and cases).
    pub(crate) fn check_attrs_used(&self, targets: &[(TypeId, Vec<&str>)]) -> Result<(), Error> {
        let mut selectors: HashSet<(bool, String)> = HashSet::new();
        for (id, members) in targets {
            let Some(selector) = self.type_selector(*id) else {
                continue;
            };
            for member in members {
                selectors.insert((true, format!("{selector}.{member}")));
            }
            selectors.insert((false, selector));
        }
        let mut errors = Errors::default();
        let options = [
            (
                false,
                &self.opts.additional_type_attributes,
                "additional_type_attributes",
            ),
            (
                true,
                &self.opts.additional_member_attributes,
                "additional_member_attributes",
            ),
        ];
        for (member, entries, key) in options {
            for (index, entry) in entries.iter().enumerate() {
                if selectors.contains(&(member, entry.selector.clone())) {
                    continue;
                }
                let what = if member {
                    "a field or case: `ns:pkg/iface@version/type.member` or `world/type.member`"
                } else {
                    "a record, variant or enum: `ns:pkg/iface@version/type` or `world/type`"
                };
                errors.blame(
                    format!(
                        "`{}` names nothing in the world\n  help: name {what} (the version as in the WIT)",
                        entry.selector
                    ),
                    Blame::Option {
                        key,
                        entry: Some(index),
                    },
                );
            }
        }
        errors.propagate()
    }

    /// Whether `func` of `scope` is bound as an async function: it is
    /// `async` in WIT and no `sync` filter names it.
    pub(crate) fn is_async(&self, scope: Scope, func: &Function) -> bool {
        func.kind.is_async() && !self.sync.contains(&(scope, func.name.clone()))
    }

    /// How imported method `func` of `scope` returns its receiver, when
    /// `chainable_methods` names it.
    pub(crate) fn chain(&self, scope: Scope, func: &Function) -> Option<Chain> {
        self.chains.get(&(scope, func.name.clone())).copied()
    }

    /// Whether values of `ty` have the same layout in Rust as in the
    /// canonical ABI, so that lists of them cross the boundary as one
    /// block: numbers, fixed-length lists of such values, and records of
    /// them, which witbind defines with `#[repr(C)]` (C's layout rules are
    /// the canonical ABI's for these). Not records taken from elsewhere
    /// (`with`) or given another `repr` by the user. `bool`, `char`,
    /// enums and flags have invalid bit patterns, so they are lifted one by
    /// one.
    pub(crate) fn is_plain(&self, ty: &wit_bindgen_core::wit_parser::Type, scope: Scope) -> bool {
        use wit_bindgen_core::wit_parser::Type;
        let id = match ty {
            Type::Id(id) => wit_bindgen_core::dealias(self.resolve, *id),
            other => return crate::prim::is_number(other),
        };
        match &self.resolve.types[id].kind {
            TypeDefKind::FixedLengthList(element, len) => *len > 0 && self.is_plain(element, scope),
            TypeDefKind::Record(record) => {
                !record.fields.is_empty()
                    && self.names.remapped_type(self.resolve, id).is_none()
                    && !self.names.is_remapped(self.resolve, id, scope)
                    && !self
                        .type_attrs(id)
                        .iter()
                        .any(|attr| attr.path().is_ident("repr"))
                    && record
                        .fields
                        .iter()
                        .all(|field| self.is_plain(&field.ty, scope))
            }
            _ => false,
        }
    }

    /// Whether `func` is left out (`skip`).
    pub(crate) fn skipped(&self, func: &Function) -> bool {
        self.opts
            .skip
            .iter()
            .any(|name| crate::ident::unescape_wit(name) == func.name)
    }
}

/// The attributes of the entries of `entries` that `selector` names.
fn select_attrs<'e>(entries: &'e [AttrEntry], selector: &str) -> Vec<&'e syn::Attribute> {
    entries
        .iter()
        .filter(|entry| entry.selector == selector)
        .map(|entry| &entry.attr)
        .collect()
}

/// How a chainable import method hands back its receiver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Chain {
    /// `self -> Self`.
    Owned,
    /// `&self -> &Self`.
    Borrowed,
}

/// The imported methods without a result that the `chainable_methods`
/// filters make return their receiver, as (scope, name). Filters are tried
/// in order and the first that matches decides: `all`, a resource
/// (`ns:pkg/iface#res`, or `res` at world level) or a method
/// (`ns:pkg/iface#[method]res.f`); `&` in front borrows, `-` opts out. A
/// filter (other than `all`/`-all`) that matches nothing is an error.
fn chainable_methods(
    resolve: &Resolve,
    world: WorldId,
    opts: &Opts,
    names: &Names,
    errors: &mut Errors,
) -> HashMap<(Scope, String), Chain> {
    let mut used = vec![false; opts.chainable_methods.len()];
    let mut chains = HashMap::new();
    let mut consider = |scope: Scope, interface: Option<&str>, func: &Function| {
        let (FunctionKind::Method(resource) | FunctionKind::AsyncMethod(resource)) = func.kind
        else {
            return;
        };
        if func.result.is_some() {
            return;
        }
        let resource = resolve.types[resource].name.as_deref().unwrap_or_default();
        let prefix = interface.map(|i| format!("{i}#")).unwrap_or_default();
        let method = format!("{prefix}{}", func.name);
        let owner = format!("{prefix}{resource}");
        for (i, filter) in opts.chainable_methods.iter().enumerate() {
            let filter = crate::ident::unescape_wit(filter);
            let (mode, body) = match filter.as_bytes().first() {
                Some(b'-') => (None, &filter[1..]),
                Some(b'&') => (Some(Chain::Borrowed), &filter[1..]),
                _ => (Some(Chain::Owned), filter.as_ref()),
            };
            let matches = body == "all"
                || (body.contains("[method]") && body == method)
                || (!body.contains("[method]") && body == owner);
            if matches {
                used[i] = true;
                if let Some(mode) = mode {
                    chains.insert((scope, func.name.clone()), mode);
                }
                return;
            }
        }
    };
    for (id, module) in names.modules.iter().enumerate() {
        if module.remapped.is_some() || module.side != Side::Import {
            continue;
        }
        let iface = &resolve.interfaces[module.interface];
        for func in iface.functions.values() {
            consider(Scope::Module(id), Some(&module.wasm_name), func);
        }
    }
    for item in resolve.worlds[world].imports.values() {
        if let WorldItem::Function(func) = item {
            consider(Scope::Root, None, func);
        }
    }
    for (index, filter) in opts.chainable_methods.iter().enumerate() {
        let body = filter.trim_start_matches(['-', '&']);
        if !used[index] && body != "all" {
            errors.blame(
                format!(
                    "`chainable_methods` filter `{filter}` names no imported method without a result\n  help: name a resource as `ns:pkg/iface#res` (`res` at world level) or a method as `ns:pkg/iface#[method]res.f`, with `&` in front to return `&Self`"
                ),
                Blame::Option {
                    key: "chainable_methods",
                    entry: Some(index),
                },
            );
        }
    }
    chains
}

/// The functions the `sync` filters name, as (scope, name); a filter that
/// names no function of the world is an error.
fn sync_functions(
    resolve: &Resolve,
    world: WorldId,
    opts: &Opts,
    names: &Names,
    errors: &mut Errors,
) -> HashSet<(Scope, String)> {
    let mut used = vec![false; opts.sync.len()];
    let mut sync = HashSet::new();
    let mut consider = |scope: Scope, side: Side, interface: Option<&str>, func: &Function| {
        let name = match interface {
            Some(interface) => format!("{interface}#{}", func.name),
            None => func.name.clone(),
        };
        for (i, filter) in opts.sync.iter().enumerate() {
            let filter = crate::ident::unescape_wit(filter);
            let (wanted_side, filter) = match filter.split_once(':') {
                Some(("import", rest)) => (Some(Side::Import), rest),
                Some(("export", rest)) => (Some(Side::Export), rest),
                _ => (None, filter.as_ref()),
            };
            let matches = filter == "all" || filter == name;
            if matches && wanted_side.is_none_or(|wanted| wanted == side) {
                used[i] = true;
                sync.insert((scope, func.name.clone()));
            }
        }
    };
    for (id, module) in names.modules.iter().enumerate() {
        if module.remapped.is_some() {
            continue;
        }
        let iface = &resolve.interfaces[module.interface];
        for func in iface.functions.values() {
            consider(
                Scope::Module(id),
                module.side,
                Some(&module.wasm_name),
                func,
            );
        }
    }
    let world = &resolve.worlds[world];
    let sides = [
        (Side::Import, &world.imports),
        (Side::Export, &world.exports),
    ];
    for (side, items) in sides {
        for item in items.values() {
            if let WorldItem::Function(func) = item {
                consider(Scope::Root, side, None, func);
            }
        }
    }
    for (index, filter) in opts.sync.iter().enumerate() {
        if !used[index] && filter != "all" {
            errors.blame(
                format!(
                    "`sync` filter `{filter}` names no function of the world\n  help: name functions as `ns:pkg/iface#f`, `ns:pkg/iface#[method]r.f` or `f` (world level), optionally with `import:` or `export:` in front"
                ),
                Blame::Option {
                    key: "sync",
                    entry: Some(index),
                },
            );
        }
    }
    sync
}

/// Whether the first parameter is the resource itself (`&self`).
pub(crate) fn takes_self(func: &Function) -> bool {
    match func.kind {
        FunctionKind::Method(_)
        | FunctionKind::AsyncMethod(_)
        | FunctionKind::MethodGetter(_)
        | FunctionKind::MethodSetter(_) => true,
        FunctionKind::Freestanding
        | FunctionKind::AsyncFreestanding
        | FunctionKind::Getter
        | FunctionKind::Setter
        | FunctionKind::Static(_)
        | FunctionKind::AsyncStatic(_)
        | FunctionKind::StaticGetter(_)
        | FunctionKind::StaticSetter(_)
        | FunctionKind::Constructor(_) => false,
    }
}
