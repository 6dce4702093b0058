//! The out-of-line functions themselves (see `outline.rs` for where they
//! are called): which exist, where each lives, what it is named, and its
//! body, generated once every use has been generated.

use std::collections::{BTreeMap, HashMap};

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use wit_bindgen_core::abi::{self, AbiVariant, LiftLower, WasmType};
use wit_bindgen_core::wit_parser::{Function, FunctionKind, Param, Type, TypeDefKind, TypeId};

use super::{wasm_type, Callee, FnBindgen};
use crate::context::Cx;
use crate::ident::snake_fragment;
use crate::names::Scope;

/// Values whose cost (about one per load, [`Outlined::cost`]) is at most
/// this stay inline: a call would be as long as the code it replaces.
const INLINE_COST: usize = 4;

/// What an out-of-line function does with its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Dir {
    /// Reads a value out of memory: `_lift_name(ptr) -> Name`.
    Lift,
    /// Writes a lent value into memory: `_lower_name(&value, ptr)`.
    LowerLent,
    /// Writes a value handed over into memory:
    /// `_lower_owned_name(value, ptr)`.
    LowerOwned,
    /// A lent value as core values: `_lower_flat_name(&value) -> (..)`.
    LowerFlat,
    /// Frees what a value in memory owns: `_free_name(ptr)` (`free.rs`).
    Free,
    /// Reads a value out of its core values (an export's arguments):
    /// `_lift_flat_name(arg0, ..) -> Name`.
    LiftFlat,
}

impl Dir {
    fn prefix(self) -> &'static str {
        match self {
            Dir::Lift => "_lift",
            Dir::LowerLent => "_lower",
            Dir::LowerOwned => "_lower_owned",
            Dir::LowerFlat => "_lower_flat",
            Dir::Free => "_free",
            Dir::LiftFlat => "_lift_flat",
        }
    }
}

/// A function to generate.
struct Pending {
    home: Scope,
    id: TypeId,
    dir: Dir,
    name: Ident,
    flat: Vec<WasmType>,
    /// A lent lowering whose lists live until the caller's import call
    /// returns: it takes the caller's `_cleanup_list` and registers them.
    takes_list: bool,
}

/// The out-of-line lifting functions of the bindings: registered as uses
/// are generated, their bodies generated at the end.
#[derive(Default)]
pub(crate) struct Outlined {
    /// The function of each (module, type, direction).
    names: HashMap<(Scope, TypeId, Dir), Ident>,
    /// Functions registered but not generated yet, with the core types of
    /// a flat lowering and whether it takes the caller's cleanup list.
    pending: Vec<Pending>,
    /// Generated functions, by module and name (a stable order).
    done: BTreeMap<Scope, BTreeMap<String, TokenStream>>,
    /// The lifting cost of each type (see [`Outlined::cost`]).
    costs: HashMap<TypeId, usize>,
}

impl Outlined {
    /// The path, from `scope`, to the function doing `dir` for `id`,
    /// registered on first use (with the core types of a flat lowering).
    /// The function lives in the module that defines the type (once for
    /// the whole bindings), or in `scope` when that module is not
    /// generated here (an interface taken from elsewhere, `with`).
    fn name(
        &mut self,
        cx: &Cx,
        scope: Scope,
        id: TypeId,
        dir: Dir,
        flat: &[WasmType],
        takes_list: bool,
    ) -> TokenStream {
        let home = match cx.names.scope_of_type(cx.resolve, id, scope) {
            Scope::Module(module) if cx.names.module(module).remapped.is_some() => scope,
            home => home,
        };
        let name = match self.names.get(&(home, id, dir)) {
            Some(name) => name.clone(),
            None => {
                let wit_name = cx.resolve.types[id].name.as_deref().unwrap_or("value");
                let mut name = format_ident!("{}_{}", dir.prefix(), snake_fragment(wit_name));
                // Two types of one name (from two interfaces) in one module.
                if self
                    .names
                    .iter()
                    .any(|((s, _, _), n)| *s == home && *n == name)
                {
                    name = format_ident!("{}_{}", name, id.index());
                }
                self.names.insert((home, id, dir), name.clone());
                self.pending.push(Pending {
                    home,
                    id,
                    dir,
                    name: name.clone(),
                    flat: flat.to_vec(),
                    takes_list,
                });
                name
            }
        };
        if home == scope {
            quote!(#name)
        } else {
            cx.names.path(scope).path_to(&cx.names.path(home), &name)
        }
    }

    /// The path, from `scope`, to the function doing `dir` for `id` (see
    /// [`Outlined::name`]), when the type is worth a function of its own.
    pub(super) fn function(
        &mut self,
        cx: &Cx,
        scope: Scope,
        id: TypeId,
        dir: Dir,
        flat: &[WasmType],
        takes_list: bool,
    ) -> Option<TokenStream> {
        if self.cost(cx, &Type::Id(id)) <= INLINE_COST {
            return None;
        }
        Some(self.name(cx, scope, id, dir, flat, takes_list))
    }

    /// About how many loads lifting `ty` inline takes (saturating).
    fn cost(&mut self, cx: &Cx, ty: &Type) -> usize {
        let id = match ty {
            Type::String => return 2,
            Type::Id(id) => *id,
            _ => return 1,
        };
        if let Some(cost) = self.costs.get(&id) {
            return *cost;
        }
        let children = crate::info::children(cx.resolve, id);
        let own: usize = match &cx.resolve.types[id].kind {
            TypeDefKind::Variant(_) | TypeDefKind::Option(_) | TypeDefKind::Result(_) => 1,
            TypeDefKind::List(_) | TypeDefKind::Map(..) => 2,
            TypeDefKind::Flags(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Handle(_)
            | TypeDefKind::Future(_)
            | TypeDefKind::Stream(_) => return 1,
            _ => 0,
        };
        let cost = children
            .iter()
            .fold(own, |sum, child| sum.saturating_add(self.cost(cx, child)));
        self.costs.insert(id, cost);
        cost
    }
}

/// The generated functions of each module, once every use has been
/// generated (generating a function may register others).
pub(crate) fn expand(cx: &Cx) -> Vec<(Scope, TokenStream)> {
    loop {
        let next = cx.outlined.borrow_mut().pending.pop();
        let Some(pending) = next else {
            break;
        };
        let function = expand_fn(cx, &pending);
        cx.outlined
            .borrow_mut()
            .done
            .entry(pending.home)
            .or_default()
            .insert(pending.name.to_string(), function);
    }
    let done = std::mem::take(&mut cx.outlined.borrow_mut().done);
    done.into_iter()
        .map(|(scope, functions)| (scope, functions.into_values().collect()))
        .collect()
}

/// The function of `pending`, with the lints its body needs allowed.
fn expand_fn(cx: &Cx, pending: &Pending) -> TokenStream {
    let (function, lints) = match pending.dir {
        Dir::Lift => expand_lift_fn(cx, pending),
        Dir::LiftFlat => expand_lift_flat_fn(cx, pending),
        Dir::LowerLent | Dir::LowerOwned => expand_lower_fn(cx, pending),
        Dir::LowerFlat => expand_lower_flat_fn(cx, pending),
        Dir::Free => expand_free_fn(cx, pending),
    };
    if lints.is_empty() {
        function
    } else {
        quote!(#[allow(#(#lints),*)] #function)
    }
}

/// The WIT name of the pending function's type, for its docs.
fn wit_name<'r>(cx: &Cx<'r>, pending: &Pending) -> &'r str {
    cx.resolve.types[pending.id]
        .name
        .as_deref()
        .unwrap_or_default()
}

/// The bindgen generating the body of `pending` (whose type it must not
/// move out of line again), as `callee` with `params`.
fn body_bindgen<'a, 'b>(
    cx: &'a Cx<'b>,
    pending: &Pending,
    callee: Callee,
    params: Vec<TokenStream>,
) -> FnBindgen<'a, 'b> {
    let mut bindgen = FnBindgen::new(cx, pending.home, callee, params);
    bindgen.outlining = Some(pending.id);
    bindgen
}

/// The caller's cleanup list, as a parameter of a lent lowering that
/// registers the arrays it lends into it.
fn list_param(cx: &Cx, pending: &Pending) -> Option<TokenStream> {
    let rt = &cx.rt;
    pending
        .takes_list
        .then(|| quote!(, _cleanup_list: &mut #rt::Vec<(*mut u8, usize, usize)>))
}

/// `unsafe fn _lift_name(ptr: *mut u8) -> Name`.
fn expand_lift_fn(cx: &Cx, pending: &Pending) -> (TokenStream, Vec<TokenStream>) {
    let mut bindgen = body_bindgen(cx, pending, Callee::Memory, Vec::new());
    let value = abi::lift_from_memory(cx.resolve, &mut bindgen, quote!(ptr), &Type::Id(pending.id));
    let path = bindgen.type_path(pending.id);
    let lints = bindgen.body_lints();
    let body = bindgen.into_body_returning(value);
    let name = &pending.name;
    let doc = format!(
        " Lifts a `{}` out of canonical ABI memory.",
        wit_name(cx, pending)
    );
    let function = quote! {
        #[doc = #doc]
        ///
        /// # Safety
        ///
        /// `ptr` points at a valid value of this type in canonical layout
        /// (aligned, initialized, cases and discriminants in range), whose
        /// lists, strings and handles are handed over to the result.
        pub(crate) unsafe fn #name(ptr: *mut u8) -> #path {
            #body
        }
    };
    (function, lints)
}

/// `unsafe fn _lift_flat_name(arg0: .., ..) -> Name`: the lifting of an
/// export's one argument of the type, from its core values.
fn expand_lift_flat_fn(cx: &Cx, pending: &Pending) -> (TokenStream, Vec<TokenStream>) {
    let (params, args) = super::core_params(&pending.flat);
    let mut bindgen = body_bindgen(cx, pending, Callee::LiftFlat, args);
    let func = Function {
        name: "lift".to_string(),
        kind: FunctionKind::Freestanding,
        params: vec![Param {
            name: "value".to_string(),
            ty: Type::Id(pending.id),
            span: Default::default(),
        }],
        result: None,
        docs: Default::default(),
        stability: Default::default(),
        span: Default::default(),
        external_id: None,
    };
    abi::call(
        cx.resolve,
        AbiVariant::GuestExport,
        LiftLower::LiftArgsLowerResults,
        &func,
        &mut bindgen,
        false,
    );
    let value = std::mem::take(&mut bindgen.ret);
    let path = bindgen.type_path(pending.id);
    let mut lints = bindgen.body_lints();
    if params.len() > 7 {
        lints.push(quote!(clippy::too_many_arguments));
    }
    let body = bindgen.into_body_returning(quote!(#(#value)*));
    let name = &pending.name;
    let doc = format!(
        " Lifts a `{}` out of its core values.",
        wit_name(cx, pending)
    );
    let function = quote! {
        #[doc = #doc]
        ///
        /// # Safety
        ///
        /// The arguments are the canonical ABI lowering of a valid value of this
        /// type (cases and discriminants in range), whose lists, strings and
        /// handles are handed over to the result.
        pub(crate) unsafe fn #name(#(#params),*) -> #path {
            #body
        }
    };
    (function, lints)
}

/// `unsafe fn _lower_name(value: &Name, ptr: *mut u8)` (lent) or
/// `unsafe fn _lower_owned_name(value: Name, ptr: *mut u8)` (handed over).
fn expand_lower_fn(cx: &Cx, pending: &Pending) -> (TokenStream, Vec<TokenStream>) {
    let owned = pending.dir == Dir::LowerOwned;
    let callee = if owned {
        Callee::OwnedLowering
    } else {
        Callee::BorrowedLowering
    };
    let mut bindgen = body_bindgen(cx, pending, callee, Vec::new());
    let ty = Type::Id(pending.id);
    abi::lower_to_memory(cx.resolve, &mut bindgen, quote!(ptr), quote!(value), &ty);
    let path = bindgen.type_path(pending.id);
    let lints = bindgen.body_lints();
    // A lent lowering registers into the caller's list (`list_param`).
    bindgen.needs_cleanup_list = false;
    let body = bindgen.into_body();
    let wit_name = wit_name(cx, pending);
    let (param, doc, handed) = if owned {
        (
            quote!(#path),
            format!(" Lowers a `{wit_name}` into canonical ABI memory, handing it over."),
            "the receiver now owns what the value's lists and strings point at",
        )
    } else {
        (
            quote!(&#path),
            format!(" Lowers a lent `{wit_name}` into canonical ABI memory."),
            "its lists and strings point into `value`, which must outlive their use",
        )
    };
    let contract = format!(
        " `ptr` points at writable memory with room for this type in canonical \
         layout, aligned for it; {handed}."
    );
    let name = &pending.name;
    let list_param = list_param(cx, pending);
    let function = quote! {
        #[doc = #doc]
        ///
        /// # Safety
        ///
        #[doc = #contract]
        pub(crate) unsafe fn #name(value: #param, ptr: *mut u8 #list_param) {
            #body
        }
    };
    (function, lints)
}

/// `fn _lower_flat_name(value: &Name) -> (..)`: a lent value as its core
/// values.
fn expand_lower_flat_fn(cx: &Cx, pending: &Pending) -> (TokenStream, Vec<TokenStream>) {
    let mut bindgen = body_bindgen(cx, pending, Callee::BorrowedLowering, Vec::new());
    let ty = Type::Id(pending.id);
    let values = abi::lower_flat(cx.resolve, &mut bindgen, quote!(value), &ty);
    let path = bindgen.type_path(pending.id);
    let lints = bindgen.body_lints();
    // It registers into the caller's list (`list_param`).
    bindgen.needs_cleanup_list = false;
    let body = bindgen.into_body();
    let types: Vec<TokenStream> = pending.flat.iter().map(|t| wasm_type(*t)).collect();
    let (types, values) = match (types.as_slice(), values.as_slice()) {
        ([ty], [value]) => (ty.clone(), value.clone()),
        _ => (quote!((#(#types),*)), quote!((#(#values),*))),
    };
    let doc = format!(
        " A lent `{}` as its core values (its lists and strings point into `value`).",
        wit_name(cx, pending)
    );
    let name = &pending.name;
    let list_param = list_param(cx, pending);
    let function = quote! {
        #[doc = #doc]
        pub(crate) fn #name(value: &#path #list_param) -> #types {
            #body
            #values
        }
    };
    (function, lints)
}

/// `unsafe fn _free_name(ptr: *mut u8)` (`free.rs`).
fn expand_free_fn(cx: &Cx, pending: &Pending) -> (TokenStream, Vec<TokenStream>) {
    let body = super::free::Freer::new(cx, pending.home, Some(pending.id)).free(
        &Type::Id(pending.id),
        &quote!(ptr),
        0,
    );
    let name = &pending.name;
    let doc = format!(
        " Frees what a `{}` in canonical ABI memory owns.",
        wit_name(cx, pending)
    );
    let function = quote! {
        #[doc = #doc]
        ///
        /// # Safety
        ///
        /// `ptr` points at a value of this type that our lowering wrote and the
        /// receiver has copied; its lists and strings are freed and must not be
        /// used again.
        pub(crate) unsafe fn #name(ptr: *mut u8) {
            #body
        }
    };
    // Nested cases free with nested `if`s and `match`es, as they come.
    let lints = vec![
        quote!(clippy::collapsible_if),
        quote!(clippy::collapsible_match),
    ];
    (function, lints)
}
