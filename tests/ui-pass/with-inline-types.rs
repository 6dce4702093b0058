// `with` for types of interfaces a world defines inline: by the bare type
// name, as wit-bindgen names them (`d`), or under the interface's label
// (`e/x`), for imports and exports.
#[derive(Clone, Debug, PartialEq)]
pub struct MyD {
    pub a: u32,
    pub b: String,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MyX {
    pub n: u64,
}

mod bindings {
    witbind::generate!({
        inline: r#"
            package my:inline;
            world main {
                import i: interface {
                    record d { a: u32, b: string }
                    func8: func(v: d) -> d;
                }
                export e: interface {
                    record x { n: u64 }
                    twice: func(v: x) -> x;
                }
            }
        "#,
        with: {
            "d": crate::MyD,
            "e/x": crate::MyX,
        },
    });
}

struct Component;

impl bindings::exports::e::Guest for Component {
    fn twice(v: MyX) -> MyX {
        MyX { n: v.n * 2 }
    }
}

bindings::export!(Component with_types_in bindings);

fn main() {
    let _: fn(&MyD) -> MyD = bindings::i::func8;
    let _: fn(MyX) -> MyX = <Component as bindings::exports::e::Guest>::twice;
}
