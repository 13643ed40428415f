//! The interview's feel: fuzzy filtering that keeps the place, progress that holds still,
//! panes that give way to the answer, and the mouse.

mod common;

use common::*;
use kickoff::tui::{App, Msg};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;

fn draw(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| kickoff::tui::view(app, f)).unwrap();
    terminal.backend().to_string()
}

/// The choice under the cursor, by id.
fn under_cursor(app: &App) -> String {
    let q = app.interview.focused().clone();
    let kickoff::tui::Field::Choice { cursor, .. } = &app.field else {
        panic!("not a choice: {}", q.id);
    };
    q.choices[app.field.filtered(&q)[*cursor]].value.clone()
}

#[test]
fn fuzzy_filter_ranks_by_score_and_matches_ids() {
    let mut app = app_with(builtin());
    send(&mut app, Msg::GotoQuestion("primary_metric".into()));
    let q = app.interview.focused().clone();
    // Letters in order, not a substring: "prauc" finds PR-AUC.
    type_text(&mut app, "prauc");
    let shown = app.field.filtered(&q);
    assert!(!shown.is_empty());
    assert_eq!(q.choices[shown[0]].value, "pr_auc", "best match first");
    assert!(shown.len() < q.choices.len(), "the filter leaves fewer");
    // Esc clears the filter; the choice stays under the cursor in the whole list.
    press(&mut app, key(KeyCode::Esc));
    assert_eq!(app.field.filtered(&q).len(), q.choices.len());
    assert_eq!(under_cursor(&app), "pr_auc", "the place is kept");
}

#[test]
fn backspace_widens_the_filter_and_keeps_the_choice() {
    let mut app = app_with(builtin());
    send(&mut app, Msg::GotoQuestion("primary_metric".into()));
    type_text(&mut app, "rec");
    press(&mut app, key(KeyCode::Down));
    let picked = under_cursor(&app);
    press(&mut app, key(KeyCode::Backspace));
    assert_eq!(under_cursor(&app), picked);
    press(&mut app, key(KeyCode::Backspace));
    press(&mut app, key(KeyCode::Backspace));
    assert_eq!(under_cursor(&app), picked, "an empty filter still keeps it");
}

#[test]
fn cancelling_a_critique_is_not_shown_as_a_failure() {
    use kickoff::llm::{LlmError, StreamEvent};
    let mut app = app_with(mini());
    press(&mut app, ctrl('l'));
    for event in [
        StreamEvent::Failed(LlmError::Cancelled),
        StreamEvent::Failed(LlmError::Other("boom".into())),
    ] {
        let failure = !matches!(event, StreamEvent::Failed(LlmError::Cancelled));
        let at = "2026-12-01T00:00:00Z".to_string();
        send(&mut app, Msg::CritiqueEvent { event, at });
        let (text, is_error) = app.critique.note.clone().expect("a note");
        assert_eq!(is_error, failure, "{text}");
    }
}

#[test]
fn with_no_llm_configured_the_critique_screen_says_how_to_set_one_up() {
    let mut app = app_with(mini());
    app.critique.unconfigured = Some("No API key is set: set OPENAI_API_KEY".into());
    press(&mut app, ctrl('l'));
    let bar = kickoff::tui::bar(&app);
    assert!(
        !bar.iter().any(|(_, what)| what.starts_with("ask")),
        "nothing to ask: {bar:?}"
    );
    assert!(draw(&app, 100, 30).contains("No API key is set: set OPENAI_API_KEY"));
}
