// A syntax error in inline WIT is reported at the `inline` literal, with
// wit-parser's location inside the source.
witbind::generate!({
    inline: "
        package my:app;
        interface api {
            f: func() -> ;
        }
        world app { import api; }
    ",
});

fn main() {}
