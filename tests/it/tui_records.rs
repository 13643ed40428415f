//! The records grid in the interview: editing cells through the real key table, adding and
//! removing rows, pasting, the keys in the help, and the grid drawn in a fixed-size
//! `TestBackend` (and at every small size, without a panic).

use crate::common;
use crate::records_v1 as v1;
use kickoff::Load as _;

use common::*;
use kickoff::Bundle;
use kickoff::tui::{App, Msg};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use v1::V1_SESSION;

fn fixture() -> Bundle {
    Bundle::load(&root().join("tests/fixtures/records.toml")).expect("the records fixture loads")
}

fn at_baselines() -> App {
    let mut app = app_with(fixture());
    send(&mut app, Msg::GotoQuestion("baselines".into()));
    assert_eq!(focused_id(&app), "baselines");
    app
}

fn rows(app: &App) -> Vec<String> {
    let q = app
        .interview
        .bundle()
        .questionnaire
        .get("baselines")
        .unwrap();
    match app.interview.session().answers.get("baselines") {
        Some(a) => q.answer_items(a),
        None => Vec::new(),
    }
}

/// Two rows typed the way a person would: Enter from cell to cell and on to a new row.
fn two_rows() -> App {
    let mut app = at_baselines();
    type_text(&mut app, "logistic");
    press(&mut app, key(KeyCode::Enter));
    type_text(&mut app, "0.4x"); // a letter stays, with the reason, until taken out
    assert!(
        app.field_errors()
            .iter()
            .any(|e| e.contains("found text (0.4x)")),
        "{:?}",
        app.field_errors()
    );
    press(&mut app, key(KeyCode::Backspace));
    type_text(&mut app, "1");
    press(&mut app, key(KeyCode::Enter));
    press(&mut app, key(KeyCode::Char('y')));
    press(&mut app, key(KeyCode::Enter));
    press(&mut app, key(KeyCode::Char(' ')));
    press(&mut app, key(KeyCode::Enter)); // past the last cell: a new row
    type_text(&mut app, "rules");
    press(&mut app, key(KeyCode::Right)); // at the end of the text: the next cell
    type_text(&mut app, "1.5");
    press(&mut app, key(KeyCode::Right));
    press(&mut app, key(KeyCode::Char('n')));
    press(&mut app, key(KeyCode::Right));
    press(&mut app, key(KeyCode::Char('t'))); // the choice whose label starts with T
    app
}

#[test]
fn cells_are_typed_toggled_and_cycled_and_every_change_is_saved() {
    let app = two_rows();
    assert_eq!(
        rows(&app),
        [
            "Name: logistic, Score: 0.41, Same split?: yes, Role: Simple baseline",
            "Name: rules, Score: 1.5, Same split?: no, Role: Today's system",
        ]
    );
    assert_eq!(
        app.field_errors(),
        ["row 2, score: 1.5 is out of range: 0 to 1"]
    );
    assert_eq!(app.interview.session().cursor.as_deref(), Some("baselines"));
    // The condition over the rows opens the next question.
    let q = &app.interview.bundle().questionnaire;
    assert!(app.interview.is_asked(q.index_of("why_not_same").unwrap()));
}

#[test]
fn a_blank_last_row_ends_the_table_and_arrows_leave_it_at_its_edges() {
    let mut app = two_rows();
    press(&mut app, key(KeyCode::Left)); // yes/no and choice cells: straight to the next
    press(&mut app, key(KeyCode::Left)); // into the score, at the end of its text
    press(&mut app, key(KeyCode::Left)); // inside the text
    press(&mut app, key(KeyCode::Home));
    press(&mut app, key(KeyCode::Left)); // from the score's start, into the name
    press(&mut app, key(KeyCode::Backspace));
    assert_eq!(
        rows(&app)[1],
        "Name: rule, Score: 1.5, Same split?: no, Role: Today's system"
    );
    press(&mut app, ctrl('n'));
    assert_eq!(rows(&app).len(), 2, "a blank row is not part of the answer");
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(
        focused_id(&app),
        "why_not_same",
        "Enter on a blank last row goes on"
    );
    press(&mut app, key(KeyCode::BackTab));
    assert_eq!(focused_id(&app), "baselines");
    press(&mut app, key(KeyCode::Down));
    assert_eq!(focused_id(&app), "baselines", "↓ to the second row");
    press(&mut app, key(KeyCode::Down));
    assert_eq!(focused_id(&app), "why_not_same", "↓ past the last row");
    press(&mut app, key(KeyCode::BackTab));
    press(&mut app, key(KeyCode::Up));
    assert_eq!(focused_id(&app), "name", "↑ from the first row");
}

#[test]
fn rows_are_added_and_removed() {
    let mut app = two_rows();
    press(&mut app, key(KeyCode::Up)); // the first row
    press(&mut app, ctrl('n')); // a blank row after it
    type_text(&mut app, "middle");
    assert_eq!(rows(&app).len(), 3);
    assert!(
        rows(&app)[1].starts_with("Name: middle"),
        "{:?}",
        rows(&app)
    );
    press(&mut app, ctrl('d'));
    assert_eq!(rows(&app).len(), 2);
    assert!(rows(&app)[1].starts_with("Name: rules"), "{:?}", rows(&app));
    press(
        &mut app,
        KeyEvent::new(KeyCode::Delete, KeyModifiers::CONTROL),
    );
    press(&mut app, ctrl('d'));
    assert_eq!(rows(&app), Vec::<String>::new());
    assert!(!app.interview.session().answers.contains_key("baselines"));
    // The grid keeps a blank row to type into.
    type_text(&mut app, "again");
    assert_eq!(rows(&app), ["Name: again"]);
}

#[test]
fn pasted_lines_are_rows_and_tabs_separate_cells() {
    let mut app = at_baselines();
    send(
        &mut app,
        Msg::Paste("constant\t0.05\tyes\tsimple\nLightGBM\tmaybe 0.3\tno\n\n".into()),
    );
    assert_eq!(
        rows(&app),
        [
            "Name: constant, Score: 0.05, Same split?: yes, Role: Simple baseline",
            "Name: LightGBM, Score: maybe 0.3, Same split?: no",
        ]
    );
    assert_eq!(
        app.field_errors(),
        ["row 2, score: expected a number, found text (maybe 0.3)"],
        "kept, and said what is wrong"
    );
}

#[test]
fn the_grid_keys_are_in_the_help_bar_and_the_help() {
    let mut app = at_baselines();
    let screen = draw(&app, 160, 40);
    let bar = screen.lines().last().unwrap();
    assert!(
        bar.contains("^N add row") && bar.contains("^D remove row"),
        "{bar}"
    );
    press(&mut app, key(KeyCode::F(1)));
    let mut seen = String::new();
    for _ in 0..12 {
        seen.push_str(&draw(&app, 120, 40));
        press(&mut app, key(KeyCode::PageDown));
    }
    assert!(seen.contains("Records (a grid"), "{seen}");
    assert!(seen.contains("^N  add a row below"), "{seen}");
}

#[test]
fn the_grid_drawn() {
    let mut app = two_rows();
    press(&mut app, key(KeyCode::Up));
    let (wide, narrow) = (draw(&app, 80, 24), draw(&app, 40, 20));
    insta::assert_snapshot!("grid_80x24", wide);
    insta::assert_snapshot!("grid_narrow_40x20", narrow);
    let kickoff::tui::Field::Records(grid) = &app.field else {
        panic!("not the grid");
    };
    assert_eq!((grid.row, grid.rows.len()), (0, 2), "Up: on the first row");
    assert_eq!(rows(&app).len(), 2);
    for screen in [&wide, &narrow] {
        assert!(screen.contains("┌ row 1 of 2 "), "{screen}");
        assert!(screen.contains("│› logist"), "the cursor's row:\n{screen}");
        assert!(
            screen.contains("✗ row 2, score: 1.5 is out of range"),
            "{screen}"
        );
    }
    assert!(
        wide.contains("│  rules     1.5    no           Today's system"),
        "{wide}"
    );
}

#[test]
fn the_grid_fits_any_size_without_a_panic() {
    let mut app = two_rows();
    send(
        &mut app,
        Msg::Paste("a very long name that will not fit anywhere\t0.5\n".repeat(12)),
    );
    for w in 2..=50 {
        for h in 2..=16 {
            let screen = draw(&app, w, h);
            assert_eq!(screen.lines().count(), h as usize);
        }
    }
    let app = at_baselines();
    assert!(
        draw(&app, 120, 40).contains("e.g. logistic"),
        "the placeholder of the cell"
    );
}

#[test]
fn answers_converted_on_opening_are_said_in_the_banner_and_listed_in_the_review() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("old.toml");
    std::fs::write(&file, V1_SESSION).unwrap();
    let (bundle, mut session) = kickoff::open(&file, None).unwrap();
    let notes = session.upgrade(&bundle.questionnaire);
    let mut app = App::new(bundle, session, file);
    app.color = false;
    app.take_load_notes(notes);
    let banner = draw(&app, 160, 40);
    assert!(
        banner.contains("baseline_scores: converted 3 lines to rows (into column `name`); check the columns (and 3 more: ^R lists them)"),
        "{banner}"
    );
    let items = app.review_items();
    let slices = items
        .iter()
        .find(|i| i.text.starts_with("answer `slices`: converted 2 items"))
        .expect("listed in the review");
    assert_eq!(
        slices.question.as_deref(),
        Some("slices"),
        "Enter jumps to it"
    );
}
