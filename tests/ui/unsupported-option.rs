// Options of wit_bindgen::generate! that witbind does not implement yet are
// recognised (whatever their value) and reported as such.
witbind::generate!({
    inline: "package a:b; world w {}",
    with: { "wasi:io/poll": wasi::io::poll },
    ownership: Borrowing { duplicate_if_necessary: false },
    pub_export_macro: true,
    async: true,
    stubs,
});

fn main() {}
