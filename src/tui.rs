//! The interview: a full-screen terminal wizard in The Elm Architecture. `app` holds the
//! state (around the front-end-neutral [`Interview`](crate::interview::Interview)), `msg`
//! the messages and commands, [`update()`] the pure state changes, `view` draws it, `keys`
//! maps keys to messages from one table, and `runtime` owns the terminal, the files, the
//! clock and the threads.

mod app;
mod critique;
mod depth;
mod field;
mod followups;
mod keys;
mod layout;
mod mouse;
mod msg;
mod readout;
mod respond;
mod responding;
mod runtime;
mod saving;
mod theme;
mod update;
mod view;

pub use app::{App, ItemKind, ReviewItem, Steady, default_doc_path};
pub use field::Field;
pub use followups::FollowupsState;
pub use keys::{bar, help_groups, map_key};
pub use layout::{MIN_ANSWER, Pane, Panes, interview_panes};
pub use msg::{
    Banner, BannerKind, Cmd, ConflictSet, Exit, Failure, Motion, Msg, Overlay, SaveReport, Screen,
    Side,
};
pub use readout::readout;
pub use respond::{Part, RespondForm};
pub use update::update;

pub use view::view;

use std::io::{IsTerminal, Write};
use std::path::Path;

use crate::clock::Clock;
pub use crate::interview::Ended;
use crate::session::Depth;
use crate::workspace::{self, Error};

/// Opens the interview on `file`: resumes it if it exists, creates it otherwise. `new` refuses
/// to touch an existing file. Without a terminal it writes nothing and says what to use.
/// While it runs, the file is locked against other kickoff writers.
pub fn interview(
    questionnaire: Option<&str>,
    file: &Path,
    mode: workspace::Open,
    depth: Option<Depth>,
) -> Result<Ended, Error> {
    let opened = open_in_terminal(questionnaire, file, mode, "the interview", depth)?;
    let (new, before, store, notes) = (opened.new, opened.depth_before, opened.store, opened.notes);
    // A new session, with no depth given, starts by asking how deep to go.
    let ask_depth = new && depth.is_none() && opened.bundle.questionnaire.has_quick_path();
    let mut app = app::App::new(opened.bundle, opened.session, file.to_path_buf());
    if ask_depth {
        app.ask_depth();
    }
    // `resume --full` lands where F4 would: the first question not answered, with a note.
    if !new && app.interview.session().depth != before {
        app.interview.focus_first_open();
        depth::announce_depth(&mut app);
    }
    app.take_load_notes(notes);
    app.color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    app.critique.unconfigured = runtime::llm_unavailable();
    let (app, terminal) = runtime::run(app, store);
    // The terminal may be gone: what cannot be printed is not worth a panic.
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    if let Err(e) = terminal {
        let _ = writeln!(
            err,
            "kickoff: {}: the terminal went away ({e})",
            crate::text::path(file)
        );
    }
    let progress = app.interview.progress();
    let (answered, total) = (progress.answered, progress.asked);
    let why = app
        .save_error
        .as_ref()
        .map_or_else(|| "unknown error".to_string(), Failure::to_string);
    match &app.exit {
        Exit::Saved if app.save_error.is_none() => {
            let _ = writeln!(
                out,
                "Saved {} ({answered} of {total} answered). Resume: kickoff resume {0}  Doc: kickoff render {0} -o {1}",
                crate::text::path(file),
                crate::text::path(&default_doc_path(file))
            );
            Ok(Ended::Saved)
        }
        Exit::Copied(copy) => {
            let _ = writeln!(
                err,
                "kickoff: {why}. Your answers are in {}; copy it over {} once it can be written.",
                crate::text::path(copy),
                crate::text::path(file)
            );
            Ok(Ended::NotSaved)
        }
        _ => {
            let _ = writeln!(
                err,
                "kickoff: quit without saving ({why}); the changes to {} since its last save are lost.",
                crate::text::path(file)
            );
            Ok(Ended::NotSaved)
        }
    }
}

/// Opens `file` for a full-screen front end (`what` holds the lock): refused without a
/// terminal on both ends, then opened as [`crate::editing::open`] does, with the user's config.
fn open_in_terminal(
    questionnaire: Option<&str>,
    file: &Path,
    mode: workspace::Open,
    what: &str,
    depth: Option<Depth>,
) -> Result<crate::editing::Opened, Error> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(Error::NoTerminal);
    }
    let now = crate::clock::SystemClock.now();
    crate::editing::open(
        &crate::settings::load_config()?,
        questionnaire,
        file,
        mode,
        what,
        depth,
        &now,
    )
}
