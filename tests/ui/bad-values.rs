// Values of the wrong type and duplicate keys, reported at the value or the
// repeated key.
witbind::generate!({
    inline: "package a:b; world w {}",
    world: w,
    derive_eq: "yes",
    path: [],
    additional_derives: ["Hash"],
    runtime_path: "not a path",
    export_macro_name: "two words",
    with: { "a:b/c": crate::fine, "a:b/d": 42 },
    inline: "package a:c; world w {}",
    world,
});

fn main() {}
