// List options given something else than a list of strings; `sync`
// takes `true`/`false` or a list.
witbind::generate!({
    inline: "package a:b; world w {}",
    features: "fancy",
    skip: [f],
    sync: "all",
    chainable_methods: ["a" "b"],
    additional_derives_ignore: 3,
    stubs: yes,
});

fn main() {}
