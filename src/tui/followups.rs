//! The reviewer's questions screen: the latest critique's follow-up questions, one picked, and
//! the team's answer to it in a text area that takes keys like a long-text answer. Each change
//! is stored in the session (`[followups]`, by the question's text) and saved; the next
//! critique is sent the answers. Its state and its part of `update`, on the session alone.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use super::msg::{Cmd, Motion};
use crate::critique_findings::FollowUp;
use crate::reviewer;
use crate::session::Session;

#[derive(Default)]
pub struct FollowupsState {
    /// The picked question, an index into the latest critique's follow-up questions.
    pub cursor: usize,
    /// The answer to the picked question, as typed.
    pub answer: TextArea<'static>,
}

fn area(text: &str) -> TextArea<'static> {
    let mut area = TextArea::new(text.lines().map(str::to_string).collect());
    area.move_cursor(ratatui_textarea::CursorMove::Bottom);
    area.move_cursor(ratatui_textarea::CursorMove::End);
    area
}

impl FollowupsState {
    /// The questions with their answers (empty when not answered), as the screen lists them.
    pub fn items(session: &Session) -> Vec<(FollowUp, String)> {
        reviewer::followups(session)
    }

    /// The picked question, if there is any.
    pub fn selected(&self, session: &Session) -> Option<FollowUp> {
        Self::items(session)
            .into_iter()
            .nth(self.cursor)
            .map(|(f, _)| f)
    }

    /// Opening the screen (or picking another question): the picked answer into the text area.
    pub fn open(&mut self, session: &Session) {
        let items = Self::items(session);
        self.cursor = self.cursor.min(items.len().saturating_sub(1));
        self.answer = area(items.get(self.cursor).map_or("", |(_, a)| a.as_str()));
    }

    /// Tab and Shift-Tab: the next or previous question, round the list.
    pub fn handle_motion(&mut self, m: Motion, session: &Session) {
        let n = Self::items(session).len();
        if n == 0 {
            return;
        }
        self.cursor = match m {
            Motion::Up | Motion::PageUp => (self.cursor + n - 1) % n,
            Motion::Down | Motion::PageDown => (self.cursor + 1) % n,
            Motion::Home => 0,
            Motion::End => n - 1,
        };
        self.open(session);
    }

    /// A key for the answer; a change is stored and saved.
    /// Typing answers the picked question; Alt+Enter or Ctrl+J (Enter goes to the next
    /// question, in the key table) starts a new line.
    pub fn handle_key(&mut self, key: KeyEvent, session: &mut Session) -> Vec<Cmd> {
        let before = self.answer.lines().to_vec();
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter => self.answer.insert_newline(),
            KeyCode::Char('j') if ctrl => self.answer.insert_newline(),
            _ => {
                self.answer.input(key);
            }
        }
        self.store_if_changed(before, session)
    }

    /// Pasted text, newlines kept.
    pub fn paste(&mut self, text: &str, session: &mut Session) -> Vec<Cmd> {
        let before = self.answer.lines().to_vec();
        self.answer.insert_str(text);
        self.store_if_changed(before, session)
    }

    fn store_if_changed(&mut self, before: Vec<String>, session: &mut Session) -> Vec<Cmd> {
        let Some(f) = self.selected(session) else {
            return Vec::new();
        };
        if self.answer.lines() == before.as_slice() {
            return Vec::new();
        }
        let text = self.answer.lines().join("\n");
        reviewer::set_followup_answer(session, &f.ask, text.trim_end());
        vec![Cmd::Save]
    }
}
