// `additional_type_attributes` and `additional_member_attributes` in the
// macro's syntax: attributes land on the selected type and member.
witbind::generate!({
    inline: r#"
        package my:attrs@1.0.0;
        interface shapes {
            record point { x: s32, y: s32 }
            enum color { red, green }
            draw: func(at: point, c: color);
        }
        world main { import shapes; }
    "#,
    additional_type_attributes: {
        "my:attrs/shapes@1.0.0/point": [#[derive(Default)] #[must_use]],
    },
    additional_member_attributes: {
        "my:attrs/shapes@1.0.0/color.green": [#[default]],
        "my:attrs/shapes@1.0.0/point.x": [#[doc(alias = "abscissa")]],
    },
    additional_derives: [Default],
    additional_derives_ignore: ["point"],
});

fn main() {
    use my::attrs::shapes::{Color, Point};
    // `Default` from the type attribute, `#[default]` on the case.
    let _ = Point::default();
    assert!(Color::default() == Color::Green);
}
