//! Editing a session in an interview, the same for every front end (the full-screen one and
//! the line-by-line one): opening it (the lock, the questionnaire, where the user was, the
//! depth asked for, the config's rule packs), stamping and saving it through its store (which
//! merges and reports conflicts), and the emergency copy when its file cannot be written.
//!
//! The time is given ([`Clock`](crate::clock::Clock), or a `now` argument), never read here,
//! so that all of it can be tried with a fixed one.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::bundle::Bundle;
use crate::files::SaveError;
use crate::session::{Depth, Session};
use crate::source::Problem;
use crate::store::{Saved, Store};
use crate::workspace::{self, Error, Open};

/// A session opened for an interview.
pub struct Opened {
    pub bundle: Bundle,
    pub session: Session,
    /// Saves through the session's lock.
    pub store: Store,
    /// What the front end shows once: answers converted from an older shape, answers that do
    /// not fit, keys not read.
    pub notes: Vec<Problem>,
    /// There was no file: it was created.
    pub new: bool,
    /// The depth the file had, before `depth` was applied.
    pub depth_before: Depth,
}

/// Opens (or creates, as `mode` says) `file` for an interview (`what`, e.g. "the interview",
/// names the lock's holder): takes the lock, reads the session and its questionnaire, with the
/// question the user was on; applies `depth` (saved at once, stamped `now`); adds the rule
/// packs of `config`.
pub fn open(
    config: &crate::config::Config,
    questionnaire: Option<&str>,
    file: &Path,
    mode: Open,
    what: &str,
    depth: Option<Depth>,
    now: &str,
) -> Result<Opened, Error> {
    let new = !file.exists();
    let (mut bundle, mut session, mut store, notes) =
        workspace::open_for_writing_at(questionnaire, file, mode, what, now)?;
    let depth_before = session.depth;
    set_depth(&bundle, &mut session, &mut store, depth, now)?;
    workspace::add_rule_packs(&mut bundle, config, &[])?;
    Ok(Opened {
        bundle,
        session,
        store,
        notes,
        new,
        depth_before,
    })
}

/// Asks the session at `depth` from now on (`--quick`, `--full`), saved at once through the
/// store: every answer stays. `None` leaves it as the file says.
pub fn set_depth(
    bundle: &Bundle,
    session: &mut Session,
    store: &mut Store,
    depth: Option<Depth>,
    now: &str,
) -> Result<(), Error> {
    let Some(depth) = depth.filter(|d| *d != session.depth) else {
        return Ok(());
    };
    if depth == Depth::Quick && !bundle.questionnaire.has_quick_path() {
        return Err(Error::Other {
            path: store.path().to_path_buf(),
            message: format!(
                "--quick: the questionnaire `{}` marks no question `essential = true`, so it has \
                 no quick path (see questionnaires/README.md, \"Question keys\")",
                bundle.questionnaire.id
            ),
        });
    }
    session.depth = depth;
    save(store, session, now)?;
    Ok(())
}

/// Stamps `session` for a save at `now`: `updated`, and the responses made since the last
/// save (a front end's state has no clock, so they are dated by the save that writes them).
pub fn stamp(session: &mut Session, now: &str) {
    session.updated = now.to_string();
    session.stamp_responses(now);
}

/// Stamps `session` at `now` and saves it through `store`, which merges a change made on disk
/// meanwhile and reports answers changed on both sides. A save with nothing new to write
/// leaves the file, and `updated`, as they were.
pub fn save(store: &mut Store, session: &mut Session, now: &str) -> Result<Saved, SaveError> {
    stamp(session, now);
    let saved = store.save(session)?;
    if saved == Saved::Written {
        session.updated = store.updated().to_string();
    }
    Ok(saved)
}

/// Where emergency copies go: `copies/` in kickoff's state directory.
pub fn copies_dir() -> Option<PathBuf> {
    crate::state::dir().map(|d| d.join("copies"))
}

/// Writes `text`, the session of `session_file` that could not be saved there, as a new file
/// in the private directory of copies ([`copies_dir`], else a new private directory in the
/// temporary one). See [`copy_into`].
pub fn emergency_copy(session_file: &Path, text: &str, now: &str) -> Result<PathBuf, SaveError> {
    if let Some(dir) = copies_dir()
        && let Ok(path) = copy_into(&dir, session_file, text, now)
    {
        return Ok(path);
    }
    let err = |source| SaveError {
        path: std::env::temp_dir(),
        source,
    };
    let dir = tempfile::Builder::new()
        .prefix("kickoff-copies-")
        .tempdir()
        .map_err(err)?
        .keep();
    copy_into(&dir, session_file, text, now)
}

/// Writes `text` as a new file in `dir` (created readable only by the user) named after
/// `session_file`, `now` and a random part, created exclusively (nothing already there, a
/// planted link included, is followed or written over) with the session file's permissions.
pub fn copy_into(
    dir: &Path,
    session_file: &Path,
    text: &str,
    now: &str,
) -> Result<PathBuf, SaveError> {
    let err = |source| SaveError {
        path: dir.to_path_buf(),
        source,
    };
    crate::state::private_dir(dir).map_err(err)?;
    let stem = session_file
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy();
    let prefix = format!("{stem}-{}-", now.replace([':', '-'], ""));
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(&prefix)
        .suffix(".toml")
        .permissions(copy_permissions(session_file));
    let mut file = builder.tempfile_in(dir).map_err(err)?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .map_err(err)?;
    let (_, path) = file.keep().map_err(|e| err(e.error))?;
    Ok(path)
}

/// Where a front end suggests the copy go: in the directory of copies, named after
/// `session_file`, `now` and a random part (see [`write_copy`]).
pub fn copy_suggestion(session_file: &Path, now: &str) -> PathBuf {
    use std::hash::{BuildHasher, Hasher};
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let stem = session_file
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy();
    let name = format!(
        "{stem}-{}-{:06x}.toml",
        now.replace([':', '-'], ""),
        random & 0xff_ffff
    );
    copies_dir().unwrap_or_else(std::env::temp_dir).join(name)
}

/// Writes `text` as a copy at `path` (a [`copy_suggestion`], or a path the user typed): the
/// directory of copies is created private first if that is where it goes. See [`copy_to`].
pub fn write_copy(path: &Path, session_file: &Path, text: &str) -> Result<(), SaveError> {
    if let (Some(dir), Some(copies)) = (path.parent(), copies_dir())
        && dir == copies
    {
        crate::state::private_dir(dir).map_err(|source| SaveError {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    copy_to(path, session_file, text)
}

/// Writes `text` as a new file at `path`, a place the user chose: created exclusively (a file
/// or link already there is refused, not followed) with the permissions of `session_file`.
pub fn copy_to(path: &Path, session_file: &Path, text: &str) -> Result<(), SaveError> {
    let err = |source| SaveError {
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(copy_permissions(session_file).mode());
    }
    let mut file = options.open(path).map_err(err)?;
    // The umask may have taken bits away at creation; the session's own are what it had.
    file.set_permissions(copy_permissions(session_file))
        .and_then(|()| file.write_all(text.as_bytes()))
        .and_then(|()| file.sync_all())
        .map_err(err)
}

/// A copy's permissions: the session file's, or readable and writable by the user alone when
/// they cannot be read.
fn copy_permissions(session_file: &Path) -> std::fs::Permissions {
    let real = crate::files::resolve_link(session_file);
    match std::fs::metadata(real) {
        Ok(m) => m.permissions(),
        Err(_) => private_permissions(),
    }
}

#[cfg(unix)]
fn private_permissions() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::Permissions::from_mode(0o600)
}

#[cfg(not(unix))]
fn private_permissions() -> std::fs::Permissions {
    std::fs::metadata(".")
        .map(|m| m.permissions())
        .expect("the current directory has permissions")
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
    }

    /// The time is the one given: a new session's, the lock's, a save's.
    #[test]
    fn the_clock_is_given() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plan.toml");
        let at = "2030-01-02T03:04:05Z";
        let mut opened = open(
            &Default::default(),
            None,
            &file,
            Open::New,
            "a test",
            None,
            at,
        )
        .unwrap();
        assert_eq!(
            (
                opened.session.created.as_str(),
                opened.session.updated.as_str()
            ),
            (at, at)
        );
        let lock = std::fs::read_to_string(crate::store::lock_path(&file)).unwrap();
        assert!(lock.ends_with(&format!("a test, since {at}")), "{lock}");
        let later = "2030-01-02T04:00:00Z";
        let id = opened.bundle.questionnaire.question(0).id.clone();
        opened
            .session
            .set(&id, Some(crate::answer::Answer::Text("x".into())));
        save(&mut opened.store, &mut opened.session, later).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains(&format!("updated = \"{later}\"")), "{text}");
        // Nothing new: `updated` stays.
        save(
            &mut opened.store,
            &mut opened.session,
            "2031-01-01T00:00:00Z",
        )
        .unwrap();
        assert_eq!(opened.session.updated, later);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    }

    /// A temporary folder holding `plan.toml`, readable by its owner only.
    fn private_session() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let session = dir.path().join("plan.toml");
        std::fs::write(&session, "x").unwrap();
        std::fs::set_permissions(&session, std::fs::Permissions::from_mode(0o600)).unwrap();
        (dir, session)
    }

    #[test]
    fn a_copy_is_new_private_and_has_the_sessions_mode() {
        let (dir, session) = private_session();
        let copies = dir.path().join("state/copies");
        let now = "2026-12-07T10:00:00Z";
        let a = copy_into(&copies, &session, "answers", now).unwrap();
        let b = copy_into(&copies, &session, "answers", now).unwrap();
        assert_ne!(a, b, "a random part: two copies in the same second");
        assert_eq!(mode(&copies), 0o700);
        assert_eq!(mode(&a), 0o600, "the session's mode");
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "answers");
        let name = a.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("plan-20261207T100000Z-") && name.ends_with(".toml"),
            "{name}"
        );
        std::fs::set_permissions(&session, std::fs::Permissions::from_mode(0o640)).unwrap();
        let c = copy_into(&copies, &session, "answers", now).unwrap();
        assert_eq!(mode(&c), 0o640);
    }

    #[test]
    fn a_planted_link_is_not_followed() {
        let (dir, session) = private_session();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "untouched").unwrap();
        // Where the user asked for the copy, a link planted by someone else.
        let planted = dir.path().join("copy.toml");
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        assert!(copy_to(&planted, &session, "answers").is_err());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
        // The name the copy used to get in the shared temporary directory.
        let old = dir.path().join("kickoff-plan-20261207T100000Z.toml");
        std::os::unix::fs::symlink(&victim, &old).unwrap();
        let copy = copy_into(dir.path(), &session, "answers", "2026-12-07T10:00:00Z").unwrap();
        assert_ne!(copy, old);
        assert!(
            !std::fs::symlink_metadata(&copy)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
        // A new file at a path the user chose has the session's mode.
        let chosen = dir.path().join("mine.toml");
        copy_to(&chosen, &session, "answers").unwrap();
        assert_eq!(mode(&chosen), 0o600);
    }
}
