//! The number field's part: what stands while the text typed is not a valid answer, and
//! the keys (every key types; Enter goes on only from a valid answer).

use ratatui::crossterm::event::KeyEvent;
use ratatui_textarea::TextArea;

use super::undo::History;
use super::{Field, Outcome, edit_grouped, text_area};
use crate::answer::format_number;
use crate::questionnaire::NumberSpec;
use crate::tui::keys::FieldAction;

impl Field {
    /// Why the typed text is not a valid answer yet, and what stays saved meanwhile.
    pub fn pending_error(&self) -> Option<String> {
        let Field::Number {
            area, last, spec, ..
        } = self
        else {
            return None;
        };
        let why = spec.read(&area.lines().join("")).err()?;
        Some(match last {
            Some(n) => format!("{why} (the saved answer stays {})", format_number(*n)),
            None => format!("{why} (not saved)"),
        })
    }

    /// How a number typed in a notation was read (`180k` → `180,000`).
    pub fn read_as(&self) -> Option<String> {
        let Field::Number { area, spec, .. } = self else {
            return None;
        };
        spec.read(&area.lines().join("")).ok()??.read_as
    }

    /// The text typed into a number field, when it is not a valid answer (kept while the
    /// user is elsewhere, never saved).
    pub fn number_draft(&self) -> Option<String> {
        match self {
            Field::Number { area, .. } if self.pending_error().is_some() => {
                Some(area.lines().join(""))
            }
            _ => None,
        }
    }

    /// The text in a number field, exactly as typed.
    pub fn number_text(&self) -> Option<String> {
        match self {
            Field::Number { area, .. } => Some(area.lines().join("")),
            _ => None,
        }
    }

    /// Puts back a number's text typed earlier that was not valid.
    pub fn set_number_draft(&mut self, text: &str) {
        if let Field::Number { area, .. } = self {
            *area = text_area(text, area.placeholder_text(), false);
        }
    }
}

/// Every key types as in a text; Enter goes on only from a valid answer (or none), so the
/// reason stays in view while the text is not one.
pub(super) fn handle_number(
    area: &mut TextArea<'static>,
    spec: &NumberSpec,
    history: &mut History,
    action: FieldAction,
    key: KeyEvent,
) -> Outcome {
    match action {
        FieldAction::Submit if spec.read(&area.lines().join("")).is_err() => Outcome::Moved,
        FieldAction::Submit => Outcome::Submit,
        _ => edit_grouped(area, history, action, key),
    }
}
