//! Checks of witbind's own component-type encoder
//! ([`witbind_codegen::component_type`]): the bytes decode, the way the
//! component linker decodes them (`wit_component::metadata::decode` on a
//! core module carrying the section), to the world that was encoded, and
//! to the same world as wit-component's own encoder gives.

use std::fmt::Write as _;

use anyhow::{bail, Context, Result};
use witbind_codegen::wit_parser::{
    Function, Handle, Resolve, Type, TypeDefKind, TypeId, World, WorldId, WorldItem, WorldKey,
};
use witbind_codegen::Contents;

/// Checks `world` encoded whole and encoded as its imports only.
pub fn check_world(resolve: &Resolve, world: WorldId) -> Result<()> {
    for contents in [Contents::World, Contents::ImportsOnly] {
        check(resolve, world, contents).with_context(|| {
            format!(
                "the component type of {} ({contents:?})",
                world_name(resolve, world)
            )
        })?;
    }
    Ok(())
}

fn check(resolve: &Resolve, world: WorldId, contents: Contents) -> Result<()> {
    let ours = witbind_codegen::component_type(resolve, world, contents)?;
    let (decoded, decoded_world) = decode(&ours).context("decoding witbind's encoding")?;

    // Against the world that was encoded: every item, type and function.
    let expected = describe(resolve, &resolve.worlds[world], contents);
    let actual = describe(&decoded, &decoded.worlds[decoded_world], Contents::World);
    if expected != actual {
        bail!(
            "decodes to a different world:\n{}",
            crate::line_diff(&expected, &actual, ("expected", "decoded"), 200)
        );
    }

    // Against wit-component's encoder, exactly (down to which interface
    // each type comes from), where it encodes the same thing: it annotates
    // interfaces imported under labels, which witbind leaves out.
    if !has_labelled_interfaces(&resolve.worlds[world]) {
        let (reference, reference_world) = reference_encoding(resolve, world, contents)?;
        let expected = wit_text(&reference, reference_world);
        let actual = wit_text(&decoded, decoded_world);
        if expected != actual {
            bail!(
                "decodes to other WIT than wit-component's encoding:\n{}",
                crate::line_diff(&expected, &actual, ("expected", "decoded"), 200)
            );
        }
    }
    Ok(())
}

/// What the component linker does with a `component-type:` section: finds
/// it in a core module and decodes it.
fn decode(section: &[u8]) -> Result<(Resolve, WorldId)> {
    let mut module = wasm_encoder::Module::new();
    module.section(&wasm_encoder::CustomSection {
        name: "component-type:check".into(),
        data: section.into(),
    });
    let (_, bindgen) = wit_component::metadata::decode(&module.finish())?;
    Ok((bindgen.resolve, bindgen.world))
}

/// `world` (or its imports) encoded by wit-component, decoded.
fn reference_encoding(
    resolve: &Resolve,
    world: WorldId,
    contents: Contents,
) -> Result<(Resolve, WorldId)> {
    let mut resolve = resolve.clone();
    let world = match contents {
        Contents::World => world,
        Contents::ImportsOnly => {
            let original = &resolve.worlds[world];
            let imports_only = World {
                name: format!("{}-imports", original.name),
                exports: Default::default(),
                ..original.clone()
            };
            resolve.worlds.alloc(imports_only)
        }
    };
    let bytes = wit_component::metadata::encode(
        &resolve,
        world,
        wit_component::StringEncoding::UTF8,
        None,
        false,
    )?;
    decode(&bytes).context("decoding wit-component's encoding")
}

fn has_labelled_interfaces(world: &World) -> bool {
    world
        .imports
        .iter()
        .chain(&world.exports)
        .any(|(key, item)| {
            matches!(
                (key, item),
                (WorldKey::Name(_), WorldItem::Interface { .. })
            )
        })
}

/// Every package of `resolve` as WIT, the world's package last.
fn wit_text(resolve: &Resolve, world: WorldId) -> String {
    let main = resolve.worlds[world]
        .package
        .expect("decoded worlds have a package");
    let mut nested: Vec<_> = resolve
        .packages
        .iter()
        .map(|(id, _)| id)
        .filter(|id| *id != main)
        .collect();
    nested.sort_by_key(|id| resolve.packages[*id].name.to_string());
    let mut printer = wit_component::WitPrinter::default();
    printer
        .print(resolve, main, &nested)
        .expect("printing decoded WIT");
    printer.output.to_string()
}

fn world_name(resolve: &Resolve, world: WorldId) -> String {
    let world = &resolve.worlds[world];
    match world.package {
        Some(package) => resolve.id_of_name(package, &world.name),
        None => world.name.clone(),
    }
}

/// The world's items as text: each import and export with its types
/// (structure spelled out, named types by name) and functions. What an
/// encoding must keep; the WIT names of interfaces under labels and of
/// the world are not part of it.
fn describe(resolve: &Resolve, world: &World, contents: Contents) -> String {
    let mut text = String::new();
    let sides = [("import", &world.imports), ("export", &world.exports)];
    let take = match contents {
        Contents::World => 2,
        Contents::ImportsOnly => 1,
    };
    for (direction, items) in sides.into_iter().take(take) {
        for (key, item) in items {
            let name = resolve.name_world_key(key);
            match item {
                WorldItem::Interface { id, .. } => {
                    let interface = &resolve.interfaces[*id];
                    writeln!(text, "{direction} {name} {{").unwrap();
                    for ty in interface.types.values() {
                        writeln!(text, "  {}", definition(resolve, *ty)).unwrap();
                    }
                    for (name, func) in &interface.functions {
                        writeln!(text, "  {name}: {}", function(resolve, func)).unwrap();
                    }
                    writeln!(text, "}}").unwrap();
                }
                WorldItem::Function(func) => {
                    writeln!(text, "{direction} {name}: {}", function(resolve, func)).unwrap()
                }
                WorldItem::Type { id, .. } => {
                    writeln!(text, "{direction} {}", definition(resolve, *id)).unwrap()
                }
            }
        }
    }
    text
}

fn function(resolve: &Resolve, func: &Function) -> String {
    let params: Vec<String> = func
        .params
        .iter()
        .map(|param| format!("{}: {}", param.name, reference(resolve, &param.ty)))
        .collect();
    let asyncness = if func.kind.is_async() { "async " } else { "" };
    let mut text = format!("{asyncness}func({})", params.join(", "));
    if let Some(result) = &func.result {
        write!(text, " -> {}", reference(resolve, result)).unwrap();
    }
    text
}

/// `type <name> = <structure>` of a named type.
fn definition(resolve: &Resolve, id: TypeId) -> String {
    let def = &resolve.types[id];
    let name = def.name.as_deref().unwrap_or("<anonymous>");
    format!("type {name} = {}", structure(resolve, id))
}

/// A type where it is used: named types by name, the rest spelled out.
fn reference(resolve: &Resolve, ty: &Type) -> String {
    match ty {
        Type::Id(id) => match &resolve.types[*id].name {
            Some(name) => name.clone(),
            None => structure(resolve, *id),
        },
        primitive => format!("{primitive:?}").to_lowercase(),
    }
}

fn structure(resolve: &Resolve, id: TypeId) -> String {
    let r = |ty: &Type| reference(resolve, ty);
    let optional = |ty: &Option<Type>| ty.as_ref().map_or("_".to_string(), r);
    let resource = |id: &TypeId| resolve.types[*id].name.clone().unwrap_or_default();
    match &resolve.types[id].kind {
        TypeDefKind::Record(record) => {
            let fields: Vec<String> = record
                .fields
                .iter()
                .map(|field| format!("{}: {}", field.name, r(&field.ty)))
                .collect();
            format!("record {{ {} }}", fields.join(", "))
        }
        TypeDefKind::Variant(variant) => {
            let cases: Vec<String> = variant
                .cases
                .iter()
                .map(|case| format!("{}({})", case.name, optional(&case.ty)))
                .collect();
            format!("variant {{ {} }}", cases.join(", "))
        }
        TypeDefKind::Enum(enum_) => {
            let cases: Vec<&str> = enum_.cases.iter().map(|case| case.name.as_str()).collect();
            format!("enum {{ {} }}", cases.join(", "))
        }
        TypeDefKind::Flags(flags) => {
            let flags: Vec<&str> = flags.flags.iter().map(|flag| flag.name.as_str()).collect();
            format!("flags {{ {} }}", flags.join(", "))
        }
        TypeDefKind::Tuple(tuple) => {
            let types: Vec<String> = tuple.types.iter().map(r).collect();
            format!("tuple<{}>", types.join(", "))
        }
        TypeDefKind::Option(ty) => format!("option<{}>", r(ty)),
        TypeDefKind::Result(result) => {
            format!(
                "result<{}, {}>",
                optional(&result.ok),
                optional(&result.err)
            )
        }
        TypeDefKind::List(ty) => format!("list<{}>", r(ty)),
        TypeDefKind::FixedLengthList(ty, len) => format!("list<{}, {len}>", r(ty)),
        TypeDefKind::Map(key, value) => format!("map<{}, {}>", r(key), r(value)),
        TypeDefKind::Future(ty) => format!("future<{}>", optional(ty)),
        TypeDefKind::Stream(ty) => format!("stream<{}>", optional(ty)),
        TypeDefKind::Handle(Handle::Own(id)) => format!("own<{}>", resource(id)),
        TypeDefKind::Handle(Handle::Borrow(id)) => format!("borrow<{}>", resource(id)),
        TypeDefKind::Resource => "resource".to_string(),
        TypeDefKind::Type(ty) => r(ty),
        TypeDefKind::Unknown => "unknown".to_string(),
    }
}
