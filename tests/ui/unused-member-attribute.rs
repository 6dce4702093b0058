// An attribute selector for a field that does not exist.
witbind::generate!({
    path: "../../../../tests/error-cases/options.wit",
    additional_member_attributes: { "error-cases:options/api/point.z": [#[doc(hidden)]] },
});

fn main() {}
