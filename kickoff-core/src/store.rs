//! A session file with one writer at a time, that is never overwritten blindly.
//!
//! - [`Lock`]: an advisory lock on a hidden file beside the session (`.NAME.lock`), which also
//!   says who holds it, so a second writer is told which process has the file.
//! - [`Store`]: saves through the lock, and first checks whether the file changed on disk since
//!   it was read or written (an editor, `git checkout`, another tool): if so, the two versions
//!   are merged by question id, and answers both sides changed are handed back as conflicts
//!   instead of being overwritten.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::merge::{Conflict, merge};
use crate::questionnaire::Questionnaire;
use crate::session::{SaveError, Session, now, resolve_link, write_atomic};

/// Holds the session's lock until dropped (then the lock file is removed).
#[derive(Debug)]
pub struct Lock {
    file: File,
    path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "{}: open in another kickoff ({holder}); finish there first, or work on a copy",
        session.display()
    )]
    Held { session: PathBuf, holder: String },
    #[error("{}: cannot lock: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The lock file of a session: beside the file itself (a symlink's target), hidden.
pub fn lock_path(session: &Path) -> PathBuf {
    let real = resolve_link(session);
    let name = real.file_name().unwrap_or_default().to_string_lossy();
    real.with_file_name(format!(".{name}.lock"))
}

impl Lock {
    /// Takes the session's lock for `what` (e.g. "the interview"), or says who has it.
    pub fn acquire(session: &Path, what: &str) -> Result<Lock, LockError> {
        let path = lock_path(session);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        // A holder removes the file as it lets go; if it did so between our open and our lock,
        // the lock is on a file nobody else will see: open the new one and try again.
        for _ in 0..8 {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = holder.trim();
                    return Err(LockError::Held {
                        session: session.to_path_buf(),
                        holder: if holder.is_empty() {
                            "a process that did not say which".into()
                        } else {
                            holder.to_string()
                        },
                    });
                }
                Err(TryLockError::Error(e)) => return Err(io(e)),
            }
            if !same_file(&file, &path) {
                continue;
            }
            file.set_len(0).map_err(io)?;
            write!(file, "pid {}: {what}, since {}", std::process::id(), now()).map_err(io)?;
            remove_stale_temp_files(&resolve_link(session));
            return Ok(Lock { file, path });
        }
        Err(io(std::io::Error::other(
            "the lock file keeps being replaced",
        )))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held, so nobody can take a lock on a file about to vanish
        // without seeing (in `acquire`) that it vanished.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

/// Temporary files an earlier save left when its process was killed mid-write. Called with
/// the lock held, so no other kickoff is writing one right now.
fn remove_stale_temp_files(session: &Path) {
    let Some(name) = session
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
    else {
        return;
    };
    let dir = match session.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let prefix = format!(".{name}.");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let is_ours = file.starts_with(&prefix) && file.ends_with(".tmp");
        if is_ours && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// What a save did.
#[derive(Debug, Clone, PartialEq)]
pub enum Saved {
    /// The session was written as it was.
    Written,
    /// The file had changed on disk; the merge of both was written, and is returned so the
    /// caller can take the other side's changes in.
    Merged(Session),
    /// The file had changed on disk and some answers were changed on both sides: nothing was
    /// written. `merged` holds the clean part of the merge (ours in the conflicts); call
    /// [`Store::resolved`] with `theirs` once the user has decided, then save again.
    Conflicts {
        merged: Session,
        conflicts: Vec<Conflict>,
        theirs: Box<Session>,
        disk: Vec<u8>,
    },
}

/// A session file as this process last saw it.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    /// The session as last read or written: the base of a merge.
    base: Session,
    /// The file's bytes as last read or written (`None`: there was no file).
    disk: Option<Vec<u8>>,
    /// Ids of secret questions, whose answers are never written.
    secrets: Vec<String>,
    /// Where the place the user is on is kept (`None`: nowhere), and that place as last kept.
    state_dir: Option<PathBuf>,
    cursor: Option<String>,
    _lock: Option<Lock>,
}

impl Store {
    /// A store for the session just read from `path` (with the bytes it was read from).
    pub fn new(path: &Path, base: Session, disk: Option<Vec<u8>>, lock: Option<Lock>) -> Store {
        Store {
            path: path.to_path_buf(),
            cursor: base.cursor.clone(),
            base,
            disk,
            secrets: Vec::new(),
            state_dir: crate::session::state::dir(),
            _lock: lock,
        }
    }

    /// Keeps the place the user is on in `dir` (`None`: nowhere) instead of the user's state
    /// directory.
    pub fn keeping_state_in(mut self, dir: Option<PathBuf>) -> Store {
        self.state_dir = dir;
        self
    }

    /// `updated` of the session as last read or written.
    pub fn updated(&self) -> &str {
        &self.base.updated
    }

    /// Leaves the answers of the questionnaire's secret questions out of every write.
    pub fn hiding_secrets_of(mut self, q: &Questionnaire) -> Store {
        self.secrets = q
            .questions()
            .filter(|x| x.secret)
            .map(|x| x.id.clone())
            .collect();
        self
    }

    /// Reads `path` under `lock` and keeps what it read as the base of later saves.
    pub fn open(
        path: &Path,
        lock: Option<Lock>,
    ) -> Result<(Store, Session), crate::source::FileError> {
        let bytes = std::fs::read(path).map_err(|source| crate::source::FileError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let text = String::from_utf8_lossy(&bytes);
        let session = Session::from_str(&text, path)?;
        Ok((
            Store::new(path, session.clone(), Some(bytes), lock),
            session,
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Saves `ours`, merging first if the file changed on disk since this store last saw it.
    /// Nothing is written when the plan is the same as the file's (only `updated` or the place
    /// the user is on differ): that place goes to the state directory instead.
    pub fn save(&mut self, ours: &Session) -> Result<Saved, SaveError> {
        self.keep_cursor(ours);
        let on_disk = match std::fs::read(&self.path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(SaveError {
                    path: self.path.clone(),
                    source,
                });
            }
        };
        if on_disk.is_none() {
            self.write(ours, None)?;
            return Ok(Saved::Written);
        }
        if on_disk == self.disk {
            if !ours.same_content(&self.base) {
                self.write(ours, on_disk.as_deref())?;
            }
            return Ok(Saved::Written);
        }
        let disk = on_disk.unwrap_or_default();
        let Ok(theirs) = Session::from_str(&String::from_utf8_lossy(&disk), &self.path) else {
            // Not a session any more: keep what is there beside it, then write ours.
            self.keep_aside(&disk)?;
            self.write(ours, None)?;
            return Ok(Saved::Written);
        };
        let merged = merge(&self.base, ours, &theirs);
        if merged.conflicts.is_empty() {
            if merged.session.same_content(&theirs) {
                // Nothing of ours to add: the file stays as it is, taken in.
                self.base = merged.session.clone();
                self.base.updated = theirs.updated.clone();
                self.disk = Some(disk);
            } else {
                self.write(&merged.session, Some(&disk))?;
            }
            return Ok(Saved::Merged(merged.session));
        }
        Ok(Saved::Conflicts {
            merged: merged.session,
            conflicts: merged.conflicts,
            theirs: Box::new(theirs),
            disk,
        })
    }

    /// Keeps the place the user is on, if it moved since last kept. Best-effort.
    fn keep_cursor(&mut self, ours: &Session) {
        if ours.cursor.is_none() || ours.cursor == self.cursor {
            return;
        }
        self.cursor = ours.cursor.clone();
        if let Some(dir) = &self.state_dir {
            let state = crate::session::state::UiState {
                cursor: ours.cursor.clone(),
                ..Default::default()
            };
            crate::session::state::save_in(dir, &self.path, &state);
        }
    }

    /// The user decided the conflicts against this version of the file: the next save writes
    /// over it (and still merges if the file changed again since).
    pub fn resolved(&mut self, theirs: Session, disk: Vec<u8>) {
        self.base = theirs;
        self.disk = Some(disk);
    }

    /// Writes `session` into `original` (the file's bytes it replaces), changing only the values
    /// that differ, so the user's comments and layout stay; a new file is written whole.
    fn write(&mut self, session: &Session, original: Option<&[u8]>) -> Result<(), SaveError> {
        let fresh = session.to_toml_hiding(&|id| self.secrets.iter().any(|s| s == id));
        let text = original
            .and_then(|o| std::str::from_utf8(o).ok())
            .and_then(|o| crate::session::patch(o, &fresh))
            .unwrap_or(fresh);
        write_atomic(&self.path, text.as_bytes())?;
        self.base = session.clone();
        self.disk = Some(text.into_bytes());
        Ok(())
    }

    /// A copy of what was on disk, beside the session, so that overwriting loses nothing.
    fn keep_aside(&self, disk: &[u8]) -> Result<(), SaveError> {
        let stamp = now().replace(':', "");
        let name = self.path.file_name().unwrap_or_default().to_string_lossy();
        let aside = self.path.with_file_name(format!("{name}.on-disk-{stamp}"));
        write_atomic(&aside, disk)
    }
}
