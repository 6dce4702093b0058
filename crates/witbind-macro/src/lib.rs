//! The `generate!` procedural macro, re-exported as `witbind::generate!`.
//!
//! This crate is one of witbind's two doors (the other is the `witbind`
//! CLI): it reads the macro's options (`input.rs`, whose keys and value
//! syntax come from the generator's option table), loads the WIT, and hands
//! both to `witbind_codegen::generate`. It contains no generation logic;
//! what it adds is macro plumbing: errors spanned at the offending input,
//! `include_bytes!` of every WIT file read (so editing one rebuilds), and
//! `WITBIND_DEBUG` (`debug.rs`).

mod debug;
mod input;
mod paths;

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::LitStr;
use witbind_codegen::Wit;

use input::{Errors, Input};

/// Generates Rust bindings for a WIT world: the macro behind
/// `witbind::generate!` (see there), which calls it as
/// `generate!(@runtime $crate; <input>)` so that generated code reaches
/// the runtime as `$crate::rt` however the `witbind` crate is named (a
/// renamed dependency, or a crate that re-exports it, such as a
/// `wit-bindgen` that is witbind). Without the `@runtime` prefix the
/// runtime is `::witbind::rt`. A `runtime_path` option wins over both.
#[proc_macro]
pub fn generate(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let (runtime, input) = split_runtime(input.into());
    match syn::parse2::<Input>(input) {
        Ok(mut input) => {
            if let Some(runtime) = runtime {
                input.default_runtime(runtime);
            }
            input.expand()
        }
        Err(err) => Err(err),
    }
    .unwrap_or_else(syn::Error::into_compile_error)
    .into()
}

/// Splits `@runtime <crate>;` off the front of the input: the runtime
/// module's path (`<crate>::rt`), and the rest.
fn split_runtime(input: TokenStream) -> (Option<syn::Path>, TokenStream) {
    let tokens: Vec<proc_macro2::TokenTree> = input.clone().into_iter().collect();
    let [proc_macro2::TokenTree::Punct(at), proc_macro2::TokenTree::Ident(marker), proc_macro2::TokenTree::Ident(krate), proc_macro2::TokenTree::Punct(semi), rest @ ..] =
        &tokens[..]
    else {
        return (None, input);
    };
    if at.as_char() != '@' || marker != "runtime" || semi.as_char() != ';' {
        return (None, input);
    }
    let mut path = syn::Path::from(krate.clone());
    path.segments
        .push(syn::PathSegment::from(proc_macro2::Ident::new(
            "rt",
            krate.span(),
        )));
    (Some(path), rest.iter().cloned().collect())
}

impl Input {
    fn expand(self) -> syn::Result<TokenStream> {
        let root = manifest_dir();
        let wit = self.load(&root)?;
        let world = wit
            .select_world(self.world.as_ref().map(LitStr::value).as_deref())
            .map_err(|err| self.spanned(&err))?;
        let mut opts = self.opts.clone();
        opts.disable_native |= compiling_for_wasm32();
        let tokens = witbind_codegen::generate(&wit.resolve, world, &opts)
            .map_err(|err| self.spanned(&err))?;
        let bindings = if self.debug || debug::debug_env() {
            debug::write_debug_file(&wit, world, &tokens)?
        } else {
            tokens
        };
        let rebuild_triggers = rebuild_triggers(&wit.files);
        Ok(quote! {
            #bindings
            #rebuild_triggers
        })
    }

    /// One `syn::Error` per diagnostic, each under what it blames.
    fn spanned(&self, error: &witbind_codegen::Error) -> syn::Error {
        self.spanned_at(error, |blame| self.span_of(blame))
    }

    fn spanned_at(
        &self,
        error: &witbind_codegen::Error,
        span_of: impl Fn(witbind_codegen::Blame) -> Span,
    ) -> syn::Error {
        let mut errors = Errors::default();
        for diagnostic in error.diagnostics() {
            // rustc already indents continuation lines under the message.
            let message = diagnostic.message.replace("\n  help: ", "\nhelp: ");
            errors.push(syn::Error::new(span_of(diagnostic.blame), message));
        }
        errors
            .finish()
            .err()
            .unwrap_or_else(|| syn::Error::new(Span::call_site(), error.to_string()))
    }

    /// The paths to load, made absolute against the manifest directory. The
    /// default `wit/` is used when no `path` is given (with `inline`, only
    /// if it exists, as in wit-bindgen).
    fn resolved_paths(&self, root: &Path) -> Vec<(PathBuf, Span)> {
        if self.paths.is_empty() {
            let default = root.join("wit");
            if self.inline.is_some() && !default.exists() {
                return Vec::new();
            }
            return vec![(default, Span::call_site())];
        }
        self.paths
            .iter()
            .map(|p| (root.join(&p.path), p.span))
            .collect()
    }

    fn load(&self, root: &Path) -> syn::Result<Wit> {
        let features = self.opts.features();
        let paths = self.resolved_paths(root);
        let files: Vec<&Path> = paths.iter().map(|(path, _)| path.as_path()).collect();
        let loaded = match &self.inline {
            Some(inline) => Wit::load_inline("inline.wit", &inline.value(), &files, &features),
            None => Wit::load(&files, &features),
        };
        loaded.map_err(|err| {
            let span = blame_path(&paths, &features)
                .or(self.inline.as_ref().map(LitStr::span))
                .unwrap_or_else(Span::call_site);
            self.spanned_at(&err, |_| span)
        })
    }
}

/// The span of the first path that fails to load together with those
/// before it (later paths may depend on earlier ones), if any does.
fn blame_path(paths: &[(PathBuf, Span)], features: &witbind_codegen::Features) -> Option<Span> {
    (1..=paths.len()).find_map(|n| {
        let prefix: Vec<&Path> = paths[..n].iter().map(|(path, _)| path.as_path()).collect();
        Wit::load(&prefix, features).err().map(|_| paths[n - 1].1)
    })
}

pub(crate) fn manifest_dir() -> PathBuf {
    match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(dir) => PathBuf::from(dir),
        // Outside of cargo (e.g. a bare rustc), paths are relative to where
        // the compiler runs.
        None => std::env::current_dir().unwrap_or_default(),
    }
}

/// What makes cargo rebuild the crate when the bindings would change:
/// `include_bytes!` of every WIT file read, and `option_env!` of
/// `WITBIND_DEBUG` (rustc records both in the crate's dep-info). They sit
/// in an anonymous const so that nothing is added to the user's namespace.
fn rebuild_triggers(files: &[PathBuf]) -> TokenStream {
    let includes = files
        .iter()
        .filter_map(|file| file.to_str())
        .map(|file| quote! { const _: &[u8] = include_bytes!(#file); });
    quote! {
        const _: () = {
            #(#includes)*
            const _: ::core::option::Option<&str> = ::core::option_env!("WITBIND_DEBUG");
        };
    }
}

/// Whether the rustc running this macro compiles for a wasm32 target
/// (`--target wasm32-...` among its arguments). The bindings' native part
/// (what lets `cargo test` on the host implement the imports) is cfg'd out
/// on wasm32, so the macro leaves it out there and rustc neither parses
/// nor expands it: a wasm32 build pays nothing for it. When this cannot
/// tell (a process other than rustc runs the macro, such as an IDE's), the
/// native part is generated and its `cfg` decides, as in the CLI's output.
fn compiling_for_wasm32() -> bool {
    targets_wasm32(std::env::args())
}

/// Whether rustc arguments `args` name a wasm32 target.
fn targets_wasm32(mut args: impl Iterator<Item = String>) -> bool {
    while let Some(arg) = args.next() {
        let target = match arg.strip_prefix("--target=") {
            Some(target) => Some(target.to_string()),
            None if arg == "--target" => args.next(),
            None => None,
        };
        if let Some(target) = target {
            // A triple, or the path of a target specification file.
            let name = Path::new(&target)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned());
            return name.is_some_and(|name| name.starts_with("wasm32"));
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::targets_wasm32;

    fn args(args: &[&str]) -> impl Iterator<Item = String> {
        args.iter()
            .map(|arg| arg.to_string())
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn the_target_comes_from_rustcs_arguments() {
        let wasm = [
            "--edition=2021",
            "--target",
            "wasm32-wasip2",
            "--crate-type",
            "cdylib",
        ];
        assert!(targets_wasm32(args(&wasm)));
        assert!(targets_wasm32(args(&["--target=wasm32-unknown-unknown"])));
        assert!(targets_wasm32(args(&[
            "--target",
            "/specs/wasm32-custom.json"
        ])));
        assert!(!targets_wasm32(args(&[
            "--target",
            "x86_64-unknown-linux-gnu"
        ])));
        assert!(!targets_wasm32(args(&["--edition=2021", "--test"])));
        assert!(!targets_wasm32(args(&["--target"])));
    }
}
