//! Every `unsafe` in the generator's templates and in the runtime carries a
//! `// SAFETY:` comment saying why it is sound.
//!
//! The check reads the sources of this crate (`src`, whose `quote!`
//! templates are the generated code) and of the runtime (`../witbind/src`)
//! line by line, with comments, string literals and `#[cfg(test)]` modules
//! left out, and finds:
//!
//! - `unsafe {` blocks (one comment covers every block of a line),
//! - `unsafe impl`,
//! - `#[unsafe(...)]` attributes (`no_mangle`, `export_name`,
//!   `link_section`),
//! - calls of `bind_unsafe(...)`, which wrap their argument in `unsafe`,
//! - named `unsafe fn` / `unsafe extern "C" fn` declarations.
//!
//! Each must have `SAFETY:` on its own line or in the comments directly
//! above it: the run of comment and attribute lines that precedes the line
//! (an `#[unsafe(..)]` attribute and the function it marks can share one
//! such run). An `unsafe fn` may instead have a `# Safety` section in its
//! doc comment (its contract, for callers).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What a flagged line holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Site {
    Block,
    Impl,
    Attribute,
    BindUnsafe,
    Function,
}

impl Site {
    fn describe(self) -> &'static str {
        match self {
            Site::Block => "`unsafe` block",
            Site::Impl => "`unsafe impl`",
            Site::Attribute => "`#[unsafe(..)]` attribute",
            Site::BindUnsafe => "`bind_unsafe` call",
            Site::Function => "`unsafe fn` declaration",
        }
    }
}

/// The code of each line of `source`: comments removed, the contents of
/// string and character literals blanked (their quotes kept).
fn code_lines(source: &str) -> Vec<String> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Code,
        /// Inside `/* */` comments, nested this deep.
        Block(usize),
        Str,
        /// Inside a raw string closed by `"` and this many `#`s.
        Raw(usize),
    }
    let mut lines = Vec::new();
    let mut state = State::Code;
    for raw in source.lines() {
        let chars: Vec<char> = raw.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            match state {
                State::Code => {
                    if c == '/' && next == Some('/') {
                        break;
                    } else if c == '/' && next == Some('*') {
                        state = State::Block(1);
                        i += 2;
                        continue;
                    } else if c == '"' {
                        state = State::Str;
                        out.push('"');
                    } else if c == 'r'
                        && !chars[..i]
                            .last()
                            .is_some_and(|p| p.is_alphanumeric() || *p == '_')
                        && matches!(next, Some('"' | '#'))
                    {
                        let hashes = chars[i + 1..].iter().take_while(|h| **h == '#').count();
                        if chars.get(i + 1 + hashes) == Some(&'"') {
                            state = State::Raw(hashes);
                            out.push('"');
                            i += hashes + 2;
                            continue;
                        }
                        out.push(c);
                    } else if c == '\'' {
                        // A character literal (`'x'`, `'\n'`, `'"'`), not a
                        // lifetime or label.
                        let end = if next == Some('\\') {
                            chars[i + 2..]
                                .iter()
                                .position(|e| *e == '\'')
                                .map(|p| i + 2 + p)
                        } else if chars.get(i + 2) == Some(&'\'') {
                            Some(i + 2)
                        } else {
                            None
                        };
                        match end {
                            Some(end) => {
                                out.push_str("' '");
                                i = end + 1;
                                continue;
                            }
                            None => out.push(c),
                        }
                    } else {
                        out.push(c);
                    }
                }
                State::Block(depth) => {
                    if c == '*' && next == Some('/') {
                        state = if depth == 1 {
                            State::Code
                        } else {
                            State::Block(depth - 1)
                        };
                        i += 2;
                        continue;
                    } else if c == '/' && next == Some('*') {
                        state = State::Block(depth + 1);
                        i += 2;
                        continue;
                    }
                }
                State::Str => {
                    if c == '\\' {
                        i += 2;
                        continue;
                    } else if c == '"' {
                        state = State::Code;
                        out.push('"');
                    }
                }
                State::Raw(hashes) => {
                    if c == '"'
                        && chars[i + 1..].iter().take_while(|h| **h == '#').count() >= hashes
                    {
                        state = State::Code;
                        out.push('"');
                        i += hashes + 1;
                        continue;
                    }
                }
            }
            i += 1;
        }
        lines.push(out);
    }
    lines
}

/// Whether `word` occurs in `code` at `at` as a whole word.
fn word_at(code: &str, at: usize, word: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    code[at..].starts_with(word)
        && !code[..at].chars().next_back().is_some_and(is_ident)
        && !code[at + word.len()..].chars().next().is_some_and(is_ident)
}

/// The sites on one line of code.
fn sites(code: &str) -> Vec<Site> {
    let mut found = Vec::new();
    if code.contains("#[unsafe(") {
        found.push(Site::Attribute);
    }
    for (at, _) in code.match_indices("bind_unsafe") {
        let rest = code[at + "bind_unsafe".len()..].trim_start();
        if word_at(code, at, "bind_unsafe")
            && rest.starts_with('(')
            && !code[..at].trim_end().ends_with("fn")
        {
            found.push(Site::BindUnsafe);
        }
    }
    for (at, _) in code.match_indices("unsafe") {
        if !word_at(code, at, "unsafe") {
            continue;
        }
        let mut rest = code[at + "unsafe".len()..].trim_start();
        if rest.starts_with('{') {
            found.push(Site::Block);
        } else if rest.starts_with("impl") && word_at(rest, 0, "impl") {
            found.push(Site::Impl);
        } else {
            if let Some(abi) = rest.strip_prefix("extern") {
                // `extern "C"` (its string blanked: `extern ""`).
                let abi = abi.trim_start();
                rest = match abi.strip_prefix('"') {
                    Some(quoted) => quoted
                        .split_once('"')
                        .map_or("", |(_, after)| after)
                        .trim_start(),
                    None => abi,
                };
            }
            if let Some(name) = rest.strip_prefix("fn") {
                // A declaration names its function (`fn f`, `fn #name`,
                // `fn $rust`); `unsafe fn(u32)` is a pointer type.
                if name
                    .trim_start()
                    .starts_with(|c: char| c.is_alphabetic() || matches!(c, '_' | '#' | '$'))
                    && name.starts_with(char::is_whitespace)
                {
                    found.push(Site::Function);
                }
            }
        }
    }
    found.dedup();
    found
}

/// Whether line `index` is justified: `SAFETY:` on it or in the run of
/// comment and attribute lines directly above it (for `unsafe fn`, also a
/// `# Safety` doc section there).
fn justified(raw: &[&str], code: &[String], index: usize, site: Site) -> bool {
    if raw[index].contains("SAFETY:") {
        return true;
    }
    for above in (0..index).rev() {
        let text = raw[above].trim();
        let code = code[above].trim();
        let comment = code.is_empty() && text.starts_with("//");
        if comment
            && (text.contains("SAFETY:") || (site == Site::Function && text.contains("# Safety")))
        {
            return true;
        }
        // `#[attr]`, or a template's interpolated attributes (`#allow`).
        let attribute = code.starts_with("#[")
            || code.starts_with("#![")
            || (code.starts_with('#')
                && code[1..].chars().all(|c| c.is_alphanumeric() || c == '_')
                && code.len() > 1);
        if !(comment || attribute) {
            return false;
        }
    }
    false
}

/// The offending `path:line: what` of one source file.
fn check_source(path: &str, source: &str) -> Vec<String> {
    let raw: Vec<&str> = source.lines().collect();
    let code = code_lines(source);
    let mut offences = Vec::new();
    let mut index = 0;
    while index < code.len() {
        // Tests are not templates or runtime code: skip `#[cfg(test)]`
        // modules (top level, closed by an unindented `}`).
        if code[index].trim_end() == "#[cfg(test)]"
            && code
                .get(index + 1)
                .is_some_and(|next| next.starts_with("mod ") && next.trim_end().ends_with('{'))
        {
            index += 2;
            while index < code.len() && code[index].trim_end() != "}" {
                index += 1;
            }
            index += 1;
            continue;
        }
        for site in sites(&code[index]) {
            if !justified(&raw, &code, index, site) {
                offences.push(format!(
                    "{path}:{}: {} without a `// SAFETY:` comment: {}",
                    index + 1,
                    site.describe(),
                    raw[index].trim()
                ));
            }
        }
        index += 1;
    }
    offences
}

/// The `.rs` files under `dir`, recursively, sorted.
fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
}

#[test]
fn every_unsafe_has_a_safety_comment() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let roots = [manifest.join("src"), manifest.join("../witbind/src")];
    let mut files = Vec::new();
    for root in &roots {
        rust_files(root, &mut files);
    }
    let this = manifest.join("src").join("safety_comments.rs");
    let mut offences = Vec::new();
    let mut checked = 0;
    for file in files.iter().filter(|file| **file != this) {
        let source = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
        let shown = file.strip_prefix(manifest).unwrap_or(file).display();
        offences.extend(check_source(&shown.to_string(), &source));
        checked += 1;
    }
    // The runtime's sources, not an empty directory, were read.
    assert!(checked > 20, "only {checked} source files found");
    let mut report = String::new();
    for offence in &offences {
        let _ = writeln!(report, "  {offence}");
    }
    assert!(
        offences.is_empty(),
        "{} `unsafe` site(s) without a `// SAFETY:` comment saying why they are sound \
         (directly above the line, or on it):\n{report}",
        offences.len()
    );
}

#[test]
fn the_check_finds_what_it_should() {
    let source = r#"
fn f() {
    let a = unsafe { g() };
    // SAFETY: justified.
    let b = unsafe { g() };
    // SAFETY: the name is ours.
    #[unsafe(no_mangle)]
    // SAFETY: comments may follow attributes.
    #[inline]
    unsafe extern "C" fn h() {}
    #[unsafe(export_name = "x")]
    if is_unsafe { "unsafe { in a string }" }
    // unsafe { in a comment }
    let c = bindgen.bind_unsafe("p", quote!(x));
    unsafe impl Send for X {}
    let p: unsafe fn(u32) = f;
    /// Does things.
    ///
    /// # Safety
    /// Contract.
    #[doc(hidden)]
    pub unsafe fn documented() {}
    pub unsafe fn undocumented() {}
    let d = unsafe {
        e()
    }; // SAFETY: too late, on another line.
    let ch = '"'; let e = unsafe { g() };
}

#[cfg(test)]
mod tests {
    fn t() { unsafe { g() } }
}
"#;
    let offences = check_source("f.rs", source);
    let lines: Vec<&str> = offences
        .iter()
        .map(|o| o.split(':').nth(1).unwrap_or_default())
        .collect();
    assert_eq!(
        lines,
        ["3", "11", "14", "15", "23", "24", "27"],
        "{offences:#?}"
    );
}

#[test]
fn strings_and_comments_are_blanked() {
    let lines =
        code_lines("let s = \"unsafe {\"; // unsafe {\nlet r = r#\"a\"b\"#; /* x\nunsafe { */ y");
    assert_eq!(lines, ["let s = \"\"; ", "let r = \"\"; ", " y"]);
}
