// The option errors of one phase are reported together, each under its
// entry: `with` entries that name nothing or an export, and `sync` filters.
// (Unused attribute selectors are found after generation, a later phase.)
witbind::generate!({
    path: "../../../../tests/error-cases/options.wit",
    with: { "error-cases:options/apu": crate::x, "error-cases:options/handler": crate::y },
    sync: ["error-cases:options/api#fech"],
});

fn main() {}
