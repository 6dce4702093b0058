//! `witbind bindgen --split DIR`: the bindings as one file per module, for
//! reviewable diffs. `DIR/mod.rs` holds the root items and declares the
//! top-level modules; a module with submodules is `<name>/mod.rs`, one
//! without is `<name>.rs`. The public paths are those of the single file:
//! `#[path = "bindings/mod.rs"] mod bindings;` (or `mod bindings;` with
//! `DIR = src/bindings`) replaces `mod bindings;` over `bindings.rs`.

use std::path::PathBuf;

use crate::format::format_items;

/// The files of `items` (the bindings' root items): relative paths and
/// their contents, each under `header`, sorted by path.
pub(crate) fn split_files(header: &str, items: Vec<syn::Item>) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    add_module(header, PathBuf::from("mod.rs"), items, &mut files);
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Writes the module at `path` (its items, with inline submodules turned
/// into declarations) and, recursively, its submodules next to it.
fn add_module(
    header: &str,
    path: PathBuf,
    items: Vec<syn::Item>,
    files: &mut Vec<(PathBuf, String)>,
) {
    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
    let mut kept = Vec::new();
    for item in items {
        match item {
            syn::Item::Mod(mut module) if module.content.is_some() => {
                let (_, children) = module.content.take().unwrap_or_default();
                let name = module.ident.to_string();
                let has_modules = children
                    .iter()
                    .any(|item| matches!(item, syn::Item::Mod(m) if m.content.is_some()));
                let child_path = if has_modules {
                    dir.join(&name).join("mod.rs")
                } else {
                    dir.join(format!("{name}.rs"))
                };
                add_module(header, child_path, children, files);
                module.semi = Some(Default::default());
                kept.push(syn::Item::Mod(module));
            }
            item => kept.push(item),
        }
    }
    files.push((path, format!("{header}{}", format_items(kept))));
}
