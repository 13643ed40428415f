//! Input that keeps up with the keys (issue 30): defaults, undo across the session, keys typed
//! ahead of a question a condition inserted, y/n on choices worded so, two-digit sections,
//! the grid's room; and what the screen counts and marks.

use crate::common;

use common::*;
use kickoff::tui::{App, Msg, Overlay, Screen};
use kickoff::{Answer, Kind};
use ratatui::crossterm::event::KeyCode;

fn answer(app: &App, id: &str) -> Option<Answer> {
    app.interview.session().answers.get(id).cloned()
}

fn goto(app: &mut App, id: &str) {
    send(app, Msg::GotoQuestion(id.into()));
    assert_eq!(focused_id(app), id);
}

#[test]
fn a_default_shows_as_one_typing_replaces_it_and_enter_keeps_it() {
    let mut app = app_with(builtin());
    goto(&mut app, "plan_version");
    assert_eq!(answer(&app, "plan_version"), Some(text("0.1")));
    assert!(app.showing_default, "the default is shown as a default");
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("0.1 (default: Enter keeps it"), "{screen}");
    type_text(&mut app, "0.1");
    assert_eq!(
        answer(&app, "plan_version"),
        Some(text("0.1")),
        "not 0.10.1"
    );
    type_text(&mut app, "2");
    assert_eq!(answer(&app, "plan_version"), Some(text("0.12")));

    // Enter keeps the default and goes on.
    let mut app = app_with(builtin());
    goto(&mut app, "plan_version");
    press(&mut app, key(KeyCode::Enter));
    assert_ne!(focused_id(&app), "plan_version");
    assert_eq!(answer(&app, "plan_version"), Some(text("0.1")));

    // A key that edits (Backspace) takes the default as the text to edit.
    let mut app = app_with(builtin());
    goto(&mut app, "plan_version");
    press(&mut app, key(KeyCode::Backspace));
    assert!(!app.showing_default);
    assert_eq!(answer(&app, "plan_version"), Some(text("0.")));
}

#[test]
fn undo_takes_back_a_yes_no_a_choice_and_a_text_left_behind() {
    let mut app = app_with(mini());
    type_text(&mut app, "Alpha");
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(focused_id(&app), "task");
    // A choice just made (Enter picks and goes on): ^Z takes it back, focus and all.
    press(&mut app, key(KeyCode::Down));
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(answer(&app, "task"), Some(text("regression")));
    assert_ne!(focused_id(&app), "task");
    let cmds = press(&mut app, ctrl('z'));
    assert!(cmds.contains(&kickoff::tui::Cmd::Save), "the undo is saved");
    assert_eq!(answer(&app, "task"), None);
    assert_eq!(focused_id(&app), "task");
    // ^Y puts it again.
    press(&mut app, ctrl('y'));
    assert_eq!(answer(&app, "task"), Some(text("regression")));
    // The text left behind: its answer goes back to what it was before it was typed, in one
    // step once its own steps are gone.
    press(&mut app, ctrl('z'));
    press(&mut app, ctrl('z'));
    assert_eq!(focused_id(&app), "name");
    assert_eq!(answer(&app, "name"), None);

    // A yes/no: answered with y (which goes on), then ^Z.
    let mut app = app_with(mini());
    goto(&mut app, "ab_test");
    press(&mut app, key(KeyCode::Char('y')));
    assert_eq!(answer(&app, "ab_test"), Some(Answer::Bool(true)));
    press(&mut app, ctrl('z'));
    assert_eq!(focused_id(&app), "ab_test");
    assert_eq!(
        answer(&app, "ab_test"),
        Some(Answer::Bool(false)),
        "back to the default"
    );

    // ^X on a choice, then ^Z: the answer comes back.
    let mut app = app_with(mini());
    goto(&mut app, "task");
    press(&mut app, key(KeyCode::Enter));
    goto(&mut app, "task");
    press(&mut app, ctrl('x'));
    assert_eq!(answer(&app, "task"), None);
    press(&mut app, ctrl('z'));
    assert_eq!(answer(&app, "task"), Some(text("classification")));
}

#[test]
fn a_question_a_condition_inserts_takes_no_key_typed_before_it_showed() {
    let mut app = app_with(mini());
    goto(&mut app, "task");
    // Enter picks "Classification", which opens "Positive rate?"; the keys after it arrive in
    // the same batch, before a frame has shown the new question.
    send(&mut app, Msg::Input(key(KeyCode::Enter)));
    assert_eq!(focused_id(&app), "positive_rate");
    send(&mut app, Msg::Input(key(KeyCode::Char('5'))));
    assert_eq!(
        answer(&app, "positive_rate"),
        None,
        "the key typed ahead is not applied"
    );
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("new: your answer opened it"), "{screen}");
    // Once drawn, keys are the user's answer.
    send(&mut app, Msg::Drawn);
    send(&mut app, Msg::Input(key(KeyCode::Char('0'))));
    send(&mut app, Msg::Input(key(KeyCode::Char('.'))));
    send(&mut app, Msg::Input(key(KeyCode::Char('2'))));
    assert_eq!(answer(&app, "positive_rate"), Some(Answer::Number(0.2)));
    assert!(!draw(&app, 120, 40).contains("new: your answer"));

    // A question that was there before takes keys at once.
    let mut app = app_with(mini());
    send(&mut app, Msg::Input(key(KeyCode::Char('x'))));
    assert_eq!(answer(&app, "name"), Some(text("x")));
}

/// A single choice of the built-in questionnaire with exactly one choice worded Yes and one
/// worded No.
fn yes_no_worded(app: &App) -> String {
    let q = &app.interview.bundle().questionnaire;
    let worded =
        |c: &kickoff::questionnaire::Choice, w: &str| c.label().to_lowercase().starts_with(w);
    q.questions()
        .find(|q| {
            q.kind == Kind::Choice
                && q.choices.iter().filter(|c| worded(c, "yes")).count() == 1
                && q.choices.iter().filter(|c| worded(c, "no")).count() == 1
        })
        .expect("the built-in questionnaire has one")
        .id
        .clone()
}

#[test]
fn y_and_n_pick_choices_worded_yes_and_no_unless_a_filter_is_typed() {
    let mut app = app_with(builtin());
    let id = yes_no_worded(&app);
    app.interview.set_depth(kickoff::session::Depth::Full);
    let i = app.interview.bundle().questionnaire.index_of(&id).unwrap();
    if !app.interview.is_asked(i) {
        // Open it: answer what its condition reads with every first choice until it shows.
        for _ in 0..3 {
            let ids: Vec<String> = app
                .interview
                .bundle()
                .questionnaire
                .questions()
                .filter(|q| q.kind == Kind::Choice)
                .map(|q| q.id.clone())
                .collect();
            for other in ids.iter().filter(|o| **o != id) {
                let q = app.interview.bundle().questionnaire.get(other).unwrap();
                let first = q.choices[0].value.clone();
                app.interview.set_answer(other, Some(text(&first)));
            }
        }
    }
    goto(&mut app, &id);
    let q = app
        .interview
        .bundle()
        .questionnaire
        .get(&id)
        .unwrap()
        .clone();
    press(&mut app, key(KeyCode::Char('n')));
    let no = q
        .choices
        .iter()
        .find(|c| c.label().to_lowercase().starts_with("no"))
        .unwrap();
    assert_eq!(answer(&app, &id), Some(text(&no.value)));
    assert_ne!(focused_id(&app), id, "picked, and on to the next question");
    goto(&mut app, &id);
    press(&mut app, key(KeyCode::Char('y')));
    let yes = q
        .choices
        .iter()
        .find(|c| c.label().to_lowercase().starts_with("yes"))
        .unwrap();
    assert_eq!(answer(&app, &id), Some(text(&yes.value)));
    // With a filter typed, y and n are part of it.
    goto(&mut app, &id);
    press(&mut app, key(KeyCode::Char('s')));
    press(&mut app, key(KeyCode::Char('y')));
    assert_eq!(focused_id(&app), id);
    assert_eq!(answer(&app, &id), Some(text(&yes.value)), "unchanged");
}

#[test]
fn the_section_picker_takes_two_digits() {
    let mut app = app_with(builtin());
    app.interview.set_depth(kickoff::session::Depth::Full);
    let sections = app.interview.bundle().questionnaire.sections.len();
    assert!(sections >= 11, "the built-in questionnaire has 11 sections");
    // 1, 1: the eleventh; nothing typed into an answer.
    press(&mut app, ctrl('g'));
    press(&mut app, key(KeyCode::Char('1')));
    assert!(
        matches!(app.overlay, Some(Overlay::Picker { cursor: 0 })),
        "waits"
    );
    press(&mut app, key(KeyCode::Char('1')));
    assert_eq!(app.overlay, None);
    assert_eq!(app.interview.section(), 10);
    assert_eq!(answer(&app, "project_name"), None);
    // 1 and Enter: the first.
    press(&mut app, ctrl('g'));
    press(&mut app, key(KeyCode::Char('1')));
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(app.interview.section(), 0);
    // 1 and a moment: the first.
    press(&mut app, key(KeyCode::PageDown));
    press(&mut app, ctrl('g'));
    let cmds = press(&mut app, key(KeyCode::Char('1')));
    assert!(
        cmds.iter()
            .any(|c| matches!(c, kickoff::tui::Cmd::TickIn(_)))
    );
    send(&mut app, Msg::Tick);
    assert_eq!(app.interview.section(), 0);
    assert_eq!(app.overlay, None);
    // 3: no section 30 and more, so at once.
    press(&mut app, ctrl('g'));
    press(&mut app, key(KeyCode::Char('3')));
    assert_eq!(app.interview.section(), 2);
    assert_eq!(app.overlay, None);
}

/// The column of the screen where `text` starts on the line holding it.
fn column_of(screen: &str, text: &str) -> Option<usize> {
    screen
        .lines()
        .find_map(|l| l.find(text).map(|b| l[..b].chars().count()))
}

#[test]
fn the_grid_gets_the_room_it_needs_holds_still_and_shows_the_cell_in_full() {
    let mut app = app_with(builtin());
    app.interview.set_depth(kickoff::session::Depth::Full);
    goto(&mut app, "guardrail_metrics");
    send(
        &mut app,
        Msg::Resize {
            width: 120,
            height: 40,
        },
    );
    let before = draw(&app, 120, 40);
    // The grid's box: its top border, with the row's title in it.
    let border = before
        .lines()
        .find(|l| l.contains("┌ row 1"))
        .expect("the grid");
    let chars: Vec<char> = border.chars().collect();
    let from = chars.iter().position(|&c| c == '┌').unwrap();
    let to = chars.iter().position(|&c| c == '┐').unwrap();
    let wide = to - from + 1;
    assert!(
        wide >= 100,
        "the grid is {wide} wide at 120 columns:\n{before}"
    );
    let target = column_of(&before, "Target or limit").expect("the header shows whole");
    let long = "p99 latency of the ranking service on the checkout page";
    type_text(&mut app, long);
    let after = draw(&app, 120, 40);
    assert_eq!(
        column_of(&after, "Target or limit"),
        Some(target),
        "no re-flow:\n{after}"
    );
    assert!(
        after.contains(&format!("Metric: {long}")),
        "the cell in full:\n{after}"
    );
}

#[test]
fn counts_say_what_they_count() {
    let mut app = app_with(mini());
    goto(&mut app, "task");
    press(&mut app, key(KeyCode::Enter));
    // Basics: name, task and the positive rate a condition opened: three on screen.
    let screen = draw(&app, 160, 30);
    assert!(screen.contains("Section 1/3: 1 of 3"), "{screen}");
    let screen = draw(&app, 160, 30);
    assert!(
        !screen.contains("so far"),
        "every condition of mini is met:\n{screen}"
    );
    let app = app_with(builtin());
    let screen = draw(&app, 120, 30);
    assert!(screen.contains("0 of 81 so far"), "{screen}");
    let mut app = app_with(mini());
    send(&mut app, Msg::Show(Screen::Review));
    let screen = draw(&app, 120, 30);
    assert!(screen.contains("kickoff's review: "), "{screen}");
    assert!(screen.contains("0 answers that do not fit"), "{screen}");
    assert!(!screen.contains("problem"), "{screen}");
}

/// Mini with a blocker: accuracy on a 2% positive rate (the rule reads both, and points at
/// the metrics).
fn with_a_blocker() -> App {
    let mut app = app_with(mini());
    for (q, a) in [
        ("name", text("Churn")),
        ("task", text("classification")),
        ("positive_rate", Answer::Number(0.02)),
        ("metrics", list(&["accuracy"])),
    ] {
        app.interview.set_answer(q, Some(a));
    }
    send(
        &mut app,
        Msg::Resize {
            width: 120,
            height: 40,
        },
    );
    app
}

#[test]
fn findings_show_beside_their_question_marked_on_its_line_and_with_the_help_hidden() {
    let mut app = with_a_blocker();
    // Beside the question it points at, not at each one the rule reads.
    assert_eq!(app.findings_for("metrics").count(), 1);
    assert_eq!(app.findings_for("positive_rate").count(), 0);
    // A mark on the answered line.
    goto(&mut app, "ab_test");
    let screen = draw(&app, 120, 40);
    let line = screen.lines().find(|l| l.contains("↳ accuracy")).unwrap();
    assert!(line.contains("■"), "the blocker's mark:\n{screen}");
    let line = screen
        .lines()
        .find(|l| l.contains("↳ not answered"))
        .unwrap();
    assert!(!line.contains("■"));
    // "Why this matters" hidden (F3): the finding shows under the answer.
    goto(&mut app, "metrics");
    press(&mut app, key(KeyCode::F(3)));
    let screen = draw(&app, 120, 40);
    assert!(!screen.contains("Why this matters"), "{screen}");
    assert!(
        screen.contains("■ blocker [accuracy-on-imbalance]"),
        "{screen}"
    );
}

#[test]
fn a_waived_finding_is_shown_as_waived_and_not_counted() {
    let mut app = with_a_blocker();
    assert!(draw(&app, 160, 40).contains("1 blocker "));
    let iv = &app.interview;
    let response = iv
        .bundle()
        .new_response(
            iv.review(),
            "accuracy-on-imbalance",
            kickoff::response::Status::AcceptedRisk,
            "Shadow mode first",
            "Priya",
        )
        .unwrap();
    app.interview
        .respond("accuracy-on-imbalance", Some(response));
    goto(&mut app, "metrics");
    let screen = draw(&app, 160, 40);
    assert!(screen.contains("0 blockers (1 waived)"), "{screen}");
    assert!(screen.contains("■ waived (accepted risk)"), "{screen}");
}

#[test]
fn findings_on_questions_not_reached_do_not_pile_up_on_the_one_in_view() {
    let mut app = with_a_blocker();
    // The positive rate is read by the rule, and the finding is about the metrics, further
    // on: it waits there, not in this question's help.
    goto(&mut app, "positive_rate");
    let screen = draw(&app, 120, 40);
    assert!(!screen.contains("accuracy-on-imbalance"), "{screen}");
}
