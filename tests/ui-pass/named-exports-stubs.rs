// One interface exported under two names: two modules, two `Guest` traits
// (one type may implement both), and export glue for each name.
witbind::generate!({
    path: "../../../../wit/fixtures/named-exports.wit",
    stubs,
});

fn main() {
    let _: fn() -> String = <Stub as exports::first::Guest>::describe;
    let _: fn() -> String = <Stub as exports::second::Guest>::describe;
    let _: fn() -> String = logger::describe;
}
