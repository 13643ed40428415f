//! The list widget's keys: edit the item under the cursor, add, move and remove items.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use super::{Outcome, edit_text, text_area};

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
    key: KeyEvent,
) -> Outcome {
    let moving = key
        .modifiers
        .intersects(KeyModifiers::ALT | KeyModifiers::CONTROL);
    let row_empty = area.lines().join("").is_empty();
    match key.code {
        KeyCode::Up | KeyCode::Down if moving && *cursor < items.len() => {
            commit_row(items, cursor, area);
            let to = if key.code == KeyCode::Up {
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
        KeyCode::Up => {
            if *cursor == 0 {
                return Outcome::Ignored;
            }
            commit_row(items, cursor, area);
            *cursor = cursor.saturating_sub(1);
            load_row(items, *cursor, area);
            Outcome::Changed
        }
        KeyCode::Down => {
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
        KeyCode::Enter => {
            if *cursor >= items.len() && row_empty {
                return Outcome::Submit;
            }
            commit_row(items, cursor, area);
            *cursor = items.len();
            load_row(items, *cursor, area);
            Outcome::Changed
        }
        KeyCode::Delete if *cursor < items.len() && (row_empty || moving) => {
            items.remove(*cursor);
            load_row(items, *cursor, area);
            Outcome::Changed
        }
        KeyCode::Backspace if row_empty && *cursor < items.len() => {
            items.remove(*cursor);
            *cursor = cursor.saturating_sub(1).min(items.len());
            load_row(items, *cursor, area);
            Outcome::Changed
        }
        _ => edit_text(area, key),
    }
}
