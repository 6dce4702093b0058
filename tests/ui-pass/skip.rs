// `skip` leaves functions out, so that the rest of the interface can be
// used (here without `fetch`).
witbind::generate!({
    inline: r#"
        package my:skipping;
        interface api {
            now: func() -> u64;
            fetch: async func(url: string) -> list<u8>;
        }
        world main { import api; }
    "#,
    skip: ["fetch"],
});

fn main() {
    let _: fn() -> u64 = my::skipping::api::now;
}
