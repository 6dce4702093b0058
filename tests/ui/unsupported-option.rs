// Options of wit_bindgen::generate! that witbind does not implement yet are
// recognised (whatever their value) and reported as such.
witbind::generate!({
    inline: "package a:b; world w {}",
    ownership: Borrowing { duplicate_if_necessary: false },
    async: true,
});

fn main() {}
