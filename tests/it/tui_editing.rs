//! Editing an answer: undo by words, ^X that ^Z takes back (and the file with it), readline's
//! keys in text, and help on keys that never collide with typing.

use crate::common;

use common::*;
use kickoff::Answer;
use kickoff::tui::{App, Cmd, Msg, Overlay, Screen};
use ratatui::crossterm::event::KeyCode;

fn answer(app: &App, id: &str) -> Option<Answer> {
    app.interview.session().answers.get(id).cloned()
}

fn text(s: &str) -> Option<Answer> {
    Some(Answer::Text(s.into()))
}

#[test]
fn undo_takes_back_a_word_at_a_time() {
    let mut app = app_with(mini());
    type_text(&mut app, "churn model v2");
    let cmds = press(&mut app, ctrl('z'));
    assert_eq!(
        answer(&app, "name"),
        text("churn model "),
        "one ^Z, one word"
    );
    assert!(cmds.contains(&Cmd::Save), "the file follows");
    press(&mut app, ctrl('z'));
    assert_eq!(answer(&app, "name"), text("churn "));
    press(&mut app, ctrl('y'));
    assert_eq!(answer(&app, "name"), text("churn model "));
    // Backspaces in a row are one step too.
    for _ in 0..6 {
        press(&mut app, key(KeyCode::Backspace));
    }
    assert_eq!(answer(&app, "name"), text("churn "));
    press(&mut app, ctrl('z'));
    assert_eq!(answer(&app, "name"), text("churn model "));
}

#[test]
fn clearing_a_text_is_one_step_that_undo_takes_back_and_saves() {
    let mut app = app_with(mini());
    send(&mut app, Msg::GotoQuestion("notes".into()));
    type_text(&mut app, "line one");
    press(&mut app, ctrl('j'));
    type_text(&mut app, "line two");
    let cmds = press(&mut app, ctrl('x'));
    assert!(cmds.contains(&Cmd::Save));
    assert_eq!(answer(&app, "notes"), None);
    let cmds = press(&mut app, ctrl('z'));
    assert!(cmds.contains(&Cmd::Save), "the file follows the undo");
    assert_eq!(answer(&app, "notes"), text("line one\nline two"));
    press(&mut app, ctrl('y'));
    assert_eq!(answer(&app, "notes"), None, "redo clears again");
}

/// The mini questionnaire on a classification task, focused on its positive rate (a fraction).
fn at_positive_rate() -> App {
    let mut app = app_with(mini());
    app.interview
        .set_answer("task", Some(Answer::Text("classification".into())));
    send(&mut app, Msg::GotoQuestion("positive_rate".into()));
    app
}

#[test]
fn clearing_a_number_is_undone_too() {
    let mut app = at_positive_rate();
    type_text(&mut app, "0.05");
    press(&mut app, ctrl('x'));
    assert_eq!(answer(&app, "positive_rate"), None);
    press(&mut app, ctrl('z'));
    assert_eq!(answer(&app, "positive_rate"), Some(Answer::Number(0.05)));
}

#[test]
fn clearing_a_choice_a_yes_no_or_a_list_is_undone_by_the_next_undo() {
    let mut app = app_with(mini());
    send(&mut app, Msg::GotoQuestion("metrics".into()));
    press(&mut app, key(KeyCode::Char(' ')));
    let picked = answer(&app, "metrics");
    assert!(picked.is_some());
    press(&mut app, ctrl('x'));
    assert_eq!(answer(&app, "metrics"), None);
    let cmds = press(&mut app, ctrl('z'));
    assert!(cmds.contains(&Cmd::Save));
    assert_eq!(answer(&app, "metrics"), picked);
    assert_eq!(focused_id(&app), "metrics");

    send(&mut app, Msg::GotoQuestion("ab_test".into()));
    press(&mut app, key(KeyCode::Char(' ')));
    assert_eq!(answer(&app, "ab_test"), Some(Answer::Bool(true)));
    press(&mut app, ctrl('x'));
    assert_eq!(answer(&app, "ab_test"), None);
    press(&mut app, ctrl('z'));
    assert_eq!(answer(&app, "ab_test"), Some(Answer::Bool(true)));

    send(&mut app, Msg::GotoQuestion("tags".into()));
    send(&mut app, Msg::Paste("a\nb\n".into()));
    press(&mut app, ctrl('x'));
    assert_eq!(answer(&app, "tags"), None);
    press(&mut app, ctrl('z'));
    assert_eq!(
        answer(&app, "tags"),
        Some(Answer::List(vec!["a".into(), "b".into()]))
    );
    // A change after the clear is kept: ^Z no longer brings the old answer back.
    press(&mut app, ctrl('x'));
    send(&mut app, Msg::Paste("c\n".into()));
    press(&mut app, ctrl('z'));
    assert_ne!(
        answer(&app, "tags"),
        Some(Answer::List(vec!["a".into(), "b".into()]))
    );
}

#[test]
fn readline_keys_in_one_line_answers() {
    let mut app = app_with(mini());
    type_text(&mut app, "churn model v2");
    press(&mut app, ctrl('w'));
    assert_eq!(answer(&app, "name"), text("churn model "));
    press(&mut app, ctrl('a'));
    type_text(&mut app, "new ");
    assert_eq!(answer(&app, "name"), text("new churn model "));
    press(&mut app, key(KeyCode::End));
    press(&mut app, ctrl('u'));
    assert_eq!(answer(&app, "name"), None, "^U clears to the start");
    press(&mut app, ctrl('z'));
    assert_eq!(answer(&app, "name"), text("new churn model "));
    // ^E stays the editor.
    assert_eq!(
        press(&mut app, ctrl('e')),
        vec![Cmd::Edit("new churn model ".into())]
    );
}

#[test]
fn ctrl_u_clears_the_export_path() {
    let mut app = app_with(mini());
    press(&mut app, ctrl('o'));
    assert_eq!(app.screen, Screen::Export);
    assert!(!app.export_path().as_os_str().is_empty());
    press(&mut app, ctrl('u'));
    assert!(app.export_path().as_os_str().is_empty());
    type_text(&mut app, "doc.md");
    assert_eq!(app.export_path(), std::path::PathBuf::from("doc.md"));
}

#[test]
fn help_is_on_f1_and_on_question_mark_only_where_nothing_is_typed() {
    let mut app = app_with(mini());
    type_text(&mut app, "abc");
    // Many terminals send ^H for Backspace: it deletes, never opens the help.
    press(&mut app, ctrl('h'));
    assert_eq!(app.overlay, None);
    assert_eq!(answer(&app, "name"), text("ab"));
    type_text(&mut app, "?");
    assert_eq!(app.overlay, None, "? is text in a text answer");
    assert_eq!(answer(&app, "name"), text("ab?"));
    press(&mut app, key(KeyCode::F(1)));
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })));
    press(&mut app, key(KeyCode::Esc));
    assert_eq!(app.overlay, None);
    send(&mut app, Msg::GotoQuestion("ab_test".into()));
    type_text(&mut app, "?");
    assert!(
        matches!(app.overlay, Some(Overlay::Help { .. })),
        "nothing is typed on a yes/no"
    );
    press(&mut app, key(KeyCode::Esc));
    press(&mut app, ctrl('r'));
    type_text(&mut app, "?");
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })), "review");
    // The help lists the editing keys.
    let groups = kickoff::tui::help_groups();
    let editing = groups
        .iter()
        .find(|(t, _)| t.starts_with("Editing text"))
        .unwrap();
    assert!(editing.1.iter().any(|(k, _)| *k == "^W"));
}

#[test]
fn the_export_says_which_typed_numbers_are_not_in_the_doc() {
    let mut app = at_positive_rate();
    type_text(&mut app, "0.05");
    press(&mut app, KeyCode::Tab.into());
    send(&mut app, Msg::GotoQuestion("positive_rate".into()));
    press(&mut app, ctrl('u'));
    type_text(&mut app, "14 pct");
    press(&mut app, KeyCode::Tab.into());
    press(&mut app, ctrl('o'));
    assert_eq!(app.screen, Screen::Export);
    let screen = {
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(200, 30)).unwrap();
        terminal.draw(|f| kickoff::tui::view(&app, f)).unwrap();
        terminal.backend().to_string()
    };
    assert!(
        screen.contains("Not in the doc, typed but not valid: Positive rate? (“14 pct”"),
        "{screen}"
    );
    // The doc holds the last valid answer saved while typing, not the text typed.
    assert!(matches!(
        answer(&app, "positive_rate"),
        Some(Answer::Number(_))
    ));
    assert!(!app.export.preview.contains("14 percent"));
}

#[test]
fn the_quit_warning_goes_once_the_number_is_fixed_and_comes_back_for_a_new_one() {
    let mut app = at_positive_rate();
    type_text(&mut app, "0.04x");
    let cmds = press(&mut app, ctrl('q'));
    assert!(!cmds.contains(&Cmd::Quit), "warned first: {cmds:?}");
    assert!(
        app.banner
            .as_ref()
            .is_some_and(|b| b.text.contains("`0.04x`"))
    );

    // Fixed: the warning is no longer true, so it goes.
    press(&mut app, key(KeyCode::Backspace));
    assert_eq!(answer(&app, "positive_rate"), Some(Answer::Number(0.04)));
    assert_eq!(app.banner, None, "a warning about a number since fixed");

    // A new number that is not valid is warned about again, not dropped at the first ^Q.
    type_text(&mut app, "z");
    let cmds = press(&mut app, ctrl('q'));
    assert!(!cmds.contains(&Cmd::Quit), "{cmds:?}");
    assert!(
        app.banner
            .as_ref()
            .is_some_and(|b| b.text.contains("`0.04z`"))
    );
    assert!(
        press(&mut app, ctrl('q')).contains(&Cmd::Quit),
        "^Q again quits"
    );
}

#[test]
fn the_cleared_note_goes_once_undone() {
    let mut app = at_positive_rate();
    type_text(&mut app, "0.05");
    press(&mut app, ctrl('x'));
    assert!(
        app.banner
            .as_ref()
            .is_some_and(|b| b.text.starts_with("Cleared"))
    );
    press(&mut app, ctrl('z'));
    assert_eq!(answer(&app, "positive_rate"), Some(Answer::Number(0.05)));
    assert_eq!(app.banner, None, "^Z has brought it back");
}
