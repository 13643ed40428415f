//! `kickoff init`: the files that set a repository up for a team. A starting session, the
//! team's config with an empty rule pack and a copy of the doc template to customise, the
//! `.gitattributes` lines for the diff and merge drivers, and a CI workflow. The texts are
//! files under `templates/init/`; nothing existing is ever overwritten.

use std::path::{Path, PathBuf};

use crate::bundle::{Bundle, DEFAULT_QUESTIONNAIRE};
use crate::session::Session;

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("{}: not a directory", .0.display())]
    NotADirectory(PathBuf),
    #[error(
        "nothing was written: {} already {}",
        .0.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
        if .0.len() == 1 { "exists" } else { "exist" }
    )]
    Exists(Vec<PathBuf>),
    #[error("{}: cannot write: {source}", path.display())]
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
    let session = Session::new(&bundle.questionnaire);
    let session = toml::to_string(&session).expect("a session serialises");
    vec![
        ("kickoff.toml", session),
        (
            "kickoff/config.toml",
            include_str!("../../templates/init/config.toml").into(),
        ),
        (
            "kickoff/team.rules.toml",
            include_str!("../../templates/init/team.rules.toml").into(),
        ),
        (
            "kickoff/design-doc.md.j2",
            crate::render::DESIGN_DOC_TEMPLATE.into(),
        ),
        (
            ".gitattributes",
            include_str!("../../templates/init/gitattributes").into(),
        ),
        (
            ".github/workflows/kickoff.yml",
            include_str!("../../templates/init/kickoff.yml").into(),
        ),
    ]
}

/// Writes [`files`] under `dir` (created if missing); if any of them exists, writes nothing and
/// names them all.
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
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        let write = || -> std::io::Result<()> {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            // `create_new`: a file that appeared since the check above is not overwritten.
            use std::io::Write;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)?
                .write_all(text.as_bytes())
        };
        write().map_err(|source| InitError::Write {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starting_session_and_the_rule_pack_load() {
        let dir = tempfile::tempdir().unwrap();
        let written = init(&dir.path().join("repo")).unwrap();
        assert_eq!(written.len(), files().len());
        let dir = dir.path().join("repo");
        let session = Session::load(&dir.join("kickoff.toml")).unwrap();
        assert_eq!(session.questionnaire, DEFAULT_QUESTIONNAIRE);
        let mut bundle = Bundle::builtin(DEFAULT_QUESTIONNAIRE).unwrap().unwrap();
        bundle
            .add_rules(&dir.join("kickoff/team.rules.toml"))
            .unwrap();
        let config = crate::config::Config::load_from(&dir.join("kickoff/config.toml")).unwrap();
        assert_eq!(config.rules, vec![dir.join("kickoff/team.rules.toml")]);
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
