//! witbind's generator: Rust guest bindings for a WIT world.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! load    WIT paths / inline source ──wit-parser──▶ Resolve + WorldId
//! info    pre-pass over the type graph (ownership, lists, handles)
//! names   every WIT name ──▶ a collision-free Rust identifier and module path
//! types   records, variants, enums, flags, aliases ──▶ Rust type definitions
//! abi     canonical ABI lowering/lifting (driven by wit_bindgen_core::abi::call)
//! imports extern "C" declarations + safe wrappers
//! resources handles with Drop, constructors, methods, statics
//! exports Guest traits, exported resources, export! and entry points
//! with    imported interfaces taken from existing bindings
//! world   the module tree, world-level items, export! and link helpers
//! encode  the component-type custom section (wit-component)
//! format  prettyplease: the only place where tokens become a string
//! ```
//!
//! Both doors, the `generate!` macro and the `witbind` CLI, call [`generate`];
//! the CLI additionally calls [`format_file`].
#![warn(missing_docs)]

mod abi;
mod context;
mod encode;
mod error;
mod exports;
mod format;
mod imports;
mod load;
mod names;
mod opts;
mod resources;
mod types;
mod with;
mod world;

pub use error::Error;
pub use format::format_file;
pub use load::{Features, Wit};
pub use opts::{Opts, WithMapping};
/// The WIT parser witbind is built on, re-exported so callers share one
/// `Resolve` type.
pub use wit_bindgen_core::wit_parser;

use proc_macro2::TokenStream;
use std::path::Path;
use wit_bindgen_core::wit_parser::{Resolve, WorldId};

/// Generates the bindings of `world` as a token stream.
pub fn generate(resolve: &Resolve, world: WorldId, opts: &Opts) -> Result<TokenStream, Error> {
    let cx = context::Cx::new(resolve, world, opts)?;
    cx.check_supported()?;
    let mut tree = world::ModuleTree::default();
    cx.expand_imports(&mut tree);
    cx.expand_exports(&mut tree)?;
    let mut tokens = tree.render();
    tokens.extend(cx.expand_cabi_realloc());
    tokens.extend(cx.expand_component_type()?);
    Ok(tokens)
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
