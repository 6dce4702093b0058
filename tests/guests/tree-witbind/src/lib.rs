//! The deep, wide type tree of `wit/fixtures/type-tree.wit`. Every export
//! calls the matching import with what it received and returns what that
//! returned, so each value crosses all four ways: export arguments (lifted
//! from core values or memory), import arguments (lowered), import results
//! (lifted from memory) and export results (lowered, then freed by
//! post-return) — the code witbind moves out of line into one function per
//! named type.

mod bindings {
    witbind::generate!({
        path: "../../../wit/fixtures/type-tree.wit",
    });
}

include!("../../tree-common.rs");

bindings::export!(Component with_types_in bindings);
