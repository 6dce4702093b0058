//! Printing a whole file on two threads. The modules of the bindings that
//! hold no module (an interface's, a world's exports' leaves) are printed
//! apart from the rest, about half of their text on a second thread (on
//! this one where no thread can be started), and put back where a
//! placeholder item stood for each. proc-macro2's tokens
//! cannot cross threads (they are reference-counted), so a module's
//! contents travel as text and are parsed again where they are printed.
//! Each is printed inside as many empty modules as it is deep, which are
//! then cut off: its lines come out exactly as they would in place, and
//! the file is the same bytes as one printed in one piece (a test below
//! checks it).

use std::str::FromStr;

use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};
use quote::quote;

use super::{format_items, parse};
use crate::error::Error;

/// The placeholder item `__witbind_module_N!();` that stands for the
/// contents of module `N` while the rest of the file is printed.
const PLACEHOLDER: &str = "__witbind_module_";
/// The empty modules a module's contents are printed in.
const WRAPPER: &str = "__witbind_wrapper";
/// Below this much text in modules, one thread prints everything (a
/// second one would cost more than it saves).
const PARALLEL_FROM: usize = 64 * 1024;

/// The contents of a module, taken out of the file.
struct Module {
    /// How many modules it is in (1 for a module at the top of the file).
    depth: usize,
    /// Its items, as text.
    body: String,
}

/// `tokens` (a file's items) printed as [`format_items`] prints them.
pub(crate) fn format_tokens(tokens: &TokenStream) -> Result<String, Error> {
    let mut modules = Vec::new();
    let rest = detach(tokens.clone(), 0, &mut modules);
    let total: usize = modules.iter().map(|module| module.body.len()).sum();
    // The second thread takes modules from the end until it has about
    // half of their text; this thread prints the rest of the file too.
    let mut split = modules.len();
    if total >= PARALLEL_FROM {
        let mut theirs = 0;
        while split > 0 && theirs + modules[split - 1].body.len() <= total / 2 {
            split -= 1;
            theirs += modules[split].body.len();
        }
    }
    let (mine, theirs) = modules.split_at(split);
    let (text, mine, theirs) = std::thread::scope(|scope| {
        // Where no thread can be started (a target without threads, a
        // limit), this thread prints them too.
        let other = match theirs {
            [] => None,
            theirs => std::thread::Builder::new()
                .spawn_scoped(scope, || print_modules(theirs))
                .ok(),
        };
        let text = parse(&rest).map(|file| format_items(file.items));
        let mine = print_modules(mine);
        let theirs = match other.map(|other| other.join()) {
            Some(Ok(theirs)) => theirs,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None if theirs.is_empty() => Ok(Vec::new()),
            None => print_modules(theirs),
        };
        (text, mine, theirs)
    });
    let mut printed = mine?;
    printed.extend(theirs?);
    Ok(put_back(&text?, &printed))
}

/// `tokens` with the contents of each module that holds no module
/// replaced by a placeholder item, and those contents added to `modules`
/// in the order of the placeholders. Only module bodies are entered (a
/// `mod` in a macro's rules stays as it is).
fn detach(tokens: TokenStream, depth: usize, modules: &mut Vec<Module>) -> TokenStream {
    let mut trees: Vec<TokenTree> = tokens.into_iter().collect();
    for i in 2..trees.len() {
        if !is_module_body(&trees[i - 2..=i]) {
            continue;
        }
        let TokenTree::Group(group) = &trees[i] else {
            continue;
        };
        let body: Vec<TokenTree> = group.stream().into_iter().collect();
        let body = if body.windows(3).any(is_module_body) {
            detach(body.into_iter().collect(), depth + 1, modules)
        } else if body.is_empty() {
            continue;
        } else {
            let placeholder = Ident::new(
                &format!("{PLACEHOLDER}{}", modules.len()),
                Span::call_site(),
            );
            modules.push(Module {
                depth: depth + 1,
                body: group.stream().to_string(),
            });
            quote!(#placeholder!();)
        };
        let mut new = Group::new(Delimiter::Brace, body);
        new.set_span(group.span());
        trees[i] = TokenTree::Group(new);
    }
    trees.into_iter().collect()
}

/// Whether three tokens are `mod name { .. }`.
fn is_module_body(trees: &[TokenTree]) -> bool {
    matches!(
        trees,
        [TokenTree::Ident(keyword), TokenTree::Ident(_), TokenTree::Group(body)]
            if keyword == "mod" && body.delimiter() == Delimiter::Brace
    )
}

/// Each of `modules` printed, in order.
fn print_modules(modules: &[Module]) -> Result<Vec<String>, Error> {
    modules.iter().map(print_module).collect()
}

/// The contents of `module` printed as they are in place: inside `depth`
/// wrappers, which are then cut off.
fn print_module(module: &Module) -> Result<String, Error> {
    let mut tokens = TokenStream::from_str(&module.body).map_err(|e| {
        Error::new(format!(
            "internal error: generated code does not parse again ({e})\n  help: please report this with the WIT that triggered it"
        ))
    })?;
    let wrapper = Ident::new(WRAPPER, Span::call_site());
    for _ in 0..module.depth {
        tokens = quote!(mod #wrapper { #tokens });
    }
    let text = format_items(parse(&tokens)?.items);
    let opening = format!("mod {WRAPPER} {{");
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let first = lines
        .iter()
        .rposition(|line| line.trim() == opening)
        .map_or(0, |at| at + 1);
    let last = lines.len().saturating_sub(module.depth).max(first);
    Ok(lines[first..last].concat())
}

/// `text` with each placeholder line replaced by the printed module it
/// stands for.
fn put_back(text: &str, printed: &[String]) -> String {
    let mut out =
        String::with_capacity(text.len() + printed.iter().map(String::len).sum::<usize>());
    for line in text.split_inclusive('\n') {
        let index = line
            .trim()
            .strip_prefix(PLACEHOLDER)
            .and_then(|rest| rest.strip_suffix("!();"))
            .and_then(|index| index.parse::<usize>().ok());
        match index.and_then(|index| printed.get(index)) {
            Some(module) => out.push_str(module),
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of nested modules, some deep, some with macro rules and
    /// docs, with enough text to take the two-thread path.
    fn sample() -> TokenStream {
        let mut leaves = TokenStream::new();
        for i in 0..300 {
            let name = Ident::new(&format!("leaf{i}"), Span::call_site());
            leaves.extend(quote! {
                /// A leaf module.
                pub mod #name {
                    #[doc = " First line.\n Second line."]
                    pub fn f(a: u32, b: ::core::option::Option<u64>) -> u32 {
                        match b { Some(b) => a + b as u32, None => a }
                    }
                    macro_rules! m { ($x:ident) => { pub struct $x; }; }
                    pub struct S { pub x: u32 }
                }
            });
        }
        quote! {
            pub fn top() {}
            pub mod outer {
                pub mod inner { #leaves }
                pub const C: u32 = 1;
                pub mod empty {}
            }
        }
    }

    #[test]
    fn the_file_is_the_same_as_printed_in_one_piece() {
        let tokens = sample();
        let whole = format_items(parse(&tokens).expect("parses").items);
        let pieces = format_tokens(&tokens).expect("formats");
        assert!(tokens.to_string().len() >= PARALLEL_FROM);
        assert_eq!(pieces, whole);
    }
}
