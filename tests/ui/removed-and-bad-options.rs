// The `async` option, which wit-bindgen 0.63 removed, is reported as it
// reports it; a bad `ownership` value says what is expected.
witbind::generate!({
    inline: "package a:b; world w {}",
    ownership: Borrowing,
    async: true,
});

fn main() {}
