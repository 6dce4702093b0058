//! Links a core wasm module rather than a component: its export names
//! carry the `export_prefix`, which component tooling would not accept.

fn main() {
    println!("cargo::rustc-link-arg=--skip-wit-component");
}
