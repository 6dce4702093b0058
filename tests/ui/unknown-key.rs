// Unknown keys are reported at the key, all of them at once; a near miss
// gets a suggestion.
witbind::generate!({
    inline: "package a:b; world w {}",
    wrold: "w",
    colour: true,
});

fn main() {}
