//! Diagnostics: every failure of loading, world selection, option checking
//! or generation is a [`Diagnostic`] with the WIT location (as rendered by
//! wit-parser) or the option it is about, and a hint telling the user what
//! to do. Each phase accumulates them in [`Errors`] and stops at its end.

use std::fmt;

/// What a diagnostic is about, so that the macro can underline it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blame {
    /// The WIT (its location is in the message).
    Wit,
    /// The world named (or not named) for generation.
    World,
    /// An option: its `generate!` key, and the entry of a list or map
    /// value (`with`, `skip`, ...) when the problem is one entry.
    Option {
        /// The option's `generate!` key.
        key: &'static str,
        /// The index of the offending entry.
        entry: Option<usize>,
    },
}

/// One problem, with what it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The message: what is wrong, where, and a `help:` line.
    pub message: String,
    /// What the message is about.
    pub blame: Blame,
}

/// One or more diagnostics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    diagnostics: Vec<Diagnostic>,
}

impl Error {
    /// A single diagnostic about the WIT.
    pub fn new(message: impl Into<String>) -> Self {
        Error::blamed(message, Blame::Wit)
    }

    /// A single diagnostic about `blame`.
    pub fn blamed(message: impl Into<String>, blame: Blame) -> Self {
        Error {
            diagnostics: vec![Diagnostic {
                message: message.into(),
                blame,
            }],
        }
    }

    /// A diagnostic built from an `anyhow` error chain (as returned by
    /// wit-parser), keeping every cause, with a hint appended.
    pub fn from_chain(err: &anyhow::Error, hint: Option<&str>) -> Self {
        let mut message = String::new();
        for (i, cause) in err.chain().enumerate() {
            if i > 0 {
                message.push_str("\n  caused by: ");
            }
            message.push_str(cause.to_string().trim_end());
        }
        if let Some(hint) = hint {
            message.push_str("\n  help: ");
            message.push_str(hint);
        }
        Error::new(message)
    }

    /// The diagnostics, in the order they were found.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The messages, in the order they were found.
    pub fn messages(&self) -> Vec<&str> {
        self.diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            f.write_str(&diagnostic.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Collects diagnostics during one phase; [`Errors::propagate`] turns them
/// into a `Result` at the phase boundary.
#[derive(Default)]
pub(crate) struct Errors {
    diagnostics: Vec<Diagnostic>,
}

impl Errors {
    /// A problem with the WIT.
    pub(crate) fn push(&mut self, message: impl Into<String>) {
        self.blame(message, Blame::Wit);
    }

    /// A problem with what `blame` says.
    pub(crate) fn blame(&mut self, message: impl Into<String>, blame: Blame) {
        self.diagnostics.push(Diagnostic {
            message: message.into(),
            blame,
        });
    }

    /// Ends a phase: its diagnostics, if any, as an error.
    pub(crate) fn propagate(&mut self) -> Result<(), Error> {
        if self.diagnostics.is_empty() {
            Ok(())
        } else {
            Err(Error {
                diagnostics: std::mem::take(&mut self.diagnostics),
            })
        }
    }
}
