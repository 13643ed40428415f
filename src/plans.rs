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
    #[error(
        "{path}: more than {limit} files and directories under it; the search stopped (name a smaller directory or a pattern)"
    )]
    TooMany { path: String, limit: usize },
    #[error(
        "{path}: directories nested more than {limit} deep; what is below that was not searched"
    )]
    TooDeep { path: String, limit: usize },
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
        let shown = crate::text::path(arg).to_string();
        if arg.is_file() {
            add(vec![arg.clone()], &mut found);
        } else if arg.is_dir() {
            let mut files = Vec::new();
            let errors = walk(arg, &mut files);
            let failed = !errors.is_empty();
            found.errors.extend(errors);
            if files.is_empty() && !failed {
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

/// How deep a search goes below the directory it was given.
pub const MAX_DEPTH: usize = 32;
/// How many entries (files and directories) one search looks at before it stops.
pub const MAX_ENTRIES: usize = 100_000;

/// Splits a pattern into the directory before its first glob character and the rest.
fn split_pattern(pattern: &str) -> (PathBuf, String) {
    let mut base = PathBuf::new();
    let mut rest: Vec<String> = Vec::new();
    for c in Path::new(pattern).components() {
        let text = c.as_os_str().to_string_lossy();
        if rest.is_empty() && !has_glob_chars(&text) {
            base.push(c);
        } else {
            rest.push(text.into_owned());
        }
    }
    if base.as_os_str().is_empty() {
        base.push(".");
    }
    (base, rest.join("/"))
}

fn expand_glob(pattern: &str) -> Result<Vec<PathBuf>, PathError> {
    let (base, rest) = split_pattern(pattern);
    let bad = |e: globset::Error| PathError::BadPattern {
        pattern: crate::text::escape_invisible(pattern).into_owned(),
        message: e.kind().to_string(),
    };
    let matcher = globset::GlobBuilder::new(&rest)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map_err(bad)?
        .compile_matcher();
    if !base.is_dir() {
        return Ok(Vec::new());
    }
    // Without `**` a pattern reaches only as deep as it has parts.
    let depth = if rest.contains("**") {
        MAX_DEPTH
    } else {
        rest.split('/').count()
    };
    // `**` does not go into build output unless the pattern names it.
    let skipped: Vec<&str> = SKIPPED_DIRS
        .iter()
        .copied()
        .filter(|d| !pattern.contains(d))
        .collect();
    let mut files = Vec::new();
    let mut matched_dirs: Vec<PathBuf> = Vec::new();
    let mut errors = Vec::new();
    scan(&base, depth, &skipped, &mut errors, |entry, is_dir| {
        let rel = entry.strip_prefix(&base).unwrap_or(entry);
        let inside_match = matched_dirs.last().is_some_and(|d| entry.starts_with(d));
        if is_dir {
            if !inside_match && matcher.is_match(rel) {
                matched_dirs.push(entry.to_path_buf());
            }
        } else if (inside_match || matcher.is_match(rel)) && is_session_file(entry) {
            files.push(entry.to_path_buf());
        }
    });
    match errors.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(files),
    }
}

/// The session files under `dir`, sorted by path; hidden and build directories are skipped.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Vec<PathError> {
    let mut errors = Vec::new();
    scan(dir, MAX_DEPTH, SKIPPED_DIRS, &mut errors, |path, is_dir| {
        if !is_dir && is_session_file(path) {
            out.push(path.to_path_buf());
        }
    });
    errors
}

/// Visits the entries under `root`, sorted by name, depth first: hidden entries, build
/// directories and what `.gitignore` excludes are skipped. A symbolic link is followed only
/// when it leads somewhere inside `root` (its target's real path), and a link back to a
/// directory being searched is a loop (the same device and inode) and is not entered, so a
/// tree of `ln -s .` links or a link to `/` ends. The search stops, with an error naming
/// `root`, past [`MAX_DEPTH`] levels or [`MAX_ENTRIES`] entries.
fn scan(
    root: &Path,
    max_depth: usize,
    skipped: &[&str],
    errors: &mut Vec<PathError>,
    mut visit: impl FnMut(&Path, bool),
) {
    let shown = crate::text::path(root).to_string();
    let real_root = match std::fs::canonicalize(root) {
        Ok(r) => r,
        Err(e) => {
            errors.push(PathError::Unreadable {
                path: shown,
                message: e.to_string(),
            });
            return;
        }
    };
    let skipped: Vec<String> = skipped.iter().map(|s| s.to_string()).collect();
    let walker = ignore::WalkBuilder::new(root)
        .follow_links(true)
        .max_depth(Some(max_depth))
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if is_dir && skipped.iter().any(|s| entry.file_name() == s.as_str()) {
                return false;
            }
            // A link is followed only to a place inside the root.
            !entry.path_is_symlink()
                || std::fs::canonicalize(entry.path()).is_ok_and(|p| p.starts_with(&real_root))
        })
        .build();
    let mut seen = 0usize;
    let mut too_deep = false;
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            // A loop is a link back to where the search already is: nothing new below it.
            Err(e) if is_loop(&e) => continue,
            Err(e) => {
                if errors.is_empty() {
                    errors.push(PathError::Unreadable {
                        path: shown.clone(),
                        // The walker's error names the path it failed on, as it is.
                        message: crate::text::escape_invisible(&e.to_string()).into_owned(),
                    });
                }
                continue;
            }
        };
        seen += 1;
        if seen > MAX_ENTRIES {
            errors.push(PathError::TooMany {
                path: shown,
                limit: MAX_ENTRIES,
            });
            return;
        }
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if is_dir && entry.depth() == max_depth && max_depth == MAX_DEPTH {
            too_deep = true;
        }
        visit(entry.path(), is_dir);
    }
    if too_deep {
        errors.push(PathError::TooDeep {
            path: shown,
            limit: MAX_DEPTH,
        });
    }
}

/// Whether a walk error is a symbolic link loop (at any depth of the error's wrapping).
fn is_loop(e: &ignore::Error) -> bool {
    match e {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        _ => false,
    }
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
        let pattern = format!("{}/**/*.toml", d.to_string_lossy());
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
            PathBuf::from(format!("{}/*.yaml", d.to_string_lossy())),
        ]);
        assert!(found.files.is_empty());
        assert!(matches!(found.errors[0], PathError::EmptyDir(_)));
        assert!(matches!(found.errors[1], PathError::Missing(_)));
        assert!(matches!(found.errors[2], PathError::NoMatch(_)));
    }
}
