//! The critique screen's state: the LLM critique streams in as `StreamEvent`s, folded into a
//! transcript; a finished critique is handed back to join the session. Knows nothing of the
//! rest of the app, and nothing of the screen's size: scrolling is kept as a logical position
//! that the view clamps.

use std::path::Path;

use super::msg::{Cmd, Motion};
use crate::llm::{
    CritiqueRequest, LlmError, StreamEvent, Transcript, linked_questions, to_critique,
};
use crate::questionnaire::Questionnaire;
use crate::session::Critique;

/// What the top row of the text view is measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The first row.
    Top,
    /// The last screenful (follows the text as it streams).
    Bottom,
    /// Two rows above the selected link's line.
    Link,
}

/// Where the text view stands: `offset` rows below the origin's top row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scroll {
    pub from: Origin,
    pub offset: i32,
}

const PAGE: i32 = 10;

#[derive(Debug, Default)]
pub struct CritiqueState {
    /// The request in flight or last made (its hashes go into the saved critique).
    pub request: Option<Box<CritiqueRequest>>,
    pub transcript: Transcript,
    pub running: bool,
    /// The critique shown when nothing is running: the last one saved or received.
    pub shown: Option<Critique>,
    /// A one-line note (text, is it an error): why no LLM is available, a failure, "cached".
    pub note: Option<(String, bool)>,
    /// (line index, question id) of the lines that name a question.
    pub links: Vec<(usize, String)>,
    pub selected: usize,
    /// `None`: follow the stream while it runs, else start at the top.
    pub scroll: Option<Scroll>,
    /// Why no LLM can be asked (no provider, no API key) and how to set one up, as the
    /// runtime found at start: said on opening the screen instead of offering to ask.
    pub unconfigured: Option<String>,
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

impl CritiqueState {
    /// The text on screen: what is streaming, else the critique shown.
    pub fn text(&self) -> &str {
        if self.running || self.shown.is_none() {
            &self.transcript.text
        } else {
            self.shown.as_ref().map_or("", |c| c.text.as_str())
        }
    }

    pub fn scroll(&self) -> Scroll {
        self.scroll.unwrap_or(Scroll {
            from: if self.running {
                Origin::Bottom
            } else {
                Origin::Top
            },
            offset: 0,
        })
    }

    /// The first row shown, for `rows` rows in a view of `height`: the view's one use of the
    /// logical scroll position.
    pub fn top_row(&self, rows: usize, first_row: &[usize], height: usize) -> usize {
        let max_top = rows.saturating_sub(height) as i64;
        let scroll = self.scroll();
        let origin = match scroll.from {
            Origin::Top => 0,
            Origin::Bottom => max_top,
            Origin::Link => {
                let line = self.links.get(self.selected).map_or(0, |(l, _)| *l);
                first_row.get(line).copied().unwrap_or(0) as i64 - 2
            }
        };
        (origin + scroll.offset as i64).clamp(0, max_top.max(0)) as usize
    }

    /// A move on the critique screen: ↑↓ pick a linked line, the others scroll.
    pub fn handle_motion(&mut self, m: Motion) {
        let n = self.links.len();
        let s = self.scroll();
        self.scroll = Some(match m {
            Motion::Up | Motion::Down if n == 0 => s,
            Motion::Up | Motion::Down => {
                self.selected = if m == Motion::Up {
                    (self.selected + n - 1) % n
                } else {
                    (self.selected + 1) % n
                };
                Scroll {
                    from: Origin::Link,
                    offset: 0,
                }
            }
            // Past the end there is nothing to scroll to: don't count pages that can't show.
            Motion::PageDown if s.from == Origin::Bottom => Scroll {
                offset: (s.offset + PAGE).min(0),
                ..s
            },
            Motion::PageDown => Scroll {
                offset: s.offset + PAGE,
                ..s
            },
            Motion::PageUp if s.from == Origin::Top => Scroll {
                offset: (s.offset - PAGE).max(0),
                ..s
            },
            Motion::PageUp => Scroll {
                offset: s.offset - PAGE,
                ..s
            },
            Motion::Home => Scroll {
                from: Origin::Top,
                offset: 0,
            },
            Motion::End => Scroll {
                from: Origin::Bottom,
                offset: 0,
            },
        });
    }

    /// The question named on the selected line, if any.
    pub fn selected_question(&self) -> Option<&str> {
        self.links.get(self.selected).map(|(_, id)| id.as_str())
    }

    fn relink(&mut self, q: &Questionnaire) {
        let links = linked_questions(self.text(), q);
        self.selected = self.selected.min(links.len().saturating_sub(1));
        self.links = links;
    }

    /// Opening the screen shows the latest saved critique, if any.
    pub fn open(&mut self, latest: Option<&Critique>, q: &Questionnaire) {
        if !self.running && self.shown.is_none() {
            self.shown = latest.cloned();
            self.relink(q);
        }
    }

    pub fn ask(&mut self, fresh: bool) -> Vec<Cmd> {
        if self.running {
            return Vec::new();
        }
        self.note = Some(("Asking…".into(), false));
        vec![Cmd::StartCritique { fresh }]
    }

    pub fn cancel(&mut self) -> Vec<Cmd> {
        if self.running {
            vec![Cmd::CancelCritique]
        } else {
            Vec::new()
        }
    }

    pub fn unavailable(&mut self, why: String) {
        self.note = Some((why, true));
    }

    pub fn cached(&mut self, critique: Critique, q: &Questionnaire) {
        self.note = Some((
            format!(
                "Saved critique for these same answers and prompts ({}); f asks afresh.",
                critique.created
            ),
            false,
        ));
        self.shown = Some(critique);
        self.scroll = None;
        self.relink(q);
    }

    pub fn started(&mut self, request: Box<CritiqueRequest>) {
        self.note = Some((
            format!(
                "Asking {} / {}… Esc cancels.",
                request.provider.kind.name(),
                request.provider.model
            ),
            false,
        ));
        self.request = Some(request);
        self.transcript = Transcript::default();
        self.running = true;
        self.scroll = None;
        self.links.clear();
    }

    /// Folds in one stream event that arrived at `at`. A finished critique with text is
    /// returned, to be added to the session (and saved) by the caller.
    pub fn on_event(
        &mut self,
        event: StreamEvent,
        at: &str,
        q: &Questionnaire,
        session_path: &Path,
    ) -> Option<Critique> {
        self.transcript.apply(&event);
        match &event {
            StreamEvent::Text(_) => self.relink(q),
            StreamEvent::Retrying {
                attempt,
                wait_ms,
                reason,
            } => {
                self.note = Some((
                    format!(
                        "{reason}; attempt {attempt} in {:.1} s…",
                        *wait_ms as f64 / 1000.0
                    ),
                    false,
                ));
            }
            StreamEvent::Failed(LlmError::Cancelled) => {
                self.running = false;
                self.note = Some(("Cancelled; nothing was saved. a asks again.".into(), false));
            }
            StreamEvent::Failed(e) => {
                self.running = false;
                self.note = Some((
                    format!("The critique failed: {e}. Your answers are untouched."),
                    true,
                ));
            }
            StreamEvent::Finished { interrupted, .. } => {
                self.running = false;
                let request = self.request.as_ref()?;
                if self.transcript.text.trim().is_empty() {
                    self.note = Some(("The model returned no text; nothing saved.".into(), true));
                    return None;
                }
                let critique = to_critique(request, &self.transcript, at);
                self.note = Some(match interrupted {
                    Some(LlmError::Cancelled) => (
                        "Cancelled; the text so far is saved, marked interrupted.".into(),
                        false,
                    ),
                    Some(e) => (
                        format!(
                            "Interrupted ({e}); the partial text is saved, marked interrupted."
                        ),
                        true,
                    ),
                    None => (
                        format!("Saved to {}.", crate::text::path(session_path)),
                        false,
                    ),
                });
                self.shown = Some(critique.clone());
                self.relink(q);
                return Some(critique);
            }
            // The structured parts are in the transcript; their text came as `Text`.
            _ => {}
        }
        None
    }
}
