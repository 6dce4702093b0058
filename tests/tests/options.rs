//! Every option is declared once, in the generator's table
//! (`witbind_codegen::OPTIONS`). This checks that the documentation built
//! from it is current (the README's options table and the macro's rustdoc,
//! `crates/witbind-macro/OPTIONS.md`; `WITBIND_BLESS=1` rewrites them),
//! and that the CLI's flags and `--help` and the macro's keys are exactly
//! the table's.

use std::fs;

use witbind_codegen::{options_markdown, ValueKind, OPTIONS};
use witbind_tests::repo_root;

const START: &str = "<!-- options:start (generated from the option table; WITBIND_BLESS=1 cargo test --test options) -->\n";
const END: &str = "<!-- options:end -->";

fn bless() -> bool {
    std::env::var_os("WITBIND_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

#[test]
fn readme_and_macro_docs_list_the_table() {
    let table = options_markdown();
    let doc_path = repo_root().join("crates/witbind-macro/OPTIONS.md");
    let readme_path = repo_root().join("README.md");
    let readme = fs::read_to_string(&readme_path).expect("reading README.md");
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        panic!(
            "README.md has no `{}` ... `{END}` section",
            START.trim_end()
        );
    };
    let in_readme = &readme[start + START.len()..end];
    let doc = fs::read_to_string(&doc_path).unwrap_or_default();
    if bless() {
        let readme = format!("{}{START}{table}{}", &readme[..start], &readme[end..]);
        fs::write(&readme_path, readme).expect("writing README.md");
        fs::write(&doc_path, &table).expect("writing OPTIONS.md");
        return;
    }
    assert_eq!(
        in_readme, table,
        "README.md's options table is stale; re-run with WITBIND_BLESS=1"
    );
    assert_eq!(
        doc, table,
        "OPTIONS.md is stale; re-run with WITBIND_BLESS=1"
    );
}

/// Runs `witbind <args>` in-process; (exit code, stdout).
fn witbind(args: &[&str]) -> (u8, String) {
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let argv = std::iter::once("witbind").chain(args.iter().copied());
    let code = witbind_cli::run(argv, &mut stdout, &mut stderr);
    (code, String::from_utf8(stdout).expect("UTF-8"))
}

#[test]
fn cli_flags_and_help_are_the_table() {
    let (code, help) = witbind(&["bindgen", "--help"]);
    assert_eq!(code, 0);
    let mut flags_in_help: Vec<String> = help
        .split_whitespace()
        .filter(|word| word.starts_with("--") && word.len() > 2)
        .map(|word| word.trim_end_matches([',', '.']).to_string())
        .filter(|flag| flag != "--help")
        .collect();
    flags_in_help.sort();
    flags_in_help.dedup();
    let mut table_flags: Vec<String> = OPTIONS
        .iter()
        .filter(|spec| spec.in_cli() && spec.kind != ValueKind::WitPaths)
        .map(|spec| format!("--{}", spec.flag))
        .collect();
    table_flags.sort();
    assert_eq!(
        flags_in_help, table_flags,
        "`witbind bindgen --help` lists:\n{help}"
    );
    for spec in OPTIONS.iter().filter(|spec| spec.in_cli()) {
        let summary = spec.summary().trim_end_matches('.');
        let normalized: String = help.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            normalized.contains(summary),
            "`--help` does not show the table's text for `{}`: {summary}",
            spec.key
        );
    }
}

#[test]
fn every_cli_option_is_read_back() {
    // Each generator option given on the command line reaches the
    // generator: output with it differs from output without it, for the
    // options that change the example world's bindings.
    let wit = repo_root().join("wit/example.wit");
    let wit = wit.to_str().expect("UTF-8 path");
    let (code, plain) = witbind(&["bindgen", wit]);
    assert_eq!(code, 0);
    for args in [
        &["--runtime-path", "::my::rt"][..],
        &["--additional-derive-attribute", "Hash"],
        &["-d", "Hash"],
        &["--additional-derive", "Hash"],
        &["--derive-eq"],
        &["--with-cabi-realloc"],
        &["--export-macro-name", "export_kv"],
        &["--pub-export-macro"],
        &["--default-bindings-module", "crate::bindings"],
        &["--stubs"],
        &["--skip", "[method]bucket.get"],
    ] {
        let mut all = vec!["bindgen", wit];
        all.extend(args);
        let (code, out) = witbind(&all);
        assert_eq!(code, 0, "{args:?}");
        assert!(out != plain, "{args:?} changed nothing");
    }
}

/// The README's async example is the one `tests/ui-pass/readme-async.rs`
/// compiles.
#[test]
fn readme_async_example_compiles() {
    let root = witbind_tests::repo_root();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("reading README.md");
    let start = readme
        .find("### Async, streams and futures")
        .expect("the README has an async section");
    let code = &readme[start..];
    let code = &code[code.find("```rust\n").expect("a Rust example") + "```rust\n".len()..];
    let code = &code[..code.find("```\n").expect("the example ends")];
    let compiled = std::fs::read_to_string(root.join("tests/ui-pass/readme-async.rs"))
        .expect("reading tests/ui-pass/readme-async.rs");
    assert!(
        compiled.contains(code),
        "README.md's async example differs from tests/ui-pass/readme-async.rs"
    );
}

/// The example of every option (in the README's table and `--help`'s
/// source) is valid: its key is the option's, and its value parses as the
/// option's kind; CLI-only options show their flag.
#[test]
fn every_example_is_valid() {
    use witbind_codegen::parse_macro_value;
    for spec in OPTIONS {
        if !spec.in_macro() {
            assert!(
                spec.example.starts_with(&format!("--{}", spec.flag)),
                "{}: {}",
                spec.key,
                spec.example
            );
            continue;
        }
        let (key, value) = spec
            .example
            .split_once(':')
            .map_or((spec.example, ""), |(k, v)| (k.trim(), v.trim()));
        assert_eq!(key, spec.key, "the example of `{}`", spec.key);
        if value.is_empty() {
            assert_eq!(spec.kind, ValueKind::Flag, "`{}` has no value", spec.key);
            continue;
        }
        if spec.kind == ValueKind::WitPaths {
            // Read by the macro itself (it evaluates `concat!` and `env!`).
            continue;
        }
        let tokens: proc_macro2::TokenStream = value
            .parse()
            .unwrap_or_else(|e| panic!("`{}`: {e}", spec.example));
        if let Err(e) = parse_macro_value(spec.kind, tokens) {
            panic!("the example of `{}` does not parse: {e}", spec.key);
        }
    }
}
