//! The options guest with wit-bindgen's bindings.

mod bindings {
    wit_bindgen::generate!({
        path: "../../../wit/fixtures/options-runtime.wit",
        std_feature,
        map_type: "std::collections::HashMap",
        bitflags_path: "bitflags",
        additional_derives: [PartialEq, Eq, Hash],
        additional_derives_ignore: ["entry"],
        type_section_suffix: "-options",
        disable_run_ctors_once_workaround: true,
        disable_custom_section_link_helpers: true,
        generate_unused_types: true,
        chainable_methods: ["&witbind-fixtures:options-runtime/host#tally"],
        merge_structurally_equal_types: true,
        additional_type_attributes: {
            "witbind-fixtures:options-runtime/host/entry": [#[derive(Default)]],
            "witbind-fixtures:options-runtime/host/level": [#[derive(Default)]],
        },
        additional_member_attributes: {
            "witbind-fixtures:options-runtime/host/level.low": [#[default]],
        },
        skip: ["unused"],
        export_macro_name: "export_options",
        default_bindings_module: "crate::bindings",
    });
}

/// How WIT `string` is bound.
type Text = String;

#[path = "../../options-common.rs"]
mod common;
