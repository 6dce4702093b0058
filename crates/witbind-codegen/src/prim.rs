//! WIT's built-in types, classified once: every module that asks what a
//! `Type` is matches on [`Class`] (or takes the id out with [`type_id`])
//! instead of listing the primitives itself.

use proc_macro2::TokenStream;
use quote::quote;
use wit_bindgen_core::abi::WasmType;
use wit_bindgen_core::wit_parser::{Flags, Int, Type, TypeId};

/// A number, `bool` or `char`: a value of one core wasm type, with no
/// parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Prim {
    Bool,
    U8,
    S8,
    U16,
    S16,
    U32,
    S32,
    U64,
    S64,
    F32,
    F64,
    Char,
}

/// What a `Type` is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    Prim(Prim),
    String,
    ErrorContext,
    /// A type defined in the `Resolve` (named or anonymous).
    Id(TypeId),
}

/// The class of `ty`.
pub(crate) fn class(ty: &Type) -> Class {
    let prim = match ty {
        Type::Id(id) => return Class::Id(*id),
        Type::String => return Class::String,
        Type::ErrorContext => return Class::ErrorContext,
        Type::Bool => Prim::Bool,
        Type::U8 => Prim::U8,
        Type::S8 => Prim::S8,
        Type::U16 => Prim::U16,
        Type::S16 => Prim::S16,
        Type::U32 => Prim::U32,
        Type::S32 => Prim::S32,
        Type::U64 => Prim::U64,
        Type::S64 => Prim::S64,
        Type::F32 => Prim::F32,
        Type::F64 => Prim::F64,
        Type::Char => Prim::Char,
    };
    Class::Prim(prim)
}

/// The defined type `ty` refers to, if it is not a built-in one.
pub(crate) fn type_id(ty: &Type) -> Option<TypeId> {
    match class(ty) {
        Class::Id(id) => Some(id),
        Class::Prim(_) | Class::String | Class::ErrorContext => None,
    }
}

/// Whether `ty` is a number: laid out in Rust as in the canonical ABI, and
/// valid for any bits, so that lists and streams of it are copied as they
/// are.
pub(crate) fn is_number(ty: &Type) -> bool {
    match class(ty) {
        Class::Prim(prim) => prim.is_canonical(),
        Class::String | Class::ErrorContext | Class::Id(_) => false,
    }
}

impl Prim {
    /// The Rust type.
    pub(crate) fn rust(self) -> TokenStream {
        match self {
            Prim::Bool => quote!(bool),
            Prim::U8 => quote!(u8),
            Prim::S8 => quote!(i8),
            Prim::U16 => quote!(u16),
            Prim::S16 => quote!(i16),
            Prim::U32 => quote!(u32),
            Prim::S32 => quote!(i32),
            Prim::U64 => quote!(u64),
            Prim::S64 => quote!(i64),
            Prim::F32 => quote!(f32),
            Prim::F64 => quote!(f64),
            Prim::Char => quote!(char),
        }
    }

    /// The Rust type its canonical ABI memory representation is read and
    /// written as: itself for numbers, `u8` for `bool`, `u32` for `char`.
    pub(crate) fn memory(self) -> TokenStream {
        match self {
            Prim::Bool => quote!(u8),
            Prim::Char => quote!(u32),
            other => other.rust(),
        }
    }

    /// Size (and alignment) in canonical ABI memory.
    pub(crate) fn size(self) -> usize {
        match self {
            Prim::Bool | Prim::U8 | Prim::S8 => 1,
            Prim::U16 | Prim::S16 => 2,
            Prim::U32 | Prim::S32 | Prim::F32 | Prim::Char => 4,
            Prim::U64 | Prim::S64 | Prim::F64 => 8,
        }
    }

    /// The core wasm type of its flat representation.
    pub(crate) fn flat(self) -> WasmType {
        match self {
            Prim::Bool
            | Prim::U8
            | Prim::S8
            | Prim::U16
            | Prim::S16
            | Prim::U32
            | Prim::S32
            | Prim::Char => WasmType::I32,
            Prim::U64 | Prim::S64 => WasmType::I64,
            Prim::F32 => WasmType::F32,
            Prim::F64 => WasmType::F64,
        }
    }

    /// Whether every bit pattern of its memory representation is a valid
    /// Rust value of the same layout (numbers; not `bool` or `char`), so
    /// that lists of it are taken over as they are.
    pub(crate) fn is_canonical(self) -> bool {
        !matches!(self, Prim::Bool | Prim::Char)
    }

    /// Whether it is a floating-point number.
    pub(crate) fn is_float(self) -> bool {
        matches!(self, Prim::F32 | Prim::F64)
    }
}

/// The Rust integer type of a flags type (at most 32 members).
pub(crate) fn flags_repr(flags: &Flags) -> TokenStream {
    match flags.flags.len() {
        0..=8 => quote!(u8),
        9..=16 => quote!(u16),
        _ => quote!(u32),
    }
}

/// The Rust integer type of an enum or variant tag.
pub(crate) fn int_repr(int: Int) -> TokenStream {
    match int {
        Int::U8 => quote!(u8),
        Int::U16 => quote!(u16),
        Int::U32 => quote!(u32),
        Int::U64 => quote!(u64),
    }
}
