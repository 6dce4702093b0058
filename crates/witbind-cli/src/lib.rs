//! The `witbind` command line: argument parsing and the two subcommands,
//! `bindgen` (write the bindings of a world to a file) and `worlds` (list the
//! worlds of WIT packages).
//!
//! All generation happens in `witbind-codegen`; this crate only turns
//! arguments into [`Opts`], and the result into a file or an error message.
//! It is a library so that tests can run the command in-process through
//! [`run`]; `main.rs` is a thin wrapper.
#![warn(missing_docs)]

use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use witbind_codegen::{Features, Opts, Wit, WithMapping};

/// Generate Rust guest bindings for WebAssembly components from WIT.
///
/// The output of `witbind bindgen` is what `witbind::generate!` expands to,
/// as a formatted file you can commit (so no build-time code generation).
#[derive(Debug, Parser)]
#[command(name = "witbind", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate the Rust bindings of a WIT world into one formatted file.
    Bindgen(BindgenArgs),
    /// List every world of the given WIT packages (dependencies included),
    /// one `namespace:package/world[@version]` per line.
    Worlds(WitArgs),
}

/// Where the WIT comes from and which `@unstable` features it is read with.
#[derive(Debug, Args)]
struct WitArgs {
    /// WIT to load: a package directory or a single `.wit` file.
    ///
    /// A directory holds one package in its `.wit` files and the packages it
    /// depends on in a `deps/` folder. Several paths may be given; later ones
    /// may use packages of earlier ones.
    #[arg(value_name = "WIT_PATH", required = true)]
    paths: Vec<PathBuf>,

    /// Activate all `@unstable` features of the WIT.
    #[arg(long)]
    all_features: bool,

    /// Activate these `@unstable` features of the WIT.
    ///
    /// Comma-separated or repeated: `--features a,b` or `--features a --features b`.
    #[arg(long, value_name = "FEATURE", value_delimiter = ',')]
    features: Vec<String>,
}

impl WitArgs {
    fn features(&self) -> Features {
        let mut features = Features::default();
        features.all = self.all_features;
        features.names = self.features.clone();
        features
    }
}

#[derive(Debug, Args)]
#[command(
    after_long_help = "Example:\n  witbind bindgen wit/ --world my:app/app -o src/bindings.rs"
)]
struct BindgenArgs {
    /// The world to generate (may be left out when there is only one).
    ///
    /// Either `namespace:package/world[@version]` or a bare world name; the
    /// version may be left out when only one version is loaded. Without
    /// `--world`, the given packages must define exactly one world.
    /// `witbind worlds` lists the candidates.
    #[arg(short, long, value_name = "WORLD")]
    world: Option<String>,

    /// Write the bindings to FILE instead of standard output.
    ///
    /// The file is replaced atomically, and only when generation succeeded
    /// (missing parent directories are then created). A file that is already
    /// up to date is left untouched, so its modification time does not change.
    #[arg(short, long, value_name = "FILE")]
    out: Option<PathBuf>,

    /// Path of the runtime support module in generated code [default: ::witbind::rt]
    ///
    /// Set it when `witbind` is re-exported under another name, e.g.
    /// `--runtime-path ::my_sdk::witbind::rt`.
    #[arg(long, value_name = "PATH")]
    runtime_path: Option<String>,

    /// Derive `PartialEq, Eq` on generated types where the fields allow it.
    ///
    /// Applies to records, variants and enums, in addition to the
    /// always-derived `Clone` and `Debug`.
    #[arg(long)]
    derive_eq: bool,

    /// An extra derive for every generated type, e.g. `serde::Serialize`.
    ///
    /// Comma-separated or repeated. Not every type can implement every
    /// trait (resources, for example, cannot be serialized).
    #[arg(long, value_name = "DERIVE", value_delimiter = ',')]
    additional_derive: Vec<String>,

    /// Emit a `cabi_realloc` definition, for `no_std` guests.
    ///
    /// Needed only when no libc/std provides it; std on `wasm32-wasip2` does.
    #[arg(long)]
    with_cabi_realloc: bool,

    /// Take an imported interface from existing Rust code instead of
    /// generating it.
    ///
    /// `INTERFACE=PATH`, e.g. `wasi:io/streams=wasi::io::streams` (as
    /// wit-bindgen's `with`). INTERFACE may omit the version or name a whole
    /// package (`wasi:io=wasi::io`); PATH `generate` generates it.
    #[arg(long, value_name = "INTERFACE=PATH", value_parser = parse_with)]
    with: Vec<(String, WithMapping)>,

    /// Name of the generated export macro (default `export`).
    #[arg(long, value_name = "NAME")]
    export_macro_name: Option<String>,

    /// Make the export macros public (`#[macro_export]`), so that other
    /// crates can export through these bindings.
    #[arg(long)]
    pub_export_macro: bool,

    /// Leave out a function, by its WIT name (`f`, `[method]r.f`); repeat
    /// or separate with commas.
    #[arg(long, value_name = "FUNCTION", value_delimiter = ',')]
    skip: Vec<String>,

    /// Generate `Stub`, implementing every export with functions that panic,
    /// and export it: a starting point that builds.
    #[arg(long)]
    stubs: bool,

    /// Module where `export!(T)` finds the bindings, e.g. `crate::bindings`.
    ///
    /// Default: the module that invokes `export!`.
    #[arg(long, value_name = "PATH")]
    default_bindings_module: Option<String>,

    #[command(flatten)]
    wit: WitArgs,
}

fn parse_with(value: &str) -> Result<(String, WithMapping), String> {
    let (key, path) = value
        .split_once('=')
        .ok_or_else(|| format!("expected INTERFACE=PATH, got `{value}`"))?;
    let mapping = match path.trim() {
        "generate" => WithMapping::Generate,
        path => WithMapping::Path(path.to_string()),
    };
    Ok((key.trim().to_string(), mapping))
}

impl BindgenArgs {
    fn opts(&self) -> Opts {
        let mut opts = Opts::default();
        opts.runtime_path = self.runtime_path.clone();
        opts.derive_eq = self.derive_eq;
        opts.additional_derives = self.additional_derive.clone();
        opts.with_cabi_realloc = self.with_cabi_realloc;
        opts.with = self.with.clone();
        opts.export_macro_name = self.export_macro_name.clone();
        opts.pub_export_macro = self.pub_export_macro;
        opts.stubs = self.stubs;
        opts.skip = self.skip.clone();
        opts.default_bindings_module = self.default_bindings_module.clone();
        opts.all_features = self.wit.all_features;
        opts.features = self.wit.features.clone();
        opts
    }
}

/// Parses `args` (the first item is the program name) and runs the command,
/// writing its output to `stdout` and diagnostics to `stderr`.
///
/// Returns the process exit code: 0 on success, 1 when the command failed,
/// and clap's code (2) for usage errors.
pub fn run<I, T>(args: I, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    match Cli::try_parse_from(args) {
        Ok(cli) => cli.execute(stdout, stderr),
        Err(err) => {
            let out: &mut dyn Write = if err.use_stderr() { stderr } else { stdout };
            // Nothing sensible is left to do if even the usage text cannot be written.
            let _ = write!(out, "{}", err.render());
            u8::try_from(err.exit_code()).unwrap_or(2)
        }
    }
}

impl Cli {
    /// Runs the parsed command. Failures are printed to `stderr` as
    /// `error: <message>`; returns the exit code (0 or 1).
    pub fn execute(self, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
        let result = match &self.command {
            Command::Bindgen(args) => bindgen(args, stdout),
            Command::Worlds(args) => worlds(args, stdout),
        };
        match result {
            Ok(()) => 0,
            Err(err) => {
                let _ = writeln!(stderr, "error: {err:#}");
                1
            }
        }
    }
}

fn bindgen(args: &BindgenArgs, stdout: &mut dyn Write) -> anyhow::Result<()> {
    let source =
        witbind_codegen::bindgen_file(&args.wit.paths, args.world.as_deref(), &args.opts())?;
    match &args.out {
        Some(path) => write_file_atomically(path, source.as_bytes())
            .with_context(|| format!("cannot write `{}`", path.display())),
        None => write_stdout(stdout, source.as_bytes()),
    }
}

fn worlds(args: &WitArgs, stdout: &mut dyn Write) -> anyhow::Result<()> {
    let wit = Wit::load(&args.paths, &args.features())?;
    let mut list = String::new();
    for name in wit.world_names() {
        list.push_str(&name);
        list.push('\n');
    }
    write_stdout(stdout, list.as_bytes())
}

fn write_stdout(stdout: &mut dyn Write, bytes: &[u8]) -> anyhow::Result<()> {
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .context("cannot write to standard output")
}

/// Replaces `path` with `contents` through a temporary file in the same
/// directory and a rename, so readers (and a failure half-way) never see a
/// partial file. An identical file is not rewritten, so its modification
/// time (and whatever build depends on it) stays as it is.
fn write_file_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    // Write through a symlink rather than replacing the link itself.
    let path = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    if fs::read(&path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir).map_err(|err| {
        io::Error::new(
            err.kind(),
            format!("cannot create directory `{}`: {err}", dir.display()),
        )
    })?;

    let mut builder = tempfile::Builder::new();
    builder.prefix(".witbind-").suffix(".tmp");
    let existing = fs::metadata(&path).ok();
    #[cfg(unix)]
    if existing.is_none() {
        // Like any newly created file: readable by all, minus the umask
        // (tempfile's default, 0o600, is meant for secrets).
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(dir)?;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    if let Some(meta) = existing {
        fs::set_permissions(temp.path(), meta.permissions())?;
    }
    temp.persist(&path).map_err(|err| err.error)?;
    Ok(())
}
