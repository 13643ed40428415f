//! `kickoff init`: the files that set a repository up for a team. A starting session, the
//! team's config with an empty rule pack and a copy of the doc template to customise, the
//! `.gitattributes` lines for the diff and merge drivers, and a CI workflow. The texts are
//! files under `templates/init/`; nothing existing is ever overwritten.

use std::path::{Path, PathBuf};

use crate::bundle::{Bundle, DEFAULT_QUESTIONNAIRE};
use crate::session::Session;

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("{}: not a directory", crate::text::path(.0))]
    NotADirectory(PathBuf),
    #[error(
        "nothing was written: {} already {}",
        .0.iter().map(|p| crate::text::path(p).to_string()).collect::<Vec<_>>().join(", "),
        if .0.len() == 1 { "exists" } else { "exist" }
    )]
    Exists(Vec<PathBuf>),
    #[error("{}: cannot write: {source}", crate::text::path(path))]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The files `init` writes, relative to the repository, with their text.
pub fn files() -> Vec<(&'static str, String)> {
    let bundle = Bundle::builtin(DEFAULT_QUESTIONNAIRE)
        .expect("the default questionnaire is built in")
        .expect("the built-in questionnaire loads");
    let session = Session::new_at(&bundle.questionnaire, &crate::clock::now());
    let session = toml::to_string(&session).expect("a session serialises");
    vec![
        ("kickoff.toml", session),
        (
            "kickoff/config.toml",
            include_str!("../templates/init/config.toml").into(),
        ),
        (
            "kickoff/team.rules.toml",
            include_str!("../templates/init/team.rules.toml").into(),
        ),
        (
            "kickoff/design-doc.md.j2",
            crate::render::DESIGN_DOC_TEMPLATE.into(),
        ),
        (
            ".gitattributes",
            include_str!("../templates/init/gitattributes").into(),
        ),
        (
            ".github/workflows/kickoff.yml",
            include_str!("../templates/init/kickoff.yml").into(),
        ),
    ]
}

/// Writes [`files`] under `dir` (created if missing); if any of them exists, writes nothing and
/// names them all.
///
/// All or nothing: each file is first written in full and flushed under a temporary name
/// beside its place; only when every one is on disk does each take its name (never over a file
/// that appeared meanwhile). A failure at any step (a full disk, a directory that cannot be
/// written) removes what this run made, the temporary files, the files already named and the
/// directories it created, so a run after the cause is fixed starts afresh.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, InitError> {
    if dir.exists() && !dir.is_dir() {
        return Err(InitError::NotADirectory(dir.to_path_buf()));
    }
    let files = files();
    let existing: Vec<PathBuf> = files
        .iter()
        .map(|(rel, _)| dir.join(rel))
        .filter(|p| p.exists() || p.is_symlink())
        .collect();
    if !existing.is_empty() {
        return Err(InitError::Exists(existing));
    }
    let mut made = Made::default();
    let result = write_all(dir, &files, &mut made);
    if result.is_err() {
        made.undo();
    }
    result
}

/// What a run of [`init`] created, to be taken back if it fails.
#[derive(Default)]
struct Made {
    /// Directories, outermost first.
    dirs: Vec<PathBuf>,
    /// Files in their place.
    files: Vec<PathBuf>,
}

impl Made {
    fn undo(&mut self) {
        for f in self.files.drain(..).rev() {
            let _ = std::fs::remove_file(f);
        }
        // Only if empty: a directory something else wrote into meanwhile stays.
        for d in self.dirs.drain(..).rev() {
            let _ = std::fs::remove_dir(d);
        }
    }

    /// Creates `dir` and its missing parents, noting each.
    fn create_dirs(&mut self, dir: &Path) -> std::io::Result<()> {
        let missing: Vec<&Path> = dir
            .ancestors()
            .filter(|d| !d.as_os_str().is_empty())
            .take_while(|d| std::fs::symlink_metadata(d).is_err())
            .collect();
        for d in missing.into_iter().rev() {
            match std::fs::create_dir(d) {
                Ok(()) => self.dirs.push(d.to_path_buf()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && d.is_dir() => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

fn write_all(
    dir: &Path,
    files: &[(&'static str, String)],
    made: &mut Made,
) -> Result<Vec<PathBuf>, InitError> {
    let mut staged = Vec::with_capacity(files.len());
    for (rel, text) in files {
        let path = dir.join(rel);
        let failed = |source| InitError::Write {
            path: path.clone(),
            source,
        };
        let parent = path.parent().unwrap_or(dir);
        made.create_dirs(parent).map_err(failed)?;
        // Dropped (so removed) on any failure below.
        let temp = temporary_beside(parent, text.as_bytes()).map_err(failed)?;
        staged.push((temp, path));
    }
    let mut written = Vec::with_capacity(staged.len());
    for (temp, path) in staged {
        // A file that appeared since the check above is not overwritten.
        temp.persist_noclobber(&path)
            .map_err(|e| InitError::Write {
                path: path.clone(),
                source: e.error,
            })?;
        made.files.push(path.clone());
        written.push(path);
    }
    for d in written.iter().filter_map(|p| p.parent()) {
        if let Ok(d) = std::fs::File::open(d) {
            let _ = d.sync_all();
        }
    }
    Ok(written)
}

/// `bytes` in a new hidden temporary file in `dir`, flushed to disk, with the permissions a
/// plain create would give.
fn temporary_beside(dir: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    use std::io::Write;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".kickoff-init.").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut file = builder.tempfile_in(dir).map_err(|e| {
        // The temporary file's random name says nothing useful to the user.
        let message = e.to_string();
        let message = message.split(" at path ").next().unwrap_or(&message);
        std::io::Error::new(e.kind(), message.to_string())
    })?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::Load as _;

    #[test]
    fn the_starting_session_and_the_rule_pack_load() {
        let dir = tempfile::tempdir().unwrap();
        let written = init(&dir.path().join("repo")).unwrap();
        assert_eq!(written.len(), files().len());
        let dir = dir.path().join("repo");
        let session = Session::load(&dir.join("kickoff.toml")).unwrap();
        assert_eq!(session.questionnaire, DEFAULT_QUESTIONNAIRE);
        let mut bundle = Bundle::builtin(DEFAULT_QUESTIONNAIRE).unwrap().unwrap();
        crate::files::add_rules(&mut bundle, &dir.join("kickoff/team.rules.toml")).unwrap();
        let config = crate::config::Config::load(&dir.join("kickoff/config.toml")).unwrap();
        assert_eq!(config.rules, vec![dir.join("kickoff/team.rules.toml")]);
    }

    /// Every file and directory under `dir`, relative, sorted.
    fn tree(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        let mut todo = vec![dir.to_path_buf()];
        while let Some(d) = todo.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
                if p.is_dir() {
                    todo.push(p);
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn a_failure_on_the_last_file_leaves_nothing_and_a_second_run_works() {
        // `.github` is a file: the workflow's directory cannot be made, after every other file
        // could have been written.
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path();
        std::fs::write(repo.join(".github"), "not a directory\n").unwrap();
        let e = init(repo).unwrap_err().to_string();
        assert!(
            e.contains(".github/workflows/kickoff.yml: cannot write"),
            "{e}"
        );
        assert_eq!(tree(repo), vec![".github"]);
        std::fs::remove_file(repo.join(".github")).unwrap();
        let written = init(repo).unwrap();
        assert_eq!(written.len(), files().len());
        assert!(
            !tree(repo).iter().any(|f| f.ends_with(".tmp")),
            "{:?}",
            tree(repo)
        );
    }

    #[test]
    fn an_existing_file_is_named_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".gitattributes"), "*.png binary\n").unwrap();
        let e = init(dir.path()).unwrap_err().to_string();
        assert!(e.contains(".gitattributes already exists"), "{e}");
        assert!(!dir.path().join("kickoff.toml").exists());
        assert!(!dir.path().join("kickoff").exists());
        assert_eq!(
            std::fs::read_to_string(dir.path().join(".gitattributes")).unwrap(),
            "*.png binary\n"
        );
    }
}
