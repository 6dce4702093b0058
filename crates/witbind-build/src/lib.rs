//! The third door to witbind's generator, for build scripts: the bindings
//! of a world written into `OUT_DIR`, regenerated whenever a WIT file they
//! come from changes. Editors (rust-analyzer) then see the types without
//! expanding a proc-macro, and nothing generated is committed.
//!
//! `build.rs`:
//!
//! ```no_run
//! witbind_build::Builder::new()
//!     .path("wit")
//!     .world("my:app/app")
//!     .option("additional_derives", "PartialEq")
//!     .generate()
//!     .unwrap_or_else(|e| panic!("{e}"));
//! ```
//!
//! The crate (which depends on `witbind` for the runtime):
//!
//! ```ignore
//! mod bindings {
//!     include!(concat!(env!("OUT_DIR"), "/bindings.rs"));
//! }
//! ```
//!
//! The options are those of `witbind::generate!` and `witbind bindgen`
//! (one table for all three doors), given by `generate!` key with the
//! value as on the command line.
#![warn(missing_docs)]

use std::path::{Path, PathBuf};

use witbind_codegen::{option, parse_cli_value, Error, Opts, Output};

/// Generates bindings into `OUT_DIR` (see the crate documentation).
#[derive(Clone, Debug)]
pub struct Builder {
    paths: Vec<PathBuf>,
    world: Option<String>,
    opts: Opts,
    /// Options given with [`Builder::option`]: key and values, in order.
    options: Vec<(String, Vec<String>)>,
    file_name: String,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// A builder for the only world of `wit/`, written to
    /// `$OUT_DIR/bindings.rs`, with the default options.
    pub fn new() -> Builder {
        Builder {
            paths: Vec::new(),
            world: None,
            opts: Opts::default(),
            options: Vec::new(),
            file_name: "bindings.rs".to_string(),
        }
    }

    /// Adds WIT to load: a package directory (with `deps/`) or a `.wit`
    /// file, relative to the crate's `Cargo.toml`. Default: `wit`.
    pub fn path(mut self, path: impl Into<PathBuf>) -> Builder {
        self.paths.push(path.into());
        self
    }

    /// The world to generate (`ns:pkg/world`, or a bare name); needed when
    /// the WIT defines more than one.
    pub fn world(mut self, world: impl Into<String>) -> Builder {
        self.world = Some(world.into());
        self
    }

    /// Sets option `key` (its `generate!` key, e.g. `"with"`) to `value`,
    /// written as on the command line (`"true"` for a flag,
    /// `"wasi:io=wasip2::io"` for `with`). Called again for a list option,
    /// it adds to the list. A bad key or value is reported by
    /// [`Builder::generate`].
    pub fn option(mut self, key: &str, value: impl AsRef<str>) -> Builder {
        match self.options.iter_mut().find(|(k, _)| k == key) {
            Some((_, values)) => values.push(value.as_ref().to_string()),
            None => self
                .options
                .push((key.to_string(), vec![value.as_ref().to_string()])),
        }
        self
    }

    /// Replaces every option at once.
    pub fn opts(mut self, opts: Opts) -> Builder {
        self.opts = opts;
        self
    }

    /// The name of the file written in `OUT_DIR` (default `bindings.rs`).
    pub fn file_name(mut self, name: impl Into<String>) -> Builder {
        self.file_name = name.into();
        self
    }

    /// Generates the bindings into `$OUT_DIR/<file name>` (rewritten only
    /// when they changed) and tells cargo to run the build script again
    /// when one of the WIT files read, or the WIT folders, changes.
    /// Returns the file's path.
    pub fn generate(self) -> Result<PathBuf, Error> {
        let out_dir = env_path("OUT_DIR")?;
        let out = out_dir.join(&self.file_name);
        self.generate_to(&out)?;
        Ok(out)
    }

    /// Like [`Builder::generate`], into `out`.
    pub fn generate_to(self, out: &Path) -> Result<(), Error> {
        let mut opts = self.opts.clone();
        for (key, values) in &self.options {
            let Some(spec) = option(key).filter(|spec| spec.generator) else {
                return Err(Error::new(format!(
                    "`{key}` is not an option of the generator\n  help: options are named by \
                     their `generate!` key, e.g. `additional_derives`"
                )));
            };
            parse_cli_value(spec.kind, values)
                .and_then(|value| opts.set(key, value))
                .map_err(|e| Error::new(format!("invalid value for option `{key}`: {e}")))?;
        }
        let root = env_path("CARGO_MANIFEST_DIR").unwrap_or_default();
        let paths: Vec<PathBuf> = if self.paths.is_empty() {
            vec![root.join("wit")]
        } else {
            self.paths.iter().map(|path| root.join(path)).collect()
        };
        for path in &paths {
            println!("cargo::rerun-if-changed={}", path.display());
        }
        let bindings =
            witbind_codegen::bindgen(&paths, self.world.as_deref(), &opts, Output::Stdout, None)?;
        for file in &bindings.wit_files {
            println!("cargo::rerun-if-changed={}", file.display());
        }
        if std::fs::read_to_string(out).is_ok_and(|old| old == bindings.source) {
            return Ok(());
        }
        std::fs::write(out, &bindings.source)
            .map_err(|e| Error::new(format!("cannot write `{}`: {e}", out.display())))
    }
}

fn env_path(name: &str) -> Result<PathBuf, Error> {
    std::env::var_os(name)
        .map(PathBuf::from)
        .ok_or_else(|| Error::new(format!("`{name}` is not set: run this from a build script")))
}
