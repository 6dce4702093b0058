//! The generation context: what every emitter reads and none changes. The
//! resolved WIT and the world, the options, the names (`names.rs`), the
//! type facts (`info.rs`) and the runtime path. Emitters are free functions
//! of the modules that own their concept, taking a `&Cx`.

use proc_macro2::TokenStream;
use wit_bindgen_core::wit_parser::{Function, Resolve, WorldId};

use crate::error::{Error, Errors};
use crate::info::Info;
use crate::names::Names;
use crate::opts::Opts;

pub(crate) struct Cx<'a> {
    pub(crate) resolve: &'a Resolve,
    pub(crate) world: WorldId,
    pub(crate) opts: &'a Opts,
    pub(crate) names: Names,
    pub(crate) info: Info,
    /// The runtime module path, `::witbind::rt` unless configured.
    pub(crate) rt: TokenStream,
}

impl<'a> Cx<'a> {
    /// Analyses the world and runs the naming pass; option problems found
    /// on the way are reported together.
    pub(crate) fn new(resolve: &'a Resolve, world: WorldId, opts: &'a Opts) -> Result<Self, Error> {
        let mut errors = Errors::default();
        let names = Names::assign(resolve, world, opts, &mut errors);
        errors.propagate()?;
        Ok(Cx {
            resolve,
            world,
            opts,
            names,
            info: Info::new(resolve)?,
            rt: opts.runtime(),
        })
    }

    /// Whether `func` is left out (`skip`).
    pub(crate) fn skipped(&self, func: &Function) -> bool {
        self.opts
            .skip
            .iter()
            .any(|name| crate::ident::unescape_wit(name) == func.name)
    }
}
