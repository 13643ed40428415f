//! Every screen and every question kind, drawn into a fixed-size `TestBackend`, at 80x24 and
//! 120x40.

use crate::common;

use common::*;
use kickoff::Answer;
use kickoff::tui::view;
use kickoff::tui::{App, ItemKind, Msg, Overlay, Screen};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn snapshot_both(name: &str, app: &App) -> Vec<String> {
    snapshot_sizes!(name, app, SIZES)
}

/// The mini questionnaire with a few answers, opened as a file holding them would be (its
/// widget showing the answer), focused on `id`.
fn mini_at(id: &str) -> App {
    let bundle = mini();
    let mut session = kickoff::Session::new_at(&bundle.questionnaire, &kickoff::clock::now());
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
        session.set(q, Some(a));
    }
    // The doc's front matter shows these: fixed, so the export screen's snapshot is too.
    session.created = "2026-11-20T09:00:00Z".into();
    session.updated = "2026-11-21T10:00:00Z".into();
    // Where the file was left: it opens there.
    session.cursor = Some(id.into());
    let mut app = App::new(bundle, session, "kickoff.toml".into());
    app.color = false;
    assert_eq!(focused_id(&app), id);
    app
}

#[test]
fn every_question_kind() {
    let mut kinds = std::collections::BTreeSet::new();
    for id in [
        "name",
        "task",
        "positive_rate",
        "notes",
        "tags",
        "ab_test",
        "metrics",
    ] {
        let app = mini_at(id);
        let q = app.interview.focused();
        assert_eq!(q.id, id);
        kinds.insert(q.kind.name());
        // The widget holds the answer stored, ready to edit.
        assert_eq!(
            app.field.answer().as_ref(),
            app.interview.session().answers.get(id),
            "{id}"
        );
        let screens = snapshot_both(&format!("kind_{}", q.kind.name()), &app);
        for screen in &screens {
            let marked = screen.lines().find(|l| l.contains('▶')).expect("a focus");
            assert!(marked.contains(&q.prompt), "{id}:\n{screen}");
        }
    }
    assert_eq!(kinds.len(), 7, "one of each kind: {kinds:?}");
}

#[test]
fn validation_error_next_to_the_field() {
    let mut app = mini_at("positive_rate");
    press(&mut app, ctrl('x'));
    type_text(&mut app, "7");
    let screens = snapshot_both("number_out_of_range", &app);
    assert_shown(&screens, "✗ 7 is out of range: 0 to 1 fraction (not saved)");
    assert!(
        app.field_errors()
            .iter()
            .any(|e| e.contains("out of range")),
        "{:?}",
        app.field_errors()
    );
    assert_eq!(
        app.interview.session().answers.get("positive_rate"),
        None,
        "cleared by ^X, and 7 is not saved"
    );
}

/// A number that is not an answer yet: the text typed stays, the reason under it, the last
/// valid answer saved and the question counted as open in the header.
#[test]
fn rejected_number_keeps_the_text_typed() {
    let mut app = mini_at("positive_rate");
    press(&mut app, key(KeyCode::End));
    type_text(&mut app, " pct");
    snapshot_both("number_rejected", &app);
    // And at the middle size the tests name, where the panes give way.
    insta::assert_snapshot!("number_rejected_100x30", draw(&app, 100, 30));
    assert_eq!(
        app.interview.session().answers["positive_rate"],
        Answer::Number(0.04)
    );
}

#[test]
fn choice_filter() {
    let mut app = mini_at("metrics");
    type_text(&mut app, "pr");
    let screens = snapshot_both("choice_filtered", &app);
    assert_shown(&screens, "filter: pr");
    let q = app.interview.focused();
    let left: Vec<&str> = (app.field.filtered(q).iter())
        .map(|&i| q.choices[i].value.as_str())
        .collect();
    assert_eq!(left, ["pr_auc"], "accuracy is filtered out");
    assert_eq!(
        app.interview.session().answers["metrics"],
        Answer::List(vec!["accuracy".into()]),
        "filtering picks nothing"
    );
}

#[test]
fn fresh_builtin_interview() {
    let app = app_with(builtin());
    let screens = snapshot_both("start", &app);
    let first = app.interview.bundle().questionnaire.question(0);
    assert_eq!(focused_id(&app), first.id, "on the first question");
    assert!(app.interview.session().answers.is_empty());
    assert_eq!(app.interview.progress().answered, 0);
    assert_shown(&screens, &format!("▶ 1. {}", first.prompt));
    assert_shown(&screens, "0 blockers");
}

#[test]
fn review_screen() {
    let mut app = mini_at("name");
    press(&mut app, ctrl('r'));
    press(&mut app, key(KeyCode::Down));
    let screens = snapshot_both("review", &app);
    assert_eq!(app.screen, Screen::Review);
    let items = app.review_items();
    let rules: Vec<Option<&str>> = items.iter().map(|i| i.rule.as_deref()).collect();
    assert_eq!(rules, [Some("accuracy-on-imbalance")], "{items:#?}");
    assert_eq!(items[0].kind, ItemKind::Finding(kickoff::Severity::Blocker));
    assert_eq!(app.review_cursor, 0, "Down stops at the last item");
    assert_shown(
        &screens,
        "0 answers that do not fit · 1 blocker · 0 open required questions",
    );
    assert_shown(&screens, "▶ ■ blocker");
    assert_shown(
        &screens,
        "[accuracy-on-imbalance] Accuracy at a positive rate of 0.04",
    );
}

#[test]
fn export_screen() {
    let mut app = mini_at("name");
    press(&mut app, ctrl('o'));
    let screens = snapshot_both("export", &app);
    assert_eq!(app.screen, Screen::Export);
    assert_eq!(app.export_path(), std::path::Path::new("kickoff.md"));
    assert!(
        app.export
            .preview
            .contains("## Summary\n\nIt is a classification model."),
        "{}",
        app.export.preview
    );
    assert_shown(&screens, "Preview below; PgUp/PgDn scroll.");
    send(&mut app, Msg::Exported(Ok("kickoff.md".into())));
    press(&mut app, key(KeyCode::PageDown));
    let screens = snapshot_both("export_written_scrolled", &app);
    assert_eq!(app.export.result, Some(Ok("kickoff.md".into())));
    assert!(app.export.scroll > 0, "PgDn scrolls the preview");
    assert_shown(&screens, "Wrote kickoff.md.");
    for screen in &screens {
        assert!(
            !screen.contains("│---"),
            "scrolled past the front matter:\n{screen}"
        );
    }
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
        app.interview.session().answers["name"],
        Answer::Text("Churn 日本 v2".into()),
        "and is not typed"
    );
}

#[test]
fn section_picker() {
    let mut app = mini_at("name");
    press(&mut app, ctrl('g'));
    press(&mut app, key(KeyCode::Down));
    let screens = snapshot_both("picker", &app);
    assert_eq!(app.overlay, Some(Overlay::Picker { cursor: 1 }));
    assert_eq!(
        app.interview.section(),
        0,
        "moving the cursor goes nowhere yet"
    );
    assert_shown(&screens, "Go to section (number or ↑↓ Enter)");
    assert_shown(&screens, "› ◐  2  More");
}

#[test]
fn save_error_banner() {
    let mut app = mini_at("name");
    send(
        &mut app,
        Msg::Saved(Err("kickoff.toml: cannot write: disk full".into())),
    );
    let screens = snapshot_both("save_error", &app);
    assert_eq!(
        app.save_error,
        Some("kickoff.toml: cannot write: disk full".into())
    );
    assert_eq!(app.overlay, None, "the interview goes on");
    assert_shown(
        &screens,
        "Could not save: kickoff.toml: cannot write: disk full.",
    );
    assert_eq!(
        app.interview.session().answers["name"],
        Answer::Text("Churn 日本 v2".into()),
        "the answers stay"
    );
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
    let mut theirs = app.interview.session().clone();
    theirs.set("name", Some(Answer::Text("Renamed on disk".into())));
    let set = ConflictSet {
        conflicts: vec![kickoff::merge::Conflict {
            question: "name".into(),
            ours: app.interview.session().answers.get("name").cloned(),
            theirs: theirs.answers.get("name").cloned(),
        }],
        merged: app.interview.session().clone(),
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
    let screens = snapshot_both("conflicts", &app);
    assert_eq!(app.overlay, Some(Overlay::Conflicts));
    let state = app.conflicts.as_ref().expect("the conflicts to decide");
    assert_eq!(
        (state.decisions.as_slice(), state.from_file),
        (&[None][..], false)
    );
    assert_eq!(
        app.interview.session().answers["name"],
        Answer::Text("Churn 日本 v2".into()),
        "nothing is taken before it is decided"
    );
    assert_shown(&screens, "The file changed on disk");
    assert_shown(&screens, "file's: Renamed on disk");

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
    let screens = snapshot_both("unsaved", &app);
    assert_eq!(app.overlay, Some(Overlay::Unsaved));
    assert_eq!(app.copy_path.lines(), ["/tmp/kickoff-copy.toml"]);
    assert!(app.save_error.is_some() && app.copy_error.is_none());
    assert!(
        !app.quitting,
        "not quit before the copy is written or refused"
    );
    assert_shown(&screens, "The answers could not be saved");
    assert_shown(
        &screens,
        "Enter write the copy  ^Q quit without saving  Esc back",
    );
}

/// A file a merge left in conflict, opened with `kickoff resume`: ours and theirs of each.
#[test]
fn merge_conflicts_overlay() {
    let mut session = kickoff::Session::new_at(&mini().questionnaire, &kickoff::clock::now());
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
    let screens = snapshot_both("merge_conflicts", &app);
    assert_eq!(app.overlay, Some(Overlay::Conflicts));
    let state = app.conflicts.as_ref().expect("the conflicts to decide");
    assert!(state.from_file);
    let ids: Vec<&str> = (state.set.conflicts.iter())
        .map(|c| c.question.as_str())
        .collect();
    assert_eq!(ids, ["name", "notes", "task"]);
    assert_eq!(state.cursor, 1, "Down picks the second");
    assert_eq!(state.decisions, [None, None, None]);
    assert_shown(&screens, "Merge conflicts in the file");
    assert_shown(&screens, "theirs: Churn and upsell");
    assert_shown(&screens, "theirs: Labels arrive 45 days late.");
    assert_shown(&screens, "ours  : (no answer)");
}
