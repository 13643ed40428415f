//! The interview's feel: fuzzy filtering that keeps the place, progress that holds still,
//! panes that give way to the answer, and the mouse.

use crate::common;
use kickoff::Load as _;

use common::*;
use kickoff::Answer;
use kickoff::tui::{App, Msg};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

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

/// A space typed in a filter is part of it: nothing is picked, nothing saved, until Enter.
#[test]
fn a_space_in_a_filter_picks_nothing() {
    let mut app = app_with(builtin());
    send(&mut app, Msg::GotoQuestion("primary_metric".into()));
    let q = app.interview.focused().clone();
    type_text(&mut app, "pr auc");
    assert_eq!(app.interview.session().answers.get("primary_metric"), None);
    assert_eq!(q.choices[app.field.filtered(&q)[0]].value, "pr_auc");
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(
        app.interview.session().answers.get("primary_metric"),
        Some(&Answer::Text("pr_auc".into()))
    );
    // A multiple choice: the filter's words, then Enter ticks the match and clears the filter;
    // Space on the whole list still ticks.
    send(&mut app, Msg::GotoQuestion("baselines".into()));
    let q = app.interview.focused().clone();
    type_text(&mut app, "gradient boosted");
    assert_eq!(app.interview.session().answers.get("baselines"), None);
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(
        app.interview.focused().id,
        "baselines",
        "Enter ticked, did not move on"
    );
    assert_eq!(
        app.field.filtered(&q).len(),
        q.choices.len(),
        "the filter is cleared"
    );
    assert_eq!(
        under_cursor(&app),
        "gradient_boosted_trees",
        "the place is kept"
    );
    press(&mut app, key(KeyCode::Up));
    press(&mut app, key(KeyCode::Char(' ')));
    assert_eq!(
        app.interview.session().answers.get("baselines"),
        Some(&Answer::List(vec![
            "linear_or_logistic".into(),
            "gradient_boosted_trees".into()
        ]))
    );
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

/// A questionnaire with a required question that a condition opens.
fn conditional_bundle() -> kickoff::Bundle {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cond.toml");
    std::fs::write(
        &path,
        r#"
id = "cond"
version = "1"
title = "Conditions"

[[sections]]
id = "a"
title = "A"

[[sections.questions]]
id = "name"
kind = "text"
prompt = "Name?"
required = true

[[sections.questions]]
id = "labels"
kind = "yes_no"
prompt = "Labels?"
required = true

[[sections.questions]]
id = "label_source"
kind = "text"
prompt = "Where do labels come from?"
required = true
when = "labels"

[[sections.questions]]
id = "note"
kind = "text"
prompt = "A note?"
"#,
    )
    .unwrap();
    kickoff::Bundle::load(&path).expect("the fixture loads")
}

#[test]
fn required_progress_holds_still_when_a_condition_opens_a_question() {
    use kickoff::tui::Steady;
    let mut app = app_with(conditional_bundle());
    let steady = |answered, counted, opened| Steady {
        answered,
        counted,
        opened,
    };
    assert_eq!(app.required_progress(), steady(0, 2, 0));
    type_text(&mut app, "Churn");
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(app.required_progress(), steady(1, 2, 0));
    // "yes" opens the label question: the figure does not go back.
    press(&mut app, key(KeyCode::Char('y')));
    assert_eq!(focused_id(&app), "label_source");
    assert_eq!(app.required_progress(), steady(2, 2, 1), "2/2, one opened");
    assert_eq!(app.section_steady(0), steady(2, 3, 1));
    // Answering it moves both sides.
    type_text(&mut app, "Support tickets");
    assert_eq!(app.required_progress(), steady(3, 3, 0));
    // "no" closes it again: its answer no longer counts.
    send(&mut app, Msg::GotoQuestion("labels".into()));
    press(&mut app, key(KeyCode::Char('n')));
    assert_eq!(app.required_progress(), steady(2, 2, 0));
}

#[test]
fn the_header_shows_the_section_and_the_required_progress() {
    let mut app = app_with(conditional_bundle());
    type_text(&mut app, "Churn");
    press(&mut app, key(KeyCode::Enter));
    press(&mut app, key(KeyCode::Char('y')));
    let screen = draw(&app, 120, 40);
    let header = screen.lines().next().unwrap();
    assert!(
        // The section counts what is on screen: the question the answer opened too.
        header.contains("Section 1/1: 2 of 4 · required 2/2 +1 opened"),
        "{header}"
    );
}

/// The cell where `text` is drawn on a `w`x`h` screen.
fn find(app: &App, w: u16, h: u16, text: &str) -> (u16, u16) {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| kickoff::tui::view(app, f)).unwrap();
    let buf = terminal.backend().buffer().clone();
    for y in 0..h {
        let mut row = String::new();
        let mut cols = Vec::new();
        for x in 0..w {
            let symbol = buf[(x, y)].symbol();
            for _ in symbol.chars() {
                cols.push(x);
            }
            row.push_str(symbol);
        }
        if let Some(at) = row.find(text) {
            return (cols[row[..at].chars().count()], y);
        }
    }
    panic!("{text:?} is not on the screen:\n{}", terminal.backend());
}

fn sized(bundle: kickoff::Bundle, w: u16, h: u16) -> App {
    let mut app = app_with(bundle);
    send(
        &mut app,
        Msg::Resize {
            width: w,
            height: h,
        },
    );
    app
}

fn mouse(kind: MouseEventKind, (column, row): (u16, u16)) -> Msg {
    Msg::Mouse(MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    })
}

fn click(at: (u16, u16)) -> Msg {
    mouse(MouseEventKind::Down(MouseButton::Left), at)
}

#[test]
fn a_click_on_a_section_goes_there_and_on_a_question_focuses_it() {
    for (w, h) in [(80, 24), (100, 30), (120, 40)] {
        let mut app = sized(builtin(), w, h);
        // The sidebar (collapsed at 80 columns: its numbers).
        let label = if w >= 100 { "4 Baselines" } else { " 4" };
        let at = find(&app, w, h, label);
        send(&mut app, click(at));
        assert_eq!(app.interview.section(), 3, "{w}x{h}");
        // A question below the focused one.
        send(&mut app, Msg::GotoSection(0));
        let at = find(&app, w, h, "2. Who is writing");
        let cmds = send(&mut app, click(at));
        assert_eq!(focused_id(&app), "authors", "{w}x{h}");
        assert!(!cmds.is_empty(), "the cursor is saved");
    }
}

#[test]
fn a_click_on_a_choice_picks_it_or_toggles_it() {
    let mut app = sized(builtin(), 100, 30);
    send(&mut app, Msg::GotoQuestion("primary_metric".into()));
    let at = find(&app, 100, 30, "PR-AUC");
    send(&mut app, click(at));
    assert_eq!(
        app.interview.session().answers["primary_metric"],
        Answer::Text("pr_auc".into())
    );
    assert_eq!(focused_id(&app), "primary_metric", "picked in place");
    // A multiple choice: a click toggles, a second one untoggles.
    send(&mut app, Msg::GotoQuestion("baselines".into()));
    let q = app.interview.focused().clone();
    let label = q.choices[1].label().to_string();
    let at = find(&app, 100, 30, &label[..12]);
    send(&mut app, click(at));
    assert_eq!(
        app.interview.session().answers["baselines"],
        Answer::List(vec![q.choices[1].value.clone()])
    );
    send(&mut app, click(at));
    assert!(!app.interview.session().answers.contains_key("baselines"));
}

#[test]
fn a_click_answers_yes_or_no() {
    let mut app = sized(mini(), 80, 24);
    send(&mut app, Msg::GotoQuestion("ab_test".into()));
    let at = find(&app, 80, 24, "( ) Yes");
    send(&mut app, click(at));
    assert_eq!(
        app.interview.session().answers["ab_test"],
        Answer::Bool(true)
    );
    assert_eq!(focused_id(&app), "ab_test");
}

#[test]
fn the_wheel_scrolls_what_is_under_the_pointer() {
    let mut app = sized(builtin(), 100, 30);
    // Over the questions: the next question.
    let at = find(&app, 100, 30, "What is the project called");
    send(&mut app, mouse(MouseEventKind::ScrollDown, at));
    assert_eq!(focused_id(&app), "authors");
    send(&mut app, mouse(MouseEventKind::ScrollUp, at));
    assert_eq!(focused_id(&app), "project_name");
    // Over the sections: the next section.
    let at = find(&app, 100, 30, "3 Success");
    send(&mut app, mouse(MouseEventKind::ScrollDown, at));
    assert_eq!(app.interview.section(), 1);
    // Over a choice list: its cursor, the answer untouched.
    send(&mut app, Msg::GotoQuestion("primary_metric".into()));
    let before = under_cursor(&app);
    let at = find(&app, 100, 30, "PR-AUC");
    send(&mut app, mouse(MouseEventKind::ScrollDown, at));
    assert_ne!(under_cursor(&app), before);
    assert_eq!(focused_id(&app), "primary_metric");
    assert!(
        !app.interview
            .session()
            .answers
            .contains_key("primary_metric")
    );
    // On the review screen: its cursor.
    press(&mut app, ctrl('r'));
    send(&mut app, mouse(MouseEventKind::ScrollDown, (10, 5)));
    assert_eq!(app.review_cursor, 1);
}

#[test]
fn panes_give_way_to_the_answer_and_come_back_on_f2_f3() {
    use kickoff::tui::interview_panes;
    use ratatui::layout::Rect;
    let mut app = sized(builtin(), 80, 24);
    let area = Rect::new(0, 0, 80, 24);
    let panes = interview_panes(&app, area);
    assert!(panes.questions.width >= kickoff::tui::MIN_ANSWER);
    assert!(matches!(panes.sidebar, Some((_, true))), "collapsed");
    assert!(panes.help.is_some(), "below the questions");
    let bar = kickoff::tui::bar(&app);
    assert!(bar.contains(&("F2", "show sections")), "{bar:?}");
    // F2 shows the sections in full, F3 hides the help pane.
    press(&mut app, key(KeyCode::F(2)));
    press(&mut app, key(KeyCode::F(3)));
    let panes = interview_panes(&app, area);
    assert!(matches!(panes.sidebar, Some((_, false))));
    assert!(panes.help.is_none());
    // At 60x15 both are gone unless asked for.
    let app = sized(builtin(), 60, 15);
    let panes = interview_panes(&app, Rect::new(0, 0, 60, 15));
    assert_eq!((panes.sidebar, panes.help), (None, None));
    assert_eq!(panes.questions.width, 60);
}

const SIZES: [(u16, u16); 3] = [(80, 24), (100, 30), (120, 40)];

fn snapshot_all(name: &str, app: &App) -> Vec<String> {
    snapshot_sizes!(name, app, SIZES)
}

/// The sidebar collapses to its marks (80), the help pane goes below (80, 100) and beside
/// (120): the answer keeps 60 columns or more.
#[test]
fn snapshot_the_panes_giving_way() {
    let mut app = app_with(builtin());
    send(&mut app, Msg::GotoQuestion("primary_metric".into()));
    snapshot_all("panes", &app);
    for (w, h) in SIZES {
        let panes = kickoff::tui::interview_panes(&app, ratatui::layout::Rect::new(0, 0, w, h));
        assert!(
            panes.questions.width >= kickoff::tui::MIN_ANSWER,
            "{w}x{h}: {}",
            panes.questions.width
        );
        let collapsed = matches!(panes.sidebar, Some((_, true)));
        assert_eq!(
            collapsed,
            w < 100,
            "{w}x{h}: the sidebar {:?}",
            panes.sidebar
        );
        let help = panes.help.expect("a help pane");
        let beside = help.y == panes.questions.y && help.x > panes.questions.x;
        assert_eq!(beside, w >= 120, "{w}x{h}: the help pane at {help:?}");
    }
    // F2 and F3 at 80x24: the sections in full, no help pane.
    let mut app = sized(builtin(), 80, 24);
    press(&mut app, key(KeyCode::F(2)));
    press(&mut app, key(KeyCode::F(3)));
    let screen = draw(&app, 80, 24);
    insta::assert_snapshot!("panes_toggled_80x24", screen);
    assert!(screen.contains("○  4 Baselines "), "{screen}");
    assert!(!screen.contains("Why this matters"), "{screen}");
}

/// At 60x15 nothing but the answer; long labels wrap under themselves, whole.
#[test]
fn snapshot_a_wrapped_choice_list_at_60x15() {
    let mut app = app_with(builtin());
    send(&mut app, Msg::GotoQuestion("task".into()));
    for _ in 0..5 {
        press(&mut app, key(KeyCode::Down));
    }
    let screen = draw(&app, 60, 15);
    // (The header cuts the project's name to make room for the progress.)
    let body: Vec<&str> = screen.lines().skip(1).collect();
    assert!(!body.concat().contains('…'), "no label is cut:\n{screen}");
    insta::assert_snapshot!("choices_wrapped_60x15", screen);
}

#[test]
fn snapshot_a_fuzzy_filtered_choice_list() {
    let mut app = app_with(builtin());
    send(&mut app, Msg::GotoQuestion("primary_metric".into()));
    type_text(&mut app, "prec");
    let screens = snapshot_all("choices_fuzzy_filtered", &app);
    let q = app.interview.focused().clone();
    let shown = app.field.filtered(&q);
    assert_eq!(
        q.choices[shown[0]].value, "precision",
        "the best match first"
    );
    assert!(shown.len() < q.choices.len(), "the filter leaves fewer");
    assert_eq!(under_cursor(&app), "precision");
    assert!(
        !app.interview
            .session()
            .answers
            .contains_key("primary_metric")
    );
    assert_shown(&screens, "filter: prec");
}

/// A multiple choice after two clicks: both ticked, the cursor on the last one clicked.
#[test]
fn snapshot_choices_picked_with_the_mouse() {
    for (w, h) in SIZES {
        let mut app = sized(builtin(), w, h);
        send(&mut app, Msg::GotoQuestion("baselines".into()));
        let q = app.interview.focused().clone();
        for k in [1, 3] {
            let label: String = q.choices[k].label().chars().take(6).collect();
            let at = find(&app, w, h, &label);
            send(&mut app, click(at));
        }
        insta::assert_snapshot!(format!("choices_clicked_{w}x{h}"), draw(&app, w, h));
        let both = vec![q.choices[1].value.clone(), q.choices[3].value.clone()];
        assert_eq!(
            app.interview.session().answers.get("baselines"),
            Some(&Answer::List(both)),
            "{w}x{h}: both ticked and saved"
        );
        assert_eq!(under_cursor(&app), q.choices[3].value, "{w}x{h}");
    }
}

/// A long text's placeholder wraps whole, where the text widget would cut it at the edge.
#[test]
fn a_long_texts_placeholder_shows_all_its_lines() {
    let mut app = app_with(builtin());
    let q = app
        .interview
        .bundle()
        .questionnaire
        .questions()
        .find(|q| q.kind == kickoff::Kind::LongText && q.placeholder.len() > 120)
        .expect("a long placeholder")
        .clone();
    send(&mut app, Msg::GotoQuestion(q.id.clone()));
    let screen = draw(&app, 80, 30);
    let last_word = q.placeholder.split_whitespace().last().unwrap();
    assert!(screen.contains(last_word), "{last_word:?}:\n{screen}");
}

/// A multiple choice answered reads as its labels wherever it is summarised.
#[test]
fn a_multiple_choice_summary_shows_labels_not_ids() {
    let mut app = app_with(builtin());
    send(&mut app, Msg::GotoQuestion("baselines".into()));
    let q = app.interview.focused().clone();
    let (a, b) = (&q.choices[2], &q.choices[3]);
    let answer = Answer::List(vec![a.value.clone(), b.value.clone()]);
    app.interview.set_answer("baselines", Some(answer));
    send(&mut app, Msg::NextQuestion);
    let screen = draw(&app, 120, 40);
    let summary = format!("↳ {}; {}", a.label(), b.label());
    assert!(screen.contains(&summary), "{summary}:\n{screen}");
    assert!(!screen.contains(&format!("↳ {}", a.value)));
}

#[test]
fn a_choice_holding_the_filter_as_typed_comes_first_and_ctrl_u_clears_the_filter() {
    let mut app = app_with(builtin());
    send(&mut app, Msg::GotoQuestion("primary_metric".into()));
    let q = app.interview.focused().clone();
    type_text(&mut app, "ape");
    let shown = app.field.filtered(&q);
    assert_eq!(
        q.choices[shown[0]].value, "mape",
        "MAPE holds `ape` as typed"
    );
    press(&mut app, ctrl('u'));
    assert_eq!(app.field.filtered(&q).len(), q.choices.len());
    assert_eq!(under_cursor(&app), "mape", "the place is kept");
}

/// The project's name keeps one width in the header whatever the counts beside it.
#[test]
fn the_header_keeps_the_name_at_one_width_as_counts_change() {
    let mut app = sized(builtin(), 80, 24);
    let name_part = |app: &App| {
        let screen = draw(app, 80, 24);
        let header = screen.lines().next().unwrap().to_string();
        let at = header.find("Section").expect("the section's progress");
        (header[..at].trim_end().to_string(), header)
    };
    let (first, header) = name_part(&app);
    assert!(
        first.ends_with('…'),
        "the name is cut at 80 columns: {header}"
    );
    // Section 2 has ten questions (two digits), section 1 six.
    send(&mut app, Msg::GotoQuestion("non_goals".into()));
    let (second, header) = name_part(&app);
    assert!(header.contains("of 10"), "{header}");
    assert_eq!(first, second);
}

/// The review's selected item is shown in full; another, cut at four lines, ends in "…".
#[test]
fn the_selected_review_item_is_shown_in_full() {
    let session = kickoff::Session::load(&example("fraud-flawed.toml")).unwrap();
    let mut app = App::new(builtin(), session, "f.toml".into());
    app.color = false;
    send(
        &mut app,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    press(&mut app, ctrl('r'));
    let items = app.review_items();
    // The first item whose text takes more than four lines at this width.
    let long = items
        .iter()
        .position(|i| i.text.chars().count() > 5 * 76)
        .expect("a long finding");
    let tail: String = {
        let text = &items[long].text;
        let words: Vec<&str> = text.split_whitespace().collect();
        words[words.len() - 3..].join(" ")
    };
    let flat = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    app.review_cursor = long;
    assert!(
        flat(draw(&app, 80, 24)).contains(&tail),
        "selected: {tail:?} shown"
    );
    app.review_cursor = if long == 0 { 1 } else { long - 1 };
    let screen = draw(&app, 80, 24);
    assert!(!flat(screen.clone()).contains(&tail), "not selected: cut");
    assert!(screen.contains(" …"), "{screen}");
}
