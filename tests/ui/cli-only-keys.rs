// The CLI's own options (`-o`, `--split`, `--check`) are not keys of the macro.
witbind::generate!({
    inline: "package a:b; world w {}",
    out: "src/bindings.rs",
    split: "src/bindings",
    check,
});

fn main() {}
