//! Identifiers: how one WIT name is spelled in Rust, as a pure function of
//! the name. (Which names exist where, and how collisions between them are
//! resolved, is the naming pass in `names.rs`.)
//!
//! The rules follow wit-bindgen 0.63 so generated APIs match: snake_case for
//! modules, functions, fields and parameters, UpperCamelCase for types and
//! cases, and a `_` suffix for Rust keywords (`type` → `type_`). Reserved
//! words that wit-bindgen leaves alone but newer editions reject (`gen`) are
//! written as raw identifiers, which are the same identifier to rustc.

use std::borrow::Cow;

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
    escape(name.to_snake_case())
}

/// `name` in snake_case as a fragment of a longer identifier (never a
/// keyword there, so never raw): `gen` in `_lift_gen`.
pub(crate) fn snake_fragment(name: &str) -> String {
    name.to_snake_case()
}

/// A type or case name: UpperCamelCase; `Self` (a keyword) becomes `Self_`.
pub(crate) fn camel(name: &str) -> Ident {
    let camel = name.to_upper_camel_case();
    match camel.as_str() {
        "Self" => ident("Self_"),
        _ => ident(&camel),
    }
}

/// A constant name (flags members): SHOUTY_SNAKE_CASE.
pub(crate) fn shouty(name: &str) -> Ident {
    escape(name.to_shouty_snake_case())
}

/// `name` with a `_` appended (a collision-resolved name), keeping raw
/// identifiers raw-free (`r#gen` → `gen_`).
pub(crate) fn suffixed(name: &Ident) -> Ident {
    let text = name.to_string();
    ident(&format!("{}_", text.trim_start_matches("r#")))
}

/// `prefix` + the UpperCamelCase of `name`, e.g. `Guest` + `counter`.
pub(crate) fn prefixed_camel(prefix: &str, name: &str) -> Ident {
    ident(&format!("{prefix}{}", name.to_upper_camel_case()))
}

/// The UpperCamelCase of `name` + `suffix`, e.g. `counter` + `Borrow`.
pub(crate) fn camel_suffixed(name: &str, suffix: &str) -> Ident {
    ident(&format!("{}{suffix}", name.to_upper_camel_case()))
}

/// A name made of `parts` as a snake_case identifier fragment, every
/// character that is not alphanumeric treated as a separator:
/// `wasi:io/streams@0.2.0` → `wasi_io_streams_0_2_0`.
pub(crate) fn fragment(parts: &str) -> String {
    parts
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .to_snake_case()
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

/// An identifier from a string the generator itself made valid.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// A WIT name as given by a user (`%import`, `%ns:%pkg/%world`,
/// `[method]%type.%self`) without the `%` that WIT uses to escape names
/// that are keywords: the name the resolved WIT stores.
pub(crate) fn unescape_wit(name: &str) -> Cow<'_, str> {
    if name.contains('%') {
        Cow::Owned(name.replace('%', ""))
    } else {
        Cow::Borrowed(name)
    }
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
        assert_eq!(camel("output-stream").to_string(), "OutputStream");
        assert_eq!(shouty("type").to_string(), "TYPE");
        assert_eq!(suffixed(&snake("gen")).to_string(), "gen_");
    }

    #[test]
    fn composite_names() {
        assert_eq!(
            prefixed_camel("Guest", "input-stream").to_string(),
            "GuestInputStream"
        );
        assert_eq!(
            camel_suffixed("input-stream", "Borrow").to_string(),
            "InputStreamBorrow"
        );
        assert_eq!(fragment("wasi:io/streams@0.2.0"), "wasi_io_streams_0_2_0");
        assert_eq!(fragment("[method]file.read-at"), "method_file_read_at");
    }

    #[test]
    fn percent_escapes_are_removed_from_user_given_names() {
        assert_eq!(unescape_wit("%import"), "import");
        assert_eq!(unescape_wit("%ns:%pkg/%world@1.0.0"), "ns:pkg/world@1.0.0");
        assert_eq!(unescape_wit("[method]%type.%self"), "[method]type.self");
        assert_eq!(unescape_wit("plain:name/world"), "plain:name/world");
    }
}
