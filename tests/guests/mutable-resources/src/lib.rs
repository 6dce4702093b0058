//! An exported `stack` resource whose synchronous methods take `&mut self`
//! (`mutable_resources`): a plain `Vec`, no `RefCell`.

mod bindings {
    witbind::generate!({
        path: "../../../wit/fixtures/opt-mutable-resources.wit",
        mutable_resources,
    });
}

use bindings::exports::witbind_fixtures::opt_mutable_resources::api::{Guest, GuestStack};

struct Component;

impl Guest for Component {
    type Stack = Stack;
}

struct Stack(Vec<u32>);

impl GuestStack for Stack {
    fn new() -> Self {
        Stack(Vec::new())
    }

    fn push(&mut self, x: u32) {
        self.0.push(x);
    }

    fn pop(&mut self) -> Option<u32> {
        self.0.pop()
    }

    fn len(&mut self) -> u32 {
        self.0.len() as u32
    }

    async fn peek_later(&self) -> Option<u32> {
        self.0.last().copied()
    }
}

bindings::export!(Component with_types_in bindings);
