// The `"world" in "path"` form reports errors at its literals too.
witbind::generate!("app" in "no/such/dir");

fn main() {}
