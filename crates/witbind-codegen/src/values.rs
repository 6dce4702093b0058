//! Option values: their syntax in `generate!` (tokens) and on the command
//! line (strings), parsed once, into typed values (paths are `syn::Path`).

use std::fmt;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream, Parser as _};
use syn::punctuated::Punctuated;
use syn::{LitBool, LitStr, Token};

/// The syntax of an option's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// `key` or `key: true|false`; CLI `--flag`.
    Flag,
    /// `key: "text"`; CLI `--flag TEXT`.
    Str,
    /// `key: ["a", "b"]`; CLI repeated or comma-separated.
    StrList,
    /// `key: "a::b"` (or a bare path); CLI `--flag a::b`.
    PathStr,
    /// `key: [a::B, C]`; CLI repeated or comma-separated.
    PathList,
    /// `key: "name"`; CLI `--flag NAME`.
    IdentStr,
    /// `key: { "ns:pkg/iface": path::to::module, "ns:pkg": generate }`;
    /// CLI `--flag KEY=PATH`, repeated or comma-separated.
    With,
    /// `key: "dir"` or `key: ["a", "b"]`; CLI arguments.
    WitPaths,
    /// `key: true` (everything), `key: false` (nothing) or
    /// `key: ["filter", ...]`; CLI repeated or comma-separated.
    Filters,
    /// `key: { "selector": [#[attr] ...], ... }`; CLI `--flag SELECTOR=#[attr]`,
    /// repeated (attributes may hold commas).
    Attrs,
    /// `key: Owning` or `key: Borrowing { duplicate_if_necessary: bool }`;
    /// CLI `--flag owning|borrowing|borrowing-duplicate-if-necessary`.
    Ownership,
}

impl ValueKind {
    /// What a value of this kind is, for error messages: "a string
    /// literal, e.g. ...".
    pub fn expected(self) -> &'static str {
        match self {
            ValueKind::Flag => "`true` or `false`",
            ValueKind::Str => "a string literal",
            ValueKind::StrList => "a list of string literals: `[\"a\", \"b\"]`",
            ValueKind::PathStr => "a Rust path in a string literal, e.g. `\"crate::bindings\"`",
            ValueKind::PathList => "a list of Rust paths: `[serde::Serialize, Hash]`",
            ValueKind::IdentStr => "a Rust identifier in a string literal, e.g. `\"export_app\"`",
            ValueKind::With => {
                "a map of interfaces to Rust paths: `{ \"ns:pkg/iface\": path::to::module }`"
            }
            ValueKind::WitPaths => {
                "a string literal or a list of them: `\"wit\"` or `[\"a\", \"b\"]`"
            }
            ValueKind::Filters => "`true`, `false` or a list of filters: `[\"ns:pkg/iface#f\"]`",
            ValueKind::Attrs => {
                "a map of selectors to attributes: `{ \"ns:pkg/iface/ty\": [#[attr]] }`"
            }
            ValueKind::Ownership => {
                "`Owning` or `Borrowing { duplicate_if_necessary: true }` (or `false`)"
            }
        }
    }

    /// The value's syntax in `generate!`, for documentation.
    pub fn macro_syntax(self) -> &'static str {
        match self {
            ValueKind::Flag => "flag (`key` or `key: bool`)",
            ValueKind::Str => "`\"string\"`",
            ValueKind::StrList => "`[\"a\", \"b\"]`",
            ValueKind::PathStr => "`\"a::rust::path\"`",
            ValueKind::PathList => "`[path::A, B]`",
            ValueKind::IdentStr => "`\"name\"`",
            ValueKind::With => "`{ \"ns:pkg/iface\": path, \"ns:pkg\": generate }`",
            ValueKind::WitPaths => "`\"dir\"` or `[\"a\", \"b\"]`",
            ValueKind::Filters => "`true` or `[\"filter\", ...]`",
            ValueKind::Attrs => "`{ \"ns:pkg/iface/ty\": [#[attr]] }`",
            ValueKind::Ownership => "`Owning` or `Borrowing { duplicate_if_necessary: bool }`",
        }
    }
}

/// A parsed option value.
#[derive(Clone)]
pub enum Value {
    /// A flag.
    Bool(bool),
    /// A string.
    Str(String),
    /// Strings.
    StrList(Vec<String>),
    /// A Rust path.
    Path(syn::Path),
    /// Rust paths.
    PathList(Vec<syn::Path>),
    /// A Rust identifier.
    Ident(syn::Ident),
    /// `with` entries.
    With(Vec<WithEntry>),
    /// Attributes for selected items.
    Attrs(Vec<AttrEntry>),
    /// How import parameters and types own their contents.
    Ownership(Ownership),
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::StrList(list) => write!(f, "{list:?}"),
            Value::Path(path) => write!(f, "{}", show_path(path)),
            Value::PathList(paths) => {
                let paths: Vec<String> = paths.iter().map(show_path).collect();
                write!(f, "[{}]", paths.join(", "))
            }
            Value::Ident(ident) => write!(f, "{ident}"),
            Value::With(entries) => f.debug_list().entries(entries).finish(),
            Value::Attrs(entries) => f.debug_list().entries(entries).finish(),
            Value::Ownership(ownership) => f.write_str(ownership.cli_name()),
        }
    }
}

/// One `with` entry: a WIT interface, package or import label, and where
/// its bindings come from.
#[derive(Clone)]
pub struct WithEntry {
    /// `ns:pkg/iface[@version]`, `ns:pkg[@version]` or a label, possibly
    /// `%`-escaped.
    pub key: String,
    /// Where the bindings come from.
    pub mapping: WithMapping,
}

impl fmt::Debug for WithEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {:?}", self.key, self.mapping)
    }
}

/// How parameters of imported functions (and the types only they use)
/// hold strings and lists (wit-bindgen's `ownership`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Ownership {
    /// Types are owned (`String`, `Vec<T>`); a parameter borrows its top
    /// layer only (`&str`, `&[T]`, `&Record`).
    #[default]
    Owning,
    /// Types used only by parameters of imports are borrowed throughout
    /// (`Record<'a> { name: &'a str }`), passed by value.
    Borrowing {
        /// Types used both ways get two definitions, `NameParam<'a>` and
        /// `NameResult`; without it they stay owned.
        duplicate_if_necessary: bool,
    },
}

impl Ownership {
    /// The CLI spelling.
    pub fn cli_name(self) -> &'static str {
        match self {
            Ownership::Owning => "owning",
            Ownership::Borrowing {
                duplicate_if_necessary: false,
            } => "borrowing",
            Ownership::Borrowing {
                duplicate_if_necessary: true,
            } => "borrowing-duplicate-if-necessary",
        }
    }
}

/// One attribute for the generated items a selector names: a type
/// (`ns:pkg/iface@1.0.0/point`, or `world/point` for a world's own types)
/// or a member of one (`.../point.x`: a field or a case).
#[derive(Clone)]
pub struct AttrEntry {
    /// The selector.
    pub selector: String,
    /// The attribute, `#[...]`.
    pub attr: syn::Attribute,
}

impl AttrEntry {
    /// `SELECTOR=#[attr]`, as on the command line.
    pub fn to_cli(&self) -> String {
        let attr = &self.attr;
        // Printed as rustfmt would: `#[doc(alias = "x")]`.
        #[cfg(feature = "format")]
        let printed = {
            let item: syn::File = syn::parse_quote!(#attr struct S;);
            prettyplease::unparse(&item)
        };
        // Without the formatter (the macro's build): spaced by hand.
        #[cfg(not(feature = "format"))]
        let printed = crate::tokens::compact(&quote::ToTokens::to_token_stream(attr));
        let attr = printed.lines().next().unwrap_or_default();
        format!("{}={attr}", self.selector)
    }
}

impl fmt::Debug for AttrEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_cli())
    }
}

/// Where the bindings of an imported interface come from.
#[derive(Clone)]
pub enum WithMapping {
    /// An existing module with the same items (bindings generated by
    /// another crate or another `generate!`).
    Path(syn::Path),
    /// Generate the interface (the default; accepted for compatibility).
    Generate,
}

impl fmt::Debug for WithMapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WithMapping::Path(path) => write!(f, "{}", show_path(path)),
            WithMapping::Generate => f.write_str("generate"),
        }
    }
}

pub(crate) fn show_path(path: &syn::Path) -> String {
    path.to_token_stream().to_string().replace(' ', "")
}

/// Parses a `generate!` value of kind `kind` (everything after `key:`).
/// Errors point at the offending tokens. [`ValueKind::WitPaths`] is the
/// macro's own business (it evaluates `concat!`/`env!`), so it is parsed
/// there.
pub fn parse_macro_value(kind: ValueKind, tokens: TokenStream) -> syn::Result<Value> {
    match kind {
        ValueKind::Flag => Ok(Value::Bool(syn::parse2::<LitBool>(tokens)?.value)),
        ValueKind::Str => Ok(Value::Str(syn::parse2::<LitStr>(tokens)?.value())),
        ValueKind::StrList => {
            let list = bracketed::<LitStr>.parse2(tokens)?;
            Ok(Value::StrList(list.iter().map(LitStr::value).collect()))
        }
        ValueKind::Filters => {
            if let Ok(all) = syn::parse2::<LitBool>(tokens.clone()) {
                let filters = if all.value {
                    vec!["all".to_string()]
                } else {
                    Vec::new()
                };
                return Ok(Value::StrList(filters));
            }
            let list = bracketed::<LitStr>.parse2(tokens)?;
            Ok(Value::StrList(list.iter().map(LitStr::value).collect()))
        }
        ValueKind::PathStr => parse_path_or_string(tokens).map(Value::Path),
        ValueKind::PathList => Ok(Value::PathList(bracketed::<syn::Path>.parse2(tokens)?)),
        ValueKind::IdentStr => {
            let lit = syn::parse2::<LitStr>(tokens)?;
            let ident = syn::parse_str::<syn::Ident>(&lit.value()).map_err(|_| {
                syn::Error::new(
                    lit.span(),
                    "expected a Rust identifier, e.g. `\"export_app\"`",
                )
            })?;
            Ok(Value::Ident(syn::Ident::new(
                &ident.to_string(),
                lit.span(),
            )))
        }
        ValueKind::With => {
            let entries = parse_with_map.parse2(tokens)?;
            Ok(Value::With(
                entries.into_iter().map(|(entry, _)| entry).collect(),
            ))
        }
        ValueKind::WitPaths => Err(syn::Error::new(
            Span::call_site(),
            "WIT paths are read by the macro itself",
        )),
        ValueKind::Attrs => parse_attr_map.parse2(tokens).map(Value::Attrs),
        ValueKind::Ownership => parse_ownership.parse2(tokens).map(Value::Ownership),
    }
}

/// `Owning` or `Borrowing { duplicate_if_necessary: bool }`.
fn parse_ownership(input: ParseStream<'_>) -> syn::Result<Ownership> {
    let mode: syn::Ident = input.parse()?;
    if mode == "Owning" {
        return Ok(Ownership::Owning);
    }
    if mode != "Borrowing" {
        return Err(syn::Error::new(
            mode.span(),
            "expected `Owning` or `Borrowing { duplicate_if_necessary: bool }`",
        ));
    }
    if !input.peek(syn::token::Brace) {
        return Err(syn::Error::new(
            mode.span(),
            "expected `Borrowing { duplicate_if_necessary: bool }`",
        ));
    }
    let content;
    syn::braced!(content in input);
    let field: syn::Ident = content.parse()?;
    if field != "duplicate_if_necessary" {
        return Err(syn::Error::new(
            field.span(),
            "expected `duplicate_if_necessary`",
        ));
    }
    content.parse::<Token![:]>()?;
    let value: LitBool = content.parse()?;
    content.parse::<Option<Token![,]>>()?;
    Ok(Ownership::Borrowing {
        duplicate_if_necessary: value.value,
    })
}

/// `{ "selector": [#[a] #[b]], ... }`: one entry per attribute.
fn parse_attr_map(input: ParseStream<'_>) -> syn::Result<Vec<AttrEntry>> {
    struct Entry(Vec<AttrEntry>);
    impl Parse for Entry {
        fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
            let selector: LitStr = input.parse()?;
            input.parse::<Token![:]>()?;
            let content;
            let brackets = syn::bracketed!(content in input);
            let attrs = content.call(syn::Attribute::parse_outer)?;
            if !content.is_empty() {
                return Err(content.error("expected an outer attribute, `#[...]`"));
            }
            if attrs.is_empty() {
                return Err(syn::Error::new(
                    brackets.span.join(),
                    "the attribute list must not be empty",
                ));
            }
            Ok(Entry(
                attrs
                    .into_iter()
                    .map(|attr| AttrEntry {
                        selector: selector.value(),
                        attr,
                    })
                    .collect(),
            ))
        }
    }
    let content;
    syn::braced!(content in input);
    let entries = Punctuated::<Entry, Token![,]>::parse_terminated(&content)?;
    Ok(entries
        .into_iter()
        .flat_map(|Entry(entries)| entries)
        .collect())
}

/// The entries of a `with: { .. }` value, each with the span of its key.
pub fn parse_with_entries(tokens: TokenStream) -> syn::Result<Vec<(WithEntry, Span)>> {
    parse_with_map.parse2(tokens)
}

fn parse_with_map(input: ParseStream<'_>) -> syn::Result<Vec<(WithEntry, Span)>> {
    struct Entry(WithEntry, Span);
    impl Parse for Entry {
        fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
            let key: LitStr = input.parse()?;
            input.parse::<Token![:]>()?;
            let mapping =
                if input.peek(syn::Ident) && input.fork().parse::<syn::Ident>()? == "generate" {
                    input.parse::<syn::Ident>()?;
                    WithMapping::Generate
                } else {
                    WithMapping::Path(input.parse()?)
                };
            Ok(Entry(
                WithEntry {
                    key: key.value(),
                    mapping,
                },
                key.span(),
            ))
        }
    }
    let content;
    syn::braced!(content in input);
    let entries = Punctuated::<Entry, Token![,]>::parse_terminated(&content)?;
    Ok(entries
        .into_iter()
        .map(|Entry(entry, span)| (entry, span))
        .collect())
}

fn bracketed<T: Parse>(input: ParseStream<'_>) -> syn::Result<Vec<T>> {
    let content;
    syn::bracketed!(content in input);
    let items = Punctuated::<T, Token![,]>::parse_terminated(&content)?;
    Ok(items.into_iter().collect())
}

/// A path written bare (`my::rt`) or as a string (`"my::rt"`, as
/// wit-bindgen takes it).
fn parse_path_or_string(tokens: TokenStream) -> syn::Result<syn::Path> {
    if let Ok(lit) = syn::parse2::<LitStr>(tokens.clone()) {
        return syn::parse_str::<syn::Path>(&lit.value()).map_err(|_| {
            syn::Error::new(
                lit.span(),
                "expected a Rust path, e.g. `\"crate::bindings\"`",
            )
        });
    }
    syn::parse2(tokens)
}

/// Parses command-line `values` of an option of kind `kind` (already split
/// at commas where the kind allows lists).
pub fn parse_cli_value(kind: ValueKind, values: &[String]) -> Result<Value, String> {
    let single = || values.last().cloned().unwrap_or_default();
    match kind {
        ValueKind::Flag => Ok(Value::Bool(true)),
        ValueKind::Str | ValueKind::WitPaths => Ok(Value::Str(single())),
        ValueKind::StrList | ValueKind::Filters => Ok(Value::StrList(values.to_vec())),
        ValueKind::PathStr => parse_cli_path(&single()).map(Value::Path),
        ValueKind::PathList => values
            .iter()
            .map(|value| parse_cli_path(value))
            .collect::<Result<_, _>>()
            .map(Value::PathList),
        ValueKind::IdentStr => syn::parse_str::<syn::Ident>(&single())
            .map(Value::Ident)
            .map_err(|_| format!("`{}` is not a Rust identifier", single())),
        ValueKind::With => values
            .iter()
            .map(|value| parse_cli_with(value))
            .collect::<Result<_, _>>()
            .map(Value::With),
        ValueKind::Attrs => values
            .iter()
            .map(|value| parse_cli_attr(value))
            .collect::<Result<_, _>>()
            .map(Value::Attrs),
        ValueKind::Ownership => match single().as_str() {
            "owning" => Ok(Value::Ownership(Ownership::Owning)),
            "borrowing" => Ok(Value::Ownership(Ownership::Borrowing {
                duplicate_if_necessary: false,
            })),
            "borrowing-duplicate-if-necessary" => Ok(Value::Ownership(Ownership::Borrowing {
                duplicate_if_necessary: true,
            })),
            other => Err(format!(
                "`{other}` is not an ownership: use `owning`, `borrowing` or `borrowing-duplicate-if-necessary`"
            )),
        },
    }
}

fn parse_cli_attr(value: &str) -> Result<AttrEntry, String> {
    let (selector, attr) = value.split_once('=').ok_or_else(|| {
        format!("expected SELECTOR=ATTRIBUTE, e.g. `my:pkg/types/point=#[non_exhaustive]`, got `{value}`")
    })?;
    let attrs = syn::Attribute::parse_outer
        .parse_str(attr.trim())
        .map_err(|e| format!("`{}` is not an attribute `#[...]`: {e}", attr.trim()))?;
    match <[syn::Attribute; 1]>::try_from(attrs) {
        Ok([attr]) => Ok(AttrEntry {
            selector: selector.trim().to_string(),
            attr,
        }),
        Err(_) => Err(format!(
            "expected one attribute `#[...]` after `=`, got `{}`",
            attr.trim()
        )),
    }
}

fn parse_cli_path(value: &str) -> Result<syn::Path, String> {
    syn::parse_str::<syn::Path>(value.trim())
        .map_err(|_| format!("`{value}` is not a Rust path (such as `crate::bindings`)"))
}

fn parse_cli_with(value: &str) -> Result<WithEntry, String> {
    let (key, path) = value
        .split_once('=')
        .ok_or_else(|| format!("expected KEY=PATH, e.g. `wasi:io=wasip2::io`, got `{value}`"))?;
    let mapping = match path.trim() {
        "generate" => WithMapping::Generate,
        path => WithMapping::Path(parse_cli_path(path)?),
    };
    Ok(WithEntry {
        key: key.trim().to_string(),
        mapping,
    })
}

/// Conversion of a [`Value`] into an option field's type.
pub(crate) trait FromValue: Sized {
    fn from_value(value: Value) -> Result<Self, String>;
}

/// An option field's value, for `Debug`.
pub(crate) trait ShowValue {
    fn show(&self) -> Value;
}

macro_rules! value_conversions {
    ($($ty:ty: $variant:ident($bind:ident) => $from:expr, $show:expr;)*) => {$(
        impl FromValue for $ty {
            fn from_value(value: Value) -> Result<Self, String> {
                match value {
                    Value::$variant($bind) => Ok($from),
                    other => Err(format!(
                        "expected a value of type `{}`, got `{other:?}`",
                        stringify!($variant)
                    )),
                }
            }
        }
        impl ShowValue for $ty {
            fn show(&self) -> Value {
                let $bind = self;
                $show
            }
        }
    )*};
}

value_conversions! {
    bool: Bool(b) => b, Value::Bool(*b);
    String: Str(text) => text, Value::Str(text.clone());
    Vec<String>: StrList(list) => list, Value::StrList(list.clone());
    Vec<syn::Path>: PathList(list) => list, Value::PathList(list.clone());
    Vec<WithEntry>: With(entries) => entries, Value::With(entries.clone());
    Vec<AttrEntry>: Attrs(entries) => entries, Value::Attrs(entries.clone());
    Ownership: Ownership(ownership) => ownership, Value::Ownership(*ownership);
    Option<syn::Path>: Path(path) => Some(path), match path {
        Some(path) => Value::Path(path.clone()),
        None => Value::Str(String::new()),
    };
    Option<syn::Ident>: Ident(ident) => Some(ident), match ident {
        Some(ident) => Value::Ident(ident.clone()),
        None => Value::Str(String::new()),
    };
}
