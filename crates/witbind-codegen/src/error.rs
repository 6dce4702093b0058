//! Diagnostics: every failure of loading, world selection or generation is an
//! [`Error`] carrying the WIT location (as rendered by wit-parser) and a hint
//! telling the user what to do.

use std::fmt;

/// One or more diagnostics. Generation accumulates what it can find in one
/// phase and reports them together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    messages: Vec<String>,
}

impl Error {
    /// A single diagnostic.
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            messages: vec![message.into()],
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

    /// The individual diagnostics, in the order they were found.
    pub fn messages(&self) -> &[String] {
        &self.messages
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, message) in self.messages.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            f.write_str(message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Collects diagnostics during one phase; [`Errors::propagate`] turns them
/// into a `Result` at the phase boundary.
#[derive(Default)]
pub(crate) struct Errors {
    messages: Vec<String>,
}

impl Errors {
    pub(crate) fn push(&mut self, message: impl Into<String>) {
        self.messages.push(message.into());
    }

    pub(crate) fn propagate(&mut self) -> Result<(), Error> {
        if self.messages.is_empty() {
            Ok(())
        } else {
            Err(Error {
                messages: std::mem::take(&mut self.messages),
            })
        }
    }
}
