//! The supported-features check: before any code is generated, every
//! function of the world (unless skipped) and every type it can reach is
//! walked, and each construct witbind cannot generate yet is reported with
//! its WIT location and what to do. Generation never meets them.

use std::collections::{HashMap, HashSet};

use wit_bindgen_core::wit_parser::{
    Function, Resolve, Span, Type, TypeDefKind, TypeId, WorldId, WorldItem,
};

use crate::context::Cx;
use crate::error::{Error, Errors};
use crate::prim::Class;

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
        let Some(id) = crate::prim::type_id(ty) else {
            return;
        };
        // Named types are reported where they are defined.
        if self.cx.resolve.types[id].name.is_some() {
            self.typedef(id, None);
        } else {
            self.typedef(id, Some(place));
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

/// Rust's limit on one value's size on wasm32 (`isize::MAX` there).
const MAX_WASM32_SIZE: u128 = i32::MAX as u128;

/// Rejects types too large to exist on wasm32 (fixed-length lists of
/// millions of elements): the generated code would not compile, and
/// wit-parser's own size computation fails on the largest without a
/// location. Each is reported where it is written: a named type at its
/// definition, an anonymous one at the function using it.
pub(crate) fn check_sizes(resolve: &Resolve, world: WorldId) -> Result<(), Error> {
    // Every type the bindings write, with what to call it and where.
    let mut uses: Vec<(Type, String, Span)> = Vec::new();
    let function = |func: &Function, uses: &mut Vec<(Type, String, Span)>| {
        for param in &func.params {
            let what = format!("parameter `{}` of `{}`", param.name, func.name);
            uses.push((param.ty, what, func.span));
        }
        if let Some(result) = func.result {
            uses.push((result, format!("the result of `{}`", func.name), func.span));
        }
    };
    let world = &resolve.worlds[world];
    for item in world.imports.values().chain(world.exports.values()) {
        match item {
            WorldItem::Function(func) => function(func, &mut uses),
            WorldItem::Interface { id, .. } => {
                let iface = &resolve.interfaces[*id];
                for func in iface.functions.values() {
                    function(func, &mut uses);
                }
                for ty in iface.types.values() {
                    uses.push((Type::Id(*ty), "a type".into(), resolve.types[*ty].span));
                }
            }
            WorldItem::Type { id, .. } => {
                uses.push((Type::Id(*id), "a type".into(), resolve.types[*id].span));
            }
        }
    }
    let mut sizes = HashMap::new();
    let mut errors = Errors::default();
    let mut reported = HashSet::new();
    for (ty, what, span) in uses {
        let (size, _) = wasm32_layout(resolve, &ty, &mut sizes);
        if size <= MAX_WASM32_SIZE {
            continue;
        }
        // Blame the named type if there is one: it is what to fix.
        let named = crate::prim::type_id(&ty).map(|id| &resolve.types[id]);
        let (what, span) = match named.and_then(|def| Some((def.name.as_deref()?, def.span))) {
            Some((name, span)) => (format!("type `{name}`"), span),
            None => (what, span),
        };
        let location = if span.is_known() {
            format!("{}: ", resolve.render_location(span))
        } else {
            String::new()
        };
        let message = format!(
            "{location}{what} takes {size} bytes on wasm32, more than one value can have \
             there ({MAX_WASM32_SIZE} bytes)\n  help: make the fixed-length list shorter, or \
             use a `list<T>` without a length"
        );
        if reported.insert(message.clone()) {
            errors.push(message);
        }
    }
    errors.propagate()
}

/// The canonical ABI size and alignment of `ty` on wasm32, without
/// overflow (sizes beyond what wasm32 can hold are still computed).
fn wasm32_layout(
    resolve: &Resolve,
    ty: &Type,
    memo: &mut HashMap<TypeId, (u128, u128)>,
) -> (u128, u128) {
    let id = match crate::prim::class(ty) {
        Class::Prim(prim) => {
            let size = prim.size() as u128;
            return (size, size);
        }
        Class::ErrorContext => return (4, 4),
        Class::String => return (8, 4),
        Class::Id(id) => id,
    };
    if let Some(layout) = memo.get(&id) {
        return *layout;
    }
    let align_to = |size: u128, align: u128| size.div_ceil(align) * align;
    let record = |types: &mut dyn Iterator<Item = &Type>, memo: &mut HashMap<_, _>| {
        let (mut size, mut align) = (0u128, 1u128);
        for ty in types {
            let (s, a) = wasm32_layout(resolve, ty, memo);
            size = align_to(size, a).saturating_add(s);
            align = align.max(a);
        }
        (align_to(size, align), align)
    };
    let variant = |cases: usize, payloads: Vec<(u128, u128)>| {
        let tag = match cases {
            0..=256 => 1,
            257..=65536 => 2,
            _ => 4,
        };
        let (payload, payload_align) = payloads
            .into_iter()
            .fold((0u128, 1u128), |(s, a), (ps, pa)| (s.max(ps), a.max(pa)));
        let align = payload_align.max(tag);
        (
            align_to(align_to(tag, payload_align).saturating_add(payload), align),
            align,
        )
    };
    let layout = match &resolve.types[id].kind {
        TypeDefKind::Type(t) => wasm32_layout(resolve, t, memo),
        TypeDefKind::List(_) | TypeDefKind::Map(..) => (8, 4),
        TypeDefKind::Handle(_)
        | TypeDefKind::Future(_)
        | TypeDefKind::Stream(_)
        | TypeDefKind::Resource
        | TypeDefKind::Unknown => (4, 4),
        TypeDefKind::FixedLengthList(t, n) => {
            let (size, align) = wasm32_layout(resolve, t, memo);
            (size.saturating_mul(u128::from(*n)), align)
        }
        TypeDefKind::Record(r) => record(&mut r.fields.iter().map(|f| &f.ty), memo),
        TypeDefKind::Tuple(t) => record(&mut t.types.iter(), memo),
        TypeDefKind::Flags(f) => match f.flags.len() {
            0..=8 => (1, 1),
            9..=16 => (2, 2),
            n => (4 * n.div_ceil(32) as u128, 4),
        },
        TypeDefKind::Enum(e) => variant(e.cases.len(), Vec::new()),
        TypeDefKind::Variant(v) => {
            let payloads = v
                .cases
                .iter()
                .filter_map(|c| c.ty.as_ref())
                .map(|t| wasm32_layout(resolve, t, memo))
                .collect();
            variant(v.cases.len(), payloads)
        }
        TypeDefKind::Option(t) => variant(2, vec![wasm32_layout(resolve, t, memo)]),
        TypeDefKind::Result(r) => {
            let payloads = [&r.ok, &r.err]
                .into_iter()
                .flatten()
                .map(|t| wasm32_layout(resolve, t, memo))
                .collect();
            variant(2, payloads)
        }
    };
    memo.insert(id, layout);
    layout
}
