// A `path` that does not exist is reported at its literal (paths are
// relative to the crate's Cargo.toml).
witbind::generate!({
    path: ["does/not/exist"],
    world: "app",
});

fn main() {}
