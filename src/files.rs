//! The file system as kickoff reads and writes it: a file read (a regular one, of a size kickoff
//! reads), what the core parses from text loaded by path ([`Load`]), a file replaced
//! atomically (a crash leaves the old file or the new one, never a torn one), as a compare and
//! swap when a save must not write over a change it has not seen, and a session saved with the
//! time of the save.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::bundle::Bundle;
use crate::config::Config;
use crate::questionnaire::Questionnaire;
use crate::session::Session;
use crate::source::FileError;

/// The text of the file at `path`.
pub fn read(path: &Path) -> Result<String, FileError> {
    let err = |source| FileError::Read {
        path: path.to_path_buf(),
        source,
    };
    // A FIFO would block for ever, /dev/zero fill the memory: only regular files, and not
    // ones no plan, questionnaire or template comes near.
    let meta = std::fs::metadata(path).map_err(err)?;
    if !meta.is_file() {
        return Err(err(std::io::Error::other("not a regular file")));
    }
    if meta.len() > MAX_FILE {
        return Err(err(std::io::Error::other(format!(
            "{} MiB, larger than the {} MiB kickoff reads",
            meta.len() / (1024 * 1024),
            MAX_FILE / (1024 * 1024)
        ))));
    }
    std::fs::read_to_string(path).map_err(err)
}

/// The largest file kickoff reads.
const MAX_FILE: u64 = 64 * 1024 * 1024;

/// What the core reads from a file's text, read from a file.
pub trait Load: Sized {
    fn load(path: &Path) -> Result<Self, FileError>;
}

impl Load for Session {
    fn load(path: &Path) -> Result<Session, FileError> {
        Session::from_str(&read(path)?, path)
    }
}

impl Load for Questionnaire {
    fn load(path: &Path) -> Result<Questionnaire, FileError> {
        Questionnaire::from_str(&read(path)?, path)
    }
}

impl Load for Bundle {
    /// Loads `NAME.toml`, and `NAME.rules.toml` and `NAME.score.toml` beside it if they exist.
    fn load(path: &Path) -> Result<Bundle, FileError> {
        let source = read(path)?;
        let [rules, score] = Bundle::companions(path).map(|p| {
            Ok::<_, FileError>(if p.exists() {
                Some((read(&p)?, p))
            } else {
                None
            })
        });
        let (rules, score) = (rules?, score?);
        fn text(f: &Option<(String, PathBuf)>) -> Option<(&str, PathBuf)> {
            f.as_ref().map(|(s, p)| (s.as_str(), p.clone()))
        }
        Bundle::from_files(&source, path, text(&rules), text(&score))
    }
}

impl Load for Config {
    /// The config file at `path`; `~/` in its paths is the user's home directory.
    fn load(path: &Path) -> Result<Config, FileError> {
        Config::from_file(&read(path)?, path, dirs::home_dir().as_deref())
    }
}

/// Adds the rule pack at `path` to `bundle`.
pub fn add_rules(bundle: &mut Bundle, path: &Path) -> Result<(), FileError> {
    bundle.add_rules(&read(path)?, path)
}

/// Saving a session to its file.
pub trait Save {
    /// Writes the session atomically ([`write_atomic`]), stamped `updated` now.
    fn save(&mut self, path: &Path, q: Option<&Questionnaire>) -> Result<(), SaveError>;
}

impl Save for Session {
    fn save(&mut self, path: &Path, q: Option<&Questionnaire>) -> Result<(), SaveError> {
        self.updated = crate::clock::now();
        write_atomic(path, self.to_toml(q).as_bytes())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{}: cannot write: {source}", crate::text::path(path))]
pub struct SaveError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// Atomic replace of `path` with `bytes`: a new temporary file with a random name beside it
/// (created exclusively, with the target's permissions, or the usual ones for a new file),
/// written and flushed to disk, then renamed over the target. A failure removes the temporary
/// file.
/// A symlinked file is updated through the link: its target is replaced, the link stays.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    replace(path, bytes, None).map(drop)
}

/// What [`write_atomic_if`] did.
#[derive(Debug)]
pub enum Swapped {
    /// The new file replaced the one expected (its metadata as written: it describes this
    /// write even if another replaced the file right after).
    Done(std::fs::Metadata),
    /// The file was not as expected: nothing was replaced.
    Moved,
    /// The new file is in place, but what it replaced was written meanwhile, between the last
    /// check and the swap: those bytes, for the caller to merge and write again.
    Raced(std::fs::Metadata, Vec<u8>),
}

/// [`write_atomic`] as a compare and swap: once the new text is on disk, `expected` is asked of
/// the file it would replace (right before the swap, and of what the swap took out, on Linux,
/// where the two are exchanged atomically); a file nobody expected is never lost: it is left
/// in place ([`Swapped::Moved`]) or handed back ([`Swapped::Raced`]). `expected` gets the
/// path of the file to look at (`None`: the file is expected not to exist).
pub fn write_atomic_if(
    path: &Path,
    bytes: &[u8],
    expected: &mut dyn FnMut(&Path) -> bool,
) -> Result<Swapped, SaveError> {
    replace(path, bytes, Some(expected))
}

/// [`write_atomic`], and [`write_atomic_if`] when `expected` is given.
fn replace(
    path: &Path,
    bytes: &[u8],
    mut expected: Option<&mut dyn FnMut(&Path) -> bool>,
) -> Result<Swapped, SaveError> {
    let err = |source| SaveError {
        path: path.to_path_buf(),
        source,
    };
    let path = &resolve_link(path);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().ok_or_else(|| {
        err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a file path",
        ))
    })?;
    let prefix = format!(".{}.", name.to_string_lossy());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    if let Some(permissions) = permissions_for(path) {
        builder.permissions(permissions);
    }
    let mut file = builder.tempfile_in(&dir).map_err(|e| {
        // The temporary file's random name says nothing useful to the user.
        let message = e.to_string();
        let message = message.split(" at path ").next().unwrap_or(&message);
        err(std::io::Error::new(e.kind(), message.to_string()))
    })?;
    file.write_all(bytes)
        .and_then(|()| file.as_file().sync_all())
        .map_err(err)?;
    let written = file.as_file().metadata().map_err(err)?;
    if let Some(expected) = expected.as_mut()
        && !expected(path)
    {
        return Ok(Swapped::Moved);
    }
    let sync_dir = || {
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
    };
    #[cfg(target_os = "linux")]
    if let Some(expected) = expected
        && std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, file.path(), CWD, path, RenameFlags::EXCHANGE) {
            Ok(()) => {
                // The temporary name holds what was replaced; it goes when `file` drops.
                sync_dir();
                if expected(file.path()) {
                    return Ok(Swapped::Done(written));
                }
                let theirs = std::fs::read(file.path()).map_err(err)?;
                return Ok(Swapped::Raced(written, theirs));
            }
            // A file system that cannot exchange: a plain rename below.
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) if e == rustix::io::Errno::OPNOTSUPP => {}
            Err(e) => return Err(err(e.into())),
        }
    }
    file.persist(path).map_err(|e| err(e.error))?;
    sync_dir();
    Ok(Swapped::Done(written))
}

/// Where writes to `path` go: the file a symlink points to (followed to the end), else itself.
pub fn resolve_link(path: &Path) -> PathBuf {
    let mut path = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::read_link(&path) {
            Ok(target) => {
                path = match path.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                }
            }
            Err(_) => break,
        }
    }
    path
}

/// The permissions a replacement of `path` gets: the file's own, or for a new file readable by
/// all and writable by the owner (before the umask), as a plain create would give.
fn permissions_for(path: &Path) -> Option<std::fs::Permissions> {
    if let Ok(m) = std::fs::metadata(path) {
        return Some(m.permissions());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(std::fs::Permissions::from_mode(0o666))
    }
    #[cfg(not(unix))]
    None
}
