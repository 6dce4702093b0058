//! A library that only holds bindings (as an SDK crate does): the crate
//! that builds the component calls its `export!`.

/// The generated bindings.
pub mod bindings {
    witbind::generate!({
        path: "wit",
        pub_export_macro: true,
        default_bindings_module: "cross_crate_lib::bindings",
    });
}

/// A helper of the library's own, built on the bindings' imports.
pub fn greeting(name: &str) -> String {
    format!(
        "{}, {name}!",
        bindings::witbind_tests::cross_crate::host::prefix()
    )
}
