//! The TUI's side of issue-11 work: exclusive choices in a multiple choice, and responses to
//! findings set on the review screen, driven through the real key table.

use crate::common;

use common::*;
use kickoff::Answer;
use kickoff::tui::Msg;
use ratatui::crossterm::event::KeyCode;

fn answer(app: &kickoff::tui::App, id: &str) -> Option<Answer> {
    app.interview.session().answers.get(id).cloned()
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
        .review()
        .findings
        .iter()
        .map(|f| f.rule.as_str())
        .collect();
    assert!(rules.contains(&"no-baseline"), "{rules:?}");
}

/// The mini questionnaire with the accuracy-on-imbalance blocker, on the review screen with
/// the cursor on that finding.
fn review_with_a_blocker() -> kickoff::tui::App {
    let mut app = app_with(mini());
    for (q, a) in [
        ("name", Answer::Text("Churn".into())),
        ("task", Answer::Text("classification".into())),
        ("positive_rate", Answer::Number(0.02)),
        ("metrics", Answer::List(vec!["accuracy".into()])),
    ] {
        app.interview.set_answer(q, Some(a));
    }
    press(&mut app, ctrl('r'));
    let items = app.review_items();
    let at = items
        .iter()
        .position(|i| i.rule.as_deref() == Some("accuracy-on-imbalance"))
        .expect("the blocker is listed");
    app.review_cursor = at;
    app
}

#[test]
fn r_on_a_finding_opens_the_form_and_enter_saves_an_accepted_risk() {
    let mut app = review_with_a_blocker();
    press(&mut app, key(KeyCode::Char('r')));
    assert_eq!(app.overlay, Some(kickoff::tui::Overlay::Respond));
    // Accepted risk needs a reason and an owner: Enter says so and saves nothing.
    assert!(press(&mut app, key(KeyCode::Enter)).is_empty());
    let form = app.respond.as_ref().unwrap();
    assert!(
        form.error
            .as_deref()
            .unwrap()
            .contains("needs a reason and an owner"),
        "{:?}",
        form.error
    );
    assert!(app.interview.session().responses.is_empty());
    press(&mut app, key(KeyCode::Tab));
    type_text(&mut app, "Shadow mode until the PR-AUC report");
    press(&mut app, key(KeyCode::Tab));
    type_text(&mut app, "Priya");
    assert_eq!(
        app.respond.as_ref().unwrap().error,
        None,
        "typing clears it"
    );
    insta::assert_snapshot!("respond_form_80x24", draw(&app, 80, 24));
    let cmds = press(&mut app, key(KeyCode::Enter));
    assert_eq!(cmds, [kickoff::tui::Cmd::Save]);
    assert_eq!(app.overlay, None);
    let r = &app.interview.session().responses["accuracy-on-imbalance"];
    assert_eq!(r.status, kickoff::response::Status::AcceptedRisk);
    assert_eq!(
        (r.reason.as_str(), r.owner.as_str()),
        ("Shadow mode until the PR-AUC report", "Priya")
    );
    assert_eq!(r.date, "", "dated by the save");
    // The review lists it with its response; the save's stamp dates it.
    let item = &app.review_items()[app.review_cursor];
    assert!(
        item.text.contains("(accepted risk: Priya)"),
        "{}",
        item.text
    );
    send(
        &mut app,
        Msg::Saved(Ok(kickoff::tui::SaveReport {
            stamp: "2026-12-01T10:00:00Z".into(),
            merged: None,
            sent: None,
            conflicts: None,
        })),
    );
    assert_eq!(
        app.interview.session().responses["accuracy-on-imbalance"].date,
        "2026-12-01T10:00:00Z"
    );
    // Changing an answer the rule reads makes the response stale.
    app.interview
        .set_answer("positive_rate", Some(Answer::Number(0.03)));
    let f = &app.interview.review().findings[0];
    assert!(f.response.as_ref().unwrap().stale);
}

#[test]
fn the_form_changes_status_cancels_and_removes() {
    let mut app = review_with_a_blocker();
    press(&mut app, key(KeyCode::Char('r')));
    press(&mut app, key(KeyCode::Right)); // won't fix
    press(&mut app, key(KeyCode::Tab));
    type_text(&mut app, "Board wants accuracy");
    // Esc cancels: nothing stored.
    press(&mut app, key(KeyCode::Esc));
    assert_eq!(app.overlay, None);
    assert!(app.interview.session().responses.is_empty());
    press(&mut app, key(KeyCode::Char('r')));
    press(&mut app, key(KeyCode::Right));
    press(&mut app, key(KeyCode::Down));
    type_text(&mut app, "Board wants accuracy");
    assert_eq!(
        press(&mut app, key(KeyCode::Enter)),
        [kickoff::tui::Cmd::Save]
    );
    let r = &app.interview.session().responses["accuracy-on-imbalance"];
    assert_eq!(r.status, kickoff::response::Status::WontFix);
    // Reopened, the form shows it and offers to remove it (← from the first status).
    press(&mut app, key(KeyCode::Char('r')));
    let form = app.respond.as_ref().unwrap();
    assert_eq!(form.chosen(), Some(kickoff::response::Status::WontFix));
    press(&mut app, key(KeyCode::Left));
    press(&mut app, key(KeyCode::Left));
    assert_eq!(app.respond.as_ref().unwrap().chosen(), None);
    press(&mut app, key(KeyCode::Enter));
    assert!(app.interview.session().responses.is_empty());
}

#[test]
fn the_key_table_shows_the_respond_keys() {
    let mut app = review_with_a_blocker();
    let bar = kickoff::tui::bar(&app);
    assert!(bar.contains(&("r", "respond")), "{bar:?}");
    press(&mut app, key(KeyCode::Char('r')));
    let bar = kickoff::tui::bar(&app);
    assert!(
        bar.contains(&("Enter", "save")) && bar.contains(&("←→", "status")),
        "{bar:?}"
    );
    let help = kickoff::tui::help_groups();
    let group = help
        .iter()
        .find(|(title, _)| *title == "Responding to a finding")
        .expect("in the F1 list");
    assert!(group.1.iter().any(|(k, _)| *k == "Esc"));
    // r on something that is not a finding says what it is for.
    let mut app = app_with(mini());
    press(&mut app, ctrl('r'));
    press(&mut app, key(KeyCode::Char('r')));
    assert_eq!(app.overlay, None);
}
