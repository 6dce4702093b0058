// A world named without a version, when two versions of its package are
// loaded.
witbind::generate!({
    path: ["../../../../tests/error-cases/versions/v1", "../../../../tests/error-cases/versions/v2"],
    world: "error-cases:versioned/app",
});

fn main() {}
