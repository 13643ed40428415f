//! The interview's pure logic: key mapping, navigation, conditions, validation, list editing.

use crate::common;

use common::*;
use kickoff::Answer;
use kickoff::tui::map_key;
use kickoff::tui::{App, Cmd, ItemKind, Msg, Overlay, Screen};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[test]
fn starts_on_the_first_unanswered_question_and_typing_saves() {
    let mut app = app_with(mini());
    assert_eq!(focused_id(&app), "name");
    let cmds = press(&mut app, key(KeyCode::Char('X')));
    assert_eq!(cmds, vec![Cmd::Save]);
    type_text(&mut app, "yz");
    assert_eq!(
        app.interview.session().answers["name"],
        Answer::Text("Xyz".into())
    );
    assert_eq!(app.interview.session().cursor.as_deref(), Some("name"));
}

#[test]
fn key_table_maps_intents() {
    let app = app_with(mini());
    assert!(matches!(
        map_key(&app, key(KeyCode::Tab)),
        Some(Msg::NextQuestion)
    ));
    assert!(matches!(
        map_key(&app, key(KeyCode::BackTab)),
        Some(Msg::PrevQuestion)
    ));
    assert!(matches!(
        map_key(&app, ctrl('r')),
        Some(Msg::Show(Screen::Review))
    ));
    assert!(matches!(
        map_key(&app, ctrl('o')),
        Some(Msg::Show(Screen::Export))
    ));
    assert!(matches!(map_key(&app, ctrl('q')), Some(Msg::Quit)));
    assert!(matches!(map_key(&app, ctrl('c')), Some(Msg::Quit)));
    assert!(matches!(
        map_key(&app, KeyEvent::new(KeyCode::Char('3'), KeyModifiers::ALT)),
        Some(Msg::GotoSection(2))
    ));
    assert!(matches!(
        map_key(&app, key(KeyCode::Char('q'))),
        Some(Msg::Input(_))
    ));
}

#[test]
fn enter_moves_on_and_conditional_questions_follow_the_answers() {
    let mut app = app_with(mini());
    type_text(&mut app, "Churn");
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(focused_id(&app), "task");
    // Regression: the positive rate question is not asked.
    press(&mut app, key(KeyCode::Down));
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(
        app.interview.session().answers["task"],
        Answer::Text("regression".into())
    );
    assert_eq!(
        focused_id(&app),
        "notes",
        "positive_rate is hidden for regression"
    );
    // Back to the task, choose classification: the question appears right after it.
    press(&mut app, key(KeyCode::BackTab));
    assert_eq!(focused_id(&app), "task");
    press(&mut app, key(KeyCode::Up));
    press(&mut app, key(KeyCode::Char(' ')));
    press(&mut app, key(KeyCode::Tab));
    assert_eq!(focused_id(&app), "positive_rate");
    type_text(&mut app, "0.05");
    assert_eq!(
        app.interview.session().answers["positive_rate"],
        Answer::Number(0.05)
    );
    // Regression again: hidden, but its answer is kept.
    send(&mut app, Msg::GotoQuestion("task".into()));
    press(&mut app, key(KeyCode::Down));
    press(&mut app, key(KeyCode::Char(' ')));
    let i = app
        .interview
        .bundle()
        .questionnaire
        .index_of("positive_rate")
        .unwrap();
    assert!(!app.interview.review().visible[i]);
    assert_eq!(
        app.interview.session().answers["positive_rate"],
        Answer::Number(0.05)
    );
    assert!(!app.interview.review().asked.contains_key("positive_rate"));
}

/// The mini questionnaire with a classification task, focused on the positive rate (a
/// fraction, 0 to 1) answered 0.04.
fn at_positive_rate() -> App {
    let mut app = app_with(mini());
    for (id, a) in [
        ("task", Answer::Text("classification".into())),
        ("positive_rate", Answer::Number(0.04)),
    ] {
        app.interview.set_answer(id, Some(a));
    }
    send(&mut app, Msg::GotoQuestion("positive_rate".into()));
    assert_eq!(focused_id(&app), "positive_rate");
    app
}

fn typed(app: &App) -> String {
    app.field.number_text().expect("a number field")
}

fn clear_typed(app: &mut App) {
    for _ in 0..typed(app).chars().count() {
        press(app, key(KeyCode::Backspace));
    }
}

#[test]
fn letters_in_a_number_stay_on_screen_with_the_reason_and_are_not_saved() {
    let mut app = at_positive_rate();
    clear_typed(&mut app);
    assert!(
        !app.interview
            .session()
            .answers
            .contains_key("positive_rate")
    );
    type_text(&mut app, "abc");
    assert_eq!(typed(&app), "abc", "what was typed is kept");
    // Not saved: the answer the field opened with stands, not the empty text on the way.
    assert_eq!(
        app.interview.session().answers["positive_rate"],
        Answer::Number(0.04)
    );
    let errors = app.field_errors();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("“abc” is not a number")
                && e.contains("(the saved answer stays 0.04)")),
        "{errors:?}"
    );
    // ^X clears on purpose: then nothing stands.
    press(&mut app, ctrl('x'));
    type_text(&mut app, "abc");
    assert!(
        !app.interview
            .session()
            .answers
            .contains_key("positive_rate")
    );
    assert!(
        app.field_errors().iter().any(|e| e.contains("(not saved)")),
        "{:?}",
        app.field_errors()
    );
    // Enter does not go on from a text that is not an answer.
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(focused_id(&app), "positive_rate");
    clear_typed(&mut app);
    type_text(&mut app, "0.3");
    assert_eq!(
        app.interview.session().answers["positive_rate"],
        Answer::Number(0.3)
    );
    type_text(&mut app, "x");
    assert_eq!(typed(&app), "0.3x");
    // "0.3" was a valid start on the way, not an answer given: after ^X nothing stands.
    assert!(
        !app.interview
            .session()
            .answers
            .contains_key("positive_rate")
    );
    assert!(
        app.field_errors()
            .iter()
            .any(|e| e.contains("“x” is not a suffix") && e.contains("(not saved)")),
        "{:?}",
        app.field_errors()
    );
    // Leaving and coming back: 0.3 typed again is the answer the field opens with.
    clear_typed(&mut app);
    type_text(&mut app, "0.3");
    press(&mut app, key(KeyCode::Enter));
    send(&mut app, Msg::GotoQuestion("positive_rate".into()));
    type_text(&mut app, "x");
    assert_eq!(
        app.interview.session().answers["positive_rate"],
        Answer::Number(0.3)
    );
}

#[test]
fn an_out_of_range_number_is_shown_not_saved_and_counts_as_open() {
    let mut app = at_positive_rate();
    let (answered, _) = app.answered_of_asked();
    press(&mut app, key(KeyCode::Home));
    type_text(&mut app, "7");
    assert_eq!(typed(&app), "70.04");
    assert_eq!(
        app.interview.session().answers["positive_rate"],
        Answer::Number(0.04)
    );
    assert!(
        app.field_errors()
            .iter()
            .any(|e| e.contains("70.04 is out of range: 0 to 1")),
        "{:?}",
        app.field_errors()
    );
    assert_eq!(
        app.answered_of_asked().0,
        answered - 1,
        "open in the header"
    );
    let review = app.review_items();
    assert!(
        review
            .iter()
            .any(|i| i.question.as_deref() == Some("positive_rate")
                && i.text.contains("70.04 is out of range")
                && i.text.contains("typed, not saved")),
        "open in the review"
    );
    // Away and back: the typed text is still there, and still open.
    send(&mut app, Msg::NextQuestion);
    send(&mut app, Msg::GotoQuestion("positive_rate".into()));
    assert_eq!(typed(&app), "70.04");
    assert_eq!(app.answered_of_asked().0, answered - 1);
    // Fixed: answered again, nothing left in the review.
    press(&mut app, key(KeyCode::Home));
    press(&mut app, key(KeyCode::Delete));
    assert_eq!(typed(&app), "0.04");
    assert_eq!(app.answered_of_asked().0, answered);
    assert!(
        app.review_items()
            .iter()
            .all(|i| !i.text.contains("not saved"))
    );
}

#[test]
fn a_percentage_in_a_fraction_is_read_as_hundredths_and_shown() {
    let mut app = at_positive_rate();
    clear_typed(&mut app);
    type_text(&mut app, "14%");
    assert_eq!(typed(&app), "14%");
    assert_eq!(
        app.interview.session().answers["positive_rate"],
        Answer::Number(0.14)
    );
    assert_eq!(app.field.read_as().as_deref(), Some("0.14"));
    assert!(app.field_errors().is_empty());
    press(&mut app, key(KeyCode::Enter));
    assert_ne!(focused_id(&app), "positive_rate", "Enter goes on");
}

#[test]
fn counts_take_suffixes_and_thousands_separators() {
    let mut app = app_with(builtin());
    send(&mut app, Msg::GotoQuestion("num_runs".into()));
    assert_eq!(focused_id(&app), "num_runs");
    type_text(&mut app, "1.2k");
    assert_eq!(
        app.interview.session().answers["num_runs"],
        Answer::Number(1200.0)
    );
    assert_eq!(app.field.read_as().as_deref(), Some("1200"));
    clear_typed(&mut app);
    type_text(&mut app, "2,500");
    assert_eq!(
        app.interview.session().answers["num_runs"],
        Answer::Number(2500.0)
    );
    type_text(&mut app, "0");
    assert!(
        app.field_errors()
            .iter()
            .any(|e| e.contains("group the digits by three")),
        "{:?}",
        app.field_errors()
    );
    // What stands is the answer the field opened with, not a valid start typed on the way
    // ("2,500" of "2,5000").
    // It opened with none.
    assert!(!app.interview.session().answers.contains_key("num_runs"));
    // Pasted, as typed.
    clear_typed(&mut app);
    send(&mut app, Msg::Paste("180k\n".into()));
    assert_eq!(typed(&app), "180k");
    assert!(
        app.field_errors()
            .iter()
            .any(|e| e.contains("180000 is out of range")),
        "{:?}",
        app.field_errors()
    );
    assert!(!app.interview.session().answers.contains_key("num_runs"));
}

#[test]
fn required_questions_may_be_left_and_show_up_in_the_review() {
    let mut app = app_with(mini());
    press(&mut app, key(KeyCode::Tab));
    assert_eq!(
        focused_id(&app),
        "task",
        "moving on from an empty required question is allowed"
    );
    let items = app.review_items();
    let open: Vec<_> = items
        .iter()
        .filter(|i| i.kind == ItemKind::Open)
        .map(|i| i.question.clone().unwrap())
        .collect();
    assert_eq!(open, vec!["name", "task"]);
    press(&mut app, ctrl('r'));
    assert_eq!(app.screen, Screen::Review);
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(app.screen, Screen::Interview);
    assert_eq!(focused_id(&app), "name");
}

#[test]
fn findings_join_the_review_and_follow_the_answers() {
    let mut app = app_with(mini());
    for (id, a) in [
        ("task", Answer::Text("classification".into())),
        ("positive_rate", Answer::Number(0.02)),
        ("metrics", Answer::List(vec!["accuracy".into()])),
    ] {
        app.interview.set_answer(id, Some(a));
    }
    let items = app.review_items();
    let blocker = items
        .iter()
        .find(|i| i.kind == ItemKind::Finding(kickoff::Severity::Blocker))
        .expect("a blocker");
    assert_eq!(blocker.question.as_deref(), Some("metrics"));
    assert!(
        blocker.text.contains("0.02"),
        "the message quotes the answer: {}",
        blocker.text
    );
    assert_eq!(
        app.findings_for("positive_rate").count(),
        0,
        "shown at the question it points at, not at each one the rule reads"
    );
}

#[test]
fn list_items_are_added_edited_moved_and_removed() {
    let mut app = app_with(mini());
    send(&mut app, Msg::GotoQuestion("tags".into()));
    for item in ["a", "b", "c"] {
        type_text(&mut app, item);
        press(&mut app, key(KeyCode::Enter));
    }
    assert_eq!(
        app.interview.session().answers["tags"],
        Answer::List(vec!["a".into(), "b".into(), "c".into()])
    );
    // Up twice: onto "b"; move it up; edit it.
    press(&mut app, key(KeyCode::Up));
    press(&mut app, key(KeyCode::Up));
    press(&mut app, KeyEvent::new(KeyCode::Up, KeyModifiers::ALT));
    assert_eq!(
        app.interview.session().answers["tags"],
        Answer::List(vec!["b".into(), "a".into(), "c".into()])
    );
    type_text(&mut app, "2");
    assert_eq!(
        app.interview.session().answers["tags"],
        Answer::List(vec!["b2".into(), "a".into(), "c".into()])
    );
    // Delete the row's text, then Backspace on the empty row removes it.
    press(&mut app, key(KeyCode::Backspace));
    press(&mut app, key(KeyCode::Backspace));
    press(&mut app, key(KeyCode::Backspace));
    assert_eq!(
        app.interview.session().answers["tags"],
        Answer::List(vec!["a".into(), "c".into()])
    );
    // Leave and come back: the new-item row is focused again. A fourth item is over max_items = 3.
    press(&mut app, key(KeyCode::Tab));
    press(&mut app, key(KeyCode::BackTab));
    assert_eq!(focused_id(&app), "tags");
    for item in ["d", "e"] {
        type_text(&mut app, item);
        press(&mut app, key(KeyCode::Enter));
    }
    assert!(
        app.field_errors()
            .iter()
            .any(|e| e.contains("at most 3 items")),
        "{:?}",
        app.field_errors()
    );
    // Enter on the empty new row moves to the next question.
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(focused_id(&app), "ab_test");
}

#[test]
fn yes_no_starts_from_its_default_y_and_n_answer_and_go_on() {
    let mut app = app_with(mini());
    send(&mut app, Msg::GotoQuestion("ab_test".into()));
    assert_eq!(
        app.interview.session().answers["ab_test"],
        Answer::Bool(false),
        "default applied when shown"
    );
    // Space toggles in place.
    press(&mut app, key(KeyCode::Char(' ')));
    assert_eq!(
        app.interview.session().answers["ab_test"],
        Answer::Bool(true)
    );
    assert_eq!(focused_id(&app), "ab_test");
    // One key answers and moves on.
    press(&mut app, key(KeyCode::Char('n')));
    assert_eq!(
        app.interview.session().answers["ab_test"],
        Answer::Bool(false)
    );
    assert_eq!(focused_id(&app), "metrics");
    send(&mut app, Msg::GotoQuestion("ab_test".into()));
    press(&mut app, key(KeyCode::Char('y')));
    assert_eq!(
        app.interview.session().answers["ab_test"],
        Answer::Bool(true)
    );
    assert_eq!(focused_id(&app), "metrics");
}

#[test]
fn a_single_choice_picked_with_enter_moves_on() {
    let mut app = app_with(mini());
    send(&mut app, Msg::GotoQuestion("task".into()));
    press(&mut app, key(KeyCode::Down));
    assert_eq!(focused_id(&app), "task", "arrows move within the choices");
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(
        app.interview.session().answers["task"],
        Answer::Text("regression".into())
    );
    assert_ne!(focused_id(&app), "task");
}

#[test]
fn long_text_enter_goes_on_alt_enter_and_ctrl_j_start_a_new_line_paste_keeps_lines() {
    let mut app = app_with(mini());
    send(&mut app, Msg::GotoQuestion("notes".into()));
    type_text(&mut app, "one");
    press(&mut app, KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT));
    type_text(&mut app, "two");
    press(&mut app, ctrl('j'));
    type_text(&mut app, "three");
    send(&mut app, Msg::Paste("\nfour\nfive".into()));
    assert_eq!(focused_id(&app), "notes", "new lines and a paste stay");
    assert_eq!(
        app.interview.session().answers["notes"],
        Answer::Text("one\ntwo\nthree\nfour\nfive".into())
    );
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(focused_id(&app), "tags", "Enter goes to the next question");
    assert_eq!(
        app.interview.session().answers["notes"],
        Answer::Text("one\ntwo\nthree\nfour\nfive".into())
    );
    // The help bar says both.
    send(&mut app, Msg::GotoQuestion("notes".into()));
    let bar = kickoff::tui::bar(&app);
    assert!(bar.contains(&("Enter", "next")), "{bar:?}");
    assert!(bar.contains(&("Alt+Enter/^J", "new line")), "{bar:?}");
}

#[test]
fn multi_choice_toggles_and_filters() {
    let mut app = app_with(mini());
    send(&mut app, Msg::GotoQuestion("metrics".into()));
    type_text(&mut app, "pr");
    let q = app.interview.focused().clone();
    assert_eq!(
        app.field.filtered(&q),
        vec![1],
        "typing filters the choices"
    );
    // Space while filtering is part of the filter; Enter ticks the match in place.
    press(&mut app, key(KeyCode::Char(' ')));
    assert!(!app.interview.session().answers.contains_key("metrics"));
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(
        app.interview.session().answers["metrics"],
        Answer::List(vec!["pr_auc".into()])
    );
    assert_eq!(
        focused_id(&app),
        "metrics",
        "Enter ticks in place while filtering"
    );
    // The filter is gone and the cursor still on the choice: Space toggles it.
    press(&mut app, key(KeyCode::Char(' ')));
    assert!(
        !app.interview.session().answers.contains_key("metrics"),
        "toggled off again"
    );
}

#[test]
fn paste_strips_newlines_in_one_line_fields_and_splits_list_items() {
    let mut app = app_with(mini());
    send(&mut app, Msg::Paste("first\nsecond".into()));
    assert_eq!(
        app.interview.session().answers["name"],
        Answer::Text("first second".into())
    );
    assert_eq!(focused_id(&app), "name", "a pasted newline does not submit");
    send(&mut app, Msg::GotoQuestion("tags".into()));
    send(&mut app, Msg::Paste("x\ny\n".into()));
    assert_eq!(
        app.interview.session().answers["tags"],
        Answer::List(vec!["x".into(), "y".into()])
    );
    send(&mut app, Msg::GotoQuestion("notes".into()));
    send(&mut app, Msg::Paste("line 1\nline 2".into()));
    assert_eq!(
        app.interview.session().answers["notes"],
        Answer::Text("line 1\nline 2".into())
    );
}

#[test]
fn sections_by_page_keys_picker_and_alt_digits() {
    let mut app = app_with(mini());
    press(&mut app, key(KeyCode::PageDown));
    assert_eq!(app.interview.section(), 1);
    press(&mut app, key(KeyCode::Tab));
    press(&mut app, key(KeyCode::PageUp));
    assert_eq!(focused_id(&app), "notes", "first to the top of the section");
    press(&mut app, key(KeyCode::PageUp));
    assert_eq!(app.interview.section(), 0);
    press(&mut app, ctrl('g'));
    assert_eq!(app.overlay, Some(Overlay::Picker { cursor: 0 }));
    press(&mut app, key(KeyCode::Char('2')));
    assert_eq!((app.overlay, app.interview.section()), (None, 1));
    press(
        &mut app,
        KeyEvent::new(KeyCode::Char('1'), KeyModifiers::ALT),
    );
    assert_eq!(app.interview.section(), 0);
}

#[test]
fn editor_round_trip_and_clear() {
    let mut app = app_with(mini());
    send(&mut app, Msg::GotoQuestion("notes".into()));
    type_text(&mut app, "draft");
    assert_eq!(press(&mut app, ctrl('e')), vec![Cmd::Edit("draft".into())]);
    send(
        &mut app,
        Msg::EditorDone(Ok("from the editor\nsecond line\n".into())),
    );
    assert_eq!(
        app.interview.session().answers["notes"],
        Answer::Text("from the editor\nsecond line".into())
    );
    send(&mut app, Msg::EditorDone(Err("vi exited with 1".into())));
    assert_eq!(
        app.interview.session().answers["notes"],
        Answer::Text("from the editor\nsecond line".into()),
        "a failed editor changes nothing"
    );
    assert!(
        app.banner
            .as_ref()
            .is_some_and(|b| b.is_error() && b.text.contains("vi exited"))
    );
    press(&mut app, ctrl('x'));
    assert!(!app.interview.session().answers.contains_key("notes"));
}

#[test]
fn quit_and_resume_returns_to_the_cursor() {
    let mut app = app_with(mini());
    send(&mut app, Msg::GotoQuestion("tags".into()));
    assert_eq!(
        press(&mut app, ctrl('q')),
        vec![Cmd::Quit],
        "saved already, when the answers changed"
    );
    let session = app.interview.session().clone();
    let resumed = kickoff::tui::App::new(mini(), session, "kickoff.toml".into());
    assert_eq!(resumed.interview.focused().id, "tags");
}

#[test]
fn export_renders_and_asks_the_runtime_to_write() {
    let mut app = app_with(mini());
    type_text(&mut app, "Doc test");
    press(&mut app, ctrl('o'));
    assert_eq!(app.screen, Screen::Export);
    assert!(
        app.export.preview.starts_with("---\ntitle: \"Doc test\"\n")
            && app.export.preview.contains("\n# Doc test: ML design doc\n"),
        "{}",
        app.export.preview
    );
    let cmds = press(&mut app, key(KeyCode::Enter));
    match &cmds[..] {
        [Cmd::Export { path, contents }] => {
            assert_eq!(path.to_str(), Some("kickoff.md"));
            assert!(contents.contains("Doc test"));
        }
        other => panic!("{other:?}"),
    }
    send(&mut app, Msg::Exported(Err("read-only".into())));
    assert!(matches!(app.export.result, Some(Err(_))));
}

#[test]
fn quitting_with_a_number_not_valid_says_so_once() {
    let mut app = at_positive_rate();
    type_text(&mut app, "x");
    press(&mut app, key(KeyCode::Tab));
    let cmds = press(&mut app, ctrl('q'));
    assert!(!cmds.contains(&kickoff::tui::Cmd::Quit), "{cmds:?}");
    let banner = app.banner.clone().expect("a banner");
    assert!(
        banner.is_error()
            && banner
                .text
                .contains("Not valid, so not saved: Positive rate? (`0.04x`)")
            && banner.text.contains("^Q again quits"),
        "{}",
        banner.text
    );
    assert!(press(&mut app, ctrl('q')).contains(&kickoff::tui::Cmd::Quit));
}

#[test]
fn a_text_with_a_length_limit_takes_no_more_than_it_may_keep() {
    let mut app = app_with(builtin());
    send(&mut app, Msg::GotoQuestion("plan_version".into()));
    let max = app.interview.focused().max_length.expect("a limit");
    press(&mut app, ctrl('x'));
    send(&mut app, Msg::Paste("x".repeat(max + 25)));
    let saved = app.interview.session().answers["plan_version"].to_string();
    assert_eq!(saved.chars().count(), max, "what fits is kept and saved");
    let banner = app.banner.clone().expect("a banner").text;
    assert!(
        banner.contains("25 characters of the paste did not fit"),
        "{banner}"
    );
    type_text(&mut app, "y");
    assert_eq!(
        app.interview.session().answers["plan_version"].to_string(),
        saved
    );
    assert!(
        app.banner
            .clone()
            .unwrap()
            .text
            .contains("that one was not typed")
    );
    // Below the limit, typing goes on as usual; the answer is always one `render` takes.
    press(&mut app, key(KeyCode::Backspace));
    type_text(&mut app, "z");
    assert!(
        app.interview.session().answers["plan_version"]
            .to_string()
            .ends_with('z')
    );
    assert!(app.field_errors().is_empty(), "{:?}", app.field_errors());
}
