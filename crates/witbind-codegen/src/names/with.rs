//! `with` entries: imports and types the bindings take from elsewhere
//! (a Rust path) instead of generating them, matched by their WIT names
//! and recorded in the naming pass as root-level aliases.

use std::collections::HashMap;

use wit_bindgen_core::wit_parser::{Resolve, TypeDefKind, TypeOwner, WorldId, WorldItem, WorldKey};

use super::{InterfaceModule, ModulePath, Names, Remap, Side};
use crate::error::{Blame, Errors};
use crate::ident::{self, snake};
use crate::opts::{Opts, WithMapping};

impl Names {
    /// Points every import named by a `with` entry at its Rust path,
    /// through a root-level alias (`use path as __with_name0;`), so that
    /// paths from nested modules stay relative.
    pub(super) fn apply_with(
        &mut self,
        resolve: &Resolve,
        world: WorldId,
        opts: &Opts,
        errors: &mut Errors,
    ) {
        let mut used = vec![false; opts.with.len()];
        let mut used_by_import = vec![false; opts.with.len()];
        let mut used_by_export = vec![false; opts.with.len()];
        let mut aliases = 0;
        for module in &mut self.modules {
            let Some((index, suffix)) = match_with(resolve, opts, module) else {
                continue;
            };
            used[index] = true;
            if module.side == Side::Export {
                // Exports are implemented here, always generated.
                used_by_export[index] = true;
                continue;
            }
            used_by_import[index] = true;
            let WithMapping::Path(path) = &opts.with[index].mapping else {
                continue;
            };
            let mut path = path.clone();
            if let Some(name) = suffix {
                path.segments.push(snake(&name).into());
            }
            let alias = ident::ident(&format!("__with_name{aliases}"));
            aliases += 1;
            module.path = ModulePath(vec![alias.clone()]);
            module.remapped = Some(Remap { alias, path });
        }
        for (index, entry) in opts.with.iter().enumerate() {
            let path = matches!(entry.mapping, WithMapping::Path(_));
            if path && used_by_export[index] && !used_by_import[index] {
                errors.blame(
                    format!(
                        "`with` maps `{}` to a path, but the world only exports it: exports are always generated\n  help: write `generate` instead of the path, or drop the entry",
                        entry.key
                    ),
                    Blame::Option {
                        key: "with",
                        entry: Some(index),
                    },
                );
            }
        }
        self.apply_type_with(resolve, world, opts, &mut used);
        let unused = used.iter().enumerate().filter(|(_, used)| !**used);
        for (index, _) in unused {
            let mut imports: Vec<String> = self
                .modules
                .iter()
                .filter(|m| m.side == Side::Import)
                .map(|m| m.wasm_name.clone())
                .collect();
            imports.sort();
            errors.blame(
                format!(
                    "`with` names `{}`, which is neither an interface nor a type of the world\n  help: the world imports {}; a type is named `ns:pkg/iface@version/type`",
                    opts.with[index].key,
                    imports.join(", ")
                ),
                Blame::Option {
                    key: "with",
                    entry: Some(index),
                },
            );
        }
    }

    /// Points every named type that a `with` entry names at its Rust path,
    /// through a root-level alias. Marks those entries `used`. The keys are
    /// wit-bindgen's: `ns:pkg/iface@1.0.0/type` (with or without the
    /// version), `world/type` for a world's own types, and the bare `type`
    /// for a type of an interface the world defines inline
    /// (`import i: interface { .. }`; witbind also takes `i/type`).
    fn apply_type_with(
        &mut self,
        resolve: &Resolve,
        world: WorldId,
        opts: &Opts,
        used: &mut [bool],
    ) {
        let world_name = &resolve.worlds[world].name;
        let inline_labels = inline_interface_labels(resolve, world);
        for (id, typedef) in resolve.types.iter() {
            let Some(name) = typedef.name.as_deref() else {
                continue;
            };
            if matches!(typedef.kind, TypeDefKind::Type(_)) {
                // An alias follows what it names.
                continue;
            }
            let owners: Vec<String> = match typedef.owner {
                TypeOwner::Interface(iface) => {
                    let iface = &resolve.interfaces[iface];
                    match (iface.package, &iface.name) {
                        (Some(pkg), Some(iface_name)) => {
                            let pkg = &resolve.packages[pkg].name;
                            let unversioned =
                                format!("{}:{}/{iface_name}", pkg.namespace, pkg.name);
                            let versioned = match &pkg.version {
                                Some(version) => format!("{unversioned}@{version}"),
                                None => unversioned.clone(),
                            };
                            vec![versioned, unversioned]
                        }
                        (_, None) => match inline_labels.get(&typedef.owner) {
                            // Bare, as wit-bindgen names it; or under the label.
                            Some(label) => vec![String::new(), label.clone()],
                            None => Vec::new(),
                        },
                        (None, Some(_)) => Vec::new(),
                    }
                }
                TypeOwner::World(owner) if owner == world => vec![world_name.clone()],
                TypeOwner::World(_) | TypeOwner::None => Vec::new(),
            };
            let Some(index) = opts.with.iter().position(|entry| {
                let key = ident::unescape_wit(&entry.key);
                owners.iter().any(|owner| match owner.as_str() {
                    "" => *key == *name,
                    owner => *key == format!("{owner}/{name}"),
                })
            }) else {
                continue;
            };
            used[index] = true;
            let WithMapping::Path(path) = &opts.with[index].mapping else {
                continue;
            };
            let alias = ident::ident(&format!("__with_type{}", self.remapped_types.len()));
            let remap = Remap {
                alias,
                path: path.clone(),
            };
            self.remapped_types.push((id, remap));
        }
    }
}

/// The import of the `with` entry that names `module`: its index, and the
/// interface name to append to its path when the entry names the package.
fn match_with(
    resolve: &Resolve,
    opts: &Opts,
    module: &InterfaceModule,
) -> Option<(usize, Option<String>)> {
    let iface = &resolve.interfaces[module.interface];
    let by_interface = match (&module.key, iface.package) {
        (WorldKey::Interface(_), Some(pkg)) => {
            let pkg_name = &resolve.packages[pkg].name;
            let iface_name = iface.name.clone().unwrap_or_default();
            Some((
                format!("{}:{}/{iface_name}", pkg_name.namespace, pkg_name.name),
                format!("{}:{}", pkg_name.namespace, pkg_name.name),
                pkg_name.to_string(),
                iface_name,
            ))
        }
        _ => None,
    };
    opts.with.iter().enumerate().find_map(|(index, entry)| {
        let key = ident::unescape_wit(&entry.key);
        if *key == module.wasm_name {
            return Some((index, None));
        }
        let (unversioned, package, versioned_package, iface_name) = by_interface.as_ref()?;
        if *key == *unversioned {
            Some((index, None))
        } else if *key == *package || *key == *versioned_package {
            Some((index, Some(iface_name.clone())))
        } else {
            None
        }
    })
}

/// The labels of the interfaces `world` defines inline (`import i:
/// interface { .. }`), by owner.
fn inline_interface_labels(resolve: &Resolve, world: WorldId) -> HashMap<TypeOwner, String> {
    let world = &resolve.worlds[world];
    world
        .imports
        .iter()
        .chain(world.exports.iter())
        .filter_map(|(key, item)| match (key, item) {
            (WorldKey::Name(label), WorldItem::Interface { id, .. })
                if resolve.interfaces[*id].name.is_none() =>
            {
                Some((TypeOwner::Interface(*id), label.clone()))
            }
            _ => None,
        })
        .collect()
}
