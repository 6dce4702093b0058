//! The component type: the world encoded by `wit-component` into the bytes
//! of a `component-type:` custom section, which the linker
//! (`wasm-component-ld`) reads to turn the core module into a component.

use std::collections::HashMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use wit_bindgen_core::wit_parser::{
    Function, FunctionKind, Handle, Interface, InterfaceId, Resolve, Type, TypeDefKind, TypeId,
    TypeOwner, World, WorldId, WorldItem, WorldKey,
};

use crate::error::Error;

/// What a component-type section describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Contents {
    /// The whole world.
    World,
    /// Only the world's imports (for bindings whose exports another crate
    /// implements).
    ImportsOnly,
}

/// A `#[used]` static holding the encoded type of `world` (or of its
/// imports), in a `component-type:` custom section named after the world
/// and `suffix`, unique so that several bindings can share a binary.
pub(crate) fn component_type_section(
    resolve: &Resolve,
    world: WorldId,
    contents: Contents,
    suffix: &str,
) -> Result<TokenStream, Error> {
    let bytes = component_type(resolve, world, contents)?;
    let world = &resolve.worlds[world];
    let id = match world.package {
        Some(pkg) => resolve.id_of_name(pkg, &world.name),
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
        // SAFETY: a `component-type:` custom section holds data only (this world's encoded
        // component type), which the component linker reads and removes; no code reads the static
        // or runs from the section.
        #[unsafe(link_section = #section)]
        // Not `#[used]`: that makes rustc also place a copy of the bytes in
        // the module's data (memory the component would load for nothing).
        // Statics are always emitted, and the section reaches the linker
        // with the object file, which `__link_custom_section_describing_imports`
        // makes sure is linked.
        #[doc(hidden)]
        #[allow(dead_code, clippy::octal_escapes)]
        static __WITBIND_COMPONENT_TYPE: [u8; #len] = *#bytes;
    })
}

/// The encoded component type of `world`.
///
/// An interface imported or exported under a label of its own
/// (`import primary: store;`) is encoded as an instance named `primary`
/// whose type is a copy of `store`, without the `implements` annotation of
/// newer component-model encodings: the `wasm-component-ld` of the Rust
/// toolchains witbind supports cannot decode that annotation and fails to
/// link. The instance, its functions and its types are the same.
fn component_type(resolve: &Resolve, world: WorldId, contents: Contents) -> Result<Vec<u8>, Error> {
    let mut copy = None;
    let labelled = labelled_interfaces(resolve, world);
    if contents == Contents::ImportsOnly || !labelled.is_empty() {
        let mut resolve = resolve.clone();
        let mut new_world = resolve.worlds[world].clone();
        for (export, key, id) in labelled {
            let anonymous = copy_interface_anonymously(&mut resolve, id);
            let items = if export {
                &mut new_world.exports
            } else {
                &mut new_world.imports
            };
            if let Some(WorldItem::Interface { id, .. }) = items.get_mut(&key) {
                *id = anonymous;
            }
        }
        if contents == Contents::ImportsOnly {
            new_world = World {
                name: format!("{}-imports", new_world.name),
                exports: Default::default(),
                ..new_world
            };
        }
        let new_world = resolve.worlds.alloc(new_world);
        copy = Some((resolve, new_world));
    }
    let (resolve, world) = match &copy {
        Some((resolve, world)) => (resolve, *world),
        None => (resolve, world),
    };
    wit_component::metadata::encode(
        resolve,
        world,
        wit_component::StringEncoding::UTF8,
        None,
        false,
    )
    .map_err(|e| {
        Error::from_chain(
            &e,
            Some("the world could not be encoded as a component type"),
        )
    })
}

/// The named interfaces the world imports or exports under a label:
/// (exported, key, interface).
fn labelled_interfaces(resolve: &Resolve, world: WorldId) -> Vec<(bool, WorldKey, InterfaceId)> {
    let world = &resolve.worlds[world];
    let imports = world.imports.iter().map(|item| (false, item));
    let exports = world.exports.iter().map(|item| (true, item));
    imports
        .chain(exports)
        .filter_map(|(export, (key, item))| match (key, item) {
            (WorldKey::Name(_), WorldItem::Interface { id, .. })
                if resolve.interfaces[*id].name.is_some() =>
            {
                Some((export, key.clone(), *id))
            }
            _ => None,
        })
        .collect()
}

/// Adds an anonymous copy of interface `id` (same package, types and
/// functions, the types owned by the copy) and returns it.
fn copy_interface_anonymously(resolve: &mut Resolve, id: InterfaceId) -> InterfaceId {
    let original = resolve.interfaces[id].clone();
    let copy = resolve.interfaces.alloc(Interface {
        name: None,
        types: Default::default(),
        functions: Default::default(),
        ..original.clone()
    });
    let mut copier = Copier {
        map: HashMap::new(),
    };
    // First the new ids, so that types may refer to each other.
    for ty in original.types.values() {
        let mut def = resolve.types[*ty].clone();
        def.owner = TypeOwner::Interface(copy);
        let new = resolve.types.alloc(def);
        copier.map.insert(*ty, new);
    }
    let mut types = original.types.clone();
    for ty in types.values_mut() {
        let new = copier.map[ty];
        let kind = copier.kind(resolve, resolve.types[new].kind.clone());
        resolve.types[new].kind = kind;
        *ty = new;
    }
    let functions = original
        .functions
        .iter()
        .map(|(name, func)| (name.clone(), copier.function(resolve, func)))
        .collect();
    let interface = &mut resolve.interfaces[copy];
    interface.types = types;
    interface.functions = functions;
    copy
}

/// Rewrites types that refer to an interface's types into types that refer
/// to its copy's, copying the anonymous types (lists, options, handles, ...)
/// on the way.
struct Copier {
    /// Original type → its copy, for named and anonymous types alike.
    map: HashMap<TypeId, TypeId>,
}

impl Copier {
    fn function(&mut self, resolve: &mut Resolve, func: &Function) -> Function {
        let mut func = func.clone();
        for param in &mut func.params {
            param.ty = self.ty(resolve, param.ty);
        }
        func.result = func.result.map(|ty| self.ty(resolve, ty));
        let mapped = |id: TypeId| self.map.get(&id).copied().unwrap_or(id);
        func.kind = match func.kind {
            FunctionKind::Freestanding => FunctionKind::Freestanding,
            FunctionKind::AsyncFreestanding => FunctionKind::AsyncFreestanding,
            FunctionKind::Getter => FunctionKind::Getter,
            FunctionKind::Setter => FunctionKind::Setter,
            FunctionKind::Method(id) => FunctionKind::Method(mapped(id)),
            FunctionKind::AsyncMethod(id) => FunctionKind::AsyncMethod(mapped(id)),
            FunctionKind::MethodGetter(id) => FunctionKind::MethodGetter(mapped(id)),
            FunctionKind::MethodSetter(id) => FunctionKind::MethodSetter(mapped(id)),
            FunctionKind::Static(id) => FunctionKind::Static(mapped(id)),
            FunctionKind::AsyncStatic(id) => FunctionKind::AsyncStatic(mapped(id)),
            FunctionKind::StaticGetter(id) => FunctionKind::StaticGetter(mapped(id)),
            FunctionKind::StaticSetter(id) => FunctionKind::StaticSetter(mapped(id)),
            FunctionKind::Constructor(id) => FunctionKind::Constructor(mapped(id)),
        };
        func
    }

    fn ty(&mut self, resolve: &mut Resolve, ty: Type) -> Type {
        match crate::prim::type_id(&ty) {
            Some(id) => Type::Id(self.id(resolve, id)),
            None => ty,
        }
    }

    /// `id` itself unless it is (or, for an anonymous type, contains) a
    /// type that was copied.
    fn id(&mut self, resolve: &mut Resolve, id: TypeId) -> TypeId {
        if let Some(copy) = self.map.get(&id) {
            return *copy;
        }
        let def = &resolve.types[id];
        if def.owner != TypeOwner::None {
            // A named type of another interface or of the world.
            return id;
        }
        let kind = def.kind.clone();
        let new_kind = self.kind(resolve, kind.clone());
        let new = if new_kind == kind {
            id
        } else {
            let mut def = resolve.types[id].clone();
            def.kind = new_kind;
            resolve.types.alloc(def)
        };
        self.map.insert(id, new);
        new
    }

    fn kind(&mut self, resolve: &mut Resolve, kind: TypeDefKind) -> TypeDefKind {
        match kind {
            TypeDefKind::Record(mut record) => {
                for field in &mut record.fields {
                    field.ty = self.ty(resolve, field.ty);
                }
                TypeDefKind::Record(record)
            }
            TypeDefKind::Variant(mut variant) => {
                for case in &mut variant.cases {
                    case.ty = case.ty.map(|ty| self.ty(resolve, ty));
                }
                TypeDefKind::Variant(variant)
            }
            TypeDefKind::Tuple(mut tuple) => {
                for ty in &mut tuple.types {
                    *ty = self.ty(resolve, *ty);
                }
                TypeDefKind::Tuple(tuple)
            }
            TypeDefKind::Result(mut result) => {
                result.ok = result.ok.map(|ty| self.ty(resolve, ty));
                result.err = result.err.map(|ty| self.ty(resolve, ty));
                TypeDefKind::Result(result)
            }
            TypeDefKind::Handle(Handle::Own(id)) => {
                TypeDefKind::Handle(Handle::Own(self.id(resolve, id)))
            }
            TypeDefKind::Handle(Handle::Borrow(id)) => {
                TypeDefKind::Handle(Handle::Borrow(self.id(resolve, id)))
            }
            TypeDefKind::Option(ty) => TypeDefKind::Option(self.ty(resolve, ty)),
            TypeDefKind::List(ty) => TypeDefKind::List(self.ty(resolve, ty)),
            TypeDefKind::Map(key, value) => {
                TypeDefKind::Map(self.ty(resolve, key), self.ty(resolve, value))
            }
            TypeDefKind::FixedLengthList(ty, len) => {
                TypeDefKind::FixedLengthList(self.ty(resolve, ty), len)
            }
            TypeDefKind::Future(ty) => TypeDefKind::Future(ty.map(|ty| self.ty(resolve, ty))),
            TypeDefKind::Stream(ty) => TypeDefKind::Stream(ty.map(|ty| self.ty(resolve, ty))),
            TypeDefKind::Type(ty) => TypeDefKind::Type(self.ty(resolve, ty)),
            kind @ (TypeDefKind::Resource
            | TypeDefKind::Flags(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Unknown) => kind,
        }
    }
}
