//! Where the user is in a session (the question on screen), kept outside the repository: in
//! the user's state directory (`$XDG_STATE_HOME/kickoff/`, else the local data directory), one
//! small file per session, named from a hash of the session file's canonical path. The session
//! file holds only the team's plan, so its history shows only changes to the plan.
//!
//! Everything here is best-effort: a state that cannot be read or written costs the user only
//! the place they were on, never an error.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What is remembered of an interview on one session.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UiState {
    /// The session file it is about, for a person reading the directory.
    #[serde(default)]
    pub session: String,
    /// The id of the question the user was on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// The directory of kickoff's state: `kickoff/` in the XDG state directory, else in the local
/// data directory. `None` when neither is known (no home directory).
pub fn dir() -> Option<PathBuf> {
    dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .map(|d| d.join("kickoff"))
}

/// The session file as the state's name is made from: its target if a link, made absolute.
fn canonical(session: &Path) -> PathBuf {
    let real = crate::files::resolve_link(session);
    std::fs::canonicalize(&real)
        .or_else(|_| std::path::absolute(&real))
        .unwrap_or(real)
}

/// The state file of `session` in `dir`.
pub fn path_in(dir: &Path, session: &Path) -> PathBuf {
    let full = canonical(session);
    let digest = Sha256::digest(full.to_string_lossy().as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    dir.join(format!("{hex}.toml"))
}

/// The state of `session` kept in `dir`, if there is one that reads.
pub fn load_in(dir: &Path, session: &Path) -> Option<UiState> {
    let text = std::fs::read_to_string(path_in(dir, session)).ok()?;
    toml::from_str(&text).ok()
}

/// Keeps `state` of `session` in `dir` (created private), atomically. Best-effort: false when
/// it could not be written.
pub fn save_in(dir: &Path, session: &Path, state: &UiState) -> bool {
    let mut state = state.clone();
    state.session = canonical(session).to_string_lossy().into_owned();
    let Ok(text) = toml::to_string(&state) else {
        return false;
    };
    private_dir(dir).is_ok()
        && crate::files::write_atomic(&path_in(dir, session), text.as_bytes()).is_ok()
}

/// `dir` and its parents created, `dir` itself readable only by its owner.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// [`load_in`] the state directory.
pub fn load(session: &Path) -> Option<UiState> {
    load_in(&dir()?, session)
}

/// [`save_in`] the state directory.
pub fn save(session: &Path, state: &UiState) -> bool {
    dir().is_some_and(|d| save_in(&d, session, state))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_is_kept_per_session_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state");
        let a = dir.path().join("a.toml");
        let b = dir.path().join("b.toml");
        std::fs::write(&a, "").unwrap();
        assert_eq!(load_in(&state, &a), None);
        let s = UiState {
            cursor: Some("task".into()),
            ..UiState::default()
        };
        assert!(save_in(&state, &a, &s));
        assert_eq!(load_in(&state, &a).unwrap().cursor.as_deref(), Some("task"));
        assert_eq!(load_in(&state, &b), None);
        assert_ne!(path_in(&state, &a), path_in(&state, &b));
        // The same file by another name is the same state.
        let again = dir.path().join(".").join("a.toml");
        assert_eq!(path_in(&state, &again), path_in(&state, &a));
    }
}
