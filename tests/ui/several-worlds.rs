// Without `world`, the WIT must define exactly one world.
witbind::generate!({
    inline: "
        package my:app;
        world first {}
        world second {}
    ",
});

fn main() {}
