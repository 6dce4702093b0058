//! The `generate!` procedural macro, re-exported as `witbind::generate!`.
//!
//! This crate is one of witbind's two doors (the other is the `witbind`
//! CLI): it reads the macro's options, loads the WIT, and hands both to
//! `witbind_codegen::generate`. It contains no generation logic; what it adds
//! is macro plumbing: errors spanned at the offending input, `include_bytes!`
//! of every WIT file read (so editing one rebuilds), and `WITBIND_DEBUG`.
//!
//! The input forms, compatible with `wit_bindgen::generate!`:
//!
//! ```text
//! generate!();                       // the only world of `wit/`
//! generate!("my-world");             // a world of `wit/`
//! generate!("my-world" in "other");  // a world of `other/`
//! generate!({ world: "my-world", path: "wit", ... });
//! ```
//!
//! Keys of the `{ ... }` form: `path` (a string or a list of strings,
//! relative to `CARGO_MANIFEST_DIR`; default `"wit"`), `world`, `inline`
//! (WIT source; its dependencies come from `path`), `runtime_path`,
//! `additional_derives` (a list of paths), `derive_eq`, `with_cabi_realloc`,
//! `features` (a list of strings), `all_features`, `debug`, and
//! `generate_all` (accepted for compatibility: witbind always generates
//! every interface). Boolean keys may be written alone (`derive_eq`) or with
//! a value (`derive_eq: false`).
//!
//! With `WITBIND_DEBUG=1` in the environment (or `debug: true`), the
//! formatted expansion is written to `$OUT_DIR/witbind-<world>.rs` (or, in
//! crates without a build script, `<target>/witbind-debug/<crate>/`) and
//! `include!`d from there, so it can be read and rustc's errors point into it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{quote, ToTokens};
use syn::ext::IdentExt as _;
use syn::parse::{Parse, ParseStream, Parser as _};
use syn::punctuated::Punctuated;
use syn::{Ident, LitBool, LitStr, Token};
use witbind_codegen::wit_parser::WorldId;
use witbind_codegen::{Opts, Wit, WithMapping};

/// Generates Rust bindings for a WIT world. See the `witbind` crate for
/// documentation and examples.
#[proc_macro]
pub fn generate(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    syn::parse_macro_input!(input as Input)
        .expand()
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

/// The keys witbind understands, in the order `help:` lists them.
const SUPPORTED_KEYS: &[&str] = &[
    "path",
    "world",
    "inline",
    "runtime_path",
    "additional_derives",
    "derive_eq",
    "with_cabi_realloc",
    "features",
    "all_features",
    "generate_all",
    "debug",
    "with",
    "export_macro_name",
    "pub_export_macro",
    "default_bindings_module",
    "stubs",
    "skip",
];

/// Keys of `wit_bindgen::generate!` that witbind does not implement yet.
/// They are recognised so the error says so, instead of "unknown option".
const UNSUPPORTED_WIT_BINDGEN_KEYS: &[&str] = &[
    "ownership",
    "async",
    "sync",
    "exports",
    "imports",
    "export_prefix",
    "type_section_suffix",
    "std_feature",
    "raw_strings",
    "bitflags_path",
    "map_type",
    "additional_derives_ignore",
    "additional_type_attributes",
    "additional_member_attributes",
    "generate_unused_types",
    "disable_run_ctors_once_workaround",
    "disable_custom_section_link_helpers",
    "chainable_methods",
    "enable_method_chaining",
    "merge_structurally_equal_types",
];

/// A `path` entry: the path as written, relative to `CARGO_MANIFEST_DIR`,
/// and the span of the literal for errors about it.
struct PathArg {
    path: PathBuf,
    span: Span,
}

/// The parsed macro input.
struct Input {
    world: Option<LitStr>,
    /// Empty when no `path` was given: `wit/` is then the default.
    paths: Vec<PathArg>,
    inline: Option<LitStr>,
    opts: Opts,
    debug: bool,
}

impl Input {
    fn empty() -> Self {
        Input {
            world: None,
            paths: Vec::new(),
            inline: None,
            opts: Opts::default(),
            debug: false,
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
                    path: PathBuf::from(path.value()),
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
        let mut seen: Vec<String> = Vec::new();
        for entry in entries {
            let name = entry.key.unraw().to_string();
            if seen.contains(&name) {
                errors.push(syn::Error::new(
                    entry.key.span(),
                    format!("duplicate option `{name}`"),
                ));
                continue;
            }
            seen.push(name.clone());
            if let Err(err) = parsed.apply(&name, &entry) {
                errors.push(err);
            }
        }
        errors.finish()?;
        Ok(parsed)
    }

    /// Checks one entry and stores its value.
    fn apply(&mut self, name: &str, entry: &Entry) -> syn::Result<()> {
        let key = &entry.key;
        match name {
            "path" => self.paths = parse_paths(key, required(entry)?)?,
            "world" => self.world = Some(parse_value(key, required(entry)?, "a string literal")?),
            "inline" => {
                self.inline = Some(parse_value(key, required(entry)?, "a string literal")?);
            }
            "runtime_path" => {
                self.opts.runtime_path = Some(parse_runtime_path(key, required(entry)?)?)
            }
            "additional_derives" => {
                self.opts.additional_derives =
                    parse_list::<syn::Path>(key, required(entry)?, "paths")?
                        .iter()
                        .map(path_to_string)
                        .collect();
            }
            "features" => {
                self.opts.features =
                    parse_list::<LitStr>(key, required(entry)?, "string literals")?
                        .iter()
                        .map(LitStr::value)
                        .collect();
            }
            "with" => self.opts.with = parse_with(key, required(entry)?)?,
            "export_macro_name" => {
                let name: LitStr = parse_value(key, required(entry)?, "a string literal")?;
                self.opts.export_macro_name = Some(name.value());
            }
            "pub_export_macro" => self.opts.pub_export_macro = parse_bool(entry)?,
            "stubs" => self.opts.stubs = parse_bool(entry)?,
            "skip" => {
                self.opts.skip = parse_list::<LitStr>(key, required(entry)?, "string literals")?
                    .iter()
                    .map(LitStr::value)
                    .collect();
            }
            "default_bindings_module" => {
                let path: LitStr = parse_value(key, required(entry)?, "a string literal")?;
                self.opts.default_bindings_module = Some(path.value());
            }
            "derive_eq" => self.opts.derive_eq = parse_bool(entry)?,
            "with_cabi_realloc" => self.opts.with_cabi_realloc = parse_bool(entry)?,
            "all_features" => self.opts.all_features = parse_bool(entry)?,
            "debug" => self.debug = parse_bool(entry)?,
            // witbind always generates every interface, so this only needs
            // to be well-formed.
            "generate_all" => {
                parse_bool(entry)?;
            }
            _ if UNSUPPORTED_WIT_BINDGEN_KEYS.contains(&name) => {
                return Err(syn::Error::new(
                    key.span(),
                    format!("option `{name}` is not supported by witbind yet"),
                ));
            }
            _ => return Err(unknown_key(key, name)),
        }
        Ok(())
    }
}

fn unknown_key(key: &Ident, name: &str) -> syn::Error {
    let help = match closest_key(name) {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!("supported options: {}", SUPPORTED_KEYS.join(", ")),
    };
    syn::Error::new(key.span(), format!("unknown option `{name}`\nhelp: {help}"))
}

/// The supported key within a small edit distance of `name`, for typos.
fn closest_key(name: &str) -> Option<&'static str> {
    SUPPORTED_KEYS
        .iter()
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

/// `with: { "ns:pkg/iface": path::to::module, "ns:pkg/other": generate }`.
fn parse_with(key: &Ident, value: &TokenStream) -> syn::Result<Vec<(String, WithMapping)>> {
    struct WithEntry(LitStr, syn::Path);
    impl Parse for WithEntry {
        fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
            let name: LitStr = input.parse()?;
            input.parse::<Token![:]>()?;
            Ok(WithEntry(name, input.parse()?))
        }
    }
    let expected =
        "a map of interfaces to Rust paths: `with: { \"ns:pkg/iface\": path::to::module }`";
    let group = match value.clone().into_iter().collect::<Vec<_>>().as_slice() {
        [TokenTree::Group(group)] if group.delimiter() == proc_macro2::Delimiter::Brace => {
            group.clone()
        }
        _ => return Err(type_error(key, value, expected)),
    };
    let entries = Punctuated::<WithEntry, Token![,]>::parse_terminated
        .parse2(group.stream())
        .map_err(|e| syn::Error::new(e.span(), format!("option `{key}` expects {expected}")))?;
    Ok(entries
        .into_iter()
        .map(|WithEntry(name, path)| {
            let mapping = if path.is_ident("generate") {
                WithMapping::Generate
            } else {
                WithMapping::Path(path_to_string(&path))
            };
            (name.value(), mapping)
        })
        .collect())
}

/// The value of an entry that needs one.
fn required(entry: &Entry) -> syn::Result<&TokenStream> {
    entry.value.as_ref().ok_or_else(|| {
        syn::Error::new(
            entry.key.span(),
            format!("option `{}` needs a value: `{}: ...`", entry.key, entry.key),
        )
    })
}

fn type_error(key: &Ident, value: &TokenStream, expected: &str) -> syn::Error {
    syn::Error::new_spanned(value, format!("option `{key}` expects {expected}"))
}

/// Parses `value` as exactly one `T`, with an error naming the key.
fn parse_value<T: Parse>(key: &Ident, value: &TokenStream, expected: &str) -> syn::Result<T> {
    syn::parse2::<T>(value.clone()).map_err(|_| type_error(key, value, expected))
}

/// `key` alone means `true`; otherwise the value must be `true` or `false`.
fn parse_bool(entry: &Entry) -> syn::Result<bool> {
    match &entry.value {
        None => Ok(true),
        Some(value) => Ok(parse_value::<LitBool>(&entry.key, value, "`true` or `false`")?.value),
    }
}

/// `[a, b, c]`, a trailing comma allowed.
fn parse_list<T: Parse>(key: &Ident, value: &TokenStream, what: &str) -> syn::Result<Vec<T>> {
    let expected = format!("a list of {what}: `{key}: [...]`");
    let group = match value.clone().into_iter().collect::<Vec<_>>().as_slice() {
        [TokenTree::Group(group)] if group.delimiter() == proc_macro2::Delimiter::Bracket => {
            group.clone()
        }
        _ => return Err(type_error(key, value, &expected)),
    };
    let items = Punctuated::<T, Token![,]>::parse_terminated
        .parse2(group.stream())
        .map_err(|err| syn::Error::new(err.span(), format!("option `{key}` expects {expected}")))?;
    Ok(items.into_iter().collect())
}

/// `"dir"` or `["a", "b"]`; each may also be `concat!(..)` / `env!(..)`,
/// like wit-bindgen's `path`.
fn parse_paths(key: &Ident, value: &TokenStream) -> syn::Result<Vec<PathArg>> {
    let expected = "a string literal or a list of them: `path: \"wit\"` or `path: [\"a\", \"b\"]`";
    let items: Vec<MacroString> = match syn::parse2::<MacroString>(value.clone()) {
        Ok(single) => vec![single],
        Err(_) => parse_list::<MacroString>(key, value, "string literals")
            .map_err(|_| type_error(key, value, expected))?,
    };
    if items.is_empty() {
        return Err(type_error(key, value, "at least one path"));
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
struct MacroString {
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

fn parse_runtime_path(key: &Ident, value: &TokenStream) -> syn::Result<String> {
    let lit: LitStr = parse_value(
        key,
        value,
        "a string literal: `runtime_path: \"::my_crate::rt\"`",
    )?;
    let path: syn::Path = lit.parse().map_err(|_| {
        syn::Error::new(
            lit.span(),
            "`runtime_path` must be a Rust path, like `::my_crate::rt`",
        )
    })?;
    Ok(path_to_string(&path))
}

/// `path :: to :: Item` as `path::to::Item`.
fn path_to_string(path: &syn::Path) -> String {
    path.to_token_stream().to_string().replace(' ', "")
}

/// Collects several errors so that one compilation reports them all.
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

/// One `syn::Error` per codegen diagnostic, all at `span`.
fn spanned(error: &witbind_codegen::Error, span: Span) -> syn::Error {
    let mut errors = Errors::default();
    for message in error.messages() {
        // rustc already indents continuation lines under the message.
        let message = message.replace("\n  help: ", "\nhelp: ");
        errors.push(syn::Error::new(span, message));
    }
    errors
        .finish()
        .err()
        .unwrap_or_else(|| syn::Error::new(span, error.to_string()))
}

// ---------------------------------------------------------------------------
// Expansion
// ---------------------------------------------------------------------------

impl Input {
    fn expand(self) -> syn::Result<TokenStream> {
        let root = manifest_dir();
        let wit = self.load(&root)?;
        let world = wit
            .select_world(self.world.as_ref().map(LitStr::value).as_deref())
            .map_err(|err| spanned(&err, self.world_span()))?;
        let tokens = witbind_codegen::generate(&wit.resolve, world, &self.opts)
            .map_err(|err| spanned(&err, self.world_span()))?;
        let bindings = if self.debug || debug_env() {
            write_debug_file(&wit, world, &tokens)?
        } else {
            tokens
        };
        let rebuild_triggers = rebuild_triggers(&wit.files);
        Ok(quote! {
            #bindings
            #rebuild_triggers
        })
    }

    /// Where errors about the world are shown: the `world` literal, else the
    /// source of the WIT, else the whole invocation.
    fn world_span(&self) -> Span {
        if let Some(world) = &self.world {
            world.span()
        } else if let Some(inline) = &self.inline {
            inline.span()
        } else {
            self.paths.first().map_or_else(Span::call_site, |p| p.span)
        }
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
            spanned(&err, span)
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

fn manifest_dir() -> PathBuf {
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

// ---------------------------------------------------------------------------
// WITBIND_DEBUG
// ---------------------------------------------------------------------------

fn debug_env() -> bool {
    std::env::var("WITBIND_DEBUG").is_ok_and(|value| !value.is_empty() && value != "0")
}

/// Writes the formatted bindings to a file and returns `include!("file")`.
fn write_debug_file(wit: &Wit, world: WorldId, tokens: &TokenStream) -> syn::Result<TokenStream> {
    // If the tokens cannot be formatted, the raw ones are still worth reading:
    // rustc will point at what does not parse.
    let source = witbind_codegen::format_file(&wit.resolve, world, tokens)
        .unwrap_or_else(|_| tokens.to_string());
    let name: String = wit.resolve.worlds[world]
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = debug_file_path(&debug_dir(), &name, &source);
    write_replacing(&path, &source).map_err(|err| {
        syn::Error::new(
            Span::call_site(),
            format!("WITBIND_DEBUG: cannot write `{}`: {err}", path.display()),
        )
    })?;
    let path = path.to_string_lossy().into_owned();
    Ok(quote! { include!(#path); })
}

/// `$OUT_DIR` when the crate has a build script; otherwise a per-crate folder
/// in the target directory.
fn debug_dir() -> PathBuf {
    if let Some(out_dir) = std::env::var_os("OUT_DIR") {
        return PathBuf::from(out_dir);
    }
    let crate_name = std::env::var("CARGO_CRATE_NAME").unwrap_or_else(|_| "unknown".to_string());
    target_dir().join("witbind-debug").join(crate_name)
}

fn target_dir() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return cwd.join(dir);
    }
    // The nearest `target/` that cargo made (it tags it), which is the
    // workspace's for workspace members.
    let manifest = manifest_dir();
    manifest
        .ancestors()
        .map(|dir| dir.join("target"))
        .find(|target| target.join("CACHEDIR.TAG").is_file())
        .unwrap_or_else(|| manifest.join("target"))
}

/// `witbind-<world>.rs`, unless this compilation already wrote different
/// bindings for a world of the same name: those get `-2`, `-3`, ...
fn debug_file_path(dir: &Path, world: &str, source: &str) -> PathBuf {
    static WRITTEN: Mutex<Option<HashMap<PathBuf, String>>> = Mutex::new(None);
    let mut written = WRITTEN
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let written = written.get_or_insert_with(HashMap::new);
    let mut n = 1;
    loop {
        let file = if n == 1 {
            format!("witbind-{world}.rs")
        } else {
            format!("witbind-{world}-{n}.rs")
        };
        let path = dir.join(file);
        match written.get(&path) {
            Some(previous) if previous != source => n += 1,
            _ => {
                written.insert(path.clone(), source.to_string());
                return path;
            }
        }
    }
}

/// Writes through a temporary file and a rename, so a parallel build never
/// `include!`s a half-written file.
fn write_replacing(path: &Path, contents: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let temp = dir.join(format!(".{}.{}.tmp", std::process::id(), unique_suffix()));
    std::fs::write(&temp, contents)?;
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

fn unique_suffix() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn every_supported_key() {
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
        }))
        .unwrap();
        let paths: Vec<_> = input.paths.iter().map(|p| p.path.clone()).collect();
        assert_eq!(paths, [PathBuf::from("a"), PathBuf::from("b/c")]);
        assert_eq!(input.opts.runtime_path.as_deref(), Some("::my::rt"));
        assert_eq!(input.opts.additional_derives, ["serde::Serialize", "Hash"]);
        assert!(input.opts.derive_eq && input.opts.with_cabi_realloc && !input.opts.all_features);
        assert_eq!(input.opts.features, ["x", "y"]);
    }

    #[test]
    fn errors_are_collected() {
        let messages = error_messages(quote!({
            wrold: "app",
            world: 1,
            world: "again",
            ownership: Borrowing { duplicate_if_necessary: false },
            async: true,
            derive_eq: "yes",
            path: [],
            features: "x",
            totally_unknown,
        }));
        assert_eq!(
            messages,
            [
                "unknown option `wrold`\nhelp: did you mean `world`?",
                "option `world` expects a string literal",
                "duplicate option `world`",
                "option `ownership` is not supported by witbind yet",
                "option `async` is not supported by witbind yet",
                "option `derive_eq` expects `true` or `false`",
                "option `path` expects at least one path",
                "option `features` expects a list of string literals: `features: [...]`",
                &format!(
                    "unknown option `totally_unknown`\nhelp: supported options: {}",
                    SUPPORTED_KEYS.join(", ")
                ),
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
            ["`runtime_path` must be a Rust path, like `::my_crate::rt`"]
        );
        assert_eq!(
            error_messages(quote!({ path: env!("WITBIND_SURELY_UNDEFINED_VARIABLE") })),
            ["environment variable `WITBIND_SURELY_UNDEFINED_VARIABLE` is not defined"]
        );
    }

    #[test]
    fn debug_file_names_are_unique_per_content() {
        let dir = Path::new("/nonexistent");
        let first = debug_file_path(dir, "unique-test-world", "a");
        assert_eq!(first, dir.join("witbind-unique-test-world.rs"));
        assert_eq!(debug_file_path(dir, "unique-test-world", "a"), first);
        assert_eq!(
            debug_file_path(dir, "unique-test-world", "b"),
            dir.join("witbind-unique-test-world-2.rs")
        );
    }
}
