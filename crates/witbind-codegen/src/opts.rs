//! Options of the generator. Each field's doc comment is also the text the
//! CLI shows in `--help` and the macro documents for its key.

/// How bindings are generated. Construct with `Opts::default()` and set the
/// fields you need; new fields may be added in minor releases.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Opts {
    /// Path of the runtime support module in generated code
    /// (default `::witbind::rt`). Set it when `witbind` is re-exported under
    /// another name.
    pub runtime_path: Option<String>,
    /// Derive `PartialEq, Eq` (where the fields allow it) on generated records,
    /// variants and enums, in addition to the always-derived `Clone` and `Debug`.
    pub derive_eq: bool,
    /// Extra attributes/derives applied to every generated type, e.g.
    /// `serde::Serialize`.
    pub additional_derives: Vec<String>,
    /// Emit a `cabi_realloc` definition from the runtime, for `no_std` guests
    /// whose libc/std does not provide one. Off by default: std on
    /// `wasm32-wasip2` already exports it.
    pub with_cabi_realloc: bool,
    /// Activate all `@unstable` features of the WIT.
    pub all_features: bool,
    /// Activate these `@unstable` features of the WIT.
    pub features: Vec<String>,
}

impl Opts {
    /// The `@unstable` features these options activate, for loading WIT.
    pub fn features(&self) -> crate::load::Features {
        crate::load::Features {
            all: self.all_features,
            names: self.features.clone(),
        }
    }
}
