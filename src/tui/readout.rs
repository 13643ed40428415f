//! `kickoff readout FILE` in the terminal: the results entered in a form (`form`, each part
//! with the interview's own widget), saved as typed through the interview's save path, and
//! checked against the frozen plan beside it as they are typed: the decision (ship, stop,
//! extend), the effect and its interval against the smallest effect worth shipping, the split.
//! ^O shows the readout doc. The Elm architecture as the interview has it: `update` changes
//! the state, `view` draws it, `keys` maps keys to messages, `runtime` does the I/O.

mod form;
mod keys;
mod runtime;
mod update;
mod view;

use update::{Checked, ReadoutApp};

use std::io::Write;
use std::path::Path;

use crate::tui::Failure;
use crate::workspace::{self, Error};

/// Opens the readout form on `file` (which must exist), locked against other kickoff writers
/// while it runs. Without a terminal it writes nothing and says what to use.
pub fn readout(questionnaire: Option<&str>, file: &Path) -> Result<crate::interview::Ended, Error> {
    let opened = super::open_in_terminal(
        questionnaire,
        file,
        workspace::Open::Resume,
        "kickoff readout",
        None,
    )?;
    let mut app = ReadoutApp::new(opened.bundle, opened.session, file.to_path_buf());
    app.color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let (ended, terminal) = runtime::run(&mut app, opened.store);
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    if let Err(e) = terminal {
        let _ = writeln!(
            err,
            "kickoff: {}: the terminal went away ({e})",
            crate::text::path(file)
        );
    }
    let decision = match app.report() {
        Some(r) => format!("Decision: {}: {}", r.decision_title, r.reason),
        None => match &app.checked {
            Checked::Draft(m) => format!("Not saved yet: {m}"),
            Checked::Invalid(m) => format!("The readout does not make sense yet: {m}"),
            Checked::Report(_) => String::new(),
        },
    };
    match ended {
        runtime::Ended::Saved => {
            let _ = writeln!(
                out,
                "Saved the readout into {} ([readout]). {decision}\nChecks: kickoff readout {0} --check  Doc: kickoff render {0} --template readout",
                crate::text::path(file)
            );
            Ok(crate::interview::Ended::Saved)
        }
        runtime::Ended::Copied(copy) => {
            let _ = writeln!(
                err,
                "kickoff: {} could not be written ({}). The readout is in {}; copy it over once the file can be written.",
                crate::text::path(file),
                app.save_error
                    .as_ref()
                    .map_or_else(|| "unknown error".into(), Failure::to_string),
                crate::text::path(&copy)
            );
            Ok(crate::interview::Ended::NotSaved)
        }
        runtime::Ended::Lost(why) => {
            let _ = writeln!(err, "kickoff: the readout was not saved: {why}");
            Ok(crate::interview::Ended::NotSaved)
        }
    }
}
