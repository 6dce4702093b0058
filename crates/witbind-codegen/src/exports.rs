//! Exports: `Guest` traits the user implements, the `export!` macro with
//! the canonical-ABI entry points, and post-return cleanup.

use crate::context::Cx;
use crate::error::Error;
use crate::world::ModuleTree;

impl Cx<'_> {
    /// Everything the world exports.
    pub(crate) fn expand_exports(&self, tree: &mut ModuleTree) -> Result<(), Error> {
        let _ = tree;
        let world = &self.resolve.worlds[self.world];
        if world.exports.is_empty() {
            return Ok(());
        }
        let names: Vec<String> = world
            .exports
            .keys()
            .map(|k| self.resolve.name_world_key(k))
            .collect();
        Err(Error::new(format!(
            "world `{}` exports {}, and exports are not supported by witbind yet\n  help: generate bindings for an import-only world",
            world.name,
            names.join(", ")
        )))
    }
}
