//! The macro's input: the short forms (`generate!()`, `"world"`,
//! `"world" in "path"`) and the `{ key: value, ... }` form, whose keys and
//! value syntax come from the generator's option table. Every problem is
//! collected (and spanned at the key, the value or the entry) before
//! anything is reported; the spans of keys and entries are kept so that
//! generation errors about an option are shown under it.

use std::collections::HashMap;

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use syn::ext::IdentExt as _;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, LitBool, LitStr, Token};
use witbind_codegen::{
    option, parse_macro_value, parse_with_entries, Blame, OptionSpec, Opts, Value, ValueKind,
    OPTIONS,
};

use crate::paths::{parse_paths, PathArg};

/// The parsed macro input.
pub(crate) struct Input {
    pub(crate) world: Option<LitStr>,
    /// Empty when no `path` was given: `wit/` is then the default.
    pub(crate) paths: Vec<PathArg>,
    pub(crate) inline: Option<LitStr>,
    pub(crate) opts: Opts,
    pub(crate) debug: bool,
    /// The span of each key given.
    keys: HashMap<&'static str, Span>,
    /// The spans of the entries of list and map values, by key.
    entries: HashMap<&'static str, Vec<Span>>,
}

impl Input {
    /// The runtime module to use unless the input names one
    /// (`runtime_path`).
    pub(crate) fn default_runtime(&mut self, runtime: syn::Path) {
        if self.opts.runtime_path.is_none() {
            self.opts.runtime_path = Some(runtime);
        }
    }

    fn empty() -> Self {
        Input {
            world: None,
            paths: Vec::new(),
            inline: None,
            opts: Opts::default(),
            debug: false,
            keys: HashMap::new(),
            entries: HashMap::new(),
        }
    }

    /// Where a diagnostic about `blame` is shown: under the option (or its
    /// entry), the `world` literal, or the source of the WIT.
    pub(crate) fn span_of(&self, blame: Blame) -> Span {
        match blame {
            Blame::Option { key, entry } => entry
                .and_then(|i| self.entries.get(key).and_then(|spans| spans.get(i)))
                .or_else(|| self.keys.get(key))
                .copied()
                .unwrap_or_else(|| self.world_span()),
            Blame::World => self.world_span(),
            Blame::Wit => self.wit_span(),
        }
    }

    /// The `world` literal, else the source of the WIT.
    fn world_span(&self) -> Span {
        self.world
            .as_ref()
            .map_or_else(|| self.wit_span(), LitStr::span)
    }

    /// The `inline` literal, else the first path, else the invocation.
    pub(crate) fn wit_span(&self) -> Span {
        if let Some(inline) = &self.inline {
            inline.span()
        } else {
            self.paths.first().map_or_else(Span::call_site, |p| p.span)
        }
    }
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(syn::token::Brace) {
            let content;
            syn::braced!(content in input);
            let entries = Punctuated::<Entry, Token![,]>::parse_terminated(&content)?;
            if !input.is_empty() {
                return Err(input.error("unexpected tokens after `{ ... }`"));
            }
            return Input::from_entries(entries);
        }
        let mut parsed = Input::empty();
        if !input.is_empty() {
            parsed.world = Some(input.parse()?);
            if input.parse::<Option<Token![in]>>()?.is_some() {
                let path: LitStr = input.parse()?;
                parsed.paths.push(PathArg {
                    path: path.value().into(),
                    span: path.span(),
                });
            }
        }
        if !input.is_empty() {
            return Err(input
                .error("expected `\"world\"`, `\"world\" in \"path\"` or `{ key: value, ... }`"));
        }
        Ok(parsed)
    }
}

/// One `key` or `key: value` of the `{ ... }` form. The value is kept as raw
/// tokens so that every entry can be checked (and its errors collected)
/// after the whole list is read.
struct Entry {
    key: Ident,
    value: Option<TokenStream>,
}

impl Parse for Entry {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        // `parse_any` also accepts keywords, so `async: true` gets a
        // helpful "not supported" instead of a parse error.
        let key = Ident::parse_any(input)?;
        if input.parse::<Option<Token![:]>>()?.is_none() {
            return Ok(Entry { key, value: None });
        }
        let mut value = TokenStream::new();
        while !input.is_empty() && !input.peek(Token![,]) {
            value.extend(std::iter::once(input.parse::<TokenTree>()?));
        }
        if value.is_empty() {
            return Err(input.error(format!("expected a value for `{key}`")));
        }
        Ok(Entry {
            key,
            value: Some(value),
        })
    }
}

impl Input {
    fn from_entries(entries: Punctuated<Entry, Token![,]>) -> syn::Result<Self> {
        let mut parsed = Input::empty();
        let mut errors = Errors::default();
        for entry in entries {
            let name = entry.key.unraw().to_string();
            let Some(spec) = option(&name).filter(|spec| spec.in_macro()) else {
                errors.push(unknown_key(&entry.key, &name));
                continue;
            };
            if parsed.keys.contains_key(spec.key) {
                errors.push(syn::Error::new(
                    entry.key.span(),
                    format!("duplicate option `{name}`"),
                ));
                continue;
            }
            parsed.keys.insert(spec.key, entry.key.span());
            if let Err(err) = parsed.apply(spec, &entry) {
                errors.push(err);
            }
        }
        errors.finish()?;
        Ok(parsed)
    }

    /// Checks one entry and stores its value.
    fn apply(&mut self, spec: &'static OptionSpec, entry: &Entry) -> syn::Result<()> {
        let key = &entry.key;
        let value = match (&entry.value, spec.kind) {
            (None, ValueKind::Flag) => return self.set(spec, Value::Bool(true), key.span()),
            (None, _) => {
                return Err(syn::Error::new(
                    key.span(),
                    format!("option `{key}` needs a value: `{key}: ...`"),
                ))
            }
            (Some(value), _) => value,
        };
        let expects = |err: syn::Error| {
            syn::Error::new(
                err.span(),
                format!("option `{key}` expects {}", spec.kind.expected()),
            )
        };
        match spec.kind {
            ValueKind::WitPaths => {
                self.paths = parse_paths(value).map_err(|e| {
                    if e.to_string().starts_with("environment variable") {
                        e
                    } else {
                        expects(e)
                    }
                })?;
                Ok(())
            }
            ValueKind::With => {
                let entries = parse_with_entries(value.clone()).map_err(expects)?;
                self.entries
                    .insert(spec.key, entries.iter().map(|(_, span)| *span).collect());
                let entries = entries.into_iter().map(|(entry, _)| entry).collect();
                self.set(spec, Value::With(entries), key.span())
            }
            ValueKind::Ownership => {
                let parsed = parse_macro_value(spec.kind, value.clone()).map_err(expects)?;
                self.set(spec, parsed, key.span())
            }
            ValueKind::Attrs => {
                // Its own errors are more precise than "expects ...".
                let parsed = parse_macro_value(spec.kind, value.clone())?;
                self.entries.insert(spec.key, attr_entry_spans(value));
                self.set(spec, parsed, key.span())
            }
            ValueKind::Flag => {
                let flag = syn::parse2::<LitBool>(value.clone()).map_err(|_| {
                    syn::Error::new_spanned(
                        value,
                        format!("option `{key}` expects `true` or `false`"),
                    )
                })?;
                self.set(spec, Value::Bool(flag.value), key.span())
            }
            ValueKind::Str
            | ValueKind::StrList
            | ValueKind::Filters
            | ValueKind::PathStr
            | ValueKind::PathList
            | ValueKind::IdentStr => {
                if matches!(
                    spec.kind,
                    ValueKind::StrList | ValueKind::PathList | ValueKind::Filters
                ) {
                    self.entries.insert(spec.key, list_element_spans(value));
                }
                let parsed = parse_macro_value(spec.kind, value.clone()).map_err(expects)?;
                let span = value
                    .clone()
                    .into_iter()
                    .next()
                    .map_or(key.span(), |t| t.span());
                self.set(spec, parsed, span)
            }
        }
    }

    /// Stores `value` in the door's own fields or in the options.
    fn set(&mut self, spec: &OptionSpec, value: Value, span: Span) -> syn::Result<()> {
        match (spec.key, value) {
            ("world", Value::Str(world)) => self.world = Some(LitStr::new(&world, span)),
            ("inline", Value::Str(inline)) => self.inline = Some(LitStr::new(&inline, span)),
            ("debug", Value::Bool(debug)) => self.debug = debug,
            (key, value) => self
                .opts
                .set(key, value)
                .map_err(|e| syn::Error::new(span, e))?,
        }
        Ok(())
    }
}

/// The span of each element of a `[a, b, c]` value.
fn list_element_spans(value: &TokenStream) -> Vec<Span> {
    let Some(TokenTree::Group(group)) = value.clone().into_iter().next() else {
        return Vec::new();
    };
    if group.delimiter() != Delimiter::Bracket {
        return Vec::new();
    }
    let mut spans = Vec::new();
    let mut at_start = true;
    for token in group.stream() {
        match &token {
            TokenTree::Punct(p) if p.as_char() == ',' => at_start = true,
            _ if at_start => {
                spans.push(token.span());
                at_start = false;
            }
            _ => {}
        }
    }
    spans
}

/// For `{ "selector": [#[a] #[b]], ... }`: the span of the selector, once
/// per attribute (the option's entries are its attributes).
fn attr_entry_spans(value: &TokenStream) -> Vec<Span> {
    let Some(TokenTree::Group(map)) = value.clone().into_iter().next() else {
        return Vec::new();
    };
    let mut spans = Vec::new();
    let mut selector = None;
    for token in map.stream() {
        match &token {
            TokenTree::Literal(lit) if selector.is_none() => selector = Some(lit.span()),
            TokenTree::Group(list) if list.delimiter() == Delimiter::Bracket => {
                let attrs = list
                    .stream()
                    .into_iter()
                    .filter(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == '#'))
                    .count();
                spans.extend(std::iter::repeat_n(selector.unwrap_or(list.span()), attrs));
            }
            TokenTree::Punct(p) if p.as_char() == ',' => selector = None,
            _ => {}
        }
    }
    spans
}

fn unknown_key(key: &Ident, name: &str) -> syn::Error {
    if name == "async" {
        // As in wit-bindgen 0.63, which removed it.
        return syn::Error::new(
            key.span(),
            "the `async` option has been removed: functions that are `async` in WIT \
             get async bindings by default\nhelp: use `sync: [...]` (or `sync: true`) \
             to bind some (or all) of them as plain functions",
        );
    }
    let keys: Vec<&str> = OPTIONS
        .iter()
        .filter(|spec| spec.in_macro())
        .map(|spec| spec.key)
        .collect();
    let help = match closest_key(name, &keys) {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!("supported options: {}", keys.join(", ")),
    };
    syn::Error::new(key.span(), format!("unknown option `{name}`\nhelp: {help}"))
}

/// The key within a small edit distance of `name`, for typos.
fn closest_key<'a>(name: &str, keys: &[&'a str]) -> Option<&'a str> {
    keys.iter()
        .map(|key| (edit_distance(name, key), *key))
        .filter(|(distance, key)| *distance <= key.len().min(name.len()) / 3 + 1)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, key)| key)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// Collects several errors so that one compilation reports them all.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;
    use std::path::{Path, PathBuf};

    fn parse(tokens: TokenStream) -> syn::Result<Input> {
        syn::parse2(tokens)
    }

    fn error_messages(tokens: TokenStream) -> Vec<String> {
        match parse(tokens) {
            Ok(_) => Vec::new(),
            Err(err) => err.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn short_forms() {
        let input = parse(quote!()).unwrap();
        assert!(input.world.is_none() && input.paths.is_empty());
        let input = parse(quote!("app")).unwrap();
        assert_eq!(input.world.unwrap().value(), "app");
        let input = parse(quote!("app" in "other")).unwrap();
        assert_eq!(input.paths[0].path, Path::new("other"));
        assert!(parse(quote!("app" "extra")).is_err());
    }

    #[test]
    fn every_key_of_the_table_is_accepted() {
        let input = parse(quote!({
            path: ["a", concat!("b", "/c")],
            world: "ns:pkg/app",
            inline: "package a:b;",
            runtime_path: "::my::rt",
            additional_derives: [serde::Serialize, Hash,],
            derive_eq,
            with_cabi_realloc: true,
            features: ["x", "y"],
            all_features: false,
            generate_all,
            debug: false,
            with: { "a:b/c": crate::x, "a:b/d": generate },
            export_macro_name: "export_app",
            pub_export_macro,
            default_bindings_module: "crate::bindings",
            stubs,
            skip: ["f"],
            sync: ["import:a:b/c#f", "g"],
            map_type: "std::collections::HashMap",
            std_feature,
            raw_strings,
            bitflags_path: "my::bitflags",
            additional_derives_ignore: ["point"],
            export_prefix: "pfx_",
            type_section_suffix: "-two",
            disable_run_ctors_once_workaround: true,
            disable_custom_section_link_helpers,
            generate_unused_types,
            additional_type_attributes: { "a:b/c/t": [#[non_exhaustive] #[must_use]] },
            additional_member_attributes: { "a:b/c/t.x": [#[doc(hidden)]] },
            chainable_methods: ["&all"],
            merge_structurally_equal_types,
            ownership: Borrowing { duplicate_if_necessary: true },
            mutable_resources,
            disable_native,
        }))
        .unwrap();
        let paths: Vec<_> = input.paths.iter().map(|p| p.path.clone()).collect();
        assert_eq!(paths, [PathBuf::from("a"), PathBuf::from("b/c")]);
        let opts = format!("{:?}", input.opts);
        for part in [
            "runtime_path: ::my::rt",
            "additional_derives: [serde::Serialize, Hash]",
            "derive_eq: true",
            "with_cabi_realloc: true",
            "features: [\"x\", \"y\"]",
            "\"a:b/c\": crate::x, \"a:b/d\": generate",
            "export_macro_name: export_app",
            "default_bindings_module: crate::bindings",
            "skip: [\"f\"]",
            "sync: [\"import:a:b/c#f\", \"g\"]",
            "map_type: std::collections::HashMap",
            "std_feature: true",
            "raw_strings: true",
            "bitflags_path: my::bitflags",
            "additional_derives_ignore: [\"point\"]",
            "export_prefix: \"pfx_\"",
            "type_section_suffix: \"-two\"",
            "disable_run_ctors_once_workaround: true",
            "disable_custom_section_link_helpers: true",
            "generate_unused_types: true",
            "additional_type_attributes: [a:b/c/t=#[non_exhaustive], a:b/c/t=#[must_use]]",
            "additional_member_attributes: [a:b/c/t.x=#[doc(hidden)]]",
            "chainable_methods: [\"&all\"]",
            "merge_structurally_equal_types: true",
            "ownership: borrowing-duplicate-if-necessary",
            "mutable_resources: true",
            "disable_native: true",
        ] {
            assert!(opts.contains(part), "{part} in {opts}");
        }
        let macro_keys: Vec<&str> = OPTIONS
            .iter()
            .filter(|s| s.in_macro())
            .map(|s| s.key)
            .collect();
        for key in macro_keys {
            assert!(
                input.keys.contains_key(key),
                "`{key}` is in the table but not tested here"
            );
        }
    }

    #[test]
    fn errors_are_collected() {
        let messages = error_messages(quote!({
            wrold: "app",
            world: 1,
            world: "again",
            ownership: Borrowing { duplicate: false },
            async: true,
            derive_eq: "yes",
            path: [],
            features: "x",
            out: "file.rs",
        }));
        assert_eq!(
            messages,
            [
                "unknown option `wrold`\nhelp: did you mean `world`?",
                "option `world` expects a string literal",
                "duplicate option `world`",
                "option `ownership` expects `Owning` or `Borrowing { duplicate_if_necessary: true }` (or `false`)",
                "the `async` option has been removed: functions that are `async` in WIT get async bindings by default\nhelp: use `sync: [...]` (or `sync: true`) to bind some (or all) of them as plain functions",
                "option `derive_eq` expects `true` or `false`",
                "option `path` expects a string literal or a list of them: `\"wit\"` or `[\"a\", \"b\"]`",
                "option `features` expects a list of string literals: `[\"a\", \"b\"]`",
                &unknown_key(&Ident::new("out", Span::call_site()), "out").to_string(),
            ]
        );
    }

    #[test]
    fn missing_values_and_bad_paths() {
        assert_eq!(
            error_messages(quote!({ world })),
            ["option `world` needs a value: `world: ...`"]
        );
        assert_eq!(
            error_messages(quote!({ runtime_path: "not a path" })),
            ["option `runtime_path` expects a Rust path in a string literal, e.g. `\"crate::bindings\"`"]
        );
        assert_eq!(
            error_messages(quote!({ path: env!("WITBIND_SURELY_UNDEFINED_VARIABLE") })),
            ["environment variable `WITBIND_SURELY_UNDEFINED_VARIABLE` is not defined"]
        );
    }

    #[test]
    fn entries_of_lists_and_maps_have_spans() {
        let input = parse(quote!({
            with: { "a:b/c": crate::x, "a:b/d": generate },
            skip: ["f", "g", "h"],
        }))
        .unwrap();
        assert_eq!(input.entries["with"].len(), 2);
        assert_eq!(input.entries["skip"].len(), 3);
    }
}
