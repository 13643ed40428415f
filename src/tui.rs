//! The interview: a full-screen terminal wizard (The Elm Architecture: `app` holds the state
//! and the pure `update`, `view` draws, `runtime` owns the terminal, files and threads).

pub mod app;
pub mod field;
pub mod keys;

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use crate::workspace::Error;

/// Opens the interview on `file`: resumes it if it exists (unless `new`, which refuses to
/// overwrite), creates it otherwise.
pub fn interview(questionnaire: Option<&str>, file: &Path, new: bool) -> Result<ExitCode, Error> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        eprintln!(
            "kickoff: the interview needs a terminal; without one, use `kickoff render FILE` for the doc or `kickoff check FILE` for the critique"
        );
        return Ok(ExitCode::from(crate::cli::EXIT_INPUT));
    }
    let _ = (questionnaire, file, new);
    todo!()
}
