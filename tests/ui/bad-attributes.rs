// Attribute options: an empty list, something that is not an attribute,
// and a selector that names nothing in the world.
witbind::generate!({
    inline: "package a:b; interface i { record r { x: u32 } f: func(v: r); } world w { import i; }",
    additional_type_attributes: { "a:b/i/r": [] },
});

witbind::generate!({
    inline: "package a:b; interface i { record r { x: u32 } f: func(v: r); } world w { import i; }",
    additional_member_attributes: { "a:b/i/r.x": [derive(Debug)] },
});

witbind::generate!({
    inline: "package a:b; interface i { record r { x: u32 } f: func(v: r); } world w { import i; }",
    additional_type_attributes: { "a:b/i/nope": [#[must_use]] },
});

fn main() {}
