//! The records widget: a small grid of rows and columns. The focused cell is edited in place:
//! text and numbers as a one-line input, yes/no toggled, a choice cycled or picked by its
//! first letter or number. Enter goes to the next cell (and past the last one, to a new row);
//! ←→ at the ends of a cell's text and ↑↓ move between cells; ^N adds a row, ^D (or ^Del)
//! removes one.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui_textarea::TextArea;

use super::{Outcome, edit_text, text_area};
use crate::answer::{Answer, Cell, Row, read_number};
use crate::questionnaire::{Column, ColumnKind, Question};
use crate::tui::keys::FieldAction;

#[derive(Debug)]
pub struct Grid {
    /// The rows, and always at least one (a blank one to type into). Blank rows are not part
    /// of the answer.
    pub rows: Vec<Row>,
    pub row: usize,
    pub col: usize,
    /// The focused cell's text, for text and number columns.
    pub area: TextArea<'static>,
}

impl Grid {
    pub fn new(q: &Question, answer: Option<&Answer>) -> Grid {
        let mut rows = match answer {
            Some(Answer::Records(rows)) => rows.clone(),
            // An answer of another shape shows in the first column, kept as it is until edited.
            Some(a) => match q.columns.first() {
                Some(c) => vec![Row(vec![(c.id.clone(), Cell::Text(a.to_string()))])],
                None => Vec::new(),
            },
            None => Vec::new(),
        };
        if rows.is_empty() {
            rows.push(Row::default());
        }
        let mut grid = Grid {
            rows,
            row: 0,
            col: 0,
            area: text_area("", "", false),
        };
        grid.load_cell(q);
        grid
    }

    /// The rows with anything in them; `None` when there are none.
    pub fn answer(&self) -> Option<Answer> {
        let rows: Vec<Row> = self
            .rows
            .iter()
            .filter(|r| !r.is_empty())
            .cloned()
            .collect();
        (!rows.is_empty()).then_some(Answer::Records(rows))
    }

    /// The focused column.
    pub fn column<'q>(&self, q: &'q Question) -> Option<&'q Column> {
        q.columns.get(self.col)
    }

    /// Whether the focused cell is edited as text (text and number columns).
    pub fn is_text_cell(&self, q: &Question) -> bool {
        self.column(q)
            .is_some_and(|c| matches!(c.kind, ColumnKind::Text | ColumnKind::Number))
    }

    fn cell(&self, q: &Question) -> Option<&Cell> {
        self.rows.get(self.row)?.get(&self.column(q)?.id)
    }

    fn set_cell(&mut self, q: &Question, cell: Option<Cell>) {
        if let (Some(c), Some(row)) = (q.columns.get(self.col), self.rows.get_mut(self.row)) {
            row.set(&c.id, cell.filter(|x| !x.is_empty()));
        }
    }

    /// Puts the focused cell's text into the input.
    fn load_cell(&mut self, q: &Question) {
        let text = self.cell(q).map(Cell::to_string).unwrap_or_default();
        let placeholder = self.column(q).map(|c| c.placeholder.clone());
        self.area = text_area(&text, &placeholder.unwrap_or_default(), false);
    }

    /// Takes the input's text into the focused cell: a number column keeps what does not
    /// parse yet as text, so nothing typed is lost (and the check says what is wrong).
    fn store_text(&mut self, q: &Question) {
        let Some(c) = self.column(q) else { return };
        let text = self.area.lines().join("");
        let cell = match c.kind {
            ColumnKind::Number => match read_number(&text, c.unit.as_deref()) {
                Ok(n) => Cell::Number(n.value),
                Err(_) => Cell::Text(text),
            },
            _ => Cell::Text(text),
        };
        self.set_cell(q, Some(cell));
    }

    fn go(&mut self, q: &Question, row: usize, col: usize) -> Outcome {
        self.row = row.min(self.rows.len() - 1);
        self.col = col.min(q.columns.len().saturating_sub(1));
        self.load_cell(q);
        Outcome::Moved
    }

    fn next_cell(&mut self, q: &Question) -> Outcome {
        if self.col + 1 < q.columns.len() {
            self.go(q, self.row, self.col + 1)
        } else if self.row + 1 < self.rows.len() {
            self.go(q, self.row + 1, 0)
        } else {
            Outcome::Moved
        }
    }

    fn prev_cell(&mut self, q: &Question) -> Outcome {
        if self.col > 0 {
            self.go(q, self.row, self.col - 1)
        } else if self.row > 0 {
            self.go(q, self.row - 1, q.columns.len().saturating_sub(1))
        } else {
            Outcome::Moved
        }
    }

    fn add_row(&mut self, q: &Question) -> Outcome {
        self.rows.insert(self.row + 1, Row::default());
        self.go(q, self.row + 1, 0)
    }

    fn remove_row(&mut self, q: &Question) -> Outcome {
        self.rows.remove(self.row);
        if self.rows.is_empty() {
            self.rows.push(Row::default());
        }
        let (row, col) = (self.row.min(self.rows.len() - 1), self.col);
        self.go(q, row, col);
        Outcome::Changed
    }

    /// ^Z / ^Y in a text or number cell: the cell's text a step back or forward.
    pub fn step(&mut self, q: &Question, back: bool) -> bool {
        if !self.is_text_cell(q) {
            return false;
        }
        let done = if back {
            self.area.undo()
        } else {
            self.area.redo()
        };
        if done {
            self.store_text(q);
        }
        done
    }

    // Longer than a screen: one arm per row of the grid's key table.
    pub fn handle(&mut self, q: &Question, action: FieldAction, key: KeyEvent) -> Outcome {
        if q.columns.is_empty() {
            return Outcome::Ignored;
        }
        let text_cell = self.is_text_cell(q);
        let (line, at) = (self.area.lines().join(""), self.area.cursor().1);
        match action {
            FieldAction::AddRow => return self.add_row(q),
            FieldAction::RemoveRow => return self.remove_row(q),
            FieldAction::Submit => {
                let last_row = self.row + 1 == self.rows.len();
                let blank = self.rows[self.row].is_empty();
                return match () {
                    // A blank last row ends the table, as an empty item ends a list.
                    _ if last_row && blank => Outcome::Submit,
                    _ if self.col + 1 < q.columns.len() || !last_row => self.next_cell(q),
                    _ => self.add_row(q),
                };
            }
            FieldAction::Up if self.row == 0 => return Outcome::Ignored,
            FieldAction::Up => return self.go(q, self.row - 1, self.col),
            FieldAction::Down if self.row + 1 >= self.rows.len() => return Outcome::Ignored,
            FieldAction::Down => return self.go(q, self.row + 1, self.col),
            FieldAction::Left if !text_cell || at == 0 => return self.prev_cell(q),
            FieldAction::Right if !text_cell || at >= line.chars().count() => {
                return self.next_cell(q);
            }
            // Inside a cell's text, ←→ move the cursor.
            FieldAction::Left | FieldAction::Right => {
                let edit = if action == FieldAction::Left {
                    ratatui_textarea::CursorMove::Back
                } else {
                    ratatui_textarea::CursorMove::Forward
                };
                self.area.move_cursor(edit);
                return Outcome::Moved;
            }
            _ => {}
        }
        let Some(column) = self.column(q) else {
            return Outcome::Ignored;
        };
        let typed = match key.code {
            KeyCode::Char(c) if action == FieldAction::Type => Some(c),
            _ => None,
        };
        let erase =
            action == FieldAction::Edit && matches!(key.code, KeyCode::Backspace | KeyCode::Delete);
        match column.kind {
            // A number cell keeps what is typed; the check says when it is not a number yet.
            ColumnKind::Text | ColumnKind::Number => self.edit(q, action, key),
            ColumnKind::YesNo => {
                let now = match self.cell(q) {
                    Some(Cell::Bool(b)) => Some(*b),
                    _ => None,
                };
                let value = match (action, typed) {
                    (_, Some('y' | 'Y')) => Some(true),
                    (_, Some('n' | 'N')) => Some(false),
                    (FieldAction::Toggle, _) => Some(!now.unwrap_or(false)),
                    _ if erase => None,
                    _ => return Outcome::Ignored,
                };
                self.set_cell(q, value.map(Cell::Bool));
                Outcome::Changed
            }
            ColumnKind::Choice => {
                let value = match (action, typed) {
                    (FieldAction::Toggle, _) => {
                        let now = match self.cell(q) {
                            Some(Cell::Text(v)) => {
                                column.choices.iter().position(|c| &c.value == v)
                            }
                            _ => None,
                        };
                        let next = now.map_or(0, |i| (i + 1) % column.choices.len());
                        column.choices.get(next).map(|c| c.value.clone())
                    }
                    (_, Some(c)) => match column.parse_cell(&c.to_string()) {
                        Ok(Some(Cell::Text(v))) => Some(v),
                        // A first letter picks the next choice whose label starts with it.
                        _ => first_letter(column, c, self.cell(q)),
                    },
                    _ if erase => None,
                    _ => return Outcome::Ignored,
                };
                if !erase && value.is_none() {
                    return Outcome::Moved;
                }
                self.set_cell(q, value.map(Cell::Text));
                Outcome::Changed
            }
        }
    }

    fn edit(&mut self, q: &Question, action: FieldAction, key: KeyEvent) -> Outcome {
        let outcome = edit_text(&mut self.area, action, key);
        if outcome == Outcome::Changed {
            self.store_text(q);
        }
        outcome
    }
    /// Pasted text: tab-separated cells from the focused one rightwards, a row a line (as a
    /// spreadsheet copies them). A cell that does not fit its column is kept as text.
    pub fn paste(&mut self, q: &Question, text: &str) -> Outcome {
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        if q.columns.is_empty() || lines.is_empty() {
            return Outcome::Ignored;
        }
        if lines.len() == 1 && !lines[0].contains('\t') && self.is_text_cell(q) {
            self.area.insert_str(lines[0].trim_end());
            self.store_text(q);
            return Outcome::Changed;
        }
        let start = self.col;
        for (n, line) in lines.iter().enumerate() {
            if n > 0 {
                self.rows.insert(self.row + 1, Row::default());
                self.row += 1;
            }
            for (k, piece) in line.split('\t').enumerate() {
                let Some(c) = q.columns.get(start + k) else {
                    break;
                };
                let cell = match c.parse_cell(piece) {
                    Ok(cell) => cell,
                    Err(_) => Some(Cell::Text(piece.trim().to_string())),
                };
                self.rows[self.row].set(&c.id, cell);
            }
        }
        self.load_cell(q);
        Outcome::Changed
    }
}

/// The choice after `now` whose label (or value) starts with `c`, wrapping round.
fn first_letter(column: &Column, c: char, now: Option<&Cell>) -> Option<String> {
    let c = c.to_lowercase().to_string();
    let n = column.choices.len();
    let at = match now {
        Some(Cell::Text(v)) => column.choices.iter().position(|x| &x.value == v),
        _ => None,
    };
    let start = at.map_or(0, |i| i + 1);
    (0..n)
        .map(|k| &column.choices[(start + k) % n])
        .find(|x| x.label().to_lowercase().starts_with(&c))
        .map(|x| x.value.clone())
}
