//! Finding the plans (session files) a command is given: files as named, directories searched
//! recursively, and glob patterns expanded here, so that a quoted pattern works the same on
//! every shell (and on Windows, where no shell expands it).
//!
//! A plan found in a directory or by a pattern is a `*.toml` file with a top-level
//! `questionnaire_version` key: every session file has one, while questionnaires, rule packs,
//! scorecards and config files do not. The test reads the text, not the TOML, so a session
//! file that no longer parses is still found, and reported; so is a file named `kickoff.toml`
//! or `*.kickoff.toml` whatever its text.

use std::path::{Path, PathBuf};

/// Directories a search never enters: version control, build output, dependencies.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules"];

/// A path argument that named no plan.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PathError {
    #[error("{0}: cannot read: no such file or directory")]
    Missing(String),
    #[error(
        "{0}: no session files in this directory (a session file is a *.toml with a top-level `questionnaire_version`)"
    )]
    EmptyDir(String),
    #[error("{0}: the pattern matches no session file")]
    NoMatch(String),
    #[error("{pattern}: not a valid pattern: {message}")]
    BadPattern { pattern: String, message: String },
    #[error("{path}: cannot read the directory: {message}")]
    Unreadable { path: String, message: String },
}

/// The plans named by some path arguments, in the order given (each file once), and the
/// arguments that named none.
#[derive(Debug, Default)]
pub struct Found {
    pub files: Vec<PathBuf>,
    pub errors: Vec<PathError>,
}

/// Whether a file's text is a session file's: a `questionnaire_version` key before the first
/// table header.
pub fn is_session_text(text: &str) -> bool {
    for line in text.lines() {
        let line = line.trim_start();
        if line.starts_with('[') {
            return false;
        }
        let key = line
            .strip_prefix("questionnaire_version")
            .or_else(|| line.strip_prefix("\"questionnaire_version\""));
        if key.is_some_and(|rest| rest.trim_start().starts_with('=')) {
            return true;
        }
    }
    false
}

/// A session file by its text, or by its name (`kickoff.toml`, `*.kickoff.toml`, the names
/// `kickoff init` and the pre-commit hook use): one so named that has lost its key or no longer
/// reads is still a plan, to be reported rather than skipped.
fn is_session_file(path: &Path) -> bool {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    // Only regular files: a FIFO or a link to /dev/zero named `x.toml` must not hang a scan.
    path.extension().is_some_and(|e| e == "toml")
        && path.is_file()
        && (name == "kickoff.toml" || name.ends_with(".kickoff.toml") || starts_as_session(path))
}

/// Whether the file's first 64 KiB read as a session's (its keys come first).
fn starts_as_session(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(64 * 1024).read_to_end(&mut head))
        .is_ok_and(|_| is_session_text(&String::from_utf8_lossy(&head)))
}

/// Whether an argument is a glob pattern rather than a path.
pub fn has_glob_chars(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Expands each argument: an existing file is taken as it is, a directory is searched, and
/// anything else with `*`, `?` or `[` in it is a glob pattern (`**` spans directories).
pub fn find(args: &[PathBuf]) -> Found {
    let mut found = Found::default();
    let mut seen = std::collections::HashSet::new();
    let mut add = |files: Vec<PathBuf>, found: &mut Found| {
        for f in files {
            let key = std::fs::canonicalize(&f).unwrap_or_else(|_| f.clone());
            if seen.insert(key) {
                found.files.push(f);
            }
        }
    };
    for arg in args {
        let shown = arg.display().to_string();
        if arg.is_file() {
            add(vec![arg.clone()], &mut found);
        } else if arg.is_dir() {
            let mut files = Vec::new();
            if let Err(e) = walk(arg, &mut files) {
                found.errors.push(e);
            }
            if files.is_empty() {
                found.errors.push(PathError::EmptyDir(shown));
            }
            add(files, &mut found);
        } else if has_glob_chars(&shown) {
            match expand_glob(&shown) {
                Ok(files) if files.is_empty() => found.errors.push(PathError::NoMatch(shown)),
                Ok(files) => add(files, &mut found),
                Err(e) => found.errors.push(e),
            }
        } else {
            found.errors.push(PathError::Missing(shown));
        }
    }
    found
}

fn expand_glob(pattern: &str) -> Result<Vec<PathBuf>, PathError> {
    let options = glob::MatchOptions {
        require_literal_leading_dot: true,
        ..glob::MatchOptions::new()
    };
    let paths = glob::glob_with(pattern, options).map_err(|e| PathError::BadPattern {
        pattern: pattern.to_string(),
        message: e.msg.to_string(),
    })?;
    let mut files = Vec::new();
    // `**` does not go into build output unless the pattern names it.
    let skipped = |p: &Path| {
        p.components().any(|c| {
            let c = c.as_os_str().to_string_lossy();
            SKIPPED_DIRS.contains(&c.as_ref()) && !pattern.contains(c.as_ref())
        })
    };
    for path in paths.flatten().filter(|p| !skipped(p)) {
        if path.is_dir() {
            walk(&path, &mut files)?;
        } else if is_session_file(&path) {
            files.push(path);
        }
    }
    Ok(files)
}

/// The session files under `dir`, sorted by path; hidden and build directories are skipped.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), PathError> {
    let entries = std::fs::read_dir(dir).map_err(|e| PathError::Unreadable {
        path: dir.display().to_string(),
        message: e.to_string(),
    })?;
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() {
            if !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_ref()) {
                walk(&path, out)?;
            }
        } else if is_session_file(&path) {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_told_from_a_rule_pack_and_a_questionnaire() {
        assert!(is_session_text(
            "# c\nquestionnaire = \"x\"\nquestionnaire_version = \"2\"\n[answers]\n"
        ));
        assert!(is_session_text("questionnaire_version=\"1\""));
        // A rule pack names its questionnaire, but has no version key.
        assert!(!is_session_text(
            "questionnaire = \"x\"\n[[rules]]\nid = \"a\"\n"
        ));
        // The key inside a table is not the session's.
        assert!(!is_session_text("[meta]\nquestionnaire_version = \"2\"\n"));
        assert!(!is_session_text("questionnaire_versions = 1\n"));
    }

    #[test]
    fn directories_and_patterns_find_sessions_only() {
        let dir = tempfile::tempdir().unwrap();
        let session = "questionnaire = \"q\"\nquestionnaire_version = \"1\"\n";
        let d = dir.path();
        std::fs::create_dir_all(d.join("a/b")).unwrap();
        std::fs::create_dir_all(d.join(".git")).unwrap();
        std::fs::create_dir_all(d.join("empty")).unwrap();
        std::fs::write(d.join("a/one.toml"), session).unwrap();
        std::fs::write(d.join("a/b/two.toml"), session).unwrap();
        std::fs::write(d.join("a/rules.toml"), "questionnaire = \"q\"\n").unwrap();
        std::fs::write(d.join("a/notes.md"), session).unwrap();
        std::fs::write(d.join(".git/three.toml"), session).unwrap();
        // Named as a plan, it is one even when its text no longer says so.
        std::fs::write(d.join("a/broken.kickoff.toml"), "not toml [").unwrap();
        let found = find(&[d.join("a")]);
        assert_eq!(
            found.files,
            vec![
                d.join("a/b/two.toml"),
                d.join("a/broken.kickoff.toml"),
                d.join("a/one.toml")
            ]
        );
        assert!(found.errors.is_empty());
        // The same file twice is checked once; a pattern is expanded here.
        let pattern = format!("{}/**/*.toml", d.display());
        let found = find(&[d.join("a/one.toml"), PathBuf::from(pattern)]);
        assert_eq!(
            found.files,
            vec![
                d.join("a/one.toml"),
                d.join("a/b/two.toml"),
                d.join("a/broken.kickoff.toml")
            ]
        );
        let found = find(&[
            d.join("empty"),
            d.join("nope.toml"),
            PathBuf::from(format!("{}/*.yaml", d.display())),
        ]);
        assert!(found.files.is_empty());
        assert!(matches!(found.errors[0], PathError::EmptyDir(_)));
        assert!(matches!(found.errors[1], PathError::Missing(_)));
        assert!(matches!(found.errors[2], PathError::NoMatch(_)));
    }
}
