//! Every kind of WIT item named after every Rust keyword of every edition
//! (strict, reserved, weak) and after the identifiers the bindings define
//! themselves (`Guest`, `Vec`, `Result`, `handle`, `ret`, ...): packages,
//! interfaces, worlds, records, variants, enums, flags and resources,
//! their fields, cases and flags, functions (free, methods, constructors,
//! statics, world-level imports and exports) and their parameters, in
//! imports and exports, with types big enough to get out-of-line functions.
//! The bindings of all of them (with `stubs`, so that the export glue is
//! instantiated) must build and be clippy-clean for `wasm32-wasip2` under
//! `#![deny(warnings)]`, in editions 2021 and 2024.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use witbind_tests::{cargo_for_wasm, repo_root};

/// Rust's keywords: strict (2015, 2018), reserved (2015, 2018, 2024) and
/// weak ones usable as names.
const KEYWORDS: &[&str] = &[
    "as",
    "break",
    "const",
    "continue",
    "crate",
    "else",
    "enum",
    "extern",
    "false",
    "fn",
    "for",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "match",
    "mod",
    "move",
    "mut",
    "pub",
    "ref",
    "return",
    "self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "type",
    "unsafe",
    "use",
    "where",
    "while",
    "async",
    "await",
    "dyn",
    "abstract",
    "become",
    "box",
    "do",
    "final",
    "macro",
    "override",
    "priv",
    "typeof",
    "unsized",
    "virtual",
    "yield",
    "try",
    "gen",
    "union",
    "macro-rules",
    "raw",
    "safe",
];

/// Names the bindings (or the preludes they are used with) define: trait,
/// type and macro names, runtime paths, the parameters and locals of
/// generated functions, and the standard types generated code names.
const BINDINGS_NAMES: &[&str] = &[
    "guest",
    "export",
    "stub",
    "wit-stream",
    "wit-future",
    "rt",
    "vec",
    "string",
    "option",
    "result",
    "ok",
    "err",
    "some",
    "none",
    "core",
    "std",
    "alloc",
    "t",
    "handle",
    "rep",
    "new",
    "get",
    "get-mut",
    "lift",
    "take-handle",
    "from-handle",
    "into-inner",
    "drop",
    "dtor",
    "ret",
    "ptr",
    "len",
    "base",
    "value",
    "i",
    "e",
    "arg0",
    "exports",
    "bindings",
    "u8",
    "u32",
    "bool",
    "char",
    "str",
    "borrow",
    "own",
    "clone",
    "default",
    "bitflags",
    "cabi-realloc",
    "with",
    "world",
    "interface",
    "cleanup-list",
    "ret-area",
    "wit-import",
    "task-cancel",
    "this",
    "call",
    "params",
    "results",
];

/// The WIT of one word: a world named after it, in a package of its own,
/// over a package (named after it too) whose every item and member is.
fn wit_for(word: &str) -> String {
    let w = format!("%{word}");
    // A method's receiver is a parameter named `self`.
    let param = if word == "self" {
        "x".to_string()
    } else {
        w.clone()
    };
    format!(
        r#"package worlds:{w};

/// A world named `{word}`.
world {w} {{
    import keywords:{w}/{w};
    import keywords:{w}/functions;
    import keywords:{w}/kinds;
    export keywords:{w}/{w};
    export keywords:{w}/functions;
    export keywords:{w}/kinds;
    /// A world-level import named `{word}`.
    import {w}: func({w}: string, other: list<string>) -> string;
    /// A world-level export named `{word}`.
    export {w}: func({w}: list<string>) -> option<string>;
}}

package keywords:{w} {{
    /// An interface named `{word}`.
    interface {w} {{
        /// A record named `{word}`, big enough for out-of-line functions.
        record {w} {{
            {w}: string,
            a: list<string>,
            b: option<string>,
            c: u64,
            d: list<u8>,
        }}
        variant vr {{
            {w}({w}),
            other(list<string>),
            empty,
        }}
        enum en {{ {w}, other }}
        flags fl {{ {w}, other }}
        resource rs {{
            constructor({w}: {w});
            {w}: func({param}: vr) -> result<{w}, vr>;
            named: static func({w}: en, fl: fl) -> list<{w}>;
        }}
    }}

    interface functions {{
        use {w}.{{{w} as rec, vr, en, fl, rs}};
        /// A function named `{word}`.
        {w}: func({w}: rec, vr: vr, en: en, fl: fl, rs: borrow<rs>) -> result<rec, vr>;
        many: func({w}: list<rec>, values: list<vr>) -> list<vr>;
    }}

    interface kinds {{
        /// A variant named `{word}`.
        variant {w} {{
            a(string),
            b(list<string>),
            c(u64),
            d(option<string>),
            {w}(tuple<string, u32>),
        }}
        /// A resource with a method named `{word}`.
        resource res {{
            constructor();
            {w}: func({param}: {w}) -> {w};
        }}
        /// A static function named `{word}`.
        resource stat {{
            {w}: static func({w}: list<{w}>) -> stat;
        }}
        echo: func({w}: {w}, x: list<{w}>) -> list<{w}>;
    }}
}}
"#
    )
}

/// The module name of `word` in the crate.
fn module_name(word: &str) -> String {
    format!("kw_{}", word.replace('-', "_"))
}

/// Writes the WIT of every word, its bindings (as `src/kw_<word>.rs`) and
/// a `lib.rs` naming them under `dir`.
fn write_sources(dir: &Path) {
    let wit_dir = dir.join("wit");
    let src = dir.join("src");
    std::fs::create_dir_all(&wit_dir).expect("creating the WIT folder");
    std::fs::create_dir_all(&src).expect("creating the source folder");
    let mut lib = String::from(
        "//! Bindings of worlds named after keywords (tests/tests/keywords.rs).\n\
         #![deny(warnings)]\n\n",
    );
    let mut failures = Vec::new();
    for word in KEYWORDS.iter().chain(BINDINGS_NAMES) {
        let wit = wit_dir.join(format!("{word}.wit"));
        std::fs::write(&wit, wit_for(word)).expect("writing the WIT");
        let args = vec![
            "witbind".to_string(),
            "bindgen".to_string(),
            wit.display().to_string(),
            "--stubs".to_string(),
        ];
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        if witbind_cli::run(args, &mut stdout, &mut stderr) != 0 {
            failures.push(format!("{word}: {}", String::from_utf8_lossy(&stderr)));
            continue;
        }
        let module = module_name(word);
        std::fs::write(src.join(format!("{module}.rs")), &stdout).expect("writing the bindings");
        writeln!(lib, "pub mod {module};").expect("writing to a string");
    }
    assert!(
        failures.is_empty(),
        "witbind rejected worlds named after keywords:\n{}",
        failures.join("\n")
    );
    std::fs::write(src.join("lib.rs"), lib).expect("writing lib.rs");
}

/// A crate of the sources under `dir` in `edition`.
fn write_crate(dir: &Path, edition: &str) -> PathBuf {
    let crate_dir = dir.join(format!("edition-{edition}"));
    std::fs::create_dir_all(&crate_dir).expect("creating the crate folder");
    let witbind = repo_root().join("crates/witbind");
    let manifest = format!(
        r#"[package]
name = "keyword-names-{edition}"
version = "0.0.0"
edition = "{edition}"
publish = false

[lib]
path = "../src/lib.rs"

[dependencies]
witbind = {{ path = {witbind:?} }}

[workspace]
"#
    );
    std::fs::write(crate_dir.join("Cargo.toml"), manifest).expect("writing Cargo.toml");
    // The versions the repository tested with.
    std::fs::copy(repo_root().join("Cargo.lock"), crate_dir.join("Cargo.lock"))
        .expect("copying Cargo.lock");
    crate_dir
}

#[test]
fn keywords_and_the_bindings_own_names_name_every_item_kind() {
    let dir = repo_root().join("target/keyword-names");
    write_sources(&dir);
    // Built once (for what only code generation finds), checked with
    // clippy in both editions.
    for (edition, subcommands) in [("2021", &["build", "clippy"][..]), ("2024", &["clippy"])] {
        let crate_dir = write_crate(&dir, edition);
        for subcommand in subcommands {
            let mut command = cargo_for_wasm();
            command
                .current_dir(&crate_dir)
                .arg(subcommand)
                .args(["--target", "wasm32-wasip2"])
                .arg("--target-dir")
                .arg(repo_root().join("target/snapshots-wasm"));
            if *subcommand == "clippy" {
                command.args(["--no-deps", "--", "-D", "warnings"]);
            }
            let output = command
                .output()
                .unwrap_or_else(|e| panic!("running cargo {subcommand}: {e}"));
            assert!(
                output.status.success(),
                "`cargo {subcommand}` of the keyword worlds in edition {edition} failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}
