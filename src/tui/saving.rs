//! Saving, as `update` sees it: results of saves, changes merged in from the file on disk,
//! conflicts to decide, and quitting when the file cannot be written. An answer is never
//! dropped without the user saying so.

use std::path::PathBuf;

use ratatui_textarea::{CursorMove, TextArea};

use super::app::{App, ConflictState};
use super::field::Field;
use super::msg::{Banner, Cmd, ConflictSet, Exit, Failure, Msg, Overlay, Side};
use crate::session::Session;

/// ^Q: quit once saved. After a failed save it first tries again; if that fails too the
/// runtime answers with `QuitBlocked`. On the unsaved overlay, ^Q again quits without saving.
pub fn quit(app: &mut App) -> Vec<Cmd> {
    // A merge's conflicts stay in the file undecided: nothing is lost by leaving them there.
    if app.conflicts.as_ref().is_some_and(|c| c.from_file) {
        app.conflicts = None;
        app.overlay = None;
    }
    if app.conflicts.is_some() {
        app.overlay = Some(Overlay::Conflicts);
        app.banner = Some(Banner::error(
            "Decide the conflicts first (nothing was written since they came up): m or t for each, M or T for all.",
        ));
        return Vec::new();
    }
    // A number typed that is not valid is not in the file: say so once before leaving.
    if let Some(warning) = unsaved_numbers_warning(app)
        && app.quit_warned.as_ref() != Some(&warning)
        && app.overlay != Some(Overlay::Unsaved)
    {
        app.banner = Some(Banner::error(warning.clone()));
        app.quit_warned = Some(warning);
        return Vec::new();
    }
    app.quitting = true;
    if app.overlay == Some(Overlay::Unsaved) {
        app.exit = Exit::Unsaved;
        return vec![Cmd::Quit];
    }
    if app.save_error.is_some() {
        return vec![Cmd::Save, Cmd::Quit];
    }
    vec![Cmd::Quit]
}

/// What ^Q says of the numbers typed that are not valid, if there are any.
fn unsaved_numbers_warning(app: &App) -> Option<String> {
    let names: Vec<String> = app
        .open_drafts()
        .iter()
        .map(|(q, _)| format!("{} (`{}`)", q.doc_label(), app.number_drafts[&q.id]))
        .collect();
    (!names.is_empty()).then(|| {
        format!(
            "Not valid, so not saved: {}. ^Q again quits without them; ^R lists why.",
            names.join(", ")
        )
    })
}

/// The numbers typed that are not valid changed: a ^Q warning about others is no longer true.
/// It is taken down, and the next ^Q warns about these.
pub fn numbers_changed(app: &mut App) {
    if app.quit_warned.is_some() && app.quit_warned != unsaved_numbers_warning(app) {
        if app.banner.as_ref().map(|b| &b.text) == app.quit_warned.as_ref() {
            app.banner = None;
        }
        app.quit_warned = None;
    }
}

pub fn update(app: &mut App, msg: Msg) -> Vec<Cmd> {
    match msg {
        Msg::Saved(Ok(report)) => {
            app.interview.stamp_saved(&report.stamp);
            app.save_error = None;
            if let Some(merged) = report.merged {
                adopt(app, since_sent(app, report.sent.as_deref(), merged));
                app.banner = Some(Banner::info(
                    "The file had changed on disk; those changes are merged in.",
                ));
                return vec![Cmd::Save];
            }
            if let Some(mut set) = report.conflicts {
                set.merged = since_sent(app, report.sent.as_deref(), set.merged);
                open_conflicts(app, *set);
            }
            Vec::new()
        }
        Msg::Saved(Err(e)) => {
            app.save_error = Some(e);
            Vec::new()
        }
        Msg::QuitBlocked { copy_to } => {
            app.overlay = Some(Overlay::Unsaved);
            app.copy_path = path_area(&copy_to);
            app.copy_error = None;
            Vec::new()
        }
        Msg::CopySaved(Ok(path)) => {
            app.exit = Exit::Copied(path);
            vec![Cmd::Quit]
        }
        Msg::CopySaved(Err(e)) => {
            app.copy_error = Some(e);
            Vec::new()
        }
        Msg::Keep { side, all } => keep(app, side, all),
        Msg::Exported(result) => {
            app.export.result = Some(result);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Enter on the unsaved overlay: write a copy at the typed path.
pub fn save_copy(app: &mut App) -> Vec<Cmd> {
    let path = PathBuf::from(app.copy_path.lines().join("").trim());
    if path.as_os_str().is_empty() {
        app.copy_error = Some(Failure::NoPath);
        return Vec::new();
    }
    vec![Cmd::SaveCopy(path)]
}

fn path_area(path: &std::path::Path) -> TextArea<'static> {
    let mut area = TextArea::new(vec![path.to_string_lossy().into_owned()]);
    area.move_cursor(CursorMove::End);
    area
}

/// Keys typed while a save was on its way stay: of the session that save merged with the disk,
/// only what differs from the session it was given is taken in.
fn since_sent(app: &App, sent: Option<&Session>, merged: Session) -> Session {
    match sent {
        Some(sent) => crate::merge::merge(sent, app.interview.session(), &merged).session,
        None => merged,
    }
}

/// Takes in a session merged with the file on disk; the focused widget shows the merged
/// answer if it changed.
fn adopt(app: &mut App, merged: Session) {
    if app.interview.take_merged(merged) {
        let q = app.interview.focused();
        app.field = Field::new(q, app.interview.session().answers.get(&q.id));
        if let Some(draft) = app.number_drafts.get(&q.id) {
            app.field.set_number_draft(draft);
        }
    }
}

fn open_conflicts(app: &mut App, set: ConflictSet) {
    adopt(app, set.merged.clone());
    // A new round of the same conflicts keeps the decisions made so far.
    let decisions = set
        .conflicts
        .iter()
        .map(|c| {
            app.conflicts.as_ref().and_then(|old| {
                let i = old.set.conflicts.iter().position(|o| o == c)?;
                old.decisions[i]
            })
        })
        .collect();
    app.conflicts = Some(ConflictState {
        set,
        decisions,
        cursor: 0,
        from_file: false,
    });
    app.overlay = Some(Overlay::Conflicts);
}

/// m / t on the conflicts overlay: decide the selected answer (M / T: all still open) and go
/// to the next open one; when all are decided, apply them and save over the file's version.
fn keep(app: &mut App, side: Side, all: bool) -> Vec<Cmd> {
    let Some(state) = app.conflicts.as_mut() else {
        return Vec::new();
    };
    let n = state.decisions.len();
    for (i, d) in state.decisions.iter_mut().enumerate() {
        if if all { d.is_none() } else { i == state.cursor } {
            *d = Some(side);
        }
    }
    if let Some(next) = (0..n)
        .map(|k| (state.cursor + k) % n)
        .find(|&i| state.decisions[i].is_none())
    {
        state.cursor = next;
        return Vec::new();
    }
    let Some(state) = app.conflicts.take() else {
        return Vec::new();
    };
    let mut session = app.interview.session().clone();
    for (c, side) in state.set.conflicts.iter().zip(&state.decisions) {
        let chosen = match side {
            Some(Side::Theirs) => c.theirs.clone(),
            _ => c.ours.clone(),
        };
        session.set(&c.question, chosen);
        session.conflicts.remove(&c.question);
    }
    adopt(app, session);
    app.overlay = None;
    if state.from_file {
        app.banner = Some(Banner::info(
            "Conflicts decided; saved without its [conflicts] table. Edit an answer to combine both sides.",
        ));
        return vec![Cmd::Save];
    }
    app.banner = Some(Banner::info("Conflicts decided; saved."));
    vec![Cmd::SaveResolved {
        theirs: Box::new(state.set.theirs),
        disk: state.set.disk,
    }]
}
