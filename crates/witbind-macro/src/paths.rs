//! The `path` option's value: a string or a list of strings, each a
//! literal or built with `concat!` and `env!` (like wit-bindgen's).

use std::path::PathBuf;

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream, Parser as _};
use syn::punctuated::Punctuated;
use syn::{LitStr, Token};

/// A `path` entry: the path as written, relative to `CARGO_MANIFEST_DIR`,
/// and the span of the literal for errors about it.
pub(crate) struct PathArg {
    pub(crate) path: PathBuf,
    pub(crate) span: Span,
}

/// `"dir"` or `["a", "b"]`.
pub(crate) fn parse_paths(value: &TokenStream) -> syn::Result<Vec<PathArg>> {
    let items: Vec<MacroString> = match syn::parse2::<MacroString>(value.clone()) {
        Ok(single) => vec![single],
        Err(_) => {
            let list = |input: ParseStream<'_>| {
                let content;
                syn::bracketed!(content in input);
                Punctuated::<MacroString, Token![,]>::parse_terminated(&content)
            };
            list.parse2(value.clone())?.into_iter().collect()
        }
    };
    if items.is_empty() {
        return Err(syn::Error::new_spanned(
            value,
            "at least one path is needed",
        ));
    }
    items
        .into_iter()
        .map(|item| {
            Ok(PathArg {
                path: PathBuf::from(item.evaluate()?),
                span: item.span,
            })
        })
        .collect()
}

/// A string given as a literal, or built with `concat!` and `env!`.
pub(crate) struct MacroString {
    span: Span,
    kind: MacroStringKind,
}

enum MacroStringKind {
    Literal(String),
    Concat(Vec<MacroString>),
    Env(LitStr),
}

impl Parse for MacroString {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let span = input.span();
        if input.peek(LitStr) {
            let lit: LitStr = input.parse()?;
            return Ok(MacroString {
                span,
                kind: MacroStringKind::Literal(lit.value()),
            });
        }
        let mac: syn::Macro = input.parse()?;
        let kind = if mac.path.is_ident("concat") {
            MacroStringKind::Concat(
                mac.parse_body_with(Punctuated::<MacroString, Token![,]>::parse_terminated)?
                    .into_iter()
                    .collect(),
            )
        } else if mac.path.is_ident("env") {
            MacroStringKind::Env(mac.parse_body()?)
        } else {
            return Err(syn::Error::new_spanned(
                &mac.path,
                "expected `concat!` or `env!`",
            ));
        };
        Ok(MacroString { span, kind })
    }
}

impl MacroString {
    fn evaluate(&self) -> syn::Result<String> {
        match &self.kind {
            MacroStringKind::Literal(value) => Ok(value.clone()),
            MacroStringKind::Concat(parts) => parts.iter().map(MacroString::evaluate).collect(),
            MacroStringKind::Env(name) => std::env::var(name.value()).map_err(|_| {
                syn::Error::new(
                    name.span(),
                    format!("environment variable `{}` is not defined", name.value()),
                )
            }),
        }
    }
}
