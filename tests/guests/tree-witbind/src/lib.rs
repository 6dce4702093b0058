//! The deep, wide type tree of `wit/fixtures/type-tree.wit`. Every export calls the
//! matching import with what it received and returns what that returned, so
//! each value crosses all four ways: export arguments (lifted from core
//! values or memory), import arguments (lowered), import results (lifted
//! from memory) and export results (lowered, then freed by post-return) —
//! the code witbind moves out of line into one function per named type.

mod bindings {
    witbind::generate!({
        path: "../../../wit/fixtures/type-tree.wit",
    });
}

use bindings::exports::witbind_fixtures::type_tree::api::{Guest, Leaf, Tree, Trunk};
use bindings::witbind_fixtures::type_tree::api;

struct Component;

bindings::export!(Component with_types_in bindings);

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
