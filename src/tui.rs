//! The interview: a full-screen terminal wizard in The Elm Architecture. `app` holds the
//! state (around the front-end-neutral [`Interview`](crate::interview::Interview)), `msg`
//! the messages and commands, [`update()`] the pure state changes, `view` draws it, `keys`
//! maps keys to messages from one table, and `runtime` owns the terminal, the files, the
//! clock and the threads.

mod app;
mod critique;
mod field;
mod keys;
mod msg;
mod runtime;
mod theme;
mod update;
mod view;

pub use app::{App, ItemKind, ReviewItem, default_doc_path};
pub use keys::map_key;
pub use msg::{Banner, BannerKind, Cmd, Motion, Msg, Overlay, Screen};
pub use update::update;
pub use view::view;

use std::io::IsTerminal;
use std::path::Path;

use crate::workspace::{self, Error};

/// Opens the interview on `file`: resumes it if it exists, creates it otherwise. `new` refuses
/// to touch an existing file. Without a terminal it writes nothing and says what to use.
pub fn interview(
    questionnaire: Option<&str>,
    file: &Path,
    mode: workspace::Open,
) -> Result<(), Error> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(Error::NoTerminal);
    }
    let (mut bundle, session) = workspace::open_or_create(questionnaire, file, mode)?;
    workspace::add_rule_packs(&mut bundle, &[])?;
    let mut app = app::App::new(bundle, session, file.to_path_buf());
    app.color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let (app, saved) = runtime::run(app).map_err(|e| Error::Other {
        path: file.to_path_buf(),
        message: format!("terminal error: {e}"),
    })?;
    let progress = app.interview.progress();
    let (answered, total) = (progress.answered, progress.asked);
    match saved {
        Ok(()) => {
            println!(
                "Saved {} ({answered} of {total} answered). Resume: kickoff resume {0}  Doc: kickoff render {0} -o {1}",
                file.display(),
                default_doc_path(file).display()
            );
            Ok(())
        }
        Err(e) => Err(Error::Other {
            path: file.to_path_buf(),
            message: format!("the last save failed: {e}"),
        }),
    }
}
