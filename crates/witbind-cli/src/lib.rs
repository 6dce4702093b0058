//! The `witbind` command line: argument parsing and the two subcommands,
//! `bindgen` (write the bindings of a world to a file) and `worlds` (list the
//! worlds of WIT packages).
//!
//! All generation happens in `witbind-codegen`; this crate only turns
//! arguments into options (`args.rs`, from the generator's option table),
//! and the result into a file or an error message (`output.rs`). It is a
//! library so that tests can run the command in-process through [`run`];
//! `main.rs` is a thin wrapper.
#![warn(missing_docs)]

mod args;
mod output;
mod vendor;

use std::ffi::OsString;
use std::io::Write;

use witbind_codegen::Wit;

pub use args::command;
use args::Request;
use output::write_stdout;
use witbind_codegen::Output;

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
    let matches = match command().try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(err) => {
            let out: &mut dyn Write = if err.use_stderr() { stderr } else { stdout };
            // Nothing sensible is left to do if even the usage text cannot be written.
            let _ = write!(out, "{}", err.render());
            return u8::try_from(err.exit_code()).unwrap_or(2);
        }
    };
    let result = match matches.subcommand() {
        Some(("bindgen", matches)) => {
            Request::from_matches(matches).and_then(|r| bindgen(&r, stdout))
        }
        Some(("worlds", matches)) => {
            Request::from_matches(matches).and_then(|r| worlds(&r, stdout))
        }
        _ => unreachable!("clap requires a known subcommand"),
    };
    match result {
        Ok(()) => 0,
        Err(err) => {
            let _ = writeln!(stderr, "{}", render_error(&err));
            1
        }
    }
}

/// The error as printed: one `error:` report; the generator's
/// diagnostics in it one after the other, those about an option naming
/// the CLI flag that gave it.
fn render_error(err: &anyhow::Error) -> String {
    let Some(error) = err.downcast_ref::<witbind_codegen::Error>() else {
        return format!("error: {err:#}");
    };
    let rendered: Vec<String> = error
        .diagnostics()
        .iter()
        .map(|diagnostic| {
            let flag = match diagnostic.blame {
                witbind_codegen::Blame::Option { key, .. } => witbind_codegen::option(key),
                witbind_codegen::Blame::Wit | witbind_codegen::Blame::World => None,
            };
            match flag {
                Some(spec) => format!("in `--{}`: {}", spec.flag, diagnostic.message),
                None => diagnostic.message.clone(),
            }
        })
        .collect();
    format!("error: {}", rendered.join("\n\n"))
}

fn bindgen(request: &Request, stdout: &mut dyn Write) -> anyhow::Result<()> {
    let (paths, world, opts) = (&request.paths, request.world.as_deref(), &request.opts);
    let (files, dir, command) = match (&request.out, &request.split) {
        (Some(out), _) => {
            let root = vendor::package_root(out);
            let bindings =
                witbind_codegen::bindgen(paths, world, opts, Output::File(out), Some(&root))?;
            let file = vendor::File {
                path: out.clone(),
                contents: bindings.source,
            };
            (vec![file], None, bindings.command)
        }
        (None, Some(dir)) => {
            let root = vendor::package_root(dir);
            let (files, command) =
                witbind_codegen::bindgen_split(paths, world, opts, dir, Some(&root))?;
            let files = files
                .into_iter()
                .map(|(path, contents)| vendor::File {
                    path: dir.join(path),
                    contents,
                })
                .collect();
            (files, Some(dir.as_path()), command)
        }
        (None, None) => {
            let source = witbind_codegen::bindgen_file(paths, world, opts)?;
            return write_stdout(stdout, source.as_bytes());
        }
    };
    if request.check {
        vendor::check(&files, dir, &command)
    } else {
        vendor::write(&files, dir)
    }
}

fn worlds(request: &Request, stdout: &mut dyn Write) -> anyhow::Result<()> {
    let wit = Wit::load(&request.paths, &request.features())?;
    let mut list = String::new();
    for name in wit.world_names() {
        list.push_str(&name);
        list.push('\n');
    }
    write_stdout(stdout, list.as_bytes())
}
