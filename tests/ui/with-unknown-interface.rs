// A `with` entry that matches no import of the world is an error that lists
// the imports, instead of being silently ignored.
witbind::generate!({
    inline: r#"
        package my:pkg;
        interface api { f: func(); }
        world main { import api; }
    "#,
    with: { "my:pkg/apu": crate::elsewhere },
});

fn main() {}
