//! The parsers return `Ok` or `Err` on any input, never panic: arbitrary strings, TOML-ish noise,
//! and random edits (deleted ranges, inserted characters) of the real files. A session that
//! still parses is also checked, reviewed, rendered and serialised, since those run on whatever
//! a user's file holds.

use crate::common;

use std::path::Path;

use kickoff::Bundle;
use kickoff::Critic;
use kickoff::Scorecard;
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
            let mut s = Session::new(&b.questionnaire);
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

/// Parses a session and, if it parses, does everything `check` and `render` do with it.
fn session(src: &str) {
    let Ok(session) = Session::from_str(src, Path::new("s.toml")) else {
        return;
    };
    BUNDLE.with(|b| {
        let _ = session.problems(&b.questionnaire);
        let review = b.review(&session.answers);
        let _ = kickoff::render_doc(b, &session, &review, None);
        let text = session.to_toml(Some(&b.questionnaire));
        let again = Session::from_str(&text, Path::new("again.toml"))
            .unwrap_or_else(|e| panic!("a saved session does not load: {e}\n{text}"));
        // Compared as text: NaN is a valid TOML answer and never equals itself.
        assert_eq!(
            format!("{:?}", (&again.answers, &again.extra)),
            format!("{:?}", (&session.answers, &session.extra)),
            "answers and unknown keys survive a save"
        );
    });
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
