//! Every screen and every question kind, drawn into a fixed-size `TestBackend`, at 80x24 and
//! 120x40.

use crate::common;

use common::*;
use kickoff::Answer;
use kickoff::tui::view;
use kickoff::tui::{App, Msg};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn draw(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| view(app, f)).unwrap();
    terminal.backend().to_string()
}

fn snapshot_both(name: &str, app: &App) {
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), draw(app, w, h));
    }
}

/// The mini questionnaire with a few answers, focused on `id`.
fn mini_at(id: &str) -> App {
    let mut app = app_with(mini());
    for (q, a) in [
        ("name", Answer::Text("Churn 日本 v2".into())),
        ("task", Answer::Text("classification".into())),
        ("positive_rate", Answer::Number(0.04)),
        (
            "notes",
            Answer::Text("Labels arrive 30 days late.\nWe score weekly.".into()),
        ),
        (
            "tags",
            Answer::List(vec!["retention".into(), "batch".into()]),
        ),
        ("metrics", Answer::List(vec!["accuracy".into()])),
    ] {
        app.interview.session.set(q, Some(a));
    }
    // The doc's front matter shows these: fixed, so the export screen's snapshot is too.
    app.interview.session.created = "2026-11-20T09:00:00Z".into();
    app.interview.session.updated = "2026-11-21T10:00:00Z".into();
    app.interview.review = app.interview.bundle.review(&app.interview.session.answers);
    send(&mut app, Msg::GotoQuestion(id.into()));
    app
}

#[test]
fn every_question_kind() {
    for id in [
        "name",
        "task",
        "positive_rate",
        "notes",
        "tags",
        "ab_test",
        "metrics",
    ] {
        let kind = mini_at(id).interview.focused().kind.name();
        snapshot_both(&format!("kind_{kind}"), &mini_at(id));
    }
}

#[test]
fn validation_error_next_to_the_field() {
    let mut app = mini_at("positive_rate");
    press(&mut app, ctrl('x'));
    type_text(&mut app, "7");
    snapshot_both("number_out_of_range", &app);
}

/// A number that is not an answer yet: the text typed stays, the reason under it, the last
/// valid answer saved and the question counted as open in the header.
#[test]
fn rejected_number_keeps_the_text_typed() {
    let mut app = mini_at("positive_rate");
    press(&mut app, key(KeyCode::End));
    type_text(&mut app, " percent");
    snapshot_both("number_rejected", &app);
    // And at the middle size the tests name, where the panes give way.
    insta::assert_snapshot!("number_rejected_100x30", draw(&app, 100, 30));
    assert_eq!(
        app.interview.session.answers["positive_rate"],
        Answer::Number(0.04)
    );
}

#[test]
fn choice_filter() {
    let mut app = mini_at("metrics");
    type_text(&mut app, "pr");
    snapshot_both("choice_filtered", &app);
}

#[test]
fn fresh_builtin_interview() {
    snapshot_both("start", &app_with(builtin()));
}

#[test]
fn review_screen() {
    let mut app = mini_at("name");
    press(&mut app, ctrl('r'));
    press(&mut app, key(KeyCode::Down));
    snapshot_both("review", &app);
}

#[test]
fn export_screen() {
    let mut app = mini_at("name");
    press(&mut app, ctrl('o'));
    snapshot_both("export", &app);
    send(&mut app, Msg::Exported(Ok("kickoff.md".into())));
    press(&mut app, key(KeyCode::PageDown));
    snapshot_both("export_written_scrolled", &app);
}

#[test]
fn help_overlay() {
    let mut app = mini_at("name");
    press(&mut app, key(KeyCode::F(1)));
    snapshot_both("help", &app);
    press(&mut app, key(KeyCode::PageDown));
    press(&mut app, key(KeyCode::PageDown));
    insta::assert_snapshot!("help_scrolled_80x24", draw(&app, 80, 24));
    press(&mut app, key(KeyCode::Char('x')));
    assert_eq!(app.overlay, None, "any other key closes the help");
    assert_eq!(
        app.interview.session.answers["name"],
        Answer::Text("Churn 日本 v2".into()),
        "and is not typed"
    );
}

#[test]
fn section_picker() {
    let mut app = mini_at("name");
    press(&mut app, ctrl('g'));
    press(&mut app, key(KeyCode::Down));
    snapshot_both("picker", &app);
}

#[test]
fn save_error_banner() {
    let mut app = mini_at("name");
    send(
        &mut app,
        Msg::Saved(Err("kickoff.toml: cannot write: disk full".into())),
    );
    snapshot_both("save_error", &app);
}

/// No size is too small to draw: every screen and kind at tiny and odd sizes, without a panic.
#[test]
fn tiny_terminals_do_not_panic() {
    let sizes = [
        (1, 1),
        (10, 3),
        (20, 5),
        (40, 10),
        (60, 15),
        (79, 23),
        (200, 8),
    ];
    for id in [
        "name",
        "task",
        "positive_rate",
        "notes",
        "tags",
        "ab_test",
        "metrics",
    ] {
        let mut app = mini_at(id);
        type_text(&mut app, "x");
        for (w, h) in sizes {
            draw(&app, w, h);
        }
    }
    let mut app = mini_at("name");
    for keys in [
        vec![ctrl('r')],
        vec![ctrl('o')],
        vec![ctrl('l')],
        vec![key(KeyCode::F(1))],
        vec![ctrl('g')],
    ] {
        for k in keys {
            press(&mut app, k);
        }
        for (w, h) in sizes {
            draw(&app, w, h);
        }
        press(&mut app, key(KeyCode::Esc));
    }
    let mut big = app_with(builtin());
    for (w, h) in sizes {
        draw(&big, w, h);
        press(&mut big, ctrl('r'));
        draw(&big, w, h);
        press(&mut big, key(KeyCode::Esc));
    }
}

/// The styles carry meaning the text alone does not: the focused question stands out and a
/// blocker is red and bold. The snapshot keeps every cell's style; the asserts name the two.
#[test]
fn styles_of_the_focused_question_and_a_blocker() {
    use ratatui::style::{Color, Modifier};
    let (bundle, session) =
        kickoff::open(&example("fraud-flawed.toml"), None).expect("the example loads");
    let mut app = App::new(bundle, session, example("fraud-flawed.toml"));
    app.color = true;
    send(&mut app, Msg::GotoQuestion("primary_metric".into()));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|f| view(&app, f)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let find = |symbol: &str| {
        buffer
            .content()
            .iter()
            .find(|c| c.symbol() == symbol)
            .unwrap_or_else(|| panic!("`{symbol}` is on screen"))
            .clone()
    };
    let focus = find("▶");
    assert_eq!(
        (focus.fg, focus.modifier.contains(Modifier::BOLD)),
        (Color::Yellow, true),
        "the focused question's marker"
    );
    let blocker = find("■");
    assert_eq!(
        (blocker.fg, blocker.modifier.contains(Modifier::BOLD)),
        (Color::Red, true),
        "a blocker's mark"
    );
    insta::assert_debug_snapshot!("styles_focused_blocker_120x40", buffer);
}

/// The saving overlays: a conflict with the file on disk, and quitting when the file cannot
/// be written.
#[test]
fn saving_overlays() {
    use kickoff::tui::{ConflictSet, SaveReport};
    let mut app = mini_at("name");
    let mut theirs = app.interview.session.clone();
    theirs.set("name", Some(Answer::Text("Renamed on disk".into())));
    let set = ConflictSet {
        conflicts: vec![kickoff::merge::Conflict {
            question: "name".into(),
            ours: app.interview.session.answers.get("name").cloned(),
            theirs: theirs.answers.get("name").cloned(),
        }],
        merged: app.interview.session.clone(),
        theirs,
        disk: Vec::new(),
    };
    send(
        &mut app,
        Msg::Saved(Ok(SaveReport {
            stamp: "2026-12-01T10:00:00Z".into(),
            merged: None,
            sent: None,
            conflicts: Some(Box::new(set)),
        })),
    );
    snapshot_both("conflicts", &app);

    let mut app = mini_at("name");
    send(
        &mut app,
        Msg::Saved(Err("kickoff.toml: cannot write: disk full".into())),
    );
    send(
        &mut app,
        Msg::QuitBlocked {
            copy_to: "/tmp/kickoff-copy.toml".into(),
        },
    );
    snapshot_both("unsaved", &app);
}

/// A file a merge left in conflict, opened with `kickoff resume`: ours and theirs of each.
#[test]
fn merge_conflicts_overlay() {
    let mut session = kickoff::Session::new(&mini().questionnaire);
    session.set("name", Some(Answer::Text("Churn v2".into())));
    session.conflicts.insert(
        "name".into(),
        kickoff::AnswerConflict {
            ours: Some(Answer::Text("Churn v2".into())),
            theirs: Some(Answer::Text("Churn and upsell".into())),
        },
    );
    session.conflicts.insert(
        "task".into(),
        kickoff::AnswerConflict {
            ours: None,
            theirs: Some(Answer::Text("regression".into())),
        },
    );
    session.conflicts.insert(
        "notes".into(),
        kickoff::AnswerConflict {
            ours: Some(Answer::Text(
                "Labels arrive 30 days late, so the last month of data is held out of training and scored when its labels land.\nWe score weekly.".into(),
            )),
            theirs: Some(Answer::Text("Labels arrive 45 days late.".into())),
        },
    );
    let mut app = App::new(mini(), session, "kickoff.toml".into());
    app.color = false;
    // The selected answer's versions in full, the others on a line each.
    press(&mut app, key(KeyCode::Down));
    snapshot_both("merge_conflicts", &app);
}
