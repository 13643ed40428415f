//! Undo for a text answer by steps a person would take back: a word typed (with the spaces
//! after it), a run of deletions, a paste, a clear. The widget's own history undoes one key at
//! a time, which took a press per letter.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, TextArea};

use crate::tui::keys::FieldAction;

/// What an edit was, to tell whether it continues the step before it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Run {
    /// Nothing yet, or the cursor moved: the next edit starts a step.
    #[default]
    None,
    /// Letters, digits and `_`.
    Word,
    /// Spaces and punctuation: they end the word they follow.
    Gap,
    /// Backspace or Delete, one after another.
    Delete,
    /// Anything else (a paste, a new line, ^W, ^U, a clear): a step of its own.
    Other,
}

#[derive(Debug, Clone, PartialEq)]
struct Snapshot {
    lines: Vec<String>,
    cursor: (usize, usize),
}

impl Snapshot {
    fn of(area: &TextArea<'static>) -> Snapshot {
        Snapshot {
            lines: area.lines().to_vec(),
            cursor: {
                let c = area.cursor();
                (c.0, c.1)
            },
        }
    }

    fn restore(self, area: &mut TextArea<'static>) {
        let placeholder = area.placeholder_text().to_string();
        let wrap = area.wrap_mode();
        let mut fresh = TextArea::new(self.lines);
        fresh.set_placeholder_text(placeholder);
        fresh.set_cursor_line_style(ratatui::style::Style::default());
        fresh.set_wrap_mode(wrap);
        let (row, col) = self.cursor;
        fresh.move_cursor(CursorMove::Jump(
            u16::try_from(row).unwrap_or(u16::MAX),
            u16::try_from(col).unwrap_or(u16::MAX),
        ));
        *area = fresh;
    }
}

/// The steps that ^Z takes back and ^Y puts again.
#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    last: Run,
}

impl History {
    /// Makes `edit` one step, or part of the step before it when it continues it (a word
    /// typed on, the space after it, deletions in a row). True if the text changed.
    fn record(
        &mut self,
        area: &mut TextArea<'static>,
        run: Run,
        edit: impl FnOnce(&mut TextArea<'static>) -> bool,
    ) -> bool {
        let before = Snapshot::of(area);
        if !edit(area) || area.lines() == before.lines.as_slice() {
            self.last = Run::None;
            return false;
        }
        let continues = matches!(
            (self.last, run),
            (Run::Word, Run::Word | Run::Gap) | (Run::Gap, Run::Gap) | (Run::Delete, Run::Delete)
        );
        if !continues {
            self.undo.push(before);
        }
        self.redo.clear();
        self.last = run;
        true
    }

    /// A change made outside the keys (a paste, a clear, the external editor): one step.
    pub fn change(
        &mut self,
        area: &mut TextArea<'static>,
        edit: impl FnOnce(&mut TextArea<'static>) -> bool,
    ) -> bool {
        self.record(area, Run::Other, edit)
    }

    pub fn undo(&mut self, area: &mut TextArea<'static>) -> bool {
        self.step(area, true)
    }

    pub fn redo(&mut self, area: &mut TextArea<'static>) -> bool {
        self.step(area, false)
    }

    fn step(&mut self, area: &mut TextArea<'static>, back: bool) -> bool {
        let (from, to) = if back {
            (&mut self.undo, &mut self.redo)
        } else {
            (&mut self.redo, &mut self.undo)
        };
        let Some(snapshot) = from.pop() else {
            return false;
        };
        to.push(Snapshot::of(area));
        snapshot.restore(area);
        self.last = Run::None;
        true
    }

    /// The cursor moved: the next edit starts a step.
    pub fn moved(&mut self) {
        self.last = Run::None;
    }

    /// A key of the table's typing rows ([`FieldAction`]): readline's ^U (to the start of the
    /// line) and ^W (the word before the cursor), ^A to the start, characters typed, the
    /// widget's own keys for the rest. True if the text changed.
    pub fn apply(
        &mut self,
        area: &mut TextArea<'static>,
        action: FieldAction,
        key: KeyEvent,
    ) -> bool {
        match action {
            FieldAction::DeleteToStart => {
                self.record(area, Run::Other, TextArea::delete_line_by_head)
            }
            FieldAction::DeleteWord => self.record(area, Run::Other, TextArea::delete_word),
            FieldAction::LineStart => {
                area.move_cursor(CursorMove::Head);
                self.last = Run::None;
                false
            }
            FieldAction::Type => {
                let run = match key.code {
                    KeyCode::Char(c) if c.is_alphanumeric() || c == '_' => Run::Word,
                    _ => Run::Gap,
                };
                self.record(area, run, |a| a.input(key))
            }
            FieldAction::Edit => {
                let run = match key.code {
                    KeyCode::Backspace | KeyCode::Delete => Run::Delete,
                    KeyCode::Char('h') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                        Run::Delete
                    }
                    _ => Run::Other,
                };
                self.record(area, run, |a| a.input(key))
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::Kind;
    use crate::tui::keys::field_action;

    /// A key pressed as the text field takes it: through the key table, ^Z/^Y as the app
    /// passes them.
    fn press(h: &mut History, area: &mut TextArea<'static>, key: KeyEvent) -> bool {
        match key.code {
            KeyCode::Char('z') if key.modifiers == KeyModifiers::CONTROL => h.undo(area),
            KeyCode::Char('y') if key.modifiers == KeyModifiers::CONTROL => h.redo(area),
            _ => match field_action(Kind::Text, &key) {
                Some(action) => h.apply(area, action, key),
                None => false,
            },
        }
    }

    fn typed(h: &mut History, area: &mut TextArea<'static>, text: &str) {
        for c in text.chars() {
            press(h, area, KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    #[test]
    fn undo_takes_back_a_word_at_a_time_and_redo_puts_it_again() {
        let (mut h, mut area) = (History::default(), TextArea::default());
        typed(&mut h, &mut area, "hello big world");
        assert!(press(&mut h, &mut area, ctrl('z')));
        assert_eq!(area.lines(), ["hello big "]);
        press(&mut h, &mut area, ctrl('z'));
        assert_eq!(area.lines(), ["hello "]);
        press(&mut h, &mut area, ctrl('y'));
        assert_eq!(area.lines(), ["hello big "]);
        press(&mut h, &mut area, ctrl('z'));
        press(&mut h, &mut area, ctrl('z'));
        assert_eq!(area.lines(), [""]);
        assert!(!press(&mut h, &mut area, ctrl('z')), "nothing more to undo");
    }

    #[test]
    fn deletions_in_a_row_are_one_step_and_a_cursor_move_ends_a_step() {
        let (mut h, mut area) = (History::default(), TextArea::default());
        typed(&mut h, &mut area, "abcdef");
        for _ in 0..3 {
            press(
                &mut h,
                &mut area,
                KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE),
            );
        }
        assert_eq!(area.lines(), ["abc"]);
        press(&mut h, &mut area, ctrl('z'));
        assert_eq!(area.lines(), ["abcdef"]);
        press(&mut h, &mut area, ctrl('a'));
        typed(&mut h, &mut area, "x");
        typed(&mut h, &mut area, "y");
        assert_eq!(area.lines(), ["xyabcdef"]);
        press(&mut h, &mut area, ctrl('z'));
        assert_eq!(area.lines(), ["abcdef"]);
    }

    #[test]
    fn readline_keys_are_steps_of_their_own() {
        let (mut h, mut area) = (History::default(), TextArea::default());
        typed(&mut h, &mut area, "one two three");
        press(&mut h, &mut area, ctrl('w'));
        assert_eq!(area.lines(), ["one two "]);
        press(&mut h, &mut area, ctrl('u'));
        assert_eq!(area.lines(), [""]);
        press(&mut h, &mut area, ctrl('z'));
        assert_eq!(area.lines(), ["one two "]);
        press(&mut h, &mut area, ctrl('z'));
        assert_eq!(area.lines(), ["one two three"]);
    }
}
