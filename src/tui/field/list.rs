//! The list widget's keys: edit the item under the cursor, add, move and remove items.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui_textarea::TextArea;

use super::{Outcome, edit_text, text_area};
use crate::tui::keys::FieldAction;

pub(super) fn commit_row(items: &mut Vec<String>, cursor: &mut usize, area: &TextArea<'static>) {
    let row = area.lines().join("").trim().to_string();
    if *cursor < items.len() {
        if row.is_empty() {
            items.remove(*cursor);
        } else {
            items[*cursor] = row;
        }
    } else if !row.is_empty() {
        items.push(row);
        *cursor = items.len() - 1;
    }
}

fn load_row(items: &[String], cursor: usize, area: &mut TextArea<'static>) {
    let text = items.get(cursor).cloned().unwrap_or_default();
    let placeholder = area.placeholder_text().to_string();
    *area = text_area(&text, &placeholder, false);
}

pub(super) fn handle_list(
    items: &mut Vec<String>,
    cursor: &mut usize,
    area: &mut TextArea<'static>,
    action: FieldAction,
    key: KeyEvent,
) -> Outcome {
    let row_empty = area.lines().join("").is_empty();
    match action {
        FieldAction::MoveItemUp | FieldAction::MoveItemDown if *cursor < items.len() => {
            commit_row(items, cursor, area);
            let to = if action == FieldAction::MoveItemUp {
                cursor.checked_sub(1)
            } else {
                Some(*cursor + 1)
            };
            match to {
                Some(to) if to < items.len() => {
                    items.swap(*cursor, to);
                    *cursor = to;
                    load_row(items, *cursor, area);
                    Outcome::Changed
                }
                _ => Outcome::Moved,
            }
        }
        // On the new item's row there is nothing to move: as ↑↓.
        FieldAction::MoveItemUp => handle_list(items, cursor, area, FieldAction::Up, key),
        FieldAction::MoveItemDown => handle_list(items, cursor, area, FieldAction::Down, key),
        FieldAction::Up => {
            if *cursor == 0 {
                return Outcome::Ignored;
            }
            commit_row(items, cursor, area);
            *cursor = cursor.saturating_sub(1);
            load_row(items, *cursor, area);
            Outcome::Changed
        }
        FieldAction::Down => {
            if *cursor >= items.len() {
                return Outcome::Ignored;
            }
            let had = items.len();
            commit_row(items, cursor, area);
            if items.len() == had {
                *cursor += 1;
            }
            load_row(items, *cursor, area);
            Outcome::Changed
        }
        FieldAction::Submit => {
            if *cursor >= items.len() && row_empty {
                return Outcome::Submit;
            }
            commit_row(items, cursor, area);
            *cursor = items.len();
            load_row(items, *cursor, area);
            Outcome::Changed
        }
        FieldAction::RemoveItem if *cursor < items.len() => {
            items.remove(*cursor);
            load_row(items, *cursor, area);
            Outcome::Changed
        }
        FieldAction::RemoveItem => Outcome::Moved,
        FieldAction::Edit if key.code == KeyCode::Delete && row_empty && *cursor < items.len() => {
            items.remove(*cursor);
            load_row(items, *cursor, area);
            Outcome::Changed
        }
        FieldAction::Edit
            if key.code == KeyCode::Backspace && row_empty && *cursor < items.len() =>
        {
            items.remove(*cursor);
            *cursor = cursor.saturating_sub(1).min(items.len());
            load_row(items, *cursor, area);
            Outcome::Changed
        }
        _ => edit_text(area, action, key),
    }
}
