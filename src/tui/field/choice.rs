//! The choice widget's keys: move, filter by typing, select or toggle.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::Outcome;
use crate::questionnaire::Question;

/// A choice widget's parts, borrowed from the field while it handles a key.
pub(super) struct ChoiceState<'a> {
    pub filter: &'a mut String,
    pub cursor: &'a mut usize,
    pub multi: bool,
    pub selected: &'a mut Vec<String>,
}

impl ChoiceState<'_> {
    /// `shown`: the choices the filter leaves, as indices into `q.choices`.
    pub fn handle(&mut self, q: &Question, shown: &[usize], key: KeyEvent) -> Outcome {
        let n = shown.len();
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match key.code {
            KeyCode::Up if n > 0 => *self.cursor = (*self.cursor + n - 1) % n,
            KeyCode::Down if n > 0 => *self.cursor = (*self.cursor + 1) % n,
            KeyCode::Home => *self.cursor = 0,
            KeyCode::End => *self.cursor = n.saturating_sub(1),
            KeyCode::Char(' ') | KeyCode::Enter if n > 0 => {
                let value = q.choices[shown[(*self.cursor).min(n - 1)]].value.clone();
                return self.pick(q, value, key.code == KeyCode::Enter);
            }
            KeyCode::Enter => return Outcome::Submit,
            KeyCode::Backspace if !self.filter.is_empty() => {
                self.filter.pop();
                *self.cursor = 0;
            }
            KeyCode::Esc if !self.filter.is_empty() => self.filter.clear(),
            KeyCode::Char(c) if plain && c != ' ' => {
                self.filter.push(c);
                *self.cursor = 0;
            }
            _ => return Outcome::Ignored,
        }
        Outcome::Moved
    }

    /// Space toggles (multiple choice) or selects; Enter selects and moves on (a multiple
    /// choice keeps what is ticked).
    fn pick(&mut self, q: &Question, value: String, submit: bool) -> Outcome {
        if self.multi {
            if submit {
                return Outcome::Submit;
            }
            // An exclusive choice ("None yet") clears the others, and another clears it.
            q.toggle_choice(self.selected, &value);
            return Outcome::Changed;
        }
        // The filter did its job; show the whole list around the choice.
        self.filter.clear();
        *self.cursor = q.choices.iter().position(|c| c.value == value).unwrap_or(0);
        *self.selected = vec![value];
        if submit {
            Outcome::Submit
        } else {
            Outcome::Changed
        }
    }
}
