// `path` accepts literals, `concat!` and `env!`, and nothing else.
witbind::generate!({
    path: env!("WITBIND_SURELY_UNDEFINED_VARIABLE"),
});

witbind::generate!({
    path: include_str!("wit"),
});

witbind::generate!({
    path: ["wit", 3],
});

fn main() {}
