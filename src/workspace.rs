//! Opening a session file together with the questionnaire it belongs to.

use crate::files::Load as _;
use std::path::{Path, PathBuf};

use crate::bundle::{Bundle, DEFAULT_QUESTIONNAIRE};
use crate::files::SaveError;
use crate::session::Session;
use crate::source::{FileError, Problem};
use crate::store::{Lock, Store};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Save(#[from] SaveError),
    #[error(transparent)]
    Lock(#[from] crate::store::LockError),
    #[error(transparent)]
    Newer(#[from] crate::newer::Newer),
    #[error(
        "{}: the session is for questionnaire `{id}`, which is not built in (built in: {}); pass its file with -q PATH",
        crate::text::path(session), crate::bundle::BUILTINS.iter().map(|b| b.id).collect::<Vec<_>>().join(", ")
    )]
    UnknownQuestionnaire { session: PathBuf, id: String },
    #[error(
        "no built-in questionnaire `{0}`; `kickoff questionnaire list` shows them, or pass a file path"
    )]
    NoSuchBuiltin(String),
    #[error(
        "{}: the answers do not fit the questionnaire:\n{}\n(nothing was written; fix the file, or pass --lenient to go on with these answers left as they are)",
        crate::text::path(path),
        problem_list(problems)
    )]
    InvalidAnswers {
        path: PathBuf,
        problems: Vec<Problem>,
    },
    #[error("{}: {message}", crate::text::path(path))]
    Other { path: PathBuf, message: String },
    #[error(
        "{}: a merge left {} in conflict ({}; both sides are in its [conflicts] table); pick one side of each with `kickoff resume {0}`, then run this again",
        crate::text::path(path),
        crate::text::plural(questions.len(), "answer", None),
        questions.iter().map(|q| format!("`{q}`")).collect::<Vec<_>>().join(", ")
    )]
    Conflicted {
        path: PathBuf,
        questions: Vec<String>,
    },
    #[error(
        "the interview needs a terminal. Without one, use `kickoff render FILE` for the design doc, `kickoff check FILE` for the review, or `kickoff plain FILE` for a line-by-line interview."
    )]
    NoTerminal,
}

/// How many problems an error lists; a file with more (a generated one, or an attack on a
/// CI job's log) gets a count of the others.
const LISTED_PROBLEMS: usize = 50;

/// The problems of a file, one per line, the first [`LISTED_PROBLEMS`] of them.
fn problem_list(problems: &[Problem]) -> String {
    let mut lines: Vec<String> = problems
        .iter()
        .take(LISTED_PROBLEMS)
        .map(|p| match p.line {
            Some(l) => format!("  line {l}: {}: {}", p.subject, p.message),
            None => format!("  {}: {}", p.subject, p.message),
        })
        .collect();
    if problems.len() > LISTED_PROBLEMS {
        lines.push(format!(
            "  ... and {} more",
            crate::answer::format_grouped((problems.len() - LISTED_PROBLEMS) as f64)
        ));
    }
    lines.join("\n")
}

impl Error {
    /// The line in `file` the error is at, when it is about that file and knows one: a syntax
    /// error, or the first problem with a line (for a report that points at a line).
    pub fn line_in(&self, file: &Path) -> Option<usize> {
        let first = |problems: &[Problem]| problems.iter().find_map(|p| p.line);
        match self {
            Error::File(FileError::Syntax { path, line, .. }) if path == file => Some(*line),
            Error::File(FileError::Invalid { path, problems }) if path == file => first(problems),
            Error::InvalidAnswers { path, problems } if path == file => first(problems),
            _ => None,
        }
    }
}

/// A questionnaire given on the command line: a built-in id or a file path.
pub fn load_questionnaire(spec: Option<&str>) -> Result<Bundle, Error> {
    let spec = spec.unwrap_or(DEFAULT_QUESTIONNAIRE);
    if let Some(b) = Bundle::builtin(spec) {
        return Ok(b?);
    }
    let path = Path::new(spec);
    if path.exists() {
        return Ok(Bundle::load(path)?);
    }
    // `-q` is the questionnaire; `kickoff new -q plan.toml` meant --quick more often than not.
    if spec.ends_with(".toml") {
        return Err(Error::Other {
            path: path.to_path_buf(),
            message: "no such questionnaire file (-q is --questionnaire; --quick asks only the \
                      essential questions)"
                .into(),
        });
    }
    if !crate::questionnaire::is_valid_id(spec) {
        return Err(Error::Other {
            path: path.to_path_buf(),
            message: format!(
                "no such file, and `{spec}` is not a questionnaire id ({})",
                crate::questionnaire::ID_RULE
            ),
        });
    }
    Err(Error::NoSuchBuiltin(spec.to_string()))
}

/// Loads a session and its questionnaire: `-q` if given, else the questionnaire path recorded
/// in the session (relative to it), else the built-in one with the session's id.
pub fn open(path: &Path, questionnaire: Option<&str>) -> Result<(Bundle, Session), Error> {
    let session = Session::load(path)?;
    let bundle = bundle_for(&session, path, questionnaire)?;
    Ok((bundle, session))
}

/// The questionnaire and rules of a session read from `path` (or from a revision of it: a
/// recorded questionnaire path is relative to `path`'s directory): `-q` if given, else the
/// recorded path, else the built-in one with the session's id.
pub fn bundle_for(
    session: &Session,
    path: &Path,
    questionnaire: Option<&str>,
) -> Result<Bundle, Error> {
    Ok(match (questionnaire, &session.questionnaire_path) {
        (Some(spec), _) => load_questionnaire(Some(spec))?,
        (None, Some(rel)) => Bundle::load(&questionnaire_file(path, rel)?)?,
        (None, None) => match Bundle::builtin(&session.questionnaire) {
            Some(b) => b?,
            None => {
                return Err(Error::UnknownQuestionnaire {
                    session: path.to_path_buf(),
                    id: session.questionnaire.clone(),
                });
            }
        },
    })
}

/// The questionnaire file a session at `session` names in its `questionnaire_path` (`rel`,
/// relative to the session's directory), if the session may name it: a `.toml` file that,
/// links followed, lies inside the session's git repository (outside any repository: anywhere).
/// A plan from a pull request is checked in CI; its `questionnaire_path` must not make kickoff
/// read a file of the machine's (a key, a token) and print what it could not parse of it.
/// `-q PATH` given by the user reads any file.
pub fn questionnaire_file(session: &Path, rel: &str) -> Result<PathBuf, Error> {
    let base = session.parent().unwrap_or(Path::new("."));
    let base = if base.as_os_str().is_empty() {
        Path::new(".")
    } else {
        base
    };
    let file = base.join(rel);
    let refuse = |why: String| Error::Other {
        path: session.to_path_buf(),
        message: format!(
            "`questionnaire_path = \"{}\"` {why}; nothing was read from it (pass the questionnaire with -q PATH)",
            crate::text::escape_invisible(rel)
        ),
    };
    if !rel.ends_with(".toml") {
        return Err(refuse("does not name a .toml file".into()));
    }
    let Some(repo) = std::fs::canonicalize(base)
        .ok()
        .and_then(|b| repository_of(&b))
    else {
        return Ok(file);
    };
    match std::fs::canonicalize(&file) {
        // A file that is not there is reported as missing when it is read.
        Err(_) => Ok(file),
        Ok(real)
            if real.starts_with(&repo) && !real.components().any(|c| c.as_os_str() == ".git") =>
        {
            Ok(file)
        }
        Ok(_) => Err(refuse(format!(
            "points outside the repository ({})",
            crate::text::path(&repo)
        ))),
    }
}

/// The root of the git repository `dir` (a canonical path) is in: the nearest directory with a
/// `.git` in it.
fn repository_of(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// Which bundle [`bundle_for`] loads, as a key: sessions with the same key share it. A
/// session may not name the file a key stands for ([`questionnaire_file`]): an error.
fn bundle_key(
    path: &Path,
    questionnaire: Option<&str>,
    session: &Session,
) -> Result<String, Error> {
    Ok(match (questionnaire, &session.questionnaire_path) {
        (Some(spec), _) => format!("spec:{spec}"),
        (None, Some(rel)) => {
            let file = questionnaire_file(path, rel)?;
            let file = std::fs::canonicalize(&file).unwrap_or(file);
            format!("file:{}", file.to_string_lossy())
        }
        (None, None) => format!("builtin:{}", session.questionnaire),
    })
}

/// Bundles already loaded: checking many sessions loads each questionnaire (with the rule packs
/// added to it) once.
#[derive(Default)]
pub struct Bundles {
    loaded: std::collections::HashMap<String, Bundle>,
}

impl Bundles {
    /// [`open_checked`] with the bundle loaded once per questionnaire and reused; `prepare`
    /// runs on each newly loaded one (to add rule packs).
    pub fn open_checked(
        &mut self,
        path: &Path,
        questionnaire: Option<&str>,
        lenient: bool,
        prepare: impl FnOnce(&mut Bundle) -> Result<(), Error>,
    ) -> Result<(&Bundle, Session, Vec<Problem>), Error> {
        let session = Session::load(path)?;
        let key = bundle_key(path, questionnaire, &session)?;
        if !self.loaded.contains_key(&key) {
            let mut bundle = bundle_for(&session, path, questionnaire)?;
            prepare(&mut bundle)?;
            self.loaded.insert(key.clone(), bundle);
        }
        let bundle = &self.loaded[&key];
        let (session, problems) = checked(path, bundle, session, lenient)?;
        Ok((bundle, session, problems))
    }
}

/// Like [`open`], with answers of an older shape converted (each conversion listed among the
/// problems); fails when there are problems, unless `lenient`.
pub fn open_checked(
    path: &Path,
    questionnaire: Option<&str>,
    lenient: bool,
) -> Result<(Bundle, Session, Vec<Problem>), Error> {
    let (bundle, session) = open(path, questionnaire)?;
    let (session, problems) = checked(path, &bundle, session, lenient)?;
    Ok((bundle, session, problems))
}

fn checked(
    path: &Path,
    bundle: &Bundle,
    mut session: Session,
    lenient: bool,
) -> Result<(Session, Vec<Problem>), Error> {
    refuse_conflicts(path, &session)?;
    crate::newer::refuse_newer(
        path,
        &session.questionnaire_version,
        &bundle.questionnaire.version,
    )?;
    // A session of an older version whose answers all still fit is read as it is; the note
    // that it will be saved as the new version is no reason to refuse it.
    let (version, mut problems): (Vec<Problem>, Vec<Problem>) = session
        .upgrade(&bundle.questionnaire)
        .into_iter()
        .partition(|p| p.question.is_none() && p.subject == "session");
    let mut version = version;
    version.extend(session.unknown_keys());
    problems.extend(session.problems(&bundle.questionnaire));
    if !problems.is_empty() && !lenient {
        problems.extend(version);
        // Each answer's line, read again from the file only now that it is refused.
        if let Ok(text) = crate::files::read(path) {
            crate::locate::place(&text, &mut problems);
        }
        return Err(Error::InvalidAnswers {
            path: path.to_path_buf(),
            problems,
        });
    }
    Ok((session, version.into_iter().chain(problems).collect()))
}

/// A session with answers a merge left undecided is not a plan to review or render yet.
pub fn refuse_conflicts(path: &Path, session: &Session) -> Result<(), Error> {
    if session.conflicts.is_empty() {
        return Ok(());
    }
    Err(Error::Conflicted {
        path: path.to_path_buf(),
        questions: session.conflicts.keys().cloned().collect(),
    })
}

/// Whether two paths name the same file (also when one does not exist yet).
pub fn same_file(a: &Path, b: &Path) -> bool {
    let full = |p: &Path| {
        std::fs::canonicalize(p).unwrap_or_else(|_| {
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            std::fs::canonicalize(dir)
                .unwrap_or_else(|_| dir.to_path_buf())
                .join(p.file_name().unwrap_or_default())
        })
    };
    full(a) == full(b)
}

/// Adds the rule packs of the config file (`rules = [...]`) and then those given on the
/// command line, and the config file's placeholder phrases.
pub fn add_rule_packs(
    bundle: &mut Bundle,
    config: &crate::config::Config,
    extra: &[PathBuf],
) -> Result<(), Error> {
    bundle.critic.placeholders.add_phrases(&config.placeholders);
    for path in config.rules.iter().chain(extra) {
        crate::files::add_rules(bundle, path)?;
    }
    Ok(())
}

/// Writes `text` to `out`, atomically, or to stdout for `None` or `-`.
pub fn write_output(out: Option<&Path>, text: &str) -> Result<(), Error> {
    match out {
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                // The reader stopped early (`| head`): what it wanted, it has.
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Other {
                    path: PathBuf::from("standard output"),
                    message: format!("cannot write the doc: {e}"),
                }),
                _ => Ok(()),
            }
        }
        Some(p) if p.as_os_str() == "-" => write_output(None, text),
        Some(p) => {
            if let Some(dir) = p.parent()
                && !dir.as_os_str().is_empty()
                && !dir.is_dir()
            {
                let message = if dir.exists() {
                    format!(
                        "cannot write: {} is not a directory",
                        crate::text::path(dir)
                    )
                } else {
                    format!(
                        "cannot write: the directory {} does not exist",
                        crate::text::path(dir)
                    )
                };
                return Err(Error::Other {
                    path: p.to_path_buf(),
                    message,
                });
            }
            Ok(crate::output::write_file(p, text.as_bytes())?)
        }
    }
}

/// How an interview opens its session file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    /// `kickoff`: resume the file if it exists, else create it.
    Either,
    /// `kickoff new`: create it; an existing file is left alone.
    New,
    /// `kickoff resume`: it must exist.
    Resume,
}

/// Opens (or creates, as `mode` says; a new one is saved at once) `file` for an interview:
/// takes the session's lock first, so no other kickoff writes it meanwhile, then reads it; the
/// returned store saves through the lock. Answers of an older shape are converted, each with
/// a note (the last element) for the front end to show once; the file gets them on the first
/// save.
pub fn open_for_writing(
    questionnaire: Option<&str>,
    file: &Path,
    mode: Open,
    what: &str,
) -> Result<(Bundle, Session, Store, Vec<Problem>), Error> {
    open_for_writing_at(questionnaire, file, mode, what, &crate::clock::now())
}

/// [`open_for_writing`] at `now` (the lock's time, and a new session's).
pub fn open_for_writing_at(
    questionnaire: Option<&str>,
    file: &Path,
    mode: Open,
    what: &str,
    now: &str,
) -> Result<(Bundle, Session, Store, Vec<Problem>), Error> {
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        return Err(Error::Other {
            path: file.to_path_buf(),
            message: format!("the directory {} does not exist", crate::text::path(dir)),
        });
    }
    if std::fs::metadata(file).is_ok_and(|m| m.permissions().readonly()) {
        return Err(Error::Other {
            path: file.to_path_buf(),
            message: crate::store::read_only().to_string(),
        });
    }
    let lock = Lock::acquire_at(file, what, now)?;
    let (bundle, mut session) = open_or_create(questionnaire, file, mode, now)?;
    // Where the user was: kept in the state directory (a file of an older version has it).
    if let Some(cursor) = crate::state::load(file).and_then(|s| s.cursor) {
        session.cursor = Some(cursor);
    }
    let bytes = std::fs::read(file).map_err(|source| FileError::Read {
        path: file.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    // The base of later merges is the file as read: a change made to it on disk meanwhile
    // merges with the converted answers instead of bringing the old shape back.
    crate::newer::refuse_newer(
        file,
        &session.questionnaire_version,
        &bundle.questionnaire.version,
    )?;
    let store = Store::new(file, session.clone(), Some(bytes), Some(lock))
        .hiding_secrets_of(&bundle.questionnaire);
    let mut notes = session.upgrade(&bundle.questionnaire);
    // What `check` and `render` refuse, the interview opens with, each answer kept as written
    // and named with its line, so it can be fixed here or in the file.
    let mut problems = session.unknown_keys();
    problems.extend(session.problems(&bundle.questionnaire));
    if !problems.is_empty() {
        crate::locate::place(&text, &mut problems);
        notes.extend(problems);
    }
    Ok((bundle, session, store, notes))
}

/// Opens `file`, or creates it (stamped `now`) as `mode` allows.
pub fn open_or_create(
    questionnaire: Option<&str>,
    file: &Path,
    mode: Open,
    now: &str,
) -> Result<(Bundle, Session), Error> {
    if !file.exists() && mode == Open::Resume {
        return Err(Error::Other {
            path: file.to_path_buf(),
            message: "no such session file; start one with `kickoff new`".into(),
        });
    }
    if file.exists() {
        if mode == Open::New {
            return Err(Error::Other {
                path: file.to_path_buf(),
                message:
                    "already exists; continue it with `kickoff resume` or pick another file name"
                        .into(),
            });
        }
        return open(file, questionnaire);
    }
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        return Err(Error::Other {
            path: file.to_path_buf(),
            message: format!("the directory {} does not exist", crate::text::path(dir)),
        });
    }
    let bundle = load_questionnaire(questionnaire)?;
    let mut session = Session::new_at(&bundle.questionnaire, now);
    if let Some(p) = &bundle.path {
        session.questionnaire_path = Some(relative_to(p, file));
    }
    crate::files::write_atomic(
        file,
        session.to_toml(Some(&bundle.questionnaire)).as_bytes(),
    )?;
    Ok((bundle, session))
}

/// `target` as seen from the directory of `from`, when it can be expressed simply.
fn relative_to(target: &Path, from: &Path) -> String {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let target = abs(target);
    let base = abs(from)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    target
        .strip_prefix(&base)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| target.to_string_lossy().into_owned())
}
