// `sync` binds async WIT functions with the synchronous ABI: the filtered
// ones become plain functions (and trait methods), the others stay async.
mod all {
    witbind::generate!({
        inline: r#"
            package my:sync;
            interface api {
                fetch: async func(url: string) -> list<u8>;
                ping: async func();
            }
            world main {
                import api;
                export serve: async func(n: u32) -> u32;
            }
        "#,
        sync: true,
    });

    struct Component;

    impl Guest for Component {
        fn serve(n: u32) -> u32 {
            n
        }
    }

    export!(Component);

    pub fn check() {
        let _: fn(&str) -> Vec<u8> = my::sync::api::fetch;
        let _: fn() = my::sync::api::ping;
    }
}

mod some {
    witbind::generate!({
        inline: r#"
            package my:sync2;
            interface api {
                fetch: async func(url: string) -> list<u8>;
                ping: async func();
            }
            world main {
                import api;
                export handle: async func(n: u32) -> u32;
            }
        "#,
        sync: ["import:my:sync2/api#fetch", "export:handle"],
    });

    struct Component;

    impl Guest for Component {
        fn handle(n: u32) -> u32 {
            n
        }
    }

    export!(Component);

    pub fn check() {
        let _: fn(&str) -> Vec<u8> = my::sync2::api::fetch;
        // Not filtered: still async (a future, not run here).
        let _ = my::sync2::api::ping();
    }
}

fn main() {
    all::check();
    some::check();
}
