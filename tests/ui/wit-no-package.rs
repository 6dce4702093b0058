// A directory whose WIT files have no `package` header.
witbind::generate!({
    path: "../../../../tests/error-cases/no-package",
});

fn main() {}
