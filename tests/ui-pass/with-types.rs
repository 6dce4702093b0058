// `with` for single types: `point` and `color` are the crate's own types
// (same fields and cases), used in every signature and lowered and lifted
// directly; an exported interface may be named with `generate`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Color {
    Red,
    Green,
}

mod bindings {
    witbind::generate!({
        inline: r#"
            package my:shapes@1.0.0;
            interface types {
                record point { x: s32, y: s32 }
                enum color { red, green }
                record pixel { at: point, color: color }
            }
            interface draw {
                use types.{point, color, pixel};
                plot: func(p: pixel) -> point;
                pick: func(at: point) -> color;
            }
            interface api {
                use types.{point};
                center: func() -> point;
            }
            world main {
                import draw;
                export api;
            }
        "#,
        with: {
            "my:shapes/types@1.0.0/point": crate::Point,
            "my:shapes/types/color": crate::Color,
            "my:shapes/api@1.0.0": generate,
        },
    });
}

struct Component;

impl bindings::exports::my::shapes::api::Guest for Component {
    fn center() -> Point {
        Point { x: 0, y: 0 }
    }
}

bindings::export!(Component with_types_in bindings);

fn main() {
    use bindings::my::shapes::{draw, types};
    let _: fn(types::Pixel) -> Point = draw::plot;
    let _: fn(Point) -> Color = draw::pick;
    let _ = types::Pixel {
        at: Point { x: 1, y: 2 },
        color: Color::Green,
    };
}
