// `with` cannot take an interface the world only exports from elsewhere.
witbind::generate!({
    inline: "package a:b; interface api { f: func(); } world w { export api; }",
    with: { "a:b/api": crate::api },
});

fn main() {}
