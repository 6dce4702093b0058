//! WIT documentation as rustdoc: a `#[doc]` attribute (lines joined), with
//! Markdown list and block quote continuations marked as rustdoc (and
//! clippy's `doc_lazy_continuation`) expect.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use wit_bindgen_core::wit_parser::Docs;

/// `#[doc = "..."]` attributes for WIT docs; nothing when there are none.
pub(crate) fn docs(docs: &Docs) -> TokenStream {
    let Some(contents) = &docs.contents else {
        return TokenStream::new();
    };
    doc_lines(contents)
}

/// One `#[doc = "..."]` attribute for the text `contents`, its lines
/// joined by newlines: to rustdoc the same as an attribute per line (which
/// the formatted file shows, `format::split_docs`), and much less work to
/// build and to hand to rustc.
pub(crate) fn doc_lines(contents: &str) -> TokenStream {
    let lines = markdown_lines(contents);
    if lines.is_empty() {
        return TokenStream::new();
    }
    let mut text = String::with_capacity(contents.len() + 16);
    for (i, line) in lines.into_iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push(' ');
        text.push_str(&line);
    }
    let text = raw_literal(&text);
    quote!(#[doc = #text])
}

/// `text` as a raw string literal (`r"..."`, `r#"..."#`, ...): the same
/// string to rustdoc as an escaped literal, without escaping it character
/// by character (WIT docs are most of the text the bindings carry). An
/// escaped literal when raw is not allowed (a carriage return).
fn raw_literal(text: &str) -> Literal {
    if text.contains('\r') {
        return Literal::string(text);
    }
    // One `#` more than the longest run of them after a quote.
    let mut hashes = 0;
    for (at, _) in text.match_indices('"') {
        let run = text[at + 1..].bytes().take_while(|b| *b == b'#').count();
        hashes = hashes.max(run + 1);
    }
    let fence = "#".repeat(hashes);
    format!("r{fence}\"{text}\"{fence}")
        .parse()
        .unwrap_or_else(|_| Literal::string(text))
}

/// WIT doc text as rustdoc lines: tabs become spaces, lines that continue a
/// list item are indented under it, and lines that lazily continue a block
/// quote get its `>` (Markdown renders them in the quote either way).
fn markdown_lines(contents: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut list_indent: Option<usize> = None;
    let mut in_quote = false;
    for line in contents.trim_end().lines() {
        let line = line.trim_end().replace('\t', "    ");
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.is_empty() {
            list_indent = None;
            in_quote = false;
            out.push(String::new());
            continue;
        }
        if trimmed.starts_with('>') {
            in_quote = true;
            out.push(line);
        } else if in_quote {
            out.push(format!("{}> {trimmed}", " ".repeat(indent)));
        } else if let Some(marker) = list_marker_len(trimmed) {
            list_indent = Some(indent + marker);
            out.push(line);
        } else if let Some(needed) = list_indent.filter(|needed| indent < *needed) {
            out.push(format!("{}{trimmed}", " ".repeat(needed)));
        } else {
            out.push(line);
        }
    }
    out
}

/// The width of a Markdown list marker (`- `, `* `, `+ `, `1. `) that
/// starts `line`.
fn list_marker_len(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && (rest.starts_with(". ") || rest.starts_with(") "))).then_some(digits + 2)
}

#[cfg(test)]
mod tests {
    use super::{markdown_lines, raw_literal};

    #[test]
    fn raw_literals_hold_any_text() {
        for text in [
            "plain",
            "a \"quote\" and a \\ backslash",
            "fences \"# and \"### inside",
            "ends with a quote\"",
            "a\rcarriage return",
            "unicode: ü → 🦀",
        ] {
            let literal = raw_literal(text);
            let parsed: syn::LitStr = syn::parse2(quote::quote!(#literal)).expect("a literal");
            assert_eq!(parsed.value(), text, "{literal}");
            assert_eq!(literal.to_string().starts_with('r'), !text.contains('\r'));
        }
    }

    #[test]
    fn list_continuations_are_indented() {
        let lines = markdown_lines("Intro:\n- first\nstill first\n\nafter\n\t1. one\n");
        assert_eq!(
            lines,
            [
                "Intro:",
                "- first",
                "  still first",
                "",
                "after",
                "    1. one"
            ]
        );
    }

    #[test]
    fn quote_continuations_are_marked() {
        let lines = markdown_lines("> quoted\n> more\nlazy\n\nafter");
        assert_eq!(lines, ["> quoted", "> more", "> lazy", "", "after"]);
    }
}
