// A `sync` filter that names no function of the world is an error, as in
// wit-bindgen 0.63.
witbind::generate!({
    inline: r#"
        package my:sync;
        interface api {
            fetch: async func(url: string) -> list<u8>;
        }
        world main { import api; }
    "#,
    sync: ["my:sync/api#fech"],
});

fn main() {}
