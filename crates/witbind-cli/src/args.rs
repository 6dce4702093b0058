//! The command line, built from the generator's option table
//! (`witbind_codegen::OPTIONS`): every option the CLI accepts becomes a
//! flag with the table's name, value syntax and documentation, and is read
//! back into [`Opts`] through the same table.

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command};
use witbind_codegen::{parse_cli_value, Features, OptionSpec, Opts, ValueKind, OPTIONS};

/// The options of `witbind worlds`: only what loading WIT needs.
const WORLDS_OPTIONS: &[&str] = &["path", "features", "all_features"];

/// `witbind`, with its subcommands.
pub fn command() -> Command {
    Command::new("witbind")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Generate Rust guest bindings for WebAssembly components from WIT")
        .long_about(
            "Generate Rust guest bindings for WebAssembly components from WIT.\n\n\
             The output of `witbind bindgen` is what `witbind::generate!` expands to, \
             as a formatted file you can commit (so no build-time code generation).",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("bindgen")
                .about("Generate the Rust bindings of a WIT world into one formatted file")
                .args(OPTIONS.iter().filter(|spec| spec.in_cli()).map(arg))
                .after_long_help(
                    "Example:\n  witbind bindgen wit/ --world my:app/app -o src/bindings.rs",
                ),
        )
        .subcommand(
            Command::new("worlds")
                .about(
                    "List every world of the given WIT packages (dependencies included), \
                     one `namespace:package/world[@version]` per line",
                )
                .args(
                    OPTIONS
                        .iter()
                        .filter(|spec| WORLDS_OPTIONS.contains(&spec.key))
                        .map(arg),
                ),
        )
}

/// The clap argument of option `spec`.
fn arg(spec: &OptionSpec) -> Arg {
    let mut long_help = spec.summary().to_string();
    let details = spec.details();
    if !details.is_empty() {
        long_help.push_str("\n\n");
        long_help.push_str(&details);
    }
    let mut arg = Arg::new(spec.key)
        .help(spec.summary().trim_end_matches('.').to_string())
        .long_help(long_help);
    if spec.kind == ValueKind::WitPaths {
        return arg
            .value_name(spec.value_name)
            .required(true)
            .num_args(1..)
            .action(ArgAction::Append);
    }
    arg = arg.long(spec.flag).aliases(spec.aliases.iter().copied());
    if let Some(short) = spec.short {
        arg = arg.short(short);
    }
    match spec.kind {
        ValueKind::Flag => arg.action(ArgAction::SetTrue),
        ValueKind::Str | ValueKind::PathStr | ValueKind::IdentStr | ValueKind::Ownership => {
            arg.value_name(spec.value_name).action(ArgAction::Set)
        }
        ValueKind::StrList | ValueKind::PathList | ValueKind::With | ValueKind::Filters => arg
            .value_name(spec.value_name)
            .action(ArgAction::Append)
            .value_delimiter(','),
        // Attributes may hold commas: only repeated.
        ValueKind::Attrs => arg.value_name(spec.value_name).action(ArgAction::Append),
        ValueKind::WitPaths => unreachable!("handled above"),
    }
}

/// What `witbind bindgen` or `worlds` was asked to do.
pub struct Request {
    pub paths: Vec<PathBuf>,
    pub world: Option<String>,
    pub out: Option<PathBuf>,
    pub split: Option<PathBuf>,
    pub check: bool,
    pub opts: Opts,
}

impl Request {
    /// The request in `matches`; an option value that does not parse is
    /// an error naming the flag.
    pub fn from_matches(matches: &ArgMatches) -> anyhow::Result<Request> {
        let mut request = Request {
            paths: Vec::new(),
            world: None,
            out: None,
            split: None,
            check: false,
            opts: Opts::default(),
        };
        let ids: Vec<&str> = matches.ids().map(|id| id.as_str()).collect();
        for spec in OPTIONS.iter().filter(|spec| ids.contains(&spec.key)) {
            let values = values(matches, spec);
            if values.is_empty() {
                continue;
            }
            match spec.key {
                "path" => request.paths = values.iter().map(PathBuf::from).collect(),
                "world" => request.world = values.last().cloned(),
                "out" => request.out = values.last().map(PathBuf::from),
                "split" => request.split = values.last().map(PathBuf::from),
                "check" => request.check = true,
                _ => parse_cli_value(spec.kind, &values)
                    .and_then(|value| request.opts.set(spec.key, value))
                    .map_err(|e| anyhow::anyhow!("invalid value for `--{}`: {e}", spec.flag))?,
            }
        }
        if request.out.is_some() && request.split.is_some() {
            anyhow::bail!(
                "`-o` and `--split` cannot be used together: choose one file or one folder"
            );
        }
        if request.check && request.out.is_none() && request.split.is_none() {
            anyhow::bail!(
                "`--check` compares files on disk: give the file with `-o FILE` or the folder with `--split DIR`"
            );
        }
        Ok(request)
    }

    /// The `@unstable` features to load the WIT with.
    pub fn features(&self) -> Features {
        self.opts.features()
    }
}

/// The values given for `spec`: `["true"]` for a set flag, nothing for an
/// absent one.
fn values(matches: &ArgMatches, spec: &OptionSpec) -> Vec<String> {
    if spec.kind == ValueKind::Flag {
        return if matches.get_flag(spec.key) {
            vec!["true".to_string()]
        } else {
            Vec::new()
        };
    }
    matches
        .get_many::<String>(spec.key)
        .map(|values| values.cloned().collect())
        .unwrap_or_default()
}
