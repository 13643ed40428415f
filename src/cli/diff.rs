//! `kickoff diff A B`, `kickoff diff FILE --rev REV`: two versions of a plan compared by
//! question; `kickoff diff --textconv FILE`: the answers by question, for git's diff driver.

use crate::files::Load as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;

use crate::bundle::Bundle;
use crate::diff::{Plan, answers_by_question, diff, to_markdown, to_text};
use crate::session::Session;
use crate::workspace::{self, Error};

/// `kickoff diff`'s arguments.
#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The plan before (with --rev: the file, compared with its version at REV)
    a: PathBuf,
    /// The plan after
    #[arg(conflicts_with_all = ["rev", "textconv"])]
    b: Option<PathBuf>,
    /// Compare FILE with its version at this git revision (`git show REV:FILE`)
    #[arg(long, value_name = "REV", conflicts_with = "textconv")]
    rev: Option<String>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Print FILE's answers by section and question, for git's diff driver
    /// (`git config diff.kickoff.textconv "kickoff diff --textconv"`)
    #[arg(long)]
    textconv: bool,
    /// Read both with this questionnaire (a built-in id or a file) instead of the one each names
    #[arg(short, long)]
    questionnaire: Option<String>,
    /// Extra rule pack (repeatable)
    #[arg(long = "rules")]
    rules: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
pub enum DiffFormat {
    /// For a terminal: coloured when it is one (and NO_COLOR is not set)
    Text,
    /// For a pull request comment
    Markdown,
    Json,
}

pub(super) fn run(args: DiffArgs) -> Result<ExitCode, Error> {
    if args.textconv {
        textconv(&args.a, args.questionnaire.as_deref());
        return Ok(ExitCode::SUCCESS);
    }
    let (before, after) = match (&args.b, &args.rev) {
        (Some(b), None) => (side(&args.a, &args)?, side(b, &args)?),
        (None, Some(rev)) => (at_revision(&args.a, rev, &args)?, side(&args.a, &args)?),
        _ => {
            return Err(Error::Other {
                path: args.a.clone(),
                message: "compare it with what? Give a second file (`kickoff diff A B`) or a git revision (`--rev HEAD`)".into(),
            });
        }
    };
    let d = diff(&before.plan(), &after.plan());
    match args.format {
        DiffFormat::Json => crate::outln!(
            "{}",
            serde_json::to_string_pretty(&d).expect("a diff always serialises")
        ),
        DiffFormat::Markdown => crate::out!("{}", to_markdown(&d)),
        DiffFormat::Text => {
            let color = std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            crate::out!("{}", to_text(&d, color));
        }
    }
    // What changed since the plan was frozen, as the newer side stands (not in JSON: its
    // schema is the diff's).
    if args.format != DiffFormat::Json {
        for dev in crate::freeze::deviations_or_broken(&after.session) {
            let state = match &dev.record {
                Some(r) => format!("recorded by {}: {}", r.by, r.reason),
                None => "not recorded".into(),
            };
            crate::outln!("deviation: {} ({state})", dev.message());
        }
    }
    Ok(ExitCode::SUCCESS)
}

struct Side {
    label: String,
    bundle: Bundle,
    session: Session,
}

impl Side {
    fn plan(&self) -> Plan<'_> {
        Plan {
            label: self.label.clone(),
            bundle: &self.bundle,
            session: &self.session,
        }
    }
}

fn side(path: &Path, args: &DiffArgs) -> Result<Side, Error> {
    let session = Session::load(path)?;
    read_with(crate::text::path(path).to_string(), path, session, args)
}

/// The session with its questionnaire and rules, older answers read in today's shapes.
fn read_with(
    label: String,
    path: &Path,
    mut session: Session,
    args: &DiffArgs,
) -> Result<Side, Error> {
    let mut bundle = workspace::bundle_for(&session, path, args.questionnaire.as_deref())?;
    workspace::add_rule_packs(&mut bundle, &crate::settings::load_config()?, &args.rules)?;
    session.upgrade(&bundle.questionnaire);
    Ok(Side {
        label,
        bundle,
        session,
    })
}

/// `file` as it was at `rev`, read with `git show` from the file's own directory.
fn at_revision(file: &Path, rev: &str, args: &DiffArgs) -> Result<Side, Error> {
    let err = |message: String| Error::Other {
        path: file.to_path_buf(),
        message,
    };
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = file
        .file_name()
        .ok_or_else(|| err("not a file path".into()))?
        .to_string_lossy();
    // A revision that starts with `-` would reach git as an option (`--output=...` writes a
    // file): none names a commit.
    if rev.starts_with('-') {
        return Err(err(format!(
            "`{rev}` is not a git revision (it would be read as an option)"
        )));
    }
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["show", &format!("{rev}:./{name}")])
        .output()
        .map_err(|e| err(format!("--rev needs git, which could not be run ({e})")))?;
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        let why = why.trim().trim_start_matches("fatal: ");
        return Err(err(format!("cannot read it at revision `{rev}`: {why}")));
    }
    let label = format!("{rev}:{}", crate::text::path(file));
    let text = String::from_utf8_lossy(&out.stdout);
    let session = Session::from_str(&text, Path::new(&label))?;
    read_with(label, file, session, args)
}

/// What git's diff driver shows for a session file; anything unreadable is shown as it is,
/// so `git diff` never fails on it.
fn textconv(file: &Path, questionnaire: Option<&str>) {
    let text = match std::fs::read(file) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => {
            eprintln!("kickoff: {}: cannot read: {e}", crate::text::path(file));
            return;
        }
    };
    let Ok(mut session) = Session::from_str(&text, file) else {
        crate::out!("{text}");
        return;
    };
    // git hands over a temporary copy, beside which a questionnaire path recorded relative to
    // the session does not resolve: then the built-in one of that id, else answers by id.
    let bundle = workspace::bundle_for(&session, file, questionnaire)
        .ok()
        .or_else(|| crate::bundle::Bundle::builtin(&session.questionnaire)?.ok());
    if let Some(b) = &bundle {
        session.upgrade(&b.questionnaire);
    }
    crate::out!("{}", answers_by_question(bundle.as_ref(), &session));
}
