//! Output: standard output, or a file replaced atomically.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use anyhow::Context as _;

pub(crate) fn write_stdout(stdout: &mut dyn Write, bytes: &[u8]) -> anyhow::Result<()> {
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .context("cannot write to standard output")
}

/// Replaces `path` with `contents` through a temporary file in the same
/// directory and a rename, so readers (and a failure half-way) never see a
/// partial file. An identical file is not rewritten, so its modification
/// time (and whatever build depends on it) stays as it is.
pub(crate) fn write_file_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
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
