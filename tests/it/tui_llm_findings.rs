//! The LLM reviewer's findings in the interview: beside the question they are about (stale
//! ones dimmed and said to be stale, folded ones as "agrees" under the rule's), on the review
//! screen (Enter jumps, `r` responds), driven through the real key table and drawn in a
//! fixed-size `TestBackend`.

use crate::common;

use std::path::PathBuf;

use common::*;
use kickoff::tui::{App, ItemKind, Msg, Overlay, Screen};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The interview on the reviewed churn session.
fn reviewed_app() -> App {
    let mut app = App::new(builtin(), reviewed_session(), PathBuf::from("kickoff.toml"));
    app.color = false;
    app
}

/// The help pane's text (right of the questions' frame), its lines joined, for `contains`.
fn help_pane(screen: &str) -> String {
    screen
        .lines()
        .filter_map(|l| l.trim_matches('"').rsplit_once('│').map(|(_, r)| r))
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn an_llm_finding_shows_beside_its_question_as_the_reviewers() {
    let mut app = reviewed_app();
    send(&mut app, Msg::GotoQuestion("positive_rate".into()));
    let screen = draw(&app, 120, 40);
    insta::assert_snapshot!("llm_finding_beside_question_120x40", screen);
    assert!(
        help_pane(&screen).contains("■ LLM reviewer, blocker: How the 6.1% churn rate"),
        "{screen}"
    );
}

#[test]
fn a_stale_llm_finding_says_so() {
    let mut app = reviewed_app();
    send(&mut app, Msg::GotoQuestion("label_delay_days".into()));
    let screen = draw(&app, 120, 40);
    insta::assert_snapshot!("llm_finding_stale_120x40", screen);
    assert!(
        help_pane(&screen)
            .contains("▲ LLM reviewer, warning (stale: an answer it rests on changed)"),
        "{screen}"
    );
    // Answered back as it was, the finding is current again.
    app.interview
        .set_answer("label_delay_days", Some(kickoff::Answer::Number(30.0)));
    let screen = help_pane(&draw(&app, 120, 40));
    assert!(
        screen.contains("▲ LLM reviewer, warning: A 30-day"),
        "{screen}"
    );
}

#[test]
fn a_folded_llm_finding_shows_with_the_rules_finding_not_twice() {
    let mut app = reviewed_app();
    send(&mut app, Msg::GotoQuestion("num_runs".into()));
    let screen = help_pane(&draw(&app, 120, 40));
    assert!(screen.contains("[no-variance]"), "{screen}");
    assert!(screen.contains("LLM reviewer: agrees"), "{screen}");
    assert!(!screen.contains("Single-run numbers"), "{screen}");
}

#[test]
fn the_review_lists_llm_findings_enter_jumps_and_a_general_one_stays() {
    let mut app = reviewed_app();
    press(&mut app, ctrl('r'));
    let items = app.review_items();
    let llm: Vec<_> = items
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::Llm { .. }))
        .collect();
    // The folded one is not listed on its own: the rule's item says the reviewer agrees.
    assert_eq!(llm.len(), 3, "{items:#?}");
    let rule = items
        .iter()
        .find(|i| i.rule.as_deref() == Some("no-variance"))
        .unwrap();
    assert!(
        rule.text.ends_with("(The LLM reviewer agrees.)"),
        "{}",
        rule.text
    );
    assert!(matches!(llm[1].kind, ItemKind::Llm { stale: true, .. }));
    assert!(llm[1].text.starts_with("LLM reviewer (stale): A 30-day"));
    assert_eq!(llm[2].question, None, "a general finding has no question");
    insta::assert_snapshot!("llm_findings_review_120x40", draw(&app, 120, 40));
    // Enter on the general one stays; on the blocker, it goes to the question.
    let at = |rule: &str| items.iter().position(|i| i.rule.as_deref() == Some(rule));
    app.review_cursor = at(llm[2].rule.as_deref().unwrap()).unwrap();
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(app.screen, Screen::Review);
    app.review_cursor = at(llm[0].rule.as_deref().unwrap()).unwrap();
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(app.screen, Screen::Interview);
    assert_eq!(focused_id(&app), "positive_rate");
}

#[test]
fn r_answers_an_llm_finding_and_the_review_shows_the_response() {
    let mut app = reviewed_app();
    press(&mut app, ctrl('r'));
    let id = app
        .llm_findings()
        .into_iter()
        .find(|f| f.finding.question == "positive_rate")
        .unwrap()
        .id;
    app.review_cursor = app
        .review_items()
        .iter()
        .position(|i| i.rule.as_deref() == Some(id.as_str()))
        .unwrap();
    press(&mut app, key(KeyCode::Char('r')));
    assert_eq!(app.overlay, Some(Overlay::Respond));
    // Won't fix, with a reason.
    press(&mut app, key(KeyCode::Right));
    press(&mut app, key(KeyCode::Tab));
    type_text(&mut app, "finance defines churn");
    let cmds = press(&mut app, key(KeyCode::Enter));
    assert_eq!(cmds, vec![kickoff::tui::Cmd::Save]);
    assert_eq!(app.overlay, None);
    let saved = &app.interview.session().responses[&id];
    assert_eq!(saved.status, kickoff::response::Status::WontFix);
    assert_eq!(saved.reason, "finance defines churn");
    let item = app
        .review_items()
        .into_iter()
        .find(|i| i.rule.as_deref() == Some(id.as_str()))
        .unwrap();
    assert!(
        item.text.starts_with("LLM reviewer (won't fix): How"),
        "{}",
        item.text
    );
    let finding = app.llm_findings().into_iter().find(|f| f.id == id).unwrap();
    assert!(finding.response.unwrap().waives);
}

#[test]
fn the_reviewers_questions_are_answered_on_their_own_screen() {
    let mut app = reviewed_app();
    // Offered in the help bar once the reviewer asked something.
    assert!(kickoff::tui::bar(&app).contains(&("^T", "reviewer's questions")));
    assert!(!kickoff::tui::bar(&app_with(builtin())).contains(&("^T", "reviewer's questions")));
    press(&mut app, ctrl('t'));
    assert_eq!(app.screen, Screen::Followups);
    // The first is answered: its answer is in the box.
    assert_eq!(
        app.followups.answer.lines(),
        ["Cancellations over the last 12 months, involuntary ones included."]
    );
    insta::assert_snapshot!("reviewers_questions_120x40", draw(&app, 120, 40));
    // Tab to the second and answer it over two lines: stored and saved as typed.
    press(&mut app, key(KeyCode::Tab));
    assert!(app.followups.answer.is_empty());
    type_text(&mut app, "The growth lead");
    press(
        &mut app,
        ratatui::crossterm::event::KeyEvent::new(
            KeyCode::Enter,
            ratatui::crossterm::event::KeyModifiers::ALT,
        ),
    );
    let cmds = type_text_cmds(&mut app, "(Maya).");
    assert!(cmds.contains(&kickoff::tui::Cmd::Save));
    let answers = kickoff::reviewer::followup_answers(app.interview.session());
    assert_eq!(
        answers["Who decides whether the model launches?"],
        "The growth lead\n(Maya)."
    );
    // F2 on one about the whole design stays; on the first it goes to its question.
    press(&mut app, key(KeyCode::F(2)));
    assert_eq!(app.screen, Screen::Followups);
    press(
        &mut app,
        KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
    );
    assert_eq!(app.followups.cursor, 0);
    press(&mut app, key(KeyCode::F(2)));
    assert_eq!(app.screen, Screen::Interview);
    assert_eq!(focused_id(&app), "positive_rate");
    // Emptied, an answer is removed again.
    press(&mut app, ctrl('t'));
    press(&mut app, key(KeyCode::Tab));
    for _ in 0.."The growth lead\n(Maya).".len() {
        press(&mut app, key(KeyCode::Backspace));
    }
    let answers = kickoff::reviewer::followup_answers(app.interview.session());
    assert!(!answers.contains_key("Who decides whether the model launches?"));
}

fn type_text_cmds(app: &mut App, text: &str) -> Vec<kickoff::tui::Cmd> {
    text.chars()
        .flat_map(|c| press(app, key(KeyCode::Char(c))))
        .collect()
}
