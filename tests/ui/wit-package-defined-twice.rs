// A package defined both in a folder and in its `deps/`: both places are
// named.
witbind::generate!({
    path: "../../../../tests/error-cases/self-dependency",
});

fn main() {}
