//! The names of what lets a test implement the imports natively
//! (`native.rs`): per scope of imports the `Host` trait and its `install`
//! function, a `HostX` trait per imported resource, and the `Host` methods
//! standing for resources' constructors and statics
//! (`[constructor]bucket` → `bucket_new`, `[static]bucket.open` →
//! `bucket_open`). They are named after the WIT items, so they never rename
//! one: a type already called `Host` keeps its name and the trait becomes
//! `Host_`.

use std::collections::{HashMap, HashSet};

use proc_macro2::Ident;
use wit_bindgen_core::wit_parser::{Function, Resolve, TypeDefKind, TypeId};

use super::{unique, Names, Scope};
use crate::ident::{self, prefixed_camel, snake_fragment};

/// The native names of one scope of imports.
pub(crate) struct NativeNames {
    /// The interface's trait: `Host`.
    pub(crate) host: Ident,
    /// The function installing an implementation: `install`.
    pub(crate) install: Ident,
    /// At the root: the function installing the runtime's test WASI for
    /// every WASI interface (`install_test_wasi`).
    pub(crate) test_wasi: Ident,
    /// Each imported resource's trait: `HostBucket`.
    resources: HashMap<TypeId, Ident>,
    /// `Host`'s methods for constructors and statics, by WIT name.
    statics: HashMap<String, Ident>,
}

impl NativeNames {
    /// The trait of imported resource `id`.
    pub(crate) fn resource(&self, id: TypeId) -> &Ident {
        self.resources
            .get(&id)
            .unwrap_or_else(|| unreachable!("every imported resource of the scope is named"))
    }

    /// The `Host` method of constructor or static `func`.
    pub(crate) fn static_fn(&self, func: &Function) -> &Ident {
        self.statics
            .get(&func.name)
            .unwrap_or_else(|| unreachable!("every constructor and static is named"))
    }
}

impl Names {
    /// Names the native items of imports `scope`, whose types (`types`,
    /// those its WIT defines) and functions are named already; `taken`,
    /// the type names of the scope.
    pub(super) fn name_native<'a>(
        &mut self,
        resolve: &Resolve,
        scope: Scope,
        types: impl Iterator<Item = TypeId>,
        functions: impl Iterator<Item = &'a Function>,
        taken: &mut HashSet<String>,
    ) {
        let host = unique(ident::ident("Host"), taken);
        let mut resources = HashMap::new();
        for id in types {
            let typedef = &resolve.types[id];
            if let (TypeDefKind::Resource, Some(name)) = (&typedef.kind, &typedef.name) {
                resources.insert(id, unique(prefixed_camel("Host", name), taken));
            }
        }
        let functions: Vec<&Function> = functions.collect();
        let mut taken_fns: HashSet<String> = functions
            .iter()
            .filter(|func| func.kind.resource().is_none())
            .map(|func| self.function(scope, func).to_string())
            .collect();
        let install = unique(ident::ident("install"), &mut taken_fns);
        let test_wasi = unique(ident::ident("install_test_wasi"), &mut taken_fns);
        let mut statics = HashMap::new();
        for func in functions {
            let Some(resource) = func.kind.resource() else {
                continue;
            };
            if crate::context::takes_self(func) {
                continue;
            }
            let resource = resolve.types[resource]
                .name
                .as_deref()
                .unwrap_or("resource");
            let function = self.function(scope, func).to_string();
            let function = function.trim_start_matches("r#");
            let method = ident::ident(&format!("{}_{function}", snake_fragment(resource)));
            statics.insert(func.name.clone(), unique(method, &mut taken_fns));
        }
        let names = NativeNames {
            host,
            install,
            test_wasi,
            resources,
            statics,
        };
        self.native.insert(scope, names);
    }

    /// The native names of imports `scope`.
    pub(crate) fn native(&self, scope: Scope) -> &NativeNames {
        self.native
            .get(&scope)
            .unwrap_or_else(|| unreachable!("every scope of imports is named"))
    }
}
