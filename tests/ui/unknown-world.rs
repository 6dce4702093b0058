// An unknown world is reported at the `world` literal, listing the known ones.
witbind::generate!({
    inline: "
        package my:app;
        world first {}
        world second {}
    ",
    world: "thrid",
});

fn main() {}
