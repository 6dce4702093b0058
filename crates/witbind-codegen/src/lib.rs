//! witbind's generator: Rust guest bindings for a WIT world.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! load         WIT paths / inline source ──wit-parser──▶ Resolve + WorldId
//! check        reject what cannot be generated, with WIT locations
//! names        the naming pass: module paths and every composite name
//! info         facts about the type graph (ownership, lists, handles, sizes)
//! prim         the one classification of WIT's built-in types
//! types        how a WIT type is spelled in Rust at a given place
//! typedefs     records, variants, enums, flags, aliases
//! resources    imported and exported resources
//! abi/         the canonical ABI: a walk over the type tree that lifts,
//!              lowers and frees (abi/lift, abi/lower, abi/free), calling a
//!              type's own out-of-line function where it has one
//!              (abi/outlined), put together into whole functions (abi/call)
//! signatures   receivers, constructors and trait methods shared by both sides
//! imports      safe wrappers around the core wasm imports
//! async_imports `async func` imports through the runtime's `Subtask`
//! exports      Guest traits and the shims that call them
//! export_macro the export! macros and stubs
//! world        the module tree; cabi_realloc and the component type
//! payloads     stream and future payload vtables, `wit_stream`/`wit_future`
//! encode       the component-type custom section (on wasm-encoder)
//! format       tokens ──prettyplease──▶ a deterministic Rust file
//! ```
//!
//! Options are declared once in `opts` (their value syntax in `values`);
//! identifiers of single WIT names come from `ident`, docs from `docs`,
//! clippy allows from `lints`, diagnostics from `error`. Both doors, the
//! `generate!` macro and the `witbind` CLI, call [`generate`]; the CLI
//! also formats (`format_file`, `bindgen`: the `format` feature, which
//! the macro goes without so that its build skips prettyplease).
#![warn(missing_docs)]

mod abi;
mod async_imports;
mod check;
mod context;
mod docs;
mod encode;
mod error;
mod export_macro;
mod exports;
#[cfg(feature = "format")]
mod format;
mod ident;
mod imports;
mod info;
mod lints;
mod load;
mod names;
mod native;
mod native_wasi;
mod opts;
mod payloads;
mod prim;
mod resources;
#[cfg(test)]
mod safety_comments;
mod signatures;
#[cfg(feature = "format")]
mod split;
mod tokens;
mod typedefs;
mod types;
mod values;
mod world;

pub use encode::{component_type, Contents};
pub use error::{Blame, Diagnostic, Error};
#[cfg(feature = "format")]
pub use format::format_file;
pub use load::{Features, Wit};
pub use opts::{option, options_markdown, shell_quote, Doors, OptionSpec, Opts, Origin, OPTIONS};
pub use values::{
    parse_cli_value, parse_macro_value, parse_with_entries, AttrEntry, Ownership, Value, ValueKind,
    WithEntry, WithMapping,
};
/// The WIT parser witbind is built on, re-exported so callers share one
/// `Resolve` type.
pub use wit_bindgen_core::wit_parser;

use proc_macro2::TokenStream;
use std::path::Path;
use wit_bindgen_core::wit_parser::{Resolve, WorldId};

/// Generates the bindings of `world` as a token stream.
pub fn generate(resolve: &Resolve, world: WorldId, opts: &Opts) -> Result<TokenStream, Error> {
    check::check_sizes(resolve, world)?;
    let cx = context::Cx::new(resolve, world, opts)?;
    check::check_supported(&cx)?;
    let tokens = world::expand_world(&cx)?;
    cx.check_attrs_used(&typedefs::attr_targets(&cx))?;
    Ok(tokens)
}

/// Where `witbind bindgen` writes the bindings (for the command in the
/// files' header).
#[derive(Clone, Copy, Debug)]
pub enum Output<'a> {
    /// Standard output.
    Stdout,
    /// One file (`-o FILE`).
    File(&'a Path),
    /// One file per module under a folder (`--split DIR`).
    Split(&'a Path),
}

#[cfg(feature = "format")]
/// Loads `paths`, selects `world` (see [`Wit::select_world`]), generates and
/// formats the bindings: exactly what `witbind bindgen` prints.
pub fn bindgen_file(
    paths: &[impl AsRef<Path>],
    world: Option<&str>,
    opts: &Opts,
) -> Result<String, Error> {
    bindgen_source(paths, world, opts, Output::Stdout, None)
}

#[cfg(feature = "format")]
/// Like [`bindgen_file`], with the header's command naming `output`, its
/// paths shown relative to `root` (see [`bindgen`]).
pub fn bindgen_source(
    paths: &[impl AsRef<Path>],
    world: Option<&str>,
    opts: &Opts,
    output: Output<'_>,
    root: Option<&Path>,
) -> Result<String, Error> {
    Ok(bindgen(paths, world, opts, output, root)?.source)
}

#[cfg(feature = "format")]
/// Bindings formatted as one file, and the WIT files they were made from.
#[derive(Debug, Clone)]
pub struct Bindings {
    /// The Rust source, under its `@generated` header.
    pub source: String,
    /// Every WIT file read, sorted.
    pub wit_files: Vec<std::path::PathBuf>,
    /// The command that made them, with the paths as given (for the
    /// directory it ran in).
    pub command: String,
}

#[cfg(feature = "format")]
/// Loads `paths`, selects `world`, generates and formats the bindings. The
/// header's command names `output`; with a `root` (the package the
/// bindings are vendored in), its paths are relative to `root`, so that
/// the same inputs give the same bytes whatever directory the command ran
/// in and however the paths were spelled (relative, absolute, through
/// `..`).
pub fn bindgen(
    paths: &[impl AsRef<Path>],
    world: Option<&str>,
    opts: &Opts,
    output: Output<'_>,
    root: Option<&Path>,
) -> Result<Bindings, Error> {
    let (wit, world, tokens) = load_and_generate(paths, world, opts)?;
    let text = format::format_tokens(&tokens)?;
    let command = bindgen_command(paths, &wit.resolve, world, opts, output);
    let shown = shown_command(paths, &wit.resolve, world, opts, output, root);
    let header = format::header(&wit.resolve, world, Some(&shown));
    Ok(Bindings {
        source: format!("{header}{text}"),
        wit_files: wit.files,
        command,
    })
}

#[cfg(feature = "format")]
/// The bindings as one file per module (`witbind bindgen --split DIR`):
/// paths relative to `dir` (`mod.rs` at the root) and contents, sorted;
/// and the command, as for [`bindgen`].
pub fn bindgen_split(
    paths: &[impl AsRef<Path>],
    world: Option<&str>,
    opts: &Opts,
    dir: &Path,
    root: Option<&Path>,
) -> Result<(Vec<(std::path::PathBuf, String)>, String), Error> {
    let (wit, world, tokens) = load_and_generate(paths, world, opts)?;
    let file = format::parse(&tokens)?;
    let output = Output::Split(dir);
    let command = bindgen_command(paths, &wit.resolve, world, opts, output);
    let shown = shown_command(paths, &wit.resolve, world, opts, output, root);
    let header = format::header(&wit.resolve, world, Some(&shown));
    Ok((split::split_files(&header, file.items), command))
}

/// The command for the header: [`bindgen_command`] with its paths relative
/// to `root`, when there is one.
#[cfg(feature = "format")]
fn shown_command(
    paths: &[impl AsRef<Path>],
    resolve: &Resolve,
    world: WorldId,
    opts: &Opts,
    output: Output<'_>,
    root: Option<&Path>,
) -> String {
    let Some(root) = root else {
        return bindgen_command(paths, resolve, world, opts, output);
    };
    let paths: Vec<std::path::PathBuf> = paths
        .iter()
        .map(|path| relative_path(path.as_ref(), root))
        .collect();
    let out;
    let output = match output {
        Output::Stdout => Output::Stdout,
        Output::File(file) => {
            out = relative_path(file, root);
            Output::File(&out)
        }
        Output::Split(dir) => {
            out = relative_path(dir, root);
            Output::Split(&out)
        }
    };
    bindgen_command(&paths, resolve, world, opts, output)
}

/// `path` relative to `root`: both made absolute (symbolic links resolved
/// where the paths exist) and compared lexically; `..` where `path` is
/// outside `root`.
pub fn relative_path(path: &Path, root: &Path) -> std::path::PathBuf {
    use std::path::Component;
    let path = resolved(path);
    let root = resolved(root);
    let path: Vec<Component<'_>> = path.components().collect();
    let root: Vec<Component<'_>> = root.components().collect();
    let common = path.iter().zip(&root).take_while(|(a, b)| a == b).count();
    let mut relative = std::path::PathBuf::new();
    for _ in common..root.len() {
        relative.push("..");
    }
    for component in &path[common..] {
        relative.push(component.as_os_str());
    }
    if relative.as_os_str().is_empty() {
        relative.push(".");
    }
    relative
}

/// `path` absolute and without `.` or `..`, with symbolic links resolved
/// for the part of it that exists.
fn resolved(path: &Path) -> std::path::PathBuf {
    use std::path::Component;
    if let Ok(canonical) = std::fs::canonicalize(path) {
        return canonical;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut normal = std::path::PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            Component::Prefix(_) | Component::RootDir | Component::Normal(_) => {
                normal.push(component.as_os_str())
            }
        }
    }
    let mut existing = normal;
    let mut missing = Vec::new();
    while !existing.exists() {
        let Some(name) = existing.file_name().map(std::ffi::OsStr::to_os_string) else {
            break;
        };
        missing.push(name);
        existing.pop();
    }
    let mut resolved = std::fs::canonicalize(&existing).unwrap_or(existing);
    resolved.extend(missing.into_iter().rev());
    resolved
}

#[cfg(feature = "format")]
fn load_and_generate(
    paths: &[impl AsRef<Path>],
    world: Option<&str>,
    opts: &Opts,
) -> Result<(Wit, WorldId, TokenStream), Error> {
    let wit = Wit::load(paths, &opts.features())?;
    let world = wit.select_world(world)?;
    let tokens = generate(&wit.resolve, world, opts)?;
    Ok((wit, world, tokens))
}

/// The `witbind bindgen` command line that generates `world` from `paths`
/// with `opts` into `output`, quoted for a POSIX shell.
pub fn bindgen_command(
    paths: &[impl AsRef<Path>],
    resolve: &Resolve,
    world: WorldId,
    opts: &Opts,
    output: Output<'_>,
) -> String {
    let world = &resolve.worlds[world];
    let world_id = match world.package {
        Some(pkg) => resolve.id_of_name(pkg, &world.name),
        None => world.name.clone(),
    };
    let mut words = vec!["witbind".to_string(), "bindgen".to_string()];
    let show = |path: &Path| opts::shell_quote(&path.display().to_string());
    words.extend(paths.iter().map(|path| show(path.as_ref())));
    words.push("--world".to_string());
    words.push(opts::shell_quote(&world_id));
    words.extend(opts.cli_args());
    match output {
        Output::Stdout => {}
        Output::File(file) => words.extend(["-o".to_string(), show(file)]),
        Output::Split(dir) => words.extend(["--split".to_string(), show(dir)]),
    }
    words.join(" ")
}
