//! Undo for a text answer by steps a person would take back: a word typed (with the spaces
//! after it), a run of deletions, a paste, a clear. The widget's own history undoes one key at
//! a time, which took a press per letter.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, TextArea};

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

    /// A key in a text: readline's ^U (to the start of the line) and ^W (the word before the
    /// cursor), ^A to the start, ^Z/^Y by steps, the widget's keys for the rest. True if the
    /// text changed.
    pub fn key(&mut self, area: &mut TextArea<'static>, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Char('z') if ctrl => self.undo(area),
            KeyCode::Char('y') if ctrl => self.redo(area),
            KeyCode::Char('u') if ctrl => {
                self.record(area, Run::Other, TextArea::delete_line_by_head)
            }
            KeyCode::Char('w') if ctrl => self.record(area, Run::Other, TextArea::delete_word),
            KeyCode::Char('a') if ctrl => {
                area.move_cursor(CursorMove::Head);
                self.last = Run::None;
                false
            }
            KeyCode::Char(c) if !ctrl && !alt => {
                let run = if c.is_alphanumeric() || c == '_' {
                    Run::Word
                } else {
                    Run::Gap
                };
                self.record(area, run, |a| a.input(key))
            }
            KeyCode::Backspace | KeyCode::Delete => {
                self.record(area, Run::Delete, |a| a.input(key))
            }
            KeyCode::Char('h') if ctrl => self.record(area, Run::Delete, |a| a.input(key)),
            _ => self.record(area, Run::Other, |a| a.input(key)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(h: &mut History, area: &mut TextArea<'static>, text: &str) {
        for c in text.chars() {
            h.key(area, KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    #[test]
    fn undo_takes_back_a_word_at_a_time_and_redo_puts_it_again() {
        let (mut h, mut area) = (History::default(), TextArea::default());
        typed(&mut h, &mut area, "hello big world");
        assert!(h.key(&mut area, ctrl('z')));
        assert_eq!(area.lines(), ["hello big "]);
        h.key(&mut area, ctrl('z'));
        assert_eq!(area.lines(), ["hello "]);
        h.key(&mut area, ctrl('y'));
        assert_eq!(area.lines(), ["hello big "]);
        h.key(&mut area, ctrl('z'));
        h.key(&mut area, ctrl('z'));
        assert_eq!(area.lines(), [""]);
        assert!(!h.key(&mut area, ctrl('z')), "nothing more to undo");
    }

    #[test]
    fn deletions_in_a_row_are_one_step_and_a_cursor_move_ends_a_step() {
        let (mut h, mut area) = (History::default(), TextArea::default());
        typed(&mut h, &mut area, "abcdef");
        for _ in 0..3 {
            h.key(
                &mut area,
                KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE),
            );
        }
        assert_eq!(area.lines(), ["abc"]);
        h.key(&mut area, ctrl('z'));
        assert_eq!(area.lines(), ["abcdef"]);
        h.key(&mut area, ctrl('a'));
        typed(&mut h, &mut area, "x");
        typed(&mut h, &mut area, "y");
        assert_eq!(area.lines(), ["xyabcdef"]);
        h.key(&mut area, ctrl('z'));
        assert_eq!(area.lines(), ["abcdef"]);
    }

    #[test]
    fn readline_keys_are_steps_of_their_own() {
        let (mut h, mut area) = (History::default(), TextArea::default());
        typed(&mut h, &mut area, "one two three");
        h.key(&mut area, ctrl('w'));
        assert_eq!(area.lines(), ["one two "]);
        h.key(&mut area, ctrl('u'));
        assert_eq!(area.lines(), [""]);
        h.key(&mut area, ctrl('z'));
        assert_eq!(area.lines(), ["one two "]);
        h.key(&mut area, ctrl('z'));
        assert_eq!(area.lines(), ["one two three"]);
    }
}
