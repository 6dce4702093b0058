//! Tokens printed on one line, as a person writes them: for macro
//! matchers in formatted files and for attributes in messages; and
//! blocks built without copying their contents.

use proc_macro2::{Delimiter, Group, Spacing, TokenStream, TokenTree};

/// `head { body }`, moving `body` in: interpolating it with `quote!`
/// would copy every token of it, at every level of nesting.
pub(crate) fn with_block(mut head: TokenStream, body: TokenStream) -> TokenStream {
    head.extend([TokenTree::Group(Group::new(Delimiter::Brace, body))]);
    head
}

/// Tokens on one line, spaced as a person writes them: `$ty:ident`,
/// `$($path:tt)*`, `a::b`, `f(x, y)`.
pub(crate) fn compact(tokens: &TokenStream) -> String {
    let mut out = String::new();
    let mut previous: Option<TokenTree> = None;
    for token in tokens.clone() {
        if let Some(previous) = &previous {
            if needs_space(previous, &token) {
                out.push(' ');
            }
        }
        match &token {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{ ", " }"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                out.push_str(&compact(&group.stream()));
                out.push_str(close);
            }
            other => out.push_str(&other.to_string()),
        }
        previous = Some(token);
    }
    out
}

/// Whether a space goes between two adjacent tokens in [`compact`].
fn needs_space(previous: &TokenTree, next: &TokenTree) -> bool {
    let punct = |token: &TokenTree, chars: &str| matches!(token, TokenTree::Punct(p) if chars.contains(p.as_char()));
    let opens_call = |token: &TokenTree| matches!(token, TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis || g.delimiter() == Delimiter::Bracket);
    if punct(previous, "$:&") || punct(next, ":,;*!.") {
        return false;
    }
    if let TokenTree::Punct(p) = previous {
        if p.spacing() == Spacing::Joint {
            return false;
        }
    }
    !(opens_call(next)
        && matches!(previous, TokenTree::Ident(_) | TokenTree::Punct(_))
        && !punct(previous, "=,"))
}
