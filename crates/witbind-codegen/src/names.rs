//! Names: every WIT name becomes a Rust identifier that is valid in every
//! position and collides with nothing the generated code defines or uses.
//!
//! The rules follow wit-bindgen 0.63 so generated APIs match: snake_case for
//! modules, functions, fields and parameters, UpperCamelCase for types and
//! cases, and a `_` suffix for Rust keywords (`type` → `type_`). Reserved
//! words that wit-bindgen leaves alone but newer editions reject (`gen`) are
//! written as raw identifiers, which are the same identifier to rustc.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Words that cannot be identifiers in any edition (strict and reserved
/// keywords), escaped with a `_` suffix as wit-bindgen does.
const SUFFIXED_KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// Reserved only in newer editions: a raw identifier keeps the name
/// identical to wit-bindgen's while compiling in every edition.
const RAW_KEYWORDS: &[&str] = &["gen"];

/// A value-namespace identifier (function, field, parameter, module):
/// snake_case, keyword-escaped.
pub(crate) fn snake(name: &str) -> Ident {
    let snake = name.to_snake_case();
    escape(snake)
}

/// A module name: like [`snake`].
pub(crate) fn module(name: &str) -> Ident {
    snake(name)
}

/// A type or case name: UpperCamelCase. `Guest` is reserved for the traits
/// of exports and `Self` is a keyword, so both get a `_` suffix.
pub(crate) fn camel(name: &str) -> Ident {
    let camel = name.to_upper_camel_case();
    match camel.as_str() {
        "Guest" | "Self" => ident(&format!("{camel}_")),
        _ => ident(&camel),
    }
}

/// The borrow type of exported resource `name` (WIT name): `CounterBorrow`.
pub(crate) fn resource_borrow(name: &str) -> Ident {
    ident(&format!("{}Borrow", name.to_upper_camel_case()))
}

/// The trait a guest implements for exported resource `name` (WIT name):
/// `GuestCounter`.
pub(crate) fn guest_trait(name: &str) -> Ident {
    ident(&format!("Guest{}", name.to_upper_camel_case()))
}

/// A constant name (flags members): SHOUTY_SNAKE_CASE.
pub(crate) fn shouty(name: &str) -> Ident {
    escape(name.to_shouty_snake_case())
}

fn escape(name: String) -> Ident {
    if SUFFIXED_KEYWORDS.contains(&name.as_str()) {
        ident(&format!("{name}_"))
    } else if RAW_KEYWORDS.contains(&name.as_str()) {
        Ident::new_raw(&name, Span::call_site())
    } else {
        ident(&name)
    }
}

/// A WIT name as given by a user (`%import`, `%ns:%pkg/%world`,
/// `[method]%type.%self`) without the `%` that WIT uses to escape names
/// that are keywords: the name the resolved WIT stores.
pub(crate) fn unescape_wit(name: &str) -> std::borrow::Cow<'_, str> {
    if name.contains('%') {
        std::borrow::Cow::Owned(name.replace('%', ""))
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}

/// An identifier from a string the generator itself made valid.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_escaped_everywhere() {
        assert_eq!(snake("type").to_string(), "type_");
        assert_eq!(snake("self").to_string(), "self_");
        assert_eq!(snake("macro-rules").to_string(), "macro_rules");
        assert_eq!(snake("gen").to_string(), "r#gen");
        assert_eq!(snake("TYPE").to_string(), "type_");
        assert_eq!(camel("self").to_string(), "Self_");
        assert_eq!(camel("guest").to_string(), "Guest_");
        assert_eq!(camel("output-stream").to_string(), "OutputStream");
        assert_eq!(shouty("type").to_string(), "TYPE");
    }

    #[test]
    fn percent_escapes_are_removed_from_user_given_names() {
        assert_eq!(unescape_wit("%import"), "import");
        assert_eq!(unescape_wit("%ns:%pkg/%world@1.0.0"), "ns:pkg/world@1.0.0");
        assert_eq!(unescape_wit("[method]%type.%self"), "[method]type.self");
        assert_eq!(unescape_wit("plain:name/world"), "plain:name/world");
    }
}
