//! The critique screen's state and its part of `update`: the LLM critique streams in as
//! `StreamEvent`s, folded into a transcript; the finished critique joins the session.

use super::app::{App, Cmd, Msg};
use crate::llm::{CritiqueRequest, StreamEvent, Transcript, linked_questions, to_critique};
use crate::session::Critique;

/// Where the text view stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// Follow the end of the text as it streams.
    Bottom,
    /// A row offset chosen with PgUp/PgDn.
    Row(u16),
    /// Keep the selected link's line in view.
    Link,
}

#[derive(Debug, Default)]
pub struct CritiqueState {
    /// The request in flight or last made (its hashes go into the saved critique).
    pub request: Option<Box<CritiqueRequest>>,
    pub transcript: Transcript,
    pub running: bool,
    /// The critique shown when nothing is running: the last one saved or received.
    pub shown: Option<Critique>,
    /// A one-line note: why no LLM is available, a failure, "from the cache".
    pub note: Option<(String, bool)>,
    /// Size of the text view (columns, rows), set by the app from the terminal size.
    pub view: (u16, u16),
    /// (line index, question id) of the lines that name a question.
    pub links: Vec<(usize, String)>,
    pub selected: usize,
    pub anchor: Option<Anchor>,
}

/// The critique's text wrapped to `width`: the rows, and the first row of each text line.
pub fn layout(text: &str, width: usize) -> (Vec<String>, Vec<usize>) {
    let mut rows = Vec::new();
    let mut first_row = Vec::new();
    for line in text.split('\n') {
        first_row.push(rows.len());
        rows.extend(crate::text::wrap(line, width));
    }
    (rows, first_row)
}

/// The first row shown, for `rows` rows in a view of `height`.
pub fn top_row(state: &CritiqueState, rows: usize, first_row: &[usize], height: usize) -> usize {
    let max_top = rows.saturating_sub(height);
    match state.anchor() {
        Anchor::Bottom => max_top,
        Anchor::Row(r) => (r as usize).min(max_top),
        Anchor::Link => {
            let line = state.links.get(state.selected).map_or(0, |(l, _)| *l);
            first_row
                .get(line)
                .copied()
                .unwrap_or(0)
                .saturating_sub(2)
                .min(max_top)
        }
    }
}

impl CritiqueState {
    /// The text on screen: what is streaming, else the critique shown.
    pub fn text(&self) -> &str {
        if self.running || self.shown.is_none() {
            &self.transcript.text
        } else {
            self.shown.as_ref().map_or("", |c| c.text.as_str())
        }
    }

    pub fn anchor(&self) -> Anchor {
        self.anchor.unwrap_or(if self.running {
            Anchor::Bottom
        } else {
            Anchor::Row(0)
        })
    }
}

fn relink(app: &mut App) {
    let links = linked_questions(app.critique.text(), &app.bundle.questionnaire);
    app.critique.selected = app.critique.selected.min(links.len().saturating_sub(1));
    app.critique.links = links;
}

/// Opening the screen shows the latest saved critique, if any.
pub fn open(app: &mut App) {
    if !app.critique.running && app.critique.shown.is_none() {
        app.critique.shown = app.session.critiques.last().cloned();
        relink(app);
    }
}

pub fn update(app: &mut App, msg: Msg) -> Vec<Cmd> {
    let c = &mut app.critique;
    match msg {
        Msg::CritiqueAsk { fresh } if !c.running => {
            c.note = Some(("Asking…".into(), false));
            return vec![Cmd::StartCritique { fresh }];
        }
        Msg::CritiqueAsk { .. } => {}
        Msg::CritiqueCancel if c.running => return vec![Cmd::CancelCritique],
        Msg::CritiqueCancel => {}
        Msg::CritiqueUnavailable(why) => c.note = Some((why, true)),
        Msg::CritiqueCached(critique) => {
            c.note = Some((
                format!(
                    "Saved critique for these same answers and prompts ({}); f asks afresh.",
                    critique.created
                ),
                false,
            ));
            c.shown = Some(critique);
            c.anchor = None;
            relink(app);
        }
        Msg::CritiqueStarted(request) => {
            c.note = Some((
                format!(
                    "Asking {} / {}… Esc cancels.",
                    request.provider.kind.name(),
                    request.provider.model
                ),
                false,
            ));
            c.request = Some(request);
            c.transcript = Transcript::default();
            c.running = true;
            c.anchor = None;
            c.links.clear();
        }
        Msg::CritiqueEvent(event) => return on_event(app, event),
        _ => {}
    }
    Vec::new()
}

fn on_event(app: &mut App, event: StreamEvent) -> Vec<Cmd> {
    let c = &mut app.critique;
    c.transcript.apply(&event);
    match &event {
        StreamEvent::Text(_) => {
            relink(app);
            Vec::new()
        }
        StreamEvent::Retrying {
            attempt,
            wait_ms,
            reason,
        } => {
            c.note = Some((
                format!(
                    "{reason}; attempt {attempt} in {:.1} s…",
                    *wait_ms as f64 / 1000.0
                ),
                false,
            ));
            Vec::new()
        }
        StreamEvent::Failed(e) => {
            c.running = false;
            c.note = Some((
                format!("The critique failed: {e}. Your answers are untouched."),
                true,
            ));
            Vec::new()
        }
        StreamEvent::Finished { interrupted, .. } => {
            c.running = false;
            let Some(request) = &c.request else {
                return Vec::new();
            };
            if c.transcript.text.trim().is_empty() {
                c.note = Some(("The model returned no text; nothing saved.".into(), true));
                return Vec::new();
            }
            let critique = to_critique(request, &c.transcript);
            c.note = Some(match interrupted {
                Some(e) => (
                    format!("Interrupted ({e}); the partial text is saved, marked interrupted."),
                    true,
                ),
                None => (format!("Saved to {}.", app.path.display()), false),
            });
            c.shown = Some(critique.clone());
            app.session.critiques.push(critique);
            relink(app);
            vec![Cmd::Save]
        }
        StreamEvent::Started | StreamEvent::Usage { .. } => Vec::new(),
    }
}
