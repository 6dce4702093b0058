//! The component type: the world encoded into the bytes of a
//! `component-type:` custom section, which the linker (`wasm-component-ld`)
//! decodes (with wit-parser's decoder) to turn the core module into a
//! component. Encoded on `wasm-encoder`, in the layout that decoder reads:
//!
//! ```text
//! (component
//!   (@custom "wit-component-encoding" "\04\00")  ;; format 4, UTF-8 strings
//!   (type (component                              ;; type 0
//!     (type (component <the world>))
//!     (export "ns:pkg/world" (component (type 0)))))
//!   (export "world" (type 0))
//!   (@producers (processed-by "witbind" "<version>")))
//! ```
//!
//! The world is a component type that imports and exports one instance per
//! interface (its types exported from it, with `eq` bounds or as resources;
//! types of other interfaces aliased from their own instance), and its own
//! functions and types.

use std::collections::HashMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use wasm_encoder::{
    Alias, ComponentBuilder, ComponentDefinedTypeEncoder, ComponentExportKind, ComponentExternName,
    ComponentFuncTypeEncoder, ComponentOuterAliasKind, ComponentType, ComponentTypeRef,
    ComponentValType, CustomSection, Encode, InstanceType, PrimitiveValType, ProducersField,
    ProducersSection, TypeBounds,
};
use wit_bindgen_core::wit_parser::{
    Function, Handle, InterfaceId, Resolve, Type, TypeDef, TypeDefKind, TypeId, TypeOwner, WorldId,
    WorldItem, WorldKey,
};

use crate::error::Error;
use crate::prim::{self, Class, Prim};

/// What a component-type section describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contents {
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

/// The encoded component type of `world` (or of its imports): the bytes of
/// a `component-type:` custom section, as `wasm-component-ld` reads them.
///
/// An interface imported or exported under a label of its own
/// (`import primary: store;`) is an instance named `primary` holding
/// `store`'s types and functions, without the `implements` annotation of
/// newer encodings, which the `wasm-component-ld` of the Rust toolchains
/// witbind supports cannot decode.
pub fn component_type(
    resolve: &Resolve,
    world: WorldId,
    contents: Contents,
) -> Result<Vec<u8>, Error> {
    let definition = &resolve.worlds[world];
    let Some(package) = definition.package else {
        return Err(Error::new(format!(
            "world `{}` belongs to no package, so it has no name to encode its component type under",
            definition.name
        )));
    };
    let name = match contents {
        Contents::World => definition.name.clone(),
        Contents::ImportsOnly => format!("{}-imports", definition.name),
    };
    let world_type = Encoder::new(resolve).world(world, contents)?;
    let mut wrapper = ComponentType::new();
    wrapper.ty().component(&world_type);
    wrapper.export(
        resolve.id_of_name(package, &name),
        ComponentTypeRef::Component(0),
    );

    let mut component = ComponentBuilder::default();
    component.custom_section(&CustomSection {
        name: "wit-component-encoding".into(),
        // Format 4 (what every decoder since 2023 reads), strings in UTF-8.
        data: [0x04, 0x00][..].into(),
    });
    let ty = component.type_component(None, &wrapper);
    component.export(name.as_str(), ComponentExportKind::Type, ty, None);
    let mut producers = ProducersSection::new();
    producers.field(
        "processed-by",
        ProducersField::new().value("witbind", env!("CARGO_PKG_VERSION")),
    );
    let mut section = Vec::new();
    producers.encode(&mut section);
    component.raw_custom_section(&section);
    Ok(component.finish())
}

/// What one index space holds already, so that each type and function type
/// is defined once in it.
#[derive(Default)]
struct Defined<'a> {
    types: HashMap<TypeId, u32>,
    /// Anonymous types by their definition: the same `list<u8>` used in two
    /// places is one type.
    anonymous: HashMap<&'a TypeDefKind, u32>,
    /// Function types by what makes them equal: async or not, parameter
    /// names and types, result.
    functions: HashMap<FunctionKey<'a>, u32>,
}

/// Async or not, parameter names and types, result.
type FunctionKey<'a> = (bool, Vec<(&'a str, Type)>, Option<Type>);

impl<'a> Defined<'a> {
    fn get(&self, id: TypeId, def: &'a TypeDef) -> Option<u32> {
        let anonymous = || match def.name {
            None => self.anonymous.get(&def.kind).copied(),
            Some(_) => None,
        };
        self.types.get(&id).copied().or_else(anonymous)
    }

    fn insert(&mut self, id: TypeId, def: &'a TypeDef, index: u32) {
        self.types.insert(id, index);
        if def.name.is_none() {
            self.anonymous.insert(&def.kind, index);
        }
    }
}

/// The instance type being built for an interface.
struct Instance<'a> {
    ty: InstanceType,
    interface: InterfaceId,
    defined: Defined<'a>,
}

/// Builds the component type of a world.
struct Encoder<'a> {
    resolve: &'a Resolve,
    world: ComponentType,
    /// What the world's index space holds.
    defined: Defined<'a>,
    /// The instance type being built, while one is.
    instance: Option<Instance<'a>>,
    /// Interfaces imported or exported under their own name: their instance.
    instances: HashMap<InterfaceId, u32>,
    /// Types of interfaces aliased into the world's index space.
    aliases: HashMap<TypeId, u32>,
    /// Whether named types of the world's own index space are imported (the
    /// world's types) rather than exported.
    importing: bool,
}

impl<'a> Encoder<'a> {
    fn new(resolve: &'a Resolve) -> Self {
        Encoder {
            resolve,
            world: ComponentType::new(),
            defined: Defined::default(),
            instance: None,
            instances: HashMap::new(),
            aliases: HashMap::new(),
            importing: false,
        }
    }

    fn world(mut self, world: WorldId, contents: Contents) -> Result<ComponentType, Error> {
        let world = &self.resolve.worlds[world];
        for (key, item) in &world.imports {
            self.item(key, item, true)?;
        }
        if contents == Contents::World {
            for (key, item) in &world.exports {
                self.item(key, item, false)?;
            }
        }
        Ok(self.world)
    }

    /// Imports (or exports) one item of the world.
    fn item(&mut self, key: &WorldKey, item: &'a WorldItem, import: bool) -> Result<(), Error> {
        let name = self.resolve.name_world_key(key);
        let (ty, external_id) = match item {
            WorldItem::Interface {
                id, external_id, ..
            } => {
                let ty = self.interface(*id)?;
                if let WorldKey::Interface(_) = key {
                    self.instances.insert(*id, self.world.instance_count());
                }
                (ComponentTypeRef::Instance(ty), external_id)
            }
            WorldItem::Function(func) => (
                ComponentTypeRef::Func(self.function(func)?),
                &func.external_id,
            ),
            WorldItem::Type { id, .. } => {
                if !import {
                    return Err(Error::new(format!(
                        "a world cannot export the type `{name}`"
                    )));
                }
                self.importing = true;
                let result = self.type_index(*id);
                self.importing = false;
                return result.map(drop);
            }
        };
        let name = extern_name(&name, external_id.as_deref());
        if import {
            self.world.import(name, ty);
        } else {
            self.world.export(name, ty);
        }
        Ok(())
    }

    /// Defines the instance type of `interface` in the world; its index.
    fn interface(&mut self, interface: InterfaceId) -> Result<u32, Error> {
        self.instance = Some(Instance {
            ty: InstanceType::new(),
            interface,
            defined: Defined::default(),
        });
        let definition = &self.resolve.interfaces[interface];
        for ty in definition.types.values() {
            self.type_index(*ty)?;
        }
        for (name, func) in &definition.functions {
            let ty = self.function(func)?;
            if let Some(instance) = &mut self.instance {
                let name = extern_name(name, func.external_id.as_deref());
                instance.ty.export(name, ComponentTypeRef::Func(ty));
            }
        }
        let index = self.world.type_count();
        if let Some(instance) = self.instance.take() {
            self.world.ty().instance(&instance.ty);
        }
        Ok(index)
    }

    fn defined(&mut self) -> &mut Defined<'a> {
        match &mut self.instance {
            Some(instance) => &mut instance.defined,
            None => &mut self.defined,
        }
    }

    /// A new type in the current index space: its index and its encoder.
    fn define(&mut self) -> (u32, ComponentDefinedTypeEncoder<'_>) {
        match &mut self.instance {
            Some(instance) => (instance.ty.type_count(), instance.ty.ty().defined_type()),
            None => (self.world.type_count(), self.world.ty().defined_type()),
        }
    }

    /// A new type in the current index space, defined by `define`; its
    /// index.
    fn define_with(&mut self, define: impl FnOnce(ComponentDefinedTypeEncoder<'_>)) -> u32 {
        let (index, encoder) = self.define();
        define(encoder);
        index
    }

    /// A new function type in the current index space.
    fn define_function(&mut self) -> (u32, ComponentFuncTypeEncoder<'_>) {
        match &mut self.instance {
            Some(instance) => (instance.ty.type_count(), instance.ty.ty().function()),
            None => (self.world.type_count(), self.world.ty().function()),
        }
    }

    /// Gives a type a name (`bounds`: equal to a type, or a fresh
    /// resource): exported from the instance being built, or imported or
    /// exported by the world. The named type's index.
    fn name_type(&mut self, name: ComponentExternName<'_>, bounds: TypeBounds) -> u32 {
        let ty = ComponentTypeRef::Type(bounds);
        match &mut self.instance {
            Some(instance) => {
                let index = instance.ty.type_count();
                instance.ty.export(name, ty);
                index
            }
            None => {
                let index = self.world.type_count();
                if self.importing {
                    self.world.import(name, ty);
                } else {
                    self.world.export(name, ty);
                }
                index
            }
        }
    }

    /// The index of `id`, a named type of `owner`, aliased from `owner`'s
    /// instance (into the world, then into the instance being built).
    fn alias(&mut self, owner: InterfaceId, id: TypeId) -> Result<u32, Error> {
        let in_world = match self.aliases.get(&id) {
            Some(index) => *index,
            None => {
                let def = &self.resolve.types[id];
                let (Some(instance), Some(name)) = (self.instances.get(&owner), &def.name) else {
                    let owner = self.resolve.id_of(owner);
                    return Err(Error::new(format!(
                        "a type of interface `{}` is used, but the world does not import or export that interface",
                        owner.as_deref().unwrap_or("<anonymous>")
                    )));
                };
                let index = self.world.type_count();
                self.world.alias(Alias::InstanceExport {
                    instance: *instance,
                    kind: ComponentExportKind::Type,
                    name,
                });
                self.aliases.insert(id, index);
                index
            }
        };
        Ok(match &mut self.instance {
            Some(instance) => {
                let index = instance.ty.type_count();
                instance.ty.alias(Alias::Outer {
                    kind: ComponentOuterAliasKind::Type,
                    count: 1,
                    index: in_world,
                });
                index
            }
            None => in_world,
        })
    }

    /// The function type of `func` in the current index space.
    fn function(&mut self, func: &'a Function) -> Result<u32, Error> {
        let is_async = func.kind.is_async();
        let params: Vec<(&str, Type)> = func
            .params
            .iter()
            .map(|p| (p.name.as_str(), p.ty))
            .collect();
        let key = (is_async, params, func.result);
        if let Some(index) = self.defined().functions.get(&key) {
            return Ok(*index);
        }
        let params = key
            .1
            .iter()
            .map(|(name, ty)| Ok((*name, self.valtype(ty)?)))
            .collect::<Result<Vec<_>, Error>>()?;
        let result = func
            .result
            .as_ref()
            .map(|ty| self.valtype(ty))
            .transpose()?;
        let (index, mut encoder) = self.define_function();
        encoder.async_(is_async).params(params).result(result);
        self.defined().functions.insert(key, index);
        Ok(index)
    }

    fn valtype(&mut self, ty: &Type) -> Result<ComponentValType, Error> {
        let primitive = match prim::class(ty) {
            Class::Id(id) => return self.id_valtype(id),
            Class::String => PrimitiveValType::String,
            Class::ErrorContext => PrimitiveValType::ErrorContext,
            Class::Prim(prim) => primitive(prim),
        };
        Ok(ComponentValType::Primitive(primitive))
    }

    /// The index of a type that must have one (a resource, as handles need).
    fn type_index(&mut self, id: TypeId) -> Result<u32, Error> {
        match self.id_valtype(id)? {
            ComponentValType::Type(index) => Ok(index),
            // An anonymous alias of a primitive type: only a name would
            // give it an index of its own.
            ComponentValType::Primitive(_) => Err(Error::new(format!(
                "type `{}` has no index in the component type",
                self.resolve.types[id]
                    .name
                    .as_deref()
                    .unwrap_or("<anonymous>")
            ))),
        }
    }

    /// `id` in the current index space: defined (once), or aliased from
    /// the interface that owns it.
    fn id_valtype(&mut self, id: TypeId) -> Result<ComponentValType, Error> {
        let def = &self.resolve.types[id];
        if let Some(index) = self.defined().get(id, def) {
            return Ok(ComponentValType::Type(index));
        }
        let current = self.instance.as_ref().map(|instance| instance.interface);
        let valtype = match def.owner {
            TypeOwner::Interface(owner) if Some(owner) != current => {
                ComponentValType::Type(self.alias(owner, id)?)
            }
            TypeOwner::Interface(_) | TypeOwner::World(_) | TypeOwner::None => {
                self.define_type(def)?
            }
        };
        if let ComponentValType::Type(index) = valtype {
            self.defined().insert(id, def, index);
        }
        Ok(valtype)
    }

    /// Defines `def` in the current index space, and names it if it has a
    /// name.
    fn define_type(&mut self, def: &'a TypeDef) -> Result<ComponentValType, Error> {
        let optional =
            |this: &mut Self, ty: &Option<Type>| ty.as_ref().map(|ty| this.valtype(ty)).transpose();
        let index = match &def.kind {
            TypeDefKind::Resource => {
                let name = def.name.as_deref().unwrap_or_default();
                let name = extern_name(name, def.external_id.as_deref());
                return Ok(ComponentValType::Type(
                    self.name_type(name, TypeBounds::SubResource),
                ));
            }
            TypeDefKind::Type(ty) => match (self.valtype(ty)?, &def.name) {
                (ComponentValType::Type(index), _) => index,
                (ComponentValType::Primitive(primitive), Some(_)) => {
                    self.define_with(|encoder| encoder.primitive(primitive))
                }
                (primitive, None) => return Ok(primitive),
            },
            TypeDefKind::Record(record) => {
                let fields = record
                    .fields
                    .iter()
                    .map(|field| Ok((field.name.as_str(), self.valtype(&field.ty)?)))
                    .collect::<Result<Vec<_>, Error>>()?;
                self.define_with(|encoder| encoder.record(fields))
            }
            TypeDefKind::Variant(variant) => {
                let cases = variant
                    .cases
                    .iter()
                    .map(|case| Ok((case.name.as_str(), optional(self, &case.ty)?)))
                    .collect::<Result<Vec<_>, Error>>()?;
                self.define_with(|encoder| encoder.variant(cases))
            }
            TypeDefKind::Tuple(tuple) => {
                let types = tuple
                    .types
                    .iter()
                    .map(|ty| self.valtype(ty))
                    .collect::<Result<Vec<_>, Error>>()?;
                self.define_with(|encoder| encoder.tuple(types))
            }
            TypeDefKind::Flags(flags) => {
                let names = flags.flags.iter().map(|flag| flag.name.as_str());
                self.define_with(|encoder| encoder.flags(names))
            }
            TypeDefKind::Enum(enum_) => {
                let names = enum_.cases.iter().map(|case| case.name.as_str());
                self.define_with(|encoder| encoder.enum_type(names))
            }
            TypeDefKind::Option(ty) => {
                let ty = self.valtype(ty)?;
                self.define_with(|encoder| encoder.option(ty))
            }
            TypeDefKind::Result(result) => {
                let ok = optional(self, &result.ok)?;
                let err = optional(self, &result.err)?;
                self.define_with(|encoder| encoder.result(ok, err))
            }
            TypeDefKind::List(ty) => {
                let ty = self.valtype(ty)?;
                self.define_with(|encoder| encoder.list(ty))
            }
            TypeDefKind::FixedLengthList(ty, len) => {
                let ty = self.valtype(ty)?;
                self.define_with(|encoder| encoder.fixed_length_list(ty, *len))
            }
            TypeDefKind::Map(key, value) => {
                let key = self.valtype(key)?;
                let value = self.valtype(value)?;
                self.define_with(|encoder| encoder.map(key, value))
            }
            TypeDefKind::Future(ty) => {
                let ty = optional(self, ty)?;
                self.define_with(|encoder| encoder.future(ty))
            }
            TypeDefKind::Stream(ty) => {
                let ty = optional(self, ty)?;
                self.define_with(|encoder| encoder.stream(ty))
            }
            TypeDefKind::Handle(Handle::Own(resource)) => {
                let resource = self.type_index(*resource)?;
                self.define_with(|encoder| encoder.own(resource))
            }
            TypeDefKind::Handle(Handle::Borrow(resource)) => {
                let resource = self.type_index(*resource)?;
                self.define_with(|encoder| encoder.borrow(resource))
            }
            TypeDefKind::Unknown => {
                return Err(Error::new(format!(
                    "type `{}` was never defined",
                    def.name.as_deref().unwrap_or("<anonymous>")
                )))
            }
        };
        Ok(ComponentValType::Type(match &def.name {
            Some(name) => self.name_type(
                extern_name(name, def.external_id.as_deref()),
                TypeBounds::Eq(index),
            ),
            None => index,
        }))
    }
}

/// The component model's name of a number, `bool` or `char`.
fn primitive(prim: Prim) -> PrimitiveValType {
    match prim {
        Prim::Bool => PrimitiveValType::Bool,
        Prim::U8 => PrimitiveValType::U8,
        Prim::S8 => PrimitiveValType::S8,
        Prim::U16 => PrimitiveValType::U16,
        Prim::S16 => PrimitiveValType::S16,
        Prim::U32 => PrimitiveValType::U32,
        Prim::S32 => PrimitiveValType::S32,
        Prim::U64 => PrimitiveValType::U64,
        Prim::S64 => PrimitiveValType::S64,
        Prim::F32 => PrimitiveValType::F32,
        Prim::F64 => PrimitiveValType::F64,
        Prim::Char => PrimitiveValType::Char,
    }
}

/// A plain import or export name, with its external id if WIT gives one.
fn extern_name<'n>(name: &'n str, external_id: Option<&'n str>) -> ComponentExternName<'n> {
    ComponentExternName {
        name: name.into(),
        implements: None,
        version_suffix: None,
        external_id: external_id.map(Into::into),
    }
}
