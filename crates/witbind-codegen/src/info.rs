//! Facts about the type graph computed before generation: ownership and
//! contents of each type (wit-bindgen-core's `Types`: whether it holds
//! lists, handles, borrows), canonical ABI sizes and alignments, and a few
//! structural questions the emitters ask.

use std::collections::HashMap;

use wit_bindgen_core::wit_parser::{Resolve, SizeAlign, Type, TypeDefKind, TypeId, WorldId};
use wit_bindgen_core::{TypeInfo, Types};

use crate::error::Error;
use crate::prim::{class, Class};
use crate::values::Ownership;

/// The facts, computed once.
pub(crate) struct Info {
    types: Types,
    pub(crate) sizes: SizeAlign,
    /// With `merge_structurally_equal_types`: each type that another
    /// (earlier) type of the world equals, and that type.
    representatives: HashMap<TypeId, TypeId>,
    ownership: Ownership,
}

/// The definitions of a named type, which depend on `ownership`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Forms {
    /// One owned definition (`String`, `Vec<T>` inside).
    Owned,
    /// One borrowed definition with a lifetime (`&'a str` inside): the
    /// type is only used by parameters of imports (`Borrowing`).
    Borrowed,
    /// `NameResult` (owned) and `NameParam<'a>` (borrowed)
    /// (`Borrowing { duplicate_if_necessary: true }`).
    Both,
}

impl Info {
    pub(crate) fn new(
        resolve: &Resolve,
        world: WorldId,
        merge: bool,
        ownership: Ownership,
    ) -> Result<Self, Error> {
        let mut sizes = SizeAlign::default();
        sizes
            .fill(resolve)
            .map_err(|e| Error::from_chain(&e, None))?;
        let mut types = Types::default();
        types.analyze(resolve);
        let mut representatives = HashMap::new();
        if merge {
            types.collect_equal_types(resolve, world, &|id| may_merge(resolve, id));
            for (id, _) in resolve.types.iter() {
                let representative = types.get_representative_type(id);
                if representative != id && may_merge(resolve, representative) {
                    representatives.insert(id, representative);
                }
            }
        }
        Ok(Info {
            types,
            sizes,
            representatives,
            ownership,
        })
    }

    /// The `ownership` option.
    pub(crate) fn ownership(&self) -> Ownership {
        self.ownership
    }

    /// How the named type `id` is defined. Only types with lists and
    /// without `own` handles can be borrowed; under `Borrowing` those that
    /// only import parameters use are, and with duplication those used
    /// both ways get both forms.
    pub(crate) fn forms(&self, id: TypeId) -> Forms {
        let Ownership::Borrowing {
            duplicate_if_necessary,
        } = self.ownership
        else {
            return Forms::Owned;
        };
        let info = self.of(id);
        if !info.has_list || info.has_own_handle {
            Forms::Owned
        } else if duplicate_if_necessary && info.borrowed && info.owned {
            Forms::Both
        } else if info.owned {
            Forms::Owned
        } else {
            Forms::Borrowed
        }
    }

    /// The earlier, structurally equal type that `id` is an alias of
    /// (`merge_structurally_equal_types`).
    pub(crate) fn representative(&self, id: TypeId) -> Option<TypeId> {
        self.representatives.get(&id).copied()
    }

    /// What type `id` contains and how it is used.
    pub(crate) fn of(&self, id: TypeId) -> TypeInfo {
        self.types.get(id)
    }

    /// [`Info::of`] for any type; a `string` counts as a list.
    pub(crate) fn of_type(&self, ty: &Type) -> TypeInfo {
        match class(ty) {
            Class::Id(id) => self.of(id),
            Class::String => TypeInfo {
                has_list: true,
                ..TypeInfo::default()
            },
            Class::Prim(_) => TypeInfo::default(),
            Class::ErrorContext => TypeInfo {
                has_resource: true,
                ..TypeInfo::default()
            },
        }
    }

    /// The canonical ABI size of `ty` on wasm32.
    pub(crate) fn size(&self, ty: &Type) -> usize {
        self.sizes.size(ty).size_wasm32()
    }

    /// The canonical ABI alignment of `ty` on wasm32.
    pub(crate) fn align(&self, ty: &Type) -> usize {
        self.sizes.align(ty).align_wasm32()
    }
}

/// Whether type `id` may be merged with an equal one: named records,
/// variants, enums and flags, and named tuples, options, results and lists
/// of them. Resources and handles are nominal; streams and futures carry
/// vtables.
fn may_merge(resolve: &Resolve, id: TypeId) -> bool {
    let typedef = &resolve.types[id];
    typedef.name.is_some()
        && match &typedef.kind {
            TypeDefKind::Record(_)
            | TypeDefKind::Variant(_)
            | TypeDefKind::Enum(_)
            | TypeDefKind::Flags(_)
            | TypeDefKind::Tuple(_)
            | TypeDefKind::Option(_)
            | TypeDefKind::Result(_)
            | TypeDefKind::List(_)
            | TypeDefKind::FixedLengthList(..)
            | TypeDefKind::Map(..) => true,
            TypeDefKind::Resource
            | TypeDefKind::Handle(_)
            | TypeDefKind::Future(_)
            | TypeDefKind::Stream(_)
            | TypeDefKind::Type(_)
            | TypeDefKind::Unknown => false,
        }
}

/// Whether `ty` contains a float anywhere (so no `Eq`).
pub(crate) fn has_floats(resolve: &Resolve, ty: &Type) -> bool {
    match class(ty) {
        Class::Prim(prim) => prim.is_float(),
        Class::Id(id) => children(resolve, id)
            .iter()
            .any(|child| has_floats(resolve, child)),
        Class::String | Class::ErrorContext => false,
    }
}

/// The types type `id` is made of, one level down. Handles, resources,
/// enums and flags have none.
pub(crate) fn children(resolve: &Resolve, id: TypeId) -> Vec<Type> {
    match &resolve.types[id].kind {
        TypeDefKind::Record(r) => r.fields.iter().map(|f| f.ty).collect(),
        TypeDefKind::Variant(v) => v.cases.iter().filter_map(|c| c.ty).collect(),
        TypeDefKind::Tuple(t) => t.types.clone(),
        TypeDefKind::Option(t)
        | TypeDefKind::List(t)
        | TypeDefKind::FixedLengthList(t, _)
        | TypeDefKind::Type(t) => vec![*t],
        TypeDefKind::Result(r) => r.ok.iter().chain(r.err.iter()).copied().collect(),
        TypeDefKind::Map(k, v) => vec![*k, *v],
        TypeDefKind::Future(t) | TypeDefKind::Stream(t) => t.iter().copied().collect(),
        TypeDefKind::Resource
        | TypeDefKind::Handle(_)
        | TypeDefKind::Flags(_)
        | TypeDefKind::Enum(_)
        | TypeDefKind::Unknown => Vec::new(),
    }
}
