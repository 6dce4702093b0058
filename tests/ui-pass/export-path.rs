// `export!` takes a path to the implementing type, with and without
// `with_types_in`, also from another module.
mod bindings {
    witbind::generate!({
        inline: r#"
            package my:paths;
            interface api { ping: func(n: u32) -> u32; }
            world main { export api; }
        "#,
        pub_export_macro: true,
        export_macro_name: "export_main",
    });
}

pub mod component {
    pub struct Component;

    impl crate::bindings::exports::my::paths::api::Guest for Component {
        fn ping(n: u32) -> u32 {
            n + 1
        }
    }
}

mod elsewhere {
    crate::bindings::export_main!(crate::component::Component with_types_in crate::bindings);
}

fn main() {}
