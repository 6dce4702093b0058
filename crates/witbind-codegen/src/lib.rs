//! witbind's generator: Rust guest bindings for a WIT world.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! load         WIT paths / inline source ──wit-parser──▶ Resolve + WorldId
//! check        reject what cannot be generated, with WIT locations
//! names        the naming pass: module paths and every composite name
//! info         facts about the type graph (ownership, lists, handles, sizes)
//! types        how a WIT type is spelled in Rust at a given place
//! typedefs     records, variants, enums, flags, aliases
//! resources    imported and exported resources
//! abi/         canonical ABI lowering and lifting (wit_bindgen_core::abi::call)
//! imports      safe wrappers around the core wasm imports
//! async_imports `async func` imports through the runtime's `AsyncImport`
//! exports      Guest traits and the shims that call them
//! export_macro the export! macros and stubs
//! world        the module tree; cabi_realloc and the component type
//! payloads     stream and future payload vtables, `wit_stream`/`wit_future`
//! encode       the component-type custom section (wit-component)
//! format       tokens ──prettyplease──▶ a deterministic Rust file
//! ```
//!
//! Options are declared once in `opts` (their value syntax in `values`);
//! identifiers of single WIT names come from `ident`, docs from `docs`,
//! clippy allows from `lints`, diagnostics from `error`. Both doors, the
//! `generate!` macro and the `witbind` CLI, call [`generate`]; the CLI
//! also calls [`format_file`].
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
mod format;
mod ident;
mod imports;
mod info;
mod lints;
mod load;
mod names;
mod opts;
mod payloads;
mod resources;
mod typedefs;
mod types;
mod values;
mod world;

pub use error::{Blame, Diagnostic, Error};
pub use format::format_file;
pub use load::{Features, Wit};
pub use opts::{option, options_markdown, Doors, OptionSpec, Opts, Origin, OPTIONS};
pub use values::{
    parse_cli_value, parse_macro_value, parse_with_entries, Value, ValueKind, WithEntry,
    WithMapping,
};
/// The WIT parser witbind is built on, re-exported so callers share one
/// `Resolve` type.
pub use wit_bindgen_core::wit_parser;

use proc_macro2::TokenStream;
use std::path::Path;
use wit_bindgen_core::wit_parser::{Resolve, WorldId};

/// Generates the bindings of `world` as a token stream.
pub fn generate(resolve: &Resolve, world: WorldId, opts: &Opts) -> Result<TokenStream, Error> {
    let cx = context::Cx::new(resolve, world, opts)?;
    check::check_supported(&cx)?;
    world::expand_world(&cx)
}

/// Loads `paths`, selects `world` (see [`Wit::select_world`]), generates and
/// formats the bindings: exactly what `witbind bindgen` writes.
pub fn bindgen_file(
    paths: &[impl AsRef<Path>],
    world: Option<&str>,
    opts: &Opts,
) -> Result<String, Error> {
    let wit = Wit::load(paths, &opts.features())?;
    let world = wit.select_world(world)?;
    let tokens = generate(&wit.resolve, world, opts)?;
    format_file(&wit.resolve, world, &tokens)
}
