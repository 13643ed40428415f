//! `kickoff merge BASE OURS THEIRS`: a three-way merge of session files by question id, shaped
//! as git's merge driver (`kickoff merge %O %A %B %P`): the result goes into OURS, exit 0 when
//! clean, 1 with answers left in conflict (kept in the file's `[conflicts]` table for
//! `kickoff resume`), 2 on bad input.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::EXIT_FAILED;
use crate::store::Lock;
use crate::workspace::Error;

/// `kickoff merge`'s arguments.
#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// The common ancestor (git's %O; empty when the two were created apart)
    base: PathBuf,
    /// Our version (git's %A): the merge is written here, keeping its comments and layout
    ours: PathBuf,
    /// Their version (git's %B)
    theirs: PathBuf,
    /// The file's path in the repository (git's %P), for messages
    name: Option<PathBuf>,
    /// Write the merge here instead of into OURS
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub(super) fn run(args: MergeArgs) -> Result<ExitCode, Error> {
    let read = |p: &Path| crate::files::read(p);
    let (base, ours, theirs) = (read(&args.base)?, read(&args.ours)?, read(&args.theirs)?);
    let merged = crate::merge::merge_texts(
        (&base, &args.base),
        (&ours, &args.ours),
        (&theirs, &args.theirs),
    )?;
    let out = args.output.as_deref().unwrap_or(&args.ours);
    // A device or a FIFO (`-o /dev/stdout`) is written into, with no lock file beside it.
    let _lock = if crate::output::is_special(out) {
        None
    } else {
        Some(Lock::acquire(out, "kickoff merge")?)
    };
    crate::output::write_file(out, merged.text.as_bytes())?;
    if merged.conflicts.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let shown = args.name.as_deref().unwrap_or(out);
    let ids: Vec<String> = merged.conflicts.iter().map(|q| format!("`{q}`")).collect();
    eprintln!(
        "kickoff: {}: {} changed differently on both sides: {}; both are kept in [conflicts]: pick one of each with `kickoff resume {0}`",
        crate::text::path(shown),
        crate::text::plural(ids.len(), "answer", None),
        ids.join(", ")
    );
    Ok(ExitCode::from(EXIT_FAILED))
}
