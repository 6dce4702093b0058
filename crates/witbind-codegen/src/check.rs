//! The supported-features check: before any code is generated, every
//! function of the world (unless skipped) and every type it can reach is
//! walked, and each construct witbind cannot generate yet is reported with
//! its WIT location and what to do. Generation never meets them.

use std::collections::HashSet;

use wit_bindgen_core::wit_parser::{Function, Span, Type, TypeDefKind, TypeId, WorldItem};

use crate::context::Cx;
use crate::error::{Error, Errors};

/// Rejects what witbind cannot generate yet, every occurrence at once.
pub(crate) fn check_supported(cx: &Cx) -> Result<(), Error> {
    let mut checker = Checker {
        cx,
        errors: Errors::default(),
        seen: HashSet::new(),
        reported: HashSet::new(),
    };
    let world = &cx.resolve.worlds[cx.world];
    for (key, item) in world.imports.iter().chain(world.exports.iter()) {
        let place = cx.resolve.name_world_key(key);
        match item {
            WorldItem::Function(func) => checker.function(func, None),
            WorldItem::Interface { id, .. } => {
                let iface = &cx.resolve.interfaces[*id];
                for func in iface.functions.values() {
                    checker.function(func, Some(&place));
                }
                for ty in iface.types.values() {
                    checker.typedef(*ty, None);
                }
            }
            WorldItem::Type { id, .. } => checker.typedef(*id, None),
        }
    }
    checker.errors.propagate()
}

struct Checker<'a, 'b> {
    cx: &'a Cx<'b>,
    errors: Errors,
    /// Types already walked.
    seen: HashSet<TypeId>,
    /// Messages already given (a construct used in several places is
    /// reported once per place).
    reported: HashSet<String>,
}

/// Where an unsupported construct was met: the function using it (for
/// anonymous types) or the type defining it.
#[derive(Clone, Copy)]
struct Use<'a> {
    what: &'a str,
    span: Span,
    skip_hint: Option<&'a str>,
}

impl Checker<'_, '_> {
    fn function(&mut self, func: &Function, interface: Option<&str>) {
        if self.cx.skipped(func) {
            return;
        }
        let what = match interface {
            Some(interface) => format!("`{interface}#{}`", func.name),
            None => format!("`{}`", func.name),
        };
        let place = Use {
            what: &what,
            span: func.span,
            skip_hint: Some(&func.name),
        };
        let types = func.params.iter().map(|p| p.ty).chain(func.result);
        for ty in types {
            self.ty(&ty, place);
        }
    }

    fn ty(&mut self, ty: &Type, place: Use<'_>) {
        match ty {
            Type::Id(id) => {
                // Named types are reported where they are defined.
                if self.cx.resolve.types[*id].name.is_some() {
                    self.typedef(*id, None);
                } else {
                    self.typedef(*id, Some(place));
                }
            }
            Type::Bool
            | Type::U8
            | Type::U16
            | Type::U32
            | Type::U64
            | Type::S8
            | Type::S16
            | Type::S32
            | Type::S64
            | Type::F32
            | Type::F64
            | Type::Char
            | Type::String
            | Type::ErrorContext => {}
        }
    }

    /// Walks type `id`; `user` is where an anonymous type is used.
    fn typedef(&mut self, id: TypeId, user: Option<Use<'_>>) {
        let def = &self.cx.resolve.types[id];
        let name = def.name.as_ref().map(|name| format!("`{name}`"));
        let place = match (&name, user) {
            (Some(name), _) => Use {
                what: name,
                span: def.span,
                skip_hint: None,
            },
            (None, Some(user)) => user,
            (None, None) => Use {
                what: "a type",
                span: def.span,
                skip_hint: None,
            },
        };
        if !self.seen.insert(id) && name.is_some() {
            return;
        }
        let unsupported = match &def.kind {
            TypeDefKind::Unknown => Some("types of unknown structure"),
            TypeDefKind::Future(_)
            | TypeDefKind::Stream(_)
            | TypeDefKind::Map(..)
            | TypeDefKind::FixedLengthList(..)
            | TypeDefKind::Record(_)
            | TypeDefKind::Resource
            | TypeDefKind::Handle(_)
            | TypeDefKind::Flags(_)
            | TypeDefKind::Tuple(_)
            | TypeDefKind::Variant(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Option(_)
            | TypeDefKind::Result(_)
            | TypeDefKind::List(_)
            | TypeDefKind::Type(_) => None,
        };
        if let Some(what) = unsupported {
            self.report(what, place);
        }
        for child in crate::info::children(self.cx.resolve, id) {
            self.ty(&child, place);
        }
    }

    fn report(&mut self, construct: &str, place: Use<'_>) {
        let location = if place.span.is_known() {
            format!("{}: ", self.cx.resolve.render_location(place.span))
        } else {
            String::new()
        };
        let help = match place.skip_hint {
            Some(name) => format!(
                "leave the function out with `skip: [\"{name}\"]` (CLI: `--skip {name}`), or target a WASI 0.2 world"
            ),
            None => "leave out the functions that use it with `skip` (CLI: `--skip`), or target a WASI 0.2 world".to_string(),
        };
        let message = format!(
            "{location}{}: {construct} are not supported by witbind yet\n  help: {help}",
            place.what
        );
        if self.reported.insert(message.clone()) {
            self.errors.push(message);
        }
    }
}
