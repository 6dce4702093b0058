//! `with`: imported interfaces taken from existing bindings (another
//! crate's, or another `generate!`'s) instead of being generated, as in
//! wit-bindgen. Each becomes a root-level alias (`use path as __with_name0;`)
//! that the module paths of its types point through.

use proc_macro2::TokenStream;
use quote::quote;
use wit_bindgen_core::wit_parser::{InterfaceId, TypeId, TypeOwner, WorldItem, WorldKey};

use crate::context::{Cx, ModulePath};
use crate::error::Error;
use crate::names;
use crate::opts::WithMapping;

impl Cx<'_> {
    /// Points every import named in `opts.with` at its Rust path, through a
    /// root-level alias (`use path as __with0;`) so that paths from nested
    /// modules stay relative.
    pub(crate) fn apply_with(&mut self) -> Result<(), Error> {
        let world = &self.resolve.worlds[self.world];
        let mut used = vec![false; self.opts.with.len()];
        let mut aliases = 0;
        for (key, item) in &world.imports {
            let (WorldItem::Interface { id, .. }, WorldKey::Interface(_)) = (item, key) else {
                continue;
            };
            let iface = &self.resolve.interfaces[*id];
            let Some(pkg) = iface.package else { continue };
            let pkg_name = &self.resolve.packages[pkg].name;
            let iface_name = iface.name.as_deref().unwrap_or_default();
            let full = self.resolve.name_world_key(key);
            let unversioned = format!("{}:{}/{iface_name}", pkg_name.namespace, pkg_name.name);
            let package = format!("{}:{}", pkg_name.namespace, pkg_name.name);
            let versioned_package = pkg_name.to_string();
            let found = self
                .opts
                .with
                .iter()
                .enumerate()
                .find_map(|(i, (with_key, mapping))| {
                    let with_key = names::unescape_wit(with_key);
                    if *with_key == full || *with_key == unversioned {
                        Some((i, mapping.clone(), None))
                    } else if *with_key == package || *with_key == versioned_package {
                        Some((i, mapping.clone(), Some(iface_name)))
                    } else {
                        None
                    }
                });
            let Some((index, mapping, suffix)) = found else {
                continue;
            };
            used[index] = true;
            let WithMapping::Path(path) = mapping else {
                continue;
            };
            let mut path: syn::Path = syn::parse_str(&path).map_err(|e| {
                Error::new(format!(
                    "invalid `with` path `{path}` for `{}`: {e}\n  help: give a Rust path such as `wasi::io::streams`",
                    self.opts.with[index].0
                ))
            })?;
            if let Some(iface_name) = suffix {
                path.segments.push(names::module(iface_name).into());
            }
            let alias = names::ident(&format!("__with_name{aliases}"));
            aliases += 1;
            self.remapped.insert(
                *id,
                quote! {
                    #[allow(unused_imports)]
                    use #path as #alias;
                },
            );
            self.imports.insert(*id, ModulePath(vec![alias]));
        }
        let unused: Vec<&str> = self
            .opts
            .with
            .iter()
            .zip(&used)
            .filter(|(_, used)| !**used)
            .map(|((key, _), _)| key.as_str())
            .collect();
        if !unused.is_empty() {
            let mut imports: Vec<String> = world
                .imports
                .iter()
                .filter(|(_, item)| matches!(item, WorldItem::Interface { .. }))
                .map(|(key, _)| self.resolve.name_world_key(key))
                .collect();
            imports.sort();
            return Err(Error::new(format!(
                "`with` names interfaces the world does not import: {}\n  help: the world imports {}",
                unused.join(", "),
                imports.join(", ")
            )));
        }
        Ok(())
    }

    /// Whether interface `id` comes from elsewhere (`with`).
    pub(crate) fn is_remapped(&self, id: InterfaceId) -> bool {
        self.remapped.contains_key(&id)
    }

    /// Whether type `id` belongs to an interface that comes from elsewhere:
    /// its handles are then reached through wit-bindgen's public
    /// `from_handle`/`take_handle`/`handle` methods.
    pub(crate) fn is_remapped_type(&self, id: TypeId) -> bool {
        let id = wit_bindgen_core::dealias(self.resolve, id);
        match self.resolve.types[id].owner {
            TypeOwner::Interface(iface) => {
                !self.export_side(iface) && !self.in_own_scope(iface) && self.is_remapped(iface)
            }
            TypeOwner::World(_) | TypeOwner::None => false,
        }
    }

    /// The root-level aliases of interfaces taken from elsewhere.
    pub(crate) fn expand_with_aliases(&self) -> TokenStream {
        let mut aliases: Vec<(&ModulePath, &TokenStream)> = self
            .remapped
            .iter()
            .map(|(id, alias)| (&self.imports[id], alias))
            .collect();
        aliases.sort_by_key(|(path, _)| path.0[0].to_string());
        aliases
            .into_iter()
            .map(|(_, alias)| alias.clone())
            .collect()
    }
}
