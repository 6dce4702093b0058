// A WIT file that is not UTF-8.
witbind::generate!({
    path: "../../../../tests/error-cases/not-utf8.wit",
});

fn main() {}
