// A key that needs a value, given without one.
witbind::generate!({
    inline: "package a:b; world w {}",
    world,
    export_macro_name,
});

fn main() {}
