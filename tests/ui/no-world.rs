// No world named, and the WIT defines none.
witbind::generate!({
    path: "../../../../tests/error-cases/no-world.wit",
});

fn main() {}
