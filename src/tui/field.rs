//! The editing widget of the focused question, one variant per question kind. Pure state:
//! keys in, answer out.

use ratatui::crossterm::event::KeyEvent;
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use super::keys::{FieldAction, field_action};
use crate::answer::{Answer, format_number};
use crate::questionnaire::{Kind, NumberSpec, Question};

pub mod choice;
mod list;
mod number;
mod records;
mod undo;

use choice::ChoiceState;
use list::{commit_row, handle_list};
use number::handle_number;
pub use records::Grid;
use undo::History;

/// What a key did to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The answer may have changed.
    Changed,
    /// Handled, answer unchanged (cursor moves, filter typing).
    Moved,
    /// The user is done with this question (Enter on a one-line answer).
    Submit,
    /// Not for this field; the app may use it for navigation.
    Ignored,
}

#[derive(Debug)]
pub enum Field {
    Text {
        area: TextArea<'static>,
        multiline: bool,
        history: History,
    },
    Number {
        /// Exactly what was typed, valid or not.
        area: TextArea<'static>,
        /// The answer when the field opened (none after ^X): it stands, and is what is saved,
        /// while the text typed is not a number that fits. Never a valid start typed on the
        /// way ("1" of "14" in a fraction, or the empty text before it): no answer the user
        /// gave.
        last: Option<f64>,
        spec: NumberSpec,
        history: History,
    },
    Choice {
        filter: String,
        cursor: usize,
        multi: bool,
        selected: Vec<String>,
    },
    YesNo {
        value: Option<bool>,
    },
    List {
        items: Vec<String>,
        cursor: usize,
        area: TextArea<'static>,
    },
    Records(Grid),
}

fn text_area(text: &str, placeholder: &str, multiline: bool) -> TextArea<'static> {
    let mut area = TextArea::new(text.split('\n').map(str::to_string).collect());
    area.set_placeholder_text(placeholder.to_string());
    area.set_cursor_line_style(ratatui::style::Style::default());
    if multiline {
        area.set_wrap_mode(WrapMode::WordOrGlyph);
    }
    area.move_cursor(CursorMove::Bottom);
    area.move_cursor(CursorMove::End);
    area
}

impl Field {
    pub fn new(q: &Question, answer: Option<&Answer>) -> Field {
        match q.kind {
            Kind::Text | Kind::LongText => {
                let text = answer.map(|a| a.to_string()).unwrap_or_default();
                Field::Text {
                    area: text_area(&text, &q.placeholder, q.kind == Kind::LongText),
                    multiline: q.kind == Kind::LongText,
                    history: History::default(),
                }
            }
            Kind::Number => {
                let text = match answer {
                    Some(Answer::Number(n)) => format_number(*n),
                    Some(a) => a.to_string(),
                    None => String::new(),
                };
                Field::Number {
                    area: text_area(&text, &q.placeholder, false),
                    last: match answer {
                        Some(Answer::Number(n)) => Some(*n),
                        _ => None,
                    },
                    spec: NumberSpec::of(q),
                    history: History::default(),
                }
            }
            Kind::Choice | Kind::MultiChoice => {
                let selected = match answer {
                    Some(Answer::Text(s)) => vec![s.clone()],
                    Some(Answer::List(l)) => l.clone(),
                    _ => Vec::new(),
                };
                let cursor = selected
                    .first()
                    .and_then(|s| q.choices.iter().position(|c| &c.value == s))
                    .unwrap_or(0);
                Field::Choice {
                    filter: String::new(),
                    cursor,
                    multi: q.kind == Kind::MultiChoice,
                    selected,
                }
            }
            Kind::YesNo => Field::YesNo {
                value: match answer {
                    Some(Answer::Bool(b)) => Some(*b),
                    _ => None,
                },
            },
            Kind::List => {
                let items = match answer {
                    Some(Answer::List(l)) => l.clone(),
                    Some(a) => vec![a.to_string()],
                    None => Vec::new(),
                };
                let cursor = items.len();
                Field::List {
                    items,
                    cursor,
                    area: text_area("", &q.placeholder, false),
                }
            }
            Kind::Records => Field::Records(Grid::new(q, answer)),
        }
    }

    /// Whether the answer is a text typed on one line or more, or a number.
    pub fn is_typed_text(&self) -> bool {
        matches!(self, Field::Text { .. } | Field::Number { .. })
    }

    /// The answer the field holds now (`None`: empty).
    pub fn answer(&self) -> Option<Answer> {
        let answer = match self {
            Field::Text { area, .. } => Answer::Text(area.lines().join("\n")),
            // Not a valid answer yet ("1e", "abc", out of range): the last one stands.
            Field::Number {
                area, last, spec, ..
            } => match spec.read(&area.lines().join("")) {
                Ok(n) => Answer::Number(n?.value),
                Err(_) => Answer::Number((*last)?),
            },
            Field::Choice {
                multi: false,
                selected,
                ..
            } => Answer::Text(selected.first()?.clone()),
            Field::Choice { selected, .. } => Answer::List(selected.clone()),
            Field::YesNo { value } => Answer::Bool((*value)?),
            Field::List {
                items,
                cursor,
                area,
            } => {
                let mut all = items.clone();
                let row = area.lines().join("");
                if *cursor >= items.len() && !row.trim().is_empty() {
                    all.push(row);
                } else if *cursor < items.len() {
                    all[*cursor] = row;
                }
                all.retain(|s| !s.trim().is_empty());
                Answer::List(all)
            }
            Field::Records(grid) => return grid.answer(),
        };
        (!answer.is_empty()).then_some(answer)
    }

    /// Choices shown, after the type-to-filter text, best match first: indices into
    /// `q.choices`.
    pub fn filtered(&self, q: &Question) -> Vec<usize> {
        match self {
            Field::Choice { filter, .. } => choice::matching(q, filter),
            _ => Vec::new(),
        }
    }

    /// A key for the widget: what it does is the row of the key table that lists it for the
    /// question's kind (`keys::field_action`); a key no row lists is not the widget's.
    pub fn handle(&mut self, q: &Question, key: KeyEvent) -> Outcome {
        let Some(action) = field_action(q.kind, &key) else {
            return Outcome::Ignored;
        };
        let filtered = self.filtered(q);
        match self {
            Field::Text {
                area,
                multiline,
                history,
            } => handle_text(area, history, *multiline, action, key),
            Field::Number {
                area,
                spec,
                history,
                ..
            } => handle_number(area, spec, history, action, key),
            Field::Choice {
                filter,
                cursor,
                multi,
                selected,
            } => {
                let mut choice = ChoiceState {
                    filter,
                    cursor,
                    multi: *multi,
                    selected,
                };
                choice.handle(q, &filtered, action, key)
            }
            Field::YesNo { value } => handle_yes_no(value, action),
            Field::List {
                items,
                cursor,
                area,
            } => handle_list(items, cursor, area, action, key),
            Field::Records(grid) => grid.handle(q, action, key),
        }
    }

    /// ^Z in the widget: the text's last step (a text, a number, a list's item, a grid's
    /// cell). False when it has none: then the app undoes the last answer changed.
    pub fn undo(&mut self, q: &Question) -> bool {
        self.step(q, true)
    }

    /// ^Y in the widget: the step ^Z took back. False when it has none.
    pub fn redo(&mut self, q: &Question) -> bool {
        self.step(q, false)
    }

    fn step(&mut self, q: &Question, back: bool) -> bool {
        match self {
            Field::Text { area, history, .. } | Field::Number { area, history, .. } => {
                if back {
                    history.undo(area)
                } else {
                    history.redo(area)
                }
            }
            Field::List { area, .. } => {
                if back {
                    area.undo()
                } else {
                    area.redo()
                }
            }
            Field::Records(grid) => grid.step(q, back),
            Field::Choice { .. } | Field::YesNo { .. } => false,
        }
    }

    /// Bracketed paste: one undo step; newlines dropped in one-line fields, in a list each
    /// pasted line becomes an item, in records a row (its cells separated by tabs).
    pub fn paste(&mut self, q: &Question, text: &str) -> Outcome {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        match self {
            Field::Text {
                area,
                multiline: true,
                history,
            } => {
                history.change(area, |a| a.insert_str(&text));
                Outcome::Changed
            }
            Field::Text { area, history, .. } => {
                let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
                history.change(area, |a| a.insert_str(line));
                Outcome::Changed
            }
            // Pasted as it is, on one line; the check says when it is not a number.
            Field::Number { area, history, .. } => {
                let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
                history.change(area, |a| a.insert_str(line));
                Outcome::Changed
            }
            Field::List {
                items,
                cursor,
                area,
            } => {
                let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
                if let Some(first) = lines.next() {
                    area.insert_str(first);
                }
                for line in lines {
                    commit_row(items, cursor, area);
                    *cursor = items.len();
                    *area = text_area(line, "", false);
                }
                Outcome::Changed
            }
            Field::Choice { filter, cursor, .. } => {
                filter.push_str(text.trim());
                *cursor = 0;
                Outcome::Moved
            }
            Field::YesNo { .. } => Outcome::Ignored,
            Field::Records(grid) => grid.paste(q, &text),
        }
    }

    /// ^X on a text or a number: emptied as one step that ^Z takes back. False for the other
    /// kinds, whose clearing the app takes back.
    pub fn clear(&mut self) -> bool {
        let (area, history) = match self {
            Field::Text { area, history, .. } | Field::Number { area, history, .. } => {
                (area, history)
            }
            _ => return false,
        };
        history.change(area, |a| {
            a.select_all();
            a.cut()
        });
        // Cleared on purpose: no answer is the one that stands now.
        if let Field::Number { last, .. } = self {
            *last = None;
        }
        true
    }

    /// Text for the external editor, for the text kinds.
    pub fn editor_text(&self) -> Option<String> {
        match self {
            Field::Text { area, .. } => Some(area.lines().join("\n")),
            Field::List { .. } => self
                .answer()
                .map(|a| match a {
                    Answer::List(l) => l.join("\n"),
                    other => other.to_string(),
                })
                .or(Some(String::new())),
            _ => None,
        }
    }

    /// Takes the text back from the external editor.
    pub fn set_editor_text(&mut self, text: &str) {
        let text = text.trim_end_matches('\n');
        match self {
            Field::Text {
                area,
                multiline,
                history,
            } => {
                let t = if *multiline {
                    text.to_string()
                } else {
                    text.split_whitespace().collect::<Vec<_>>().join(" ")
                };
                history.change(area, |a| {
                    *a = text_area(&t, a.placeholder_text(), *multiline);
                    true
                });
            }
            Field::List {
                items,
                cursor,
                area,
            } => {
                *items = text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect();
                *cursor = items.len();
                *area = text_area("", area.placeholder_text(), false);
            }
            _ => {}
        }
    }
}

/// Enter goes on, in long text too; Alt+Enter, Ctrl+J (and Shift or Ctrl+Enter where the
/// terminal tells them apart) start a new line (the key table's rows for long text). A paste
/// keeps its newlines (`paste`).
fn handle_text(
    area: &mut TextArea<'static>,
    history: &mut History,
    multiline: bool,
    action: FieldAction,
    key: KeyEvent,
) -> Outcome {
    match action {
        FieldAction::NewLine if multiline => {
            history.change(area, |a| {
                a.insert_newline();
                true
            });
            Outcome::Changed
        }
        FieldAction::Submit => Outcome::Submit,
        // A long text's lines; past the first or the last, the question before or after.
        FieldAction::Up if area.cursor().0 == 0 => Outcome::Ignored,
        FieldAction::Down if area.cursor().0 + 1 >= area.lines().len() => Outcome::Ignored,
        FieldAction::Up | FieldAction::Down => {
            area.move_cursor(if action == FieldAction::Up {
                CursorMove::Up
            } else {
                CursorMove::Down
            });
            history.moved();
            Outcome::Moved
        }
        _ => edit_grouped(area, history, action, key),
    }
}

/// `y` or `n` answers and goes on; Space and ←→ toggle in place.
fn handle_yes_no(value: &mut Option<bool>, action: FieldAction) -> Outcome {
    match action {
        FieldAction::Yes => *value = Some(true),
        FieldAction::No => *value = Some(false),
        FieldAction::Toggle => {
            *value = Some(!value.unwrap_or(false));
            return Outcome::Changed;
        }
        FieldAction::Submit => {}
        _ => return Outcome::Ignored,
    }
    Outcome::Submit
}

/// A text answer's keys, undone by words and steps ([`History`]).
fn edit_grouped(
    area: &mut TextArea<'static>,
    history: &mut History,
    action: FieldAction,
    key: KeyEvent,
) -> Outcome {
    if history.apply(area, action, key) {
        Outcome::Changed
    } else {
        Outcome::Moved
    }
}

/// A list's item or a grid's cell: the table's typing rows, with the widget's own undo.
fn edit_text(area: &mut TextArea<'static>, action: FieldAction, key: KeyEvent) -> Outcome {
    let changed = match action {
        FieldAction::DeleteToStart => area.delete_line_by_head(),
        FieldAction::DeleteWord => area.delete_word(),
        FieldAction::LineStart => {
            area.move_cursor(CursorMove::Head);
            false
        }
        FieldAction::Type | FieldAction::Toggle | FieldAction::Edit => area.input(key),
        _ => return Outcome::Ignored,
    };
    // The widget says whether the text changed (a cursor move does not).
    if changed {
        Outcome::Changed
    } else {
        Outcome::Moved
    }
}
