// A bare world name found in two of the packages given.
witbind::generate!({
    path: ["../../../../tests/error-cases/ambiguous/a", "../../../../tests/error-cases/ambiguous/b"],
    world: "app",
});

fn main() {}
