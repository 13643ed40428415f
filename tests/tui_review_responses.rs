//! The TUI's side of issue-11 work: exclusive choices in a multiple choice, and responses to
//! findings set on the review screen, driven through the real key table.

mod common;

use common::*;
use kickoff::Answer;
use kickoff::tui::Msg;
use ratatui::crossterm::event::KeyCode;

fn answer(app: &kickoff::tui::App, id: &str) -> Option<Answer> {
    app.interview.session.answers.get(id).cloned()
}

fn list(items: &[&str]) -> Option<Answer> {
    Some(Answer::List(items.iter().map(|s| s.to_string()).collect()))
}

#[test]
fn an_exclusive_choice_clears_the_others_and_is_cleared_by_them() {
    let mut app = app_with(builtin());
    send(&mut app, Msg::GotoQuestion("baselines".into()));
    assert_eq!(focused_id(&app), "baselines");
    // The cursor starts on "None yet": tick it, then a real baseline.
    press(&mut app, key(KeyCode::Char(' ')));
    assert_eq!(answer(&app, "baselines"), list(&["none"]));
    press(&mut app, key(KeyCode::Down));
    press(&mut app, key(KeyCode::Char(' ')));
    assert_eq!(
        answer(&app, "baselines"),
        list(&["constant"]),
        "none cleared"
    );
    press(&mut app, key(KeyCode::Down));
    press(&mut app, key(KeyCode::Down));
    press(&mut app, key(KeyCode::Char(' ')));
    assert_eq!(
        answer(&app, "baselines"),
        list(&["constant", "current_heuristic"])
    );
    press(&mut app, key(KeyCode::Home));
    press(&mut app, key(KeyCode::Char(' ')));
    assert_eq!(
        answer(&app, "baselines"),
        list(&["none"]),
        "the others cleared"
    );
    // The no-baseline blocker follows the answer.
    let rules: Vec<&str> = app
        .interview
        .review
        .findings
        .iter()
        .map(|f| f.rule.as_str())
        .collect();
    assert!(rules.contains(&"no-baseline"), "{rules:?}");
}
