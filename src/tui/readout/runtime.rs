//! The readout form's effects: the terminal, the clock and the saves. Input is read on this
//! thread (a short poll, so a signal and a save held back while typing are seen); each save goes
//! through `editing::save`, the interview's own path: the lock, a merge with changes made on
//! disk meanwhile, a compare and swap, and an emergency copy when the file cannot be written.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{
    self as term, DisableBracketedPaste, EnableBracketedPaste, KeyEventKind,
};
use ratatui::crossterm::execute;

use super::keys::map_key;
use super::update::{Cmd, Msg, ReadoutApp, update};
use super::view::view;
use crate::clock::now;
use crate::readout::READOUT_KEY;
use crate::store::{Saved, Store};
use crate::tui::Failure;

/// A change typed is saved once typing pauses this long, and at the latest this long after
/// the first change held back (as the interview saves).
const TYPING_PAUSE: Duration = Duration::from_millis(150);
const TYPING_LONGEST: Duration = Duration::from_millis(250);

/// How the form ended.
pub enum Ended {
    Saved,
    /// The file could not be written; the session is in this copy.
    Copied(std::path::PathBuf),
    /// Neither the file nor a copy could be written: why.
    Lost(String),
}

/// Runs the form until the user quits (or a signal, or the terminal goes away).
pub fn run(app: &mut ReadoutApp, mut store: Store) -> (Ended, std::io::Result<()>) {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed));
    let result = ratatui::try_init().and_then(|mut terminal| {
        execute!(std::io::stdout(), EnableBracketedPaste)?;
        let r = event_loop(&mut terminal, app, &mut store, &stop);
        let _ = execute!(std::io::stdout(), DisableBracketedPaste);
        let _ = ratatui::try_restore();
        r
    });
    // Whatever ended it, what is typed is saved (or copied).
    save(app, &mut store);
    let ended = match &app.save_error {
        None => Ended::Saved,
        Some(why) => {
            let text = app.session.to_toml(Some(&app.bundle.questionnaire));
            match crate::editing::emergency_copy(&app.path, &text, &now()) {
                Ok(path) => Ended::Copied(path),
                Err(e) => Ended::Lost(format!("{why}; no copy either: {e}")),
            }
        }
    };
    (ended, result)
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut ReadoutApp,
    store: &mut Store,
    stop: &AtomicBool,
) -> std::io::Result<()> {
    // A save held back while typing: when the first change it holds and the last were made.
    let mut typing: Option<(Instant, Instant)> = None;
    loop {
        terminal.draw(|f| view(app, f))?;
        if stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        let due = typing.map(|(first, last)| (last + TYPING_PAUSE).min(first + TYPING_LONGEST));
        let wait = due
            .map(|d| d.saturating_duration_since(Instant::now()))
            .unwrap_or(Duration::from_millis(100))
            .min(Duration::from_millis(100));
        if !term::poll(wait)? {
            if due.is_some_and(|d| d <= Instant::now()) {
                typing = None;
                save(app, store);
            }
            continue;
        }
        let msg = match term::read()? {
            term::Event::Key(k) if k.kind != KeyEventKind::Release => map_key(app, k),
            term::Event::Paste(text) => Some(Msg::Paste(text)),
            _ => None,
        };
        let Some(msg) = msg else { continue };
        for cmd in update(app, msg) {
            match cmd {
                Cmd::SaveSoon => {
                    let t = Instant::now();
                    typing = Some((typing.map_or(t, |(first, _)| first), t));
                }
                Cmd::Save => {
                    typing = None;
                    save(app, store);
                }
                Cmd::Quit => return Ok(()),
            }
        }
    }
}

/// Saves the session if its readout changed: stamped with the time, through the store.
fn save(app: &mut ReadoutApp, store: &mut Store) {
    if !app.dirty {
        return;
    }
    let stamp = now();
    if let Some(toml::Value::Table(t)) = app.session.extra.get_mut(READOUT_KEY) {
        t.insert("entered".into(), toml::Value::String(stamp.clone()));
    }
    let ours = app.session.extra.get(READOUT_KEY).cloned();
    let result = match crate::editing::save(store, &mut app.session, &stamp) {
        Ok(Saved::Written) => Ok(()),
        // Changed on disk meanwhile and merged: the rest of the file as it is now, the
        // readout as typed here.
        Ok(Saved::Merged(mut merged)) => {
            if let Some(v) = ours {
                merged.extra.insert(READOUT_KEY.into(), v);
            }
            let again = merged.extra != app.session.extra;
            app.session = merged;
            if again {
                crate::editing::save(store, &mut app.session, &stamp)
                    .map(|_| ())
                    .map_err(Failure::of)
            } else {
                Ok(())
            }
        }
        Ok(Saved::Conflicts { .. }) => Err(Failure::ReadoutConflict),
        Err(e) => Err(Failure::of(e)),
    };
    if result.is_ok() {
        app.dirty = false;
    }
    update(app, Msg::Saved(result));
}
