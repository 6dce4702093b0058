// The exports of `wit/fixtures/type-tree.wit`, each calling the matching
// import: a crate root that declares `mod bindings` includes this
// (`tests/guests/tree-witbind`, and the performance benchmark's minimal
// guests of that world, which also use it with wit-bindgen's bindings).

use crate::bindings::exports::witbind_fixtures::type_tree::api::{Guest, Leaf, Tree, Trunk};
use crate::bindings::witbind_fixtures::type_tree::api;

struct Component;

impl Guest for Component {
    fn get() -> Tree {
        api::get()
    }

    fn put(t: Tree) {
        api::put(&t)
    }

    fn echo(t: Tree) -> Result<Tree, String> {
        api::echo(&t)
    }

    fn contains(l: Leaf, t: Trunk) -> bool {
        api::contains(&l, &t)
    }

    fn forest(trees: Vec<Tree>) -> Vec<Tree> {
        api::forest(&trees)
    }
}
