//! Options, declared once: each entry of the [`options!`] table below gives
//! an option's macro key, CLI flag, value syntax, type and documentation.
//! From it come the [`Opts`] struct, the [`OPTIONS`] list that the macro's
//! parser, the CLI's argument builder and `--help` iterate, and the
//! Markdown table in the README and the macro's rustdoc
//! ([`options_markdown`]; a test keeps them equal).

use proc_macro2::TokenStream;
use quote::ToTokens;

pub use crate::values::{AttrEntry, Ownership, Value, ValueKind, WithEntry, WithMapping};
use crate::values::{FromValue, ShowValue};

/// Which doors accept an option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Doors {
    /// The `generate!` key and the CLI flag.
    Both,
    /// Only `generate!`.
    MacroOnly,
    /// Only the CLI.
    CliOnly,
}

/// How an option relates to wit-bindgen 0.63's option of the same name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// wit-bindgen's option, with the same syntax and effect.
    WitBindgen,
    /// Accepted for compatibility with wit-bindgen; changes nothing.
    Accepted,
    /// witbind's own.
    Witbind,
}

/// One option: everything the doors and the documentation need.
#[derive(Clone, Copy, Debug)]
pub struct OptionSpec {
    /// The `generate!` key.
    pub key: &'static str,
    /// The long CLI flag, without `--`.
    pub flag: &'static str,
    /// A short CLI flag.
    pub short: Option<char>,
    /// Other long CLI flags accepted for the same option.
    pub aliases: &'static [&'static str],
    /// Where the option can be given.
    pub doors: Doors,
    /// The value syntax.
    pub kind: ValueKind,
    /// The placeholder for the value in `--help` (`PATH`, `NAME`).
    pub value_name: &'static str,
    /// A typical use, as written in `generate!` (or on the command line,
    /// for CLI-only options).
    pub example: &'static str,
    /// Whether it is wit-bindgen's option.
    pub origin: Origin,
    /// Whether it is read by the generator (a field of [`Opts`]) rather than
    /// by the door itself (which WIT to load, where to write).
    pub generator: bool,
    /// The documentation, one string per line; the first line is the
    /// summary.
    pub doc: &'static [&'static str],
}

impl OptionSpec {
    /// The first line of the documentation.
    pub fn summary(&self) -> &'static str {
        self.doc.first().map(|line| line.trim()).unwrap_or_default()
    }

    /// The documentation after the summary, as paragraphs of text.
    pub fn details(&self) -> String {
        let lines: Vec<&str> = self.doc.iter().skip(1).map(|line| line.trim()).collect();
        lines
            .join("\n")
            .trim()
            .split("\n\n")
            .map(|paragraph| paragraph.split('\n').collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    /// Whether `generate!` accepts it.
    pub fn in_macro(&self) -> bool {
        self.doors != Doors::CliOnly
    }

    /// Whether the CLI accepts it.
    pub fn in_cli(&self) -> bool {
        self.doors != Doors::MacroOnly
    }
}

/// Declares the options: the [`Opts`] fields (the generator's options),
/// the door options, and [`OPTIONS`] listing both.
macro_rules! options {
    (
        generator {$(
            $(#[doc = $doc:literal])*
            $field:ident: $ty:ty = $kind:ident {
                flag: $flag:literal,
                $(short: $short:literal,)?
                $(aliases: [$($alias:literal),*],)?
                value: $value_name:literal,
                example: $example:literal,
                doors: $doors:ident,
                origin: $origin:ident $(,)?
            }
        )*}
        doors {$(
            $(#[doc = $ddoc:literal])*
            $dkey:ident = $dkind:ident {
                flag: $dflag:literal,
                $(short: $dshort:literal,)?
                value: $dvalue_name:literal,
                example: $dexample:literal,
                doors: $ddoors:ident,
                origin: $dorigin:ident $(,)?
            }
        )*}
    ) => {
        /// How bindings are generated. Construct with `Opts::default()` and
        /// set the fields you need (or [`Opts::set`] them by key); new fields
        /// may be added in minor releases.
        #[derive(Clone, Default)]
        #[non_exhaustive]
        pub struct Opts {
            $(
                $(#[doc = $doc])*
                pub $field: $ty,
            )*
        }

        /// Every option, in the order the documentation lists them.
        pub const OPTIONS: &[OptionSpec] = &[
            $(
                OptionSpec {
                    key: stringify!($field),
                    flag: $flag,
                    short: options!(@short $($short)?),
                    aliases: &[$($($alias),*)?],
                    doors: Doors::$doors,
                    kind: ValueKind::$kind,
                    value_name: $value_name,
                    example: $example,
                    origin: Origin::$origin,
                    generator: true,
                    doc: &[$($doc),*],
                },
            )*
            $(
                OptionSpec {
                    key: stringify!($dkey),
                    flag: $dflag,
                    short: options!(@short $($dshort)?),
                    aliases: &[],
                    doors: Doors::$ddoors,
                    kind: ValueKind::$dkind,
                    value_name: $dvalue_name,
                    example: $dexample,
                    origin: Origin::$dorigin,
                    generator: false,
                    doc: &[$($ddoc),*],
                },
            )*
        ];

        impl Opts {
            /// Sets the generator option `key` (a `generate!` key) to
            /// `value`, which must be of the option's [`ValueKind`].
            pub fn set(&mut self, key: &str, value: Value) -> Result<(), String> {
                match key {
                    $(
                        stringify!($field) => {
                            self.$field = FromValue::from_value(value)?;
                            Ok(())
                        }
                    )*
                    _ => Err(format!("`{key}` is not an option of the generator")),
                }
            }

            /// The value of the generator option `key`.
            pub fn get(&self, key: &str) -> Option<Value> {
                match key {
                    $(stringify!($field) => Some(ShowValue::show(&self.$field)),)*
                    _ => None,
                }
            }
        }

        impl std::fmt::Debug for Opts {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Opts")
                    $(.field(stringify!($field), &ShowValue::show(&self.$field)))*
                    .finish_non_exhaustive()
            }
        }
    };
    (@short) => { None };
    (@short $short:literal) => { Some($short) };
}

options! {
    generator {
        /// Path of the runtime support module in generated code (default `::witbind::rt`).
        ///
        /// Set it when `witbind` is re-exported under another name, e.g.
        /// `"::my_sdk::witbind::rt"`.
        runtime_path: Option<syn::Path> = PathStr {
            flag: "runtime-path",
            value: "PATH",
            example: r#"runtime_path: "::my_sdk::witbind::rt""#,
            doors: Both,
            origin: WitBindgen,
        }
        /// Extra derives for every generated record, variant, enum and flags type.
        ///
        /// E.g. `[serde::Serialize, Hash]` (macro) or
        /// `--additional-derive-attribute serde::Serialize` (CLI, repeated or
        /// comma-separated). Derives a type already has are not repeated.
        additional_derives: Vec<syn::Path> = PathList {
            flag: "additional-derive-attribute",
            short: 'd',
            aliases: ["additional-derive"],
            value: "DERIVE",
            example: "additional_derives: [PartialEq, serde::Serialize]",
            doors: Both,
            origin: WitBindgen,
        }
        /// Take imported interfaces from existing Rust code instead of generating them.
        ///
        /// Keys are interfaces (`"wasi:io/streams"`, with or without
        /// `@version`), whole packages (`"wasi:io"`), import labels, or
        /// single types (`"my:pkg/types@1.0.0/point"`, `"world/point"` for
        /// a world's own types, `"point"` or `"label/point"` for a type of an
        /// interface the world defines inline; to use a Rust type with the
        /// same fields or cases); values are Rust paths
        /// (`wasip2::io::streams`, resolved from the bindings' root) or
        /// `generate` (also for exported interfaces, which are always
        /// generated). Every key must match something of the world. CLI:
        /// `--with KEY=PATH`, repeated or comma-separated.
        with: Vec<WithEntry> = With {
            flag: "with",
            value: "KEY=PATH",
            example: r#"with: { "wasi:io/streams": wasip2::io::streams }"#,
            doors: Both,
            origin: WitBindgen,
        }
        /// Functions to leave out, by WIT name (`f`, `[method]r.f`, `[constructor]r`).
        ///
        /// Imports and exports alike; for example functions using features
        /// witbind cannot generate yet.
        skip: Vec<String> = StrList {
            flag: "skip",
            value: "NAME",
            example: r#"skip: ["[method]blob.read"]"#,
            doors: Both,
            origin: WitBindgen,
        }
        /// Generate `Stub`, implementing every export with functions that panic, and export it.
        ///
        /// A starting point that builds: replace the stubs one by one.
        stubs: bool = Flag {
            flag: "stubs",
            value: "",
            example: "stubs",
            doors: Both,
            origin: WitBindgen,
        }
        /// Name of the generated export macro (default `export`).
        export_macro_name: Option<syn::Ident> = IdentStr {
            flag: "export-macro-name",
            value: "NAME",
            example: r#"export_macro_name: "export_app""#,
            doors: Both,
            origin: WitBindgen,
        }
        /// Make the export macros public (`#[macro_export]`), so other crates can export with them.
        ///
        /// The bindings' own component type then describes only the world's
        /// imports; `export!` adds the whole world in the crate that exports.
        pub_export_macro: bool = Flag {
            flag: "pub-export-macro",
            value: "",
            example: "pub_export_macro: true",
            doors: Both,
            origin: WitBindgen,
        }
        /// The module where `export!(T)` finds the bindings, e.g. `"crate::bindings"` (default: the caller's module).
        default_bindings_module: Option<syn::Path> = PathStr {
            flag: "default-bindings-module",
            value: "PATH",
            example: r#"default_bindings_module: "crate::bindings""#,
            doors: Both,
            origin: WitBindgen,
        }
        /// Activate all `@unstable` features of the WIT.
        all_features: bool = Flag {
            flag: "all-features",
            value: "",
            example: "all_features",
            doors: Both,
            origin: WitBindgen,
        }
        /// Activate these `@unstable` features of the WIT.
        ///
        /// Macro: `["a", "b"]`; CLI: repeated or comma-separated.
        features: Vec<String> = StrList {
            flag: "features",
            value: "FEATURE",
            example: r#"features: ["clocks-timezone"]"#,
            doors: Both,
            origin: WitBindgen,
        }
        /// Bind async WIT functions with the synchronous ABI, as plain functions.
        ///
        /// `true` binds every one; otherwise filters name the functions:
        /// `"ns:pkg/iface#f"`, `"ns:pkg/iface#[method]r.f"` or a world-level
        /// `"f"`, optionally prefixed with `import:` or `export:`; `all`
        /// matches every one. A filter that matches nothing is an error.
        /// CLI: `--sync FILTER`, repeated or comma-separated.
        sync: Vec<String> = Filters {
            flag: "sync",
            value: "FILTER",
            example: r#"sync: ["import:wasi:http/types@0.3.0#[static]body.finish"]"#,
            doors: Both,
            origin: WitBindgen,
        }
        /// The Rust type of WIT `map<K, V>` (default `BTreeMap`, as `rt::Map`).
        ///
        /// A path such as `"std::collections::HashMap"`; the type takes
        /// `<K, V>` and implements `FromIterator<(K, V)>` and, by value and
        /// by reference, `IntoIterator` (as std's maps do).
        map_type: Option<syn::Path> = PathStr {
            flag: "map-type",
            value: "PATH",
            example: r#"map_type: "std::collections::HashMap""#,
            doors: Both,
            origin: WitBindgen,
        }
        /// Mark the `core::error::Error` impls of error types `#[cfg(feature = "std")]`.
        ///
        /// For crates whose own `std` feature gates them.
        std_feature: bool = Flag {
            flag: "std-feature",
            value: "",
            example: "std_feature",
            doors: Both,
            origin: WitBindgen,
        }
        /// Bind WIT `string` as bytes: `Vec<u8>` (owned) and `&[u8]` (borrowed), without UTF-8 checks.
        raw_strings: bool = Flag {
            flag: "raw-strings",
            value: "",
            example: "raw_strings",
            doors: Both,
            origin: WitBindgen,
        }
        /// Path of the `bitflags` crate that WIT `flags` are defined with (default `rt::bitflags`).
        bitflags_path: Option<syn::Path> = PathStr {
            flag: "bitflags-path",
            value: "PATH",
            example: r#"bitflags_path: "bitflags""#,
            doors: Both,
            origin: WitBindgen,
        }
        /// Types whose additional derives are left out, by WIT name (`point`), in every interface.
        additional_derives_ignore: Vec<String> = StrList {
            flag: "additional-derive-ignore",
            value: "NAME",
            example: r#"additional_derives_ignore: ["blob-info"]"#,
            doors: Both,
            origin: WitBindgen,
        }
        /// A prefix for the core wasm names of every export (`{prefix}f`, `{prefix}cabi_post_f`).
        ///
        /// For components that combine several sets of bindings.
        export_prefix: String = Str {
            flag: "export-prefix",
            value: "PREFIX",
            example: r#"export_prefix: "app_""#,
            doors: Both,
            origin: WitBindgen,
        }
        /// A suffix for the name of the custom section holding the component type.
        ///
        /// For linking several copies of the same world's bindings into one
        /// binary.
        type_section_suffix: String = Str {
            flag: "type-section-suffix",
            value: "SUFFIX",
            example: r#"type_section_suffix: "-v2""#,
            doors: Both,
            origin: WitBindgen,
        }
        /// Do not call `run_ctors_once` at the start of every export.
        ///
        /// For guests that run static constructors themselves.
        disable_run_ctors_once_workaround: bool = Flag {
            flag: "disable-run-ctors-once-workaround",
            value: "",
            example: "disable_run_ctors_once_workaround: true",
            doors: Both,
            origin: WitBindgen,
        }
        /// Do not reference the component-type section from every module.
        ///
        /// The section is then kept only if the linker keeps the root of
        /// the bindings for other reasons.
        disable_custom_section_link_helpers: bool = Flag {
            flag: "disable-custom-section-link-helpers",
            value: "",
            example: "disable_custom_section_link_helpers: true",
            doors: Both,
            origin: WitBindgen,
        }
        /// How parameters of imported functions hold strings and lists (default `Owning`).
        ///
        /// `Owning`: types are owned and a parameter borrows its top layer
        /// (`&str`, `&[String]`, `&Record`). `Borrowing { duplicate_if_necessary:
        /// false }`: types only parameters of imports use are borrowed
        /// throughout (`Record<'a>` with `&'a str` fields, passed by value);
        /// with `true`, types used both ways are defined twice,
        /// `RecordParam<'a>` and `RecordResult`. CLI: `owning`, `borrowing`
        /// or `borrowing-duplicate-if-necessary`.
        ownership: Ownership = Ownership {
            flag: "ownership",
            value: "MODE",
            example: "ownership: Borrowing { duplicate_if_necessary: true }",
            doors: Both,
            origin: WitBindgen,
        }
        /// Extra attributes on selected records, variants and enums.
        ///
        /// Selectors name a type by its interface and WIT name,
        /// `"ns:pkg/iface@1.0.0/point"` (or `"world/point"` for a world's own
        /// types): `{ "my:pkg/types/point": [#[non_exhaustive]] }`. CLI:
        /// `--additional-type-attributes 'SELECTOR=#[attr]'`, repeated. A
        /// selector that names nothing is an error.
        additional_type_attributes: Vec<AttrEntry> = Attrs {
            flag: "additional-type-attributes",
            value: "SELECTOR=ATTR",
            example: r#"additional_type_attributes: { "my:app/types/point": [#[non_exhaustive]] }"#,
            doors: Both,
            origin: WitBindgen,
        }
        /// Extra attributes on selected fields and cases.
        ///
        /// Selectors are a type's selector, `.`, and the member's WIT name:
        /// `{ "my:pkg/types/point.x": [#[serde(rename = "X")]] }`. CLI:
        /// `--additional-member-attributes 'SELECTOR=#[attr]'`, repeated.
        additional_member_attributes: Vec<AttrEntry> = Attrs {
            flag: "additional-member-attributes",
            value: "SELECTOR=ATTR",
            example: r#"additional_member_attributes: { "my:app/types/point.x": [#[doc(alias = "abscissa")]] }"#,
            doors: Both,
            origin: WitBindgen,
        }
        /// Imported resource methods without a result that return their receiver, for chaining.
        ///
        /// Filters name resources (`"ns:pkg/iface#res"`, `"res"` at world
        /// level) or methods (`"ns:pkg/iface#[method]res.f"`), or `"all"`;
        /// the method then takes `self` and returns `Self`, or with `&` in
        /// front (`"&ns:pkg/iface#res"`) takes `&self` and returns `&Self`;
        /// `-` in front opts out. The first filter that matches decides. CLI:
        /// `--chainable-methods FILTER`, repeated or comma-separated.
        chainable_methods: Vec<String> = StrList {
            flag: "chainable-methods",
            value: "FILTER",
            example: r#"chainable_methods: ["&my:app/build#builder"]"#,
            doors: Both,
            origin: WitBindgen,
        }
        /// One Rust type for structurally equal WIT types: later ones become aliases of the first.
        ///
        /// Records, variants, enums, flags and named tuples, options,
        /// results and lists that are equal field by field (names
        /// included) are merged, also across interfaces and packages;
        /// resources never are.
        merge_structurally_equal_types: bool = Flag {
            flag: "merge-structurally-equal-types",
            value: "",
            example: "merge_structurally_equal_types: true",
            doors: Both,
            origin: WitBindgen,
        }
        /// Also generate types no function uses (accepted for compatibility: witbind always does).
        generate_unused_types: bool = Flag {
            flag: "generate-unused-types",
            value: "",
            example: "generate_unused_types",
            doors: Both,
            origin: Accepted,
        }
        /// Generate every interface of the world (accepted for compatibility: witbind always does).
        generate_all: bool = Flag {
            flag: "generate-all",
            value: "",
            example: "generate_all",
            doors: Both,
            origin: Accepted,
        }
        /// Synchronous methods of exported resources take `&mut self`.
        ///
        /// State then needs no `Cell` or `RefCell`. A synchronous call has
        /// the resource to itself; async methods keep `&self`, since
        /// concurrent calls may use the resource while one waits.
        mutable_resources: bool = Flag {
            flag: "mutable-resources",
            value: "",
            example: "mutable_resources",
            doors: Both,
            origin: Witbind,
        }
        /// Derive `PartialEq` and, where the fields allow it, `Eq` on generated records and variants.
        ///
        /// Enums and flags always derive both.
        derive_eq: bool = Flag {
            flag: "derive-eq",
            value: "",
            example: "derive_eq",
            doors: Both,
            origin: Witbind,
        }
        /// Leave out what lets a test implement the imports natively.
        ///
        /// By default, off wasm32 (for `cargo test` on the host) every
        /// imported interface has a `Host` trait, `HostX` traits for its
        /// resources and an `install` function, and the import functions
        /// call the implementation a test installed (see "Testing your
        /// component natively"). Nothing of it is compiled for wasm32;
        /// this option also drops it from the source.
        disable_native: bool = Flag {
            flag: "disable-native",
            value: "",
            example: "disable_native",
            doors: Both,
            origin: Witbind,
        }
        /// Emit a `cabi_realloc` definition, for `no_std` guests without std or a libc.
        ///
        /// std on `wasm32-wasip2` already defines one; a second does not link.
        with_cabi_realloc: bool = Flag {
            flag: "with-cabi-realloc",
            value: "",
            example: "with_cabi_realloc",
            doors: Both,
            origin: Witbind,
        }
    }
    doors {
        /// WIT to load: a package directory or a `.wit` file (default `wit`).
        ///
        /// A directory holds one package in its `.wit` files and the
        /// packages it depends on in a `deps/` folder. Several may be given;
        /// later ones may use packages of earlier ones. Macro: a string or a
        /// list of strings relative to the crate's `Cargo.toml` (`concat!`
        /// and `env!` allowed); CLI: the arguments.
        path = WitPaths {
            flag: "",
            value: "WIT_PATH",
            example: r#"path: ["wit", "deps/other"]"#,
            doors: Both,
            origin: WitBindgen,
        }
        /// The world to generate: `namespace:package/world[@version]` or a bare world name.
        ///
        /// May be left out when the WIT defines exactly one world; names may
        /// be `%`-escaped as in WIT. `witbind worlds` lists the candidates.
        world = Str {
            flag: "world",
            short: 'w',
            value: "WORLD",
            example: r#"world: "my:app/app""#,
            doors: Both,
            origin: WitBindgen,
        }
        /// WIT source given in the macro itself; its dependencies come from `path`.
        inline = Str {
            flag: "",
            value: "",
            example: r#"inline: "package my:app; world app { import log: func(s: string); }""#,
            doors: MacroOnly,
            origin: WitBindgen,
        }
        /// Write the expansion to a file and `include!` it, so it can be read (also `WITBIND_DEBUG=1`).
        debug = Flag {
            flag: "",
            value: "",
            example: "debug: true",
            doors: MacroOnly,
            origin: WitBindgen,
        }
        /// Write the bindings to FILE instead of standard output.
        ///
        /// The file is replaced atomically, and only when generation
        /// succeeded. A file that is already up to date is left untouched.
        out = Str {
            flag: "out",
            short: 'o',
            value: "FILE",
            example: "--out src/bindings.rs",
            doors: CliOnly,
            origin: Witbind,
        }
        /// Write one file per module under DIR (`DIR/mod.rs` at the root) instead of one file.
        ///
        /// The public paths are the same as with one file: declare the
        /// module with `#[path = "DIR/mod.rs"] mod bindings;`. A change to
        /// the WIT then shows only in the files of the interfaces it
        /// touches. Generated files that no longer belong are removed.
        split = Str {
            flag: "split",
            value: "DIR",
            example: "--split src/bindings",
            doors: CliOnly,
            origin: Witbind,
        }
        /// Write nothing; fail (exit 1, with a diff) unless the output files are up to date.
        ///
        /// With `-o FILE` or `--split DIR`: for CI, to catch vendored
        /// bindings that were not regenerated after a change of the WIT,
        /// the options or witbind.
        check = Flag {
            flag: "check",
            value: "",
            example: "--check",
            doors: CliOnly,
            origin: Witbind,
        }
    }
}

impl Opts {
    /// The `@unstable` features these options activate, for loading WIT.
    pub fn features(&self) -> crate::load::Features {
        crate::load::Features {
            all: self.all_features,
            names: self.features.clone(),
        }
    }

    /// The runtime module path in generated code.
    pub(crate) fn runtime(&self) -> TokenStream {
        match &self.runtime_path {
            Some(path) => path.to_token_stream(),
            None => quote::quote!(::witbind::rt),
        }
    }
}

impl Opts {
    /// The CLI arguments that give these options (those that differ from
    /// the default), in the table's order: `--raw-strings`,
    /// `--with wasi:io=wasip2::io`. Values are quoted for a POSIX shell
    /// where needed.
    pub fn cli_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        for spec in OPTIONS
            .iter()
            .filter(|spec| spec.generator && spec.in_cli())
        {
            let flag = format!("--{}", spec.flag);
            let values = match self.get(spec.key) {
                Some(Value::Bool(true)) => {
                    args.push(flag);
                    continue;
                }
                Some(Value::Str(text)) if !text.is_empty() => vec![text],
                Some(Value::StrList(list)) => list,
                Some(Value::Path(path)) => vec![crate::values::show_path(&path)],
                Some(Value::PathList(paths)) => {
                    paths.iter().map(crate::values::show_path).collect()
                }
                Some(Value::Ident(ident)) => vec![ident.to_string()],
                Some(Value::With(entries)) => entries
                    .iter()
                    .map(|entry| format!("{}={:?}", entry.key, entry.mapping))
                    .collect(),
                Some(Value::Attrs(entries)) => entries.iter().map(AttrEntry::to_cli).collect(),
                Some(Value::Ownership(Ownership::Owning)) => Vec::new(),
                Some(Value::Ownership(ownership)) => vec![ownership.cli_name().to_string()],
                Some(Value::Bool(false) | Value::Str(_)) | None => Vec::new(),
            };
            for value in values {
                // A value that looks like a flag goes in the same word.
                if value.starts_with('-') {
                    args.push(shell_quote(&format!("{flag}={value}")));
                } else {
                    args.push(flag.clone());
                    args.push(shell_quote(&value));
                }
            }
        }
        args
    }
}

/// `text` as one POSIX shell word.
pub fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@=,+%".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// The option with `generate!` key `key`.
pub fn option(key: &str) -> Option<&'static OptionSpec> {
    OPTIONS.iter().find(|spec| spec.key == key)
}

/// The options table of the README and of the macro's documentation, in
/// Markdown.
pub fn options_markdown() -> String {
    let mut out = String::from(
        "| `generate!` key | CLI flag | example | what it does |\n|---|---|---|---|\n",
    );
    for spec in OPTIONS {
        let key = if spec.in_macro() {
            format!("`{}`", spec.key)
        } else {
            "—".to_string()
        };
        let flag = match (spec.in_cli(), spec.flag, spec.short) {
            (false, _, _) => "—".to_string(),
            (true, "", _) => format!("`<{}>...`", spec.value_name),
            (true, flag, Some(short)) => format!("`-{short}`, `--{flag}`"),
            (true, flag, None) => format!("`--{flag}`"),
        };
        let mut what = spec.summary().to_string();
        let details = spec.details();
        if !details.is_empty() {
            what.push(' ');
            what.push_str(&details.replace("\n\n", " "));
        }
        match spec.origin {
            Origin::WitBindgen => {}
            Origin::Accepted => what.push_str(" *(wit-bindgen compatibility)*"),
            Origin::Witbind => what.push_str(" *(witbind only)*"),
        }
        out.push_str(&format!(
            "| {key} | {flag} | `{}` | {} |\n",
            spec.example.replace('|', "\\|"),
            what.replace('|', "\\|")
        ));
    }
    out
}
