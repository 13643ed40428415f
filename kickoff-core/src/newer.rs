//! A session saved by a newer questionnaire than the one loaded: its answers may have shapes
//! this version cannot read, and saving it would write it back as the older version, losing
//! them. It is refused, with what to do.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

/// Compares two questionnaire versions: dotted numbers compared part by part (`"10" > "9"`,
/// `"2.1" > "2"`), anything else as text.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let parts =
        |v: &str| -> Option<Vec<u64>> { v.trim().split('.').map(|p| p.parse().ok()).collect() };
    match (parts(a), parts(b)) {
        (Some(x), Some(y)) => {
            let len = x.len().max(y.len());
            let at = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
            (0..len)
                .map(|i| at(&x, i).cmp(&at(&y, i)))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        }
        _ => a.cmp(b),
    }
}

/// A session saved with a newer version of its questionnaire than the one loaded.
#[derive(Debug, thiserror::Error)]
#[error(
    "{}: was saved with version {} of its questionnaire, newer than the version {} loaded; \
     nothing was read or written (update kickoff, or pass the newer questionnaire with -q)",
    crate::text::path(path),
    crate::text::terminal_safe(session_version),
    crate::text::terminal_safe(loaded_version)
)]
pub struct Newer {
    pub path: PathBuf,
    pub session_version: String,
    pub loaded_version: String,
}

/// The session at `path`, of questionnaire version `session_version`, opened with version
/// `loaded_version` of its questionnaire: an error when the session's is newer.
pub fn refuse_newer(path: &Path, session_version: &str, loaded_version: &str) -> Result<(), Newer> {
    if compare_versions(session_version, loaded_version) != Ordering::Greater {
        return Ok(());
    }
    Err(Newer {
        path: path.to_path_buf(),
        session_version: session_version.to_string(),
        loaded_version: loaded_version.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_session_is_refused_and_an_older_or_equal_one_is_not() {
        assert_eq!(compare_versions("10", "9"), Ordering::Greater);
        assert_eq!(compare_versions("2", "2.0"), Ordering::Equal);
        assert_eq!(compare_versions("2.1", "2"), Ordering::Greater);
        let p = Path::new("plan.toml");
        assert!(refuse_newer(p, "2", "2").is_ok());
        assert!(refuse_newer(p, "1", "2").is_ok());
        let err = refuse_newer(p, "3", "2").unwrap_err().to_string();
        assert!(
            err.starts_with("plan.toml: was saved with version 3"),
            "{err}"
        );
    }
}
