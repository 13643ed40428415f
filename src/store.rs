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
use toml_edit::DocumentMut;

use crate::clock::now;
use crate::files::{SaveError, Swapped, resolve_link, write_atomic, write_atomic_if};
use crate::session::Session;

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
        crate::text::path(session)
    )]
    Held { session: PathBuf, holder: String },
    #[error("{}: cannot lock: {source}", crate::text::path(path))]
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
        Lock::acquire_at(session, what, &now())
    }

    /// [`Lock::acquire`], saying it was taken at `now`.
    pub fn acquire_at(session: &Path, what: &str, now: &str) -> Result<Lock, LockError> {
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
                            crate::text::escape_invisible(holder).into_owned()
                        },
                    });
                }
                Err(TryLockError::Error(e)) => return Err(io(e)),
            }
            if !same_file(&file, &path) {
                continue;
            }
            let pid = std::process::id();
            let said = file
                .set_len(0)
                .and_then(|()| write!(file, "pid {pid}: {what}, since {now}"));
            if let Err(e) = said {
                // A full disk: the lock file goes with the lock, not left behind empty.
                let _ = std::fs::remove_file(&path);
                let _ = file.unlock();
                return Err(io(e));
            }
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
        // `.NAME.RANDOM.tmp` (`session::write_atomic`; `.NAME.PID.tmp` before it).
        let is_ours = file
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .is_some_and(|middle| {
                !middle.is_empty() && middle.chars().all(|c| c.is_ascii_alphanumeric())
            });
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
    /// `disk` as a document, patched in place by each save (`None`: not parsed yet).
    doc: Option<DocumentMut>,
    /// The file's identity, size and times when it held `disk` (`None`: not known; the next
    /// save reads the file to compare).
    stamp: Option<Stamp>,
    /// Ids of secret questions, whose answers are never written.
    secrets: Vec<String>,
    /// Where the place the user is on is kept (`None`: nowhere), and that place as last kept.
    state_dir: Option<PathBuf>,
    cursor: Option<String>,
    /// Answers cleared by a save, kept as the file had them, for when they are set again.
    cleared: crate::session::Cleared,
    /// The time a copy of a file that is not a session any more is named with.
    clock: Box<dyn crate::clock::Clock + Send>,
    before_rename: Hook,
    _lock: Option<Lock>,
}

/// What a file looked like: a file replaced, written or touched looks different.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    modified: Option<std::time::SystemTime>,
    read_only: bool,
}

/// Why a read-only session file is not written: its permissions say so, and a rename would
/// replace it all the same.
pub fn read_only() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::PermissionDenied,
        "the file is read-only; kickoff does not write over it (make it writable, e.g. \
         `chmod u+w`, or work on a copy)",
    )
}

/// The stamp of the file at `path` (through a symlink); `None` if there is none.
fn stamp_of(path: &Path) -> std::io::Result<Option<Stamp>> {
    match std::fs::metadata(path) {
        Ok(m) => Ok(Some(stamp_from(&m))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(unix)]
fn stamp_from(m: &std::fs::Metadata) -> Stamp {
    use std::os::unix::fs::MetadataExt;
    Stamp {
        dev: m.dev(),
        ino: m.ino(),
        len: m.len(),
        modified: m.modified().ok(),
        read_only: m.permissions().readonly(),
    }
}

#[cfg(not(unix))]
fn stamp_from(m: &std::fs::Metadata) -> Stamp {
    Stamp {
        dev: 0,
        ino: 0,
        len: m.len(),
        modified: m.modified().ok(),
        read_only: m.permissions().readonly(),
    }
}

/// Run right before a save's rename (tests plant a writer there).
#[derive(Default)]
struct Hook(Option<Box<dyn FnMut() + Send>>);

impl std::fmt::Debug for Hook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Hook(set)"
        } else {
            "Hook"
        })
    }
}

impl Store {
    /// A store for the session just read from `path` (with the bytes it was read from).
    pub fn new(path: &Path, base: Session, disk: Option<Vec<u8>>, lock: Option<Lock>) -> Store {
        Store {
            path: path.to_path_buf(),
            cursor: base.cursor.clone(),
            base,
            disk,
            doc: None,
            stamp: None,
            secrets: Vec::new(),
            state_dir: crate::state::dir(),
            cleared: Default::default(),
            clock: Box::new(crate::clock::SystemClock),
            before_rename: Hook::default(),
            _lock: lock,
        }
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

    /// Reads the time from `clock` (the name of a copy kept aside) instead of the system's.
    pub fn timed_by(mut self, clock: impl crate::clock::Clock + Send + 'static) -> Store {
        self.clock = Box::new(clock);
        self
    }

    /// Keeps the place the user is on in `dir` (`None`: nowhere) instead of the user's state
    /// directory.
    pub fn keeping_state_in(mut self, dir: Option<PathBuf>) -> Store {
        self.state_dir = dir;
        self
    }

    /// Runs `f` in every save right before the new file replaces the old one, after the new
    /// text is on disk: for tests, which change the file there as an editor racing the save.
    #[doc(hidden)]
    pub fn before_rename(&mut self, f: impl FnMut() + Send + 'static) {
        self.before_rename = Hook(Some(Box::new(f)));
    }

    /// `updated` of the session as last read or written.
    pub fn updated(&self) -> &str {
        &self.base.updated
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

    fn error(&self, source: std::io::Error) -> SaveError {
        SaveError {
            path: self.path.clone(),
            source,
        }
    }

    /// Saves `ours`, merging first if the file changed on disk since this store last saw it.
    /// Nothing is written when the plan is the same as the file's (only `updated` or the place
    /// the user is on differ): that place goes to the state directory instead.
    ///
    /// The file is read only when its identity, size or times moved since this store last
    /// read or wrote it; the new text is the document kept from then, with only the changed
    /// values replaced. The write is a compare and swap ([`write_atomic_if`]): a file changed
    /// meanwhile (an editor saved it) is merged, never replaced unseen.
    pub fn save(&mut self, ours: &Session) -> Result<Saved, SaveError> {
        self.keep_cursor(ours);
        self.save_as(ours, 0)
    }

    fn save_as(&mut self, ours: &Session, depth: usize) -> Result<Saved, SaveError> {
        if depth < 8 {
            for _ in 0..32 {
                if let Some(saved) = self.try_save(ours, depth)? {
                    return Ok(saved);
                }
            }
        }
        Err(self.error(std::io::Error::other(
            "the file keeps changing on disk while it is saved",
        )))
    }

    /// One attempt of [`Store::save`]; `None` when the file changed under it.
    fn try_save(&mut self, ours: &Session, depth: usize) -> Result<Option<Saved>, SaveError> {
        let now = stamp_of(&self.path).map_err(|e| self.error(e))?;
        if now.is_some_and(|s| s.read_only) {
            return Err(self.error(read_only()));
        }
        let known = now.is_some() && now == self.stamp && self.disk.is_some();
        if !known {
            let on_disk = match std::fs::read(&self.path) {
                Ok(bytes) => Some(bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(self.error(e)),
            };
            match on_disk {
                None => {
                    let text = ours.to_toml_hiding(&|id| self.is_secret(id));
                    return self.write(ours, text, None, (None, None), depth);
                }
                Some(bytes) if Some(&bytes) == self.disk.as_ref() => self.stamp = now,
                Some(bytes) => return self.merge_with(ours, bytes, now, depth),
            }
        }
        if ours.same_content(&self.base) {
            return Ok(Some(Saved::Written));
        }
        let disk = self.disk.clone();
        let doc = self.doc.take();
        let (text, doc) = Self::render(
            doc,
            &self.base,
            ours,
            disk.as_deref(),
            &self.secrets,
            &mut self.cleared,
        );
        self.write(ours, text, doc, (self.stamp, disk), depth)
    }

    fn is_secret(&self, id: &str) -> bool {
        self.secrets.iter().any(|s| s == id)
    }

    /// The text of `session` written into the file `disk` holds: the kept document patched with
    /// only the values that changed, or the whole session synced into it for changes of other
    /// kinds; a new file (or one that is not TOML) gets the session written whole.
    fn render(
        doc: Option<DocumentMut>,
        base: &Session,
        session: &Session,
        disk: Option<&[u8]>,
        secrets: &[String],
        cleared: &mut crate::session::Cleared,
    ) -> (String, Option<DocumentMut>) {
        let original = disk.and_then(|d| std::str::from_utf8(d).ok());
        let doc = doc.or_else(|| original.and_then(|o| o.parse::<DocumentMut>().ok()));
        let secret = |id: &str| secrets.iter().any(|s| s == id);
        let Some(mut doc) = doc else {
            return (session.to_toml_hiding(&secret), None);
        };
        if crate::session::patch_doc(&mut doc, base, session, &secret, cleared) {
            return (doc.to_string(), Some(doc));
        }
        // Left as it was: the whole session synced into it.
        let fresh = session.to_toml_hiding(&secret);
        match crate::session::patch_into(&mut doc, &fresh, cleared) {
            Some(text) => (text, Some(doc)),
            None => (fresh, None),
        }
    }

    /// The file changed on disk: merges it with ours and writes the result, unless the same
    /// answers were changed on both sides.
    fn merge_with(
        &mut self,
        ours: &Session,
        disk: Vec<u8>,
        now: Option<Stamp>,
        depth: usize,
    ) -> Result<Option<Saved>, SaveError> {
        let Ok(theirs) = Session::from_str(&String::from_utf8_lossy(&disk), &self.path) else {
            // Not a session any more: keep what is there beside it, then write ours.
            self.keep_aside(&disk)?;
            let text = ours.to_toml_hiding(&|id| self.is_secret(id));
            return self.write(ours, text, None, (now, Some(disk)), depth);
        };
        let merged = merge(&self.base, ours, &theirs);
        if !merged.conflicts.is_empty() {
            return Ok(Some(Saved::Conflicts {
                merged: merged.session,
                conflicts: merged.conflicts,
                theirs: Box::new(theirs),
                disk,
            }));
        }
        if merged.session.same_content(&theirs) {
            // Nothing of ours to add: the file stays as it is, taken in.
            self.base = merged.session.clone();
            self.base.updated = theirs.updated.clone();
            self.disk = Some(disk);
            self.doc = None;
            self.stamp = now;
            return Ok(Some(Saved::Merged(merged.session)));
        }
        // Patched from the file as it is now (theirs). Should the file move again before the
        // swap, the next attempt merges from the same base as this one.
        let (text, doc) = Self::render(
            None,
            &theirs,
            &merged.session,
            Some(&disk),
            &self.secrets,
            &mut self.cleared,
        );
        Ok(
            match self.write(&merged.session, text, doc, (now, Some(disk)), depth)? {
                Some(Saved::Written) => Some(Saved::Merged(merged.session)),
                other => other,
            },
        )
    }

    /// Writes `text` (holding `session`; `doc` is it parsed, if known) over the file, if the
    /// file is still as `expect` says (its stamp and bytes; `None`: no file). `None` when it
    /// was not (nothing was replaced; the next attempt reads the file); a file written in the
    /// last moment, that the swap took out, is merged and written again.
    fn write(
        &mut self,
        session: &Session,
        text: String,
        doc: Option<DocumentMut>,
        expect: (Option<Stamp>, Option<Vec<u8>>),
        depth: usize,
    ) -> Result<Option<Saved>, SaveError> {
        let path = self.path.clone();
        let hook = &mut self.before_rename.0;
        let mut checks = 0;
        let mut expected = |at: &Path| {
            // The first check, before the swap, is where a test races it.
            checks += 1;
            if checks == 1
                && let Some(f) = hook.as_mut()
            {
                f();
            }
            still_as(at, &expect)
        };
        let swapped = write_atomic_if(&path, text.as_bytes(), &mut expected)?;
        let (written, raced) = match swapped {
            Swapped::Moved => {
                // `disk` still holds the file of `base`: the next attempt merges from there.
                self.stamp = None;
                self.doc = None;
                return Ok(None);
            }
            Swapped::Done(written) => (written, None),
            Swapped::Raced(written, theirs) => (written, Some(theirs)),
        };
        // The file as written, not as it is now: another writer may have replaced it already.
        self.stamp = Some(stamp_from(&written));
        self.disk = Some(text.into_bytes());
        self.doc = doc;
        match raced {
            None => {
                self.base = session.clone();
                Ok(Some(Saved::Written))
            }
            Some(theirs) => self.after_race(session, theirs, depth).map(Some),
        }
    }

    /// `session` is in the file, but the swap took out `theirs`, written meanwhile over the
    /// file this store had (whose session is still `self.base`): merged and written again, or
    /// put back when the same answers changed on both sides.
    fn after_race(
        &mut self,
        session: &Session,
        disk: Vec<u8>,
        depth: usize,
    ) -> Result<Saved, SaveError> {
        let Ok(theirs) = Session::from_str(&String::from_utf8_lossy(&disk), &self.path) else {
            self.keep_aside(&disk)?;
            self.base = session.clone();
            return Ok(Saved::Written);
        };
        let merged = merge(&self.base, session, &theirs);
        if !merged.conflicts.is_empty() {
            // Nothing is to be written over their answers before the user decides: their
            // file goes back, and this store still holds the base it had.
            let expect = (self.stamp, self.disk.take());
            let _ = write_atomic_if(&self.path, &disk, &mut |at| still_as(at, &expect));
            self.stamp = None;
            self.doc = None;
            return Ok(Saved::Conflicts {
                merged: merged.session,
                conflicts: merged.conflicts,
                theirs: Box::new(theirs),
                disk,
            });
        }
        self.base = session.clone();
        Ok(match self.save_as(&merged.session, depth + 1)? {
            Saved::Written => Saved::Merged(merged.session),
            other => other,
        })
    }

    /// Keeps the place the user is on, if it moved since last kept. Best-effort.
    fn keep_cursor(&mut self, ours: &Session) {
        if ours.cursor.is_none() || ours.cursor == self.cursor {
            return;
        }
        self.cursor = ours.cursor.clone();
        if let Some(dir) = &self.state_dir {
            let state = crate::state::UiState {
                cursor: ours.cursor.clone(),
                ..Default::default()
            };
            crate::state::save_in(dir, &self.path, &state);
        }
    }

    /// The user decided the conflicts against this version of the file: the next save writes
    /// over it (and still merges if the file changed again since).
    pub fn resolved(&mut self, theirs: Session, disk: Vec<u8>) {
        self.base = theirs;
        self.disk = Some(disk);
        self.doc = None;
        self.stamp = None;
    }

    /// A copy of what was on disk, beside the session, so that overwriting loses nothing.
    fn keep_aside(&self, disk: &[u8]) -> Result<(), SaveError> {
        let stamp = self.clock.now().replace(':', "");
        let name = self.path.file_name().unwrap_or_default().to_string_lossy();
        let aside = self.path.with_file_name(format!("{name}.on-disk-{stamp}"));
        write_atomic(&aside, disk)
    }
}

/// Whether the file at `path` is still as `expect` says: the same stamp (when known) and the
/// same bytes, or still absent.
fn still_as(path: &Path, expect: &(Option<Stamp>, Option<Vec<u8>>)) -> bool {
    let (stamp, bytes) = expect;
    match bytes {
        None => matches!(stamp_of(path), Ok(None)),
        Some(bytes) => {
            let now = stamp_of(path).ok().flatten();
            (stamp.is_none() || now == *stamp) && std::fs::read(path).is_ok_and(|b| b == *bytes)
        }
    }
}
