//! The parsers return `Ok` or `Err` on any input, never panic: arbitrary strings, TOML-ish noise,
//! and random edits (deleted ranges, inserted characters) of the real files. A session that
//! still parses is also checked, reviewed, rendered, and saved and read back the way the
//! interview saves and opens its file, since those run on whatever a user's file holds; so are
//! arbitrary answers typed into a real session.

use crate::common;

use std::path::Path;

use kickoff::store::{Saved, Store};
use kickoff::workspace::{Open, open_for_writing};
use kickoff::{Answer, Bundle, Cell, Critic, Row, Scorecard};
use kickoff::{Questionnaire, Session};
use proptest::prelude::*;

const QUESTIONNAIRE: &str = include_str!("../../questionnaires/ml-experiment.toml");
const RULES: &str = include_str!("../../questionnaires/ml-experiment.rules.toml");
const SCORE: &str = include_str!("../../questionnaires/ml-experiment.score.toml");
const MINI_RULES: &str = include_str!("../fixtures/mini.rules.toml");

thread_local! {
    static BUNDLE: Bundle = common::builtin();
}

/// A real session: an example if there is one, else a small one made here.
fn session_text() -> String {
    let dir = common::root().join("examples");
    let example = std::fs::read_dir(&dir).ok().and_then(|entries| {
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        paths.first().map(|p| common::read(p))
    });
    example.unwrap_or_else(|| {
        BUNDLE.with(|b| {
            let mut s = Session::new_at(&b.questionnaire, &kickoff::clock::now());
            s.set("project_name", Some(kickoff::Answer::Text("P".into())));
            s.set("task", Some(kickoff::Answer::Text("classification".into())));
            s.set("positive_rate", Some(kickoff::Answer::Number(0.1)));
            s.set(
                "baselines",
                Some(kickoff::Answer::List(vec!["constant".into()])),
            );
            s.to_toml(None)
        })
    })
}

/// Applies edits: at a position (modulo the length), delete up to `del` bytes, insert `ins`.
fn mutate(text: &str, edits: &[(usize, usize, String)]) -> String {
    let mut s = text.to_string();
    for (at, del, ins) in edits {
        let start = s.floor_char_boundary(at % (s.len() + 1));
        let end = s.floor_char_boundary((start + del).min(s.len()));
        s.replace_range(start..end, ins);
    }
    s
}

fn edits() -> impl Strategy<Value = Vec<(usize, usize, String)>> {
    prop::collection::vec(
        (
            any::<usize>(),
            prop_oneof![0usize..4, 0usize..200],
            prop_oneof![
                Just(String::new()),
                "[\\[\\]{}=\"'\\\\,.#\n a-z0-9_-]{0,12}",
                any::<String>().prop_map(|s| s.chars().take(8).collect()),
            ],
        ),
        1..6,
    )
}

/// Noise made of the characters TOML and minijinja care about.
fn tomlish() -> impl Strategy<Value = String> {
    "[\\[\\]{}()=\"'\\\\,.#:<>|%*+\n\t a-z0-9_-]{0,300}"
}

fn questionnaire(src: &str) {
    let _ = Questionnaire::from_str(src, Path::new("q.toml"));
}

fn rule_pack(src: &str) {
    BUNDLE.with(|b| {
        let mut critic = Critic::default();
        if critic
            .add_pack(src, Path::new("r.toml"), &b.questionnaire)
            .is_ok()
        {
            let _ = critic.run_cases(&b.questionnaire);
            let _ = critic.run(&b.questionnaire, &Default::default());
        }
    });
}

fn scorecard(src: &str) {
    BUNDLE.with(|b| {
        if let Ok(card) = Scorecard::from_str(src, Path::new("s.toml"), &b.questionnaire) {
            let _ = card.score(&Default::default());
        }
    });
}

/// Parses a session and, if it parses, does everything `check` and `render` do with it, then
/// saves it through a store over the file it was read from (patched, written atomically, as
/// every save of kickoff's is) and reads it back through a new one: the answers and unknown
/// keys are the same.
fn session(src: &str) {
    let Ok(session) = Session::from_str(src, Path::new("s.toml")) else {
        return;
    };
    BUNDLE.with(|b| {
        let _ = session.problems(&b.questionnaire);
        let review = b.review(&session.answers);
        let _ = kickoff::render_doc(b, &session, &review, None);
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, src).unwrap();
    let (mut store, mut ours) = Store::open(&path, None).expect("it parsed above");
    ours.updated = "2026-12-07T10:00:00Z".into();
    assert_eq!(store.save(&ours).expect("saved"), Saved::Written);
    let text = common::read(&path);
    let (_, again) = Store::open(&path, None)
        .unwrap_or_else(|e| panic!("a saved session does not load: {e}\n{text}"));
    assert_same_answers(&again, &ours);
    assert_eq!(
        format!("{:?}", again.extra),
        format!("{:?}", ours.extra),
        "unknown keys survive a save"
    );
}

/// The same questions answered, each the same: equal, or (NaN, a valid TOML answer that never
/// equals itself) the same as text.
fn assert_same_answers(saved: &Session, ours: &Session) {
    let ids = |s: &Session| s.answers.keys().cloned().collect::<Vec<_>>();
    assert_eq!(ids(saved), ids(ours), "the same questions answered");
    for (id, a) in &ours.answers {
        let b = &saved.answers[id];
        assert!(
            a == b || format!("{a:?}") == format!("{b:?}"),
            "{id}: saved {a:?}, read back {b:?}"
        );
    }
}

/// Any answer of any shape a question kind stores (NaN, control characters, blank lines and
/// TOML's own syntax included).
fn answer() -> impl Strategy<Value = Answer> {
    let text = prop_oneof![any::<String>(), tomlish()];
    // The grid stores a column once, no blank cell (one is no cell), and no row of none.
    let cell = prop_oneof![
        any::<String>()
            .prop_filter("a blank cell is none", |s| !s.trim().is_empty())
            .prop_map(Cell::Text),
        any::<f64>().prop_map(Cell::Number),
        any::<bool>().prop_map(Cell::Bool),
    ];
    let row = prop::collection::btree_map("[a-z_]{1,8}", cell, 1..4)
        .prop_map(|cells| Row(cells.into_iter().collect()));
    prop_oneof![
        text.clone().prop_map(Answer::Text),
        any::<f64>().prop_map(Answer::Number),
        any::<bool>().prop_map(Answer::Bool),
        prop::collection::vec(text, 0..4).prop_map(Answer::List),
        prop::collection::vec(row, 0..3).prop_map(Answer::Records),
    ]
}

/// Answers typed into a real session (set, replaced or cleared), on its questions or on ids
/// the questionnaire does not have.
fn answer_changes() -> impl Strategy<Value = Vec<(String, Option<Answer>)>> {
    let ids: Vec<String> =
        BUNDLE.with(|b| b.questionnaire.questions().map(|q| q.id.clone()).collect());
    let id = prop_oneof![
        4 => prop::sample::select(ids),
        1 => "[a-z_]{1,12}",
    ];
    prop::collection::vec((id, prop::option::weighted(0.9, answer())), 1..8)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn questionnaire_on_any_string(s in any::<String>()) {
        questionnaire(&s);
    }

    #[test]
    fn questionnaire_on_tomlish_noise(s in tomlish()) {
        questionnaire(&s);
    }

    #[test]
    fn questionnaire_on_edits_of_the_real_one(e in edits()) {
        questionnaire(&mutate(QUESTIONNAIRE, &e));
    }

    #[test]
    fn session_on_any_string(s in any::<String>()) {
        session(&s);
    }

    #[test]
    fn session_on_tomlish_noise(s in tomlish()) {
        session(&s);
    }

    #[test]
    fn session_on_edits_of_a_real_one(e in edits()) {
        session(&mutate(&session_text(), &e));
    }

    #[test]
    fn rule_pack_on_any_string(s in any::<String>()) {
        rule_pack(&s);
    }

    #[test]
    fn rule_pack_on_edits_of_the_real_ones(e in edits(), mini in any::<bool>()) {
        let base = if mini || RULES.len() < 200 {
            MINI_RULES.replace("\"mini\"", "\"ml-experiment\"")
                .replace("metrics", "primary_metric")
        } else {
            RULES.to_string()
        };
        rule_pack(&mutate(&base, &e));
    }

    #[test]
    fn scorecard_on_any_string(s in tomlish()) {
        scorecard(&s);
    }

    #[test]
    fn scorecard_on_edits_of_the_real_one(e in edits()) {
        scorecard(&mutate(SCORE, &e));
    }
}

proptest! {
    // Each case writes, locks and reads a whole session file twice.
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The interview's whole save path: the file opened for writing (lock, store), answers
    /// changed, saved through the store (the file patched, written atomically), then opened
    /// again as `kickoff resume` opens it: the answers are the ones saved.
    #[test]
    fn answers_survive_the_interviews_save_and_resume(changes in answer_changes()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, session_text()).unwrap();
        let (bundle, mut ours, mut store, _) =
            open_for_writing(None, &path, Open::Resume, "the test").expect("opens");
        for (id, answer) in changes {
            ours.set(&id, answer);
        }
        // An answer of a shape its question does not take (text for a table) is converted
        // when a file is opened, with a note: the interview only ever holds converted ones.
        ours.upgrade(&bundle.questionnaire);
        ours.updated = "2026-12-07T10:00:00Z".into();
        let saved = store.save(&ours).expect("saved");
        prop_assert_eq!(saved, Saved::Written);
        drop(store); // the lock goes with it, as when the interview ends
        let text = common::read(&path);
        let (_, again, _, _) = open_for_writing(None, &path, Open::Resume, "the test")
            .unwrap_or_else(|e| panic!("a saved session does not open: {e}\n{text}"));
        assert_same_answers(&again, &ours);
    }
}

#[test]
fn the_unmutated_files_parse() {
    Questionnaire::from_str(QUESTIONNAIRE, Path::new("q.toml")).expect("questionnaire");
    BUNDLE.with(|b| {
        Critic::default()
            .add_pack(RULES, Path::new("r.toml"), &b.questionnaire)
            .expect("rules");
        Scorecard::from_str(SCORE, Path::new("s.toml"), &b.questionnaire).expect("score");
    });
    Session::from_str(&session_text(), Path::new("s.toml")).expect("session");
    session(&session_text());
}

#[test]
fn odd_but_valid_sessions_survive_a_save() {
    for extra in [
        // Unknown top-level keys of every shape, before and after the answers.
        "zzz_value = 1\nzzz_list = [1, \"a\"]\nzzz_date = 1979-05-27T07:32:00Z\n",
        "[zzz_table]\nk = \"v\"\n[zzz_table.inner]\nn = 2\n",
        "[[zzz_array]]\nk = 1\n[[zzz_array]]\nk = 2\n",
    ] {
        let text = format!(
            "questionnaire = \"ml-experiment\"\nquestionnaire_version = \"1\"\n\
             created = \"x\"\nupdated = \"y\"\n{extra}\n[answers]\n\
             odd = {{ a = [1, {{ b = 2 }}] }}\nwhen = 1979-05-27\nmixed = [1, \"two\"]\n\
             nan = nan\ninf = -inf\nempty = []\nblank = \"  \"\n"
        );
        session(&text);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("x = {}{}\n", "[".repeat(50_000), "]".repeat(50_000));
    questionnaire(&deep);
    session(&deep);
    rule_pack(&deep);
    scorecard(&deep);
    let tables = format!("x = {}1{}\n", "{a=".repeat(50_000), "}".repeat(50_000));
    session(&tables);
}
