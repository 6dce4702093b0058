// A `chainable_methods` filter that names no imported method without a result.
witbind::generate!({
    path: "../../../../tests/error-cases/options.wit",
    chainable_methods: ["error-cases:options/api#builder", "error-cases:options/api#buidler"],
});

fn main() {}
