// `stubs` generates and exports `Stub`, implementing every export (world
// functions, interfaces, resources) with functions that panic.
witbind::generate!({
    inline: r#"
        package my:stubbed;
        interface api {
            resource session {
                constructor(user: string);
                send: func(data: list<u8>) -> result<u32, string>;
                open: static func(user: string) -> result<session, string>;
            }
            ping: func() -> string;
        }
        world main {
            export api;
            export version: func() -> u32;
        }
    "#,
    stubs,
});

fn main() {
    let _: fn() -> u32 = <Stub as Guest>::version;
}
