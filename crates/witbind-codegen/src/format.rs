//! The last stage: tokens become a formatted Rust file. This is the only
//! place where generated code is turned into a string.
//!
//! The output depends only on the tokens (and so on the WIT, the options
//! and the witbind version): it is printed by prettyplease (pinned by
//! Cargo.lock), never by whatever `rustfmt` a machine has. `macro_rules!`
//! bodies, which prettyplease prints as token runs, are laid out here:
//! their metavariables are replaced by placeholder identifiers so that the
//! bodies parse as items, which prettyplease then prints like the rest.
//! Every top-level item is `#[rustfmt::skip]`, so a vendored file passes
//! `cargo fmt --check` in the user's crate whatever rustfmt version runs.

use proc_macro2::{Delimiter, Group, Ident, Spacing, Span, TokenStream, TokenTree};
use quote::quote;
use wit_bindgen_core::wit_parser::{Resolve, WorldId};

use crate::error::Error;
use crate::tokens::compact;

mod modules;
pub(crate) use modules::format_tokens;

/// The prefix of the placeholder of a `$name` metavariable. Placeholders
/// are about as long as what they stand for (so lines are laid out for
/// their final width), and no name of generated code starts like them.
const VAR: &str = "__v_";
/// The prefix of the placeholder of a `$($name)*` repetition.
const REP: &str = "__r_";
/// The prefix of the placeholder of a `$($name)::+` repetition (a path).
const PATH: &str = "__p_";
/// The placeholder that stands for a macro's rules while the file is printed.
const RULES: &str = "__witbind_macro_rules_";

/// Formats generated bindings as a Rust source file, under an
/// `@generated` header naming the world.
pub fn format_file(
    resolve: &Resolve,
    world: WorldId,
    tokens: &TokenStream,
) -> Result<String, Error> {
    Ok(format!(
        "{}{}",
        header(resolve, world, None),
        format_tokens(tokens)?
    ))
}

/// The generated tokens as a file's items (doc attributes one per line).
pub(crate) fn parse(tokens: &TokenStream) -> Result<syn::File, Error> {
    syn::parse2(split_docs(tokens.clone())).map_err(|e| {
        Error::new(format!(
            "internal error: generated code does not parse ({e})\n  help: please report this with the WIT that triggered it"
        ))
    })
}

/// `tokens` with every `#[doc = "..."]` of several lines (as generated
/// code writes WIT docs, `docs::doc_lines`) split into one attribute per
/// line, which prettyplease prints as `///` lines, and raw literals made
/// escaped ones.
fn split_docs(tokens: TokenStream) -> TokenStream {
    let mut out = TokenStream::new();
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Punct(pound) if pound.as_char() == '#' => {
                let lines = match tokens.peek() {
                    Some(TokenTree::Group(attr)) if attr.delimiter() == Delimiter::Bracket => {
                        doc_lines_of(attr)
                    }
                    _ => None,
                };
                match lines {
                    Some(lines) => {
                        tokens.next();
                        for line in lines {
                            out.extend(quote!(#[doc = #line]));
                        }
                    }
                    None => out.extend([TokenTree::Punct(pound)]),
                }
            }
            TokenTree::Group(group) => {
                let mut split = Group::new(group.delimiter(), split_docs(group.stream()));
                split.set_span(group.span());
                out.extend([TokenTree::Group(split)]);
            }
            other => out.extend([other]),
        }
    }
    out
}

/// The lines of the attribute body `doc = "..."` when its text has
/// several or is a raw literal.
fn doc_lines_of(attr: &Group) -> Option<Vec<String>> {
    let mut tokens = attr.stream().into_iter();
    let (Some(TokenTree::Ident(doc)), Some(TokenTree::Punct(eq)), Some(value), None) =
        (tokens.next(), tokens.next(), tokens.next(), tokens.next())
    else {
        return None;
    };
    if doc != "doc" || eq.as_char() != '=' {
        return None;
    }
    // Generated docs are raw literals (`docs::doc_lines`); printed ones are
    // escaped literals, as `///` lines or in the tokens of a macro call.
    let raw = value.to_string().starts_with('r');
    let text = syn::parse2::<syn::LitStr>(value.into()).ok()?.value();
    (raw || text.contains('\n')).then(|| text.split('\n').map(str::to_string).collect())
}

/// The `@generated` header: the witbind version, the world, and the
/// command that regenerates the file.
pub(crate) fn header(resolve: &Resolve, world: WorldId, command: Option<&str>) -> String {
    let world = &resolve.worlds[world];
    let world_id = match world.package {
        Some(pkg) => resolve.id_of_name(pkg, &world.name),
        None => world.name.clone(),
    };
    let command = command.unwrap_or("witbind bindgen");
    format!(
        "// @generated by witbind {} from the WIT world `{world_id}`. DO NOT EDIT.\n\
         // Regenerate with: {command}\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// `items` printed as a Rust file (without a header).
pub(crate) fn format_items(items: Vec<syn::Item>) -> String {
    let mut file: syn::File = syn::parse_quote!();
    file.items = items;
    let mut rules = Vec::new();
    for item in &mut file.items {
        take_macro_rules(item, &mut rules);
        if let Some(attrs) = item_attrs(item) {
            // After the doc comment, so the docs stay on top.
            let docs = attrs
                .iter()
                .take_while(|attr| attr.path().is_ident("doc"))
                .count();
            attrs.insert(docs, syn::parse_quote!(#[rustfmt::skip]));
        }
    }
    let mut text = prettyplease::unparse(&file);
    for (index, rules) in rules.iter().enumerate() {
        text = put_back_rules(&text, index, rules);
    }
    text
}

/// Moves the rules of every `macro_rules!` in `item` (and the modules in
/// it) to `rules`, leaving a placeholder identifier in their place.
fn take_macro_rules(item: &mut syn::Item, rules: &mut Vec<TokenStream>) {
    match item {
        syn::Item::Macro(mac) if mac.mac.path.is_ident("macro_rules") => {
            let placeholder = Ident::new(&format!("{RULES}{}", rules.len()), Span::call_site());
            let stand_in = quote!(() => { #placeholder };);
            rules.push(std::mem::replace(&mut mac.mac.tokens, stand_in));
        }
        syn::Item::Mod(module) => {
            for item in module.content.iter_mut().flat_map(|(_, items)| items) {
                take_macro_rules(item, rules);
            }
        }
        _ => {}
    }
}

/// The attributes of items that can carry `#[rustfmt::skip]`.
fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        syn::Item::Const(i) => Some(&mut i.attrs),
        syn::Item::Enum(i) => Some(&mut i.attrs),
        syn::Item::Fn(i) => Some(&mut i.attrs),
        syn::Item::Impl(i) => Some(&mut i.attrs),
        syn::Item::Macro(i) => Some(&mut i.attrs),
        syn::Item::Mod(i) => Some(&mut i.attrs),
        syn::Item::Static(i) => Some(&mut i.attrs),
        syn::Item::Struct(i) => Some(&mut i.attrs),
        syn::Item::Trait(i) => Some(&mut i.attrs),
        syn::Item::Type(i) => Some(&mut i.attrs),
        syn::Item::Use(i) => Some(&mut i.attrs),
        _ => None,
    }
}

/// `text` with the stand-in rule `() => { placeholder };` of macro
/// `index` replaced by `rules`, laid out at the stand-in's indentation.
fn put_back_rules(text: &str, index: usize, rules: &TokenStream) -> String {
    let placeholder = format!("{RULES}{index}");
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some(at) = lines.iter().position(|line| line.trim() == placeholder) else {
        unreachable!("prettyplease prints the stand-in rule on its own lines")
    };
    let indent = {
        let opening = lines[at - 1];
        &opening[..opening.len() - opening.trim_start().len()]
    };
    let mut out: String = lines[..at - 1].concat();
    out.push_str(&layout_rules(rules, indent));
    out.push_str(&lines[at + 2..].concat());
    out
}

/// The rules of a macro, one `(matcher) => { body };` per rule.
fn layout_rules(rules: &TokenStream, indent: &str) -> String {
    let tokens: Vec<TokenTree> = rules.clone().into_iter().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < tokens.len() {
        let (TokenTree::Group(matcher), Some(TokenTree::Group(body))) =
            (&tokens[i], tokens.get(i + 3))
        else {
            // Not the shape we generate: keep the tokens as they are.
            return format!("{indent}{rules}\n");
        };
        out.push_str(&format!("{indent}({}) => {{\n", compact(&matcher.stream())));
        for line in layout_body(&body.stream()).lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                out.push_str(&format!("{indent}    {line}\n"));
            }
        }
        out.push_str(&format!("{indent}}};\n"));
        i += 4;
        while matches!(tokens.get(i), Some(TokenTree::Punct(p)) if p.as_char() == ';') {
            i += 1;
        }
    }
    out
}

/// A macro rule's body, printed as items by prettyplease with its
/// metavariables standing in as identifiers; as compact tokens when it is
/// not items.
fn layout_body(body: &TokenStream) -> String {
    let substituted = substitute(body.clone());
    match syn::parse2::<syn::File>(substituted) {
        Ok(file) => restore(&prettyplease::unparse(&file)),
        Err(_) => format!("{}\n", compact(body)),
    }
}

/// `body` with `$name` as `__v_name`, `$($name)*` as `__r_name` and
/// `$($name)::+` as `__p_name`.
fn substitute(body: TokenStream) -> TokenStream {
    let tokens: Vec<TokenTree> = body.into_iter().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match (&tokens[i], tokens.get(i + 1), tokens.get(i + 2)) {
            (TokenTree::Punct(dollar), Some(TokenTree::Ident(name)), _)
                if dollar.as_char() == '$' =>
            {
                out.push(TokenTree::Ident(Ident::new(
                    &format!("{VAR}{name}"),
                    name.span(),
                )));
                i += 2;
            }
            (TokenTree::Punct(dollar), Some(TokenTree::Group(group)), Some(_))
                if dollar.as_char() == '$'
                    && group.delimiter() == Delimiter::Parenthesis
                    && is_path_repetition(&tokens[i + 2..]) =>
            {
                let name = group
                    .stream()
                    .into_iter()
                    .nth(1)
                    .map(|t| t.to_string())
                    .unwrap_or_default();
                out.push(TokenTree::Ident(Ident::new(
                    &format!("{PATH}{name}"),
                    group.span(),
                )));
                i += 5;
            }
            (
                TokenTree::Punct(dollar),
                Some(TokenTree::Group(group)),
                Some(TokenTree::Punct(star)),
            ) if dollar.as_char() == '$'
                && star.as_char() == '*'
                && group.delimiter() == Delimiter::Parenthesis =>
            {
                let name = group
                    .stream()
                    .into_iter()
                    .nth(1)
                    .map(|t| t.to_string())
                    .unwrap_or_default();
                out.push(TokenTree::Ident(Ident::new(
                    &format!("{REP}{name}"),
                    group.span(),
                )));
                i += 3;
            }
            (TokenTree::Group(group), _, _) => {
                let mut new = Group::new(group.delimiter(), substitute(group.stream()));
                new.set_span(group.span());
                out.push(TokenTree::Group(new));
                i += 1;
            }
            (token, _, _) => {
                out.push(token.clone());
                i += 1;
            }
        }
    }
    out.into_iter().collect()
}

/// Whether `tokens` start with `::+`, the separator and operator of a
/// path repetition `$($name)::+`.
fn is_path_repetition(tokens: &[TokenTree]) -> bool {
    matches!(
        tokens,
        [TokenTree::Punct(a), TokenTree::Punct(b), TokenTree::Punct(plus), ..]
            if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':' && plus.as_char() == '+'
    )
}

/// The placeholders of [`substitute`] turned back into metavariables.
fn restore(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("__") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let (prefix, template): (&str, fn(&str) -> String) = if tail.starts_with(VAR) {
            (VAR, |name| format!("${name}"))
        } else if tail.starts_with(REP) {
            (REP, |name| format!("$(${name})*"))
        } else if tail.starts_with(PATH) {
            (PATH, |name| format!("$(${name})::+"))
        } else {
            out.push_str("__");
            rest = &tail[2..];
            continue;
        };
        let name_len = tail[prefix.len()..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(tail.len() - prefix.len());
        out.push_str(&template(&tail[prefix.len()..prefix.len() + name_len]));
        rest = &tail[prefix.len() + name_len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metavariables_survive_the_round_trip() {
        let body = quote!(const _: () = {
            #[unsafe(export_name = "f")]
            unsafe extern "C" fn export_f(arg0: i32) -> i32 {
                unsafe { $($path_to_types)*::_export_f_cabi::<$ty>(arg0) }
            }
        };);
        let text = layout_body(&body);
        assert!(
            text.contains("$($path_to_types)*::_export_f_cabi::<$ty>(arg0)"),
            "{text}"
        );
        assert!(
            text.contains("unsafe extern \"C\" fn export_f(arg0: i32) -> i32 {"),
            "{text}"
        );
    }

    #[test]
    fn matchers_are_compact() {
        let matcher = quote!($ty:ident with_types_in $($path_to_types_root:tt)*);
        assert_eq!(
            compact(&matcher),
            "$ty:ident with_types_in $($path_to_types_root:tt)*"
        );
        assert_eq!(compact(&quote!($ty:ident)), "$ty:ident");
    }
}
