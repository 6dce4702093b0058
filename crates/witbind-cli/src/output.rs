//! Output: standard output, or a file replaced atomically.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;

pub(crate) fn write_stdout(stdout: &mut dyn Write, bytes: &[u8]) -> anyhow::Result<()> {
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .context("cannot write to standard output")
}

/// A file's new contents, written to a temporary file next to it (so
/// readers, and a failure half-way, never see a partial file); dropped
/// without [`Staged::commit`], the temporary file is removed.
pub(crate) struct Staged {
    temp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl Staged {
    /// The destination.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the temporary file over the destination.
    pub(crate) fn commit(self) -> io::Result<()> {
        self.temp.persist(&self.path).map_err(|err| err.error)?;
        Ok(())
    }
}

/// Writes `contents` to a temporary file beside `path` (creating missing
/// directories, recorded in `created`, outermost first), or `None` when
/// `path` already holds exactly `contents` (an identical file is not
/// rewritten, so its modification time, and whatever build depends on it,
/// stays as it is).
pub(crate) fn stage(
    path: &Path,
    contents: &[u8],
    created: &mut Vec<PathBuf>,
) -> io::Result<Option<Staged>> {
    // Write through a symlink rather than replacing the link itself.
    let path = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    if fs::read(&path).is_ok_and(|old| old == contents) {
        return Ok(None);
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    create_dirs(dir, created).map_err(|err| {
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
    Ok(Some(Staged { temp, path }))
}

/// `fs::create_dir_all`, recording each directory it creates.
fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> io::Result<()> {
    let missing: Vec<&Path> = dir
        .ancestors()
        .take_while(|d| !d.as_os_str().is_empty() && fs::symlink_metadata(d).is_err())
        .collect();
    for dir in missing.into_iter().rev() {
        fs::create_dir(dir)?;
        created.push(dir.to_path_buf());
    }
    if !dir.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "a file that is not a directory is in the way",
        ));
    }
    Ok(())
}

/// Removes the directories `created` recorded (innermost first), as far
/// as they are empty: what a failed write leaves is what was there.
pub(crate) fn remove_created_dirs(created: &[PathBuf]) {
    for dir in created.iter().rev() {
        // A directory that is not empty holds something else: keep it.
        let _ = fs::remove_dir(dir);
    }
}
