//! The quick path in the full-screen interview: the first screen's choice, the quick session's
//! screens at three sizes, going on with the full interview, and the whole quick path typed as
//! a person would, counted (questions and key presses) and replayed in a real terminal.

use crate::common;
use kickoff::Load as _;

use common::*;
use kickoff::tui::{App, Cmd, Field};
use kickoff::{Answer, Depth, Kind, Session};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const SIZES: [(u16, u16); 3] = [(80, 24), (100, 30), (120, 40)];

/// A new session of the built-in questionnaire, on its first screen's choice.
fn new_session() -> App {
    let mut app = app_with(builtin());
    app.ask_depth();
    app
}

#[test]
fn the_first_screen_offers_the_quick_kickoff_and_the_full_interview() {
    let app = new_session();
    for (w, h) in SIZES {
        let screen = draw(&app, w, h);
        assert!(screen.contains("How deep today?"), "{w}x{h}:\n{screen}");
        insta::assert_snapshot!(format!("quick_choice_{w}x{h}"), screen);
    }
    // The counts are the questionnaire's: fewer on the quick path, all on the full one.
    let (quick, full) = app.interview.depth_sizes();
    assert!(
        (10..=25).contains(&quick) && full > 3 * quick,
        "{quick} / {full}"
    );
}

#[test]
fn q_starts_the_quick_kickoff_and_f4_goes_on_with_the_full_interview() {
    let mut app = new_session();
    // Letters other than q and f do nothing on the choice: nothing is typed behind it.
    press(&mut app, key(KeyCode::Char('x')));
    assert!(app.overlay.is_some());
    assert!(!app.interview.session().answers.contains_key("project_name"));
    let cmds = press(&mut app, key(KeyCode::Char('q')));
    assert!(cmds.contains(&Cmd::Save), "the depth is saved at once");
    assert_eq!(app.overlay, None);
    assert_eq!(app.interview.session().depth, Depth::Quick);
    assert_eq!(focused_id(&app), "project_name");
    let asked = app.interview.progress().asked;
    for (w, h) in SIZES {
        let screen = draw(&app, w, h);
        assert!(screen.contains("kickoff · quick"), "{w}x{h}:\n{screen}");
        insta::assert_snapshot!(format!("quick_first_question_{w}x{h}"), screen);
    }
    type_text(&mut app, "Churn saver");
    // The review says what waits.
    press(&mut app, ctrl('r'));
    for (w, h) in SIZES {
        let screen = draw(&app, w, h);
        assert!(screen.contains("Quick kickoff: "), "{w}x{h}:\n{screen}");
        insta::assert_snapshot!(format!("quick_review_{w}x{h}"), screen);
    }
    press(&mut app, key(KeyCode::F(4)));
    assert_eq!(app.interview.session().depth, Depth::Full);
    assert_eq!(
        app.interview.session().answers.get("project_name"),
        Some(&Answer::Text("Churn saver".into()))
    );
    assert!(app.interview.progress().asked > asked + 40);
    let banner = app.banner.clone().expect("a banner").text;
    assert!(banner.starts_with("Full interview: "), "{banner}");
    // A full session does not offer F4.
    assert!(!kickoff::tui::bar(&app).iter().any(|(k, _)| *k == "F4"));
}

#[test]
fn f_or_esc_on_the_first_screen_keeps_the_full_interview() {
    for k in [KeyCode::Char('f'), KeyCode::Esc] {
        let mut app = new_session();
        press(&mut app, key(k));
        assert_eq!(app.overlay, None, "{k:?}");
        assert_eq!(app.interview.session().depth, Depth::Full);
        // Not silently: how to get the quick path later is said.
        let banner = app.banner.clone().expect("a note").text;
        assert!(banner.contains("kickoff resume --quick"), "{banner}");
    }
    // ↓ Enter picks the second, the full interview; Enter alone the first.
    let mut app = new_session();
    press(&mut app, key(KeyCode::Down));
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(app.interview.session().depth, Depth::Full);
    let mut app = new_session();
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(app.interview.session().depth, Depth::Quick);
}

/// One key a person presses: a key, or text typed.
#[derive(Debug, Clone)]
enum Press {
    Key(KeyCode),
    Text(String),
}

impl Press {
    /// Key presses it counts for.
    fn count(&self) -> usize {
        match self {
            Press::Key(_) => 1,
            Press::Text(t) => t.chars().count(),
        }
    }

    fn tmux(&self) -> (bool, String) {
        match self {
            Press::Text(t) => (true, t.clone()),
            Press::Key(KeyCode::Enter) => (false, "Enter".into()),
            Press::Key(KeyCode::Down) => (false, "Down".into()),
            Press::Key(KeyCode::Tab) => (false, "Tab".into()),
            Press::Key(KeyCode::Char(' ')) => (false, "Space".into()),
            Press::Key(KeyCode::Char(c)) => (true, c.to_string()),
            Press::Key(k) => panic!("no tmux name for {k:?}"),
        }
    }
}

/// The keys that answer the focused question as `answer`, on its widget as it is: text typed
/// then Enter, y or n, ↓ to the choice then Enter, ↓ and Space for each choice ticked, a
/// list's items each with Enter then Enter on the empty row.
fn keys_for(app: &App, answer: &Answer) -> Vec<Press> {
    let q = app.interview.focused();
    let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    match (q.kind, answer, &app.field) {
        (Kind::Text | Kind::LongText, Answer::Text(t), _) => {
            vec![Press::Text(one_line(t)), Press::Key(KeyCode::Enter)]
        }
        (Kind::Number, Answer::Number(n), _) => {
            vec![Press::Text(n.to_string()), Press::Key(KeyCode::Enter)]
        }
        (Kind::YesNo, Answer::Bool(b), _) => {
            vec![Press::Key(KeyCode::Char(if *b { 'y' } else { 'n' }))]
        }
        (Kind::Choice, Answer::Text(v), Field::Choice { cursor, .. }) => {
            let to = q.choices.iter().position(|c| &c.value == v).unwrap();
            let mut keys = vec![Press::Key(KeyCode::Down); to.saturating_sub(*cursor)];
            keys.push(Press::Key(KeyCode::Enter));
            keys
        }
        (Kind::MultiChoice, Answer::List(values), Field::Choice { cursor, .. }) => {
            let mut at = *cursor;
            let mut keys = Vec::new();
            let mut wanted: Vec<usize> = values
                .iter()
                .map(|v| q.choices.iter().position(|c| &c.value == v).unwrap())
                .collect();
            wanted.sort_unstable();
            for to in wanted {
                keys.extend(vec![Press::Key(KeyCode::Down); to - at]);
                keys.push(Press::Key(KeyCode::Char(' ')));
                at = to;
            }
            keys.push(Press::Key(KeyCode::Enter));
            keys
        }
        (Kind::List, Answer::List(items), _) => {
            let mut keys = Vec::new();
            for item in items {
                keys.push(Press::Text(one_line(item)));
                keys.push(Press::Key(KeyCode::Enter));
            }
            keys.push(Press::Key(KeyCode::Enter));
            keys
        }
        (kind, answer, _) => panic!("{}: no keys for a {kind:?} answer {answer:?}", q.id),
    }
}

fn apply(app: &mut App, keys: &[Press]) {
    for k in keys {
        match k {
            Press::Key(code) => {
                press(app, KeyEvent::new(*code, KeyModifiers::NONE));
            }
            Press::Text(t) => type_text(app, t),
        }
    }
}

/// The quick path typed as a person would, with the example's answers: the questions asked,
/// the keys pressed (the first screen's `q` included), and the app at the end.
fn quick_path(example_name: &str) -> (Vec<String>, Vec<Press>, App) {
    let (asked, steps, app) = quick_steps(example_name);
    (
        asked,
        steps.into_iter().flat_map(|(_, keys)| keys).collect(),
        app,
    )
}

/// A question's prompt, as shown before its keys are typed, and its keys.
type Step = (String, Vec<Press>);

/// The quick path of an example, question by question: each question's prompt (as shown
/// before its keys are typed) and its keys; the first step picks the quick path.
fn quick_steps(example_name: &str) -> (Vec<String>, Vec<Step>, App) {
    let plan = Session::load(&example(example_name)).unwrap();
    let mut app = new_session();
    let first = vec![Press::Key(KeyCode::Char('q'))];
    apply(&mut app, &first);
    let mut all = vec![("How deep today?".to_string(), first)];
    let mut asked = Vec::new();
    loop {
        let id = focused_id(&app);
        assert!(!asked.contains(&id), "{id} asked twice");
        let answer = plan
            .answers
            .get(&id)
            .unwrap_or_else(|| panic!("{id}: no answer"));
        let keys = keys_for(&app, answer);
        let prompt = app.interview.focused().prompt.clone();
        apply(&mut app, &keys);
        assert_eq!(
            app.interview.session().answers.get(&id),
            Some(answer),
            "{id}"
        );
        all.push((prompt, keys));
        asked.push(id);
        if app
            .banner
            .as_ref()
            .is_some_and(|b| b.text.contains("last question"))
        {
            break;
        }
    }
    (asked, all, app)
}

#[test]
fn the_quick_path_of_an_example_is_twenty_questions_typed_in_one_go() {
    for name in ["churn-done-well.toml", "fraud-flawed.toml"] {
        let (asked, keys, app) = quick_path(name);
        let presses: usize = keys.iter().map(Press::count).sum();
        let typed: usize = keys
            .iter()
            .filter(|k| matches!(k, Press::Text(_)))
            .map(Press::count)
            .sum();
        println!(
            "{name}: {} questions, {presses} key presses ({typed} of them typing answers, {} \
             others)",
            asked.len(),
            presses - typed
        );
        assert!((15..=25).contains(&asked.len()), "{name}: {asked:?}");
        // The flawed example's privacy plan is "TBD with legal before launch.": typed in, it
        // stays an open question.
        let open: Vec<&str> = app
            .interview
            .open_required()
            .map(|q| q.id.as_str())
            .collect();
        let expected: &[&str] = if name == "fraud-flawed.toml" {
            &["privacy_plan"]
        } else {
            &[]
        };
        assert_eq!(open, expected, "{name}");
        let screens = snapshot_sizes!(
            format!("quick_last_question_{}", name.trim_end_matches(".toml")),
            &app,
            SIZES
        );
        assert_shown(&screens, "That was the quick kickoff's last question");
    }
}

/// The same keys in a real terminal: the file holds every answer of the quick path.
#[test]
#[ignore = "needs tmux: scripts/test.sh runs them"]
fn e2e_the_quick_path_typed_in_a_real_terminal() {
    let (asked, steps, expected) = quick_steps("churn-done-well.toml");
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(dir.path(), "new s.toml");
    // As a person types: each question seen before its answer (a question a condition has
    // just opened takes no key typed before it is shown).
    for (prompt, keys) in &steps {
        let start: String = prompt.chars().take(24).collect();
        t.wait_for(&start);
        for k in keys {
            match k.tmux() {
                (true, text) => t.text(&text),
                (false, name) => t.keys(&[name.as_str()]),
            }
        }
    }
    t.wait_for("That was the quick kickoff's last question");
    t.keys(&["C-q"]);
    t.wait_exit();
    let saved = Session::load(&dir.path().join("s.toml")).unwrap();
    assert_eq!(saved.depth, Depth::Quick);
    for id in &asked {
        assert_eq!(
            saved.answers.get(id),
            expected.interview.session().answers.get(id),
            "{id}"
        );
    }
    // `check` judges it as a quick session.
    let run = kickoff(dir.path(), &["check", "s.toml"]);
    assert!(run.stdout.contains("Quick kickoff: "), "{}", run.stdout);
    // `resume --full` lands where F4 would, and says so.
    drop(t);
    let t = Tmux::start(dir.path(), "resume --full s.toml");
    t.wait_for("Full interview: ");
    t.keys(&["C-q"]);
    t.wait_exit();
    let saved = Session::load(&dir.path().join("s.toml")).unwrap();
    assert_eq!(saved.depth, Depth::Full);
    assert_eq!(
        saved.answers.len(),
        expected.interview.session().answers.len()
    );
}

#[test]
fn a_section_the_quick_path_does_not_ask_says_why_nothing_happens() {
    let mut app = new_session();
    press(&mut app, key(KeyCode::Char('q')));
    let q = &app.interview.bundle().questionnaire;
    let later = (0..q.sections.len())
        .find(|&s| app.interview.first_in(s).is_none())
        .expect("a section with nothing on the quick path");
    let before = focused_id(&app);
    kickoff::tui::update(&mut app, kickoff::tui::Msg::GotoSection(later));
    assert_eq!(focused_id(&app), before);
    let banner = app.banner.clone().expect("a note").text;
    assert!(
        banner.contains("waits for the full interview: F4"),
        "{banner}"
    );
}
