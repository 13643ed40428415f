//! `kickoff freeze`: pins the plan as the team's pre-registration (`[freeze]` in the session
//! file), or, with `--unfreeze`, ends the freeze and records who ended it and why. Saved through
//! the session's lock like `kickoff respond`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::store::Saved;
use crate::workspace::{self, Error, Open};

/// `kickoff freeze`'s arguments.
#[derive(clap::Args, Debug)]
pub struct FreezeArgs {
    /// Session file
    file: PathBuf,
    /// End the freeze (needs --reason and --by); it stays in the file's history
    #[arg(long)]
    unfreeze: bool,
    /// Why the freeze ends
    #[arg(long, default_value = "")]
    reason: String,
    /// Who freezes or unfreezes
    #[arg(long, default_value = "")]
    by: String,
    #[arg(short, long)]
    questionnaire: Option<String>,
}

/// The last commit of `file` when git tracks it: run here, in the command-line crate, so the
/// core never runs a program.
pub(super) fn git_commit(file: &Path) -> Option<String> {
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = file.file_name()?;
    let run = |args: &[&std::ffi::OsStr]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .stderr(std::process::Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
    };
    run(&["ls-files".as_ref(), "--error-unmatch".as_ref(), name])?;
    let out = run(&[
        "log".as_ref(),
        "-1".as_ref(),
        "--format=%H".as_ref(),
        "--".as_ref(),
        name,
    ])?;
    let hash = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!hash.is_empty()).then_some(hash)
}

pub(super) fn save(
    file: &Path,
    store: &mut crate::store::Store,
    session: &mut crate::session::Session,
) -> Result<(), Error> {
    session.updated = crate::clock::now();
    match store.save(session)? {
        Saved::Written | Saved::Merged(_) => Ok(()),
        Saved::Conflicts { .. } => Err(Error::Other {
            path: file.to_path_buf(),
            message: "changed on disk meanwhile, with answers changed on both sides; nothing was written: open it with `kickoff resume` to decide".into(),
        }),
    }
}

pub(super) fn run(args: FreezeArgs) -> Result<ExitCode, Error> {
    let file = &args.file;
    let other = |message: String| Error::Other {
        path: file.clone(),
        message,
    };
    let (_bundle, mut session, mut store, _notes) = workspace::open_for_writing(
        args.questionnaire.as_deref(),
        file,
        Open::Resume,
        "kickoff freeze",
    )?;
    let now = crate::clock::now();
    let done = if args.unfreeze {
        crate::freeze::unfreeze(&mut session, &now, &args.by, &args.reason)
            .map_err(|e| other(e.to_string()))?;
        format!("unfrozen by {} ({})", args.by.trim(), args.reason.trim())
    } else {
        let commit = git_commit(file);
        let f = crate::freeze::freeze(&mut session, &now, &args.by, commit)
            .map_err(|e| other(e.to_string()))?;
        let unanswered: Vec<&str> = crate::freeze::FROZEN
            .iter()
            .copied()
            .filter(|id| !f.answers.contains_key(*id))
            .collect();
        if !unanswered.is_empty() {
            eprintln!(
                "note: {}: frozen while unanswered (an answer later is a deviation): {}",
                crate::text::path(file),
                unanswered.join(", ")
            );
        }
        format!(
            "frozen at {} ({} answers, seal {}{})",
            f.at,
            f.answers.len(),
            f.answers_hash,
            f.commit
                .as_ref()
                .map(|c| format!(", commit {}", &c[..c.len().min(12)]))
                .unwrap_or_default()
        )
    };
    save(file, &mut store, &mut session)?;
    crate::outln!("{}: {done}", crate::text::path(file));
    Ok(ExitCode::SUCCESS)
}
