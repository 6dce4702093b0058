//! Out-of-line functions: one per named type and direction, written once,
//! in the module that defines the type, and called wherever the walk meets
//! the type. Without them, the code for a type would be repeated at every
//! use and inside every type that holds it: a `result<_, error-code>`
//! returned by forty functions would have the forty-case `error-code` read
//! forty times, and the bindings would grow with the product of the type
//! tree's widths rather than with the WIT.
//!
//! [`Outlined`] is the registry the walk fills (passed `&mut` to every
//! [`Gen`]): a type gets a function when it is named, worth a call (about
//! more than [`INLINE_COST`] loads inline) and lends no borrowed handles
//! (whose references live in the caller's frame). [`expand`] writes the
//! functions used, once everything else is written (a function's body may
//! use more). Their names come from the naming pass
//! ([`Names::outlined_fn`](crate::names::Names::outlined_fn)).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use wit_bindgen_core::wit_parser::{Type, TypeDefKind, TypeId};

use super::flat::{core_args, core_params, flat_types, wasm_type};
use super::{Gen, List, Lower};
use crate::context::Cx;
use crate::names::{Outline, Scope};
use crate::prim::{class, Class};

/// Values whose cost (about one per load, [`Outlined::cost`]) is at most
/// this stay inline: a call would be as long as the code it replaces.
const INLINE_COST: usize = 4;

/// The out-of-line functions the bindings use.
#[derive(Default)]
pub(crate) struct Outlined {
    /// Every function used: (home module, type, direction).
    used: BTreeSet<(Scope, TypeId, Outline)>,
    /// Used but not written yet.
    pending: Vec<(Scope, TypeId, Outline)>,
    /// The cost of each type (see [`Outlined::cost`]).
    costs: HashMap<TypeId, usize>,
    /// Whether a lent lowering of each type allocates (see
    /// [`Outlined::lent_allocates`]).
    allocates: HashMap<TypeId, bool>,
}

impl Outlined {
    /// The path, from `scope`, to the function doing `dir` for `id`
    /// (registered on first use), when the type gets one.
    pub(super) fn function(
        &mut self,
        cx: &Cx,
        scope: Scope,
        id: TypeId,
        dir: Outline,
    ) -> Option<TokenStream> {
        let typedef = &cx.resolve.types[id];
        if typedef.name.is_none()
            || matches!(typedef.kind, TypeDefKind::Type(_))
            || cx.info.of(id).has_borrow_handle
            || self.cost(cx, &Type::Id(id)) <= INLINE_COST
        {
            return None;
        }
        let flat = matches!(dir, Outline::LiftFlat | Outline::LowerFlat);
        if flat && flat_types(cx.resolve, &Type::Id(id)).is_none() {
            return None;
        }
        let home = cx.names.outline_home(cx.resolve, id, scope);
        if self.used.insert((home, id, dir)) {
            self.pending.push((home, id, dir));
        }
        let name = cx.names.outlined_fn(home, id, dir);
        Some(if home == scope {
            quote!(#name)
        } else {
            cx.names.path(scope).path_to(&cx.names.path(home), name)
        })
    }

    /// About how many loads lifting `ty` inline takes (saturating).
    fn cost(&mut self, cx: &Cx, ty: &Type) -> usize {
        let id = match class(ty) {
            Class::String => return 2,
            Class::Prim(_) | Class::ErrorContext => return 1,
            Class::Id(id) => id,
        };
        if let Some(cost) = self.costs.get(&id) {
            return *cost;
        }
        let own: usize = match &cx.resolve.types[id].kind {
            // About a line per case.
            TypeDefKind::Variant(variant) => variant.cases.len().max(1),
            TypeDefKind::Option(_) | TypeDefKind::Result(_) => 2,
            TypeDefKind::List(_) | TypeDefKind::Map(..) => 2,
            TypeDefKind::Flags(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Handle(_)
            | TypeDefKind::Future(_)
            | TypeDefKind::Stream(_) => {
                self.costs.insert(id, 1);
                return 1;
            }
            TypeDefKind::Record(_)
            | TypeDefKind::Tuple(_)
            | TypeDefKind::FixedLengthList(..)
            | TypeDefKind::Type(_)
            | TypeDefKind::Resource
            | TypeDefKind::Unknown => 0,
        };
        let cost = crate::info::children(cx.resolve, id)
            .iter()
            .fold(own, |sum, child| sum.saturating_add(self.cost(cx, child)));
        self.costs.insert(id, cost);
        cost
    }

    /// Whether lending a `ty` allocates arrays (lists of elements whose
    /// Rust layout is not the canonical one, maps), which its out-of-line
    /// lowerings register in the caller's cleanup list.
    pub(super) fn lent_allocates(&mut self, cx: &Cx, ty: &Type) -> bool {
        let id = match class(ty) {
            Class::Prim(_) | Class::String | Class::ErrorContext => return false,
            Class::Id(id) => id,
        };
        if let Some(allocates) = self.allocates.get(&id) {
            return *allocates;
        }
        let allocates = match &cx.resolve.types[id].kind {
            TypeDefKind::Map(..) => true,
            // Conservatively, every list but one of numbers (a record of
            // numbers is plain too, except where it is taken from
            // elsewhere: the signature must not depend on where it is used).
            TypeDefKind::List(element) => {
                !matches!(class(element), Class::Prim(prim) if prim.is_canonical())
            }
            TypeDefKind::Record(_)
            | TypeDefKind::Variant(_)
            | TypeDefKind::Tuple(_)
            | TypeDefKind::Option(_)
            | TypeDefKind::Result(_)
            | TypeDefKind::FixedLengthList(..)
            | TypeDefKind::Type(_) => crate::info::children(cx.resolve, id)
                .iter()
                .any(|child| self.lent_allocates(cx, child)),
            TypeDefKind::Resource
            | TypeDefKind::Handle(_)
            | TypeDefKind::Flags(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Future(_)
            | TypeDefKind::Stream(_)
            | TypeDefKind::Unknown => false,
        };
        self.allocates.insert(id, allocates);
        allocates
    }
}

impl Gen<'_, '_> {
    /// The path to the function doing `dir` for `id`, when the type gets
    /// one and this is not that function itself.
    pub(super) fn outlined(&mut self, id: TypeId, dir: Outline) -> Option<TokenStream> {
        if self.outlining == Some((id, dir)) {
            return None;
        }
        self.out.function(self.cx, self.scope, id, dir)
    }
}

/// The out-of-line functions used, by module, once everything else is
/// written (writing one may use others).
pub(crate) fn expand(cx: &Cx, out: &mut Outlined) -> Vec<(Scope, TokenStream)> {
    let mut done: BTreeMap<Scope, BTreeMap<String, TokenStream>> = BTreeMap::new();
    while let Some((home, id, dir)) = out.pending.pop() {
        let function = expand_fn(cx, out, home, id, dir);
        let name = cx.names.outlined_fn(home, id, dir).to_string();
        done.entry(home).or_default().insert(name, function);
    }
    done.into_iter()
        .map(|(scope, functions)| (scope, functions.into_values().collect()))
        .collect()
}

/// One function, with the lints its body needs allowed.
fn expand_fn(cx: &Cx, out: &mut Outlined, home: Scope, id: TypeId, dir: Outline) -> TokenStream {
    let ty = Type::Id(id);
    let takes_list =
        matches!(dir, Outline::Lower | Outline::LowerFlat) && out.lent_allocates(cx, &ty);
    let mut g = Gen::new(cx, home, out);
    g.outlining = Some((id, dir));
    if takes_list {
        g.list = List::Param;
    }
    let rt = &cx.rt;
    let head = Head {
        name: cx.names.outlined_fn(home, id, dir),
        path: g.owned_path(id),
        wit_name: cx.resolve.types[id].name.as_deref().unwrap_or_default(),
        list_param: takes_list
            .then(|| quote!(, _cleanup_list: &mut #rt::Vec<(*mut u8, usize, usize)>)),
    };
    let mut lints = Vec::new();
    let function = match dir {
        Outline::Lift => lift_fn(g, &head, &ty, &mut lints),
        Outline::LiftFlat => lift_flat_fn(g, &head, &ty, &mut lints),
        Outline::Lower => lower_fn(g, &head, &ty, false, &mut lints),
        Outline::LowerOwned => lower_fn(g, &head, &ty, true, &mut lints),
        Outline::LowerFlat => lower_flat_fn(g, &head, &ty, &mut lints),
        Outline::Free => free_fn(g, &head, &ty, &mut lints),
    };
    if lints.is_empty() {
        function
    } else {
        quote!(#[allow(#(#lints),*)] #function)
    }
}

/// What every out-of-line function of a type starts with.
struct Head<'a> {
    name: &'a Ident,
    /// The type's owned Rust path.
    path: TokenStream,
    wit_name: &'a str,
    /// `, _cleanup_list: &mut Vec<...>` when lowering allocates.
    list_param: Option<TokenStream>,
}

fn lift_fn(mut g: Gen, head: &Head, ty: &Type, lints: &mut Vec<TokenStream>) -> TokenStream {
    let lifted = g.lift_mem(ty, &quote!(ptr), 0);
    lints.extend(g.lints.paths());
    let body = g.finish(lifted);
    let Head {
        name,
        path,
        wit_name,
        ..
    } = head;
    let doc = format!(" Lifts a `{wit_name}` out of canonical ABI memory.");
    quote! {
        #[doc = #doc]
        ///
        /// # Safety
        /// `ptr`: a valid value in canonical layout, handed over.
        pub(crate) unsafe fn #name(ptr: *mut u8) -> #path {
            #body
        }
    }
}

fn lift_flat_fn(mut g: Gen, head: &Head, ty: &Type, lints: &mut Vec<TokenStream>) -> TokenStream {
    let types =
        flat_types(g.cx.resolve, ty).unwrap_or_else(|| unreachable!("registered only when flat"));
    let (params, _) = core_params(&types);
    if params.len() > 7 {
        lints.push(quote!(clippy::too_many_arguments));
    }
    let lifted = g.lift_flat(ty, &core_args(&types));
    lints.extend(g.lints.paths());
    let body = g.finish(lifted);
    let Head {
        name,
        path,
        wit_name,
        ..
    } = head;
    let doc = format!(" Lifts a `{wit_name}` out of its core values.");
    quote! {
        #[doc = #doc]
        ///
        /// # Safety
        /// The arguments: a valid value's core values, handed over.
        pub(crate) unsafe fn #name(#(#params),*) -> #path {
            #body
        }
    }
}

fn lower_fn(
    mut g: Gen,
    head: &Head,
    ty: &Type,
    owned: bool,
    lints: &mut Vec<TokenStream>,
) -> TokenStream {
    let mode = if owned { Lower::Owned } else { Lower::Lent };
    g.lower_mem(ty, &quote!(value), &quote!(ptr), 0, mode);
    lints.extend(g.lints.paths());
    let body = g.finish(TokenStream::new());
    let Head {
        name,
        path,
        wit_name,
        list_param,
    } = head;
    let (param, doc, handed) = if owned {
        (
            quote!(#path),
            format!(" Lowers a `{wit_name}` into canonical ABI memory, handing it over."),
            "",
        )
    } else {
        (
            quote!(&#path),
            format!(" Lowers a lent `{wit_name}` into canonical ABI memory."),
            " (`value` must outlive its use)",
        )
    };
    let contract = format!(" `ptr`: room for the value in canonical layout{handed}.");
    quote! {
        #[doc = #doc]
        ///
        /// # Safety
        #[doc = #contract]
        pub(crate) unsafe fn #name(value: #param, ptr: *mut u8 #list_param) {
            #body
        }
    }
}

fn lower_flat_fn(mut g: Gen, head: &Head, ty: &Type, lints: &mut Vec<TokenStream>) -> TokenStream {
    let values = g.lower_flat(ty, &quote!(value), Lower::Lent);
    lints.extend(g.lints.paths());
    let types: Vec<TokenStream> = values.iter().map(|v| wasm_type(v.ty)).collect();
    let exprs: Vec<&TokenStream> = values.iter().map(|v| &v.expr).collect();
    let (types, tail) = match (types.as_slice(), exprs.as_slice()) {
        ([ty], [expr]) => (ty.clone(), (*expr).clone()),
        _ => (quote!((#(#types),*)), quote!((#(#exprs),*))),
    };
    let body = g.finish(tail);
    let Head {
        name,
        path,
        wit_name,
        list_param,
    } = head;
    let doc = format!(
        " A lent `{wit_name}` as its core values (its lists and strings point into `value`)."
    );
    quote! {
        #[doc = #doc]
        pub(crate) fn #name(value: &#path #list_param) -> #types {
            #body
        }
    }
}

fn free_fn(mut g: Gen, head: &Head, ty: &Type, lints: &mut Vec<TokenStream>) -> TokenStream {
    g.free_mem(ty, &quote!(ptr), 0, false);
    let body = g.finish(TokenStream::new());
    // Nested cases free with nested `if`s and `match`es, as they come.
    lints.push(quote!(clippy::collapsible_if));
    lints.push(quote!(clippy::collapsible_match));
    let Head { name, wit_name, .. } = head;
    let doc = format!(" Frees what a `{wit_name}` in canonical ABI memory owns.");
    quote! {
        #[doc = #doc]
        ///
        /// # Safety
        /// `ptr`: a value our lowering wrote and the receiver copied.
        pub(crate) unsafe fn #name(ptr: *mut u8) {
            #body
        }
    }
}
