//! The readout form's keys: one table for the mapping and the help bar. Keys not in it go to
//! the focused item's widget (the interview's own: text, yes/no, a list, the records grid,
//! where Enter goes to the next cell, ^N adds a row and ^D removes one).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::form::Item;
use super::update::{Msg, ReadoutApp};
use crate::tui::Motion;

/// A key to a message, or `None` for a key that means nothing here.
pub fn map_key(app: &ReadoutApp, key: KeyEvent) -> Option<Msg> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char('q') if ctrl => return Some(Msg::Quit),
        KeyCode::Char('o') if ctrl => return Some(Msg::ToggleDoc),
        _ => {}
    }
    if app.doc.is_some() {
        return match key.code {
            KeyCode::Esc | KeyCode::Char('q') => Some(Msg::ToggleDoc),
            KeyCode::Up | KeyCode::Char('k') => Some(Msg::Scroll(Motion::Up)),
            KeyCode::Down | KeyCode::Char('j') => Some(Msg::Scroll(Motion::Down)),
            KeyCode::PageUp => Some(Msg::Scroll(Motion::PageUp)),
            KeyCode::PageDown | KeyCode::Char(' ') => Some(Msg::Scroll(Motion::PageDown)),
            KeyCode::Home => Some(Msg::Scroll(Motion::Home)),
            KeyCode::End => Some(Msg::Scroll(Motion::End)),
            _ => None,
        };
    }
    match key.code {
        KeyCode::Esc => return Some(Msg::Quit),
        KeyCode::Tab => return Some(Msg::Next),
        KeyCode::BackTab => return Some(Msg::Prev),
        _ => {}
    }
    if app.form.item() == Item::Kind {
        let rate = app.form.rate;
        return match key.code {
            KeyCode::Char('r') => Some(Msg::SetRate(true)),
            KeyCode::Char('m') => Some(Msg::SetRate(false)),
            KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right => Some(Msg::SetRate(!rate)),
            KeyCode::Enter | KeyCode::Down => Some(Msg::Next),
            KeyCode::Up => Some(Msg::Prev),
            _ => None,
        };
    }
    Some(Msg::Input(key))
}

/// The help bar: the keys of the screen shown.
pub fn bar(app: &ReadoutApp) -> Vec<(&'static str, &'static str)> {
    if app.doc.is_some() {
        return vec![
            ("↑↓ PgUp PgDn", "scroll"),
            ("Esc ^O", "back to the form"),
            ("^Q", "save and quit"),
        ];
    }
    let mut keys = vec![("Tab S-Tab", "next / previous")];
    match app.form.item() {
        Item::Kind => keys.push(("r m Space", "rate or mean")),
        Item::Arms | Item::Guardrails | Item::Holdout => {
            keys.push(("Enter", "next cell"));
            keys.push(("^N ^D", "add / remove row"));
        }
        Item::LookedEarly => keys.push(("y n", "yes / no")),
        _ => {}
    }
    keys.push(("^O", "readout doc"));
    keys.push(("^Q", "save and quit"));
    keys
}
