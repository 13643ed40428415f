//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use kickoff::tui::app::{App, Msg, update};
use kickoff::{Bundle, Session};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn mini() -> Bundle {
    Bundle::load(&root().join("tests/fixtures/mini.toml")).expect("the mini fixture loads")
}

pub fn builtin() -> Bundle {
    Bundle::builtin("ml-experiment")
        .expect("built in")
        .expect("the built-in questionnaire loads")
}

/// An app on a fresh session of `bundle`.
pub fn app_with(bundle: Bundle) -> App {
    let session = Session::new(&bundle.questionnaire);
    let mut app = App::new(bundle, session, PathBuf::from("kickoff.toml"));
    app.color = false;
    app
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// Sends a key through the real key table, as the runtime does.
pub fn press(app: &mut App, ev: KeyEvent) -> Vec<kickoff::tui::app::Cmd> {
    match kickoff::tui::keys::map_key(app, ev) {
        Some(msg) => update(app, msg),
        None => Vec::new(),
    }
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, key(KeyCode::Char(c)));
    }
}

pub fn send(app: &mut App, msg: Msg) -> Vec<kickoff::tui::app::Cmd> {
    update(app, msg)
}

pub fn focused_id(app: &App) -> String {
    app.focused().id.clone()
}

pub fn example(name: &str) -> PathBuf {
    root().join("examples").join(name)
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kickoff"))
}

pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}
