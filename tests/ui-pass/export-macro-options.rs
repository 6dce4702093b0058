// `export_macro_name` and `default_bindings_module`: the export macro gets
// another name, and finds the bindings from anywhere in the crate.

mod bindings {
    witbind::generate!({
        inline: r#"
            package my:app;
            interface api { greet: func(name: string) -> string; }
            world app { export api; }
        "#,
        export_macro_name: "export_app",
        default_bindings_module: "crate::bindings",
    });
}

struct App;

impl bindings::exports::my::app::api::Guest for App {
    fn greet(name: String) -> String {
        format!("hello {name}")
    }
}

bindings::export_app!(App);

fn main() {}
