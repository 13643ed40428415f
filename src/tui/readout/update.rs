//! The readout form's state, its messages and `update`, the only place that state changes: no
//! I/O, no clock. Each change reads the readout back from the form, puts it into the session
//! (as typed, as the interview saves answers) and runs the checks against the plan, so the
//! decision beside the form is always that of what is on screen.

use std::path::PathBuf;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::form::Form;
use crate::bundle::Bundle;
use crate::readout::Report;
use crate::session::Session;
use crate::tui::{Banner, Failure, Motion};

/// The readout doc, shown over the form.
#[derive(Debug, Clone)]
pub struct DocView {
    pub text: String,
    /// Rows scrolled; the view stops at the end.
    pub scroll: u16,
}

/// What the checks say of the readout on screen.
#[derive(Debug, Clone)]
pub enum Checked {
    /// Checked against the plan.
    Report(Box<Report>),
    /// A value typed is not saved yet (not a number, a count left blank).
    Draft(String),
    /// Saved, but does not make sense yet (successes over trials, a negative count, the end
    /// before the start): the field named.
    Invalid(String),
}

pub struct ReadoutApp {
    pub bundle: Bundle,
    pub session: Session,
    pub path: PathBuf,
    pub form: Form,
    /// When the plan was frozen; `None`: never (nothing was pre-registered).
    pub frozen_at: Option<String>,
    pub checked: Checked,
    pub doc: Option<DocView>,
    pub banner: Option<Banner>,
    /// Why the last save failed; shown until one works.
    pub save_error: Option<Failure>,
    /// ^Q pressed with a value not saved yet, and told so: the next ^Q quits.
    pub quit_warned: bool,
    /// The session's readout changed since the last save.
    pub dirty: bool,
    pub color: bool,
}

#[derive(Debug, Clone)]
pub enum Msg {
    /// Tab: the next item; S-Tab: the previous one.
    Next,
    Prev,
    /// A rate (true) or a mean.
    SetRate(bool),
    /// A key for the focused item's widget.
    Input(KeyEvent),
    Paste(String),
    /// ^O: the readout doc, or back to the form.
    ToggleDoc,
    Scroll(Motion),
    Quit,
    /// A save finished, or why it failed.
    Saved(Result<(), Failure>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    /// Save once typing pauses.
    SaveSoon,
    /// Save now.
    Save,
    /// Save what is left, then end.
    Quit,
}

impl ReadoutApp {
    pub fn new(bundle: Bundle, session: Session, path: PathBuf) -> ReadoutApp {
        let saved = crate::readout::load(&session).ok().flatten();
        let form = Form::new(&session, saved.as_ref());
        let frozen_at = crate::freeze::current(&session)
            .ok()
            .flatten()
            .map(|f| f.at);
        let mut app = ReadoutApp {
            bundle,
            session,
            path,
            form,
            frozen_at,
            checked: Checked::Draft(String::new()),
            doc: None,
            banner: None,
            save_error: None,
            quit_warned: false,
            dirty: false,
            color: true,
        };
        app.check(saved.is_none());
        app
    }

    /// Reads the readout back from the form; into the session when it can be saved (`store`),
    /// and checked either way.
    fn check(&mut self, store: bool) {
        self.checked = match self.form.readout() {
            Err(d) => Checked::Draft(d.to_string()),
            Ok(r) => {
                if store {
                    let before = self.session.extra.get(crate::readout::READOUT_KEY).cloned();
                    let entered = crate::readout::load(&self.session)
                        .ok()
                        .flatten()
                        .map(|r| r.entered)
                        .unwrap_or_default();
                    crate::readout::store_as_typed(&mut self.session, r.clone(), &entered);
                    if self.session.extra.get(crate::readout::READOUT_KEY) != before.as_ref() {
                        self.dirty = true;
                    }
                }
                match r.validate() {
                    Err(e) => Checked::Invalid(e.to_string()),
                    Ok(()) => Checked::Report(Box::new(crate::readout::check(&self.session, &r))),
                }
            }
        };
    }

    /// The decision of the readout on screen, if it can be read.
    pub fn report(&self) -> Option<&Report> {
        match &self.checked {
            Checked::Report(r) => Some(r),
            _ => None,
        }
    }

    fn move_focus(&mut self, forward: bool) {
        let n = self.form.fields.len();
        self.form.focus = if forward {
            (self.form.focus + 1).min(n - 1)
        } else {
            self.form.focus.saturating_sub(1)
        };
    }

    fn render_doc(&self) -> String {
        let review = self.bundle.review_of(&self.session);
        let template = crate::render::builtin_template("readout");
        match crate::render::render_doc(&self.bundle, &self.session, &review, template) {
            Ok(doc) => doc,
            Err(e) => format!("The readout doc cannot be rendered: {e}"),
        }
    }
}

/// The only place the readout form's state changes. Long by design: one arm a message, so
/// every way the state changes is in one match.
pub fn update(app: &mut ReadoutApp, msg: Msg) -> Vec<Cmd> {
    if !matches!(msg, Msg::Saved(_)) {
        app.banner = None;
    }
    match msg {
        Msg::Next => {
            app.move_focus(true);
            vec![Cmd::Save]
        }
        Msg::Prev => {
            app.move_focus(false);
            vec![Cmd::Save]
        }
        Msg::SetRate(rate) => {
            app.form.set_rate(rate);
            app.check(true);
            vec![Cmd::Save]
        }
        Msg::Input(key) => {
            let i = app.form.focus;
            let outcome = app.form.fields[i].handle(&app.form.questions[i], key);
            use crate::tui::field::Outcome;
            match outcome {
                Outcome::Changed => {
                    app.quit_warned = false;
                    app.check(true);
                    vec![Cmd::SaveSoon]
                }
                Outcome::Submit => update(app, Msg::Next),
                Outcome::Ignored if key.code == KeyCode::Down => update(app, Msg::Next),
                Outcome::Ignored if key.code == KeyCode::Up => update(app, Msg::Prev),
                Outcome::Moved | Outcome::Ignored => Vec::new(),
            }
        }
        Msg::Paste(text) => {
            let i = app.form.focus;
            if app.form.fields[i].paste(&app.form.questions[i], &text)
                == crate::tui::field::Outcome::Changed
            {
                app.check(true);
                return vec![Cmd::SaveSoon];
            }
            Vec::new()
        }
        Msg::ToggleDoc => {
            app.doc = match app.doc {
                Some(_) => None,
                None => Some(DocView {
                    text: app.render_doc(),
                    scroll: 0,
                }),
            };
            Vec::new()
        }
        Msg::Scroll(m) => {
            if let Some(doc) = &mut app.doc {
                let end = doc.text.lines().count().saturating_sub(1) as u16;
                doc.scroll = match m {
                    Motion::Up => doc.scroll.saturating_sub(1),
                    Motion::Down => doc.scroll.saturating_add(1),
                    Motion::PageUp => doc.scroll.saturating_sub(20),
                    Motion::PageDown => doc.scroll.saturating_add(20),
                    Motion::Home => 0,
                    Motion::End => end,
                }
                .min(end);
            }
            Vec::new()
        }
        Msg::Quit => {
            if let (Checked::Draft(d), false) = (&app.checked, app.quit_warned) {
                app.banner = Some(Banner::error(format!(
                    "{d}: not saved yet. ^Q again quits without it (the rest is saved)"
                )));
                app.quit_warned = true;
                return vec![Cmd::Save];
            }
            vec![Cmd::Quit]
        }
        Msg::Saved(Ok(())) => {
            app.save_error = None;
            Vec::new()
        }
        Msg::Saved(Err(e)) => {
            app.banner = Some(Banner::error(format!("not saved: {e}")));
            app.save_error = Some(e);
            Vec::new()
        }
    }
}
